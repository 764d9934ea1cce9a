/* Data URIs as Discord takes image data: the shape, base64 (padded or not), and the size bound. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "services/data_uri.h"

static sd_err_t decode(const char *uri, size_t max, unsigned char **out, size_t *len)
{
    cr_assert(sodium_init() >= 0);
    return sd_data_uri_decode(uri, max, out, len);
}

Test(data_uri, decodes_an_image_uri)
{
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(decode("data:image/png;base64,aGVsbG8=", 100, &b, &n), SD_OK);
    cr_assert_eq(n, 5);
    cr_assert(memcmp(b, "hello", 5) == 0);
    free(b);
}

Test(data_uri, the_claimed_type_is_only_checked_for_shape)
{
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(decode("data:image/jpeg;base64,aGVsbG8=", 100, &b, &n), SD_OK);
    free(b);
    cr_assert_eq(decode("DATA:text/plain;charset=utf-8;base64,aGVsbG8=", 100, &b, &n), SD_OK);
    free(b);
    cr_assert_eq(decode("data:image/svg+xml;base64,aGVsbG8=", 100, &b, &n), SD_OK);
    free(b);
}

Test(data_uri, unpadded_base64_and_line_breaks_are_taken)
{
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(decode("data:image/gif;base64,aGVsbG8", 100, &b, &n), SD_OK);
    cr_assert_eq(n, 5);
    free(b);
    cr_assert_eq(decode("data:image/gif;base64,aGVs\r\nbG8=\n", 100, &b, &n), SD_OK);
    cr_assert_eq(n, 5);
    cr_assert(memcmp(b, "hello", 5) == 0);
    free(b);
}

Test(data_uri, malformed_uris_are_refused)
{
    static const char *bad[] = {
        "",
        "https://example.com/a.png",
        "data:",
        "data:image/png,aGVsbG8=",        /* not base64 */
        "data:image/png;base64,",         /* nothing in it */
        "data:;base64,aGVsbG8=",          /* no type */
        "data:image;base64,aGVsbG8=",     /* no subtype */
        "data:image/;base64,aGVsbG8=",    /* empty subtype */
        "data:image/png;base64,aGVsbG8*", /* not base64 */
        "data:image/png;base64,aGVs bG8=",
        "data:image/png;base64,aGVsbG8=AAAA",
        "data:ima ge/png;base64,aGVsbG8=",
        "data:image/png;x=1;x=1;x=1;x=1;x=1;x=1;x=1;x=1;x=1;base64,aGVsbG8=",
        /* ends inside the header: once read past its end (the NUL was taken for a token character) */
        "data:image",
        "data:image/png",
        "data:image/png;",
        "data:image/png;charset=x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char *b = (unsigned char *)"untouched";
        size_t n = 7;
        cr_assert_eq(decode(bad[i], 100, &b, &n), SD_ERR_INVALID, "%s", bad[i]);
        cr_assert_null(b);
        cr_assert_eq(n, 0);
    }
    unsigned char *b;
    size_t n;
    cr_assert_eq(sd_data_uri_decode(NULL, 100, &b, &n), SD_ERR_INVALID);
}

Test(data_uri, the_bound_is_on_decoded_bytes)
{
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(decode("data:image/png;base64,aGVsbG8=", 5, &b, &n), SD_OK);
    free(b);
    cr_assert_eq(decode("data:image/png;base64,aGVsbG8=", 4, &b, &n), SD_ERR_TOO_LARGE);
    cr_assert_null(b);
}

Test(data_uri, a_huge_payload_is_refused_before_it_is_decoded)
{
    size_t big = 8u << 20;
    char *uri = malloc(big + 32);
    cr_assert_not_null(uri);
    strcpy(uri, "data:image/png;base64,");
    memset(uri + strlen(uri), '!', big); /* not even base64: refused on its length alone */
    uri[22 + big] = '\0';
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(decode(uri, 1024, &b, &n), SD_ERR_TOO_LARGE);
    free(uri);
}
