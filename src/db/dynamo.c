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
#include "db/dynamo_curl.h"

#define MAX_RESPONSE (20 * 1024 * 1024)

typedef struct call call_t;

struct sd_dynamo {
    uv_loop_t *loop;
    sd_dcurl_t *curl;
    char *prefix;
    int max_attempts;
    long base_delay_ms, max_delay_ms, timeout_ms, deadline_ms;
    int max_concurrency, max_queue;
    int in_flight;    /* calls not completed */
    int slots;        /* HTTP requests in flight or about to start: at most max_concurrency */
    int queued;       /* calls waiting for a slot, first at q_head */
    uint64_t refused; /* calls refused with SD_ERR_BUSY */
    call_t *q_head, *q_tail;
    call_t *calls;    /* every call not completed, for sd_dynamo_cancel_all */
    int handles_open; /* the curl multi plus one timer per call: the memory goes with the last */
    bool closing;
    sd_dcache_t *cache;    /* borrowed, may be NULL */
    sd_metrics_t *metrics; /* borrowed, may be NULL */
};

/* Where a call is; its one timer serves the state it is in. */
typedef enum {
    C_STARTING, /* holds a slot, starts on the next loop turn */
    C_QUEUED,   /* waits for a slot; the timer is its deadline */
    C_SENDING,  /* holds a slot, its HTTP request is in curl */
    C_BACKOFF,  /* waits before its next attempt */
    C_ENDING,   /* completes on the next loop turn (cancelled) */
} call_state_t;

struct call {
    sd_dynamo_t *db;
    char target[96];
    char *body;
    size_t body_len;
    sd_dynamo_cb cb;
    void *ctx;
    int attempt;
    uint64_t start_ns, deadline_ns;
    call_state_t state;
    CURL *easy;
    struct curl_slist *headers;
    char *resp;
    size_t resp_len;
    bool resp_too_big;
    uv_timer_t timer;
    call_t *prev, *next; /* db->calls */
    call_t *qnext;       /* db->q_head */
};

const char *sd_dynamo_table(const sd_dynamo_t *db, const char *logical, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", db->prefix, logical);
    return out;
}

int sd_dynamo_in_flight(const sd_dynamo_t *db)
{
    return db->in_flight;
}

sd_dynamo_stats_t sd_dynamo_stats(const sd_dynamo_t *db)
{
    return (sd_dynamo_stats_t){.in_flight = db->in_flight,
                               .sending = db->curl ? sd_dcurl_running(db->curl) : 0,
                               .queued = db->queued,
                               .refused = db->refused};
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

/* The client's memory goes with its last libuv handle. */
static void handle_released(sd_dynamo_t *db)
{
    if (--db->handles_open > 0) return;
    free(db->prefix);
    free(db);
}

static void call_free_handle(uv_handle_t *h)
{
    call_t *c = h->data;
    sd_dynamo_t *db = c->db;
    free(c->body);
    free(c);
    handle_released(db);
}

/* "op=\"PutItem\"" and more labels. */
static void op_labels(const char *target, const char *outcome, char *out, size_t cap)
{
    if (outcome)
        snprintf(out, cap, "op=\"%s\",outcome=\"%s\"", target + 18, outcome);
    else
        snprintf(out, cap, "op=\"%s\"", target + 18);
}

static void call_finish(call_t *c, sd_err_t err, json_t *result)
{
    sd_dynamo_t *db = c->db;
    if (c->prev)
        c->prev->next = c->next;
    else
        db->calls = c->next;
    if (c->next) c->next->prev = c->prev;
    db->in_flight--;
    if (db->metrics) {
        char labels[160];
        op_labels(c->target, err ? sd_err_name(err) : "ok", labels, sizeof labels);
        sd_metrics_add(db->metrics, "sd_dynamodb_calls_total", labels, 1);
        op_labels(c->target, NULL, labels, sizeof labels);
        sd_metrics_observe(db->metrics, "sd_dynamodb_call_duration_seconds", labels,
                           (double)(uv_hrtime() - c->start_ns) / 1e9);
    }
    c->cb(err, result, c->ctx);
    json_decref(result);
    free(c->resp);
    c->resp = NULL;
    uv_close((uv_handle_t *)&c->timer, call_free_handle);
}

static void attempt_start(call_t *c);

/* Starts queued calls while slots are free, oldest first. */
static void pump(sd_dynamo_t *db)
{
    while (!db->closing && db->q_head && db->slots < db->max_concurrency) {
        call_t *c = db->q_head;
        db->q_head = c->qnext;
        if (!db->q_head) db->q_tail = NULL;
        c->qnext = NULL;
        db->queued--;
        uv_timer_stop(&c->timer);
        db->slots++;
        attempt_start(c);
    }
}

static void on_queue_deadline(uv_timer_t *t)
{
    call_t *c = t->data;
    sd_dynamo_t *db = c->db;
    call_t **p = &db->q_head, *prev = NULL;
    while (*p != c) {
        prev = *p;
        p = &(*p)->qnext;
    }
    *p = c->qnext;
    if (db->q_tail == c) db->q_tail = prev;
    db->queued--;
    sd_log(SD_LOG_WARN, "dynamodb call waited past its deadline for a connection",
           json_pack("{s:s, s:i}", "op", c->target + 18, "attempts", c->attempt));
    call_finish(c, SD_ERR_UNAVAILABLE, NULL);
}

static void on_start(uv_timer_t *t)
{
    attempt_start(t->data);
}

/* The call wants a slot for its next attempt: now when one is free and nobody waits, else at the queue's end.
 */
static void want_slot(call_t *c)
{
    sd_dynamo_t *db = c->db;
    if (db->slots < db->max_concurrency && !db->q_head) {
        db->slots++;
        attempt_start(c);
        return;
    }
    uint64_t now = uv_hrtime();
    c->state = C_QUEUED;
    if (db->q_tail)
        db->q_tail->qnext = c;
    else
        db->q_head = c;
    db->q_tail = c;
    db->queued++;
    uint64_t left_ms = c->deadline_ns > now ? (c->deadline_ns - now) / 1000000 : 0;
    uv_timer_start(&c->timer, on_queue_deadline, left_ms, 0);
}

static void on_backoff_over(uv_timer_t *t)
{
    want_slot(t->data);
}

uv_loop_t *sd_dynamo_loop(const sd_dynamo_t *db)
{
    return db->loop;
}

long sd_dynamo_backoff_ms(const sd_dynamo_t *db, int attempt)
{
    long ceiling = db->base_delay_ms;
    for (int i = 1; i < attempt && ceiling < db->max_delay_ms; i++)
        ceiling *= 2;
    if (ceiling > db->max_delay_ms) ceiling = db->max_delay_ms;
    return (long)randombytes_uniform((uint32_t)ceiling + 1); /* full jitter */
}

static void log_failure(const call_t *c, sd_err_t err, long status, const json_t *body, const char *why)
{
    const char *type = json_string_value(json_object_get(body, "__type"));
    const char *msg = json_string_value(json_object_get(body, "message"));
    if (!msg) msg = json_string_value(json_object_get(body, "Message"));
    sd_log(SD_LOG_WARN, "dynamodb call failed",
           json_pack("{s:s, s:s, s:i, s:s?, s:s?, s:s, s:i}", "op", c->target + 18, "error", sd_err_name(err),
                     "http_status", (int)status, "type", type, "message", msg, "curl", why, "attempts",
                     c->attempt));
}

/* An attempt ended: the slot goes to the next call in the queue; this call retries, or completes. */
static void attempt_done(CURL *easy, CURLcode res, void *ctx)
{
    sd_dynamo_t *db = ctx;
    call_t *c = NULL;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&c);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(easy);
    curl_slist_free_all(c->headers);
    c->easy = NULL;
    c->headers = NULL;
    db->slots--;
    pump(db);

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
    c->resp_too_big = false;
    if (err != SD_OK && retry && c->attempt < db->max_attempts && !db->closing) {
        long wait = sd_dynamo_backoff_ms(db, c->attempt);
        /* No retry starts past the deadline. */
        if (uv_hrtime() + (uint64_t)wait * 1000000 < c->deadline_ns) {
            json_decref(body);
            if (db->metrics) {
                char labels[160];
                op_labels(c->target, NULL, labels, sizeof labels);
                sd_metrics_add(db->metrics, "sd_dynamodb_retries_total", labels, 1);
            }
            c->state = C_BACKOFF;
            uv_timer_start(&c->timer, on_backoff_over, (uint64_t)wait, 0);
            return;
        }
    }
    if (err != SD_OK && err != SD_ERR_CONFLICT && err != SD_ERR_NOT_FOUND && err != SD_ERR_EXISTS)
        log_failure(c, err, status, body, curl_easy_strerror(res));
    call_finish(c, err, body);
}

/* The call holds a slot: sends its next attempt, with what is left of its deadline as the attempt's limit. */
static void attempt_start(call_t *c)
{
    sd_dynamo_t *db = c->db;
    uint64_t now = uv_hrtime();
    long left_ms = c->deadline_ns > now ? (long)((c->deadline_ns - now) / 1000000) : 0;
    sd_err_t err = SD_ERR_UNAVAILABLE;
    if (left_ms <= 0 || db->closing) goto fail;
    c->attempt++;
    c->easy = sd_dcurl_post(db->curl, c->target, c->body, c->body_len,
                            left_ms < db->timeout_ms ? left_ms : db->timeout_ms, on_data, c, &c->headers);
    if (!c->easy) {
        err = SD_ERR_NOMEM;
        goto fail;
    }
    if ((err = sd_dcurl_add(db->curl, c->easy)) != SD_OK) {
        curl_easy_cleanup(c->easy);
        curl_slist_free_all(c->headers);
        c->easy = NULL;
        c->headers = NULL;
        goto fail;
    }
    c->state = C_SENDING;
    return;
fail:
    db->slots--;
    pump(db);
    if (err == SD_ERR_UNAVAILABLE) log_failure(c, err, 0, NULL, db->closing ? "closing" : "deadline reached");
    call_finish(c, err, NULL);
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
    bool slot = db->slots < db->max_concurrency && !db->q_head;
    if (!slot && db->queued >= db->max_queue) {
        char labels[160], target[96];
        snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
        op_labels(target, sd_err_name(SD_ERR_BUSY), labels, sizeof labels);
        sd_metrics_add(db->metrics, "sd_dynamodb_calls_total", labels, 1);
        db->refused++;
        json_decref(request);
        if (wrap_ctx != ctx) sd_dcache_cancel(wrap_ctx);
        return SD_ERR_BUSY;
    }
    char *body = request ? json_dumps(request, JSON_COMPACT) : NULL;
    json_decref(request);
    call_t *c = body ? calloc(1, sizeof *c) : NULL;
    if (!c) {
        free(body);
        if (wrap_ctx != ctx) sd_dcache_cancel(wrap_ctx);
        return SD_ERR_NOMEM;
    }
    c->db = db;
    snprintf(c->target, sizeof c->target, "DynamoDB_20120810.%s", op);
    c->body = body;
    c->body_len = strlen(body);
    c->cb = wrap_cb;
    c->ctx = wrap_ctx;
    c->start_ns = uv_hrtime();
    c->deadline_ns = c->start_ns + (uint64_t)db->deadline_ms * 1000000;
    uv_timer_init(db->loop, &c->timer);
    c->timer.data = c;
    db->handles_open++;
    db->in_flight++;
    c->next = db->calls;
    if (db->calls) db->calls->prev = c;
    db->calls = c;
    if (slot) {
        /* Start on the next loop turn so that cb never runs inside this call. */
        db->slots++;
        c->state = C_STARTING;
        uv_timer_start(&c->timer, on_start, 0, 0);
    } else {
        want_slot(c);
    }
    return SD_OK;
}

static void on_cancelled(uv_timer_t *t)
{
    call_finish(t->data, SD_ERR_UNAVAILABLE, NULL);
}

void sd_dynamo_cancel_all(sd_dynamo_t *db)
{
    db->closing = true;
    for (call_t *c = db->calls; c; c = c->next) {
        switch (c->state) {
        case C_STARTING:
            db->slots--;
            break;
        case C_SENDING:
            sd_dcurl_remove(db->curl, c->easy);
            curl_easy_cleanup(c->easy);
            curl_slist_free_all(c->headers);
            c->easy = NULL;
            c->headers = NULL;
            free(c->resp);
            c->resp = NULL;
            c->resp_len = 0;
            db->slots--;
            break;
        case C_QUEUED:
        case C_BACKOFF:
        case C_ENDING:
            break;
        }
        c->qnext = NULL;
        c->state = C_ENDING;
        uv_timer_stop(&c->timer);
        uv_timer_start(&c->timer, on_cancelled, 0, 0);
    }
    db->q_head = db->q_tail = NULL;
    db->queued = 0;
}

/* ---- client ---- */

static void on_curl_closed(void *ctx)
{
    handle_released(ctx);
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
    db->deadline_ms = o->call_deadline_ms > 0 ? o->call_deadline_ms : 5000;
    db->max_concurrency = o->max_concurrency > 0 ? o->max_concurrency : 64;
    db->max_queue = o->max_queue > 0 ? o->max_queue : o->max_queue < 0 ? 0 : 1024;
    db->prefix = strdup(o->table_prefix ? o->table_prefix : "");
    db->handles_open = 1;
    sd_dcurl_options_t co = {.endpoint = o->endpoint,
                             .region = o->region,
                             .access_key_id = o->access_key_id,
                             .secret_access_key = o->secret_access_key,
                             .session_token = o->session_token};
    db->curl = db->prefix ? sd_dcurl_new(loop, &co, attempt_done, db) : NULL;
    if (!db->curl) {
        handle_released(db);
        return NULL;
    }
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
        .max_attempts = (int)cfg->dynamodb_max_attempts,
        .call_deadline_ms = cfg->dynamodb_call_deadline_ms,
        .max_concurrency = (int)cfg->dynamodb_max_concurrency,
        .max_queue = cfg->dynamodb_max_queue > 0 ? cfg->dynamodb_max_queue : -1,
    };
    return sd_dynamo_new(loop, &opts);
}

void sd_dynamo_close(sd_dynamo_t *db)
{
    if (!db) return;
    sd_dynamo_cancel_all(db);
    sd_dcurl_close(db->curl, on_curl_closed, db);
    db->curl = NULL;
}
