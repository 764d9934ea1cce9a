#include <criterion/criterion.h>
#include <jansson.h>

#include "schemas/guild_objects.h"

static void assert_int(const json_t *o, const char *k, json_int_t want)
{
    const json_t *v = json_object_get(o, k);
    cr_assert(json_is_integer(v), "%s is not an integer", k);
    cr_assert_eq(json_integer_value(v), want, "%s", k);
}

static void assert_null(const json_t *o, const char *k)
{
    cr_assert(json_is_null(json_object_get(o, k)), "%s is not a present null", k);
}

/* discord.js builds a ChannelFlagsBitField from flags: null made it throw on READY. */
Test(guild_objects, channel_integers_are_never_null)
{
    json_t *stored =
        json_pack("{s:s, s:s, s:i, s:s}", "id", "2", "guild_id", "1", "type", 0, "name", "general");
    json_t *c = sd_channel_json(stored);
    assert_int(c, "flags", 0);
    assert_int(c, "rate_limit_per_user", 0);
    assert_int(c, "position", 0);
    assert_null(c, "topic");
    assert_null(c, "parent_id");
    assert_null(c, "last_message_id");
    cr_assert(json_is_false(json_object_get(c, "nsfw")));
    json_decref(c);
    json_object_set_new(stored, "rate_limit_per_user", json_integer(30));
    c = sd_channel_json(stored);
    assert_int(c, "rate_limit_per_user", 30);
    json_decref(c);
    json_decref(stored);
}

Test(guild_objects, a_category_has_no_text_channel_fields)
{
    json_t *stored = json_pack("{s:s, s:s, s:i, s:s}", "id", "2", "guild_id", "1", "type", 4, "name", "cat");
    json_t *c = sd_channel_json(stored);
    assert_int(c, "flags", 0);
    cr_assert_null(json_object_get(c, "topic"));
    cr_assert_null(json_object_get(c, "rate_limit_per_user"));
    json_decref(c);
    json_decref(stored);
}

Test(guild_objects, role_has_colors_and_flags)
{
    json_t *stored = json_pack("{s:s, s:i, s:i}", "name", "mods", "color", 255, "position", 2);
    json_t *r = sd_role_json("7", stored);
    assert_int(r, "flags", 0);
    assert_int(r, "color", 255);
    json_t *colors = json_object_get(r, "colors");
    assert_int(colors, "primary_color", 255);
    assert_null(colors, "secondary_color");
    assert_null(colors, "tertiary_color");
    assert_null(r, "icon");
    cr_assert(json_is_false(json_object_get(r, "managed")));
    json_decref(r);
    json_decref(stored);
}

Test(guild_objects, guild_nullables_are_present_and_integers_set)
{
    json_t *stored = json_pack("{s:s, s:s, s:s, s:{}}", "id", "1", "name", "g", "owner_id", "3", "roles");
    json_t *g = sd_guild_json(stored);
    const char *nulls[] = {"icon",
                           "splash",
                           "discovery_splash",
                           "banner",
                           "description",
                           "afk_channel_id",
                           "system_channel_id",
                           "rules_channel_id",
                           "public_updates_channel_id",
                           "safety_alerts_channel_id",
                           "vanity_url_code",
                           "application_id"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
        assert_null(g, nulls[i]);
    const char *zeros[] = {"verification_level",
                           "default_message_notifications",
                           "explicit_content_filter",
                           "mfa_level",
                           "nsfw_level",
                           "premium_tier",
                           "system_channel_flags",
                           "member_count"};
    for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
        assert_int(g, zeros[i], 0);
    assert_int(g, "afk_timeout", 300);
    json_decref(g);
    json_decref(stored);
}

Test(guild_objects, member_carries_its_timeout_and_nullables)
{
    json_t *guild = json_pack("{s:{s:{}}}", "roles", "5");
    json_t *stored = json_pack("{s:s, s:[s, s], s:s, s:s}", "user_id", "3", "roles", "5", "6", "joined_at",
                               "2026-01-01T00:00:00.000000+00:00", "communication_disabled_until",
                               "2026-01-02T00:00:00.000000+00:00");
    json_t *m = sd_member_json(stored, NULL, guild);
    cr_assert_str_eq(json_string_value(json_object_get(m, "communication_disabled_until")),
                     "2026-01-02T00:00:00.000000+00:00");
    cr_assert_eq(json_array_size(json_object_get(m, "roles")), 1, "a deleted role is left out");
    assert_null(m, "nick");
    assert_null(m, "avatar");
    assert_null(m, "premium_since");
    assert_int(m, "flags", 0);
    cr_assert_null(json_object_get(m, "user"));
    json_decref(m);
    json_object_del(stored, "communication_disabled_until");
    m = sd_member_json(stored, NULL, guild);
    assert_null(m, "communication_disabled_until");
    json_decref(m);
    json_decref(stored);
    json_decref(guild);
}

Test(guild_objects, invite_guild_and_times)
{
    json_t *guild = json_pack("{s:s, s:s, s:i}", "id", "1", "name", "g", "member_count", 4);
    json_t *invite =
        json_pack("{s:s, s:i, s:i, s:i, s:b, s:s}", "code", "abc", "uses", 1, "max_uses", 0, "max_age", 0,
                  "temporary", 0, "created_at", "2026-01-01T00:00:00.000000+00:00");
    json_t *inv = sd_invite_json(invite, guild, NULL, NULL);
    assert_null(inv, "expires_at");
    assert_null(inv, "channel");
    json_t *g = json_object_get(inv, "guild");
    assert_null(g, "splash");
    assert_null(g, "banner");
    assert_null(g, "description");
    assert_int(g, "nsfw_level", 0);
    assert_int(inv, "approximate_member_count", 4);
    json_decref(inv);
    json_decref(invite);
    json_decref(guild);
}
