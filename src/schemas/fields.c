#include "schemas/fields.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
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

bool sd_field_int(const json_t *body, json_t *errors, const char *field, long long min, long long max,
                  long long *out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (!json_is_integer(v)) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not int.");
        return false;
    }
    long long n = json_integer_value(v);
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
    if (!json_is_boolean(v)) {
        sd_form_error_add(errors, field, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
        return false;
    }
    *out = json_is_true(v);
    return true;
}

static bool is_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20 || (s[0] == '0' && n > 1)) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

bool sd_field_id(const json_t *body, json_t *errors, const char *field, bool nullable, const char **out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (json_is_null(v) && nullable) {
        *out = NULL;
        return true;
    }
    if (!json_is_string(v) || !is_id(json_string_value(v))) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        return false;
    }
    *out = json_string_value(v);
    return true;
}

bool sd_field_permissions(const json_t *body, json_t *errors, const char *field, const char **out)
{
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (!json_is_string(v) || !is_id(json_string_value(v)) || strlen(json_string_value(v)) > 19) {
        sd_form_error_add(errors, field, "NUMBER_TYPE_COERCE", "Value is not a permission bitfield.");
        return false;
    }
    *out = json_string_value(v);
    return true;
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
