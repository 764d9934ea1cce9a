#include <criterion/criterion.h>

#include "services/snowflake.h"

Test(snowflake, layout_and_timestamp)
{
    sd_snowflake_t g;
    sd_snowflake_init(&g, 5);
    uint64_t t = SD_DISCORD_EPOCH_MS + 123456789;
    uint64_t id = sd_snowflake_next_at(&g, t);
    cr_assert_eq(sd_snowflake_unix_ms(id), t);
    cr_assert_eq((id >> 12) & 0x3FF, 5u);
    cr_assert_eq(id & 0xFFF, 0u);
    cr_assert_eq(sd_snowflake_next_at(&g, t) & 0xFFF, 1u);
}

Test(snowflake, discord_documented_example)
{
    /* Discord's docs: 175928847299117063 was made at 2016-04-30 11:18:25.796 UTC. */
    cr_assert_eq(sd_snowflake_unix_ms(175928847299117063ULL), 1462015105796ULL);
}

Test(snowflake, strictly_increasing_even_when_the_clock_stalls_or_steps_back)
{
    sd_snowflake_t g;
    sd_snowflake_init(&g, 1);
    uint64_t t = SD_DISCORD_EPOCH_MS + 1000000;
    uint64_t prev = 0;
    for (int i = 0; i < 20000; i++) { /* 20000 ids in "one millisecond" overflows the 4096 counter */
        uint64_t id = sd_snowflake_next_at(&g, t);
        cr_assert_gt(id, prev);
        prev = id;
    }
    uint64_t back = sd_snowflake_next_at(&g, t - 5000);
    cr_assert_gt(back, prev, "a clock stepping back must not repeat ids");
}

Test(snowflake, real_clock_ids_increase)
{
    sd_snowflake_t g;
    sd_snowflake_init(&g, 0);
    uint64_t a = sd_snowflake_next(&g), b = sd_snowflake_next(&g);
    cr_assert_gt(b, a);
    cr_assert_gt(sd_snowflake_unix_ms(a), 1700000000000ULL);
}

Test(snowflake, parse)
{
    cr_assert_eq(sd_snowflake_parse("175928847299117063"), 175928847299117063ULL);
    cr_assert_eq(sd_snowflake_parse("18446744073709551615"), UINT64_MAX);
    cr_assert_eq(sd_snowflake_parse("18446744073709551616"), 0u, "overflow");
    cr_assert_eq(sd_snowflake_parse(""), 0u);
    cr_assert_eq(sd_snowflake_parse(NULL), 0u);
    cr_assert_eq(sd_snowflake_parse("12a"), 0u);
    cr_assert_eq(sd_snowflake_parse("-1"), 0u);
    cr_assert_eq(sd_snowflake_parse("0123"), 0u, "no leading zeros");
}
