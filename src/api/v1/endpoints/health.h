/* health endpoint: GET /healthz, 200 when DynamoDB answers and the tables exist, 503 otherwise. */
#ifndef SD_API_V1_ENDPOINTS_HEALTH_H
#define SD_API_V1_ENDPOINTS_HEALTH_H

#include "core/router.h"

sd_err_t sd_health_endpoints_register(sd_router_t *r);

#endif
