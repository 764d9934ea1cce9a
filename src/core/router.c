#include "core/router.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sd_router {
    sd_route_t *routes;
    int count, cap;
};

sd_router_t *sd_router_new(void)
{
    return calloc(1, sizeof(sd_router_t));
}

void sd_router_free(sd_router_t *r)
{
    if (!r) return;
    for (int i = 0; i < r->count; i++) {
        free((char *)r->routes[i].method);
        free((char *)r->routes[i].pattern);
    }
    free(r->routes);
    free(r);
}

sd_err_t sd_router_add(sd_router_t *r, const char *method, const char *pattern, sd_http_handler_fn handler,
                       unsigned flags)
{
    if (pattern[0] != '/') return SD_ERR_INVALID;
    if (r->count == r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        sd_route_t *p = realloc(r->routes, (size_t)cap * sizeof *p);
        if (!p) return SD_ERR_NOMEM;
        r->routes = p;
        r->cap = cap;
    }
    sd_route_t *rt = &r->routes[r->count];
    rt->method = strdup(method);
    rt->pattern = strdup(pattern);
    rt->handler = handler;
    rt->flags = flags;
    if (!rt->method || !rt->pattern) {
        free((char *)rt->method);
        free((char *)rt->pattern);
        return SD_ERR_NOMEM;
    }
    r->count++;
    return SD_OK;
}

const sd_route_t *sd_router_routes(const sd_router_t *r, int *count)
{
    *count = r->count;
    return r->routes;
}

/* Matches path against pattern; fills params when req != NULL. Returns 1 on a match and sets *rank: one bit
   per segment from the most significant down, set where the segment is fixed text (so at the first depth
   where two matching patterns differ, the fixed one ranks higher). */
static int match_pattern(const char *pattern, const char *path, sd_request_t *req, uint64_t *rank)
{
    const char *p = pattern, *s = path;
    int nparams = 0, depth = 0;
    *rank = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/') return 0;
        p++;
        s++;
        const char *pe = strchr(p, '/');
        const char *se = strchr(s, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        size_t sl = se ? (size_t)(se - s) : strlen(s);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (sl == 0 || nparams == SD_HTTP_MAX_PARAMS) return 0;
            if (req) {
                char *name = sd_arena_strndup(req->arena, p + 1, pl - 2);
                char *value = sd_request_decode(req->arena, s, sl, false);
                if (!name || !value) return 0;
                req->params[nparams] = (sd_http_pair_t){name, value};
            }
            nparams++;
        } else if (pl != sl || strncmp(p, s, pl) != 0) {
            return 0;
        } else if (depth < 64) {
            *rank |= 1ULL << (63 - depth);
        }
        depth++;
        p += pl;
        s += sl;
    }
    if (*p || *s) return 0;
    if (req) req->param_count = nparams;
    return 1;
}

sd_route_match_t sd_router_match(const sd_router_t *r, sd_request_t *req, const sd_route_t **route)
{
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    const sd_route_t *best = NULL;
    bool path_matched = false;
    uint64_t top = 0, rank;
    /* The path belongs to its most specific pattern whatever the order routes were added in ("messages/pins"
       is no message id); a method that pattern lacks is 405, not a less specific pattern's route. */
    for (int i = 0; i < r->count; i++) {
        const sd_route_t *rt = &r->routes[i];
        if (!match_pattern(rt->pattern, req->path, NULL, &rank)) continue;
        bool has_method = strcmp(rt->method, method) == 0;
        if (!path_matched || rank > top || (rank == top && has_method && !best)) {
            if (!path_matched || rank > top) best = NULL;
            path_matched = true;
            top = rank;
            if (has_method) best = rt;
        }
    }
    if (!best) return path_matched ? SD_ROUTE_METHOD_NOT_ALLOWED : SD_ROUTE_NOT_FOUND;
    if (!match_pattern(best->pattern, req->path, req, &rank)) return SD_ROUTE_NOT_FOUND; /* undecodable */
    *route = best;
    req->route = best->pattern;
    return SD_ROUTE_FOUND;
}
