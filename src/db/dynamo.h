/*
 * dynamo: the asynchronous DynamoDB client. It speaks DynamoDB's HTTP JSON API (x-amz-json-1.0) through
 * libcurl's multi interface driven by the libuv loop (db/dynamo_curl), so one thread keeps many requests in
 * flight over reused connections. Requests are signed with SigV4 (db/dynamo_sigv4) over exactly the headers
 * that are sent. At most max_concurrency requests are in flight; later calls wait in a FIFO queue of at most
 * max_queue, and a call that finds it full is refused at once (SD_ERR_BUSY). Every call has a deadline that
 * covers its wait in the queue, its attempts and its backoffs: past it the call fails SD_ERR_UNAVAILABLE.
 * Throttling, 5xx answers, transaction conflicts and transport failures are retried with capped exponential
 * backoff and full jitter, as the AWS SDKs do; what still fails maps to a typed sd_err_t:
 * ConditionalCheckFailed, a transaction cancelled by a condition  -> SD_ERR_CONFLICT ResourceNotFound ->
 * SD_ERR_NOT_FOUND      ResourceInUse -> SD_ERR_EXISTS    ValidationException -> SD_ERR_INVALID throttling
 * after retries -> SD_ERR_THROTTLED unreachable / 5xx after retries -> SD_ERR_UNAVAILABLE Only repositories
 * (and the init-db tool) call this module.
 */
#ifndef SD_DB_DYNAMO_H
#define SD_DB_DYNAMO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/config.h"
#include "core/errors.h"

typedef struct sd_dynamo sd_dynamo_t;
struct sd_dcache;

typedef struct {
    const char
        *endpoint; /* "http://127.0.0.1:8000"; NULL or "" for https://dynamodb.<region>.amazonaws.com */
    const char *region;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* may be NULL or "" */
    const char *table_prefix;  /* prepended to every logical table name */
    int max_attempts;          /* total tries per call; default 6 */
    long base_delay_ms;        /* first backoff ceiling; default 25 */
    long max_delay_ms;         /* backoff cap; default 1000 */
    long timeout_ms;           /* per attempt (cut to what is left of the deadline); default 10000 */
    long call_deadline_ms;     /* one call from start to answer, retries included; default 5000 */
    int max_concurrency;       /* HTTP requests in flight at once; default 64 */
    long max_queue;            /* calls waiting for one of those; default 1024; negative: none may wait */
} sd_dynamo_options_t;

/*
 * Called once per call. result is borrowed and valid only during the callback: the operation's answer on
 * SD_OK, DynamoDB's error body ({"__type", "message", ...}) or NULL otherwise.
 */
typedef void (*sd_dynamo_cb)(sd_err_t err, json_t *result, void *ctx);

/* Returns a new client (strings copied); caller releases it with sd_dynamo_close(). NULL on failure. */
sd_dynamo_t *sd_dynamo_new(uv_loop_t *loop, const sd_dynamo_options_t *opts);
/*
 * Closes the client: every call not completed is cancelled (sd_dynamo_cancel_all); the memory is freed from
 * the loop once those calls have completed and every handle has closed.
 */
void sd_dynamo_close(sd_dynamo_t *db);
/*
 * Ends every call not completed, whether its request is in curl, it waits for a retry or it waits in the
 * queue: each completes through its callback with SD_ERR_UNAVAILABLE, from the loop, never from inside this
 * function. From then on the client refuses new calls (SD_ERR_UNAVAILABLE): it is the first step of closing.
 */
void sd_dynamo_cancel_all(sd_dynamo_t *db);
/* sd_dynamo_new with the endpoint, region, credentials and table prefix of the configuration. */
sd_dynamo_t *sd_dynamo_new_from_config(uv_loop_t *loop, const sd_config_t *cfg);
/* Calls started and not completed yet. */
int sd_dynamo_in_flight(const sd_dynamo_t *db);
typedef struct {
    int in_flight;    /* calls not completed */
    int sending;      /* HTTP requests in curl right now (at most max_concurrency) */
    int queued;       /* calls waiting for a free connection slot */
    uint64_t refused; /* calls refused with SD_ERR_BUSY since the start */
} sd_dynamo_stats_t;
/* The counts above, for metrics and tests. */
sd_dynamo_stats_t sd_dynamo_stats(const sd_dynamo_t *db);
/* Puts a read cache (db/cache, borrowed; NULL: none) in front of every call from now on. */
void sd_dynamo_set_cache(sd_dynamo_t *db, struct sd_dcache *cache);
/* Counts calls, retries, errors and durations by operation into metrics (core/metrics, borrowed). */
struct sd_metrics;
void sd_dynamo_set_metrics(sd_dynamo_t *db, struct sd_metrics *metrics);

/* Writes prefix + logical into out; returns out. */
const char *sd_dynamo_table(const sd_dynamo_t *db, const char *logical, char *out, size_t cap);

/*
 * Starts one operation: op is the API name ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query",
 * "TransactWriteItems", "CreateTable", "DescribeTable", "UpdateTimeToLive", "DescribeTimeToLive",
 * "ListTables",
 * ...); request is the operation's JSON input, reference stolen. cb runs later, never from inside this call;
 * its result may be shared with other callers (the cache) and must not be changed. Returns SD_ERR_BUSY when
 * the queue is full, SD_ERR_UNAVAILABLE once the client is closing: then cb never runs.
 */
sd_err_t sd_dynamo_call(sd_dynamo_t *db, const char *op, json_t *request, sd_dynamo_cb cb, void *ctx);

/* For db/dynamo_pages: the client's loop, and the full-jitter backoff before the given retry. */
uv_loop_t *sd_dynamo_loop(const sd_dynamo_t *db);
long sd_dynamo_backoff_ms(const sd_dynamo_t *db, int attempt);

/* Maps DynamoDB's error type (the part after '#' of __type) and HTTP status to an sd_err_t; *retry is set
   when the AWS SDKs would try again. Exposed for tests. */
sd_err_t sd_dynamo_classify(long http_status, const json_t *body, int *retry);

/* BatchGetItem and Query across pages: sd_dynamo_batch_get(), sd_dynamo_query(). */
#include "db/dynamo_pages.h"

#endif
