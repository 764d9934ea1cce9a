/* users endpoints: GET/PATCH /users/@me and GET /users/{user_id}. */
#ifndef SD_API_V1_ENDPOINTS_USERS_H
#define SD_API_V1_ENDPOINTS_USERS_H

#include "core/router.h"

/* Adds this file's routes under prefix ("/api/v1"). */
sd_err_t sd_users_endpoints_register(sd_router_t *r, const char *prefix);

#endif
