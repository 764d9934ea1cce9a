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
    sd_guild_service_create(app, sd_deps_user_id(req), in, sd_deps_outcome, req);
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
    const char *before, *after;
    if (!sd_deps_query_int(req, "limit", 1, 200, 200, &limit) || !sd_deps_query_id(req, "before", &before) ||
        !sd_deps_query_id(req, "after", &after))
        return;
    sd_guild_service_list_mine(app, sd_deps_user_id(req), before, after, (int)limit, sd_deps_outcome, req);
}

static void leave_guild(sd_request_t *req, void *app)
{
    sd_guild_service_leave(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), sd_deps_outcome,
                           req);
}

sd_err_t sd_guilds_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"POST", "/guilds", post_guild, SD_API_AUTH | SD_API_IMAGE_BODY},
        {"GET", "/guilds/{guild_id}", get_guild, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}", patch_guild, SD_API_AUTH | SD_API_IMAGE_BODY},
        {"DELETE", "/guilds/{guild_id}", delete_guild, SD_API_AUTH},
        {"GET", "/users/@me/guilds", get_my_guilds, SD_API_AUTH},
        {"DELETE", "/users/@me/guilds/{guild_id}", leave_guild, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
