#include "services/image_fields.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    sd_app_t *app;
    json_t *changes; /* a reference held while the saves run */
    const sd_image_field_t *fields;
    size_t n, at;
    char owner[32];
    sd_image_fields_fn done;
    void *ctx;
} job_t;

bool sd_image_fields_pending(const json_t *changes, const sd_image_field_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (json_is_string(json_object_get(changes, fields[i].field))) return true;
    return false;
}

void sd_image_fields_error(json_t *errors, const char *field, sd_err_t err, const char *reason)
{
    if (err == SD_ERR_TOO_LARGE)
        sd_form_error_add(errors, field, "BINARY_TYPE_MAX_SIZE", reason ? reason : "The image is too large.");
    else
        sd_form_error_add(errors, field, "IMAGE_INVALID", reason ? reason : "Invalid image data");
}

static void job_end(job_t *j, sd_err_t err, json_t *errors)
{
    j->done(err, errors, j->ctx);
    json_decref(j->changes);
    free(j);
}

static void next(job_t *j);

static void on_saved(sd_err_t err, const char *hash, int animated, const char *reason, void *ctx)
{
    job_t *j = ctx;
    const char *field = j->fields[j->at].field;
    if (err == SD_ERR_INVALID || err == SD_ERR_TOO_LARGE) {
        json_t *errors = json_object();
        sd_image_fields_error(errors, field, err, reason);
        job_end(j, SD_ERR_INVALID, errors);
        json_decref(errors);
        return;
    }
    if (!err && (!hash || json_object_set_new(j->changes, field, json_string(hash)))) err = SD_ERR_NOMEM;
    if (err) {
        job_end(j, err, NULL);
        return;
    }
    j->at++;
    next(j);
}

/* Starts the save of the next field holding a data URI, or ends the job. */
static void next(job_t *j)
{
    for (; j->at < j->n; j->at++) {
        const json_t *v = json_object_get(j->changes, j->fields[j->at].field);
        if (!json_is_string(v)) continue;
        sd_err_t err =
            sd_images_save(j->app, j->fields[j->at].kind, j->owner, json_string_value(v), on_saved, j);
        if (err) job_end(j, err == SD_ERR_INVALID ? SD_ERR_INTERNAL : err, NULL);
        return;
    }
    job_end(j, SD_OK, NULL);
}

sd_err_t sd_image_fields_save(sd_app_t *app, json_t *changes, const sd_image_field_t *fields, size_t n,
                              const char *owner_id, sd_image_fields_fn done, void *ctx)
{
    if (!owner_id || snprintf(NULL, 0, "%s", owner_id) >= (int)sizeof((job_t *)0)->owner)
        return SD_ERR_INVALID;
    job_t *j = calloc(1, sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    *j = (job_t){
        .app = app, .changes = json_incref(changes), .fields = fields, .n = n, .done = done, .ctx = ctx};
    snprintf(j->owner, sizeof j->owner, "%s", owner_id);
    /* the first save is started here, so that a failure to start is the caller's return value */
    for (; j->at < n && !json_is_string(json_object_get(changes, fields[j->at].field)); j->at++) {
    }
    if (j->at == n) {
        json_decref(j->changes);
        free(j);
        return SD_ERR_INVALID; /* nothing to save: sd_image_fields_pending said so */
    }
    sd_err_t err =
        sd_images_save(app, fields[j->at].kind, j->owner,
                       json_string_value(json_object_get(changes, fields[j->at].field)), on_saved, j);
    if (err) {
        json_decref(j->changes);
        free(j);
    }
    return err;
}
