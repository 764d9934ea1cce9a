/* guild endpoints: /guilds, /guilds/{id}, /users/@me/guilds. */
#ifndef SD_API_V1_ENDPOINTS_GUILDS_H
#define SD_API_V1_ENDPOINTS_GUILDS_H

#include "core/router.h"

sd_err_t sd_guilds_endpoints_register(sd_router_t *r, const char *prefix);

#endif
