#include "api/v1/endpoints/users.h"

#include <stdio.h>

#include "api/v1/deps.h"
#include "services/user_service.h"

static void get_me(sd_request_t *req, void *app)
{
    sd_http_respond_json(req, 200, sd_user_private_json(sd_deps_user(req)));
}

/* GET /oauth2/applications/@me and /applications/@me: every account here is its own application, as a bot's
   is on Discord. Bot libraries read it at login. */
static void get_application(sd_request_t *req, void *app)
{
    (void)app;
    const sd_user_t *u = sd_deps_user(req);
    sd_http_respond_json(req, 200,
                         json_pack("{s:s, s:s, s:s, s:n, s:b, s:b, s:o, s:s, s:i, s:[], s:[]}", "id", u->id,
                                   "name", u->username, "description", "", "icon", "bot_public", 0,
                                   "bot_require_code_grant", 0, "owner", sd_user_public_json(u), "verify_key",
                                   "", "flags", 0, "tags", "redirect_uris"));
}

static void on_updated(const sd_user_result_t *r, void *ctx)
{
    sd_request_t *req = ctx;
    if (r->err) {
        sd_fault_t f = sd_user_result_fault(r);
        sd_deps_fault(req, &f);
    } else {
        json_t *user = sd_user_private_json(r->user);
        if (user && r->token) json_object_set_new(user, "token", json_string(r->token));
        sd_http_respond_json(req, 200, user);
    }
}

static void patch_me(sd_request_t *req, void *app)
{
    json_t *body = sd_deps_json_body(req);
    if (!body) return;
    sd_user_patch_in_t in;
    json_t *errors = sd_user_patch_in_parse(body, &in);
    sd_err_t err = SD_OK;
    if (errors)
        sd_deps_form_errors(req, errors);
    else if ((err = sd_user_service_update(app, sd_deps_user(req), &in, on_updated, req)))
        sd_deps_fail(req, err);
    json_decref(body);
}

static void on_user(const sd_user_result_t *r, void *ctx)
{
    sd_request_t *req = ctx;
    if (r->err)
        sd_deps_fault(req, &(sd_fault_t){.err = r->err, .entity = SD_ENTITY_USER});
    else
        sd_http_respond_json(req, 200, sd_user_public_json(r->user));
}

static void get_user(sd_request_t *req, void *app)
{
    sd_err_t err = sd_user_service_get(app, sd_request_param(req, "user_id"), on_user, req);
    if (err) sd_deps_fault(req, &(sd_fault_t){.err = err, .entity = SD_ENTITY_USER});
}

sd_err_t sd_users_endpoints_register(sd_router_t *r, const char *prefix)
{
    char path[128];
    sd_err_t err;
    snprintf(path, sizeof path, "%s/users/@me", prefix);
    if ((err = sd_router_add(r, "GET", path, get_me, SD_API_AUTH))) return err;
    if ((err = sd_router_add(r, "PATCH", path, patch_me, SD_API_AUTH | SD_API_IMAGE_BODY))) return err;
    snprintf(path, sizeof path, "%s/oauth2/applications/@me", prefix);
    if ((err = sd_router_add(r, "GET", path, get_application, SD_API_AUTH))) return err;
    snprintf(path, sizeof path, "%s/applications/@me", prefix); /* discord.js reads it there */
    if ((err = sd_router_add(r, "GET", path, get_application, SD_API_AUTH))) return err;
    snprintf(path, sizeof path, "%s/users/{user_id}", prefix);
    return sd_router_add(r, "GET", path, get_user, SD_API_AUTH);
}
