#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"

Test(arena, aligned_zeroed_and_large)
{
    sd_arena_t *a = sd_arena_new();
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = sd_arena_alloc(a, (size_t)(i % 37) + 1);
        cr_assert_eq((uintptr_t)p % 16, 0u);
        for (int j = 0; j < i % 37 + 1; j++)
            cr_assert_eq(p[j], 0);
        memset(p, 0xAB, (size_t)(i % 37) + 1);
    }
    char *big = sd_arena_alloc(a, 1 << 20);
    cr_assert_not_null(big);
    memset(big, 1, 1 << 20);
    cr_assert_str_eq(sd_arena_strndup(a, "hello world", 5), "hello");
    cr_assert_str_eq(sd_arena_strdup(a, "x"), "x");
    sd_arena_free(a);
}

Test(arena, printf_formats_into_the_arena)
{
    sd_arena_t *a = sd_arena_new();
    char *s = sd_arena_printf(a, "%s/%d/%s", "avatars", 42, "hash");
    cr_assert_str_eq(s, "avatars/42/hash");
    char long_one[6000];
    memset(long_one, 'x', sizeof long_one - 1);
    long_one[sizeof long_one - 1] = '\0';
    cr_assert_str_eq(sd_arena_printf(a, "%s", long_one), long_one); /* past one chunk */
    sd_arena_free(a);
}
