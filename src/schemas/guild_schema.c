#include "schemas/guild_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "schemas/fields.h"
#include "schemas/image_field.h"
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
    /* image data (data URIs, or null to clear), taken in by the service and stored as hashes */
    static const char *const images[] = {"icon", "banner", "splash", "discovery_splash"};
    for (size_t i = 0; i < sizeof images / sizeof *images; i++)
        if (sd_image_field_parse(body, errors, images[i], &s))
            json_object_set_new(out, images[i], s ? json_string(s) : json_null());
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
    /* the default archive time of the channel's threads (threads are a later family; the choice is kept) */
    if (!sd_field_is_null(body, "default_auto_archive_duration") &&
        sd_field_int(body, errors, "default_auto_archive_duration", 60, 10080, &n)) {
        if (n == 60 || n == 1440 || n == 4320 || n == 10080)
            json_object_set_new(out, "default_auto_archive_duration", json_integer(n));
        else
            sd_form_error_add(errors, "default_auto_archive_duration", "BASE_TYPE_CHOICES",
                              "Value must be one of {60, 1440, 4320, 10080}.");
    }
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
    static const sd_field_unsupported_t unsupported[] = {{"unicode_emoji", NULL}};
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
    if (sd_image_field_parse(body, errors, "icon", &s)) /* a data URI, stored as a hash; null clears */
        json_object_set_new(out, "icon", s ? json_string(s) : json_null());
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
    if (sd_image_field_parse(body, errors, "avatar", &s)) /* the member's own avatar in the guild */
        json_object_set_new(out, "avatar", s ? json_string(s) : json_null());
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

/* ---- times ---- */

void sd_iso_time(long long unix_ms, char *out)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, SD_ISO_TIME_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, SD_ISO_TIME_SIZE - n, ".%03lld000+00:00", unix_ms % 1000);
}
