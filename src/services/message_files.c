#include "services/message_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/attachment_repo.h"
#include "schemas/attachment_schema.h"
#include "services/attachment_service.h"
#include "services/blob_gc.h"
#include "services/permissions.h"

typedef struct {
    sd_gjob_t *j;
    sd_gjob_step next;
    json_t *existing;  /* the stored message's attachments (a copy), or NULL */
    json_t *presigned; /* refs naming presigned uploads, each with its "_index" */
} resolve_t;

static const char *str(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? s : "";
}

static void finish(resolve_t *r, json_t *records)
{
    sd_gjob_t *j = r->j;
    json_t *dropped = json_array();
    size_t i, k;
    json_t *old, *rec;
    json_array_foreach(r->existing, i, old)
    {
        const char *key = json_string_value(json_object_get(old, "key"));
        bool kept = false;
        json_array_foreach(records, k, rec)
        {
            if (key && !strcmp(key, str(json_object_get(rec, "key")))) kept = true;
        }
        if (key && !kept) json_array_append_new(dropped, json_string(key));
    }
    json_object_set(j->input, "_records", records);
    json_object_set_new(j->input, "_dropped", dropped);
    sd_gjob_step next = r->next;
    json_decref(r->existing);
    json_decref(r->presigned);
    free(r);
    next(j);
}

static void fail(resolve_t *r, sd_err_t err, json_t *errors)
{
    sd_gjob_t *j = r->j;
    json_decref(r->existing);
    json_decref(r->presigned);
    free(r);
    if (errors)
        sd_gjob_form(j, errors);
    else
        sd_gjob_fail(j, &(sd_fault_t){.err = err});
}

/* The presigned uploads are checked: they take their places ("_pending": n) in the list. */
static void on_checked(sd_err_t err, json_t *found, json_t *errors, void *ctx)
{
    resolve_t *r = ctx;
    if (err) {
        fail(r, err, errors);
        return;
    }
    json_t *records = json_object_get(r->j->input, "_building");
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec)
    {
        json_t *pending = json_object_get(rec, "_pending");
        if (pending) json_array_set(records, i, json_array_get(found, (size_t)json_integer_value(pending)));
    }
    json_incref(records);
    json_object_del(r->j->input, "_building");
    finish(r, records);
    json_decref(records);
}

static const json_t *find_id(const json_t *list, const char *id)
{
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        if (!strcmp(str(json_object_get(a, "id")), id)) return a;
    }
    return NULL;
}

/* A file of the request under the ref's filename and description. */
static json_t *renamed(const json_t *upload, const json_t *ref)
{
    json_t *rec = json_copy((json_t *)upload);
    const char *name = json_string_value(json_object_get(ref, "filename"));
    const char *description = json_string_value(json_object_get(ref, "description"));
    if (name) {
        char filename[SD_ATTACHMENT_FILENAME_MAX + 1];
        sd_attachment_filename(name, filename, sizeof filename);
        const char *dot = strrchr(name, '.');
        json_object_set_new(rec, "filename", json_string(filename));
        json_object_set_new(rec, "title",
                            json_stringn(name, dot && dot != name ? (size_t)(dot - name) : strlen(name)));
        json_object_set_new(rec, "flags",
                            json_integer(strncmp(filename, "SPOILER_", 8) ? 0 : SD_ATTACHMENT_IS_SPOILER));
    }
    if (description && *description) json_object_set_new(rec, "description", json_string(description));
    return rec;
}

void sd_message_files_resolve(sd_gjob_t *j, const json_t *existing, sd_gjob_step next)
{
    const json_t *refs = json_object_get(j->input, "attachments");
    const json_t *uploads = json_object_get(j->input, "_uploads");
    if (!refs && !json_object_size(uploads)) {
        next(j);
        return;
    }
    bool new_files = json_object_size(uploads) > 0;
    json_t *records = json_array(), *presigned = json_array(), *used = json_object();
    json_t *errors = json_object();
    if (!refs && existing) json_array_extend(records, (json_t *)existing);
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        const char *id = json_string_value(json_object_get(ref, "id"));
        const json_t *upload = json_object_get(uploads, id);
        const json_t *kept = find_id(existing, id);
        if (json_object_get(ref, "uploaded_filename")) {
            json_t *p = json_deep_copy(ref);
            json_object_set_new(p, "_index", json_integer((json_int_t)i));
            json_array_append_new(records,
                                  json_pack("{s:I}", "_pending", (json_int_t)json_array_size(presigned)));
            json_array_append_new(presigned, p);
            new_files = true;
        } else if (upload) {
            json_array_append_new(records, renamed(upload, ref));
            json_object_set_new(used, id, json_true());
        } else if (kept) {
            json_t *copy = json_copy((json_t *)kept);
            const char *description = json_string_value(json_object_get(ref, "description"));
            if (description) json_object_set_new(copy, "description", json_string(description));
            json_array_append_new(records, copy);
        } else {
            char path[64];
            snprintf(path, sizeof path, "attachments.%zu.id", i);
            sd_form_error_add(errors, path, "ATTACHMENT_NOT_FOUND", "Unknown attachment.");
        }
    }
    /* a file sent without a ref is attached all the same, after the others */
    const char *n;
    json_t *upload;
    json_object_foreach((json_t *)uploads, n, upload)
    {
        if (!json_object_get(used, n)) json_array_append(records, upload);
    }
    json_decref(used);
    if (json_object_size(errors) || json_array_size(records) > (size_t)j->app->cfg->upload_max_files) {
        if (!json_object_size(errors)) {
            char msg[64];
            snprintf(msg, sizeof msg, "Must be %ld or fewer in length.", j->app->cfg->upload_max_files);
            sd_form_error_add(errors, "attachments", "BASE_TYPE_MAX_LENGTH", msg);
        }
        json_decref(records);
        json_decref(presigned);
        sd_gjob_form(j, errors);
        return;
    }
    json_decref(errors);
    if (new_files && !sd_gjob_require(j, SD_PERM_ATTACH_FILES)) {
        json_decref(records);
        json_decref(presigned);
        return;
    }
    resolve_t *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(records);
        json_decref(presigned);
        sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_NOMEM});
        return;
    }
    *r = (resolve_t){
        .j = j, .next = next, .existing = existing ? json_deep_copy(existing) : NULL, .presigned = presigned};
    if (!json_array_size(presigned)) {
        finish(r, records);
        json_decref(records);
        return;
    }
    json_object_set_new(j->input, "_building", records);
    sd_attachment_service_check_uploaded(j->app, j->channel_id, presigned, on_checked, r);
}

typedef struct {
    sd_app_t *app;
} queued_t;

static void on_queued(sd_err_t err, json_t *res, void *ctx)
{
    queued_t *q = ctx;
    (void)res;
    if (!err) sd_blob_gc_kick(q->app);
    free(q);
}

void sd_message_files_not_taken(sd_gjob_t *j)
{
    /* only the files of this request: a presigned upload it named may be the first message's own (a retry) */
    json_t *keys = json_array();
    const char *n;
    json_t *rec;
    json_object_foreach(json_object_get(j->input, "_uploads"), n, rec)
    {
        const json_t *key = json_object_get(rec, "key");
        if (json_is_string(key)) json_array_append(keys, (json_t *)key);
    }
    queued_t *q = json_array_size(keys) ? malloc(sizeof *q) : NULL;
    if (!q) {
        json_decref(keys);
        return;
    }
    q->app = j->app;
    if (sd_blob_deletion_repo_add(j->app->db, keys, 0, on_queued, q)) free(q);
}
