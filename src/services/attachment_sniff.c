#include "services/attachment_sniff.h"

#include <string.h>

/* Images and videos larger than this on a side are taken as lying headers: no dimensions are reported. */
#define MAX_SIDE 65535

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const unsigned char *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool has(const unsigned char *b, size_t n, size_t at, const char *magic)
{
    size_t len = strlen(magic);
    return n >= at + len && memcmp(b + at, magic, len) == 0;
}

static void set_size(sd_sniff_t *out, uint32_t w, uint32_t h)
{
    if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE) return;
    out->width = (int)w;
    out->height = (int)h;
}

static void image(sd_sniff_t *out, const char *type)
{
    out->content_type = type;
    out->image = true;
}

/* JPEG: the first start-of-frame marker (SOF0..SOF15 but DHT C4, JPG C8, DAC CC) gives height and width. */
static void jpeg_size(const unsigned char *b, size_t n, sd_sniff_t *out)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (b[i] != 0xFF) return;
        unsigned m = b[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* markers without a length */
            i += 2;
            continue;
        }
        uint32_t len = be16(b + i + 2);
        if (len < 2) return;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (i + 9 <= n) set_size(out, be16(b + i + 7), be16(b + i + 5));
            return;
        }
        if (m == 0xDA || m == 0xD9) return; /* the scan (or the end) before any frame header */
        i += 2 + len;
    }
}

static void webp_size(const unsigned char *b, size_t n, sd_sniff_t *out)
{
    if (has(b, n, 12, "VP8 ") && n >= 30 && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A)
        set_size(out, le16(b + 26) & 0x3FFF, le16(b + 28) & 0x3FFF);
    else if (has(b, n, 12, "VP8L") && n >= 25 && b[20] == 0x2F) {
        uint32_t bits = le32(b + 21);
        set_size(out, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    } else if (has(b, n, 12, "VP8X") && n >= 30)
        set_size(out, le24(b + 24) + 1, le24(b + 27) + 1);
}

/*
 * MP4 / QuickTime: boxes walked from the top (ftyp, moov, trak, tkhd); the first track header with a size is
 * the video's (audio tracks have none). Only what lies within the sample is seen: a moov at the file's end
 * leaves the size unknown.
 */
static bool mp4_walk(const unsigned char *b, size_t n, size_t from, size_t to, int depth, sd_sniff_t *out)
{
    size_t i = from;
    while (depth < 4 && i + 8 <= to && i + 8 <= n) {
        uint64_t size = be32(b + i);
        size_t head = 8;
        if (size == 1) {
            if (i + 16 > n) return false;
            size = (uint64_t)be32(b + i + 8) << 32 | be32(b + i + 12);
            head = 16;
        } else if (size == 0) {
            size = to - i;
        }
        if (size < head) return false;
        size_t end = size > to - i ? to : i + (size_t)size;
        const unsigned char *type = b + i + 4;
        if (!memcmp(type, "moov", 4) || !memcmp(type, "trak", 4)) {
            if (mp4_walk(b, n, i + head, end, depth + 1, out)) return true;
        } else if (!memcmp(type, "tkhd", 4)) {
            size_t at = i + head + (b[i + head] == 1 ? 88 : 76);
            if (i + head < n && at + 8 <= n && at + 8 <= end) {
                set_size(out, be32(b + at) >> 16, be32(b + at + 4) >> 16);
                if (out->width) return true;
            }
        }
        i = end;
    }
    return false;
}

/* Valid UTF-8 without control characters but tab, line feed, form feed and carriage return. */
static bool is_text(const unsigned char *b, size_t n, bool cut)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = b[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) return false;
            i++;
            continue;
        }
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (!len || c > 0xF4) return false;
        if (i + len > n) return cut; /* a character cut by the sample's end */
        for (size_t k = 1; k < len; k++)
            if ((b[i + k] & 0xC0) != 0x80) return false;
        uint32_t cp = len == 2   ? (c & 0x1F) << 6 | (b[i + 1] & 0x3F)
                      : len == 3 ? (c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F)
                                 : (c & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 |
                                       (b[i + 3] & 0x3F);
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += len;
    }
    return true;
}

/* An MPEG audio frame header: sync, a version, a layer, a bitrate and a rate that are not reserved. */
static bool mp3_frame(const unsigned char *b, size_t n)
{
    return n >= 4 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x18) != 0x08 && (b[1] & 0x06) != 0 &&
           (b[2] & 0xF0) != 0xF0 && (b[2] & 0x0C) != 0x0C;
}

static bool sniff_image(const unsigned char *b, size_t n, sd_sniff_t *out)
{
    if (has(b, n, 0, "\x89PNG\r\n\x1a\n")) {
        image(out, "image/png");
        if (has(b, n, 12, "IHDR") && n >= 24) set_size(out, be32(b + 16), be32(b + 20));
    } else if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        image(out, "image/jpeg");
        jpeg_size(b, n, out);
    } else if (has(b, n, 0, "GIF87a") || has(b, n, 0, "GIF89a")) {
        image(out, "image/gif");
        if (n >= 10) set_size(out, le16(b + 6), le16(b + 8));
    } else if (has(b, n, 0, "RIFF") && has(b, n, 8, "WEBP")) {
        image(out, "image/webp");
        webp_size(b, n, out);
    } else if (has(b, n, 0, "BM") && n >= 26 && le32(b + 14) >= 12) {
        image(out, "image/bmp");
        int32_t h = (int32_t)le32(b + 22);
        if (le32(b + 14) == 12) /* OS/2 BITMAPCOREHEADER: 16-bit sides */
            set_size(out, le16(b + 18), le16(b + 20));
        else
            set_size(out, le32(b + 18), h < 0 ? (uint32_t) - (int64_t)h : (uint32_t)h);
    } else {
        return false;
    }
    return true;
}

static bool sniff_media(const unsigned char *b, size_t n, sd_sniff_t *out)
{
    if (has(b, n, 4, "ftyp")) {
        out->content_type = has(b, n, 8, "qt  ") ? "video/quicktime" : "video/mp4";
        out->video = true;
        mp4_walk(b, n, 0, n, 0, out);
    } else if (has(b, n, 0, "\x1a\x45\xdf\xa3")) {
        /* the DocType element names WebM or Matroska near the start */
        bool webm = false;
        for (size_t i = 0; !webm && i < 60 && i + 4 <= n; i++)
            webm = !memcmp(b + i, "webm", 4);
        out->content_type = webm ? "video/webm" : "video/x-matroska";
        out->video = true;
    } else if (has(b, n, 0, "ID3") || mp3_frame(b, n)) {
        out->content_type = "audio/mpeg";
    } else if (has(b, n, 0, "OggS")) {
        out->content_type = "audio/ogg";
    } else if (has(b, n, 0, "RIFF") && has(b, n, 8, "WAVE")) {
        out->content_type = "audio/wav";
    } else {
        return false;
    }
    return true;
}

void sd_attachment_sniff(const unsigned char *b, size_t n, int64_t total, sd_sniff_t *out)
{
    *out = (sd_sniff_t){.content_type = "application/octet-stream"};
    if (sniff_image(b, n, out) || sniff_media(b, n, out)) return;
    if (has(b, n, 0, "%PDF-"))
        out->content_type = "application/pdf";
    else if (has(b, n, 0, "PK\x03\x04") || has(b, n, 0, "PK\x05\x06"))
        out->content_type = "application/zip";
    else if (n > 0 && is_text(b, n, (int64_t)n < total))
        out->content_type = "text/plain; charset=utf-8";
}
