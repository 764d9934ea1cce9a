// What the guild settings screen asks for: the guild itself (name, icon, owner; deleting or leaving it), its
// roles (create, edit, delete, reorder) and its channels (edit, reorder and move between categories, permission
// overwrites). Each calls the REST API, puts the answer into the store and emits the notices (the gateway's
// events bring the same changes again, and those made elsewhere); each throws the server's refusal, which the
// screen shows where it was asked.
import * as M from './model.js';

export function createGuildSettingsActions({ store, api }) {
  const putRole = (guildId, role) => {
    const g = store.guilds.get(guildId);
    if (g && role && role.id) g.roles.set(role.id, role);
  };
  const changed = (guildId) => store.emit('roles', guildId);

  return {
    /** fields: any of {name, icon (a data URI or null), owner_id}. */
    async updateGuild(guildId, fields) {
      const guild = await api.patch(`/guilds/${guildId}`, fields);
      const g = store.guilds.get(guildId);
      if (g) g.guild = { ...g.guild, ...guild };
      store.emit('guild', guildId);
      return guild;
    },

    /** The guild goes away when its GUILD_DELETE arrives. */
    async deleteGuild(guildId) {
      await api.del(`/guilds/${guildId}`);
    },

    async leaveGuild(guildId) {
      await api.del(`/users/@me/guilds/${guildId}`);
    },

    /** fields: {name, color, hoist, mentionable, permissions (a decimal string)}; answers the new role. */
    async createRole(guildId, fields = {}) {
      const role = await api.post(`/guilds/${guildId}/roles`, fields);
      putRole(guildId, role);
      // The others moved up one to make room at the bottom: their positions fresh from the server.
      const g = store.guilds.get(guildId);
      const roles = await api.get(`/guilds/${guildId}/roles`).catch(() => null);
      if (g && Array.isArray(roles)) for (const r of roles) g.roles.set(r.id, r);
      changed(guildId);
      return role;
    },

    async updateRole(guildId, roleId, fields) {
      const role = await api.patch(`/guilds/${guildId}/roles/${roleId}`, fields);
      putRole(guildId, role);
      changed(guildId);
      return role;
    },

    async deleteRole(guildId, roleId) {
      await api.del(`/guilds/${guildId}/roles/${roleId}`);
      const g = store.guilds.get(guildId);
      if (g) {
        g.roles.delete(roleId);
        for (const m of g.members.values()) if (m.roles?.includes(roleId)) m.roles = m.roles.filter((r) => r !== roleId);
      }
      changed(guildId);
    },

    /** moves: [{id, position}]; the answer is every role of the guild. */
    async moveRoles(guildId, moves) {
      const roles = await api.patch(`/guilds/${guildId}/roles`, moves);
      const g = store.guilds.get(guildId);
      if (g && Array.isArray(roles)) {
        g.roles.clear();
        for (const r of roles) g.roles.set(r.id, r);
      }
      changed(guildId);
    },

    /** moves: [{id, position, parent_id}]. */
    async moveChannels(guildId, moves) {
      await api.patch(`/guilds/${guildId}/channels`, moves);
      for (const m of moves) {
        const c = store.channels.get(m.id);
        if (!c) continue;
        const next = { id: m.id, guild_id: guildId, position: m.position };
        if (m.parent_id !== undefined) next.parent_id = m.parent_id;
        store.emit('channel', M.addChannel(store, next));
      }
      store.emit('guild', guildId);
    },

    /** fields: any of {name, topic, rate_limit_per_user}. */
    async updateChannel(channelId, fields) {
      const c = await api.patch(`/channels/${channelId}`, fields);
      store.emit('channel', M.addChannel(store, c));
      return c;
    },

    /** overwrite: {id, type (0 a role, 1 a member), allow, deny} with decimal strings. */
    async putOverwrite(channelId, { id, type, allow, deny }) {
      await api.put(`/channels/${channelId}/permissions/${id}`, { type, allow: String(allow), deny: String(deny) });
      const c = store.channels.get(channelId);
      if (!c) return;
      const list = (c.permission_overwrites || []).filter((o) => o.id !== id);
      list.push({ id, type, allow: String(allow), deny: String(deny) });
      store.emit('channel', M.addChannel(store, { id: channelId, guild_id: c.guild_id, permission_overwrites: list }));
    },

    async deleteOverwrite(channelId, overwriteId) {
      await api.del(`/channels/${channelId}/permissions/${overwriteId}`);
      const c = store.channels.get(channelId);
      if (!c) return;
      const list = (c.permission_overwrites || []).filter((o) => o.id !== overwriteId);
      store.emit('channel', M.addChannel(store, { id: channelId, guild_id: c.guild_id, permission_overwrites: list }));
    },
  };
}
