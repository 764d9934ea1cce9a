#include <criterion/criterion.h>
#include <jansson.h>

#include "schemas/message_schema.h"

Test(message_schema, mentions_are_parsed_and_filtered_by_allowed_mentions)
{
    json_t *am = json_pack("{s:[s], s:[s]}", "parse", "roles", "users", "2");
    json_t *m = sd_message_mentions("hi <@1> <@!2> <@&3> <@x> @everyone", am);
    json_t *users = json_object_get(m, "users"), *roles = json_object_get(m, "roles");
    cr_assert_eq(json_array_size(users), 1);
    cr_assert_str_eq(json_string_value(json_array_get(users, 0)), "2");
    cr_assert_eq(json_array_size(roles), 1);
    cr_assert_str_eq(json_string_value(json_array_get(roles, 0)), "3");
    cr_assert(json_is_false(json_object_get(m, "everyone")));
    json_decref(m);
    json_decref(am);
}

/* Found by tests/fuzz/fuzz_schemas (regressions/fuzz_schemas/allowed-mentions-parse-not-strings): entries
   that are not strings in allowed_mentions were handed to strcmp. */
Test(message_schema, allowed_mentions_with_entries_that_are_not_strings_allow_nothing)
{
    json_t *am = json_pack("{s:[{}, n, i], s:[i, {}]}", "parse", 5, "users", 1);
    json_t *m = sd_message_mentions("<@1> <@&2> @here", am);
    cr_assert_eq(json_array_size(json_object_get(m, "users")), 0);
    cr_assert_eq(json_array_size(json_object_get(m, "roles")), 0);
    cr_assert(json_is_false(json_object_get(m, "everyone")));
    json_decref(m);
    json_decref(am);
}

/* discord.py reads data['type'] of every reaction event: without it the bot stopped. */
Test(message_schema, reaction_events_have_type_burst_and_author)
{
    json_t *add = sd_reaction_event_json(true, "1", "2", "3", "blob:44", "9");
    cr_assert_eq(json_integer_value(json_object_get(add, "type")), 0);
    cr_assert(json_is_integer(json_object_get(add, "type")));
    cr_assert(json_is_false(json_object_get(add, "burst")));
    cr_assert_str_eq(json_string_value(json_object_get(add, "message_author_id")), "9");
    cr_assert_eq(json_array_size(json_object_get(add, "burst_colors")), 0);
    json_t *emoji = json_object_get(add, "emoji");
    cr_assert_str_eq(json_string_value(json_object_get(emoji, "id")), "44");
    cr_assert_str_eq(json_string_value(json_object_get(emoji, "name")), "blob");
    json_decref(add);
    json_t *rm = sd_reaction_event_json(false, "1", "2", "3", "\xF0\x9F\x91\x8D", "9");
    cr_assert(json_is_integer(json_object_get(rm, "type")));
    cr_assert_null(json_object_get(rm, "message_author_id"));
    cr_assert(json_is_null(json_object_get(json_object_get(rm, "emoji"), "id")));
    json_decref(rm);
}

Test(message_schema, a_guild_message_event_is_a_copy_with_guild_id_and_member)
{
    json_t *m = json_pack("{s:s, s:s}", "id", "1", "content", "hi");
    json_t *d = sd_message_event_json(m, "9", json_pack("{s:[]}", "roles"));
    cr_assert_str_eq(json_string_value(json_object_get(d, "guild_id")), "9");
    cr_assert(json_is_array(json_object_get(json_object_get(d, "member"), "roles")));
    cr_assert_str_eq(json_string_value(json_object_get(d, "content")), "hi");
    cr_assert_null(json_object_get(m, "guild_id"), "the answer itself stays as it is");
    json_decref(d);
    json_decref(m);
}

Test(message_schema, a_message_may_be_embeds_alone_but_not_nothing)
{
    json_t *errors = NULL;
    json_t *body = json_pack("{s:[{s:s}]}", "embeds", "title", "t");
    json_t *in = sd_message_in_parse(body, true, &errors);
    cr_assert_not_null(in);
    cr_assert_str_eq(json_string_value(json_object_get(in, "content")), "");
    cr_assert_eq(json_array_size(json_object_get(in, "embeds")), 1);
    json_decref(in);
    json_decref(body);
    body = json_pack("{s:s, s:[]}", "content", "", "embeds");
    cr_assert_null(sd_message_in_parse(body, true, &errors));
    cr_assert_not_null(json_object_get(errors, "content"));
    json_decref(errors);
    json_decref(body);
    body = json_pack("{s:n, s:[{s:s}]}", "content", "embeds", "title", "t");
    in = sd_message_in_parse(body, false, &errors);
    cr_assert_str_eq(json_string_value(json_object_get(in, "content")), "", "an edit may empty the content");
    json_decref(in);
    json_decref(body);
}

Test(message_schema, embed_errors_reach_the_message_errors)
{
    json_t *errors = NULL;
    json_t *body = json_pack("{s:s, s:[{s:i}]}", "content", "x", "embeds", "color", -5);
    cr_assert_null(sd_message_in_parse(body, true, &errors));
    cr_assert_not_null(json_object_get(json_object_get(json_object_get(errors, "embeds"), "0"), "color"));
    json_decref(errors);
    json_decref(body);
}

Test(message_schema, the_message_object_shows_embeds_unless_suppressed)
{
    json_t *m =
        json_loads("{\"id\": \"1\", \"channel_id\": \"2\", \"author_id\": \"3\", \"content\": \"\","
                   " \"timestamp\": \"t\", \"mention_roles\": [], \"mention_everyone\": false, \"type\": 0,"
                   " \"embeds\": [{\"type\": \"rich\", \"title\": \"a\"}],"
                   " \"link_embeds\": [{\"type\": \"link\", \"url\": \"https://a.example\"}]}",
                   0, NULL);
    json_t *users = json_object();
    json_t *out = sd_message_json(m, users, NULL);
    json_t *embeds = json_object_get(out, "embeds");
    cr_assert_eq(json_array_size(embeds), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(embeds, 1), "type")), "link");
    json_decref(out);
    json_object_set_new(m, "flags", json_integer(4));
    out = sd_message_json(m, users, NULL);
    cr_assert_eq(json_array_size(json_object_get(out, "embeds")), 0);
    json_decref(out);
    json_decref(users);
    json_decref(m);
}
