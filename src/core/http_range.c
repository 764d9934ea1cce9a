/* The Range header (core/http_range.h). */
#include "core/http_range.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define MAX_DIGITS 18 /* fits int64_t */

/* Reads decimal digits at *p (1..MAX_DIGITS) into *v and moves *p past them; false when there are none or
   too many. */
static bool digits(const char **p, int64_t *v)
{
    const char *s = *p;
    int64_t n = 0;
    int count = 0;
    while (*s >= '0' && *s <= '9') {
        if (++count > MAX_DIGITS) return false;
        n = n * 10 + (*s++ - '0');
    }
    if (count == 0) return false;
    *v = n;
    *p = s;
    return true;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

sd_range_t sd_http_range_parse(const char *header, int64_t size, int64_t *first, int64_t *last)
{
    if (!header || strncasecmp(header, "bytes=", 6) != 0) return SD_RANGE_NONE;
    const char *p = skip_spaces(header + 6);
    int64_t a = -1, b = -1;
    if (*p == '-') { /* the last b bytes */
        p++;
        if (!digits(&p, &b)) return SD_RANGE_NONE;
    } else {
        if (!digits(&p, &a) || *p++ != '-') return SD_RANGE_NONE;
        if (*p >= '0' && *p <= '9' && !digits(&p, &b)) return SD_RANGE_NONE;
    }
    if (*skip_spaces(p) != '\0') return SD_RANGE_NONE; /* several ranges, or garbage */
    if (a < 0) {                                       /* suffix */
        if (b == 0 || size == 0) return SD_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return SD_RANGE_PARTIAL;
    }
    if (b >= 0 && b < a) return SD_RANGE_NONE; /* invalid: ignored */
    if (a >= size) return SD_RANGE_UNSATISFIABLE;
    *first = a;
    *last = b < 0 || b >= size ? size - 1 : b;
    return SD_RANGE_PARTIAL;
}
