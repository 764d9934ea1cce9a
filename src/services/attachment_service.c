#include "services/attachment_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "repositories/attachment_repo.h"
#include "repositories/blob_repo.h"
#include "services/attachment_sniff.h"
#include "services/gjob.h"
#include "services/permissions.h"
#include "services/snowflake.h"

#define PRESIGN_TTL_S 3600   /* how long a presigned upload URL stays usable */
#define PRESIGN_GRACE_S 3600 /* and after that, how long an upload may wait for its message */

void sd_attachment_sniff_fd(int fd, int64_t off, int64_t len, sd_attachment_kind_t *out)
{
    static __thread unsigned char buf[SD_SNIFF_BYTES];
    size_t want = len < (int64_t)sizeof buf ? (size_t)(len > 0 ? len : 0) : sizeof buf, got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)(off + (int64_t)got));
        if (n <= 0) break;
        got += (size_t)n;
    }
    sd_sniff_t s;
    sd_attachment_sniff(buf, got, len, &s);
    *out = (sd_attachment_kind_t){s.content_type, s.width, s.height};
}

/* ---- presigned uploads ---- */

static void on_presign_recorded(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    (void)res;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_CHANNEL);
        return;
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, json_incref(j->found));
}

static void presign_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_SEND_MESSAGES | SD_PERM_ATTACH_FILES)) return;
    const sd_config_t *cfg = j->app->cfg;
    json_t *out = json_array(), *keys = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(j->input, i, f)
    {
        if (json_integer_value(json_object_get(f, "file_size")) > cfg->upload_max_file_bytes) {
            json_decref(out);
            json_decref(keys);
            sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_TOO_LARGE});
            return;
        }
        char id[24], key[SD_ATTACHMENT_KEY_MAX], url[4096];
        sd_gjob_new_id(j, id);
        sd_err_t err =
            sd_blob_attachment_key(strtoull(j->channel_id, NULL, 10), strtoull(id, NULL, 10),
                                   json_string_value(json_object_get(f, "filename")), key, sizeof key);
        if (!err) err = sd_blob_presign(j->app, "PUT", key, PRESIGN_TTL_S, url, sizeof url);
        if (err) {
            json_decref(out);
            json_decref(keys);
            sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_UNAVAILABLE});
            return;
        }
        json_array_append_new(out, json_pack("{s:O, s:s, s:s}", "id", json_object_get(f, "id"), "upload_url",
                                             url, "upload_filename", key));
        json_array_append_new(keys, json_string(key));
    }
    /* An upload no message takes is deleted once its URL has expired; a message that takes one removes
       this entry (sd_blob_deletion_repo_claim), so that no two messages share an object. */
    json_decref(j->found);
    j->found = json_pack("{s:o}", "attachments", out);
    int64_t due = (int64_t)(time(NULL) + PRESIGN_TTL_S + PRESIGN_GRACE_S) * 1000;
    sd_gjob_started(j, sd_blob_deletion_repo_add(j->app->db, keys, due, on_presign_recorded, j));
}

void sd_attachment_service_presign(sd_app_t *app, const char *user_id, const char *channel_id, json_t *files,
                                   sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, files, NULL, NULL, channel_id, presign_step, cb, ctx);
}

/* ---- a message naming presigned uploads ---- */

typedef struct {
    sd_app_t *app;
    char channel_id[24];
    json_t *refs;    /* borrowed */
    size_t i;        /* the ref being checked */
    json_t *records; /* found so far, in refs' order */
    int64_t total;
    int64_t size; /* of the object being read */
    size_t got;
    unsigned char head[SD_SNIFF_BYTES];
    sd_attachment_done_fn done;
    void *ctx;
} check_t;

static void check_next(check_t *c);

static void check_end(check_t *c, sd_err_t err, json_t *errors)
{
    c->done(err, err ? NULL : c->records, errors, c->ctx);
    json_decref(c->records);
    free(c);
}

static void check_field(check_t *c, const char *field, const char *code, const char *message)
{
    char path[96];
    json_t *errors = json_object();
    const json_t *at = json_object_get(json_array_get(c->refs, c->i), "_index");
    snprintf(path, sizeof path, "attachments.%lld.%s",
             at ? (long long)json_integer_value(at) : (long long)c->i, field);
    sd_form_error_add(errors, path, code, message);
    check_end(c, SD_ERR_INVALID, errors);
}

static sd_err_t store_err(sd_err_t err)
{
    return err == SD_ERR_NOMEM ? SD_ERR_NOMEM : SD_ERR_UNAVAILABLE;
}

static int on_bytes(const char *data, size_t len, void *ctx)
{
    check_t *c = ctx;
    size_t room = sizeof c->head - c->got;
    size_t n = len < room ? len : room;
    memcpy(c->head + c->got, data, n);
    c->got += n;
    return 0;
}

static void on_get_head(const sd_s3_result_t *r, void *ctx)
{
    (void)r;
    (void)ctx;
}

static void on_claimed(sd_err_t err, json_t *res, void *ctx)
{
    check_t *c = ctx;
    (void)res;
    if (err == SD_ERR_CONFLICT || err == SD_ERR_NOT_FOUND) {
        check_field(c, "uploaded_filename", "ATTACHMENT_ALREADY_USED",
                    "This upload was not handed out for a message, or another message has it.");
        return;
    }
    if (err) {
        check_end(c, err, NULL);
        return;
    }
    c->i++;
    check_next(c);
}

static void on_read(const sd_s3_result_t *r, void *ctx)
{
    check_t *c = ctx;
    if (r->err) {
        check_end(c, store_err(r->err), NULL);
        return;
    }
    const json_t *ref = json_array_get(c->refs, c->i);
    const char *key = json_string_value(json_object_get(ref, "uploaded_filename"));
    const char *name = json_string_value(json_object_get(ref, "filename"));
    sd_sniff_t s;
    sd_attachment_sniff(c->head, c->got, c->size, &s);
    sd_attachment_kind_t kind = {s.content_type, s.width, s.height};
    char id[24];
    const char *filename;
    sd_attachment_key_of(key, c->channel_id, id, &filename);
    json_array_append_new(c->records,
                          sd_attachment_record(id, name ? name : filename,
                                               json_string_value(json_object_get(ref, "description")), key,
                                               c->size, &kind));
    /* last, once it is known to be good: the upload becomes this message's alone */
    sd_err_t err = sd_blob_deletion_repo_claim(c->app->db, key, on_claimed, c);
    if (err) check_end(c, err, NULL);
}

static void on_head(const sd_s3_result_t *r, void *ctx)
{
    check_t *c = ctx;
    if (r->err == SD_ERR_NOT_FOUND) {
        check_field(c, "uploaded_filename", "ATTACHMENT_NOT_UPLOADED", "The file was not uploaded.");
        return;
    }
    if (r->err) {
        check_end(c, store_err(r->err), NULL);
        return;
    }
    const sd_config_t *cfg = c->app->cfg;
    c->size = r->size;
    c->total += r->size;
    if (r->size > cfg->upload_max_file_bytes || c->total > cfg->upload_max_message_bytes) {
        check_end(c, SD_ERR_TOO_LARGE, NULL);
        return;
    }
    c->got = 0;
    const char *key = json_string_value(json_object_get(json_array_get(c->refs, c->i), "uploaded_filename"));
    char range[48];
    snprintf(range, sizeof range, "bytes=0-%d", SD_SNIFF_BYTES - 1);
    /* an empty object has no first byte to ask for */
    sd_err_t err =
        r->size > 0 ? sd_blob_get(c->app, key, range, on_get_head, on_bytes, on_read, c, NULL) : SD_OK;
    if (err)
        check_end(c, store_err(err), NULL);
    else if (r->size == 0)
        on_read(&(sd_s3_result_t){.err = SD_OK}, c);
}

static void check_next(check_t *c)
{
    const json_t *ref = json_array_get(c->refs, c->i);
    if (!ref) {
        check_end(c, SD_OK, NULL);
        return;
    }
    const char *key = json_string_value(json_object_get(ref, "uploaded_filename"));
    char id[24];
    const char *filename;
    if (!sd_attachment_key_of(key, c->channel_id, id, &filename)) {
        check_field(c, "uploaded_filename", "ATTACHMENT_INVALID_UPLOAD",
                    "Not an upload of this channel's attachments.");
        return;
    }
    sd_err_t err = sd_blob_head(c->app, key, on_head, c);
    if (err) check_end(c, store_err(err), NULL);
}

void sd_attachment_service_check_uploaded(sd_app_t *app, const char *channel_id, json_t *refs,
                                          sd_attachment_done_fn done, void *ctx)
{
    check_t *c = calloc(1, sizeof *c);
    if (!c) {
        done(SD_ERR_NOMEM, NULL, NULL, ctx);
        return;
    }
    c->app = app;
    snprintf(c->channel_id, sizeof c->channel_id, "%s", channel_id);
    c->refs = refs;
    c->records = json_array();
    c->done = done;
    c->ctx = ctx;
    check_next(c);
}
