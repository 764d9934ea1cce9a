/*
 * The object-store client against a real SeaweedFS (which checks SigV4): SD_TEST_S3_ENDPOINT names it and
 * SD_TEST_S3_BUCKET a bucket no one else uses; the credentials are "local"/"local"
 * (tests/e2e/test_object_store.py runs this binary).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/s3.h"

typedef struct {
    int done;
    sd_s3_result_t r;
    char etag[256], upload_id[512], content_type[128], content_range[128];
    char *body;
    size_t len, cap;
    int heads, pieces, pause_every;
    sd_s3_get_t *g;
} answer_t;

static uv_loop_t loop;
static sd_s3_t *s3;

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

static void on_done(const sd_s3_result_t *r, void *ctx)
{
    answer_t *a = ctx;
    keep(a, r);
    a->done++;
}

static void on_head(const sd_s3_result_t *r, void *ctx)
{
    answer_t *a = ctx;
    a->heads++;
    copy(a->content_type, sizeof a->content_type, r->content_type);
}

static int on_data(const char *data, size_t len, void *ctx)
{
    answer_t *a = ctx;
    if (a->len + len > a->cap) {
        a->cap = (a->len + len) * 2;
        a->body = realloc(a->body, a->cap);
    }
    memcpy(a->body + a->len, data, len);
    a->len += len;
    a->pieces++;
    return a->pause_every && a->pieces % a->pause_every == 0;
}

static void on_body(const sd_s3_result_t *r, char *body, size_t len, void *ctx)
{
    answer_t *a = ctx;
    keep(a, r);
    a->body = body;
    a->len = len;
    a->done++;
}

static void wait_done(answer_t *a)
{
    while (!a->done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a->done, 1, "a callback ran more than once");
}

static sd_s3_t *client(const char *endpoint, const char *secret, long deadline_ms)
{
    sd_s3_options_t o = {.endpoint = endpoint,
                         .bucket = getenv("SD_TEST_S3_BUCKET"),
                         .region = "us-east-1",
                         .access_key_id = "local",
                         .secret_access_key = secret,
                         .call_deadline_ms = deadline_ms,
                         .max_concurrency = 4,
                         .max_queue = 64};
    return sd_s3_new(&loop, &o);
}

static void setup(void)
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

static void teardown(void)
{
    sd_s3_close(s3);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0, "handles left open");
}

TestSuite(s3_live, .init = setup, .fini = teardown, .timeout = 120);

Test(s3_live, create_bucket_twice_is_success)
{
    answer_t a = {0};
    cr_assert_eq(sd_s3_create_bucket(s3, on_done, &a), SD_OK);
    wait_done(&a);
    cr_assert_eq(a.r.err, SD_OK, "status %d", a.r.status);
}

Test(s3_live, put_head_get_range_delete)
{
    static const char body[] = "hello, object store: 0123456789";
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/one.txt", "text/plain", body, sizeof body - 1, on_done, &put), SD_OK);
    wait_done(&put);
    cr_assert_eq(put.r.err, SD_OK, "status %d", put.r.status);
    cr_assert(put.etag[0] == '"', "etag %s", put.etag);

    answer_t head = {0};
    cr_assert_eq(sd_s3_head(s3, "t/one.txt", on_done, &head), SD_OK);
    wait_done(&head);
    cr_assert_eq(head.r.err, SD_OK);
    cr_assert_eq(head.r.size, (int64_t)(sizeof body - 1));
    cr_assert_str_eq(head.content_type, "text/plain");
    cr_assert_str_eq(head.etag, put.etag);

    answer_t all = {0};
    cr_assert_eq(sd_s3_get_all(s3, "t/one.txt", 1024, on_body, &all), SD_OK);
    wait_done(&all);
    cr_assert_eq(all.r.err, SD_OK);
    cr_assert_eq(all.len, sizeof body - 1);
    cr_assert_arr_eq(all.body, body, all.len);
    free(all.body);

    answer_t small = {0};
    cr_assert_eq(sd_s3_get_all(s3, "t/one.txt", 4, on_body, &small), SD_OK);
    wait_done(&small);
    cr_assert_eq(small.r.err, SD_ERR_TOO_LARGE);

    answer_t range = {0};
    cr_assert_eq(sd_s3_get(s3, "t/one.txt", "bytes=7-11", on_head, on_data, on_done, &range, NULL), SD_OK);
    wait_done(&range);
    cr_assert_eq(range.r.err, SD_OK);
    cr_assert_eq(range.r.status, 206);
    cr_assert_eq(range.heads, 1);
    cr_assert_eq(range.len, 5);
    cr_assert_arr_eq(range.body, "objec", 5);
    cr_assert_str_eq(range.content_range, "bytes 7-11/31");
    free(range.body);

    answer_t del = {0};
    cr_assert_eq(sd_s3_delete(s3, "t/one.txt", on_done, &del), SD_OK);
    wait_done(&del);
    cr_assert_eq(del.r.err, SD_OK);

    answer_t gone = {0};
    cr_assert_eq(sd_s3_head(s3, "t/one.txt", on_done, &gone), SD_OK);
    wait_done(&gone);
    cr_assert_eq(gone.r.err, SD_ERR_NOT_FOUND);

    answer_t again = {0};
    cr_assert_eq(sd_s3_delete(s3, "t/one.txt", on_done, &again), SD_OK);
    wait_done(&again);
    cr_assert_eq(again.r.err, SD_OK, "deleting a missing key is success");
}

Test(s3_live, a_missing_key_is_not_found)
{
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(s3, "t/nothing-here", NULL, on_head, on_data, on_done, &get, NULL), SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_NOT_FOUND);
    cr_assert_eq(get.r.status, 404);
    cr_assert_eq(get.heads, 0);
    cr_assert_eq(get.len, 0);
    answer_t all = {0};
    cr_assert_eq(sd_s3_get_all(s3, "t/nothing-here", 100, on_body, &all), SD_OK);
    wait_done(&all);
    cr_assert_eq(all.r.err, SD_ERR_NOT_FOUND);
}

Test(s3_live, bad_keys_are_refused_without_a_callback)
{
    answer_t a = {0};
    cr_assert_eq(sd_s3_head(s3, "../etc/passwd", on_done, &a), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_head(s3, "a//b", on_done, &a), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_head(s3, "a/", on_done, &a), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_head(s3, "a b", on_done, &a), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_head(s3, "", on_done, &a), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_head(s3, "/abs", on_done, &a), SD_ERR_INVALID);
    uv_run(&loop, UV_RUN_NOWAIT);
    cr_assert_eq(a.done, 0);
}
