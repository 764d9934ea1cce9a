// What views (and gateway events) ask for: choosing what is on screen, loading DMs and guild details, creating
// guilds, channels, invites and DMs, joining, settings and status. Each calls the REST API, puts the answer
// into the store and emits the notices; errors become a toast, except where a dialog shows them itself (those
// actions throw). Message actions come from message-actions.js.
import { describeError } from '../api.js';
import { createAccountActions } from './account-actions.js';
import { createPeopleActions } from './people-actions.js';
import * as M from './model.js';
import { createMessageActions } from './message-actions.js';
import { createUploadActions } from './upload-actions.js';
import { createGuildSettingsActions } from './guild-settings-actions.js';
import { createNotifyActions } from '../notify/notify-actions.js';

/** api: the REST client; gateway: the session's Gateway; logout(): signs out; tokens: see account-actions.js. */
export function createActions({ store, api, gateway, logout, tokens }) {
  const notify = (text) => store.emit('toast', text);
  const fail = (err) => notify(describeError(err));

  const actions = {
    notify,
    fail,
    logout,

    /** Opens a guild (null: the DMs) on the given channel, else the one last open there, else its first. */
    select(guildId, channelId) {
      const key = guildId ?? '@me';
      if (!channelId) {
        const remembered = store.lastChannel.get(key);
        channelId = remembered && store.channels.has(remembered) ? remembered : M.firstChannel(store, guildId);
      }
      const changed = store.view.channelId !== channelId;
      store.view = { guildId, channelId: channelId || null };
      store.lastChannel.set(key, store.view.channelId);
      if (changed) store.editing = store.reacting = store.replyTo = null;
      store.emit('view');
      if (changed) store.emit('open');
    },

    /** After a new IDENTIFY (not a resume) events may have been missed: reload what is on screen. */
    resync() {
      store.messages.clear();
      store.typing.clear();
      actions.loadDms();
      store.emit('open');
    },

    async loadDms() {
      try {
        for (const c of await api.get('/users/@me/channels')) M.addChannel(store, c);
        if (store.view.guildId === null && !store.view.channelId) actions.select(null);
        else store.emit('dms');
      } catch (err) {
        fail(err);
      }
    },

    /** Read states come with the REST channel list; members (beyond one's own) from the member list. */
    async loadGuildExtras(guildId) {
      try {
        const [channels, members] = await Promise.all([api.get(`/guilds/${guildId}/channels`), api.get(`/guilds/${guildId}/members?limit=1000`)]);
        if (!store.guilds.has(guildId)) return;
        for (const c of channels) M.addChannel(store, c);
        for (const m of members) M.addMember(store, guildId, m);
        store.emit('guild', guildId);
      } catch (err) {
        fail(err);
      }
    },

    /** A guild's custom emoji, fresh from the server (GUILD_CREATE brought them, GUILD_EMOJIS_UPDATE keeps
     * them); asked when the emoji picker opens. */
    async loadEmojis(guildId) {
      try {
        const emojis = await api.get(`/guilds/${guildId}/emojis`);
        M.setEmojis(store, guildId, emojis);
        store.emit('emojis', guildId);
      } catch (err) {
        fail(err);
      }
    },

    /** Throws the server's refusal. The guild is opened when its GUILD_CREATE arrives (or now, if it has). */
    async createGuild(name) {
      const guild = await api.post('/guilds', { name });
      store.pendingGuild = guild.id;
      if (store.guilds.has(guild.id)) actions.select(guild.id);
    },

    /** Throws the server's refusal. */
    async joinGuild(code) {
      const invite = await api.post(`/invites/${encodeURIComponent(code)}`, {});
      const guildId = invite.guild && invite.guild.id;
      if (guildId && store.guilds.has(guildId)) actions.select(guildId);
      else store.pendingGuild = guildId;
    },

    /** A new invite to channelId valid for 7 days, or null (and a toast) if the server refused. */
    async createInvite(channelId) {
      try {
        return await api.post(`/channels/${channelId}/invites`, { max_age: 604800, max_uses: 0 });
      } catch (err) {
        fail(err);
        return null;
      }
    },

    /** Throws the server's refusal. */
    async createChannel(guildId, name) {
      const c = await api.post(`/guilds/${guildId}/channels`, { name, type: M.TEXT });
      M.addChannel(store, c);
      actions.select(guildId, c.id);
    },

    async openDm(userId) {
      try {
        const c = await api.post('/users/@me/channels', { recipient_id: userId });
        M.addChannel(store, c);
        actions.select(null, c.id);
      } catch (err) {
        fail(err);
      }
    },

    /** An empty name clears the display name; avatar: a data URI to set, null to remove, undefined to keep.
     * Throws the server's refusal. */
    async saveSettings({ globalName, avatar }) {
      const body = { global_name: globalName || null };
      if (avatar !== undefined) body.avatar = avatar;
      const me = await api.patch('/users/@me', body);
      M.rememberUser(store, me);
      store.emit('me');
      store.emit('user', me.id);
    },

    /** icon: a data URI to set, null to remove. Throws the server's refusal. */
    async saveGuildIcon(guildId, icon) {
      const guild = await api.patch(`/guilds/${guildId}`, { icon });
      const g = store.guilds.get(guildId);
      if (g) g.guild = { ...g.guild, ...guild };
      store.emit('guild', guildId);
    },

    /** Marks every unread channel of a guild read up to its newest message (one ack per channel); a refusal
     * becomes a toast. */
    async markGuildRead(guildId) {
      const channels = M.unreadChannels(store, guildId);
      const acks = channels.map(async (c) => {
        const messageId = c.last_message_id;
        try {
          await api.post(`/channels/${c.id}/messages/${messageId}/ack`, {});
          if (!M.newer(c.last_read_message_id, messageId)) {
            c.last_read_message_id = messageId;
            c.mention_count = 0;
          }
        } catch (err) {
          fail(err);
        }
      });
      await Promise.all(acks);
      store.emit('unread');
    },

    setStatus(status) {
      gateway.setStatus(status);
      store.status = status;
      M.setPresence(store, store.me.id, status === 'invisible' ? 'offline' : status);
      store.emit('presence');
    },
  };
  Object.assign(actions, createPeopleActions({ store, api }), createAccountActions({ store, api, tokens, logout }));
  Object.assign(actions, createUploadActions({ store, api, actions }));
  Object.assign(actions, createGuildSettingsActions({ store, api, actions }));
  Object.assign(actions, createNotifyActions({ store, api }));
  return Object.assign(actions, createMessageActions({ store, api, actions }));
}
