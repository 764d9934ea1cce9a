#include "services/unfurl_page.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schemas/embed_schema.h"

/* Bytes of one meta value read (more than any limit needs once decoded). */
#define SPAN_MAX 8192

typedef struct {
    const char *s;
    size_t n;
} span_t;

/* ---- links of a message ---- */

static bool starts_ci(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && !strncasecmp(p, lit, n);
}

/* The end of the link [p, q) without the punctuation around it (a ")" only when it closes nothing inside). */
static const char *link_end(const char *p, const char *q)
{
    while (q > p) {
        char c = q[-1];
        if (c == ')') {
            int open = 0, close = 0;
            for (const char *x = p; x < q; x++)
                open += *x == '(', close += *x == ')';
            if (close <= open) break;
        } else if (!strchr(".,:;!?\"'*_~|]}", c)) {
            break;
        }
        q--;
    }
    return q;
}

json_t *sd_unfurl_links(const char *content, size_t max)
{
    json_t *out = json_array();
    const char *end = content + strlen(content);
    for (const char *p = content; *p && json_array_size(out) < max; p++) {
        if (p > content && isalnum((unsigned char)p[-1])) continue;
        if (!starts_ci(p, end, "http://") && !starts_ci(p, end, "https://")) continue;
        const char *q = p;
        while (*q && !isspace((unsigned char)*q) && *q != '<' && *q != '>' && *q != '"' &&
               (unsigned char)*q >= 0x20 && *q != 0x7f)
            q++;
        const char *stop = q;
        q = link_end(p, q);
        bool quiet = p > content && p[-1] == '<' && *stop == '>'; /* <https://...>: no preview */
        char *link = strndup(p, (size_t)(q - p));
        if (link && !quiet && sd_embed_url_valid(link, false)) {
            bool seen = false;
            size_t i;
            json_t *v;
            json_array_foreach(out, i, v) seen = seen || !strcmp(json_string_value(v), link);
            if (!seen) json_array_append_new(out, json_string(link));
        }
        free(link);
        p = stop - 1; /* past the link */
    }
    return out;
}

/* ---- text of a page ---- */

static void put_utf8(char **w, uint32_t c)
{
    unsigned char *o = (unsigned char *)*w;
    if (c < 0x80) {
        *o++ = (unsigned char)c;
    } else if (c < 0x800) {
        *o++ = (unsigned char)(0xC0 | c >> 6);
        *o++ = (unsigned char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (unsigned char)(0xE0 | c >> 12);
        *o++ = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | c >> 18);
        *o++ = (unsigned char)(0x80 | (c >> 12 & 0x3F));
        *o++ = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    *w = (char *)o;
}

/* An entity at p (after its '&'): its code point and length, or 0. */
static size_t entity(const char *p, const char *end, uint32_t *c)
{
    static const struct {
        const char *name;
        uint32_t c;
    } named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (starts_ci(p, end, named[i].name)) {
            *c = named[i].c;
            return strlen(named[i].name);
        }
    if (p >= end || *p != '#') return 0;
    const char *q = p + 1;
    bool hex = q < end && (*q == 'x' || *q == 'X');
    q += hex;
    uint32_t v = 0;
    size_t digits = 0;
    while (q < end && digits < 8 && (hex ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q))) {
        v = v * (hex ? 16 : 10) +
            (uint32_t)(isdigit((unsigned char)*q) ? *q - '0' : (tolower(*q) - 'a' + 10));
        q++, digits++;
    }
    if (!digits || q >= end || *q != ';') return 0;
    *c = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? 0xFFFD : v;
    return (size_t)(q + 1 - p);
}

/* The length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    if (p[0] < 0x80) return 1;
    size_t n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    if (!n || (size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))) return 0;
    if (n == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))) return 0;
    return n;
}

/*
 * The text of a span: entities decoded, whitespace collapsed and trimmed, invalid UTF-8 replaced, at most max
 * code points. A new string, or NULL when empty.
 */
static char *text_of(span_t s, size_t max)
{
    size_t n = s.n < SPAN_MAX ? s.n : SPAN_MAX;
    char *tmp = malloc(n * 4 + 8), *out = malloc(n * 3 + 8);
    if (!tmp || !out) goto fail;
    char *w = tmp;
    const char *end = s.s + n;
    for (const char *p = s.s; p < end; p++) {
        uint32_t c;
        size_t k;
        if (*p == '&' && (k = entity(p + 1, end, &c))) {
            put_utf8(&w, c);
            p += k;
        } else {
            *w++ = *p;
        }
    }
    const unsigned char *r = (const unsigned char *)tmp, *rend = (const unsigned char *)w;
    char *o = out;
    size_t points = 0;
    bool space = true; /* drops leading whitespace */
    while (r < rend && points < max) {
        if (isspace(*r) || *r < 0x20 || *r == 0x7f) {
            if (!space) *o++ = ' ', points++;
            space = true;
            r++;
            continue;
        }
        size_t k = utf8_seq(r, rend);
        if (k) {
            memcpy(o, r, k);
            o += k, r += k;
        } else {
            put_utf8(&o, 0xFFFD);
            r++;
        }
        points++;
        space = false;
    }
    while (o > out && o[-1] == ' ')
        o--;
    *o = '\0';
    free(tmp);
    if (o == out) goto fail_out;
    return out;
fail:
    free(tmp);
fail_out:
    free(out);
    return NULL;
}

/* ---- the HTML scanner ---- */

enum {
    OG_TITLE,
    OG_DESCRIPTION,
    OG_SITE,
    OG_IMAGE,
    OG_IMAGE_WIDTH,
    OG_IMAGE_HEIGHT,
    OG_TYPE,
    TW_TITLE,
    TW_DESCRIPTION,
    TW_IMAGE,
    TW_CARD,
    DESCRIPTION,
    THEME,
    TITLE,
    N_KEYS
};

static int key_of(span_t k)
{
    static const struct {
        const char *name;
        int key;
    } keys[] = {{"og:title", OG_TITLE},
                {"og:description", OG_DESCRIPTION},
                {"og:site_name", OG_SITE},
                {"og:image", OG_IMAGE},
                {"og:image:url", OG_IMAGE},
                {"og:image:secure_url", OG_IMAGE},
                {"og:image:width", OG_IMAGE_WIDTH},
                {"og:image:height", OG_IMAGE_HEIGHT},
                {"og:type", OG_TYPE},
                {"twitter:title", TW_TITLE},
                {"twitter:description", TW_DESCRIPTION},
                {"twitter:image", TW_IMAGE},
                {"twitter:image:src", TW_IMAGE},
                {"twitter:card", TW_CARD},
                {"description", DESCRIPTION},
                {"theme-color", THEME}};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strlen(keys[i].name) == k.n && !strncasecmp(keys[i].name, k.s, k.n)) return keys[i].key;
    return -1;
}

/* The first case-insensitive occurrence of lit in [p, end), or end. */
static const char *find_ci(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    for (; (size_t)(end - p) >= n; p++)
        if (tolower((unsigned char)*p) == lit[0] && !strncasecmp(p, lit, n)) return p;
    return end;
}

static bool tag_is(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    return starts_ci(p, end, name) &&
           (p + n == end || isspace((unsigned char)p[n]) || p[n] == '>' || p[n] == '/');
}

/* The attributes of a tag from p to its '>': property/name/itemprop and content. Returns past the '>'. */
static const char *read_meta(const char *p, const char *end, span_t *key, span_t *value)
{
    while (p < end && *p != '>') {
        while (p < end && (isspace((unsigned char)*p) || *p == '/'))
            p++;
        const char *name = p;
        while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
        span_t n = {name, (size_t)(p - name)}, v = {NULL, 0};
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p < end && *p == '=') {
            p++;
            while (p < end && isspace((unsigned char)*p))
                p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                v.s = p;
                while (p < end && *p != q)
                    p++;
                v.n = (size_t)(p - v.s);
                if (p < end) p++;
            } else {
                v.s = p;
                while (p < end && !isspace((unsigned char)*p) && *p != '>')
                    p++;
                v.n = (size_t)(p - v.s);
            }
        }
        if (!n.n && p < end && *p != '>') p++; /* a stray character */
        if ((n.n == 8 && !strncasecmp(n.s, "property", 8)) || (n.n == 4 && !strncasecmp(n.s, "name", 4)) ||
            (n.n == 8 && !strncasecmp(n.s, "itemprop", 8))) {
            if (v.s && !key->s) *key = v;
        } else if (n.n == 7 && !strncasecmp(n.s, "content", 7) && v.s) {
            *value = v;
        }
    }
    return p < end ? p + 1 : end;
}

static void scan(const char *body, size_t len, span_t *found)
{
    const char *p = body, *end = body + len;
    while (p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
        const char *t = p + 1;
        if (starts_ci(t, end, "!--")) {
            const char *close = find_ci(t + 3, end, "-->");
            p = close == end ? end : close + 3;
        } else if (tag_is(t, end, "script") || tag_is(t, end, "style")) {
            const char *close = find_ci(t, end, tag_is(t, end, "script") ? "</script" : "</style");
            p = close == end ? end : close + 2;
        } else if (tag_is(t, end, "meta")) {
            span_t key = {0}, value = {0};
            p = read_meta(t + 4, end, &key, &value);
            int k = key.s ? key_of(key) : -1;
            if (k >= 0 && !found[k].s && value.s) found[k] = value;
        } else if (tag_is(t, end, "title") && !found[TITLE].s) {
            const char *open = memchr(t, '>', (size_t)(end - t));
            if (!open) return;
            const char *close = find_ci(open + 1, end, "</title");
            found[TITLE] = (span_t){open + 1, (size_t)(close - open - 1)};
            p = close;
        } else {
            p = t;
        }
    }
}

/* ---- the embed ---- */

/* A URL of the page, relative ones resolved against base; a new string when it is an http(s) URL. */
static char *url_of(span_t s, const char *base)
{
    char *raw = text_of(s, SD_EMBED_URL_MAX), *out = NULL, *abs = NULL;
    CURLU *u = raw ? curl_url() : NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, raw, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK && sd_embed_url_valid(abs, false))
        out = strdup(abs);
    curl_free(abs);
    curl_url_cleanup(u);
    free(raw);
    return out;
}

static void set_text(json_t *obj, const char *key, span_t s, size_t max)
{
    char *t = s.s ? text_of(s, max) : NULL;
    if (t) json_object_set_new(obj, key, json_string(t));
    free(t);
}

static long dimension(span_t s)
{
    char buf[12];
    if (!s.s || s.n == 0 || s.n >= sizeof buf) return 0;
    memcpy(buf, s.s, s.n);
    buf[s.n] = '\0';
    char *e;
    long v = strtol(buf, &e, 10);
    return (*e || v < 1 || v > 65535) ? 0 : v;
}

static bool color_of(span_t s, long *out)
{
    char *t = s.s ? text_of(s, 16) : NULL;
    bool ok = false;
    if (t && t[0] == '#' && (strlen(t) == 7 || strlen(t) == 4) &&
        strspn(t + 1, "0123456789abcdefABCDEF") == strlen(t) - 1) {
        long v = strtol(t + 1, NULL, 16);
        if (strlen(t) == 4) /* #rgb */
            v = ((v >> 8 & 0xF) * 0x11) << 16 | ((v >> 4 & 0xF) * 0x11) << 8 | (v & 0xF) * 0x11;
        *out = v;
        ok = true;
    }
    free(t);
    return ok;
}

static json_t *html_embed(const char *url, const char *body, size_t len)
{
    span_t f[N_KEYS] = {{0}};
    scan(body, len, f);
    json_t *e = json_object();
    span_t type = f[OG_TYPE];
    json_object_set_new(
        e, "type",
        json_string(type.s && type.n >= 7 && !strncasecmp(type.s, "article", 7) ? "article" : "link"));
    json_object_set_new(e, "url", json_string(url));
    set_text(e, "title",
             f[OG_TITLE].s   ? f[OG_TITLE]
             : f[TW_TITLE].s ? f[TW_TITLE]
                             : f[TITLE],
             SD_EMBED_TITLE_MAX);
    set_text(e, "description",
             f[OG_DESCRIPTION].s   ? f[OG_DESCRIPTION]
             : f[TW_DESCRIPTION].s ? f[TW_DESCRIPTION]
                                   : f[DESCRIPTION],
             SD_UNFURL_DESCRIPTION_MAX);
    if (f[OG_SITE].s) {
        json_t *provider = json_object();
        set_text(provider, "name", f[OG_SITE], SD_EMBED_PROVIDER_MAX);
        if (json_object_size(provider)) json_object_set(e, "provider", provider);
        json_decref(provider);
    }
    char *image = f[OG_IMAGE].s ? url_of(f[OG_IMAGE], url) : f[TW_IMAGE].s ? url_of(f[TW_IMAGE], url) : NULL;
    if (image) {
        json_t *m = json_pack("{s:s}", "url", image);
        long w = dimension(f[OG_IMAGE_WIDTH]), h = dimension(f[OG_IMAGE_HEIGHT]);
        if (w && h) {
            json_object_set_new(m, "width", json_integer(w));
            json_object_set_new(m, "height", json_integer(h));
        }
        bool large =
            f[TW_CARD].s && f[TW_CARD].n == 19 && !strncasecmp(f[TW_CARD].s, "summary_large_image", 19);
        json_object_set_new(e, large ? "image" : "thumbnail", m);
        free(image);
    }
    long color;
    if (color_of(f[THEME], &color)) json_object_set_new(e, "color", json_integer(color));
    if (!json_object_get(e, "title") && !json_object_get(e, "description") && !json_object_get(e, "image") &&
        !json_object_get(e, "thumbnail")) {
        json_decref(e);
        return NULL;
    }
    return e;
}

/* The pixel size an image's header tells (PNG, GIF, JPEG); false when it tells none. */
static bool image_size(const unsigned char *b, size_t len, long *w, long *h)
{
    if (len >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4)) {
        *w = (long)b[16] << 24 | (long)b[17] << 16 | (long)b[18] << 8 | b[19];
        *h = (long)b[20] << 24 | (long)b[21] << 16 | (long)b[22] << 8 | b[23];
        return *w > 0 && *h > 0;
    }
    if (len >= 10 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) {
        *w = b[6] | (long)b[7] << 8;
        *h = b[8] | (long)b[9] << 8;
        return *w > 0 && *h > 0;
    }
    if (len < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
    size_t i = 2;
    while (i + 9 < len) {
        if (b[i] != 0xFF) return false;
        unsigned char m = b[i + 1];
        if (m == 0xFF) { /* fill */
            i++;
            continue;
        }
        size_t seg = (size_t)b[i + 2] << 8 | b[i + 3];
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            *h = (long)b[i + 5] << 8 | b[i + 6];
            *w = (long)b[i + 7] << 8 | b[i + 8];
            return *w > 0 && *h > 0;
        }
        if (seg < 2) return false;
        i += 2 + seg;
    }
    return false;
}

static bool type_is(const char *content_type, const char *prefix)
{
    return content_type && !strncasecmp(content_type, prefix, strlen(prefix));
}

json_t *sd_unfurl_page(const char *url, const char *content_type, const char *body, size_t len)
{
    if (!url || !sd_embed_url_valid(url, false)) return NULL;
    if (type_is(content_type, "image/")) {
        json_t *thumb = json_pack("{s:s}", "url", url);
        long w, h;
        if (image_size((const unsigned char *)body, len, &w, &h)) {
            json_object_set_new(thumb, "width", json_integer(w));
            json_object_set_new(thumb, "height", json_integer(h));
        }
        return json_pack("{s:s, s:s, s:o}", "type", "image", "url", url, "thumbnail", thumb);
    }
    if (type_is(content_type, "video/"))
        return json_pack("{s:s, s:s, s:{s:s}}", "type", "video", "url", url, "video", "url", url);
    bool html = type_is(content_type, "text/html") || type_is(content_type, "application/xhtml+xml");
    if (!content_type) { /* no type: what it looks like */
        size_t i = 0;
        while (i < len && isspace((unsigned char)body[i]))
            i++;
        html = i < len && body[i] == '<';
    }
    return html ? html_embed(url, body, len) : NULL;
}
