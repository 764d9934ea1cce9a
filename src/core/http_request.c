#include "core/http_request.h"

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
