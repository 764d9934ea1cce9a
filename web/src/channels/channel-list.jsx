// A guild's side of the sidebar: its icon and name with the mark-as-read (while one of its channels is unread),
// edit (for its managers), invite and create-channel buttons, and its text channels grouped under their
// categories.
import { openGuildSettings } from '../settings/guild/guild-settings.jsx';
import { openInviteDialog } from '../guilds/invite-dialog.jsx';
import { guildIconUrl } from '../media/cdn.js';
import { canManageGuild, CATEGORY, guildUnread, newer, TEXT } from '../store/model.js';
import { ChannelButton } from './channel-button.jsx';
import { openCreateChannelDialog } from './create-channel-dialog.jsx';
import { NotifyButton } from '../notify/notify-dialog.jsx';

export function ChannelListHead({ ctx, g }) {
  const icon = guildIconUrl(g.guild, 24);
  return (
    <>
      {icon ? <img class="guild-icon tiny" src={icon} alt="" /> : null}
      <h1>{g.guild.name}</h1>
      {guildUnread(ctx.store, g.guild.id) ? (
        <button class="icon" title="Mark as read" aria-label="Mark server as read" onClick={() => ctx.actions.markGuildRead(g.guild.id)}>
          ✓
        </button>
      ) : null}
      {canManageGuild(ctx.store, g.guild.id) ? (
        <button class="icon" title="Edit server" aria-label="Edit server" onClick={() => openGuildSettings(ctx, g.guild.id)}>
          ✎
        </button>
      ) : null}
      <button class="small" title="Invite people" aria-label="Invite people" onClick={() => openInviteDialog(ctx)}>
        Invite
      </button>
      <NotifyButton ctx={ctx} target={{ guildId: g.guild.id }} label="Server notifications" />
      <button class="icon" title="Create channel" aria-label="Create channel" onClick={() => openCreateChannelDialog(ctx)}>
        #+
      </button>
    </>
  );
}

export function ChannelList({ ctx, g }) {
  const all = [...g.channels.values()].sort((a, b) => a.position - b.position || (newer(a.id, b.id) ? 1 : -1));
  const text = all.filter((c) => c.type === TEXT);
  const groups = [{ id: null, name: null }, ...all.filter((c) => c.type === CATEGORY)].map((cat) => ({
    cat,
    items: text.filter((c) => (c.parent_id || null) === cat.id),
  }));
  return groups.map((gr) => (
    <div key={gr.cat.id || '-'} class="channel-group">
      {gr.cat.id ? (
        <h2 class="category" id={`cat-${gr.cat.id}`}>
          {gr.cat.name}
        </h2>
      ) : null}
      {gr.items.length ? (
        <ul aria-labelledby={gr.cat.id ? `cat-${gr.cat.id}` : undefined}>
          {gr.items.map((c) => (
            <ChannelButton key={c.id} ctx={ctx} channel={c} label={`#${c.name}`} />
          ))}
        </ul>
      ) : null}
    </div>
  ));
}
