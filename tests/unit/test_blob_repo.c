/* repositories/blob_repo: the attachment key layout and its filename rules, and a missing store. */
#include <criterion/criterion.h>
#include <string.h>

#include "repositories/blob_repo.h"

static const char *key(const char *filename)
{
    static char out[256];
    cr_assert_eq(sd_blob_attachment_key(11, 22, filename, out, sizeof out), SD_OK);
    return out;
}

Test(blob_repo, attachment_keys)
{
    cr_assert_str_eq(key("cat.png"), "attachments/11/22/cat.png");
    cr_assert_str_eq(key("my file (1).tar.gz"), "attachments/11/22/my_file__1_.tar.gz");
    cr_assert_str_eq(key("../../etc/passwd"), "attachments/11/22/.._.._etc_passwd");
    cr_assert_str_eq(key("SPOILER_x.jpg"), "attachments/11/22/SPOILER_x.jpg");
    cr_assert_str_eq(key(""), "attachments/11/22/file");
    cr_assert_str_eq(key(NULL), "attachments/11/22/file");
    cr_assert_str_eq(key("."), "attachments/11/22/file");
    cr_assert_str_eq(key(".."), "attachments/11/22/file");
    cr_assert_str_eq(key("\xc3\xa9t\xc3\xa9.txt"), "attachments/11/22/__t__.txt");
}

Test(blob_repo, filenames_are_at_most_100_bytes)
{
    char name[300], out[SD_BLOB_MAX_FILENAME + 1];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    sd_blob_sanitize_filename(name, out);
    cr_assert_eq(strlen(out), 100);
    char small[20];
    cr_assert_eq(sd_blob_attachment_key(1, 2, "x.png", small, sizeof small), SD_ERR_INVALID);
}

Test(blob_repo, no_store_is_unavailable)
{
    sd_app_t app = {0};
    cr_assert_eq(sd_blob_head(&app, "a", NULL, NULL), SD_ERR_UNAVAILABLE);
    cr_assert_eq(sd_blob_put(&app, "a", NULL, "x", 1, NULL, NULL), SD_ERR_UNAVAILABLE);
    char url[64];
    cr_assert_eq(sd_blob_presign(&app, "GET", "a", 60, url, sizeof url), SD_ERR_UNAVAILABLE);
}
