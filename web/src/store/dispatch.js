// Gateway events into the store: each DISPATCH changes the data and emits the notices the views draw from.
import * as M from './model.js';
import { putSettings, setAllSettings } from '../notify/settings.js';

export function applyDispatch({ store, actions }, t, d) {
  const view = store.view;
  const g = d && d.guild_id ? store.guilds.get(d.guild_id) : null;
  switch (t) {
    case 'READY':
      M.rememberUser(store, d.user);
      setAllSettings(store, d.user_guild_settings && d.user_guild_settings.entries);
      store.emit('me');
      store.emit('guildSettings');
      break;
    case 'GUILD_CREATE':
      M.addGuild(store, d);
      actions.loadGuildExtras(d.id);
      if (store.pendingGuild === d.id || (view.guildId === null && !view.channelId && store.guilds.size === 1)) {
        store.pendingGuild = null;
        actions.select(d.id);
      } else {
        store.emit('guild', d.id);
      }
      break;
    case 'GUILD_UPDATE': {
      const known = store.guilds.get(d.id);
      if (known) known.guild = { ...known.guild, ...d };
      if (known && Array.isArray(d.emojis)) M.setEmojis(store, d.id, d.emojis);
      store.emit('guild', d.id);
      break;
    }
    case 'GUILD_EMOJIS_UPDATE':
      M.setEmojis(store, d.guild_id, d.emojis);
      store.emit('emojis', d.guild_id);
      break;
    case 'GUILD_DELETE':
      M.removeGuild(store, d.id);
      if (view.guildId === d.id) actions.select(null);
      else store.emit('guild', d.id);
      break;
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
      M.addChannel(store, d);
      store.emit('channel', d);
      break;
    case 'CHANNEL_DELETE':
      M.removeChannel(store, d.id);
      if (d.id === view.channelId) actions.select(view.guildId);
      else store.emit('channel', d);
      break;
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE':
      M.addMember(store, d.guild_id, d);
      store.emit('members', d.guild_id);
      if (d.user) store.emit('user', d.user.id);
      break;
    case 'GUILD_MEMBER_REMOVE':
      if (g) g.members.delete(d.user.id);
      store.emit('members', d.guild_id);
      break;
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
      if (g) g.roles.set(d.role.id, d.role);
      store.emit('roles', d.guild_id);
      break;
    case 'GUILD_ROLE_DELETE':
      if (g) g.roles.delete(d.role_id);
      store.emit('roles', d.guild_id);
      break;
    case 'MESSAGE_CREATE':
      actions.messageCreated(d);
      store.emit('created', d);
      break;
    case 'MESSAGE_UPDATE':
      actions.messageUpdated(d);
      break;
    case 'MESSAGE_DELETE':
      actions.messagesDeleted(d.channel_id, [d.id]);
      break;
    case 'MESSAGE_DELETE_BULK':
      actions.messagesDeleted(d.channel_id, d.ids);
      break;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE': {
      const m = M.reactionChanged(store, d, t === 'MESSAGE_REACTION_ADD');
      if (m) store.emit('message', m);
      break;
    }
    case 'TYPING_START':
      if (d.user_id !== store.me.id) {
        if (d.member && d.member.user) M.rememberUser(store, d.member.user);
        if (!store.typing.has(d.channel_id)) store.typing.set(d.channel_id, new Map());
        store.typing.get(d.channel_id).set(d.user_id, Date.now() + 10000);
        store.emit('typing');
      }
      break;
    case 'PRESENCE_UPDATE':
      M.setPresence(store, d.user.id, d.status);
      store.emit('presence');
      break;
    case 'USER_GUILD_SETTINGS_UPDATE':
      putSettings(store, d);
      store.emit('guildSettings');
      store.emit('unread');
      break;
    case 'USER_UPDATE':
      M.rememberUser(store, d);
      store.emit('me');
      store.emit('user', d.id);
      break;
    default:
      break;
  }
}
