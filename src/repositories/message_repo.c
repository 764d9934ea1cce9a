#include "repositories/message_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/snowflake_id.h"

uint64_t sd_message_bucket(uint64_t id)
{
    return (id >> 22) / SD_MESSAGE_BUCKET_MS;
}

void sd_message_bucket_key(const char *channel_id, uint64_t id, char *out, size_t cap)
{
    snprintf(out, cap, "%s#%" PRIu64, channel_id, sd_message_bucket(id));
}

static json_t *key_of(const char *channel_id, const char *id)
{
    char bucket[64];
    sd_message_bucket_key(channel_id, sd_snowflake_parse(id), bucket, sizeof bucket);
    return json_pack("{s:s, s:s}", "bucket_key", bucket, "id", id);
}

sd_err_t sd_message_repo_create(sd_dynamo_t *db, json_t *message, const char *nonce_key,
                                long long nonce_expires, sd_repo_cb cb, void *ctx)
{
    char channel_id[32], id[32], bucket[64];
    snprintf(channel_id, sizeof channel_id, "%s", json_string_value(json_object_get(message, "channel_id")));
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(message, "id")));
    sd_message_bucket_key(channel_id, sd_snowflake_parse(id), bucket, sizeof bucket);
    json_object_set_new(message, "bucket_key", json_string(bucket));
    json_t *tx = json_pack(
        "[o, o]", sd_repo_tx_put(db, "messages", message, "attribute_not_exists(id)", NULL),
        sd_repo_tx_update(db, "channels", json_pack("{s:s}", "id", channel_id), "SET last_message_id = :m",
                          "attribute_exists(id)", NULL, json_pack("{s:s}", ":m", id)));
    if (tx && nonce_key)
        json_array_append_new(
            tx, sd_repo_tx_put(db, "nonces",
                               json_pack("{s:s, s:s, s:s, s:I}", "key", nonce_key, "message_id", id,
                                         "channel_id", channel_id, "expires_at", (json_int_t)nonce_expires),
                               /* TTL deletion is lazy: an expired record may linger */
                               "attribute_not_exists(message_id) OR expires_at < :now",
                               json_pack("{s:I}", ":now", (json_int_t)time(NULL))));
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_conflict_t sd_message_repo_create_conflict(const json_t *result)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_NONE, SD_CONFLICT_GONE, SD_CONFLICT_NONCE_USED};
    return sd_repo_conflict(result, why, 3, SD_CONFLICT_NONE);
}

sd_err_t sd_message_repo_get(sd_dynamo_t *db, const char *channel_id, const char *id, sd_repo_cb cb,
                             void *ctx)
{
    return sd_repo_get(db, "messages", key_of(channel_id, id), cb, ctx);
}

sd_err_t sd_message_repo_get_many(sd_dynamo_t *db, const char *channel_id, json_t *ids, sd_repo_cb cb,
                                  void *ctx)
{
    json_t *keys = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) json_array_append_new(keys, key_of(channel_id, json_string_value(id)));
    json_decref(ids);
    return sd_repo_batch_get(db, "messages", keys, cb, ctx);
}

sd_err_t sd_message_repo_update(sd_dynamo_t *db, const char *channel_id, const char *id, json_t *changes,
                                sd_repo_cb cb, void *ctx)
{
    return sd_repo_update_fields(db, "messages", key_of(channel_id, id), changes, "attribute_exists(id)",
                                 NULL, cb, ctx);
}

sd_err_t sd_message_repo_set_previews(sd_dynamo_t *db, const char *channel_id, const char *id, json_t *embeds,
                                      const char *content, sd_repo_cb cb, void *ctx)
{
    return sd_repo_update_fields(
        db, "messages", key_of(channel_id, id), json_pack("{s:o}", "link_embeds", embeds),
        "attribute_exists(id) AND content = :content", json_pack("{s:s}", ":content", content), cb, ctx);
}

sd_err_t sd_message_repo_delete(sd_dynamo_t *db, const char *channel_id, const char *id, sd_repo_cb cb,
                                void *ctx)
{
    return sd_repo_delete(db, "messages", key_of(channel_id, id), NULL, NULL, cb, ctx);
}

sd_err_t sd_message_repo_nonce(sd_dynamo_t *db, const char *nonce_key, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "nonces", json_pack("{s:s}", "key", nonce_key), cb, ctx);
}

/* ---- reactions ---- */

void sd_reaction_key(const char *emoji, const char *user_id, char *out, size_t cap)
{
    snprintf(out, cap, "%s\x1f%s", emoji, user_id);
}

sd_err_t sd_reaction_repo_set(sd_dynamo_t *db, const char *channel_id, const char *message_id,
                              const char *emoji, const char *user_id, bool remove, sd_repo_cb cb, void *ctx)
{
    char key[256];
    sd_reaction_key(emoji, user_id, key, sizeof key);
    json_t *first =
        remove ? sd_repo_tx_delete(db, "reactions",
                                   json_pack("{s:s, s:s}", "message_id", message_id, "emoji_user", key),
                                   "attribute_exists(emoji_user)", NULL)
               : sd_repo_tx_put(db, "reactions",
                                json_pack("{s:s, s:s, s:s, s:s, s:s}", "message_id", message_id, "emoji_user",
                                          key, "emoji", emoji, "user_id", user_id, "channel_id", channel_id),
                                "attribute_not_exists(emoji_user)", NULL);
    /* The counts map always exists: messages are created with an empty one. */
    json_t *count = sd_repo_tx_update(
        db, "messages", key_of(channel_id, message_id), "ADD #r.#e :d", "attribute_exists(id)",
        json_pack("{s:s, s:s}", "#r", "reactions", "#e", emoji), json_pack("{s:i}", ":d", remove ? -1 : 1));
    json_t *tx = json_pack("[o, o]", first, count);
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_conflict_t sd_reaction_repo_set_conflict(const json_t *result)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_ALREADY_DONE, SD_CONFLICT_GONE};
    return sd_repo_conflict(result, why, 2, SD_CONFLICT_GONE);
}

sd_err_t sd_reaction_repo_any(sd_dynamo_t *db, const char *message_id, size_t limit, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "reactions", NULL, "message_id = :m", json_pack("{s:s}", ":m", message_id), true,
                         limit, cb, ctx);
}

sd_err_t sd_reaction_repo_users(sd_dynamo_t *db, const char *message_id, const char *emoji, const char *after,
                                size_t limit, sd_repo_cb cb, void *ctx)
{
    /* This emoji's keys run from "<emoji>\x1f" to "<emoji>\x1f\x7f"; after <id> starts just past
       "<emoji>\x1f<id>"
       ("\x01" sorts below every digit, so it passes only that one key). */
    char from[300], upto[300];
    snprintf(from, sizeof from, "%s\x1f%s%s", emoji, after ? after : "", after ? "\x01" : "");
    snprintf(upto, sizeof upto, "%s\x1f\x7f", emoji);
    return sd_repo_query(db, "reactions", NULL, "message_id = :m AND emoji_user BETWEEN :from AND :upto",
                         json_pack("{s:s, s:s, s:s}", ":m", message_id, ":from", from, ":upto", upto), true,
                         limit, cb, ctx);
}

sd_err_t sd_reaction_repo_find(sd_dynamo_t *db, json_t *keys, sd_repo_cb cb, void *ctx)
{
    return sd_repo_batch_get(db, "reactions", keys, cb, ctx);
}

/* ---- pins ---- */

sd_conflict_t sd_pin_repo_set_conflict(const json_t *result)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_ALREADY_DONE, SD_CONFLICT_LIMIT};
    return sd_repo_conflict(result, why, 2, SD_CONFLICT_GONE);
}

sd_err_t sd_pin_repo_set(sd_dynamo_t *db, const char *channel_id, const char *message_id,
                         const char *pinned_at, sd_repo_cb cb, void *ctx)
{
    bool pin = pinned_at != NULL;
    /* The message must be in the opposite state: :p is the new one. */
    json_t *message =
        sd_repo_tx_update(db, "messages", key_of(channel_id, message_id), "SET pinned = :p",
                          "attribute_exists(id) AND pinned <> :p", NULL, json_pack("{s:b}", ":p", pin));
    json_t *channel = sd_repo_tx_update(
        db, "channels", json_pack("{s:s}", "id", channel_id), "ADD pin_count :d",
        pin ? "attribute_exists(id) AND (attribute_not_exists(pin_count) OR "
              "pin_count < :max)"
            : "attribute_exists(id)",
        NULL, pin ? json_pack("{s:i, s:i}", ":d", 1, ":max", 50) : json_pack("{s:i}", ":d", -1));
    json_t *row = json_pack("{s:s, s:s}", "channel_id", channel_id, "message_id", message_id);
    if (pin && row) json_object_set_new(row, "pinned_at", json_string(pinned_at));
    json_t *index =
        pin ? sd_repo_tx_put(db, "pins", row, NULL, NULL) : sd_repo_tx_delete(db, "pins", row, NULL, NULL);
    json_t *tx = json_pack("[o, o, o]", message, channel, index);
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_err_t sd_pin_repo_list(sd_dynamo_t *db, const char *channel_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "pins", NULL, "channel_id = :c", json_pack("{s:s}", ":c", channel_id), false, 50,
                         cb, ctx);
}

/* ---- the bucket walk ---- */

typedef struct {
    sd_dynamo_t *db;
    char channel_id[32];
    char anchor[32];
    bool has_anchor, older, inclusive;
    uint64_t bucket, first, last;
    size_t limit;
    json_t *items;
    sd_repo_cb cb;
    void *ctx;
} walk_t;

static void walk_end(walk_t *w, sd_err_t err)
{
    w->cb(err, err ? NULL : w->items, w->ctx);
    json_decref(w->items);
    free(w);
}

static sd_err_t walk_step(walk_t *w);

static void walk_on_page(sd_err_t err, json_t *items, void *ctx)
{
    walk_t *w = ctx;
    if (err) {
        walk_end(w, err);
        return;
    }
    json_array_extend(w->items, items);
    bool more =
        json_array_size(w->items) < w->limit && (w->older ? w->bucket > w->first : w->bucket < w->last);
    if (!more) {
        walk_end(w, SD_OK);
        return;
    }
    w->bucket += w->older ? (uint64_t)-1 : 1;
    err = walk_step(w);
    if (err) walk_end(w, err);
}

static sd_err_t walk_step(walk_t *w)
{
    char bucket[64];
    snprintf(bucket, sizeof bucket, "%s#%" PRIu64, w->channel_id, w->bucket);
    const char *op = w->older ? (w->inclusive ? "<=" : "<") : (w->inclusive ? ">=" : ">");
    char cond[64];
    json_t *values = json_pack("{s:s}", ":b", bucket);
    if (w->has_anchor) {
        snprintf(cond, sizeof cond, "bucket_key = :b AND id %s :a", op);
        json_object_set_new(values, ":a", json_string(w->anchor));
    } else {
        snprintf(cond, sizeof cond, "bucket_key = :b");
    }
    return sd_repo_query(w->db, "messages", NULL, cond, values, !w->older,
                         w->limit - json_array_size(w->items), walk_on_page, w);
}

sd_err_t sd_message_repo_page(sd_dynamo_t *db, const char *channel_id, uint64_t anchor, bool older,
                              bool inclusive, size_t limit, sd_repo_cb cb, void *ctx)
{
    walk_t *w = calloc(1, sizeof *w);
    if (!w || !(w->items = json_array())) {
        free(w);
        return SD_ERR_NOMEM;
    }
    uint64_t now_ms = sd_snowflake_now_ms();
    uint64_t channel = sd_snowflake_parse(channel_id);
    *w = (walk_t){.db = db,
                  .older = older,
                  .inclusive = inclusive,
                  .limit = limit,
                  .items = w->items,
                  .cb = cb,
                  .ctx = ctx,
                  .first = sd_message_bucket(channel),
                  .last = now_ms / SD_MESSAGE_BUCKET_MS + 1};
    snprintf(w->channel_id, sizeof w->channel_id, "%s", channel_id);
    /* Stored ids all have 19 digits: an anchor of another length is outside them, so it is clamped. */
    uint64_t lo = 1000000000000000000ULL;
    bool nothing_older = anchor != 0 && anchor < lo && older;
    if (anchor != 0 && anchor < lo) anchor = 0;
    w->has_anchor = anchor != 0 || nothing_older;
    snprintf(w->anchor, sizeof w->anchor, "%" PRIu64, anchor); /* "0": below every id */
    uint64_t b = anchor ? sd_message_bucket(anchor) : (older && !nothing_older ? w->last : w->first);
    w->bucket = b < w->first ? w->first : (b > w->last ? w->last : b);
    sd_err_t err = walk_step(w);
    if (err) {
        json_decref(w->items);
        free(w);
    }
    return err;
}
