#include "db/dynamo.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/metrics.h"
#include "db/cache.h"

#define MAX_RESPONSE (20 * 1024 * 1024)

typedef struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    sd_dynamo_t *db;
    struct sock_ctx *prev, *next;
} sock_ctx_t;

struct sd_dynamo {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    char *url;
    char *sigv4;
    char *userpwd;
    char *token_header;
    char *prefix;
    int max_attempts;
    long base_delay_ms, max_delay_ms, timeout_ms;
    int in_flight;
    int handles_open;
    bool closing;
    sock_ctx_t *socks;
    sd_dcache_t *cache;    /* borrowed, may be NULL */
    sd_metrics_t *metrics; /* borrowed, may be NULL */
};

typedef struct call {
    sd_dynamo_t *db;
    char target[96];
    char *body;
    sd_dynamo_cb cb;
    void *ctx;
    int attempt;
    uint64_t start_ns;
    CURL *easy;
    struct curl_slist *headers;
    char *resp;
    size_t resp_len;
    bool resp_too_big;
    uv_timer_t retry;
} call_t;

const char *sd_dynamo_table(const sd_dynamo_t *db, const char *logical, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", db->prefix, logical);
    return out;
}

int sd_dynamo_in_flight(const sd_dynamo_t *db)
{
    return db->in_flight;
}

/* ---- error mapping ---- */

static bool type_is(const char *type, const char *name)
{
    const char *hash = strrchr(type, '#');
    return strcmp(hash ? hash + 1 : type, name) == 0;
}

sd_err_t sd_dynamo_classify(long http_status, const json_t *body, int *retry)
{
    *retry = 0;
    if (http_status == 200) return SD_OK;
    const char *type = json_string_value(json_object_get(body, "__type"));
    if (!type) type = "";
    if (type_is(type, "ConditionalCheckFailedException")) return SD_ERR_CONFLICT;
    if (type_is(type, "TransactionCanceledException")) {
        /* Only conflicts with another transaction in progress are worth another try. */
        const json_t *reasons = json_object_get(body, "CancellationReasons");
        size_t i;
        const json_t *r;
        bool any_conflict = false, other = false;
        json_array_foreach(reasons, i, r)
        {
            const char *code = json_string_value(json_object_get(r, "Code"));
            if (!code || strcmp(code, "None") == 0) continue;
            if (strcmp(code, "TransactionConflict") == 0)
                any_conflict = true;
            else
                other = true;
        }
        if (any_conflict && !other) *retry = 1;
        return SD_ERR_CONFLICT;
    }
    if (type_is(type, "ResourceNotFoundException")) return SD_ERR_NOT_FOUND;
    if (type_is(type, "ResourceInUseException")) return SD_ERR_EXISTS;
    if (type_is(type, "ThrottlingException") || type_is(type, "ProvisionedThroughputExceededException") ||
        type_is(type, "RequestLimitExceeded") || type_is(type, "LimitExceededException")) {
        *retry = !type_is(type, "LimitExceededException");
        return SD_ERR_THROTTLED;
    }
    if (type_is(type, "TransactionConflictException") || type_is(type, "TransactionInProgressException")) {
        *retry = 1;
        return SD_ERR_CONFLICT;
    }
    if (type_is(type, "ValidationException") || type_is(type, "SerializationException"))
        return SD_ERR_INVALID;
    if (http_status >= 500 || type_is(type, "InternalServerError") || type_is(type, "ServiceUnavailable")) {
        *retry = 1;
        return SD_ERR_UNAVAILABLE;
    }
    return SD_ERR_INTERNAL;
}

/* ---- curl <-> libuv glue ---- */

static void check_done(sd_dynamo_t *db);

static void on_poll(uv_poll_t *h, int status, int events)
{
    sock_ctx_t *sc = h->data;
    sd_dynamo_t *db = sc->db;
    int flags = 0, running;
    if (status < 0) flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    curl_multi_socket_action(db->multi, sc->fd, flags, &running);
    check_done(db);
}

/* The client's memory goes with its last libuv handle. */
static void handle_released(sd_dynamo_t *db)
{
    if (--db->handles_open > 0) return;
    free(db->url);
    free(db->sigv4);
    free(db->userpwd);
    free(db->token_header);
    free(db->prefix);
    free(db);
}

static void on_sock_closed(uv_handle_t *h)
{
    sock_ctx_t *sc = h->data;
    sd_dynamo_t *db = sc->db;
    free(sc);
    handle_released(db);
}

static void sock_forget(sd_dynamo_t *db, sock_ctx_t *sc)
{
    if (sc->prev)
        sc->prev->next = sc->next;
    else
        db->socks = sc->next;
    if (sc->next) sc->next->prev = sc->prev;
    uv_poll_stop(&sc->poll);
    uv_close((uv_handle_t *)&sc->poll, on_sock_closed);
}

static int on_socket(CURL *e, curl_socket_t s, int action, void *userp, void *socketp)
{
    sd_dynamo_t *db = userp;
    sock_ctx_t *sc = socketp;
    (void)e;
    if (action == CURL_POLL_REMOVE) {
        if (sc) {
            curl_multi_assign(db->multi, s, NULL);
            sock_forget(db, sc);
        }
        return 0;
    }
    if (!sc) {
        sc = calloc(1, sizeof *sc);
        if (!sc) return -1;
        sc->fd = s;
        sc->db = db;
        if (uv_poll_init_socket(db->loop, &sc->poll, s) != 0) {
            free(sc);
            return -1;
        }
        sc->poll.data = sc;
        db->handles_open++;
        sc->next = db->socks;
        if (db->socks) db->socks->prev = sc;
        db->socks = sc;
        curl_multi_assign(db->multi, s, sc);
    }
    int events = 0;
    if (action & CURL_POLL_IN) events |= UV_READABLE;
    if (action & CURL_POLL_OUT) events |= UV_WRITABLE;
    uv_poll_start(&sc->poll, events, on_poll);
    return 0;
}

static void on_curl_timeout(uv_timer_t *t)
{
    sd_dynamo_t *db = t->data;
    int running;
    curl_multi_socket_action(db->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(db);
}

static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    sd_dynamo_t *db = userp;
    (void)m;
    if (timeout_ms < 0)
        uv_timer_stop(&db->timer);
    else
        uv_timer_start(&db->timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

/* ---- calls ---- */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    call_t *c = userdata;
    size_t n = size * nmemb;
    if (c->resp_len + n > MAX_RESPONSE) {
        c->resp_too_big = true;
        return 0;
    }
    char *p = realloc(c->resp, c->resp_len + n + 1);
    if (!p) return 0;
    memcpy(p + c->resp_len, ptr, n);
    c->resp = p;
    c->resp_len += n;
    p[c->resp_len] = '\0';
    return n;
}

static void call_free_handle(uv_handle_t *h)
{
    call_t *c = h->data;
    free(c->body);
    free(c);
}

/* "op=\"PutItem\"" and more labels. */
static void op_labels(const call_t *c, const char *outcome, char *out, size_t cap)
{
    if (outcome)
        snprintf(out, cap, "op=\"%s\",outcome=\"%s\"", c->target + 18, outcome);
    else
        snprintf(out, cap, "op=\"%s\"", c->target + 18);
}

static void call_finish(call_t *c, sd_err_t err, json_t *result)
{
    sd_dynamo_t *db = c->db;
    db->in_flight--;
    if (db->metrics) {
        char labels[160];
        op_labels(c, err ? sd_err_name(err) : "ok", labels, sizeof labels);
        sd_metrics_add(db->metrics, "sd_dynamodb_calls_total", labels, 1);
        op_labels(c, NULL, labels, sizeof labels);
        sd_metrics_observe(db->metrics, "sd_dynamodb_call_duration_seconds", labels,
                           (double)(uv_hrtime() - c->start_ns) / 1e9);
    }
    c->cb(err, result, c->ctx);
    json_decref(result);
    free(c->resp);
    c->resp = NULL;
    uv_close((uv_handle_t *)&c->retry, call_free_handle);
}

static sd_err_t call_start(call_t *c);

static void on_retry(uv_timer_t *t)
{
    call_t *c = t->data;
    if (call_start(c) != SD_OK) call_finish(c, SD_ERR_NOMEM, NULL);
}

static long backoff_ms(const sd_dynamo_t *db, int attempt)
{
    long ceiling = db->base_delay_ms;
    for (int i = 1; i < attempt && ceiling < db->max_delay_ms; i++)
        ceiling *= 2;
    if (ceiling > db->max_delay_ms) ceiling = db->max_delay_ms;
    return (long)randombytes_uniform((uint32_t)ceiling + 1); /* full jitter */
}

static void call_done(call_t *c, CURLcode res)
{
    sd_dynamo_t *db = c->db;
    long status = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c->easy);
    curl_slist_free_all(c->headers);
    c->easy = NULL;
    c->headers = NULL;

    sd_err_t err;
    int retry = 0;
    json_t *body = NULL;
    if (res != CURLE_OK) {
        err = c->resp_too_big ? SD_ERR_INTERNAL : SD_ERR_UNAVAILABLE;
        retry = !c->resp_too_big;
    } else {
        body = c->resp ? json_loadb(c->resp, c->resp_len, 0, NULL) : json_object();
        if (!body) {
            err = SD_ERR_UNAVAILABLE;
            retry = 1;
        } else {
            err = sd_dynamo_classify(status, body, &retry);
        }
    }
    free(c->resp);
    c->resp = NULL;
    c->resp_len = 0;
    if (err != SD_OK && retry && c->attempt < db->max_attempts && !db->closing) {
        json_decref(body);
        if (db->metrics) {
            char labels[160];
            op_labels(c, NULL, labels, sizeof labels);
            sd_metrics_add(db->metrics, "sd_dynamodb_retries_total", labels, 1);
        }
        uv_timer_start(&c->retry, on_retry, (uint64_t)backoff_ms(db, c->attempt), 0);
        return;
    }
    if (err != SD_OK && err != SD_ERR_CONFLICT && err != SD_ERR_NOT_FOUND && err != SD_ERR_EXISTS) {
        const char *type = json_string_value(json_object_get(body, "__type"));
        const char *msg = json_string_value(json_object_get(body, "message"));
        if (!msg) msg = json_string_value(json_object_get(body, "Message"));
        sd_log(SD_LOG_WARN, "dynamodb call failed",
               json_pack("{s:s, s:s, s:i, s:s?, s:s?, s:s, s:i}", "op", c->target + 18, "error",
                         sd_err_name(err), "http_status", (int)status, "type", type, "message", msg, "curl",
                         curl_easy_strerror(res), "attempts", c->attempt));
    }
    call_finish(c, err, body);
}

static void check_done(sd_dynamo_t *db)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(db->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode res = msg->data.result;
        call_t *c = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&c);
        curl_multi_remove_handle(db->multi, easy);
        call_done(c, res);
    }
}

static sd_err_t call_start(call_t *c)
{
    sd_dynamo_t *db = c->db;
    c->attempt++;
    c->easy = curl_easy_init();
    if (!c->easy) return SD_ERR_NOMEM;
    char target_header[128];
    snprintf(target_header, sizeof target_header, "X-Amz-Target: %s", c->target);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/x-amz-json-1.0");
    if (h) h = curl_slist_append(h, target_header);
    if (h) h = curl_slist_append(h, "Expect:");
    if (h && db->token_header) h = curl_slist_append(h, db->token_header);
    if (!h) {
        curl_easy_cleanup(c->easy);
        return SD_ERR_NOMEM;
    }
    c->headers = h;
    CURL *e = c->easy;
    curl_easy_setopt(e, CURLOPT_URL, db->url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_AWS_SIGV4, db->sigv4);
    curl_easy_setopt(e, CURLOPT_USERPWD, db->userpwd);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, db->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    if (curl_multi_add_handle(db->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        curl_slist_free_all(h);
        c->easy = NULL;
        c->headers = NULL;
        return SD_ERR_INTERNAL;
    }
    return SD_OK;
}

void sd_dynamo_set_cache(sd_dynamo_t *db, sd_dcache_t *cache)
{
    db->cache = cache;
}

void sd_dynamo_set_metrics(sd_dynamo_t *db, struct sd_metrics *metrics)
{
    db->metrics = metrics;
}

sd_err_t sd_dynamo_call(sd_dynamo_t *db, const char *op, json_t *request, sd_dynamo_cb cb, void *ctx)
{
    if (db->closing) {
        json_decref(request);
        return SD_ERR_UNAVAILABLE;
    }
    sd_dynamo_cb wrap_cb = cb;
    void *wrap_ctx = ctx;
    sd_err_t taken;
    if (db->cache && sd_dcache_intercept(db->cache, op, request, cb, ctx, &wrap_cb, &wrap_ctx, &taken))
        return taken;
    char *body = request ? json_dumps(request, JSON_COMPACT) : NULL;
    json_decref(request);
    call_t *c = body ? calloc(1, sizeof *c) : NULL;
    if (!c) {
        free(body);
        if (wrap_ctx != ctx) sd_dcache_cancel(wrap_ctx);
        return SD_ERR_NOMEM;
    }
    cb = wrap_cb;
    ctx = wrap_ctx;
    c->db = db;
    snprintf(c->target, sizeof c->target, "DynamoDB_20120810.%s", op);
    c->body = body;
    c->cb = cb;
    c->ctx = ctx;
    c->start_ns = uv_hrtime();
    uv_timer_init(db->loop, &c->retry);
    c->retry.data = c;
    db->in_flight++;
    /* Start on the next loop turn so that cb never runs inside this call. */
    uv_timer_start(&c->retry, on_retry, 0, 0);
    return SD_OK;
}

/* ---- client ---- */

static char *dupf(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, fmt, a, b ? b : "");
    return s;
}

sd_dynamo_t *sd_dynamo_new(uv_loop_t *loop, const sd_dynamo_options_t *o)
{
    sd_dynamo_t *db = calloc(1, sizeof *db);
    if (!db) return NULL;
    db->loop = loop;
    db->max_attempts = o->max_attempts > 0 ? o->max_attempts : 6;
    db->base_delay_ms = o->base_delay_ms > 0 ? o->base_delay_ms : 25;
    db->max_delay_ms = o->max_delay_ms > 0 ? o->max_delay_ms : 1000;
    db->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
    db->url = (o->endpoint && o->endpoint[0]) ? dupf("%s%s", o->endpoint, "/")
                                              : dupf("https://dynamodb.%s.amazonaws.com/%s", o->region, NULL);
    db->sigv4 = dupf("aws:amz:%s:%s", o->region, "dynamodb");
    db->userpwd = dupf("%s:%s", o->access_key_id, o->secret_access_key);
    db->prefix = strdup(o->table_prefix ? o->table_prefix : "");
    if (o->session_token && o->session_token[0])
        db->token_header = dupf("X-Amz-Security-Token: %s%s", o->session_token, NULL);
    db->multi = curl_multi_init();
    if (!db->url || !db->sigv4 || !db->userpwd || !db->prefix || !db->multi ||
        (o->session_token && o->session_token[0] && !db->token_header)) {
        if (db->multi) curl_multi_cleanup(db->multi);
        db->handles_open = 1;
        handle_released(db);
        return NULL;
    }
    uv_timer_init(loop, &db->timer);
    db->timer.data = db;
    db->handles_open = 1;
    curl_multi_setopt(db->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(db->multi, CURLMOPT_SOCKETDATA, db);
    curl_multi_setopt(db->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(db->multi, CURLMOPT_TIMERDATA, db);
    curl_multi_setopt(db->multi, CURLMOPT_MAXCONNECTS, 256L);
    return db;
}

sd_dynamo_t *sd_dynamo_new_from_config(uv_loop_t *loop, const sd_config_t *cfg)
{
    sd_dynamo_options_t opts = {
        .endpoint = cfg->dynamodb_endpoint,
        .region = cfg->aws_region,
        .access_key_id = cfg->aws_access_key_id,
        .secret_access_key = cfg->aws_secret_access_key,
        .session_token = cfg->aws_session_token,
        .table_prefix = cfg->table_prefix,
    };
    return sd_dynamo_new(loop, &opts);
}

static void on_db_timer_closed(uv_handle_t *h)
{
    handle_released(h->data);
}

void sd_dynamo_close(sd_dynamo_t *db)
{
    if (!db) return;
    db->closing = true;
    curl_multi_cleanup(db->multi);
    db->multi = NULL;
    while (db->socks)
        sock_forget(db, db->socks);
    uv_close((uv_handle_t *)&db->timer, on_db_timer_closed);
}

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

static void batch_ask(uv_timer_t *t)
{
    batch_t *b = t->data;
    json_t *req = json_pack("{s:o}", "RequestItems", batch_take(b));
    sd_err_t err = req ? sd_dynamo_call(b->db, "BatchGetItem", req, batch_on_answer, b) : SD_ERR_NOMEM;
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
        uv_timer_start(&b->wait, batch_ask, (uint64_t)backoff_ms(b->db, b->round), 0);
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
    uv_timer_init(db->loop, &b->wait);
    b->wait.data = b;
    /* Nothing to read still answers, on the next turn of the loop. */
    if (json_object_size(request_items) == 0)
        uv_timer_start(&b->wait, batch_nothing, 0, 0);
    else
        batch_ask(&b->wait);
    return SD_OK;
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
