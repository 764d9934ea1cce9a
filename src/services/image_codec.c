#include "services/image_codec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <vips/vips.h>

#define REASON_INVALID "Invalid image data"
#define REASON_PIXELS "The image has too many pixels."

/* libvips' warnings are about the input ("chunk data is too large"): hostile input must not fill the log. */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)domain, (void)level, (void)message, (void)data;
}

sd_err_t sd_image_codec_init(const char *argv0, int threads)
{
    if (VIPS_INIT(argv0 ? argv0 : "simplediscord")) return SD_ERR_INTERNAL;
    g_log_set_handler("VIPS",
                      G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, quiet,
                      NULL);
    /* Hostile input may reach libvips: only the loaders of the formats taken in may run. */
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadPng", FALSE);
    vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
    vips_operation_block_set("VipsForeignLoadNsgif", FALSE);
    vips_operation_block_set("VipsForeignLoadGif", FALSE);
    vips_operation_block_set("VipsForeignLoadWebp", FALSE);
    /* Every image is loaded from a buffer once: a cache would only hold memory. */
    vips_cache_set_max(16);
    vips_cache_set_max_mem(16 * 1024 * 1024);
    vips_cache_set_max_files(0);
    vips_concurrency_set(threads < 1 ? 1 : threads);
    return SD_OK;
}

void sd_image_codec_shutdown(void)
{
    vips_shutdown();
}

void sd_image_codec_thread_done(void)
{
    vips_error_clear();
    vips_thread_shutdown();
}

sd_image_format_t sd_image_codec_sniff(const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return SD_IMAGE_FORMAT_PNG;
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return SD_IMAGE_FORMAT_JPEG;
    if (len >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0)) return SD_IMAGE_FORMAT_GIF;
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) return SD_IMAGE_FORMAT_WEBP;
    return SD_IMAGE_FORMAT_NONE;
}

sd_image_format_t sd_image_codec_format_named(const char *name)
{
    if (!name) return SD_IMAGE_FORMAT_NONE;
    if (!strcasecmp(name, "png")) return SD_IMAGE_FORMAT_PNG;
    if (!strcasecmp(name, "jpg") || !strcasecmp(name, "jpeg")) return SD_IMAGE_FORMAT_JPEG;
    if (!strcasecmp(name, "gif")) return SD_IMAGE_FORMAT_GIF;
    if (!strcasecmp(name, "webp")) return SD_IMAGE_FORMAT_WEBP;
    return SD_IMAGE_FORMAT_NONE;
}

const char *sd_image_codec_content_type(sd_image_format_t f)
{
    static const char *types[] = {NULL, "image/png", "image/jpeg", "image/gif", "image/webp"};
    return (unsigned)f < sizeof types / sizeof *types ? types[f] : NULL;
}

const char *sd_image_codec_extension(sd_image_format_t f)
{
    static const char *ext[] = {NULL, "png", "jpg", "gif", "webp"};
    return (unsigned)f < sizeof ext / sizeof *ext ? ext[f] : NULL;
}

/* Opens in lazily (only its header is read now) with the loader of format f; all frames when all is set. */
static VipsImage *open_image(const void *in, size_t len, sd_image_format_t f, int all, VipsAccess access)
{
    VipsImage *img = NULL;
    void *buf = (void *)in; /* libvips' loaders take a non-const pointer and only read */
    int rc = -1;
    switch (f) {
    case SD_IMAGE_FORMAT_PNG:
        rc = vips_pngload_buffer(buf, len, &img, "access", access, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case SD_IMAGE_FORMAT_JPEG:
        rc = vips_jpegload_buffer(buf, len, &img, "access", access, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case SD_IMAGE_FORMAT_GIF:
        rc = vips_gifload_buffer(buf, len, &img, "access", access, "fail_on", VIPS_FAIL_ON_TRUNCATED, "n",
                                 all ? -1 : 1, NULL);
        break;
    case SD_IMAGE_FORMAT_WEBP:
        rc = vips_webpload_buffer(buf, len, &img, "access", access, "fail_on", VIPS_FAIL_ON_TRUNCATED, "n",
                                  all ? -1 : 1, NULL);
        break;
    default:
        break;
    }
    return rc ? NULL : img;
}

static sd_err_t fail(sd_image_out_t *out, sd_err_t err, const char *reason)
{
    out->err = err;
    out->reason = reason;
    vips_error_clear();
    return err;
}

/* Reads in's header: its format, size and frames, within max_pixels. */
static sd_err_t probe(const void *in, size_t len, long max_pixels, sd_image_out_t *out)
{
    memset(out, 0, sizeof *out);
    out->format = sd_image_codec_sniff(in, len);
    if (out->format == SD_IMAGE_FORMAT_NONE) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    VipsImage *head = open_image(in, len, out->format, 0, VIPS_ACCESS_SEQUENTIAL);
    if (!head) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    out->width = vips_image_get_width(head);
    out->height = vips_image_get_height(head);
    out->frames = vips_image_get_n_pages(head);
    g_object_unref(head);
    if (out->frames < 1) out->frames = 1;
    if (out->width < 1 || out->height < 1) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    int64_t pixels = (int64_t)out->width * out->height;
    if (pixels > max_pixels || pixels * out->frames > max_pixels)
        return fail(out, SD_ERR_TOO_LARGE, REASON_PIXELS);
    return SD_OK;
}

/* Encodes img as f without metadata into out->bytes (malloc'd). */
static sd_err_t save(VipsImage *img, sd_image_format_t f, sd_image_out_t *out)
{
    void *buf = NULL;
    size_t len = 0;
    int rc = -1;
    switch (f) {
    case SD_IMAGE_FORMAT_PNG:
        rc = vips_pngsave_buffer(img, &buf, &len, "strip", TRUE, "compression", 6, NULL);
        break;
    case SD_IMAGE_FORMAT_JPEG:
        rc = vips_jpegsave_buffer(img, &buf, &len, "strip", TRUE, "Q", 90, NULL);
        break;
    case SD_IMAGE_FORMAT_GIF:
        rc = vips_gifsave_buffer(img, &buf, &len, "strip", TRUE, NULL);
        break;
    case SD_IMAGE_FORMAT_WEBP:
        rc = vips_webpsave_buffer(img, &buf, &len, "strip", TRUE, "Q", 90, NULL);
        break;
    default:
        break;
    }
    if (rc) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    /* g_malloc'd: handed over as malloc'd memory the callers free() */
    out->bytes = malloc(len ? len : 1);
    if (!out->bytes) {
        g_free(buf);
        return fail(out, SD_ERR_NOMEM, NULL);
    }
    memcpy(out->bytes, buf, len);
    g_free(buf);
    out->len = len;
    out->format = f;
    out->err = SD_OK;
    return SD_OK;
}

static int animated_format(sd_image_format_t f)
{
    return f == SD_IMAGE_FORMAT_GIF || f == SD_IMAGE_FORMAT_WEBP;
}

/* A JPEG whose EXIF says it is turned: turned upright, since its orientation tag is about to be stripped. */
static VipsImage *upright(VipsImage *img, const void *in, size_t len, sd_image_out_t *out)
{
    int orientation = 1;
    if (vips_image_get_typeof(img, VIPS_META_ORIENTATION) &&
        vips_image_get_int(img, VIPS_META_ORIENTATION, &orientation) == 0 && orientation > 1 &&
        orientation <= 8) {
        g_object_unref(img);
        VipsImage *random = open_image(in, len, out->format, 0, VIPS_ACCESS_RANDOM), *turned = NULL;
        if (!random) return NULL;
        int rc = vips_autorot(random, &turned, NULL);
        g_object_unref(random);
        return rc ? NULL : turned;
    }
    return img;
}

sd_err_t sd_image_codec_clean(const void *in, size_t len, long max_pixels, sd_image_out_t *out)
{
    sd_err_t err = probe(in, len, max_pixels, out);
    if (err) return err;
    int all = animated_format(out->format) && out->frames > 1;
    VipsImage *img = open_image(in, len, out->format, all, VIPS_ACCESS_SEQUENTIAL);
    if (img && out->format == SD_IMAGE_FORMAT_JPEG) img = upright(img, in, len, out);
    if (!img) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    int width = out->width, height = out->height, frames = out->frames;
    err = save(img, out->format, out);
    g_object_unref(img);
    out->animated = all;
    out->width = width;
    out->height = height;
    out->frames = all ? frames : 1;
    return err;
}

sd_err_t sd_image_codec_render(const void *in, size_t len, long max_pixels, int size, sd_image_format_t to,
                               sd_image_out_t *out)
{
    if (to == SD_IMAGE_FORMAT_NONE || size < 0) {
        memset(out, 0, sizeof *out);
        return fail(out, SD_ERR_INVALID, "Unknown image format.");
    }
    sd_err_t err = probe(in, len, max_pixels, out);
    if (err) return err;
    int all = animated_format(to) && animated_format(out->format) && out->frames > 1;
    VipsImage *img = NULL;
    if (size > 0 && (size < out->width || size < out->height)) {
        /* thumbnail shrinks while it decodes (JPEG's and WebP's shrink-on-load), and turns JPEGs upright */
        if (vips_thumbnail_buffer((void *)in, len, &img, size, "height", size, "size", VIPS_SIZE_DOWN,
                                  "option_string", all ? "n=-1" : "", NULL))
            img = NULL;
    } else {
        img = open_image(in, len, out->format, all, VIPS_ACCESS_SEQUENTIAL);
        if (img && out->format == SD_IMAGE_FORMAT_JPEG) img = upright(img, in, len, out);
    }
    if (!img) return fail(out, SD_ERR_INVALID, REASON_INVALID);
    int frames = all ? out->frames : 1;
    err = save(img, to, out);
    if (!err) {
        out->width = vips_image_get_width(img);
        out->height = vips_image_get_page_height(img);
        out->frames = frames;
        out->animated = all;
    }
    g_object_unref(img);
    return err;
}
