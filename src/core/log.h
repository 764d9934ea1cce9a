/*
 * log: structured logs, one JSON object per line on stderr ({"ts", "level", "msg", ...fields}).
 * The level is process-wide and set once at start-up from the configuration.
 */
#ifndef SD_CORE_LOG_H
#define SD_CORE_LOG_H

#include <jansson.h>

typedef enum { SD_LOG_DEBUG = 0, SD_LOG_INFO, SD_LOG_WARN, SD_LOG_ERROR } sd_log_level_t;

/* Parses "debug", "info", "warn"/"warning", "error"; returns -1 for anything else. */
int sd_log_level_parse(const char *s);
void sd_log_set_level(sd_log_level_t level);
int sd_log_enabled(sd_log_level_t level);

/* Writes one line; fields (may be NULL) is a JSON object whose reference is stolen. */
void sd_log(sd_log_level_t level, const char *msg, json_t *fields);

#endif
