/* db/s3's signing against the examples of AWS's S3 SigV4 documentation, and the key rules of db/s3. */
#include <criterion/criterion.h>
#include <string.h>

#include "db/s3_call.h"
#include "db/s3_sign.h"

#define EXAMPLE_KEY "AKIAIOSFODNN7EXAMPLE"
#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* "Example: GET Object" of AWS's "Signature Calculations for the Authorization Header". */
Test(s3_sign, get_object_example)
{
    const char *canonical = "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                            "x-amz-content-sha256:" EMPTY_SHA "\nx-amz-date:20130524T000000Z\n\n"
                            "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY_SHA;
    char sig[SD_S3_HEX_LEN];
    cr_assert_eq(sd_s3_signature(EXAMPLE_SECRET, "us-east-1", "20130524T000000Z", canonical, sig), SD_OK);
    cr_assert_str_eq(sig, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

Test(s3_sign, sha256_of_nothing)
{
    char hex[SD_S3_HEX_LEN];
    sd_s3_sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, EMPTY_SHA);
}

/* AWS's "Authenticating Requests: Using Query Parameters" example, through sd_s3_presign_at. */
Test(s3_sign, presigned_get_example)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_s3_options_t o = {.endpoint = "https://s3.amazonaws.com",
                         .bucket = "examplebucket",
                         .region = "us-east-1",
                         .access_key_id = EXAMPLE_KEY,
                         .secret_access_key = EXAMPLE_SECRET,
                         .virtual_hosted = 1};
    sd_s3_t *s3 = sd_s3_new(&loop, &o);
    cr_assert(s3);
    char url[1024];
    cr_assert_eq(sd_s3_presign_at(s3, "GET", "test.txt", NULL, 86400, 1369353600, url, sizeof url), SD_OK);
    cr_assert_str_eq(url,
                     "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                     "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                     "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                     "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    cr_assert_eq(sd_s3_presign_at(s3, "GET", "test.txt", NULL, 0, 1369353600, url, sizeof url),
                 SD_ERR_INVALID);
    cr_assert_eq(sd_s3_presign_at(s3, "GET", "test.txt", NULL, 604801, 1369353600, url, sizeof url),
                 SD_ERR_INVALID);
    sd_s3_close(s3);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0);
}

Test(s3_sign, uri_encoding)
{
    char out[64];
    cr_assert_eq(sd_s3_uri_encode("a b/c~d+e", 0, out, sizeof out), strlen("a%20b%2Fc~d%2Be"));
    cr_assert_str_eq(out, "a%20b%2Fc~d%2Be");
    sd_s3_uri_encode("a/b", 1, out, sizeof out);
    cr_assert_str_eq(out, "a/b");
    cr_assert_eq(sd_s3_uri_encode("abcdef", 0, out, 4), (size_t)-1);
}

Test(s3_sign, keys)
{
    cr_assert(sd_s3_key_ok("attachments/1/2/a.png"));
    cr_assert(sd_s3_key_ok("variants/avatars/1/abc/128.webp"));
    cr_assert(sd_s3_key_ok("a..b/.c"));
    const char *bad[] = {"", "/a", "a/", "a//b", "./a", "a/../b", "..", "a b", "a?b", "a%2Fb", "é"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert(!sd_s3_key_ok(bad[i]), "%s", bad[i]);
    char long_key[1100];
    memset(long_key, 'a', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    cr_assert(!sd_s3_key_ok(long_key));
    long_key[1024] = '\0';
    cr_assert(sd_s3_key_ok(long_key));
}

Test(s3_sign, bad_options_make_no_client)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_s3_options_t o = {.endpoint = "http://127.0.0.1:8333/some/path",
                         .bucket = "b-1",
                         .region = "us-east-1",
                         .access_key_id = "k",
                         .secret_access_key = "s"};
    cr_assert_null(sd_s3_new(&loop, &o));
    o.endpoint = "http://127.0.0.1:8333";
    o.bucket = "a/b";
    cr_assert_null(sd_s3_new(&loop, &o));
    o.bucket = "";
    cr_assert_null(sd_s3_new(&loop, &o));
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0);
}
