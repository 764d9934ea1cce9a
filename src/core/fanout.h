/*
 * fanout: one batch of socket writes (a broadcast: the same event to thousands of connections) spread over a
 * few threads. Such a batch is bound by the kernel's cost per write, not by our code, and that cost is paid
 * by the core that makes the write, so more threads finish the batch sooner. A batch can be handed over in
 * parts, so that the workers write the first part while the caller builds the next. The workers touch
 * nothing but the sockets and the jobs: the loop's own state (libuv handles, write queues) stays on the
 * loop's thread. A job may bring the work that makes its bytes (prepare: a connection's compression), so that
 * this work too is spread over the threads; what it touches is the job's alone while the batch is open.
 */
#ifndef SD_CORE_FANOUT_H
#define SD_CORE_FANOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef struct sd_fanout sd_fanout_t;

typedef struct sd_fanout_job sd_fanout_job_t;
/* Run by the thread that writes job, once, just before its write: fills job->iov (what it points to is the
   callback's to keep until the batch ends), or sets job->failed, and then nothing is written. */
typedef void (*sd_fanout_prepare_fn)(sd_fanout_job_t *job, void *arg);

struct sd_fanout_job {
    int fd;                       /* a non-blocking stream socket; no two jobs of a batch share one */
    struct iovec iov[2];          /* borrowed until sd_fanout_end returns (filled by prepare, when set) */
    ssize_t result;               /* set by the batch: bytes written (maybe fewer than asked), or -errno */
    sd_fanout_prepare_fn prepare; /* NULL: iov is ready */
    void *arg;                    /* prepare's */
    bool failed;                  /* set by prepare: nothing to write (result is then 0) */
};

/* Returns a new fanout using `threads` threads in all (the caller's and threads - 1 workers, started on the
   first big batch); threads <= 0 means the machine's cores, at most 4. Caller frees with sd_fanout_free. */
sd_fanout_t *sd_fanout_new(int threads);
/* A batch: begin, add each part as it is ready (jobs borrowed until end), end. Each job is written once (no
   retry: what is left is the caller's to queue); end returns when all are done. A batch too small to be
   worth waking the workers for is written by the calling thread alone. Never raises SIGPIPE. One batch at a
   time, from one thread. */
void sd_fanout_begin(sd_fanout_t *f);
void sd_fanout_add(sd_fanout_t *f, sd_fanout_job_t *jobs, size_t n);
void sd_fanout_end(sd_fanout_t *f);
/* The threads a batch is spread over. */
int sd_fanout_threads(const sd_fanout_t *f);
/* Stops the workers and frees f (NULL is fine). No batch may be open. */
void sd_fanout_free(sd_fanout_t *f);

#endif
