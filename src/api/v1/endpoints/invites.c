/* Routes: POST/GET /channels/{id}/invites, GET /guilds/{id}/invites, GET/POST/DELETE /invites/{code}. */
#include "api/v1/endpoints/invites.h"

#include "api/v1/deps.h"
#include "schemas/guild_schema.h"
#include "services/invite_service.h"

static json_t *empty_body(void)
{
    json_t *errors = NULL, *empty = json_object();
    json_t *in = sd_invite_in_parse(empty, &errors); /* the defaults; an empty object cannot fail */
    json_decref(empty);
    json_decref(errors);
    return in;
}

static void create_invite(sd_request_t *req, void *app)
{
    /* A failed parse has answered and released req: nothing of it may be read after that. */
    json_t *in = req->body_len ? sd_deps_parse(req, sd_invite_in_parse) : empty_body();
    if (in)
        sd_invite_service_create(app, sd_deps_user_id(req), sd_request_param(req, "channel_id"), in,
                                 sd_deps_outcome, req);
}

static void channel_invites(sd_request_t *req, void *app)
{
    sd_invite_service_list(app, sd_deps_user_id(req), NULL, sd_request_param(req, "channel_id"),
                           sd_deps_outcome, req);
}

static void guild_invites(sd_request_t *req, void *app)
{
    sd_invite_service_list(app, sd_deps_user_id(req), sd_request_param(req, "guild_id"), NULL,
                           sd_deps_outcome, req);
}

static void get_invite(sd_request_t *req, void *app)
{
    sd_invite_service_get(app, sd_request_param(req, "code"), sd_deps_outcome, req);
}

static void join_invite(sd_request_t *req, void *app)
{
    sd_invite_service_join(app, sd_deps_user_id(req), sd_request_param(req, "code"), sd_deps_outcome, req);
}

static void delete_invite(sd_request_t *req, void *app)
{
    sd_invite_service_delete(app, sd_deps_user_id(req), sd_request_param(req, "code"), sd_deps_outcome, req);
}

sd_err_t sd_invites_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"POST", "/channels/{channel_id}/invites", create_invite, SD_API_AUTH},
        {"GET", "/channels/{channel_id}/invites", channel_invites, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/invites", guild_invites, SD_API_AUTH},
        {"GET", "/invites/{code}", get_invite, 0},
        {"POST", "/invites/{code}", join_invite, SD_API_AUTH},
        {"DELETE", "/invites/{code}", delete_invite, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
