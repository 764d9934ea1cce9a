/* services/upload's store calls (services/upload_store.h). Until repositories/blob_repo is in, there is no
   store: every call is refused as unavailable. */
#include "services/upload_store.h"

sd_err_t sd_upload_store_put(sd_app_t *app, const char *key, int fd, int64_t off, size_t len,
                             sd_upload_store_fn done, void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

sd_err_t sd_upload_store_begin(sd_app_t *app, const char *key, sd_upload_store_fn done, void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

sd_err_t sd_upload_store_part(sd_app_t *app, const char *key, const char *upload_id, int part, int fd,
                              int64_t off, size_t len, sd_upload_store_fn done, void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

sd_err_t sd_upload_store_complete(sd_app_t *app, const char *key, const char *upload_id,
                                  const char *const *etags, int count, sd_upload_store_fn done, void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

sd_err_t sd_upload_store_abort(sd_app_t *app, const char *key, const char *upload_id, sd_upload_store_fn done,
                               void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

sd_err_t sd_upload_store_delete(sd_app_t *app, const char *key, sd_upload_store_fn done, void *ctx)
{
    return SD_ERR_UNAVAILABLE;
}

int64_t sd_upload_store_part_bytes(const sd_app_t *app)
{
    return app->cfg->s3_part_bytes;
}
