/* core/http_server's accept path when memory runs out: the listener must go on (it used to stop for good once
   a connection's state could not be allocated, since libuv waits for an accept that never came). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/http_conn.h"

/* The unit tests link with -Wl,--wrap=calloc: this fails the next n allocations of a connection's state. */
static int fail_conn_allocs;
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
    if (fail_conn_allocs > 0 && n == 1 && size == sizeof(sd_http_conn_t)) {
        fail_conn_allocs--;
        return NULL;
    }
    return __real_calloc(n, size);
}

static void answer(sd_request_t *req, void *ctx)
{
    (void)ctx;
    sd_http_respond(req, 200, "text/plain", "ok", 2);
}

typedef struct {
    int port;
    uv_async_t done;
    char first[256], second[256];
    ssize_t first_len, second_len;
} client_t;

/* One request on a fresh connection; returns what came back before the server closed or 5 s passed. */
static ssize_t ask(int port, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t got = -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        (void)!write(fd, req, sizeof req - 1);
        got = 0;
        for (ssize_t n; (size_t)got < cap - 1 && (n = read(fd, out + got, cap - 1 - (size_t)got)) > 0;)
            got += n;
        out[got] = '\0';
    }
    close(fd);
    return got;
}

static void *client(void *arg)
{
    client_t *c = arg;
    c->first_len = ask(c->port, c->first, sizeof c->first);
    c->second_len = ask(c->port, c->second, sizeof c->second);
    uv_async_send(&c->done);
    return NULL;
}

static void on_done(uv_async_t *a)
{
    uv_stop(a->loop);
}

Test(http_accept, a_connection_without_memory_is_closed_and_the_next_is_served)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_http_server_t *srv = sd_http_server_new(&loop, NULL, answer, NULL);
    cr_assert_not_null(srv);
    cr_assert_eq(sd_http_server_listen(srv, "127.0.0.1", 0), SD_OK);
    client_t c = {.port = sd_http_server_port(srv)};
    uv_async_init(&loop, &c.done, on_done);
    fail_conn_allocs = 1;
    pthread_t t;
    pthread_create(&t, NULL, client, &c);
    uv_run(&loop, UV_RUN_DEFAULT);
    pthread_join(t, NULL);
    cr_assert_eq(c.first_len, 0, "closed without an answer: %s", c.first);
    cr_assert(strncmp(c.second, "HTTP/1.1 200", 12) == 0, "the next connection is served: %s", c.second);
    cr_assert_eq(sd_http_server_refused(srv), 1);
    uv_close((uv_handle_t *)&c.done, NULL);
    sd_http_server_abort(srv);
    uv_run(&loop, UV_RUN_DEFAULT);
    sd_http_server_free(srv);
    cr_assert_eq(uv_loop_close(&loop), 0);
}
