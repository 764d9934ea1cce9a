/*
 * attachment_sniff: what a file is, judged from its first bytes alone (the client's claimed type is never
 * looked at): its media type (PNG, JPEG, GIF, WebP, BMP, PDF, ZIP, MP4 / QuickTime, WebM / Matroska, MP3,
 * Ogg, WAV, UTF-8 text, else application/octet-stream) and, for images and simple MP4s, its width and height
 * read from the headers (PNG IHDR, GIF screen, JPEG SOF, WebP VP8 / VP8L / VP8X, BMP, MP4 tkhd). Every read
 * is bounded by the bytes given; nothing is decoded.
 */
#ifndef SD_SERVICES_ATTACHMENT_SNIFF_H
#define SD_SERVICES_ATTACHMENT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How many first bytes a caller should hand in: enough for a JPEG's SOF after its EXIF block. */
#define SD_SNIFF_BYTES 65536

typedef struct {
    const char *content_type; /* static string */
    int width, height;        /* 0 when unknown or not an image / video */
    bool image, video;
} sd_sniff_t;

/*
 * Sniffs the first n bytes of a file of total bytes (n <= total; n < total means the sample is cut short, so
 * a text's last character may be cut in half).
 */
void sd_attachment_sniff(const unsigned char *b, size_t n, int64_t total, sd_sniff_t *out);

#endif
