/*
 * http_server: HTTP/1.1 on libuv with http-parser. Keep-alive with pipelined requests answered in order,
 * everything a client controls bounded before any handler runs (request line -> 414, header block -> 431,
 * body per route -> 413, one deadline for the header phase and one for the request -> 408, a response
 * deadline -> 503, a total and a per-address connection cap -> 503), a request id and one JSON log line per
 * request, and graceful shutdown (stop accepting, let in-flight requests finish, or answer them 503).
 * Memory per connection is bounded whatever a client sends (see core/http_conn.h for the figures).
 *
 * A handler receives an sd_request_t and answers exactly once, now or later from a callback, with
 * sd_http_respond*. The request stays valid until then even if the client hangs up meanwhile.
 */
#ifndef SD_CORE_HTTP_SERVER_H
#define SD_CORE_HTTP_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/errors.h"
#include "core/fanout.h"
#include "core/http_request.h"

typedef struct sd_http_server sd_http_server_t;

typedef void (*sd_http_handler_fn)(sd_request_t *req, void *ctx);
typedef void (*sd_http_closed_fn)(void *ctx);

/* Zero fields take the defaults, except where noted. */
typedef struct {
    size_t max_header_bytes;         /* request line + headers; default 16 KiB (431) */
    size_t max_url_bytes;            /* the request target; default 8 KiB (414) */
    size_t max_body_bytes;           /* default 1 MiB, unless the route says otherwise (413) */
    uint64_t idle_timeout_ms;        /* keep-alive idle; default 60 s */
    uint64_t header_timeout_ms;      /* first byte to the end of the headers; default 10 s (408) */
    uint64_t request_timeout_ms;     /* first byte to last byte of a request; default 15 s (408) */
    uint64_t response_timeout_ms;    /* dispatch to answer, then 503 for the handler; 0: none */
    int max_connections;             /* open at once; default 20,000, within the open-file limit */
    int max_connections_per_address; /* open at once from one address; 0: no cap */
    const char *trusted_proxies; /* comma-separated addresses exempt from the per-address cap (borrowed) */
    int write_threads; /* threads a broadcast's writes are spread over (core/fanout); default: cores */
} sd_http_limits_t;

/* Returns a new server bound to nothing yet; caller frees with sd_http_server_free() after it has closed. */
sd_http_server_t *sd_http_server_new(uv_loop_t *loop, const sd_http_limits_t *limits,
                                     sd_http_handler_fn handler, void *ctx);
/* The body limit of a request, from its method and path (set) once its headers are in; 0: the server's. */
typedef size_t (*sd_http_body_limit_fn)(const sd_request_t *req, void *ctx);
void sd_http_server_set_body_limit(sd_http_server_t *srv, sd_http_body_limit_fn fn, void *ctx);
/*
 * Bodies that do not sit in memory (uploads): once a request's headers are in, fn may say its body goes to
 * an unlinked spool file (O_TMPFILE, else mkstemp + unlink) in dir instead: written as it arrives, chunked
 * bodies too, with no more memory than one read. A Content-Length over out->max_bytes is answered 413
 * (Discord's 40005) before any of the body is read, and "Expect: 100-continue" gets its 100 only after
 * that check; a body that grows past the limit gets 413 and the connection is closed. The handler then sees
 * req->body_spooled, req->body_fd and req->body_len. All spooled bodies of the server together hold at most
 * max_total bytes (a Content-Length counts in full from the headers on): a request that would pass it is
 * answered 503 (Retry-After) and its connection closed, so that strangers cannot fill the disk.
 */
typedef struct {
    size_t max_bytes;    /* the body's limit */
    uint64_t timeout_ms; /* first to last byte of the request, instead of request_timeout_ms; 0: that one */
} sd_http_spool_t;
/* Returns true to spool req's body as it fills *out. */
typedef bool (*sd_http_spool_fn)(const sd_request_t *req, sd_http_spool_t *out, void *ctx);
/* dir is copied; NULL or "": TMPDIR, else /tmp. max_total 0: no cap. */
void sd_http_server_set_spool(sd_http_server_t *srv, sd_http_spool_fn fn, const char *dir, size_t max_total,
                              void *ctx);
/* A new unlinked spool file in dir (NULL or "": TMPDIR, else /tmp), open for reading and writing; the
   caller closes it. -1 on failure. */
int sd_http_spool_open(const char *dir);
/* Writes all of data[0..len) to fd; -1 on failure (a full disk). */
int sd_http_spool_write(int fd, const char *data, size_t len);
/* Whether the client of a dispatched request has gone (closed or reset its connection, or was answered for
   the handler at a deadline): its answer goes nowhere, so long work for it may stop. */
bool sd_http_request_gone(const sd_request_t *req);
/* Binds and listens on host:port (port 0 picks a free one). Raises the process's soft open-file limit to
   its hard limit and keeps the connection cap within it. */
sd_err_t sd_http_server_listen(sd_http_server_t *srv, const char *host, int port);
/* Called once per answered request (upgrades included) with its status and duration, before the answer is
   sent: for metrics. */
typedef void (*sd_http_observer_fn)(const sd_request_t *req, int status, double seconds, void *ctx);
void sd_http_server_observe(sd_http_server_t *srv, sd_http_observer_fn fn, void *ctx);
/* The port actually bound. */
int sd_http_server_port(const sd_http_server_t *srv);
/* Stops accepting; closes idle connections; calls done(ctx) once the last connection has closed. */
void sd_http_server_shutdown(sd_http_server_t *srv, sd_http_closed_fn done, void *ctx);
/* After sd_http_server_shutdown: answers every request still in flight with 503 now (its handler's answer,
   when it comes, goes nowhere) and closes every connection, upgraded ones too; done follows once they have
   closed, even while handlers still run. */
void sd_http_server_abort(sd_http_server_t *srv);
void sd_http_server_free(sd_http_server_t *srv);
/* Number of requests dispatched and whose handler has not answered yet. */
int sd_http_server_in_flight(const sd_http_server_t *srv);
/* Connections open now, and connections refused so far (over a cap, or no memory or descriptor). */
int sd_http_server_connections(const sd_http_server_t *srv);
unsigned long sd_http_server_refused(const sd_http_server_t *srv);

/* Adds a response header (copied) for the answer still to come. */
void sd_http_add_header(sd_request_t *req, const char *name, const char *value);
/* Answers the request (body copied) and releases it: req is invalid afterwards. */
void sd_http_respond(sd_request_t *req, int status, const char *content_type, const char *body, size_t len);
/* Answers with JSON; the reference to body is stolen. */
void sd_http_respond_json(sd_request_t *req, int status, json_t *body);
/* Answers with Discord's error body {code, message[, errors]}; errors reference stolen. */
void sd_http_respond_error(sd_request_t *req, int status, int code, const char *message, json_t *errors);

/*
 * Upgraded connections (WebSocket): after sd_http_upgrade the connection is a plain byte stream owned by the
 * caller. on_data receives what the peer sends (borrowed, valid during the call); on_closed runs once when
 * the connection is gone, after which the stream must not be used.
 */
typedef struct sd_http_stream sd_http_stream_t;
typedef struct {
    void (*on_data)(void *ctx, const char *data, size_t len);
    void (*on_closed)(void *ctx);
} sd_http_stream_cbs_t;

/*
 * Answers req with 101 Switching Protocols and the headers added so far, and hands the connection to cbs
 * (kept borrowed). req is invalid afterwards. Returns NULL (having answered an error) when the client is gone
 * or the server is shutting down; then no callback runs.
 */
sd_http_stream_t *sd_http_upgrade(sd_request_t *req, const sd_http_stream_cbs_t *cbs, void *ctx);
/* Sends head then data (either may be empty) to the peer: at once when the socket takes them, otherwise
   queued (copied). Borrowed for the call only. */
sd_err_t sd_http_stream_write(sd_http_stream_t *s, const void *head, size_t head_len, const void *data,
                              size_t len);
/* One write of a batch: head then data, as sd_http_stream_write takes them; or, with prepare, the bytes
   prepare(job, arg) makes when the write is due (on a write thread, or on the caller's at the end or at
   once, but once, and in the stream's order): it fills job->iov, which stays valid until the batch ends, or
   sets job->failed and nothing is written. head and data are then unused. */
typedef struct {
    sd_http_stream_t *stream;
    const void *head, *data;
    size_t head_len, len;
    sd_fanout_prepare_fn prepare;
    void *arg;
} sd_http_write_t;
/*
 * A batch of writes (a broadcast), handed over in parts as they are built: each write is done as
 * sd_http_stream_write would, in order per stream, and those that can go straight into their sockets start
 * on the server's write threads (core/fanout) while the caller builds the next part. The writes' bytes stay
 * borrowed until sd_http_batch_end, which does the rest and frees the batch. All streams belong to one
 * server. Returns NULL without memory (then add and end do each write at once).
 * While threads may be writing a stream of the batch, nothing else may write to it: so a stream is named
 * once per batch (a second write waits for the end, but one that finds no memory goes out at once), and a
 * batch begun while another is open on the server (it writes each write at once) names none of its streams.
 */
typedef struct sd_http_batch sd_http_batch_t;
sd_http_batch_t *sd_http_batch_new(void);
void sd_http_batch_add(sd_http_batch_t *b, const sd_http_write_t *writes, size_t n);
void sd_http_batch_end(sd_http_batch_t *b);
/* Sets the kernel's send buffer of the connection (SO_SNDBUF) to bytes, so that a peer that stops reading
   shows in sd_http_stream_queued soon rather than after megabytes of kernel memory. */
void sd_http_stream_send_buffer(sd_http_stream_t *s, int bytes);
/* Bytes written and not yet taken by the kernel: how far the peer is behind. */
size_t sd_http_stream_queued(const sd_http_stream_t *s);
/* Sends what is queued, then closes; on_closed follows. Upgraded connections are not closed by
   sd_http_server_shutdown: their owner closes them. */
void sd_http_stream_close(sd_http_stream_t *s);

/* The reason phrase for a status ("Not Found"). */
const char *sd_http_status_text(int status);

#endif
