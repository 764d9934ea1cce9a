/* Routes: GET/POST /guilds/{id}/emojis, GET/PATCH/DELETE /guilds/{id}/emojis/{emoji_id}. */
#include "api/v1/endpoints/emojis.h"

#include "api/v1/deps.h"
#include "schemas/emoji_schema.h"
#include "services/emoji_service.h"

static json_t *parse_create(const json_t *b, json_t **e)
{
    return sd_emoji_in_parse(b, true, e);
}

static json_t *parse_update(const json_t *b, json_t **e)
{
    return sd_emoji_in_parse(b, false, e);
}

static const char *guild(sd_request_t *req)
{
    return sd_request_param(req, "guild_id");
}

static const char *emoji(sd_request_t *req)
{
    return sd_request_param(req, "emoji_id");
}

static void list_emojis(sd_request_t *req, void *app)
{
    sd_emoji_service_list(app, sd_deps_user_id(req), guild(req), sd_deps_outcome, req);
}

static void get_emoji(sd_request_t *req, void *app)
{
    sd_emoji_service_get(app, sd_deps_user_id(req), guild(req), emoji(req), sd_deps_outcome, req);
}

static void create_emoji(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, parse_create);
    if (in) sd_emoji_service_create(app, sd_deps_user_id(req), guild(req), in, sd_deps_outcome, req);
}

static void update_emoji(sd_request_t *req, void *app)
{
    /* Discord allows an empty body: nothing changes, the emoji is answered. */
    json_t *in = req->body_len ? sd_deps_parse(req, parse_update) : json_object();
    if (in)
        sd_emoji_service_update(app, sd_deps_user_id(req), guild(req), emoji(req), in, sd_deps_outcome, req);
}

static void delete_emoji(sd_request_t *req, void *app)
{
    sd_emoji_service_delete(app, sd_deps_user_id(req), guild(req), emoji(req), sd_deps_outcome, req);
}

sd_err_t sd_emojis_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"GET", "/guilds/{guild_id}/emojis", list_emojis, SD_API_AUTH},
        {"POST", "/guilds/{guild_id}/emojis", create_emoji, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/emojis/{emoji_id}", get_emoji, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}/emojis/{emoji_id}", update_emoji, SD_API_AUTH},
        {"DELETE", "/guilds/{guild_id}/emojis/{emoji_id}", delete_emoji, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
