/*
 * upload_store: the object-store calls of services/upload (and only of it), over repositories/blob_repo, in
 * the few terms an upload needs: an error and one string (a multipart upload's id, a part's ETag). A seam of
 * its own so that the unit tests can put a store of their own in its place (-Wl,--wrap).
 */
#ifndef SD_SERVICES_UPLOAD_STORE_H
#define SD_SERVICES_UPLOAD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/errors.h"

/* A call ended: err (SD_OK, SD_ERR_NOT_FOUND, SD_ERR_UNAVAILABLE, SD_ERR_CANCELLED...) and, for a begin the
   upload id, for a part its ETag (borrowed for the callback). */
typedef void (*sd_upload_store_fn)(sd_err_t err, const char *value, void *ctx);

/* Each returns SD_OK (done runs once, later, on the loop) or an error (done never runs). fd is borrowed
   until done runs. */
sd_err_t sd_upload_store_put(sd_app_t *app, const char *key, const char *content_type, int fd, int64_t off,
                             size_t len, sd_upload_store_fn done, void *ctx);
sd_err_t sd_upload_store_begin(sd_app_t *app, const char *key, const char *content_type,
                               sd_upload_store_fn done, void *ctx);
sd_err_t sd_upload_store_part(sd_app_t *app, const char *key, const char *upload_id, int part, int fd,
                              int64_t off, size_t len, sd_upload_store_fn done, void *ctx);
sd_err_t sd_upload_store_complete(sd_app_t *app, const char *key, const char *upload_id,
                                  const char *const *etags, int count, sd_upload_store_fn done, void *ctx);
sd_err_t sd_upload_store_abort(sd_app_t *app, const char *key, const char *upload_id, sd_upload_store_fn done,
                               void *ctx);
sd_err_t sd_upload_store_delete(sd_app_t *app, const char *key, sd_upload_store_fn done, void *ctx);
/* The part size of multipart uploads (S3_PART_BYTES). */
int64_t sd_upload_store_part_bytes(const sd_app_t *app);

#endif
