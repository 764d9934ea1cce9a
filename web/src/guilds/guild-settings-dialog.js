// The dialog where a guild's owner or manager sets its icon (a picture sent as a data URI, or removed).
import { dialog } from '../dialog.js';
import { guildIconUrl } from '../media/cdn.js';
import { imageField } from '../settings/image-field.js';

export function openGuildSettingsDialog({ store, actions }, guildId) {
  const g = store.guilds.get(guildId);
  if (!g) return;
  const picture = imageField('Server icon', guildIconUrl(g.guild, 80), 'guild-icon large');
  dialog(`Edit ${g.guild.name}`, picture.el, {
    submitLabel: 'Save',
    onSubmit: async () => {
      const icon = await picture.value();
      if (icon !== undefined) await actions.saveGuildIcon(guildId, icon);
    },
  });
}
