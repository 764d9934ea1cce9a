// The sign-in screen: log in or register (switching between the two), showing the server's refusal.
import { describeError } from '../api.js';
import { field } from '../dialog.js';
import { h, replaceChildren } from '../dom.js';

/** Shows the form in root; submit(login, body) signs in (login: true to log in, false to register) and throws
 * the refusal. */
export function showAuth(root, mode, submit) {
  const login = mode === 'login';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card auth-card', 'aria-labelledby': 'auth-title' },
    h('h1', { id: 'auth-title' }, login ? 'Welcome back' : 'Create an account'),
    login
      ? [field('Username or email', 'login', { autocomplete: 'username' }), field('Password', 'password', { type: 'password', autocomplete: 'current-password' })]
      : [
          field('Username', 'username', { autocomplete: 'username', maxlength: 32 }),
          field('Email (optional)', 'email', { type: 'email', autocomplete: 'email', required: false }),
          field('Password', 'password', { type: 'password', autocomplete: 'new-password' }),
        ],
    error,
    h('button', { type: 'submit', class: 'primary' }, login ? 'Log in' : 'Register'),
    h(
      'p',
      { class: 'switch' },
      login ? 'Need an account? ' : 'Already have an account? ',
      h('button', { type: 'button', class: 'link', onClick: () => showAuth(root, login ? 'register' : 'login', submit) }, login ? 'Register' : 'Log in'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    if (!body.email) delete body.email;
    try {
      await submit(login, body);
    } catch (err) {
      error.textContent = describeError(err);
    }
  });
  replaceChildren(root, h('main', { class: 'auth' }, h('p', { class: 'brand' }, 'SimpleDiscord'), form));
  form.querySelector('input').focus();
}
