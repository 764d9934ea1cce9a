/* invites endpoints (see invites.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_INVITES_H
#define SD_API_V1_ENDPOINTS_INVITES_H

#include "core/router.h"

sd_err_t sd_invites_endpoints_register(sd_router_t *r, const char *prefix);

#endif
