/* planned endpoints: the routes of Discord's API this server does not serve yet, answered with HTTP 501 and
   Discord's error body rather than a 404 (docs/COMPATIBILITY.md lists them). */
#ifndef SD_API_V1_ENDPOINTS_PLANNED_H
#define SD_API_V1_ENDPOINTS_PLANNED_H

#include "core/router.h"

sd_err_t sd_planned_endpoints_register(sd_router_t *r, const char *prefix);

#endif
