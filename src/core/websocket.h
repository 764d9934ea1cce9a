/*
 * websocket: RFC 6455 server connections on top of an upgraded HTTP connection (core/http_server), with the
 * framing done by wslay. It checks the handshake (GET, Upgrade: websocket, Sec-WebSocket-Version 13, a
 * 16-byte Sec-WebSocket-Key), answers 101 with the accept key, then hands whole text messages to its owner,
 * answers pings, and completes the closing handshake. Binary messages, and messages over max_message bytes,
 * close the connection (1003 / 1009, or the owner's code for the latter) as the RFC says; invalid UTF-8 in
 * text closes it with 1007. A message is assembled here, never beyond max_message however many fragments it
 * comes in: what a connection holds of a message stays bounded whatever the peer sends.
 */
#ifndef SD_CORE_WEBSOCKET_H
#define SD_CORE_WEBSOCKET_H

#include <stddef.h>

#include "core/errors.h"
#include "core/http_request.h"
#include "core/wscompress.h"

typedef struct sd_ws sd_ws_t;

typedef struct {
    /* One whole text message; msg is borrowed for the call. */
    void (*on_text)(void *ctx, const char *msg, size_t len);
    /* The connection is gone; code is what the peer's close frame said, or 1006 when it sent none. The ws is
       freed after this returns. */
    void (*on_gone)(void *ctx, int code);
    /* One whole binary message, as on_text; NULL: binary messages close the connection with 1003. */
    void (*on_binary)(void *ctx, const char *msg, size_t len);
} sd_ws_cbs_t;

/*
 * Completes the handshake of req and returns the new connection (owned by itself: it frees itself after
 * on_gone), or NULL after answering 400 when req is not a valid WebSocket upgrade. cbs is kept borrowed.
 */
sd_ws_t *sd_ws_accept(sd_request_t *req, size_t max_message, const sd_ws_cbs_t *cbs, void *ctx);
/* As sd_ws_accept, a message over max_message closing with too_big_code and too_big_reason (copied, 63 bytes
   kept) rather than 1009: a protocol on top may name its own code. */
sd_ws_t *sd_ws_accept_limited(sd_request_t *req, size_t max_message, int too_big_code,
                              const char *too_big_reason, const sd_ws_cbs_t *cbs, void *ctx);
/* From now on every message sent goes through c (taken: freed with the connection) as a binary message;
   NULL leaves the connection as it is. */
void sd_ws_compress(sd_ws_t *ws, sd_wsc_t *c);
/* The connection's compression (SD_WSC_NONE without one). */
sd_wsc_kind_t sd_ws_compression(const sd_ws_t *ws);
/* Sends a text message (a binary one of the compressed stream on a compressed connection): straight into the
   socket when it takes it, otherwise queued (copied). A message the compressor cannot take (no memory)
   closes the connection with 1011, as its peer could no longer decode the stream. */
sd_err_t sd_ws_send_text(sd_ws_t *ws, const char *msg, size_t len);
/* The longest first part of a message sent in two parts. */
#define SD_WS_PREFIX_MAX 48
/* Sends one text message made of prefix (at most SD_WS_PREFIX_MAX bytes) then msg, as sd_ws_send_text: a
   per-connection start before a part shared by many connections, with no copy of the shared part. */
sd_err_t sd_ws_send_parts(sd_ws_t *ws, const char *prefix, size_t prefix_len, const char *msg, size_t len);
/* Sends data as one binary message as it is, never through the compressor (a payload compressed alone). */
sd_err_t sd_ws_send_binary(sd_ws_t *ws, const void *data, size_t len);
/*
 * A broadcast: text messages to many connections, each sent as sd_ws_send_text would, their socket writes
 * spread over threads and started while the caller adds more (sd_http_batch). The messages stay borrowed
 * until sd_ws_batch_end, which frees the batch. NULL from new (no memory) is a valid batch whose messages
 * are sent at once. Connections closing are skipped.
 */
typedef struct sd_ws_batch sd_ws_batch_t;
sd_ws_batch_t *sd_ws_batch_new(void);
/* Adds the message prefix + msg (as sd_ws_send_parts; prefix copied, msg borrowed until the end). On a
   compressed connection it is compressed when its write is due, by the write thread that writes it, into a
   buffer the batch keeps until its end (one behind frames wslay holds is compressed now, as they were); a
   failure closes the connection with 1011 at the end. */
void sd_ws_batch_add(sd_ws_batch_t *b, sd_ws_t *ws, const char *prefix, size_t prefix_len, const char *msg,
                     size_t len);
void sd_ws_batch_end(sd_ws_batch_t *b);
/* Sends a close frame with code and reason, then closes; on_gone follows. Later sends are dropped. */
void sd_ws_close(sd_ws_t *ws, int code, const char *reason);
/* Sets the connection's kernel send buffer (sd_http_stream_send_buffer). */
void sd_ws_send_buffer(sd_ws_t *ws, int bytes);
/* Bytes waiting to reach the peer. */
size_t sd_ws_queued(const sd_ws_t *ws);

/* Exposed for tests: Sec-WebSocket-Accept for key, written into out (29 bytes with the NUL). */
void sd_ws_accept_key(const char *key, char out[29]);

#endif
