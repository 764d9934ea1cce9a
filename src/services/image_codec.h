/*
 * image_codec: the libvips work behind services/images, synchronous and safe to run on any thread (the
 * images module runs it on the libuv thread pool). Input is hostile: its format is sniffed from its first
 * bytes (PNG, JPEG, GIF, WebP and nothing else: every other loader of libvips is blocked), its size in
 * pixels is checked from its header before a pixel is decoded (width x height x frames), and what comes out
 * is re-encoded without metadata.
 */
#ifndef SD_SERVICES_IMAGE_CODEC_H
#define SD_SERVICES_IMAGE_CODEC_H

#include <stddef.h>

#include "core/errors.h"

typedef enum {
    SD_IMAGE_FORMAT_NONE = 0,
    SD_IMAGE_FORMAT_PNG,
    SD_IMAGE_FORMAT_JPEG,
    SD_IMAGE_FORMAT_GIF,
    SD_IMAGE_FORMAT_WEBP,
} sd_image_format_t;

/* What a clean or render made. bytes is malloc'd (the caller's to free()) when err is SD_OK. */
typedef struct {
    sd_err_t err;       /* SD_OK; SD_ERR_INVALID (not an accepted image); SD_ERR_TOO_LARGE (pixels) */
    const char *reason; /* static: a short sentence for the client, or NULL */
    char *bytes;
    size_t len;
    sd_image_format_t format;
    int animated; /* more than one frame kept */
    int width, height, frames;
} sd_image_out_t;

/*
 * Starts libvips once for the process (main): only the four loaders above, a small operation cache, at most
 * `threads` worker threads per operation. Returns SD_OK or SD_ERR_INTERNAL.
 */
sd_err_t sd_image_codec_init(const char *argv0, int threads);
/* Stops libvips (end of main). */
void sd_image_codec_shutdown(void);
/* Frees what a thread's libvips calls kept; for threads libvips did not start, after their work. */
void sd_image_codec_thread_done(void);

/* The format the bytes start with, or SD_IMAGE_FORMAT_NONE. */
sd_image_format_t sd_image_codec_sniff(const void *bytes, size_t len);
/* "png", "jpg"/"jpeg", "webp", "gif" (any case) as a format, or SD_IMAGE_FORMAT_NONE. */
sd_image_format_t sd_image_codec_format_named(const char *name);
/* A static MIME type ("image/png") and file extension ("png"); NULL for SD_IMAGE_FORMAT_NONE. */
const char *sd_image_codec_content_type(sd_image_format_t f);
const char *sd_image_codec_extension(sd_image_format_t f);

/*
 * Checks in (len bytes, borrowed) and re-encodes it in its own format without metadata, animation kept for
 * GIF and WebP, a JPEG turned upright by its EXIF orientation first. Fills *out; returns out->err.
 */
sd_err_t sd_image_codec_clean(const void *in, size_t len, long max_pixels, sd_image_out_t *out);

/*
 * Renders in fit in size x size (never enlarged; 0: as it is) as format to; an animated input stays animated
 * as GIF or WebP and gives its first frame as PNG or JPEG. Fills *out; returns out->err.
 */
sd_err_t sd_image_codec_render(const void *in, size_t len, long max_pixels, int size, sd_image_format_t to,
                               sd_image_out_t *out);

#endif
