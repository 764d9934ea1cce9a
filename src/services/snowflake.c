#include "services/snowflake.h"

#include <time.h>

void sd_snowflake_init(sd_snowflake_t *g, unsigned worker_id)
{
    g->worker_id = worker_id & 0x3FF;
    g->last_ms = 0;
    g->seq = 0;
}

uint64_t sd_snowflake_next_at(sd_snowflake_t *g, uint64_t unix_ms)
{
    uint64_t ms = unix_ms > SD_DISCORD_EPOCH_MS ? unix_ms - SD_DISCORD_EPOCH_MS : 0;
    if (ms > g->last_ms) {
        g->last_ms = ms;
        g->seq = 0;
    } else if (++g->seq > 0xFFF) { /* clock stood still or stepped back: keep counting forward */
        g->last_ms++;
        g->seq = 0;
    }
    return (g->last_ms << 22) | (g->worker_id << 12) | g->seq;
}

uint64_t sd_snowflake_next(sd_snowflake_t *g)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return sd_snowflake_next_at(g, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}
