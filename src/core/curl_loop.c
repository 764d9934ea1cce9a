#include "core/curl_loop.h"

#include <stdlib.h>

typedef struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    sd_curl_loop_t *l;
    struct sock_ctx *prev, *next;
} sock_ctx_t;

struct sd_curl_loop {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    sd_curl_loop_done_fn done;
    void *done_ctx;
    sd_curl_loop_closed_fn closed;
    void *closed_ctx;
    int running;
    int handles_open;
    sock_ctx_t *socks;
};

static void check_done(sd_curl_loop_t *l)
{
    CURLMsg *msg;
    int left;
    while (l->multi && (msg = curl_multi_info_read(l->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode res = msg->data.result;
        curl_multi_remove_handle(l->multi, easy);
        l->running--;
        l->done(easy, res, l->done_ctx);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    sock_ctx_t *sc = h->data;
    sd_curl_loop_t *l = sc->l;
    int flags = 0, running;
    if (status < 0) flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    curl_multi_socket_action(l->multi, sc->fd, flags, &running);
    check_done(l);
}

/* The loop's memory goes with its last libuv handle. */
static void handle_released(sd_curl_loop_t *l)
{
    if (--l->handles_open > 0) return;
    sd_curl_loop_closed_fn closed = l->closed;
    void *ctx = l->closed_ctx;
    free(l);
    if (closed) closed(ctx);
}

static void on_sock_closed(uv_handle_t *h)
{
    sock_ctx_t *sc = h->data;
    sd_curl_loop_t *l = sc->l;
    free(sc);
    handle_released(l);
}

static void sock_forget(sd_curl_loop_t *l, sock_ctx_t *sc)
{
    if (sc->prev)
        sc->prev->next = sc->next;
    else
        l->socks = sc->next;
    if (sc->next) sc->next->prev = sc->prev;
    uv_poll_stop(&sc->poll);
    uv_close((uv_handle_t *)&sc->poll, on_sock_closed);
}

static int on_socket(CURL *e, curl_socket_t s, int action, void *userp, void *socketp)
{
    sd_curl_loop_t *l = userp;
    sock_ctx_t *sc = socketp;
    (void)e;
    if (action == CURL_POLL_REMOVE) {
        if (sc) {
            curl_multi_assign(l->multi, s, NULL);
            sock_forget(l, sc);
        }
        return 0;
    }
    if (!sc) {
        sc = calloc(1, sizeof *sc);
        if (!sc) return -1;
        sc->fd = s;
        sc->l = l;
        if (uv_poll_init_socket(l->loop, &sc->poll, s) != 0) {
            free(sc);
            return -1;
        }
        sc->poll.data = sc;
        l->handles_open++;
        sc->next = l->socks;
        if (l->socks) l->socks->prev = sc;
        l->socks = sc;
        curl_multi_assign(l->multi, s, sc);
    }
    int events = 0;
    if (action & CURL_POLL_IN) events |= UV_READABLE;
    if (action & CURL_POLL_OUT) events |= UV_WRITABLE;
    uv_poll_start(&sc->poll, events, on_poll);
    return 0;
}

static void on_curl_timeout(uv_timer_t *t)
{
    sd_curl_loop_t *l = t->data;
    int running;
    curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(l);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    sd_curl_loop_t *l = userp;
    (void)multi;
    if (timeout_ms < 0)
        uv_timer_stop(&l->timer);
    else
        uv_timer_start(&l->timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

sd_curl_loop_t *sd_curl_loop_new(uv_loop_t *loop, sd_curl_loop_done_fn done, void *ctx)
{
    sd_curl_loop_t *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->loop = loop;
    l->done = done;
    l->done_ctx = ctx;
    l->multi = curl_multi_init();
    if (!l->multi) {
        free(l);
        return NULL;
    }
    uv_timer_init(loop, &l->timer);
    l->timer.data = l;
    l->handles_open = 1;
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    return l;
}

CURLM *sd_curl_loop_multi(sd_curl_loop_t *l)
{
    return l->multi;
}

sd_err_t sd_curl_loop_add(sd_curl_loop_t *l, CURL *easy)
{
    if (curl_multi_add_handle(l->multi, easy) != CURLM_OK) return SD_ERR_INTERNAL;
    l->running++;
    return SD_OK;
}

void sd_curl_loop_remove(sd_curl_loop_t *l, CURL *easy)
{
    if (curl_multi_remove_handle(l->multi, easy) == CURLM_OK) l->running--;
}

int sd_curl_loop_running(const sd_curl_loop_t *l)
{
    return l->running;
}

static void on_timer_closed(uv_handle_t *h)
{
    handle_released(h->data);
}

void sd_curl_loop_close(sd_curl_loop_t *l, sd_curl_loop_closed_fn closed, void *ctx)
{
    if (!l) return;
    l->closed = closed;
    l->closed_ctx = ctx;
    curl_multi_cleanup(l->multi);
    l->multi = NULL;
    while (l->socks)
        sock_forget(l, l->socks);
    uv_close((uv_handle_t *)&l->timer, on_timer_closed);
}
