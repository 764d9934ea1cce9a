// The open channel's messages: loaded when it opens, older pages as one scrolls up, new and changed messages
// put where they belong (staying at the bottom if the list was there), deleted ones taken out. What is seen at
// the bottom of a visible tab is marked read.
import { describeError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { newer } from '../store/model.js';
import { messageEl } from './message.js';

let current = null; // the mounted list's {atBottom, ackLatest}; coming back to the tab reads what is on screen
document.addEventListener('visibilitychange', () => current && current.atBottom() && current.ackLatest());

export function createMessageList(ctx) {
  const { store, actions } = ctx;
  const list = h('div', { id: 'messages', class: 'messages', role: 'log', 'aria-label': 'Messages', tabindex: 0 });
  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const hint = (text) => replaceChildren(list, h('p', { class: 'hint' }, text));
  const mounted = { atBottom, ackLatest: () => actions.ackLatest() };
  current = mounted;

  function render() {
    const entry = store.messages.get(store.view.channelId);
    if (!entry) return;
    replaceChildren(
      list,
      entry.complete ? h('p', { class: 'hint start' }, 'This is the beginning of the conversation.') : null,
      entry.list.map((m) => messageEl(ctx, m, list)),
    );
  }

  /** Shows m where it belongs in the open channel (replacing its old element). */
  function show(m) {
    if (m.channel_id !== store.view.channelId) return;
    const stick = atBottom();
    const old = list.querySelector(`article[data-id="${m.id}"]`);
    const el = messageEl(ctx, m, list);
    if (old) {
      const hadFocus = old.contains(document.activeElement) ? document.activeElement.dataset.key : null;
      old.replaceWith(el);
      if (hadFocus) el.querySelector(`[data-key="${CSS.escape(hadFocus)}"]`)?.focus();
    } else {
      const later = [...list.querySelectorAll('article[data-id]')].find((a) => newer(a.dataset.id, m.id));
      list.insertBefore(el, later || null);
    }
    if (stick) list.scrollTop = list.scrollHeight;
  }

  async function open() {
    const cid = store.view.channelId;
    if (!cid) return hint(store.view.guildId ? 'This server has no text channel you can see.' : 'No direct messages yet.');
    if (!store.messages.has(cid)) {
      hint('Loading…');
      try {
        await actions.loadMessages(cid);
      } catch (err) {
        if (store.view.channelId === cid) hint(describeError(err));
        return;
      }
    }
    if (store.view.channelId !== cid || store.closed) return;
    render();
    list.scrollTop = list.scrollHeight;
    actions.ackLatest();
    fillScreen();
  }

  async function older() {
    const cid = store.view.channelId;
    if (!(await actions.loadOlder(cid)) || store.closed) return;
    if (store.view.channelId === cid) {
      const fromBottom = list.scrollHeight - list.scrollTop;
      render();
      list.scrollTop = list.scrollHeight - fromBottom;
    }
  }

  /** Loads older pages until the list can scroll (or the channel's start is reached). */
  async function fillScreen() {
    const entry = store.messages.get(store.view.channelId);
    if (entry && !entry.complete && list.scrollHeight <= list.clientHeight + 150) {
      await older();
      if (!store.closed && store.messages.get(store.view.channelId)?.list.length > entry.list.length) fillScreen();
    }
  }

  list.addEventListener('scroll', () => {
    if (list.scrollTop < 150) older();
    if (atBottom()) actions.ackLatest();
  });
  store.on('open', open);
  store.on('message', show);
  store.on('arrived', (c, id) => atBottom() && actions.ack(c, id));
  store.on('deleted', (channelId, ids) => {
    if (channelId === store.view.channelId) for (const id of ids) list.querySelector(`article[data-id="${id}"]`)?.remove();
  });
  store.on('close', () => {
    if (current === mounted) current = null;
  });
  return list;
}
