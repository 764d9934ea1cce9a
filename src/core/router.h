/*
 * router: matches a method and a path against route patterns such as "/api/v1/users/{user_id}" and fills the
 * request's path parameters. A path that matches a pattern under another method is reported as such (405).
 * Where several patterns match, a fixed segment wins over a "{param}" at the first depth they differ,
 * whatever the order the routes were added in; the path then belongs to that pattern alone (another method of
 * it is 405, not a less specific pattern's route).
 */
#ifndef SD_CORE_ROUTER_H
#define SD_CORE_ROUTER_H

#include "core/errors.h"
#include "core/http_server.h"

typedef struct sd_router sd_router_t;

typedef struct {
    const char *method;  /* "GET", ... */
    const char *pattern; /* segments; "{name}" captures one segment */
    sd_http_handler_fn handler;
    unsigned flags; /* meaning left to the caller (e.g. "needs a token") */
} sd_route_t;

typedef enum { SD_ROUTE_FOUND = 0, SD_ROUTE_NOT_FOUND, SD_ROUTE_METHOD_NOT_ALLOWED } sd_route_match_t;

/* Returns a new, empty router; caller frees with sd_router_free(). */
sd_router_t *sd_router_new(void);
void sd_router_free(sd_router_t *r);
/* Adds a route (the strings are copied). */
sd_err_t sd_router_add(sd_router_t *r, const char *method, const char *pattern, sd_http_handler_fn handler,
                       unsigned flags);
/*
 * Matches req->method and req->path; on SD_ROUTE_FOUND *route is borrowed from the router and req->params
 * hold the percent-decoded captures (in the request arena).
 */
sd_route_match_t sd_router_match(const sd_router_t *r, sd_request_t *req, const sd_route_t **route);
/* The routes, in the order added (for documentation and tests). */
const sd_route_t *sd_router_routes(const sd_router_t *r, int *count);

#endif
