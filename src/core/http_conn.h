/*
 * http_conn: one client connection of core/http_server, shared by the server's own modules and by nothing
 * else (the public API is core/http_server.h). A connection reads into the server's one read buffer and keeps
 * only what it could not parse yet, parses HTTP/1.1 (core/http_parse), dispatches one request at a time,
 * writes answers in order, and enforces every bound a client controls:
 *   - the request line (414) and the header block (431) are counted as they arrive, headers are stored once
 *     in one block of the request's arena that doubles as needed (1 KiB at first, never past the limit), so a
 *     header trickled a byte at a time costs what it would cost sent at once;
 *   - the header phase has one deadline from its first byte, the whole request another (408): reads never
 *     extend them; a keep-alive connection with nothing to say is closed after the idle timeout;
 *   - a handler that has not answered by the response deadline is answered 503 for it;
 *   - a body over the route's limit is refused with 413 as soon as it is known (Content-Length) or exceeded
 *     (chunked), and chunked bodies grow geometrically, so a body costs O(its size) in time and memory.
 * Memory per connection: about 700 bytes of state while idle. While a request is being read, plus its arena
 * (4 KiB for a small request; the header blocks add up to at most about twice max_header_bytes) and unparsed
 * input, at most one read (64 KiB) beyond what the parser takes; pipelined input while an answer is pending
 * stops reading past one request's limits. Once upgraded (WebSocket) a connection is a raw stream
 * (core/http_stream) without HTTP timers.
 */
#ifndef SD_CORE_HTTP_CONN_H
#define SD_CORE_HTTP_CONN_H

#include <http_parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "core/fanout.h"
#include "core/http_server.h"

#define SD_HTTP_READ_CHUNK 65536

typedef struct sd_http_stream sd_http_conn_t;

/* How many connections one address holds (per-address cap). */
typedef struct sd_http_addr {
    char peer[48];
    int count;
    UT_hash_handle hh;
} sd_http_addr_t;

/* The part of a request the handler does not see. */
struct sd_http_internal {
    sd_http_conn_t *conn; /* NULL once the client has gone or was answered for the handler */
    sd_http_server_t *srv;
    uint64_t start_ns;
    bool keep_alive;
    bool head;
    char *extra_headers; /* "Name: value\r\n"... in the arena */
    size_t extra_len;
    size_t body_cap;      /* bytes r->body can hold (chunked bodies grow) */
    size_t body_limit;    /* this request's body limit */
    bool spool;           /* the body goes to r->body_fd */
    size_t spool_counted; /* bytes of it counted in the server's spooled total */
    int answered;         /* the status the client got for the handler (deadline, abort); 0: not yet */
};

struct sd_http_stream {
    uv_tcp_t tcp;
    uv_timer_t timer;
    sd_http_server_t *srv;
    http_parser parser;
    char *in; /* bytes received and not yet parsed (only while some wait) */
    size_t in_len, in_off;
    sd_request_t *req;    /* being parsed */
    sd_request_t *active; /* dispatched, waiting for its answer */
    char *hbuf;           /* the request line and headers, in req's arena: NUL-separated tokens */
    size_t hlen, hcap;    /* bytes used, capacity */
    size_t header_bytes;  /* bytes of the header block counted against the limit */
    size_t url_len;
    const char *url;
    bool last_was_value;
    bool peer_gone;   /* the client closed or reset while its request was in flight */
    int error_status; /* a limit tripped while parsing */
    bool message_done;
    bool in_message;
    bool closing;
    bool last;      /* the answer being written is the connection's last */
    bool lingering; /* answered and shut down for writing: discard input until EOF or timeout */
    uv_shutdown_t shutdown_req;
    bool reading;
    int handles_open;
    uint64_t deadline_ns; /* the current phase's end: header phase, then the whole request */
    sd_http_conn_t *prev, *next;
    sd_http_addr_t *addr;            /* NULL when not counted (a trusted proxy) */
    const sd_http_stream_cbs_t *raw; /* set once upgraded: bytes go to its owner */
    void *raw_ctx;
    bool raw_flushed; /* the 101 is out: pending input may be handed over */
    char peer[48];
    unsigned long batch; /* the last write batch that wrote to this connection directly */

    /* A streamed answer (core/http_outstream): the one under way, or NULL; once it ended, whether to linger
       as soon as its queued bytes are out. */
    struct sd_http_out *out;
    bool close_when_sent;
};

struct sd_http_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    bool listening;
    sd_http_limits_t limits;
    sd_http_handler_fn handler;
    void *ctx;
    sd_http_body_limit_fn body_limit;
    void *body_limit_ctx;
    sd_http_spool_fn spool;
    void *spool_ctx;
    char spool_dir[512];
    size_t spool_max_total, spooled; /* all spooled bodies: the cap, and what they hold (or announced) */
    sd_http_conn_t *conns;
    int conn_count;
    int in_flight;
    bool draining;
    sd_http_closed_fn done;
    void *done_ctx;
    int port;
    sd_http_observer_fn observer;
    void *observer_ctx;
    sd_http_addr_t *addrs; /* connections per address */
    uv_tcp_t *spare;       /* accepts a connection there is no memory for, to close it */
    bool spare_busy, accept_pending;
    bool aborted; /* requests still in flight were answered for their handlers */
    unsigned long refused;
    char read_buf[SD_HTTP_READ_CHUNK]; /* every connection reads here in turn: idle ones hold no buffer */
    sd_fanout_t *fanout;               /* made at the first batch write */
    unsigned long batches;
    bool batch_open; /* a batch has the fanout */
};

/* Starts reading and serving an accepted connection (c->tcp accepted, c on the server's list). */
void sd_http_conn_start(sd_http_conn_t *c);
/* Closes the connection at once; the handler of a request in flight still answers, to nobody. */
void sd_http_conn_close(sd_http_conn_t *c);
/* Half-closes after the last answer and keeps discarding input for a moment (so the client reads the answer
   instead of a reset). */
void sd_http_conn_linger(sd_http_conn_t *c);
/* Writes head then body; takes ownership of both (malloc'd; either may be NULL). close_after: the last. */
void sd_http_conn_write(sd_http_conn_t *c, char *head, size_t head_len, char *body, size_t body_len,
                        bool close_after);
/* Writes a complete error answer {code, message} with status and closes after it when close_after. */
void sd_http_conn_send_error(sd_http_conn_t *c, int status, int code, const char *message, bool close_after);
/* Starts reading (if not already). */
void sd_http_conn_read(sd_http_conn_t *c);
/* Parses what is pending and goes on serving (after an answer went out). */
void sd_http_conn_process(sd_http_conn_t *c);
/* Called when the server may be done draining: runs its done callback once nothing is left. */
void sd_http_server_check_done(sd_http_server_t *srv);
/* The 101 is out: input that came with the upgrade goes to the stream's owner, then reading goes on raw. */
void sd_http_stream_started(sd_http_conn_t *c);
/* The request was answered by the upgrade's 101: logged, counted out and freed; the connection is raw. */
void sd_http_respond_upgraded(sd_request_t *req);
/* Counts req's spooled body as total bytes (no less than counted so far) in the server's spooled total;
   false when that would pass the cap (nothing counted then). */
bool sd_http_spool_count(sd_request_t *req, size_t total);
/* Frees a request: its spool file, then its arena. */
void sd_http_request_free(sd_request_t *req);
/* Keeps the answer of req from its connection: the client was answered (deadline, abort) for the handler. */
void sd_http_request_detach(sd_request_t *req);

/* Logs, counts out and frees an answered request (whose bytes, if any, went to its connection already). */
void sd_http_request_release(sd_request_t *req, int status);
/* http_outstream: a write of the connection completed while a streamed answer is under way. */
void sd_http_out_written(sd_http_conn_t *c);
/* http_outstream: the connection is closing; its streamed answer's producer is told the client is gone. */
void sd_http_out_lost(sd_http_conn_t *c);

/* http_parse: the parser callbacks of every connection (core/http_parse.c). */
const http_parser_settings *sd_http_parse_settings(void);

#endif
