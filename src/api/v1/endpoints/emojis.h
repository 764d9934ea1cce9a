/* emojis endpoints (see emojis.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_EMOJIS_H
#define SD_API_V1_ENDPOINTS_EMOJIS_H

#include "core/router.h"

sd_err_t sd_emojis_endpoints_register(sd_router_t *r, const char *prefix);

#endif
