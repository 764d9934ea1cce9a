/* Signed CDN links: a link verifies until it expires, and any change to its path or query breaks it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/cdn_sign.h"

static const char *SECRET = "0123456789abcdef0123456789abcdef-cdn";

/* Splits "origin/path?ex=..&is=..&hm=..&" into its query values. */
static void query(const char *url, char *ex, char *is, char *hm)
{
    cr_assert_eq(sscanf(strchr(url, '?'), "?ex=%16[0-9a-f]&is=%16[0-9a-f]&hm=%64[0-9a-f]&", ex, is, hm), 3);
}

Test(cdn_sign, a_link_verifies_until_it_expires)
{
    char url[512], ex[17], is[17], hm[65];
    cr_assert_eq(sd_cdn_sign(SECRET, "http://cdn", "/attachments/1/2/a.png", 1000, 60, url, sizeof url),
                 SD_OK);
    cr_assert_str_eq(url + strlen(url) - 1, "&");
    cr_assert(strncmp(url, "http://cdn/attachments/1/2/a.png?ex=", 36) == 0, "%s", url);
    query(url, ex, is, hm);
    cr_assert_str_eq(ex, "424"); /* 1060 */
    cr_assert_str_eq(is, "3e8"); /* 1000 */
    cr_assert(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, is, hm, 1000));
    cr_assert(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, is, hm, 1060));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, is, hm, 1061));
}

Test(cdn_sign, any_change_breaks_the_signature)
{
    char url[512], ex[17], is[17], hm[65];
    sd_cdn_sign(SECRET, "", "/attachments/1/2/a.png", 1000, 60, url, sizeof url);
    query(url, ex, is, hm);
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/3/a.png", ex, is, hm, 1000));
    cr_assert_not(
        sd_cdn_verify("another-secret-0123456789abcdef0123", "/attachments/1/2/a.png", ex, is, hm, 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", "ffff", is, hm, 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, "3e7", hm, 1000));
    hm[0] = hm[0] == 'a' ? 'b' : 'a';
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, is, hm, 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", NULL, is, hm, 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", ex, is, "", 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", "-1", is, hm, 1000));
    cr_assert_not(sd_cdn_verify(SECRET, "/attachments/1/2/a.png", "10000000000000000", is, hm, 1000));
}

Test(cdn_sign, a_small_buffer_is_refused)
{
    char url[40];
    cr_assert_eq(sd_cdn_sign(SECRET, "http://cdn", "/attachments/1/2/a.png", 1000, 60, url, sizeof url),
                 SD_ERR_INVALID);
}
