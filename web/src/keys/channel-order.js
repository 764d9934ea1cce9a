// The sidebar's order of channels (a guild's text channels under their categories, or the DMs, the most recently
// active first) and the steps through it that Alt+Up/Down (and Alt+Shift+Up/Down, to the unread ones) take.
import { CATEGORY, isUnread, newer, sortedDms, TEXT } from '../store/model.js';

/** The channels the sidebar lists for the open guild (null: the DMs), top to bottom. */
export function sidebarChannels(store, guildId = store.view.guildId) {
  if (guildId === null) return sortedDms(store);
  const g = store.guilds.get(guildId);
  if (!g) return [];
  const all = [...g.channels.values()].sort((a, b) => a.position - b.position || (newer(a.id, b.id) ? 1 : -1));
  const text = all.filter((c) => c.type === TEXT);
  const groups = [null, ...all.filter((c) => c.type === CATEGORY).map((c) => c.id)];
  return groups.flatMap((id) => text.filter((c) => (c.parent_id || null) === id));
}

/** The channel dir (+1 down, -1 up) steps from the open one: the next in the list (stopping at its ends), or with
 * unread the next unread one (going round the list); null when there is none. */
export function stepChannel(store, dir, { unread = false } = {}) {
  const list = sidebarChannels(store);
  if (!list.length) return null;
  const at = list.findIndex((c) => c.id === store.view.channelId);
  if (!unread) {
    const next = at < 0 ? (dir > 0 ? 0 : list.length - 1) : at + dir;
    return next >= 0 && next < list.length && next !== at ? list[next] : null;
  }
  for (let i = 1; i <= list.length; i++) {
    const c = list[(((at + dir * i) % list.length) + list.length) % list.length];
    if (c.id !== store.view.channelId && isUnread(c)) return c;
  }
  return null;
}
