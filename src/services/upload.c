/* Uploads (services/upload.h): the spooled body read as multipart/form-data on a pool thread, within the
   limits; its text parts into the payload; then its files to the store (upload_put.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_server.h"
#include "core/multipart.h"
#include "services/upload_job.h"

#define WINDOW 65536      /* bytes read from the spool file at a time */
#define MAX_TEXT_PARTS 64 /* besides the files */

static void detail(sd_upload_job_t *j, const char *fmt, const char *what)
{
    if (!j->up.detail[0]) snprintf(j->up.detail, sizeof j->up.detail, fmt, what);
}

/* "files[n]" with n a number: n; else -1. */
static int files_index(const char *name)
{
    if (strncmp(name, "files[", 6) || name[6] < '0' || name[6] > '9') return -1;
    char *end;
    errno = 0;
    long n = strtol(name + 6, &end, 10);
    if (end == name + 6 || strcmp(end, "]") || errno || n > 1000000) return -1;
    return (int)n;
}

static bool is_file(const sd_mp_part_t *p)
{
    return p->filename || !strcmp(p->name, "file") || !strncmp(p->name, "files[", 6);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* ---- parser callbacks (pool thread: they touch only the job) ---- */

static sd_err_t on_part(const sd_mp_part_t *p, void *ctx)
{
    sd_upload_job_t *j = ctx;
    if (!is_file(p)) {
        if (j->ntexts == MAX_TEXT_PARTS) {
            detail(j, "%s", "too many form fields");
            return SD_ERR_INVALID;
        }
        if (j->ntexts == j->texts_cap) {
            int cap = j->texts_cap ? j->texts_cap * 2 : 4;
            sd_up_text_t *t = realloc(j->texts, (size_t)cap * sizeof *t);
            if (!t) return SD_ERR_NOMEM;
            j->texts = t;
            j->texts_cap = cap;
        }
        sd_up_text_t *t = &j->texts[j->ntexts];
        *t = (sd_up_text_t){.name = strdup(p->name), .off = p->data_off};
        if (!t->name) return SD_ERR_NOMEM;
        j->ntexts++;
        return SD_OK;
    }
    if (j->up.nfiles >= j->lim.max_files) {
        snprintf(j->up.detail, sizeof j->up.detail, "Too many files (at most %d)", j->lim.max_files);
        return SD_ERR_TOO_LARGE;
    }
    if (j->up.nfiles == j->files_cap) {
        int cap = j->files_cap ? j->files_cap * 2 : 4;
        sd_upload_file_t *f = realloc(j->up.files, (size_t)cap * sizeof *f);
        if (!f) return SD_ERR_NOMEM;
        j->up.files = f;
        j->files_cap = cap;
    }
    int n = files_index(p->name);
    for (int i = 0; n >= 0 && i < j->up.nfiles; i++)
        if (!strcmp(j->up.files[i].field, p->name)) {
            detail(j, "%s appears twice", p->name);
            return SD_ERR_INVALID;
        }
    sd_upload_file_t *f = &j->up.files[j->up.nfiles];
    *f = (sd_upload_file_t){.field = strdup(p->name),
                            .index = n >= 0 ? n : j->up.nfiles,
                            .filename = strdup(p->filename ? p->filename : ""),
                            .claimed_type = dup_or_null(p->content_type),
                            .fd = j->fd,
                            .off = p->data_off};
    j->up.nfiles++;
    if (!f->field || !f->filename || (p->content_type && !f->claimed_type)) return SD_ERR_NOMEM;
    return SD_OK;
}

static sd_err_t on_end(const sd_mp_part_t *p, int64_t size, void *ctx)
{
    sd_upload_job_t *j = ctx;
    if (!is_file(p)) {
        j->texts[j->ntexts - 1].size = size;
        j->text_bytes += size;
        if (j->text_bytes > j->max_text) {
            detail(j, "%s", "The form fields are too large");
            return SD_ERR_TOO_LARGE;
        }
        return SD_OK;
    }
    sd_upload_file_t *f = &j->up.files[j->up.nfiles - 1];
    f->size = size;
    j->file_bytes += size;
    if (size > j->lim.max_file_bytes) {
        snprintf(j->up.detail, sizeof j->up.detail, "%.60s: file too large (at most %lld bytes)", f->field,
                 (long long)j->lim.max_file_bytes);
        return SD_ERR_TOO_LARGE;
    }
    if (j->file_bytes > j->lim.max_total_bytes) {
        snprintf(j->up.detail, sizeof j->up.detail, "Files too large together (at most %lld bytes)",
                 (long long)j->lim.max_total_bytes);
        return SD_ERR_TOO_LARGE;
    }
    return SD_OK;
}

static void parse_work(uv_work_t *w)
{
    sd_upload_job_t *j = w->data;
    static const sd_mp_callbacks_t cb = {.on_part = on_part, .on_end = on_end};
    sd_mp_limits_t lim = {.max_parts = j->lim.max_files + MAX_TEXT_PARTS + 1};
    sd_mp_t *m = sd_mp_new(j->content_type, &lim, &cb, j);
    char *buf = malloc(WINDOW);
    sd_err_t e = m && buf ? SD_OK : SD_ERR_NOMEM;
    for (int64_t off = 0; !e && off < j->len;) {
        size_t want = j->len - off < WINDOW ? (size_t)(j->len - off) : WINDOW;
        ssize_t n = pread(j->fd, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            e = SD_ERR_IO;
            break;
        }
        e = sd_mp_feed(m, buf, (size_t)n);
        off += n;
    }
    if (!e) e = sd_mp_finish(m);
    if (e == SD_ERR_INVALID && m) detail(j, "%s", sd_mp_detail(m));
    if (e == SD_ERR_INVALID) detail(j, "%s", "The multipart body cannot be read");
    j->err = e;
    free(buf);
    sd_mp_free(m);
}

/* ---- on the loop: the payload, the keys, then the store ---- */

/* A text part's bytes, malloc'd and NUL-terminated; NULL when unreadable. */
static char *read_text(const sd_upload_job_t *j, const sd_up_text_t *t)
{
    char *s = malloc((size_t)t->size + 1);
    if (!s) return NULL;
    for (int64_t got = 0; got < t->size;) {
        ssize_t n = pread(j->fd, s + got, (size_t)(t->size - got), (off_t)(t->off + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            free(s);
            return NULL;
        }
        got += n;
    }
    s[t->size] = '\0';
    return s;
}

/* up->payload: payload_json parsed, or an object of the text fields. */
static sd_err_t build_payload(sd_upload_job_t *j)
{
    json_t *fields = json_object(), *payload = NULL;
    sd_err_t e = fields ? SD_OK : SD_ERR_NOMEM;
    for (int i = 0; !e && i < j->ntexts; i++) {
        const sd_up_text_t *t = &j->texts[i];
        char *s = read_text(j, t);
        if (!s) {
            e = SD_ERR_IO;
            break;
        }
        if (!strcmp(t->name, "payload_json")) {
            if (payload) {
                detail(j, "%s", "payload_json appears twice");
                e = SD_ERR_INVALID;
            } else if (!(payload = json_loadb(s, (size_t)t->size, JSON_REJECT_DUPLICATES, NULL)) ||
                       !json_is_object(payload)) {
                detail(j, "%s", "payload_json is not a JSON object");
                e = SD_ERR_INVALID;
            }
        } else {
            json_t *v = json_stringn(s, (size_t)t->size);
            if (!v || json_object_get(fields, t->name) || json_object_set_new(fields, t->name, v)) {
                json_decref(v);
                detail(j, "%s", "a form field is repeated or not UTF-8");
                e = SD_ERR_INVALID;
            }
        }
        free(s);
    }
    if (!e) j->up.payload = payload ? json_incref(payload) : json_incref(fields);
    json_decref(payload);
    json_decref(fields);
    return e;
}

static void parse_done(uv_work_t *w, int status)
{
    sd_upload_job_t *j = w->data;
    sd_err_t e = status ? SD_ERR_CANCELLED : j->err;
    if (!e) e = build_payload(j);
    for (int i = 0; !e && i < j->up.nfiles; i++) {
        sd_upload_file_t *f = &j->up.files[i];
        char key[1100];
        key[0] = '\0';
        e = j->key(f, key, sizeof key, j->ctx);
        if (!e && !key[0]) e = SD_ERR_INVALID;
        if (!e && !(f->key = strdup(key))) e = SD_ERR_NOMEM;
        if (e == SD_ERR_INVALID) detail(j, "%.60s: the file cannot be taken", f->field);
    }
    if (e) {
        sd_upload_job_finish(j, e);
        return;
    }
    sd_upload_job_store(j);
}

/* A new unlinked file in the spool directory holding data[0..len); -1 on failure. */
static int spool_copy(const sd_app_t *app, const char *data, size_t len)
{
    int fd = sd_http_spool_open(app->cfg->upload_spool_dir);
    if (fd >= 0 && len && sd_http_spool_write(fd, data, len) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

sd_err_t sd_upload_receive(sd_app_t *app, sd_request_t *req, const sd_upload_limits_t *lim,
                           sd_upload_key_fn key, sd_upload_done_fn done, void *ctx)
{
    char boundary[SD_MP_MAX_BOUNDARY + 1];
    const char *ct = sd_request_header(req, "Content-Type");
    if (!sd_mp_boundary(ct, boundary, sizeof boundary)) return SD_ERR_INVALID;
    int64_t max_text = app->cfg->http_max_body_bytes;
    if ((int64_t)req->body_len > lim->max_total_bytes + max_text) return SD_ERR_TOO_LARGE;
    sd_upload_job_t *j = calloc(1, sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    j->app = app;
    j->req = req;
    j->lim = *lim;
    j->key = key;
    j->done = done;
    j->ctx = ctx;
    j->max_text = max_text;
    j->len = (int64_t)req->body_len;
    j->content_type = strdup(ct);
    j->fd = req->body_spooled ? fcntl(req->body_fd, F_DUPFD_CLOEXEC, 0)
                              : spool_copy(app, req->body, req->body_len);
    j->work.data = j;
    if (!j->content_type || j->fd < 0 || uv_queue_work(app->loop, &j->work, parse_work, parse_done) != 0) {
        sd_upload_free(&j->up);
        return SD_ERR_NOMEM;
    }
    return SD_OK;
}

void sd_upload_job_finish(sd_upload_job_t *j, sd_err_t err)
{
    j->req = NULL;
    if (err == SD_ERR_NOMEM || err == SD_ERR_IO) err = SD_ERR_UNAVAILABLE; /* the spool or memory: ours */
    j->done(&j->up, err, j->ctx);
}

void sd_upload_free(sd_upload_t *up)
{
    if (!up) return;
    sd_upload_job_t *j = (sd_upload_job_t *)up;
    for (int i = 0; i < up->nfiles; i++) {
        sd_upload_file_t *f = &up->files[i];
        free((char *)f->field);
        free((char *)f->filename);
        free((char *)f->claimed_type);
        free((char *)f->key);
        if (j->store) {
            free(j->store[i].upload_id);
            for (int p = 0; j->store[i].etags && p < j->store[i].nparts; p++)
                free(j->store[i].etags[p]);
            free(j->store[i].etags);
        }
    }
    for (int i = 0; i < j->ntexts; i++)
        free(j->texts[i].name);
    free(j->texts);
    free(j->store);
    free(up->files);
    json_decref(up->payload);
    free(j->content_type);
    if (j->fd >= 0) close(j->fd);
    free(j);
}
