// The dialog where a guild's owner or manager sets its icon (a picture sent as a data URI, or removed).
import { guildIconUrl } from '../media/cdn.js';
import { imageField } from '../settings/image-field.js';
import { Dialog, openDialog } from '../ui/dialog.jsx';
import { Mount } from '../ui/mount.jsx';

export function openGuildSettingsDialog(ctx, guildId) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  if (!g) return;
  const picture = imageField('Server icon', guildIconUrl(g.guild, 80), 'guild-icon large');
  const save = async () => {
    const icon = await picture.value();
    if (icon !== undefined) await actions.saveGuildIcon(guildId, icon);
  };
  openDialog(
    (close) => (
      <Dialog title={`Edit ${g.guild.name}`} submitLabel="Save" onClose={close} onSubmit={save}>
        <Mount make={() => picture.el} />
      </Dialog>
    ),
    ctx,
  );
}
