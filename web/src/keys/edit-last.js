// Up in the empty composer edits one's last message in the open channel: the edit box takes the focus, and Enter
// (save) or Escape (cancel) there brings it back to the composer.
import { currentChannel } from '../store/store.js';

/** For the composer's keydown: true (and the event taken) when e started editing one's last message. */
export function editLastMessage({ store, actions }, e) {
  const input = e.currentTarget;
  if (e.key !== 'ArrowUp' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || input.value) return false;
  const c = currentChannel(store);
  const list = c && store.messages.get(c.id)?.list;
  const m = list && list.findLast((x) => x.author.id === store.me.id && !x.pending);
  if (!m) return false;
  e.preventDefault();
  actions.startEdit(m);
  // The message list draws the edit box on its next render: it is looked for over the next few frames.
  let frames = 0;
  const take = () => {
    const box = document.querySelector(`article[data-id="${CSS.escape(m.id)}"] textarea`);
    if (!box) {
      if (++frames < 30 && store.editing === m.id) requestAnimationFrame(take);
      return;
    }
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    box.scrollIntoView({ block: 'nearest' });
    box.addEventListener('keydown', (k) => {
      if ((k.key === 'Enter' && !k.shiftKey) || k.key === 'Escape') setTimeout(() => input.isConnected && input.focus());
    });
  };
  take();
  return true;
}
