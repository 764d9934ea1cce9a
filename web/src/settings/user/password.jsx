// User settings, Password: the current password and the new one (twice). The server answers a fresh token and
// retires every other: this session goes on with the new one, other devices are signed out.
import { useState } from 'preact/hooks';
import { ErrorLine, newId, useAction } from '../common.jsx';

export function PasswordSection({ ctx }) {
  const { actions } = ctx;
  const [ids] = useState(() => ({ current: newId('pw-now'), next: newId('pw-new'), again: newId('pw-again') }));
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const act = useAction();
  return (
    <form
      class="us-section gp-card"
      aria-label="Change password"
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        if (next !== again) return act.setError('The new passwords differ.');
        if (await act.run(() => actions.changePassword(current, next))) {
          setCurrent('');
          setNext('');
          setAgain('');
          setDone(true);
        }
      }}
    >
      <p class="hint">Changing your password signs you out on every other device.</p>
      <div class="field">
        <label for={ids.current}>Current password</label>
        <input id={ids.current} type="password" required autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={ids.next}>New password</label>
        <input id={ids.next} type="password" required minlength={8} maxlength={72} autocomplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={ids.again}>Confirm new password</label>
        <input id={ids.again} type="password" required autocomplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
      </div>
      <ErrorLine text={act.error} />
      <div class="gp-buttons">
        {done ? (
          <span class="us-saved" role="status">
            Password changed. Other devices are signed out.
          </span>
        ) : null}
        <button type="submit" class="primary" disabled={act.busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
