#include "db/dynamo_pages.h"

#include <stdlib.h>

#include "core/log.h"

/* ---- BatchGetItem until every key is read ---- */

typedef struct {
    sd_dynamo_t *db;
    json_t *responses; /* {table: [items]} gathered so far */
    sd_dynamo_cb cb;
    void *ctx;
    int round;
    uv_timer_t wait;
    json_t *pending; /* UnprocessedKeys to ask again */
} batch_t;

static void batch_closed(uv_handle_t *h)
{
    batch_t *b = h->data;
    json_decref(b->responses);
    json_decref(b->pending);
    free(b);
}

static void batch_end(batch_t *b, sd_err_t err, json_t *result)
{
    b->cb(err, result, b->ctx);
    uv_close((uv_handle_t *)&b->wait, batch_closed);
}

static void batch_on_answer(sd_err_t err, json_t *res, void *ctx);

/* Moves up to 100 keys (DynamoDB's limit per call) out of b->pending into a new RequestItems object. */
static json_t *batch_take(batch_t *b)
{
    json_t *out = json_object();
    size_t taken = 0;
    const char *table;
    json_t *spec;
    void *tmp;
    json_object_foreach_safe(b->pending, tmp, table, spec)
    {
        json_t *keys = json_object_get(spec, "Keys");
        json_t *part = json_deep_copy(spec);
        json_t *part_keys = json_array();
        while (taken < 100 && json_array_size(keys) > 0) {
            json_array_append(part_keys, json_array_get(keys, 0));
            json_array_remove(keys, 0);
            taken++;
        }
        json_object_set_new(part, "Keys", part_keys);
        json_object_set_new(out, table, part);
        if (json_array_size(keys) == 0) json_object_del(b->pending, table);
        if (taken == 100) break;
    }
    return out;
}

static sd_err_t batch_send(batch_t *b)
{
    json_t *req = json_pack("{s:o}", "RequestItems", batch_take(b));
    return req ? sd_dynamo_call(b->db, "BatchGetItem", req, batch_on_answer, b) : SD_ERR_NOMEM;
}

static void batch_ask(uv_timer_t *t)
{
    batch_t *b = t->data;
    sd_err_t err = batch_send(b);
    if (err) batch_end(b, err, NULL);
}

/* Puts UnprocessedKeys back in front of what is still to ask. */
static void batch_requeue(batch_t *b, json_t *unprocessed)
{
    const char *table;
    json_t *spec;
    json_object_foreach(unprocessed, table, spec)
    {
        json_t *have = json_object_get(b->pending, table);
        if (!have)
            json_object_set(b->pending, table, spec);
        else
            json_array_extend(json_object_get(have, "Keys"), json_object_get(spec, "Keys"));
    }
}

static void batch_on_answer(sd_err_t err, json_t *res, void *ctx)
{
    batch_t *b = ctx;
    if (err) {
        batch_end(b, err, res);
        return;
    }
    const char *table;
    json_t *items;
    json_object_foreach(json_object_get(res, "Responses"), table, items)
    {
        json_t *all = json_object_get(b->responses, table);
        if (!all) json_object_set_new(b->responses, table, all = json_array());
        json_array_extend(all, items);
    }
    json_t *unprocessed = json_object_get(res, "UnprocessedKeys");
    if (unprocessed && json_object_size(unprocessed) > 0) {
        if (++b->round > 10) {
            batch_end(b, SD_ERR_THROTTLED, NULL);
            return;
        }
        sd_log(SD_LOG_DEBUG, "BatchGetItem left keys unprocessed, asking again",
               json_pack("{s:i}", "round", b->round));
        batch_requeue(b, unprocessed);
        uv_timer_start(&b->wait, batch_ask, (uint64_t)sd_dynamo_backoff_ms(b->db, b->round), 0);
        return;
    }
    if (json_object_size(b->pending) > 0) { /* more than 100 keys: the next slice */
        batch_ask(&b->wait);
        return;
    }
    json_t *out = json_pack("{s:O}", "Responses", b->responses);
    batch_end(b, out ? SD_OK : SD_ERR_NOMEM, out);
    json_decref(out);
}

static void batch_nothing(uv_timer_t *t)
{
    batch_t *b = t->data;
    json_t *out = json_pack("{s:{}}", "Responses");
    batch_end(b, out ? SD_OK : SD_ERR_NOMEM, out);
    json_decref(out);
}

sd_err_t sd_dynamo_batch_get(sd_dynamo_t *db, json_t *request_items, sd_dynamo_cb cb, void *ctx)
{
    batch_t *b = calloc(1, sizeof *b);
    if (!b || !(b->responses = json_object())) {
        free(b);
        json_decref(request_items);
        return SD_ERR_NOMEM;
    }
    b->db = db;
    b->cb = cb;
    b->ctx = ctx;
    b->pending = request_items;
    uv_timer_init(sd_dynamo_loop(db), &b->wait);
    b->wait.data = b;
    /* Nothing to read still answers, on the next turn of the loop. */
    if (json_object_size(request_items) == 0) {
        uv_timer_start(&b->wait, batch_nothing, 0, 0);
        return SD_OK;
    }
    /* Refused at once (queue full, closing): the caller hears it from the return value, cb never runs. */
    sd_err_t err = batch_send(b);
    if (err) uv_close((uv_handle_t *)&b->wait, batch_closed);
    return err;
}

/* ---- Query across pages ---- */

typedef struct {
    sd_dynamo_t *db;
    json_t *request;
    json_t *items;
    size_t max_items;
    sd_dynamo_cb cb;
    void *ctx;
} query_t;

static void query_end(query_t *q, sd_err_t err, json_t *result)
{
    q->cb(err, result, q->ctx);
    json_decref(q->request);
    json_decref(q->items);
    free(q);
}

static void query_on_page(sd_err_t err, json_t *res, void *ctx)
{
    query_t *q = ctx;
    if (err) {
        query_end(q, err, res);
        return;
    }
    json_array_extend(q->items, json_object_get(res, "Items"));
    json_t *last = json_object_get(res, "LastEvaluatedKey");
    if (last && json_array_size(q->items) < q->max_items) {
        json_object_set(q->request, "ExclusiveStartKey", last);
        json_object_set_new(q->request, "Limit",
                            json_integer((json_int_t)(q->max_items - json_array_size(q->items))));
        sd_err_t e2 = sd_dynamo_call(q->db, "Query", json_incref(q->request), query_on_page, q);
        if (e2) query_end(q, e2, NULL);
        return;
    }
    json_t *out = json_pack("{s:O}", "Items", q->items);
    if (out && last) json_object_set(out, "LastEvaluatedKey", last);
    query_end(q, out ? SD_OK : SD_ERR_NOMEM, out);
    json_decref(out);
}

sd_err_t sd_dynamo_query(sd_dynamo_t *db, json_t *request, size_t max_items, sd_dynamo_cb cb, void *ctx)
{
    query_t *q = calloc(1, sizeof *q);
    if (!q || !(q->items = json_array())) {
        free(q);
        json_decref(request);
        return SD_ERR_NOMEM;
    }
    q->db = db;
    q->request = request;
    q->max_items = max_items;
    q->cb = cb;
    q->ctx = ctx;
    if (!json_object_get(request, "Limit"))
        json_object_set_new(request, "Limit", json_integer((json_int_t)max_items));
    sd_err_t err = sd_dynamo_call(db, "Query", json_incref(request), query_on_page, q);
    if (err) {
        json_decref(q->request);
        json_decref(q->items);
        free(q);
    }
    return err;
}
