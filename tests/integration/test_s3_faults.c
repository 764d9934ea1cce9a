/* db/s3 against a live SeaweedFS and stores that fail: refused credentials, nothing listening, no answer,
 * throttling and 5xx (through the proxy SD_TEST_S3_FLAKY_ENDPOINT), stalls, close. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_live.h"

TestSuite(s3_faults, .init = s3_live_setup, .fini = s3_live_teardown, .timeout = 120);

Test(s3_faults, a_wrong_secret_is_refused)
{
    sd_s3_t *bad = client(getenv("SD_TEST_S3_ENDPOINT"), "not-the-secret", 5000);
    answer_t a = {0};
    cr_assert_eq(sd_s3_put(bad, "t/nope.txt", NULL, "x", 1, on_done, &a), SD_OK);
    wait_done(&a);
    cr_assert_eq(a.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(a.r.status, 403);
    sd_s3_close(bad);
}

Test(s3_faults, a_store_that_is_down_is_unavailable_within_the_deadline)
{
    /* A port nothing listens on: connections are refused, retried with backoff, then given up. */
    char endpoint[64];
    int sock;
    loopback_endpoint(false, endpoint, sizeof endpoint, &sock);
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

Test(s3_faults, close_cancels_what_is_in_flight_and_queued)
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

Test(s3_faults, a_file_shorter_than_promised_fails_without_retries)
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

Test(s3_faults, retries_through_throttling_and_5xx)
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

Test(s3_faults, a_download_that_stalls_after_its_headers_is_unavailable)
{
    const char *flaky = getenv("SD_TEST_S3_FLAKY_ENDPOINT");
    if (!flaky) cr_skip_test("no SD_TEST_S3_FLAKY_ENDPOINT");
    static char body[64 << 10];
    memset(body, 's', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/stall/x.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    sd_s3_t *f = client(flaky, "local", 1500);
    uv_update_time(&loop);
    uint64_t t0 = uv_now(&loop);
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(f, "t/stall/x.bin", NULL, on_head, on_data, on_done, &get, NULL), SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(get.heads, 1);
    cr_assert_eq(get.len, sizeof body / 2);
    uint64_t took = uv_now(&loop) - t0;
    cr_assert(took >= 1400 && took < 6000, "took %llu ms", (unsigned long long)took);
    free(get.body);
    sd_s3_close(f);
}

Test(s3_faults, calls_waiting_in_the_queue_keep_their_deadline)
{
    /* A store that takes connections and never answers: the 4 calls in flight and the 2 queued behind them
     * all fail at the one deadline. */
    char endpoint[64];
    int sock;
    loopback_endpoint(true, endpoint, sizeof endpoint, &sock);
    sd_s3_t *mute = client(endpoint, "local", 1500);
    answer_t a[6];
    memset(a, 0, sizeof a);
    uv_update_time(&loop);
    uint64_t t0 = uv_now(&loop);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(sd_s3_head(mute, "t/x", on_done, &a[i]), SD_OK);
    for (int i = 0; i < 6; i++) {
        wait_done(&a[i]);
        cr_assert_eq(a[i].r.err, SD_ERR_UNAVAILABLE);
    }
    uint64_t took = uv_now(&loop) - t0;
    cr_assert(took < 2500, "took %llu ms", (unsigned long long)took);
    sd_s3_close(mute);
    close(sock);
}
