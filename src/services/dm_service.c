#include "services/dm_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/dm_repo.h"
#include "repositories/guild_repo.h"
#include "repositories/message_repo.h"
#include "schemas/fields.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/events.h"
#include "services/permissions.h"
#include "services/snowflake.h"
#include "services/user_service.h"

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_CHANNEL);
}

/* ---- answering with channels: users of DMs and read states looked up ---- */

/* j->found = {"channels": [...], "one": bool, "states": {channel_id: state}} */
static void on_channel_users(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *states = json_object_get(j->found, "states");
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j->found, "channels"), i, c)
    {
        json_t *o =
            json_object_get(c, "guild_id") ? sd_channel_json(c) : sd_dm_channel_json(c, by_id, j->user_id);
        json_t *st = json_object_get(states, json_string_value(json_object_get(c, "id")));
        json_t *last = json_object_get(st, "last_message_id");
        json_object_set_new(o, "last_read_message_id", last ? json_incref(last) : json_null());
        json_object_set_new(o, "mention_count",
                            json_integer(st ? json_integer_value(json_object_get(st, "mention_count")) : 0));
        json_array_append_new(out, o);
    }
    if (json_is_true(json_object_get(j->found, "one"))) {
        json_t *first = json_incref(json_array_get(out, 0));
        json_decref(out);
        sd_gjob_ok(j, SD_OUTCOME_OK, first);
        return;
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

static void on_states(sd_err_t err, json_t *states, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *map = json_object_get(j->found, "states");
    size_t i;
    json_t *s;
    json_array_foreach(states, i, s)
        json_object_set(map, json_string_value(json_object_get(s, "channel_id")), s);
    json_t *ids = json_object();
    json_t *c;
    json_array_foreach(json_object_get(j->found, "channels"), i, c)
    {
        size_t k;
        json_t *r;
        json_array_foreach(json_object_get(c, "recipients"), k, r)
            json_object_set_new(ids, json_string_value(r), json_true());
    }
    json_t *list = json_array();
    const char *id;
    json_t *v;
    json_object_foreach(ids, id, v) json_array_append_new(list, json_string(id));
    json_decref(ids);
    sd_gjob_started(j, sd_user_service_public_many(j->app, list, on_channel_users, j));
}

void sd_dm_service_answer_channels(sd_gjob_t *j, json_t *channels, bool one)
{
    json_decref(j->found);
    j->found = json_pack("{s:o, s:b, s:{}}", "channels", channels, "one", one, "states");
    json_t *ids = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(channels, i, c) json_array_append(ids, json_object_get(c, "id"));
    sd_gjob_started(j, sd_read_state_repo_get_many(j->app->db, j->user_id, ids, on_states, j));
}

/* ---- open ---- */

static void on_pair_channel(sd_err_t err, json_t *channel, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        sd_dm_service_answer_channels(j, json_pack("[O]", channel), true);
}

static void on_pair(sd_err_t err, json_t *pair, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    sd_gjob_started(j, sd_channel_repo_get(j->app->db, json_string_value(json_object_get(pair, "channel_id")),
                                           on_pair_channel, j));
}

static void on_created(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT && j->target[0] &&
        sd_dm_repo_create_conflict(res) == SD_CONFLICT_ALREADY_DONE) { /* lost the race */
        sd_gjob_started(j, sd_dm_repo_pair(j->app->db, j->target, on_pair, j));
        return;
    }
    if (err) {
        fail_store(j, err);
        return;
    }
    /* A new DM appears at once for each recipient, as they see it. */
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j->channel, "recipients"), i, r)
        sd_events_publish(j->app, "CHANNEL_CREATE", NULL, NULL, json_pack("[O]", r), 0,
                          sd_dm_channel_json(j->channel, j->found, json_string_value(r)));
    sd_dm_service_answer_channels(j, json_pack("[O]", j->channel), true);
}

static void create(sd_gjob_t *j, json_t *recipients, bool group)
{
    char id[24];
    sd_gjob_new_id(j, id);
    j->channel = json_pack("{s:s, s:i, s:O}", "id", id, "type", group ? SD_CHANNEL_GROUP_DM : SD_CHANNEL_DM,
                           "recipients", recipients);
    if (group) json_object_set_new(j->channel, "owner_id", json_string(j->user_id));
    sd_gjob_started(
        j, sd_dm_repo_create(j->app->db, json_incref(j->channel), group ? NULL : j->target, on_created, j));
}

static void on_existing_pair(sd_err_t err, json_t *pair, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND) {
        json_t *recipients = json_pack("[s, O]", j->user_id, json_object_get(j->input, "recipient_id"));
        create(j, recipients, false);
        json_decref(recipients);
        return;
    }
    on_pair(err, pair, ctx);
}

static void on_recipients(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *wanted = json_object_get(j->input, "recipients");
    j->found = json_incref(by_id); /* the users, for the new channel's events */
    size_t i;
    json_t *r;
    json_array_foreach(wanted, i, r)
    {
        if (!json_object_get(by_id, json_string_value(r)) || !strcmp(json_string_value(r), j->user_id)) {
            sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_INVALID_RECIPIENT);
            return;
        }
    }
    if (json_object_get(j->input, "recipient_id")) {
        sd_dm_pair(j->user_id, json_string_value(json_object_get(j->input, "recipient_id")), j->target,
                   sizeof j->target);
        sd_gjob_started(j, sd_dm_repo_pair(j->app->db, j->target, on_existing_pair, j));
        return;
    }
    json_t *all = json_pack("[s]", j->user_id);
    json_array_extend(all, wanted);
    create(j, all, true);
    json_decref(all);
}

void sd_dm_service_open(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, input, cb, ctx);
    if (!j) return;
    json_t *errors = json_object();
    char one[SD_FIELD_ID_SIZE];
    json_t *list = json_object_get(input, "recipients");
    if (sd_field_id(input, errors, "recipient_id", false, one)) {
        json_object_set_new(input, "recipients", json_pack("[s]", one));
    } else if (!json_object_size(errors)) {
        size_t n = json_array_size(list), i;
        json_t *r;
        bool ok = json_is_array(list) && n >= 1 && n <= 9;
        json_array_foreach(list, i, r) ok =
            ok && json_is_string(r) && sd_snowflake_parse(json_string_value(r));
        if (!ok)
            sd_form_error_add(errors, "recipients", "BASE_TYPE_BAD_LENGTH",
                              "Must be between 1 and 9 user ids.");
        else if (n == 1) /* a one-person "group" is the DM */
            json_object_set(input, "recipient_id", json_array_get(list, 0));
    }
    if (json_object_size(errors)) {
        sd_gjob_form(j, errors);
        return;
    }
    json_decref(errors);
    json_t *ids = json_deep_copy(json_object_get(input, "recipients"));
    json_array_append_new(ids, json_string(user_id));
    sd_gjob_started(j, sd_user_service_public_many(app, ids, on_recipients, j));
}

/* ---- list ---- */

static void on_channels(sd_err_t err, json_t *channels, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        sd_dm_service_answer_channels(j, json_copy(channels), false);
}

static void on_rows(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(ids, json_object_get(r, "channel_id"));
    sd_gjob_started(j, sd_dm_repo_channels(j->app->db, ids, on_channels, j));
}

void sd_dm_service_list(sd_app_t *app, const char *user_id, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (j) sd_gjob_started(j, sd_dm_repo_list(app->db, user_id, on_rows, j));
}

/* ---- ack ---- */

static void on_acked(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) err = SD_OK; /* an older message than the one read already: nothing moves */
    if (err)
        fail_store(j, err);
    else
        sd_gjob_ok(j, SD_OUTCOME_OK, json_pack("{s:n}", "token"));
}

static void on_ack_message(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    /* The channel's last_message_id stays on a deleted last message, and clients read up to it: that one id
       is always accepted, as the newest message the channel had. */
    const char *last = json_string_value(json_object_get(j->channel, "last_message_id"));
    if (err == SD_ERR_NOT_FOUND && last && strcmp(last, j->target) == 0) err = SD_OK;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    sd_gjob_started(j, sd_read_state_repo_ack(j->app->db, j->user_id, j->channel_id, j->target, on_acked, j));
}

static void ack_step(sd_gjob_t *j)
{
    if (!sd_snowflake_parse(j->target)) {
        sd_gjob_unknown(j, SD_ENTITY_MESSAGE);
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, j->target, on_ack_message, j));
}

void sd_dm_service_ack(sd_app_t *app, const char *user_id, const char *channel_id, const char *message_id,
                       sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, message_id, NULL, channel_id, ack_step, cb, ctx);
}
