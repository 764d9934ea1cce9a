// What the user settings ask for: the profile (username, display name, avatar, banner), a password change
// (the server answers a fresh token and retires every older one: the session goes on with the new token), and
// logging out everywhere (POST /auth/logout retires every token of the account). Each throws the server's
// refusal, which the settings show in place.
import * as M from './model.js';

/** tokens: {renew(promise of the new token)} of the session (app/session.js); logout(): signs out here. */
export function createAccountActions({ store, api, tokens, logout }) {
  const remember = (me) => {
    M.rememberUser(store, me);
    store.emit('me');
    store.emit('user', me.id);
  };

  return {
    /** fields: any of username, global_name ('' clears it), avatar and banner (a data URI, or null to remove). */
    async saveProfile(fields) {
      const body = {};
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) body[key] = key === 'global_name' ? value || null : value;
      if (!Object.keys(body).length) return;
      remember(await api.patch('/users/@me', body));
    },

    async changePassword(current, next) {
      const answer = api.patch('/users/@me', { password: current, new_password: next });
      tokens.renew(answer.then((me) => me.token));
      const me = await answer;
      delete me.token;
      remember(me);
    },

    /** Retires every token of the account (every device is signed out), then signs out here. */
    async logoutEverywhere() {
      await api.post('/auth/logout', {});
      logout();
    },
  };
}
