#include <criterion/criterion.h>
#include <string.h>

#include "schemas/guild_settings_schema.h"

/* The first error code at errors[a][b]... (path NULL-terminated). */
static const char *code_at(const json_t *errors, const char *a, const char *b, const char *c)
{
    const json_t *node = json_object_get(errors, a);
    if (b) node = json_object_get(node, b);
    if (c) node = json_object_get(node, c);
    return json_string_value(json_object_get(json_array_get(json_object_get(node, "_errors"), 0), "code"));
}

static json_t *parse(const char *text, json_t **errors)
{
    json_t *body = json_loads(text, 0, NULL);
    cr_assert_not_null(body, "%s", text);
    json_t *out = sd_guild_settings_in_parse(body, errors);
    json_decref(body);
    return out;
}

Test(guild_settings_schema, parses_discords_patch_body)
{
    json_t *errors = NULL;
    json_t *in =
        parse("{\"muted\": true, \"mute_config\": {\"end_time\": \"2030-01-02T03:04:05Z\","
              " \"selected_time_window\": 3600}, \"message_notifications\": \"1\", \"suppress_roles\": true,"
              " \"flags\": 0, \"unknown\": 1, \"channel_overrides\": {\"123\": {\"muted\": false,"
              " \"message_notifications\": 3, \"collapsed\": true}}}",
              &errors);
    cr_assert_null(errors);
    cr_assert(json_is_true(json_object_get(in, "muted")));
    cr_assert_eq(json_integer_value(json_object_get(in, "message_notifications")), 1);
    cr_assert_null(json_object_get(in, "unknown"), "fields Discord does not know are left out");
    json_t *config = json_object_get(in, "mute_config");
    cr_assert_eq(json_integer_value(json_object_get(config, "selected_time_window")), 3600);
    cr_assert(!strncmp(json_string_value(json_object_get(config, "end_time")), "2030-01-02T03:04:05", 19));
    json_t *ov = json_object_get(json_object_get(in, "channel_overrides"), "123");
    cr_assert(json_is_true(json_object_get(ov, "collapsed")));
    json_decref(in);
}

Test(guild_settings_schema, refuses_with_discords_field_errors)
{
    json_t *errors = NULL;
    cr_assert_null(
        parse("{\"muted\": 2, \"message_notifications\": 4, \"mute_config\": [],"
              " \"channel_overrides\": {\"x\": {}, \"5\": {\"message_notifications\": -1}, \"6\": 1}}",
              &errors));
    cr_assert_str_eq(code_at(errors, "muted", NULL, NULL), "BASE_TYPE_BOOLEAN");
    cr_assert_str_eq(code_at(errors, "message_notifications", NULL, NULL), "BASE_TYPE_CHOICES");
    cr_assert_str_eq(code_at(errors, "mute_config", NULL, NULL), "DICT_TYPE_CONVERT");
    cr_assert_str_eq(code_at(errors, "channel_overrides", "x", NULL), "NUMBER_TYPE_COERCE");
    cr_assert_str_eq(code_at(errors, "channel_overrides", "5", "message_notifications"), "BASE_TYPE_CHOICES");
    cr_assert_str_eq(code_at(errors, "channel_overrides", "6", NULL), "DICT_TYPE_CONVERT");
    json_decref(errors);
    cr_assert_null(parse("[1]", &errors));
    cr_assert_str_eq(code_at(errors, "_root", NULL, NULL), "DICT_TYPE_CONVERT");
    json_decref(errors);
    cr_assert_null(parse("{\"mute_config\": {\"selected_time_window\": -2, \"end_time\": 5}}", &errors));
    cr_assert_not_null(code_at(errors, "mute_config", "selected_time_window", NULL));
    cr_assert_not_null(code_at(errors, "mute_config", "end_time", NULL));
    json_decref(errors);
}

Test(guild_settings_schema, bounds_the_overrides)
{
    json_t *body = json_object(), *overrides = json_object();
    for (int i = 0; i <= SD_GUILD_SETTINGS_OVERRIDES_MAX; i++) {
        char id[24];
        snprintf(id, sizeof id, "%d", 1000 + i);
        json_object_set_new(overrides, id, json_object());
    }
    json_object_set_new(body, "channel_overrides", overrides);
    json_t *errors = NULL;
    cr_assert_null(sd_guild_settings_in_parse(body, &errors));
    cr_assert_str_eq(code_at(errors, "channel_overrides", NULL, NULL), "BASE_TYPE_BAD_LENGTH");
    json_decref(errors);
    json_decref(body);
}

Test(guild_settings_schema, merges_over_the_stored_item_and_shows_discords_object)
{
    json_t *errors = NULL;
    json_t *first =
        parse("{\"message_notifications\": 1, \"channel_overrides\": {\"7\": {\"muted\": true}}}", &errors);
    json_t *item = sd_guild_settings_merge(NULL, first, "42", "99");
    cr_assert_eq(json_integer_value(json_object_get(item, "version")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(item, "user_id")), "42");
    json_t *second =
        parse("{\"muted\": true, \"channel_overrides\": {\"7\": {\"collapsed\": true}}}", &errors);
    json_t *next = sd_guild_settings_merge(item, second, "42", "99");
    json_t *shown = sd_guild_settings_json(next);
    cr_assert_eq(json_integer_value(json_object_get(shown, "version")), 2);
    cr_assert_eq(json_integer_value(json_object_get(shown, "message_notifications")), 1);
    cr_assert(json_is_true(json_object_get(shown, "muted")));
    cr_assert(json_is_true(json_object_get(shown, "mobile_push")), "defaults fill what was never set");
    cr_assert_null(json_object_get(shown, "user_id"));
    cr_assert_str_eq(json_string_value(json_object_get(shown, "guild_id")), "99");
    json_t *list = json_object_get(shown, "channel_overrides");
    cr_assert_eq(json_array_size(list), 1);
    json_t *ov = json_array_get(list, 0);
    cr_assert_str_eq(json_string_value(json_object_get(ov, "channel_id")), "7");
    cr_assert(json_is_true(json_object_get(ov, "muted")) && json_is_true(json_object_get(ov, "collapsed")));
    cr_assert_eq(json_integer_value(json_object_get(ov, "message_notifications")), SD_NOTIFY_DEFAULT);
    json_t *dms = sd_guild_settings_merge(NULL, second, "42", SD_GUILD_SETTINGS_DMS);
    json_t *dms_shown = sd_guild_settings_json(dms);
    cr_assert(json_is_null(json_object_get(dms_shown, "guild_id")));
    json_decref(dms_shown);
    json_decref(dms);
    json_decref(shown);
    json_decref(next);
    json_decref(item);
    json_decref(first);
    json_decref(second);
}
