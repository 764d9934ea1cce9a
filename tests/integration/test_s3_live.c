/*
 * The object-store client against a real SeaweedFS (which checks SigV4): SD_TEST_S3_ENDPOINT names it and
 * SD_TEST_S3_BUCKET a bucket no one else uses; the credentials are "local"/"local"
 * (tests/e2e/test_object_store.py runs this binary).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

/* A temporary file of n pseudo-random bytes (seeded): its fd, open for reading. */
static int temp_file(size_t n, unsigned seed, char **bytes)
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

Test(s3_live, put_file_from_a_region_of_a_file)
{
    char *bytes;
    int fd = temp_file(3 << 20, 7, &bytes);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put_file(s3, "t/region.bin", NULL, fd, 1000, (2 << 20) + 5, on_done, &put), SD_OK);
    wait_done(&put);
    cr_assert_eq(put.r.err, SD_OK, "status %d", put.r.status);
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(s3, "t/region.bin", NULL, on_head, on_data, on_done, &get, NULL), SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_OK);
    cr_assert_str_eq(get.content_type, "application/octet-stream");
    cr_assert_eq(get.len, (size_t)(2 << 20) + 5);
    cr_assert(memcmp(get.body, bytes + 1000, get.len) == 0);
    free(get.body);
    free(bytes);
    close(fd);
}

Test(s3_live, multipart_of_three_5_mib_parts)
{
    const size_t part = 5u << 20;
    char *bytes;
    int fd = temp_file(3 * part, 11, &bytes);
    answer_t begin = {0};
    cr_assert_eq(sd_s3_multipart_begin(s3, "t/big.bin", "video/mp4", on_done, &begin), SD_OK);
    wait_done(&begin);
    cr_assert_eq(begin.r.err, SD_OK, "status %d", begin.r.status);
    cr_assert(begin.upload_id[0]);
    answer_t parts[3] = {{0}};
    for (int i = 0; i < 3; i++) /* all three at once */
        cr_assert_eq(sd_s3_multipart_part(s3, "t/big.bin", begin.upload_id, i + 1, fd, (off_t)(i * part),
                                          part, on_done, &parts[i]),
                     SD_OK);
    const char *etags[3];
    for (int i = 0; i < 3; i++) {
        wait_done(&parts[i]);
        cr_assert_eq(parts[i].r.err, SD_OK, "part %d: status %d", i + 1, parts[i].r.status);
        etags[i] = parts[i].etag;
    }
    answer_t done = {0};
    cr_assert_eq(sd_s3_multipart_complete(s3, "t/big.bin", begin.upload_id, etags, 3, on_done, &done), SD_OK);
    wait_done(&done);
    cr_assert_eq(done.r.err, SD_OK, "status %d", done.r.status);

    answer_t head = {0};
    cr_assert_eq(sd_s3_head(s3, "t/big.bin", on_done, &head), SD_OK);
    wait_done(&head);
    cr_assert_eq(head.r.size, (int64_t)(3 * part));
    cr_assert_str_eq(head.content_type, "video/mp4");

    /* Read back paused after every piece, resumed from the loop a moment later. */
    answer_t get = {.pause_every = 1};
    cr_assert_eq(sd_s3_get(s3, "t/big.bin", NULL, on_head, on_data, on_done, &get, &get.g), SD_OK);
    while (!get.done) {
        int pieces = get.pieces;
        uv_run(&loop, UV_RUN_ONCE);
        if (get.pieces != pieces && !get.done) sd_s3_resume(get.g);
    }
    cr_assert_eq(get.r.err, SD_OK);
    cr_assert_eq(get.len, 3 * part);
    cr_assert(get.pieces > 10, "pieces: %d", get.pieces);
    cr_assert(memcmp(get.body, bytes, get.len) == 0);
    free(get.body);

    /* An aborted upload is gone. */
    answer_t b2 = {0};
    cr_assert_eq(sd_s3_multipart_begin(s3, "t/aborted.bin", NULL, on_done, &b2), SD_OK);
    wait_done(&b2);
    answer_t ab = {0};
    cr_assert_eq(sd_s3_multipart_abort(s3, "t/aborted.bin", b2.upload_id, on_done, &ab), SD_OK);
    wait_done(&ab);
    cr_assert_eq(ab.r.err, SD_OK, "status %d", ab.r.status);
    free(bytes);
    close(fd);
}

Test(s3_live, a_paused_download_can_be_cancelled)
{
    static char body[256 << 10];
    memset(body, 'x', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/cancel.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {.pause_every = 1};
    cr_assert_eq(sd_s3_get(s3, "t/cancel.bin", NULL, on_head, on_data, on_done, &get, &get.g), SD_OK);
    while (!get.pieces)
        uv_run(&loop, UV_RUN_ONCE);
    sd_s3_cancel(get.g);
    cr_assert_eq(get.done, 0, "cancel calls back from the loop, not from inside");
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_CANCELLED);
    cr_assert(get.len < sizeof body);
    free(get.body);
}

typedef struct {
    char *data;
    size_t len;
} sink_t;

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    sink_t *s = ctx;
    s->data = realloc(s->data, s->len + size * n + 1);
    memcpy(s->data + s->len, p, size * n);
    s->len += size * n;
    return size * n;
}

/* A plain HTTP request with no signature of its own, as a browser would send to a presigned URL. */
static long plain(const char *method, const char *url, const char *body, sink_t *out)
{
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    cr_assert_eq(curl_easy_perform(e), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    return status;
}

Test(s3_live, presigned_put_then_get)
{
    char put_url[2048], get_url[2048];
    cr_assert_eq(sd_s3_presign(s3, "PUT", "t/presigned.txt", 300, put_url, sizeof put_url), SD_OK);
    sink_t ignored = {0};
    cr_assert_eq(plain("PUT", put_url, "uploaded straight to the store", &ignored), 200, "%.*s",
                 (int)ignored.len, ignored.data);
    free(ignored.data);
    cr_assert_eq(sd_s3_presign(s3, "GET", "t/presigned.txt", 300, get_url, sizeof get_url), SD_OK);
    sink_t got = {0};
    cr_assert_eq(plain("GET", get_url, NULL, &got), 200);
    cr_assert_eq(got.len, strlen("uploaded straight to the store"));
    cr_assert_arr_eq(got.data, "uploaded straight to the store", got.len);
    free(got.data);

    /* A tampered signature, and a GET URL used for PUT, are refused by the store. */
    get_url[strlen(get_url) - 1] = get_url[strlen(get_url) - 1] == '0' ? '1' : '0';
    sink_t bad = {0};
    cr_assert_eq(plain("GET", get_url, NULL, &bad), 403);
    free(bad.data);
    cr_assert_eq(sd_s3_presign(s3, "GET", "t/presigned.txt", 300, get_url, sizeof get_url), SD_OK);
    sink_t wrong = {0};
    cr_assert_eq(plain("PUT", get_url, "overwritten", &wrong), 403);
    free(wrong.data);
    char tiny[16];
    cr_assert_eq(sd_s3_presign(s3, "GET", "t/presigned.txt", 300, tiny, sizeof tiny), SD_ERR_INVALID);
    cr_assert_eq(sd_s3_presign(s3, "DELETE", "t/presigned.txt", 300, get_url, sizeof get_url),
                 SD_ERR_INVALID);
}

Test(s3_live, a_wrong_secret_is_refused)
{
    sd_s3_t *bad = client(getenv("SD_TEST_S3_ENDPOINT"), "not-the-secret", 5000);
    answer_t a = {0};
    cr_assert_eq(sd_s3_put(bad, "t/nope.txt", NULL, "x", 1, on_done, &a), SD_OK);
    wait_done(&a);
    cr_assert_eq(a.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(a.r.status, 403);
    sd_s3_close(bad);
}

Test(s3_live, a_store_that_is_down_is_unavailable_within_the_deadline)
{
    /* A port nothing listens on: connections are refused, retried with backoff, then given up. */
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    cr_assert_eq(bind(sock, (struct sockaddr *)&sa, sl), 0);
    getsockname(sock, (struct sockaddr *)&sa, &sl);
    close(sock);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    sd_s3_t *down = client(endpoint, "local", 1500);
    answer_t a = {0}, b = {0};
    uv_update_time(&loop);
    uint64_t t0 = uv_now(&loop);
    cr_assert_eq(sd_s3_put(down, "t/x", NULL, "x", 1, on_done, &a), SD_OK);
    cr_assert_eq(sd_s3_get(down, "t/x", NULL, on_head, on_data, on_done, &b, NULL), SD_OK);
    wait_done(&a);
    wait_done(&b);
    uint64_t took = uv_now(&loop) - t0;
    cr_assert_eq(a.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(b.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(a.r.status, 0);
    cr_assert(took <= 2500, "took %llu ms", (unsigned long long)took);
    sd_s3_close(down);
}

Test(s3_live, close_cancels_what_is_in_flight_and_queued)
{
    sd_s3_t *c = client(getenv("SD_TEST_S3_ENDPOINT"), "local", 10000);
    answer_t a[8] = {{0}};
    for (int i = 0; i < 8; i++) /* 4 in flight, 4 queued */
        cr_assert_eq(sd_s3_head(c, "t/whatever", on_done, &a[i]), SD_OK);
    sd_s3_close(c);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(a[i].done, 0, "close calls back from the loop, not from inside");
    answer_t late = {0};
    cr_assert_eq(sd_s3_head(c, "t/whatever", on_done, &late), SD_ERR_CANCELLED);
    for (int i = 0; i < 8; i++) {
        wait_done(&a[i]);
        cr_assert_eq(a[i].r.err, SD_ERR_CANCELLED);
    }
}

static int cancel_inside(const char *data, size_t len, void *ctx)
{
    answer_t *a = ctx;
    (void)data;
    a->len += len;
    a->pieces++;
    sd_s3_cancel(a->g);
    return 0;
}

Test(s3_live, a_download_cancelled_from_its_own_callback)
{
    static char body[512 << 10];
    memset(body, 'y', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/cancel-inside.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(s3, "t/cancel-inside.bin", NULL, on_head, cancel_inside, on_done, &get, &get.g),
                 SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_CANCELLED);
    cr_assert_eq(get.pieces, 1, "no data after the cancel");
}

Test(s3_live, a_file_shorter_than_promised_fails_without_retries)
{
    char *bytes;
    int fd = temp_file(1000, 3, &bytes);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put_file(s3, "t/short.bin", NULL, fd, 0, 5000, on_done, &put), SD_OK);
    wait_done(&put);
    cr_assert_eq(put.r.err, SD_ERR_IO);
    free(bytes);
    close(fd);
}

/* SD_TEST_S3_FLAKY_ENDPOINT: a proxy to the same store that answers 503 SlowDown to the first two tries of
 * every request, and 500 forever to keys under "t/broken/". */
Test(s3_live, retries_through_throttling_and_5xx)
{
    const char *flaky = getenv("SD_TEST_S3_FLAKY_ENDPOINT");
    if (!flaky) cr_skip_test("no SD_TEST_S3_FLAKY_ENDPOINT");
    sd_s3_t *f = client(flaky, "local", 4000);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(f, "t/flaky.txt", "text/plain", "third time lucky", 16, on_done, &put), SD_OK);
    wait_done(&put);
    cr_assert_eq(put.r.err, SD_OK, "status %d", put.r.status);
    answer_t all = {0};
    cr_assert_eq(sd_s3_get_all(f, "t/flaky.txt", 100, on_body, &all), SD_OK);
    wait_done(&all);
    cr_assert_eq(all.r.err, SD_OK, "status %d", all.r.status);
    cr_assert_eq(all.len, 16);
    cr_assert_arr_eq(all.body, "third time lucky", 16);
    free(all.body);
    uv_update_time(&loop);
    uint64_t t0 = uv_now(&loop);
    answer_t broken = {0};
    cr_assert_eq(sd_s3_head(f, "t/broken/x", on_done, &broken), SD_OK);
    wait_done(&broken);
    cr_assert_eq(broken.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(broken.r.status, 500);
    cr_assert(uv_now(&loop) - t0 <= 4500);
    sd_s3_close(f);
}
