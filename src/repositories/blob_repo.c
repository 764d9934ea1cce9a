#include "repositories/blob_repo.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define STORE(app) ((app) ? (app)->store : NULL)

sd_err_t sd_blob_put(sd_app_t *app, const char *key, const char *content_type, const void *data, size_t len,
                     sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_put(app->store, key, content_type, data, len, done, ctx);
}

sd_err_t sd_blob_put_file(sd_app_t *app, const char *key, const char *content_type, int fd, off_t off,
                          size_t len, sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_put_file(app->store, key, content_type, fd, off, len, done, ctx);
}

sd_err_t sd_blob_multipart_begin(sd_app_t *app, const char *key, const char *content_type, sd_s3_done_fn done,
                                 void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_multipart_begin(app->store, key, content_type, done, ctx);
}

sd_err_t sd_blob_multipart_part(sd_app_t *app, const char *key, const char *upload_id, int part, int fd,
                                off_t off, size_t len, sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_multipart_part(app->store, key, upload_id, part, fd, off, len, done, ctx);
}

sd_err_t sd_blob_multipart_complete(sd_app_t *app, const char *key, const char *upload_id,
                                    const char *const *etags, int count, sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_multipart_complete(app->store, key, upload_id, etags, count, done, ctx);
}

sd_err_t sd_blob_multipart_abort(sd_app_t *app, const char *key, const char *upload_id, sd_s3_done_fn done,
                                 void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_multipart_abort(app->store, key, upload_id, done, ctx);
}

sd_err_t sd_blob_head(sd_app_t *app, const char *key, sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_head(app->store, key, done, ctx);
}

sd_err_t sd_blob_delete(sd_app_t *app, const char *key, sd_s3_done_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_delete(app->store, key, done, ctx);
}

sd_err_t sd_blob_get(sd_app_t *app, const char *key, const char *range, sd_s3_head_fn head,
                     sd_s3_data_fn data, sd_s3_done_fn done, void *ctx, sd_s3_get_t **out)
{
    if (out) *out = NULL;
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_get(app->store, key, range, head, data, done, ctx, out);
}

sd_err_t sd_blob_get_all(sd_app_t *app, const char *key, size_t max, sd_s3_body_fn done, void *ctx)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_get_all(app->store, key, max, done, ctx);
}

void sd_blob_resume(sd_s3_get_t *g)
{
    sd_s3_resume(g);
}

void sd_blob_cancel(sd_s3_get_t *g)
{
    sd_s3_cancel(g);
}

sd_err_t sd_blob_presign(const sd_app_t *app, const char *method, const char *key, long expires_s, char *out,
                         size_t cap)
{
    if (!STORE(app)) return SD_ERR_UNAVAILABLE;
    return sd_s3_presign(app->store, method, key, expires_s, out, cap);
}

void sd_blob_sanitize_filename(const char *filename, char out[SD_BLOB_MAX_FILENAME + 1])
{
    size_t n = 0;
    bool only_dots = true;
    for (const unsigned char *p = (const unsigned char *)(filename ? filename : "");
         *p && n < SD_BLOB_MAX_FILENAME; p++) {
        unsigned char ch = *p;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                   ch == '.' || ch == '_' || ch == '-';
        out[n++] = keep ? (char)ch : '_';
        if (ch != '.') only_dots = false;
    }
    out[n] = '\0';
    if (!n || only_dots) snprintf(out, SD_BLOB_MAX_FILENAME + 1, "file");
}

sd_err_t sd_blob_attachment_key(uint64_t channel_id, uint64_t attachment_id, const char *filename, char *out,
                                size_t cap)
{
    char name[SD_BLOB_MAX_FILENAME + 1];
    sd_blob_sanitize_filename(filename, name);
    int n = snprintf(out, cap, "attachments/%" PRIu64 "/%" PRIu64 "/%s", channel_id, attachment_id, name);
    return n >= 0 && (size_t)n < cap ? SD_OK : SD_ERR_INVALID;
}
