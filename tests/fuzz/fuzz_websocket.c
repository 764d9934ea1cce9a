/* libFuzzer: the WebSocket frame reader (core/websocket with wslay) on arbitrary bytes that follow a valid
   upgrade over a real loopback connection; text messages are echoed, so the writer runs too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/websocket.h"
#include "loopback.h"

/* The connection's ctx: the sd_ws_t, known once sd_ws_accept has returned. */
typedef struct {
    sd_ws_t *ws;
} slot_t;

static void on_text(void *ctx, const char *msg, size_t len)
{
    slot_t *s = ctx;
    if (s->ws) sd_ws_send_text(s->ws, msg, len);
}

/* Binary messages are taken too (the gateway takes them): echoed as binary. */
static void on_binary(void *ctx, const char *msg, size_t len)
{
    slot_t *s = ctx;
    if (s->ws) sd_ws_send_binary(s->ws, msg, len);
}

static void on_gone(void *ctx, int code)
{
    (void)code;
    free(ctx);
}

static const sd_ws_cbs_t cbs = {on_text, on_gone, on_binary};

static void handle(sd_request_t *req, void *ctx)
{
    (void)ctx;
    slot_t *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->ws = sd_ws_accept(req, 16384, &cbs, s);
    if (!s->ws) free(s);
}

static const char upgrade[] =
    "GET /ws HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_loopback_start(handle, NULL);
    fuzz_loopback_exchange(upgrade, sizeof upgrade - 1, data, size);
    return 0;
}
