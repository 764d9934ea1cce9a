/*
 * message_repo: messages partitioned as Discord partitions them, by channel and 10-day bucket of the message
 * snowflake's time ("<channel_id>#<bucket>"), sorted by id inside. A page of history is a few Query calls
 * that walk buckets from the anchor towards the channel's first bucket (the bucket of the channel's own id)
 * or towards now, until the page is full. Ids are snowflakes of one length, so string order is time order.
 */
#ifndef SD_REPOSITORIES_MESSAGE_REPO_H
#define SD_REPOSITORIES_MESSAGE_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "repositories/repo.h"

#define SD_MESSAGE_BUCKET_MS (10ULL * 24 * 3600 * 1000)

/* The bucket of a snowflake id (by its time). */
uint64_t sd_message_bucket(uint64_t id);
/* "<channel_id>#<bucket of id>" into out. */
void sd_message_bucket_key(const char *channel_id, uint64_t id, char *out, size_t cap);

/*
 * Stores message (stolen; its bucket_key is set here) and moves the channel's last_message_id, in one
 * transaction; with nonce_key also records the nonce (for nonce_ttl seconds). On SD_ERR_CONFLICT,
 * sd_message_repo_create_conflict(result) is SD_CONFLICT_GONE when the channel is gone and
 * SD_CONFLICT_NONCE_USED when the nonce was used already.
 */
sd_err_t sd_message_repo_create(sd_dynamo_t *db, json_t *message, const char *nonce_key,
                                long long nonce_expires, sd_repo_cb cb, void *ctx);
sd_conflict_t sd_message_repo_create_conflict(const json_t *result);
sd_err_t sd_message_repo_get(sd_dynamo_t *db, const char *channel_id, const char *id, sd_repo_cb cb,
                             void *ctx);
/* Messages by id (array of strings, stolen) of one channel; missing ones are left out. */
sd_err_t sd_message_repo_get_many(sd_dynamo_t *db, const char *channel_id, json_t *ids, sd_repo_cb cb,
                                  void *ctx);
/* Sets the fields of changes (stolen) on an existing message; returns the new message. */
sd_err_t sd_message_repo_update(sd_dynamo_t *db, const char *channel_id, const char *id, json_t *changes,
                                sd_repo_cb cb, void *ctx);
sd_err_t sd_message_repo_delete(sd_dynamo_t *db, const char *channel_id, const char *id, sd_repo_cb cb,
                                void *ctx);
/* Sets a message's link_embeds (stolen) when its content is still content; SD_ERR_CONFLICT when it changed
   or the message is gone. Returns the new message. */
sd_err_t sd_message_repo_set_previews(sd_dynamo_t *db, const char *channel_id, const char *id, json_t *embeds,
                                      const char *content, sd_repo_cb cb, void *ctx);
/* The nonce record {key, message_id} of nonce_key. */
sd_err_t sd_message_repo_nonce(sd_dynamo_t *db, const char *nonce_key, sd_repo_cb cb, void *ctx);

/*
 * Reactions: add (remove=false) or remove user's reaction emoji on a message, moving the message's count in
 * the same transaction. On SD_ERR_CONFLICT, sd_reaction_repo_set_conflict(result) is SD_CONFLICT_ALREADY_DONE
 * when it is there already (add) / not there (remove), SD_CONFLICT_GONE when the message is.
 */
sd_err_t sd_reaction_repo_set(sd_dynamo_t *db, const char *channel_id, const char *message_id,
                              const char *emoji, const char *user_id, bool remove, sd_repo_cb cb, void *ctx);
sd_conflict_t sd_reaction_repo_set_conflict(const json_t *result);
/* Users who reacted with emoji, user id > after, at most limit: [{message_id, emoji_user, user_id}]. */
sd_err_t sd_reaction_repo_users(sd_dynamo_t *db, const char *message_id, const char *emoji, const char *after,
                                size_t limit, sd_repo_cb cb, void *ctx);
/* Reactions of a message, any emoji and user, at most limit: [{message_id, emoji_user, emoji, user_id}]. */
sd_err_t sd_reaction_repo_any(sd_dynamo_t *db, const char *message_id, size_t limit, sd_repo_cb cb,
                              void *ctx);
/* Which of keys ([{message_id, emoji_user}], stolen) exist. */
sd_err_t sd_reaction_repo_find(sd_dynamo_t *db, json_t *keys, sd_repo_cb cb, void *ctx);
/* The emoji_user key of a reaction, into out. */
void sd_reaction_key(const char *emoji, const char *user_id, char *out, size_t cap);

/*
 * Pins: pin (or unpin) a message, with the channel's pin_count, at most 50. On SD_ERR_CONFLICT,
 * sd_pin_repo_set_conflict(result) is SD_CONFLICT_ALREADY_DONE when it is (un)pinned already (or gone),
 * SD_CONFLICT_LIMIT when the channel has 50 pins, SD_CONFLICT_GONE otherwise. pinned_at (an ISO time) pins,
 * NULL unpins.
 */
sd_err_t sd_pin_repo_set(sd_dynamo_t *db, const char *channel_id, const char *message_id,
                         const char *pinned_at, sd_repo_cb cb, void *ctx);
sd_conflict_t sd_pin_repo_set_conflict(const json_t *result);
/* Pins of a channel: [{channel_id, message_id, pinned_at?}], newest message first. */
sd_err_t sd_pin_repo_list(sd_dynamo_t *db, const char *channel_id, sd_repo_cb cb, void *ctx);

/*
 * One page of a channel's history. older: messages with id < anchor (anchor 0: the newest), newest first;
 * otherwise id > anchor, oldest first. inclusive also takes the anchor itself. At most limit messages.
 */
sd_err_t sd_message_repo_page(sd_dynamo_t *db, const char *channel_id, uint64_t anchor, bool older,
                              bool inclusive, size_t limit, sd_repo_cb cb, void *ctx);

#endif
