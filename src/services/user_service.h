/*
 * user_service: accounts. Registration (argon2id hash, snowflake id, unique handles), login, token
 * authentication (signature first, then the account's token version, so a password change retires old
 * tokens), reading users and updating one's own profile and password. Every call answers once through its
 * callback.
 */
#ifndef SD_SERVICES_USER_SERVICE_H
#define SD_SERVICES_USER_SERVICE_H

#include "core/app.h"
#include "core/errors.h"
#include "schemas/user_schema.h"

typedef struct {
    sd_err_t err;
    const sd_user_t *user; /* borrowed, valid during the callback; NULL on error */
    const char *token;     /* a fresh token (register, login, password change), else NULL */
    const char *conflict;  /* with SD_ERR_CONFLICT: "username" or "email" already taken, or "user" */
    const char *bad_field; /* with SD_ERR_UNAUTHORIZED on update: the field holding a wrong password */
} sd_user_result_t;

typedef void (*sd_user_service_cb)(const sd_user_result_t *r, void *ctx);

/* Each call copies what it needs from its inputs; cb runs later on the loop. */
sd_err_t sd_user_service_register(sd_app_t *app, const sd_register_in_t *in, sd_user_service_cb cb,
                                  void *ctx);
/* SD_ERR_UNAUTHORIZED for an unknown login or a wrong password alike. */
sd_err_t sd_user_service_login(sd_app_t *app, const sd_login_in_t *in, sd_user_service_cb cb, void *ctx);
/* The Authorization header's value (with or without "Bearer "/"Bot "); SD_ERR_UNAUTHORIZED when not valid. */
sd_err_t sd_user_service_authenticate(sd_app_t *app, const char *authorization, sd_user_service_cb cb,
                                      void *ctx);
sd_err_t sd_user_service_get(sd_app_t *app, const char *id, sd_user_service_cb cb, void *ctx);
sd_err_t sd_user_service_update(sd_app_t *app, const sd_user_t *me, const sd_user_patch_in_t *in,
                                sd_user_service_cb cb, void *ctx);

#endif
