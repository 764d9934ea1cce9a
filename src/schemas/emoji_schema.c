#include "schemas/emoji_schema.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"

static const char NAME_CHARS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

bool sd_emoji_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n >= SD_EMOJI_NAME_MIN && n <= SD_EMOJI_NAME_MAX && strspn(name, NAME_CHARS) == n;
}

static void parse_name(const json_t *body, json_t *errors, json_t *out)
{
    const char *name;
    if (!sd_field_string(body, errors, "name", SD_EMOJI_NAME_MIN, SD_EMOJI_NAME_MAX, false, &name)) return;
    if (!sd_emoji_name_valid(name)) {
        sd_form_error_add(errors, "name", "STRING_TYPE_REGEX",
                          "String value did not match validation regex.");
        return;
    }
    json_object_set_new(out, "name", json_string(name));
}

/* The image's bytes are judged by services/images; here only that it is a data URI at all. */
static void parse_image(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *v = json_object_get(body, "image");
    const char *s = json_string_value(v);
    if (!v) return;
    if (!s || strncmp(s, "data:", 5) != 0 || !strstr(s, ";base64,")) {
        sd_form_error_add(errors, "image", "IMAGE_INVALID", "Invalid image data");
        return;
    }
    json_object_set(out, "image", (json_t *)v);
}

json_t *sd_emoji_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    json_t *errors = json_object();
    if (!json_is_object(body)) {
        sd_form_error_add(errors, "_root", "DICT_TYPE_CONVERT",
                          "Only dictionaries may be used in a DictType");
        *errors_out = errors;
        return NULL;
    }
    json_t *out = json_object();
    parse_name(body, errors, out);
    if (create) {
        parse_image(body, errors, out);
        if (!json_object_get(body, "name")) sd_field_required(errors, "name");
        if (!json_object_get(body, "image")) sd_field_required(errors, "image");
    }
    json_t *roles;
    if (sd_field_is_null(body, "roles"))
        json_object_set_new(out, "roles", json_array());
    else if ((roles = sd_field_id_list(body, errors, "roles", SD_EMOJI_ROLES_MAX)))
        json_object_set_new(out, "roles", roles);
    *errors_out = sd_field_finish(errors);
    if (*errors_out) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *sd_emoji_object_json(const json_t *emoji, const json_t *user)
{
    const json_t *roles = json_object_get(emoji, "roles");
    json_t *e =
        json_pack("{s:O, s:O, s:o, s:b, s:b, s:b, s:b}", "id", json_object_get(emoji, "emoji_id"), "name",
                  json_object_get(emoji, "name"), "roles",
                  json_is_array(roles) ? json_deep_copy(roles) : json_array(), "require_colons", 1, "managed",
                  0, "animated", json_is_true(json_object_get(emoji, "animated")), "available", 1);
    if (e && user) json_object_set(e, "user", (json_t *)user);
    return e;
}

json_t *sd_emojis_json(const json_t *emojis, const json_t *users)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(emojis, i, e)
    {
        const json_t *user =
            users ? json_object_get(users, json_string_value(json_object_get(e, "user_id"))) : NULL;
        json_t *obj = sd_emoji_object_json(e, user);
        if (obj) json_array_append_new(out, obj);
    }
    return out;
}

static bool is_id(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < SD_FIELD_ID_SIZE && strspn(s, "0123456789") == n;
}

bool sd_emoji_custom_ref(const char *path_emoji, char *id)
{
    if (!path_emoji) return false;
    const char *colon = strrchr(path_emoji, ':');
    const char *digits = colon ? colon + 1 : path_emoji;
    if (!is_id(digits)) return false;
    if (colon) { /* what comes before is "[a:]name", or nothing */
        const char *name = path_emoji;
        if (!strncmp(name, "a:", 2) && colon > name + 1) name += 2;
        size_t n = (size_t)(colon - name);
        if (n > SD_EMOJI_NAME_MAX || strspn(name, NAME_CHARS) < n) return false;
    }
    snprintf(id, SD_FIELD_ID_SIZE, "%s", digits);
    return true;
}

void sd_emoji_reaction_key(const json_t *emoji, char *out, size_t cap)
{
    const char *name = json_string_value(json_object_get(emoji, "name"));
    const char *id = json_string_value(json_object_get(emoji, "emoji_id"));
    snprintf(out, cap, "%s%s:%s", json_is_true(json_object_get(emoji, "animated")) ? "a:" : "",
             name ? name : "_", id ? id : "0");
}
