#include "services/member_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>

#include "repositories/guild_repo.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/ban_purge.h"
#include "services/events.h"
#include "services/gjob.h"
#include "services/image_fields.h"
#include "services/moderation.h"
#include "services/permissions.h"
#include "services/user_service.h"

static void fail_member(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_MEMBER);
}

/* ---- list / get: members with their users ---- */

/* Does the member's username or nickname start with query (ASCII case aside), as Discord's search does? */
static bool search_matches(const json_t *member, const json_t *user, const char *query)
{
    const char *names[] = {json_string_value(json_object_get(user, "username")),
                           json_string_value(json_object_get(user, "global_name")),
                           json_string_value(json_object_get(member, "nick"))};
    size_t n = strlen(query);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i] && strncasecmp(names[i], query, n) == 0) return true;
    return false;
}

static void on_users(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    bool one = j->target[0] != '\0';
    const char *query = json_string_value(json_object_get(j->input, "query"));
    size_t limit = query ? (size_t)json_integer_value(json_object_get(j->input, "limit")) : SIZE_MAX;
    json_t *out = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(j->found, i, m)
    {
        json_t *user = json_object_get(by_id, json_string_value(json_object_get(m, "user_id")));
        if (user && (!query || search_matches(m, user, query)) && json_array_size(out) < limit)
            json_array_append_new(out, sd_member_json(m, user, j->guild));
    }
    if (one) {
        json_t *first = json_incref(json_array_get(out, 0));
        json_decref(out);
        if (first)
            sd_gjob_ok(j, SD_OUTCOME_OK, first);
        else
            sd_gjob_unknown(j, SD_ENTITY_MEMBER);
        return;
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

/* Answers with the members of j->found (array) joined to their users. */
static void answer_members(sd_gjob_t *j)
{
    json_t *ids = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(j->found, i, m) json_array_append(ids, json_object_get(m, "user_id"));
    sd_gjob_started(j, sd_user_service_public_many(j->app, ids, on_users, j));
}

static void on_listed(sd_err_t err, json_t *members, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    j->found = json_incref(members);
    answer_members(j);
}

static void list_step(sd_gjob_t *j)
{
    char after[sizeof j->target];
    snprintf(after, sizeof after, "%s", j->target[0] ? j->target : "0");
    j->target[0] = '\0'; /* on_users reads an empty target as "answer a list" */
    sd_gjob_started(j, sd_member_repo_list(j->app->db, j->guild_id, after, (size_t)j->counter, on_listed, j));
}

void sd_member_service_list(sd_app_t *app, const char *user_id, const char *guild_id, const char *after,
                            int limit, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (!j) return;
    if (after) snprintf(j->target, sizeof j->target, "%s", after);
    j->counter = limit;
    sd_gjob_load(j, guild_id, NULL, list_step);
}

static void on_one(sd_err_t err, json_t *member, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    j->found = json_pack("[O]", member);
    answer_members(j);
}

static void get_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_one, j));
}

void sd_member_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, target, guild_id, NULL, get_step, cb, ctx);
}

void sd_member_service_search(sd_app_t *app, const char *user_id, const char *guild_id, const char *query,
                              int limit, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j =
        sd_gjob_new(app, user_id, json_pack("{s:s, s:i}", "query", query, "limit", limit), cb, ctx);
    if (!j) return;
    j->counter = 1000; /* every member is read: a guild here holds at most a few thousand */
    sd_gjob_load(j, guild_id, NULL, list_step);
}

/* ---- update ---- */

/* Every role added or removed must exist, not be @everyone, and sit below the actor (unless owner). */
static bool roles_ok(sd_gjob_t *j, const json_t *target)
{
    const json_t *want = json_object_get(j->input, "roles");
    const json_t *roles = json_object_get(j->guild, "roles");
    json_t *changed = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(want, i, r) json_object_set_new(changed, json_string_value(r), json_true());
    json_array_foreach(json_object_get(target, "roles"), i, r)
    {
        const char *id = json_string_value(r);
        if (json_object_get(changed, id))
            json_object_del(changed, id); /* kept: no change */
        else if (json_object_get(roles, id))
            json_object_set_new(changed, id, json_false()); /* removed */
    }
    bool ok = true;
    const char *id;
    json_t *added;
    json_object_foreach(changed, id, added)
    {
        json_t *role = json_object_get(roles, id);
        if (!role || !strcmp(id, j->guild_id)) {
            sd_gjob_field_error(j, "roles", "ROLE_UNKNOWN", "Unknown role in this guild.");
            ok = false;
            break;
        }
        if (!sd_permissions_can_manage_position(j->guild, j->member,
                                                (int)json_integer_value(json_object_get(role, "position")))) {
            sd_gjob_forbidden(j);
            ok = false;
            break;
        }
    }
    json_decref(changed);
    return ok;
}

static const sd_image_field_t member_images[] = {{"avatar", SD_IMAGE_AVATAR}};

static void update_write(sd_err_t err, json_t *errors, void *ctx);

static void on_update_target(sd_err_t err, json_t *target, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    bool self = !strcmp(j->target, j->user_id);
    if (json_object_get(j->input, "nick")) {
        uint64_t need = self ? SD_PERM_CHANGE_NICKNAME : SD_PERM_MANAGE_NICKNAMES;
        if (self && (j->perms & SD_PERM_MANAGE_NICKNAMES)) need = SD_PERM_MANAGE_NICKNAMES;
        if (!sd_gjob_require(j, need)) return;
        if (!self && !sd_permissions_can_manage_member(j->guild, j->member, target)) {
            sd_gjob_forbidden(j);
            return;
        }
    }
    if (json_object_get(j->input, "roles")) {
        if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES) || !roles_ok(j, target)) return;
    }
    if (json_object_get(j->input, "communication_disabled_until") &&
        !sd_moderation_timeout_allowed(j, target))
        return;
    if (json_object_get(j->input, "avatar")) {
        if (!self) { /* as Discord: a member's avatar is only the member's own to set */
            sd_gjob_field_error(j, "avatar", "UNSUPPORTED_FIELD", "Only the member may set its avatar.");
            return;
        }
        if (sd_image_fields_pending(j->input, member_images, 1)) {
            sd_gjob_started(
                j, sd_image_fields_save(j->app, j->input, member_images, 1, j->target, update_write, j));
            return;
        }
    }
    update_write(SD_OK, NULL, j);
}

/* Writes the member's changes, once its avatar (if any) is stored. */
static void update_write(sd_err_t err, json_t *errors, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        if (err == SD_ERR_INVALID && errors)
            sd_gjob_form(j, json_incref(errors));
        else
            fail_member(j, err);
        return;
    }
    json_t *changes = j->input;
    j->input = NULL;
    j->event = "GUILD_MEMBER_UPDATE";
    sd_gjob_started(j, sd_member_repo_update(j->app->db, j->guild_id, j->target, changes, on_one, j));
}

static void update_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_update_target, j));
}

void sd_member_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                              json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, target, guild_id, NULL, update_step, cb, ctx);
}

/* ---- one role added or removed: PUT/DELETE /guilds/{id}/members/{user_id}/roles/{role_id} ---- */

typedef struct {
    sd_outcome_cb cb;
    void *ctx;
} no_content_t;

/* The member update's answer as Discord's 204 for these routes (the event carries the member). */
static void on_role_answer(const sd_outcome_t *o, void *ctx)
{
    no_content_t *w = ctx;
    if (o->fault.err)
        w->cb(o, w->ctx);
    else
        w->cb(&(sd_outcome_t){.kind = SD_OUTCOME_NO_CONTENT}, w->ctx);
    free(w);
}

static void on_role_target(sd_err_t err, json_t *target, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    const char *role = json_string_value(json_object_get(j->input, "role_id"));
    bool add = json_is_true(json_object_get(j->input, "add"));
    json_t *roles = json_array();
    size_t i;
    json_t *r;
    bool had = false;
    json_array_foreach(json_object_get(target, "roles"), i, r)
    {
        if (json_is_string(r) && !strcmp(json_string_value(r), role))
            had = true;
        else
            json_array_append(roles, r);
    }
    if (add) json_array_append_new(roles, json_string(role));
    if (had == add) { /* so already: nothing to write, nothing to tell */
        json_decref(roles);
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    json_decref(j->input);
    j->input = json_pack("{s:o}", "roles", roles);
    on_update_target(SD_OK, target, j);
}

static void role_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES)) return;
    const char *role = json_string_value(json_object_get(j->input, "role_id"));
    if (!role || !json_object_get(json_object_get(j->guild, "roles"), role) || !strcmp(role, j->guild_id)) {
        sd_gjob_unknown(j, SD_ENTITY_ROLE);
        return;
    }
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_role_target, j));
}

void sd_member_service_role(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            const char *role_id, bool add, sd_outcome_cb cb, void *ctx)
{
    no_content_t *w = malloc(sizeof *w);
    if (!w) {
        cb(&(sd_outcome_t){.fault = {.err = SD_ERR_NOMEM}}, ctx);
        return;
    }
    *w = (no_content_t){cb, ctx};
    json_t *input = json_pack("{s:s, s:b}", "role_id", role_id, "add", add);
    sd_gjob_run(app, user_id, input, target, guild_id, NULL, role_step, on_role_answer, w);
}

/* ---- add with an OAuth2 token: PUT /guilds/{id}/members/{user_id} ---- */

static void on_add_target(sd_err_t err, json_t *member, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND) /* a new member would need the user's OAuth2 token checked */
        sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_NO_OAUTH2);
    else if (err)
        fail_member(j, err);
    else /* a member already: Discord answers 204 and changes nothing */
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
}

static void add_step(sd_gjob_t *j)
{
    if (sd_gjob_require(j, SD_PERM_CREATE_INSTANT_INVITE))
        sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_add_target, j));
}

void sd_member_service_add(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, target, guild_id, NULL, add_step, cb, ctx);
}

/* ---- kick ---- */

static void on_removed(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) err = SD_ERR_NOT_FOUND; /* left meanwhile */
    sd_gjob_done(j, err, SD_ENTITY_MEMBER);
}

static void on_kick_target(sd_err_t err, json_t *target, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_member(j, err);
        return;
    }
    if (!sd_permissions_can_manage_member(j->guild, j->member, target)) {
        sd_gjob_forbidden(j);
        return;
    }
    sd_gjob_started(j, sd_member_repo_remove(j->app->db, j->guild_id, j->target, NULL, on_removed, j));
}

static void kick_step(sd_gjob_t *j)
{
    sd_gjob_user_event(j, "GUILD_MEMBER_REMOVE", j->target);
    if (sd_gjob_require(j, SD_PERM_KICK_MEMBERS))
        sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_kick_target, j));
}

void sd_member_service_kick(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, target, guild_id, NULL, kick_step, cb, ctx);
}

/* ---- bans ---- */

static json_t *ban_item(sd_gjob_t *j)
{
    json_t *ban = json_pack("{s:s, s:s}", "guild_id", j->guild_id, "user_id", j->target);
    json_t *reason = json_object_get(j->input, "reason");
    json_object_set(ban, "reason", reason ? reason : json_null());
    return ban;
}

static void on_banned(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    json_t *user = json_object_get(j->found, j->target);
    if (!err && j->counter) /* a member was removed by the ban */
        sd_events_publish(j->app, "GUILD_MEMBER_REMOVE", j->guild_id, NULL, NULL, 0,
                          json_pack("{s:s, s:O}", "guild_id", j->guild_id, "user", user));
    json_int_t secs = json_integer_value(json_object_get(j->input, "delete_message_seconds"));
    if (!err && secs > 0) sd_ban_purge_start(j->app, j->guild_id, j->target, secs);
    j->event = "GUILD_BAN_ADD";
    j->event_data = json_pack("{s:O}", "user", user);
    sd_gjob_done(j, err, SD_ENTITY_MEMBER);
}

static void on_ban_member(sd_err_t err, json_t *target, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND) { /* not a member: the ban alone */
        sd_gjob_started(j, sd_ban_repo_put(j->app->db, ban_item(j), on_banned, j));
        return;
    }
    if (err) {
        fail_member(j, err);
        return;
    }
    if (!sd_permissions_can_manage_member(j->guild, j->member, target)) {
        sd_gjob_forbidden(j);
        return;
    }
    j->counter = 1; /* a member goes */
    sd_gjob_started(j, sd_member_repo_remove(j->app->db, j->guild_id, j->target, ban_item(j), on_banned, j));
}

static void on_ban_user(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (!err && !json_object_get(by_id, j->target)) err = SD_ERR_NOT_FOUND;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_USER);
        return;
    }
    j->found = json_incref(by_id);
    sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, j->target, on_ban_member, j));
}

static void ban_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_BAN_MEMBERS)) return;
    const char *owner = json_string_value(json_object_get(j->guild, "owner_id"));
    if ((owner && !strcmp(owner, j->target)) || !strcmp(j->target, j->user_id)) {
        sd_gjob_forbidden(j);
        return;
    }
    sd_gjob_started(j, sd_user_service_public_many(j->app, json_pack("[s]", j->target), on_ban_user, j));
}

void sd_member_service_ban(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, target, guild_id, NULL, ban_step, cb, ctx);
}

static void on_unbanned(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    sd_gjob_done(j, err, SD_ENTITY_BAN);
}

static void unban_step(sd_gjob_t *j)
{
    sd_gjob_user_event(j, "GUILD_BAN_REMOVE", j->target);
    if (sd_gjob_require(j, SD_PERM_BAN_MEMBERS))
        sd_gjob_started(j, sd_ban_repo_delete(j->app->db, j->guild_id, j->target, on_unbanned, j));
}

void sd_member_service_unban(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                             sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, target, guild_id, NULL, unban_step, cb, ctx);
}

static void on_ban_users(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_BAN);
        return;
    }
    json_t *out = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(j->found, i, b)
    {
        json_t *user = json_object_get(by_id, json_string_value(json_object_get(b, "user_id")));
        json_t *reason = json_object_get(b, "reason");
        if (user)
            json_array_append_new(
                out, json_pack("{s:O, s:O}", "reason", reason ? reason : json_null(), "user", user));
    }
    if (j->target[0]) {
        json_t *first = json_incref(json_array_get(out, 0));
        json_decref(out);
        if (first)
            sd_gjob_ok(j, SD_OUTCOME_OK, first);
        else
            sd_gjob_unknown(j, SD_ENTITY_BAN);
        return;
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

static void on_bans(sd_err_t err, json_t *bans, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_BAN);
        return;
    }
    j->found = json_is_array(bans) ? json_incref(bans) : json_pack("[O]", bans);
    json_t *ids = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(j->found, i, b) json_array_append(ids, json_object_get(b, "user_id"));
    sd_gjob_started(j, sd_user_service_public_many(j->app, ids, on_ban_users, j));
}

static void bans_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_BAN_MEMBERS)) return;
    if (j->target[0])
        sd_gjob_started(j, sd_ban_repo_get(j->app->db, j->guild_id, j->target, on_bans, j));
    else
        sd_gjob_started(j, sd_ban_repo_list(j->app->db, j->guild_id, 1000, on_bans, j));
}

void sd_member_service_bans(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, target, guild_id, NULL, bans_step, cb, ctx);
}
