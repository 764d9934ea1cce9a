#include "schemas/timestamp.h"

#include <string.h>

#include "core/errors.h"
#include "schemas/guild_schema.h"

/* Reads exactly n digits at *p into *out. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c) return false;
    (*p)++;
    return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool sd_timestamp_parse(const char *s, long long *unix_ms)
{
    if (!s || strlen(s) > 40) return false;
    const char *p = s;
    int y, mo, d, h, mi, sec, ms = 0;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d) || !(expect(&p, 'T') || expect(&p, ' ')) || !digits(&p, 2, &h) ||
        !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') || !digits(&p, 2, &sec))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
        return false;
    if (expect(&p, '.')) {
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 3) ms = ms * 10 + (*p - '0');
        if (n == 0 || n > 9) return false;
        for (int k = n; k < 3; k++)
            ms *= 10;
    }
    int offset_min = 0;
    if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_min = sign * (oh * 60 + om);
    } else {
        expect(&p, 'Z');
    }
    if (*p) return false;
    long long secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60LL;
    if (secs < 0) return false;
    *unix_ms = secs * 1000 + ms;
    return true;
}

bool sd_timestamp_field(const json_t *body, json_t *errors, const char *field, long long now_ms,
                        long long max_ahead_ms, json_t **out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (json_is_null(v)) {
        *out = json_null();
        return true;
    }
    long long ms;
    if (!sd_timestamp_parse(json_string_value(v), &ms)) {
        sd_form_error_add(errors, field, "DATE_TIME_TYPE_PARSE", "Could not parse the date and time.");
        return false;
    }
    if (ms > now_ms + max_ahead_ms) {
        sd_form_error_add(errors, field, "BASE_TYPE_BAD_DATE", "The date is too far in the future.");
        return false;
    }
    char iso[SD_ISO_TIME_SIZE];
    sd_iso_time(ms, iso);
    *out = json_string(iso);
    return true;
}
