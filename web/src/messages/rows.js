// How the message list is laid out, as Discord lays it out, without drawing anything (checked on its own too):
// consecutive messages of one author within seven minutes form a group (one name and avatar), which a reply, a
// system message, another author or a new day breaks; a day separator above the first message of each day; the
// "New messages" divider above the first message newer than the read state the channel was opened with.

export const GROUP_MS = 7 * 60 * 1000;

/** Message types drawn as ordinary messages (DEFAULT, REPLY); every other type is a system message. */
const isSystem = (m) => m.type !== undefined && m.type !== 0 && m.type !== 19;
const isReply = (m) => !!(m.message_reference || m.referenced_message) || m.type === 19;

/** The local calendar day of an ISO time, as a key ("2026-12-03"). */
export function dayKey(iso) {
  const t = new Date(iso);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
}

/** The day separator's text: "3 December 2026" in the reader's language. */
export function dayLabel(iso) {
  return new Date(iso).toLocaleDateString([], { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Does m start a new day after prev (null: m is the first message of the channel)? */
export function startsDay(prev, m) {
  return !prev || dayKey(prev.timestamp) !== dayKey(m.timestamp);
}

/** Does m begin a group (show its author) after prev? */
export function startsGroup(prev, m) {
  if (!prev || isReply(m) || isSystem(m) || isSystem(prev)) return true;
  if (prev.author?.id !== m.author?.id) return true;
  if (startsDay(prev, m)) return true;
  const gap = Date.parse(m.timestamp) - Date.parse(prev.timestamp);
  return !(gap >= 0 && gap < GROUP_MS);
}

/** Is a snowflake id newer than another (null: older than every id)? Ids compare by length, then as text. */
export function after(a, b) {
  if (!a) return false;
  if (!b) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The index of the first message from someone else newer than lastRead (-1: none, or the read state is
 * unknown: undefined). */
export function firstUnreadIndex(list, lastRead, meId) {
  if (lastRead === undefined) return -1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(list[mid].id, lastRead)) hi = mid;
    else lo = mid + 1;
  }
  for (let i = lo; i < list.length; i++) if (list[i].author?.id !== meId) return i;
  return -1;
}

/** The rows from index start to end (exclusive) of list, oldest first: {m, head, day, unread}. complete: the
 * list begins at the channel's first message (so the first one gets its day separator). */
export function buildRows(list, start, end, { complete = false, unreadAt = -1 } = {}) {
  const rows = [];
  for (let i = start; i < end; i++) {
    const m = list[i];
    const prev = i > 0 ? list[i - 1] : null;
    rows.push({
      m,
      head: startsGroup(prev, m) || i === unreadAt,
      day: prev ? startsDay(prev, m) : complete,
      unread: i === unreadAt,
    });
  }
  return rows;
}
