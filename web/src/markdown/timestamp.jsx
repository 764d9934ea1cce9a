// <t:unix:style> timestamps in each of Discord's styles, in the reader's locale and time zone; the full date is
// the title, and relative ones (R) move on by themselves.
import { useEffect, useReducer } from 'preact/hooks';

const STYLES = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { dateStyle: 'short' },
  D: { dateStyle: 'long' },
  f: { dateStyle: 'long', timeStyle: 'short' },
  F: { dateStyle: 'full', timeStyle: 'short' },
};
const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "in 5 minutes", "2 months ago": the largest whole unit of the time from now. */
export function relativeTime(date, now = Date.now()) {
  const secs = Math.round((date.getTime() - now) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(secs) >= s) || UNITS[UNITS.length - 1];
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.trunc(secs / size), unit);
}

/** The date of a timestamp's seconds, or null when it is out of range. */
export function timestampDate(seconds) {
  const d = new Date(Number(seconds) * 1000);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatTimestamp(date, style) {
  return style === 'R' ? relativeTime(date) : new Intl.DateTimeFormat(undefined, STYLES[style] || STYLES.f).format(date);
}

export function Timestamp({ seconds, style }) {
  const date = timestampDate(seconds);
  const [, tick] = useReducer((n) => n + 1, 0);
  const relative = style === 'R' && date;
  useEffect(() => {
    if (!relative) return undefined;
    // Every second while it counts seconds, then every half minute.
    const near = Math.abs(date.getTime() - Date.now()) < 90_000;
    const timer = setInterval(tick, near ? 1000 : 30_000);
    return () => clearInterval(timer);
  });
  if (!date) return `<t:${seconds}${style ? ':' + style : ''}>`;
  return (
    <time class="md-timestamp" dateTime={date.toISOString()} title={new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' }).format(date)}>
      {formatTimestamp(date, style || 'f')}
    </time>
  );
}
