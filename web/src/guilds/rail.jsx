// The server rail: the DMs (with the count of messages waiting in them), one button per guild with its unread
// mark and mention badge, and the buttons that create or join a server. Up and Down move among them. A guild's
// menu (right click, or the context menu key) marks it read without opening it.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { initials } from '../content.js';
import { guildIconUrl } from '../media/cdn.js';
import { dmMentions, dmUnread, guildMentions, guildUnread } from '../store/model.js';
import { useNotices } from '../ui/hooks.js';
import { arrowKeys } from '../ui/keys.js';
import { openCreateGuildDialog } from './create-guild-dialog.jsx';
import { openJoinDialog } from './join-dialog.jsx';
import { guildMuted } from '../notify/settings.js';
import { openNotifyDialog } from '../notify/notify-dialog.jsx';

const onKeyDown = arrowKeys('button');

/** The button's name: the label, "(unread)" when it is, then its mentions. */
function named(label, unread, mentions) {
  const marked = unread || mentions ? `${label} (unread)` : label;
  return mentions ? `${marked}, ${mentions} mention${mentions > 1 ? 's' : ''}` : marked;
}

function RailButton({ id, label, active, unread, mentions = 0, onClick, onContextMenu, extra = '', children }) {
  return (
    <button
      class={`rail-item${active ? ' active' : ''}${unread ? ' unread' : ''}${extra}`}
      title={label}
      aria-current={active ? 'page' : undefined}
      data-key={id}
      aria-haspopup={onContextMenu ? 'menu' : undefined}
      onClick={onClick}
      onContextMenu={onContextMenu}
    >
      {/* The initials or the icon only picture the name, which is the button's (hidden) text. */}
      <span class="rail-face" aria-hidden="true">
        {children}
      </span>
      <span class="sr-only">{named(label, unread, mentions)}</span>
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

/** A guild's menu beside its rail button: Escape, a click elsewhere or the focus leaving it closes it. */
function GuildMenu({ ctx, menu, onClose }) {
  const ref = useRef(null);
  const g = ctx.store.guilds.get(menu.guildId);
  const unread = guildUnread(ctx.store, menu.guildId);
  useLayoutEffect(() => ref.current.querySelector('[role=menuitem]').focus(), []);
  useEffect(() => {
    const away = (e) => !ref.current.contains(e.target) && onClose(false);
    document.addEventListener('pointerdown', away, true);
    return () => document.removeEventListener('pointerdown', away, true);
  }, []);
  if (!g) return null;
  const onKeyDown = (e) => {
    e.stopPropagation(); // the rail's arrow keys and a drawer's Escape stay out of the menu
    if (e.key !== 'Escape' && e.key !== 'Tab') return;
    if (e.key === 'Escape') e.preventDefault();
    onClose(e.key === 'Escape');
  };
  const markRead = () => {
    if (!unread) return;
    ctx.actions.markGuildRead(menu.guildId);
    onClose(true);
  };
  return (
    <div class="rail-menu" role="menu" aria-label={g.guild.name} ref={ref} onKeyDown={onKeyDown} style={{ left: `${menu.x}px`, top: `${menu.y}px` }}>
      <button type="button" role="menuitem" aria-disabled={unread ? undefined : 'true'} onClick={markRead}>
        Mark as read
      </button>
      <button type="button" role="menuitem" onClick={() => (onClose(false), openNotifyDialog(ctx, { guildId: menu.guildId }))}>
        Notification settings
      </button>
    </div>
  );
}

export function Rail({ ctx }) {
  const { store, actions } = ctx;
  useNotices(store, ['view', 'guild', 'channel', 'dms', 'unread']);
  const [menu, setMenu] = useState(null); // {guildId, x, y, opener} of the open guild menu
  const openMenu = (guildId) => (e) => {
    e.preventDefault();
    const box = e.currentTarget.getBoundingClientRect();
    setMenu({ guildId, x: Math.round(box.right + 8), y: Math.round(box.top), opener: e.currentTarget });
  };
  const closeMenu = (refocus) => {
    if (refocus && menu.opener.isConnected) menu.opener.focus();
    setMenu(null);
  };
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
          unread={!guildMuted(store, g.guild.id) && guildUnread(store, g.guild.id)}
          mentions={guildMentions(store, g.guild.id)}
          onClick={() => actions.select(g.guild.id)}
          onContextMenu={openMenu(g.guild.id)}
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
      {menu ? <GuildMenu ctx={ctx} menu={menu} onClose={closeMenu} /> : null}
    </nav>
  );
}
