#include <criterion/criterion.h>
#include <string.h>

#include "core/router.h"

static void h_a(sd_request_t *r, void *c) {}
static void h_b(sd_request_t *r, void *c) {}

static sd_router_t *rt;
static sd_request_t req;

static void setup(void)
{
    rt = sd_router_new();
    cr_assert_eq(sd_router_add(rt, "GET", "/api/v1/users/@me", h_a, 1), SD_OK);
    cr_assert_eq(sd_router_add(rt, "GET", "/api/v1/users/{user_id}", h_b, 0), SD_OK);
    cr_assert_eq(sd_router_add(rt, "PATCH", "/api/v1/users/@me", h_b, 0), SD_OK);
    cr_assert_eq(sd_router_add(rt, "PUT",
                               "/api/v1/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                               h_a, 0),
                 SD_OK);
    memset(&req, 0, sizeof req);
    req.arena = sd_arena_new();
}

static void teardown(void)
{
    sd_arena_free(req.arena);
    sd_router_free(rt);
}

static sd_route_match_t match(const char *method, const char *path, const sd_route_t **route)
{
    req.method = method;
    req.path = path;
    req.param_count = 0;
    return sd_router_match(rt, &req, route);
}

TestSuite(router, .init = setup, .fini = teardown);

Test(router, literal_route_wins_in_order)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("GET", "/api/v1/users/@me", &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_a);
    cr_assert_eq(r->flags, 1u);
    cr_assert_eq(req.param_count, 0);
}

Test(router, captures_parameters)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("GET", "/api/v1/users/12345", &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_b);
    cr_assert_str_eq(sd_request_param(&req, "user_id"), "12345");
    cr_assert_null(sd_request_param(&req, "other"));
}

Test(router, several_parameters_percent_decoded)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("PUT", "/api/v1/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", &r),
                 SD_ROUTE_FOUND);
    cr_assert_str_eq(sd_request_param(&req, "channel_id"), "1");
    cr_assert_str_eq(sd_request_param(&req, "message_id"), "2");
    cr_assert_str_eq(sd_request_param(&req, "emoji"), "\xF0\x9F\x91\x8D");
}

Test(router, unknown_paths_are_not_found)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("GET", "/api/v1/users", &r), SD_ROUTE_NOT_FOUND);
    cr_assert_eq(match("GET", "/api/v1/users/", &r), SD_ROUTE_NOT_FOUND, "an empty segment is no parameter");
    cr_assert_eq(match("GET", "/api/v1/users/1/extra", &r), SD_ROUTE_NOT_FOUND);
    cr_assert_eq(match("GET", "/", &r), SD_ROUTE_NOT_FOUND);
    cr_assert_eq(match("GET", "/api/v1/users/%zz", &r), SD_ROUTE_NOT_FOUND, "a bad escape");
    cr_assert_eq(match("GET", "/api/v1/users/a%00b", &r), SD_ROUTE_NOT_FOUND, "a NUL byte");
}

Test(router, wrong_method_is_distinguished)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("DELETE", "/api/v1/users/@me", &r), SD_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_eq(match("POST", "/api/v1/users/7", &r), SD_ROUTE_METHOD_NOT_ALLOWED);
}

Test(router, head_is_served_by_get)
{
    const sd_route_t *r = NULL;
    cr_assert_eq(match("HEAD", "/api/v1/users/@me", &r), SD_ROUTE_FOUND);
}

Test(router, rejects_relative_patterns)
{
    cr_assert_eq(sd_router_add(rt, "GET", "nope", h_a, 0), SD_ERR_INVALID);
    int n;
    sd_router_routes(rt, &n);
    cr_assert_eq(n, 4);
}

Test(router, fixed_segment_wins_over_parameter_whatever_the_order)
{
    sd_router_t *r2 = sd_router_new();
    /* the parameter route first: before the fix it took "pins" as a message id */
    cr_assert_eq(sd_router_add(r2, "GET", "/api/v1/channels/{channel_id}/messages/{message_id}", h_a, 0),
                 SD_OK);
    cr_assert_eq(sd_router_add(r2, "GET", "/api/v1/channels/{channel_id}/messages/pins", h_b, 0), SD_OK);
    cr_assert_eq(sd_router_add(r2, "GET", "/api/v1/guilds/{guild_id}/members/{user_id}", h_a, 0), SD_OK);
    cr_assert_eq(sd_router_add(r2, "GET", "/api/v1/guilds/{guild_id}/members/search", h_b, 0), SD_OK);
    req.method = "GET";
    req.path = "/api/v1/channels/1/messages/pins";
    const sd_route_t *r = NULL;
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_b);
    cr_assert_null(sd_request_param(&req, "message_id"));
    cr_assert_str_eq(sd_request_param(&req, "channel_id"), "1");
    req.path = "/api/v1/channels/1/messages/2";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_a);
    cr_assert_str_eq(sd_request_param(&req, "message_id"), "2");
    req.path = "/api/v1/guilds/1/members/search";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_b);
    sd_router_free(r2);
}

Test(router, fixed_segment_wins_at_the_first_depth_that_differs)
{
    sd_router_t *r2 = sd_router_new();
    cr_assert_eq(sd_router_add(r2, "GET", "/a/{x}/c", h_a, 0), SD_OK);
    cr_assert_eq(sd_router_add(r2, "GET", "/a/b/{y}", h_b, 0), SD_OK);
    req.method = "GET";
    req.path = "/a/b/c";
    const sd_route_t *r = NULL;
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_b);
    cr_assert_str_eq(sd_request_param(&req, "y"), "c");
    sd_router_free(r2);
}

Test(router, a_path_belongs_to_its_most_specific_pattern_alone)
{
    sd_router_t *r2 = sd_router_new();
    cr_assert_eq(sd_router_add(r2, "PUT", "/api/v1/guilds/{guild_id}/members/{user_id}", h_a, 0), SD_OK);
    cr_assert_eq(sd_router_add(r2, "GET", "/api/v1/guilds/{guild_id}/members/search", h_b, 0), SD_OK);
    cr_assert_eq(sd_router_add(r2, "PATCH", "/api/v1/guilds/{guild_id}/members/@me", h_b, 0), SD_OK);
    const sd_route_t *r = NULL;
    req.path = "/api/v1/guilds/1/members/search";
    req.method = "PUT";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_METHOD_NOT_ALLOWED, "\"search\" is no user id");
    req.path = "/api/v1/guilds/1/members/@me";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_METHOD_NOT_ALLOWED);
    req.path = "/api/v1/guilds/1/members/2";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND);
    cr_assert_eq(r->handler, h_a);
    req.method = "HEAD";
    req.path = "/api/v1/guilds/1/members/search";
    cr_assert_eq(sd_router_match(r2, &req, &r), SD_ROUTE_FOUND, "HEAD is GET");
    sd_router_free(r2);
}
