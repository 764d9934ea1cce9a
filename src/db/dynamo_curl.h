/*
 * dynamo_curl: the HTTP side of db/dynamo. It builds each signed POST of DynamoDB's JSON API (headers signed
 * by db/dynamo_sigv4, exactly those sent) and runs it on libcurl's multi interface driven by the libuv loop
 * (core/curl_loop): a transfer that ends is handed to the done callback, once, from the loop, after it has
 * left the multi handle. db/s3 runs its requests here too. Retries, deadlines and the cap on requests in
 * flight are the callers'.
 */
#ifndef SD_DB_DYNAMO_CURL_H
#define SD_DB_DYNAMO_CURL_H

#include <curl/curl.h>
#include <uv.h>

#include "core/curl_loop.h"
#include "core/errors.h"

typedef struct sd_dcurl sd_dcurl_t;

/* A transfer ended (res is its result); easy is no longer in the multi handle and is the caller's again. */
typedef sd_curl_loop_done_fn sd_dcurl_done_fn;
/* Every handle of the multi is closed and its memory freed. */
typedef void (*sd_dcurl_closed_fn)(void *ctx);

typedef struct {
    const char *endpoint; /* "http://127.0.0.1:8000"; NULL or "": https://dynamodb.<region>.amazonaws.com */
    const char *region;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "": none */
} sd_dcurl_options_t;

/*
 * Returns a new multi on loop (strings copied); caller releases it with sd_dcurl_close(). NULL when out of
 * memory or when the endpoint is not a bare origin (a path would not be signed).
 */
sd_dcurl_t *sd_dcurl_new(uv_loop_t *loop, const sd_dcurl_options_t *o, sd_dcurl_done_fn done, void *ctx);
/*
 * A new easy handle for one POST of body (borrowed until the transfer ends) with X-Amz-Target target, signed
 * now, ending after timeout_ms at the latest. The answer's bytes go to on_write(write_ctx), which is also the
 * handle's CURLINFO_PRIVATE. *headers receives the header list, which the caller frees with
 * curl_slist_free_all() after curl_easy_cleanup(). NULL when out of memory.
 */
CURL *sd_dcurl_post(sd_dcurl_t *m, const char *target, const char *body, size_t len, long timeout_ms,
                    curl_write_callback on_write, void *write_ctx, struct curl_slist **headers);
/* Starts a transfer on easy (borrowed until done runs or sd_dcurl_remove). */
sd_err_t sd_dcurl_add(sd_dcurl_t *m, CURL *easy);
/* Stops a transfer that has not ended: done is not called for it. */
void sd_dcurl_remove(sd_dcurl_t *m, CURL *easy);
/* Transfers added and not ended or removed. */
int sd_dcurl_running(const sd_dcurl_t *m);
/* Closes the multi (no transfer may be left in it); closed(ctx) runs from the loop once its memory is gone.
 */
void sd_dcurl_close(sd_dcurl_t *m, sd_dcurl_closed_fn closed, void *ctx);

#endif
