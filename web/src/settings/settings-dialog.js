// The settings dialog: display name (empty clears it) and avatar (a picture sent as a data URI, or removed).
import { dialog, field } from '../dialog.js';
import { avatarUrl } from '../media/cdn.js';
import { imageField } from './image-field.js';

export function openSettingsDialog({ store, actions }) {
  const picture = imageField('Avatar', store.me.avatar ? avatarUrl(store.me, 80) : null);
  dialog('Settings', [field('Display name', 'global_name', { value: store.me.global_name || '', required: false, maxlength: 32 }), picture.el], {
    submitLabel: 'Save',
    onSubmit: async (form) => actions.saveSettings({ globalName: String(form.get('global_name')).trim(), avatar: await picture.value() }),
  });
}
