// The server rail: the DMs, one button per guild (marked when one of its channels is unread), and the buttons
// that create or join a server. Up and Down move among them.
import { initials } from '../content.js';
import { arrowKeys, h, replaceChildren } from '../dom.js';
import { guildIconUrl } from '../media/cdn.js';
import { isUnread, TEXT } from '../store/model.js';
import { openCreateGuildDialog } from './create-guild-dialog.js';
import { openJoinDialog } from './join-dialog.js';
import { channelMuted, guildMuted } from '../notify/settings.js';

function railButton(key, label, text, { active, unread, onClick, extra = '' }) {
  return h(
    'button',
    {
      class: `rail-item${active ? ' active' : ''}${unread ? ' unread' : ''}${extra}`,
      'aria-label': unread ? `${label} (unread)` : label,
      title: label,
      'aria-current': active ? 'page' : null,
      dataset: { key },
      onClick,
    },
    text,
  );
}

/** The guild's icon from the CDN, else its initials. */
function guildIcon(guild) {
  const src = guildIconUrl(guild, 48);
  return src ? h('img', { class: 'guild-icon', src, alt: '', width: 48, height: 48 }) : initials(guild.name) || '?';
}

export function createRail(ctx) {
  const { store, actions } = ctx;
  const el = h('nav', { class: 'rail', 'aria-label': 'Servers' });
  arrowKeys(el, 'button');
  const render = () => {
    const guilds = [...store.guilds.values()].map((g) =>
      railButton(g.guild.id, g.guild.name, guildIcon(g.guild), {
        active: store.view.guildId === g.guild.id,
        unread: !guildMuted(store, g.guild.id) && [...g.channels.values()].some((c) => c.type === TEXT && isUnread(c) && !channelMuted(store, c)),
        onClick: () => actions.select(g.guild.id),
      }),
    );
    const dmUnread = [...store.channels.values()].some((c) => !c.guild_id && isUnread(c) && !channelMuted(store, c));
    replaceChildren(
      el,
      railButton('@me', 'Direct messages', '✉', { active: store.view.guildId === null, unread: dmUnread, onClick: () => actions.select(null) }),
      h('hr'),
      guilds,
      railButton('+create', 'Create a server', '+', { onClick: () => openCreateGuildDialog(ctx), extra: ' action' }),
      railButton('+join', 'Join a server', '↪', { onClick: () => openJoinDialog(ctx, ''), extra: ' action' }),
    );
  };
  store.on(['view', 'guild', 'channel', 'dms', 'unread'], render);
  return el;
}
