// The dialog that creates a text channel in the open guild (and opens it).
import { dialog, field } from '../dialog.js';

export function openCreateChannelDialog({ store, actions }) {
  const guildId = store.view.guildId;
  dialog('Create a channel', field('Channel name', 'name', { maxlength: 100 }), {
    submitLabel: 'Create',
    onSubmit: (form) => actions.createChannel(guildId, form.get('name')),
  });
}
