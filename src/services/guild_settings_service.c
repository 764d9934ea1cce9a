#include "services/guild_settings_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/dm_repo.h"
#include "repositories/guild_repo.h"
#include "repositories/guild_settings_repo.h"
#include "schemas/guild_settings_schema.h"
#include "services/events.h"
#include "services/gjob.h"

/* Writes that lost a race with another write of the same settings are tried again this many times. */
#define RETRIES 3

static void load(sd_gjob_t *j);

static void on_saved(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    (void)res;
    if (err == SD_ERR_CONFLICT && ++j->counter < RETRIES) {
        load(j);
        return;
    }
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    json_t *answer = sd_guild_settings_json(j->found);
    sd_events_publish(j->app, "USER_GUILD_SETTINGS_UPDATE", NULL, NULL, json_pack("[s]", j->user_id), 0,
                      json_copy(answer));
    sd_gjob_ok(j, SD_OUTCOME_OK, answer);
}

static void on_loaded(sd_err_t err, json_t *stored, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err && err != SD_ERR_NOT_FOUND) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    if (err) stored = NULL;
    long long read_version = stored ? (long long)json_integer_value(json_object_get(stored, "version")) : 0;
    json_decref(j->found);
    j->found = sd_guild_settings_merge(stored, j->input, j->user_id, j->target);
    if (!j->found) {
        sd_gjob_store_fail(j, SD_ERR_NOMEM, SD_ENTITY_GUILD);
        return;
    }
    sd_gjob_started(j,
                    sd_guild_settings_repo_put(j->app->db, json_copy(j->found), read_version, on_saved, j));
}

static void load(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_guild_settings_repo_get(j->app->db, j->user_id, j->target, on_loaded, j));
}

/* The channels named by the overrides must be the guild's (the user's DMs for "@me"): rows are channels, or
   the user's DM rows, both holding the id under key. */
static void check_channels(sd_gjob_t *j, json_t *rows, const char *key)
{
    json_t *known = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *id = json_string_value(json_object_get(r, key));
        if (id) json_object_set_new(known, id, json_true());
    }
    json_t *errors = json_object();
    const char *id;
    json_t *o;
    json_object_foreach(json_object_get(j->input, "channel_overrides"), id, o)
    {
        if (json_object_get(known, id)) continue;
        json_t *entry = json_pack("{s:[{s:s, s:s}]}", "_errors", "code", "CHANNEL_NOT_IN_GUILD", "message",
                                  "Unknown channel in this guild.");
        json_t *holder = json_object_get(errors, "channel_overrides");
        if (!holder) json_object_set_new(errors, "channel_overrides", holder = json_object());
        json_object_set_new(holder, id, entry);
    }
    json_decref(known);
    if (json_object_size(errors)) {
        sd_gjob_form(j, errors);
        return;
    }
    json_decref(errors);
    load(j);
}

static void on_channels(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    check_channels(j, rows, strcmp(j->target, SD_GUILD_SETTINGS_DMS) ? "id" : "channel_id");
}

static void update_step(sd_gjob_t *j)
{
    if (!json_object_size(json_object_get(j->input, "channel_overrides"))) {
        load(j);
        return;
    }
    if (strcmp(j->target, SD_GUILD_SETTINGS_DMS))
        sd_gjob_started(j, sd_channel_repo_list(j->app->db, j->guild_id, on_channels, j));
    else
        sd_gjob_started(j, sd_dm_repo_list(j->app->db, j->user_id, on_channels, j));
}

void sd_guild_settings_service_update(sd_app_t *app, const char *user_id, const char *guild_id,
                                      json_t *changes, sd_outcome_cb cb, void *ctx)
{
    if (strcmp(guild_id, SD_GUILD_SETTINGS_DMS)) {
        sd_gjob_run(app, user_id, changes, guild_id, guild_id, NULL, update_step, cb, ctx);
        return;
    }
    sd_gjob_t *j = sd_gjob_new(app, user_id, changes, cb, ctx);
    if (!j) return;
    snprintf(j->target, sizeof j->target, "%s", SD_GUILD_SETTINGS_DMS);
    update_step(j);
}

/* ---- the list of READY ---- */

typedef struct {
    sd_guild_settings_list_cb cb;
    void *ctx;
} list_t;

static void on_list(sd_err_t err, json_t *items, void *ctx)
{
    list_t *l = ctx;
    json_t *entries = json_array();
    size_t i;
    json_t *it;
    if (!err) json_array_foreach(items, i, it) json_array_append_new(entries, sd_guild_settings_json(it));
    l->cb(err, entries, l->ctx);
    json_decref(entries);
    free(l);
}

sd_err_t sd_guild_settings_service_list(sd_app_t *app, const char *user_id, sd_guild_settings_list_cb cb,
                                        void *ctx)
{
    list_t *l = malloc(sizeof *l);
    if (!l) return SD_ERR_NOMEM;
    *l = (list_t){cb, ctx};
    sd_err_t err = sd_guild_settings_repo_list(app->db, user_id, on_list, l);
    if (err) free(l);
    return err;
}
