// User settings, Log out: signing out on this device (the token is forgotten here), or everywhere (the server
// retires every token of the account: each device is signed out and its live connection closed).
import { useState } from 'preact/hooks';
import { ErrorLine, useAction } from '../common.jsx';

export function SessionsSection({ ctx }) {
  const { actions } = ctx;
  const [confirming, setConfirming] = useState(false);
  const act = useAction();
  return (
    <div class="us-section">
      <section class="gp-card" aria-labelledby="us-logout-here">
        <h3 id="us-logout-here">This device</h3>
        <p class="hint">Sign out here; other devices stay signed in.</p>
        <div class="gp-buttons">
          <button type="button" onClick={() => actions.logout()}>
            Log out
          </button>
        </div>
      </section>
      <section class="gp-card gp-danger-zone" aria-labelledby="us-logout-all">
        <h3 id="us-logout-all">Every device</h3>
        <p class="hint">Sign out everywhere, this device included: every sign-in of your account ends at once.</p>
        <ErrorLine text={act.error} />
        <div class="gp-buttons">
          {confirming ? (
            <>
              <span role="status">Log out on every device?</span>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" class="danger" disabled={act.busy} onClick={() => act.run(() => actions.logoutEverywhere())}>
                Yes, log out everywhere
              </button>
            </>
          ) : (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              Log out everywhere
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
