#include "api/v1/endpoints/dms.h"

#include "api/v1/deps.h"
#include "schemas/guild_schema.h"
#include "services/dm_service.h"

static void open_dm(sd_request_t *req, void *app)
{
    json_t *body = sd_deps_parse(req, sd_dm_in_parse);
    if (body) sd_dm_service_open(app, sd_deps_user_id(req), body, sd_deps_outcome, req);
}

static void list_dms(sd_request_t *req, void *app)
{
    sd_dm_service_list(app, sd_deps_user_id(req), sd_deps_outcome, req);
}

static void ack(sd_request_t *req, void *app)
{
    sd_dm_service_ack(app, sd_deps_user_id(req), sd_request_param(req, "channel_id"),
                      sd_request_param(req, "message_id"), sd_deps_outcome, req);
}

sd_err_t sd_dms_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"POST", "/users/@me/channels", open_dm, SD_API_AUTH},
        {"GET", "/users/@me/channels", list_dms, SD_API_AUTH},
        {"POST", "/channels/{channel_id}/messages/{message_id}/ack", ack, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
