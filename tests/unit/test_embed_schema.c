#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "schemas/embed_schema.h"

/* The first error code at a dotted path of a form-errors object, or NULL. */
static const char *code_at(const json_t *errors, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *node = errors;
    for (char *save = NULL, *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save))
        node = json_object_get(node, seg);
    return json_string_value(json_object_get(json_array_get(json_object_get(node, "_errors"), 0), "code"));
}

static json_t *parse(const char *text, json_t **errors)
{
    json_t *body = json_loads(text, 0, NULL);
    cr_assert_not_null(body, "%s", text);
    *errors = json_object();
    json_t *out = NULL;
    cr_assert(sd_embeds_parse(body, *errors, &out));
    json_decref(body);
    return out;
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

Test(embed_schema, absent_embeds_are_not_read)
{
    json_t *body = json_pack("{s:s}", "content", "x"), *errors = json_object(), *out = NULL;
    cr_assert_not(sd_embeds_parse(body, errors, &out));
    cr_assert_null(out);
    json_decref(body);
    json_decref(errors);
}

Test(embed_schema, every_field_is_kept_in_its_stored_shape)
{
    json_t *errors;
    json_t *out =
        parse("{\"embeds\": [{\"title\": \"t\", \"description\": \"d\", \"url\": \"https://a.example/x\","
              " \"timestamp\": \"2026-01-02T03:04:05.000Z\", \"color\": 16777215,"
              " \"footer\": {\"text\": \"f\", \"icon_url\": \"https://a.example/f.png\"},"
              " \"image\": {\"url\": \"attachment://p.png\", \"width\": 9},"
              " \"thumbnail\": {\"url\": \"http://a.example/t.png\"},"
              " \"video\": {\"url\": \"https://a.example/v.mp4\"},"
              " \"provider\": {\"name\": \"P\", \"url\": \"https://p.example\"},"
              " \"author\": {\"name\": \"A\", \"url\": \"https://a.example\", \"icon_url\": "
              "\"attachment://i.png\"},"
              " \"fields\": [{\"name\": \"n\", \"value\": \"v\", \"inline\": true}, {\"name\": \"m\", "
              "\"value\": \"w\"}],"
              " \"unknown\": 1}]}",
              &errors);
    cr_assert_not_null(out, "%s", json_dumps(errors, 0));
    json_t *e = json_array_get(out, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e, "type")), "rich");
    cr_assert_str_eq(json_string_value(json_object_get(e, "timestamp")), "2026-01-02T03:04:05.000Z");
    cr_assert_eq(json_integer_value(json_object_get(e, "color")), 0xFFFFFF);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "image"), "url")),
                     "attachment://p.png");
    cr_assert_null(json_object_get(json_object_get(e, "image"), "width"), "sizes are the server's to know");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "provider"), "name")), "P");
    cr_assert_null(json_object_get(e, "unknown"));
    json_t *fields = json_object_get(e, "fields");
    cr_assert_eq(json_array_size(fields), 2);
    cr_assert(json_is_true(json_object_get(json_array_get(fields, 0), "inline")));
    cr_assert(json_is_false(json_object_get(json_array_get(fields, 1), "inline")));
    cr_assert_eq(sd_embeds_size(out), 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    json_decref(out);
    json_decref(errors);
}

Test(embed_schema, the_legacy_embed_is_one_embed_with_errors_under_embed)
{
    json_t *errors;
    json_t *out = parse("{\"embed\": {\"title\": \"t\"}}", &errors);
    cr_assert_eq(json_array_size(out), 1);
    json_decref(out);
    json_decref(errors);
    out = parse("{\"embed\": {\"color\": \"red\"}}", &errors);
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embed.color"), "NUMBER_TYPE_COERCE");
    json_decref(errors);
}

Test(embed_schema, null_embeds_are_none)
{
    json_t *errors;
    json_t *out = parse("{\"embeds\": null}", &errors);
    cr_assert(json_is_array(out) && json_array_size(out) == 0);
    json_decref(out);
    json_decref(errors);
}

Test(embed_schema, eleven_embeds_are_refused)
{
    json_t *body = json_object(), *list = json_array();
    for (int i = 0; i < 11; i++)
        json_array_append_new(list, json_pack("{s:s}", "title", "t"));
    json_object_set_new(body, "embeds", list);
    json_t *errors = json_object(), *out = NULL;
    cr_assert(sd_embeds_parse(body, errors, &out));
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds"), "BASE_TYPE_MAX_LENGTH");
    json_array_remove(list, 0);
    json_decref(errors);
    errors = json_object();
    cr_assert(sd_embeds_parse(body, errors, &out));
    cr_assert_eq(json_array_size(out), 10);
    json_decref(out);
    json_decref(errors);
    json_decref(body);
}

/* Each limit, one code point over it, and the path Discord names. */
Test(embed_schema, every_length_limit_has_its_path)
{
    static const struct {
        const char *fmt, *path;
        size_t max;
    } cases[] = {
        {"{\"embeds\": [{\"title\": \"%s\"}]}", "embeds.0.title", 256},
        {"{\"embeds\": [{\"description\": \"%s\"}]}", "embeds.0.description", 4096},
        {"{\"embeds\": [{}, {\"footer\": {\"text\": \"%s\"}}]}", "embeds.1.footer.text", 2048},
        {"{\"embeds\": [{\"author\": {\"name\": \"%s\"}}]}", "embeds.0.author.name", 256},
        {"{\"embeds\": [{\"fields\": [{\"name\": \"a\", \"value\": \"b\"}, {\"name\": \"%s\", \"value\": "
         "\"b\"}]}]}",
         "embeds.0.fields.1.name", 256},
        {"{\"embeds\": [{\"fields\": [{\"name\": \"a\", \"value\": \"b\"}, {}, {}, {\"name\": \"a\", "
         "\"value\": \"%s\"}]}]}",
         "embeds.0.fields.3.value", 1024},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (size_t n = cases[i].max; n <= cases[i].max + 1; n++) {
            char *v = repeat('x', n);
            char *text = malloc(strlen(cases[i].fmt) + n + 1);
            sprintf(text, cases[i].fmt, v);
            json_t *errors;
            json_t *out = parse(text, &errors);
            if (n > cases[i].max) {
                cr_assert_null(out, "%s", cases[i].path);
                cr_assert_str_eq(code_at(errors, cases[i].path), "BASE_TYPE_MAX_LENGTH", "%s", cases[i].path);
            } else if (!strstr(cases[i].path, "fields.3")) {
                cr_assert_not_null(out, "%s at its limit: %s", cases[i].path, json_dumps(errors, 0));
            }
            json_decref(out);
            json_decref(errors);
            free(v);
            free(text);
        }
    }
}

Test(embed_schema, lengths_are_code_points)
{
    json_t *body = json_object(), *errors = json_object(), *out = NULL;
    json_t *e = json_object();
    char title[256 * 2 + 1] = "";
    for (int i = 0; i < 256; i++)
        strcat(title, "\xc3\xa9");
    json_object_set_new(e, "title", json_string(title));
    json_object_set_new(body, "embeds", json_pack("[o]", e));
    cr_assert(sd_embeds_parse(body, errors, &out));
    cr_assert_not_null(out);
    cr_assert_eq(sd_embeds_size(out), 256);
    json_decref(out);
    json_decref(errors);
    json_decref(body);
}

Test(embed_schema, fields_over_25_and_missing_parts)
{
    json_t *body = json_object(), *fields = json_array();
    for (int i = 0; i < 26; i++)
        json_array_append_new(fields, json_pack("{s:s, s:s}", "name", "n", "value", "v"));
    json_object_set_new(body, "embeds", json_pack("[{s:o}]", "fields", fields));
    json_t *errors = json_object(), *out = NULL;
    sd_embeds_parse(body, errors, &out);
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds.0.fields"), "BASE_TYPE_MAX_LENGTH");
    json_decref(errors);
    json_decref(body);

    out = parse(
        "{\"embeds\": [{\"fields\": [{\"name\": \"n\"}, 3, {\"value\": \"\", \"name\": \"x\", \"inline\": "
        "5}],"
        " \"footer\": {}, \"author\": {\"url\": \"https://a.example\"}, \"image\": {}, \"thumbnail\": 4}]}",
        &errors);
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds.0.fields.0.value"), "BASE_TYPE_REQUIRED");
    cr_assert_str_eq(code_at(errors, "embeds.0.fields.1"), "DICT_TYPE_CONVERT");
    cr_assert_str_eq(code_at(errors, "embeds.0.fields.2.value"), "BASE_TYPE_REQUIRED");
    cr_assert_str_eq(code_at(errors, "embeds.0.fields.2.inline"), "BASE_TYPE_BOOLEAN");
    cr_assert_str_eq(code_at(errors, "embeds.0.footer.text"), "BASE_TYPE_REQUIRED");
    cr_assert_str_eq(code_at(errors, "embeds.0.author.name"), "BASE_TYPE_REQUIRED");
    cr_assert_str_eq(code_at(errors, "embeds.0.image.url"), "BASE_TYPE_REQUIRED");
    cr_assert_str_eq(code_at(errors, "embeds.0.thumbnail"), "DICT_TYPE_CONVERT");
    json_decref(errors);
}

Test(embed_schema, six_thousand_characters_in_all)
{
    char *d = repeat('d', 4096), *f = repeat('f', 1000);
    json_t *body = json_pack("{s:[{s:s}, {s:[{s:s, s:s}, {s:s, s:s}]}]}", "embeds", "description", d,
                             "fields", "name", "n", "value", f, "name", "n", "value", f);
    json_t *errors = json_object(), *out = NULL;
    sd_embeds_parse(body, errors, &out); /* 4096 + 2 * 1001 = 6098 */
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds"), "MAX_EMBED_SIZE_EXCEEDED");
    json_decref(errors);
    json_decref(body);
    body = json_pack("{s:[{s:s}, {s:[{s:s, s:s}]}]}", "embeds", "description", d, "fields", "name", "n",
                     "value", f);
    errors = json_object();
    sd_embeds_parse(body, errors, &out);
    cr_assert_not_null(out);
    cr_assert_eq(sd_embeds_size(out), 4096 + 1001);
    json_decref(out);
    json_decref(errors);
    json_decref(body);
    free(d);
    free(f);
}

Test(embed_schema, urls_colors_timestamps_and_types)
{
    json_t *errors;
    json_t *out =
        parse("{\"embeds\": [{\"url\": \"ftp://a.example\", \"color\": 16777216,"
              " \"timestamp\": \"yesterday\", \"image\": {\"url\": \"not a url\"},"
              " \"thumbnail\": {\"url\": \"https://\"}, \"author\": {\"name\": \"a\", \"url\": "
              "\"attachment://x.png\"},"
              " \"footer\": {\"text\": \"t\", \"icon_url\": 5}, \"title\": 7}, {\"color\": -1}, 4]}",
              &errors);
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds.0.url"), "URL_TYPE_INVALID_SCHEME");
    cr_assert_str_eq(code_at(errors, "embeds.0.color"), "NUMBER_TYPE_MAX");
    cr_assert_str_eq(code_at(errors, "embeds.0.timestamp"), "DATE_TYPE_PARSE");
    cr_assert_str_eq(code_at(errors, "embeds.0.image.url"), "URL_TYPE_INVALID_URL");
    cr_assert_str_eq(code_at(errors, "embeds.0.thumbnail.url"), "URL_TYPE_INVALID_URL");
    cr_assert_str_eq(code_at(errors, "embeds.0.author.url"), "URL_TYPE_INVALID_SCHEME",
                     "an author's link is no attachment");
    cr_assert_str_eq(code_at(errors, "embeds.0.footer.icon_url"), "BASE_TYPE_STRING");
    cr_assert_str_eq(code_at(errors, "embeds.0.title"), "BASE_TYPE_STRING");
    cr_assert_str_eq(code_at(errors, "embeds.1.color"), "NUMBER_TYPE_MIN");
    cr_assert_str_eq(code_at(errors, "embeds.2"), "DICT_TYPE_CONVERT");
    json_decref(errors);

    char *long_url = repeat('a', SD_EMBED_URL_MAX);
    memcpy(long_url, "https://", 8);
    json_t *body = json_pack("{s:[{s:s}]}", "embeds", "url", long_url);
    errors = json_object();
    sd_embeds_parse(body, errors, &out);
    cr_assert_not_null(out, "2048 bytes is the limit");
    json_decref(out);
    json_decref(body);
    json_decref(errors);
    free(long_url);

    out = parse("{\"embeds\": \"x\"}", &errors);
    cr_assert_null(out);
    cr_assert_str_eq(code_at(errors, "embeds"), "LIST_TYPE_CONVERT");
    json_decref(errors);

    out = parse("{\"embeds\": [{\"type\": \"article\"}, {\"type\": \"whatever\"}]}", &errors);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 0), "type")), "article");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 1), "type")), "rich");
    json_decref(out);
    json_decref(errors);
}

Test(embed_schema, url_validity)
{
    cr_assert(sd_embed_url_valid("https://a.example", false));
    cr_assert(sd_embed_url_valid("HTTP://user@a.example:80/p?q#f", false));
    cr_assert_not(sd_embed_url_valid("attachment://a.png", false));
    cr_assert(sd_embed_url_valid("attachment://a.png", true));
    cr_assert_not(sd_embed_url_valid("attachment://", true));
    cr_assert_not(sd_embed_url_valid("attachment://a/b.png", true));
    cr_assert_not(sd_embed_url_valid("https://a.example/\x01", false));
    cr_assert_not(sd_embed_url_valid("https://:80/", false));
    cr_assert_not(sd_embed_url_valid("javascript:alert(1)", false));
    cr_assert_not(sd_embed_url_valid("//a.example", false));
}

Test(embed_schema, output_has_proxy_urls_and_attachment_references_resolve)
{
    json_t *stored =
        json_loads("[{\"type\": \"rich\", \"image\": {\"url\": \"attachment://p.png\"},"
                   " \"thumbnail\": {\"url\": \"https://a.example/t.png\"},"
                   " \"author\": {\"name\": \"a\", \"icon_url\": \"attachment://p.png\"},"
                   " \"footer\": {\"text\": \"f\", \"icon_url\": \"attachment://gone.png\"}}, {}]",
                   0, NULL);
    json_t *out = sd_embeds_json(stored);
    cr_assert_eq(json_array_size(out), 2);
    json_t *e = json_array_get(out, 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "thumbnail"), "proxy_url")),
                     "https://a.example/t.png");
    cr_assert_null(json_object_get(json_object_get(e, "image"), "proxy_url"));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 1), "type")), "rich");
    json_t *atts =
        json_loads("[{\"filename\": \"p.png\", \"url\": \"https://cdn/attachments/1/2/p.png?ex=1\","
                   " \"proxy_url\": \"https://media/attachments/1/2/p.png?ex=1\", \"width\": 64,"
                   " \"height\": 48, \"content_type\": \"image/png\"}]",
                   0, NULL);
    sd_embeds_render(out, atts);
    json_t *image = json_object_get(e, "image");
    cr_assert_str_eq(json_string_value(json_object_get(image, "url")),
                     "https://cdn/attachments/1/2/p.png?ex=1");
    cr_assert_str_eq(json_string_value(json_object_get(image, "proxy_url")),
                     "https://media/attachments/1/2/p.png?ex=1");
    cr_assert_eq(json_integer_value(json_object_get(image, "width")), 64);
    cr_assert_eq(json_integer_value(json_object_get(image, "height")), 48);
    json_t *author = json_object_get(e, "author");
    cr_assert_str_eq(json_string_value(json_object_get(author, "proxy_icon_url")),
                     "https://media/attachments/1/2/p.png?ex=1");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "footer"), "icon_url")),
                     "attachment://gone.png", "a reference to no attachment stays as it is");
    json_t *kept = json_object_get(json_object_get(json_array_get(stored, 0), "image"), "url");
    cr_assert_str_eq(json_string_value(kept), "attachment://p.png", "the stored embeds are untouched");
    json_decref(atts);
    json_decref(out);
    json_decref(stored);
}

Test(embed_schema, an_embed_of_a_colour_alone_shows_nothing)
{
    json_t *errors;
    json_t *out = parse("{\"embeds\": [{\"color\": 5}, {}]}", &errors);
    cr_assert_eq(json_array_size(out), 2);
    cr_assert_not(sd_embeds_show_anything(out));
    json_decref(out);
    json_decref(errors);
    out = parse("{\"embeds\": [{}, {\"image\": {\"url\": \"https://a.example/i.png\"}}]}", &errors);
    cr_assert(sd_embeds_show_anything(out));
    json_decref(out);
    json_decref(errors);
}
