#include <criterion/criterion.h>
#include <jansson.h>

#include "schemas/emoji_schema.h"
#include "schemas/message_schema.h"

static bool has_error(const json_t *errors, const char *field, const char *code)
{
    json_t *list = json_object_get(json_object_get(errors, field), "_errors");
    const char *got = json_string_value(json_object_get(json_array_get(list, 0), "code"));
    return got && !strcmp(got, code);
}

Test(emoji_schema, names_are_two_to_thirty_two_of_letters_digits_and_underscores)
{
    cr_assert(sd_emoji_name_valid("ok"));
    cr_assert(sd_emoji_name_valid("Blob_42"));
    cr_assert(sd_emoji_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
    cr_assert_not(sd_emoji_name_valid("x"));
    cr_assert_not(sd_emoji_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
    cr_assert_not(sd_emoji_name_valid("has space"));
    cr_assert_not(sd_emoji_name_valid("colon:"));
    cr_assert_not(sd_emoji_name_valid("\xc3\xa9t\xc3\xa9"));
    cr_assert_not(sd_emoji_name_valid(NULL));
}

Test(emoji_schema, a_create_needs_a_name_and_a_data_uri)
{
    json_t *errors = NULL;
    json_t *body = json_pack("{s:s, s:s, s:[s, i]}", "name", "blob", "image", "data:image/png;base64,AAAA",
                             "roles", "12", 34);
    json_t *in = sd_emoji_in_parse(body, true, &errors);
    cr_assert(in && !errors);
    cr_assert_str_eq(json_string_value(json_object_get(in, "name")), "blob");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(in, "roles"), 1)), "34");
    json_decref(in);
    json_decref(body);

    body = json_pack("{s:s, s:s}", "name", "b l", "image", "https://example.com/x.png");
    cr_assert_null(sd_emoji_in_parse(body, true, &errors));
    cr_assert(has_error(errors, "name", "STRING_TYPE_REGEX"));
    cr_assert(has_error(errors, "image", "IMAGE_INVALID"));
    json_decref(errors);
    json_decref(body);

    body = json_object();
    cr_assert_null(sd_emoji_in_parse(body, true, &errors));
    cr_assert(has_error(errors, "name", "BASE_TYPE_REQUIRED") &&
              has_error(errors, "image", "BASE_TYPE_REQUIRED"));
    json_decref(errors);
    json_decref(body);

    body = json_array();
    cr_assert_null(sd_emoji_in_parse(body, true, &errors));
    cr_assert(has_error(errors, "_root", "DICT_TYPE_CONVERT"));
    json_decref(errors);
    json_decref(body);
}

Test(emoji_schema, a_modify_takes_name_and_roles_and_ignores_the_image)
{
    json_t *errors = NULL;
    json_t *body = json_pack("{s:s, s:n}", "image", "data:image/png;base64,AAAA", "roles");
    json_t *in = sd_emoji_in_parse(body, false, &errors);
    cr_assert(in && !errors);
    cr_assert_null(json_object_get(in, "image"));
    cr_assert_null(json_object_get(in, "name"));
    cr_assert(json_is_array(json_object_get(in, "roles")) && !json_array_size(json_object_get(in, "roles")));
    json_decref(in);
    json_decref(body);
}

Test(emoji_schema, the_object_is_discords_with_the_creator_when_given)
{
    json_t *stored = json_pack("{s:s, s:s, s:s, s:[s], s:s, s:b}", "guild_id", "1", "emoji_id", "2", "name",
                               "blob", "roles", "3", "user_id", "4", "animated", 1);
    json_t *user = json_pack("{s:s}", "id", "4");
    json_t *e = sd_emoji_object_json(stored, user);
    cr_assert_str_eq(json_string_value(json_object_get(e, "id")), "2");
    cr_assert_str_eq(json_string_value(json_object_get(e, "name")), "blob");
    cr_assert(json_is_true(json_object_get(e, "animated")) && json_is_true(json_object_get(e, "available")));
    cr_assert(json_is_true(json_object_get(e, "require_colons")) &&
              json_is_false(json_object_get(e, "managed")));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "user"), "id")), "4");
    cr_assert_null(json_object_get(e, "guild_id"));
    json_decref(e);
    json_t *list = json_pack("[O]", stored);
    json_t *plain = sd_emojis_json(list, NULL);
    cr_assert_null(json_object_get(json_array_get(plain, 0), "user"));
    json_decref(plain);
    json_decref(list);
    json_decref(user);
    json_decref(stored);
}

Test(emoji_schema, a_reaction_names_a_custom_emoji_as_name_id_a_name_id_or_the_id)
{
    char id[SD_FIELD_ID_SIZE];
    cr_assert(sd_emoji_custom_ref("blob:123", id) && !strcmp(id, "123"));
    cr_assert(sd_emoji_custom_ref("a:party:456", id) && !strcmp(id, "456"));
    cr_assert(sd_emoji_custom_ref(":789", id) && !strcmp(id, "789"));
    cr_assert(sd_emoji_custom_ref("101112", id) && !strcmp(id, "101112"));
    cr_assert_not(sd_emoji_custom_ref("\xf0\x9f\x91\x8d", id));
    cr_assert_not(sd_emoji_custom_ref("#\xef\xb8\x8f\xe2\x83\xa3", id));
    cr_assert_not(sd_emoji_custom_ref("blob:", id));
    cr_assert_not(sd_emoji_custom_ref("bad name:1", id));
    cr_assert_not(sd_emoji_custom_ref("blob:123456789012345678901", id), "past 20 digits");
    cr_assert_not(sd_emoji_custom_ref(NULL, id));
}

Test(emoji_schema, reaction_keys_carry_the_animated_prefix_and_read_back)
{
    char key[SD_EMOJI_KEY_SIZE];
    json_t *stored = json_pack("{s:s, s:s, s:b}", "emoji_id", "42", "name", "party", "animated", 1);
    sd_emoji_reaction_key(stored, key, sizeof key);
    cr_assert_str_eq(key, "a:party:42");
    json_t *e = sd_emoji_json(key);
    cr_assert_str_eq(json_string_value(json_object_get(e, "name")), "party");
    cr_assert_str_eq(json_string_value(json_object_get(e, "id")), "42");
    cr_assert(json_is_true(json_object_get(e, "animated")));
    json_decref(e);
    json_object_set_new(stored, "animated", json_false());
    sd_emoji_reaction_key(stored, key, sizeof key);
    cr_assert_str_eq(key, "party:42");
    e = sd_emoji_json(key);
    cr_assert(json_is_false(json_object_get(e, "animated")));
    cr_assert_str_eq(json_string_value(json_object_get(e, "name")), "party");
    json_decref(e);
    json_decref(stored);
}
