// Message actions: loading pages, sending (in order, retried with the same nonce when the connection drops),
// editing, deleting, reactions, read acks; and what a new, changed or deleted message does to the store (from the
// gateway or from the answer to one's own send). Part of the actions object built by actions.js.
import { ApiError } from '../api.js';
import * as M from './model.js';
import { currentChannel } from './store.js';

function nonce() {
  return String(BigInt(Date.now()) * 4194304n + BigInt(Math.floor(Math.random() * 4194304)));
}

export function createMessageActions({ store, api, actions }) {
  const acks = new Map(); // channel id -> {timer, messageId}: acks wait a moment so that a burst sends one
  // Messages go out one after another, in the order they were written, even when the server makes some wait.
  let sending = Promise.resolve();

  async function deliver(c, body, files) {
    for (let attempt = 0; ; attempt++) {
      try {
        const m = files.length ? await actions.uploadMessage(c, body, files) : await api.post(`/channels/${c.id}/messages`, body);
        self.messageCreated(m);
        return true;
      } catch (err) {
        if (files.length) {
          // A file upload is not repeated by itself: the files go back to the composer to send again.
          actions.restoreDraft(c.id, files);
          if (!(err instanceof ApiError && err.body.code === 'cancelled')) actions.fail(err);
          return false;
        }
        // A lost connection is retried with the same nonce: the server answers a repeat with the first message.
        if (err instanceof ApiError && err.status === 0 && attempt < 3) {
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
          continue;
        }
        actions.fail(err);
        return false;
      }
    }
  }

  const self = {
    /** The newest page of a channel; throws when it cannot be loaded. */
    async loadMessages(channelId) {
      const page = await api.get(`/channels/${channelId}/messages?limit=50`);
      M.addMessages(store, channelId, page, { complete: page.length < 50 });
    },

    /** The page (of 100) before the oldest loaded one; true if one was added. */
    async loadOlder(channelId) {
      const entry = channelId && store.messages.get(channelId);
      if (!entry || entry.complete || store.loadingOlder) return false;
      store.loadingOlder = true;
      try {
        const oldest = entry.list[0];
        const page = await api.get(`/channels/${channelId}/messages?limit=100${oldest ? `&before=${oldest.id}` : ''}`);
        M.addMessages(store, channelId, page, { complete: page.length < 100 });
        return true;
      } catch (err) {
        actions.fail(err);
        return false;
      } finally {
        store.loadingOlder = false;
      }
    },

    /** Queues content and the channel's attached files for the open channel (replying to store.replyTo);
     * resolves to false if it was not sent. */
    send(content) {
      const c = currentChannel(store);
      const files = c ? actions.takeDraft(c.id) : [];
      if (!c || (!content && !files.length)) return Promise.resolve(false);
      const body = { content, nonce: nonce(), enforce_nonce: true };
      if (store.replyTo) body.message_reference = { message_id: store.replyTo.id, channel_id: c.id, fail_if_not_exists: false };
      self.replyTo(null);
      const sent = sending.then(() => deliver(c, body, files));
      sending = sent;
      return sent;
    },

    typing(channelId) {
      api.post(`/channels/${channelId}/typing`, {}).catch(() => {});
    },

    replyTo(m) {
      store.replyTo = m;
      store.emit('reply');
    },

    startEdit(m) {
      store.editing = m.id;
      store.emit('message', m);
    },

    stopEdit(m) {
      store.editing = null;
      store.emit('message', M.findMessage(store, m.channel_id, m.id) || m);
    },

    async editMessage(m, content) {
      try {
        const updated = await api.patch(`/channels/${m.channel_id}/messages/${m.id}`, { content });
        store.editing = null;
        self.messageUpdated(updated);
      } catch (err) {
        actions.fail(err);
      }
    },

    toggleReacting(m) {
      store.reacting = store.reacting === m.id ? null : m.id;
      store.emit('message', m);
    },

    async react(m, emoji, add) {
      store.reacting = null;
      store.emit('message', m);
      const path = `/channels/${m.channel_id}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}/@me`;
      try {
        await (add ? api.put(path) : api.del(path));
      } catch (err) {
        actions.fail(err);
      }
    },

    async deleteMessage(m) {
      try {
        await api.del(`/channels/${m.channel_id}/messages/${m.id}`);
        self.messagesDeleted(m.channel_id, [m.id]);
      } catch (err) {
        actions.fail(err);
      }
    },

    /** Marks channel c read up to messageId (sent to the server a moment later). */
    ack(c, messageId) {
      if (!M.newer(messageId, c.last_read_message_id)) return;
      c.last_read_message_id = messageId;
      c.mention_count = 0;
      clearTimeout(acks.get(c.id)?.timer);
      const timer = setTimeout(() => {
        acks.delete(c.id);
        api.post(`/channels/${c.id}/messages/${messageId}/ack`, {}).catch(() => {});
      }, 400);
      acks.set(c.id, { timer, messageId });
      store.emit('unread');
    },

    /** Remembers channelId's read state as it is now (before the channel is seen): the "New messages" divider
     * stays above the first message after it until the channel is marked read or another one opens. */
    keepReadState(channelId) {
      const c = store.channels.get(channelId);
      store.unreadMarker = c ? { channelId, lastRead: c.last_read_message_id } : null;
      store.emit('unread');
    },

    /** Mark as read: the open channel read up to its newest message, and its divider gone. */
    markRead() {
      const c = currentChannel(store);
      if (c && c.last_message_id) self.ack(c, c.last_message_id);
      store.unreadMarker = null;
      store.emit('unread');
    },

    /** Marks the open channel read, if the tab is visible. */
    ackLatest() {
      const c = currentChannel(store);
      if (c && c.last_message_id && document.visibilityState === 'visible') self.ack(c, c.last_message_id);
    },

    messageCreated(m) {
      const c = store.channels.get(m.channel_id);
      M.rememberUser(store, m.author);
      store.typing.get(m.channel_id)?.delete(m.author.id);
      if (store.messages.has(m.channel_id)) {
        const known = !!M.findMessage(store, m.channel_id, m.id);
        M.addMessages(store, m.channel_id, [m]);
        if (!known) store.emit('message', M.findMessage(store, m.channel_id, m.id));
      }
      if (!c) {
        if (!m.guild_id) actions.loadDms();
        return;
      }
      if (M.newer(m.id, c.last_message_id)) c.last_message_id = m.id;
      const viewing = store.view.channelId === c.id && document.visibilityState === 'visible';
      if (m.author.id === store.me.id) {
        self.ack(c, m.id);
      } else if (viewing) {
        store.emit('arrived', c, m.id);
      } else if ((M.mentionsMe(store, m) || !c.guild_id) && !c.counted?.has(m.id)) {
        c.mention_count = (c.mention_count || 0) + 1;
        (c.counted ||= new Set()).add(m.id);
      }
      store.emit('unread');
      store.emit('typing');
    },

    messageUpdated(d) {
      const m = M.findMessage(store, d.channel_id, d.id);
      if (!m) return;
      Object.assign(m, d);
      store.emit('message', m);
    },

    messagesDeleted(channelId, ids) {
      const entry = store.messages.get(channelId);
      if (entry) entry.list = entry.list.filter((m) => !ids.includes(m.id));
      // A deleted message can no longer be acknowledged: the newest one left stands for it.
      const c = store.channels.get(channelId);
      const pending = acks.get(channelId);
      if (c && ids.includes(c.last_message_id)) c.last_message_id = entry?.list.at(-1)?.id ?? null;
      if (pending && ids.includes(pending.messageId)) {
        clearTimeout(pending.timer);
        acks.delete(channelId);
      }
      store.emit('deleted', channelId, ids);
    },
  };
  return self;
}
