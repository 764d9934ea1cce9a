/*
 * ws_load: N WebSocket clients on one libuv loop, for the gateway benchmark (bench/bench_gateway.py).
 *
 *   ws_load HOST PORT N MODE [TOKEN...]
 *
 * MODE "gateway": each client identifies with the next token (round robin) and is ready at its GUILD_CREATE.
 * MODE "gateway-zstd": the same on zstd-stream sockets (?compress=zstd-stream), each client decoding its
 * socket's stream with a zstd decoder of its own, as a Discord client does.
 * MODE "bare": a client is ready at its first frame. Once all are ready it prints "ready" on stdout. Every
 * text frame that holds "bench:<message>:<ns>" (ns: CLOCK_MONOTONIC when the message was sent) counts as that
 * message's delivery to that client. When stdin closes it prints one JSON line per message seen:
 * {"m", "count", "p50_ms", "p99_ms", "max_ms"} (latency from send to each client), then, with WS_LOAD_POOL=K
 * set, one more over every delivery of messages 0..K-1 together: {"pooled": K, "count", "p50_ms", ...}, then
 * exits.
 */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>
#include <zstd.h>

#define MAX_MESSAGES 4096
#define CONNECTING_AT_ONCE 256

typedef struct {
    uv_tcp_t tcp;
    uv_connect_t connect;
    int index;
    bool upgraded, ready;
    char *pending; /* bytes of an incomplete frame (or of the HTTP answer) */
    size_t pending_len;
    ZSTD_DCtx *zstd; /* gateway-zstd: the socket's one decoder */
} client_t;

typedef struct {
    uint32_t *lat_us; /* one per delivery */
    size_t count, cap;
} message_t;

static uv_loop_t *loop;
static client_t *clients;
static int n_clients, n_ready, n_started;
static const char *host, *mode;
static int port;
static char **tokens;
static int n_tokens;
static message_t messages[MAX_MESSAGES];
static char shared_buf[1 << 20];
static char decoded[8 << 20]; /* a zstd-stream message, decoded */
static bool zstd_mode;
static uv_pipe_t in_pipe;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    free(w->data);
    free(w);
}

static void send_raw(client_t *c, const char *data, size_t len)
{
    uv_write_t *w = malloc(sizeof *w);
    char *copy = malloc(len);
    memcpy(copy, data, len);
    w->data = copy;
    uv_buf_t b = uv_buf_init(copy, (unsigned)len);
    if (uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
        free(copy);
        free(w);
    }
}

/* A masked text frame, as a client must send it. */
static void send_text(client_t *c, const char *text)
{
    size_t len = strlen(text), head = len < 126 ? 2 : 4;
    char *f = malloc(head + 4 + len);
    f[0] = (char)0x81;
    if (len < 126) {
        f[1] = (char)(0x80 | len);
    } else {
        f[1] = (char)(0x80 | 126);
        f[2] = (char)(len >> 8);
        f[3] = (char)(len & 0xff);
    }
    memset(f + head, 0, 4); /* a zero mask: valid, and the payload stays as it is */
    memcpy(f + head + 4, text, len);
    send_raw(c, f, head + 4 + len);
    free(f);
}

static void start_next(void);

static void became_ready(client_t *c)
{
    c->ready = true;
    if (++n_ready == n_clients) {
        printf("ready\n");
        fflush(stdout);
    }
    start_next();
}

static void record(const char *p, size_t len)
{
    const char *hit = memmem(p, len, "bench:", 6);
    if (!hit) return;
    unsigned long m = strtoul(hit + 6, (char **)&hit, 10);
    if (*hit != ':' || m >= MAX_MESSAGES) return;
    uint64_t sent = strtoull(hit + 1, NULL, 10);
    uint64_t lat = now_ns() - sent;
    message_t *msg = &messages[m];
    if (msg->count == msg->cap) {
        msg->cap = msg->cap ? msg->cap * 2 : 1024;
        msg->lat_us = realloc(msg->lat_us, msg->cap * sizeof *msg->lat_us);
    }
    msg->lat_us[msg->count++] = (uint32_t)(lat / 1000);
}

static void on_frame(client_t *c, const char *payload, size_t len)
{
    if (!c->ready) {
        if (!strcmp(mode, "bare")) {
            became_ready(c);
        } else if (memmem(payload, len, "\"op\":10", 7)) {
            char identify[1024];
            snprintf(identify, sizeof identify,
                     "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":33281,\"properties\":{\"os\":\"linux\","
                     "\"browser\":\"ws_load\",\"device\":\"ws_load\"}}}",
                     tokens[c->index % n_tokens]);
            send_text(c, identify);
        } else if (memmem(payload, len, "\"t\":\"GUILD_CREATE\"", 18)) {
            became_ready(c);
        }
        return;
    }
    record(payload, len);
}

/* A binary message of a zstd-stream socket: one whole gateway message once decoded. */
static void on_zstd_frame(client_t *c, const unsigned char *payload, size_t len)
{
    ZSTD_inBuffer in = {payload, len, 0};
    ZSTD_outBuffer out = {decoded, sizeof decoded, 0};
    while (in.pos < in.size) {
        size_t rc = ZSTD_decompressStream(c->zstd, &out, &in);
        if (ZSTD_isError(rc) || out.pos == out.size) {
            fprintf(stderr, "ws_load: client %d: zstd: %s\n", c->index,
                    ZSTD_isError(rc) ? ZSTD_getErrorName(rc) : "message too big");
            exit(1);
        }
    }
    on_frame(c, decoded, out.pos);
}

/* Consumes whole frames from data; returns the bytes used. */
static size_t frames(client_t *c, const char *data, size_t len)
{
    size_t used = 0;
    while (len - used >= 2) {
        const unsigned char *p = (const unsigned char *)data + used;
        size_t avail = len - used, head = 2, plen = p[1] & 0x7f;
        if (plen == 126) {
            if (avail < 4) break;
            plen = ((size_t)p[2] << 8) | p[3];
            head = 4;
        } else if (plen == 127) {
            if (avail < 10) break;
            plen = 0;
            for (int i = 2; i < 10; i++)
                plen = (plen << 8) | p[i];
            head = 10;
        }
        if (avail < head + plen) break;
        if ((p[0] & 0x0f) == 1) on_frame(c, (const char *)p + head, plen);
        if ((p[0] & 0x0f) == 2 && c->zstd) on_zstd_frame(c, p + head, plen);
        used += head + plen;
    }
    return used;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(shared_buf, sizeof shared_buf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    client_t *c = s->data;
    if (nread < 0) {
        if (!uv_is_closing((uv_handle_t *)s)) uv_close((uv_handle_t *)s, NULL);
        return;
    }
    const char *data = buf->base;
    size_t len = (size_t)nread;
    char *joined = NULL;
    if (c->pending_len) {
        joined = malloc(c->pending_len + len);
        memcpy(joined, c->pending, c->pending_len);
        memcpy(joined + c->pending_len, data, len);
        data = joined;
        len += c->pending_len;
    }
    size_t used = 0;
    if (!c->upgraded) {
        const char *end = memmem(data, len, "\r\n\r\n", 4);
        if (end) {
            c->upgraded = true;
            used = (size_t)(end - data) + 4;
        } else {
            used = 0;
        }
    }
    if (c->upgraded) used += frames(c, data + used, len - used);
    free(c->pending);
    c->pending = NULL;
    c->pending_len = len - used;
    if (c->pending_len) {
        c->pending = malloc(c->pending_len);
        memcpy(c->pending, data + used, c->pending_len);
    }
    free(joined);
}

static void on_connect(uv_connect_t *req, int status)
{
    client_t *c = req->data;
    if (status < 0) {
        fprintf(stderr, "connect %d: %s\n", c->index, uv_strerror(status));
        exit(1);
    }
    c->tcp.data = c;
    char upgrade[512];
    snprintf(upgrade, sizeof upgrade,
             "GET /%s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
             strcmp(mode, "bare") ? zstd_mode ? "gateway?v=10&encoding=json&compress=zstd-stream"
                                              : "gateway?v=10&encoding=json"
                                  : "socket",
             host, port);
    send_raw(c, upgrade, strlen(upgrade));
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void start_one(int i)
{
    client_t *c = &clients[i];
    c->index = i;
    uv_tcp_init(loop, &c->tcp);
    struct sockaddr_in addr;
    uv_ip4_addr(host, port, &addr);
    c->connect.data = c;
    if (zstd_mode && !(c->zstd = ZSTD_createDCtx())) {
        fprintf(stderr, "ws_load: no memory for a zstd decoder\n");
        exit(1);
    }
    uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&addr, on_connect);
}

/* Keeps at most CONNECTING_AT_ONCE clients between connect and ready. */
static void start_next(void)
{
    while (n_started < n_clients && n_started - n_ready < CONNECTING_AT_ONCE)
        start_one(n_started++);
}

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts lat (n > 0) and prints its percentiles after the JSON fields in label. */
static void percentiles(const char *label, uint32_t *lat, size_t n)
{
    qsort(lat, n, sizeof *lat, by_value);
    printf("{%s, \"count\": %zu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}\n", label, n,
           lat[n / 2] / 1000.0, lat[n * 99 / 100] / 1000.0, lat[n - 1] / 1000.0);
}

static void report(void)
{
    const char *pool_env = getenv("WS_LOAD_POOL");
    int pool = pool_env ? atoi(pool_env) : 0;
    size_t pooled_n = 0;
    for (int m = 0; m < pool && m < MAX_MESSAGES; m++)
        pooled_n += messages[m].count;
    uint32_t *pooled = pooled_n ? malloc(pooled_n * sizeof *pooled) : NULL;
    pooled_n = 0;
    for (int m = 0; m < MAX_MESSAGES; m++) {
        message_t *msg = &messages[m];
        if (!msg->count) continue;
        if (pooled && m < pool) {
            memcpy(pooled + pooled_n, msg->lat_us, msg->count * sizeof *pooled);
            pooled_n += msg->count;
        }
        char label[32];
        snprintf(label, sizeof label, "\"m\": %d", m);
        percentiles(label, msg->lat_us, msg->count);
    }
    if (pooled) {
        char label[32];
        snprintf(label, sizeof label, "\"pooled\": %d", pool);
        percentiles(label, pooled, pooled_n);
        free(pooled);
    }
    fflush(stdout);
}

static void on_stdin_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    static char b[256];
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(b, sizeof b);
}

static void on_stdin(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    if (nread >= 0) return;
    uv_read_stop(s);
    report();
    exit(0);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: ws_load HOST PORT N gateway|gateway-zstd|bare [TOKEN...]\n");
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    n_clients = atoi(argv[3]);
    mode = argv[4];
    zstd_mode = !strcmp(mode, "gateway-zstd");
    tokens = argv + 5;
    n_tokens = argc - 5;
    if (n_clients <= 0 || (strcmp(mode, "bare") && n_tokens == 0)) {
        fprintf(stderr, "ws_load: N > 0, and tokens for gateway mode\n");
        return 2;
    }
    loop = uv_default_loop();
    clients = calloc((size_t)n_clients, sizeof *clients);
    uv_pipe_init(loop, &in_pipe, 0);
    uv_pipe_open(&in_pipe, 0);
    uv_read_start((uv_stream_t *)&in_pipe, on_stdin_alloc, on_stdin);
    start_next();
    return uv_run(loop, UV_RUN_DEFAULT);
}
