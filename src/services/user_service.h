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
#include "services/outcome.h"

typedef struct {
    sd_err_t err;
    const sd_user_t *user;  /* borrowed, valid during the callback; NULL on error */
    const char *token;      /* a fresh token (register, login, password change), else NULL */
    sd_conflict_t conflict; /* with SD_ERR_CONFLICT: the username or email taken, or SD_CONFLICT_STALE when
                               the account kept changing under an update */
    sd_reason_t reason;     /* with SD_ERR_UNAUTHORIZED: SD_REASON_INVALID_LOGIN (login) or
                               SD_REASON_WRONG_PASSWORD (update, the current password in bad_field); with
                               SD_ERR_INVALID: SD_REASON_FORM (update: an image refused, see errors) */
    const char *bad_field;
    json_t *errors; /* with SD_ERR_INVALID / SD_REASON_FORM: a refused image's field errors (borrowed) */
} sd_user_result_t;

/* The fault a failed result stands for (services/outcome), for the API's one mapping. */
sd_fault_t sd_user_result_fault(const sd_user_result_t *r);

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
/*
 * Applies in to the account me (as authenticated). When the account changed meanwhile (another edit of it
 * won the race), the edit is applied once more to the account as it is then; if that too loses, the result
 * is SD_ERR_CONFLICT / SD_CONFLICT_STALE. A password change that raced with another one is not retried.
 */
sd_err_t sd_user_service_update(sd_app_t *app, const sd_user_t *me, const sd_user_patch_in_t *in,
                                sd_user_service_cb cb, void *ctx);

/*
 * Retires every token of the account me (as authenticated) without a password change: its token version is
 * bumped, so each token signed before is refused from now on, and the gateway sessions opened with one are
 * closed (4004). Nothing is signed anew (r->token is NULL). A token already retired meanwhile (another
 * logout or a password change) is SD_OK too: what was asked for holds.
 */
sd_err_t sd_user_service_retire_tokens(sd_app_t *app, const sd_user_t *me, sd_user_service_cb cb, void *ctx);

/* Public user objects (Discord shape, new references in a new object keyed by id, borrowed by the callback)
   of the ids (array, stolen); missing users are left out. */
sd_err_t sd_user_service_public_many(sd_app_t *app, json_t *ids,
                                     void (*cb)(sd_err_t err, json_t *by_id, void *ctx), void *ctx);

#endif
