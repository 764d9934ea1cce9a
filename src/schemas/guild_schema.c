#include "schemas/guild_schema.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "schemas/fields.h"

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

json_t *sd_guild_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    if (sd_field_string(body, errors, "name", 2, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create && !json_object_get(body, "name"))
        sd_field_required(errors, "name");
    if (sd_field_string(body, errors, "icon", 0, 2048, true, &s))
        json_object_set_new(out, "icon", s && *s ? json_string(s) : json_null());
    if (!create && sd_field_id(body, errors, "owner_id", false, &s))
        json_object_set_new(out, "owner_id", json_string(s));
    return done(out, errors, errors_out);
}

/* Reads a permission_overwrites array into the stored map. */
static void parse_overwrites(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *list = json_object_get(body, "permission_overwrites");
    if (!list) return;
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
        const char *id = NULL;
        json_t *id_errors = json_object();
        if (!sd_field_id(ow, id_errors, "id", false, &id) && !json_object_size(id_errors))
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

json_t *sd_channel_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    long long n;
    bool b;
    if (sd_field_string(body, errors, "name", 1, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create && !json_object_get(body, "name"))
        sd_field_required(errors, "name");
    if (sd_field_int(body, errors, "type", 0, 15, &n)) {
        if (n != SD_CHANNEL_TEXT && n != SD_CHANNEL_CATEGORY)
            sd_form_error_add(errors, "type", "BASE_TYPE_CHOICES", "Value must be one of {0, 4}.");
        else if (!create)
            sd_form_error_add(errors, "type", "CHANNEL_TYPE_IMMUTABLE", "The type cannot be changed.");
        else
            json_object_set_new(out, "type", json_integer(n));
    }
    if (sd_field_string(body, errors, "topic", 0, 1024, true, &s))
        json_object_set_new(out, "topic", s ? json_string(s) : json_null());
    if (sd_field_int(body, errors, "position", 0, 10000, &n))
        json_object_set_new(out, "position", json_integer(n));
    if (sd_field_id(body, errors, "parent_id", true, &s))
        json_object_set_new(out, "parent_id", s ? json_string(s) : json_null());
    if (sd_field_bool(body, errors, "nsfw", &b)) json_object_set_new(out, "nsfw", json_boolean(b));
    parse_overwrites(body, errors, out);
    return done(out, errors, errors_out);
}

json_t *sd_positions_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object();
    if (!json_is_array(body) || json_array_size(body) == 0 || json_array_size(body) > 500) {
        sd_form_error_add(errors, "_root", "BASE_TYPE_ARRAY", "Must be an array of 1 to 500 entries.");
        return done(NULL, errors, errors_out);
    }
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(body, i, e)
    {
        char path[32];
        snprintf(path, sizeof path, "%zu", i);
        json_t *one = json_object(), *sub = json_object();
        const char *id, *parent;
        long long pos;
        if (sd_field_id(e, sub, "id", false, &id))
            json_object_set_new(one, "id", json_string(id));
        else if (!json_object_size(sub))
            sd_field_required(sub, "id");
        if (sd_field_int(e, sub, "position", 0, 10000, &pos))
            json_object_set_new(one, "position", json_integer(pos));
        else if (!json_object_get(e, "position"))
            sd_field_required(sub, "position");
        if (sd_field_id(e, sub, "parent_id", true, &parent))
            json_object_set_new(one, "parent_id", parent ? json_string(parent) : json_null());
        if (json_object_size(sub)) json_object_set(errors, path, sub);
        json_decref(sub);
        json_array_append_new(out, one);
    }
    return done(out, errors, errors_out);
}

json_t *sd_role_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    long long n;
    bool b;
    if (sd_field_string(body, errors, "name", 1, 100, false, &s))
        json_object_set_new(out, "name", json_string(s));
    else if (create)
        json_object_set_new(out, "name", json_string("new role"));
    if (sd_field_permissions(body, errors, "permissions", &s))
        json_object_set_new(out, "permissions", json_string(s));
    if (sd_field_int(body, errors, "color", 0, 0xFFFFFF, &n))
        json_object_set_new(out, "color", json_integer(n));
    if (sd_field_bool(body, errors, "hoist", &b)) json_object_set_new(out, "hoist", json_boolean(b));
    if (sd_field_bool(body, errors, "mentionable", &b))
        json_object_set_new(out, "mentionable", json_boolean(b));
    return done(out, errors, errors_out);
}

json_t *sd_member_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    const char *s;
    if (sd_field_string(body, errors, "nick", 0, 32, true, &s))
        json_object_set_new(out, "nick", s && *s ? json_string(s) : json_null());
    const json_t *roles = json_object_get(body, "roles");
    if (roles) {
        bool ok = json_is_array(roles) && json_array_size(roles) <= 250;
        json_t *list = json_array();
        size_t i;
        json_t *r;
        json_array_foreach(roles, i, r)
        {
            json_t *wrap = json_pack("{s:O}", "id", r), *sub = json_object();
            const char *id;
            if (sd_field_id(wrap, sub, "id", false, &id))
                json_array_append_new(list, json_string(id));
            else
                ok = false;
            json_decref(wrap);
            json_decref(sub);
        }
        if (ok)
            json_object_set_new(out, "roles", list);
        else {
            json_decref(list);
            sd_form_error_add(errors, "roles", "BASE_TYPE_ARRAY",
                              "Must be an array of at most 250 role ids.");
        }
    }
    return done(out, errors, errors_out);
}

json_t *sd_overwrite_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *out = json_object(), *errors = json_object();
    long long n;
    const char *s;
    if (sd_field_int(body, errors, "type", 0, 1, &n))
        json_object_set_new(out, "type", json_integer(n));
    else if (!json_object_get(body, "type"))
        sd_field_required(errors, "type");
    json_object_set_new(out, "allow", json_string(sd_field_permissions(body, errors, "allow", &s) ? s : "0"));
    json_object_set_new(out, "deny", json_string(sd_field_permissions(body, errors, "deny", &s) ? s : "0"));
    return done(out, errors, errors_out);
}

json_t *sd_invite_in_parse(const json_t *body, json_t **errors_out)
{
    if (!json_is_object(body)) return not_object(errors_out);
    json_t *errors = json_object();
    long long age = 86400, uses = 0;
    bool temporary = false, unique = false;
    sd_field_int(body, errors, "max_age", 0, 604800, &age);
    sd_field_int(body, errors, "max_uses", 0, 100, &uses);
    sd_field_bool(body, errors, "temporary", &temporary);
    sd_field_bool(body, errors, "unique", &unique);
    json_t *out = json_pack("{s:I, s:I, s:b}", "max_age", (json_int_t)age, "max_uses", (json_int_t)uses,
                            "temporary", temporary);
    return done(out, errors, errors_out);
}

json_t *sd_ban_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object(), *out = json_object();
    if (body && !json_is_object(body)) {
        json_decref(out);
        json_decref(errors);
        return not_object(errors_out);
    }
    long long secs;
    const char *reason;
    sd_field_int(body, errors, "delete_message_seconds", 0, 604800, &secs);
    if (sd_field_string(body, errors, "reason", 0, 512, true, &reason) && reason)
        json_object_set_new(out, "reason", json_string(reason));
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
