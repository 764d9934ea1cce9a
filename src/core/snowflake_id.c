#include "core/snowflake_id.h"

#include <time.h>

uint64_t sd_snowflake_unix_ms(uint64_t id)
{
    return (id >> 22) + SD_DISCORD_EPOCH_MS;
}

uint64_t sd_snowflake_parse(const char *s)
{
    if (!s || !*s || (s[0] == '0' && s[1])) return 0;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    return v;
}

uint64_t sd_snowflake_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t unix_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    return unix_ms > SD_DISCORD_EPOCH_MS ? unix_ms - SD_DISCORD_EPOCH_MS : 0;
}
