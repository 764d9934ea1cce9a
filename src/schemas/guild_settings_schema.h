/*
 * guild_settings_schema: Discord's user guild settings, one user's notification settings for one guild (or,
 * under the key "@me", for their DMs). The body of PATCH /users/@me/guilds/{id}/settings in (muted,
 * mute_config, message_notifications, the suppress and push flags, flags, and channel_overrides as Discord
 * sends them: an object keyed by channel id), the stored item merged with those changes, and Discord's
 * settings object out (channel_overrides as an array, version). The stored item is {user_id, guild_id, the
 * fields, channel_overrides: {channel_id: {muted, mute_config, message_notifications, collapsed}}, version}.
 */
#ifndef SD_SCHEMAS_GUILD_SETTINGS_SCHEMA_H
#define SD_SCHEMAS_GUILD_SETTINGS_SCHEMA_H

#include <jansson.h>

/* The most channel overrides one request may carry, and one settings item may hold (Discord's channel cap).
 */
#define SD_GUILD_SETTINGS_OVERRIDES_MAX 500
/* The key of the DM settings (Discord's guild_id null). */
#define SD_GUILD_SETTINGS_DMS "@me"

/* message_notifications: all messages, only mentions, nothing, the guild's default (channels: the guild's).
 */
enum {
    SD_NOTIFY_ALL = 0,
    SD_NOTIFY_MENTIONS = 1,
    SD_NOTIFY_NOTHING = 2,
    SD_NOTIFY_DEFAULT = 3,
};

/*
 * Parses the PATCH body: the changes (a new object: the fields given, channel_overrides as {id: {fields}})
 * or NULL with Discord's field errors in *errors (caller owns either).
 */
json_t *sd_guild_settings_in_parse(const json_t *body, json_t **errors);
/*
 * A new stored item for user_id in guild_key with the changes (borrowed) applied over stored (borrowed; NULL:
 * the defaults), its version one more than stored's. Caller owns it.
 */
json_t *sd_guild_settings_merge(const json_t *stored, const json_t *changes, const char *user_id,
                                const char *guild_key);
/* Discord's settings object of a stored item (borrowed). A new reference. */
json_t *sd_guild_settings_json(const json_t *stored);

#endif
