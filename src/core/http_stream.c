/* Upgraded connections (core/http_server.h): the 101, raw writes, and write batches spread over the
   server's write threads (core/fanout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_conn.h"
#include "core/log.h"

void sd_http_stream_started(sd_http_conn_t *c)
{
    c->raw_flushed = true;
    size_t left = c->in_len - c->in_off;
    char *pending = c->in;
    size_t off = c->in_off;
    c->in = NULL;
    c->in_len = c->in_off = 0;
    sd_http_conn_read(c);
    if (left) c->raw->on_data(c->raw_ctx, pending + off, left);
    free(pending);
}

sd_http_stream_t *sd_http_upgrade(sd_request_t *req, const sd_http_stream_cbs_t *cbs, void *ctx)
{
    struct sd_http_internal *in = req->internal;
    sd_http_conn_t *c = in->conn;
    if (!c || c->closing || in->srv->draining) {
        sd_http_respond_error(req, 503, SD_API_GENERAL, "503: Service Unavailable", NULL);
        return NULL;
    }
    size_t cap = 128 + in->extra_len;
    char *head = malloc(cap);
    if (!head) {
        sd_http_respond_error(req, 500, SD_API_GENERAL, "500: Internal Server Error", NULL);
        return NULL;
    }
    int n = snprintf(head, cap, "HTTP/1.1 101 Switching Protocols\r\nX-Request-Id: %s\r\n%.*s\r\n",
                     req->request_id, (int)in->extra_len, in->extra_headers ? in->extra_headers : "");
    sd_http_respond_upgraded(req);
    c->raw = cbs;
    c->raw_ctx = ctx;
    sd_http_conn_write(c, head, (size_t)n, NULL, 0, false);
    return c;
}

/* Queues (copied) what a direct write of head and data left unsent. */
static sd_err_t queue_rest(sd_http_conn_t *c, const void *head, size_t head_len, const void *data, size_t len,
                           size_t sent)
{
    size_t total = head_len + len;
    if (sent == total) return SD_OK;
    char *rest = malloc(total - sent);
    if (!rest) return SD_ERR_NOMEM;
    size_t head_left = sent < head_len ? head_len - sent : 0;
    size_t data_sent = sent > head_len ? sent - head_len : 0;
    if (head_left) memcpy(rest, (const char *)head + (head_len - head_left), head_left);
    if (len > data_sent) memcpy(rest + head_left, (const char *)data + data_sent, len - data_sent);
    sd_http_conn_write(c, NULL, 0, rest, total - sent, false);
    return SD_OK;
}

sd_err_t sd_http_stream_write(sd_http_stream_t *c, const void *head, size_t head_len, const void *data,
                              size_t len)
{
    if (c->closing || c->lingering) return SD_ERR_UNAVAILABLE;
    /* Most writes go straight into the socket: no copy, one system call. libuv refuses (EAGAIN) while
       earlier writes wait, so the order holds. */
    uv_buf_t bufs[2] = {uv_buf_init((char *)head, (unsigned)head_len),
                        uv_buf_init((char *)data, (unsigned)len)};
    int n = uv_try_write((uv_stream_t *)&c->tcp, bufs, 2);
    return queue_rest(c, head, head_len, data, len, n > 0 ? (size_t)n : 0);
}

/* True when the write can go straight into the socket from any thread: nothing of the connection's waits in
   libuv's queue, and the batch has no earlier write to it. */
static bool direct(sd_http_conn_t *c, unsigned long batch, uv_os_fd_t *fd)
{
    if (c->closing || c->lingering || c->tcp.write_queue_size || c->batch == batch ||
        uv_fileno((uv_handle_t *)&c->tcp, fd) != 0)
        return false;
    c->batch = batch;
    return true;
}

/* A part of a batch: its writes (copied), and for each the job that writes it directly, if any. */
typedef struct part {
    struct part *next;
    size_t n;
    sd_http_write_t *writes;
    sd_fanout_job_t *jobs;
    size_t *job_of; /* write i -> its job, or n: not direct */
} part_t;

struct sd_http_batch {
    sd_http_server_t *srv; /* with its fanout, from the first part on; NULL: each write at once */
    part_t *first, **last;
    bool open;
};

sd_http_batch_t *sd_http_batch_new(void)
{
    sd_http_batch_t *b = calloc(1, sizeof *b);
    if (b) b->last = &b->first;
    return b;
}

/* A write done the usual way, now: its bytes made first when it has a prepare. */
static void write_now(const sd_http_write_t *w)
{
    if (!w->prepare) {
        sd_http_stream_write(w->stream, w->head, w->head_len, w->data, w->len);
        return;
    }
    sd_fanout_job_t job = {.fd = -1, .prepare = w->prepare, .arg = w->arg};
    w->prepare(&job, w->arg);
    if (!job.failed)
        sd_http_stream_write(w->stream, job.iov[0].iov_base, job.iov[0].iov_len, job.iov[1].iov_base,
                             job.iov[1].iov_len);
}

static void write_each(const sd_http_write_t *writes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        write_now(&writes[i]);
}

static void part_free(part_t *p)
{
    if (!p) return;
    free(p->writes);
    free(p->jobs);
    free(p->job_of);
    free(p);
}

/* The first part: the batch takes the server's fanout, unless another batch has it. */
static void batch_open(sd_http_batch_t *b, sd_http_server_t *srv)
{
    b->open = true;
    if (!srv->fanout) srv->fanout = sd_fanout_new(srv->limits.write_threads);
    if (srv->fanout && !srv->batch_open) {
        b->srv = srv;
        srv->batch_open = true;
        srv->batches++;
        sd_fanout_begin(srv->fanout);
    }
}

void sd_http_batch_add(sd_http_batch_t *b, const sd_http_write_t *writes, size_t n)
{
    if (n == 0) return;
    if (!b) {
        write_each(writes, n);
        return;
    }
    if (!b->open) batch_open(b, writes[0].stream->srv);
    part_t *p = b->srv ? calloc(1, sizeof *p) : NULL;
    if (p) {
        p->writes = malloc(n * sizeof *p->writes);
        p->jobs = malloc(n * sizeof *p->jobs);
        p->job_of = malloc(n * sizeof *p->job_of);
    }
    if (!p || !p->writes || !p->jobs || !p->job_of) {
        part_free(p);
        write_each(writes, n);
        return;
    }
    memcpy(p->writes, writes, n * sizeof *writes);
    p->n = n;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        uv_os_fd_t fd;
        p->job_of[i] = n;
        if (!direct(writes[i].stream, b->srv->batches, &fd)) continue;
        p->job_of[i] = count;
        p->jobs[count++] = (sd_fanout_job_t){
            .fd = fd,
            .iov = {{(void *)writes[i].head, writes[i].head_len}, {(void *)writes[i].data, writes[i].len}},
            .prepare = writes[i].prepare,
            .arg = writes[i].arg};
    }
    *b->last = p;
    b->last = &p->next;
    sd_fanout_add(b->srv->fanout, p->jobs, count);
}

void sd_http_batch_end(sd_http_batch_t *b)
{
    if (!b) return;
    if (b->srv) {
        sd_fanout_end(b->srv->fanout);
        b->srv->batch_open = false;
    }
    /* Back on the loop's thread alone: what did not go out whole is queued, in the batch's order. */
    for (part_t *p = b->first, *next; p; p = next) {
        next = p->next;
        for (size_t i = 0; i < p->n; i++) {
            const sd_http_write_t *w = &p->writes[i];
            if (p->job_of[i] == p->n) { /* not direct: the usual way, now */
                write_now(w);
                continue;
            }
            const sd_fanout_job_t *job = &p->jobs[p->job_of[i]];
            if (job->failed) continue;
            /* The job's own bytes (made by its prepare, maybe): a frame goes out whole and in order. */
            queue_rest(w->stream, job->iov[0].iov_base, job->iov[0].iov_len, job->iov[1].iov_base,
                       job->iov[1].iov_len, job->result > 0 ? (size_t)job->result : 0);
        }
        part_free(p);
    }
    free(b);
}

void sd_http_stream_send_buffer(sd_http_stream_t *c, int bytes)
{
    if (bytes > 0) uv_send_buffer_size((uv_handle_t *)&c->tcp, &bytes);
}

size_t sd_http_stream_queued(const sd_http_stream_t *c)
{
    return c->tcp.write_queue_size;
}

void sd_http_stream_close(sd_http_stream_t *c)
{
    if (c->closing || c->lingering) return;
    sd_http_conn_linger(c); /* what is queued goes out first; the peer's close or a timeout ends it */
}
