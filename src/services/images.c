#include "services/images.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "repositories/image_repo.h"
#include "services/data_uri.h"
#include "services/image_codec.h"

/* The store folder of each kind (common key layout). */
static const char *folder_of(sd_image_kind_t kind)
{
    switch (kind) {
    case SD_IMAGE_AVATAR:
        return "avatars";
    case SD_IMAGE_BANNER:
        return "banners";
    case SD_IMAGE_ICON:
        return "icons";
    case SD_IMAGE_SPLASH:
        return "splashes";
    case SD_IMAGE_ROLE_ICON:
        return "role-icons";
    case SD_IMAGE_EMOJI:
        return "emojis";
    }
    return NULL;
}

/* ---- save ---- */

typedef struct {
    uv_work_t work;
    sd_app_t *app;
    sd_image_kind_t kind;
    char owner[32];
    const char *data_uri; /* borrowed until done runs */
    size_t max_bytes;
    long max_pixels;
    sd_image_saved_fn done;
    void *ctx;
    /* filled by the worker */
    sd_image_out_t out;
    char hash[40]; /* "a_" + 32 hex digits */
    char reason[96];
    char key[SD_IMAGE_KEY_MAX];
} save_t;

static void save_end(save_t *s, sd_err_t err)
{
    const char *reason = err && s->reason[0] ? s->reason : NULL;
    s->done(err, err || s->kind == SD_IMAGE_EMOJI ? NULL : s->hash, err ? 0 : s->out.animated, reason,
            s->ctx);
    free(s->out.bytes);
    free(s);
}

/* On a pool thread: the data URI decoded, checked and cleaned, and its hash. Touches nothing shared. */
static void save_work(uv_work_t *w)
{
    save_t *s = w->data;
    unsigned char *raw = NULL;
    size_t len = 0;
    sd_err_t err = sd_data_uri_decode(s->data_uri, s->max_bytes, &raw, &len);
    if (err == SD_ERR_TOO_LARGE) {
        snprintf(s->reason, sizeof s->reason, "File cannot be larger than %.1f kb.", s->max_bytes / 1024.0);
    } else if (err == SD_ERR_INVALID) {
        snprintf(s->reason, sizeof s->reason, "Invalid image data");
    } else if (!err) {
        err = sd_image_codec_clean(raw, len, s->max_pixels, &s->out);
        if (err && s->out.reason) snprintf(s->reason, sizeof s->reason, "%s", s->out.reason);
    }
    free(raw);
    if (!err) {
        unsigned char digest[16];
        crypto_generichash(digest, sizeof digest, (const unsigned char *)s->out.bytes, s->out.len, NULL, 0);
        char *h = s->hash;
        if (s->out.animated) h += sprintf(h, "a_");
        sodium_bin2hex(h, sizeof s->hash - (size_t)(h - s->hash), digest, sizeof digest);
    }
    s->out.err = err;
    sd_image_codec_thread_done();
}

static void on_stored(sd_err_t err, void *ctx)
{
    save_t *s = ctx;
    if (err && err != SD_ERR_CANCELLED) err = SD_ERR_UNAVAILABLE;
    save_end(s, err);
}

static void save_after(uv_work_t *w, int status)
{
    save_t *s = w->data;
    sd_err_t err = status ? SD_ERR_CANCELLED : s->out.err;
    if (!err)
        err = sd_image_repo_key(folder_of(s->kind), s->owner, s->kind == SD_IMAGE_EMOJI ? NULL : s->hash,
                                s->key, sizeof s->key);
    if (!err) {
        err = sd_image_repo_put(s->app, s->key, sd_image_codec_content_type(s->out.format), s->out.bytes,
                                s->out.len, on_stored, s);
        if (!err) return;
        if (err != SD_ERR_NOMEM) err = SD_ERR_UNAVAILABLE;
    }
    save_end(s, err);
}

sd_err_t sd_images_save(sd_app_t *app, sd_image_kind_t kind, const char *owner_id, const char *data_uri,
                        sd_image_saved_fn done, void *ctx)
{
    if (!folder_of(kind) || !owner_id || !*owner_id || strlen(owner_id) >= sizeof((save_t *)0)->owner ||
        !data_uri)
        return SD_ERR_INVALID;
    save_t *s = calloc(1, sizeof *s);
    if (!s) return SD_ERR_NOMEM;
    s->app = app;
    s->kind = kind;
    snprintf(s->owner, sizeof s->owner, "%s", owner_id);
    s->data_uri = data_uri;
    s->max_bytes = (size_t)(kind == SD_IMAGE_EMOJI ? app->cfg->emoji_max_bytes : app->cfg->image_max_bytes);
    s->max_pixels = app->cfg->image_max_pixels;
    s->done = done;
    s->ctx = ctx;
    s->work.data = s;
    if (uv_queue_work(app->loop, &s->work, save_work, save_after)) {
        free(s);
        return SD_ERR_INTERNAL;
    }
    return SD_OK;
}

/* ---- render ---- */

typedef struct {
    uv_work_t work;
    const void *original; /* borrowed until done runs */
    size_t len;
    int size;
    sd_image_format_t format;
    long max_pixels;
    sd_image_rendered_fn done;
    void *ctx;
    sd_image_out_t out;
} render_t;

static void render_work(uv_work_t *w)
{
    render_t *r = w->data;
    sd_image_codec_render(r->original, r->len, r->max_pixels, r->size, r->format, &r->out);
    sd_image_codec_thread_done();
}

static void render_after(uv_work_t *w, int status)
{
    render_t *r = w->data;
    sd_err_t err = status ? SD_ERR_CANCELLED : r->out.err;
    char *bytes = err ? NULL : r->out.bytes;
    if (err) free(r->out.bytes);
    r->done(err, bytes, err ? 0 : r->out.len, err ? NULL : sd_image_codec_content_type(r->out.format),
            r->ctx);
    free(r);
}

sd_err_t sd_images_render(sd_app_t *app, const void *original, size_t len, int size, const char *format,
                          sd_image_rendered_fn done, void *ctx)
{
    sd_image_format_t f = sd_image_codec_format_named(format);
    if (f == SD_IMAGE_FORMAT_NONE || size < 0 || size > 16384 || !original) return SD_ERR_INVALID;
    render_t *r = calloc(1, sizeof *r);
    if (!r) return SD_ERR_NOMEM;
    *r = (render_t){.original = original,
                    .len = len,
                    .size = size,
                    .format = f,
                    .max_pixels = app->cfg->image_max_pixels,
                    .done = done,
                    .ctx = ctx};
    r->work.data = r;
    if (uv_queue_work(app->loop, &r->work, render_work, render_after)) {
        free(r);
        return SD_ERR_INTERNAL;
    }
    return SD_OK;
}
