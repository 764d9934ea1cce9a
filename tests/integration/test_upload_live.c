/*
 * services/upload against a real SeaweedFS: SD_TEST_S3_ENDPOINT names it and SD_TEST_S3_BUCKET a bucket no
 * one else uses (credentials "local"/"local"); tests/e2e/test_uploads_store.py runs this binary. A spooled
 * body's files are stored (one PUT, or a multipart upload past the part size) and read back byte for byte; a
 * store that is not there gives SD_ERR_UNAVAILABLE; discarding removes every object.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_server.h"
#include "db/s3.h"
#include "services/upload.h"

static uv_loop_t loop;
static sd_config_t cfg;
static sd_app_t app;

static sd_s3_t *client(const char *endpoint, long deadline_ms)
{
    sd_s3_options_t o = {.endpoint = endpoint,
                         .bucket = getenv("SD_TEST_S3_BUCKET"),
                         .region = "us-east-1",
                         .access_key_id = "local",
                         .secret_access_key = "local",
                         .call_deadline_ms = deadline_ms,
                         .max_concurrency = 8,
                         .max_queue = 64};
    return sd_s3_new(&loop, &o);
}

typedef struct {
    int done;
    sd_err_t err;
    int64_t size;
    char type[64];
    char *body;
    size_t len;
} answer_t;

static void on_s3(const sd_s3_result_t *r, void *ctx)
{
    answer_t *a = ctx;
    a->err = r->err;
    a->size = r->size;
    snprintf(a->type, sizeof a->type, "%s", r->content_type ? r->content_type : "");
    a->done++;
}

static void on_body(const sd_s3_result_t *r, char *body, size_t len, void *ctx)
{
    answer_t *a = ctx;
    a->err = r->err;
    a->body = body;
    a->len = len;
    a->done++;
}

static void wait_for(const int *done)
{
    while (!*done)
        uv_run(&loop, UV_RUN_ONCE);
}

static void setup(void)
{
    cr_assert(getenv("SD_TEST_S3_ENDPOINT") && getenv("SD_TEST_S3_BUCKET"));
    uv_loop_init(&loop);
    cfg = (sd_config_t){.http_max_body_bytes = 1 << 20, .s3_part_bytes = 5 << 20};
    app = (sd_app_t){.loop = &loop, .cfg = &cfg, .store = client(getenv("SD_TEST_S3_ENDPOINT"), 20000)};
    cr_assert(app.store);
    answer_t a = {0};
    cr_assert_eq(sd_s3_create_bucket(app.store, on_s3, &a), SD_OK);
    wait_for(&a.done);
    cr_assert_eq(a.err, SD_OK);
}

static void teardown(void)
{
    sd_s3_close(app.store);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

TestSuite(upload_live, .init = setup, .fini = teardown, .timeout = 120);

static char prefix[64];

static sd_err_t key_fn(const sd_upload_file_t *f, char *out, size_t cap, void *ctx)
{
    snprintf(out, cap, "attachments/%s/%d/%s", prefix, f->index, f->filename);
    return SD_OK;
}

typedef struct {
    int done;
    sd_err_t err;
    sd_upload_t *up;
} result_t;

static void on_done(sd_upload_t *up, sd_err_t err, void *ctx)
{
    result_t *r = ctx;
    r->done++;
    r->err = err;
    r->up = up;
}

/* The file parts (name, filename, bytes) as one spooled multipart request; the upload's result. */
static result_t upload(int n, const char *const *fns, char *const *datas, const size_t *lens)
{
    int fd = sd_http_spool_open(NULL);
    cr_assert_geq(fd, 0);
    char head[256];
    const char *payload =
        "--B0\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\"content\":\"x\"}\r\n";
    size_t total = strlen(payload);
    cr_assert_eq(sd_http_spool_write(fd, payload, total), 0);
    for (int i = 0; i < n; i++) {
        int hl = snprintf(
            head, sizeof head,
            "--B0\r\nContent-Disposition: form-data; name=\"files[%d]\"; filename=\"%s\"\r\n\r\n", i, fns[i]);
        cr_assert_eq(sd_http_spool_write(fd, head, (size_t)hl), 0);
        cr_assert_eq(sd_http_spool_write(fd, datas[i], lens[i]), 0);
        cr_assert_eq(sd_http_spool_write(fd, "\r\n", 2), 0);
        total += (size_t)hl + lens[i] + 2;
    }
    cr_assert_eq(sd_http_spool_write(fd, "--B0--\r\n", 8), 0);
    total += 8;
    static sd_request_t req;
    req = (sd_request_t){.body = "", .body_fd = fd, .body_spooled = true, .body_len = total, .query = ""};
    req.headers[0] = (sd_http_pair_t){"Content-Type", "multipart/form-data; boundary=B0"};
    req.header_count = 1;
    sd_upload_limits_t lim = {.max_file_bytes = 25 << 20, .max_total_bytes = 50 << 20, .max_files = 10};
    result_t r = {0};
    cr_assert_eq(sd_upload_receive(&app, &req, &lim, key_fn, on_done, &r), SD_OK);
    close(fd); /* the request is over: the upload has its own */
    wait_for(&r.done);
    return r;
}

static answer_t get_all(const char *key)
{
    answer_t a = {0};
    cr_assert_eq(sd_s3_get_all(app.store, key, 64 << 20, on_body, &a), SD_OK);
    wait_for(&a.done);
    return a;
}

Test(upload_live, files_small_empty_and_multipart_are_stored_byte_for_byte)
{
    snprintf(prefix, sizeof prefix, "%d-%ld", (int)getpid(), (long)uv_hrtime());
    size_t big = (11u << 20) + 12345;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 131 + (i >> 11));
    const char *fns[] = {"big.bin", "small.txt", "empty", "says-text.txt"};
    char *datas[] = {data, "hello\r\n--B", "", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"};
    size_t lens[] = {big, 10, 0, 16};
    result_t r = upload(4, fns, datas, lens);
    cr_assert_eq(r.err, SD_OK, "%s", r.up->detail);
    cr_assert_eq(r.up->nfiles, 4);
    for (int i = 0; i < 4; i++) {
        answer_t h = {0};
        cr_assert_eq(sd_s3_head(app.store, r.up->files[i].key, on_s3, &h), SD_OK);
        wait_for(&h.done);
        /* The sniffed type set is kept (SeaweedFS guesses one of its own for octet-stream). */
        if (i == 3) cr_assert_str_eq(h.type, "image/png", "%s: %s", r.up->files[i].key, h.type);
        answer_t a = get_all(r.up->files[i].key);
        cr_assert_eq(a.err, SD_OK, "%s", r.up->files[i].key);
        cr_assert_eq(a.len, lens[i]);
        cr_assert(a.len == 0 || !memcmp(a.body, datas[i], lens[i]), "%s differs", r.up->files[i].key);
        free(a.body);
    }
    sd_upload_discard(&app, r.up);
    char keys[4][256];
    for (int i = 0; i < 4; i++)
        snprintf(keys[i], sizeof keys[i], "%s", r.up->files[i].key);
    sd_upload_free(r.up);
    /* the discard runs in the background: wait for the objects to go */
    for (int i = 0; i < 4; i++) {
        for (int tries = 0;; tries++) {
            answer_t h = {0};
            cr_assert_eq(sd_s3_head(app.store, keys[i], on_s3, &h), SD_OK);
            wait_for(&h.done);
            if (h.err == SD_ERR_NOT_FOUND) break;
            cr_assert_lt(tries, 100, "%s is still there", keys[i]);
            usleep(20000);
        }
    }
    free(data);
}

Test(upload_live, a_store_that_is_not_there_is_unavailable)
{
    snprintf(prefix, sizeof prefix, "down-%d", (int)getpid());
    sd_s3_t *real = app.store;
    app.store = client("http://127.0.0.1:9", 1500); /* nothing listens on the discard port */
    const char *fns[] = {"a.txt"};
    char *datas[] = {"abc"};
    size_t lens[] = {3};
    result_t r = upload(1, fns, datas, lens);
    cr_assert_eq(r.err, SD_ERR_UNAVAILABLE);
    sd_upload_free(r.up);
    sd_s3_close(app.store);
    uv_run(&loop, UV_RUN_DEFAULT);
    app.store = real;
}
