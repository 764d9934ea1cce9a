/*
 * s3: the async object-store client (S3's REST API), beside db/dynamo and on the same path: libcurl's multi
 * interface driven by the libuv loop, every request signed with AWS Signature Version 4 (signing exactly the
 * headers sent, x-amz-content-sha256 included), a deadline per call with retries of throttling, 5xx and
 * transport failures, a cap on requests in flight with a FIFO queue, and cancel-all for shutdown. Path-style
 * (<endpoint>/<bucket>/<key>) or virtual-hosted (<bucket>.<host>/<key>) addressing. Locally the store is
 * SeaweedFS (`weed mini`), which checks signatures; on AWS an S3 bucket.
 *
 * Bodies never have to be whole in memory: an upload reads from a file region (a spool file), a download
 * hands its bytes to a callback as they arrive and can be paused while the caller's client is slow.
 *
 * Every callback runs on the loop, exactly once per call that returned SD_OK (a call that returns an error
 * never calls back). Keys are at most 1024 bytes of [A-Za-z0-9/._-]; anything else is SD_ERR_INVALID.
 */
#ifndef SD_DB_S3_H
#define SD_DB_S3_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "core/config.h"
#include "core/errors.h"

typedef struct sd_s3 sd_s3_t;

typedef struct {
    const char *endpoint; /* "http://127.0.0.1:8333"; NULL or "": https://s3.<region>.amazonaws.com */
    const char *bucket;
    const char *region;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "": none */
    int virtual_hosted;        /* 1: <bucket>.<host>; 0: <endpoint>/<bucket> */
    long call_deadline_ms;     /* one call, its retries and its wait in the queue */
    long max_concurrency;      /* requests in flight at once; more wait in order */
    long max_queue;            /* calls waiting; more are refused with SD_ERR_BUSY */
} sd_s3_options_t;

/* What a finished call found. status is the HTTP status (0: no answer: transport failure or deadline). */
typedef struct {
    sd_err_t err; /* SD_OK; SD_ERR_NOT_FOUND (404/NoSuchKey); SD_ERR_UNAVAILABLE (the store failed or
                     the deadline passed); SD_ERR_BUSY (queue full); SD_ERR_CANCELLED (shutdown) */
    int status;
    int64_t size;     /* HEAD / GET: the object's size (Content-Length, or the total of a Content-Range) */
    const char *etag; /* HEAD / GET / PUT / part: the ETag as S3 sent it (quotes included), or NULL */
    const char *content_type;  /* HEAD / GET: or NULL */
    const char *content_range; /* GET with a range: "bytes 0-99/1234", or NULL */
    const char *upload_id;     /* multipart begin: the UploadId */
} sd_s3_result_t;

/* A call ended; r and its strings are borrowed for the callback only. */
typedef void (*sd_s3_done_fn)(const sd_s3_result_t *r, void *ctx);
/*
 * A download's bytes as they arrive (after its headers, which on_head saw). Return 0 to go on, or 1 to pause
 * the transfer: the bytes given are taken, and nothing more arrives until sd_s3_resume().
 */
typedef int (*sd_s3_data_fn)(const char *data, size_t len, void *ctx);
/* A download's status and headers, before its first byte: r->status, size, etag, content_type, content_range.
 */
typedef void (*sd_s3_head_fn)(const sd_s3_result_t *r, void *ctx);

typedef struct sd_s3_get sd_s3_get_t;

/* Returns a new client on loop (strings copied); caller releases it with sd_s3_close(). NULL on bad options.
 */
sd_s3_t *sd_s3_new(uv_loop_t *loop, const sd_s3_options_t *o);
/* sd_s3_new with the settings of cfg (S3_*, and the AWS credentials DynamoDB uses); NULL on bad settings. */
sd_s3_t *sd_s3_new_from_config(uv_loop_t *loop, const sd_config_t *cfg);
/* Cancels every call (their callbacks run with SD_ERR_CANCELLED), then frees the client from the loop. */
void sd_s3_close(sd_s3_t *s3);

/* Creates the bucket; an existing bucket that is ours is success. For init-db. */
sd_err_t sd_s3_create_bucket(sd_s3_t *s3, sd_s3_done_fn done, void *ctx);

/* PUT key from memory: data is borrowed until done runs. content_type NULL: application/octet-stream. */
sd_err_t sd_s3_put(sd_s3_t *s3, const char *key, const char *content_type, const void *data, size_t len,
                   sd_s3_done_fn done, void *ctx);
/* PUT key from len bytes of fd at off (fd borrowed until done runs; read with pread, never whole in memory).
 */
sd_err_t sd_s3_put_file(sd_s3_t *s3, const char *key, const char *content_type, int fd, off_t off, size_t len,
                        sd_s3_done_fn done, void *ctx);

/* Multipart upload: begin (r->upload_id), parts 1..10000 from file regions, then complete or abort. */
sd_err_t sd_s3_multipart_begin(sd_s3_t *s3, const char *key, const char *content_type, sd_s3_done_fn done,
                               void *ctx);
/* Uploads part number part (1-based) of upload_id from len bytes of fd at off; r->etag is the part's ETag. */
sd_err_t sd_s3_multipart_part(sd_s3_t *s3, const char *key, const char *upload_id, int part, int fd,
                              off_t off, size_t len, sd_s3_done_fn done, void *ctx);
/* Completes upload_id from its parts' ETags, in part order (etags[0] is part 1); strings copied at once. */
sd_err_t sd_s3_multipart_complete(sd_s3_t *s3, const char *key, const char *upload_id,
                                  const char *const *etags, int count, sd_s3_done_fn done, void *ctx);
sd_err_t sd_s3_multipart_abort(sd_s3_t *s3, const char *key, const char *upload_id, sd_s3_done_fn done,
                               void *ctx);

/* HEAD key: r->size, etag, content_type; SD_ERR_NOT_FOUND when it is not there. */
sd_err_t sd_s3_head(sd_s3_t *s3, const char *key, sd_s3_done_fn done, void *ctx);
/* DELETE key; a key that is not there is success (S3 answers 204 either way). */
sd_err_t sd_s3_delete(sd_s3_t *s3, const char *key, sd_s3_done_fn done, void *ctx);

/*
 * GET key, streamed: head(ctx) once with the status and headers, then data(ctx) per piece, then done(ctx).
 * range: NULL, or "bytes=first-last" / "bytes=first-" / "bytes=-suffix" sent as the Range header. A status
 * other than 200/206 ends with done and no data (404: SD_ERR_NOT_FOUND). *out (may be NULL) receives a handle
 * for sd_s3_resume / sd_s3_cancel, valid until done runs. A download is not retried once its first byte was
 * passed.
 */
sd_err_t sd_s3_get(sd_s3_t *s3, const char *key, const char *range, sd_s3_head_fn head, sd_s3_data_fn data,
                   sd_s3_done_fn done, void *ctx, sd_s3_get_t **out);
/* GET key whole into memory, at most max bytes (more: SD_ERR_TOO_LARGE). *body and *len are malloc'd and the
 * caller's to free() when r->err is SD_OK; for small objects (image originals, variants). */
typedef void (*sd_s3_body_fn)(const sd_s3_result_t *r, char *body, size_t len, void *ctx);
sd_err_t sd_s3_get_all(sd_s3_t *s3, const char *key, size_t max, sd_s3_body_fn done, void *ctx);
/* Lets a paused download go on. */
void sd_s3_resume(sd_s3_get_t *g);
/* Stops a download: done runs with SD_ERR_CANCELLED (from the loop, not from inside this call). */
void sd_s3_cancel(sd_s3_get_t *g);

/*
 * A presigned URL (SigV4 query signing) for method ("PUT" or "GET") on key, valid expires_s seconds from now,
 * written into out. With PUT and content_type not NULL, the signature covers Content-Type. Returns
 * SD_ERR_INVALID when out is too small.
 */
sd_err_t sd_s3_presign(const sd_s3_t *s3, const char *method, const char *key, long expires_s, char *out,
                       size_t cap);

#endif
