/* messages endpoints (see messages.c for the routes). */
#ifndef SD_API_V1_ENDPOINTS_MESSAGES_H
#define SD_API_V1_ENDPOINTS_MESSAGES_H

#include "core/router.h"

sd_err_t sd_messages_endpoints_register(sd_router_t *r, const char *prefix);

#endif
