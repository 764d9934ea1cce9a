/* Attachments as stored and shown: sanitised names, keys, titles, spoilers, signed links, request bodies. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cdn_sign.h"
#include "schemas/attachment_schema.h"

Test(attachment_schema, filenames_are_sanitised)
{
    char out[SD_ATTACHMENT_FILENAME_MAX + 1];
    sd_attachment_filename("picture.png", out, sizeof out);
    cr_assert_str_eq(out, "picture.png");
    sd_attachment_filename("my file (1).txt", out, sizeof out);
    cr_assert_str_eq(out, "my_file__1_.txt");
    sd_attachment_filename("../../etc/passwd", out, sizeof out);
    cr_assert_eq(strchr(out, '/'), NULL);
    sd_attachment_filename("..", out, sizeof out);
    cr_assert_str_eq(out, "file");
    char longname[400];
    memset(longname, 'a', 300);
    strcpy(longname + 300, ".jpeg");
    sd_attachment_filename(longname, out, sizeof out);
    cr_assert_eq(strlen(out), SD_ATTACHMENT_FILENAME_MAX);
}

Test(attachment_schema, keys_of_a_channel_only)
{
    char key[256] = "attachments/11/22/a_b.png", id[24];
    const char *name;
    cr_assert(sd_attachment_key_of(key, "11", id, &name));
    cr_assert_str_eq(id, "22");
    cr_assert_str_eq(name, "a_b.png");
    cr_assert_not(sd_attachment_key_of(key, "1", id, &name));
    cr_assert_not(sd_attachment_key_of("attachments/11/x/a.png", "11", id, &name));
    cr_assert_not(sd_attachment_key_of("attachments/11/22/../a.png", "11", id, &name));
    cr_assert_not(sd_attachment_key_of("attachments/11/22/..", "11", id, &name));
    cr_assert_not(sd_attachment_key_of("attachments/11/22/", "11", id, &name));
    cr_assert_not(sd_attachment_key_of("avatars/11/22/a.png", "11", id, &name));
    cr_assert_not(sd_attachment_key_of(NULL, "11", id, &name));
}

Test(attachment_schema, a_record_and_its_object)
{
    sd_attachment_kind_t kind = {"image/png", 64, 48};
    json_t *r = sd_attachment_record("22", "SPOILER_pic.png", "alt", "attachments/11/22/SPOILER_pic.png",
                                     1234, &kind);
    cr_assert_str_eq(json_string_value(json_object_get(r, "filename")), "SPOILER_pic.png");
    cr_assert_str_eq(json_string_value(json_object_get(r, "title")), "SPOILER_pic");
    cr_assert_eq(json_integer_value(json_object_get(r, "flags")), SD_ATTACHMENT_IS_SPOILER);
    sd_config_t cfg = {0};
    strcpy(cfg.cdn_url, "http://cdn.test/");
    strcpy(cfg.cdn_secret, "0123456789abcdef0123456789abcdef");
    cfg.cdn_url_ttl_seconds = 60;
    json_t *a = sd_attachment_json(&cfg, r, 1000);
    const char *url = json_string_value(json_object_get(a, "url"));
    cr_assert(url && !strncmp(url, "http://cdn.test/attachments/11/22/SPOILER_pic.png?ex=", 53), "%s", url);
    cr_assert_str_eq(url, json_string_value(json_object_get(a, "proxy_url")));
    cr_assert_null(json_object_get(a, "key"), "the store key is not shown");
    cr_assert_eq(json_integer_value(json_object_get(a, "width")), 64);
    cr_assert_str_eq(json_string_value(json_object_get(a, "description")), "alt");
    char ex[17], is[17], hm[65];
    cr_assert_eq(sscanf(strchr(url, '?'), "?ex=%16[0-9a-f]&is=%16[0-9a-f]&hm=%64[0-9a-f]", ex, is, hm), 3);
    cr_assert(sd_cdn_verify(cfg.cdn_secret, "/attachments/11/22/SPOILER_pic.png", ex, is, hm, 1000));
    json_decref(a);
    json_decref(r);

    sd_attachment_kind_t bin = {"application/octet-stream", 0, 0};
    r = sd_attachment_record("23", "data.bin", NULL, "attachments/11/23/data.bin", 5, &bin);
    cfg.cdn_url[0] = '\0';
    strcpy(cfg.host, "0.0.0.0");
    cfg.port = 8080;
    a = sd_attachment_json(&cfg, r, 1000);
    cr_assert(json_is_null(json_object_get(a, "width")));
    cr_assert_null(json_object_get(a, "description"));
    cr_assert(
        !strncmp(json_string_value(json_object_get(a, "url")), "http://127.0.0.1:8080/attachments/", 34));
    json_decref(a);
    json_decref(r);
}

Test(attachment_schema, attachment_refs)
{
    json_t *errors = json_object();
    json_t *body =
        json_loads("{\"attachments\": [{\"id\": 0, \"description\": \"d\"}, {\"id\": \"123\"}]}", 0, NULL);
    json_t *refs = sd_attachment_refs_parse(body, errors, 10);
    cr_assert_eq(json_array_size(refs), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(refs, 0), "id")), "0");
    cr_assert_eq(json_object_size(errors), 0);
    json_decref(refs);
    json_decref(body);
    body = json_loads("{\"attachments\": [{\"id\": 1}, {\"id\": 1}, {\"filename\": \"x\"}]}", 0, NULL);
    cr_assert_null(sd_attachment_refs_parse(body, errors, 10));
    cr_assert(json_object_get(json_object_get(json_object_get(errors, "attachments"), "1"), "id"));
    cr_assert(json_object_get(json_object_get(json_object_get(errors, "attachments"), "2"), "id"));
    json_decref(body);
    json_decref(errors);
    errors = json_object();
    body = json_loads("{\"attachments\": [{\"id\": 1}, {\"id\": 2}]}", 0, NULL);
    cr_assert_null(sd_attachment_refs_parse(body, errors, 1));
    cr_assert(json_object_get(errors, "attachments"));
    json_decref(body);
    json_decref(errors);
}

Test(attachment_schema, presign_bodies)
{
    json_t *errors = NULL;
    json_t *body =
        json_loads("{\"files\": [{\"id\": \"7\", \"filename\": \"a.bin\", \"file_size\": 10}]}", 0, NULL);
    json_t *files = sd_attachment_presign_in_parse(body, &errors);
    cr_assert_eq(json_array_size(files), 1);
    cr_assert_null(errors);
    json_decref(files);
    json_decref(body);
    body = json_loads("{\"files\": [{\"filename\": \"a.bin\"}]}", 0, NULL);
    cr_assert_null(sd_attachment_presign_in_parse(body, &errors));
    cr_assert(json_object_get(json_object_get(json_object_get(errors, "files"), "0"), "file_size"));
    json_decref(errors);
    json_decref(body);
    body = json_loads("{\"files\": []}", 0, NULL);
    cr_assert_null(sd_attachment_presign_in_parse(body, &errors));
    json_decref(errors);
    json_decref(body);
}
