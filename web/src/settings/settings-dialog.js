// The settings dialog: display name and avatar URL (empty clears them).
import { dialog, field } from '../dialog.js';

export function openSettingsDialog({ store, actions }) {
  dialog(
    'Settings',
    [
      field('Display name', 'global_name', { value: store.me.global_name || '', required: false, maxlength: 32 }),
      field('Avatar URL (https://…)', 'avatar', { type: 'url', value: store.me.avatar || '', required: false }),
    ],
    {
      submitLabel: 'Save',
      onSubmit: (form) =>
        actions.saveSettings({ globalName: String(form.get('global_name')).trim(), avatarUrl: String(form.get('avatar')).trim() }),
    },
  );
}
