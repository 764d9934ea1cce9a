// Pieces the guild settings sections share: running an action with the server's refusal shown in place, and
// the line that shows it.
import { useState } from 'preact/hooks';
import { describeError } from '../../api.js';

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
/** A fresh element id for a label's for= (stable for the component's life when used through useState). */
export function newId(prefix) {
  return `gs-${prefix}-${++uid}`;
}
