#include "schemas/guild_objects.h"

#include <stdlib.h>
#include <string.h>

#include "schemas/guild_schema.h"

/* o[k] as a new reference, or dflt (stolen) when o has no k. */
static json_t *get_or(const json_t *o, const char *k, json_t *dflt)
{
    json_t *v = json_object_get(o, k);
    if (v) {
        json_decref(dflt);
        return json_incref(v);
    }
    return dflt;
}

/* o[k] when it is an integer, else 0: a stored item written before the field existed still answers one. */
static json_t *int_or_zero(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_integer(json_is_integer(v) ? json_integer_value(v) : 0);
}

/* o[k] when it is a string, else null. */
static json_t *string_or_null(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_incref(v) : json_null();
}

static void set_nulls(json_t *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, keys[i], json_null());
}

json_t *sd_role_json(const char *id, const json_t *role)
{
    json_t *color = int_or_zero(role, "color");
    json_t *r =
        json_pack("{s:s, s:o, s:O, s:{s:O, s:n, s:n}, s:o, s:o, s:o, s:o, s:b, s:n, s:n, s:i}", "id", id,
                  "name", get_or(role, "name", json_string("")), "color", color, "colors", "primary_color",
                  color, "secondary_color", "tertiary_color", "hoist",
                  json_boolean(json_is_true(json_object_get(role, "hoist"))), "position",
                  int_or_zero(role, "position"), "permissions", get_or(role, "permissions", json_string("0")),
                  "mentionable", json_boolean(json_is_true(json_object_get(role, "mentionable"))), "managed",
                  0, "icon", "unicode_emoji", "flags", 0);
    if (r) json_object_set_new(r, "icon", string_or_null(role, "icon")); /* a hash, or null */
    json_decref(color);
    return r;
}

static int by_position(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t px = json_integer_value(json_object_get(x, "position"));
    json_int_t py = json_integer_value(json_object_get(y, "position"));
    if (px != py) return px < py ? -1 : 1;
    const char *ix = json_string_value(json_object_get(x, "id")),
               *iy = json_string_value(json_object_get(y, "id"));
    size_t lx = strlen(ix), ly = strlen(iy);
    return lx != ly ? (lx < ly ? -1 : 1) : strcmp(ix, iy);
}

/* Sorts an array of objects by "position", then by id. */
static json_t *sorted(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items) return list;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof *items, by_position);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, items[i]);
    free(items);
    return list;
}

json_t *sd_roles_json(const json_t *guild)
{
    json_t *list = json_array();
    const char *id;
    json_t *role;
    json_object_foreach(json_object_get(guild, "roles"), id, role)
        json_array_append_new(list, sd_role_json(id, role));
    return sorted(list);
}

json_t *sd_guild_json(const json_t *guild)
{
    static const char *const nulls[] = {"splash",
                                        "discovery_splash",
                                        "afk_channel_id",
                                        "system_channel_id",
                                        "rules_channel_id",
                                        "vanity_url_code",
                                        "description",
                                        "banner",
                                        "application_id",
                                        "public_updates_channel_id",
                                        "safety_alerts_channel_id",
                                        "incidents_data"};
    static const char *const zeros[] = {"verification_level",
                                        "default_message_notifications",
                                        "explicit_content_filter",
                                        "mfa_level",
                                        "nsfw_level",
                                        "premium_tier",
                                        "premium_subscription_count",
                                        "system_channel_flags"};
    json_t *g = json_pack("{s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:[], s:[], s:[], s:i, s:s, s:b}", "id",
                          json_object_get(guild, "id"), "name", get_or(guild, "name", json_string("")),
                          "icon", string_or_null(guild, "icon"), "owner_id",
                          string_or_null(guild, "owner_id"), "roles", sd_roles_json(guild), "member_count",
                          int_or_zero(guild, "member_count"), "approximate_member_count",
                          int_or_zero(guild, "member_count"), "emojis", "features", "stickers", "afk_timeout",
                          300, "preferred_locale", "en-US", "premium_progress_bar_enabled", 0);
    if (!g) return NULL;
    set_nulls(g, nulls, sizeof nulls / sizeof *nulls);
    static const char *const images[] = {"banner", "splash", "discovery_splash"}; /* hashes, or null */
    for (size_t i = 0; i < sizeof images / sizeof *images; i++)
        json_object_set_new(g, images[i], string_or_null(guild, images[i]));
    for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
        json_object_set_new(g, zeros[i], json_integer(0));
    return g;
}

json_t *sd_guild_partial_json(const json_t *guild, bool owner, const char *permissions)
{
    return json_pack("{s:O, s:o, s:o, s:o, s:b, s:s, s:[], s:o}", "id", json_object_get(guild, "id"), "name",
                     get_or(guild, "name", json_string("")), "icon", string_or_null(guild, "icon"), "banner",
                     string_or_null(guild, "banner"), "owner", owner, "permissions", permissions, "features",
                     "approximate_member_count", int_or_zero(guild, "member_count"));
}

json_t *sd_channel_json(const json_t *channel)
{
    json_t *ows = json_array();
    const char *id;
    json_t *ow;
    json_object_foreach(json_object_get(channel, "permission_overwrites"), id, ow)
    {
        json_array_append_new(ows,
                              json_pack("{s:s, s:o, s:o, s:o}", "id", id, "type", int_or_zero(ow, "type"),
                                        "allow", get_or(ow, "allow", json_string("0")), "deny",
                                        get_or(ow, "deny", json_string("0"))));
    }
    json_t *c =
        json_pack("{s:O, s:o, s:O, s:o, s:o, s:o, s:o, s:o, s:i}", "id", json_object_get(channel, "id"),
                  "type", int_or_zero(channel, "type"), "guild_id", json_object_get(channel, "guild_id"),
                  "name", get_or(channel, "name", json_string("")), "position",
                  int_or_zero(channel, "position"), "parent_id", string_or_null(channel, "parent_id"), "nsfw",
                  json_boolean(json_is_true(json_object_get(channel, "nsfw"))), "permission_overwrites", ows,
                  "flags", 0);
    /* Categories have no topic, messages or slowmode. */
    if (c && json_integer_value(json_object_get(channel, "type")) != SD_CHANNEL_CATEGORY) {
        json_object_set_new(c, "topic", string_or_null(channel, "topic"));
        json_object_set_new(c, "last_message_id", string_or_null(channel, "last_message_id"));
        json_object_set_new(c, "rate_limit_per_user", int_or_zero(channel, "rate_limit_per_user"));
        const json_t *archive = json_object_get(channel, "default_auto_archive_duration");
        if (json_is_integer(archive)) json_object_set(c, "default_auto_archive_duration", (json_t *)archive);
    }
    return c;
}

json_t *sd_dm_channel_json(const json_t *channel, const json_t *users, const char *viewer_id)
{
    json_t *recipients = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(channel, "recipients"), i, r)
    {
        json_t *u = json_object_get(users, json_string_value(r));
        if (u && strcmp(json_string_value(r), viewer_id) != 0) json_array_append(recipients, u);
    }
    json_t *type = json_object_get(channel, "type");
    json_t *c = json_pack("{s:O, s:I, s:o, s:o, s:i}", "id", json_object_get(channel, "id"), "type",
                          json_is_integer(type) ? json_integer_value(type) : (json_int_t)SD_CHANNEL_DM,
                          "last_message_id", string_or_null(channel, "last_message_id"), "recipients",
                          recipients, "flags", 0);
    if (c && json_integer_value(type) == SD_CHANNEL_GROUP_DM) {
        json_object_set_new(c, "name", string_or_null(channel, "name"));
        json_object_set_new(c, "owner_id", string_or_null(channel, "owner_id"));
        json_object_set_new(c, "icon", json_null());
    }
    return c;
}

json_t *sd_member_json(const json_t *member, json_t *user, const json_t *guild)
{
    static const char *const nulls[] = {"avatar", "banner", "premium_since", "avatar_decoration_data"};
    /* Only roles that still exist: a deleted role may linger in a member item. */
    json_t *roles = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(member, "roles"), i, r)
    {
        if (json_object_get(json_object_get(guild, "roles"), json_string_value(r)))
            json_array_append(roles, r);
    }
    json_t *m = json_pack("{s:o, s:o, s:o, s:b, s:b, s:i, s:b, s:o}", "nick", string_or_null(member, "nick"),
                          "roles", roles, "joined_at", string_or_null(member, "joined_at"), "deaf", 0, "mute",
                          0, "flags", 0, "pending", 0, "communication_disabled_until",
                          string_or_null(member, "communication_disabled_until"));
    if (!m) return NULL;
    set_nulls(m, nulls, sizeof nulls / sizeof *nulls);
    json_object_set_new(m, "avatar", string_or_null(member, "avatar")); /* a hash, or null */
    if (user) json_object_set(m, "user", user);
    return m;
}

/* The invite's partial guild, as Discord's invite object carries it. */
static json_t *invite_guild(const json_t *guild)
{
    static const char *const nulls[] = {"splash", "banner", "description", "vanity_url_code"};
    json_t *g =
        json_pack("{s:O, s:o, s:o, s:[], s:i, s:i, s:i}", "id", json_object_get(guild, "id"), "name",
                  get_or(guild, "name", json_string("")), "icon", string_or_null(guild, "icon"), "features",
                  "verification_level", 0, "nsfw_level", 0, "premium_subscription_count", 0);
    if (g) set_nulls(g, nulls, sizeof nulls / sizeof *nulls);
    return g;
}

json_t *sd_invite_json(const json_t *invite, const json_t *guild, const json_t *channel, json_t *inviter)
{
    long long expires = json_integer_value(json_object_get(invite, "expires_at"));
    char when[SD_ISO_TIME_SIZE];
    json_t *exp = json_null();
    if (expires > 0) {
        sd_iso_time(expires * 1000, when);
        exp = json_string(when);
    }
    json_t *inv = json_pack(
        "{s:i, s:O, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "type", 0, "code",
        json_object_get(invite, "code"), "guild", guild ? invite_guild(guild) : json_null(), "channel",
        channel ? json_pack("{s:O, s:o, s:o}", "id", json_object_get(channel, "id"), "name",
                            get_or(channel, "name", json_string("")), "type", int_or_zero(channel, "type"))
                : json_null(),
        "uses", int_or_zero(invite, "uses"), "max_uses", int_or_zero(invite, "max_uses"), "max_age",
        int_or_zero(invite, "max_age"), "temporary", json_is_true(json_object_get(invite, "temporary")),
        "created_at", string_or_null(invite, "created_at"), "expires_at", exp, "approximate_member_count",
        int_or_zero(guild, "member_count"));
    if (inv && inviter) json_object_set(inv, "inviter", inviter);
    return inv;
}
