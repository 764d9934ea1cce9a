#include "schemas/guild_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "schemas/fields.h"
#include "schemas/timestamp.h"

static json_t *done(json_t *out, json_t *errors, json_t **errors_out)
{
    *errors_out = sd_field_finish(errors);
    if (*errors_out) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *not_object(json_t **errors)
{
    *errors = json_object();
    sd_form_error_add(*errors, "_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return NULL;
}

#define UNSUPPORTED(body, errors, table)                                                                     \
    sd_field_unsupported(body, errors, table, sizeof table / sizeof *table)

/* Documented fields of features the server does not have: refused by name unless left at their defaults. */
static const sd_field_unsupported_t guild_unsupported[] = {
    {"verification_level", NULL},
    {"default_message_notifications", NULL},
    {"explicit_content_filter", NULL},
    {"afk_channel_id", NULL},
    {"afk_timeout", "300"},
    {"system_channel_id", NULL},
    {"system_channel_flags", NULL},
    {"rules_channel_id", NULL},
    {"public_updates_channel_id", NULL},
    {"safety_alerts_channel_id", NULL},
    {"splash", NULL},
    {"discovery_splash", NULL},
    {"banner", NULL},
    {"description", NULL},
    {"features", NULL},
    {"preferred_locale", "\"en-US\""},
    {"premium_progress_bar_enabled", NULL},
    {"roles", NULL},
    {"channels", NULL},
};

json_t *sd_guild_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    char id[SD_FIELD_ID_SIZE];
    if (sd_field_string(body, errors, "name", 2, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create && !json_object_get(body, "name"))
        sd_field_required(errors, "name");
    if (sd_field_string(body, errors, "icon", 0, 2048, true, &s))
        json_object_set_new(out, "icon", s && *s ? json_string(s) : json_null());
    if (!create && sd_field_id(body, errors, "owner_id", false, id))
        json_object_set_new(out, "owner_id", json_string(id));
    UNSUPPORTED(body, errors, guild_unsupported);
    return done(out, errors, errors_out);
}

/* Reads a permission_overwrites array into the stored map (null: as if absent). */
static void parse_overwrites(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *list = json_object_get(body, "permission_overwrites");
    if (!list || json_is_null(list)) return;
    if (!json_is_array(list) || json_array_size(list) > 100) {
        sd_form_error_add(errors, "permission_overwrites", "BASE_TYPE_ARRAY",
                          "Must be an array of at most 100.");
        return;
    }
    json_t *map = json_object();
    size_t i;
    json_t *ow;
    json_array_foreach(list, i, ow)
    {
        json_t *e = NULL;
        json_t *parsed = sd_overwrite_in_parse(ow, &e);
        char id[SD_FIELD_ID_SIZE];
        json_t *id_errors = json_object();
        if (!sd_field_id(ow, id_errors, "id", false, id) && !json_object_size(id_errors))
            sd_field_required(id_errors, "id");
        if (e || json_object_size(id_errors)) {
            char path[64];
            snprintf(path, sizeof path, "permission_overwrites.%zu", i);
            sd_form_error_add(errors, path, "BASE_TYPE_INVALID", "Invalid permission overwrite.");
        } else {
            json_object_set_new(map, id, parsed);
            parsed = NULL;
        }
        json_decref(parsed);
        json_decref(e);
        json_decref(id_errors);
    }
    json_object_set_new(out, "permission_overwrites", map);
}

static const sd_field_unsupported_t channel_unsupported[] = {
    {"bitrate", NULL},
    {"user_limit", NULL},
    {"rtc_region", NULL},
    {"video_quality_mode", NULL},
    {"default_auto_archive_duration", NULL},
    {"default_reaction_emoji", NULL},
    {"available_tags", NULL},
    {"default_sort_order", NULL},
    {"default_forum_layout", NULL},
    {"default_thread_rate_limit_per_user", NULL},
    {"flags", NULL},
    {"archived", NULL},
    {"auto_archive_duration", NULL},
    {"locked", NULL},
    {"invitable", NULL},
    {"applied_tags", NULL},
};

json_t *sd_channel_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    char id[SD_FIELD_ID_SIZE];
    long long n;
    bool b;
    if (sd_field_string(body, errors, "name", 1, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create && !json_object_get(body, "name"))
        sd_field_required(errors, "name");
    if (!sd_field_is_null(body, "type") && sd_field_int(body, errors, "type", 0, 15, &n)) {
        if (n != SD_CHANNEL_TEXT && n != SD_CHANNEL_CATEGORY)
            sd_form_error_add(errors, "type", "BASE_TYPE_CHOICES", "Value must be one of {0, 4}.");
        else if (!create)
            sd_form_error_add(errors, "type", "CHANNEL_TYPE_IMMUTABLE", "The type cannot be changed.");
        else
            json_object_set_new(out, "type", json_integer(n));
    }
    if (sd_field_string(body, errors, "topic", 0, 1024, true, &s))
        json_object_set_new(out, "topic", s ? json_string(s) : json_null());
    if (!sd_field_is_null(body, "position") && sd_field_int(body, errors, "position", 0, 10000, &n))
        json_object_set_new(out, "position", json_integer(n));
    if (sd_field_id(body, errors, "parent_id", true, id))
        json_object_set_new(out, "parent_id", *id ? json_string(id) : json_null());
    if (sd_field_is_null(body, "nsfw"))
        json_object_set_new(out, "nsfw", json_false());
    else if (sd_field_bool(body, errors, "nsfw", &b))
        json_object_set_new(out, "nsfw", json_boolean(b));
    if (sd_field_int(body, errors, "rate_limit_per_user", 0, 21600, &n))
        json_object_set_new(out, "rate_limit_per_user", json_integer(n));
    parse_overwrites(body, errors, out);
    UNSUPPORTED(body, errors, channel_unsupported);
    return done(out, errors, errors_out);
}

json_t *sd_positions_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object();
    if (!json_is_array(body) || json_array_size(body) == 0 || json_array_size(body) > 500) {
        sd_form_error_add(errors, "_root", "BASE_TYPE_ARRAY", "Must be an array of 1 to 500 entries.");
        return done(NULL, errors, errors_out);
    }
    static const sd_field_unsupported_t unsupported[] = {{"lock_permissions", NULL}};
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(body, i, e)
    {
        char path[32];
        snprintf(path, sizeof path, "%zu", i);
        json_t *one = json_object(), *sub = json_object();
        char id[SD_FIELD_ID_SIZE], parent[SD_FIELD_ID_SIZE];
        long long pos;
        if (sd_field_id(e, sub, "id", false, id))
            json_object_set_new(one, "id", json_string(id));
        else if (!json_object_size(sub))
            sd_field_required(sub, "id");
        if (sd_field_int(e, sub, "position", 0, 10000, &pos))
            json_object_set_new(one, "position", json_integer(pos));
        else if (!json_object_get(e, "position"))
            sd_field_required(sub, "position");
        if (sd_field_id(e, sub, "parent_id", true, parent))
            json_object_set_new(one, "parent_id", *parent ? json_string(parent) : json_null());
        UNSUPPORTED(e, sub, unsupported);
        if (json_object_size(sub)) json_object_set(errors, path, sub);
        json_decref(sub);
        json_array_append_new(out, one);
    }
    return done(out, errors, errors_out);
}

/* A nullable boolean: null is its default, false. */
static void nullable_bool(const json_t *body, json_t *errors, const char *field, json_t *out)
{
    bool b;
    if (sd_field_is_null(body, field))
        json_object_set_new(out, field, json_false());
    else if (sd_field_bool(body, errors, field, &b))
        json_object_set_new(out, field, json_boolean(b));
}

/* colors {primary_color, secondary_color, tertiary_color} (what discord.py 2.7 and discord.js 14 send instead
   of color): the primary one is the role's color; a gradient (a second or third color) is a feature the
   server does not have. */
static void parse_colors(const json_t *body, json_t *errors, json_t *out)
{
    static const sd_field_unsupported_t gradient[] = {{"secondary_color", NULL}, {"tertiary_color", NULL}};
    const json_t *colors = json_object_get(body, "colors");
    long long n;
    if (!colors || json_is_null(colors)) return;
    if (!json_is_object(colors)) {
        sd_form_error_add(errors, "colors", "DICT_TYPE_CONVERT",
                          "Only dictionaries may be used in a DictType");
        return;
    }
    json_t *sub = json_object();
    if (sd_field_is_null(colors, "primary_color"))
        json_object_set_new(out, "color", json_integer(0));
    else if (sd_field_int(colors, sub, "primary_color", 0, 0xFFFFFF, &n))
        json_object_set_new(out, "color", json_integer(n));
    UNSUPPORTED(colors, sub, gradient);
    if (json_object_size(sub)) json_object_set(errors, "colors", sub);
    json_decref(sub);
}

json_t *sd_role_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    static const sd_field_unsupported_t unsupported[] = {{"icon", NULL}, {"unicode_emoji", NULL}};
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    char perms[SD_FIELD_ID_SIZE];
    long long n;
    /* Every field of Discord's role body is nullable: null leaves it as it is (its default on create). */
    if (!sd_field_is_null(body, "name") && sd_field_string(body, errors, "name", 1, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create && (!json_object_get(body, "name") || sd_field_is_null(body, "name")))
        json_object_set_new(out, "name", json_string("new role"));
    if (!sd_field_is_null(body, "permissions") && sd_field_permissions(body, errors, "permissions", perms))
        json_object_set_new(out, "permissions", json_string(perms));
    if (sd_field_is_null(body, "color"))
        json_object_set_new(out, "color", json_integer(0));
    else if (sd_field_int(body, errors, "color", 0, 0xFFFFFF, &n))
        json_object_set_new(out, "color", json_integer(n));
    parse_colors(body, errors, out);
    nullable_bool(body, errors, "hoist", out);
    nullable_bool(body, errors, "mentionable", out);
    UNSUPPORTED(body, errors, unsupported);
    return done(out, errors, errors_out);
}

json_t *sd_member_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    static const sd_field_unsupported_t unsupported[] = {
        {"mute", NULL}, {"deaf", NULL}, {"channel_id", NULL}, {"flags", NULL}};
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    if (sd_field_string(body, errors, "nick", 0, 32, true, &s))
        json_object_set_new(out, "nick", s && *s ? json_string(s) : json_null());
    json_t *until; /* a timeout: at most 28 days ahead */
    if (sd_timestamp_field(body, errors, "communication_disabled_until", (long long)time(NULL) * 1000,
                           28LL * 24 * 3600 * 1000, &until))
        json_object_set_new(out, "communication_disabled_until", until);
    json_t *roles = NULL;
    if (sd_field_is_null(body, "roles"))
        json_object_set_new(out, "roles", json_array());
    else if ((roles = sd_field_id_list(body, errors, "roles", 250)))
        json_object_set_new(out, "roles", roles);
    UNSUPPORTED(body, errors, unsupported);
    return done(out, errors, errors_out);
}

/* A permission bitfield that defaults to "0" (absent or null). */
static void bitfield(const json_t *body, json_t *errors, const char *field, json_t *out)
{
    char v[SD_FIELD_ID_SIZE] = "0";
    if (!sd_field_is_null(body, field)) sd_field_permissions(body, errors, field, v);
    json_object_set_new(out, field, json_string(v));
}

json_t *sd_overwrite_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    long long n;
    if (sd_field_int(body, errors, "type", 0, 1, &n))
        json_object_set_new(out, "type", json_integer(n));
    else if (!json_object_get(body, "type"))
        sd_field_required(errors, "type");
    bitfield(body, errors, "allow", out);
    bitfield(body, errors, "deny", out);
    return done(out, errors, errors_out);
}

json_t *sd_invite_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    static const sd_field_unsupported_t unsupported[] = {
        {"target_type", NULL}, {"target_user_id", NULL}, {"target_application_id", NULL}};
    json_t *errors = json_object();
    long long age = 86400, uses = 0;
    bool temporary = false, unique = false;
    /* null is the default of each. */
    if (!sd_field_is_null(body, "max_age")) sd_field_int(body, errors, "max_age", 0, 604800, &age);
    if (!sd_field_is_null(body, "max_uses")) sd_field_int(body, errors, "max_uses", 0, 100, &uses);
    if (!sd_field_is_null(body, "temporary")) sd_field_bool(body, errors, "temporary", &temporary);
    if (!sd_field_is_null(body, "unique")) sd_field_bool(body, errors, "unique", &unique);
    UNSUPPORTED(body, errors, unsupported);
    json_t *out = json_pack("{s:I, s:I, s:b}", "max_age", (json_int_t)age, "max_uses", (json_int_t)uses,
                            "temporary", temporary);
    return done(out, errors, errors_out);
}

json_t *sd_ban_in_parse(const json_t *body, json_t **errors_out)
{
    if (body && !json_is_object(body)) return not_object(errors_out);
    json_t *errors = json_object(), *out = json_object();
    long long secs = 0, days;
    const char *reason;
    /* delete_message_days is the older form of the same, in days */
    if (!sd_field_is_null(body, "delete_message_days") &&
        sd_field_int(body, errors, "delete_message_days", 0, 7, &days))
        secs = days * 86400;
    if (!sd_field_is_null(body, "delete_message_seconds"))
        sd_field_int(body, errors, "delete_message_seconds", 0, 604800, &secs);
    if (secs) json_object_set_new(out, "delete_message_seconds", json_integer(secs));
    if (sd_field_string(body, errors, "reason", 0, 512, true, &reason) && reason)
        json_object_set_new(out, "reason", json_string(reason));
    return done(out, errors, errors_out);
}

json_t *sd_dm_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    static const sd_field_unsupported_t unsupported[] = {{"access_tokens", NULL}, {"nicks", NULL}};
    json_t *out = json_object(), *errors = json_object();
    char id[SD_FIELD_ID_SIZE];
    json_t *list;
    if (sd_field_id(body, errors, "recipient_id", false, id))
        json_object_set_new(out, "recipient_id", json_string(id));
    else if (!json_object_get(body, "recipient_id") &&
             (list = sd_field_id_list(body, errors, "recipients", 9)))
        json_object_set_new(out, "recipients", list);
    UNSUPPORTED(body, errors, unsupported);
    return done(out, errors, errors_out);
}

/* ---- output ---- */

void sd_iso_time(long long unix_ms, char *out)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, SD_ISO_TIME_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, SD_ISO_TIME_SIZE - n, ".%03lld000+00:00", unix_ms % 1000);
}

static json_t *get_or(const json_t *o, const char *k, json_t *dflt)
{
    json_t *v = json_object_get(o, k);
    if (v) {
        json_decref(dflt);
        return json_incref(v);
    }
    return dflt;
}

json_t *sd_role_json(const char *id, const json_t *role)
{
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:n, s:n, s:i}", "id", id, "name",
        get_or(role, "name", json_string("")), "color", get_or(role, "color", json_integer(0)), "hoist",
        get_or(role, "hoist", json_false()), "position", get_or(role, "position", json_integer(0)),
        "permissions", get_or(role, "permissions", json_string("0")), "mentionable",
        get_or(role, "mentionable", json_false()), "managed", 0, "icon", "unicode_emoji", "flags", 0);
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
    const char *id = json_string_value(json_object_get(guild, "id"));
    return json_pack(
        "{s:s, s:o, s:o, s:n, s:o, s:o, s:o, s:o, s:[], s:[], s:[], s:i, s:i, s:i, s:i, s:i, s:n, s:n, s:i, "
        "s:n, s:n, "
        "s:s, s:i, s:i, s:b, s:n, s:n, s:n}",
        "id", id, "name", get_or(guild, "name", json_string("")), "icon", get_or(guild, "icon", json_null()),
        "splash", "owner_id", get_or(guild, "owner_id", json_null()), "roles", sd_roles_json(guild),
        "member_count", get_or(guild, "member_count", json_integer(0)), "approximate_member_count",
        get_or(guild, "member_count", json_integer(0)), "emojis", "features", "stickers",
        "verification_level", 0, "default_message_notifications", 0, "explicit_content_filter", 0,
        "mfa_level", 0, "nsfw_level", 0, "system_channel_id", "afk_channel_id", "afk_timeout", 300,
        "description", "banner", "preferred_locale", "en-US", "premium_tier", 0, "system_channel_flags", 0,
        "premium_progress_bar_enabled", 0, "vanity_url_code", "rules_channel_id", "application_id");
}

json_t *sd_guild_partial_json(const json_t *guild, bool owner, const char *permissions)
{
    return json_pack("{s:O, s:o, s:o, s:b, s:s, s:[], s:o}", "id", json_object_get(guild, "id"), "name",
                     get_or(guild, "name", json_string("")), "icon", get_or(guild, "icon", json_null()),
                     "owner", owner, "permissions", permissions, "features", "approximate_member_count",
                     get_or(guild, "member_count", json_integer(0)));
}

json_t *sd_channel_json(const json_t *channel)
{
    json_t *ows = json_array();
    const char *id;
    json_t *ow;
    json_object_foreach(json_object_get(channel, "permission_overwrites"), id, ow)
    {
        json_array_append_new(
            ows, json_pack("{s:s, s:O, s:O, s:O}", "id", id, "type", json_object_get(ow, "type"), "allow",
                           json_object_get(ow, "allow"), "deny", json_object_get(ow, "deny")));
    }
    return json_pack("{s:O, s:o, s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:n}", "id",
                     json_object_get(channel, "id"), "type", get_or(channel, "type", json_integer(0)),
                     "guild_id", json_object_get(channel, "guild_id"), "name",
                     get_or(channel, "name", json_string("")), "topic", get_or(channel, "topic", json_null()),
                     "position", get_or(channel, "position", json_integer(0)), "parent_id",
                     get_or(channel, "parent_id", json_null()), "nsfw", get_or(channel, "nsfw", json_false()),
                     "permission_overwrites", ows, "last_message_id",
                     get_or(channel, "last_message_id", json_null()), "rate_limit_per_user",
                     (int)json_integer_value(json_object_get(channel, "rate_limit_per_user")), "flags");
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
    json_t *c =
        json_pack("{s:O, s:o, s:o, s:o, s:i}", "id", json_object_get(channel, "id"), "type",
                  get_or(channel, "type", json_integer(1)), "last_message_id",
                  get_or(channel, "last_message_id", json_null()), "recipients", recipients, "flags", 0);
    if (c && json_integer_value(json_object_get(channel, "type")) == SD_CHANNEL_GROUP_DM) {
        json_object_set_new(c, "name", get_or(channel, "name", json_null()));
        json_object_set_new(c, "owner_id", get_or(channel, "owner_id", json_null()));
        json_object_set_new(c, "icon", json_null());
    }
    return c;
}

json_t *sd_member_json(const json_t *member, json_t *user, const json_t *guild)
{
    /* Only roles that still exist: a deleted role may linger in a member item. */
    json_t *roles = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(member, "roles"), i, r)
    {
        if (json_object_get(json_object_get(guild, "roles"), json_string_value(r)))
            json_array_append(roles, r);
    }
    json_t *m = json_pack("{s:o, s:o, s:o, s:n, s:b, s:b, s:i, s:b, s:n, s:n}", "nick",
                          get_or(member, "nick", json_null()), "roles", roles, "joined_at",
                          get_or(member, "joined_at", json_null()), "avatar", "deaf", 0, "mute", 0, "flags",
                          0, "pending", 0, "premium_since", "communication_disabled_until");
    json_t *until = json_object_get(member, "communication_disabled_until");
    if (m && json_is_string(until)) json_object_set(m, "communication_disabled_until", until);
    if (m && user) json_object_set(m, "user", user);
    return m;
}

json_t *sd_invite_json(const json_t *invite, const json_t *guild, const json_t *channel, json_t *inviter)
{
    long long expires = json_integer_value(json_object_get(invite, "expires_at"));
    char when[40];
    json_t *exp = json_null();
    if (expires > 0) {
        sd_iso_time(expires * 1000, when);
        exp = json_string(when);
    }
    json_t *inv = json_pack(
        "{s:i, s:O, s:o, s:o, s:O, s:O, s:O, s:O, s:O, s:o, s:o}", "type", 0, "code",
        json_object_get(invite, "code"), "guild",
        guild ? json_pack("{s:O, s:o, s:o, s:[], s:i}", "id", json_object_get(guild, "id"), "name",
                          get_or(guild, "name", json_string("")), "icon", get_or(guild, "icon", json_null()),
                          "features", "verification_level", 0)
              : json_null(),
        "channel",
        channel ? json_pack("{s:O, s:o, s:o}", "id", json_object_get(channel, "id"), "name",
                            get_or(channel, "name", json_string("")), "type",
                            get_or(channel, "type", json_integer(0)))
                : json_null(),
        "uses", json_object_get(invite, "uses"), "max_uses", json_object_get(invite, "max_uses"), "max_age",
        json_object_get(invite, "max_age"), "temporary", json_object_get(invite, "temporary"), "created_at",
        json_object_get(invite, "created_at"), "expires_at", exp, "approximate_member_count",
        get_or(guild, "member_count", json_integer(0)));
    if (inv && inviter) json_object_set(inv, "inviter", inviter);
    return inv;
}
