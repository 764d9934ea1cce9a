/* attachments: Discord's large-file flow, POST /channels/{id}/attachments (presigned upload URLs). */
#ifndef SD_API_V1_ENDPOINTS_ATTACHMENTS_H
#define SD_API_V1_ENDPOINTS_ATTACHMENTS_H

#include "core/errors.h"
#include "core/router.h"

sd_err_t sd_attachments_endpoints_register(sd_router_t *r, const char *prefix);

#endif
