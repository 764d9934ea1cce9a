/*
 * user_schema: the request bodies that touch an account (register, login, PATCH /users/@me) parsed and
 * validated into structs with Discord's per-field errors, and the user objects of Discord's API v10 (the
 * private one for @me, the public one for everybody else).
 */
#ifndef SD_SCHEMAS_USER_SCHEMA_H
#define SD_SCHEMAS_USER_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>

#include "core/errors.h"
#include "repositories/user_repo.h" /* sd_user_t, the stored account */

typedef struct {
    const char *username; /* borrowed from the parsed JSON */
    const char *password;
    const char *email; /* NULL when absent */
} sd_register_in_t;

typedef struct {
    const char *login; /* username or email */
    const char *password;
} sd_login_in_t;

typedef struct {
    const char *username; /* NULL: unchanged */
    bool set_global_name;
    const char *global_name; /* NULL with set_global_name: clear */
    bool set_avatar;
    const char *avatar; /* a data URI; NULL with set_avatar: clear */
    bool set_banner;
    const char *banner;   /* a data URI; NULL with set_banner: clear */
    const char *password; /* the current one, needed with new_password */
    const char *new_password;
} sd_user_patch_in_t;

/*
 * Each parse fills out with pointers borrowed from body and returns NULL when valid, or a new reference to a
 * Discord form-errors object ({"field": {"_errors": [...]}}) the caller owns.
 */
json_t *sd_register_in_parse(const json_t *body, sd_register_in_t *out);
json_t *sd_login_in_parse(const json_t *body, sd_login_in_t *out);
json_t *sd_user_patch_in_parse(const json_t *body, sd_user_patch_in_t *out);

/* Field checks shared by the parsers (exposed for tests): add errors under field into errors. */
void sd_user_check_username(json_t *errors, const char *field, const char *value);
void sd_user_check_password(json_t *errors, const char *field, const char *value);
void sd_user_check_email(json_t *errors, const char *field, const char *value);

/* New JSON objects (caller owns): the user as its owner sees it, and as others see it. */
json_t *sd_user_private_json(const sd_user_t *u);
json_t *sd_user_public_json(const sd_user_t *u);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t sd_utf8_length(const char *s);

#endif
