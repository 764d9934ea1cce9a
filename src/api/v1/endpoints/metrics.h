/* metrics endpoint: GET /metrics, the process's counters and gauges in Prometheus' text format
 * (core/metrics).
 */
#ifndef SD_API_V1_ENDPOINTS_METRICS_H
#define SD_API_V1_ENDPOINTS_METRICS_H

#include "core/router.h"

sd_err_t sd_metrics_endpoints_register(sd_router_t *r);

#endif
