/* services/upload's store calls (services/upload_store.h) on repositories/blob_repo: each call's sd_s3
   result narrowed to an error and the one string an upload needs. */
#include "services/upload_store.h"

#include <stdlib.h>

#include "repositories/blob_repo.h"

typedef enum { VALUE_NONE, VALUE_UPLOAD_ID, VALUE_ETAG } value_t;

typedef struct {
    sd_upload_store_fn done;
    void *ctx;
    value_t value;
} call_t;

static void on_result(const sd_s3_result_t *r, void *ctx)
{
    call_t *c = ctx;
    const char *v = c->value == VALUE_UPLOAD_ID ? r->upload_id : c->value == VALUE_ETAG ? r->etag : NULL;
    sd_upload_store_fn done = c->done;
    void *dctx = c->ctx;
    free(c);
    done(r->err, v, dctx);
}

/* A new call context (freed by on_result, or by the caller when the call is refused); NULL without memory. */
static call_t *call_new(sd_upload_store_fn done, void *ctx, value_t value)
{
    call_t *c = malloc(sizeof *c);
    if (c) *c = (call_t){done, ctx, value};
    return c;
}

/* A call's answer at once: when it was refused, its context is the caller's to free. */
static sd_err_t started(sd_err_t e, call_t *c)
{
    if (e != SD_OK) free(c);
    return e;
}

sd_err_t sd_upload_store_put(sd_app_t *app, const char *key, const char *content_type, int fd, int64_t off,
                             size_t len, sd_upload_store_fn done, void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_ETAG);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_put_file(app, key, content_type, fd, (off_t)off, len, on_result, c), c);
}

sd_err_t sd_upload_store_begin(sd_app_t *app, const char *key, const char *content_type,
                               sd_upload_store_fn done, void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_UPLOAD_ID);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_multipart_begin(app, key, content_type, on_result, c), c);
}

sd_err_t sd_upload_store_part(sd_app_t *app, const char *key, const char *upload_id, int part, int fd,
                              int64_t off, size_t len, sd_upload_store_fn done, void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_ETAG);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_multipart_part(app, key, upload_id, part, fd, (off_t)off, len, on_result, c), c);
}

sd_err_t sd_upload_store_complete(sd_app_t *app, const char *key, const char *upload_id,
                                  const char *const *etags, int count, sd_upload_store_fn done, void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_NONE);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_multipart_complete(app, key, upload_id, etags, count, on_result, c), c);
}

sd_err_t sd_upload_store_abort(sd_app_t *app, const char *key, const char *upload_id, sd_upload_store_fn done,
                               void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_NONE);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_multipart_abort(app, key, upload_id, on_result, c), c);
}

sd_err_t sd_upload_store_delete(sd_app_t *app, const char *key, sd_upload_store_fn done, void *ctx)
{
    call_t *c = call_new(done, ctx, VALUE_NONE);
    if (!c) return SD_ERR_NOMEM;
    return started(sd_blob_delete(app, key, on_result, c), c);
}

int64_t sd_upload_store_part_bytes(const sd_app_t *app)
{
    return app->cfg->s3_part_bytes;
}
