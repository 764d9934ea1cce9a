#include "core/http_request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *sd_request_header(const sd_request_t *req, const char *name)
{
    for (int i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
    return NULL;
}

const char *sd_request_param(const sd_request_t *req, const char *name)
{
    for (int i = 0; i < req->param_count; i++)
        if (strcmp(req->params[i].name, name) == 0) return req->params[i].value;
    return NULL;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

char *sd_request_decode(sd_arena_t *a, const char *s, size_t n, bool plus_is_space)
{
    char *out = sd_arena_alloc(a, n + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) return NULL;
            char ch = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            if (ch == '\0') return NULL;
            out[o++] = ch;
            i += 2;
        } else {
            out[o++] = plus_is_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    out[o] = '\0';
    return out;
}

const char *sd_request_query(const sd_request_t *req, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = req->query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
            return sd_request_decode(req->arena, p + nl + 1, len - nl - 1, true);
        if (len == nl && strncmp(p, name, nl) == 0) return "";
        p += len + (amp ? 1 : 0);
    }
    return NULL;
}

/* Narrows [*s, *e) to its text without surrounding spaces. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && **s == ' ')
        (*s)++;
    while (*e > *s && (*e)[-1] == ' ')
        (*e)--;
}

bool sd_request_trusted(const char *list, const char *addr, size_t len)
{
    for (const char *p = list ? list : ""; *p; p += *p == ',') {
        const char *s = p, *e = p + strcspn(p, ",");
        p = e;
        trim(&s, &e);
        if (len && (size_t)(e - s) == len && !strncmp(s, addr, len)) return true;
    }
    return false;
}

/* Entries a client added itself stay to the left of what the proxies add: the rightmost untrusted one is the
   client as the nearest trusted proxy saw it. */
void sd_request_client_address(const sd_request_t *req, const char *proxies, char *out, size_t cap)
{
    snprintf(out, cap, "%s", req->peer);
    const char *xff = sd_request_header(req, "X-Forwarded-For");
    if (!xff || !sd_request_trusted(proxies, req->peer, strlen(req->peer))) return;
    const char *end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        while (start > xff && start[-1] != ',')
            start--;
        const char *s = start, *e = end;
        trim(&s, &e);
        if (e > s && !sd_request_trusted(proxies, s, (size_t)(e - s))) {
            snprintf(out, cap, "%.*s", (int)(e - s), s);
            return;
        }
        end = start > xff ? start - 1 : xff;
    }
}
