/* operations endpoints: GET /metrics, the process's counters and gauges in Prometheus' text format
   (core/metrics), and GET /openapi.json, the OpenAPI document of the REST API. */
#ifndef SD_API_V1_ENDPOINTS_METRICS_H
#define SD_API_V1_ENDPOINTS_METRICS_H

#include "core/router.h"

sd_err_t sd_metrics_endpoints_register(sd_router_t *r);

#endif
