#include "api/v1/endpoints/health.h"

#include "api/v1/deps.h"
#include "services/health_service.h"

static void on_health(sd_err_t err, void *ctx)
{
    sd_request_t *req = ctx;
    if (err)
        sd_http_respond_json(req, 503,
                             json_pack("{s:s, s:s}", "status", "unavailable", "dynamodb", sd_err_name(err)));
    else
        sd_http_respond_json(req, 200, json_pack("{s:s, s:s}", "status", "ok", "dynamodb", "ok"));
}

static void get_healthz(sd_request_t *req, void *app)
{
    sd_err_t err = sd_health_service_check(app, on_health, req);
    if (err) on_health(err, req);
}

sd_err_t sd_health_endpoints_register(sd_router_t *r)
{
    return sd_router_add(r, "GET", "/healthz", get_healthz, 0);
}
