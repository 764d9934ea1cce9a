#include "services/emoji_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/blob_repo.h"
#include "repositories/emoji_repo.h"
#include "repositories/image_repo.h"
#include "schemas/emoji_schema.h"
#include "schemas/guild_schema.h"
#include "services/gjob.h"
#include "core/log.h"
#include "services/images.h"
#include "services/permissions.h"
#include "services/user_service.h"

/* j->counter holds how the operation answers: its outcome kind, and whether it answers one emoji. */
#define ANSWER_ONE 0x10
#define ANSWER_KIND 0x0f

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_GUILD_EMOJI);
}

/* Discord shows creators in a list to those who may create or manage emoji; */
static bool list_shows_creators(const sd_gjob_t *j)
{
    return (j->perms & (SD_PERM_MANAGE_GUILD_EXPRESSIONS | SD_PERM_CREATE_GUILD_EXPRESSIONS)) != 0;
}

/* ... and one emoji's creator to those who manage emoji, or to its creator while they may create some. */
static bool shows_creator(const sd_gjob_t *j, const json_t *emoji)
{
    const char *creator = json_string_value(json_object_get(emoji, "user_id"));
    if (j->perms & SD_PERM_MANAGE_GUILD_EXPRESSIONS) return true;
    return (j->perms & SD_PERM_CREATE_GUILD_EXPRESSIONS) && creator && !strcmp(creator, j->user_id);
}

/* ---- answers ---- */

static void answer_with(sd_gjob_t *j, const json_t *users)
{
    json_t *all = sd_emojis_json(j->found, users);
    sd_outcome_kind_t kind = (sd_outcome_kind_t)(j->counter & ANSWER_KIND);
    if (!(j->counter & ANSWER_ONE)) {
        sd_gjob_ok(j, kind, all);
        return;
    }
    json_t *one = json_incref(json_array_get(all, 0));
    json_decref(all);
    sd_gjob_ok(j, kind, one);
}

static void on_creators(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    answer_with(j, err ? NULL : by_id); /* creators that cannot be read are left out, not an error */
}

/* Answers the stored emoji rows (stolen: one of them when one, else all) with kind, their creators shown
   when users. */
static void answer(sd_gjob_t *j, json_t *rows, bool one, sd_outcome_kind_t kind, bool users)
{
    json_decref(j->found);
    j->found = rows;
    j->counter = (int)kind | (one ? ANSWER_ONE : 0);
    if (!users || !json_array_size(rows)) {
        answer_with(j, NULL);
        return;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(rows, i, e)
    {
        json_t *uid = json_object_get(e, "user_id");
        if (json_is_string(uid)) json_array_append(ids, uid);
    }
    if (sd_user_service_public_many(j->app, ids, on_creators, j)) answer_with(j, NULL);
}

/* ---- reading ---- */

static void on_list(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        answer(j, json_incref(rows), false, SD_OUTCOME_OK, list_shows_creators(j));
}

static void list_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_emoji_repo_list(j->app->db, j->guild_id, on_list, j));
}

void sd_emoji_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                           void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, guild_id, NULL, list_step, cb, ctx);
}

static void on_get(sd_err_t err, json_t *emoji, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        answer(j, json_pack("[O]", emoji), true, SD_OUTCOME_OK, shows_creator(j, emoji));
}

static bool plausible_id(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < 21 && strspn(s, "0123456789") == n;
}

static void get_step(sd_gjob_t *j)
{
    if (!plausible_id(j->target)) {
        sd_gjob_unknown(j, SD_ENTITY_GUILD_EMOJI);
        return;
    }
    sd_gjob_started(j, sd_emoji_repo_get(j->app->db, j->guild_id, j->target, on_get, j));
}

void sd_emoji_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                          sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, emoji_id, guild_id, NULL, get_step, cb, ctx);
}

/* ---- a change: GUILD_EMOJIS_UPDATE with every emoji, then the answer ---- */

static void on_changed_list(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    sd_outcome_kind_t kind = (sd_outcome_kind_t)(j->counter & ANSWER_KIND);
    /* The change is made: were the list unreadable, the event would lie, so none goes out. */
    if (!err) {
        j->event = "GUILD_EMOJIS_UPDATE";
        j->event_data =
            json_pack("{s:s, s:o}", "guild_id", j->guild_id, "emojis", sd_emojis_json(rows, NULL));
    }
    if (kind == SD_OUTCOME_NO_CONTENT) {
        sd_gjob_ok(j, kind, NULL);
        return;
    }
    answer(j, json_incref(j->found), true, kind,
           kind == SD_OUTCOME_CREATED || shows_creator(j, json_array_get(j->found, 0)));
}

/* After a write: j->found is the emoji as it now is ([item], or NULL after a deletion). */
static void changed(sd_gjob_t *j, sd_outcome_kind_t kind)
{
    j->counter = (int)kind;
    if (sd_emoji_repo_list(j->app->db, j->guild_id, on_changed_list, j)) on_changed_list(SD_ERR_IO, NULL, j);
}

/* Are the whitelisted roles of the input all roles of the guild? Otherwise answers and returns false. */
static bool roles_ok(sd_gjob_t *j)
{
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(j->input, "roles"), i, id)
    {
        if (json_object_get(json_object_get(j->guild, "roles"), json_string_value(id))) continue;
        char field[32];
        snprintf(field, sizeof field, "roles.%zu", i);
        sd_gjob_field_error(j, field, "ROLE_INVALID", "Not a role of this guild.");
        return false;
    }
    return true;
}

/* ---- the image of an emoji that is no more ---- */

/* The variants the CDN may have made of it (services/cdn_images): every size it serves in every format. */
static const int VARIANT_SIZES[] = {0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
static const char *const VARIANT_FORMATS[] = {"png", "jpg", "webp", "gif"};
#define VARIANTS ((int)(sizeof VARIANT_SIZES / sizeof *VARIANT_SIZES * 4))

typedef struct {
    sd_app_t *app;
    char original[80];
    char key[SD_IMAGE_KEY_MAX];
    int next; /* 0: the original, then variant next - 1 */
    int tries;
} drop_t;

static void drop_next(drop_t *d);

static void on_image_dropped(const sd_s3_result_t *r, void *ctx)
{
    drop_t *d = ctx;
    /* A store that failed for a moment is asked again; an object already gone (or never made) is fine. */
    if ((r->err == SD_ERR_UNAVAILABLE || r->err == SD_ERR_BUSY) && ++d->tries < 3 &&
        sd_blob_delete(d->app, d->key, on_image_dropped, d) == SD_OK)
        return;
    if (r->err && r->err != SD_ERR_NOT_FOUND && r->err != SD_ERR_CANCELLED)
        sd_log(SD_LOG_WARN, "emoji image not deleted", json_pack("{s:s, s:i}", "key", d->key, "err", r->err));
    if (r->err == SD_ERR_CANCELLED) { /* shutting down */
        free(d);
        return;
    }
    d->next++;
    d->tries = 0;
    drop_next(d);
}

/* One object at a time, so that a deletion never floods the store's queue. */
static void drop_next(drop_t *d)
{
    for (; d->next <= VARIANTS; d->next++) {
        int v = d->next - 1;
        if (d->next == 0)
            snprintf(d->key, sizeof d->key, "%s", d->original);
        else if (sd_image_repo_variant_key(d->original, VARIANT_SIZES[v / 4], VARIANT_FORMATS[v % 4], d->key,
                                           sizeof d->key))
            continue;
        if (sd_blob_delete(d->app, d->key, on_image_dropped, d) == SD_OK) return;
    }
    free(d);
}

/* Deletes emojis/{emoji_id} and its variants from the store, in the background (the emoji is gone already).
 */
static void drop_image(sd_app_t *app, const char *emoji_id)
{
    drop_t *d = calloc(1, sizeof *d);
    if (!d) return;
    d->app = app;
    snprintf(d->original, sizeof d->original, "emojis/%s", emoji_id);
    drop_next(d);
}

/* ---- create ---- */

static void now_iso(char *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sd_iso_time((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, out);
}

static void image_refused(sd_gjob_t *j, sd_err_t err, const char *reason)
{
    if (err == SD_ERR_TOO_LARGE) {
        char msg[96];
        if (reason)
            snprintf(msg, sizeof msg, "%s", reason);
        else
            snprintf(msg, sizeof msg, "File cannot be larger than %.1f kb.",
                     (double)j->app->cfg->emoji_max_bytes / 1024);
        sd_gjob_field_error(j, "image", "BINARY_TYPE_MAX_SIZE", msg);
    } else if (err == SD_ERR_INVALID) {
        sd_gjob_field_error(j, "image", "IMAGE_INVALID", reason ? reason : "Invalid image data");
    } else {
        sd_gjob_fail(j, &(sd_fault_t){.err = err == SD_ERR_NOMEM ? err : SD_ERR_UNAVAILABLE});
    }
}

static void on_created(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) drop_image(j->app, j->target); /* stored for an emoji that was not made */
    if (err == SD_ERR_CONFLICT) {
        if (sd_emoji_repo_create_conflict(res) == SD_CONFLICT_LIMIT)
            sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_MAX_EMOJIS);
        else
            sd_gjob_unknown(j, SD_ENTITY_GUILD);
        return;
    }
    if (err) {
        fail_store(j, err);
        return;
    }
    changed(j, SD_OUTCOME_CREATED);
}

static void on_saved(sd_err_t err, const char *hash, int animated, const char *reason, void *ctx)
{
    (void)hash;
    sd_gjob_t *j = ctx;
    if (err) {
        image_refused(j, err, reason);
        return;
    }
    char when[SD_ISO_TIME_SIZE];
    now_iso(when);
    json_t *roles = json_object_get(j->input, "roles");
    json_t *emoji = json_pack("{s:s, s:s, s:O, s:o, s:s, s:b, s:s}", "guild_id", j->guild_id, "emoji_id",
                              j->target, "name", json_object_get(j->input, "name"), "roles",
                              roles ? json_incref(roles) : json_array(), "user_id", j->user_id, "animated",
                              animated != 0, "created_at", when);
    if (!emoji) {
        fail_store(j, SD_ERR_NOMEM);
        return;
    }
    j->found = json_pack("[O]", emoji);
    sd_gjob_started(j, sd_emoji_repo_create(j->app->db, emoji, SD_EMOJI_SERVICE_MAX, on_created, j));
}

/* The decoded size of a data URI's base64 payload, from its length alone. */
static size_t payload_bytes(const char *uri)
{
    const char *b64 = strstr(uri, ";base64,");
    return b64 ? strlen(b64 + 8) / 4 * 3 : 0;
}

static bool kind_full(const sd_gjob_t *j, const char *count)
{
    return json_integer_value(json_object_get(j->guild, count)) >= SD_EMOJI_SERVICE_MAX;
}

static void create_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_CREATE_GUILD_EXPRESSIONS) || !roles_ok(j)) return;
    /* Whether it is animated is known once the image is read: refused early only when both kinds are full. */
    if (kind_full(j, "emoji_static") && kind_full(j, "emoji_animated")) {
        sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_MAX_EMOJIS);
        return;
    }
    const char *image = json_string_value(json_object_get(j->input, "image"));
    if (payload_bytes(image) > (size_t)j->app->cfg->emoji_max_bytes + 2) {
        image_refused(j, SD_ERR_TOO_LARGE, NULL);
        return;
    }
    sd_gjob_new_id(j, j->target);
    sd_err_t err = sd_images_save(j->app, SD_IMAGE_EMOJI, j->target, image, on_saved, j);
    if (err) image_refused(j, err, NULL);
}

void sd_emoji_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                             sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, guild_id, NULL, create_step, cb, ctx);
}

/* ---- modify / delete: the emoji is read first, for who made it ---- */

/* May the actor change the emoji (MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS on its own)? */
static bool may_change(sd_gjob_t *j, const json_t *emoji)
{
    const char *creator = json_string_value(json_object_get(emoji, "user_id"));
    if ((j->perms & SD_PERM_CREATE_GUILD_EXPRESSIONS) && creator && !strcmp(creator, j->user_id)) return true;
    return sd_gjob_require(j, SD_PERM_MANAGE_GUILD_EXPRESSIONS);
}

static void on_updated(sd_err_t err, json_t *emoji, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) err = SD_ERR_NOT_FOUND; /* deleted meanwhile */
    if (err) {
        fail_store(j, err);
        return;
    }
    json_decref(j->found);
    j->found = json_pack("[O]", emoji);
    changed(j, SD_OUTCOME_OK);
}

static void on_deleted(sd_err_t err, json_t *res, void *ctx)
{
    (void)res;
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) err = SD_ERR_NOT_FOUND; /* deleted meanwhile */
    if (err) {
        fail_store(j, err);
        return;
    }
    drop_image(j->app, j->target);
    changed(j, SD_OUTCOME_NO_CONTENT);
}

static void on_target(sd_err_t err, json_t *emoji, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    if (!may_change(j, emoji)) return;
    if (!j->input) { /* a deletion */
        sd_gjob_started(j, sd_emoji_repo_delete(j->app->db, j->guild_id, j->target,
                                                json_is_true(json_object_get(emoji, "animated")), on_deleted,
                                                j));
        return;
    }
    if (!roles_ok(j)) return;
    sd_gjob_started(
        j, sd_emoji_repo_update(j->app->db, j->guild_id, j->target, json_deep_copy(j->input), on_updated, j));
}

static void change_step(sd_gjob_t *j)
{
    if (!plausible_id(j->target)) {
        sd_gjob_unknown(j, SD_ENTITY_GUILD_EMOJI);
        return;
    }
    /* Without either permission nothing may change: answered before the emoji is looked up. */
    if (!(j->perms & (SD_PERM_MANAGE_GUILD_EXPRESSIONS | SD_PERM_CREATE_GUILD_EXPRESSIONS))) {
        sd_gjob_require(j, SD_PERM_MANAGE_GUILD_EXPRESSIONS);
        return;
    }
    sd_gjob_started(j, sd_emoji_repo_get(j->app->db, j->guild_id, j->target, on_target, j));
}

void sd_emoji_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                             json_t *input, sd_outcome_cb cb, void *ctx)
{
    if (!input) input = json_object(); /* NULL input means a deletion to change_step */
    sd_gjob_run(app, user_id, input, emoji_id, guild_id, NULL, change_step, cb, ctx);
}

void sd_emoji_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                             sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, emoji_id, guild_id, NULL, change_step, cb, ctx);
}

/* ---- for guild objects and GUILD_CREATE ---- */

typedef struct {
    sd_emoji_service_list_cb cb;
    void *ctx;
} of_guild_t;

static void on_of_guild(sd_err_t err, json_t *rows, void *ctx)
{
    of_guild_t *o = ctx;
    json_t *emojis = err ? NULL : sd_emojis_json(rows, NULL);
    if (!err && !emojis) err = SD_ERR_NOMEM;
    o->cb(err, emojis, o->ctx);
    json_decref(emojis);
    free(o);
}

sd_err_t sd_emoji_service_of_guild(sd_app_t *app, const char *guild_id, sd_emoji_service_list_cb cb,
                                   void *ctx)
{
    of_guild_t *o = calloc(1, sizeof *o);
    if (!o) return SD_ERR_NOMEM;
    *o = (of_guild_t){.cb = cb, .ctx = ctx};
    sd_err_t err = sd_emoji_repo_list(app->db, guild_id, on_of_guild, o);
    if (err) free(o);
    return err;
}
