#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "core/fanout.h"

#define PAIRS 300 /* more than a batch needs to be shared with the workers */

typedef struct {
    int w[PAIRS], r[PAIRS];
    char head[PAIRS][16];
    sd_fanout_job_t jobs[PAIRS];
} pairs_t;

static void open_pairs(pairs_t *p, const char *data)
{
    for (int i = 0; i < PAIRS; i++) {
        int sv[2];
        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0, "%s", strerror(errno));
        fcntl(sv[0], F_SETFL, O_NONBLOCK);
        p->w[i] = sv[0];
        p->r[i] = sv[1];
        int n = snprintf(p->head[i], sizeof p->head[i], "job %d:", i);
        p->jobs[i] = (sd_fanout_job_t){
            .fd = sv[0], .iov = {{p->head[i], (size_t)n}, {(void *)data, strlen(data)}}, .result = -1};
    }
}

static void close_pairs(pairs_t *p)
{
    for (int i = 0; i < PAIRS; i++) {
        close(p->w[i]);
        if (p->r[i] >= 0) close(p->r[i]);
    }
}

static int threads_running(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

/* Every job of a batch handed over in three parts is written once, whole, to its own socket. */
Test(fanout, a_big_batch_in_parts_writes_every_job_once_on_several_threads)
{
    static pairs_t p;
    const char *data = "the same event for everyone";
    open_pairs(&p, data);
    sd_fanout_t *f = sd_fanout_new(2);
    cr_assert_eq(sd_fanout_threads(f), 2);
    int before = threads_running();
    for (int round = 0; round < 2; round++) { /* the workers serve the next batch too */
        sd_fanout_begin(f);
        sd_fanout_add(f, p.jobs, 100);
        sd_fanout_add(f, p.jobs + 100, 150);
        sd_fanout_add(f, p.jobs + 250, PAIRS - 250);
        sd_fanout_end(f);
        for (int i = 0; i < PAIRS; i++) {
            char want[64], got[64] = {0};
            int n = snprintf(want, sizeof want, "job %d:%s", i, data);
            cr_assert_eq(p.jobs[i].result, n, "job %d wrote %zd", i, p.jobs[i].result);
            cr_assert_eq(read(p.r[i], got, sizeof got), n);
            cr_assert_str_eq(got, want);
        }
    }
    cr_assert_eq(threads_running(), before + 1, "a worker thread ran the batches with the caller");
    sd_fanout_free(f);
    close_pairs(&p);
}

/* A small batch is written by the caller alone: no worker is started for it. */
Test(fanout, a_small_batch_starts_no_worker)
{
    static pairs_t p;
    open_pairs(&p, "x");
    sd_fanout_t *f = sd_fanout_new(4);
    int before = threads_running();
    sd_fanout_begin(f);
    sd_fanout_add(f, p.jobs, 10);
    sd_fanout_end(f);
    cr_assert_eq(threads_running(), before);
    for (int i = 0; i < 10; i++)
        cr_assert_gt(p.jobs[i].result, 0);
    cr_assert_eq(p.jobs[10].result, -1, "a job not in the batch is left alone");
    sd_fanout_free(f);
    close_pairs(&p);
}

/* A full socket takes part of its job (the rest is the caller's), and a socket whose peer is gone gives
   -EPIPE without a SIGPIPE ending the process. */
Test(fanout, partial_writes_and_gone_peers_are_reported_not_fatal)
{
    static pairs_t p;
    static char big[1 << 20];
    memset(big, 'z', sizeof big);
    open_pairs(&p, "x");
    p.jobs[1].iov[1] = (struct iovec){big, sizeof big};
    close(p.r[2]);
    p.r[2] = -1;
    sd_fanout_t *f = sd_fanout_new(2);
    sd_fanout_begin(f);
    sd_fanout_add(f, p.jobs, PAIRS);
    sd_fanout_end(f);
    cr_assert_gt(p.jobs[0].result, 0);
    cr_assert(p.jobs[1].result > 0 && (size_t)p.jobs[1].result < sizeof big, "wrote %zd", p.jobs[1].result);
    cr_assert_eq(p.jobs[2].result, -EPIPE);
    sd_fanout_free(f);
    close_pairs(&p);
}

/* What a prepare callback makes: its own bytes per job, counted per job and per thread. */
typedef struct {
    char out[PAIRS][32];
    atomic_int calls[PAIRS];
    atomic_int on_caller; /* jobs prepared on the thread that ran the batch */
    pthread_t caller;
} made_t;

static made_t made;

static void prepare(sd_fanout_job_t *job, void *arg)
{
    int i = (int)(intptr_t)arg;
    atomic_fetch_add(&made.calls[i], 1);
    if (pthread_equal(pthread_self(), made.caller)) {
        atomic_fetch_add(&made.on_caller, 1);
        usleep(1000); /* a slow caller: the worker, started meanwhile, takes its share */
    }
    if (i == 7) { /* a failed preparation writes nothing */
        job->failed = true;
        return;
    }
    int n = snprintf(made.out[i], sizeof made.out[i], "made %d", i);
    job->iov[0] = (struct iovec){made.out[i], (size_t)n};
    job->iov[1] = (struct iovec){NULL, 0};
}

/* A job with a prepare callback is prepared once, by the thread that writes it (the work spread over the
   threads like the writes), and what it made is written; one that fails is not written. */
Test(fanout, prepare_runs_once_per_job_on_the_writing_thread_and_its_bytes_are_written)
{
    static pairs_t p;
    open_pairs(&p, "not this");
    memset(&made, 0, sizeof made);
    made.caller = pthread_self();
    for (int i = 0; i < PAIRS; i++) {
        p.jobs[i].iov[0] = (struct iovec){NULL, 0}; /* left for prepare */
        p.jobs[i].iov[1] = (struct iovec){NULL, 0};
        p.jobs[i].prepare = prepare;
        p.jobs[i].arg = (void *)(intptr_t)i;
    }
    sd_fanout_t *f = sd_fanout_new(2);
    sd_fanout_begin(f);
    sd_fanout_add(f, p.jobs, PAIRS / 2);
    sd_fanout_add(f, p.jobs + PAIRS / 2, PAIRS - PAIRS / 2);
    sd_fanout_end(f);
    for (int i = 0; i < PAIRS; i++) {
        cr_assert_eq(atomic_load(&made.calls[i]), 1, "job %d prepared %d times", i, made.calls[i]);
        char got[64] = {0};
        if (i == 7) {
            cr_assert(p.jobs[i].failed);
            cr_assert_eq(p.jobs[i].result, 0);
            cr_assert_eq(recv(p.r[i], got, sizeof got, MSG_DONTWAIT), -1, "a failed job wrote nothing");
            continue;
        }
        char want[32];
        int n = snprintf(want, sizeof want, "made %d", i);
        cr_assert_eq(p.jobs[i].result, n);
        cr_assert_eq(read(p.r[i], got, sizeof got), n);
        cr_assert_str_eq(got, want);
    }
    int caller = atomic_load(&made.on_caller);
    cr_assert(caller > 0 && caller < PAIRS, "the caller prepared %d of %d: the work was not shared", caller,
              PAIRS);
    sd_fanout_free(f);
    close_pairs(&p);
}
