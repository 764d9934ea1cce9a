// Message text as DOM: mentions (<@id>, <@&role>, <#channel>, @everyone, @here) become highlighted names and
// custom emoji (<:name:id>, <a:name:id>) their images; the rest stays plain text. Also times and avatars.
import { h } from './dom.js';
import { avatarUrl, emojiUrl } from './media/cdn.js';
import { displayName } from './store/model.js';

const TOKENS = /<@!?(\d+)>|<@&(\d+)>|<#(\d+)>|<(a?):(\w{2,32}):(\d{1,20})>|@everyone|@here/g;

/** A custom emoji as an image named :name: (its text when the id is not one). */
export function customEmoji(id, name, animated, size = 'inline') {
  const src = emojiUrl(id, animated, size === 'big' ? 48 : 22);
  if (!src) return `:${name}:`;
  return h('img', { class: `emoji ${size}`, src, alt: `:${name}:`, title: `:${name}:`, draggable: 'false' });
}

export function renderContent(store, text, guildId) {
  const out = [];
  // A message of nothing but custom emoji shows them large, as Discord does.
  const big = /^(\s*<a?:\w{2,32}:\d{1,20}>)+\s*$/.test(text) && text.split('<').length <= 28;
  let last = 0;
  for (const match of text.matchAll(TOKENS)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const [whole, userId, roleId, channelId, animated, emojiName, emojiId] = match;
    if (emojiId) {
      out.push(customEmoji(emojiId, emojiName, animated === 'a', big ? 'big' : 'inline'));
    } else if (userId) {
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

const AVATAR_PX = { tiny: 24, small: 32, large: 80 };

/** The user's avatar (their default one from the CDN without one); decorative, the name is beside it. */
export function avatar(user, size = 'small') {
  return h('img', {
    class: `avatar ${size}`,
    src: avatarUrl(user, AVATAR_PX[size] || 32),
    alt: '',
    width: AVATAR_PX[size] || 32,
    height: AVATAR_PX[size] || 32,
    referrerpolicy: 'no-referrer',
    draggable: 'false',
    dataset: user && user.id ? { user: user.id, px: AVATAR_PX[size] || 32 } : undefined,
  });
}

/** Points every avatar of userId on the page at the user's avatar now (after USER_UPDATE or a member update). */
export function refreshAvatars(store, userId) {
  const user = store.users.get(userId);
  if (!user) return;
  for (const img of document.querySelectorAll(`img.avatar[data-user="${CSS.escape(userId)}"]`)) {
    const src = avatarUrl(user, Number(img.dataset.px) || 32);
    if (img.getAttribute('src') !== src) img.setAttribute('src', src);
  }
}

export function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join('');
}
