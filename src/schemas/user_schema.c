#include "schemas/user_schema.h"

#include <ctype.h>
#include <string.h>

#include "schemas/fields.h"
#include "schemas/image_field.h"

size_t sd_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static void bad_length(json_t *errors, const char *field, int min, int max)
{
    char msg[64];
    snprintf(msg, sizeof msg, "Must be between %d and %d in length.", min, max);
    sd_form_error_add(errors, field, "BASE_TYPE_BAD_LENGTH", msg);
}

void sd_user_check_username(json_t *errors, const char *field, const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || n > SD_USERNAME_MAX) {
        bad_length(errors, field, 2, SD_USERNAME_MAX);
        return;
    }
    for (const char *p = v; *p; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.') || (p[0] == '.' && p[1] == '.')) {
            sd_form_error_add(
                errors, field, "USERNAME_INVALID_CHARACTERS",
                "Username can only use letters, numbers, underscores _ and periods . (not two in a "
                "row).");
            return;
        }
    }
}

void sd_user_check_password(json_t *errors, const char *field, const char *v)
{
    size_t n = sd_utf8_length(v);
    if (n < SD_PASSWORD_MIN || n > SD_PASSWORD_MAX)
        bad_length(errors, field, SD_PASSWORD_MIN, SD_PASSWORD_MAX);
}

void sd_user_check_email(json_t *errors, const char *field, const char *v)
{
    const char *at = strchr(v, '@');
    size_t n = strlen(v);
    int ok = n >= 3 && n <= SD_EMAIL_MAX && at && at != v && !strchr(at + 1, '@');
    if (ok) {
        const char *domain = at + 1;
        const char *dot = strrchr(domain, '.');
        ok = dot && dot != domain && dot[1] && domain[0] != '.' && !strstr(domain, "..");
        for (const char *p = v; ok && *p; p++)
            ok = (unsigned char)*p > 0x20 && *p != 0x7F && !strchr("()<>[]\\,;:\"", *p);
    }
    if (!ok) sd_form_error_add(errors, field, "EMAIL_TYPE_INVALID_EMAIL", "Not a well formed email address.");
}

/* Reads body[field] as a string: NULL and an error when missing (if required) or not a string. */
static const char *get_string(const json_t *body, json_t *errors, const char *field, int required)
{
    const json_t *v = json_object_get(body, field);
    if (!v || (json_is_null(v) && !required)) {
        if (required) sd_form_error_add(errors, field, "BASE_TYPE_REQUIRED", "This field is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        sd_form_error_add(errors, field, "BASE_TYPE_STRING", "Must be a string.");
        return NULL;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) { /* an embedded NUL */
        sd_form_error_add(errors, field, "BASE_TYPE_STRING", "Must be a string.");
        return NULL;
    }
    return json_string_value(v);
}

static json_t *finish(json_t *errors)
{
    if (json_object_size(errors) == 0) {
        json_decref(errors);
        return NULL;
    }
    return errors;
}

static json_t *not_object(void)
{
    json_t *errors = json_object();
    sd_form_error_add(errors, "_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return errors;
}

json_t *sd_register_in_parse(const json_t *body, sd_register_in_t *out)
{
    if (!json_is_object(body)) return not_object();
    json_t *errors = json_object();
    memset(out, 0, sizeof *out);
    if ((out->username = get_string(body, errors, "username", 1)))
        sd_user_check_username(errors, "username", out->username);
    if ((out->password = get_string(body, errors, "password", 1)))
        sd_user_check_password(errors, "password", out->password);
    if ((out->email = get_string(body, errors, "email", 0))) sd_user_check_email(errors, "email", out->email);
    return finish(errors);
}

json_t *sd_login_in_parse(const json_t *body, sd_login_in_t *out)
{
    if (!json_is_object(body)) return not_object();
    json_t *errors = json_object();
    memset(out, 0, sizeof *out);
    const char *field = json_object_get(body, "login")      ? "login"
                        : json_object_get(body, "username") ? "username"
                        : json_object_get(body, "email")    ? "email"
                                                            : "login";
    out->login = get_string(body, errors, field, 1);
    out->password = get_string(body, errors, "password", 1);
    if (out->login && (!*out->login || strlen(out->login) > SD_EMAIL_MAX))
        bad_length(errors, field, 1, SD_EMAIL_MAX);
    if (out->password && strlen(out->password) > 4 * SD_PASSWORD_MAX)
        bad_length(errors, "password", 1, SD_PASSWORD_MAX);
    return finish(errors);
}

json_t *sd_user_patch_in_parse(const json_t *body, sd_user_patch_in_t *out)
{
    if (!json_is_object(body)) return not_object();
    json_t *errors = json_object();
    memset(out, 0, sizeof *out);
    if (json_object_get(body, "username")) {
        if ((out->username = get_string(body, errors, "username", 1)))
            sd_user_check_username(errors, "username", out->username);
    }
    if (json_object_get(body, "global_name")) {
        out->set_global_name = true;
        out->global_name = get_string(body, errors, "global_name", 0);
        if (out->global_name) {
            size_t n = sd_utf8_length(out->global_name);
            if (n < 1 || n > SD_GLOBAL_NAME_MAX) bad_length(errors, "global_name", 1, SD_GLOBAL_NAME_MAX);
        }
    }
    /* image data: a data URI, taken in by the service, or null to clear */
    out->set_avatar = sd_image_field_parse(body, errors, "avatar", &out->avatar);
    out->set_banner = sd_image_field_parse(body, errors, "banner", &out->banner);
    /* documented fields of profile features the server does not have: refused by name unless empty */
    static const sd_field_unsupported_t unsupported[] = {
        {"accent_color", NULL}, {"bio", NULL}, {"pronouns", NULL}};
    sd_field_unsupported(body, errors, unsupported, sizeof unsupported / sizeof *unsupported);
    if (json_object_get(body, "new_password")) {
        if ((out->new_password = get_string(body, errors, "new_password", 1)))
            sd_user_check_password(errors, "new_password", out->new_password);
        out->password = get_string(body, errors, "password", 1);
    }
    return finish(errors);
}

static json_t *nullable(const char *s)
{
    return *s ? json_string(s) : json_null();
}

json_t *sd_user_public_json(const sd_user_t *u)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:n, s:n, s:i, s:i, s:b}", "id", u->id, "username",
                     u->username, "discriminator", "0", "global_name", nullable(u->global_name), "avatar",
                     nullable(u->avatar), "banner", nullable(u->banner), "accent_color",
                     "avatar_decoration_data", "public_flags", 0, "flags", 0, "bot", u->bot);
}

json_t *sd_user_private_json(const sd_user_t *u)
{
    json_t *j = sd_user_public_json(u);
    if (!j) return NULL;
    json_object_set_new(j, "email", nullable(u->email));
    json_object_set_new(j, "verified", json_boolean(u->email[0] != '\0'));
    json_object_set_new(j, "mfa_enabled", json_false());
    json_object_set_new(j, "locale", json_string("en-US"));
    json_object_set_new(j, "premium_type", json_integer(0));
    return j;
}
