#include "core/log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static sd_log_level_t g_level = SD_LOG_INFO; /* process-wide, set once in main */

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int sd_log_level_parse(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, level_names[i]) == 0) return i;
    if (strcasecmp(s, "warning") == 0) return SD_LOG_WARN;
    return -1;
}

void sd_log_set_level(sd_log_level_t level)
{
    g_level = level;
}

int sd_log_enabled(sd_log_level_t level)
{
    return level >= g_level;
}

void sd_log(sd_log_level_t level, const char *msg, json_t *fields)
{
    if (!sd_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);

    json_t *line = json_pack("{s:s, s:s, s:s}", "ts", when, "level", level_names[level], "msg", msg);
    if (line && fields) json_object_update(line, fields);
    json_decref(fields);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    if (text) {
        fprintf(stderr, "%s\n", text);
        free(text);
    }
    json_decref(line);
}
