/*
 * curl_loop: libcurl's multi interface driven by a libuv loop. Sockets are watched with uv_poll, curl's timer
 * is a uv_timer, and a transfer that ends is handed to the done callback, once, from the loop, after it has
 * left the multi handle. What a transfer is (its URL, headers, signing, retries, queueing) is the caller's:
 * db/dynamo_curl (DynamoDB and S3 requests) and core/http_fetch (link previews) build their easy handles and
 * run them here.
 */
#ifndef SD_CORE_CURL_LOOP_H
#define SD_CORE_CURL_LOOP_H

#include <curl/curl.h>
#include <uv.h>

#include "core/errors.h"

typedef struct sd_curl_loop sd_curl_loop_t;

/* A transfer ended (res is its result); easy is no longer in the multi handle and is the caller's again.
   The callback may add and remove transfers. */
typedef void (*sd_curl_loop_done_fn)(CURL *easy, CURLcode res, void *ctx);
/* Every handle is closed and the loop's memory freed. */
typedef void (*sd_curl_loop_closed_fn)(void *ctx);

/* Returns a new multi on loop; caller releases it with sd_curl_loop_close(). NULL when out of memory. */
sd_curl_loop_t *sd_curl_loop_new(uv_loop_t *loop, sd_curl_loop_done_fn done, void *ctx);
/* The multi handle itself, for options such as CURLMOPT_MAXCONNECTS (borrowed). */
CURLM *sd_curl_loop_multi(sd_curl_loop_t *l);
/* Starts a transfer on easy (borrowed until done runs or sd_curl_loop_remove). */
sd_err_t sd_curl_loop_add(sd_curl_loop_t *l, CURL *easy);
/* Stops a transfer that has not ended: done is not called for it. */
void sd_curl_loop_remove(sd_curl_loop_t *l, CURL *easy);
/* Transfers added and not ended or removed. */
int sd_curl_loop_running(const sd_curl_loop_t *l);
/* Closes the multi (no transfer may be left in it); closed(ctx) (may be NULL) runs from the loop once its
   memory is gone. */
void sd_curl_loop_close(sd_curl_loop_t *l, sd_curl_loop_closed_fn closed, void *ctx);

#endif
