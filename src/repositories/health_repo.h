/* health_repo: a cheap round trip to DynamoDB (DescribeTable of the users table). */
#ifndef SD_REPOSITORIES_HEALTH_REPO_H
#define SD_REPOSITORIES_HEALTH_REPO_H

#include "core/errors.h"
#include "db/dynamo.h"

typedef void (*sd_health_repo_cb)(sd_err_t err, void *ctx);

sd_err_t sd_health_repo_ping(sd_dynamo_t *db, sd_health_repo_cb cb, void *ctx);

#endif
