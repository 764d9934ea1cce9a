#include "services/role_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/guild_repo.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/events.h"
#include "services/gjob.h"
#include "services/image_fields.h"
#include "services/permissions.h"

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_ROLE);
}

static json_t *roles(const sd_gjob_t *j)
{
    return json_object_get(j->guild, "roles");
}

/* May the actor hand out these permissions? Only those it has (administrators and the owner have all). */
static bool grantable(sd_gjob_t *j)
{
    uint64_t want = 0;
    const json_t *p = json_object_get(j->input, "permissions");
    if (!p || !sd_permissions_parse(p, &want)) return true;
    if ((want & ~j->base) == 0) return true;
    sd_gjob_forbidden(j);
    return false;
}

static void list_step(sd_gjob_t *j)
{
    sd_gjob_ok(j, SD_OUTCOME_OK, sd_roles_json(j->guild));
}

void sd_role_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                          void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, guild_id, NULL, list_step, cb, ctx);
}

static void get_step(sd_gjob_t *j)
{
    json_t *role = json_object_get(json_object_get(j->guild, "roles"), j->target);
    if (role)
        sd_gjob_ok(j, SD_OUTCOME_OK, sd_role_json(j->target, role));
    else
        sd_gjob_unknown(j, SD_ENTITY_ROLE);
}

void sd_role_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                         sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, role_id, guild_id, NULL, get_step, cb, ctx);
}

/* ---- a role's icon ---- */

static const sd_image_field_t role_images[] = {{"icon", SD_IMAGE_ROLE_ICON}};

/* Stores the icon of j->input (a data URI becomes its hash) under the role j->target, then runs then. */
static void with_icon(sd_gjob_t *j, sd_image_fields_fn then)
{
    if (!sd_image_fields_pending(j->input, role_images, 1))
        then(SD_OK, NULL, j);
    else
        sd_gjob_started(j, sd_image_fields_save(j->app, j->input, role_images, 1, j->target, then, j));
}

/* Answers a failed icon save; true when it did. */
static bool icon_failed(sd_gjob_t *j, sd_err_t err, json_t *errors)
{
    if (!err) return false;
    if (err == SD_ERR_INVALID && errors)
        sd_gjob_form(j, json_incref(errors));
    else
        fail_store(j, err);
    return true;
}

/* ---- create ---- */

/* Answers with the role j->target of guild, and publishes its event (j->event) with it. */
static void answer_role(sd_gjob_t *j, json_t *guild)
{
    json_t *role = sd_role_json(j->target, json_object_get(json_object_get(guild, "roles"), j->target));
    j->event_data = json_pack("{s:O}", "role", role);
    sd_gjob_ok(j, SD_OUTCOME_OK, role);
}

static void on_created(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        answer_role(j, guild);
}

static void create_write(sd_err_t err, json_t *errors, void *ctx);

static void create_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES) || !grantable(j)) return;
    if (json_object_size(roles(j)) >= 250) {
        sd_gjob_field_error(j, "_root", "MAX_ROLES", "Maximum number of guild roles reached (250).");
        return;
    }
    sd_gjob_new_id(j, j->target); /* first: the icon is stored under the role's id */
    with_icon(j, create_write);
}

static void create_write(sd_err_t err, json_t *errors, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (icon_failed(j, err, errors)) return;
    /* A new role goes to the bottom, just above @everyone: the others move up one. */
    json_t *shifts = json_object();
    const char *id;
    json_t *r;
    json_object_foreach(roles(j), id, r)
    {
        json_int_t pos = json_integer_value(json_object_get(r, "position"));
        if (strcmp(id, j->guild_id) != 0) json_object_set_new(shifts, id, json_integer(pos + 1));
    }
    j->event = "GUILD_ROLE_CREATE";
    json_t *role = j->input;
    j->input = NULL;
    json_object_set_new(role, "position", json_integer(1));
    if (!json_object_get(role, "permissions")) json_object_set_new(role, "permissions", json_string("0"));
    if (!json_object_get(role, "color")) json_object_set_new(role, "color", json_integer(0));
    if (!json_object_get(role, "hoist")) json_object_set_new(role, "hoist", json_false());
    if (!json_object_get(role, "mentionable")) json_object_set_new(role, "mentionable", json_false());
    sd_gjob_started(
        j, sd_guild_repo_role_positions(j->app->db, j->guild_id, shifts, j->target, role, on_created, j));
}

void sd_role_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                            sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, guild_id, NULL, create_step, cb, ctx);
}

/* ---- update / delete ---- */

/* The target role if the actor may manage it; otherwise answers and returns NULL. */
static json_t *managed_role(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES)) return NULL;
    json_t *role = json_object_get(roles(j), j->target);
    if (!role) {
        sd_gjob_unknown(j, SD_ENTITY_ROLE);
        return NULL;
    }
    bool everyone = !strcmp(j->target, j->guild_id);
    int position = (int)json_integer_value(json_object_get(role, "position"));
    if (!everyone && !sd_permissions_can_manage_position(j->guild, j->member, position)) {
        sd_gjob_forbidden(j);
        return NULL;
    }
    return role;
}

static void on_role_written(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        answer_role(j, guild);
}

static void update_write(sd_err_t err, json_t *errors, void *ctx);

static void update_step(sd_gjob_t *j)
{
    json_t *role = managed_role(j);
    if (!role || !grantable(j)) return;
    if (!strcmp(j->target, j->guild_id) && json_object_get(j->input, "name")) {
        sd_gjob_field_error(j, "name", "ROLE_EVERYONE_NAME", "The @everyone role cannot be renamed.");
        return;
    }
    with_icon(j, update_write);
}

static void update_write(sd_err_t err, json_t *errors, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (icon_failed(j, err, errors)) return;
    json_t *role = json_object_get(roles(j), j->target);
    json_t *merged = json_deep_copy(role);
    json_object_update(merged, j->input);
    j->event = "GUILD_ROLE_UPDATE";
    sd_gjob_started(j,
                    sd_guild_repo_put_role(j->app->db, j->guild_id, j->target, merged, on_role_written, j));
}

void sd_role_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                            json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, role_id, guild_id, NULL, update_step, cb, ctx);
}

static void on_role_deleted(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) err = SD_ERR_NOT_FOUND; /* deleted meanwhile */
    sd_gjob_done(j, err, SD_ENTITY_ROLE);
}

static void delete_step(sd_gjob_t *j)
{
    if (!managed_role(j)) return;
    if (!strcmp(j->target, j->guild_id)) {
        sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_EVERYONE_ROLE);
        return;
    }
    j->event = "GUILD_ROLE_DELETE";
    j->event_data = json_pack("{s:s}", "role_id", j->target);
    sd_gjob_started(j, sd_guild_repo_put_role(j->app->db, j->guild_id, j->target, NULL, on_role_deleted, j));
}

void sd_role_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                            sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, role_id, guild_id, NULL, delete_step, cb, ctx);
}

/* ---- positions ---- */

static void on_moved(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    size_t i;
    json_t *m;
    json_array_foreach(j->input, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        json_t *role = sd_role_json(id, json_object_get(json_object_get(guild, "roles"), id));
        sd_events_publish(j->app, "GUILD_ROLE_UPDATE", j->guild_id, NULL, NULL, 0,
                          json_pack("{s:s, s:o}", "guild_id", j->guild_id, "role", role));
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, sd_roles_json(guild));
}

static void positions_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES)) return;
    int top = sd_permissions_top_position(j->guild, j->member);
    bool owner = sd_gjob_is_owner(j);
    json_t *moves = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(j->input, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        json_t *role = json_object_get(roles(j), id);
        json_t *pos = json_object_get(m, "position");
        /* Clients send the whole list (discord.js does), @everyone at 0 and the roles that stay where they
           are included: only a move is checked and made. */
        if (role && pos && json_integer_value(pos) == json_integer_value(json_object_get(role, "position")))
            continue;
        if (!role || !pos || !strcmp(id, j->guild_id) || json_integer_value(pos) < 1) {
            json_decref(moves);
            char field[32];
            snprintf(field, sizeof field, "%zu.id", i);
            sd_gjob_field_error(j, field, "ROLE_INVALID",
                                "Not a movable role of this guild (@everyone stays at 0).");
            return;
        }
        int from = (int)json_integer_value(json_object_get(role, "position"));
        if (!owner && (from >= top || json_integer_value(pos) >= top)) {
            json_decref(moves);
            sd_gjob_forbidden(j);
            return;
        }
        json_object_set(moves, id, pos);
    }
    if (!json_object_size(moves)) { /* nothing moves: the roles as they are */
        json_decref(moves);
        sd_gjob_ok(j, SD_OUTCOME_OK, sd_roles_json(j->guild));
        return;
    }
    sd_gjob_started(j, sd_guild_repo_role_positions(j->app->db, j->guild_id, moves, NULL, NULL, on_moved, j));
}

void sd_role_service_positions(sd_app_t *app, const char *user_id, const char *guild_id, json_t *moves,
                               sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, moves, NULL, guild_id, NULL, positions_step, cb, ctx);
}
