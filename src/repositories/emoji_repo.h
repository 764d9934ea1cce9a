/*
 * emoji_repo: a guild's custom emoji in DynamoDB, keyed (guild_id, emoji_id), as stored items {guild_id,
 * emoji_id, name, roles: [role ids], user_id (the creator), animated, created_at}. A guild's emoji are one
 * strongly consistent Query; one emoji a GetItem. Creating and deleting one also moves the guild item's count
 * of its kind (emoji_static or emoji_animated) in the same transaction, so that the per-guild caps hold
 * whatever the concurrency. Callbacks are sd_repo_cb: result borrowed, plain JSON.
 */
#ifndef SD_REPOSITORIES_EMOJI_REPO_H
#define SD_REPOSITORIES_EMOJI_REPO_H

#include <stdbool.h>

#include "repositories/repo.h"

/* At most this many emoji of one guild are read (Discord's highest tier holds 250 + 250). */
#define SD_EMOJI_REPO_LIST_MAX 500

/* The guild's emoji (an array of stored items), in id order. */
sd_err_t sd_emoji_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx);
/* One emoji; SD_ERR_NOT_FOUND when the guild has none of that id. */
sd_err_t sd_emoji_repo_get(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, sd_repo_cb cb,
                           void *ctx);
/*
 * Writes emoji (stolen; its guild_id, emoji_id and animated say where and what) while the guild exists and
 * holds fewer than max emoji of its kind. On SD_ERR_CONFLICT, sd_emoji_repo_create_conflict(result) says
 * why: SD_CONFLICT_LIMIT (the kind is full; one condition on the guild item checks both that and that the
 * guild exists, and a guild is rarely deleted in between its read and this write) or SD_CONFLICT_GONE.
 */
sd_err_t sd_emoji_repo_create(sd_dynamo_t *db, json_t *emoji, long max, sd_repo_cb cb, void *ctx);
sd_conflict_t sd_emoji_repo_create_conflict(const json_t *result);
/* Sets the fields of changes (stolen) on an existing emoji and returns it; SD_ERR_CONFLICT when it is gone.
 */
sd_err_t sd_emoji_repo_update(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, json_t *changes,
                              sd_repo_cb cb, void *ctx);
/* Deletes an existing emoji of the kind animated says, counting it out of its guild; SD_ERR_CONFLICT when it
   was gone already. */
sd_err_t sd_emoji_repo_delete(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, bool animated,
                              sd_repo_cb cb, void *ctx);

#endif
