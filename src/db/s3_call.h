/*
 * s3_call: the inside of db/s3, shared by its files and by nothing else: the client, one call (one S3 request
 * with its retries), building a call's signed libcurl handle (s3_request.c) and reading S3's small XML
 * answers (s3_xml.c).
 */
#ifndef SD_DB_S3_CALL_H
#define SD_DB_S3_CALL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <uv.h>

#include "db/dynamo_curl.h"
#include "db/s3.h"

#define SD_S3_MAX_KEY 1024
#define SD_S3_MAX_ERROR_BODY 16384

typedef enum {
    SD_S3_OP_CREATE_BUCKET,
    SD_S3_OP_PUT,
    SD_S3_OP_MP_BEGIN,
    SD_S3_OP_MP_PART,
    SD_S3_OP_MP_COMPLETE,
    SD_S3_OP_MP_ABORT,
    SD_S3_OP_HEAD,
    SD_S3_OP_DELETE,
    SD_S3_OP_GET,
    SD_S3_OP_GET_ALL,
} sd_s3_op_t;

typedef enum { SD_S3_T_NONE, SD_S3_T_RETRY, SD_S3_T_DEADLINE, SD_S3_T_RESUME, SD_S3_T_FINISH } sd_s3_timer_t;

typedef struct {
    char *data;
    size_t len, cap;
} sd_s3_buf_t;

struct sd_s3 {
    uv_loop_t *loop;
    sd_dcurl_t *multi;
    char *scheme_host; /* "http://127.0.0.1:8333" or "https://<bucket>.s3.<region>.amazonaws.com" */
    char *host;        /* the Host header */
    char *path_prefix; /* "/<bucket>" (path-style) or "" (virtual-hosted) */
    char *bucket, *region, *access_key_id, *secret_access_key, *session_token;
    bool aws;
    long deadline_ms, max_concurrency, max_queue;
    long running;                              /* calls holding a slot */
    long waiting;                              /* calls in the queue */
    long alive;                                /* calls not yet freed */
    struct sd_s3_get *queue_head, *queue_tail; /* waiting for a slot, in order */
    struct sd_s3_get *active;                  /* holding a slot (in flight or between retries) */
    bool closing;
};

/* One call; sd_s3_get_t is this struct for every kind of call. */
struct sd_s3_get {
    sd_s3_t *s3;
    sd_s3_op_t op;
    char *key;
    char *query;        /* canonical (sorted, encoded) query, "" for none */
    char *content_type; /* sent and signed, or NULL */
    char *range;
    char *body; /* owned request body (multipart complete, create bucket), or NULL */
    const char *mem;
    size_t mem_len;
    int fd; /* -1: the body is mem */
    off_t off;
    size_t len, sent;
    uint64_t deadline; /* uv_now() at which the call gives up */
    int attempt;
    CURL *easy;
    struct curl_slist *headers;
    uv_timer_t timer;
    sd_s3_timer_t timer_use;
    /* the answer */
    int status;
    bool headers_done, got_data, paused, cancelled, too_large, finished, in_multi, in_queue, holds_slot;
    size_t max;
    int64_t size;
    char *etag, *resp_type, *resp_range, *upload_id;
    sd_s3_buf_t resp; /* an error body, a small XML answer, or get_all's object */
    sd_err_t err;
    sd_s3_done_fn done;
    sd_s3_head_fn on_head;
    sd_s3_data_fn on_data;
    sd_s3_body_fn on_body;
    void *ctx;
    struct sd_s3_get *prev, *next;
};

typedef struct sd_s3_get sd_s3_call_t;

/* A new call of s3 (not yet submitted; strings copied), or NULL with *rc: SD_ERR_INVALID (a bad key or
 * content type), SD_ERR_NOMEM, SD_ERR_CANCELLED (closing). Submit it or discard it. */
sd_s3_call_t *sd_s3_call_new(sd_s3_t *s3, sd_s3_op_t op, const char *key, const char *query,
                             const char *content_type, sd_err_t *rc);
/* Starts c or queues it; on an error c is discarded (no callback). */
sd_err_t sd_s3_call_submit(sd_s3_call_t *c);
/* Frees a call that was never submitted: no callback. */
void sd_s3_call_discard(sd_s3_call_t *c);

/* Whether key is one the store takes: 1 to 1024 bytes of [A-Za-z0-9/._-], not starting with '/'. */
bool sd_s3_key_ok(const char *key);
/* sd_s3_presign at time now; content_type (PUT only, or NULL) is signed as a header. */
sd_err_t sd_s3_presign_at(const sd_s3_t *s3, const char *method, const char *key, const char *content_type,
                          long expires_s, time_t now, char *out, size_t cap);

/* A new easy handle for c's current attempt, signed now, in c->easy / c->headers. SD_ERR_NOMEM or
 * SD_ERR_INVALID. */
sd_err_t sd_s3_request_build(sd_s3_call_t *c, long timeout_ms);
/* The HTTP method of op. */
const char *sd_s3_request_method(sd_s3_op_t op);
/* Appends len bytes to b, never past max bytes in all; false when out of memory or past max. */
bool sd_s3_buf_add(sd_s3_buf_t *b, const char *data, size_t len, size_t max);

/* The text of the first <tag>...</tag> in xml (len bytes), as a new string the caller frees, or NULL. */
char *sd_s3_xml_text(const char *xml, size_t len, const char *tag);
/* CompleteMultipartUpload's body for etags[0..count): a new string the caller frees, or NULL. */
char *sd_s3_xml_complete(const char *const *etags, int count);

#endif
