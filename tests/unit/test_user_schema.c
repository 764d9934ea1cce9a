#include <criterion/criterion.h>
#include <string.h>

#include "schemas/user_schema.h"

static const char *first_code(const json_t *errors, const char *field)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(errors, field), "_errors"), 0), "code"));
}

Test(user_schema, valid_register)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "username", "good.name_1", "password", "longenough", "email",
                             "me@example.com");
    sd_register_in_t in;
    cr_assert_null(sd_register_in_parse(body, &in));
    cr_assert_str_eq(in.username, "good.name_1");
    cr_assert_str_eq(in.email, "me@example.com");
    json_decref(body);
}

Test(user_schema, register_errors_per_field)
{
    json_t *body = json_pack("{s:s, s:i, s:s}", "username", "x", "password", 5, "email", "nope");
    sd_register_in_t in;
    json_t *errors = sd_register_in_parse(body, &in);
    cr_assert_not_null(errors);
    cr_assert_str_eq(first_code(errors, "username"), "BASE_TYPE_BAD_LENGTH");
    cr_assert_str_eq(first_code(errors, "password"), "BASE_TYPE_STRING");
    cr_assert_str_eq(first_code(errors, "email"), "EMAIL_TYPE_INVALID_EMAIL");
    json_decref(errors);
    json_decref(body);
}

Test(user_schema, non_object_body)
{
    json_t *body = json_array();
    sd_register_in_t in;
    json_t *errors = sd_register_in_parse(body, &in);
    cr_assert_str_eq(first_code(errors, "_root"), "DICT_TYPE_CONVERT");
    json_decref(errors);
    json_decref(body);
}

static int username_ok(const char *v)
{
    json_t *e = json_object();
    sd_user_check_username(e, "username", v);
    int ok = json_object_size(e) == 0;
    json_decref(e);
    return ok;
}

static int email_ok(const char *v)
{
    json_t *e = json_object();
    sd_user_check_email(e, "email", v);
    int ok = json_object_size(e) == 0;
    json_decref(e);
    return ok;
}

Test(user_schema, usernames)
{
    cr_assert(username_ok("ab"));
    cr_assert(username_ok("A.b_9"));
    cr_assert(username_ok("abcdefghijklmnopqrstuvwxyz012345"));
    cr_assert(!username_ok("a"));
    cr_assert(!username_ok("abcdefghijklmnopqrstuvwxyz0123456"));
    cr_assert(!username_ok("a b"));
    cr_assert(!username_ok("a..b"));
    cr_assert(!username_ok("héllo"));
    cr_assert(!username_ok("a@b"));
}

Test(user_schema, emails)
{
    cr_assert(email_ok("a@b.co"));
    cr_assert(email_ok("first.last+tag@sub.example.org"));
    cr_assert(!email_ok("a@b"));
    cr_assert(!email_ok("@b.co"));
    cr_assert(!email_ok("a@.co"));
    cr_assert(!email_ok("a@b..co"));
    cr_assert(!email_ok("a@b.co."));
    cr_assert(!email_ok("a b@c.de"));
    cr_assert(!email_ok("a@b@c.de"));
    cr_assert(!email_ok("a<b>@c.de"));
}

Test(user_schema, password_counts_code_points)
{
    json_t *e = json_object();
    sd_user_check_password(e, "password", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
    cr_assert_eq(json_object_size(e), 0, "8 two-byte characters are 8 characters");
    sd_user_check_password(e, "password", "1234567");
    cr_assert_str_eq(first_code(e, "password"), "BASE_TYPE_BAD_LENGTH");
    json_decref(e);
    cr_assert_eq(sd_utf8_length("a\xE2\x82\xAC"
                                "b"),
                 3u);
}

Test(user_schema, patch_parses_nulls_and_password_pairs)
{
    json_t *body = json_pack("{s:n, s:s, s:s}", "avatar", "new_password", "newpassword", "password", "old");
    sd_user_patch_in_t in;
    cr_assert_null(sd_user_patch_in_parse(body, &in));
    cr_assert(in.set_avatar);
    cr_assert_null(in.avatar);
    cr_assert(!in.set_global_name);
    cr_assert_str_eq(in.new_password, "newpassword");
    json_decref(body);

    body = json_pack("{s:s}", "new_password", "newpassword");
    json_t *errors = sd_user_patch_in_parse(body, &in);
    cr_assert_str_eq(first_code(errors, "password"), "BASE_TYPE_REQUIRED");
    json_decref(errors);
    json_decref(body);
}

Test(user_schema, json_shapes)
{
    sd_user_t u;
    memset(&u, 0, sizeof u);
    strcpy(u.id, "42");
    strcpy(u.username, "alice");
    strcpy(u.email, "a@b.co");
    json_t *pub = sd_user_public_json(&u);
    json_t *priv = sd_user_private_json(&u);
    cr_assert_str_eq(json_string_value(json_object_get(pub, "id")), "42");
    cr_assert(json_is_null(json_object_get(pub, "global_name")));
    cr_assert_null(json_object_get(pub, "email"));
    cr_assert_str_eq(json_string_value(json_object_get(priv, "email")), "a@b.co");
    cr_assert(json_is_true(json_object_get(priv, "verified")));
    json_decref(pub);
    json_decref(priv);
}
