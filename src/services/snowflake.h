/*
 * snowflake: the generator of Discord-style 64-bit ids (their format, and reading one, are core/snowflake_id,
 * included here). Layout: milliseconds since Discord's epoch (2015-01-01T00:00:00Z) <<
 * 22, a 10-bit worker id << 12, a 12-bit per-millisecond increment. Ids from one generator are unique and
 * strictly increasing, even when the clock steps back or more than 4096 ids are asked for in one millisecond
 * (the generator then borrows from the next millisecond).
 */
#ifndef SD_SERVICES_SNOWFLAKE_H
#define SD_SERVICES_SNOWFLAKE_H

#include <stdint.h>

#include "core/snowflake_id.h"

typedef struct {
    uint64_t worker_id;
    uint64_t last_ms; /* since the Discord epoch */
    uint64_t seq;
} sd_snowflake_t;

void sd_snowflake_init(sd_snowflake_t *g, unsigned worker_id);
/* The next id, using the real clock. */
uint64_t sd_snowflake_next(sd_snowflake_t *g);
/* The next id as if the clock read unix_ms (for tests). */
uint64_t sd_snowflake_next_at(sd_snowflake_t *g, uint64_t unix_ms);

#endif
