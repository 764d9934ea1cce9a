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
