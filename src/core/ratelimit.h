/*
 * ratelimit: fixed-window counters for rate limits. A rule names what is limited (a key: a bucket and its
 * subject, a user or an address) and its rate; a hit counts one against each rule of a request and reports,
 * per rule, how many remain and when its window ends. A key's window starts at its first hit and lasts the
 * rule's window, as Discord's buckets do, wherever the clock stands: a burst is counted in one window.
 * Counters live in this process, or in Redis through the broker when it is connected, so that a limit holds
 * across server processes; a process that cannot reach Redis counts locally meanwhile (limits then hold per
 * process).
 */
#ifndef SD_CORE_RATELIMIT_H
#define SD_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/broker.h"
#include "core/errors.h"

#define SD_RL_MAX_RULES 4

typedef struct sd_ratelimit sd_ratelimit_t;

/* count hits per window_ms; count 0: unlimited. */
typedef struct {
    long count;
    long window_ms;
} sd_rate_t;

typedef struct {
    const char *key; /* borrowed for the call */
    sd_rate_t rate;
} sd_rl_rule_t;

typedef struct {
    long limit, remaining;
    uint64_t reset_unix_ms; /* when the window ends, Unix time */
    uint64_t reset_after_ms;
    bool limited; /* this hit went over the limit */
} sd_rl_state_t;

/* Called once per hit with one state per rule (borrowed for the call). */
typedef void (*sd_ratelimit_fn)(const sd_rl_state_t *states, int n, void *ctx);

/* A new limiter; broker (borrowed, may be NULL) shares counters through Redis. Caller frees with
   sd_ratelimit_free(). */
sd_ratelimit_t *sd_ratelimit_new(sd_broker_t *broker);
void sd_ratelimit_free(sd_ratelimit_t *rl);
/* Counts one hit against each of n (1..SD_RL_MAX_RULES) rules; cb runs once: within the call when counting
   locally, later when Redis answers. Rules with an unlimited rate are reported as never limited. */
void sd_ratelimit_hit(sd_ratelimit_t *rl, const sd_rl_rule_t *rules, int n, sd_ratelimit_fn cb, void *ctx);
/* The clock, in Unix milliseconds: the system's real-time clock unless sd_ratelimit_set_clock() changes it.
 */
typedef uint64_t (*sd_rl_clock_fn)(void *ctx);
/* Tests pin the time with their own clock (ctx borrowed while set); NULL restores the system's. */
void sd_ratelimit_set_clock(sd_ratelimit_t *rl, sd_rl_clock_fn fn, void *ctx);
/* Parses "count/seconds" (seconds may have a fraction: "1/0.25") or "off"; SD_ERR_INVALID otherwise. */
sd_err_t sd_rate_parse(const char *text, sd_rate_t *out);

#endif
