#include <criterion/criterion.h>
#include <jansson.h>

#include "services/gateway_service.h"

/* A guild of two members, 1 (the owner) and 2, with one text channel everybody sees. */
static json_t *state(void)
{
    return json_pack("{s:{s:s, s:s, s:s, s:i, s:{s:{s:s, s:s}}}, s:{s:{s:s, s:s, s:i, s:s}}, "
                     "s:{s:{s:s, s:s, s:[], s:s}}}",
                     "guild", "id", "9", "name", "g", "owner_id", "1", "member_count", 2, "roles", "9",
                     "name", "@everyone", "permissions", "1024", "channels", "5", "id", "5", "guild_id", "9",
                     "type", 0, "name", "general", "members", "2", "guild_id", "9", "user_id", "2", "roles",
                     "joined_at", "2026-01-01T00:00:00.000000+00:00");
}

Test(gateway_service, a_small_guild_lists_its_roster_and_their_presences)
{
    json_t *st = state(), *user = json_pack("{s:s}", "id", "2");
    json_t *roster = json_pack("[{s:{s:s}, s:[]}, {s:{s:s}, s:[]}]", "user", "id", "1", "roles", "user", "id",
                               "2", "roles");
    json_t *presences = json_pack("{s:{s:s, s:[{s:s, s:i}]}, s:{s:s}}", "1", "status", "online", "activities",
                                  "name", "chess", "type", 0, "3", "status", "idle");
    json_t *gc = sd_gateway_service_guild_create(st, "2", user, roster, false, presences);
    cr_assert(json_is_false(json_object_get(gc, "large")));
    cr_assert_eq(json_array_size(json_object_get(gc, "members")), 2);
    json_t *shown = json_object_get(gc, "presences");
    cr_assert_eq(json_array_size(shown), 1, "only members' presences");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(json_array_get(shown, 0), "user"), "id")), "1");
    json_t *activity = json_array_get(json_object_get(json_array_get(shown, 0), "activities"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(activity, "name")), "chess");
    cr_assert_str_eq(json_string_value(json_object_get(gc, "joined_at")), "2026-01-01T00:00:00.000000+00:00");
    const char *empty[] = {"threads",           "voice_states", "stage_instances", "guild_scheduled_events",
                           "soundboard_sounds", "emojis",       "stickers"}; /* the state holds no emoji */
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
        cr_assert(json_is_array(json_object_get(gc, empty[i])) &&
                      !json_array_size(json_object_get(gc, empty[i])),
                  "%s", empty[i]);
    cr_assert_eq(json_array_size(json_object_get(gc, "channels")), 1);
    json_decref(gc);
    json_decref(presences);
    json_decref(roster);
    json_decref(user);
    json_decref(st);
}

Test(gateway_service, a_large_guild_lists_only_the_session_user)
{
    json_t *st = state(), *user = json_pack("{s:s}", "id", "2");
    json_t *gc = sd_gateway_service_guild_create(st, "2", user, NULL, true, NULL);
    cr_assert(json_is_true(json_object_get(gc, "large")));
    json_t *members = json_object_get(gc, "members");
    cr_assert_eq(json_array_size(members), 1);
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(json_array_get(members, 0), "user"), "id")), "2");
    cr_assert_eq(json_array_size(json_object_get(gc, "presences")), 0);
    json_decref(gc);
    json_decref(user);
    json_decref(st);
}

/* The emoji live in their own table: GUILD_CREATE shows those the state loaded with them. */
Test(gateway_service, guild_create_lists_the_states_emoji)
{
    json_t *st = state(), *user = json_pack("{s:s}", "id", "2");
    json_object_set_new(st, "emojis", json_pack("[{s:s, s:s}]", "id", "77", "name", "blob"));
    json_t *gc = sd_gateway_service_guild_create(st, "2", user, NULL, false, NULL);
    json_t *emojis = json_object_get(gc, "emojis");
    cr_assert_eq(json_array_size(emojis), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(emojis, 0), "name")), "blob");
    json_decref(gc);
    json_decref(user);
    json_decref(st);
}
