// What the guild's Members, Bans and Invites settings ask for: the member list (pages of GET .../members, or
// .../members/search), a member's roles, nickname and timeout, kicking and banning; the bans and unbanning;
// the guild's invites, creating and revoking them. The answers go into the store (members into the guild,
// bans into store.bans, invites into store.invites) with their notices. Each throws the server's refusal, which
// the settings show in place.
import * as M from './model.js';

const PAGE = 1000;

export function createPeopleActions({ store, api }) {
  const guildOf = (guildId) => store.guilds.get(guildId);
  const putMember = (guildId, member) => {
    M.addMember(store, guildId, member);
    store.emit('members', guildId);
  };

  return {
    /** Every member of the guild (pages of PAGE, after the last id), or those whose name starts with query;
     * answers their user ids in the server's order. */
    async findMembers(guildId, query) {
      const q = (query || '').trim();
      let found = [];
      if (q) {
        found = await api.get(`/guilds/${guildId}/members/search?query=${encodeURIComponent(q)}&limit=100`);
      } else {
        for (let after = '0'; ; ) {
          const page = await api.get(`/guilds/${guildId}/members?limit=${PAGE}&after=${after}`);
          found.push(...page);
          if (page.length < PAGE) break;
          after = page[page.length - 1].user.id;
        }
      }
      if (!guildOf(guildId)) return [];
      for (const m of found) M.addMember(store, guildId, m);
      store.emit('members', guildId);
      return found.map((m) => m.user.id);
    },

    /** Gives (on) or takes (off) role roleId to the member. */
    async setMemberRole(guildId, userId, roleId, on) {
      const path = `/guilds/${guildId}/members/${userId}/roles/${roleId}`;
      await (on ? api.put(path) : api.del(path));
      const member = guildOf(guildId)?.members.get(userId);
      if (member) {
        const roles = new Set(member.roles || []);
        if (on) roles.add(roleId);
        else roles.delete(roleId);
        guildOf(guildId).members.set(userId, { ...member, roles: [...roles] });
        store.emit('members', guildId);
      }
    },

    /** nick: the new nickname ('' clears it). */
    async setNickname(guildId, userId, nick) {
      const path = userId === store.me.id ? `/guilds/${guildId}/members/@me` : `/guilds/${guildId}/members/${userId}`;
      putMember(guildId, await api.patch(path, { nick: nick || null }));
    },

    /** A timeout of seconds from now (0 or null ends one). */
    async timeoutMember(guildId, userId, seconds) {
      const until = seconds ? new Date(Date.now() + seconds * 1000).toISOString() : null;
      putMember(guildId, await api.patch(`/guilds/${guildId}/members/${userId}`, { communication_disabled_until: until }));
    },

    async kickMember(guildId, userId) {
      await api.del(`/guilds/${guildId}/members/${userId}`);
      guildOf(guildId)?.members.delete(userId);
      store.emit('members', guildId);
    },

    /** Bans the user, deleting their messages of the last deleteSeconds (0-604800). */
    async banMember(guildId, userId, deleteSeconds = 0) {
      await api.put(`/guilds/${guildId}/bans/${userId}`, { delete_message_seconds: deleteSeconds });
      guildOf(guildId)?.members.delete(userId);
      store.emit('members', guildId);
      store.bans.delete(guildId); // read again when shown
      store.emit('bans', guildId);
    },

    async loadBans(guildId) {
      const bans = await api.get(`/guilds/${guildId}/bans?limit=1000`);
      for (const b of bans) M.rememberUser(store, b.user);
      store.bans.set(guildId, bans);
      store.emit('bans', guildId);
    },

    async unban(guildId, userId) {
      await api.del(`/guilds/${guildId}/bans/${userId}`);
      const list = store.bans.get(guildId);
      if (list) store.bans.set(guildId, list.filter((b) => b.user.id !== userId));
      store.emit('bans', guildId);
    },

    async loadInvites(guildId) {
      const invites = await api.get(`/guilds/${guildId}/invites`);
      for (const i of invites) if (i.inviter) M.rememberUser(store, i.inviter);
      store.invites.set(guildId, invites);
      store.emit('invites', guildId);
    },

    /** A new invite to channelId: maxAge seconds (0: never expires), maxUses (0: no limit). */
    async createGuildInvite(guildId, channelId, maxAge, maxUses) {
      const invite = await api.post(`/channels/${channelId}/invites`, { max_age: maxAge, max_uses: maxUses, unique: true });
      if (invite.inviter) M.rememberUser(store, invite.inviter);
      store.invites.set(guildId, [invite, ...(store.invites.get(guildId) || []).filter((i) => i.code !== invite.code)]);
      store.emit('invites', guildId);
      return invite;
    },

    async revokeInvite(guildId, code) {
      await api.del(`/invites/${encodeURIComponent(code)}`);
      store.invites.set(guildId, (store.invites.get(guildId) || []).filter((i) => i.code !== code));
      store.emit('invites', guildId);
    },
  };
}
