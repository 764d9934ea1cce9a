#include "services/blob_gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "repositories/attachment_repo.h"
#include "repositories/blob_repo.h"

#define PAGE 100
#define FIRST_PASS_MS 1000
#define IDLE_PASS_MS 30000
#define MIN_PASS_MS 1000
#define MAX_BACKOFF_MS 3600000L

struct sd_blob_gc {
    sd_app_t *app;
    uv_timer_t timer;
    bool running; /* a pass is under way */
    bool again;   /* kicked during the pass: another one right after it */
    bool closing; /* stopped: free once nothing is in flight and the timer is closed */
    bool timer_closed;
    int shard;    /* the shard being worked */
    int inflight; /* calls of this pass not answered yet (the shard's listing counts as one) */
    int64_t next; /* the earliest due time seen of entries not due yet (0: none) */
};

typedef struct {
    sd_blob_gc_t *gc;
    char shard[4];
    int attempts;
    char key[];
} item_t;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long sd_blob_gc_backoff_ms(int attempts)
{
    if (attempts < 0) attempts = 0;
    return attempts >= 22                         ? MAX_BACKOFF_MS
           : (1000L << attempts) > MAX_BACKOFF_MS ? MAX_BACKOFF_MS
                                                  : 1000L << attempts;
}

static void maybe_free(sd_blob_gc_t *gc)
{
    if (gc->closing && gc->timer_closed && gc->inflight == 0) free(gc);
}

static void on_timer_closed(uv_handle_t *h)
{
    sd_blob_gc_t *gc = h->data;
    gc->timer_closed = true;
    maybe_free(gc);
}

static void on_timer(uv_timer_t *t);

static void schedule(sd_blob_gc_t *gc, uint64_t ms)
{
    if (!gc->closing) uv_timer_start(&gc->timer, on_timer, ms, 0);
}

static void list_shard(sd_blob_gc_t *gc);

/* One call of the pass answered; the last one moves on to the next shard, or ends the pass. */
static void settle(sd_blob_gc_t *gc)
{
    if (--gc->inflight > 0) return;
    if (gc->closing) {
        gc->running = false;
        maybe_free(gc);
        return;
    }
    if (++gc->shard < SD_BLOB_DELETION_SHARDS) {
        list_shard(gc);
        return;
    }
    gc->running = false;
    int64_t wait = IDLE_PASS_MS;
    if (gc->next) {
        wait = gc->next - now_ms();
        if (wait < MIN_PASS_MS) wait = MIN_PASS_MS;
        if (wait > IDLE_PASS_MS) wait = IDLE_PASS_MS;
    }
    schedule(gc, gc->again ? 0 : (uint64_t)wait);
    gc->again = false;
}

static void on_entry_written(sd_err_t err, json_t *res, void *ctx)
{
    (void)err;
    (void)res;
    item_t *it = ctx;
    sd_blob_gc_t *gc = it->gc;
    free(it);
    settle(gc);
}

static void failed(item_t *it, sd_err_t why)
{
    sd_blob_gc_t *gc = it->gc;
    if (gc->closing) { /* shutdown cancelled it: the entry stays as it is */
        free(it);
        settle(gc);
        return;
    }
    int64_t due = now_ms() + sd_blob_gc_backoff_ms(it->attempts);
    if (!gc->next || due < gc->next) gc->next = due;
    sd_log(SD_LOG_WARN, "a store object could not be deleted yet",
           json_pack("{s:s, s:i, s:s}", "key", it->key, "attempts", it->attempts + 1, "error",
                     sd_err_name(why)));
    if (sd_blob_deletion_repo_retry(gc->app->db, it->shard, it->key, it->attempts + 1, due, on_entry_written,
                                    it))
        on_entry_written(SD_ERR_NOMEM, NULL, it);
}

static void on_blob_deleted(const sd_s3_result_t *r, void *ctx)
{
    item_t *it = ctx;
    if (r->err != SD_OK && r->err != SD_ERR_NOT_FOUND) {
        failed(it, r->err);
        return;
    }
    if (sd_blob_deletion_repo_done(it->gc->app->db, it->shard, it->key, on_entry_written, it))
        on_entry_written(SD_ERR_NOMEM, NULL, it);
}

static void start_item(sd_blob_gc_t *gc, const char *shard, const json_t *entry)
{
    const char *key = json_string_value(json_object_get(entry, "object_key"));
    if (!key) return;
    size_t n = strlen(key);
    item_t *it = malloc(sizeof *it + n + 1);
    if (!it) return;
    it->gc = gc;
    snprintf(it->shard, sizeof it->shard, "%s", shard);
    it->attempts = (int)json_integer_value(json_object_get(entry, "attempts"));
    memcpy(it->key, key, n + 1);
    gc->inflight++;
    sd_err_t err = sd_blob_delete(gc->app, it->key, on_blob_deleted, it);
    if (err) failed(it, err);
}

static void on_listed(sd_err_t err, json_t *entries, void *ctx)
{
    sd_blob_gc_t *gc = ctx;
    if (!err && !gc->closing) {
        char shard[4];
        snprintf(shard, sizeof shard, "%d", gc->shard);
        int64_t now = now_ms();
        size_t i;
        json_t *e;
        json_array_foreach(entries, i, e)
        {
            int64_t due = (int64_t)json_integer_value(json_object_get(e, "due_at"));
            if (due <= now) {
                start_item(gc, shard, e);
            } else if (!gc->next || due < gc->next) {
                gc->next = due;
            }
        }
    }
    settle(gc);
}

static void list_shard(sd_blob_gc_t *gc)
{
    char shard[4];
    snprintf(shard, sizeof shard, "%d", gc->shard);
    gc->inflight = 1;
    if (sd_blob_deletion_repo_list(gc->app->db, shard, PAGE, on_listed, gc))
        on_listed(SD_ERR_NOMEM, NULL, gc);
}

static void on_timer(uv_timer_t *t)
{
    sd_blob_gc_t *gc = t->data;
    if (gc->closing || gc->running || !gc->app->db) return;
    if (!gc->app->store) { /* no store: the entries wait for one */
        schedule(gc, IDLE_PASS_MS);
        return;
    }
    gc->running = true;
    gc->again = false;
    gc->shard = 0;
    gc->next = 0;
    list_shard(gc);
}

sd_blob_gc_t *sd_blob_gc_start(sd_app_t *app)
{
    sd_blob_gc_t *gc = calloc(1, sizeof *gc);
    if (!gc) return NULL;
    gc->app = app;
    uv_timer_init(app->loop, &gc->timer);
    gc->timer.data = gc;
    schedule(gc, FIRST_PASS_MS);
    return gc;
}

void sd_blob_gc_kick(sd_app_t *app)
{
    sd_blob_gc_t *gc = app->blob_gc;
    if (!gc || gc->closing) return;
    if (gc->running)
        gc->again = true;
    else
        schedule(gc, 0);
}

void sd_blob_gc_stop(sd_blob_gc_t *gc)
{
    if (!gc) return;
    gc->closing = true;
    gc->app->blob_gc = NULL;
    uv_timer_stop(&gc->timer);
    uv_close((uv_handle_t *)&gc->timer, on_timer_closed);
}
