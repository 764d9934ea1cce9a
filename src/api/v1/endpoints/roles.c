/* Routes: GET/POST/PATCH /guilds/{id}/roles, GET/PATCH/DELETE /guilds/{id}/roles/{role_id}. */
#include "api/v1/endpoints/roles.h"

#include "api/v1/deps.h"
#include "schemas/guild_schema.h"
#include "services/role_service.h"

static json_t *parse_create(const json_t *b, json_t **e)
{
    return sd_role_in_parse(b, true, e);
}

static json_t *parse_update(const json_t *b, json_t **e)
{
    return sd_role_in_parse(b, false, e);
}

static const char *guild(sd_request_t *req)
{
    return sd_request_param(req, "guild_id");
}

static void list_roles(sd_request_t *req, void *app)
{
    sd_role_service_list(app, sd_deps_user_id(req), guild(req), sd_deps_outcome, req);
}

static void get_role(sd_request_t *req, void *app)
{
    sd_role_service_get(app, sd_deps_user_id(req), guild(req), sd_request_param(req, "role_id"),
                        sd_deps_outcome, req);
}

static void create_role(sd_request_t *req, void *app)
{
    /* Discord allows an empty body here. */
    json_t *in = req->body_len ? sd_deps_parse(req, parse_create) : json_pack("{s:s}", "name", "new role");
    if (in) sd_role_service_create(app, sd_deps_user_id(req), guild(req), in, sd_deps_outcome, req);
}

static void move_roles(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, sd_positions_in_parse);
    if (in) sd_role_service_positions(app, sd_deps_user_id(req), guild(req), in, sd_deps_outcome, req);
}

static void update_role(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_update);
    if (in)
        sd_role_service_update(app, sd_deps_user_id(req), guild(req), sd_request_param(req, "role_id"), in,
                               sd_deps_outcome, req);
}

static void delete_role(sd_request_t *req, void *app)
{
    sd_role_service_delete(app, sd_deps_user_id(req), guild(req), sd_request_param(req, "role_id"),
                           sd_deps_outcome, req);
}

sd_err_t sd_roles_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"GET", "/guilds/{guild_id}/roles", list_roles, SD_API_AUTH},
        {"POST", "/guilds/{guild_id}/roles", create_role, SD_API_AUTH | SD_API_IMAGE_BODY},
        {"PATCH", "/guilds/{guild_id}/roles", move_roles, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/roles/{role_id}", get_role, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}/roles/{role_id}", update_role, SD_API_AUTH | SD_API_IMAGE_BODY},
        {"DELETE", "/guilds/{guild_id}/roles/{role_id}", delete_role, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
