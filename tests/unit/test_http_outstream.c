/* core/http_outstream: a streamed answer holds at most about its high mark however slow its client, goes on
   when the client catches up, is told when the client leaves, and frames chunked and HEAD answers right. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/http_conn.h"
#include "core/http_outstream.h"

#define PIECE 16384

typedef struct {
    sd_http_server_t *srv;
    uv_idle_t idle;
    sd_http_out_t *out;
    sd_http_conn_t *conn;
    int64_t total, sent; /* total < 0: chunked, 3 pieces */
    size_t max_queued;
    bool paused, gone, ended;
    int drains;
    /* the client's side */
    int port;
    const char *request;
    size_t read_before_close; /* 0: read everything */
    bool slow;
    char *got;
    size_t got_len;
    uv_async_t done;
    bool client_done;
} world_t;

static char pattern(int64_t i)
{
    return (char)(i * 7 + 3);
}

static void finish(world_t *w)
{
    uv_idle_stop(&w->idle);
    w->ended = true;
    sd_http_out_end(w->out);
}

static void produce(uv_idle_t *i)
{
    world_t *w = i->data;
    int64_t total = w->total < 0 ? 3 * PIECE : w->total;
    if (w->gone || w->sent >= total) {
        finish(w);
        return;
    }
    char buf[PIECE];
    size_t n = total - w->sent < PIECE ? (size_t)(total - w->sent) : PIECE;
    for (size_t k = 0; k < n; k++)
        buf[k] = pattern(w->sent + (int64_t)k);
    int rc = sd_http_out_write(w->out, buf, n);
    if (rc < 0) {
        w->gone = true;
        finish(w);
        return;
    }
    w->sent += (int64_t)n;
    if (w->conn->tcp.write_queue_size > w->max_queued) w->max_queued = w->conn->tcp.write_queue_size;
    if (rc == SD_HTTP_OUT_FULL) {
        w->paused = true;
        uv_idle_stop(&w->idle);
    }
}

static void on_drain(void *ctx)
{
    world_t *w = ctx;
    w->drains++;
    w->paused = false;
    uv_idle_start(&w->idle, produce);
}

static void on_gone(void *ctx)
{
    world_t *w = ctx;
    w->gone = true;
    if (!w->ended) finish(w);
}

static const sd_http_out_cbs_t cbs = {on_drain, on_gone};

static void handler(sd_request_t *req, void *ctx)
{
    world_t *w = ctx;
    w->conn = req->internal->conn;
    w->out = sd_http_out_begin(req, 200, "application/octet-stream", w->total, &cbs, w);
    cr_assert_not_null(w->out);
    if (req->internal->head) {
        w->ended = true;
        sd_http_out_end(w->out);
        return;
    }
    uv_idle_start(&w->idle, produce);
}

static void *client(void *arg)
{
    world_t *w = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int small = 16384;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)w->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t cap = 16 * 1024 * 1024;
    w->got = malloc(cap);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        (void)!write(fd, w->request, strlen(w->request));
        for (ssize_t n; w->got_len + 8192 < cap && (n = read(fd, w->got + w->got_len, 8192)) > 0;) {
            w->got_len += (size_t)n;
            if (w->read_before_close && w->got_len >= w->read_before_close) break;
            if (w->slow && w->got_len < 1024 * 1024) usleep(2000);
        }
    }
    w->got[w->got_len] = '\0';
    close(fd);
    uv_async_send(&w->done);
    return NULL;
}

static void on_client_done(uv_async_t *a)
{
    world_t *w = a->data;
    w->client_done = true;
}

static void wait_end(uv_timer_t *t)
{
    world_t *w = t->data;
    if (w->client_done && w->ended && sd_http_server_in_flight(w->srv) == 0) uv_stop(t->loop);
}

/* Serves one request of w from a fresh server until the client is done and the answer ended. */
static void run(world_t *w)
{
    signal(SIGPIPE, SIG_IGN); /* as the server does: a write to a client that left fails with EPIPE */
    uv_loop_t loop;
    uv_loop_init(&loop);
    w->srv = sd_http_server_new(&loop, NULL, handler, w);
    cr_assert_eq(sd_http_server_listen(w->srv, "127.0.0.1", 0), SD_OK);
    w->port = sd_http_server_port(w->srv);
    uv_idle_init(&loop, &w->idle);
    w->idle.data = w;
    uv_async_init(&loop, &w->done, on_client_done);
    w->done.data = w;
    uv_timer_t tick;
    uv_timer_init(&loop, &tick);
    tick.data = w;
    pthread_t t;
    pthread_create(&t, NULL, client, w);
    uv_timer_start(&tick, wait_end, 5, 5);
    uv_run(&loop, UV_RUN_DEFAULT); /* until the client is done and the answer ended */
    pthread_join(t, NULL);
    cr_assert_eq(sd_http_server_in_flight(w->srv), 0, "the request was released");
    uv_close((uv_handle_t *)&tick, NULL);
    uv_close((uv_handle_t *)&w->idle, NULL);
    uv_close((uv_handle_t *)&w->done, NULL);
    sd_http_server_shutdown(w->srv, NULL, NULL);
    sd_http_server_abort(w->srv);
    uv_run(&loop, UV_RUN_DEFAULT);
    sd_http_server_free(w->srv);
    uv_loop_close(&loop);
}

static const char *body_of(world_t *w)
{
    char *end = memmem(w->got, w->got_len, "\r\n\r\n", 4);
    cr_assert_not_null(end);
    return end + 4;
}

Test(http_outstream, a_slow_client_gets_every_byte_and_the_queue_stays_bounded)
{
    world_t w = {.total = 4 * 1024 * 1024,
                 .slow = true,
                 .request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"};
    run(&w);
    const char *body = body_of(&w);
    size_t len = w.got_len - (size_t)(body - w.got);
    cr_assert_eq(len, (size_t)w.total, "%zu bytes", len);
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(body[i], pattern((int64_t)i), "byte %zu", i);
    cr_assert(w.max_queued <= SD_HTTP_OUT_HIGH_MARK + PIECE, "queued %zu", w.max_queued);
    cr_assert(w.drains > 0, "the producer waited for the client");
    cr_assert(strstr(w.got, "Content-Length: 4194304\r\n"));
    free(w.got);
}

Test(http_outstream, a_client_that_leaves_stops_the_producer)
{
    world_t w = {.total = 64 * 1024 * 1024,
                 .read_before_close = 200000,
                 .request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"};
    run(&w);
    cr_assert(w.gone, "the producer was told");
    cr_assert(w.sent < w.total, "and stopped early (%lld bytes)", (long long)w.sent);
    free(w.got);
}

Test(http_outstream, chunked_and_head_answers)
{
    world_t w = {.total = -1, .request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"};
    run(&w);
    cr_assert(strstr(w.got, "Transfer-Encoding: chunked\r\n"));
    const char *body = body_of(&w);
    cr_assert(strncmp(body, "4000\r\n", 6) == 0);
    cr_assert(w.got_len > 5 && memcmp(w.got + w.got_len - 5, "0\r\n\r\n", 5) == 0);
    free(w.got);

    world_t h = {.total = 12345, .request = "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"};
    run(&h);
    cr_assert(strstr(h.got, "Content-Length: 12345\r\n"));
    cr_assert_eq(strlen(body_of(&h)), 0, "no body");
    free(h.got);
}
