/* dm endpoints: POST/GET /users/@me/channels, POST /channels/{id}/messages/{message_id}/ack. */
#ifndef SD_API_V1_ENDPOINTS_DMS_H
#define SD_API_V1_ENDPOINTS_DMS_H

#include "core/router.h"

sd_err_t sd_dms_endpoints_register(sd_router_t *r, const char *prefix);

#endif
