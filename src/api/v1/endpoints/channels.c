/* Routes: GET/POST/PATCH /guilds/{id}/channels, GET/PATCH/DELETE /channels/{id},
   PUT/DELETE /channels/{id}/permissions/{overwrite_id}. */
#include "api/v1/endpoints/channels.h"

#include "api/v1/deps.h"

#include <string.h>
#include "schemas/guild_schema.h"
#include "services/channel_service.h"

static json_t *parse_create(const json_t *b, json_t **e)
{
    return sd_channel_in_parse(b, true, e);
}

static json_t *parse_update(const json_t *b, json_t **e)
{
    return sd_channel_in_parse(b, false, e);
}

static const char *guild(sd_request_t *req)
{
    return sd_request_param(req, "guild_id");
}

static const char *channel(sd_request_t *req)
{
    return sd_request_param(req, "channel_id");
}

static void list_channels(sd_request_t *req, void *app)
{
    sd_channel_service_list(app, sd_deps_user_id(req), guild(req), sd_deps_outcome, req);
}

static void create_channel(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_create);
    if (in) sd_channel_service_create(app, sd_deps_user_id(req), guild(req), in, sd_deps_outcome, req);
}

static void move_channels(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, sd_positions_in_parse);
    if (in) sd_channel_service_positions(app, sd_deps_user_id(req), guild(req), in, sd_deps_outcome, req);
}

static void get_channel(sd_request_t *req, void *app)
{
    sd_channel_service_get(app, sd_deps_user_id(req), channel(req), sd_deps_outcome, req);
}

static void update_channel(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_update);
    if (in) sd_channel_service_update(app, sd_deps_user_id(req), channel(req), in, sd_deps_outcome, req);
}

static void delete_channel(sd_request_t *req, void *app)
{
    sd_channel_service_delete(app, sd_deps_user_id(req), channel(req), sd_deps_outcome, req);
}

static bool overwrite_target_ok(sd_request_t *req)
{
    const char *id = sd_request_param(req, "overwrite_id");
    size_t n = strlen(id);
    bool ok = n > 0 && n <= 20;
    for (const char *p = id; ok && *p; p++)
        ok = *p >= '0' && *p <= '9';
    if (!ok) sd_deps_fault(req, &(sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_OVERWRITE});
    return ok;
}

static void put_overwrite(sd_request_t *req, void *app)
{
    if (!overwrite_target_ok(req)) return;
    json_t *in = sd_deps_parse(req, sd_overwrite_in_parse);
    if (in)
        sd_channel_service_overwrite(app, sd_deps_user_id(req), channel(req),
                                     sd_request_param(req, "overwrite_id"), in, sd_deps_outcome, req);
}

static void delete_overwrite(sd_request_t *req, void *app)
{
    if (overwrite_target_ok(req))
        sd_channel_service_overwrite(app, sd_deps_user_id(req), channel(req),
                                     sd_request_param(req, "overwrite_id"), NULL, sd_deps_outcome, req);
}

sd_err_t sd_channels_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"GET", "/guilds/{guild_id}/channels", list_channels, SD_API_AUTH},
        {"POST", "/guilds/{guild_id}/channels", create_channel, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}/channels", move_channels, SD_API_AUTH},
        {"GET", "/channels/{channel_id}", get_channel, SD_API_AUTH},
        {"PATCH", "/channels/{channel_id}", update_channel, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}", delete_channel, SD_API_AUTH},
        {"PUT", "/channels/{channel_id}/permissions/{overwrite_id}", put_overwrite, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", delete_overwrite, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
