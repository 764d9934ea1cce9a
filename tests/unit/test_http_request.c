#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_request.h"

Test(http_request, decode)
{
    sd_arena_t *a = sd_arena_new();
    cr_assert_str_eq(sd_request_decode(a, "a%20b+c", 7, false), "a b+c");
    cr_assert_str_eq(sd_request_decode(a, "a%20b+c", 7, true), "a b c");
    cr_assert_str_eq(sd_request_decode(a, "%F0%9F%91%8D", 12, false), "\xF0\x9F\x91\x8D");
    cr_assert_null(sd_request_decode(a, "%zz", 3, false));
    cr_assert_null(sd_request_decode(a, "%4", 2, false), "a cut escape");
    cr_assert_null(sd_request_decode(a, "x%00y", 5, false), "no NUL bytes");
    sd_arena_free(a);
}

/* The decoder read one byte past its range: an escape cut by the range's end took the byte after it. */
Test(http_request, decode_stays_within_its_range)
{
    sd_arena_t *a = sd_arena_new();
    cr_assert_null(sd_request_decode(a, "%41", 2, false), "the range ends inside the escape");
    cr_assert_null(sd_request_decode(a, "ab%4", 3, false));
    char *exact = malloc(2); /* no NUL behind it: the sanitizer build sees any read past it */
    memcpy(exact, "%4", 2);
    cr_assert_null(sd_request_decode(a, exact, 2, false));
    free(exact);
    sd_arena_free(a);
}

Test(http_request, query_headers_params)
{
    sd_request_t req;
    memset(&req, 0, sizeof req);
    req.arena = sd_arena_new();
    req.query = "limit=5&after=&flag&q=a+b%21&limit=9";
    cr_assert_str_eq(sd_request_query(&req, "limit"), "5", "the first one counts");
    cr_assert_str_eq(sd_request_query(&req, "after"), "");
    cr_assert_str_eq(sd_request_query(&req, "flag"), "");
    cr_assert_str_eq(sd_request_query(&req, "q"), "a b!");
    cr_assert_null(sd_request_query(&req, "lim"));
    req.headers[0] = (sd_http_pair_t){"Content-Type", "application/json"};
    req.header_count = 1;
    cr_assert_str_eq(sd_request_header(&req, "content-type"), "application/json");
    cr_assert_null(sd_request_header(&req, "Authorization"));
    req.params[0] = (sd_http_pair_t){"guild_id", "42"};
    req.param_count = 1;
    cr_assert_str_eq(sd_request_param(&req, "guild_id"), "42");
    cr_assert_null(sd_request_param(&req, "channel_id"));
    sd_arena_free(req.arena);
}
