/* The CDN's image keys, sizes, formats and ETags. */
#include <criterion/criterion.h>
#include <string.h>

#include "services/cdn_images.h"

#define HASH "0123456789abcdef0123456789abcdef"

Test(cdn_images, keys_of_each_kind)
{
    sd_arena_t *a = sd_arena_new();
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", HASH), "avatars/1/" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", "a_" HASH), "avatars/1/a_" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_BANNER, "2", HASH), "banners/2/" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_ICON, "3", HASH), "icons/3/" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_SPLASH, "4", HASH), "splashes/4/" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_ROLE_ICON, "5", HASH), "role-icons/5/" HASH);
    cr_assert_str_eq(sd_cdn_images_key(a, SD_IMAGE_EMOJI, "6", NULL), "emojis/6");
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_EMOJI, "6", HASH));
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "x", HASH));
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", "0123456789ABCDEF0123456789abcdef"));
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", "b_" HASH));
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", HASH "0"));
    cr_assert_null(sd_cdn_images_key(a, SD_IMAGE_AVATAR, "1", NULL));
    sd_arena_free(a);
}

Test(cdn_images, sizes_and_formats)
{
    for (int s = 16; s <= 4096; s *= 2)
        cr_assert(sd_cdn_images_variant_ok(s, "png"), "%d", s);
    cr_assert(sd_cdn_images_variant_ok(0, "webp"));
    int bad[] = {-16, 1, 8, 15, 17, 96, 100, 8192};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(sd_cdn_images_variant_ok(bad[i], "png"), "%d", bad[i]);
    const char *formats[] = {"png", "jpg", "jpeg", "webp", "gif"};
    for (size_t i = 0; i < 5; i++)
        cr_assert(sd_cdn_images_variant_ok(64, formats[i]));
    cr_assert_not(sd_cdn_images_variant_ok(64, "bmp"));
    cr_assert_not(sd_cdn_images_variant_ok(64, "PNG"));
    cr_assert_not(sd_cdn_images_variant_ok(64, NULL));
    cr_assert_str_eq(sd_cdn_images_type("jpeg"), "image/jpeg");
}

Test(cdn_images, etags_differ_by_variant_and_jpeg_is_jpg)
{
    char a[48], b[48], c[48], d[48];
    sd_cdn_images_etag("avatars/1/" HASH, 64, "png", a);
    sd_cdn_images_etag("avatars/1/" HASH, 128, "png", b);
    sd_cdn_images_etag("avatars/1/" HASH, 64, "jpg", c);
    sd_cdn_images_etag("avatars/1/" HASH, 64, "jpeg", d);
    cr_assert(a[0] == '"' && a[strlen(a) - 1] == '"');
    cr_assert_str_neq(a, b);
    cr_assert_str_neq(a, c);
    cr_assert_str_eq(c, d);
}
