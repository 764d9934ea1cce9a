// The open channel's messages, drawn as Discord draws them (groups, day separators, the "New messages" divider,
// a bar to jump to the first unread one or mark the channel read; Escape marks it read too), and virtualised:
// only a window of WINDOW messages around the viewport is in the page, the others are spacers as tall as their
// measured (or guessed) heights. Older pages load as one scrolls up, and what is on screen stays where it was
// (an anchor: the first visible message and its offset, kept across every redraw and resize); at the bottom the
// list stays at the bottom as messages arrive, and what is seen there in a visible tab is marked read.
import { useEffect, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import { describeError } from '../api.js';
import { Message } from './message.jsx';
import { after, buildRows, dayLabel, firstUnreadIndex } from './rows.js';

const WINDOW = 150; // messages in the page at most
const MARGIN = 40; // the window moves when the viewport comes this many messages close to one of its ends
const GUESS = 44; // the height of a message not yet measured, in pixels
const OLDER_AT = 1500; // an older page is asked for when the viewport is this close to the top, in pixels
const BOTTOM = 40; // this close to the bottom counts as at the bottom, in pixels

let visible = null; // the mounted list's answer to the tab coming back: what is on screen is read
document.addEventListener('visibilitychange', () => visible && visible());

/** The index of the first message whose id is not older than id (the list is sorted by id). */
function indexOf(list, id) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(id, list[mid].id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function MessageList({ ctx }) {
  const { store, actions } = ctx;
  const [, redraw] = useReducer((n) => n + 1, 0);
  const box = useRef(null);
  const ref = useRef(null);
  if (!ref.current)
    ref.current = {
      channelId: undefined,
      hint: null,
      startId: null, // the first message of the window (when not at the bottom)
      stick: true, // at the bottom: the window ends with the newest message and the view follows it
      anchor: null, // {id, offset} of the first visible message
      jumpTo: null, // a message to scroll to the top of the view after the next draw
      afterOpen: false,
      heights: new Map(), // message id -> measured height of its row
      versions: new Map(), // message id -> times it changed (its row is drawn again)
      global: 0, // names, avatars, nicknames or emoji changed: every row is drawn again
      shown: { list: [], start: 0, end: 0, unreadAt: -1 },
      above: false, // the divider is above the viewport (the jump bar shows)
      resize: null,
    };
  const st = ref.current;
  const height = (m) => st.heights.get(m.id) ?? GUESS;

  const rowEl = (id) => box.current?.querySelector(`:scope > .msg-row[data-row="${CSS.escape(id)}"]`);

  /** The top of each message of the shown list (n + 1 values, the last one the end), from the heights. */
  function offsets() {
    const { list } = st.shown;
    const spacer = box.current.querySelector(':scope > .spacer');
    const out = new Float64Array(list.length + 1);
    let y = spacer ? spacer.offsetTop : 0;
    for (let i = 0; i < list.length; i++) {
      out[i] = y;
      y += height(list[i]);
    }
    out[list.length] = y;
    return out;
  }

  const indexAt = (offs, y) => {
    let lo = 0;
    let hi = offs.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offs[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  };

  function capture() {
    const el = box.current;
    if (!el) return;
    for (const row of el.querySelectorAll(':scope > .msg-row')) {
      if (row.offsetTop + row.offsetHeight > el.scrollTop) {
        st.anchor = { id: row.dataset.row, offset: row.offsetTop - el.scrollTop };
        return;
      }
    }
    const { list } = st.shown;
    if (!list.length) return;
    const offs = offsets();
    const i = indexAt(offs, el.scrollTop);
    st.anchor = { id: list[i].id, offset: offs[i] - el.scrollTop };
  }

  /** Puts the view back where it belongs after the page changed: the message jumped to, the bottom, or the
   * anchor where it was. */
  function restore() {
    const el = box.current;
    if (!el) return;
    if (st.jumpTo) {
      const row = rowEl(st.jumpTo);
      st.jumpTo = null;
      if (row) el.scrollTop = row.offsetTop - 8;
    } else if (st.stick) {
      el.scrollTop = el.scrollHeight;
    } else if (st.anchor) {
      const row = rowEl(st.anchor.id);
      if (row) el.scrollTop = row.offsetTop - st.anchor.offset;
    }
    capture();
    updateAbove();
    // Scrolled up to the top of what is loaded (where a scroll may no longer move, so no scroll event comes).
    if (!st.stick && el.scrollTop < OLDER_AT && st.shown.start === 0 && st.shown.list.length) older();
  }

  function updateAbove() {
    const el = box.current;
    const { start, end, unreadAt } = st.shown;
    let above = false;
    if (el && unreadAt >= 0) {
      if (unreadAt < start) above = true;
      else if (unreadAt < end) {
        const row = rowEl(st.shown.list[unreadAt].id);
        above = !!row && row.offsetTop + row.offsetHeight / 2 < el.scrollTop;
      }
    }
    if (above !== st.above) {
      st.above = above;
      redraw();
    }
  }

  async function older() {
    const cid = store.view.channelId;
    if (!(await actions.loadOlder(cid)) || store.closed) return false;
    if (store.view.channelId === cid) redraw();
    return true;
  }

  /** Loads older pages until the list can scroll (or the channel's start is reached). */
  async function fillScreen() {
    const cid = store.view.channelId;
    for (;;) {
      const entry = store.messages.get(cid);
      const el = box.current;
      if (!el || !entry || entry.complete || store.closed || store.view.channelId !== cid) return;
      if (el.scrollHeight > el.clientHeight + 150) return;
      if (!(await older())) return;
      await new Promise((r) => requestAnimationFrame(r));
    }
  }

  function onScroll() {
    const el = box.current;
    const { list, start, end } = st.shown;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM;
    st.stick = atBottom && end === list.length;
    capture();
    if (list.length) {
      const offs = offsets();
      const first = indexAt(offs, el.scrollTop);
      const last = indexAt(offs, el.scrollTop + el.clientHeight);
      if ((first < start + MARGIN && start > 0) || (last >= end - MARGIN && end < list.length)) {
        const next = Math.min(Math.max(0, Math.round((first + last) / 2 - WINDOW / 2)), Math.max(0, list.length - WINDOW));
        if (next !== start) {
          st.startId = list[next].id;
          redraw();
        }
      }
    }
    if (!st.stick && el.scrollTop < OLDER_AT && start === 0) older(); // at the bottom of a short list: no page yet
    if (st.stick) actions.ackLatest();
    updateAbove();
  }

  async function jump() {
    const cid = store.view.channelId;
    const marker = store.unreadMarker;
    if (!marker || marker.channelId !== cid) return;
    // The first unread message may be older than what is loaded.
    for (let entry = store.messages.get(cid); entry && !entry.complete && after(entry.list[0]?.id, marker.lastRead); ) {
      if (!(await actions.loadOlder(cid)) || store.view.channelId !== cid) break;
    }
    const list = store.messages.get(cid)?.list || [];
    const i = firstUnreadIndex(list, marker.lastRead, store.me.id);
    if (i < 0) return;
    st.stick = false;
    st.startId = list[Math.max(0, i - MARGIN)].id;
    st.jumpTo = list[i].id;
    redraw();
  }

  function onKeyDown(e) {
    // Escape first cancels what can be cancelled (an edit, the reaction picker, a reply: keys/keyboard.jsx);
    // with nothing to cancel, it marks the channel read.
    const cancellable = store.editing || store.reacting || store.replyTo;
    if (e.key === 'Escape' && !cancellable && !e.target.closest('textarea, input')) {
      e.preventDefault();
      actions.markRead();
    }
  }

  async function open() {
    const cid = store.view.channelId;
    Object.assign(st, { channelId: cid, stick: true, startId: null, anchor: null, jumpTo: null, hint: null });
    if (!cid) {
      st.hint = store.view.guildId ? 'This server has no text channel you can see.' : 'No direct messages yet.';
      return redraw();
    }
    actions.keepReadState(cid);
    if (!store.messages.has(cid)) {
      st.hint = 'Loading…';
      redraw();
      try {
        await actions.loadMessages(cid);
      } catch (err) {
        if (store.view.channelId === cid) {
          st.hint = describeError(err);
          redraw();
        }
        return;
      }
    }
    if (store.view.channelId !== cid || store.closed) return;
    st.hint = null;
    st.stick = true;
    st.afterOpen = true;
    redraw();
  }

  useEffect(() => {
    const bump = (m) => {
      if (m) st.versions.set(m.id, (st.versions.get(m.id) || 0) + 1);
      redraw();
    };
    const all = () => {
      st.global++;
      redraw();
    };
    const offs = [
      store.on('open', open),
      store.on('message', bump),
      store.on(['deleted', 'unread'], () => redraw()),
      store.on(['user', 'members', 'guild', 'emojis'], all),
      store.on('arrived', (c, id) => {
        if (st.stick) return actions.ack(c, id);
        // Read elsewhere up the list: what arrives below is new (the divider goes above it).
        const marker = store.unreadMarker;
        const list = store.messages.get(c.id)?.list || [];
        if (!marker || marker.channelId !== c.id || firstUnreadIndex(list, marker.lastRead, store.me.id) < 0) actions.keepReadState(c.id);
      }),
    ];
    const onVisible = () => st.stick && actions.ackLatest();
    visible = onVisible;
    st.resize = new ResizeObserver((entries) => {
      for (const e of entries) if (e.target.isConnected) st.heights.set(e.target.dataset.row, e.target.offsetHeight);
      restore();
    });
    if (store.view.channelId !== st.channelId) open();
    return () => {
      offs.forEach((off) => off());
      st.resize.disconnect();
      if (visible === onVisible) visible = null;
    };
  }, [store]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const rows = el.querySelectorAll(':scope > .msg-row');
    st.resize?.disconnect();
    for (const row of rows) {
      st.heights.set(row.dataset.row, row.offsetHeight);
      st.resize?.observe(row);
    }
    restore();
    if (st.afterOpen) {
      st.afterOpen = false;
      actions.ackLatest();
      fillScreen();
    }
  });

  const cid = store.view.channelId;
  const entry = cid && st.channelId === cid && !st.hint ? store.messages.get(cid) : null;
  const props = { ref: box, id: 'messages', class: 'messages', role: 'log', 'aria-label': 'Messages', tabIndex: 0, onScroll, onKeyDown };
  if (!entry) {
    st.shown = { list: [], start: 0, end: 0, unreadAt: -1 };
    return (
      <div class="messages-wrap">
        <div {...props}>{st.hint ? <p class="hint">{st.hint}</p> : null}</div>
      </div>
    );
  }

  const { list } = entry;
  const n = list.length;
  let start = st.stick || !st.startId ? n - WINDOW : indexOf(list, st.startId);
  start = Math.max(0, Math.min(start, n - WINDOW));
  const end = Math.min(n, start + WINDOW);
  st.startId = list[start]?.id ?? null;
  const marker = store.unreadMarker;
  const unreadAt = marker && marker.channelId === cid ? firstUnreadIndex(list, marker.lastRead, store.me.id) : -1;
  st.shown = { list, start, end, unreadAt };
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < start; i++) top += height(list[i]);
  for (let i = end; i < n; i++) bottom += height(list[i]);
  const rows = buildRows(list, start, end, { complete: entry.complete, unreadAt });
  const unread = unreadAt >= 0 ? n - unreadAt : 0;

  return (
    <div class="messages-wrap">
      {unread > 0 && st.above ? (
        <div class="jump-bar" role="region" aria-label="Unread messages">
          <span>{`${unread}${entry.complete || unreadAt > 0 ? '' : '+'} new message${unread === 1 ? '' : 's'}`}</span>
          <button type="button" onClick={jump}>
            Jump to first unread
          </button>
          <button type="button" onClick={() => actions.markRead()}>
            Mark as read
          </button>
        </div>
      ) : null}
      <div {...props}>
        {entry.complete ? <p class="hint start">This is the beginning of the conversation.</p> : null}
        <div class="spacer" style={{ height: `${top}px` }} />
        {rows.map(({ m, head, day, unread: first }) => (
          <div key={m.id} class="msg-row" data-row={m.id}>
            {day ? (
              <div class="day-sep" role="separator" aria-label={dayLabel(m.timestamp)}>
                <span>{dayLabel(m.timestamp)}</span>
              </div>
            ) : null}
            {first ? (
              <div class="new-divider" role="separator" aria-label="New messages">
                <span>New messages</span>
              </div>
            ) : null}
            <Message ctx={ctx} m={m} head={head} version={`${st.global}.${st.versions.get(m.id) || 0}`} />
          </div>
        ))}
        <div class="spacer end" style={{ height: `${bottom}px` }} />
      </div>
    </div>
  );
}
