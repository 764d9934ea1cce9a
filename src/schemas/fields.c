#include "schemas/fields.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/snowflake_id.h"
#include "schemas/user_schema.h"

bool sd_field_string(const json_t *body, json_t *errors, const char *field, size_t min, size_t max,
                     bool nullable, const char **out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (json_is_null(v) && nullable) {
        *out = NULL;
        return true;
    }
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
        sd_form_error_add(errors, field, "BASE_TYPE_STRING", "Must be a string.");
        return false;
    }
    size_t n = sd_utf8_length(json_string_value(v));
    if (n < min || n > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "Must be between %zu and %zu in length.", min, max);
        sd_form_error_add(errors, field, "BASE_TYPE_BAD_LENGTH", msg);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* The integer of a JSON integer or of a string of one ("-12", as a form body carries it). */
static bool int_of(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (!s || json_string_length(v) > 20 || strlen(s) != json_string_length(v)) return false;
    const char *digits = s + (*s == '-');
    if (!*digits || strspn(digits, "0123456789") != strlen(digits)) return false;
    errno = 0;
    *out = strtoll(s, NULL, 10);
    return errno == 0;
}

bool sd_field_int(const json_t *body, json_t *errors, const char *field, long long min, long long max,
                  long long *out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    long long n;
    if (!int_of(v, &n)) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not int.");
        return false;
    }
    if (n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "int value should be between %lld and %lld.", min, max);
        sd_form_error_add(errors, field, "NUMBER_TYPE_MAX", msg);
        return false;
    }
    *out = n;
    return true;
}

bool sd_field_bool(const json_t *body, json_t *errors, const char *field, bool *out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    const char *s = json_string_value(v);
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
    } else if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
        *out = s[0] == 't';
    } else {
        sd_form_error_add(errors, field, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
        return false;
    }
    return true;
}

bool sd_field_id_value(const json_t *v, char *out)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0) return false;
        snprintf(out, SD_FIELD_ID_SIZE, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return true;
    }
    const char *s = json_string_value(v);
    /* sd_snowflake_parse refuses leading zeros, non-digits and anything past 64 bits; "0" it reads as 0. */
    if (!s || json_string_length(v) >= SD_FIELD_ID_SIZE || (strcmp(s, "0") && !sd_snowflake_parse(s)))
        return false;
    memcpy(out, s, json_string_length(v) + 1);
    return true;
}

bool sd_field_id(const json_t *body, json_t *errors, const char *field, bool nullable, char *out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (json_is_null(v) && nullable) {
        out[0] = '\0';
        return true;
    }
    if (!sd_field_id_value(v, out)) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        return false;
    }
    return true;
}

json_t *sd_field_id_list(const json_t *body, json_t *errors, const char *field, size_t max)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return NULL;
    if (!json_is_array(v)) {
        sd_form_error_add(errors, field, "BASE_TYPE_ARRAY", "Must be an array.");
        return NULL;
    }
    if (json_array_size(v) > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "Must be %zu or fewer in length.", max);
        sd_form_error_add(errors, field, "BASE_TYPE_MAX_LENGTH", msg);
        return NULL;
    }
    json_t *list = json_array();
    bool ok = true;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        char id[SD_FIELD_ID_SIZE], path[160];
        if (sd_field_id_value(e, id)) {
            json_array_append_new(list, json_string(id));
            continue;
        }
        snprintf(path, sizeof path, "%.128s.%zu", field, i);
        sd_form_error_add(errors, path, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        ok = false;
    }
    if (ok) return list;
    json_decref(list);
    return NULL;
}

bool sd_field_permissions(const json_t *body, json_t *errors, const char *field, char *out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (!sd_field_id_value(v, out)) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not a valid permission bitfield.");
        return false;
    }
    if (strtoull(out, NULL, 10) > SD_FIELD_PERMISSIONS_MAX || strlen(out) > 16) {
        char msg[96];
        snprintf(msg, sizeof msg, "int value should be less than or equal to %llu.",
                 (unsigned long long)SD_FIELD_PERMISSIONS_MAX);
        sd_form_error_add(errors, field, "NUMBER_TYPE_MAX", msg);
        return false;
    }
    return true;
}

/* null, false, 0, "", [] or {}: what leaves a feature the server does not have switched off. */
static bool is_empty(const json_t *v)
{
    return json_is_null(v) || json_is_false(v) || (json_is_integer(v) && json_integer_value(v) == 0) ||
           (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0);
}

void sd_field_unsupported(const json_t *body, json_t *errors, const sd_field_unsupported_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(body, fields[i].field);
        if (!v) continue;
        bool ok;
        if (fields[i].accepted) {
            json_t *a = json_loads(fields[i].accepted, JSON_DECODE_ANY, NULL);
            ok = json_is_null(v) || json_equal(v, a);
            json_decref(a);
        } else {
            ok = is_empty(v);
        }
        if (!ok)
            sd_form_error_add(errors, fields[i].field, "UNSUPPORTED_FIELD",
                              "This server does not support this field; leave it out or use its default.");
    }
}

bool sd_field_is_null(const json_t *body, const char *field)
{
    return json_is_null(json_object_get(body, field));
}

void sd_field_required(json_t *errors, const char *field)
{
    sd_form_error_add(errors, field, "BASE_TYPE_REQUIRED", "This field is required");
}

json_t *sd_field_finish(json_t *errors)
{
    if (json_object_size(errors)) return errors;
    json_decref(errors);
    return NULL;
}
