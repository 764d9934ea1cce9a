#include "core/http_server.h"

#include <http_parser.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fanout.h"
#include "core/log.h"

#define READ_CHUNK 65536

typedef struct sd_http_stream conn_t; /* a connection; once upgraded, a raw byte stream */

/* The part of a request the handler does not see. */
struct sd_http_internal {
    conn_t *conn; /* NULL once the client has gone */
    sd_http_server_t *srv;
    uint64_t start_ns;
    bool keep_alive;
    bool head;
    char *extra_headers; /* "Name: value\r\n"... in the arena */
    size_t extra_len;
};

struct sd_http_stream {
    uv_tcp_t tcp;
    uv_timer_t timer;
    sd_http_server_t *srv;
    http_parser parser;
    char *in; /* bytes received and not yet parsed */
    size_t in_len, in_off, in_cap;
    sd_request_t *req;    /* being parsed */
    sd_request_t *active; /* dispatched, waiting for its answer */
    size_t header_bytes;
    size_t url_len;
    char *url;
    bool last_was_value;
    int error_status; /* a limit tripped while parsing */
    bool message_done;
    bool in_message;
    bool closing;
    bool last;      /* the answer being written is the connection's last */
    bool lingering; /* answered and shut down for writing: discard input until EOF or timeout */
    uv_shutdown_t shutdown_req;
    bool reading;
    int handles_open;
    conn_t *prev, *next;
    const sd_http_stream_cbs_t *raw; /* set once upgraded: bytes go to its owner */
    void *raw_ctx;
    bool raw_flushed; /* the 101 is out: pending input may be handed over */
    char peer[48];
    unsigned long batch; /* the last write batch that wrote to this connection directly */
};

struct sd_http_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    bool listening;
    sd_http_limits_t limits;
    sd_http_handler_fn handler;
    void *ctx;
    conn_t *conns;
    int conn_count;
    int in_flight;
    bool draining;
    sd_http_closed_fn done;
    void *done_ctx;
    int port;
    sd_http_observer_fn observer;
    void *observer_ctx;
    char raw_buf[READ_CHUNK]; /* upgraded connections read here in turn: idle ones hold no buffer */
    sd_fanout_t *fanout;      /* made at the first batch write */
    unsigned long batches;
    bool batch_open; /* a batch has the fanout */
};

typedef struct {
    uv_write_t w;
    conn_t *conn;
    char *head;
    char *body;
    bool close_after;
} write_req_t;

static http_parser_settings g_settings; /* constant after first use */

static void conn_close(conn_t *c);
static void conn_process(conn_t *c);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void arm_timer(conn_t *c, uint64_t ms);
static void raw_start(conn_t *c);

static uint64_t now_ns(void)
{
    return uv_hrtime();
}

const char *sd_http_status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

/* ---- requests ---- */

static sd_request_t *request_new(conn_t *c)
{
    sd_arena_t *a = sd_arena_new();
    if (!a) return NULL;
    sd_request_t *r = sd_arena_alloc(a, sizeof *r);
    struct sd_http_internal *in = sd_arena_alloc(a, sizeof *in);
    if (!r || !in) {
        sd_arena_free(a);
        return NULL;
    }
    r->arena = a;
    r->internal = in;
    in->conn = c;
    in->srv = c->srv;
    in->start_ns = now_ns();
    unsigned char id[8];
    randombytes_buf(id, sizeof id);
    sodium_bin2hex(r->request_id, sizeof r->request_id, id, sizeof id);
    r->query = "";
    r->body = "";
    memcpy(r->peer, c->peer, sizeof r->peer);
    return r;
}

void sd_http_add_header(sd_request_t *req, const char *name, const char *value)
{
    struct sd_http_internal *in = req->internal;
    size_t add = strlen(name) + strlen(value) + 4;
    char *buf = sd_arena_alloc(req->arena, in->extra_len + add + 1);
    if (!buf) return;
    if (in->extra_len) memcpy(buf, in->extra_headers, in->extra_len);
    snprintf(buf + in->extra_len, add + 1, "%s: %s\r\n", name, value);
    in->extra_headers = buf;
    in->extra_len += add;
}

static void log_request(const sd_request_t *req, int status)
{
    double ms = (double)(now_ns() - req->internal->start_ns) / 1e6;
    const sd_http_server_t *srv = req->internal->srv;
    if (srv->observer) srv->observer(req, status, ms / 1e3, srv->observer_ctx);
    sd_log(SD_LOG_INFO, "request",
           json_pack("{s:s, s:s, s:i, s:f, s:s}", "method", req->method ? req->method : "", "path",
                     req->path ? req->path : "", "status", status, "duration_ms", ms, "request_id",
                     req->request_id));
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status; /* the linger timer or EOF closes the connection */
}

/*
 * Half-closes after the last answer and keeps reading (discarding) for a moment, so that a client still
 * sending a body we refused reads our answer instead of a reset.
 */
static void start_linger(conn_t *c)
{
    c->lingering = true;
    c->in_message = false;
    if (!c->reading) {
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        c->reading = true;
    }
    if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        conn_close(c);
        return;
    }
    arm_timer(c, 2000);
}

static void on_write(uv_write_t *w, int status)
{
    write_req_t *wr = (write_req_t *)w;
    conn_t *c = wr->conn;
    bool close_after = wr->close_after || status < 0;
    free(wr->head);
    free(wr->body);
    free(wr);
    if (c->closing) return;
    if (c->raw) {
        if (status < 0)
            conn_close(c);
        else if (!c->raw_flushed)
            raw_start(c);
        return;
    }
    if (close_after) {
        if (status < 0)
            conn_close(c);
        else
            start_linger(c);
        return;
    }
    conn_process(c);
}

/* Writes a full response on the connection; takes ownership of head and body. */
static void conn_write(conn_t *c, char *head, size_t head_len, char *body, size_t body_len, bool close_after)
{
    write_req_t *wr = calloc(1, sizeof *wr);
    if (!wr) {
        free(head);
        free(body);
        conn_close(c);
        return;
    }
    wr->conn = c;
    wr->head = head;
    wr->body = body;
    wr->close_after = close_after;
    if (close_after) c->last = true;
    uv_buf_t bufs[2] = {uv_buf_init(head, (unsigned)head_len), uv_buf_init(body, (unsigned)body_len)};
    if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, bufs, body_len ? 2 : 1, on_write) < 0) {
        free(head);
        free(body);
        free(wr);
        conn_close(c);
    }
}

void sd_http_respond(sd_request_t *req, int status, const char *content_type, const char *body, size_t len)
{
    struct sd_http_internal *in = req->internal;
    conn_t *c = in->conn;
    sd_http_server_t *srv = in->srv;
    log_request(req, status);
    srv->in_flight--;
    if (c && !c->closing) {
        bool keep = in->keep_alive && !srv->draining;
        size_t cap = 256 + in->extra_len + strlen(content_type);
        char *head = malloc(cap);
        char *copy = NULL;
        size_t send_len = in->head || status == 304 ? 0 : len;
        if (head && send_len) {
            copy = malloc(send_len);
            if (copy) memcpy(copy, body, send_len);
        }
        if (!head || (send_len && !copy)) {
            free(head);
            free(copy);
            c->active = NULL;
            conn_close(c);
        } else {
            /* A 204 or 304 carries neither body nor Content-Length (RFC 9110). */
            char framing[160] = "";
            if (status != 204 && status != 304)
                snprintf(framing, sizeof framing, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type,
                         len);
            int n = snprintf(head, cap, "HTTP/1.1 %d %s\r\n%sX-Request-Id: %s\r\nConnection: %s\r\n%.*s\r\n",
                             status, sd_http_status_text(status), framing, req->request_id,
                             keep ? "keep-alive" : "close", (int)in->extra_len,
                             in->extra_headers ? in->extra_headers : "");
            c->active = NULL;
            conn_write(c, head, (size_t)n, copy, send_len, !keep);
        }
    }
    sd_arena_free(req->arena);
    if (srv->draining && srv->conn_count == 0 && srv->in_flight == 0 && srv->done) {
        sd_http_closed_fn done = srv->done;
        srv->done = NULL;
        done(srv->done_ctx);
    }
}

void sd_http_respond_json(sd_request_t *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        static const char oom[] = "{\"code\":0,\"message\":\"500: Internal Server Error\"}";
        sd_http_respond(req, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    sd_http_respond(req, status, "application/json", text, strlen(text));
    free(text);
}

void sd_http_respond_error(sd_request_t *req, int status, int code, const char *message, json_t *errors)
{
    sd_http_respond_json(req, status, sd_api_error_body(code, message, errors));
}

int sd_http_server_in_flight(const sd_http_server_t *srv)
{
    return srv->in_flight;
}

/* ---- upgraded connections ---- */

/* The 101 is out: input that came with the request goes to the owner, then reading continues raw. */
static void raw_start(conn_t *c)
{
    c->raw_flushed = true;
    size_t left = c->in_len - c->in_off;
    char *pending = c->in;
    size_t off = c->in_off;
    c->in = NULL;
    c->in_len = c->in_off = c->in_cap = 0;
    if (!c->reading) {
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        c->reading = true;
    }
    if (left) c->raw->on_data(c->raw_ctx, pending + off, left);
    free(pending);
}

sd_http_stream_t *sd_http_upgrade(sd_request_t *req, const sd_http_stream_cbs_t *cbs, void *ctx)
{
    struct sd_http_internal *in = req->internal;
    conn_t *c = in->conn;
    if (!c || c->closing || in->srv->draining) {
        sd_http_respond_error(req, 503, SD_API_GENERAL, "503: Service Unavailable", NULL);
        return NULL;
    }
    size_t cap = 128 + in->extra_len;
    char *head = malloc(cap);
    if (!head) {
        sd_http_respond_error(req, 500, SD_API_GENERAL, "500: Internal Server Error", NULL);
        return NULL;
    }
    int n = snprintf(head, cap, "HTTP/1.1 101 Switching Protocols\r\nX-Request-Id: %s\r\n%.*s\r\n",
                     req->request_id, (int)in->extra_len, in->extra_headers ? in->extra_headers : "");
    log_request(req, 101);
    in->srv->in_flight--;
    c->active = NULL;
    c->raw = cbs;
    c->raw_ctx = ctx;
    uv_timer_stop(&c->timer);
    sd_arena_free(req->arena);
    conn_write(c, head, (size_t)n, NULL, 0, false);
    return c;
}

/* Queues (copied) what a direct write of head and data left unsent. */
static sd_err_t queue_rest(conn_t *c, const void *head, size_t head_len, const void *data, size_t len,
                           size_t sent)
{
    size_t total = head_len + len;
    if (sent == total) return SD_OK;
    char *rest = malloc(total - sent);
    if (!rest) return SD_ERR_NOMEM;
    size_t head_left = sent < head_len ? head_len - sent : 0;
    size_t data_sent = sent > head_len ? sent - head_len : 0;
    if (head_left) memcpy(rest, (const char *)head + (head_len - head_left), head_left);
    if (len > data_sent) memcpy(rest + head_left, (const char *)data + data_sent, len - data_sent);
    conn_write(c, NULL, 0, rest, total - sent, false);
    return SD_OK;
}

sd_err_t sd_http_stream_write(sd_http_stream_t *c, const void *head, size_t head_len, const void *data,
                              size_t len)
{
    if (c->closing || c->lingering) return SD_ERR_UNAVAILABLE;
    /* Most writes go straight into the socket: no copy, one system call. libuv refuses (EAGAIN) while
       earlier writes wait, so the order holds. */
    uv_buf_t bufs[2] = {uv_buf_init((char *)head, (unsigned)head_len),
                        uv_buf_init((char *)data, (unsigned)len)};
    int n = uv_try_write((uv_stream_t *)&c->tcp, bufs, 2);
    return queue_rest(c, head, head_len, data, len, n > 0 ? (size_t)n : 0);
}

/* True when the write can go straight into the socket from any thread: nothing of the connection's waits in
   libuv's queue, and the batch has no earlier write to it. */
static bool direct(conn_t *c, unsigned long batch, uv_os_fd_t *fd)
{
    if (c->closing || c->lingering || c->tcp.write_queue_size || c->batch == batch ||
        uv_fileno((uv_handle_t *)&c->tcp, fd) != 0)
        return false;
    c->batch = batch;
    return true;
}

/* A part of a batch: its writes (copied), and for each the job that writes it directly, if any. */
typedef struct part {
    struct part *next;
    size_t n;
    sd_http_write_t *writes;
    sd_fanout_job_t *jobs;
    size_t *job_of; /* write i -> its job, or n: not direct */
} part_t;

struct sd_http_batch {
    sd_http_server_t *srv; /* with its fanout, from the first part on; NULL: each write at once */
    part_t *first, **last;
    bool open;
};

sd_http_batch_t *sd_http_batch_new(void)
{
    sd_http_batch_t *b = calloc(1, sizeof *b);
    if (b) b->last = &b->first;
    return b;
}

static void write_each(const sd_http_write_t *writes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sd_http_stream_write(writes[i].stream, writes[i].head, writes[i].head_len, writes[i].data,
                             writes[i].len);
}

void sd_http_batch_add(sd_http_batch_t *b, const sd_http_write_t *writes, size_t n)
{
    if (n == 0) return;
    if (!b) {
        write_each(writes, n);
        return;
    }
    if (!b->open) { /* the first part: the server's fanout, unless another batch has it */
        sd_http_server_t *srv = writes[0].stream->srv;
        b->open = true;
        if (!srv->fanout) srv->fanout = sd_fanout_new(srv->limits.write_threads);
        if (srv->fanout && !srv->batch_open) {
            b->srv = srv;
            srv->batch_open = true;
            srv->batches++;
            sd_fanout_begin(srv->fanout);
        }
    }
    part_t *p = b->srv ? calloc(1, sizeof *p) : NULL;
    if (p) {
        p->writes = malloc(n * sizeof *p->writes);
        p->jobs = malloc(n * sizeof *p->jobs);
        p->job_of = malloc(n * sizeof *p->job_of);
    }
    if (!p || !p->writes || !p->jobs || !p->job_of) {
        if (p) {
            free(p->writes);
            free(p->jobs);
            free(p->job_of);
            free(p);
        }
        write_each(writes, n);
        return;
    }
    memcpy(p->writes, writes, n * sizeof *writes);
    p->n = n;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        uv_os_fd_t fd;
        p->job_of[i] = n;
        if (!direct(writes[i].stream, b->srv->batches, &fd)) continue;
        p->job_of[i] = count;
        p->jobs[count++] = (sd_fanout_job_t){
            fd, {{(void *)writes[i].head, writes[i].head_len}, {(void *)writes[i].data, writes[i].len}}, 0};
    }
    *b->last = p;
    b->last = &p->next;
    sd_fanout_add(b->srv->fanout, p->jobs, count);
}

void sd_http_batch_end(sd_http_batch_t *b)
{
    if (!b) return;
    if (b->srv) {
        sd_fanout_end(b->srv->fanout);
        b->srv->batch_open = false;
    }
    /* Back on the loop's thread alone: what did not go out whole is queued, in the batch's order. */
    for (part_t *p = b->first, *next; p; p = next) {
        next = p->next;
        for (size_t i = 0; i < p->n; i++) {
            const sd_http_write_t *w = &p->writes[i];
            if (p->job_of[i] == p->n) { /* not direct: the usual way, now */
                sd_http_stream_write(w->stream, w->head, w->head_len, w->data, w->len);
                continue;
            }
            ssize_t sent = p->jobs[p->job_of[i]].result;
            queue_rest(w->stream, w->head, w->head_len, w->data, w->len, sent > 0 ? (size_t)sent : 0);
        }
        free(p->writes);
        free(p->jobs);
        free(p->job_of);
        free(p);
    }
    free(b);
}

void sd_http_stream_send_buffer(sd_http_stream_t *c, int bytes)
{
    if (bytes > 0) uv_send_buffer_size((uv_handle_t *)&c->tcp, &bytes);
}

size_t sd_http_stream_queued(const sd_http_stream_t *c)
{
    return c->tcp.write_queue_size;
}

void sd_http_stream_close(sd_http_stream_t *c)
{
    if (c->closing || c->lingering) return;
    start_linger(c); /* what is queued goes out first; the peer's close or a timeout ends it */
}

/* ---- connections ---- */

static void on_handle_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    if (--c->handles_open > 0) return;
    sd_http_server_t *srv = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    srv->conn_count--;
    if (c->raw && c->raw->on_closed) c->raw->on_closed(c->raw_ctx);
    free(c->in);
    free(c->url);
    free(c);
    if (srv->draining && srv->conn_count == 0 && srv->in_flight == 0 && srv->done) {
        sd_http_closed_fn done = srv->done;
        srv->done = NULL;
        done(srv->done_ctx);
    }
}

static void conn_close(conn_t *c)
{
    if (c->closing) return;
    c->closing = true;
    if (c->req) sd_arena_free(c->req->arena);
    c->req = NULL;
    if (c->active) c->active->internal->conn = NULL; /* the handler still answers; nobody listens */
    c->active = NULL;
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

static void on_timeout(uv_timer_t *t)
{
    conn_t *c = t->data;
    if (c->active) return;
    if (c->in_message) {
        /* A slow client: answer 408 and hang up. */
        static const char body[] = "{\"code\":0,\"message\":\"408: Request Timeout\"}";
        char *head = malloc(160);
        char *b = malloc(sizeof body);
        if (head && b) {
            memcpy(b, body, sizeof body - 1);
            int n = snprintf(head, 160,
                             "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                             sizeof body - 1);
            c->in_message = false;
            conn_write(c, head, (size_t)n, b, sizeof body - 1, true);
            return;
        }
        free(head);
        free(b);
    }
    conn_close(c);
}

static void arm_timer(conn_t *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timeout, ms, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = h->data;
    (void)suggested;
    if (c->raw && (c->raw_flushed || c->lingering)) {
        *buf = uv_buf_init(c->srv->raw_buf, sizeof c->srv->raw_buf);
        return;
    }
    if (c->in_cap - c->in_len < READ_CHUNK) {
        if (c->in_off) { /* slide unparsed bytes down before growing */
            memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
            c->in_len -= c->in_off;
            c->in_off = 0;
        }
        if (c->in_cap - c->in_len < READ_CHUNK) {
            size_t cap = c->in_len + READ_CHUNK;
            char *p = realloc(c->in, cap);
            if (!p) {
                *buf = uv_buf_init(NULL, 0);
                return;
            }
            c->in = p;
            c->in_cap = cap;
        }
    }
    *buf = uv_buf_init(c->in + c->in_len, READ_CHUNK);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = s->data;
    if (c->lingering) {
        if (nread < 0) conn_close(c);
        if (!c->raw) c->in_len = c->in_off = 0;
        return;
    }
    if (c->raw) {
        if (nread < 0)
            conn_close(c);
        else if (!c->raw_flushed) /* kept in order behind what came with the request */
            c->in_len += (size_t)nread;
        else if (nread > 0)
            c->raw->on_data(c->raw_ctx, buf->base, (size_t)nread);
        return;
    }
    if (nread < 0) {
        if (c->active) { /* the answer is still wanted by nobody: drop the socket when it comes */
            uv_read_stop(s);
            c->reading = false;
            c->active->internal->keep_alive = false;
            return;
        }
        conn_close(c);
        return;
    }
    c->in_len += (size_t)nread;
    /* Pipelined input beyond one full request waits in the kernel while an answer is pending. */
    if (c->active &&
        c->in_len - c->in_off > c->srv->limits.max_header_bytes + c->srv->limits.max_body_bytes) {
        uv_read_stop(s);
        c->reading = false;
    }
    conn_process(c);
}

static void respond_parse_error(conn_t *c, int status)
{
    const char *msg = status == 431   ? "431: Request Header Fields Too Large"
                      : status == 413 ? "Request entity too large"
                                      : "400: Bad Request";
    int code = status == 413 ? SD_API_TOO_LARGE : SD_API_GENERAL;
    char body[128];
    int bl = snprintf(body, sizeof body, "{\"code\":%d,\"message\":\"%s\"}", code, msg);
    char *head = malloc(200);
    char *b = malloc((size_t)bl);
    if (!head || !b) {
        free(head);
        free(b);
        conn_close(c);
        return;
    }
    memcpy(b, body, (size_t)bl);
    int n = snprintf(head, 200,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\n",
                     status, sd_http_status_text(status), bl);
    sd_log(SD_LOG_INFO, "request rejected", json_pack("{s:i}", "status", status));
    if (c->req) sd_arena_free(c->req->arena);
    c->req = NULL;
    conn_write(c, head, (size_t)n, b, (size_t)bl, true);
}

static void dispatch(conn_t *c)
{
    sd_request_t *r = c->req;
    sd_http_server_t *srv = c->srv;
    c->req = NULL;
    c->active = r;
    c->in_message = false;
    uv_timer_stop(&c->timer);
    r->method = http_method_str((enum http_method)c->parser.method);
    /* After a request asking for another protocol, the parser reads no more HTTP: unless the handler
       upgrades the connection, it closes after the answer. */
    r->internal->keep_alive = http_should_keep_alive(&c->parser) != 0 && !c->parser.upgrade;
    r->internal->head = c->parser.method == HTTP_HEAD;
    char *url = sd_arena_strndup(r->arena, c->url ? c->url : "/", c->url_len);
    c->url_len = 0;
    if (!url) {
        respond_parse_error(c, 400);
        return;
    }
    char *q = strchr(url, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    r->path = url;
    srv->in_flight++;
    srv->handler(r, srv->ctx);
}

static void conn_process(conn_t *c)
{
    while (!c->closing && !c->last && !c->active && c->in_off < c->in_len) {
        size_t avail = c->in_len - c->in_off;
        size_t n = http_parser_execute(&c->parser, &g_settings, c->in + c->in_off, avail);
        c->in_off += n;
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        if (c->error_status) {
            respond_parse_error(c, c->error_status);
            return;
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
            return;
        }
    }
    if (c->in_off == c->in_len) c->in_off = c->in_len = 0;
    if (c->closing || c->last || c->active) return;
    if (!c->reading) {
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        c->reading = true;
    }
    if (c->srv->draining && !c->in_message) {
        conn_close(c);
        return;
    }
    arm_timer(c, c->in_message ? c->srv->limits.request_timeout_ms : c->srv->limits.idle_timeout_ms);
}

/* ---- http-parser callbacks ---- */

static int count_header_bytes(conn_t *c, size_t n)
{
    c->header_bytes += n;
    if (c->header_bytes > c->srv->limits.max_header_bytes) {
        c->error_status = 431;
        return -1;
    }
    return 0;
}

static int on_message_begin(http_parser *p)
{
    conn_t *c = p->data;
    c->req = request_new(c);
    if (!c->req) return -1;
    c->header_bytes = 0;
    c->url_len = 0;
    c->last_was_value = false;
    c->in_message = true;
    arm_timer(c, c->srv->limits.request_timeout_ms);
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    if (count_header_bytes(c, len)) return -1;
    char *u = realloc(c->url, c->url_len + len + 1);
    if (!u) return -1;
    memcpy(u + c->url_len, at, len);
    c->url = u;
    c->url_len += len;
    return 0;
}

/* Appends to the current header's name or value, both kept in the arena. */
static int append_header(conn_t *c, const char *at, size_t len, bool value)
{
    sd_request_t *r = c->req;
    if (count_header_bytes(c, len)) return -1;
    if (!value && (c->last_was_value || r->header_count == 0)) {
        if (r->header_count == SD_HTTP_MAX_HEADERS) {
            c->error_status = 431;
            return -1;
        }
        r->headers[r->header_count++] = (sd_http_pair_t){"", ""};
    }
    c->last_was_value = value;
    sd_http_pair_t *h = &r->headers[r->header_count - 1];
    const char *old = value ? h->value : h->name;
    size_t ol = strlen(old);
    char *s = sd_arena_alloc(r->arena, ol + len + 1);
    if (!s) return -1;
    memcpy(s, old, ol);
    memcpy(s + ol, at, len);
    if (value)
        h->value = s;
    else
        h->name = s;
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    return append_header(p->data, at, len, false);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    return append_header(p->data, at, len, true);
}

static int on_headers_complete(http_parser *p)
{
    conn_t *c = p->data;
    sd_request_t *r = c->req;
    size_t max = c->srv->limits.max_body_bytes;
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > max) {
        c->error_status = 413;
        return -1;
    }
    size_t cap = (p->flags & F_CONTENTLENGTH) ? (size_t)p->content_length : 0;
    char *b = sd_arena_alloc(r->arena, cap + 1);
    if (!b) return -1;
    r->body = b;
    r->body_len = 0;
    const char *expect = sd_request_header(r, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        char *head = malloc(sizeof cont);
        if (!head) return -1;
        memcpy(head, cont, sizeof cont);
        write_req_t *wr = calloc(1, sizeof *wr);
        if (!wr) {
            free(head);
            return -1;
        }
        wr->conn = c;
        wr->head = head;
        uv_buf_t buf = uv_buf_init(head, sizeof cont - 1);
        if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0) {
            free(head);
            free(wr);
            return -1;
        }
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    sd_request_t *r = c->req;
    size_t max = c->srv->limits.max_body_bytes;
    if (r->body_len + len > max) {
        c->error_status = 413;
        return -1;
    }
    if (!(p->flags & F_CONTENTLENGTH)) { /* chunked: grow in the arena */
        char *b = sd_arena_alloc(r->arena, r->body_len + len + 1);
        if (!b) return -1;
        memcpy(b, r->body, r->body_len);
        r->body = b;
    }
    memcpy((char *)r->body + r->body_len, at, len);
    r->body_len += len;
    ((char *)r->body)[r->body_len] = '\0';
    return 0;
}

static int on_message_complete(http_parser *p)
{
    conn_t *c = p->data;
    c->message_done = true;
    http_parser_pause(p, 1);
    return 0;
}

/* ---- server ---- */

static void on_connection(uv_stream_t *l, int status)
{
    sd_http_server_t *srv = l->data;
    if (status < 0 || srv->draining) return;
    conn_t *c = calloc(1, sizeof *c);
    if (!c) return;
    c->srv = srv;
    uv_tcp_init(srv->loop, &c->tcp);
    uv_timer_init(srv->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles_open = 2;
    c->next = srv->conns;
    if (srv->conns) srv->conns->prev = c;
    srv->conns = c;
    srv->conn_count++;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) < 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    struct sockaddr_storage sa;
    int salen = sizeof sa;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&sa, &salen) == 0) {
        if (sa.ss_family == AF_INET6)
            uv_ip6_name((const struct sockaddr_in6 *)&sa, c->peer, sizeof c->peer);
        else if (sa.ss_family == AF_INET)
            uv_ip4_name((const struct sockaddr_in *)&sa, c->peer, sizeof c->peer);
    }
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    conn_process(c);
}

sd_http_server_t *sd_http_server_new(uv_loop_t *loop, const sd_http_limits_t *limits,
                                     sd_http_handler_fn handler, void *ctx)
{
    sd_http_server_t *srv = calloc(1, sizeof *srv);
    if (!srv) return NULL;
    srv->loop = loop;
    srv->handler = handler;
    srv->ctx = ctx;
    srv->limits = (sd_http_limits_t){16 * 1024, 1024 * 1024, 60000, 15000, 0};
    if (limits) {
        if (limits->max_header_bytes) srv->limits.max_header_bytes = limits->max_header_bytes;
        if (limits->max_body_bytes) srv->limits.max_body_bytes = limits->max_body_bytes;
        if (limits->idle_timeout_ms) srv->limits.idle_timeout_ms = limits->idle_timeout_ms;
        if (limits->request_timeout_ms) srv->limits.request_timeout_ms = limits->request_timeout_ms;
        srv->limits.write_threads = limits->write_threads;
    }
    g_settings = (http_parser_settings){
        .on_message_begin = on_message_begin,
        .on_url = on_url,
        .on_header_field = on_header_field,
        .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete,
        .on_body = on_body,
        .on_message_complete = on_message_complete,
    };
    return srv;
}

sd_err_t sd_http_server_listen(sd_http_server_t *srv, const char *host, int port)
{
    struct sockaddr_storage addr;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0)
        return SD_ERR_INVALID;
    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    srv->listening = true;
    int rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&srv->listener, 1024, on_connection);
    if (rc != 0) {
        sd_log(SD_LOG_ERROR, "cannot listen",
               json_pack("{s:s, s:i, s:s}", "host", host, "port", port, "error", uv_strerror(rc)));
        return SD_ERR_IO;
    }
    struct sockaddr_storage bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &len);
    srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                  : ((struct sockaddr_in *)&bound)->sin_port);
    return SD_OK;
}

void sd_http_server_observe(sd_http_server_t *srv, sd_http_observer_fn fn, void *ctx)
{
    srv->observer = fn;
    srv->observer_ctx = ctx;
}

int sd_http_server_port(const sd_http_server_t *srv)
{
    return srv->port;
}

void sd_http_server_shutdown(sd_http_server_t *srv, sd_http_closed_fn done, void *ctx)
{
    srv->draining = true;
    srv->done = done;
    srv->done_ctx = ctx;
    if (srv->listening) {
        uv_close((uv_handle_t *)&srv->listener, NULL);
        srv->listening = false;
    }
    for (conn_t *c = srv->conns, *next; c; c = next) {
        next = c->next;
        if (!c->active && !c->in_message && !c->raw) conn_close(c); /* upgraded ones: their owner's */
    }
    if (srv->conn_count == 0 && srv->in_flight == 0 && srv->done) {
        srv->done = NULL;
        done(ctx);
    }
}

/* A minimal version, for main's shutdown: answers requests in flight at once, lets their handlers answer into
   the void later (their request stays valid until then), and closes idle connections. */
void sd_http_server_abort(sd_http_server_t *srv)
{
    static const char body[] = "{\"code\":0,\"message\":\"503: Service Unavailable\"}";
    for (conn_t *c = srv->conns, *next; c; c = next) {
        next = c->next;
        if (c->closing || c->lingering) continue;
        if (!c->active) {
            conn_close(c);
            continue;
        }
        c->active->internal->conn = NULL; /* the handler still answers; nobody listens */
        c->active = NULL;
        char *head = malloc(192), *b = malloc(sizeof body);
        if (!head || !b) {
            free(head);
            free(b);
            conn_close(c);
            continue;
        }
        memcpy(b, body, sizeof body - 1);
        int n = snprintf(head, 192,
                         "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
                         sizeof body - 1);
        c->in_message = false;
        conn_write(c, head, (size_t)n, b, sizeof body - 1, true);
    }
}

void sd_http_server_free(sd_http_server_t *srv)
{
    if (!srv) return;
    sd_fanout_free(srv->fanout);
    free(srv);
}
