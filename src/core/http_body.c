#include "core/http_body.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct {
    unsigned kind;
    const char *type;
} media[] = {
    {SD_BODY_JSON, "application/json"},
    {SD_BODY_FORM, "application/x-www-form-urlencoded"},
    {SD_BODY_MULTIPART, "multipart/form-data"},
};

void sd_http_body_types(unsigned accept, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof media / sizeof *media; i++)
        if (accept & media[i].kind && n < cap)
            n += (size_t)snprintf(out + n, cap - n, "%s'%s'", n ? ", " : "", media[i].type);
}

/* [s, e) without spaces and tabs around it. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* The first occurrence of needle[0..nn) in h[0..n), or NULL (bodies may hold NUL bytes). */
static const char *find(const char *h, size_t n, const char *needle, size_t nn)
{
    if (nn == 0 || n < nn) return NULL;
    for (const char *p = h; (p = memchr(p, needle[0], n - (size_t)(p - h) - nn + 1)); p++)
        if (!memcmp(p, needle, nn)) return p;
    return NULL;
}

/*
 * The value of parameter key in the header value [s, e) ("form-data; name=\"x\"; filename=y"), unquoted into
 * out; false when absent or longer than cap - 1.
 */
static bool param(const char *s, const char *e, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = s; p < e;) {
        const char *semi = memchr(p, ';', (size_t)(e - p));
        const char *ps = p, *pe = semi ? semi : e;
        p = semi ? semi + 1 : e;
        trim(&ps, &pe);
        if ((size_t)(pe - ps) <= kl || ps[kl] != '=' || strncasecmp(ps, key, kl)) continue;
        ps += kl + 1;
        if (pe - ps >= 2 && *ps == '"' && pe[-1] == '"') {
            ps++;
            pe--;
        }
        if ((size_t)(pe - ps) >= cap) return false;
        memcpy(out, ps, (size_t)(pe - ps));
        out[pe - ps] = '\0';
        return true;
    }
    return false;
}

static sd_body_status_t decode_json(const char *b, size_t n, json_t **out)
{
    *out = n ? json_loadb(b, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL) : NULL;
    return *out ? SD_BODY_OK : SD_BODY_BAD_JSON;
}

static sd_body_status_t decode_form(const sd_request_t *req, json_t **out)
{
    const char *b = req->body, *end = req->body + req->body_len;
    if (memchr(b, '\0', req->body_len)) return SD_BODY_BAD_FORM;
    json_t *o = json_object();
    int fields = 0;
    for (const char *p = b; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *pe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        const char *ne = eq ? eq : pe;
        bool empty = pe == p;
        char *name = empty ? NULL : sd_request_decode(req->arena, p, (size_t)(ne - p), true);
        const char *value = eq ? sd_request_decode(req->arena, eq + 1, (size_t)(pe - eq - 1), true) : "";
        p = amp ? amp + 1 : end;
        if (empty) continue;                                   /* "a=1&&b=2" */
        json_t *v = name && value ? json_string(value) : NULL; /* NULL also on bad UTF-8 */
        if (!v || !*name || strlen(name) > SD_BODY_MAX_NAME || ++fields > SD_BODY_MAX_FIELDS ||
            json_object_get(o, name) || json_object_set_new(o, name, v)) {
            json_decref(v);
            json_decref(o);
            return SD_BODY_BAD_FORM;
        }
    }
    *out = o;
    return SD_BODY_OK;
}

/* The Content-Disposition of a part's header block [s, e): its name and, when it is a file, filename. */
static bool disposition(const char *s, const char *e, char *name, bool *file)
{
    static const char h[] = "content-disposition:";
    for (const char *p = s; p < e;) {
        const char *eol = find(p, (size_t)(e - p), "\r\n", 2), *le = eol ? eol : e;
        const char *ls = p;
        p = eol ? eol + 2 : e;
        if ((size_t)(le - ls) < sizeof h - 1 || strncasecmp(ls, h, sizeof h - 1)) continue;
        char filename[SD_BODY_MAX_NAME + 1];
        ls += sizeof h - 1;
        *file = param(ls, le, "filename", filename, sizeof filename) ||
                param(ls, le, "filename*", filename, sizeof filename);
        return param(ls, le, "name", name, SD_BODY_MAX_NAME + 1) && *name;
    }
    return false;
}

static sd_body_status_t decode_multipart(const sd_request_t *req, const char *ctype, json_t **out,
                                         char *detail, size_t cap)
{
    char boundary[80], delim[84];
    const char *semi = strchr(ctype, ';');
    if (!semi || !param(semi + 1, ctype + strlen(ctype), "boundary", boundary, 71) || !*boundary)
        return SD_BODY_BAD_FORM;
    int dl = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    const char *b = req->body, *end = b + req->body_len;
    /* The first delimiter may open the body, without the CRLF before it. */
    const char *p;
    if (req->body_len >= (size_t)dl - 2 && !memcmp(b, delim + 2, (size_t)dl - 2)) {
        p = b + dl - 2;
    } else {
        p = find(b, req->body_len, delim, (size_t)dl);
        if (!p) return SD_BODY_BAD_FORM;
        p += dl;
    }
    json_t *fields = json_object(), *payload = NULL;
    sd_body_status_t st = SD_BODY_BAD_FORM;
    for (int parts = 0;; parts++) {
        if (end - p >= 2 && !memcmp(p, "--", 2)) { /* the closing delimiter */
            st = SD_BODY_OK;
            break;
        }
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (parts >= SD_BODY_MAX_FIELDS || end - p < 2 || memcmp(p, "\r\n", 2)) goto out;
        p += 2;
        size_t room = (size_t)(end - p);
        const char *head_end =
            find(p, room < SD_BODY_MAX_PART_HEAD ? room : SD_BODY_MAX_PART_HEAD, "\r\n\r\n", 4);
        if (!head_end) goto out;
        const char *content = head_end + 4;
        const char *next = find(content, (size_t)(end - content), delim, (size_t)dl);
        if (!next) goto out;
        char name[SD_BODY_MAX_NAME + 1];
        bool file = false;
        if (!disposition(p, head_end, name, &file)) goto out;
        if (file || !strncmp(name, "files[", 6) || !strcmp(name, "file")) {
            snprintf(detail, cap, "%s", name);
            st = SD_BODY_HAS_FILE;
            goto out;
        }
        size_t n = (size_t)(next - content);
        if (!strcmp(name, "payload_json")) {
            if (payload || decode_json(content, n, &payload)) {
                st = SD_BODY_BAD_JSON;
                goto out;
            }
        } else {
            json_t *v = json_stringn(content, n);
            if (!v || json_object_get(fields, name) || json_object_set_new(fields, name, v)) {
                json_decref(v);
                goto out;
            }
        }
        p = next + dl;
    }
out:
    if (st == SD_BODY_OK) {
        *out = payload ? json_incref(payload) : json_incref(fields);
    }
    json_decref(payload);
    json_decref(fields);
    return st;
}

/* A spooled body in memory (the arena): a view of req with it, false when too large or unreadable. */
static bool unspool(const sd_request_t *req, sd_request_t *view)
{
    if (req->body_len > SD_BODY_MAX_SPOOLED) return false;
    char *b = sd_arena_alloc(req->arena, req->body_len + 1);
    if (!b) return false;
    for (size_t got = 0; got < req->body_len;) {
        ssize_t n = pread(req->body_fd, b + got, req->body_len - got, (off_t)got);
        if (n <= 0) return false;
        got += (size_t)n;
    }
    *view = *req;
    view->body = b;
    view->body_spooled = false;
    return true;
}

sd_body_status_t sd_http_body_decode(const sd_request_t *req, unsigned accept, json_t **out, char *detail,
                                     size_t cap)
{
    *out = NULL;
    if (cap) detail[0] = '\0';
    if (req->body_spooled) {
        sd_request_t view;
        if (unspool(req, &view)) return sd_http_body_decode(&view, accept, out, detail, cap);
        if (cap) snprintf(detail, cap, "files");
        return SD_BODY_HAS_FILE;
    }
    const char *ct = sd_request_header(req, "Content-Type");
    const char *s = ct ? ct : "", *e = s + strcspn(s, ";");
    trim(&s, &e);
    if (s == e) return decode_json(req->body, req->body_len, out); /* no type: JSON, as the clients mean */
    unsigned kind = 0;
    for (size_t i = 0; i < sizeof media / sizeof *media; i++)
        if ((size_t)(e - s) == strlen(media[i].type) && !strncasecmp(s, media[i].type, (size_t)(e - s)))
            kind = media[i].kind;
    if (!(kind & accept)) return SD_BODY_BAD_TYPE;
    if (kind == SD_BODY_JSON) return decode_json(req->body, req->body_len, out);
    if (kind == SD_BODY_FORM) return decode_form(req, out);
    return decode_multipart(req, ct, out, detail, cap);
}
