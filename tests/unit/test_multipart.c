#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/multipart.h"

/* What the callbacks saw, as text: "name|filename|type|off|size|data;" per part. */
typedef struct {
    char log[4096];
    size_t len;
    char data[2048];
    size_t dlen;
    int64_t next_off; /* data runs must be contiguous */
    bool gap;
} seen_t;

static sd_err_t on_part(const sd_mp_part_t *p, void *ctx)
{
    seen_t *s = ctx;
    s->dlen = 0;
    s->next_off = p->data_off;
    return SD_OK;
}

static sd_err_t on_data(const sd_mp_part_t *p, const char *d, size_t n, int64_t off, void *ctx)
{
    seen_t *s = ctx;
    if (off != s->next_off) s->gap = true;
    s->next_off = off + (int64_t)n;
    cr_assert_lt(s->dlen + n, sizeof s->data);
    memcpy(s->data + s->dlen, d, n);
    s->dlen += n;
    return SD_OK;
}

static sd_err_t on_end(const sd_mp_part_t *p, int64_t size, void *ctx)
{
    seen_t *s = ctx;
    cr_assert_eq((size_t)size, s->dlen);
    s->len += (size_t)snprintf(s->log + s->len, sizeof s->log - s->len, "%s|%s|%s|%lld|%lld|%.*s;", p->name,
                               p->filename ? p->filename : "-", p->content_type ? p->content_type : "-",
                               (long long)p->data_off, (long long)size, (int)s->dlen, s->data);
    return SD_OK;
}

static const sd_mp_callbacks_t cbs = {on_part, on_data, on_end};

/* Parses body[0..n) fed in windows of step bytes (0: whole); the result of feed+finish, log in *s. */
static sd_err_t parse(const char *ctype, const char *body, size_t n, size_t step, seen_t *s, int max_parts)
{
    memset(s, 0, sizeof *s);
    sd_mp_limits_t lim = {.max_parts = max_parts, .max_header_bytes = 512};
    sd_mp_t *m = sd_mp_new(ctype, &lim, &cbs, s);
    cr_assert_not_null(m);
    sd_err_t e = SD_OK;
    for (size_t i = 0; i < n && !e; i += step ? step : n)
        e = sd_mp_feed(m, body + i, (step && n - i > step) ? step : n - i);
    if (!e) e = sd_mp_finish(m);
    cr_assert_eq(s->gap, false);
    sd_mp_free(m);
    return e;
}

#define CT "multipart/form-data; boundary=XyZ"

static const char two_parts[] = "--XyZ\r\n"
                                "Content-Disposition: form-data; name=\"payload_json\"\r\n"
                                "Content-Type: application/json\r\n\r\n"
                                "{\"content\":\"hi\"}\r\n"
                                "--XyZ\r\n"
                                "content-disposition: form-data; name=\"files[0]\"; filename=\"a;b.png\"\r\n"
                                "\r\n"
                                "\r\n--Xy\r\n--XyY\r\r\n\r\n"
                                "\r\n--XyZ--\r\n";

Test(multipart, boundaries_from_content_types)
{
    char b[SD_MP_MAX_BOUNDARY + 1];
    cr_assert(sd_mp_boundary("multipart/form-data; boundary=abc", b, sizeof b));
    cr_assert_str_eq(b, "abc");
    cr_assert(sd_mp_boundary("Multipart/Form-Data ; charset=utf-8; boundary=\"a b:c\"", b, sizeof b));
    cr_assert_str_eq(b, "a b:c");
    cr_assert_not(sd_mp_boundary("multipart/form-data", b, sizeof b));
    cr_assert_not(sd_mp_boundary("multipart/form-data; boundary=", b, sizeof b));
    cr_assert_not(sd_mp_boundary("multipart/form-data; boundary=\"abc", b, sizeof b));
    cr_assert_not(sd_mp_boundary("multipart/mixed; boundary=abc", b, sizeof b));
    cr_assert_not(sd_mp_boundary("multipart/form-datax; boundary=abc", b, sizeof b));
    cr_assert_not(sd_mp_boundary("multipart/form-data; boundary=a\"b", b, sizeof b));
    char longb[128];
    snprintf(longb, sizeof longb, "multipart/form-data; boundary=%071d", 0);
    cr_assert_not(sd_mp_boundary(longb, b, sizeof b));
    snprintf(longb, sizeof longb, "multipart/form-data; boundary=%070d", 0);
    cr_assert(sd_mp_boundary(longb, b, sizeof b));
    cr_assert_null(sd_mp_new("application/json", NULL, &cbs, NULL));
}

Test(multipart, parts_with_their_offsets)
{
    seen_t s;
    cr_assert_eq(parse(CT, two_parts, sizeof two_parts - 1, 0, &s, 0), SD_OK);
    const char *data = strstr(two_parts, "{\"content");
    char want[1024];
    snprintf(want, sizeof want,
             "payload_json|-|application/json|%d|16|{\"content\":\"hi\"};"
             "files[0]|a;b.png|-|%d|18|\r\n--Xy\r\n--XyY\r\r\n\r\n;",
             (int)(data - two_parts), (int)(strstr(two_parts, "\r\n\r\n\r\n--Xy") + 4 - two_parts));
    cr_assert_str_eq(s.log, want);
}

Test(multipart, every_split_gives_the_same_parts)
{
    seen_t whole, s;
    cr_assert_eq(parse(CT, two_parts, sizeof two_parts - 1, 0, &whole, 0), SD_OK);
    for (size_t step = 1; step < sizeof two_parts; step++) {
        cr_assert_eq(parse(CT, two_parts, sizeof two_parts - 1, step, &s, 0), SD_OK, "step %zu", step);
        cr_assert_str_eq(s.log, whole.log, "step %zu", step);
    }
    /* and split in two at every byte */
    for (size_t cut = 0; cut < sizeof two_parts - 1; cut++) {
        memset(&s, 0, sizeof s);
        sd_mp_t *m = sd_mp_new(CT, NULL, &cbs, &s);
        cr_assert_eq(sd_mp_feed(m, two_parts, cut), SD_OK);
        cr_assert_eq(sd_mp_feed(m, two_parts + cut, sizeof two_parts - 1 - cut), SD_OK);
        cr_assert_eq(sd_mp_finish(m), SD_OK);
        sd_mp_free(m);
        cr_assert_str_eq(s.log, whole.log, "cut %zu", cut);
    }
}

Test(multipart, preamble_epilogue_padding_and_filename_star)
{
    static const char body[] = "ignored preamble\r\n--XyZ  \t\r\n"
                               "Content-Disposition: form-data; name=f; filename=\"x.txt\"; "
                               "filename*=UTF-8''%E2%9C%93%20ok.txt\r\n\r\n"
                               "\r\n--XyZ--junk after";
    seen_t s;
    cr_assert_eq(parse(CT, body, sizeof body - 1, 0, &s, 0), SD_OK);
    cr_assert(strstr(s.log, "f|\xE2\x9C\x93 ok.txt|-|"), "%s", s.log);
    cr_assert(strstr(s.log, "|0|;"), "%s", s.log);
}

Test(multipart, malformed_bodies_are_refused)
{
    static const char *bad[] = {
        "",                                                                    /* nothing */
        "no delimiter at all",                                                 /* no delimiter */
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc",          /* no closing delimiter */
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc\r\n--XyZ", /* ends after a delimiter */
        "--XyZ\r\n\r\nabc\r\n--XyZ--",                                         /* no headers */
        "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; filename=a\r\n\r\n\r\n--XyZ--", /* no name */
        "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a; filename*=latin1''x\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''%00\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nno colon here\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\n\r\n--XyZ--",
        "--XyZgarbage\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZ--",
        "--XyZ-x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        for (size_t step = 0; step < 4; step++) {
            seen_t s;
            cr_assert_eq(parse(CT, bad[i], strlen(bad[i]), step, &s, 0), SD_ERR_INVALID, "body %zu", i);
        }
    }
}

Test(multipart, bounds_on_parts_and_headers)
{
    char body[8192];
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "--XyZ\r\nContent-Disposition: form-data; name=p%d\r\n\r\nv\r\n", i);
    n += (size_t)snprintf(body + n, sizeof body - n, "--XyZ--");
    seen_t s;
    cr_assert_eq(parse(CT, body, n, 0, &s, 5), SD_OK);
    cr_assert_eq(parse(CT, body, n, 0, &s, 4), SD_ERR_INVALID);
    n = (size_t)snprintf(
        body, sizeof body,
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Long: %0600d\r\n\r\n\r\n--XyZ--", 0);
    cr_assert_eq(parse(CT, body, n, 7, &s, 0), SD_ERR_INVALID);
}

Test(multipart, callbacks_may_be_absent)
{
    sd_mp_callbacks_t none = {0};
    sd_mp_t *m = sd_mp_new(CT, NULL, &none, NULL);
    cr_assert_eq(sd_mp_feed(m, two_parts, sizeof two_parts - 1), SD_OK);
    cr_assert_eq(sd_mp_finish(m), SD_OK);
    sd_mp_free(m);
}

static sd_err_t refuse(const sd_mp_part_t *p, void *ctx)
{
    return strcmp(p->name, "files[0]") ? SD_OK : SD_ERR_TOO_LARGE;
}

Test(multipart, callbacks_can_refuse_a_part)
{
    sd_mp_callbacks_t c = {.on_part = refuse};
    sd_mp_t *m = sd_mp_new(CT, NULL, &c, NULL);
    cr_assert_eq(sd_mp_feed(m, two_parts, sizeof two_parts - 1), SD_ERR_TOO_LARGE);
    cr_assert_eq(sd_mp_feed(m, "x", 1), SD_ERR_INVALID);
    sd_mp_free(m);
}
