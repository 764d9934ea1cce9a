#include "services/health_service.h"

#include <stdlib.h>

#include "repositories/health_repo.h"

sd_err_t sd_health_service_check(sd_app_t *app, sd_health_cb cb, void *ctx)
{
    return sd_health_repo_ping(app->db, cb, ctx);
}
