/*
 * A stand-in for services/images until the libvips module is built: it checks a data URI (base64, the byte
 * limits, a PNG, JPEG, GIF or WebP signature) and says whether a GIF is animated, but stores nothing and
 * renders nothing. It compiles to nothing once services/images.c exists, and goes when that module lands.
 */
#if !__has_include("services/images.c")
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/images.h"

static int animated_gif(const unsigned char *b, size_t n)
{
    int frames = 0;
    for (size_t i = 0; i + 2 < n; i++)
        if (b[i] == 0x21 && b[i + 1] == 0xf9 && b[i + 2] == 0x04) frames++;
    return frames > 1;
}

sd_err_t sd_images_save(sd_app_t *app, sd_image_kind_t kind, const char *owner_id, const char *data_uri,
                        sd_image_saved_fn done, void *ctx)
{
    (void)owner_id;
    const char *b64 = data_uri && !strncmp(data_uri, "data:", 5) ? strstr(data_uri, ";base64,") : NULL;
    if (!b64) return SD_ERR_INVALID;
    b64 += 8;
    size_t cap = strlen(b64) / 4 * 3 + 3, n = 0;
    long max = kind == SD_IMAGE_EMOJI ? app->cfg->emoji_max_bytes : app->cfg->image_max_bytes;
    unsigned char *bytes = malloc(cap);
    if (!bytes) return SD_ERR_NOMEM;
    if (sodium_base642bin(bytes, cap, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL)) {
        free(bytes);
        done(SD_ERR_INVALID, NULL, 0, "Invalid image data", ctx);
        return SD_OK;
    }
    if ((long)n > max) {
        free(bytes);
        done(SD_ERR_TOO_LARGE, NULL, 0, NULL, ctx);
        return SD_OK;
    }
    bool png = n > 8 && !memcmp(bytes, "\x89PNG", 4), jpg = n > 3 && !memcmp(bytes, "\xff\xd8\xff", 3),
         gif = n > 6 && !memcmp(bytes, "GIF8", 4), webp = n > 12 && !memcmp(bytes + 8, "WEBP", 4);
    int animated = gif && animated_gif(bytes, n);
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, bytes, n, NULL, 0);
    free(bytes);
    if (!png && !jpg && !gif && !webp) {
        done(SD_ERR_INVALID, NULL, 0, "Invalid image data", ctx);
        return SD_OK;
    }
    char hash[40];
    size_t k = animated ? (size_t)snprintf(hash, sizeof hash, "a_") : 0;
    sodium_bin2hex(hash + k, sizeof hash - k, digest, sizeof digest);
    done(SD_OK, kind == SD_IMAGE_EMOJI ? NULL : hash, animated, NULL, ctx);
    return SD_OK;
}

sd_err_t sd_images_render(sd_app_t *app, const void *original, size_t len, int size, const char *format,
                          sd_image_rendered_fn done, void *ctx)
{
    (void)app;
    (void)original;
    (void)len;
    (void)size;
    (void)format;
    (void)done;
    (void)ctx;
    return SD_ERR_UNAVAILABLE;
}

#endif
