#include "api/v1/api.h"

#include <stdio.h>
#include <string.h>

#include "api/gateway/gateway.h"
#include "api/v1/deps.h"
#include "api/v1/endpoints/auth.h"
#include "api/v1/endpoints/channels.h"
#include "api/v1/endpoints/dms.h"
#include "api/v1/endpoints/guilds.h"
#include "api/v1/endpoints/invites.h"
#include "api/v1/endpoints/members.h"
#include "api/v1/endpoints/messages.h"
#include "api/v1/endpoints/metrics.h"
#include "api/v1/endpoints/roles.h"
#include "api/v1/endpoints/health.h"
#include "api/v1/endpoints/users.h"
#include "core/metrics.h"
#include "core/static_files.h"
#include "services/user_service.h"

static const char *const prefixes[] = {"/api/v1", "/api/v10"};

sd_router_t *sd_api_router_new(void)
{
    sd_router_t *r = sd_router_new();
    if (!r) return NULL;
    sd_err_t err = sd_health_endpoints_register(r);
    if (!err) err = sd_metrics_endpoints_register(r);
    if (!err) err = sd_gateway_socket_register(r);
    for (size_t i = 0; !err && i < sizeof prefixes / sizeof *prefixes; i++) {
        if (!err) err = sd_auth_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_users_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_guilds_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_channels_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_roles_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_members_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_invites_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_messages_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_dms_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_gateway_endpoints_register(r, prefixes[i]);
    }
    if (err) {
        sd_router_free(r);
        return NULL;
    }
    return r;
}

void sd_api_observe(const sd_request_t *req, int status, double seconds, void *ctx)
{
    sd_app_t *app = ctx;
    char labels[256];
    /* Unmatched paths (the web client's files, 404s) share one label: the series stay bounded. */
    const char *route = req->route ? req->route : "unmatched";
    snprintf(labels, sizeof labels, "method=\"%s\",route=\"%s\"", req->method ? req->method : "", route);
    sd_metrics_observe(app->metrics, "sd_http_request_duration_seconds", labels, seconds);
    size_t n = strlen(labels);
    snprintf(labels + n, sizeof labels - n, ",status=\"%d\"", status);
    sd_metrics_add(app->metrics, "sd_http_requests_total", labels, 1);
}

typedef struct {
    sd_request_t *req;
    const sd_route_t *route;
    sd_app_t *app;
} auth_ctx_t;

static void unauthorized(sd_request_t *req)
{
    sd_http_respond_error(req, 401, SD_API_GENERAL, "401: Unauthorized", NULL);
}

static void on_authenticated(const sd_user_result_t *r, void *ctx)
{
    auth_ctx_t *a = ctx;
    if (r->err == SD_ERR_UNAUTHORIZED) {
        unauthorized(a->req);
        return;
    }
    if (r->err) {
        sd_deps_fail(a->req, r->err);
        return;
    }
    sd_user_t *user = sd_arena_alloc(a->req->arena, sizeof *user);
    if (!user) {
        sd_deps_fail(a->req, SD_ERR_NOMEM);
        return;
    }
    *user = *r->user;
    a->req->user = user;
    a->route->handler(a->req, a->app);
}

void sd_api_handle(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    const sd_route_t *route = NULL;
    switch (sd_router_match(app->router, req, &route)) {
    case SD_ROUTE_NOT_FOUND:
        if (app->web && sd_static_handle(app->web, req)) return;
        sd_http_respond_error(req, 404, SD_API_GENERAL, "404: Not Found", NULL);
        return;
    case SD_ROUTE_METHOD_NOT_ALLOWED:
        sd_http_respond_error(req, 405, SD_API_GENERAL, "405: Method Not Allowed", NULL);
        return;
    case SD_ROUTE_FOUND:
        break;
    }
    if (!(route->flags & SD_API_AUTH)) {
        route->handler(req, app);
        return;
    }
    const char *authorization = sd_request_header(req, "Authorization");
    auth_ctx_t *a = sd_arena_alloc(req->arena, sizeof *a);
    if (!a) {
        sd_deps_fail(req, SD_ERR_NOMEM);
        return;
    }
    *a = (auth_ctx_t){req, route, app};
    sd_err_t err = authorization ? sd_user_service_authenticate(app, authorization, on_authenticated, a)
                                 : SD_ERR_UNAUTHORIZED;
    if (err == SD_ERR_UNAUTHORIZED)
        unauthorized(req);
    else if (err)
        sd_deps_fail(req, err);
}
