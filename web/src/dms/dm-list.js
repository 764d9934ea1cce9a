// The DMs' side of the sidebar: the conversations, the most recently active first.
import { channelButton } from '../channels/channel-button.js';
import { h, replaceChildren } from '../dom.js';
import { dmName, sortedDms } from '../store/model.js';

/** Draws the DM list into the sidebar's head and list. */
export function renderDmList(ctx, head, list) {
  const dms = sortedDms(ctx.store);
  replaceChildren(head, h('h1', {}, 'Direct messages'));
  replaceChildren(
    list,
    dms.length ? h('ul', {}, dms.map((c) => channelButton(ctx, c, dmName(ctx.store, c)))) : h('p', { class: 'hint' }, 'Open a DM from the member list of a server.'),
  );
}
