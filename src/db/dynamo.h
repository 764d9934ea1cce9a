/*
 * dynamo: the asynchronous DynamoDB client. It speaks DynamoDB's HTTP JSON API (x-amz-json-1.0) through
 * libcurl's multi interface driven by the libuv loop, so one thread keeps many requests in flight over reused
 * connections. Requests are signed with SigV4 by libcurl (CURLOPT_AWS_SIGV4). Throttling, 5xx answers,
 * transaction conflicts and transport failures are retried with capped exponential backoff and full jitter,
 * as the AWS SDKs do; what still fails maps to a typed sd_err_t: ConditionalCheckFailed, a transaction
 * cancelled by a condition  -> SD_ERR_CONFLICT ResourceNotFound -> SD_ERR_NOT_FOUND      ResourceInUse ->
 * SD_ERR_EXISTS    ValidationException -> SD_ERR_INVALID throttling after retries -> SD_ERR_THROTTLED
 * unreachable / 5xx after retries -> SD_ERR_UNAVAILABLE Only repositories (and the init-db tool) call this
 * module.
 */
#ifndef SD_DB_DYNAMO_H
#define SD_DB_DYNAMO_H

#include <jansson.h>
#include <stddef.h>
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
    long timeout_ms;           /* per attempt; default 10000 */
} sd_dynamo_options_t;

/*
 * Called once per call. result is borrowed and valid only during the callback: the operation's answer on
 * SD_OK, DynamoDB's error body ({"__type", "message", ...}) or NULL otherwise.
 */
typedef void (*sd_dynamo_cb)(sd_err_t err, json_t *result, void *ctx);

/* Returns a new client (strings copied); caller releases it with sd_dynamo_close(). NULL on failure. */
sd_dynamo_t *sd_dynamo_new(uv_loop_t *loop, const sd_dynamo_options_t *opts);
/* Closes the client once no call is in flight; memory is freed when the loop has run the close callbacks. */
void sd_dynamo_close(sd_dynamo_t *db);
/* sd_dynamo_new with the endpoint, region, credentials and table prefix of the configuration. */
sd_dynamo_t *sd_dynamo_new_from_config(uv_loop_t *loop, const sd_config_t *cfg);
int sd_dynamo_in_flight(const sd_dynamo_t *db);
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
 * its result may be shared with other callers (the cache) and must not be changed.
 */
sd_err_t sd_dynamo_call(sd_dynamo_t *db, const char *op, json_t *request, sd_dynamo_cb cb, void *ctx);

/*
 * BatchGetItem with its RequestItems (reference stolen), re-asking for UnprocessedKeys with backoff until all
 * are read. The result is {"Responses": {table: [items...]}}.
 */
sd_err_t sd_dynamo_batch_get(sd_dynamo_t *db, json_t *request_items, sd_dynamo_cb cb, void *ctx);

/*
 * Query (request stolen), following LastEvaluatedKey until max_items items are collected or the results end.
 * The result is {"Items": [...], "LastEvaluatedKey": {...} when more remain}.
 */
sd_err_t sd_dynamo_query(sd_dynamo_t *db, json_t *request, size_t max_items, sd_dynamo_cb cb, void *ctx);

/* Maps DynamoDB's error type (the part after '#' of __type) and HTTP status to an sd_err_t; *retry is set
   when the AWS SDKs would try again. Exposed for tests. */
sd_err_t sd_dynamo_classify(long http_status, const json_t *body, int *retry);

#endif
