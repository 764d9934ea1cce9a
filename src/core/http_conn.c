/* A client connection of the HTTP server: reads, timers, dispatch, writes, linger and close (see
   core/http_conn.h for the bounds it keeps). */
#include "core/http_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

typedef struct {
    uv_write_t w;
    sd_http_conn_t *conn;
    char *head;
    char *body;
    bool close_after;
} write_req_t;

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_timeout(uv_timer_t *t);

static void arm_timer(sd_http_conn_t *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timeout, ms, 0);
}

/* Arms the timer for what is left of the current phase's deadline (at least 1 ms). */
static void arm_deadline(sd_http_conn_t *c)
{
    uint64_t now = uv_hrtime();
    arm_timer(c, c->deadline_ns > now ? (c->deadline_ns - now) / 1000000u + 1 : 1);
}

void sd_http_conn_read(sd_http_conn_t *c)
{
    if (c->reading) return;
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    c->reading = true;
}

static void stop_reading(sd_http_conn_t *c)
{
    if (!c->reading) return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
}

/* ---- closing ---- */

static void on_handle_closed(uv_handle_t *h)
{
    sd_http_conn_t *c = h->data;
    if (--c->handles_open > 0) return;
    sd_http_server_t *srv = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    srv->conn_count--;
    if (c->addr && --c->addr->count == 0) {
        HASH_DEL(srv->addrs, c->addr);
        free(c->addr);
    }
    if (c->raw && c->raw->on_closed) c->raw->on_closed(c->raw_ctx);
    free(c->in);
    free(c);
    sd_http_server_check_done(srv);
}

void sd_http_conn_close(sd_http_conn_t *c)
{
    if (c->closing) return;
    c->closing = true;
    if (c->req) sd_http_request_free(c->req);
    c->req = NULL;
    if (c->active) c->active->internal->conn = NULL; /* the handler still answers; nobody listens */
    c->active = NULL;
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    sd_http_out_lost(c); /* last: its producer may end the answer from there */
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status; /* the linger timer or EOF closes the connection */
}

void sd_http_conn_linger(sd_http_conn_t *c)
{
    c->lingering = true;
    c->in_message = false;
    sd_http_conn_read(c);
    if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        sd_http_conn_close(c);
        return;
    }
    arm_timer(c, 2000);
}

/* ---- writing ---- */

static void on_write(uv_write_t *w, int status)
{
    write_req_t *wr = (write_req_t *)w;
    sd_http_conn_t *c = wr->conn;
    bool close_after = wr->close_after || status < 0;
    free(wr->head);
    free(wr->body);
    free(wr);
    if (c->closing) return;
    if (c->raw) {
        if (status < 0)
            sd_http_conn_close(c);
        else if (!c->raw_flushed)
            sd_http_stream_started(c);
        return;
    }
    if (close_after) {
        if (status < 0)
            sd_http_conn_close(c);
        else
            sd_http_conn_linger(c);
        return;
    }
    if (c->out) {
        sd_http_out_written(c);
        return;
    }
    if (c->close_when_sent) {
        if (c->tcp.write_queue_size == 0) sd_http_conn_linger(c);
        return;
    }
    sd_http_conn_process(c);
}

void sd_http_conn_write(sd_http_conn_t *c, char *head, size_t head_len, char *body, size_t body_len,
                        bool close_after)
{
    write_req_t *wr = calloc(1, sizeof *wr);
    if (!wr) {
        free(head);
        free(body);
        sd_http_conn_close(c);
        return;
    }
    wr->conn = c;
    wr->head = head;
    wr->body = body;
    wr->close_after = close_after;
    if (close_after) c->last = true;
    uv_buf_t bufs[2] = {uv_buf_init(head, (unsigned)head_len), uv_buf_init(body, (unsigned)body_len)};
    uv_buf_t *first = head_len ? bufs : bufs + 1;
    unsigned n = (head_len ? 1 : 0) + (body_len ? 1 : 0);
    if (n == 0 || uv_write(&wr->w, (uv_stream_t *)&c->tcp, first, n, on_write) < 0) {
        free(head);
        free(body);
        free(wr);
        sd_http_conn_close(c);
    }
}

void sd_http_conn_send_error(sd_http_conn_t *c, int status, int code, const char *message, bool close_after)
{
    char body[192];
    int bl = snprintf(body, sizeof body, "{\"code\":%d,\"message\":\"%s\"}", code, message);
    char *head = malloc(256);
    char *b = bl > 0 && (size_t)bl < sizeof body ? malloc((size_t)bl) : NULL;
    if (!head || !b) {
        free(head);
        free(b);
        sd_http_conn_close(c);
        return;
    }
    memcpy(b, body, (size_t)bl);
    int n = snprintf(head, 256,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s"
                     "Connection: %s\r\n\r\n",
                     status, sd_http_status_text(status), bl, status == 503 ? "Retry-After: 1\r\n" : "",
                     close_after ? "close" : "keep-alive");
    sd_http_conn_write(c, head, (size_t)n, b, (size_t)bl, close_after);
}

/* Answers a request that broke a limit or the protocol, and closes after it. */
static void respond_parse_error(sd_http_conn_t *c, int status)
{
    const char *msg = status == 431   ? "431: Request Header Fields Too Large"
                      : status == 414 ? "414: URI Too Long"
                      : status == 413 ? "Request entity too large"
                      : status == 503 ? "503: Service Unavailable"
                                      : "400: Bad Request";
    sd_log(SD_LOG_INFO, "request rejected", json_pack("{s:i, s:s}", "status", status, "peer", c->peer));
    if (c->req) sd_http_request_free(c->req);
    c->req = NULL;
    c->in_message = false;
    sd_http_conn_send_error(c, status, status == 413 ? SD_API_TOO_LARGE : SD_API_GENERAL, msg, true);
}

/* ---- timers ---- */

static void on_timeout(uv_timer_t *t)
{
    sd_http_conn_t *c = t->data;
    if (c->active) { /* the handler is too slow: the client is answered now, the handler's answer dropped */
        sd_request_t *r = c->active;
        sd_log(
            SD_LOG_WARN, "request deadline passed",
            json_pack("{s:s, s:s, s:s}", "method", r->method, "path", r->path, "request_id", r->request_id));
        sd_http_request_detach(r);
        sd_http_conn_send_error(c, 503, SD_API_GENERAL, "503: Service Unavailable", true);
        return;
    }
    if (c->in_message && !c->lingering) { /* a slow client: 408 and hang up */
        if (c->req) sd_http_request_free(c->req);
        c->req = NULL;
        c->in_message = false;
        sd_http_conn_send_error(c, 408, SD_API_GENERAL, "408: Request Timeout", true);
        return;
    }
    sd_http_conn_close(c);
}

/* ---- reading ---- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    sd_http_conn_t *c = h->data;
    (void)suggested;
    /* Every read lands in the server's buffer; a connection keeps only what waits to be parsed. */
    *buf = uv_buf_init(c->srv->read_buf, sizeof c->srv->read_buf);
}

/* Keeps data[0..len) behind the connection's pending input; false when out of memory. */
static bool keep_pending(sd_http_conn_t *c, const char *data, size_t len)
{
    if (c->in_off) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    char *p = realloc(c->in, c->in_len + len);
    if (!p) return false;
    memcpy(p + c->in_len, data, len);
    c->in = p;
    c->in_len += len;
    return true;
}

static void dispatch(sd_http_conn_t *c)
{
    sd_request_t *r = c->req;
    sd_http_server_t *srv = c->srv;
    c->req = NULL;
    c->hbuf = NULL;
    c->active = r;
    c->in_message = false;
    uv_timer_stop(&c->timer);
    /* After a request asking for another protocol, the parser reads no more HTTP: unless the handler
       upgrades the connection, it closes after the answer. */
    r->internal->keep_alive = http_should_keep_alive(&c->parser) != 0 && !c->parser.upgrade;
    r->internal->head = c->parser.method == HTTP_HEAD;
    if (srv->limits.response_timeout_ms) arm_timer(c, srv->limits.response_timeout_ms);
    srv->in_flight++;
    srv->handler(r, srv->ctx);
}

/* Parses data[0..len) and dispatches what completes; returns how many bytes the parser took. */
static size_t parse(sd_http_conn_t *c, const char *data, size_t len)
{
    size_t off = 0;
    while (!c->closing && !c->last && !c->active && !c->raw && off < len) {
        off += http_parser_execute(&c->parser, sd_http_parse_settings(), data + off, len - off);
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        if (c->error_status) {
            respond_parse_error(c, c->error_status);
            return len;
        }
        if (e == HPE_PAUSED) {
            http_parser_pause(&c->parser, 0);
            if (c->message_done) {
                c->message_done = false;
                dispatch(c);
            }
            continue;
        }
        if (e != HPE_OK) {
            respond_parse_error(c, 400);
            return len;
        }
    }
    return off;
}

/* After parsing: go on reading, and arm the timer of the phase the connection is in. */
static void settle(sd_http_conn_t *c)
{
    if (c->closing || c->last || c->active || c->raw) return; /* upgraded: its owner keeps time */
    sd_http_conn_read(c);
    if (c->srv->draining && !c->in_message) {
        sd_http_conn_close(c);
        return;
    }
    if (c->in_message)
        arm_deadline(c);
    else
        arm_timer(c, c->srv->limits.idle_timeout_ms);
}

void sd_http_conn_process(sd_http_conn_t *c)
{
    if (c->in_off < c->in_len) c->in_off += parse(c, c->in + c->in_off, c->in_len - c->in_off);
    if (c->in_off == c->in_len) {
        free(c->in);
        c->in = NULL;
        c->in_len = c->in_off = 0;
    }
    settle(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    sd_http_conn_t *c = s->data;
    if (nread == 0) return;
    if (c->lingering) {
        if (nread < 0) sd_http_conn_close(c);
        return;
    }
    if (c->raw && c->raw_flushed) {
        if (nread < 0)
            sd_http_conn_close(c);
        else
            c->raw->on_data(c->raw_ctx, buf->base, (size_t)nread);
        return;
    }
    if (nread < 0) {
        /* The answer is still wanted by nobody: drop the socket when it comes (a streamed one stops now). */
        if (c->active && !c->raw && !c->out) {
            stop_reading(c);
            c->active->internal->keep_alive = false;
            c->peer_gone = true;
            return;
        }
        sd_http_conn_close(c);
        return;
    }
    size_t n = (size_t)nread;
    if (c->in_off < c->in_len || c->active || c->last || c->raw) { /* behind what waits already */
        if (!keep_pending(c, buf->base, n)) {
            sd_http_conn_close(c);
            return;
        }
        /* Input beyond one full request waits in the kernel while an answer is pending. */
        if (c->in_len - c->in_off > c->srv->limits.max_header_bytes + c->srv->limits.max_body_bytes)
            stop_reading(c);
        if (!c->raw) sd_http_conn_process(c);
        return;
    }
    size_t used = parse(c, buf->base, n);
    if (used < n && !c->closing && !keep_pending(c, buf->base + used, n - used)) {
        sd_http_conn_close(c);
        return;
    }
    settle(c);
}

void sd_http_conn_start(sd_http_conn_t *c)
{
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    settle(c);
}

bool sd_http_request_gone(const sd_request_t *req)
{
    if (!req->internal) return false; /* not from a connection (a test's) */
    const sd_http_conn_t *c = req->internal->conn;
    return !c || c->closing || c->peer_gone;
}

void sd_http_request_detach(sd_request_t *req)
{
    struct sd_http_internal *in = req->internal;
    if (in->conn && in->conn->active == req) in->conn->active = NULL;
    in->conn = NULL;
    in->answered = 503;
}
