/* The default avatars: six distinct, well-formed PNGs; any other index refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "services/default_avatars.h"

Test(default_avatars, six_distinct_pngs)
{
    unsigned char *pngs[SD_DEFAULT_AVATARS];
    size_t lens[SD_DEFAULT_AVATARS];
    for (int i = 0; i < SD_DEFAULT_AVATARS; i++) {
        cr_assert_eq(sd_default_avatar_png(i, &pngs[i], &lens[i]), SD_OK);
        cr_assert(lens[i] > 100 && lens[i] < 64 * 1024, "%zu bytes", lens[i]);
        cr_assert(memcmp(pngs[i], "\x89PNG\r\n\x1a\n", 8) == 0);
        cr_assert(memcmp(pngs[i] + 12, "IHDR", 4) == 0);
        cr_assert_eq(pngs[i][19], SD_DEFAULT_AVATAR_SIZE & 0xff); /* width, low byte */
        cr_assert(memcmp(pngs[i] + lens[i] - 8, "IEND", 4) == 0);
        for (int j = 0; j < i; j++)
            cr_assert(lens[i] != lens[j] || memcmp(pngs[i], pngs[j], lens[i]) != 0, "%d and %d differ", i, j);
    }
    for (int i = 0; i < SD_DEFAULT_AVATARS; i++)
        free(pngs[i]);
}

Test(default_avatars, another_index_is_refused)
{
    unsigned char *png = NULL;
    size_t len = 0;
    cr_assert_eq(sd_default_avatar_png(-1, &png, &len), SD_ERR_INVALID);
    cr_assert_eq(sd_default_avatar_png(SD_DEFAULT_AVATARS, &png, &len), SD_ERR_INVALID);
    cr_assert_null(png);
}
