#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/wscompress.h"

/* A gateway-like message: the same keys and ids again and again, with a counter that changes. */
static size_t sample(char *out, size_t cap, int i)
{
    return (size_t)snprintf(out, cap,
                            ",\"t\":\"MESSAGE_CREATE\",\"d\":{\"id\":\"15775389286116%05d\",\"channel_id\":"
                            "\"1577538928611688449\",\"author\":{\"id\":\"1577538928611688001\",\"username\":"
                            "\"member_%d\"},\"content\":\"hello number %d\",\"mentions\":[]}}",
                            i, i % 7, i);
}

/* Inflates one message of a zlib-stream with the connection's one inflater; returns the text's length. */
static size_t inflate_message(z_stream *z, const unsigned char *in, size_t len, char *out, size_t cap)
{
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)len;
    z->next_out = (Bytef *)out;
    z->avail_out = (uInt)cap;
    int rc = inflate(z, Z_SYNC_FLUSH);
    cr_assert(rc == Z_OK || rc == Z_BUF_ERROR, "inflate: %d", rc);
    cr_assert_eq(z->avail_in, 0u);
    return cap - z->avail_out;
}

static size_t zstd_message(ZSTD_DCtx *d, const unsigned char *in, size_t len, char *out, size_t cap)
{
    ZSTD_inBuffer ib = {in, len, 0};
    ZSTD_outBuffer ob = {out, cap, 0};
    while (ib.pos < ib.size) {
        size_t rc = ZSTD_decompressStream(d, &ob, &ib);
        cr_assert(!ZSTD_isError(rc), "zstd: %s", ZSTD_getErrorName(rc));
    }
    return ob.pos;
}

Test(wscompress, kinds_parse_and_name)
{
    sd_wsc_kind_t k = SD_WSC_NONE;
    cr_assert(sd_wsc_kind_parse("zlib-stream", &k) && k == SD_WSC_ZLIB_STREAM);
    cr_assert(sd_wsc_kind_parse("zstd-stream", &k) && k == SD_WSC_ZSTD_STREAM);
    cr_assert_not(sd_wsc_kind_parse("zlib", &k));
    cr_assert_not(sd_wsc_kind_parse("", &k));
    cr_assert_not(sd_wsc_kind_parse(NULL, &k));
    cr_assert_str_eq(sd_wsc_kind_name(SD_WSC_ZSTD_STREAM), "zstd-stream");
    cr_assert_null(sd_wsc_new(SD_WSC_NONE));
}

Test(wscompress, zlib_stream_round_trips_each_message_with_the_sync_flush_suffix)
{
    sd_wsc_t *c = sd_wsc_new(SD_WSC_ZLIB_STREAM);
    cr_assert_not_null(c);
    z_stream z = {0};
    cr_assert_eq(inflateInit(&z), Z_OK); /* a default (15-bit) inflater, as clients use */
    size_t plain = 0, packed_total = 0;
    for (int i = 0; i < 200; i++) {
        char prefix[32], body[512], got[1024];
        size_t pl = (size_t)snprintf(prefix, sizeof prefix, "{\"op\":0,\"s\":%d", i + 1);
        size_t bl = sample(body, sizeof body, i);
        unsigned char *packed;
        size_t len;
        cr_assert_eq(sd_wsc_message(c, prefix, pl, body, bl, &packed, &len), SD_OK);
        cr_assert_geq(len, 4u);
        cr_assert_eq(memcmp(packed + len - 4, "\x00\x00\xff\xff", 4), 0);
        size_t n = inflate_message(&z, packed, len, got, sizeof got);
        cr_assert_eq(n, pl + bl);
        cr_assert_eq(memcmp(got, prefix, pl), 0);
        cr_assert_eq(memcmp(got + pl, body, bl), 0);
        plain += pl + bl;
        packed_total += len;
        free(packed);
    }
    /* One stream: each message leans on the ones before it. */
    cr_assert_lt(packed_total * 4, plain, "%zu of %zu", packed_total, plain);
    inflateEnd(&z);
    sd_wsc_free(c);
}

Test(wscompress, zstd_stream_round_trips_each_message_flushed)
{
    sd_wsc_t *c = sd_wsc_new(SD_WSC_ZSTD_STREAM);
    cr_assert_not_null(c);
    ZSTD_DCtx *d = ZSTD_createDCtx(); /* a default decoder */
    size_t plain = 0, packed_total = 0;
    for (int i = 0; i < 200; i++) {
        char body[512], got[1024];
        size_t bl = sample(body, sizeof body, i);
        unsigned char *packed;
        size_t len;
        cr_assert_eq(sd_wsc_message(c, NULL, 0, body, bl, &packed, &len), SD_OK);
        size_t n = zstd_message(d, packed, len, got, sizeof got);
        cr_assert_eq(n, bl, "message %d: %zu of %zu", i, n, bl);
        cr_assert_eq(memcmp(got, body, bl), 0);
        plain += bl;
        packed_total += len;
        free(packed);
    }
    cr_assert_lt(packed_total * 4, plain, "%zu of %zu", packed_total, plain);
    ZSTD_freeDCtx(d);
    sd_wsc_free(c);
}

Test(wscompress, big_and_empty_messages_round_trip)
{
    size_t big_len = 3u << 20;
    char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)("abcdefgh"[i % 8] ^ (char)((i * 2654435761u) >> 28));
    char *got = malloc(big_len);
    sd_wsc_t *zc = sd_wsc_new(SD_WSC_ZLIB_STREAM), *sc = sd_wsc_new(SD_WSC_ZSTD_STREAM);
    z_stream z = {0};
    inflateInit(&z);
    ZSTD_DCtx *d = ZSTD_createDCtx();
    for (int round = 0; round < 2; round++) {
        size_t len = round ? 0 : big_len;
        unsigned char *packed;
        size_t n;
        cr_assert_eq(sd_wsc_message(zc, NULL, 0, big, len, &packed, &n), SD_OK);
        if (len)
            cr_assert(n >= 4 && memcmp(packed + n - 4, "\x00\x00\xff\xff", 4) == 0);
        else /* after a flush, nothing new: zlib writes no second marker */
            cr_assert_eq(n, 0u);
        cr_assert_eq(inflate_message(&z, packed, n, got, big_len), len);
        cr_assert_eq(memcmp(got, big, len), 0);
        free(packed);
        cr_assert_eq(sd_wsc_message(sc, NULL, 0, big, len, &packed, &n), SD_OK);
        cr_assert_eq(zstd_message(d, packed, n, got, big_len), len);
        cr_assert_eq(memcmp(got, big, len), 0);
        free(packed);
    }
    ZSTD_freeDCtx(d);
    inflateEnd(&z);
    sd_wsc_free(zc);
    sd_wsc_free(sc);
    free(got);
    free(big);
}

Test(wscompress, zlib_once_is_one_complete_stream)
{
    char body[512];
    size_t bl = sample(body, sizeof body, 3);
    unsigned char *packed;
    size_t len;
    cr_assert_eq(sd_wsc_zlib_once("{\"op\":0,\"s\":1", 13, body, bl, &packed, &len), SD_OK);
    char got[1024];
    uLongf n = sizeof got;
    cr_assert_eq(uncompress((Bytef *)got, &n, packed, len), Z_OK); /* Z_STREAM_END reached, checksum good */
    cr_assert_eq(n, 13 + bl);
    cr_assert_eq(memcmp(got + 13, body, bl), 0);
    free(packed);
}

/* What ten thousand compressed sockets cost: bounded well below the libraries' defaults. */
Test(wscompress, memory_per_connection_is_bounded)
{
    char body[512];
    size_t bl = sample(body, sizeof body, 1);
    for (sd_wsc_kind_t k = SD_WSC_ZLIB_STREAM; k <= SD_WSC_ZSTD_STREAM; k++) {
        sd_wsc_t *c = sd_wsc_new(k);
        for (int i = 0; i < 50; i++) {
            unsigned char *packed;
            size_t len;
            cr_assert_eq(sd_wsc_message(c, NULL, 0, body, bl, &packed, &len), SD_OK);
            free(packed);
        }
        size_t bytes = sd_wsc_memory(c);
        cr_log_info("%s: %zu bytes a connection\n", sd_wsc_kind_name(k), bytes);
        cr_assert_gt(bytes, 1000u); /* counted, not zero */
        cr_assert_lt(bytes, k == SD_WSC_ZLIB_STREAM ? 64u * 1024 : 160u * 1024, "%zu", bytes);
        sd_wsc_free(c);
    }
}
