#include "services/channel_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/guild_repo.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/dm_service.h"
#include "services/events.h"
#include "services/gjob.h"
#include "services/permissions.h"

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_CHANNEL);
}

/* The channel of id in the list j->found, or NULL. */
static json_t *find(const sd_gjob_t *j, const char *id)
{
    size_t i;
    json_t *c;
    json_array_foreach(j->found, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "id")), id)) return c;
    }
    return NULL;
}

/* Checks the parent_id of input against the guild's channels (j->found); answers and returns false if bad. */
static bool parent_ok(sd_gjob_t *j, long long type)
{
    const char *parent = json_string_value(json_object_get(j->input, "parent_id"));
    if (!parent) return true;
    json_t *p = find(j, parent);
    if (type == SD_CHANNEL_CATEGORY || !p ||
        json_integer_value(json_object_get(p, "type")) != SD_CHANNEL_CATEGORY) {
        sd_gjob_field_error(j, "parent_id", "CHANNEL_PARENT_INVALID", "Must be a category of this guild.");
        return false;
    }
    return true;
}

/* ---- list ---- */

static void on_list(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *visible = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(channels, i, c)
    {
        if (sd_permissions_channel(j->base, j->guild, j->member, c) & SD_PERM_VIEW_CHANNEL)
            json_array_append(visible, c);
    }
    sd_dm_service_answer_channels(j, visible, false);
}

static void list_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_list, j));
}

void sd_channel_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                             void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, guild_id, NULL, list_step, cb, ctx);
}

/* ---- create ---- */

static void on_created(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        sd_gjob_ok(j, SD_OUTCOME_CREATED, sd_channel_json(j->input));
}

static void on_siblings(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(channels);
    long long type = json_integer_value(json_object_get(j->input, "type"));
    if (!parent_ok(j, type)) return;
    if (json_array_size(channels) >= 500) {
        sd_gjob_field_error(j, "_root", "MAX_CHANNELS", "Maximum number of guild channels reached (500).");
        return;
    }
    char id[24];
    sd_gjob_new_id(j, id);
    snprintf(j->channel_id, sizeof j->channel_id, "%s", id); /* the event's audience: who sees it */
    j->event = "CHANNEL_CREATE";
    json_t *c = j->input;
    json_object_set_new(c, "id", json_string(id));
    json_object_set_new(c, "guild_id", json_string(j->guild_id));
    if (!json_object_get(c, "type")) json_object_set_new(c, "type", json_integer(SD_CHANNEL_TEXT));
    if (!json_object_get(c, "position"))
        json_object_set_new(c, "position", json_integer((json_int_t)json_array_size(channels)));
    if (!json_object_get(c, "topic")) json_object_set_new(c, "topic", json_null());
    if (!json_object_get(c, "parent_id")) json_object_set_new(c, "parent_id", json_null());
    if (!json_object_get(c, "nsfw")) json_object_set_new(c, "nsfw", json_false());
    if (!json_object_get(c, "permission_overwrites"))
        json_object_set_new(c, "permission_overwrites", json_object());
    sd_gjob_started(j, sd_channel_repo_create(j->app->db, json_incref(c), on_created, j));
}

static void create_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_CHANNELS)) return;
    if (json_object_size(json_object_get(j->input, "permission_overwrites")) &&
        !sd_gjob_require(j, SD_PERM_MANAGE_ROLES))
        return;
    sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_siblings, j));
}

void sd_channel_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                               sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, guild_id, NULL, create_step, cb, ctx);
}

/* ---- get ---- */

static void get_step(sd_gjob_t *j)
{
    sd_dm_service_answer_channels(j, json_pack("[O]", j->channel), true);
}

void sd_channel_service_get(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                            void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, NULL, channel_id, get_step, cb, ctx);
}

/* ---- update ---- */

static void on_updated(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        sd_gjob_ok(j, SD_OUTCOME_OK, sd_channel_json(channel));
}

static void update_write(sd_gjob_t *j)
{
    j->event = "CHANNEL_UPDATE";
    json_t *changes = j->input;
    j->input = NULL;
    sd_gjob_started(j, sd_channel_repo_update(j->app->db, j->channel_id, changes, on_updated, j));
}

static void on_update_siblings(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(channels);
    if (parent_ok(j, json_integer_value(json_object_get(j->channel, "type")))) update_write(j);
}

static void update_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_CHANNELS)) return;
    if (json_object_get(j->input, "permission_overwrites") && !sd_gjob_require(j, SD_PERM_MANAGE_ROLES))
        return;
    if (json_string_value(json_object_get(j->input, "parent_id")))
        sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_update_siblings, j));
    else
        update_write(j);
}

void sd_channel_service_update(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                               sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, update_step, cb, ctx);
}

/* ---- delete ---- */

/* CHANNEL_UPDATE for channel (a stored item; borrowed), to those who see it. */
static void updated_event(sd_gjob_t *j, const json_t *channel)
{
    sd_events_publish(j->app, "CHANNEL_UPDATE", j->guild_id,
                      json_string_value(json_object_get(channel, "id")), NULL, 0, sd_channel_json(channel));
}

static void on_orphaned(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (!err) updated_event(j, channel);
    if (--j->counter == 0) sd_gjob_ok(j, SD_OUTCOME_OK, sd_channel_json(j->channel));
}

static void on_children(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    size_t i;
    json_t *c;
    j->counter = 1; /* the children's updates answer, the last one answers the request */
    json_array_foreach(err ? NULL : channels, i, c)
    {
        const char *parent = json_string_value(json_object_get(c, "parent_id"));
        if (parent && !strcmp(parent, j->channel_id) &&
            !sd_channel_repo_update(j->app->db, json_string_value(json_object_get(c, "id")),
                                    json_pack("{s:n}", "parent_id"), on_orphaned, j))
            j->counter++;
    }
    on_orphaned(SD_ERR_NOT_FOUND, NULL, j);
}

static void on_deleted(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else if (json_integer_value(json_object_get(j->channel, "type")) == SD_CHANNEL_CATEGORY)
        sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_children, j));
    else
        sd_gjob_ok(j, SD_OUTCOME_OK, sd_channel_json(j->channel));
}

static void delete_step(sd_gjob_t *j)
{
    j->event = "CHANNEL_DELETE";
    if (sd_gjob_require(j, SD_PERM_MANAGE_CHANNELS))
        sd_gjob_started(j, sd_channel_repo_delete(j->app->db, j->channel_id, on_deleted, j));
}

void sd_channel_service_delete(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                               void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, NULL, channel_id, delete_step, cb, ctx);
}

/* ---- positions ---- */

static void on_moved(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT)
        sd_gjob_field_error(j, "id", "CHANNEL_UNKNOWN", "Unknown channel in this guild.");
    else if (err)
        fail_store(j, err);
    else {
        size_t i;
        json_t *m;
        json_array_foreach(j->input, i, m)
        {
            json_t *c = json_deep_copy(find(j, json_string_value(json_object_get(m, "id"))));
            json_object_update_existing(c, m); /* position, parent_id */
            updated_event(j, c);
            json_decref(c);
        }
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
    }
}

static void on_move_siblings(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(channels);
    size_t i;
    json_t *m;
    json_array_foreach(j->input, i, m)
    {
        json_t *c = find(j, json_string_value(json_object_get(m, "id")));
        const char *parent = json_string_value(json_object_get(m, "parent_id"));
        json_t *p = parent ? find(j, parent) : NULL;
        if (!c || (parent && (!p || json_integer_value(json_object_get(p, "type")) != SD_CHANNEL_CATEGORY ||
                              json_integer_value(json_object_get(c, "type")) == SD_CHANNEL_CATEGORY))) {
            char field[32];
            snprintf(field, sizeof field, "%zu.%s", i, c ? "parent_id" : "id");
            sd_gjob_field_error(j, field, "CHANNEL_INVALID", "Not a channel (or category) of this guild.");
            return;
        }
    }
    if (json_array_size(j->input) > 100) {
        sd_gjob_field_error(j, "_root", "BASE_TYPE_MAX_LENGTH", "At most 100 channels move at once.");
        return;
    }
    sd_gjob_started(j,
                    sd_channel_repo_positions(j->app->db, j->guild_id, json_incref(j->input), on_moved, j));
}

static void positions_step(sd_gjob_t *j)
{
    if (sd_gjob_require(j, SD_PERM_MANAGE_CHANNELS))
        sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_move_siblings, j));
}

void sd_channel_service_positions(sd_app_t *app, const char *user_id, const char *guild_id, json_t *moves,
                                  sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, moves, NULL, guild_id, NULL, positions_step, cb, ctx);
}

/* ---- overwrites ---- */

static void on_overwritten(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (!err) updated_event(j, channel);
    sd_gjob_done(j, err, SD_ENTITY_CHANNEL);
}

static void overwrite_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_ROLES)) return;
    json_t *ow = j->input;
    j->input = NULL;
    if (!ow && !json_object_get(json_object_get(j->channel, "permission_overwrites"), j->target)) {
        sd_gjob_unknown(j, SD_ENTITY_OVERWRITE);
        return;
    }
    sd_gjob_started(
        j, sd_channel_repo_put_overwrite(j->app->db, j->channel_id, j->target, ow, on_overwritten, j));
}

void sd_channel_service_overwrite(sd_app_t *app, const char *user_id, const char *channel_id,
                                  const char *target_id, json_t *overwrite, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, overwrite, target_id, NULL, channel_id, overwrite_step, cb, ctx);
}
