/* Routes: POST /channels/{id}/attachments. */
#include "api/v1/endpoints/attachments.h"

#include "api/v1/deps.h"
#include "schemas/attachment_schema.h"
#include "services/attachment_service.h"

static void presign(sd_request_t *req, void *app)
{
    json_t *files = sd_deps_parse(req, sd_attachment_presign_in_parse);
    if (files)
        sd_attachment_service_presign(app, sd_deps_user_id(req), sd_request_param(req, "channel_id"), files,
                                      sd_deps_outcome, req);
}

sd_err_t sd_attachments_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"POST", "/channels/{channel_id}/attachments", presign, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
