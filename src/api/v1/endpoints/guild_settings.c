#include "api/v1/endpoints/guild_settings.h"

#include "api/v1/deps.h"
#include "schemas/guild_settings_schema.h"
#include "services/guild_settings_service.h"

static void patch_settings(sd_request_t *req, void *app)
{
    json_t *changes = sd_deps_parse(req, sd_guild_settings_in_parse);
    if (changes)
        sd_guild_settings_service_update(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"),
                                         changes, sd_deps_outcome, req);
}

sd_err_t sd_guild_settings_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"PATCH", "/users/@me/guilds/{guild_id}/settings", patch_settings, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
