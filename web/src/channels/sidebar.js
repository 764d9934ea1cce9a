// The sidebar: the open guild's channels (or the DMs), and one's own panel below them. Up and Down move among
// the channels.
import { arrowKeys, h } from '../dom.js';
import { renderDmList } from '../dms/dm-list.js';
import { createMePanel } from '../settings/me-panel.js';
import { renderChannelList } from './channel-list.js';

export function createSidebar(ctx) {
  const { store } = ctx;
  const head = h('header', { class: 'side-head' });
  const list = h('nav', { class: 'channels', 'aria-label': 'Channels' });
  arrowKeys(list, 'button.channel');
  const render = () => {
    if (store.view.guildId === null) return renderDmList(ctx, head, list);
    const g = store.guilds.get(store.view.guildId);
    if (g) renderChannelList(ctx, g, head, list);
  };
  const open = (guildId) => guildId === store.view.guildId;
  store.on(['view', 'unread'], render);
  store.on('guild', (id) => open(id) && render());
  store.on('channel', (c) => open(c.guild_id || null) && render());
  store.on('dms', () => open(null) && render());
  return h('aside', { class: 'sidebar' }, head, list, createMePanel(ctx));
}
