// The sign-in screen: log in or register (switching between the two), showing the server's refusal.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api.js';
import { Field, FormError } from '../ui/dialog.jsx';

/** submit(login, body) signs in (login: true to log in, false to register) and throws the refusal. */
export function AuthScreen({ mode: first, submit }) {
  const [mode, setMode] = useState(first);
  const [error, setError] = useState('');
  const form = useRef(null);
  const login = mode === 'login';
  useLayoutEffect(() => form.current.querySelector('input').focus(), [mode]);
  const onSubmit = async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(new FormData(e.currentTarget));
    if (!body.email) delete body.email;
    try {
      await submit(login, body);
    } catch (err) {
      setError(describeError(err));
    }
  };
  const swap = () => {
    setError('');
    setMode(login ? 'register' : 'login');
  };
  return (
    <main class="auth">
      <p class="brand">SimpleDiscord</p>
      <form key={mode} ref={form} class="card auth-card" aria-labelledby="auth-title" onSubmit={onSubmit}>
        <h1 id="auth-title">{login ? 'Welcome back' : 'Create an account'}</h1>
        {login ? (
          <>
            <Field label="Username or email" name="login" autocomplete="username" />
            <Field label="Password" name="password" type="password" autocomplete="current-password" />
          </>
        ) : (
          <>
            <Field label="Username" name="username" autocomplete="username" maxlength={32} />
            <Field label="Email (optional)" name="email" type="email" autocomplete="email" required={false} />
            <Field label="Password" name="password" type="password" autocomplete="new-password" />
          </>
        )}
        <FormError text={error} />
        <button type="submit" class="primary">
          {login ? 'Log in' : 'Register'}
        </button>
        <p class="switch">
          {login ? 'Need an account? ' : 'Already have an account? '}
          <button type="button" class="link" onClick={swap}>
            {login ? 'Register' : 'Log in'}
          </button>
        </p>
      </form>
    </main>
  );
}
