#include "services/user_service.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/dynamo.h"
#include "repositories/user_repo.h"
#include "schemas/user_schema.h"
#include "services/events.h"
#include "services/password.h"
#include "services/snowflake.h"
#include "services/token.h"

typedef struct {
    sd_app_t *app;
    sd_user_service_cb cb;
    void *ctx;
    sd_user_t user;
    sd_user_t old;
    char *password; /* owned copy, wiped on free */
    char *new_password;
    char token[SD_TOKEN_MAX];
    long long token_version; /* from the presented token */
} job_t;

static job_t *job_new(sd_app_t *app, sd_user_service_cb cb, void *ctx)
{
    job_t *j = calloc(1, sizeof *j);
    if (j) {
        j->app = app;
        j->cb = cb;
        j->ctx = ctx;
    }
    return j;
}

static void wipe(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static void job_free(job_t *j)
{
    wipe(j->password);
    wipe(j->new_password);
    free(j);
}

static void job_end(job_t *j, sd_err_t err, const char *conflict, const char *bad_field)
{
    sd_user_result_t r = {err, err ? NULL : &j->user, (!err && j->token[0]) ? j->token : NULL, conflict,
                          bad_field};
    j->cb(&r, j->ctx);
    job_free(j);
}

/* Starts an async step; on failure to start, the job ends here with that error. */
static sd_err_t started(job_t *j, sd_err_t err)
{
    if (err) job_free(j);
    return err;
}

static sd_err_t make_token(job_t *j)
{
    uint64_t uid = sd_snowflake_parse(j->user.id);
    sd_token_claims_t c = {uid, (long long)time(NULL) + j->app->cfg->token_ttl_seconds,
                           j->user.token_version};
    return sd_token_sign(j->app->cfg->token_secret, &c, j->token, sizeof j->token);
}

/* ---- register ---- */

static void reg_on_created(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err) err = make_token(j);
    job_end(j, err, conflict, NULL);
}

static void reg_on_hash(sd_err_t err, const char *hash, void *ctx)
{
    job_t *j = ctx;
    if (!err && strlen(hash) >= sizeof j->user.password_hash) err = SD_ERR_INTERNAL;
    if (!err) {
        strcpy(j->user.password_hash, hash);
        snprintf(j->user.id, sizeof j->user.id, "%" PRIu64, sd_snowflake_next(j->app->ids));
        err = sd_user_repo_create(j->app->db, &j->user, reg_on_created, j);
    }
    if (err) job_end(j, err, NULL, NULL);
}

sd_err_t sd_user_service_register(sd_app_t *app, const sd_register_in_t *in, sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    snprintf(j->user.username, sizeof j->user.username, "%s", in->username);
    snprintf(j->user.email, sizeof j->user.email, "%s", in->email ? in->email : "");
    j->user.token_version = 1;
    return started(j, sd_password_hash(app->loop, in->password, reg_on_hash, j));
}

/* ---- login ---- */

static void login_on_verify(sd_err_t err, void *ctx)
{
    job_t *j = ctx;
    if (!err) err = make_token(j);
    job_end(j, err, NULL, NULL);
}

static void login_on_user(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx)
{
    job_t *j = ctx;
    if (err && err != SD_ERR_NOT_FOUND) {
        job_end(j, err, NULL, NULL);
        return;
    }
    if (user) j->user = *user;
    /* An unknown login costs the same hashing time as a wrong password. */
    err =
        sd_password_verify(j->app->loop, user ? user->password_hash : NULL, j->password, login_on_verify, j);
    if (err) job_end(j, err, NULL, NULL);
}

sd_err_t sd_user_service_login(sd_app_t *app, const sd_login_in_t *in, sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    if (!(j->password = strdup(in->password))) return started(j, SD_ERR_NOMEM);
    return started(j, sd_user_repo_find_by_login(app->db, in->login, login_on_user, j));
}

/* ---- authenticate / get ---- */

static void auth_on_user(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND || (!err && user->token_version != j->token_version))
        err = SD_ERR_UNAUTHORIZED;
    if (!err) j->user = *user;
    job_end(j, err, NULL, NULL);
}

sd_err_t sd_user_service_authenticate(sd_app_t *app, const char *authorization, sd_user_service_cb cb,
                                      void *ctx)
{
    sd_token_claims_t claims;
    sd_err_t err = sd_token_verify(app->cfg->token_secret, sd_token_from_header(authorization),
                                   (long long)time(NULL), &claims);
    if (err) return err; /* refused without touching the database */
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    j->token_version = claims.version;
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, claims.user_id);
    return started(j, sd_user_repo_get(app->db, id, auth_on_user, j));
}

static void get_on_user(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err) j->user = *user;
    job_end(j, err, NULL, NULL);
}

sd_err_t sd_user_service_get(sd_app_t *app, const char *id, sd_user_service_cb cb, void *ctx)
{
    if (!sd_snowflake_parse(id)) return SD_ERR_NOT_FOUND;
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    return started(j, sd_user_repo_get(app->db, id, get_on_user, j));
}

/* ---- update ---- */

static void upd_on_written(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err && j->new_password) err = make_token(j);
    if (!err) /* the user's own sessions see their account change */
        sd_events_publish(j->app, "USER_UPDATE", NULL, NULL, json_pack("[s]", j->user.id), 0,
                          sd_user_private_json(&j->user));
    job_end(j, err, conflict, NULL);
}

static void upd_write(job_t *j)
{
    sd_err_t err = sd_user_repo_update(j->app->db, &j->old, &j->user, upd_on_written, j);
    if (err) job_end(j, err, NULL, NULL);
}

static void upd_on_hash(sd_err_t err, const char *hash, void *ctx)
{
    job_t *j = ctx;
    if (err || strlen(hash) >= sizeof j->user.password_hash) {
        job_end(j, err ? err : SD_ERR_INTERNAL, NULL, NULL);
        return;
    }
    strcpy(j->user.password_hash, hash);
    j->user.token_version = j->old.token_version + 1;
    upd_write(j);
}

static void upd_on_verify(sd_err_t err, void *ctx)
{
    job_t *j = ctx;
    if (err) {
        job_end(j, err, NULL, err == SD_ERR_UNAUTHORIZED ? "password" : NULL);
        return;
    }
    err = sd_password_hash(j->app->loop, j->new_password, upd_on_hash, j);
    if (err) job_end(j, err, NULL, NULL);
}

sd_err_t sd_user_service_update(sd_app_t *app, const sd_user_t *me, const sd_user_patch_in_t *in,
                                sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    j->old = *me;
    j->user = *me;
    if (in->username) snprintf(j->user.username, sizeof j->user.username, "%s", in->username);
    if (in->set_global_name)
        snprintf(j->user.global_name, sizeof j->user.global_name, "%s",
                 in->global_name ? in->global_name : "");
    if (in->set_avatar) snprintf(j->user.avatar, sizeof j->user.avatar, "%s", in->avatar ? in->avatar : "");
    if (in->new_password) {
        j->password = strdup(in->password);
        j->new_password = strdup(in->new_password);
        if (!j->password || !j->new_password) return started(j, SD_ERR_NOMEM);
        return started(j, sd_password_verify(app->loop, me->password_hash, j->password, upd_on_verify, j));
    }
    return started(j, sd_user_repo_update(app->db, &j->old, &j->user, upd_on_written, j));
}
