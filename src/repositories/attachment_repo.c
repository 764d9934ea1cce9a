#include "repositories/attachment_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/message_repo.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sd_blob_deletion_shard(const char *key, char *out)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    snprintf(out, 4, "%u", h % SD_BLOB_DELETION_SHARDS);
}

static json_t *deletion_put_at(sd_dynamo_t *db, const char *key, int64_t due)
{
    char shard[4];
    sd_blob_deletion_shard(key, shard);
    int64_t now = due ? due : now_ms();
    return sd_repo_tx_put(db, "blob_deletions",
                          json_pack("{s:s, s:s, s:I, s:i, s:I}", "pending_shard", shard, "object_key", key,
                                    "due_at", (json_int_t)now, "attempts", 0, "expires_at",
                                    (json_int_t)(now / 1000 + SD_BLOB_DELETION_TTL_S)),
                          NULL, NULL);
}

static json_t *deletion_put(sd_dynamo_t *db, const char *key)
{
    return deletion_put_at(db, key, 0);
}

static json_t *message_key(const char *channel_id, const char *id)
{
    char bucket[64];
    sd_message_bucket_key(channel_id, strtoull(id, NULL, 10), bucket, sizeof bucket);
    return json_pack("{s:s, s:s}", "bucket_key", bucket, "id", id);
}

/* A transaction whose first entry failed its condition names a message that is gone. */
typedef struct {
    sd_repo_cb cb;
    void *ctx;
    sd_dynamo_t *db;
    char channel_id[24], id[24];
    bool reread; /* an update: the new item is read back */
} tx_t;

static void on_reread(sd_err_t err, json_t *item, void *ctx)
{
    tx_t *t = ctx;
    t->cb(err, item, t->ctx);
    free(t);
}

static void on_tx(sd_err_t err, json_t *res, void *ctx)
{
    tx_t *t = ctx;
    if (err == SD_ERR_CONFLICT && sd_repo_failed_entry(res) == 0) err = SD_ERR_NOT_FOUND;
    if (!err && t->reread) {
        err = sd_message_repo_get(t->db, t->channel_id, t->id, on_reread, t);
        if (!err) return;
    }
    t->cb(err, err ? NULL : res, t->ctx);
    free(t);
}

static sd_err_t transact(sd_dynamo_t *db, json_t *tx, const char *channel_id, const char *id, bool reread,
                         sd_repo_cb cb, void *ctx)
{
    tx_t *t = calloc(1, sizeof *t);
    if (!t || !tx) {
        free(t);
        json_decref(tx);
        return SD_ERR_NOMEM;
    }
    *t = (tx_t){.cb = cb, .ctx = ctx, .db = db, .reread = reread};
    snprintf(t->channel_id, sizeof t->channel_id, "%s", channel_id);
    snprintf(t->id, sizeof t->id, "%s", id);
    sd_err_t err = sd_repo_transact(db, tx, on_tx, t);
    if (err) free(t);
    return err;
}

sd_err_t sd_attachment_repo_delete_message(sd_dynamo_t *db, const json_t *message, sd_repo_cb cb, void *ctx)
{
    const char *channel_id = json_string_value(json_object_get(message, "channel_id"));
    const char *id = json_string_value(json_object_get(message, "id"));
    const json_t *files = json_object_get(message, "attachments");
    if (!channel_id || !id) return SD_ERR_INVALID;
    if (!json_array_size(files)) return sd_message_repo_delete(db, channel_id, id, cb, ctx);
    json_t *tx = json_array();
    json_array_append_new(
        tx, sd_repo_tx_delete(db, "messages", message_key(channel_id, id), "attribute_exists(id)", NULL));
    size_t i;
    json_t *a;
    json_array_foreach(files, i, a)
    {
        const char *key = json_string_value(json_object_get(a, "key"));
        if (key) json_array_append_new(tx, deletion_put(db, key));
    }
    return transact(db, tx, channel_id, id, false, cb, ctx);
}

sd_err_t sd_attachment_repo_update_message(sd_dynamo_t *db, const char *channel_id, const char *id,
                                           json_t *changes, json_t *dropped, sd_repo_cb cb, void *ctx)
{
    if (!json_array_size(dropped)) {
        json_decref(dropped);
        return sd_message_repo_update(db, channel_id, id, changes, cb, ctx);
    }
    char expr[2048] = "SET ";
    size_t n = 4;
    int k = 0;
    json_t *names = json_object(), *values = json_object();
    sd_repo_assignments(expr, sizeof expr, &n, &k, changes, "f", "%s", names, values);
    json_decref(changes);
    json_t *tx = json_array();
    json_array_append_new(tx, sd_repo_tx_update(db, "messages", message_key(channel_id, id), expr,
                                                "attribute_exists(id)", names, values));
    size_t i;
    json_t *key;
    json_array_foreach(dropped, i, key) json_array_append_new(tx, deletion_put(db, json_string_value(key)));
    json_decref(dropped);
    return transact(db, tx, channel_id, id, true, cb, ctx);
}

sd_err_t sd_blob_deletion_repo_add(sd_dynamo_t *db, json_t *keys, int64_t due_at, sd_repo_cb cb, void *ctx)
{
    json_t *tx = json_array();
    size_t i;
    json_t *key;
    json_array_foreach(keys, i, key)
        json_array_append_new(tx, deletion_put_at(db, json_string_value(key), due_at));
    json_decref(keys);
    return sd_repo_transact(db, tx, cb, ctx);
}

sd_err_t sd_blob_deletion_repo_list(sd_dynamo_t *db, const char *shard, size_t limit, sd_repo_cb cb,
                                    void *ctx)
{
    return sd_repo_query(db, "blob_deletions", NULL, "pending_shard = :s", json_pack("{s:s}", ":s", shard),
                         true, limit, cb, ctx);
}

sd_err_t sd_blob_deletion_repo_done(sd_dynamo_t *db, const char *shard, const char *key, sd_repo_cb cb,
                                    void *ctx)
{
    return sd_repo_delete(
        db, "blob_deletions", json_pack("{s:s, s:s}", "pending_shard", shard, "object_key", key),
        "attribute_exists(pending_shard) OR attribute_not_exists(pending_shard)", NULL, cb, ctx);
}

sd_err_t sd_blob_deletion_repo_retry(sd_dynamo_t *db, const char *shard, const char *key, int attempts,
                                     int64_t due_at, sd_repo_cb cb, void *ctx)
{
    return sd_repo_update(db, "blob_deletions",
                          json_pack("{s:s, s:s}", "pending_shard", shard, "object_key", key),
                          "SET #a = :a, #d = :d", "attribute_exists(pending_shard)",
                          json_pack("{s:s, s:s}", "#a", "attempts", "#d", "due_at"),
                          json_pack("{s:i, s:I}", ":a", attempts, ":d", (json_int_t)due_at), cb, ctx);
}

sd_err_t sd_blob_deletion_repo_claim(sd_dynamo_t *db, const char *key, sd_repo_cb cb, void *ctx)
{
    char shard[4];
    sd_blob_deletion_shard(key, shard);
    return sd_repo_delete(db, "blob_deletions",
                          json_pack("{s:s, s:s}", "pending_shard", shard, "object_key", key),
                          "attribute_exists(object_key)", NULL, cb, ctx);
}
