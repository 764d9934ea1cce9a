/* An upload's files into the store (services/upload.h): one PUT for a file up to the part size, a multipart
   upload beyond, a few calls in flight; on failure (or the client gone) whatever was stored is removed by
   a background job that retries, and sd_upload_discard uses the same job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_server.h"
#include "core/log.h"
#include "services/upload_job.h"
#include "services/upload_store.h"

/* Tries per object: each is a store call with its own retries within S3_CALL_DEADLINE_MS. No timer of its
   own, so that a shutdown (the store's calls cancelled, new ones refused) ends the job with the loop. */
#define CLEANUP_ATTEMPTS 3

/* ---- the background cleanup: abort uploads, delete keys, retried ---- */

typedef struct {
    char *key;
    char *upload_id; /* NULL: none to abort */
} cleanup_item_t;

typedef struct {
    sd_app_t *app;
    cleanup_item_t *items;
    int count, next; /* the item being removed */
    int attempt;
    bool aborting; /* the item's upload is being aborted (then its key deleted) */
} cleanup_t;

static void cleanup_step(cleanup_t *c);

static void cleanup_free(cleanup_t *c)
{
    for (int i = 0; i < c->count; i++) {
        free(c->items[i].key);
        free(c->items[i].upload_id);
    }
    free(c->items);
    free(c);
}

/* The item is done with (removed, or given up): on to the next. */
static void cleanup_next(cleanup_t *c, sd_err_t err)
{
    if (err != SD_OK && err != SD_ERR_NOT_FOUND)
        sd_log(SD_LOG_WARN, "an upload's object could not be removed from the store",
               json_pack("{s:s, s:s}", "key", c->items[c->next].key, "error", sd_err_name(err)));
    c->next++;
    c->attempt = 0;
}

/* The item's call ended: its next step, the next item, or another try. */
static void on_cleanup_call(sd_err_t err, const char *value, void *ctx)
{
    cleanup_t *c = ctx;
    (void)value;
    if (err == SD_OK || err == SD_ERR_NOT_FOUND) {
        if (c->aborting) { /* then its key, in case the upload was completed after all */
            free(c->items[c->next].upload_id);
            c->items[c->next].upload_id = NULL;
            c->attempt = 0;
        } else {
            cleanup_next(c, SD_OK);
        }
    } else if (err == SD_ERR_CANCELLED || ++c->attempt >= CLEANUP_ATTEMPTS) {
        cleanup_next(c, err);
    }
    cleanup_step(c);
}

static void cleanup_step(cleanup_t *c)
{
    while (c->next < c->count) {
        cleanup_item_t *it = &c->items[c->next];
        c->aborting = it->upload_id != NULL;
        sd_err_t e = c->aborting ? sd_upload_store_abort(c->app, it->key, it->upload_id, on_cleanup_call, c)
                                 : sd_upload_store_delete(c->app, it->key, on_cleanup_call, c);
        if (e == SD_OK) return;
        if (e == SD_ERR_CANCELLED || ++c->attempt >= CLEANUP_ATTEMPTS) cleanup_next(c, e);
    }
    cleanup_free(c);
}

/* Starts removing the files of j that the store may hold (all: every file; else those a call was made
   for). Keys and upload ids are copied. */
static void cleanup_start(sd_upload_job_t *j, bool all)
{
    cleanup_t *c = calloc(1, sizeof *c);
    if (c) c->items = calloc((size_t)(j->up.nfiles ? j->up.nfiles : 1), sizeof *c->items);
    if (!c || !c->items) {
        free(c);
        sd_log(SD_LOG_ERROR, "no memory to remove an upload's objects", NULL);
        return;
    }
    c->app = j->app;
    for (int i = 0; i < j->up.nfiles; i++) {
        const sd_up_store_t *s = j->store ? &j->store[i] : NULL;
        if (!j->up.files[i].key || (!all && !(s && s->touched))) continue;
        cleanup_item_t *it = &c->items[c->count++];
        it->key = strdup(j->up.files[i].key);
        it->upload_id = s && s->upload_id && s->state != SD_UP_STORED ? strdup(s->upload_id) : NULL;
    }
    cleanup_step(c);
}

void sd_upload_discard(sd_app_t *app, sd_upload_t *up)
{
    if (!up) return;
    sd_upload_job_t *j = (sd_upload_job_t *)up;
    j->app = app;
    cleanup_start(j, true);
}

/* ---- storing ---- */

typedef struct {
    sd_upload_job_t *j;
    int file, part; /* part: 1-based for a part's call, else 0 */
} call_t;

static void pump(sd_upload_job_t *j);

/* Every call has ended after a failure: clean up and answer. */
static void settle(sd_upload_job_t *j)
{
    if (j->in_flight > 0) return;
    cleanup_start(j, false);
    sd_upload_job_finish(j, j->failed);
}

static void on_call(sd_err_t err, const char *value, void *ctx)
{
    call_t *call = ctx;
    sd_upload_job_t *j = call->j;
    sd_up_store_t *s = &j->store[call->file];
    int part = call->part;
    free(call);
    j->in_flight--;
    if (err == SD_OK) {
        switch (s->state) {
        case SD_UP_SENT:
            if (s->nparts == 0) {
                s->state = SD_UP_STORED;
            } else if (!value || !(s->upload_id = strdup(value))) {
                err = SD_ERR_UNAVAILABLE;
            } else {
                s->state = SD_UP_PARTS;
            }
            break;
        case SD_UP_PARTS:
            if (!value || !(s->etags[part - 1] = strdup(value)))
                err = SD_ERR_UNAVAILABLE;
            else
                s->parts_done++;
            break;
        case SD_UP_COMPLETING:
            s->state = SD_UP_STORED;
            break;
        default:
            break;
        }
    }
    if (err != SD_OK && !j->failed)
        j->failed = err == SD_ERR_CANCELLED ? SD_ERR_CANCELLED : SD_ERR_UNAVAILABLE;
    if (j->failed) {
        settle(j);
        return;
    }
    pump(j);
}

/* Makes the next call file i needs, if any: SD_OK when one was made, 1 when the file has none to make now,
   or an error. */
static int next_call(sd_upload_job_t *j, int i)
{
    sd_up_store_t *s = &j->store[i];
    const sd_upload_file_t *f = &j->up.files[i];
    if (s->state == SD_UP_STORED || s->state == SD_UP_COMPLETING || (s->state == SD_UP_SENT)) return 1;
    if (s->state == SD_UP_PARTS && s->next_part == s->nparts && s->parts_done < s->nparts) return 1;
    call_t *call = malloc(sizeof *call);
    if (!call) return SD_ERR_NOMEM;
    *call = (call_t){.j = j, .file = i};
    sd_err_t e;
    if (s->state == SD_UP_TODO && s->nparts == 0) {
        e = sd_upload_store_put(j->app, f->key, s->type, f->fd, f->off, (size_t)f->size, on_call, call);
        s->state = SD_UP_SENT;
    } else if (s->state == SD_UP_TODO) {
        e = sd_upload_store_begin(j->app, f->key, s->type, on_call, call);
        s->state = SD_UP_SENT;
    } else if (s->next_part < s->nparts) {
        int p = s->next_part++;
        int64_t off = (int64_t)p * s->part_bytes;
        int64_t len = f->size - off < s->part_bytes ? f->size - off : s->part_bytes;
        call->part = p + 1;
        e = sd_upload_store_part(j->app, f->key, s->upload_id, p + 1, f->fd, f->off + off, (size_t)len,
                                 on_call, call);
    } else {
        s->state = SD_UP_COMPLETING;
        e = sd_upload_store_complete(j->app, f->key, s->upload_id, (const char *const *)s->etags, s->nparts,
                                     on_call, call);
    }
    s->touched = true;
    if (e != SD_OK) {
        free(call);
        return e;
    }
    j->in_flight++;
    return SD_OK;
}

/* Makes calls while there is room, in file order; answers once every file is stored. */
static void pump(sd_upload_job_t *j)
{
    if (!j->failed && j->req && sd_http_request_gone(j->req)) j->failed = SD_ERR_CANCELLED;
    for (int i = 0; !j->failed && i < j->up.nfiles && j->in_flight < SD_UPLOAD_IN_FLIGHT;) {
        int r = next_call(j, i);
        if (r < 0) j->failed = r == SD_ERR_CANCELLED ? SD_ERR_CANCELLED : SD_ERR_UNAVAILABLE;
        if (r == 1) i++;
    }
    if (j->failed) {
        settle(j);
        return;
    }
    if (j->in_flight > 0) return;
    for (int i = 0; i < j->up.nfiles; i++)
        if (j->store[i].state != SD_UP_STORED) return; /* cannot happen: a call would be in flight */
    sd_upload_job_finish(j, SD_OK);
}

/* The media type of a file from its first bytes (never the client's claim), for the stored object's
   Content-Type, which the CDN serves: a few image, video, audio and document types, else a download. */
static const char *sniff(const sd_upload_file_t *f)
{
    unsigned char b[16] = {0};
    ssize_t n = f->size > 0 ? pread(f->fd, b, f->size < 16 ? (size_t)f->size : 16, (off_t)f->off) : 0;
    static const struct {
        size_t at;
        const char *magic;
        size_t len;
        const char *type;
    } types[] = {
        {0, "\x89PNG\r\n\x1a\n", 8, "image/png"},
        {0, "\xff\xd8\xff", 3, "image/jpeg"},
        {0, "GIF87a", 6, "image/gif"},
        {0, "GIF89a", 6, "image/gif"},
        {8, "WEBP", 4, "image/webp"},
        {0, "%PDF-", 5, "application/pdf"},
        {4, "ftypqt  ", 8, "video/quicktime"},
        {4, "ftyp", 4, "video/mp4"},
        {0, "\x1a\x45\xdf\xa3", 4, "video/webm"},
        {0, "OggS", 4, "audio/ogg"},
        {8, "WAVE", 4, "audio/wav"},
        {0, "ID3", 3, "audio/mpeg"},
    };
    for (size_t i = 0; n > 0 && i < sizeof types / sizeof *types; i++)
        if ((size_t)n >= types[i].at + types[i].len &&
            !memcmp(b + types[i].at, types[i].magic, types[i].len) &&
            (types[i].at != 8 || !memcmp(b, "RIFF", 4)))
            return types[i].type;
    return "application/octet-stream";
}

void sd_upload_job_store(sd_upload_job_t *j)
{
    j->store = calloc((size_t)(j->up.nfiles ? j->up.nfiles : 1), sizeof *j->store);
    if (!j->store) {
        sd_upload_job_finish(j, SD_ERR_NOMEM);
        return;
    }
    int64_t part = sd_upload_store_part_bytes(j->app);
    if (part < 5 * 1024 * 1024) part = 5 * 1024 * 1024;
    for (int i = 0; i < j->up.nfiles; i++) {
        sd_up_store_t *s = &j->store[i];
        int64_t size = j->up.files[i].size;
        s->type = sniff(&j->up.files[i]);
        if (size <= part) continue; /* one PUT */
        s->part_bytes = part;
        if ((size + part - 1) / part > 10000) s->part_bytes = (size + 9999) / 10000; /* S3's part cap */
        s->nparts = (int)((size + s->part_bytes - 1) / s->part_bytes);
        s->etags = calloc((size_t)s->nparts, sizeof *s->etags);
        if (!s->etags) {
            sd_upload_job_finish(j, SD_ERR_NOMEM);
            return;
        }
    }
    pump(j);
}
