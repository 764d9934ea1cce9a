/*
 * cdn_images: the images the CDN serves (avatars, banners, icons, splashes, role icons, emoji), each a
 * variant at the size and format asked: read from the store when it was made before
 * (variants/{original key}/{size}.{ext}), otherwise rendered from the original (services/images, libvips)
 * and kept there for next time. Originals are under the store's keys: avatars/{user_id}/{hash},
 * banners/{id}/{hash}, icons/{guild_id}/{hash}, splashes/{guild_id}/{hash}, role-icons/{role_id}/{hash},
 * emojis/{emoji_id}.
 */
#ifndef SD_SERVICES_CDN_IMAGES_H
#define SD_SERVICES_CDN_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/app.h"
#include "core/arena.h"
#include "core/errors.h"
#include "services/images.h"

/* A variant's size: 16..4096, a power of two (0: the original's). */
#define SD_CDN_SIZE_MIN 16
#define SD_CDN_SIZE_MAX 4096

/* The original's key of an image in arena a: hash NULL for emoji (owner_id is the emoji's id). NULL when
   owner_id is no snowflake or hash is not 32 hex digits with an optional "a_". */
const char *sd_cdn_images_key(sd_arena_t *a, sd_image_kind_t kind, const char *owner_id, const char *hash);
/* Whether size (0 or SD_CDN_SIZE_MIN..SD_CDN_SIZE_MAX, a power of two) and format ("png", "jpg", "jpeg",
   "webp", "gif") are served. */
bool sd_cdn_images_variant_ok(int size, const char *format);
/* The variant's strong ETag (quoted) into out: stored images never change under their key, so it is known
   before anything is read. */
void sd_cdn_images_etag(const char *key, int size, const char *format, char out[48]);
/* The Content-Type of a format ("image/png"...). */
const char *sd_cdn_images_type(const char *format);

/* A variant ready: bytes borrowed for the call. err: SD_OK; SD_ERR_NOT_FOUND (no such image);
   SD_ERR_UNAVAILABLE / SD_ERR_BUSY (the store); SD_ERR_INVALID (the original does not render). */
typedef void (*sd_cdn_images_fn)(sd_err_t err, const char *bytes, size_t len, const char *content_type,
                                 void *ctx);
/* The variant of the image at key (from sd_cdn_images_key) at size in format (both checked with
   sd_cdn_images_variant_ok). SD_OK: done will run once. */
sd_err_t sd_cdn_images_get(sd_app_t *app, const char *key, int size, const char *format,
                           sd_cdn_images_fn done, void *ctx);

#endif
