#include <criterion/criterion.h>
#include <string.h>

#include "core/static_files.h"

Test(static_files, resolve_maps_paths_into_the_folder)
{
    sd_arena_t *a = sd_arena_new();
    cr_assert_str_eq(sd_static_resolve(a, "/"), "index.html");
    cr_assert_str_eq(sd_static_resolve(a, "/app.css"), "app.css");
    cr_assert_str_eq(sd_static_resolve(a, "/assets/app-5CJQX3UB.js"), "assets/app-5CJQX3UB.js");
    cr_assert_str_eq(sd_static_resolve(a, "/my%20file.txt"), "my file.txt");
    cr_assert_str_eq(sd_static_resolve(a, "/invite/abc123"), "index.html", "a page of the client");
    cr_assert_str_eq(sd_static_resolve(a, "/invite"), "invite");
    cr_assert_str_eq(sd_static_resolve(a, "/.well-known/x"), ".well-known/x", "dot files are names");
    sd_arena_free(a);
}

Test(static_files, resolve_refuses_every_way_out)
{
    sd_arena_t *a = sd_arena_new();
    const char *bad[] = {"/../etc/passwd",
                         "/assets/../../etc/passwd",
                         "/..",
                         "/.",
                         "/a/./b",
                         "/%2e%2e/etc/passwd",
                         "/%2E%2E%2Fetc%2Fpasswd",
                         "/..%2f..%2fetc",
                         "/a//b",
                         "/assets/",
                         "/..\\etc",
                         "/%5c..%5cetc",
                         "/a%00b",
                         "/%zz",
                         "relative",
                         "//etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_null(sd_static_resolve(a, bad[i]), "%s is refused", bad[i]);
    sd_arena_free(a);
}

Test(static_files, content_types_by_extension)
{
    cr_assert_str_eq(sd_static_content_type("index.html"), "text/html; charset=utf-8");
    cr_assert_str_eq(sd_static_content_type("assets/app-5CJQX3UB.js"), "text/javascript; charset=utf-8");
    cr_assert_str_eq(sd_static_content_type("assets/app-5CJQX3UB.CSS"), "text/css; charset=utf-8");
    cr_assert_str_eq(sd_static_content_type("icon.svg"), "image/svg+xml");
    cr_assert_str_eq(sd_static_content_type("a.b/noext"), "application/octet-stream");
    cr_assert_str_eq(sd_static_content_type("Makefile"), "application/octet-stream");
}

Test(static_files, hashed_names)
{
    cr_assert(sd_static_is_hashed("assets/app-5CJQX3UB.js"));
    cr_assert(sd_static_is_hashed("assets/chunk-ABCDEFGH.css"));
    cr_assert_not(sd_static_is_hashed("app-5CJQX3UB.js"), "only the build's folder");
    cr_assert_not(sd_static_is_hashed("assets/app-settings.js"), "lower case is a word, not a hash");
    cr_assert_not(sd_static_is_hashed("assets/app-ABC.js"), "too short");
    cr_assert_not(sd_static_is_hashed("assets/app.js"));
    cr_assert_not(sd_static_is_hashed("assets/x-ABCDEFGH/app.js"));
}

Test(static_files, if_none_match)
{
    cr_assert(sd_static_etag_matches("\"abc\"", "\"abc\""));
    cr_assert(sd_static_etag_matches("W/\"abc\"", "\"abc\""), "weak comparison");
    cr_assert(sd_static_etag_matches("\"x\", \"abc\"", "\"abc\""));
    cr_assert(sd_static_etag_matches("*", "\"abc\""));
    cr_assert_not(sd_static_etag_matches("\"abcd\"", "\"abc\""));
    cr_assert_not(sd_static_etag_matches("\"ab", "\"abc\""));
    cr_assert_not(sd_static_etag_matches("", "\"abc\""));
}
