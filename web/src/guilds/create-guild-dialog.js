// The dialog that creates a server (opened as soon as its GUILD_CREATE arrives).
import { dialog, field } from '../dialog.js';

export function openCreateGuildDialog({ store, actions }) {
  dialog('Create a server', field('Server name', 'name', { maxlength: 100, value: `${store.me.global_name || store.me.username}'s server` }), {
    submitLabel: 'Create',
    onSubmit: (form) => actions.createGuild(form.get('name')),
  });
}
