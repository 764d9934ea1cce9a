/*
 * http_request: the request a handler receives (method, path, query, headers, body, path parameters, its
 * arena; a large body may sit in a spool file instead of memory) and the accessors that read it, including
 * the one percent-decoder of the server (paths and query strings). core/http_server fills requests and
 * answers them.
 */
#ifndef SD_CORE_HTTP_REQUEST_H
#define SD_CORE_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define SD_HTTP_MAX_PARAMS 8
#define SD_HTTP_MAX_HEADERS 64

typedef struct {
    const char *name;
    const char *value;
} sd_http_pair_t;

typedef struct sd_request {
    sd_arena_t *arena;  /* freed when the response has been handed to the socket */
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* raw path, without the query */
    const char *query;  /* raw query string without '?', or "" */
    sd_http_pair_t headers[SD_HTTP_MAX_HEADERS];
    int header_count;
    const char *body; /* NUL-terminated; body_len bytes ("" when the body was spooled) */
    size_t body_len;
    /* A spooled body (a route that asked for it, see sd_http_server_set_spool): body_len bytes at offset 0
       of body_fd, an unlinked file the server closes when the request is answered (dup() it to keep it
       longer). body_fd is -1 and body_spooled false for a body in memory. */
    bool body_spooled;
    int body_fd;
    sd_http_pair_t params[SD_HTTP_MAX_PARAMS]; /* path parameters, filled by the router */
    int param_count;
    char request_id[17];
    const char *route; /* the matched route pattern (set by the router), for metrics; NULL when none */
    char peer[48];     /* the client's IP address, "" when unknown */
    void *user;        /* per-request data of the layer above (e.g. the authenticated user) */
    struct sd_http_internal *internal;
} sd_request_t;

/* A request header by case-insensitive name; borrowed, or NULL. */
const char *sd_request_header(const sd_request_t *req, const char *name);
/* A path parameter by name; borrowed, or NULL. */
const char *sd_request_param(const sd_request_t *req, const char *name);
/* A query parameter by name, percent-decoded into the request arena; NULL when absent. */
const char *sd_request_query(const sd_request_t *req, const char *name);

/*
 * Percent-decodes s[0..n) into a new string in arena a; with plus_is_space, '+' becomes ' ' (query strings).
 * NULL on a bad escape or a decoded NUL byte.
 */
char *sd_request_decode(sd_arena_t *a, const char *s, size_t n, bool plus_is_space);

/* Whether addr[0..len) is one of the comma-separated addresses of list (spaces around them ignored). */
bool sd_request_trusted(const char *list, const char *addr, size_t len);
/*
 * The client's address, written into out: the peer's, or, when the peer is one of the trusted proxies
 * (comma-separated), the last X-Forwarded-For entry that is not itself one of them.
 */
void sd_request_client_address(const sd_request_t *req, const char *proxies, char *out, size_t cap);

#endif
