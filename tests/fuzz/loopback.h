/*
 * loopback: for the fuzz harnesses that need the real network code, the HTTP server (core/http_server) on
 * 127.0.0.1 in this process, and a client that sends one input's bytes, half-closes, and reads until the
 * server hangs up. Everything runs on one libuv loop; a call returns when the exchange is over.
 */
#ifndef SD_FUZZ_LOOPBACK_H
#define SD_FUZZ_LOOPBACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/http_server.h"

/* Starts the server once (later calls do nothing) with handler; the process keeps it until it exits. */
void fuzz_loopback_start(sd_http_handler_fn handler, void *ctx);
/* Sends head then data on a new connection, half-closes it, and returns once the server has closed it. */
void fuzz_loopback_exchange(const void *head, size_t head_len, const uint8_t *data, size_t size);

#endif
