#include "repositories/image_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/blob_repo.h"

static int part_ok(const char *s)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return 0;
    return 1;
}

sd_err_t sd_image_repo_key(const char *folder, const char *owner, const char *name, char *out, size_t cap)
{
    int has_name = name && *name;
    if (!part_ok(folder) || !part_ok(owner) || (has_name && !part_ok(name))) return SD_ERR_INVALID;
    int n = has_name ? snprintf(out, cap, "%s/%s/%s", folder, owner, name)
                     : snprintf(out, cap, "%s/%s", folder, owner);
    return n < 0 || (size_t)n >= cap ? SD_ERR_INVALID : SD_OK;
}

sd_err_t sd_image_repo_variant_key(const char *original, int size, const char *ext, char *out, size_t cap)
{
    int n = snprintf(out, cap, "variants/%s/%d.%s", original, size, ext);
    return n < 0 || (size_t)n >= cap ? SD_ERR_INVALID : SD_OK;
}

typedef struct {
    sd_image_repo_done_fn done;
    void *ctx;
} put_t;

static void on_put(const sd_s3_result_t *r, void *ctx)
{
    put_t *p = ctx;
    sd_err_t err = r->err;
    if (err == SD_ERR_NOT_FOUND) err = SD_ERR_UNAVAILABLE; /* the bucket is missing */
    p->done(err, p->ctx);
    free(p);
}

sd_err_t sd_image_repo_put(sd_app_t *app, const char *key, const char *content_type, const void *bytes,
                           size_t len, sd_image_repo_done_fn done, void *ctx)
{
    put_t *p = malloc(sizeof *p);
    if (!p) return SD_ERR_NOMEM;
    *p = (put_t){done, ctx};
    sd_err_t err = sd_blob_put(app, key, content_type, bytes, len, on_put, p);
    if (err) free(p);
    return err;
}
