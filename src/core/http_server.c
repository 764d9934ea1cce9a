/* The HTTP server (core/http_server.h): listening, accepting within the connection caps, shutdown. A
   connection's own work is core/http_conn. */
#include "core/http_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/http_conn.h"
#include "core/log.h"

/* Open files kept free of client connections, for DynamoDB, Redis and the rest of the process. */
#define FD_HEADROOM 128

/* The answer to a connection over a cap: written at once, without a connection's state behind it. */
static const char refusal_body[] = "{\"code\":0,\"message\":\"503: Too many connections\"}";
static char refusal[256];
static size_t refusal_len;

static void refusal_init(void)
{
    int n = snprintf(
        refusal, sizeof refusal,
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n%s",
        sizeof refusal_body - 1, refusal_body);
    refusal_len = n > 0 && (size_t)n < sizeof refusal ? (size_t)n : 0;
}

void sd_http_server_check_done(sd_http_server_t *srv)
{
    if (!srv->draining || srv->conn_count > 0 || !srv->done) return;
    if (srv->in_flight > 0 && !srv->aborted) return;
    sd_http_closed_fn done = srv->done;
    srv->done = NULL;
    done(srv->done_ctx);
}

static void accept_next(sd_http_server_t *srv);

static void on_spare_closed(uv_handle_t *h)
{
    sd_http_server_t *srv = h->data;
    srv->spare_busy = false;
    if (srv->accept_pending) {
        srv->accept_pending = false;
        accept_next(srv);
    }
}

/* The client's address, and whether it counts against the per-address cap (a trusted proxy does not). */
static bool peer_of(uv_tcp_t *t, const char *trusted, char *out, size_t cap)
{
    struct sockaddr_storage sa;
    int salen = sizeof sa;
    out[0] = '\0';
    if (uv_tcp_getpeername(t, (struct sockaddr *)&sa, &salen) == 0) {
        if (sa.ss_family == AF_INET6)
            uv_ip6_name((const struct sockaddr_in6 *)&sa, out, cap);
        else if (sa.ss_family == AF_INET)
            uv_ip4_name((const struct sockaddr_in *)&sa, out, cap);
    }
    return !sd_request_trusted(trusted, out, strlen(out));
}

/* Counts the connection against its address; false when the address is at its cap. */
static bool admit(sd_http_server_t *srv, sd_http_conn_t *c, bool counted)
{
    if (!counted || srv->limits.max_connections_per_address == 0) return true;
    sd_http_addr_t *a;
    HASH_FIND_STR(srv->addrs, c->peer, a);
    if (a && a->count >= srv->limits.max_connections_per_address) return false;
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a) return false;
        memcpy(a->peer, c->peer, sizeof a->peer);
        HASH_ADD_STR(srv->addrs, peer, a);
    }
    a->count++;
    c->addr = a;
    return true;
}

static void on_conn_refused(uv_handle_t *h)
{
    free(h->data); /* the connection struct; its timer was never started */
}

static void accept_next(sd_http_server_t *srv)
{
    sd_http_conn_t *c = calloc(1, sizeof *c);
    if (!c) { /* no memory for it: accept into the spare handle and close, or wait for the spare */
        if (srv->spare_busy) {
            srv->accept_pending = true;
            return;
        }
        uv_tcp_init(srv->loop, srv->spare);
        srv->spare->data = srv;
        srv->spare_busy = true;
        if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)srv->spare) == 0)
            sd_log(SD_LOG_WARN, "connection refused: out of memory", NULL);
        srv->refused++;
        uv_close((uv_handle_t *)srv->spare, on_spare_closed);
        return;
    }
    uv_tcp_init(srv->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&c->tcp) < 0) {
        uv_close((uv_handle_t *)&c->tcp, on_conn_refused);
        return;
    }
    bool counted = peer_of(&c->tcp, srv->limits.trusted_proxies, c->peer, sizeof c->peer);
    if (srv->conn_count >= srv->limits.max_connections || !admit(srv, c, counted)) {
        srv->refused++;
        uv_buf_t b = uv_buf_init(refusal, (unsigned)refusal_len);
        uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
        uv_close((uv_handle_t *)&c->tcp, on_conn_refused);
        return;
    }
    c->srv = srv;
    uv_timer_init(srv->loop, &c->timer);
    c->timer.data = c;
    c->handles_open = 2;
    c->next = srv->conns;
    if (srv->conns) srv->conns->prev = c;
    srv->conns = c;
    srv->conn_count++;
    uv_tcp_nodelay(&c->tcp, 1);
    sd_http_conn_start(c);
}

static void on_connection(uv_stream_t *l, int status)
{
    sd_http_server_t *srv = l->data;
    /* A failed accept (EMFILE included: libuv then closes its reserve descriptor, accepts and drops the
       waiting connections, and reopens it) leaves the listener running. */
    if (status < 0) {
        srv->refused++;
        return;
    }
    accept_next(srv);
}

sd_http_server_t *sd_http_server_new(uv_loop_t *loop, const sd_http_limits_t *limits,
                                     sd_http_handler_fn handler, void *ctx)
{
    sd_http_server_t *srv = calloc(1, sizeof *srv);
    if (!srv) return NULL;
    srv->spare = malloc(sizeof *srv->spare);
    if (!srv->spare) {
        free(srv);
        return NULL;
    }
    refusal_init();
    srv->loop = loop;
    srv->handler = handler;
    srv->ctx = ctx;
    sd_http_limits_t d = {.max_header_bytes = 16 * 1024,
                          .max_url_bytes = 8 * 1024,
                          .max_body_bytes = 1024 * 1024,
                          .idle_timeout_ms = 60000,
                          .header_timeout_ms = 10000,
                          .request_timeout_ms = 15000,
                          .response_timeout_ms = 30000,
                          .max_connections = 20000,
                          .max_connections_per_address = 256};
    if (limits) {
#define TAKE(f)                                                                                              \
    if (limits->f) d.f = limits->f
        TAKE(max_header_bytes);
        TAKE(max_url_bytes);
        TAKE(max_body_bytes);
        TAKE(idle_timeout_ms);
        TAKE(header_timeout_ms);
        TAKE(request_timeout_ms);
        TAKE(max_connections);
#undef TAKE
        d.response_timeout_ms = limits->response_timeout_ms;
        d.max_connections_per_address = limits->max_connections_per_address;
        d.write_threads = limits->write_threads;
        d.trusted_proxies = limits->trusted_proxies;
    }
    if (d.max_url_bytes > d.max_header_bytes) d.max_url_bytes = d.max_header_bytes;
    srv->limits = d;
    return srv;
}

void sd_http_server_set_body_limit(sd_http_server_t *srv, sd_http_body_limit_fn fn, void *ctx)
{
    srv->body_limit = fn;
    srv->body_limit_ctx = ctx;
}

void sd_http_server_set_spool(sd_http_server_t *srv, sd_http_spool_fn fn, const char *dir, size_t max_total,
                              void *ctx)
{
    srv->spool_max_total = max_total;
    srv->spool = fn;
    srv->spool_ctx = ctx;
    snprintf(srv->spool_dir, sizeof srv->spool_dir, "%s", dir ? dir : "");
}

/* Raises the soft open-file limit to the hard one, and keeps the connection cap within it. */
static void fit_open_files(sd_http_server_t *srv)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur <= FD_HEADROOM * 2) return;
    rlim_t room = rl.rlim_cur - FD_HEADROOM;
    if ((rlim_t)srv->limits.max_connections > room) {
        sd_log(SD_LOG_WARN, "connection cap lowered to fit the open-file limit",
               json_pack("{s:i, s:I}", "max_connections", srv->limits.max_connections, "open_files",
                         (json_int_t)rl.rlim_cur));
        srv->limits.max_connections = (int)room;
    }
}

sd_err_t sd_http_server_listen(sd_http_server_t *srv, const char *host, int port)
{
    struct sockaddr_storage addr;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0)
        return SD_ERR_INVALID;
    fit_open_files(srv);
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

int sd_http_server_connections(const sd_http_server_t *srv)
{
    return srv->conn_count;
}

unsigned long sd_http_server_refused(const sd_http_server_t *srv)
{
    return srv->refused;
}

static void close_listener(sd_http_server_t *srv)
{
    if (!srv->listening) return;
    uv_close((uv_handle_t *)&srv->listener, NULL);
    srv->listening = false;
}

void sd_http_server_shutdown(sd_http_server_t *srv, sd_http_closed_fn done, void *ctx)
{
    srv->draining = true;
    srv->done = done;
    srv->done_ctx = ctx;
    close_listener(srv);
    for (sd_http_conn_t *c = srv->conns, *next; c; c = next) {
        next = c->next;
        if (!c->active && !c->in_message && !c->raw) sd_http_conn_close(c); /* upgraded ones: their owner's */
    }
    sd_http_server_check_done(srv);
}

void sd_http_server_abort(sd_http_server_t *srv)
{
    srv->draining = true;
    srv->aborted = true;
    for (sd_http_conn_t *c = srv->conns, *next; c; c = next) {
        next = c->next;
        if (c->out) { /* a streamed answer under way: cut short, its producer told */
            sd_http_conn_close(c);
        } else if (c->active) { /* answered now; its handler's own answer, whenever it comes, goes nowhere */
            sd_http_request_detach(c->active);
            sd_http_conn_send_error(c, 503, SD_API_GENERAL, "503: Service Unavailable", true);
        } else {
            sd_http_conn_close(c);
        }
    }
    close_listener(srv);
    sd_http_server_check_done(srv);
}

void sd_http_server_free(sd_http_server_t *srv)
{
    if (!srv) return;
    while (srv->addrs) { /* left only by a stop with connections still open */
        sd_http_addr_t *a = srv->addrs;
        HASH_DEL(srv->addrs, a);
        free(a);
    }
    sd_fanout_free(srv->fanout);
    free(srv->spare);
    free(srv);
}
