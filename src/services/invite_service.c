#include "services/invite_service.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/guild_repo.h"
#include "repositories/user_repo.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/gjob.h"
#include "services/permissions.h"
#include "services/user_service.h"

#define CODE_LENGTH 10

/* A job about one invite code (loaded by load_invite, not by sd_gjob_load). */
static sd_gjob_t *code_job(sd_app_t *app, const char *user_id, const char *code, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (j) snprintf(j->target, sizeof j->target, "%s", code);
    return j;
}

static void unknown(sd_gjob_t *j)
{
    sd_gjob_unknown(j, SD_ENTITY_INVITE);
}

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_INVITE);
}

static long long now_s(void)
{
    return (long long)time(NULL);
}

static bool expired(const json_t *invite)
{
    long long exp = json_integer_value(json_object_get(invite, "expires_at"));
    return exp > 0 && exp <= now_s();
}

typedef struct {
    sd_gjob_t *j;
    json_t *body;    /* one invite object, or an array of them */
    json_t *inviter; /* the inviter id of each, in order */
} inviters_t;

static void on_inviters(sd_err_t err, json_t *by_id, void *ctx)
{
    inviters_t *w = ctx;
    json_t *items = json_is_array(w->body) ? json_incref(w->body) : json_pack("[O]", w->body);
    size_t i;
    json_t *inv;
    json_array_foreach(items, i, inv)
    {
        json_t *u = err ? NULL : json_object_get(by_id, json_string_value(json_array_get(w->inviter, i)));
        if (u) json_object_set(inv, "inviter", u);
    }
    json_t *event = w->j->event && !strcmp(w->j->event, "INVITE_CREATE") ? w->j->event_data : NULL;
    if (!json_is_array(w->body) && event && json_object_get(w->body, "inviter"))
        json_object_set(event, "inviter", json_object_get(w->body, "inviter"));
    json_decref(items);
    json_decref(w->inviter);
    sd_gjob_ok(w->j, SD_OUTCOME_OK, w->body);
    free(w);
}

/* Answers body (stolen: one invite, or an array) with the inviter of each: stored is the stored invite, or
   the array of them in body's order. INVITE_CREATE's data gets the inviter too. */
static void answer_invites(sd_gjob_t *j, json_t *body, const json_t *stored)
{
    inviters_t *w = body ? calloc(1, sizeof *w) : NULL;
    if (!w) {
        sd_gjob_ok(j, SD_OUTCOME_OK, body);
        return;
    }
    *w = (inviters_t){.j = j, .body = body, .inviter = json_array()};
    json_t *ids = json_array();
    size_t i;
    json_t *inv;
    json_t *list = json_is_array(stored) ? json_incref((json_t *)stored) : json_pack("[O]", stored);
    json_array_foreach(list, i, inv)
    {
        json_t *id = json_object_get(inv, "inviter_id");
        json_array_append_new(w->inviter, id ? json_incref(id) : json_null());
        if (json_is_string(id)) json_array_append(ids, id);
    }
    json_decref(list);
    if (sd_user_service_public_many(j->app, ids, on_inviters, w)) on_inviters(SD_ERR_INTERNAL, NULL, w);
}

static bool valid_code(const char *code)
{
    size_t n = strlen(code);
    if (n < 2 || n > 32) return false;
    for (; *code; code++)
        if (!((*code >= 'a' && *code <= 'z') || (*code >= 'A' && *code <= 'Z') ||
              (*code >= '0' && *code <= '9') || *code == '-'))
            return false;
    return true;
}

/* ---- create ---- */

static void on_created(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT && j->counter++ < 3) { /* a code collision: draw again */
        j->next(j);
        return;
    }
    if (err) {
        fail_store(j, err);
        return;
    }
    j->event = "INVITE_CREATE";
    j->event_perms = SD_PERM_MANAGE_CHANNELS; /* as Discord: those who manage the channel */
    json_t *inv = sd_invite_json(j->found, j->guild, j->channel, NULL);
    j->event_data = json_object();
    static const char *const keys[] = {"code",      "created_at", "max_age",   "max_uses",
                                       "temporary", "uses",       "expires_at"};
    for (size_t i = 0; inv && i < sizeof keys / sizeof *keys; i++)
        json_object_set(j->event_data, keys[i], json_object_get(inv, keys[i]));
    json_object_set(j->event_data, "channel_id", json_object_get(j->found, "channel_id"));
    answer_invites(j, inv, j->found);
}

static void create_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_CREATE_INSTANT_INVITE)) return;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char code[CODE_LENGTH + 1];
    for (int i = 0; i < CODE_LENGTH; i++)
        code[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    code[CODE_LENGTH] = '\0';
    long long age = json_integer_value(json_object_get(j->input, "max_age"));
    char when[40];
    sd_iso_time(now_s() * 1000, when);
    json_decref(j->found);
    j->found =
        json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:i, s:O, s:s}", "code", code, "guild_id", j->guild_id,
                  "channel_id", j->channel_id, "inviter_id", j->user_id, "max_age",
                  json_object_get(j->input, "max_age"), "max_uses", json_object_get(j->input, "max_uses"),
                  "uses", 0, "temporary", json_object_get(j->input, "temporary"), "created_at", when);
    /* No expiry, no expires_at: DynamoDB's TTL would read 0 as a date in 1970. */
    if (age > 0) json_object_set_new(j->found, "expires_at", json_integer((json_int_t)(now_s() + age)));
    j->next = create_step; /* for a retry after a collision */
    sd_gjob_started(j, sd_invite_repo_create(j->app->db, json_incref(j->found), on_created, j));
}

void sd_invite_service_create(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                              sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, create_step, cb, ctx);
}

/* ---- preview: invite, then its guild and channel ---- */

static void on_preview_channel(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err && err != SD_ERR_NOT_FOUND) {
        fail_store(j, err);
        return;
    }
    if (!err) j->channel = json_incref(channel);
    if (j->next) {
        j->next(j);
        return;
    }
    answer_invites(j, sd_invite_json(j->found, j->guild, j->channel, NULL), j->found);
}

static void on_preview_guild(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->guild = json_incref(guild);
    sd_gjob_started(j, sd_channel_repo_get(j->app->db,
                                           json_string_value(json_object_get(j->found, "channel_id")),
                                           on_preview_channel, j));
}

static void on_invite(sd_err_t err, json_t *invite, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (!err && expired(invite)) err = SD_ERR_NOT_FOUND;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(invite);
    snprintf(j->guild_id, sizeof j->guild_id, "%s", json_string_value(json_object_get(invite, "guild_id")));
    sd_gjob_started(j, sd_guild_repo_get(j->app->db, j->guild_id, on_preview_guild, j));
}

/* Loads invite, guild and channel, then runs next (NULL: answer the preview). */
static void load_invite(sd_gjob_t *j, sd_gjob_step next)
{
    j->next = next;
    if (!valid_code(j->target)) {
        unknown(j);
        return;
    }
    sd_gjob_started(j, sd_invite_repo_get(j->app->db, j->target, on_invite, j));
}

void sd_invite_service_get(sd_app_t *app, const char *code, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = code_job(app, NULL, code, cb, ctx);
    if (j) load_invite(j, NULL);
}

/* ---- join ---- */

static void on_joined(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) {
        switch (sd_member_repo_join_conflict(res, true)) {
        case SD_CONFLICT_INVITE_SPENT:
            unknown(j);
            return; /* used up or expired meanwhile */
        case SD_CONFLICT_BANNED:
            sd_gjob_refuse(j, SD_ERR_FORBIDDEN, SD_REASON_BANNED);
            return;
        case SD_CONFLICT_ALREADY_DONE:
            j->event = NULL; /* already a member: Discord answers as for a join */
            break;
        default:
            sd_gjob_unknown(j, SD_ENTITY_GUILD);
            return;
        }
    } else if (err) {
        fail_store(j, err);
        return;
    }
    json_t *inv = sd_invite_json(j->found, j->guild, j->channel, NULL);
    if (!err) {
        json_object_set_new(inv, "uses",
                            json_integer(json_integer_value(json_object_get(j->found, "uses")) + 1));
        json_t *members = json_object_get(inv, "approximate_member_count");
        if (members)
            json_object_set_new(inv, "approximate_member_count",
                                json_integer(json_integer_value(members) + 1));
    }
    json_object_set_new(inv, "new_member", json_boolean(!err));
    answer_invites(j, inv, j->found);
}

static void on_already(sd_err_t err, json_t *member, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (!err) { /* a member already: no use is spent */
        json_t *inv = sd_invite_json(j->found, j->guild, j->channel, NULL);
        json_object_set_new(inv, "new_member", json_false());
        answer_invites(j, inv, j->found);
        return;
    }
    if (err != SD_ERR_NOT_FOUND) {
        fail_store(j, err);
        return;
    }
    char when[40];
    sd_iso_time(now_s() * 1000, when);
    json_t *m = json_pack("{s:s, s:s, s:n, s:[], s:s}", "guild_id", j->guild_id, "user_id", j->user_id,
                          "nick", "roles", "joined_at", when);
    sd_gjob_user_event(j, "GUILD_MEMBER_ADD", j->user_id);
    json_decref(j->event_data);
    j->event_data = sd_member_json(m, NULL, j->guild);
    sd_gjob_started(j, sd_member_repo_join(j->app->db, m, j->target, now_s(), on_joined, j));
}

static void join_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->user_id, on_already, j));
}

void sd_invite_service_join(sd_app_t *app, const char *user_id, const char *code, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = code_job(app, user_id, code, cb, ctx);
    if (j) load_invite(j, join_step);
}

/* ---- delete ---- */

static void on_deleted(sd_err_t err, json_t *old, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->event = "INVITE_DELETE";
    j->event_perms = SD_PERM_MANAGE_CHANNELS;
    j->event_data = json_pack("{s:O, s:O}", "channel_id", json_object_get(old, "channel_id"), "code",
                              json_object_get(old, "code"));
    answer_invites(j, sd_invite_json(old, j->guild, j->channel, NULL), old);
}

static void delete_step(sd_gjob_t *j)
{
    if (!(j->perms & SD_PERM_MANAGE_CHANNELS) && !(j->base & SD_PERM_MANAGE_GUILD)) {
        sd_gjob_forbidden(j);
        return;
    }
    sd_gjob_started(j, sd_invite_repo_delete(j->app->db, j->target, on_deleted, j));
}

static void delete_loaded(sd_gjob_t *j)
{
    /* Now as the actor: membership and permissions in the invite's channel. */
    const char *channel = json_string_value(json_object_get(j->found, "channel_id"));
    json_decref(j->guild);
    json_decref(j->channel);
    j->guild = j->channel = NULL;
    j->next = NULL;
    sd_gjob_load(j, NULL, channel, delete_step);
}

void sd_invite_service_delete(sd_app_t *app, const char *user_id, const char *code, sd_outcome_cb cb,
                              void *ctx)
{
    sd_gjob_t *j = code_job(app, user_id, code, cb, ctx);
    if (j) load_invite(j, delete_loaded);
}

/* ---- list ---- */

/* j->found holds the guild's invites; channels (borrowed) the guild's channels when the list is the guild's.
 */
static void answer_list(sd_gjob_t *j, const json_t *channels)
{
    json_t *by_id = json_object();
    size_t i;
    json_t *c, *inv;
    json_array_foreach(channels, i, c) json_object_set(by_id, json_string_value(json_object_get(c, "id")), c);
    json_t *out = json_array(), *kept = json_array();
    json_array_foreach(j->found, i, inv)
    {
        const char *ch = json_string_value(json_object_get(inv, "channel_id"));
        if (expired(inv) || (j->channel && strcmp(ch, j->channel_id) != 0)) continue;
        const json_t *channel = j->channel ? j->channel : json_object_get(by_id, ch ? ch : "");
        json_array_append_new(out, sd_invite_json(inv, j->guild, channel, NULL));
        json_array_append(kept, inv);
    }
    json_decref(by_id);
    answer_invites(j, out, kept);
    json_decref(kept);
}

static void on_guild_channels(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    answer_list(j, channels);
}

static void on_listed(sd_err_t err, json_t *invites, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_decref(j->found);
    j->found = json_incref(invites);
    if (j->channel) {
        answer_list(j, NULL);
        return;
    }
    /* The guild's invites show their channels, as Discord's do. */
    sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_guild_channels, j));
}

static void list_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, j->channel ? SD_PERM_MANAGE_CHANNELS : SD_PERM_MANAGE_GUILD)) return;
    sd_gjob_started(j, sd_invite_repo_list(j->app->db, j->guild_id, on_listed, j));
}

void sd_invite_service_list(sd_app_t *app, const char *user_id, const char *guild_id, const char *channel_id,
                            sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, guild_id, channel_id, list_step, cb, ctx);
}
