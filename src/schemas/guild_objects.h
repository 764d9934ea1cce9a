/*
 * guild_objects: the Discord API v10 objects of the guild family (guild, partial guild, role, channel of each
 * type, member, invite) built from the stored items that schemas/guild_schema describes. The shapes follow
 * Discord's documentation: an integer field is always an integer, a nullable field is null rather than
 * absent, ids are strings, times ISO 8601.
 */
#ifndef SD_SCHEMAS_GUILD_OBJECTS_H
#define SD_SCHEMAS_GUILD_OBJECTS_H

#include <jansson.h>
#include <stdbool.h>

/* Each returns a new object the caller owns (NULL when out of memory). */
json_t *sd_role_json(const char *id, const json_t *role);
/* The guild's roles as Discord's array, sorted by position then id. */
json_t *sd_roles_json(const json_t *guild);
json_t *sd_guild_json(const json_t *guild);
/* The partial guild of GET /users/@me/guilds: id, name, icon, banner, owner, permissions, features. */
json_t *sd_guild_partial_json(const json_t *guild, bool owner, const char *permissions);
/* A guild channel (text or category) with its guild_id. */
json_t *sd_channel_json(const json_t *channel);
/* A DM or group DM: users maps id -> public user; the reader (viewer_id) is left out of recipients. */
json_t *sd_dm_channel_json(const json_t *channel, const json_t *users, const char *viewer_id);
/* user is the member's public user object, may be NULL (a partial member, as MESSAGE_CREATE carries): the
   result holds its own reference, the caller keeps its own. */
json_t *sd_member_json(const json_t *member, json_t *user, const json_t *guild);
/* inviter (may be NULL) is referenced, not stolen. */
json_t *sd_invite_json(const json_t *invite, const json_t *guild, const json_t *channel, json_t *inviter);

#endif
