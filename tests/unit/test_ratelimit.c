#include <criterion/criterion.h>
#include <string.h>

#include "core/ratelimit.h"

Test(ratelimit, rates_parse_and_bad_ones_are_refused)
{
    sd_rate_t r;
    cr_assert_eq(sd_rate_parse("5/5", &r), SD_OK);
    cr_assert(r.count == 5 && r.window_ms == 5000);
    cr_assert_eq(sd_rate_parse("1/0.25", &r), SD_OK);
    cr_assert(r.count == 1 && r.window_ms == 250);
    cr_assert_eq(sd_rate_parse("off", &r), SD_OK);
    cr_assert_eq(r.count, 0);
    const char *bad[] = {"", "5", "5/", "/5", "0/5", "-1/5", "5/0", "5/x", "5/5s", "often", "5/100000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_eq(sd_rate_parse(bad[i], &r), SD_ERR_INVALID, "%s", bad[i]);
}

typedef struct {
    int calls;
    sd_rl_state_t st[SD_RL_MAX_RULES];
} seen_t;

static void remember(const sd_rl_state_t *st, int n, void *ctx)
{
    seen_t *s = ctx;
    s->calls++;
    memcpy(s->st, st, sizeof *st * (size_t)n);
}

Test(ratelimit, local_counts_go_down_to_zero_then_limit_each_rule_on_its_own)
{
    sd_ratelimit_t *rl = sd_ratelimit_new(NULL);
    sd_rl_rule_t rules[] = {{"route:a", {2, 60000}}, {"global:a", {3, 60000}}, {"none", {0, 1000}}};
    seen_t s = {0};
    long want_route[] = {1, 0, 0, 0}, want_global[] = {2, 1, 0, 0};
    bool route_over[] = {false, false, true, true}, global_over[] = {false, false, false, true};
    for (int i = 0; i < 4; i++) {
        sd_ratelimit_hit(rl, rules, 3, remember, &s);
        cr_assert_eq(s.calls, i + 1, "the answer comes within the call when counting locally");
        cr_assert_eq(s.st[0].remaining, want_route[i]);
        cr_assert_eq(s.st[1].remaining, want_global[i]);
        cr_assert_eq(s.st[0].limited, route_over[i]);
        cr_assert_eq(s.st[1].limited, global_over[i]);
        cr_assert(!s.st[2].limited && s.st[2].limit == 0, "an unlimited rule never limits");
        cr_assert(s.st[0].reset_after_ms > 0 && s.st[0].reset_after_ms <= 60000);
    }
    sd_rl_rule_t other = {"route:b", {2, 60000}};
    sd_ratelimit_hit(rl, &other, 1, remember, &s);
    cr_assert(!s.st[0].limited && s.st[0].remaining == 1, "another key has its own count");
    sd_ratelimit_free(rl);
}

static uint64_t pinned(void *ctx)
{
    return *(const uint64_t *)ctx;
}

/* A burst that straddles a multiple of the window on the wall clock is still one window: windows start at a
   key's first hit. Aligned to the clock, the two hits after the boundary counted in a new window (the burst
   of four got through a limit of three, and the remaining count went back up), a run in every few hundred. */
Test(ratelimit, a_burst_across_a_wall_clock_multiple_of_the_window_is_one_window)
{
    sd_ratelimit_t *rl = sd_ratelimit_new(NULL);
    uint64_t now = 1700000010000ULL - 1; /* 1 ms before a multiple of 30 s (and of 1 s, 10 s...) */
    sd_ratelimit_set_clock(rl, pinned, &now);
    sd_rl_rule_t rule = {"route:burst", {3, 30000}};
    seen_t s = {0};
    long want_remaining[] = {2, 1, 0, 0};
    bool want_limited[] = {false, false, false, true};
    uint64_t at[] = {now, now + 2, now + 40, now + 80}; /* the boundary falls between the first two hits */
    for (int i = 0; i < 4; i++) {
        now = at[i];
        sd_ratelimit_hit(rl, &rule, 1, remember, &s);
        cr_assert_eq(s.st[0].remaining, want_remaining[i], "hit %d", i);
        cr_assert_eq(s.st[0].limited, want_limited[i], "hit %d", i);
        cr_assert_eq(s.st[0].reset_unix_ms, at[0] + 30000, "hit %d: the window ends 30 s after its first hit",
                     i);
        cr_assert_eq(s.st[0].reset_after_ms, at[0] + 30000 - now, "hit %d", i);
    }
    now = at[0] + 29999;
    sd_ratelimit_hit(rl, &rule, 1, remember, &s);
    cr_assert(s.st[0].limited && s.st[0].reset_after_ms == 1, "still the same window 1 ms before its end");
    now = at[0] + 30000;
    sd_ratelimit_hit(rl, &rule, 1, remember, &s);
    cr_assert(!s.st[0].limited && s.st[0].remaining == 2,
              "the window has ended: a new one starts with this hit");
    cr_assert_eq(s.st[0].reset_unix_ms, now + 30000);
    sd_ratelimit_set_clock(rl, NULL, NULL);
    sd_ratelimit_free(rl);
}

Test(ratelimit, a_window_starts_at_its_first_hit_wherever_the_clock_stands)
{
    sd_ratelimit_t *rl = sd_ratelimit_new(NULL);
    sd_rl_rule_t rule = {"route:w", {1, 1000}};
    seen_t s = {0};
    /* Every offset into a second: the window always lasts the whole second from the hit. */
    for (uint64_t off = 0; off < 1000; off += 37) {
        uint64_t now = 1700000000000ULL + off * 1000 + off;
        sd_ratelimit_set_clock(rl, pinned, &now);
        sd_ratelimit_hit(rl, &rule, 1, remember, &s);
        cr_assert(!s.st[0].limited && s.st[0].reset_after_ms == 1000, "offset %lu", (unsigned long)off);
        now += 999;
        sd_ratelimit_hit(rl, &rule, 1, remember, &s);
        cr_assert(s.st[0].limited && s.st[0].reset_after_ms == 1, "offset %lu", (unsigned long)off);
    }
    sd_ratelimit_free(rl);
}
