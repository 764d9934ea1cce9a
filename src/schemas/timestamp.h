/*
 * timestamp: reads the ISO 8601 timestamps clients send (a member's communication_disabled_until, the
 * "before" of a pins page): "2026-01-02T03:04:05", an optional fraction of a second, and "Z" or an offset
 * "+hh:mm" / "-hh:mm" (none: UTC). Writing is schemas/guild_schema's sd_iso_time.
 */
#ifndef SD_SCHEMAS_TIMESTAMP_H
#define SD_SCHEMAS_TIMESTAMP_H

#include <jansson.h>
#include <stdbool.h>

/* Parses s into Unix milliseconds; false for anything else (or a year outside 1970..9999). */
bool sd_timestamp_parse(const char *s, long long *unix_ms);

/*
 * Reads body[field], a timestamp or null, into *out (a new reference: null, or the time in the server's own
 * ISO form) and returns true; false when absent, or after adding a field error to errors when it is no
 * timestamp or lies more than max_ahead_ms after now_ms.
 */
bool sd_timestamp_field(const json_t *body, json_t *errors, const char *field, long long now_ms,
                        long long max_ahead_ms, json_t **out);

#endif
