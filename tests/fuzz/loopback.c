#include "loopback.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_loop_t loop;
static sd_http_server_t *server;
static int port;

typedef struct {
    uv_tcp_t tcp;
    uv_connect_t connect;
    uv_write_t write;
    uv_shutdown_t shutdown;
    uv_buf_t bufs[2];
    char read_buf[65536];
    bool done;
} client_t;

void fuzz_loopback_start(sd_http_handler_fn handler, void *ctx)
{
    if (server) return;
    uv_loop_init(&loop);
    /* The server's own limits (config's defaults), so that what the fuzzer finds is what a client could do.
     */
    sd_http_limits_t limits = {.max_header_bytes = 16 * 1024, .max_body_bytes = 1024 * 1024};
    server = sd_http_server_new(&loop, &limits, handler, ctx);
    if (!server || sd_http_server_listen(server, "127.0.0.1", 0) != SD_OK) abort();
    port = sd_http_server_port(server);
}

static void on_closed(uv_handle_t *h)
{
    ((client_t *)h->data)->done = true;
}

/* A reset rather than a FIN: hundreds of thousands of connections must not pile up in TIME_WAIT. */
static void finish(client_t *c)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
    if (uv_tcp_close_reset(&c->tcp, on_closed)) uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    client_t *c = h->data;
    (void)suggested;
    *buf = uv_buf_init(c->read_buf, sizeof c->read_buf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    if (n < 0) finish(s->data); /* the server hung up (or reset): the exchange is over */
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status;
}

static void on_written(uv_write_t *w, int status)
{
    client_t *c = w->data;
    if (status < 0) { /* the server may hang up before reading everything: a 431 or 413 */
        finish(c);
        return;
    }
    c->shutdown.data = c;
    uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown);
}

static void on_connect(uv_connect_t *req, int status)
{
    client_t *c = req->data;
    if (status < 0) abort();
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    c->write.data = c;
    uv_write(&c->write, (uv_stream_t *)&c->tcp, c->bufs, 2, on_written);
}

void fuzz_loopback_exchange(const void *head, size_t head_len, const uint8_t *data, size_t size)
{
    client_t *c = calloc(1, sizeof *c);
    if (!c) abort();
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", port, &addr);
    uv_tcp_init(&loop, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    c->bufs[0] = uv_buf_init((char *)head, (unsigned)head_len);
    c->bufs[1] = uv_buf_init((char *)data, (unsigned)size);
    uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&addr, on_connect);
    while (!c->done)
        uv_run(&loop, UV_RUN_ONCE);
    free(c);
}
