/* The default avatars (services/default_avatars.h), encoded with zlib as 8-bit RGBA PNGs. */
#include "services/default_avatars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const uint8_t colours[SD_DEFAULT_AVATARS][3] = {
    {0x58, 0x65, 0xf2}, /* blurple */
    {0x75, 0x7e, 0x8a}, /* grey */
    {0x3b, 0xa5, 0x5c}, /* green */
    {0xfa, 0xa6, 0x1a}, /* yellow */
    {0xed, 0x42, 0x45}, /* red */
    {0xeb, 0x45, 0x9f}, /* pink */
};

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Appends a chunk (length, type, data, CRC) at out; returns the bytes written. */
static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, size_t len)
{
    put32(out, (uint32_t)len);
    memcpy(out + 4, type, 4);
    if (len) memcpy(out + 8, data, len);
    uLong crc = crc32(0, out + 4, (uInt)(len + 4));
    put32(out + 8 + len, (uint32_t)crc);
    return len + 12;
}

/* Is (x, y) inside the circle of centre (cx, cy) and radius r (in pixels, squared compare)? */
static int inside(int x, int y, int cx, int cy, int r)
{
    int dx = x - cx, dy = y - cy;
    return dx * dx + dy * dy <= r * r;
}

/* One pixel of avatar n: the disc in its colour, two white eyes and a white smile, transparent outside. */
static void pixel(int n, int x, int y, unsigned char *px)
{
    const int s = SD_DEFAULT_AVATAR_SIZE, c = s / 2;
    memset(px, 0, 4);
    if (!inside(x, y, c, c, c - 1)) return;
    int white = inside(x, y, c - s / 7, c - s / 10, s / 16) || inside(x, y, c + s / 7, c - s / 10, s / 16) ||
                (inside(x, y, c, c + s / 12, s / 4) && !inside(x, y, c, c + s / 40, s / 4) && y > c + s / 12);
    if (white) {
        memset(px, 0xff, 4);
        return;
    }
    memcpy(px, colours[n], 3);
    px[3] = 0xff;
}

sd_err_t sd_default_avatar_png(int n, unsigned char **png, size_t *len)
{
    if (n < 0 || n >= SD_DEFAULT_AVATARS) return SD_ERR_INVALID;
    const int s = SD_DEFAULT_AVATAR_SIZE;
    size_t row = 1 + (size_t)s * 4, raw_len = row * (size_t)s;
    uLong zcap = compressBound((uLong)raw_len);
    unsigned char *raw = malloc(raw_len), *z = malloc(zcap), *out = NULL;
    sd_err_t err = SD_ERR_NOMEM;
    if (!raw || !z) goto out;
    for (int y = 0; y < s; y++) {
        unsigned char *r = raw + (size_t)y * row;
        r[0] = 0; /* filter: none */
        for (int x = 0; x < s; x++)
            pixel(n, x, y, r + 1 + (size_t)x * 4);
    }
    uLongf zlen = zcap;
    if (compress2(z, &zlen, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) goto out;
    out = malloc(8 + 25 + 12 + zlen + 12);
    if (!out) goto out;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13];
    put32(ihdr, (uint32_t)s);
    put32(ihdr + 4, (uint32_t)s);
    memcpy(ihdr + 8, "\x08\x06\x00\x00\x00", 5); /* 8-bit RGBA, deflate, no interlace */
    size_t at = 0;
    memcpy(out, sig, 8);
    at += 8;
    at += chunk(out + at, "IHDR", ihdr, sizeof ihdr);
    at += chunk(out + at, "IDAT", z, zlen);
    at += chunk(out + at, "IEND", NULL, 0);
    *png = out;
    *len = at;
    out = NULL;
    err = SD_OK;
out:
    free(out);
    free(z);
    free(raw);
    return err;
}
