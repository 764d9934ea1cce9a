/* members endpoints (see members.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_MEMBERS_H
#define SD_API_V1_ENDPOINTS_MEMBERS_H

#include "core/router.h"

sd_err_t sd_members_endpoints_register(sd_router_t *r, const char *prefix);

#endif
