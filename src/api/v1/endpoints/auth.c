#include "api/v1/endpoints/auth.h"

#include <stdio.h>

#include "api/v1/deps.h"
#include "services/user_service.h"

/* A failed result answered through the API's one mapping (a taken name or email, a refused login are
   Discord's field errors there). */
static void fail(sd_request_t *req, const sd_user_result_t *r)
{
    sd_fault_t f = sd_user_result_fault(r);
    sd_deps_fault(req, &f);
}

static void on_registered(const sd_user_result_t *r, void *ctx)
{
    sd_request_t *req = ctx;
    if (r->err)
        fail(req, r);
    else
        sd_http_respond_json(req, 201, json_pack("{s:s, s:s}", "token", r->token, "user_id", r->user->id));
}

static void post_register(sd_request_t *req, void *app)
{
    json_t *body = sd_deps_json_body(req);
    if (!body) return;
    sd_register_in_t in;
    json_t *errors = sd_register_in_parse(body, &in);
    sd_err_t err = SD_OK;
    if (errors)
        sd_deps_form_errors(req, errors);
    else if ((err = sd_user_service_register(app, &in, on_registered, req)))
        sd_deps_fail(req, err);
    json_decref(body);
}

static void on_login(const sd_user_result_t *r, void *ctx)
{
    sd_request_t *req = ctx;
    if (r->err)
        fail(req, r);
    else
        sd_http_respond_json(req, 200, json_pack("{s:s, s:s}", "token", r->token, "user_id", r->user->id));
}

static void post_login(sd_request_t *req, void *app)
{
    json_t *body = sd_deps_json_body(req);
    if (!body) return;
    sd_login_in_t in;
    json_t *errors = sd_login_in_parse(body, &in);
    sd_err_t err = SD_OK;
    if (errors)
        sd_deps_form_errors(req, errors);
    else if ((err = sd_user_service_login(app, &in, on_login, req)))
        sd_deps_fail(req, err);
    json_decref(body);
}

static void on_logged_out(const sd_user_result_t *r, void *ctx)
{
    sd_request_t *req = ctx;
    if (r->err)
        fail(req, r);
    else
        sd_http_respond(req, 204, "application/json", "", 0);
}

/* POST /auth/logout: Discord's retires the token it is called with. Tokens here are checked without any
   state but the account's token version, so the one way to retire this token is to retire every token of
   the account: each device is signed out and its gateway sessions closed (4004). Its body (Discord's
   {provider, voip_provider}) is not read. */
static void post_logout(sd_request_t *req, void *app)
{
    sd_err_t err = sd_user_service_retire_tokens(app, sd_deps_user(req), on_logged_out, req);
    if (err) sd_deps_fail(req, err);
}

sd_err_t sd_auth_endpoints_register(sd_router_t *r, const char *prefix)
{
    char path[128];
    sd_err_t err;
    snprintf(path, sizeof path, "%s/auth/register", prefix);
    if ((err = sd_router_add(r, "POST", path, post_register, 0))) return err;
    snprintf(path, sizeof path, "%s/auth/login", prefix);
    if ((err = sd_router_add(r, "POST", path, post_login, 0))) return err;
    snprintf(path, sizeof path, "%s/auth/logout", prefix);
    return sd_router_add(r, "POST", path, post_logout, SD_API_AUTH);
}
