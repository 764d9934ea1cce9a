/*
 * emoji_schema: custom emoji in and out. The request bodies of POST and PATCH /guilds/{id}/emojis[/{id}] with
 * Discord's per-field errors (name of 2..32 of [A-Za-z0-9_], image a data URI, roles a list of role ids); the
 * emoji object built from a stored item ({guild_id, emoji_id, name, roles, user_id, animated}); and the forms
 * a custom emoji takes in a reaction's path ("name:id", "a:name:id", or the bare id) and in a reaction key.
 */
#ifndef SD_SCHEMAS_EMOJI_SCHEMA_H
#define SD_SCHEMAS_EMOJI_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "schemas/fields.h"

/* Discord's bounds: a name of 2..32 characters, and up to 250 role ids in the whitelist. */
#define SD_EMOJI_NAME_MIN 2
#define SD_EMOJI_NAME_MAX 32
#define SD_EMOJI_ROLES_MAX 250
/* A reaction key of a custom emoji: "a:" + name + ":" + id, and its NUL. */
#define SD_EMOJI_KEY_SIZE (2 + SD_EMOJI_NAME_MAX + 1 + SD_FIELD_ID_SIZE)

/*
 * The changes of a create (create: name and image required) or of a modify (name, roles; image is not
 * modifiable and is ignored, as Discord does): {name?, image?, roles?}, a new object the caller owns, or
 * NULL with *errors (new reference) set.
 */
json_t *sd_emoji_in_parse(const json_t *body, bool create, json_t **errors);
/* Whether name is a valid emoji name: 2..32 of [A-Za-z0-9_]. */
bool sd_emoji_name_valid(const char *name);

/* Discord's emoji object of a stored emoji; user (borrowed, may be NULL) is shown as its creator. New
   reference. */
json_t *sd_emoji_object_json(const json_t *emoji, const json_t *user);
/* The objects of stored emoji (an array); users (id -> public user, borrowed) NULL shows no creators. */
json_t *sd_emojis_json(const json_t *emojis, const json_t *users);

/*
 * A reaction's emoji as a path gives it, when it names a custom emoji: "name:id", "a:name:id", ":id" or
 * "id" (the name is not trusted: the stored one is used). Writes the id into id (SD_FIELD_ID_SIZE bytes) and
 * returns true; false for anything else (a unicode emoji).
 */
bool sd_emoji_custom_ref(const char *path_emoji, char *id);
/* The reaction key of a stored emoji: "name:id", or "a:name:id" for an animated one, into out (at least
   SD_EMOJI_KEY_SIZE bytes). */
void sd_emoji_reaction_key(const json_t *emoji, char *out, size_t cap);

#endif
