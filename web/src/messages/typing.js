// Who is typing in the open channel; notices expire after ten seconds.
import { h } from '../dom.js';
import { displayName } from '../store/model.js';
import { currentChannel } from '../store/store.js';

let current = null; // the mounted line's render; notices expire, so it is drawn every second too
setInterval(() => current && current(), 1000);

export function createTyping({ store }) {
  const el = h('div', { class: 'typing', 'aria-live': 'polite' });
  const render = () => {
    const now = Date.now();
    const who = [];
    for (const [userId, until] of store.typing.get(store.view.channelId) || []) {
      if (until > now) who.push(displayName(store, userId, currentChannel(store)?.guild_id));
      else store.typing.get(store.view.channelId).delete(userId);
    }
    const text = who.length === 0 ? '' : who.length === 1 ? `${who[0]} is typing…` : who.length < 4 ? `${who.join(', ')} are typing…` : 'Several people are typing…';
    if (el.textContent !== text) el.textContent = text;
  };
  current = render;
  store.on(['open', 'typing'], render);
  store.on('close', () => {
    if (current === render) current = null;
  });
  return el;
}
