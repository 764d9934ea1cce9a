/* What a file is, from its first bytes only: types, image and video sizes, text, and headers that lie. */
#include <criterion/criterion.h>
#include <string.h>

#include "services/attachment_sniff.h"

static sd_sniff_t sniff(const void *b, size_t n)
{
    sd_sniff_t s;
    sd_attachment_sniff(b, n, (int64_t)n, &s);
    return s;
}

Test(attachment_sniff, png_with_its_size)
{
    unsigned char b[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                           'I',  'H', 'D', 'R', 0,    0,    0,    64,   0, 0, 0, 48};
    sd_sniff_t s = sniff(b, sizeof b);
    cr_assert_str_eq(s.content_type, "image/png");
    cr_assert_eq(s.width, 64);
    cr_assert_eq(s.height, 48);
    /* cut before IHDR: still a PNG, size unknown */
    s = sniff(b, 10);
    cr_assert_str_eq(s.content_type, "image/png");
    cr_assert_eq(s.width, 0);
}

Test(attachment_sniff, gif_and_bmp)
{
    unsigned char gif[13] = {'G', 'I', 'F', '8', '9', 'a', 3, 1, 2, 0};
    sd_sniff_t s = sniff(gif, sizeof gif);
    cr_assert_str_eq(s.content_type, "image/gif");
    cr_assert_eq(s.width, 259);
    cr_assert_eq(s.height, 2);
    unsigned char bmp[54] = {'B', 'M'};
    bmp[14] = 40;
    bmp[18] = 10;
    memset(bmp + 22, 0xFF, 4); /* -1: top-down rows */
    bmp[22] = 0xF6;            /* -10 */
    s = sniff(bmp, sizeof bmp);
    cr_assert_str_eq(s.content_type, "image/bmp");
    cr_assert_eq(s.width, 10);
    cr_assert_eq(s.height, 10);
}

Test(attachment_sniff, jpeg_size_from_its_frame_header_after_other_segments)
{
    unsigned char b[64] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    size_t i = 4 + 16;
    unsigned char sof[] = {0xFF, 0xC2, 0, 17, 8, 0x01, 0x2C, 0x02, 0x58, 3};
    memcpy(b + i, sof, sizeof sof);
    sd_sniff_t s = sniff(b, sizeof b);
    cr_assert_str_eq(s.content_type, "image/jpeg");
    cr_assert_eq(s.width, 600);
    cr_assert_eq(s.height, 300);
    /* a segment length that runs past the sample is no crash, only no size */
    b[5] = 0xFF;
    s = sniff(b, sizeof b);
    cr_assert_str_eq(s.content_type, "image/jpeg");
    cr_assert_eq(s.width, 0);
}

Test(attachment_sniff, webp_lossy_lossless_and_extended)
{
    unsigned char b[32] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
    b[23] = 0x9D, b[24] = 0x01, b[25] = 0x2A, b[26] = 100, b[28] = 50;
    sd_sniff_t s = sniff(b, 30);
    cr_assert_str_eq(s.content_type, "image/webp");
    cr_assert_eq(s.width, 100);
    cr_assert_eq(s.height, 50);
    memcpy(b + 12, "VP8L", 4);
    b[20] = 0x2F;
    uint32_t bits = (16 - 1) | (uint32_t)(8 - 1) << 14;
    b[21] = bits & 0xFF, b[22] = bits >> 8 & 0xFF, b[23] = bits >> 16 & 0xFF, b[24] = bits >> 24 & 0xFF;
    s = sniff(b, 30);
    cr_assert_eq(s.width, 16);
    cr_assert_eq(s.height, 8);
    memcpy(b + 12, "VP8X", 4);
    memset(b + 24, 0, 6);
    b[24] = 199, b[27] = 99;
    s = sniff(b, 30);
    cr_assert_eq(s.width, 200);
    cr_assert_eq(s.height, 100);
}

Test(attachment_sniff, mp4_size_from_the_track_header)
{
    unsigned char b[256] = {0};
    size_t i = 0;
    unsigned char ftyp[] = {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 0};
    memcpy(b, ftyp, 16);
    i = 16;
    /* moov(8) > trak(8) > tkhd(8 + 84) */
    uint32_t tkhd = 8 + 84, trak = 8 + tkhd, moov = 8 + trak;
    unsigned char *p = b + i;
    p[3] = (unsigned char)moov, memcpy(p + 4, "moov", 4);
    p += 8;
    p[3] = (unsigned char)trak, memcpy(p + 4, "trak", 4);
    p += 8;
    p[3] = (unsigned char)tkhd, memcpy(p + 4, "tkhd", 4);
    p += 8;
    p[76] = 0x05, p[77] = 0x00; /* 1280 << 16 */
    p[80] = 0x02, p[81] = 0xD0; /* 720 << 16 */
    sd_sniff_t s = sniff(b, 16 + moov);
    cr_assert_str_eq(s.content_type, "video/mp4");
    cr_assert_eq(s.width, 1280);
    cr_assert_eq(s.height, 720);
    memcpy(b + 8, "qt  ", 4);
    cr_assert_str_eq(sniff(b, 16 + moov).content_type, "video/quicktime");
    /* a box claiming more than the file is walked within the sample only */
    b[16] = 0x7F;
    s = sniff(b, 16 + moov);
    cr_assert_eq(s.width, 1280);
}

Test(attachment_sniff, documents_archives_and_sound)
{
    cr_assert_str_eq(sniff("%PDF-1.7\n", 9).content_type, "application/pdf");
    cr_assert_str_eq(sniff("PK\x03\x04zzzz", 8).content_type, "application/zip");
    cr_assert_str_eq(sniff("\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm", 12).content_type, "video/webm");
    cr_assert_str_eq(sniff("ID3\x04\0\0\0\0", 8).content_type, "audio/mpeg");
    cr_assert_str_eq(sniff("\xff\xfb\x90\x64", 4).content_type, "audio/mpeg");
    cr_assert_str_eq(sniff("OggS\0\x02", 6).content_type, "audio/ogg");
    cr_assert_str_eq(sniff("RIFF\0\0\0\0WAVEfmt ", 16).content_type, "audio/wav");
}

Test(attachment_sniff, text_is_utf8_without_controls)
{
    cr_assert_str_eq(sniff("plain text\n", 11).content_type, "text/plain; charset=utf-8");
    cr_assert_str_eq(sniff("h\xc3\xa9llo \xe2\x82\xac", 10).content_type, "text/plain; charset=utf-8");
    cr_assert_str_eq(sniff("a\0b", 3).content_type, "application/octet-stream");
    cr_assert_str_eq(sniff("\xc3\x28", 2).content_type, "application/octet-stream");
    cr_assert_str_eq(sniff("\xed\xa0\x80", 3).content_type, "application/octet-stream"); /* a surrogate */
    cr_assert_str_eq(sniff("", 0).content_type, "application/octet-stream");
    /* a character cut by the end of the sample, not of the file */
    sd_sniff_t s;
    sd_attachment_sniff((const unsigned char *)"ab\xe2\x82", 4, 100, &s);
    cr_assert_str_eq(s.content_type, "text/plain; charset=utf-8");
    sd_attachment_sniff((const unsigned char *)"ab\xe2\x82", 4, 4, &s);
    cr_assert_str_eq(s.content_type, "application/octet-stream");
}

Test(attachment_sniff, a_lying_size_is_no_size)
{
    unsigned char b[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                           'I',  'H', 'D', 'R', 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1};
    sd_sniff_t s = sniff(b, sizeof b);
    cr_assert_str_eq(s.content_type, "image/png");
    cr_assert_eq(s.width, 0);
    cr_assert_eq(s.height, 0);
}
