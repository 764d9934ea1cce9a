// The line that says the gateway is connecting or reconnecting (hidden while connected).
import { h } from '../dom.js';

export function createConnectionStatus({ store }) {
  const el = h('div', { class: 'conn', role: 'status', hidden: true });
  store.on('connection', () => {
    const { state, readyBefore } = store.connection;
    el.textContent = state === 'connected' ? '' : state === 'connecting' && !readyBefore ? 'Connecting…' : 'Reconnecting…';
    el.hidden = state === 'connected';
  });
  return el;
}
