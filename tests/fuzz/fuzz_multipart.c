/* libFuzzer: core/multipart on arbitrary bodies. The first byte picks a window size; the body is parsed whole
   and in windows of that size, and both runs must agree (parts, offsets, sizes, the outcome); every data run
   must be the input's own bytes at the offset it claims, and the runs of a part contiguous. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/multipart.h"

typedef struct {
    const uint8_t *input;
    size_t len;
    uint64_t hash; /* of everything the callbacks saw */
    int64_t next;  /* where the current part's next run must start */
} run_t;

static void mix(run_t *r, uint64_t v)
{
    r->hash = (r->hash ^ v) * 0x100000001b3ull;
}

static sd_err_t on_part(const sd_mp_part_t *p, void *ctx)
{
    run_t *r = ctx;
    if (p->data_off < 0 || (size_t)p->data_off > r->len) abort();
    r->next = p->data_off;
    mix(r, (uint64_t)p->data_off);
    for (const char *s = p->name; *s; s++)
        mix(r, (uint8_t)*s);
    for (const char *s = p->filename ? p->filename : ""; *s; s++)
        mix(r, (uint8_t)*s);
    mix(r, p->filename ? 1 : 2);
    mix(r, p->content_type ? strlen(p->content_type) : 99);
    return SD_OK;
}

static sd_err_t on_data(const sd_mp_part_t *p, const char *d, size_t n, int64_t off, void *ctx)
{
    run_t *r = ctx;
    if (off != r->next || off < 0 || (size_t)off + n > r->len || memcmp(r->input + off, d, n)) abort();
    r->next = off + (int64_t)n;
    return SD_OK;
}

static sd_err_t on_end(const sd_mp_part_t *p, int64_t size, void *ctx)
{
    run_t *r = ctx;
    if (r->next != p->data_off + size) abort();
    mix(r, (uint64_t)size);
    return SD_OK;
}

static const sd_mp_callbacks_t cbs = {on_part, on_data, on_end};

static sd_err_t parse(const uint8_t *body, size_t n, size_t step, run_t *r)
{
    *r = (run_t){.input = body, .len = n, .hash = 14695981039346656037ull};
    sd_mp_limits_t lim = {.max_parts = 16, .max_header_bytes = 1024};
    sd_mp_t *m = sd_mp_new("multipart/form-data; boundary=\"XyZ-1\"", &lim, &cbs, r);
    if (!m) abort();
    sd_err_t e = SD_OK;
    for (size_t i = 0; i < n && !e; i += step)
        e = sd_mp_feed(m, (const char *)body + i, n - i < step ? n - i : step);
    if (!e) e = sd_mp_finish(m);
    sd_mp_free(m);
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    run_t whole, windows;
    sd_err_t a = parse(data + 1, size - 1, size, &whole);
    sd_err_t b = parse(data + 1, size - 1, step, &windows);
    if (a != b || (a == SD_OK && whole.hash != windows.hash)) abort();
    char boundary[SD_MP_MAX_BOUNDARY + 1];
    char ctype[128];
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%.*s", (int)(size < 90 ? size - 1 : 89),
             (const char *)data + 1);
    if (memchr(data + 1, '\0', size - 1) == NULL) sd_mp_boundary(ctype, boundary, sizeof boundary);
    return 0;
}
