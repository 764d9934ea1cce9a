#include "core/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uthash.h>

#define SWEEP_EVERY_MS 10000

/* A rule key's current window: it starts at the key's first hit and ends window_ms later, as Discord's
   buckets do. When counting in Redis, only the end is kept here (Redis keeps the count; its key expires with
   the window), so that a hit can say when its window ends. */
typedef struct {
    char *key;
    long count;
    uint64_t expires_ms;
    UT_hash_handle hh;
} counter_t;

struct sd_ratelimit {
    sd_broker_t *broker;
    counter_t *counters;
    uint64_t next_sweep_ms;
    sd_rl_clock_fn clock;
    void *clock_ctx;
};

typedef struct {
    sd_ratelimit_t *rl;
    int n;
    sd_rate_t rates[SD_RL_MAX_RULES];
    char keys[SD_RL_MAX_RULES][256]; /* each rule's key for the current window */
    uint64_t now_ms;
    uint64_t ends_ms[SD_RL_MAX_RULES]; /* when each rule's window ends */
    sd_ratelimit_fn cb;
    void *ctx;
} hit_t;

static uint64_t unix_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

sd_ratelimit_t *sd_ratelimit_new(sd_broker_t *broker)
{
    sd_ratelimit_t *rl = calloc(1, sizeof *rl);
    if (!rl) return NULL;
    rl->broker = broker;
    rl->clock = unix_ms;
    return rl;
}

static void drop(sd_ratelimit_t *rl, counter_t *c)
{
    HASH_DEL(rl->counters, c);
    free(c->key);
    free(c);
}

void sd_ratelimit_set_clock(sd_ratelimit_t *rl, sd_rl_clock_fn fn, void *ctx)
{
    rl->clock = fn ? fn : unix_ms;
    rl->clock_ctx = fn ? ctx : NULL;
}

void sd_ratelimit_free(sd_ratelimit_t *rl)
{
    if (!rl) return;
    while (rl->counters)
        drop(rl, rl->counters);
    free(rl);
}

static void sweep(sd_ratelimit_t *rl, uint64_t now)
{
    if (now < rl->next_sweep_ms) return;
    rl->next_sweep_ms = now + SWEEP_EVERY_MS;
    counter_t *c = rl->counters;
    while (c) {
        counter_t *next = c->hh.next;
        if (c->expires_ms <= now) drop(rl, c);
        c = next;
    }
}

/* The key's window holding now: the live one, else a new one starting now (an expired one starts over). */
static counter_t *window(sd_ratelimit_t *rl, const char *key, long window_ms, uint64_t now)
{
    counter_t *c = NULL;
    HASH_FIND_STR(rl->counters, key, c);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || !(c->key = strdup(key))) {
            free(c);
            return NULL;
        }
        HASH_ADD_KEYPTR(hh, rl->counters, c->key, strlen(c->key), c);
    } else if (c->expires_ms > now) {
        return c;
    }
    c->count = 0;
    c->expires_ms = now + (uint64_t)window_ms;
    return c;
}

/* Reports counts[i] (hits in the window so far, this one included) of every rule. */
static void report(hit_t *h, const long *counts)
{
    sd_rl_state_t st[SD_RL_MAX_RULES];
    for (int i = 0; i < h->n; i++) {
        const sd_rate_t *r = &h->rates[i];
        if (r->count <= 0) {
            st[i] = (sd_rl_state_t){0};
            continue;
        }
        uint64_t end = h->ends_ms[i];
        st[i] = (sd_rl_state_t){.limit = r->count,
                                .remaining = counts[i] >= r->count ? 0 : r->count - counts[i],
                                .reset_unix_ms = end,
                                .reset_after_ms = end - h->now_ms,
                                .limited = counts[i] > r->count};
    }
    h->cb(st, h->n, h->ctx);
}

static void count_locally(hit_t *h)
{
    long counts[SD_RL_MAX_RULES] = {0};
    sweep(h->rl, h->now_ms);
    for (int i = 0; i < h->n; i++) {
        if (h->rates[i].count <= 0) continue;
        counter_t *c = window(h->rl, h->keys[i], h->rates[i].window_ms, h->now_ms);
        /* out of memory: let the hit through rather than refuse everyone */
        counts[i] = c ? ++c->count : 1;
        h->ends_ms[i] = c ? c->expires_ms : h->now_ms + (uint64_t)h->rates[i].window_ms;
    }
    report(h, counts);
}

static void on_shared(const long long *counts, int n, void *ctx)
{
    hit_t *h = ctx;
    if (!counts) { /* Redis went away meanwhile */
        count_locally(h);
    } else {
        long c[SD_RL_MAX_RULES] = {0};
        sweep(h->rl, h->now_ms);
        for (int i = 0, j = 0; i < h->n && j < n; i++) {
            if (h->rates[i].count <= 0) continue;
            c[i] = (long)counts[j++];
            /* Redis's key lives one window from its first hit, in whichever process that was. The first hit
               starts the window here too; a later one ends where this process saw it start, or, not having
               seen it, no later than a window from now. */
            uint64_t end = h->now_ms + (uint64_t)h->rates[i].window_ms;
            counter_t *w = window(h->rl, h->keys[i], h->rates[i].window_ms, h->now_ms);
            if (w && c[i] == 1) w->expires_ms = end;
            h->ends_ms[i] = w ? w->expires_ms : end;
        }
        report(h, c);
    }
    free(h);
}

void sd_ratelimit_hit(sd_ratelimit_t *rl, const sd_rl_rule_t *rules, int n, sd_ratelimit_fn cb, void *ctx)
{
    hit_t local = {.rl = rl, .cb = cb, .ctx = ctx, .now_ms = rl->clock(rl->clock_ctx)};
    local.n = n < 0 ? 0 : n > SD_RL_MAX_RULES ? SD_RL_MAX_RULES : n;
    long ttl[SD_RL_MAX_RULES];
    int shared = 0;
    for (int i = 0; i < local.n; i++) {
        local.rates[i] = rules[i].rate;
        if (rules[i].rate.count <= 0) continue;
        snprintf(local.keys[i], sizeof local.keys[i], "%s", rules[i].key);
        ttl[shared++] =
            rules[i].rate.window_ms; /* Redis's key is the window: it ends a window after its first hit */
    }
    hit_t *h = shared && rl->broker ? malloc(sizeof *h) : NULL;
    if (h) {
        *h = local;
        const char *keys[SD_RL_MAX_RULES];
        for (int i = 0, j = 0; i < h->n; i++)
            if (h->rates[i].count > 0) keys[j++] = h->keys[i];
        if (sd_broker_count(rl->broker, keys, ttl, shared, on_shared, h) == SD_OK) return;
        free(h);
    }
    count_locally(&local);
}

sd_err_t sd_rate_parse(const char *text, sd_rate_t *out)
{
    if (!strcmp(text, "off") || !strcmp(text, "0")) {
        *out = (sd_rate_t){0, 1000};
        return SD_OK;
    }
    char *end;
    long count = strtol(text, &end, 10);
    if (end == text || *end != '/' || count < 1 || count > 1000000000L) return SD_ERR_INVALID;
    const char *secs = end + 1;
    double s = strtod(secs, &end);
    if (end == secs || *end || !(s >= 0.001 && s <= 86400)) return SD_ERR_INVALID;
    *out = (sd_rate_t){count, (long)(s * 1000 + 0.5)};
    return SD_OK;
}
