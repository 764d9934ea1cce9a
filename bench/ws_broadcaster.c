/*
 * ws_broadcaster: the ceiling of the gateway benchmark. The same HTTP server and WebSocket code as the
 * gateway (core/http_server, core/websocket with wslay) and no chat logic: GET /socket upgrades and sends one
 * frame ("hello"); POST /broadcast sends its body as one text frame to every open socket and answers 204.
 *
 *   ws_broadcaster PORT        (prints "listening" once bound)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/http_server.h"
#include "core/log.h"
#include "core/websocket.h"

#define MAX_SOCKETS 65536

static sd_ws_t *sockets[MAX_SOCKETS];
static int send_buffer = 65536;

static void on_text(void *ctx, const char *msg, size_t len)
{
    (void)ctx;
    (void)msg;
    (void)len;
}

static void on_gone(void *ctx, int code)
{
    (void)code;
    sockets[(intptr_t)ctx] = NULL;
}

static const sd_ws_cbs_t cbs = {on_text, on_gone, NULL};

static void handle(sd_request_t *req, void *ctx)
{
    (void)ctx;
    if (!strcmp(req->method, "GET") && !strcmp(req->path, "/socket")) {
        intptr_t slot = 0;
        while (slot < MAX_SOCKETS && sockets[slot])
            slot++;
        if (slot == MAX_SOCKETS) {
            sd_http_respond(req, 503, "text/plain", "full", 4);
            return;
        }
        sd_ws_t *ws = sd_ws_accept(req, 4096, &cbs, (void *)slot);
        if (!ws) return;
        sockets[slot] = ws;
        sd_ws_send_buffer(ws, send_buffer);
        sd_ws_send_text(ws, "hello", 5);
        return;
    }
    if (!strcmp(req->method, "POST") && !strcmp(req->path, "/broadcast")) {
        sd_ws_batch_t *batch = sd_ws_batch_new(); /* as the gateway sends an event to its sessions */
        for (int i = 0; i < MAX_SOCKETS; i++)
            if (sockets[i]) sd_ws_batch_add(batch, sockets[i], NULL, 0, req->body, req->body_len);
        sd_ws_batch_end(batch);
        sd_http_respond(req, 204, "text/plain", "", 0);
        return;
    }
    sd_http_respond(req, 404, "text/plain", "not found", 9);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ws_broadcaster PORT\n");
        return 2;
    }
    sd_log_set_level(SD_LOG_WARN); /* no line per request: the gateway bench runs its server at warn too */
    uv_loop_t *loop = uv_default_loop();
    sd_http_limits_t limits = {0};
    sd_http_server_t *srv = sd_http_server_new(loop, &limits, handle, NULL);
    if (!srv || sd_http_server_listen(srv, "127.0.0.1", atoi(argv[1])) != SD_OK) {
        fprintf(stderr, "ws_broadcaster: cannot listen\n");
        return 1;
    }
    printf("listening %d\n", sd_http_server_port(srv));
    fflush(stdout);
    return uv_run(loop, UV_RUN_DEFAULT);
}
