/* What the CDN serves of attachments (services/cdn_service.h): links, keys, lookups and reads. */
#include "services/cdn_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cdn_sign.h"
#include "core/snowflake_id.h"
#include "repositories/blob_repo.h"

bool sd_cdn_service_link_valid(const sd_app_t *app, const char *raw_path, const char *ex, const char *is,
                               const char *hm, time_t now)
{
    return sd_cdn_verify(app->cfg->cdn_secret, raw_path, ex, is, hm, now);
}

static bool filename_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SD_CDN_FILENAME_MAX || !strcmp(s, ".") || !strcmp(s, "..")) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

const char *sd_cdn_service_attachment_key(sd_arena_t *a, const char *channel_id, const char *attachment_id,
                                          const char *filename)
{
    if (!sd_snowflake_parse(channel_id) || !sd_snowflake_parse(attachment_id) || !filename_ok(filename))
        return NULL;
    return sd_arena_printf(a, "attachments/%s/%s/%s", channel_id, attachment_id, filename);
}

/* ---- stat ---- */

typedef struct {
    sd_cdn_stat_fn done;
    void *ctx;
} stat_job_t;

static void on_head(const sd_s3_result_t *r, void *ctx)
{
    stat_job_t *j = ctx;
    sd_cdn_object_t o = {.err = r->err, .size = r->size, .etag = r->etag, .content_type = r->content_type};
    j->done(&o, j->ctx);
    free(j);
}

sd_err_t sd_cdn_service_stat(sd_app_t *app, const char *key, sd_cdn_stat_fn done, void *ctx)
{
    if (!app->store) return SD_ERR_UNAVAILABLE;
    stat_job_t *j = malloc(sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    *j = (stat_job_t){done, ctx};
    sd_err_t err = sd_blob_head(app, key, on_head, j);
    if (err) free(j);
    return err;
}

/* ---- reads ---- */

struct sd_cdn_read {
    const sd_cdn_read_cbs_t *cbs;
    void *ctx;
    sd_s3_get_t *get;
    int64_t want; /* bytes asked for; -1: to the end */
    int64_t got;
};

static void on_read_head(const sd_s3_result_t *r, void *ctx)
{
    (void)r;
    (void)ctx; /* the caller looked the object up already */
}

static int on_read_data(const char *data, size_t len, void *ctx)
{
    sd_cdn_read_t *rd = ctx;
    rd->got += (int64_t)len;
    return rd->cbs->data(data, len, rd->ctx);
}

static void on_read_done(const sd_s3_result_t *r, void *ctx)
{
    sd_cdn_read_t *rd = ctx;
    sd_err_t err = r->err;
    if (!err && rd->want >= 0 && rd->got != rd->want) err = SD_ERR_UNAVAILABLE; /* cut short */
    rd->cbs->done(err, rd->ctx);
    free(rd);
}

sd_err_t sd_cdn_service_read(sd_app_t *app, const char *key, int64_t first, int64_t last,
                             const sd_cdn_read_cbs_t *cbs, void *ctx, sd_cdn_read_t **out)
{
    if (!app->store) return SD_ERR_UNAVAILABLE;
    sd_cdn_read_t *rd = calloc(1, sizeof *rd);
    if (!rd) return SD_ERR_NOMEM;
    *rd = (sd_cdn_read_t){.cbs = cbs, .ctx = ctx, .want = last >= first ? last - first + 1 : -1};
    char range[64];
    if (last >= first)
        snprintf(range, sizeof range, "bytes=%lld-%lld", (long long)first, (long long)last);
    else
        snprintf(range, sizeof range, "bytes=%lld-", (long long)first);
    sd_err_t err = sd_blob_get(app, key, first > 0 || last >= 0 ? range : NULL, on_read_head, on_read_data,
                               on_read_done, rd, &rd->get);
    if (err) {
        free(rd);
        return err;
    }
    if (out) *out = rd;
    return SD_OK;
}

void sd_cdn_service_resume(sd_cdn_read_t *r)
{
    sd_blob_resume(r->get);
}

void sd_cdn_service_cancel(sd_cdn_read_t *r)
{
    sd_blob_cancel(r->get);
}
