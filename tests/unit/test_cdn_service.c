/* The CDN's attachment keys: made only from snowflakes and a sanitised filename, and links checked. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cdn_sign.h"
#include "services/cdn_service.h"

Test(cdn_service, attachment_keys_from_a_links_parts)
{
    sd_arena_t *a = sd_arena_new();
    cr_assert_str_eq(sd_cdn_service_attachment_key(a, "1", "2", "a.png"), "attachments/1/2/a.png");
    cr_assert_str_eq(sd_cdn_service_attachment_key(a, "12345678901234567890", "2", "A-z_0.9"),
                     "attachments/12345678901234567890/2/A-z_0.9");
    const char *refused[][3] = {
        {"x", "2", "a.png"},
        {"1", "", "a.png"},
        {"1", "2", ""},
        {"1", "2", "."},
        {"1", "2", ".."},
        {"1", "2", "a b"},
        {"1", "2", "a/b"},
        {"1", "2", "é.png"},
        {"-1", "2", "a.png"},
        {NULL, "2", "a.png"},
        {"123456789012345678901", "2", "a"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        cr_assert_null(sd_cdn_service_attachment_key(a, refused[i][0], refused[i][1], refused[i][2]), "%zu",
                       i);
    char name[SD_CDN_FILENAME_MAX + 2];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    cr_assert_null(sd_cdn_service_attachment_key(a, "1", "2", name), "over 100 bytes");
    name[SD_CDN_FILENAME_MAX] = '\0';
    cr_assert_not_null(sd_cdn_service_attachment_key(a, "1", "2", name), "100 bytes");
    sd_arena_free(a);
}

Test(cdn_service, links_are_checked_with_the_cdn_secret)
{
    sd_config_t cfg = {0};
    strcpy(cfg.cdn_secret, "0123456789abcdef0123456789abcdef");
    sd_app_t app = {.cfg = &cfg};
    char url[256], ex[17], is[17], hm[65];
    cr_assert_eq(sd_cdn_sign(cfg.cdn_secret, "", "/attachments/1/2/a.png", 1000, 60, url, sizeof url), SD_OK);
    cr_assert_eq(sscanf(strchr(url, '?'), "?ex=%16[0-9a-f]&is=%16[0-9a-f]&hm=%64[0-9a-f]&", ex, is, hm), 3);
    cr_assert(sd_cdn_service_link_valid(&app, "/attachments/1/2/a.png", ex, is, hm, 1001));
    cr_assert_not(sd_cdn_service_link_valid(&app, "/attachments/1/2/b.png", ex, is, hm, 1001));
    cr_assert_not(sd_cdn_service_link_valid(&app, "/attachments/1/2/a.png", ex, is, hm, 1061));
    cr_assert_not(sd_cdn_service_link_valid(&app, "/attachments/1/2/a.png", NULL, NULL, NULL, 1001));
}
