// The one store of a signed-in session: the data (model.js), what is on screen (the open guild and channel, the
// message being edited, reacted to or replied to, the connection's state), and change notices. Actions
// (actions.js) and gateway events (dispatch.js) change it and emit a notice; views subscribe to the notices
// they show, read the store and call actions. Notices, with their arguments:
//   view                the open guild or channel changed: everything on screen is drawn anew
//   open                the open channel's messages are to be shown anew (loaded when missing)
//   guild (id)          a guild, its channels or its members changed
//   channel (channel)   a channel was created, changed or deleted
//   dms                 the DM list was loaded
//   unread              read states, mention counts or the open channel's unread marker changed
//   members (guildId)   a guild's member list changed
//   roles (guildId)     a guild's roles changed (created, edited, moved or deleted)
//   bans (guildId)      a guild's bans (store.bans) were loaded or changed
//   invites (guildId)   a guild's invites (store.invites) were loaded or changed
//   presence            someone's status changed
//   me                  the signed-in user changed
//   user (id)           a user's profile (name, avatar) changed
//   typing              who is typing changed
//   message (m)         a message of a loaded channel was added or changed
//   arrived (c, id)     a message from someone else arrived in the open channel (read if the list is at the bottom)
//   deleted (channelId, ids)  messages were deleted
//   reply               the message being replied to changed
//   draft (channelId)   the files attached in a channel's composer changed
//   upload              the upload under way (store.upload) started, moved on or ended
//   emojis (guildId)    a guild's custom emoji changed
//   created (m)         a message arrived from the gateway (any channel; notifications look at it)
//   guildSettings       one's notification settings (store.guildSettings, notify/settings.js) changed
//   connection          the gateway's state changed
//   toast (text)        something to tell the user
//   close               the session ended (signed out)
import { createModel } from './model.js';

export function createStore() {
  const listeners = new Map(); // notice -> Set of functions
  return {
    ...createModel(),
    view: { guildId: null, channelId: null },
    lastChannel: new Map(), // guild id ('@me' for DMs) -> channel id last open there
    pendingGuild: null, // a guild just created or joined: shown as soon as it arrives
    editing: null, // id of the message being edited
    reacting: null, // id of the message whose reaction picker is open
    replyTo: null, // the message being replied to
    drafts: new Map(), // channel id -> [{key, file, preview}] files attached in its composer
    upload: null, // {channelId, loaded, total, names, abort} of the message with files being sent
    revealed: new Set(), // ids of the spoilers shown
    bans: new Map(), // guild id -> [{user, reason}] as last loaded (guild settings)
    invites: new Map(), // guild id -> [invite] as last loaded (guild settings)
    unreadMarker: null, // {channelId, lastRead}: the open channel's read state when it was opened (the "New messages" divider)
    loadingOlder: false,
    status: 'online', // the status the user chose
    connection: { state: 'connecting', readyBefore: false },
    closed: false,

    /** Calls fn(...args) on each of the notices named (a name or a list); returns a function that stops it. */
    on(names, fn) {
      const list = Array.isArray(names) ? names : [names];
      for (const name of list) {
        if (!listeners.has(name)) listeners.set(name, new Set());
        listeners.get(name).add(fn);
      }
      return () => list.forEach((name) => listeners.get(name)?.delete(fn));
    },

    emit(name, ...args) {
      for (const fn of [...(listeners.get(name) || [])]) fn(...args);
    },

    /** Ends the session: views are told once, then no notice reaches anyone. */
    close() {
      this.emit('close');
      this.closed = true;
      listeners.clear();
    },
  };
}

export function currentChannel(store) {
  return store.view.channelId ? store.channels.get(store.view.channelId) : null;
}
