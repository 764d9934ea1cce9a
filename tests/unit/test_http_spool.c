/* core/http_server's spooled bodies over a real loopback connection: the handler finds the body in its spool
   file, chunked or not, and sees the client go away while it works. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/http_server.h"

#define BODY (300 * 1024 + 7)

static bool spool_all(const sd_request_t *req, sd_http_spool_t *out, void *ctx)
{
    out->max_bytes = 1 << 20;
    return true;
}

typedef struct {
    uv_loop_t loop;
    sd_http_server_t *srv;
    uv_async_t done;
    uv_timer_t poll;
    sd_request_t *held;
    int port;
    bool chunked, hang_up;
    char answer[512];
    bool spooled, same, gone;
} ctx_t;

static char *pattern(void)
{
    char *b = malloc(BODY);
    for (size_t i = 0; i < BODY; i++)
        b[i] = (char)(i * 31 + (i >> 9));
    return b;
}

static void on_poll(uv_timer_t *t)
{
    ctx_t *c = t->data;
    if (!sd_http_request_gone(c->held)) return;
    c->gone = true;
    uv_timer_stop(t);
    sd_http_respond(c->held, 200, "text/plain", "late", 4);
    uv_stop(&c->loop);
}

static void handle(sd_request_t *req, void *arg)
{
    ctx_t *c = arg;
    c->spooled = req->body_spooled && req->body_fd >= 0 && req->body_len == BODY && !*req->body;
    char *want = pattern(), *got = malloc(BODY);
    c->same = c->spooled && pread(req->body_fd, got, BODY, 0) == BODY && !memcmp(want, got, BODY);
    free(want);
    free(got);
    if (c->hang_up) { /* answer only once the client is seen gone */
        c->held = req;
        uv_timer_start(&c->poll, on_poll, 10, 10);
        return;
    }
    sd_http_respond(req, 200, "text/plain", "ok", 2);
}

static void *client(void *arg)
{
    ctx_t *c = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        char head[256];
        int hl = snprintf(head, sizeof head, "POST /up HTTP/1.1\r\nHost: x\r\n%s\r\n",
                          c->chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 307207\r\n");
        (void)!write(fd, head, (size_t)hl);
        char *b = pattern();
        for (size_t off = 0; off < BODY;) {
            size_t n = BODY - off < 10000 ? BODY - off : 10000;
            if (c->chunked) {
                hl = snprintf(head, sizeof head, "%zx\r\n", n);
                (void)!write(fd, head, (size_t)hl);
            }
            (void)!write(fd, b + off, n);
            if (c->chunked) (void)!write(fd, "\r\n", 2);
            off += n;
        }
        if (c->chunked) (void)!write(fd, "0\r\n\r\n", 5);
        free(b);
        if (!c->hang_up) {
            ssize_t got = 0;
            for (ssize_t n; (size_t)got < sizeof c->answer - 1 &&
                            (n = read(fd, c->answer + got, sizeof c->answer - 1 - (size_t)got)) > 0;) {
                got += n;
                if (strstr(c->answer, "\r\n\r\nok")) break;
            }
        } else {
            usleep(100000);
        }
    }
    close(fd);
    if (!c->hang_up) uv_async_send(&c->done);
    return NULL;
}

static void on_done(uv_async_t *a)
{
    uv_stop(a->loop);
}

static void run(ctx_t *c)
{
    uv_loop_init(&c->loop);
    c->srv = sd_http_server_new(&c->loop, NULL, handle, c);
    sd_http_server_set_spool(c->srv, spool_all, NULL, 0, NULL);
    cr_assert_eq(sd_http_server_listen(c->srv, "127.0.0.1", 0), SD_OK);
    c->port = sd_http_server_port(c->srv);
    uv_async_init(&c->loop, &c->done, on_done);
    uv_timer_init(&c->loop, &c->poll);
    c->poll.data = c;
    pthread_t t;
    pthread_create(&t, NULL, client, c);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    pthread_join(t, NULL);
    uv_close((uv_handle_t *)&c->done, NULL);
    uv_close((uv_handle_t *)&c->poll, NULL);
    sd_http_server_shutdown(c->srv, NULL, NULL);
    sd_http_server_abort(c->srv);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    sd_http_server_free(c->srv);
    cr_assert_eq(uv_loop_close(&c->loop), 0);
}

Test(http_spool, a_body_is_in_its_spool_file_whole)
{
    for (int chunked = 0; chunked < 2; chunked++) {
        ctx_t *c = calloc(1, sizeof *c);
        c->chunked = chunked;
        run(c);
        cr_assert(c->spooled, "chunked %d", chunked);
        cr_assert(c->same, "chunked %d", chunked);
        cr_assert(strncmp(c->answer, "HTTP/1.1 200", 12) == 0, "%s", c->answer);
        free(c);
    }
}

Test(http_spool, the_handler_sees_the_client_go)
{
    ctx_t *c = calloc(1, sizeof *c);
    c->hang_up = true;
    run(c);
    cr_assert(c->same);
    cr_assert(c->gone);
    free(c);
}
