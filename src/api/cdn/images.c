/* The CDN's stored images (api/cdn/cdn.h): avatars, banners, icons, splashes, role icons, emoji. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cdn/cdn.h"
#include "api/v1/deps.h"
#include "core/static_files.h"
#include "services/cdn_images.h"

static void on_image(sd_err_t err, const char *bytes, size_t len, const char *content_type, void *ctx)
{
    sd_request_t *req = ctx;
    if (err) {
        /* an original that does not render is as good as missing */
        sd_deps_fail(req, err == SD_ERR_INVALID ? SD_ERR_NOT_FOUND : err);
        return;
    }
    char *etag = req->user;
    sd_cdn_image_headers(req, etag);
    sd_http_respond(req, 200, content_type, bytes, len);
}

/* Serves {name}.{ext} of kind: name is the hash under the owner in path parameter owner (the emoji's id for
   emoji). */
static void serve_image(sd_request_t *req, sd_app_t *app, sd_image_kind_t kind, const char *owner)
{
    sd_http_add_header(req, "X-Content-Type-Options", "nosniff");
    const char *file = sd_request_param(req, "file");
    const char *dot = file ? strrchr(file, '.') : NULL;
    if (!dot || dot == file) {
        sd_deps_fail(req, SD_ERR_NOT_FOUND);
        return;
    }
    const char *name = sd_arena_strndup(req->arena, file, (size_t)(dot - file));
    const char *format = dot + 1;
    const char *key = NULL;
    if (name)
        key = kind == SD_IMAGE_EMOJI
                  ? sd_cdn_images_key(req->arena, kind, name, NULL)
                  : sd_cdn_images_key(req->arena, kind, sd_request_param(req, owner), name);
    if (!key) {
        sd_deps_fail(req, SD_ERR_NOT_FOUND);
        return;
    }
    int size = sd_cdn_size_param(req);
    if (size < 0) {
        sd_cdn_invalid(req, "Invalid size");
        return;
    }
    if (!sd_cdn_images_variant_ok(size, format)) {
        sd_cdn_invalid(req, "Invalid format");
        return;
    }
    char *etag = sd_arena_alloc(req->arena, 48);
    if (!etag) {
        sd_deps_fail(req, SD_ERR_NOMEM);
        return;
    }
    sd_cdn_images_etag(key, size, format, etag);
    const char *inm = sd_request_header(req, "If-None-Match");
    if (inm && sd_static_etag_matches(inm, etag)) {
        sd_cdn_image_headers(req, etag);
        sd_http_respond(req, 304, "", NULL, 0);
        return;
    }
    req->user = etag;
    sd_err_t err = sd_cdn_images_get(app, key, size, format, on_image, req);
    if (err) sd_deps_fail(req, err);
}

void sd_cdn_get_avatar(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_AVATAR, "user_id");
}

void sd_cdn_get_banner(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_BANNER, "owner_id");
}

void sd_cdn_get_icon(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_ICON, "guild_id");
}

void sd_cdn_get_splash(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_SPLASH, "guild_id");
}

void sd_cdn_get_role_icon(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_ROLE_ICON, "role_id");
}

void sd_cdn_get_emoji(sd_request_t *req, void *app)
{
    serve_image(req, app, SD_IMAGE_EMOJI, NULL);
}
