#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "schemas/fields.h"

static const char *code_of(const json_t *errors, const char *field)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(errors, field), "_errors"), 0), "code"));
}

Test(fields, ids_as_strings_or_integers_are_normalized)
{
    json_t *body = json_pack("{s:I, s:s, s:n, s:i}", "a", (json_int_t)1234567890123456789LL, "b",
                             "18446744073709551615", "c", "d", 0);
    json_t *errors = json_object();
    char id[SD_FIELD_ID_SIZE];
    cr_assert(sd_field_id(body, errors, "a", false, id));
    cr_assert_str_eq(id, "1234567890123456789");
    cr_assert(sd_field_id(body, errors, "b", false, id));
    cr_assert_str_eq(id, "18446744073709551615");
    cr_assert(sd_field_id(body, errors, "c", true, id));
    cr_assert_str_eq(id, "");
    cr_assert(sd_field_id(body, errors, "d", false, id));
    cr_assert_str_eq(id, "0");
    cr_assert_not(sd_field_id(body, errors, "absent", false, id));
    cr_assert_eq(json_object_size(errors), 0);
    json_decref(body);
    json_decref(errors);
}

Test(fields, bad_ids_get_number_type_coerce)
{
    const char *bad[] = {
        "\"18446744073709551616\"", "\"01\"", "\"\"", "\"1 \"", "-1", "1.5", "true", "[]", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[64];
        snprintf(text, sizeof text, "{\"f\": %s}", bad[i]);
        json_t *body = json_loads(text, 0, NULL), *errors = json_object();
        char id[SD_FIELD_ID_SIZE];
        cr_assert_not(sd_field_id(body, errors, "f", false, id), "%s", bad[i]);
        cr_assert_str_eq(code_of(errors, "f"), "NUMBER_TYPE_COERCE", "%s", bad[i]);
        json_decref(body);
        json_decref(errors);
    }
}

Test(fields, id_lists_name_the_bad_entry)
{
    json_t *body = json_loads("{\"ok\": [1, \"2\"], \"bad\": [\"1\", {}], \"long\": [1, 2, 3]}", 0, NULL);
    json_t *errors = json_object();
    json_t *list = sd_field_id_list(body, errors, "ok", 2);
    cr_assert_eq(json_array_size(list), 2);
    cr_assert_str_eq(json_string_value(json_array_get(list, 0)), "1");
    json_decref(list);
    cr_assert_null(sd_field_id_list(body, errors, "bad", 5));
    cr_assert_str_eq(code_of(json_object_get(errors, "bad"), "1"), "NUMBER_TYPE_COERCE");
    cr_assert_null(sd_field_id_list(body, errors, "long", 2));
    cr_assert_str_eq(code_of(errors, "long"), "BASE_TYPE_MAX_LENGTH");
    json_decref(body);
    json_decref(errors);
}

Test(fields, permissions_as_strings_or_integers_within_53_bits)
{
    json_t *body = json_pack("{s:i, s:s, s:I, s:s}", "int", 8, "str", "2048", "max",
                             (json_int_t)SD_FIELD_PERMISSIONS_MAX, "over", "9007199254740992");
    json_t *errors = json_object();
    char v[SD_FIELD_ID_SIZE];
    cr_assert(sd_field_permissions(body, errors, "int", v));
    cr_assert_str_eq(v, "8");
    cr_assert(sd_field_permissions(body, errors, "str", v));
    cr_assert_str_eq(v, "2048");
    cr_assert(sd_field_permissions(body, errors, "max", v));
    cr_assert_not(sd_field_permissions(body, errors, "over", v));
    cr_assert_str_eq(code_of(errors, "over"), "NUMBER_TYPE_MAX");
    json_decref(body);
    json_decref(errors);
}

Test(fields, ints_and_bools_from_their_string_forms)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "n", "-12", "big", "99999999999999999999", "x",
                             "1e3", "t", "true", "y", "yes");
    json_t *errors = json_object();
    long long n;
    bool b;
    cr_assert(sd_field_int(body, errors, "n", -100, 100, &n));
    cr_assert_eq(n, -12);
    cr_assert_not(sd_field_int(body, errors, "big", 0, 100, &n));
    cr_assert_not(sd_field_int(body, errors, "x", 0, 100000, &n));
    cr_assert_str_eq(code_of(errors, "x"), "NUMBER_TYPE_COERCE");
    cr_assert(sd_field_bool(body, errors, "t", &b) && b);
    cr_assert_not(sd_field_bool(body, errors, "y", &b));
    json_decref(body);
    json_decref(errors);
}

Test(fields, unsupported_fields_are_refused_unless_at_their_default)
{
    static const sd_field_unsupported_t table[] = {{"embeds", NULL}, {"afk_timeout", "300"}, {"flags", NULL}};
    json_t *ok = json_loads("{\"embeds\": [], \"afk_timeout\": 300, \"flags\": 0, \"other\": 5}", 0, NULL);
    json_t *bad = json_loads("{\"embeds\": [{}], \"afk_timeout\": 60, \"flags\": null}", 0, NULL);
    json_t *errors = json_object();
    sd_field_unsupported(ok, errors, table, 3);
    cr_assert_eq(json_object_size(errors), 0);
    sd_field_unsupported(bad, errors, table, 3);
    cr_assert_str_eq(code_of(errors, "embeds"), "UNSUPPORTED_FIELD");
    cr_assert_str_eq(code_of(errors, "afk_timeout"), "UNSUPPORTED_FIELD");
    cr_assert_null(json_object_get(errors, "flags"));
    json_decref(ok);
    json_decref(bad);
    json_decref(errors);
}
