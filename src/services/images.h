/*
 * images: pictures taken in and given out, with libvips, on the libuv thread pool (never on the loop).
 *
 * In: a data URI ("data:image/png;base64,...") for an avatar, banner, icon, splash, role icon or custom
 * emoji. The bytes must decode as PNG, JPEG, GIF or WebP (whatever the URI's type claims), within
 * IMAGE_MAX_BYTES (EMOJI_MAX_BYTES for emoji) and IMAGE_MAX_PIXELS (width x height x frames: decompression
 * bombs are refused before they are decoded); metadata (EXIF, XMP, ICC comments, GPS) is stripped; the result
 * is stored by its content hash under the kind's key (repositories/image_repo) and answered as Discord's
 * hash: 32 hex digits, "a_" in front for an animated GIF or WebP, which stays animated.
 *
 * Out: a variant of a stored original for the CDN: fit in size x size (never enlarged), in png, jpg, webp or
 * gif; an animated original stays animated as gif or webp, and gives its first frame as png or jpg.
 */
#ifndef SD_SERVICES_IMAGES_H
#define SD_SERVICES_IMAGES_H

#include <stddef.h>

#include "core/app.h"
#include "core/errors.h"

typedef enum {
    SD_IMAGE_AVATAR,    /* users/@me avatar, member avatars: avatars/{user_id}/{hash} */
    SD_IMAGE_BANNER,    /* user and guild banners: banners/{id}/{hash} */
    SD_IMAGE_ICON,      /* guild icon: icons/{guild_id}/{hash} */
    SD_IMAGE_SPLASH,    /* guild splash and discovery splash: splashes/{guild_id}/{hash} */
    SD_IMAGE_ROLE_ICON, /* role-icons/{role_id}/{hash} */
    SD_IMAGE_EMOJI,     /* emojis/{emoji_id} (owner is the emoji's id; no hash) */
} sd_image_kind_t;

/*
 * A save ended. SD_OK: hash (borrowed for the call; NULL for emoji) and animated. SD_ERR_INVALID: not an
 * image of an accepted format, or a bad data URI; SD_ERR_TOO_LARGE: over the byte or pixel limit (reason
 * names which); SD_ERR_UNAVAILABLE: the store failed. reason is a short sentence for Discord's error, or
 * NULL.
 */
typedef void (*sd_image_saved_fn)(sd_err_t err, const char *hash, int animated, const char *reason,
                                  void *ctx);

/* Checks, cleans and stores data_uri (borrowed until done runs) as kind for owner_id. SD_OK: done will run.
 */
sd_err_t sd_images_save(sd_app_t *app, sd_image_kind_t kind, const char *owner_id, const char *data_uri,
                        sd_image_saved_fn done, void *ctx);

/* A variant rendered: bytes are malloc'd, the callee's to free(); content_type is static ("image/png"...). */
typedef void (*sd_image_rendered_fn)(sd_err_t err, char *bytes, size_t len, const char *content_type,
                                     void *ctx);

/*
 * Renders original (len bytes, borrowed until done runs) fit in size x size in format ("png", "jpg"/"jpeg",
 * "webp", "gif"); size 0 keeps the original's size. SD_ERR_INVALID for an unknown format.
 */
sd_err_t sd_images_render(sd_app_t *app, const void *original, size_t len, int size, const char *format,
                          sd_image_rendered_fn done, void *ctx);

#endif
