/* The calls of db/s3, one per S3 operation: each makes a call (db/s3_call.h) and submits it; and presigned
 * URLs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/s3.h"
#include "db/s3_call.h"
#include "db/s3_sign.h"

static sd_err_t put_common(sd_s3_t *s3, sd_s3_op_t op, const char *key, const char *query,
                           const char *content_type, const void *data, int fd, off_t off, size_t len,
                           sd_s3_done_fn done, void *ctx)
{
    sd_err_t rc;
    if (fd < 0 && len && !data) return SD_ERR_INVALID;
    if (off < 0) return SD_ERR_INVALID;
    sd_s3_call_t *c = sd_s3_call_new(s3, op, key, query, content_type, &rc);
    if (!c) return rc;
    c->mem = data;
    c->mem_len = fd < 0 ? len : 0;
    c->fd = fd;
    c->off = off;
    c->len = len;
    c->done = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

sd_err_t sd_s3_put(sd_s3_t *s3, const char *key, const char *content_type, const void *data, size_t len,
                   sd_s3_done_fn done, void *ctx)
{
    return put_common(s3, SD_S3_OP_PUT, key, NULL, content_type ? content_type : "application/octet-stream",
                      data, -1, 0, len, done, ctx);
}

sd_err_t sd_s3_put_file(sd_s3_t *s3, const char *key, const char *content_type, int fd, off_t off, size_t len,
                        sd_s3_done_fn done, void *ctx)
{
    if (fd < 0) return SD_ERR_INVALID;
    return put_common(s3, SD_S3_OP_PUT, key, NULL, content_type ? content_type : "application/octet-stream",
                      NULL, fd, off, len, done, ctx);
}

sd_err_t sd_s3_create_bucket(sd_s3_t *s3, sd_s3_done_fn done, void *ctx)
{
    sd_err_t rc;
    sd_s3_call_t *c = sd_s3_call_new(s3, SD_S3_OP_CREATE_BUCKET, NULL, NULL, NULL, &rc);
    if (!c) return rc;
    /* Outside us-east-1, AWS wants the region named in the body. */
    if (s3->aws && strcmp(s3->region, "us-east-1") != 0) {
        size_t cap = 200 + strlen(s3->region);
        c->body = malloc(cap);
        if (!c->body) {
            sd_s3_call_discard(c);
            return SD_ERR_NOMEM;
        }
        snprintf(c->body, cap,
                 "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                 "<LocationConstraint>%s</LocationConstraint></CreateBucketConfiguration>",
                 s3->region);
        c->mem = c->body;
        c->mem_len = c->len = strlen(c->body);
    }
    c->done = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

/* "uploadId=<encoded>" with prefix before it, into a new string, or NULL. */
static char *upload_query(const char *prefix, const char *upload_id)
{
    char enc[1024];
    if (!upload_id || !upload_id[0] || sd_s3_uri_encode(upload_id, 0, enc, sizeof enc) == (size_t)-1)
        return NULL;
    size_t n = strlen(prefix) + strlen(enc) + 16;
    char *q = malloc(n);
    if (q) snprintf(q, n, "%suploadId=%s", prefix, enc);
    return q;
}

sd_err_t sd_s3_multipart_begin(sd_s3_t *s3, const char *key, const char *content_type, sd_s3_done_fn done,
                               void *ctx)
{
    sd_err_t rc;
    sd_s3_call_t *c =
        sd_s3_call_new(s3, SD_S3_OP_MP_BEGIN, key,
                       "uploads=", content_type ? content_type : "application/octet-stream", &rc);
    if (!c) return rc;
    c->done = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

sd_err_t sd_s3_multipart_part(sd_s3_t *s3, const char *key, const char *upload_id, int part, int fd,
                              off_t off, size_t len, sd_s3_done_fn done, void *ctx)
{
    char prefix[32];
    if (part < 1 || part > 10000 || fd < 0) return SD_ERR_INVALID;
    snprintf(prefix, sizeof prefix, "partNumber=%d&", part);
    char *q = upload_query(prefix, upload_id);
    if (!q) return SD_ERR_INVALID;
    sd_err_t rc = put_common(s3, SD_S3_OP_MP_PART, key, q, NULL, NULL, fd, off, len, done, ctx);
    free(q);
    return rc;
}

sd_err_t sd_s3_multipart_complete(sd_s3_t *s3, const char *key, const char *upload_id,
                                  const char *const *etags, int count, sd_s3_done_fn done, void *ctx)
{
    sd_err_t rc;
    if (count < 1 || count > 10000 || !etags) return SD_ERR_INVALID;
    char *q = upload_query("", upload_id);
    if (!q) return SD_ERR_INVALID;
    sd_s3_call_t *c = sd_s3_call_new(s3, SD_S3_OP_MP_COMPLETE, key, q, "application/xml", &rc);
    free(q);
    if (!c) return rc;
    c->body = sd_s3_xml_complete(etags, count);
    if (!c->body) {
        sd_s3_call_discard(c);
        return SD_ERR_INVALID;
    }
    c->mem = c->body;
    c->mem_len = c->len = strlen(c->body);
    c->done = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

static sd_err_t simple(sd_s3_t *s3, sd_s3_op_t op, const char *key, const char *query, sd_s3_done_fn done,
                       void *ctx)
{
    sd_err_t rc;
    sd_s3_call_t *c = sd_s3_call_new(s3, op, key, query, NULL, &rc);
    if (!c) return rc;
    c->done = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

sd_err_t sd_s3_multipart_abort(sd_s3_t *s3, const char *key, const char *upload_id, sd_s3_done_fn done,
                               void *ctx)
{
    char *q = upload_query("", upload_id);
    if (!q) return SD_ERR_INVALID;
    sd_err_t rc = simple(s3, SD_S3_OP_MP_ABORT, key, q, done, ctx);
    free(q);
    return rc;
}

sd_err_t sd_s3_head(sd_s3_t *s3, const char *key, sd_s3_done_fn done, void *ctx)
{
    return simple(s3, SD_S3_OP_HEAD, key, NULL, done, ctx);
}

sd_err_t sd_s3_delete(sd_s3_t *s3, const char *key, sd_s3_done_fn done, void *ctx)
{
    return simple(s3, SD_S3_OP_DELETE, key, NULL, done, ctx);
}

static bool range_ok(const char *r)
{
    if (strncmp(r, "bytes=", 6) != 0 || strlen(r) > 64) return false;
    r += 6;
    size_t a = strspn(r, "0123456789");
    if (r[a] != '-') return false;
    size_t b = strspn(r + a + 1, "0123456789");
    return r[a + 1 + b] == '\0' && (a || b);
}

sd_err_t sd_s3_get(sd_s3_t *s3, const char *key, const char *range, sd_s3_head_fn head, sd_s3_data_fn data,
                   sd_s3_done_fn done, void *ctx, sd_s3_get_t **out)
{
    sd_err_t rc;
    if (range && !range_ok(range)) return SD_ERR_INVALID;
    sd_s3_call_t *c = sd_s3_call_new(s3, SD_S3_OP_GET, key, NULL, NULL, &rc);
    if (!c) return rc;
    if (range && !(c->range = strdup(range))) {
        sd_s3_call_discard(c);
        return SD_ERR_NOMEM;
    }
    c->on_head = head;
    c->on_data = data;
    c->done = done;
    c->ctx = ctx;
    rc = sd_s3_call_submit(c);
    if (out) *out = rc == SD_OK ? c : NULL;
    return rc;
}

sd_err_t sd_s3_get_all(sd_s3_t *s3, const char *key, size_t max, sd_s3_body_fn done, void *ctx)
{
    sd_err_t rc;
    if (!done) return SD_ERR_INVALID;
    sd_s3_call_t *c = sd_s3_call_new(s3, SD_S3_OP_GET_ALL, key, NULL, NULL, &rc);
    if (!c) return rc;
    c->max = max;
    c->on_body = done;
    c->ctx = ctx;
    return sd_s3_call_submit(c);
}

sd_err_t sd_s3_presign(const sd_s3_t *s3, const char *method, const char *key, long expires_s, char *out,
                       size_t cap)
{
    return sd_s3_presign_at(s3, method, key, NULL, expires_s, time(NULL), out, cap);
}
