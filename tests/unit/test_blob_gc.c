/* The deletion job's arithmetic: backoff between tries, and the shard of a key. */
#include <criterion/criterion.h>
#include <string.h>

#include "repositories/attachment_repo.h"
#include "services/blob_gc.h"

Test(blob_gc, backoff_doubles_up_to_an_hour)
{
    cr_assert_eq(sd_blob_gc_backoff_ms(0), 1000);
    cr_assert_eq(sd_blob_gc_backoff_ms(1), 2000);
    cr_assert_eq(sd_blob_gc_backoff_ms(5), 32000);
    cr_assert_eq(sd_blob_gc_backoff_ms(12), 3600000);
    cr_assert_eq(sd_blob_gc_backoff_ms(1000), 3600000);
    cr_assert_eq(sd_blob_gc_backoff_ms(-3), 1000);
}

Test(blob_gc, a_key_has_one_shard)
{
    char a[4], b[4];
    int seen[SD_BLOB_DELETION_SHARDS] = {0};
    for (int i = 0; i < 200; i++) {
        char key[64];
        snprintf(key, sizeof key, "attachments/1/%d/a.png", i);
        sd_blob_deletion_shard(key, a);
        sd_blob_deletion_shard(key, b);
        cr_assert_str_eq(a, b);
        int n = atoi(a);
        cr_assert(n >= 0 && n < SD_BLOB_DELETION_SHARDS);
        seen[n]++;
    }
    for (int s = 0; s < SD_BLOB_DELETION_SHARDS; s++)
        cr_assert_gt(seen[s], 0, "shard %d unused", s);
}
