// Signing in and out: the token (kept in localStorage), the sign-in screen, and one session per sign-in: its
// store, the actions on it, the gateway that feeds it, and the screen drawn from it.
import { createApi, describeError } from '../api.js';
import { h as vnode, render } from 'preact';
import { AuthScreen } from '../auth/auth-screen.jsx';
import { Gateway } from '../gateway.js';
import { openJoinDialog } from '../guilds/join-dialog.jsx';
import { createActions } from '../store/actions.js';
import { applyDispatch } from '../store/dispatch.js';
import { rememberUser } from '../store/model.js';
import { createStore } from '../store/store.js';
import { mountLayout } from './layout.jsx';

const root = document.getElementById('app');
let token = localStorage.getItem('token');
const api = createApi({ token: () => token, onUnauthorized: () => logout() });
let session = null; // {store, gateway} of the signed-in user
let pendingInvite = inviteFromPath();

function inviteFromPath() {
  const m = location.pathname.match(/^\/invite\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

/** Opens the client: the main screen with a saved token, else the sign-in screen (register for an invite). */
export function start() {
  if (token) startApp();
  else signIn(pendingInvite ? 'register' : 'login');
}

function signIn(mode = 'login') {
  const submit = async (login, body) => {
    const answer = await api.post(login ? '/auth/login' : '/auth/register', body);
    token = answer.token;
    localStorage.setItem('token', token);
    startApp();
  };
  // A fresh key: signing in again starts from an empty form.
  render(vnode(AuthScreen, { mode, submit, key: Date.now() }), root);
}

function logout() {
  if (session) {
    if (session.gateway) session.gateway.stop();
    session.store.close();
  }
  session = null;
  token = null;
  localStorage.removeItem('token');
  signIn();
}

async function startApp() {
  const store = createStore();
  session = { store, gateway: null };
  try {
    store.me = await api.get('/users/@me');
  } catch (err) {
    if (err.status === 401) return; // logout() has shown the sign-in screen
    render(vnode('main', { class: 'auth' }, vnode('p', { role: 'alert' }, describeError(err))), root);
    return;
  }
  if (!session || session.store !== store) return;
  rememberUser(store, store.me);
  const ctx = { store, actions: null };
  const gateway = new Gateway(api, token, {
    dispatch: (t, d) => {
      if (t === 'READY') {
        if (store.connection.readyBefore) ctx.actions.resync();
        store.connection.readyBefore = true;
      }
      applyDispatch(ctx, t, d);
    },
    state: (s) => {
      store.connection.state = s;
      store.emit('connection');
    },
    fatal: (code) => (code === 4004 ? logout() : store.emit('toast', 'The gateway refused this session.')),
  });
  session.gateway = gateway;
  ctx.actions = createActions({ store, api, gateway, logout });
  mountLayout(root, ctx);
  gateway.start();
  ctx.actions.loadDms();
  store.emit('view');
  if (pendingInvite) {
    const code = pendingInvite;
    pendingInvite = null;
    history.replaceState(null, '', '/');
    openJoinDialog(ctx, code);
  }
}
