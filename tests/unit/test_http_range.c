/* The Range header: one range served, anything else ignored, a start past the end unsatisfiable. */
#include <criterion/criterion.h>

#include "core/http_range.h"

static void partial(const char *h, int64_t size, int64_t want_first, int64_t want_last)
{
    int64_t first = -1, last = -1;
    cr_assert_eq(sd_http_range_parse(h, size, &first, &last), SD_RANGE_PARTIAL, "%s", h);
    cr_assert_eq(first, want_first, "%s: first %lld", h, (long long)first);
    cr_assert_eq(last, want_last, "%s: last %lld", h, (long long)last);
}

static void verdict(const char *h, int64_t size, sd_range_t want)
{
    int64_t first, last;
    cr_assert_eq(sd_http_range_parse(h, size, &first, &last), want, "%s", h);
}

Test(http_range, one_range_in_each_form)
{
    partial("bytes=0-99", 1000, 0, 99);
    partial("bytes=10-", 1000, 10, 999);
    partial("bytes=-100", 1000, 900, 999);
    partial("bytes=-5000", 1000, 0, 999);
    partial("bytes=990-5000", 1000, 990, 999);
    partial("BYTES= 5-5 ", 1000, 5, 5);
}

Test(http_range, past_the_end_is_unsatisfiable)
{
    verdict("bytes=1000-", 1000, SD_RANGE_UNSATISFIABLE);
    verdict("bytes=1000-2000", 1000, SD_RANGE_UNSATISFIABLE);
    verdict("bytes=-0", 1000, SD_RANGE_UNSATISFIABLE);
    verdict("bytes=0-", 0, SD_RANGE_UNSATISFIABLE);
    verdict("bytes=-1", 0, SD_RANGE_UNSATISFIABLE);
}

Test(http_range, what_is_not_taken_is_ignored)
{
    verdict(NULL, 1000, SD_RANGE_NONE);
    verdict("", 1000, SD_RANGE_NONE);
    verdict("items=0-1", 1000, SD_RANGE_NONE);
    verdict("bytes=0-1,5-6", 1000, SD_RANGE_NONE);
    verdict("bytes=5-1", 1000, SD_RANGE_NONE);
    verdict("bytes=-", 1000, SD_RANGE_NONE);
    verdict("bytes=a-b", 1000, SD_RANGE_NONE);
    verdict("bytes=1234567890123456789-", 1000, SD_RANGE_NONE);
    verdict("bytes=0-1x", 1000, SD_RANGE_NONE);
}
