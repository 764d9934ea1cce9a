// Message text as DOM: mentions (<@id>, <@&role>, <#channel>, @everyone, @here) become highlighted names; the
// rest stays plain text. Also times and avatars.
import { h } from './dom.js';
import { displayName } from './store/model.js';

const TOKENS = /<@!?(\d+)>|<@&(\d+)>|<#(\d+)>|@everyone|@here/g;

export function renderContent(store, text, guildId) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(TOKENS)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const [whole, userId, roleId, channelId] = match;
    if (userId) {
      const me = store.me && userId === store.me.id;
      out.push(h('span', { class: me ? 'mention me' : 'mention' }, '@' + displayName(store, userId, guildId)));
    } else if (roleId) {
      const role = store.guilds.get(guildId)?.roles.get(roleId);
      out.push(h('span', { class: 'mention' }, '@' + (role ? role.name : 'role')));
    } else if (channelId) {
      const c = store.channels.get(channelId);
      out.push(h('span', { class: 'mention' }, '#' + (c ? c.name : 'channel')));
    } else {
      out.push(h('span', { class: 'mention' }, whole));
    }
    last = match.index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function formatTime(iso) {
  const t = new Date(iso);
  const time = t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return t.toDateString() === new Date().toDateString() ? time : `${t.toLocaleDateString()} ${time}`;
}

export function avatar(user, size = 'small') {
  const name = (user && (user.global_name || user.username)) || '?';
  if (user && typeof user.avatar === 'string' && /^https?:\/\//.test(user.avatar))
    return h('img', { class: `avatar ${size}`, src: user.avatar, alt: '', referrerpolicy: 'no-referrer' });
  const hue = user && user.id ? Number(BigInt(user.id) % 360n) : 220;
  return h('span', { class: `avatar ${size} hue-${Math.floor(hue / 30)}`, 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
}

export function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join('');
}
