/* auth endpoints: POST /auth/register, POST /auth/login and POST /auth/logout (retires every token of the
   account). */
#ifndef SD_API_V1_ENDPOINTS_AUTH_H
#define SD_API_V1_ENDPOINTS_AUTH_H

#include "core/router.h"

/* Adds this file's routes under prefix ("/api/v1"). */
sd_err_t sd_auth_endpoints_register(sd_router_t *r, const char *prefix);

#endif
