/*
 * http_outstream: a streamed answer of core/http_server, for bodies too large to hold whole (the CDN's
 * objects). The handler begins the answer (status, its added headers, Content-Length or chunked framing),
 * writes the body in pieces as its producer makes them, and ends it. Backpressure: a write reports when the
 * connection's queue of unsent bytes is over a high mark, and the producer waits for on_drain, which runs
 * once the queue is back under a low mark; so an answer costs at most about the high mark plus one piece in
 * memory, however slow its client. on_gone runs when the client went away (it closed or reset the connection,
 * a write failed, it stopped taking bytes for the server's idle timeout, or the server aborted): the producer
 * stops and ends the answer. A HEAD request gets the headers only; its writes are taken and dropped.
 *
 * The producer ends every answer it began exactly once, with sd_http_out_end or sd_http_out_abort, gone or
 * not; that releases the request. No callback runs after it.
 */
#ifndef SD_CORE_HTTP_OUTSTREAM_H
#define SD_CORE_HTTP_OUTSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/http_server.h"

/* Unsent bytes over which a write asks the producer to wait, and under which on_drain lets it go on. */
#define SD_HTTP_OUT_HIGH_MARK (256 * 1024)
#define SD_HTTP_OUT_LOW_MARK (64 * 1024)

typedef struct sd_http_out sd_http_out_t;

typedef struct {
    void (*on_drain)(void *ctx); /* after a write returned SD_HTTP_OUT_FULL: the queue is low again */
    void (*on_gone)(void *ctx);  /* the client is gone: stop producing, then end the answer */
} sd_http_out_cbs_t;

enum { SD_HTTP_OUT_OK = 0, SD_HTTP_OUT_FULL = 1 };

/*
 * Begins the answer to req: status, the headers added with sd_http_add_header, Content-Type, and
 * Content-Length: length (length < 0: chunked transfer coding). cbs and ctx are borrowed until the answer
 * ends. Returns the stream, valid until sd_http_out_end/abort; NULL when there is no memory, having
 * answered 500 (req is then released).
 */
sd_http_out_t *sd_http_out_begin(sd_request_t *req, int status, const char *content_type, int64_t length,
                                 const sd_http_out_cbs_t *cbs, void *ctx);
/*
 * Sends data[0..len) (borrowed for the call; what the socket does not take at once is copied). Returns
 * SD_HTTP_OUT_OK, SD_HTTP_OUT_FULL (taken, but wait for on_drain before the next write), or
 * SD_ERR_UNAVAILABLE when the client is gone (nothing sent; on_gone does not run for it then).
 */
int sd_http_out_write(sd_http_out_t *o, const void *data, size_t len);
/* Whether the client has gone (on_gone ran or a write found it gone). */
int sd_http_out_gone(const sd_http_out_t *o);
/* Ends the answer after its last piece (a chunked one gets its last chunk); releases the request. */
void sd_http_out_end(sd_http_out_t *o);
/* Ends an answer its producer could not finish: the connection is closed so that the client sees the body
   cut short rather than a complete one; releases the request. */
void sd_http_out_abort(sd_http_out_t *o);

#endif
