/* health_service: is the store reachable? One cheap read of the users table's description. */
#ifndef SD_SERVICES_HEALTH_SERVICE_H
#define SD_SERVICES_HEALTH_SERVICE_H

#include "core/app.h"
#include "core/errors.h"

typedef void (*sd_health_cb)(sd_err_t err, void *ctx);

sd_err_t sd_health_service_check(sd_app_t *app, sd_health_cb cb, void *ctx);

#endif
