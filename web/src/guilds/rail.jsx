// The server rail: the DMs (with the count of messages waiting in them), one button per guild with its unread
// mark and mention badge, and the buttons that create or join a server. Up and Down move among them.
import { initials } from '../content.js';
import { guildIconUrl } from '../media/cdn.js';
import { dmMentions, dmUnread, guildMentions, guildUnread } from '../store/model.js';
import { useNotices } from '../ui/hooks.js';
import { arrowKeys } from '../ui/keys.js';
import { openCreateGuildDialog } from './create-guild-dialog.jsx';
import { openJoinDialog } from './join-dialog.jsx';

const onKeyDown = arrowKeys('button');

/** The button's name: the label, "(unread)" when it is, then its mentions. */
function named(label, unread, mentions) {
  const marked = unread || mentions ? `${label} (unread)` : label;
  return mentions ? `${marked}, ${mentions} mention${mentions > 1 ? 's' : ''}` : marked;
}

function RailButton({ id, label, active, unread, mentions = 0, onClick, extra = '', children }) {
  return (
    <button
      class={`rail-item${active ? ' active' : ''}${unread ? ' unread' : ''}${extra}`}
      aria-label={named(label, unread, mentions)}
      title={label}
      aria-current={active ? 'page' : undefined}
      data-key={id}
      onClick={onClick}
    >
      {children}
      {mentions ? (
        <span class="badge rail-badge" aria-hidden="true">
          {mentions > 99 ? '99+' : mentions}
        </span>
      ) : null}
    </button>
  );
}

/** The guild's icon from the CDN, else its initials. */
function GuildIcon({ guild }) {
  const src = guildIconUrl(guild, 48);
  return src ? <img class="guild-icon" src={src} alt="" width={48} height={48} /> : initials(guild.name) || '?';
}

export function Rail({ ctx }) {
  const { store, actions } = ctx;
  useNotices(store, ['view', 'guild', 'channel', 'dms', 'unread']);
  return (
    <nav class="rail" aria-label="Servers" onKeyDown={onKeyDown}>
      <RailButton
        id="@me"
        label="Direct messages"
        active={store.view.guildId === null}
        unread={dmUnread(store)}
        mentions={dmMentions(store)}
        onClick={() => actions.select(null)}
      >
        ✉
      </RailButton>
      <hr />
      {[...store.guilds.values()].map((g) => (
        <RailButton
          key={g.guild.id}
          id={g.guild.id}
          label={g.guild.name}
          active={store.view.guildId === g.guild.id}
          unread={guildUnread(store, g.guild.id)}
          mentions={guildMentions(store, g.guild.id)}
          onClick={() => actions.select(g.guild.id)}
        >
          <GuildIcon guild={g.guild} />
        </RailButton>
      ))}
      <RailButton id="+create" label="Create a server" extra=" action" onClick={() => openCreateGuildDialog(ctx)}>
        +
      </RailButton>
      <RailButton id="+join" label="Join a server" extra=" action" onClick={() => openJoinDialog(ctx, '')}>
        ↪
      </RailButton>
    </nav>
  );
}
