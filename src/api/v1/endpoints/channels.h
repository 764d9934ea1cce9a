/* channels endpoints (see channels.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_CHANNELS_H
#define SD_API_V1_ENDPOINTS_CHANNELS_H

#include "core/router.h"

sd_err_t sd_channels_endpoints_register(sd_router_t *r, const char *prefix);

#endif
