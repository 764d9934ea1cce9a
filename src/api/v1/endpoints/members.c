/* Routes: GET /guilds/{id}/members, GET/PUT/PATCH/DELETE /guilds/{id}/members/{user_id} (PATCH also @me),
   GET /guilds/{id}/members/search, GET /users/@me/guilds/{id}/member, PUT/DELETE
   /guilds/{id}/members/{user_id}/roles/{role_id}, GET /guilds/{id}/bans, GET/PUT/DELETE
   /guilds/{id}/bans/{user_id}. */
#include "api/v1/endpoints/members.h"

#include "api/v1/deps.h"

#include <string.h>

#include "schemas/guild_schema.h"
#include "services/member_service.h"

static const char *guild(sd_request_t *req)
{
    return sd_request_param(req, "guild_id");
}

static const char *target(sd_request_t *req)
{
    return sd_request_param(req, "user_id");
}

static void list_members(sd_request_t *req, void *app)
{
    long limit;
    const char *after;
    if (!sd_deps_query_int(req, "limit", 1, 1000, 1, &limit) || !sd_deps_query_id(req, "after", &after))
        return;
    sd_member_service_list(app, sd_deps_user_id(req), guild(req), after, (int)limit, sd_deps_outcome, req);
}

static void get_member(sd_request_t *req, void *app)
{
    sd_member_service_get(app, sd_deps_user_id(req), guild(req), target(req), sd_deps_outcome, req);
}

static void update_member(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, sd_member_in_parse);
    if (in)
        sd_member_service_update(app, sd_deps_user_id(req), guild(req), target(req), in, sd_deps_outcome,
                                 req);
}

static void update_me(sd_request_t *req, void *app)
{
    json_t *in = sd_deps_parse(req, sd_member_in_parse);
    if (in) sd_member_service_update(app, sd_deps_user_id(req), guild(req), "@me", in, sd_deps_outcome, req);
}

/* PUT /guilds/{id}/members/{user_id} {access_token, nick?, roles?, mute?, deaf?}: the token is required. */
static void add_member(sd_request_t *req, void *app)
{
    json_t *body = sd_deps_json_body(req);
    if (!body) return;
    const char *token = json_string_value(json_object_get(body, "access_token"));
    bool ok = json_is_object(body) && token && *token && strlen(token) <= 1024;
    json_decref(body);
    if (!ok) {
        sd_deps_field_error(req, "access_token", "BASE_TYPE_REQUIRED", "This field is required");
        return;
    }
    sd_member_service_add(app, sd_deps_user_id(req), guild(req), target(req), sd_deps_outcome, req);
}

static void kick_member(sd_request_t *req, void *app)
{
    sd_member_service_kick(app, sd_deps_user_id(req), guild(req), target(req), sd_deps_outcome, req);
}

static json_t *parse_ban(const json_t *b, json_t **e)
{
    return sd_ban_in_parse(b, e);
}

static void put_ban(sd_request_t *req, void *app)
{
    json_t *in = req->body_len ? sd_deps_parse(req, parse_ban) : json_object();
    const char *reason = NULL;
    /* the header's reason is the ban's when the body gives none */
    if (in && !json_object_get(in, "reason")) {
        if (!sd_deps_audit_reason(req, &reason)) {
            json_decref(in);
            return;
        }
        if (reason) json_object_set_new(in, "reason", json_string(reason));
    }
    if (in)
        sd_member_service_ban(app, sd_deps_user_id(req), guild(req), target(req), in, sd_deps_outcome, req);
}

static void delete_ban(sd_request_t *req, void *app)
{
    sd_member_service_unban(app, sd_deps_user_id(req), guild(req), target(req), sd_deps_outcome, req);
}

static void list_bans(sd_request_t *req, void *app)
{
    sd_member_service_bans(app, sd_deps_user_id(req), guild(req), NULL, sd_deps_outcome, req);
}

static void get_ban(sd_request_t *req, void *app)
{
    sd_member_service_bans(app, sd_deps_user_id(req), guild(req), target(req), sd_deps_outcome, req);
}

/* GET /guilds/{id}/members/search?query=...&limit=1..1000 (query required, 1-100 characters). */
static void search_members(sd_request_t *req, void *app)
{
    long limit;
    if (!sd_deps_query_int(req, "limit", 1, 1000, 1, &limit)) return;
    const char *query = sd_request_query(req, "query");
    if (!query || !*query || strlen(query) > 100) {
        sd_deps_field_error(req, "query", query && *query ? "BASE_TYPE_BAD_LENGTH" : "BASE_TYPE_REQUIRED",
                            query && *query ? "Must be between 1 and 100 in length."
                                            : "This field is required");
        return;
    }
    sd_member_service_search(app, sd_deps_user_id(req), guild(req), query, (int)limit, sd_deps_outcome, req);
}

/* GET /users/@me/guilds/{guild_id}/member: one's own membership. */
static void get_own_member(sd_request_t *req, void *app)
{
    sd_member_service_get(app, sd_deps_user_id(req), guild(req), "@me", sd_deps_outcome, req);
}

static void member_role(sd_request_t *req, void *app, bool add)
{
    sd_member_service_role(app, sd_deps_user_id(req), guild(req), target(req),
                           sd_request_param(req, "role_id"), add, sd_deps_outcome, req);
}

static void add_role(sd_request_t *req, void *app)
{
    member_role(req, app, true);
}

static void remove_role(sd_request_t *req, void *app)
{
    member_role(req, app, false);
}

sd_err_t sd_members_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"GET", "/guilds/{guild_id}/members", list_members, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}/members/@me", update_me, SD_API_AUTH | SD_API_IMAGE_BODY},
        {"GET", "/guilds/{guild_id}/members/{user_id}", get_member, SD_API_AUTH},
        {"PATCH", "/guilds/{guild_id}/members/{user_id}", update_member, SD_API_AUTH},
        {"PUT", "/guilds/{guild_id}/members/{user_id}", add_member, SD_API_AUTH},
        {"DELETE", "/guilds/{guild_id}/members/{user_id}", kick_member, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/members/search", search_members, SD_API_AUTH},
        {"GET", "/users/@me/guilds/{guild_id}/member", get_own_member, SD_API_AUTH},
        {"PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", add_role, SD_API_AUTH},
        {"DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", remove_role, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/bans", list_bans, SD_API_AUTH},
        {"GET", "/guilds/{guild_id}/bans/{user_id}", get_ban, SD_API_AUTH},
        {"PUT", "/guilds/{guild_id}/bans/{user_id}", put_ban, SD_API_AUTH},
        {"DELETE", "/guilds/{guild_id}/bans/{user_id}", delete_ban, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
