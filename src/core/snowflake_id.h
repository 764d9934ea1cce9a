/*
 * snowflake_id: the format of Discord-style 64-bit ids, for every layer: milliseconds since Discord's epoch
 * (2015-01-01T00:00:00Z) << 22, then 22 bits of worker and sequence. Reading an id (its decimal form, its
 * time) lives here so that repositories partition by it without reaching up to the generator, which is
 * services/snowflake (it includes this header).
 */
#ifndef SD_CORE_SNOWFLAKE_ID_H
#define SD_CORE_SNOWFLAKE_ID_H

#include <stdint.h>

#define SD_DISCORD_EPOCH_MS 1420070400000ULL

/* The Unix time in milliseconds an id was made at. */
uint64_t sd_snowflake_unix_ms(uint64_t id);
/* Parses a decimal id; returns 0 for anything that is not one. */
uint64_t sd_snowflake_parse(const char *s);
/* The real clock in milliseconds since Discord's epoch (the time part of an id made now). */
uint64_t sd_snowflake_now_ms(void);

#endif
