#include "repositories/dm_repo.h"

#include <stdio.h>
#include <string.h>

void sd_dm_pair(const char *a, const char *b, char *out, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    bool a_first = la != lb ? la < lb : strcmp(a, b) < 0;
    snprintf(out, cap, "%s:%s", a_first ? a : b, a_first ? b : a);
}

sd_conflict_t sd_dm_repo_create_conflict(const json_t *result)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_ALREADY_DONE}; /* the pair's entry comes first */
    return sd_repo_conflict(result, why, 1, SD_CONFLICT_NONE);
}

sd_err_t sd_dm_repo_create(sd_dynamo_t *db, json_t *channel, const char *pair, sd_repo_cb cb, void *ctx)
{
    const char *id = json_string_value(json_object_get(channel, "id"));
    json_t *tx = json_array();
    if (pair)
        json_array_append_new(tx, sd_repo_tx_put(db, "dm_pairs",
                                                 json_pack("{s:s, s:s}", "pair", pair, "channel_id", id),
                                                 "attribute_not_exists(pair)", NULL));
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(channel, "recipients"), i, r) json_array_append_new(
        tx, sd_repo_tx_put(db, "user_channels", json_pack("{s:O, s:s}", "user_id", r, "channel_id", id), NULL,
                           NULL));
    json_array_append_new(tx, sd_repo_tx_put(db, "channels", channel, "attribute_not_exists(id)", NULL));
    return sd_repo_transact(db, tx, cb, ctx);
}

sd_err_t sd_dm_repo_pair(sd_dynamo_t *db, const char *pair, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "dm_pairs", json_pack("{s:s}", "pair", pair), cb, ctx);
}

sd_err_t sd_dm_repo_list(sd_dynamo_t *db, const char *user_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "user_channels", NULL, "user_id = :u", json_pack("{s:s}", ":u", user_id), true,
                         1000, cb, ctx);
}

sd_err_t sd_dm_repo_channels(sd_dynamo_t *db, json_t *ids, sd_repo_cb cb, void *ctx)
{
    return sd_repo_batch_get_ids(db, "channels", "id", ids, cb, ctx);
}

sd_err_t sd_read_state_repo_ack(sd_dynamo_t *db, const char *user_id, const char *channel_id,
                                const char *message_id, sd_repo_cb cb, void *ctx)
{
    /* Ids of one length compare as strings: an older ack never moves the state back. */
    return sd_repo_update(db, "read_states",
                          json_pack("{s:s, s:s}", "user_id", user_id, "channel_id", channel_id),
                          "SET last_message_id = :m, mention_count = :zero",
                          "attribute_not_exists(last_message_id) OR last_message_id <= :m", NULL,
                          json_pack("{s:s, s:i}", ":m", message_id, ":zero", 0), cb, ctx);
}

typedef struct {
    size_t pending;
    sd_err_t err;
    sd_repo_cb cb;
    void *ctx;
} mentions_t;

static void on_mention(sd_err_t err, json_t *res, void *ctx)
{
    mentions_t *m = ctx;
    (void)res;
    if (err) m->err = err;
    if (--m->pending) return;
    m->cb(m->err, NULL, m->ctx);
    free(m);
}

sd_err_t sd_read_state_repo_mention(sd_dynamo_t *db, const char *channel_id, json_t *users, sd_repo_cb cb,
                                    void *ctx)
{
    size_t n = json_array_size(users);
    mentions_t *m = n ? malloc(sizeof *m) : NULL;
    if (!m) {
        json_decref(users);
        return n ? SD_ERR_NOMEM : SD_ERR_INVALID;
    }
    /* One more than the updates until all are started, so that none can finish the count early. */
    *m = (mentions_t){n + 1, SD_OK, cb, ctx};
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        sd_err_t err = sd_repo_update(
            db, "read_states", json_pack("{s:O, s:s}", "user_id", u, "channel_id", channel_id),
            "ADD mention_count :one", NULL, NULL, json_pack("{s:i}", ":one", 1), on_mention, m);
        if (err) on_mention(err, NULL, m);
    }
    json_decref(users);
    on_mention(SD_OK, NULL, m);
    return SD_OK;
}

sd_err_t sd_read_state_repo_get_many(sd_dynamo_t *db, const char *user_id, json_t *channel_ids, sd_repo_cb cb,
                                     void *ctx)
{
    json_t *keys = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(channel_ids, i, c)
        json_array_append_new(keys, json_pack("{s:s, s:O}", "user_id", user_id, "channel_id", c));
    json_decref(channel_ids);
    return sd_repo_batch_get(db, "read_states", keys, cb, ctx);
}
