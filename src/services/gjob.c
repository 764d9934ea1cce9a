#include "services/gjob.h"

#include "services/events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/guild_repo.h"
#include "schemas/guild_objects.h"
#include "services/permissions.h"
#include "services/snowflake.h"
#include "services/user_service.h"

sd_gjob_t *sd_gjob_new(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = calloc(1, sizeof *j);
    if (!j) { /* answered here, so that every caller may simply stop */
        json_decref(input);
        sd_outcome_t o = {.fault = {.err = SD_ERR_NOMEM}};
        cb(&o, ctx);
        return NULL;
    }
    j->app = app;
    j->cb = cb;
    j->cb_ctx = ctx;
    j->input = input;
    snprintf(j->user_id, sizeof j->user_id, "%s", user_id ? user_id : "");
    return j;
}

static void finish(sd_gjob_t *j, const sd_outcome_t *o)
{
    j->cb(o, j->cb_ctx);
    json_decref(j->guild);
    json_decref(j->member);
    json_decref(j->channel);
    json_decref(j->input);
    json_decref(j->found);
    json_decref(j->event_data);
    free(j);
}

typedef struct {
    sd_app_t *app;
    const char *type;
    char guild_id[24], channel_id[24];
    json_t *users, *data;
    uint64_t perms;
    const char *user_key; /* where the user goes, NULL: "user" */
} pending_t;

static void send_pending(pending_t *p)
{
    sd_events_publish(p->app, p->type, p->guild_id, p->channel_id, p->users, p->perms, p->data);
    free(p);
}

static void on_event_user(sd_err_t err, json_t *by_id, void *ctx)
{
    pending_t *p = ctx;
    json_t *user = err ? NULL : json_object_get(by_id, json_string_value(json_object_get(p->data, "user")));
    if (user)
        json_object_set(p->data, "user", user);
    else /* gone meanwhile: the id is all there is to say */
        json_object_set_new(p->data, "user", json_pack("{s:O}", "id", json_object_get(p->data, "user")));
    if (p->user_key) {
        json_t *user_obj = json_incref(json_object_get(p->data, "user"));
        json_object_del(p->data, "user");
        json_t *holder = json_object_get(p->data, p->user_key);
        if (json_is_object(holder))
            json_object_set_new(holder, "user", user_obj);
        else
            json_object_set_new(p->data, p->user_key, user_obj);
    }
    send_pending(p);
}

/* The event an operation asked for, to the channel's audience (a DM's recipients, or the guild's members). */
static void publish(sd_gjob_t *j, json_t *body)
{
    json_t *data = j->event_data; /* the job's own: taken */
    j->event_data = NULL;
    const json_t *src = data ? data : body;
    const char *id = json_string_value(json_object_get(src, "id"));
    bool add_guild = json_is_object(src) && j->guild_id[0] && !json_object_get(src, "guild_id") &&
                     !(id && !strcmp(id, j->guild_id));
    if (!data) data = add_guild ? json_copy(body) : json_incref(body); /* the answer itself stays as it is */
    pending_t *p = data ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        json_decref(data);
        return;
    }
    if (add_guild) json_object_set_new(data, "guild_id", json_string(j->guild_id));
    *p = (pending_t){.app = j->app,
                     .type = j->event,
                     .data = data,
                     .perms = j->event_perms,
                     .user_key = j->event_user_key};
    snprintf(p->guild_id, sizeof p->guild_id, "%s", j->guild_id);
    snprintf(p->channel_id, sizeof p->channel_id, "%s", j->channel_id);
    if (!j->guild_id[0] && j->channel) p->users = json_deep_copy(json_object_get(j->channel, "recipients"));
    if (!j->event_user[0]) {
        send_pending(p);
        return;
    }
    json_object_set_new(data, "user", json_string(j->event_user));
    if (sd_user_service_public_many(j->app, json_pack("[s]", j->event_user), on_event_user, p))
        on_event_user(SD_ERR_INTERNAL, NULL, p);
}

void sd_gjob_ok(sd_gjob_t *j, sd_outcome_kind_t kind, json_t *body)
{
    sd_outcome_t o = {.kind = kind, .body = body};
    if (kind != SD_OUTCOME_NO_CONTENT && !body)
        o = (sd_outcome_t){.fault = {.err = SD_ERR_NOMEM}};
    else if (j->event)
        publish(j, body);
    finish(j, &o);
    json_decref(body);
}

void sd_gjob_fail(sd_gjob_t *j, const sd_fault_t *f)
{
    sd_outcome_t o = {.fault = *f};
    finish(j, &o);
}

void sd_gjob_unknown(sd_gjob_t *j, sd_entity_t what)
{
    sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = what});
}

void sd_gjob_refuse(sd_gjob_t *j, sd_err_t err, sd_reason_t why)
{
    sd_gjob_fail(j, &(sd_fault_t){.err = err, .reason = why});
}

void sd_gjob_conflict(sd_gjob_t *j, sd_conflict_t why)
{
    sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_CONFLICT, .conflict = why});
}

void sd_gjob_form(sd_gjob_t *j, json_t *errors)
{
    sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_FORM, .errors = errors});
    json_decref(errors);
}

void sd_gjob_field_error(sd_gjob_t *j, const char *field, const char *code, const char *message)
{
    json_t *errors = json_object();
    sd_form_error_add(errors, field, code, message);
    sd_gjob_form(j, errors);
}

void sd_gjob_store_fail(sd_gjob_t *j, sd_err_t err, sd_entity_t unknown)
{
    switch (err) {
    case SD_ERR_NOT_FOUND:
        sd_gjob_unknown(j, unknown);
        return;
    case SD_OK: /* not a failure: a caller's mistake */
    case SD_ERR_INVALID:
    case SD_ERR_UNAUTHORIZED:
    case SD_ERR_FORBIDDEN:
    case SD_ERR_IO:
    case SD_ERR_EXISTS:
        /* the store refused what we asked: our fault, not the caller's */
        sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_INTERNAL});
        return;
    default: /* unavailable, throttled, busy, conflict, out of memory: as they are */
        sd_gjob_fail(j, &(sd_fault_t){.err = err});
        return;
    }
}

void sd_gjob_done(sd_gjob_t *j, sd_err_t err, sd_entity_t unknown)
{
    if (err)
        sd_gjob_store_fail(j, err, unknown);
    else
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
}

bool sd_gjob_started(sd_gjob_t *j, sd_err_t err)
{
    if (err) sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
    return err == SD_OK;
}

void sd_gjob_forbidden(sd_gjob_t *j)
{
    sd_gjob_refuse(j, SD_ERR_FORBIDDEN, SD_REASON_MISSING_PERMISSIONS);
}

bool sd_gjob_require(sd_gjob_t *j, uint64_t perm)
{
    if ((j->perms & perm) == perm) return true;
    sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_FORBIDDEN,
                                  .reason = SD_REASON_MISSING_PERMISSIONS,
                                  .missing = perm & ~j->perms});
    return false;
}

bool sd_gjob_is_owner(const sd_gjob_t *j)
{
    const char *owner = json_string_value(json_object_get(j->guild, "owner_id"));
    return owner && strcmp(owner, j->user_id) == 0;
}

void sd_gjob_user_event(sd_gjob_t *j, const char *type, const char *user_id)
{
    j->event = type;
    json_decref(j->event_data);
    j->event_data = json_object();
    snprintf(j->event_user, sizeof j->event_user, "%s", user_id);
}

void sd_gjob_actor_member_event(sd_gjob_t *j)
{
    if (!j->guild_id[0] || !j->member || !j->event_data) return;
    json_object_set_new(j->event_data, "member", sd_member_json(j->member, NULL, j->guild));
    snprintf(j->event_user, sizeof j->event_user, "%s", j->user_id);
    j->event_user_key = "member";
}

void sd_gjob_new_id(sd_gjob_t *j, char *out)
{
    snprintf(out, 24, "%" PRIu64, sd_snowflake_next(j->app->ids));
}

/* ---- loading ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_member(sd_err_t err, json_t *member, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err && err != SD_ERR_NOT_FOUND) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    if (err == SD_ERR_NOT_FOUND) {
        if (!j->member_optional) {
            sd_gjob_unknown(j, j->channel ? SD_ENTITY_CHANNEL : SD_ENTITY_GUILD);
            return;
        }
    } else {
        j->member = json_incref(member);
    }
    long long now = now_ms();
    j->base = sd_permissions_apply_timeout(sd_permissions_base(j->guild, j->member), j->member, now);
    j->perms = j->base;
    if (j->channel) {
        j->perms = sd_permissions_apply_timeout(
            sd_permissions_channel(j->base, j->guild, j->member, j->channel), j->member, now);
        if (!(j->perms & SD_PERM_VIEW_CHANNEL)) {
            sd_gjob_unknown(j, SD_ENTITY_CHANNEL);
            return;
        }
    }
    j->next(j);
}

static void on_guild(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        if (j->channel)
            sd_gjob_store_fail(j, err, SD_ENTITY_CHANNEL);
        else
            sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    j->guild = json_incref(guild);
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->user_id, on_member, j));
}

static void on_channel(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_CHANNEL);
        return;
    }
    const char *gid = json_string_value(json_object_get(channel, "guild_id"));
    if (!gid && !j->guild_id[0]) { /* a DM: its recipients are its members */
        j->channel = json_incref(channel);
        j->base = j->perms = sd_permissions_dm(channel, j->user_id);
        if (!j->perms) {
            sd_gjob_unknown(j, SD_ENTITY_CHANNEL);
            return;
        }
        j->next(j);
        return;
    }
    if (!gid || (j->guild_id[0] && strcmp(gid, j->guild_id) != 0)) {
        sd_gjob_unknown(j, SD_ENTITY_CHANNEL);
        return;
    }
    snprintf(j->guild_id, sizeof j->guild_id, "%s", gid);
    j->channel = json_incref(channel);
    sd_gjob_started(j, sd_guild_repo_get(j->app->db, j->guild_id, on_guild, j));
}

static bool plausible_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 20) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

void sd_gjob_load(sd_gjob_t *j, const char *guild_id, const char *channel_id, sd_gjob_step next)
{
    j->next = next;
    if (guild_id) {
        if (!plausible_id(guild_id)) {
            sd_gjob_unknown(j, SD_ENTITY_GUILD);
            return;
        }
        snprintf(j->guild_id, sizeof j->guild_id, "%s", guild_id);
    }
    if (channel_id) {
        if (!plausible_id(channel_id)) {
            sd_gjob_unknown(j, SD_ENTITY_CHANNEL);
            return;
        }
        snprintf(j->channel_id, sizeof j->channel_id, "%s", channel_id);
        sd_gjob_started(j, sd_channel_repo_get(j->app->db, channel_id, on_channel, j));
        return;
    }
    sd_gjob_started(j, sd_guild_repo_get(j->app->db, j->guild_id, on_guild, j));
}

void sd_gjob_run(sd_app_t *app, const char *user_id, json_t *input, const char *target, const char *guild_id,
                 const char *channel_id, sd_gjob_step step, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, input, cb, ctx);
    if (!j) return;
    if (target) snprintf(j->target, sizeof j->target, "%s", strcmp(target, "@me") == 0 ? j->user_id : target);
    sd_gjob_load(j, guild_id, channel_id, step);
}

void sd_gjob_load_guild_only(sd_gjob_t *j, const char *guild_id, sd_gjob_step next)
{
    j->member_optional = true;
    sd_gjob_load(j, guild_id, NULL, next);
}
