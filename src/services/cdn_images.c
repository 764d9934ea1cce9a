/* The CDN's images (services/cdn_images.h): keys, variants read, rendered and kept. */
#include "services/cdn_images.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snowflake_id.h"
#include "repositories/blob_repo.h"

#define VARIANT_MAX_BYTES (32L * 1024 * 1024) /* a 4096 x 4096 variant, with room */
#define ORIGINAL_MIN_CAP (8L * 1024 * 1024)   /* originals are re-encoded: allow past IMAGE_MAX_BYTES */

static const char *const image_prefixes[] = {
    [SD_IMAGE_AVATAR] = "avatars",  [SD_IMAGE_BANNER] = "banners",       [SD_IMAGE_ICON] = "icons",
    [SD_IMAGE_SPLASH] = "splashes", [SD_IMAGE_ROLE_ICON] = "role-icons", [SD_IMAGE_EMOJI] = "emojis",
};

static bool image_hash_ok(const char *h)
{
    if (!h) return false;
    if (!strncmp(h, "a_", 2)) h += 2;
    if (strlen(h) != 32) return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

const char *sd_cdn_images_key(sd_arena_t *a, sd_image_kind_t kind, const char *owner_id, const char *hash)
{
    if ((unsigned)kind > SD_IMAGE_EMOJI || !sd_snowflake_parse(owner_id)) return NULL;
    if (kind == SD_IMAGE_EMOJI) return hash ? NULL : sd_arena_printf(a, "emojis/%s", owner_id);
    if (!image_hash_ok(hash)) return NULL;
    return sd_arena_printf(a, "%s/%s/%s", image_prefixes[kind], owner_id, hash);
}

const char *sd_cdn_images_type(const char *format)
{
    if (!strcmp(format, "png")) return "image/png";
    if (!strcmp(format, "jpg") || !strcmp(format, "jpeg")) return "image/jpeg";
    if (!strcmp(format, "webp")) return "image/webp";
    if (!strcmp(format, "gif")) return "image/gif";
    return NULL;
}

bool sd_cdn_images_variant_ok(int size, const char *format)
{
    bool size_ok = size == 0 || (size >= SD_CDN_SIZE_MIN && size <= SD_CDN_SIZE_MAX && !(size & (size - 1)));
    return size_ok && format && sd_cdn_images_type(format);
}

/* jpeg and jpg are one variant. */
static const char *canonical(const char *format)
{
    return !strcmp(format, "jpeg") ? "jpg" : format;
}

void sd_cdn_images_etag(const char *key, int size, const char *format, char out[48])
{
    char name[1200];
    unsigned char digest[16];
    char hex[33];
    int n = snprintf(name, sizeof name, "%s\n%d\n%s", key, size, canonical(format));
    crypto_generichash(digest, sizeof digest, (const unsigned char *)name, (size_t)n, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    snprintf(out, 48, "\"%s\"", hex);
}

typedef struct {
    sd_app_t *app;
    char *key;     /* the original's */
    char *variant; /* its variant's */
    int size;
    char format[8];
    sd_cdn_images_fn done;
    void *ctx;
    char *original; /* while rendering */
    char *rendered; /* while stored */
} image_job_t;

static void image_job_free(image_job_t *j)
{
    free(j->key);
    free(j->variant);
    free(j->original);
    free(j->rendered);
    free(j);
}

static void on_variant_stored(const sd_s3_result_t *r, void *ctx)
{
    (void)r; /* not kept: the next request renders it again */
    image_job_free(ctx);
}

static void on_rendered(sd_err_t err, char *bytes, size_t len, const char *content_type, void *ctx)
{
    image_job_t *j = ctx;
    free(j->original);
    j->original = NULL;
    if (err) {
        free(bytes);
        j->done(err, NULL, 0, NULL, j->ctx);
        image_job_free(j);
        return;
    }
    j->rendered = bytes;
    j->done(SD_OK, bytes, len, content_type, j->ctx);
    if (sd_blob_put(j->app, j->variant, content_type, bytes, len, on_variant_stored, j) != SD_OK)
        image_job_free(j);
}

static void on_original(const sd_s3_result_t *r, char *body, size_t len, void *ctx)
{
    image_job_t *j = ctx;
    sd_err_t err = r->err;
    if (!err) {
        j->original = body;
        err = sd_images_render(j->app, body, len, j->size, j->format, on_rendered, j);
        if (!err) return;
    }
    j->done(err == SD_ERR_TOO_LARGE ? SD_ERR_INVALID : err, NULL, 0, NULL, j->ctx);
    image_job_free(j);
}

static void on_variant(const sd_s3_result_t *r, char *body, size_t len, void *ctx)
{
    image_job_t *j = ctx;
    if (r->err == SD_ERR_NOT_FOUND) {
        long cap = j->app->cfg->image_max_bytes * 2;
        sd_err_t err = sd_blob_get_all(
            j->app, j->key, (size_t)(cap > ORIGINAL_MIN_CAP ? cap : ORIGINAL_MIN_CAP), on_original, j);
        if (!err) return;
        j->done(err, NULL, 0, NULL, j->ctx);
        image_job_free(j);
        return;
    }
    j->done(r->err, body, len, sd_cdn_images_type(j->format), j->ctx);
    if (!r->err) free(body);
    image_job_free(j);
}

sd_err_t sd_cdn_images_get(sd_app_t *app, const char *key, int size, const char *format,
                           sd_cdn_images_fn done, void *ctx)
{
    if (!app->store) return SD_ERR_UNAVAILABLE;
    if (!sd_cdn_images_variant_ok(size, format)) return SD_ERR_INVALID;
    image_job_t *j = calloc(1, sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    j->app = app;
    j->size = size;
    snprintf(j->format, sizeof j->format, "%s", canonical(format));
    j->done = done;
    j->ctx = ctx;
    j->key = strdup(key);
    size_t vcap = strlen(key) + 32;
    j->variant = malloc(vcap);
    if (!j->key || !j->variant) {
        image_job_free(j);
        return SD_ERR_NOMEM;
    }
    snprintf(j->variant, vcap, "variants/%s/%d.%s", key, size, j->format);
    sd_err_t err = sd_blob_get_all(app, j->variant, VARIANT_MAX_BYTES, on_variant, j);
    if (err) image_job_free(j);
    return err;
}
