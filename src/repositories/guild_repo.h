/*
 * guild_repo: guilds (roles inside, as a map), their channels, members, bans and invites in DynamoDB, in the
 * stored shapes of schemas/guild_schema.h. Every read is GetItem, Query or BatchGetItem. Invariants that span
 * items (member_count, invite uses, bans, ownership) are kept with transactions and conditions.
 * All callbacks are sd_repo_cb: result borrowed, plain JSON.
 */
#ifndef SD_REPOSITORIES_GUILD_REPO_H
#define SD_REPOSITORIES_GUILD_REPO_H

#include "repositories/repo.h"

/* Guild, its owner's membership and its first channel, in one transaction (all stolen). */
sd_err_t sd_guild_repo_create(sd_dynamo_t *db, json_t *guild, json_t *member, json_t *channel, sd_repo_cb cb,
                              void *ctx);
sd_err_t sd_guild_repo_get(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx);
/* Guilds by id (array of strings, stolen); missing ones are left out. */
sd_err_t sd_guild_repo_get_many(sd_dynamo_t *db, json_t *ids, sd_repo_cb cb, void *ctx);
/* Sets the top-level fields of changes (stolen); with owner_id among them only while the owner is still
 * owner. */
sd_err_t sd_guild_repo_update(sd_dynamo_t *db, const char *id, json_t *changes, const char *current_owner,
                              sd_repo_cb cb, void *ctx);
/* Deletes the guild item, while owner_id is still owner; everything under it is unreachable from then on. */
sd_err_t sd_guild_repo_delete(sd_dynamo_t *db, const char *id, const char *owner_id, sd_repo_cb cb,
                              void *ctx);
/* Sets (role != NULL, stolen) or removes one role. */
sd_err_t sd_guild_repo_put_role(sd_dynamo_t *db, const char *guild_id, const char *role_id, json_t *role,
                                sd_repo_cb cb, void *ctx);
/* Sets positions: {role_id: position} (stolen); with new_role (stolen, may be NULL) also adds that role under
   new_role_id, in the same write. Returns the new guild. */
sd_err_t sd_guild_repo_role_positions(sd_dynamo_t *db, const char *guild_id, json_t *positions,
                                      const char *new_role_id, json_t *new_role, sd_repo_cb cb, void *ctx);

sd_err_t sd_channel_repo_create(sd_dynamo_t *db, json_t *channel, sd_repo_cb cb, void *ctx);
sd_err_t sd_channel_repo_get(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx);
sd_err_t sd_channel_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx);
/* Sets the fields of changes (stolen) on an existing channel; returns the new channel. */
sd_err_t sd_channel_repo_update(sd_dynamo_t *db, const char *id, json_t *changes, sd_repo_cb cb, void *ctx);
/* Sets (overwrite stolen) or removes (NULL) one permission overwrite. */
sd_err_t sd_channel_repo_put_overwrite(sd_dynamo_t *db, const char *id, const char *target_id,
                                       json_t *overwrite, sd_repo_cb cb, void *ctx);
/* Sets position / parent_id of several channels of one guild at once: [{id, position?, parent_id?}] (stolen).
 */
sd_err_t sd_channel_repo_positions(sd_dynamo_t *db, const char *guild_id, json_t *moves, sd_repo_cb cb,
                                   void *ctx);
sd_err_t sd_channel_repo_delete(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx);

sd_err_t sd_member_repo_get(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb,
                            void *ctx);
/* The memberships in guild_id of user_ids (array of strings, stolen); the answer is an array of those that
   exist. */
sd_err_t sd_member_repo_get_many(sd_dynamo_t *db, const char *guild_id, json_t *user_ids, sd_repo_cb cb,
                                 void *ctx);
/* Members with user_id > after, in id order, at most limit. */
sd_err_t sd_member_repo_list(sd_dynamo_t *db, const char *guild_id, const char *after, size_t limit,
                             sd_repo_cb cb, void *ctx);
/* Guild ids of a user's memberships (objects {guild_id, user_id}), after/before bounds may be NULL. */
sd_err_t sd_member_repo_guilds_of(sd_dynamo_t *db, const char *user_id, const char *after, const char *before,
                                  size_t limit, sd_repo_cb cb, void *ctx);
sd_err_t sd_member_repo_update(sd_dynamo_t *db, const char *guild_id, const char *user_id, json_t *changes,
                               sd_repo_cb cb, void *ctx);
/*
 * Adds member (stolen) to its guild: member_count + 1, refused while a ban exists; with invite_code, also
 * counts one use, only while the invite has uses left and has not expired at now (Unix seconds). On
 * SD_ERR_CONFLICT, sd_member_repo_join_conflict(result, invite_code != NULL) says why:
 * SD_CONFLICT_INVITE_SPENT, SD_CONFLICT_BANNED, SD_CONFLICT_ALREADY_DONE (a member already) or
 * SD_CONFLICT_GONE (no such guild).
 */
sd_err_t sd_member_repo_join(sd_dynamo_t *db, json_t *member, const char *invite_code, long long now,
                             sd_repo_cb cb, void *ctx);
sd_conflict_t sd_member_repo_join_conflict(const json_t *result, bool with_invite);
/* Removes a member (member_count - 1); with ban (stolen, may be NULL) also writes the ban in the same step.
 */
sd_err_t sd_member_repo_remove(sd_dynamo_t *db, const char *guild_id, const char *user_id, json_t *ban,
                               sd_repo_cb cb, void *ctx);
sd_err_t sd_ban_repo_put(sd_dynamo_t *db, json_t *ban, sd_repo_cb cb, void *ctx);
sd_err_t sd_ban_repo_get(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb,
                         void *ctx);
sd_err_t sd_ban_repo_delete(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb,
                            void *ctx);
sd_err_t sd_ban_repo_list(sd_dynamo_t *db, const char *guild_id, size_t limit, sd_repo_cb cb, void *ctx);

sd_err_t sd_invite_repo_create(sd_dynamo_t *db, json_t *invite, sd_repo_cb cb, void *ctx);
sd_err_t sd_invite_repo_get(sd_dynamo_t *db, const char *code, sd_repo_cb cb, void *ctx);
sd_err_t sd_invite_repo_delete(sd_dynamo_t *db, const char *code, sd_repo_cb cb, void *ctx);
sd_err_t sd_invite_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx);

/* Deletes, in the background and as far as it gets, the channels, members, bans, invites and emoji of a
 * deleted guild. */
void sd_guild_repo_purge(sd_dynamo_t *db, const char *guild_id);

#endif
