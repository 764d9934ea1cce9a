#include "core/wscompress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* deflate: a 4 KiB window and a small hash (about 40 KiB a connection, against 256 KiB at zlib's defaults);
   gateway messages repeat themselves mostly within a few KiB (keys, ids, the same user objects). */
#define ZLIB_LEVEL 6
#define ZLIB_WINDOW_BITS 12
#define ZLIB_MEM_LEVEL 5
/* zstd: an 8 KiB window and small tables (about 100 KiB a connection: zstd keeps some 7 windows' worth of
   buffers, so the window is what costs); level 1, the fastest, as ten thousand sockets share an event. */
#define ZSTD_LEVEL 1
#define ZSTD_WINDOW_LOG 13
#define ZSTD_HASH_LOG 12
#define ZSTD_CHAIN_LOG 12

bool sd_wsc_kind_parse(const char *name, sd_wsc_kind_t *kind)
{
    if (!name) return false;
    if (!strcmp(name, "zlib-stream")) {
        *kind = SD_WSC_ZLIB_STREAM;
        return true;
    }
    if (!strcmp(name, "zstd-stream")) {
        *kind = SD_WSC_ZSTD_STREAM;
        return true;
    }
    return false;
}

const char *sd_wsc_kind_name(sd_wsc_kind_t kind)
{
    return kind == SD_WSC_ZLIB_STREAM ? "zlib-stream" : kind == SD_WSC_ZSTD_STREAM ? "zstd-stream" : "none";
}

struct sd_wsc {
    sd_wsc_kind_t kind;
    z_stream z;        /* zlib-stream */
    size_t zlib_bytes; /* what zlib has allocated, counted by its allocator below */
    ZSTD_CCtx *zstd;   /* zstd-stream */
};

/* zlib's allocator, counting: zlib reports no size of its own. Each block carries its size before it. */
static voidpf counted_alloc(voidpf opaque, uInt items, uInt size)
{
    sd_wsc_t *c = opaque;
    size_t n = (size_t)items * size;
    if (size && n / size != items) return Z_NULL;
    size_t *p = malloc(sizeof(size_t) + n);
    if (!p) return Z_NULL;
    *p = n;
    c->zlib_bytes += n;
    return p + 1;
}

static void counted_free(voidpf opaque, voidpf address)
{
    sd_wsc_t *c = opaque;
    if (!address) return;
    size_t *p = (size_t *)address - 1;
    c->zlib_bytes -= *p;
    free(p);
}

sd_wsc_t *sd_wsc_new(sd_wsc_kind_t kind)
{
    if (kind != SD_WSC_ZLIB_STREAM && kind != SD_WSC_ZSTD_STREAM) return NULL;
    sd_wsc_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->kind = kind;
    if (kind == SD_WSC_ZLIB_STREAM) {
        c->z.zalloc = counted_alloc;
        c->z.zfree = counted_free;
        c->z.opaque = c;
        if (deflateInit2(&c->z, ZLIB_LEVEL, Z_DEFLATED, ZLIB_WINDOW_BITS, ZLIB_MEM_LEVEL,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            goto fail;
        return c;
    }
    c->zstd = ZSTD_createCCtx();
    if (!c->zstd || ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_windowLog, ZSTD_WINDOW_LOG)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_hashLog, ZSTD_HASH_LOG)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_chainLog, ZSTD_CHAIN_LOG)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_checksumFlag, 0))) {
        ZSTD_freeCCtx(c->zstd);
        goto fail;
    }
    return c;
fail:
    free(c);
    return NULL;
}

void sd_wsc_free(sd_wsc_t *c)
{
    if (!c) return;
    if (c->kind == SD_WSC_ZLIB_STREAM) deflateEnd(&c->z);
    ZSTD_freeCCtx(c->zstd);
    free(c);
}

sd_wsc_kind_t sd_wsc_kind(const sd_wsc_t *c)
{
    return c ? c->kind : SD_WSC_NONE;
}

size_t sd_wsc_memory(const sd_wsc_t *c)
{
    if (!c) return 0;
    return sizeof *c + (c->kind == SD_WSC_ZLIB_STREAM ? c->zlib_bytes : ZSTD_sizeof_CCtx(c->zstd));
}

/* A growing output buffer: its room doubles when the compressor fills it. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
} out_t;

static bool out_room(out_t *o, size_t want)
{
    if (o->cap - o->len >= want) return true;
    size_t cap = o->cap ? o->cap : 64;
    while (cap - o->len < want)
        cap *= 2;
    unsigned char *grown = realloc(o->data, cap);
    if (!grown) return false;
    o->data = grown;
    o->cap = cap;
    return true;
}

/* Feeds in to z with flush (Z_NO_FLUSH, Z_SYNC_FLUSH or Z_FINISH), until zlib has written all it owes. */
static bool deflate_into(z_stream *z, const void *in, size_t len, int flush, out_t *o)
{
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)len;
    for (;;) {
        if (!out_room(o, len / 2 + 64)) return false;
        z->next_out = o->data + o->len;
        z->avail_out = (uInt)(o->cap - o->len);
        int rc = deflate(z, flush);
        o->len = o->cap - z->avail_out;
        if (rc == Z_STREAM_END) return true;
        if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
        /* Done once zlib took everything and left room unused (for Z_FINISH: only at Z_STREAM_END). */
        if (z->avail_in == 0 && z->avail_out > 0 && flush != Z_FINISH) return true;
    }
}

static bool zstd_into(ZSTD_CCtx *cctx, const void *in, size_t len, ZSTD_EndDirective end, out_t *o)
{
    ZSTD_inBuffer ib = {in, len, 0};
    for (;;) {
        if (!out_room(o, len / 2 + 64)) return false;
        ZSTD_outBuffer ob = {o->data, o->cap, o->len};
        size_t left = ZSTD_compressStream2(cctx, &ob, &ib, end);
        o->len = ob.pos;
        if (ZSTD_isError(left)) return false;
        if (end == ZSTD_e_continue ? ib.pos == ib.size : left == 0) return true;
    }
}

/* Checked before a length reaches zlib's 32-bit counters. */
static bool fits(size_t a_len, size_t b_len)
{
    return a_len <= UINT32_MAX / 2 && b_len <= UINT32_MAX / 2;
}

sd_err_t sd_wsc_message(sd_wsc_t *c, const void *a, size_t a_len, const void *b, size_t b_len,
                        unsigned char **out, size_t *out_len)
{
    out_t o = {0};
    bool ok;
    *out = NULL;
    *out_len = 0;
    if (c->kind == SD_WSC_ZLIB_STREAM) {
        ok = fits(a_len, b_len) && (!a_len || deflate_into(&c->z, a, a_len, Z_NO_FLUSH, &o)) &&
             deflate_into(&c->z, b_len ? b : "", b_len, Z_SYNC_FLUSH, &o);
    } else {
        ok = (!a_len || zstd_into(c->zstd, a, a_len, ZSTD_e_continue, &o)) &&
             zstd_into(c->zstd, b_len ? b : "", b_len, ZSTD_e_flush, &o);
    }
    if (!ok) {
        free(o.data);
        return SD_ERR_NOMEM;
    }
    *out = o.data;
    *out_len = o.len;
    return SD_OK;
}

sd_err_t sd_wsc_zlib_once(const void *a, size_t a_len, const void *b, size_t b_len, unsigned char **out,
                          size_t *out_len)
{
    z_stream z = {0};
    out_t o = {0};
    *out = NULL;
    *out_len = 0;
    if (!fits(a_len, b_len) || deflateInit(&z, ZLIB_LEVEL) != Z_OK) return SD_ERR_NOMEM;
    bool ok = (!a_len || deflate_into(&z, a, a_len, Z_NO_FLUSH, &o)) &&
              deflate_into(&z, b_len ? b : "", b_len, Z_FINISH, &o);
    deflateEnd(&z);
    if (!ok) {
        free(o.data);
        return SD_ERR_NOMEM;
    }
    *out = o.data;
    *out_len = o.len;
    return SD_OK;
}
