/*
 * guild_schema: request bodies of the guild, channel, role, member, ban and invite endpoints, validated into
 * "changes" objects in the stored shape (schemas/guild_objects builds the Discord objects from stored items).
 *
 * Stored shapes (what the repositories keep):
 *   guild   {id, name, icon, owner_id, member_count, created_at, roles: {role_id: {name, color, hoist,
 * position, permissions: "<decimal>", mentionable}}} channel {id, guild_id, type (0 text, 4 category), name,
 * topic, position, parent_id, nsfw, permission_overwrites: {id: {type (0 role, 1 member), allow, deny}}}
 *   member  {guild_id, user_id, nick, roles: [role_id...], joined_at}
 *   invite  {code, guild_id, channel_id, inviter_id, max_age, max_uses, uses, temporary, created_at,
 * expires_at} ban     {guild_id, user_id, reason}
 *
 * Each *_parse returns a new object of the valid fields (caller owns) and sets *errors to NULL, or returns
 * NULL with *errors a new Discord form-errors object. Ids are taken as strings or integers; unknown fields
 * are ignored; a documented field of a feature the server does not have is refused by name unless it holds
 * its default (schemas/fields' sd_field_unsupported); null clears or defaults a field where Discord's docs
 * say so.
 */
#ifndef SD_SCHEMAS_GUILD_SCHEMA_H
#define SD_SCHEMAS_GUILD_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>

#define SD_CHANNEL_TEXT 0
#define SD_CHANNEL_DM 1
#define SD_CHANNEL_GROUP_DM 3
#define SD_CHANNEL_CATEGORY 4

/* {name (2-100), icon?} on create; the same, optional, plus owner_id on update. */
json_t *sd_guild_in_parse(const json_t *body, bool create, json_t **errors);
/* {name (1-100), type 0|4, topic (0-1024), position, parent_id, nsfw, rate_limit_per_user (0-21600),
   permission_overwrites[]}. */
json_t *sd_channel_in_parse(const json_t *body, bool create, json_t **errors);
/* [{id, position, parent_id?}] (1-500 entries): returns the array. */
json_t *sd_positions_in_parse(const json_t *body, json_t **errors);
/* {name, permissions, color, hoist, mentionable}; name defaults to "new role" on create. */
json_t *sd_role_in_parse(const json_t *body, bool create, json_t **errors);
/* {nick (0-32 or null), roles [ids], communication_disabled_until (ISO time, at most 28 days ahead, or
 * null)}. */
json_t *sd_member_in_parse(const json_t *body, json_t **errors);
/* {type 0|1 (required), allow, deny}. */
json_t *sd_overwrite_in_parse(const json_t *body, json_t **errors);
/* {max_age 0-604800 (default 86400), max_uses 0-100 (default 0), temporary, unique}. */
json_t *sd_invite_in_parse(const json_t *body, json_t **errors);
/* {delete_message_seconds 0-604800 (or delete_message_days 0-7), reason?} (all optional); the changes hold
   delete_message_seconds only when it is not 0. */
json_t *sd_ban_in_parse(const json_t *body, json_t **errors);
/* POST /users/@me/channels: {recipient_id} or {recipients: [1-9 ids]}, ids normalized to strings. */
json_t *sd_dm_in_parse(const json_t *body, json_t **errors);

/* "2026-01-01T00:00:00.000000+00:00" and its NUL. */
#define SD_ISO_TIME_SIZE 33
/* The ISO 8601 time of a Unix time in milliseconds, written into out (at least SD_ISO_TIME_SIZE bytes). */
void sd_iso_time(long long unix_ms, char *out);

#endif
