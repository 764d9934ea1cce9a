#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_body.h"
#include "core/http_server.h"

static sd_request_t req;
static char *copy;

static void release(void)
{
    free(copy);
    copy = NULL;
    if (req.arena) sd_arena_free(req.arena);
    req.arena = NULL;
}

/* Decodes body (n bytes, copied so that nothing follows it) sent with the Content-Type ctype (NULL: none). */
static sd_body_status_t decode(const char *ctype, const char *body, size_t n, unsigned accept, json_t **out,
                               char *detail)
{
    free(copy);
    copy = malloc(n + 1);
    memcpy(copy, body, n);
    copy[n] = '\0';
    if (req.arena) sd_arena_free(req.arena);
    req = (sd_request_t){.arena = sd_arena_new(), .body = copy, .body_len = n, .query = ""};
    if (ctype) {
        req.headers[0] = (sd_http_pair_t){"content-type", ctype};
        req.header_count = 1;
    }
    return sd_http_body_decode(&req, accept, out, detail, 64);
}

#define ALL (SD_BODY_JSON | SD_BODY_FORM | SD_BODY_MULTIPART)

Test(http_body, json_with_or_without_a_type, .fini = release)
{
    json_t *v;
    char d[64];
    cr_assert_eq(decode(NULL, "{\"a\":1}", 7, SD_BODY_JSON, &v, d), SD_BODY_OK);
    json_decref(v);
    cr_assert_eq(decode("Application/JSON ; charset=utf-8", "[1]", 3, SD_BODY_JSON, &v, d), SD_BODY_OK);
    json_decref(v);
    cr_assert_eq(decode("application/json", "", 0, SD_BODY_JSON, &v, d), SD_BODY_BAD_JSON);
    cr_assert_eq(decode("text/plain", "{}", 2, SD_BODY_JSON, &v, d), SD_BODY_BAD_TYPE);
    cr_assert_eq(decode("multipart/form-data; boundary=x", "{}", 2, SD_BODY_JSON | SD_BODY_FORM, &v, d),
                 SD_BODY_BAD_TYPE);
    cr_assert_null(v);
}

Test(http_body, forms_are_objects_of_strings_within_bounds, .fini = release)
{
    json_t *v;
    char d[64];
    const char *ct = "application/x-www-form-urlencoded";
    cr_assert_eq(decode(ct, "a=1&b=x+y%21&&c", 15, ALL, &v, d), SD_BODY_OK);
    cr_assert_str_eq(json_string_value(json_object_get(v, "b")), "x y!");
    cr_assert_str_eq(json_string_value(json_object_get(v, "c")), "");
    json_decref(v);
    cr_assert_eq(decode(ct, "a=1&a=2", 7, ALL, &v, d), SD_BODY_BAD_FORM, "a repeated field");
    cr_assert_eq(decode(ct, "a=%ff", 5, ALL, &v, d), SD_BODY_BAD_FORM, "not UTF-8");
    cr_assert_eq(decode(ct, "a=\0", 3, ALL, &v, d), SD_BODY_BAD_FORM, "a NUL byte");
    char many[1024] = "";
    for (int i = 0; i <= SD_BODY_MAX_FIELDS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%sf%d=1", i ? "&" : "", i);
    cr_assert_eq(decode(ct, many, strlen(many), ALL, &v, d), SD_BODY_BAD_FORM, "too many fields");
}

Test(http_body, multipart_payload_json_text_parts_and_files, .fini = release)
{
    json_t *v;
    char d[64];
    const char *ct = "multipart/form-data; boundary=\"b1\"";
    static const char one[] = "preamble\r\n--b1\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n"
                              "Content-Type: application/json\r\n\r\n{\"content\":\"hi\"}\r\n--b1--\r\n";
    cr_assert_eq(decode(ct, one, sizeof one - 1, ALL, &v, d), SD_BODY_OK);
    cr_assert_str_eq(json_string_value(json_object_get(v, "content")), "hi");
    json_decref(v);
    static const char text[] =
        "--b1\r\nContent-Disposition: form-data; name=content\r\n\r\nline1\r\nline2\r\n--b1--";
    cr_assert_eq(decode(ct, text, sizeof text - 1, ALL, &v, d), SD_BODY_OK);
    cr_assert_str_eq(json_string_value(json_object_get(v, "content")), "line1\r\nline2");
    json_decref(v);
    static const char file[] =
        "--b1\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.png\"\r\n\r\n"
        "\x89PNG\0\r\n--b1--";
    cr_assert_eq(decode(ct, file, sizeof file - 1, ALL, &v, d), SD_BODY_HAS_FILE);
    cr_assert_str_eq(d, "files[0]");
    static const char cut[] = "--b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
    cr_assert_eq(decode(ct, cut, sizeof cut - 1, ALL, &v, d), SD_BODY_BAD_FORM);
    static const char bad[] =
        "--b1\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\r\n--b1--";
    cr_assert_eq(decode(ct, bad, sizeof bad - 1, ALL, &v, d), SD_BODY_BAD_JSON);
    cr_assert_eq(decode("multipart/form-data", one, sizeof one - 1, ALL, &v, d), SD_BODY_BAD_FORM,
                 "no boundary");
}

/* A body the server spooled to a file (an upload route) is read back when small, else taken for files. */
Test(http_body, spooled_bodies, .fini = release)
{
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\"a\":1}\r\n--b--";
    int fd = sd_http_spool_open(NULL);
    cr_assert_geq(fd, 0);
    cr_assert_eq(sd_http_spool_write(fd, body, sizeof body - 1), 0);
    req = (sd_request_t){.arena = sd_arena_new(),
                         .body = "",
                         .body_fd = fd,
                         .body_spooled = true,
                         .body_len = sizeof body - 1,
                         .query = ""};
    req.headers[0] = (sd_http_pair_t){"content-type", "multipart/form-data; boundary=b"};
    req.header_count = 1;
    json_t *v;
    char d[64];
    cr_assert_eq(sd_http_body_decode(&req, ALL, &v, d, sizeof d), SD_BODY_OK);
    cr_assert_eq(json_integer_value(json_object_get(v, "a")), 1);
    json_decref(v);
    req.body_len = SD_BODY_MAX_SPOOLED + 1;
    cr_assert_eq(sd_http_body_decode(&req, ALL, &v, d, sizeof d), SD_BODY_HAS_FILE);
    cr_assert_str_eq(d, "files");
    close(fd);
}
