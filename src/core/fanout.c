#include "core/fanout.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <uv.h>

#define MAX_THREADS 4
#define PARALLEL_MIN 256 /* fewer waiting writes than this are not worth waking the workers for */
#define CLAIM 32         /* writes a thread takes at a time */

typedef struct {
    sd_fanout_job_t *jobs;
    size_t n, next; /* jobs[next..n) are not taken yet */
} part_t;

struct sd_fanout {
    int threads;
    int started; /* workers running */
    uv_thread_t workers[MAX_THREADS];
    uv_mutex_t lock;
    uv_cond_t work, idle;
    /* the open batch, under lock */
    part_t *parts;
    size_t n_parts, cap_parts, first_open; /* parts before first_open are all taken */
    size_t waiting;                        /* jobs not taken yet */
    int writing;                           /* threads writing a claim */
    bool shared;                           /* the workers have been called for this batch */
    bool stopping;
};

static void write_range(sd_fanout_job_t *jobs, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        jobs[i].result = 0;
        if (jobs[i].prepare) {
            jobs[i].failed = false;
            jobs[i].prepare(&jobs[i], jobs[i].arg);
            if (jobs[i].failed) continue;
        }
        struct msghdr msg = {.msg_iov = jobs[i].iov, .msg_iovlen = jobs[i].iov[1].iov_len ? 2 : 1};
        ssize_t n = sendmsg(jobs[i].fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        jobs[i].result = n >= 0 ? n : -errno;
    }
}

/* Under lock: takes up to CLAIM jobs of one part (jobs[from..to)); false when none is waiting. */
static bool claim(sd_fanout_t *f, sd_fanout_job_t **jobs, size_t *from, size_t *to)
{
    while (f->first_open < f->n_parts && f->parts[f->first_open].next == f->parts[f->first_open].n)
        f->first_open++;
    if (f->first_open == f->n_parts) return false;
    part_t *p = &f->parts[f->first_open];
    *jobs = p->jobs;
    *from = p->next;
    *to = p->n - p->next > CLAIM ? p->next + CLAIM : p->n;
    p->next = *to;
    f->waiting -= *to - *from;
    f->writing++;
    return true;
}

/* Under lock, which it drops while writing: writes claims until none is waiting. */
static void write_claims(sd_fanout_t *f)
{
    sd_fanout_job_t *jobs;
    size_t from, to;
    while (claim(f, &jobs, &from, &to)) {
        uv_mutex_unlock(&f->lock);
        write_range(jobs, from, to);
        uv_mutex_lock(&f->lock);
        if (--f->writing == 0 && f->waiting == 0) uv_cond_signal(&f->idle);
    }
}

static void worker(void *arg)
{
    sd_fanout_t *f = arg;
    uv_mutex_lock(&f->lock);
    while (!f->stopping) {
        if (f->shared && f->waiting)
            write_claims(f);
        else
            uv_cond_wait(&f->work, &f->lock);
    }
    uv_mutex_unlock(&f->lock);
}

sd_fanout_t *sd_fanout_new(int threads)
{
    sd_fanout_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    if (threads <= 0) threads = (int)uv_available_parallelism();
    f->threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    if (uv_mutex_init(&f->lock) != 0) goto fail_lock;
    if (uv_cond_init(&f->work) != 0) goto fail_work;
    if (uv_cond_init(&f->idle) != 0) goto fail_idle;
    return f;
fail_idle:
    uv_cond_destroy(&f->work);
fail_work:
    uv_mutex_destroy(&f->lock);
fail_lock:
    free(f);
    return NULL;
}

/* Under lock: starts the workers not running yet; one that cannot start leaves its share to the others. */
static void start_workers(sd_fanout_t *f)
{
    while (f->started < f->threads - 1) {
        if (uv_thread_create(&f->workers[f->started], worker, f) != 0) {
            f->threads = f->started + 1;
            return;
        }
        f->started++;
    }
}

void sd_fanout_begin(sd_fanout_t *f)
{
    uv_mutex_lock(&f->lock);
    f->n_parts = f->first_open = f->waiting = 0;
    f->shared = false;
    uv_mutex_unlock(&f->lock);
}

void sd_fanout_add(sd_fanout_t *f, sd_fanout_job_t *jobs, size_t n)
{
    if (n == 0) return;
    uv_mutex_lock(&f->lock);
    if (f->n_parts == f->cap_parts) {
        size_t cap = f->cap_parts ? f->cap_parts * 2 : 16;
        part_t *grown = realloc(f->parts, cap * sizeof *grown);
        if (!grown) { /* no room to hand it over: written here and now */
            uv_mutex_unlock(&f->lock);
            write_range(jobs, 0, n);
            return;
        }
        f->parts = grown;
        f->cap_parts = cap;
    }
    f->parts[f->n_parts++] = (part_t){jobs, n, 0};
    f->waiting += n;
    if (!f->shared && f->waiting >= PARALLEL_MIN && f->threads > 1) {
        start_workers(f);
        f->shared = f->started > 0;
    }
    if (f->shared) uv_cond_broadcast(&f->work);
    uv_mutex_unlock(&f->lock);
}

void sd_fanout_end(sd_fanout_t *f)
{
    uv_mutex_lock(&f->lock);
    write_claims(f);
    while (f->writing > 0)
        uv_cond_wait(&f->idle, &f->lock);
    uv_mutex_unlock(&f->lock); /* nothing is waiting: the workers sleep until the next batch's parts */
}

int sd_fanout_threads(const sd_fanout_t *f)
{
    return f->threads;
}

void sd_fanout_free(sd_fanout_t *f)
{
    if (!f) return;
    uv_mutex_lock(&f->lock);
    f->stopping = true;
    uv_cond_broadcast(&f->work);
    uv_mutex_unlock(&f->lock);
    for (int i = 0; i < f->started; i++)
        uv_thread_join(&f->workers[i]);
    uv_cond_destroy(&f->idle);
    uv_cond_destroy(&f->work);
    uv_mutex_destroy(&f->lock);
    free(f->parts);
    free(f);
}
