#include "schemas/guild_settings_schema.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "schemas/fields.h"
#include "schemas/timestamp.h"

/* A mute's end may lie this far ahead at most (Discord's longest choice is "until I turn it back on"). */
#define MUTE_AHEAD_MAX_MS (10LL * 366 * 24 * 3600 * 1000)
/* selected_time_window: seconds, or -1 for "until I turn it back on". */
#define WINDOW_MAX (366LL * 24 * 3600)

/* Puts the errors of a nested object (stolen) under errors[a][b] (b may be NULL); nothing when empty. */
static void nest(json_t *errors, const char *a, const char *b, json_t *sub)
{
    if (!json_object_size(sub)) {
        json_decref(sub);
        return;
    }
    if (!b) {
        json_object_set_new(errors, a, sub);
        return;
    }
    json_t *holder = json_object_get(errors, a);
    if (!json_is_object(holder)) {
        holder = json_object();
        json_object_set_new(errors, a, holder);
    }
    json_object_set_new(holder, b, sub);
}

/* An error of a nested object itself: {"_errors": [{code, message}]} in sub. */
static void own_error(json_t *sub, const char *code, const char *message)
{
    json_object_set_new(sub, "_errors", json_pack("[{s:s, s:s}]", "code", code, "message", message));
}

static void dict_error(json_t *errors, const char *field)
{
    sd_form_error_add(errors, field, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
}

/* body[field] in 0..3 into out[field]; Discord names the choices of an enum it refuses. */
static void notify_level(const json_t *body, json_t *errors, json_t *out)
{
    long long n;
    if (!sd_field_int(body, errors, "message_notifications", -(1LL << 53), 1LL << 53, &n)) return;
    if (n < SD_NOTIFY_ALL || n > SD_NOTIFY_DEFAULT)
        sd_form_error_add(errors, "message_notifications", "BASE_TYPE_CHOICES",
                          "Value must be one of {0, 1, 2, 3}.");
    else
        json_object_set_new(out, "message_notifications", json_integer(n));
}

static void boolean(const json_t *body, json_t *errors, const char *field, json_t *out)
{
    bool b;
    if (sd_field_bool(body, errors, field, &b)) json_object_set_new(out, field, json_boolean(b));
}

/* mute_config: null, or {end_time: timestamp or null, selected_time_window: seconds or -1}. */
static void mute_config(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *v = json_object_get(body, "mute_config");
    if (!v) return;
    if (json_is_null(v)) {
        json_object_set_new(out, "mute_config", json_null());
        return;
    }
    if (!json_is_object(v)) {
        dict_error(errors, "mute_config");
        return;
    }
    json_t *sub = json_object(), *config = json_object(), *end = NULL;
    long long now_ms = (long long)time(NULL) * 1000, window = -1;
    if (sd_timestamp_field(v, sub, "end_time", now_ms, MUTE_AHEAD_MAX_MS, &end))
        json_object_set_new(config, "end_time", end);
    else if (!json_object_get(v, "end_time"))
        json_object_set_new(config, "end_time", json_null());
    if (sd_field_int(v, sub, "selected_time_window", -1, WINDOW_MAX, &window) ||
        !json_object_get(v, "selected_time_window"))
        json_object_set_new(config, "selected_time_window", json_integer(window));
    if (json_object_size(sub))
        json_decref(config);
    else
        json_object_set_new(out, "mute_config", config);
    nest(errors, "mute_config", NULL, sub);
}

/* One channel's override: muted, mute_config, message_notifications, collapsed, flags. */
static json_t *override_in(const json_t *body, json_t *errors)
{
    json_t *out = json_object();
    boolean(body, errors, "muted", out);
    boolean(body, errors, "collapsed", out);
    mute_config(body, errors, out);
    notify_level(body, errors, out);
    long long n;
    if (sd_field_int(body, errors, "flags", 0, (1LL << 31) - 1, &n))
        json_object_set_new(out, "flags", json_integer(n));
    return out;
}

static void overrides_in(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *v = json_object_get(body, "channel_overrides");
    if (!v) return;
    if (!json_is_object(v)) {
        dict_error(errors, "channel_overrides");
        return;
    }
    if (json_object_size(v) > SD_GUILD_SETTINGS_OVERRIDES_MAX) {
        char msg[64];
        snprintf(msg, sizeof msg, "Must be between 0 and %d in length.", SD_GUILD_SETTINGS_OVERRIDES_MAX);
        sd_form_error_add(errors, "channel_overrides", "BASE_TYPE_BAD_LENGTH", msg);
        return;
    }
    json_t *all = json_object();
    const char *key;
    json_t *o;
    json_object_foreach((json_t *)v, key, o)
    {
        char id[SD_FIELD_ID_SIZE];
        json_t *sub = json_object();
        json_t *key_value = json_string(key);
        if (!sd_field_id_value(key_value, id))
            own_error(sub, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        else if (!json_is_object(o))
            own_error(sub, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
        else
            json_object_set_new(all, id, override_in(o, sub));
        json_decref(key_value);
        nest(errors, "channel_overrides", key, sub);
    }
    json_object_set_new(out, "channel_overrides", all);
}

json_t *sd_guild_settings_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object();
    if (!json_is_object(body)) {
        dict_error(errors, "_root");
        *errors_out = errors;
        return NULL;
    }
    json_t *out = json_object();
    static const char *const flags[] = {"muted",       "suppress_everyone",   "suppress_roles",
                                        "mobile_push", "hide_muted_channels", "mute_scheduled_events"};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        boolean(body, errors, flags[i], out);
    mute_config(body, errors, out);
    notify_level(body, errors, out);
    long long n;
    if (sd_field_int(body, errors, "notify_highlights", 0, 2, &n))
        json_object_set_new(out, "notify_highlights", json_integer(n));
    if (sd_field_int(body, errors, "flags", 0, (1LL << 31) - 1, &n))
        json_object_set_new(out, "flags", json_integer(n));
    overrides_in(body, errors, out);
    *errors_out = sd_field_finish(errors);
    if (*errors_out) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* ---- stored and shown ---- */

static json_t *guild_defaults(void)
{
    return json_pack("{s:b, s:n, s:i, s:b, s:b, s:b, s:b, s:b, s:i, s:i}", "muted", 0, "mute_config",
                     "message_notifications", SD_NOTIFY_DEFAULT, "suppress_everyone", 0, "suppress_roles", 0,
                     "mobile_push", 1, "hide_muted_channels", 0, "mute_scheduled_events", 0,
                     "notify_highlights", 0, "flags", 0);
}

static json_t *override_defaults(void)
{
    return json_pack("{s:b, s:n, s:i, s:b, s:i}", "muted", 0, "mute_config", "message_notifications",
                     SD_NOTIFY_DEFAULT, "collapsed", 0, "flags", 0);
}

/* dst gets every field of src that defaults names (so nothing else of a stored item leaks in). */
static void take(json_t *dst, const json_t *src, const json_t *defaults)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)defaults, k, v)
    {
        json_t *given = json_object_get(src, k);
        if (given) json_object_set(dst, k, given);
    }
}

json_t *sd_guild_settings_merge(const json_t *stored, const json_t *changes, const char *user_id,
                                const char *guild_key)
{
    json_t *defaults = guild_defaults(), *item = json_copy(defaults);
    take(item, stored, defaults);
    take(item, changes, defaults);
    json_decref(defaults);
    json_t *overrides = json_object(), *ov_defaults = override_defaults();
    const char *id;
    json_t *o;
    json_object_foreach(json_object_get(stored, "channel_overrides"), id, o)
    {
        json_t *ov = json_copy(ov_defaults);
        take(ov, o, ov_defaults);
        json_object_set_new(overrides, id, ov);
    }
    json_object_foreach(json_object_get(changes, "channel_overrides"), id, o)
    {
        json_t *ov = json_object_get(overrides, id);
        if (!ov) {
            ov = json_copy(ov_defaults);
            json_object_set_new(overrides, id, ov);
        }
        take(ov, o, ov_defaults);
    }
    json_decref(ov_defaults);
    json_int_t version = json_integer_value(json_object_get(stored, "version"));
    json_object_set_new(item, "channel_overrides", overrides);
    json_object_set_new(item, "version", json_integer(version + 1));
    json_object_set_new(item, "user_id", json_string(user_id));
    json_object_set_new(item, "guild_id", json_string(guild_key));
    return item;
}

json_t *sd_guild_settings_json(const json_t *stored)
{
    json_t *defaults = guild_defaults(), *out = json_copy(defaults);
    take(out, stored, defaults);
    json_decref(defaults);
    const char *key = json_string_value(json_object_get(stored, "guild_id"));
    bool dms = !key || !strcmp(key, SD_GUILD_SETTINGS_DMS);
    json_object_set_new(out, "guild_id", dms ? json_null() : json_string(key));
    json_t *list = json_array(), *ov_defaults = override_defaults();
    const char *id;
    json_t *o;
    json_object_foreach(json_object_get(stored, "channel_overrides"), id, o)
    {
        json_t *ov = json_copy(ov_defaults);
        take(ov, o, ov_defaults);
        json_object_set_new(ov, "channel_id", json_string(id));
        json_array_append_new(list, ov);
    }
    json_decref(ov_defaults);
    json_object_set_new(out, "channel_overrides", list);
    json_object_set_new(out, "version", json_integer(json_integer_value(json_object_get(stored, "version"))));
    return out;
}
