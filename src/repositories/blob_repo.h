/*
 * blob_repo: the object store (db/s3) as services see it: the same calls with the app in place of the client
 * (the store is app->store), the same sd_s3_* types and callbacks, and the store's key layout for
 * attachments. With no store configured every call answers SD_ERR_UNAVAILABLE at once (no callback).
 */
#ifndef SD_REPOSITORIES_BLOB_REPO_H
#define SD_REPOSITORIES_BLOB_REPO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/app.h"
#include "core/errors.h"
#include "db/s3.h"

#define SD_BLOB_MAX_FILENAME 100

sd_err_t sd_blob_put(sd_app_t *app, const char *key, const char *content_type, const void *data, size_t len,
                     sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_put_file(sd_app_t *app, const char *key, const char *content_type, int fd, off_t off,
                          size_t len, sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_multipart_begin(sd_app_t *app, const char *key, const char *content_type, sd_s3_done_fn done,
                                 void *ctx);
sd_err_t sd_blob_multipart_part(sd_app_t *app, const char *key, const char *upload_id, int part, int fd,
                                off_t off, size_t len, sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_multipart_complete(sd_app_t *app, const char *key, const char *upload_id,
                                    const char *const *etags, int count, sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_multipart_abort(sd_app_t *app, const char *key, const char *upload_id, sd_s3_done_fn done,
                                 void *ctx);
sd_err_t sd_blob_head(sd_app_t *app, const char *key, sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_delete(sd_app_t *app, const char *key, sd_s3_done_fn done, void *ctx);
sd_err_t sd_blob_get(sd_app_t *app, const char *key, const char *range, sd_s3_head_fn head,
                     sd_s3_data_fn data, sd_s3_done_fn done, void *ctx, sd_s3_get_t **out);
/* *body is malloc'd and the callback's to free() when r->err is SD_OK (as sd_s3_get_all). */
sd_err_t sd_blob_get_all(sd_app_t *app, const char *key, size_t max, sd_s3_body_fn done, void *ctx);
void sd_blob_resume(sd_s3_get_t *g);
void sd_blob_cancel(sd_s3_get_t *g);
/* A presigned URL for method ("PUT"/"GET") on key into out (cap bytes); SD_ERR_INVALID when it does not fit.
 */
sd_err_t sd_blob_presign(const sd_app_t *app, const char *method, const char *key, long expires_s, char *out,
                         size_t cap);

/*
 * The key of an attachment, "attachments/{channel_id}/{attachment_id}/{filename}", into out (cap bytes), the
 * filename sanitised: bytes outside [A-Za-z0-9._-] become '_', at most SD_BLOB_MAX_FILENAME bytes, and an
 * empty name or one of only dots becomes "file". Returns SD_ERR_INVALID when out is too small.
 */
sd_err_t sd_blob_attachment_key(uint64_t channel_id, uint64_t attachment_id, const char *filename, char *out,
                                size_t cap);
/* The sanitised filename alone (as in sd_blob_attachment_key) into out, which holds at least
 * SD_BLOB_MAX_FILENAME + 1 bytes. */
void sd_blob_sanitize_filename(const char *filename, char out[SD_BLOB_MAX_FILENAME + 1]);

#endif
