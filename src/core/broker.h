/*
 * broker: publish/subscribe between the parts of the server and between server processes. A message published
 * on a topic reaches this process's subscriber of that topic at once (in the call), and, when a Redis URL is
 * configured, every other process through Redis pub/sub (hiredis on the same libuv loop; a process skips its
 * own messages coming back). When Redis is unreachable the broker keeps delivering locally, logs it once, and
 * reconnects with capped backoff; messages published meanwhile do not reach the other processes.
 * The same Redis keeps the counters that must hold across processes (rate limits).
 */
#ifndef SD_CORE_BROKER_H
#define SD_CORE_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "core/errors.h"

typedef struct sd_broker sd_broker_t;

/* payload is borrowed for the call (not NUL-terminated); remote is true when another process published it. */
typedef void (*sd_broker_fn)(const char *payload, size_t len, bool remote, void *ctx);

/*
 * A new broker; redis_url NULL or "" keeps it in-process, else "redis://[:password@]host[:port][/db]". Topics
 * are namespaced with prefix on Redis, so that several deployments can share one. Returns NULL on a bad URL
 * or out of memory; release with sd_broker_close().
 */
sd_broker_t *sd_broker_new(uv_loop_t *loop, const char *redis_url, const char *prefix);
/* Closes the Redis connections (memory is released once the loop has run their close callbacks). */
void sd_broker_close(sd_broker_t *b);
/* The one subscriber of topic (at most 8 topics; a name under 64 bytes). */
sd_err_t sd_broker_subscribe(sd_broker_t *b, const char *topic, sd_broker_fn fn, void *ctx);
void sd_broker_publish(sd_broker_t *b, const char *topic, const char *payload, size_t len);
/* counts[i]: the value of key i after the increment; counts is NULL when Redis went away before answering. */
typedef void (*sd_broker_count_fn)(const long long *counts, int n, void *ctx);
/*
 * Increments n (at most 8) counters in Redis, namespaced like topics; a counter new to Redis lives ttl_ms[i].
 * keys are copied. Returns SD_ERR_UNAVAILABLE, and cb never runs, when Redis is not configured or not
 * connected: the caller counts on its own then.
 */
sd_err_t sd_broker_count(sd_broker_t *b, const char *const *keys, const long *ttl_ms, int n,
                         sd_broker_count_fn cb, void *ctx);
/* "local" (no Redis configured), "connected" or "disconnected". */
const char *sd_broker_state(const sd_broker_t *b);

#endif
