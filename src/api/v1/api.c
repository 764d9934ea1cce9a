#include "api/v1/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/cdn/cdn.h"
#include "api/gateway/gateway.h"
#include "api/v1/deps.h"
#include "api/v1/endpoints/attachments.h"
#include "api/v1/endpoints/auth.h"
#include "api/v1/endpoints/channels.h"
#include "api/v1/endpoints/dms.h"
#include "api/v1/endpoints/guild_settings.h"
#include "api/v1/endpoints/emojis.h"
#include "api/v1/endpoints/guilds.h"
#include "api/v1/endpoints/invites.h"
#include "api/v1/endpoints/members.h"
#include "api/v1/endpoints/messages.h"
#include "api/v1/endpoints/metrics.h"
#include "api/v1/endpoints/planned.h"
#include "api/v1/endpoints/roles.h"
#include "api/v1/endpoints/health.h"
#include "api/v1/endpoints/users.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
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
    if (!err) err = sd_cdn_endpoints_register(r);
    for (size_t i = 0; !err && i < sizeof prefixes / sizeof *prefixes; i++) {
        if (!err) err = sd_auth_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_users_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_guilds_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_channels_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_roles_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_emojis_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_members_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_invites_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_messages_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_attachments_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_dms_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_guild_settings_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_gateway_endpoints_register(r, prefixes[i]);
        if (!err) err = sd_planned_endpoints_register(r, prefixes[i]);
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
    bool by_user; /* limited per user (else per address) */
    char bucket[17];
} auth_ctx_t;

/* The route's pattern without its version prefix: /api/v1 and /api/v10 share their limits. */
static const char *unversioned(const char *pattern)
{
    const char *rest = strchr(pattern + 5, '/');
    return rest ? rest : pattern;
}

static void add_number_header(sd_request_t *req, const char *name, const char *fmt, double v)
{
    char text[32];
    snprintf(text, sizeof text, fmt, v);
    sd_http_add_header(req, name, text);
}

static void on_limited(const sd_rl_state_t *st, int n, void *ctx)
{
    auth_ctx_t *a = ctx;
    sd_request_t *req = a->req;
    const sd_rl_state_t *route = &st[0];
    if (route->limit) { /* what Discord's clients read to pace themselves */
        add_number_header(req, "X-RateLimit-Limit", "%.0f", (double)route->limit);
        add_number_header(req, "X-RateLimit-Remaining", "%.0f", (double)route->remaining);
        add_number_header(req, "X-RateLimit-Reset", "%.3f", (double)route->reset_unix_ms / 1000);
        add_number_header(req, "X-RateLimit-Reset-After", "%.3f", (double)route->reset_after_ms / 1000);
        sd_http_add_header(req, "X-RateLimit-Bucket", a->bucket);
    }
    const sd_rl_state_t *over = route->limited ? route : n > 1 && st[1].limited ? &st[1] : NULL;
    if (!over) {
        if (sd_deps_audit_reason(req, NULL)) a->route->handler(req, a->app);
        return;
    }
    bool global = over != route;
    double retry_after = (double)over->reset_after_ms / 1000;
    add_number_header(req, "Retry-After", "%.0f", (double)((over->reset_after_ms + 999) / 1000));
    sd_http_add_header(req, "X-RateLimit-Scope", global ? "global" : "user");
    if (global) sd_http_add_header(req, "X-RateLimit-Global", "true");
    sd_http_add_header(req, "Via", "1.1 simplediscord"); /* discord.py reads a 429 without Via as a ban */
    sd_metrics_add(a->app->metrics, "sd_ratelimit_rejections_total",
                   global       ? "scope=\"global\""
                   : a->by_user ? "scope=\"route\""
                                : "scope=\"ip\"",
                   1);
    sd_http_respond_json(req, 429,
                         json_pack("{s:s, s:f, s:b}", "message", "You are being rate limited.", "retry_after",
                                   retry_after, "global", global));
}

/* Counts the request against its route's bucket (per user and channel or guild, or per address without a
   token) and the user's global limit, then runs the route or answers 429. */
static void limit_then_handle(auth_ctx_t *a, const char *user_id)
{
    const sd_config_t *cfg = a->app->cfg;
    sd_request_t *req = a->req;
    const char *pattern = unversioned(a->route->pattern);
    const char *major = sd_request_param(req, "channel_id");
    if (!major) major = sd_request_param(req, "guild_id");
    bool sending = !strcmp(req->method, "POST") && !strcmp(pattern, "/channels/{channel_id}/messages");
    sd_rate_t rate = sending ? cfg->rate_messages : user_id ? cfg->rate_route : cfg->rate_ip;
    char name[256];
    unsigned char digest[8];
    snprintf(name, sizeof name, "%s %s", req->method, pattern);
    crypto_generichash(digest, sizeof digest, (const unsigned char *)name, strlen(name), NULL, 0);
    sodium_bin2hex(a->bucket, sizeof a->bucket, digest, sizeof digest);
    a->by_user = user_id != NULL;
    char route_key[256], global_key[96], client[64];
    if (!user_id) sd_request_client_address(req, cfg->trusted_proxies, client, sizeof client);
    snprintf(route_key, sizeof route_key, "rl:%s:%s:%s%s", a->bucket, major ? major : "",
             user_id ? "" : "ip:", user_id ? user_id : client);
    snprintf(global_key, sizeof global_key, "rl:global:%s", user_id ? user_id : "");
    sd_rl_rule_t rules[] = {{route_key, rate}, {global_key, cfg->rate_global}};
    sd_ratelimit_hit(a->app->limits, rules, user_id ? 2 : 1, on_limited, a);
}

static void unauthorized(sd_request_t *req)
{
    sd_deps_fail(req, SD_ERR_UNAUTHORIZED);
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
    limit_then_handle(a, user->id);
}

size_t sd_api_body_limit(const sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    const sd_route_t *route = NULL;
    /* matched again when the request is handled: this one only reads the route's flags */
    if (sd_router_match(app->router, (sd_request_t *)req, &route) != SD_ROUTE_FOUND ||
        !(route->flags & SD_API_IMAGE_BODY))
        return 0;
    /* the image in base64, and room for the body's other fields */
    size_t limit = ((size_t)app->cfg->image_max_bytes + 2) / 3 * 4 + 64 * 1024;
    return limit > (size_t)app->cfg->http_max_body_bytes ? limit : 0;
}

static void on_cdn_limited(const sd_rl_state_t *st, int n, void *ctx)
{
    auth_ctx_t *a = ctx;
    (void)n;
    if (!st[0].limited) {
        a->route->handler(a->req, a->app);
        return;
    }
    add_number_header(a->req, "Retry-After", "%.0f", (double)((st[0].reset_after_ms + 999) / 1000));
    sd_metrics_add(a->app->metrics, "sd_ratelimit_rejections_total", "scope=\"cdn\"", 1);
    sd_http_respond_json(a->req, 429,
                         json_pack("{s:s, s:f, s:b}", "message", "You are being rate limited.", "retry_after",
                                   (double)st[0].reset_after_ms / 1000, "global", 0));
}

/* CDN routes count against one limit per address for all of them together, and nothing else. */
static void cdn_limit_then_handle(auth_ctx_t *a)
{
    char client[64], key[96];
    sd_request_client_address(a->req, a->app->cfg->trusted_proxies, client, sizeof client);
    snprintf(key, sizeof key, "rl:cdn:ip:%s", client);
    sd_rl_rule_t rule = {key, a->app->cfg->rate_cdn};
    sd_ratelimit_hit(a->app->limits, &rule, 1, on_cdn_limited, a);
}

void sd_api_handle(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    const sd_route_t *route = NULL;
    switch (sd_router_match(app->router, req, &route)) {
    case SD_ROUTE_NOT_FOUND:
        if (app->web && sd_static_handle(app->web, req)) return;
        sd_deps_fail(req, SD_ERR_NOT_FOUND);
        return;
    case SD_ROUTE_METHOD_NOT_ALLOWED:
        /* a routing answer, no domain error: Discord's body as it is */
        sd_http_respond_error(req, 405, SD_API_GENERAL, "405: Method Not Allowed", NULL);
        return;
    case SD_ROUTE_FOUND:
        break;
    }
    bool api = !strncmp(route->pattern, "/api/", 5); /* health, metrics and the socket are not limited */
    if (!api && !(route->flags & (SD_API_AUTH | SD_API_CDN))) {
        route->handler(req, app);
        return;
    }
    auth_ctx_t *a = sd_arena_alloc(req->arena, sizeof *a);
    if (!a) {
        sd_deps_fail(req, SD_ERR_NOMEM);
        return;
    }
    *a = (auth_ctx_t){.req = req, .route = route, .app = app};
    if (route->flags & SD_API_CDN) {
        cdn_limit_then_handle(a);
        return;
    }
    if (!(route->flags & SD_API_AUTH)) {
        limit_then_handle(a, NULL);
        return;
    }
    const char *authorization = sd_request_header(req, "Authorization");
    sd_err_t err = authorization ? sd_user_service_authenticate(app, authorization, on_authenticated, a)
                                 : SD_ERR_UNAUTHORIZED;
    if (err == SD_ERR_UNAUTHORIZED)
        unauthorized(req);
    else if (err)
        sd_deps_fail(req, err);
}
