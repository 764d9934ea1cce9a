/*
 * http_fetch: bounded outbound HTTP GETs on the loop (libcurl's multi interface), for what the server fetches
 * on its users' behalf (link previews). Only http and https, at most max_redirects redirects, a deadline for
 * the whole fetch, a body kept up to max_bytes (the rest is cut off, not read), no proxy from the
 * environment. Every connection curl opens, the first and each redirect's, goes through
 * sd_fetch_address_allowed before a socket is made, so a name that resolves (or a redirect that points) to a
 * private, loopback, link-local, unique-local, CGNAT, unspecified or multicast address is refused without a
 * packet sent to it. allow_private (tests) lets private, loopback, link-local, unique-local and CGNAT
 * addresses through; unspecified (0.0.0.0,
 * ::, which reach the local host), multicast, broadcast and reserved addresses are never fetched. At most
 * max_in_flight fetches run at once; up to max_queued more wait in order; beyond that a fetch is refused.
 */
#ifndef SD_CORE_HTTP_FETCH_H
#define SD_CORE_HTTP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

#include "core/errors.h"

typedef struct sd_fetch sd_fetch_t;

typedef struct {
    long max_bytes;     /* of a body kept */
    long timeout_ms;    /* one fetch, redirects included */
    long max_redirects; /* followed, each target checked again */
    int max_in_flight;  /* fetches running at once */
    int max_queued;     /* waiting beyond those */
    bool allow_private; /* tests: private, loopback and link-local addresses may be fetched */
    const char *user_agent;
} sd_fetch_options_t;

/* What a fetch got; everything is borrowed for the callback's duration. */
typedef struct {
    sd_err_t err;             /* SD_OK (any HTTP status), SD_ERR_FORBIDDEN (an address or scheme refused),
                                 SD_ERR_UNAVAILABLE (no answer in time, network error, too many redirects),
                                 SD_ERR_CANCELLED (closed first) */
    long status;              /* HTTP status of the last answer */
    const char *content_type; /* or NULL */
    const char *url;          /* the URL the body is from, after redirects */
    const char *body;         /* NUL-terminated too */
    size_t len;
    bool truncated; /* cut off at max_bytes or at the deadline */
} sd_fetch_result_t;

typedef void (*sd_fetch_cb)(const sd_fetch_result_t *r, void *ctx);

/* A new fetcher on loop (options copied); NULL when out of memory. Freed by sd_fetch_close. */
sd_fetch_t *sd_fetch_new(uv_loop_t *loop, const sd_fetch_options_t *o);
/*
 * Starts a GET of url (copied). cb runs exactly once, later, from the loop, never inside this call. Returns
 * SD_ERR_INVALID for a URL that is not http(s), SD_ERR_BUSY when max_queued fetches already wait (cb does not
 * run then), SD_ERR_NOMEM.
 */
sd_err_t sd_fetch_get(sd_fetch_t *f, const char *url, sd_fetch_cb cb, void *ctx);
/* Fetches running and waiting. */
int sd_fetch_pending(const sd_fetch_t *f);
/* Ends every fetch (their callbacks run with SD_ERR_CANCELLED, inside this call) and frees the fetcher once
   its libuv handles have closed. NULL is ignored. */
void sd_fetch_close(sd_fetch_t *f);

/* Whether a fetch may connect to address sa (AF_INET or AF_INET6; anything else is refused). Pure. */
bool sd_fetch_address_allowed(const struct sockaddr *sa, bool allow_private);

#endif
