/* The helpers of the live tests of db/s3 (s3_live.h). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "s3_live.h"

uv_loop_t loop;
sd_s3_t *s3;

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static void keep(answer_t *a, const sd_s3_result_t *r)
{
    a->r = *r;
    copy(a->etag, sizeof a->etag, r->etag);
    copy(a->upload_id, sizeof a->upload_id, r->upload_id);
    copy(a->content_type, sizeof a->content_type, r->content_type);
    copy(a->content_range, sizeof a->content_range, r->content_range);
    a->r.etag = a->r.upload_id = a->r.content_type = a->r.content_range = NULL;
}

void on_done(const sd_s3_result_t *r, void *ctx)
{
    answer_t *a = ctx;
    keep(a, r);
    a->done++;
    /* The download's handle is gone once done has run (a transfer paused on its last bytes still ends):
       a resume still armed must not reach it. */
    if (a->pause_every) uv_timer_stop(&a->resume);
    a->g = NULL;
}

void on_head(const sd_s3_result_t *r, void *ctx)
{
    answer_t *a = ctx;
    a->heads++;
    copy(a->content_type, sizeof a->content_type, r->content_type);
}

static void on_resume_timer(uv_timer_t *t)
{
    answer_t *a = t->data;
    a->paused_now = false;
    if (a->g) sd_s3_resume(a->g);
}

int on_data(const char *data, size_t len, void *ctx)
{
    answer_t *a = ctx;
    if (a->paused_now) a->broken++;
    if (a->len + len > a->cap) {
        a->cap = (a->len + len) * 2;
        a->body = realloc(a->body, a->cap);
    }
    memcpy(a->body + a->len, data, len);
    a->len += len;
    a->pieces++;
    if (!a->pause_every || a->pieces % a->pause_every) return 0;
    a->paused_now = true;
    uv_timer_start(&a->resume, on_resume_timer, 1, 0);
    return 1;
}

void on_body(const sd_s3_result_t *r, char *body, size_t len, void *ctx)
{
    answer_t *a = ctx;
    keep(a, r);
    a->body = body;
    a->len = len;
    a->done++;
}

void wait_done(answer_t *a)
{
    while (!a->done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a->done, 1, "a callback ran more than once");
}

sd_s3_t *client(const char *endpoint, const char *secret, long deadline_ms)
{
    const char *virt = getenv("SD_TEST_S3_VIRTUAL_HOSTED");
    sd_s3_options_t o = {.endpoint = endpoint,
                         .bucket = getenv("SD_TEST_S3_BUCKET"),
                         .region = "us-east-1",
                         .access_key_id = "local",
                         .secret_access_key = secret,
                         .call_deadline_ms = deadline_ms,
                         .virtual_hosted = virt && !strcmp(virt, "1") && strstr(endpoint, "localhost"),
                         .max_concurrency = 4,
                         .max_queue = 64};
    return sd_s3_new(&loop, &o);
}

void s3_live_setup(void)
{
    cr_assert(getenv("SD_TEST_S3_ENDPOINT") && getenv("SD_TEST_S3_BUCKET"));
    uv_loop_init(&loop);
    s3 = client(getenv("SD_TEST_S3_ENDPOINT"), "local", 10000);
    cr_assert(s3);
    answer_t a = {0};
    cr_assert_eq(sd_s3_create_bucket(s3, on_done, &a), SD_OK);
    wait_done(&a);
    cr_assert_eq(a.r.err, SD_OK, "create bucket: status %d", a.r.status);
}

void s3_live_teardown(void)
{
    sd_s3_close(s3);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0, "handles left open");
}

int temp_file(size_t n, unsigned seed, char **bytes)
{
    char path[] = "/tmp/s3-live-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    unlink(path);
    char *b = malloc(n);
    cr_assert(b);
    srand(seed);
    for (size_t i = 0; i < n; i++)
        b[i] = (char)(rand() & 0xff);
    cr_assert_eq(write(fd, b, n), (ssize_t)n);
    *bytes = b;
    return fd;
}

void loopback_endpoint(bool listening, char *out, size_t cap, int *sock)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    cr_assert_eq(bind(s, (struct sockaddr *)&sa, sl), 0);
    if (listening) cr_assert_eq(listen(s, 64), 0);
    getsockname(s, (struct sockaddr *)&sa, &sl);
    snprintf(out, cap, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    if (!listening) close(s);
    *sock = listening ? s : -1;
}
