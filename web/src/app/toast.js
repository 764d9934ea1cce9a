// A short notice (mostly a refusal from the server) that goes away by itself.
import { h } from '../dom.js';

export function createToast({ store }) {
  const el = h('div', { class: 'toast', role: 'alert' });
  let timer;
  store.on('toast', (text) => {
    el.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(() => (el.textContent = ''), 6000);
  });
  store.on('close', () => clearTimeout(timer));
  return el;
}
