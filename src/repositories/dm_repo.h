/*
 * dm_repo: direct message channels (type 1, two recipients) and group DMs (type 3, up to 10), kept in the
 * channels table without a guild_id (so they stay out of its by_guild index), with "user_channels" listing
 * each user's, and "dm_pairs" making the DM of two users unique. Also read states: what a user has read in a
 * channel.
 */
#ifndef SD_REPOSITORIES_DM_REPO_H
#define SD_REPOSITORIES_DM_REPO_H

#include "repositories/repo.h"

/* "<lower>:<higher>" of two user ids, into out. */
void sd_dm_pair(const char *a, const char *b, char *out, size_t cap);
/* Creates channel (stolen) and lists it for each recipient; with pair (may be NULL) only if that pair has no
   DM yet (SD_ERR_CONFLICT, sd_dm_repo_create_conflict SD_CONFLICT_ALREADY_DONE, otherwise). */
sd_err_t sd_dm_repo_create(sd_dynamo_t *db, json_t *channel, const char *pair, sd_repo_cb cb, void *ctx);
/* Why a sd_dm_repo_create with a pair failed with SD_ERR_CONFLICT (its callback's result). */
sd_conflict_t sd_dm_repo_create_conflict(const json_t *result);
/* The pair record {pair, channel_id}. */
sd_err_t sd_dm_repo_pair(sd_dynamo_t *db, const char *pair, sd_repo_cb cb, void *ctx);
/* The user's DM channel rows [{user_id, channel_id}]. */
sd_err_t sd_dm_repo_list(sd_dynamo_t *db, const char *user_id, sd_repo_cb cb, void *ctx);
/* Channels by id (array, stolen). */
sd_err_t sd_dm_repo_channels(sd_dynamo_t *db, json_t *ids, sd_repo_cb cb, void *ctx);

/* Moves user's read state in channel to message_id (only forwards) and clears its mention count. */
sd_err_t sd_read_state_repo_ack(sd_dynamo_t *db, const char *user_id, const char *channel_id,
                                const char *message_id, sd_repo_cb cb, void *ctx);
/* Adds one mention to each user's read state in channel (users: a non-empty array of ids, stolen); cb runs
   once, when every update is done (err: the last failure, result NULL). */
sd_err_t sd_read_state_repo_mention(sd_dynamo_t *db, const char *channel_id, json_t *users, sd_repo_cb cb,
                                    void *ctx);
/* Read states of user in channels (array of ids, stolen): [{channel_id, last_message_id, mention_count}]. */
sd_err_t sd_read_state_repo_get_many(sd_dynamo_t *db, const char *user_id, json_t *channel_ids, sd_repo_cb cb,
                                     void *ctx);

#endif
