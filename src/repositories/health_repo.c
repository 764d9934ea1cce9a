#include "repositories/health_repo.h"

#include <stdlib.h>

typedef struct {
    sd_health_repo_cb cb;
    void *ctx;
} ping_t;

static void on_describe(sd_err_t err, json_t *res, void *ctx)
{
    ping_t *p = ctx;
    p->cb(err, p->ctx);
    free(p);
}

sd_err_t sd_health_repo_ping(sd_dynamo_t *db, sd_health_repo_cb cb, void *ctx)
{
    ping_t *p = malloc(sizeof *p);
    if (!p) return SD_ERR_NOMEM;
    *p = (ping_t){cb, ctx};
    char table[128];
    sd_err_t err = sd_dynamo_call(
        db, "DescribeTable",
        json_pack("{s:s}", "TableName", sd_dynamo_table(db, "users", table, sizeof table)), on_describe, p);
    if (err) free(p);
    return err;
}
