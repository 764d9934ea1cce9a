/* attachment_service (attachment_service.h): the files that came up in the request itself. */
#include "services/attachment_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/blob_repo.h"
#include "services/snowflake.h"

static const char *id_of_key(const char *key, char *out)
{
    /* attachments/{channel}/{id}/{name} */
    const char *p = strchr(key, '/');
    p = p ? strchr(p + 1, '/') : NULL;
    size_t n = p ? strspn(p + 1, "0123456789") : 0;
    snprintf(out, 24, "%.*s", (int)(n < 23 ? n : 23), p ? p + 1 : "");
    return out;
}

json_t *sd_attachment_service_from_upload(const sd_upload_t *up)
{
    json_t *out = json_object();
    for (int i = 0; up && i < up->nfiles; i++) {
        const sd_upload_file_t *f = &up->files[i];
        sd_attachment_kind_t kind;
        sd_attachment_sniff_fd(f->fd, f->off, f->size, &kind);
        char id[24], n[16];
        snprintf(n, sizeof n, "%d", f->index);
        json_object_set_new(
            out, n, sd_attachment_record(id_of_key(f->key, id), f->filename, NULL, f->key, f->size, &kind));
    }
    return out;
}

/* ---- files in the request ---- */

typedef struct {
    sd_app_t *app;
    char channel_id[24];
    sd_upload_done_fn done;
    void *ctx;
} receive_t;

static sd_err_t key_of_file(const sd_upload_file_t *f, char *out, size_t cap, void *ctx)
{
    const receive_t *r = ctx;
    return sd_blob_attachment_key(strtoull(r->channel_id, NULL, 10), sd_snowflake_next(r->app->ids),
                                  f->filename, out, cap);
}

static void on_received(sd_upload_t *up, sd_err_t err, void *ctx)
{
    receive_t *r = ctx;
    sd_upload_done_fn done = r->done;
    void *done_ctx = r->ctx;
    free(r);
    done(up, err, done_ctx);
}

sd_err_t sd_attachment_service_receive(sd_app_t *app, sd_request_t *req, const char *channel_id,
                                       sd_upload_done_fn done, void *ctx)
{
    /* the key function and done share one context: ours, which hands done the caller's */
    receive_t *r = malloc(sizeof *r);
    if (!r) return SD_ERR_NOMEM;
    *r = (receive_t){.app = app, .done = done, .ctx = ctx};
    snprintf(r->channel_id, sizeof r->channel_id, "%s", channel_id);
    const sd_config_t *cfg = app->cfg;
    sd_upload_limits_t lim = {.max_file_bytes = cfg->upload_max_file_bytes,
                              .max_total_bytes = cfg->upload_max_message_bytes,
                              .max_files = (int)cfg->upload_max_files};
    sd_err_t err = sd_upload_receive(app, req, &lim, key_of_file, on_received, r);
    if (err) free(r);
    return err;
}
