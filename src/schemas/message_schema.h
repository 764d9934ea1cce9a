/*
 * message_schema: the bodies of POST and PATCH /channels/{id}/messages validated into stored-shape changes,
 * the mention syntax of message content (<@id>, <@!id>, <@&id>, @everyone, @here), and Discord's message
 * object.
 *
 * Stored message: {bucket_key, id, channel_id, guild_id, author_id, content, timestamp, edited_timestamp,
 *                  mentions: [user ids], mention_roles: [role ids], mention_everyone, pinned, type (0, or 19
 * for a reply), message_reference?: {message_id, channel_id, guild_id}, nonce?, attachments: [stored
 * attachments, schemas/attachment_schema]}
 */
#ifndef SD_SCHEMAS_MESSAGE_SCHEMA_H
#define SD_SCHEMAS_MESSAGE_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>

#define SD_MESSAGE_MAX 2000
#define SD_MESSAGE_MAX_FILES 10 /* entries of a message's attachments array */
#define SD_MESSAGE_DEFAULT 0
#define SD_MESSAGE_REPLY 19
/* The message flags a sender may set: embeds hidden, and a message that notifies no one (create only). */
#define SD_MESSAGE_SUPPRESS_EMBEDS 4
#define SD_MESSAGE_SUPPRESS_NOTIFICATIONS 4096

/*
 * {content (1-2000), nonce? (string of at most 25 or integer), enforce_nonce?, tts?, flags? (SUPPRESS_EMBEDS,
 * SUPPRESS_NOTIFICATIONS), message_reference? {message_id, channel_id?, fail_if_not_exists?},
 * allowed_mentions? {parse: ["users","roles","everyone"], users, roles}, attachments? (refs, see
 * sd_attachment_refs_parse; with files, content may be empty or absent)}. On edit only content, attachments,
 * allowed_mentions and flags (of which only SUPPRESS_EMBEDS is kept, as "suppress_embeds"). Returns a new
 * object or NULL with *errors.
 */
json_t *sd_message_in_parse(const json_t *body, bool create, json_t **errors);
/* {messages: [2-100 ids]}: returns the array of ids. */
json_t *sd_bulk_delete_in_parse(const json_t *body, json_t **errors);

/*
 * The mentions in content, as allowed_mentions (may be NULL: everything) lets them count:
 * {"users": [ids], "roles": [ids], "everyone": bool}. New reference.
 */
json_t *sd_message_mentions(const char *content, const json_t *allowed_mentions);

/* Discord's message object: users maps user id -> public user object (for the author and mentions);
   referenced is the stored referenced message (or NULL). New reference. */
json_t *sd_message_json(const json_t *message, const json_t *users, const json_t *referenced);

/* The reactions array of a stored message: its "reactions" counts map, and "_me" {emoji: true} for the
 * reader. */
json_t *sd_reactions_json(const json_t *message);
/* Discord's emoji object of a reaction key: {id, name, animated} for "name:id", {id: null, name} for a
 * unicode emoji. New reference. */
json_t *sd_emoji_json(const char *emoji);
/*
 * The data of MESSAGE_REACTION_ADD (add) or MESSAGE_REACTION_REMOVE: {user_id, channel_id, message_id, emoji,
 * burst, type, and for an add message_author_id (when known) and burst_colors}. guild_id and member are the
 * caller's to add. New reference.
 */
json_t *sd_reaction_event_json(bool add, const char *user_id, const char *channel_id, const char *message_id,
                               const char *emoji, const char *author_id);
/* MESSAGE_CREATE / MESSAGE_UPDATE in a guild: a copy of message (Discord's object) with guild_id and member
 * (the author's partial member, stolen; may be NULL). New reference. */
json_t *sd_message_event_json(const json_t *message, const char *guild_id, json_t *member);

/* A reaction emoji as the path gives it: a unicode emoji or "name:id", 1..64 bytes, no control characters. */
bool sd_emoji_valid(const char *emoji);

#endif
