// The main screen's keyboard layer: the skip link to the messages, the global shortcuts (Ctrl/⌘+K the quick
// switcher, Ctrl/⌘+/ the help, Alt+Up/Down the previous or next channel, Alt+Shift+Up/Down the previous or
// next unread one, Escape closing a menu and cancelling an edit or a reply) and the two dialogs they open.
import { useEffect, useState } from 'preact/hooks';
import { stepChannel } from './channel-order.js';
import { HelpDialog } from './help-dialog.jsx';
import { QuickSwitcher } from './quick-switcher.jsx';

const modalOpen = () => !!document.querySelector('dialog[open]');

/** After Escape closed something inside message id (its edit box, its reaction picker) and the focus went with
 * it: the focus goes to the message's Edit or React button, else to the message list. */
function rescueFocus(id) {
  setTimeout(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const article = id && document.querySelector(`article[data-id="${CSS.escape(id)}"]`);
    const to = article?.querySelector('[data-key="edit"]') || article?.querySelector('[data-key="react"]') || document.querySelector('main [role="log"]');
    to?.focus();
  });
}

/** Focuses the message list (the skip link's target). */
function focusMessages(e) {
  e.preventDefault();
  document.querySelector('main [role="log"]')?.focus();
}

export function Keyboard({ ctx }) {
  const { store, actions } = ctx;
  const [open, setOpen] = useState(null); // 'switcher' | 'help' | null

  useEffect(() => {
    // What Escape could cancel, as it was before the focused element had the key: if that element already
    // cancelled something (the edit box, the composer's reply, the emoji panel), Escape does nothing more.
    let before = null;
    const snapshot = () => [store.editing, store.reacting, store.replyTo];
    const capture = (e) => {
      if (e.key !== 'Escape') return;
      before = snapshot();
      const inMessage = e.target.closest?.('article[data-id]');
      if (inMessage) rescueFocus(inMessage.dataset.id);
    };
    const onKey = (e) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && !e.altKey && !e.shiftKey && key === 'k') {
        e.preventDefault();
        setOpen((o) => (o === 'switcher' ? null : modalOpen() ? o : 'switcher'));
      } else if (mod && !e.altKey && (key === '/' || e.code === 'Slash')) {
        e.preventDefault();
        setOpen((o) => (o === 'help' ? null : modalOpen() ? o : 'help'));
      } else if (e.altKey && !mod && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        if (modalOpen()) return;
        e.preventDefault();
        const c = stepChannel(store, e.key === 'ArrowDown' ? 1 : -1, { unread: e.shiftKey });
        if (c) actions.select(store.view.guildId, c.id);
      } else if (e.key === 'Escape' && !e.defaultPrevented && !modalOpen()) {
        const now = snapshot();
        if (before && now.some((v, i) => v !== before[i])) return;
        if (store.editing) {
          const m = store.messages.get(store.view.channelId)?.list.find((x) => x.id === store.editing);
          if (m) actions.stopEdit(m);
        } else if (store.reacting) {
          const m = store.messages.get(store.view.channelId)?.list.find((x) => x.id === store.reacting);
          if (m) actions.toggleReacting(m);
          rescueFocus(m?.id);
        } else if (store.replyTo) actions.replyTo(null);
      }
    };
    document.addEventListener('keydown', capture, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', capture, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [store, actions]);

  const close = () => setOpen(null);
  return (
    <>
      <a class="skip-link" href="#messages" onClick={focusMessages}>
        Skip to messages
      </a>
      {open === 'switcher' ? <QuickSwitcher ctx={ctx} onClose={close} /> : null}
      {open === 'help' ? <HelpDialog onClose={close} /> : null}
    </>
  );
}
