/*
 * attachment_repo: a message's files as its item keeps them (the "attachments" list of stored attachments,
 * schemas/attachment_schema), and the store objects waiting to be deleted (table blob_deletions). Whatever
 * makes an object unreferenced (a message deleted, an attachment an edit dropped) writes its pending deletion
 * in the same transaction, so no object is forgotten if the process stops before the store has deleted it;
 * services/blob_gc then works the table off.
 */
#ifndef SD_REPOSITORIES_ATTACHMENT_REPO_H
#define SD_REPOSITORIES_ATTACHMENT_REPO_H

#include <stdint.h>

#include "repositories/repo.h"

#define SD_BLOB_DELETION_SHARDS 8
#define SD_BLOB_DELETION_TTL_S (30L * 24 * 3600) /* an entry that kept failing this long is dropped */

/* The shard ("0".."7") of a store key, into out (4 bytes). */
void sd_blob_deletion_shard(const char *key, char *out);

/*
 * Deletes message (the stored item, borrowed) and, in the same transaction, records a pending deletion of
 * each of its attachments' objects (none: a plain delete). SD_ERR_NOT_FOUND when it is gone already.
 */
sd_err_t sd_attachment_repo_delete_message(sd_dynamo_t *db, const json_t *message, sd_repo_cb cb, void *ctx);
/*
 * Sets the fields of changes (stolen) on a message and records pending deletions of dropped (array of store
 * keys, stolen; may be NULL or empty: a plain update) in the same transaction; answers with the new item.
 * SD_ERR_NOT_FOUND when the message is gone.
 */
sd_err_t sd_attachment_repo_update_message(sd_dynamo_t *db, const char *channel_id, const char *id,
                                           json_t *changes, json_t *dropped, sd_repo_cb cb, void *ctx);
/* Records pending deletions of keys (array of store keys, stolen) on their own (an upload no message took),
   due at due_at (Unix ms; 0: now). */
sd_err_t sd_blob_deletion_repo_add(sd_dynamo_t *db, json_t *keys, int64_t due_at, sd_repo_cb cb, void *ctx);
/*
 * A presigned upload is taken by a message: its pending deletion (written when its URL was handed out, due
 * once the URL has expired) is removed. SD_ERR_CONFLICT when there is none: the key was never handed out, or
 * another message took it already.
 */
sd_err_t sd_blob_deletion_repo_claim(sd_dynamo_t *db, const char *key, sd_repo_cb cb, void *ctx);
/* At most limit pending deletions of shard: [{pending_shard, object_key, due_at (Unix ms), attempts,
 * expires_at}]. */
sd_err_t sd_blob_deletion_repo_list(sd_dynamo_t *db, const char *shard, size_t limit, sd_repo_cb cb,
                                    void *ctx);
/* The object of key is deleted: its entry goes. */
sd_err_t sd_blob_deletion_repo_done(sd_dynamo_t *db, const char *shard, const char *key, sd_repo_cb cb,
                                    void *ctx);
/* Its deletion failed again: attempts and the next try's time (Unix ms) are recorded. */
sd_err_t sd_blob_deletion_repo_retry(sd_dynamo_t *db, const char *shard, const char *key, int attempts,
                                     int64_t due_at, sd_repo_cb cb, void *ctx);

#endif
