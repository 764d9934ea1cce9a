// What the quick switcher offers: every DM, guild and guild channel one can open, and the ones matching what
// was typed (a leading # keeps channels, @ DMs, * guilds), the unread ones first while nothing is typed.
import { dmName, isUnread, sortedDms, TEXT } from '../store/model.js';
import { sidebarChannels } from './channel-order.js';
import { fuzzyFilter } from './fuzzy.js';

const KINDS = { '#': 'channel', '@': 'dm', '*': 'guild' };

/** Everything one can switch to: DMs, then each guild and its channels in the sidebar's order. */
export function switcherItems(store) {
  const items = sortedDms(store).map((c) => ({ key: c.id, kind: 'dm', label: dmName(store, c), detail: 'Direct message', unread: isUnread(c), guildId: null, channelId: c.id }));
  for (const g of store.guilds.values()) {
    const channels = sidebarChannels(store, g.guild.id);
    const unread = [...g.channels.values()].some((c) => c.type === TEXT && isUnread(c));
    items.push({ key: g.guild.id, kind: 'guild', label: g.guild.name, detail: 'Server', unread, guildId: g.guild.id, channelId: null });
    for (const c of channels) items.push({ key: c.id, kind: 'channel', label: c.name, detail: g.guild.name, unread: isUnread(c), guildId: g.guild.id, channelId: c.id });
  }
  return items;
}

/** The results for query: the unread ones first when it is empty. */
export function switcherResults(items, query) {
  let q = query.trim();
  let pool = items;
  const kind = KINDS[q[0]];
  if (kind) {
    pool = items.filter((i) => i.kind === kind);
    q = q.slice(1).trim();
  }
  if (!q) pool = [...pool.filter((i) => i.unread), ...pool.filter((i) => !i.unread)];
  return fuzzyFilter(pool, q, 30);
}
