// Notification actions: saving one's settings for a guild or a channel (PATCH /users/@me/guilds/{id}/settings,
// '@me' for the DMs) and asking the browser for permission to notify (only ever from a click). Part of the
// actions object built by store/actions.js.
import { putSettings } from './settings.js';

const ENABLED_KEY = 'notify.desktop';

export function createNotifyActions({ store, api }) {
  const self = {
    /** Sends changes (Discord's body) for guild key (an id, or null for the DMs); throws the server's refusal. */
    async saveGuildSettings(guildId, changes) {
      const s = await api.patch(`/users/@me/guilds/${guildId || '@me'}/settings`, changes);
      putSettings(store, s);
      store.emit('guildSettings');
      store.emit('unread'); // a mute hides unread marks
      return s;
    },

    /** One channel's override (mute, level) in its guild's settings; throws the server's refusal. */
    saveChannelSettings(channel, override) {
      return self.saveGuildSettings(channel.guild_id || null, { channel_overrides: { [channel.id]: override } });
    },

    /** Whether desktop notifications are on: the browser granted them and the user has not paused them. */
    desktopEnabled() {
      return typeof Notification !== 'undefined' && Notification.permission === 'granted' && localStorage.getItem(ENABLED_KEY) !== 'off';
    },

    /** From a click: asks for the permission if need be, or pauses / resumes notifications once granted. */
    async toggleDesktop() {
      if (typeof Notification === 'undefined') return;
      if (Notification.permission === 'granted') {
        localStorage.setItem(ENABLED_KEY, self.desktopEnabled() ? 'off' : 'on');
      } else if (Notification.permission === 'default') {
        await Notification.requestPermission();
        localStorage.setItem(ENABLED_KEY, 'on');
      }
      store.emit('guildSettings');
    },
  };
  return self;
}
