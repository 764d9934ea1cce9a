/* db/s3 against a live SeaweedFS: objects (put, put_file, head, get and its ranges, delete, multipart,
 * presigned URLs). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_live.h"

TestSuite(s3_live, .init = s3_live_setup, .fini = s3_live_teardown, .timeout = 120);

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
    uv_timer_init(&loop, &get.resume);
    get.resume.data = &get;
    cr_assert_eq(sd_s3_get(s3, "t/big.bin", NULL, on_head, on_data, on_done, &get, &get.g), SD_OK);
    wait_done(&get);
    uv_close((uv_handle_t *)&get.resume, NULL);
    cr_assert_eq(get.r.err, SD_OK);
    cr_assert_eq(get.broken, 0, "bytes arrived while paused");
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

Test(s3_live, a_range_past_the_end_is_invalid)
{
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/range.txt", NULL, "0123456789", 10, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(s3, "t/range.txt", "bytes=50-60", on_head, on_data, on_done, &get, NULL), SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_INVALID);
    cr_assert_eq(get.r.status, 416);
    cr_assert_eq(get.len, 0);
    answer_t suffix = {0};
    cr_assert_eq(sd_s3_get(s3, "t/range.txt", "bytes=-3", on_head, on_data, on_done, &suffix, NULL), SD_OK);
    wait_done(&suffix);
    cr_assert_eq(suffix.r.err, SD_OK);
    cr_assert_eq(suffix.len, 3);
    cr_assert_arr_eq(suffix.body, "789", 3);
    cr_assert_eq(suffix.r.size, 10);
    free(suffix.body);
    answer_t a = {0};
    cr_assert_eq(sd_s3_get(s3, "t/range.txt", "bytes=x-", on_head, on_data, on_done, &a, NULL),
                 SD_ERR_INVALID);
    cr_assert_eq(sd_s3_get(s3, "t/range.txt", "bytes=1-2\r\nX: y", on_head, on_data, on_done, &a, NULL),
                 SD_ERR_INVALID);
}
