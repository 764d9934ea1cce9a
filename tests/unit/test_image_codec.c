/* The libvips side of images: formats sniffed from bytes, bombs refused from the header, metadata stripped,
   animation kept, renders fit and never enlarged. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include <zlib.h>

#include "services/image_codec.h"

static void setup(void)
{
    cr_assert_eq(sd_image_codec_init("unit_tests", 1), SD_OK);
}

TestSuite(image_codec, .init = setup);

/* A w x h RGB image of frames frames (stacked) encoded by libvips as suffix (".png", ".gif"...). */
static void *make(int w, int h, int frames, const char *suffix, size_t *len)
{
    /* a vertical gradient, so that no two frames are alike (encoders merge equal frames) */
    VipsImage *xyz = NULL, *y = NULL, *u8 = NULL;
    cr_assert_eq(vips_xyz(&xyz, w, h * frames, NULL), 0);
    cr_assert_eq(vips_extract_band(xyz, &y, 1, NULL), 0);
    g_object_unref(xyz);
    cr_assert_eq(vips_cast_uchar(y, &u8, NULL), 0);
    g_object_unref(y);
    if (frames > 1) vips_image_set_int(u8, "page-height", h);
    void *buf = NULL;
    cr_assert_eq(vips_image_write_to_buffer(u8, suffix, &buf, len, NULL), 0);
    g_object_unref(u8);
    return buf;
}

static void chunk(unsigned char **p, const char *kind, const void *data, uint32_t n)
{
    unsigned char *q = *p;
    q[0] = n >> 24, q[1] = n >> 16, q[2] = n >> 8, q[3] = n;
    memcpy(q + 4, kind, 4);
    memcpy(q + 8, data, n);
    uLong crc = crc32(crc32(0, (const Bytef *)kind, 4), data, n);
    q[8 + n] = crc >> 24, q[9 + n] = crc >> 16, q[10 + n] = crc >> 8, q[11 + n] = crc;
    *p = q + 12 + n;
}

/* A w x h PNG by hand, as a client's would be, with a tEXt chunk (metadata to strip). */
static void *make_png(int w, int h, size_t *len)
{
    size_t raw_len = (size_t)(1 + 3 * w) * h;
    unsigned char *raw = calloc(1, raw_len);
    uLongf zlen = compressBound(raw_len);
    unsigned char *z = malloc(zlen), *png = malloc(zlen + 200), *p = png;
    cr_assert(raw && z && png);
    for (size_t i = 0; i < raw_len; i++)
        raw[i] = i % (size_t)(1 + 3 * w) ? (unsigned char)(i * 7) : 0;
    cr_assert_eq(compress(z, &zlen, raw, raw_len), Z_OK);
    memcpy(p, "\x89PNG\r\n\x1a\n", 8);
    p += 8;
    unsigned char ihdr[13] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 2, 0, 0, 0};
    chunk(&p, "IHDR", ihdr, sizeof ihdr);
    chunk(&p, "tEXt", "Comment\0secret location", 23);
    chunk(&p, "IDAT", z, (uint32_t)zlen);
    chunk(&p, "IEND", "", 0);
    *len = (size_t)(p - png);
    free(raw);
    free(z);
    return png;
}

Test(image_codec, formats_are_sniffed_from_the_bytes)
{
    cr_assert_eq(sd_image_codec_sniff("\x89PNG\r\n\x1a\n....", 12), SD_IMAGE_FORMAT_PNG);
    cr_assert_eq(sd_image_codec_sniff("\xff\xd8\xff\xe0", 4), SD_IMAGE_FORMAT_JPEG);
    cr_assert_eq(sd_image_codec_sniff("GIF89a", 6), SD_IMAGE_FORMAT_GIF);
    cr_assert_eq(sd_image_codec_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), SD_IMAGE_FORMAT_WEBP);
    cr_assert_eq(sd_image_codec_sniff("<svg xmlns=", 11), SD_IMAGE_FORMAT_NONE);
    cr_assert_eq(sd_image_codec_sniff("GIF8", 4), SD_IMAGE_FORMAT_NONE);
    cr_assert_eq(sd_image_codec_format_named("JPEG"), SD_IMAGE_FORMAT_JPEG);
    cr_assert_eq(sd_image_codec_format_named("tiff"), SD_IMAGE_FORMAT_NONE);
    cr_assert_str_eq(sd_image_codec_content_type(SD_IMAGE_FORMAT_WEBP), "image/webp");
}

Test(image_codec, a_png_is_cleaned_of_its_metadata)
{
    size_t len = 0;
    void *png = make_png(40, 30, &len);
    cr_assert_not_null(memmem(png, len, "secret location", 15), "the fixture carries a comment");
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean(png, len, 1000000, &out), SD_OK);
    cr_assert_eq(out.format, SD_IMAGE_FORMAT_PNG);
    cr_assert_eq(out.width, 40);
    cr_assert_eq(out.height, 30);
    cr_assert_not(out.animated);
    cr_assert_eq(sd_image_codec_sniff(out.bytes, out.len), SD_IMAGE_FORMAT_PNG);
    cr_assert_null(memmem(out.bytes, out.len, "secret location", 15));
    free(out.bytes);
    free(png);
}

Test(image_codec, an_animated_gif_stays_animated)
{
    size_t len = 0;
    void *gif = make(16, 16, 3, ".gif", &len);
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean(gif, len, 1000000, &out), SD_OK);
    cr_assert_eq(out.format, SD_IMAGE_FORMAT_GIF);
    cr_assert(out.animated);
    cr_assert_eq(out.frames, 3);
    sd_image_out_t r;
    cr_assert_eq(sd_image_codec_render(out.bytes, out.len, 1000000, 8, SD_IMAGE_FORMAT_GIF, &r), SD_OK);
    cr_assert(r.animated);
    cr_assert_eq(r.width, 8);
    cr_assert_eq(r.height, 8);
    free(r.bytes);
    cr_assert_eq(sd_image_codec_render(out.bytes, out.len, 1000000, 8, SD_IMAGE_FORMAT_PNG, &r), SD_OK);
    cr_assert_not(r.animated);
    cr_assert_eq(r.height, 8);
    cr_assert_eq(sd_image_codec_sniff(r.bytes, r.len), SD_IMAGE_FORMAT_PNG);
    free(r.bytes);
    free(out.bytes);
    g_free(gif);
}

Test(image_codec, frames_count_against_the_pixel_limit)
{
    size_t len = 0;
    void *gif = make(10, 10, 3, ".gif", &len);
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean(gif, len, 299, &out), SD_ERR_TOO_LARGE);
    cr_assert_eq(sd_image_codec_clean(gif, len, 300, &out), SD_OK);
    free(out.bytes);
    g_free(gif);
}

Test(image_codec, a_bomb_is_refused_from_its_header)
{
    unsigned char bomb[256], *p = bomb;
    memcpy(p, "\x89PNG\r\n\x1a\n", 8);
    p += 8;
    unsigned char ihdr[13] = {0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0}; /* 30000 x 30000 RGB */
    chunk(&p, "IHDR", ihdr, sizeof ihdr);
    unsigned char idat[64];
    uLongf n = sizeof idat;
    unsigned char row[7] = {0};
    cr_assert_eq(compress(idat, &n, row, sizeof row), Z_OK);
    chunk(&p, "IDAT", idat, (uint32_t)n);
    chunk(&p, "IEND", "", 0);
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean(bomb, (size_t)(p - bomb), 40000000, &out), SD_ERR_TOO_LARGE);
    cr_assert_not_null(out.reason);
    cr_assert_null(out.bytes);
    cr_assert_eq(sd_image_codec_render(bomb, (size_t)(p - bomb), 40000000, 64, SD_IMAGE_FORMAT_PNG, &out),
                 SD_ERR_TOO_LARGE);
}

Test(image_codec, what_is_not_an_image_is_refused)
{
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean("hello world, not an image", 25, 1000, &out), SD_ERR_INVALID);
    cr_assert_eq(sd_image_codec_clean("\x89PNG\r\n\x1a\n garbage after", 23, 1000, &out), SD_ERR_INVALID);
    size_t len = 0;
    void *png = make(20, 20, 1, ".png", &len);
    cr_assert_eq(sd_image_codec_clean(png, len / 2, 1000000, &out), SD_ERR_INVALID, "truncated");
    g_free(png);
    /* an SVG would be rendered by a loader that is blocked, and is not sniffed as an image anyway */
    cr_assert_eq(sd_image_codec_clean("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41, 1000, &out),
                 SD_ERR_INVALID);
}

Test(image_codec, renders_fit_and_never_enlarge)
{
    size_t len = 0;
    void *png = make(64, 32, 1, ".png", &len);
    sd_image_out_t r;
    cr_assert_eq(sd_image_codec_render(png, len, 1000000, 16, SD_IMAGE_FORMAT_JPEG, &r), SD_OK);
    cr_assert_eq(sd_image_codec_sniff(r.bytes, r.len), SD_IMAGE_FORMAT_JPEG);
    cr_assert_eq(r.width, 16);
    cr_assert_eq(r.height, 8);
    free(r.bytes);
    cr_assert_eq(sd_image_codec_render(png, len, 1000000, 1024, SD_IMAGE_FORMAT_WEBP, &r), SD_OK);
    cr_assert_eq(r.width, 64);
    cr_assert_eq(r.height, 32);
    cr_assert_eq(sd_image_codec_sniff(r.bytes, r.len), SD_IMAGE_FORMAT_WEBP);
    free(r.bytes);
    cr_assert_eq(sd_image_codec_render(png, len, 1000000, 0, SD_IMAGE_FORMAT_PNG, &r), SD_OK);
    cr_assert_eq(r.width, 64);
    free(r.bytes);
    cr_assert_eq(sd_image_codec_render(png, len, 1000000, 16, SD_IMAGE_FORMAT_NONE, &r), SD_ERR_INVALID);
    g_free(png);
}

Test(image_codec, jpeg_and_webp_are_taken_animated_webp_stays_animated)
{
    const char *suffix[] = {".jpg", ".webp"};
    const sd_image_format_t format[] = {SD_IMAGE_FORMAT_JPEG, SD_IMAGE_FORMAT_WEBP};
    for (int i = 0; i < 2; i++) {
        size_t len = 0;
        void *in = make(24, 12, 1, suffix[i], &len);
        sd_image_out_t out;
        cr_assert_eq(sd_image_codec_clean(in, len, 1000000, &out), SD_OK, "%s", suffix[i]);
        cr_assert_eq(out.format, format[i]);
        cr_assert_eq(out.width, 24);
        cr_assert_not(out.animated);
        free(out.bytes);
        g_free(in);
    }
    size_t len = 0;
    void *webp = make(16, 16, 2, ".webp", &len);
    sd_image_out_t out;
    cr_assert_eq(sd_image_codec_clean(webp, len, 1000000, &out), SD_OK);
    cr_assert(out.animated, "frames %d height %d len %zu", out.frames, out.height, len);
    cr_assert_eq(out.frames, 2);
    free(out.bytes);
    g_free(webp);
}
