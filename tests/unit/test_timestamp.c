#include <criterion/criterion.h>

#include "schemas/timestamp.h"

Test(timestamp, reads_discord_and_plain_forms)
{
    long long ms = 0;
    cr_assert(sd_timestamp_parse("1970-01-01T00:00:01", &ms));
    cr_assert_eq(ms, 1000);
    cr_assert(sd_timestamp_parse("2026-03-01T12:30:00.250000+00:00", &ms));
    cr_assert_eq(ms, 1772368200250LL);
    cr_assert(sd_timestamp_parse("2026-03-01T14:30:00.25+02:00", &ms));
    cr_assert_eq(ms, 1772368200250LL, "an offset is taken off");
    cr_assert(sd_timestamp_parse("2024-02-29T00:00:00Z", &ms), "a leap day");
}

Test(timestamp, refuses_anything_else)
{
    long long ms;
    const char *bad[] = {"",
                         "soon",
                         "2026-13-01T00:00:00",
                         "2025-02-29T00:00:00",
                         "2026-01-01",
                         "2026-01-01T24:00:00",
                         "2026-01-01T00:00:00.",
                         "2026-01-01T00:00:00+2",
                         "1969-12-31T23:59:59",
                         "2026-01-01T00:00:00Zjunk"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(sd_timestamp_parse(bad[i], &ms), "%s", bad[i]);
    cr_assert_not(sd_timestamp_parse(NULL, &ms));
}
