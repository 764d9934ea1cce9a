// Pieces the settings screens share (the guild's sections, its Members, Bans and Invites, the user's own): running
// an action with the server's refusal shown in place, the line that shows it, fresh ids for labels, avatars and
// dates.
import { useState } from 'preact/hooks';
import { describeError } from '../api.js';

/** {run(fn), error, busy, setError}: run awaits fn, shows its refusal as error and answers whether it worked. */
export function useAction() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function run(fn) {
    setError('');
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { run, error, busy, setError };
}

export function ErrorLine({ text }) {
  return (
    <p class="form-error" role="alert">
      {text}
    </p>
  );
}

let uid = 0;
/** A fresh element id (keep it with useState so it stays the component's). */
export function newId(prefix) {
  return `set-${prefix}-${++uid}`;
}

/** The user's avatar (decorative: the name is beside it). */
export function Avatar({ url }) {
  return <img class="avatar small" src={url} alt="" width="32" height="32" referrerpolicy="no-referrer" />;
}

/** A date and time a person reads, or '' for none. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
