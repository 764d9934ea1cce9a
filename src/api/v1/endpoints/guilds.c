#include "api/v1/endpoints/guilds.h"

#include <stdio.h>

#include "api/v1/deps.h"
#include "schemas/guild_schema.h"
#include "services/guild_service.h"

static json_t *parse_create(const json_t *body, json_t **errors)
{
    return sd_guild_in_parse(body, true, errors);
}

static json_t *parse_update(const json_t *body, json_t **errors)
{
    return sd_guild_in_parse(body, false, errors);
}

static void post_guild(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_create);
    if (!in) return;
    sd_err_t err = sd_guild_service_create(app, sd_deps_user_id(req), in, sd_deps_outcome, req);
    if (err) sd_deps_fail(req, err);
}

static void get_guild(sd_request_t *req, void *app)
{
    sd_guild_service_get(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), sd_deps_outcome, req);
}

static void patch_guild(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_update);
    if (in)
        sd_guild_service_update(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), in,
                                sd_deps_outcome, req);
}

static void delete_guild(sd_request_t *req, void *app)
{
    sd_guild_service_delete(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), sd_deps_outcome,
                            req);
}

static void get_my_guilds(sd_request_t *req, void *app)
{
    long limit;
    if (!sd_deps_query_int(req, "limit", 1, 200, 200, &limit)) return;
    const char *before = sd_request_query(req, "before"), *after = sd_request_query(req, "after");
    sd_guild_service_list_mine(app, sd_deps_user_id(req), before && *before ? before : NULL,
                               after && *after ? after : NULL, (int)limit, sd_deps_outcome, req);
}

static void leave_guild(sd_request_t *req, void *app)
{
    sd_guild_service_leave(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), sd_deps_outcome,
                           req);
}

sd_err_t sd_guilds_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const struct {
        const char *method, *path;
        sd_http_handler_fn fn;
    } routes[] = {
        {"POST", "/guilds", post_guild},
        {"GET", "/guilds/{guild_id}", get_guild},
        {"PATCH", "/guilds/{guild_id}", patch_guild},
        {"DELETE", "/guilds/{guild_id}", delete_guild},
        {"GET", "/users/@me/guilds", get_my_guilds},
        {"DELETE", "/users/@me/guilds/{guild_id}", leave_guild},
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s%s", prefix, routes[i].path);
        sd_err_t err = sd_router_add(r, routes[i].method, path, routes[i].fn, SD_API_AUTH);
        if (err) return err;
    }
    return SD_OK;
}
