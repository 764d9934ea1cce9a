/*
 * timestamp: reads the ISO 8601 timestamps clients send (a member's communication_disabled_until, the
 * "before" of a pins page): "2026-01-02T03:04:05", an optional fraction of a second, and "Z" or an offset
 * "+hh:mm" / "-hh:mm" (none: UTC). Writing is schemas/guild_schema's sd_iso_time.
 */
#ifndef SD_SCHEMAS_TIMESTAMP_H
#define SD_SCHEMAS_TIMESTAMP_H

#include <stdbool.h>

/* Parses s into Unix milliseconds; false for anything else (or a year outside 1970..9999). */
bool sd_timestamp_parse(const char *s, long long *unix_ms);

#endif
