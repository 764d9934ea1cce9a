#include "services/user_service.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/user_repo.h"
#include "schemas/user_schema.h"
#include "services/events.h"
#include "services/image_fields.h"
#include "services/password.h"
#include "services/snowflake.h"
#include "services/token.h"

typedef struct {
    sd_app_t *app;
    sd_user_service_cb cb;
    void *ctx;
    sd_user_t user;
    sd_user_t old;
    sd_user_t patch; /* update: the values asked for, by the set_* flags; the new hash when hashed */
    bool set_username, set_global_name, set_avatar, set_banner, hashed, retried;
    json_t *images; /* update: the data URIs of avatar and banner, then their hashes (image_fields) */
    json_t *errors; /* the field errors of a refused image */
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
    json_decref(j->images);
    json_decref(j->errors);
    free(j);
}

static void job_end_because(job_t *j, sd_err_t err, sd_conflict_t conflict, sd_reason_t reason,
                            const char *bad_field)
{
    sd_user_result_t r = {.err = err,
                          .user = err ? NULL : &j->user,
                          .token = (!err && j->token[0]) ? j->token : NULL,
                          .conflict = err == SD_ERR_CONFLICT ? conflict : SD_CONFLICT_NONE,
                          .reason = reason,
                          .bad_field = bad_field,
                          .errors = j->errors};
    j->cb(&r, j->ctx);
    job_free(j);
}

static void job_end(job_t *j, sd_err_t err)
{
    job_end_because(j, err, SD_CONFLICT_NONE, SD_REASON_NONE, NULL);
}

sd_fault_t sd_user_result_fault(const sd_user_result_t *r)
{
    return (sd_fault_t){.err = r->err,
                        .conflict = r->conflict,
                        .reason = r->reason,
                        .field = r->bad_field,
                        .errors = r->errors};
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

/* Every process closes the gateway sessions of the user's tokens older than the version just written. */
static void publish_retired(job_t *j)
{
    sd_events_publish(j->app, SD_EVENTS_TOKENS_RETIRED, NULL, NULL, json_pack("[s]", j->user.id), 0,
                      json_pack("{s:I}", "token_version", (json_int_t)j->user.token_version));
}

/* ---- register ---- */

static void reg_on_created(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err) err = make_token(j);
    job_end_because(j, err, conflict, SD_REASON_NONE, NULL);
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
    if (err) job_end(j, err);
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
    job_end_because(j, err, SD_CONFLICT_NONE, err == SD_ERR_UNAUTHORIZED ? SD_REASON_INVALID_LOGIN : 0, NULL);
}

static void login_on_user(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (err && err != SD_ERR_NOT_FOUND) {
        job_end(j, err);
        return;
    }
    if (user) j->user = *user;
    /* An unknown login costs the same hashing time as a wrong password. */
    err =
        sd_password_verify(j->app->loop, user ? user->password_hash : NULL, j->password, login_on_verify, j);
    if (err) job_end(j, err);
}

sd_err_t sd_user_service_login(sd_app_t *app, const sd_login_in_t *in, sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    if (!(j->password = strdup(in->password))) return started(j, SD_ERR_NOMEM);
    return started(j, sd_user_repo_find_by_login(app->db, in->login, login_on_user, j));
}

/* ---- authenticate / get ---- */

static void auth_on_user(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND || (!err && user->token_version != j->token_version))
        err = SD_ERR_UNAUTHORIZED;
    if (!err) j->user = *user;
    job_end(j, err);
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

static void get_on_user(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err) j->user = *user;
    job_end(j, err);
}

sd_err_t sd_user_service_get(sd_app_t *app, const char *id, sd_user_service_cb cb, void *ctx)
{
    if (!sd_snowflake_parse(id)) return SD_ERR_NOT_FOUND;
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    return started(j, sd_user_repo_get(app->db, id, get_on_user, j));
}

/* ---- update ---- */

/* j->user: the account as read (j->old) with the edit applied. */
static void apply_patch(job_t *j)
{
    j->user = j->old;
    if (j->set_username) memcpy(j->user.username, j->patch.username, sizeof j->user.username);
    if (j->set_global_name) memcpy(j->user.global_name, j->patch.global_name, sizeof j->user.global_name);
    if (j->set_avatar) memcpy(j->user.avatar, j->patch.avatar, sizeof j->user.avatar);
    if (j->set_banner) memcpy(j->user.banner, j->patch.banner, sizeof j->user.banner);
    if (j->hashed) {
        memcpy(j->user.password_hash, j->patch.password_hash, sizeof j->user.password_hash);
        j->user.token_version = j->old.token_version + 1;
    }
}

static void upd_write(job_t *j);

static void upd_on_fresh(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (err) {
        job_end(j, err);
        return;
    }
    if (user->token_version != j->old.token_version) { /* the password changed: this token is retired */
        job_end_because(j, SD_ERR_CONFLICT, SD_CONFLICT_STALE, SD_REASON_NONE, NULL);
        return;
    }
    j->old = *user;
    apply_patch(j);
    upd_write(j);
}

static void upd_on_written(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_CONFLICT && conflict == SD_CONFLICT_STALE && !j->retried) {
        /* Another edit of the account won the race: apply this one to what it wrote, once. */
        j->retried = true;
        err = sd_user_repo_get(j->app->db, j->old.id, upd_on_fresh, j);
        if (err) job_end(j, err);
        return;
    }
    if (!err && j->new_password) err = make_token(j);
    if (!err && j->hashed) publish_retired(j);
    if (!err) /* the user's own sessions see their account change */
        sd_events_publish(j->app, "USER_UPDATE", NULL, NULL, json_pack("[s]", j->user.id), 0,
                          sd_user_private_json(&j->user));
    job_end_because(j, err, conflict, SD_REASON_NONE, NULL);
}

static void upd_write(job_t *j)
{
    sd_err_t err = sd_user_repo_update(j->app->db, &j->old, &j->user, upd_on_written, j);
    if (err) job_end(j, err);
}

static void upd_on_hash(sd_err_t err, const char *hash, void *ctx)
{
    job_t *j = ctx;
    if (err || strlen(hash) >= sizeof j->patch.password_hash) {
        job_end(j, err ? err : SD_ERR_INTERNAL);
        return;
    }
    strcpy(j->patch.password_hash, hash);
    j->hashed = true;
    apply_patch(j);
    upd_write(j);
}

static void upd_on_verify(sd_err_t err, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_UNAUTHORIZED) {
        job_end_because(j, err, SD_CONFLICT_NONE, SD_REASON_WRONG_PASSWORD, "password");
        return;
    }
    if (!err) err = sd_password_hash(j->app->loop, j->new_password, upd_on_hash, j);
    if (err) job_end(j, err);
}

/* The edit's writes, once its images are stored: the password checked and hashed first when it changes. */
static sd_err_t upd_start(job_t *j)
{
    apply_patch(j);
    if (j->new_password)
        return sd_password_verify(j->app->loop, j->old.password_hash, j->password, upd_on_verify, j);
    return sd_user_repo_update(j->app->db, &j->old, &j->user, upd_on_written, j);
}

static const sd_image_field_t user_images[] = {{"avatar", SD_IMAGE_AVATAR}, {"banner", SD_IMAGE_BANNER}};

static void upd_on_images(sd_err_t err, json_t *errors, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_INVALID && errors) {
        j->errors = json_incref(errors);
        job_end_because(j, err, SD_CONFLICT_NONE, SD_REASON_FORM, NULL);
        return;
    }
    const char *avatar = json_string_value(json_object_get(j->images, "avatar"));
    const char *banner = json_string_value(json_object_get(j->images, "banner"));
    if (!err && avatar && strlen(avatar) < sizeof j->patch.avatar) strcpy(j->patch.avatar, avatar);
    if (!err && banner && strlen(banner) < sizeof j->patch.banner) strcpy(j->patch.banner, banner);
    if (!err) err = upd_start(j);
    if (err) job_end(j, err);
}

sd_err_t sd_user_service_update(sd_app_t *app, const sd_user_t *me, const sd_user_patch_in_t *in,
                                sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    j->old = *me;
    if ((j->set_username = in->username != NULL))
        snprintf(j->patch.username, sizeof j->patch.username, "%s", in->username);
    if ((j->set_global_name = in->set_global_name))
        snprintf(j->patch.global_name, sizeof j->patch.global_name, "%s",
                 in->global_name ? in->global_name : "");
    j->set_avatar = in->set_avatar; /* "" (null) unless a data URI is stored below */
    j->set_banner = in->set_banner;
    if (in->new_password) {
        j->password = strdup(in->password);
        j->new_password = strdup(in->new_password);
        if (!j->password || !j->new_password) return started(j, SD_ERR_NOMEM);
    }
    if (in->avatar || in->banner) {
        if (!(j->images = json_object())) return started(j, SD_ERR_NOMEM);
        if (in->avatar) json_object_set_new(j->images, "avatar", json_string(in->avatar));
        if (in->banner) json_object_set_new(j->images, "banner", json_string(in->banner));
        return started(j, sd_image_fields_save(app, j->images, user_images, 2, me->id, upd_on_images, j));
    }
    return started(j, upd_start(j));
}

/* ---- retiring every token ---- */

static void retire_write(job_t *j);

static void retire_on_fresh(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (!err && user->token_version != j->old.token_version) { /* retired meanwhile: done */
        j->user = *user;
        job_end(j, SD_OK);
        return;
    }
    if (err) {
        job_end(j, err);
        return;
    }
    j->old = *user;
    retire_write(j);
}

static void retire_on_written(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx)
{
    job_t *j = ctx;
    if (err == SD_ERR_CONFLICT && conflict == SD_CONFLICT_STALE && !j->retried) {
        /* the account changed meanwhile (a profile edit, or its tokens retired already): read it again */
        j->retried = true;
        err = sd_user_repo_get(j->app->db, j->old.id, retire_on_fresh, j);
        if (err) job_end(j, err);
        return;
    }
    if (!err) publish_retired(j);
    job_end_because(j, err, conflict, SD_REASON_NONE, NULL);
}

static void retire_write(job_t *j)
{
    j->user = j->old;
    j->user.token_version = j->old.token_version + 1;
    sd_err_t err = sd_user_repo_update(j->app->db, &j->old, &j->user, retire_on_written, j);
    if (err) job_end(j, err);
}

sd_err_t sd_user_service_retire_tokens(sd_app_t *app, const sd_user_t *me, sd_user_service_cb cb, void *ctx)
{
    job_t *j = job_new(app, cb, ctx);
    if (!j) return SD_ERR_NOMEM;
    j->old = *me;
    j->user = *me;
    j->user.token_version = me->token_version + 1;
    return started(j, sd_user_repo_update(app->db, &j->old, &j->user, retire_on_written, j));
}

/* ---- public objects ---- */

typedef struct {
    void (*cb)(sd_err_t err, json_t *by_id, void *ctx);
    void *ctx;
} public_t;

static void on_public(sd_err_t err, const sd_user_t *users, size_t n, void *ctx)
{
    public_t *p = ctx;
    json_t *by_id = json_object();
    if (!err && !by_id) err = SD_ERR_NOMEM;
    for (size_t i = 0; !err && i < n; i++)
        json_object_set_new(by_id, users[i].id, sd_user_public_json(&users[i]));
    p->cb(err, by_id, p->ctx);
    json_decref(by_id);
    free(p);
}

sd_err_t sd_user_service_public_many(sd_app_t *app, json_t *ids,
                                     void (*cb)(sd_err_t err, json_t *by_id, void *ctx), void *ctx)
{
    public_t *p = malloc(sizeof *p);
    if (!p) {
        json_decref(ids);
        return SD_ERR_NOMEM;
    }
    *p = (public_t){cb, ctx};
    sd_err_t err = sd_user_repo_get_many(app->db, ids, on_public, p);
    if (err) free(p);
    return err;
}
