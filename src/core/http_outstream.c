/* Streamed answers (core/http_outstream.h): the head, the body in pieces with backpressure, the end, and the
   client going away, on a connection of core/http_conn. */
#include "core/http_outstream.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_conn.h"

struct sd_http_out {
    sd_request_t *req;
    sd_http_conn_t *conn; /* NULL once the client is gone */
    const sd_http_out_cbs_t *cbs;
    void *ctx;
    int status;
    bool chunked;
    bool head_only;
    bool keep;    /* the connection stays open after the answer */
    bool waiting; /* a write returned SD_HTTP_OUT_FULL: on_drain is due */
    bool in_write;
};

/* No byte taken by the client nor made by the producer for the idle timeout: the client is taken as gone. */
static void on_stall(uv_timer_t *t)
{
    sd_http_conn_t *c = t->data;
    sd_http_conn_close(c);
}

static void arm_stall(sd_http_conn_t *c)
{
    uv_timer_start(&c->timer, on_stall, c->srv->limits.idle_timeout_ms, 0);
}

/* Sends bufs: straight into the socket when nothing waits before them, the rest copied and queued. */
static int send_bufs(sd_http_out_t *o, uv_buf_t *bufs, unsigned n)
{
    sd_http_conn_t *c = o->conn;
    size_t total = 0, sent = 0;
    for (unsigned i = 0; i < n; i++)
        total += bufs[i].len;
    if (c->tcp.write_queue_size == 0) {
        int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
        if (r > 0) sent = (size_t)r;
    }
    if (sent < total) {
        char *rest = malloc(total - sent);
        if (!rest) {
            sd_http_conn_close(c);
            return SD_ERR_UNAVAILABLE;
        }
        size_t at = 0, skip = sent;
        for (unsigned i = 0; i < n; i++) {
            size_t len = bufs[i].len;
            if (skip >= len) {
                skip -= len;
                continue;
            }
            memcpy(rest + at, bufs[i].base + skip, len - skip);
            at += len - skip;
            skip = 0;
        }
        sd_http_conn_write(c, NULL, 0, rest, at, false); /* takes rest; closes the connection on failure */
        if (!o->conn) return SD_ERR_UNAVAILABLE;
    }
    arm_stall(c);
    return c->tcp.write_queue_size > SD_HTTP_OUT_HIGH_MARK ? SD_HTTP_OUT_FULL : SD_HTTP_OUT_OK;
}

sd_http_out_t *sd_http_out_begin(sd_request_t *req, int status, const char *content_type, int64_t length,
                                 const sd_http_out_cbs_t *cbs, void *ctx)
{
    struct sd_http_internal *in = req->internal;
    sd_http_conn_t *c = in->conn;
    sd_http_out_t *o = sd_arena_alloc(req->arena, sizeof *o);
    size_t cap = 320 + in->extra_len + strlen(content_type);
    char *head = o ? sd_arena_alloc(req->arena, cap) : NULL;
    if (!head) {
        sd_http_respond_error(req, 500, SD_API_GENERAL, "500: Internal Server Error", NULL);
        return NULL;
    }
    *o = (sd_http_out_t){.req = req, .cbs = cbs, .ctx = ctx, .status = status, .head_only = in->head};
    if (!c || c->closing || c->lingering) return o; /* gone already: every write says so */
    o->conn = c;
    o->chunked = length < 0;
    o->keep = in->keep_alive && !in->srv->draining;
    c->out = o;
    char framing[64];
    if (length >= 0)
        snprintf(framing, sizeof framing, "Content-Length: %" PRId64 "\r\n", length);
    else
        snprintf(framing, sizeof framing, "%s", o->head_only ? "" : "Transfer-Encoding: chunked\r\n");
    int n = snprintf(
        head, cap, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%sX-Request-Id: %s\r\nConnection: %s\r\n%.*s\r\n",
        status, sd_http_status_text(status), content_type, framing, req->request_id,
        o->keep ? "keep-alive" : "close", (int)in->extra_len, in->extra_headers ? in->extra_headers : "");
    uv_buf_t buf = uv_buf_init(head, (unsigned)n);
    o->in_write = true;
    int rc = send_bufs(o, &buf, 1);
    o->in_write = false;
    if (rc == SD_HTTP_OUT_FULL) o->waiting = true;
    return o;
}

int sd_http_out_write(sd_http_out_t *o, const void *data, size_t len)
{
    if (!o->conn) return SD_ERR_UNAVAILABLE;
    if (o->head_only || len == 0) return SD_HTTP_OUT_OK;
    char size_line[24];
    uv_buf_t bufs[3];
    unsigned n = 0;
    if (o->chunked) {
        int sl = snprintf(size_line, sizeof size_line, "%zx\r\n", len);
        bufs[n++] = uv_buf_init(size_line, (unsigned)sl);
    }
    bufs[n++] = uv_buf_init((char *)data, (unsigned)len);
    if (o->chunked) bufs[n++] = uv_buf_init("\r\n", 2);
    o->in_write = true;
    int rc = send_bufs(o, bufs, n);
    o->in_write = false;
    if (rc == SD_HTTP_OUT_FULL) o->waiting = true;
    return rc;
}

int sd_http_out_gone(const sd_http_out_t *o)
{
    return o->conn == NULL;
}

/* Releases the request and hands the connection back: kept for the next request, closed after what is
   queued, or closed at once (abort). */
static void finish(sd_http_out_t *o, bool abort)
{
    sd_request_t *req = o->req;
    sd_http_conn_t *c = o->conn;
    bool keep = c && o->keep && !abort && !req->internal->srv->draining;
    int status = o->status;
    if (c) {
        c->out = NULL;
        c->active = NULL;
        uv_timer_stop(&c->timer);
        if (abort) {
            sd_http_conn_close(c);
        } else if (!keep) {
            c->last = true;
            if (c->tcp.write_queue_size == 0)
                sd_http_conn_linger(c);
            else
                c->close_when_sent = true; /* core/http_conn lingers once the queue is out */
        }
    }
    sd_http_request_release(req, status); /* o is gone with the request's arena */
    if (keep) sd_http_conn_process(c);
}

void sd_http_out_end(sd_http_out_t *o)
{
    if (o->conn && o->chunked && !o->head_only) {
        uv_buf_t last = uv_buf_init("0\r\n\r\n", 5);
        o->in_write = true;
        send_bufs(o, &last, 1);
        o->in_write = false;
    }
    finish(o, false);
}

void sd_http_out_abort(sd_http_out_t *o)
{
    finish(o, true);
}

void sd_http_out_written(sd_http_conn_t *c)
{
    sd_http_out_t *o = c->out;
    arm_stall(c);
    if (!o->waiting || c->tcp.write_queue_size > SD_HTTP_OUT_LOW_MARK) return;
    o->waiting = false;
    if (o->cbs && o->cbs->on_drain) o->cbs->on_drain(o->ctx);
}

void sd_http_out_lost(sd_http_conn_t *c)
{
    sd_http_out_t *o = c->out;
    if (!o) return;
    c->out = NULL;
    o->conn = NULL;
    o->waiting = false;
    /* A write that finds the client gone says so itself; otherwise the producer hears it now (and may end
       the answer from the callback: o is not touched after it). */
    if (!o->in_write && o->cbs && o->cbs->on_gone) o->cbs->on_gone(o->ctx);
}
