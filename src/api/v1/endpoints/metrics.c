#include "api/v1/endpoints/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "api/gateway/gateway.h"
#include "api/v1/deps.h"
#include "core/app.h"
#include "core/broker.h"
#include "core/metrics.h"

static void get_metrics(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    const char *broker = app->broker ? sd_broker_state(app->broker) : "local";
    sd_metrics_gauge_t gauges[] = {
        {"sd_http_requests_in_flight", "", app->http ? sd_http_server_in_flight(app->http) : 0},
        {"sd_http_connections", "", app->http ? sd_http_server_connections(app->http) : 0},
        {"sd_http_connections_refused", "", app->http ? (double)sd_http_server_refused(app->http) : 0},
        {"sd_gateway_sessions", "", app->gateway ? sd_gateway_open_sessions(app->gateway) : 0},
        {"sd_broker_connected", "",
         !strcmp(broker, "local")       ? -1
         : !strcmp(broker, "connected") ? 1
                                        : 0},
    };
    char *text = sd_metrics_render(app->metrics, gauges, sizeof gauges / sizeof *gauges);
    if (!text) {
        sd_deps_fail(req, SD_ERR_NOMEM);
        return;
    }
    sd_http_respond(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
    free(text);
}

static void get_openapi(sd_request_t *req, void *ctx)
{
    const sd_app_t *app = ctx;
    if (!app->openapi) {
        sd_http_respond_error(req, 404, SD_API_GENERAL, "404: Not Found", NULL);
        return;
    }
    sd_http_respond(req, 200, "application/json", app->openapi, app->openapi_len);
}

sd_err_t sd_metrics_endpoints_register(sd_router_t *r)
{
    sd_err_t err = sd_router_add(r, "GET", "/metrics", get_metrics, 0);
    return err ? err : sd_router_add(r, "GET", "/openapi.json", get_openapi, 0);
}
