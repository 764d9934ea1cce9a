/* The routes whose multipart bodies are spooled (api/v1/spool.h). */
#include "api/v1/spool.h"

#include <string.h>
#include <strings.h>

#include "core/multipart.h"

/* Splits path into at most max segments (pointers into buf); the count, or -1 when there are more. */
static int segments(const char *path, char *buf, size_t cap, char **seg, int max)
{
    size_t n = strlen(path);
    if (n >= cap) return -1;
    memcpy(buf, path, n + 1);
    int count = 0;
    for (char *p = buf; *p;) {
        if (*p == '/') {
            *p++ = '\0';
            continue;
        }
        if (count == max) return -1;
        seg[count++] = p;
        p += strcspn(p, "/");
    }
    return count;
}

/* The route patterns that take files, after the version prefix ("*" is any one segment). */
static const struct {
    const char *method;
    const char *pattern[6];
} routes[] = {
    {"POST", {"channels", "*", "messages"}},
    {"PATCH", {"channels", "*", "messages", "*"}},
    {"POST", {"webhooks", "*", "*"}},
    {"PATCH", {"webhooks", "*", "*", "messages", "*"}},
    {"POST", {"interactions", "*", "*", "callback"}},
};

bool sd_api_takes_files(const char *method, const char *path)
{
    char buf[256], *seg[8];
    int n = segments(path, buf, sizeof buf, seg, 8);
    if (n < 3 || strcmp(seg[0], "api") || (strcmp(seg[1], "v10") && strcmp(seg[1], "v1"))) return false;
    for (size_t r = 0; r < sizeof routes / sizeof *routes; r++) {
        if (strcmp(method, routes[r].method)) continue;
        int i = 0;
        for (; i < 6 && routes[r].pattern[i]; i++)
            if (i + 2 >= n || (strcmp(routes[r].pattern[i], "*") && strcmp(routes[r].pattern[i], seg[i + 2])))
                break;
        if ((i == 6 || !routes[r].pattern[i]) && i + 2 == n) return true;
    }
    return false;
}

bool sd_api_spool(const sd_request_t *req, sd_http_spool_t *out, void *ctx)
{
    const sd_app_t *app = ctx;
    char boundary[SD_MP_MAX_BOUNDARY + 1];
    if (!sd_mp_boundary(sd_request_header(req, "Content-Type"), boundary, sizeof boundary)) return false;
    if (!sd_api_takes_files(req->method, req->path)) return false;
    /* The files, plus payload_json and the parts' headers within a JSON body's limit. */
    out->max_bytes = (size_t)app->cfg->upload_max_message_bytes + (size_t)app->cfg->http_max_body_bytes;
    out->timeout_ms = (uint64_t)app->cfg->upload_timeout_ms;
    return true;
}
