/* roles endpoints (see roles.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_ROLES_H
#define SD_API_V1_ENDPOINTS_ROLES_H

#include "core/router.h"

sd_err_t sd_roles_endpoints_register(sd_router_t *r, const char *prefix);

#endif
