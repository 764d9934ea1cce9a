/* The incremental multipart/form-data parser (core/multipart.h). */
#include "core/multipart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum state { S_PREAMBLE, S_AFTER_DELIM, S_HEADERS, S_DATA, S_EPILOGUE, S_ERROR };

#define MAX_PADDING 256 /* transport padding (spaces, tabs) after a delimiter */

struct sd_mp {
    const sd_mp_callbacks_t *cb;
    void *ctx;
    sd_mp_limits_t lim;
    enum state state;
    char delim[SD_MP_MAX_BOUNDARY + 5]; /* "\r\n--" boundary */
    size_t dlen;
    size_t match;   /* bytes of delim matched and held back */
    int after;      /* after a delimiter: 0 start, 1 one '-', 2 padding, 3 CR */
    size_t padding; /* padding bytes seen */
    int64_t pos;    /* input offset of the next byte fed */
    int parts;
    char *hbuf; /* the current part's header block */
    size_t hlen;
    sd_mp_part_t part;
    int64_t size; /* the current part's data so far */
    char name[SD_MP_MAX_NAME + 1];
    char filename[SD_MP_MAX_FILENAME + 1];
    char ctype[SD_MP_MAX_TYPE + 1];
    char detail[96];
};

/* ---- header values: "type; key=value; key=\"quoted\"" ---- */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void skip_space(const char **p, const char *end)
{
    while (*p < end && is_space(**p))
        (*p)++;
}

/*
 * The next ";key=value" of [*p, end) into key and val (unquoted, backslash escapes undone). Returns 1 for a
 * parameter, 0 at the end, -1 when malformed or too long.
 */
static int next_param(const char **p, const char *end, char *key, size_t kcap, char *val, size_t vcap)
{
    skip_space(p, end);
    if (*p == end) return 0;
    if (**p != ';') return -1;
    (*p)++;
    skip_space(p, end);
    if (*p == end) return 0; /* a trailing ';' */
    size_t k = 0, v = 0;
    while (*p < end && **p != '=' && **p != ';' && !is_space(**p)) {
        if (k + 1 >= kcap) return -1;
        key[k++] = *(*p)++;
    }
    key[k] = '\0';
    skip_space(p, end);
    if (k == 0 || *p == end || **p != '=') return -1;
    (*p)++;
    skip_space(p, end);
    if (*p < end && **p == '"') {
        for ((*p)++;; (*p)++) {
            if (*p == end) return -1; /* unterminated */
            char ch = **p;
            if (ch == '"') break;
            if (ch == '\\' && *p + 1 < end) ch = *++(*p);
            if (v + 1 >= vcap) return -1;
            val[v++] = ch;
        }
        (*p)++;
    } else {
        while (*p < end && **p != ';' && !is_space(**p)) {
            if (v + 1 >= vcap) return -1;
            val[v++] = *(*p)++;
        }
    }
    val[v] = '\0';
    return 1;
}

/* Whether [s, e) starts with the media type or disposition word (case-insensitive), then ends or goes on
   with parameters; *rest is where they start. */
static bool starts_with_word(const char *s, const char *e, const char *word, const char **rest)
{
    size_t n = strlen(word);
    skip_space(&s, e);
    if ((size_t)(e - s) < n || strncasecmp(s, word, n)) return false;
    s += n;
    const char *q = s;
    skip_space(&q, e);
    if (q != e && *q != ';') return false;
    *rest = s;
    return true;
}

static bool boundary_char(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           strchr("'()+_,-./:=? ", ch) != NULL;
}

bool sd_mp_boundary(const char *content_type, char *out, size_t cap)
{
    if (!content_type || cap < SD_MP_MAX_BOUNDARY + 1) return false;
    const char *end = content_type + strlen(content_type), *p;
    if (!starts_with_word(content_type, end, "multipart/form-data", &p)) return false;
    char key[32], val[SD_MP_MAX_BOUNDARY + 2];
    bool found = false;
    for (int r; (r = next_param(&p, end, key, sizeof key, val, sizeof val)) != 0;) {
        if (r < 0) return false;
        if (strcasecmp(key, "boundary") || found) continue;
        size_t n = strlen(val);
        if (n == 0 || n > SD_MP_MAX_BOUNDARY || val[n - 1] == ' ') return false;
        for (size_t i = 0; i < n; i++)
            if (!boundary_char(val[i])) return false;
        memcpy(out, val, n + 1);
        found = true;
    }
    return found;
}

/* ---- the parser ---- */

sd_mp_t *sd_mp_new(const char *content_type, const sd_mp_limits_t *lim, const sd_mp_callbacks_t *cb,
                   void *ctx)
{
    char b[SD_MP_MAX_BOUNDARY + 1];
    if (!sd_mp_boundary(content_type, b, sizeof b)) return NULL;
    sd_mp_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->lim.max_header_bytes = lim && lim->max_header_bytes ? lim->max_header_bytes : 8192;
    m->lim.max_parts = lim && lim->max_parts ? lim->max_parts : 64;
    m->hbuf = malloc(m->lim.max_header_bytes);
    if (!m->hbuf) {
        free(m);
        return NULL;
    }
    m->cb = cb;
    m->ctx = ctx;
    m->dlen = (size_t)snprintf(m->delim, sizeof m->delim, "\r\n--%s", b);
    /* The first delimiter may open the body: as if a CRLF came before it. */
    m->match = 2;
    m->state = S_PREAMBLE;
    return m;
}

void sd_mp_free(sd_mp_t *m)
{
    if (!m) return;
    free(m->hbuf);
    free(m);
}

const char *sd_mp_detail(const sd_mp_t *m)
{
    return m->detail;
}

static sd_err_t fail(sd_mp_t *m, const char *why)
{
    if (!m->detail[0]) snprintf(m->detail, sizeof m->detail, "%s", why);
    m->state = S_ERROR;
    return SD_ERR_INVALID;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* filename*=UTF-8''percent-encoded (RFC 5987) into out; false when another charset or malformed. */
static bool ext_value(const char *v, char *out, size_t cap)
{
    if (strncasecmp(v, "utf-8'", 6)) return false;
    const char *q = strchr(v + 6, '\'');
    if (!q) return false;
    size_t o = 0;
    for (const char *s = q + 1; *s; s++) {
        char ch = *s;
        if (ch == '%') {
            if (hexval(s[1]) < 0 || hexval(s[2]) < 0) return false;
            ch = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            s += 2;
            if (ch == '\0') return false;
        }
        if (o + 1 >= cap) return false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return true;
}

/* Content-Disposition: form-data; name=...; filename=...; filename*=... */
static sd_err_t disposition(sd_mp_t *m, const char *s, const char *e)
{
    const char *p;
    if (!starts_with_word(s, e, "form-data", &p))
        return fail(m, "a part's Content-Disposition is not form-data");
    char key[32], val[SD_MP_MAX_FILENAME * 3 + 32];
    bool have_name = false, have_ext = false;
    for (int r; (r = next_param(&p, e, key, sizeof key, val, sizeof val)) != 0;) {
        if (r < 0) return fail(m, "a part's Content-Disposition cannot be read");
        if (!strcasecmp(key, "name") && !have_name) {
            if (!val[0] || strlen(val) > SD_MP_MAX_NAME) return fail(m, "a part's name is empty or too long");
            memcpy(m->name, val, strlen(val) + 1);
            have_name = true;
        } else if (!strcasecmp(key, "filename") && !have_ext && !m->part.filename) {
            if (strlen(val) > SD_MP_MAX_FILENAME) return fail(m, "a part's filename is too long");
            memcpy(m->filename, val, strlen(val) + 1);
            m->part.filename = m->filename;
        } else if (!strcasecmp(key, "filename*") && !have_ext) {
            if (!ext_value(val, m->filename, sizeof m->filename)) return fail(m, "a part's filename* is bad");
            m->part.filename = m->filename;
            have_ext = true;
        }
    }
    if (!have_name) return fail(m, "a part has no name");
    m->part.name = m->name;
    return SD_OK;
}

/* The part's header block hbuf[0..hlen) is complete (it ends with an empty line). */
static sd_err_t headers_done(sd_mp_t *m)
{
    m->part = (sd_mp_part_t){.index = m->parts - 1, .data_off = m->pos};
    bool have_disposition = false;
    if (memchr(m->hbuf, '\0', m->hlen)) return fail(m, "a part's headers hold a NUL byte");
    for (const char *p = m->hbuf, *end = m->hbuf + m->hlen - 2; p < end;) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        const char *le = eol ? eol : end;
        if (eol && eol[1] != '\n') return fail(m, "a part's header holds a bare CR");
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (is_space(*p) || !colon || colon == p) return fail(m, "a part's header cannot be read");
        const char *vs = colon + 1, *ve = le;
        skip_space(&vs, ve);
        while (ve > vs && is_space(ve[-1]))
            ve--;
        size_t nl = (size_t)(colon - p);
        if (nl == 19 && !strncasecmp(p, "content-disposition", nl)) {
            if (have_disposition) return fail(m, "a part has two Content-Disposition headers");
            have_disposition = true;
            sd_err_t e = disposition(m, vs, ve);
            if (e) return e;
        } else if (nl == 12 && !strncasecmp(p, "content-type", nl)) {
            if ((size_t)(ve - vs) > SD_MP_MAX_TYPE) return fail(m, "a part's Content-Type is too long");
            memcpy(m->ctype, vs, (size_t)(ve - vs));
            m->ctype[ve - vs] = '\0';
            m->part.content_type = m->ctype;
        }
        p = le + 2;
    }
    if (!have_disposition) return fail(m, "a part has no Content-Disposition");
    m->size = 0;
    m->state = S_DATA;
    m->match = 0;
    return m->cb->on_part ? m->cb->on_part(&m->part, m->ctx) : SD_OK;
}

static sd_err_t emit(sd_mp_t *m, const char *data, size_t len, int64_t off)
{
    if (m->state != S_DATA || len == 0) return SD_OK;
    m->size += (int64_t)len;
    return m->cb->on_data ? m->cb->on_data(&m->part, data, len, off, m->ctx) : SD_OK;
}

/* Preamble or data: looks for the delimiter in d[0..n); *used says how far it went (to just after the
   delimiter when found). */
static sd_err_t scan(sd_mp_t *m, const char *d, size_t n, size_t *used)
{
    size_t i = 0;
    sd_err_t e = SD_OK;
    while (i < n) {
        if (m->match == 0) {
            const char *cr = memchr(d + i, '\r', n - i);
            size_t stop = cr ? (size_t)(cr - d) : n;
            if ((e = emit(m, d + i, stop - i, m->pos + (int64_t)i))) break;
            i = stop;
            if (!cr) break;
            m->match = 1;
            i++;
            continue;
        }
        if (d[i] == m->delim[m->match]) {
            i++;
            if (++m->match < m->dlen) continue;
            m->match = 0;
            if (m->state == S_DATA && m->cb->on_end && (e = m->cb->on_end(&m->part, m->size, m->ctx))) break;
            m->state = S_AFTER_DELIM;
            m->after = 0;
            m->padding = 0;
            break;
        }
        /* Not the delimiter after all: what was held back is data (delim has no CR past its first byte, so
           none of it can start another match). */
        size_t held = m->match;
        m->match = 0;
        if ((e = emit(m, m->delim, held, m->pos + (int64_t)i - (int64_t)held))) break;
    }
    *used = i;
    return e;
}

/* One byte after a delimiter: "--" ends the body; padding then CRLF starts a part. */
static sd_err_t after_delim(sd_mp_t *m, char ch)
{
    switch (m->after) {
    case 0:
        if (ch == '-') {
            m->after = 1;
            return SD_OK;
        }
        /* fallthrough */
    case 2:
        if (is_space(ch) && ++m->padding <= MAX_PADDING) {
            m->after = 2;
            return SD_OK;
        }
        if (ch == '\r') {
            m->after = 3;
            return SD_OK;
        }
        return fail(m, "a delimiter is followed by garbage");
    case 1:
        if (ch != '-') return fail(m, "a delimiter is followed by garbage");
        m->state = S_EPILOGUE;
        return SD_OK;
    default:
        if (ch != '\n') return fail(m, "a delimiter is followed by garbage");
        if (m->parts >= m->lim.max_parts) return fail(m, "too many parts");
        m->parts++;
        m->hlen = 0;
        m->state = S_HEADERS;
        return SD_OK;
    }
}

static sd_err_t header_byte(sd_mp_t *m, char ch)
{
    if (m->hlen >= m->lim.max_header_bytes) return fail(m, "a part's headers are too long");
    m->hbuf[m->hlen++] = ch;
    if (ch != '\n' || m->hlen < 2 || m->hbuf[m->hlen - 2] != '\r') return SD_OK;
    if (m->hlen == 2 || (m->hlen >= 4 && !memcmp(m->hbuf + m->hlen - 4, "\r\n\r\n", 4)))
        return headers_done(m);
    return SD_OK;
}

sd_err_t sd_mp_feed(sd_mp_t *m, const char *data, size_t len)
{
    size_t i = 0;
    sd_err_t e = SD_OK;
    if (m->state == S_ERROR) return SD_ERR_INVALID;
    while (i < len && !e) {
        switch (m->state) {
        case S_PREAMBLE:
        case S_DATA: {
            size_t used;
            e = scan(m, data + i, len - i, &used);
            i += used;
            m->pos += (int64_t)used;
            continue;
        }
        case S_AFTER_DELIM:
            e = after_delim(m, data[i]);
            break;
        case S_HEADERS:
            i++;
            m->pos++;
            e = header_byte(m, data[i - 1]);
            continue;
        case S_EPILOGUE:
            m->pos += (int64_t)(len - i);
            return SD_OK;
        case S_ERROR:
            return SD_ERR_INVALID;
        }
        i++;
        m->pos++;
    }
    if (e) m->state = S_ERROR;
    return e;
}

sd_err_t sd_mp_finish(sd_mp_t *m)
{
    if (m->state == S_EPILOGUE) return SD_OK;
    if (m->state == S_ERROR) return SD_ERR_INVALID;
    return fail(m, m->state == S_PREAMBLE && m->parts == 0 ? "no delimiter in the body"
                                                           : "the body ends before its closing delimiter");
}
