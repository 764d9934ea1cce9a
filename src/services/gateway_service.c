#include "services/gateway_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/emoji_repo.h"
#include "repositories/guild_repo.h"
#include "schemas/emoji_schema.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/permissions.h"

typedef struct {
    sd_app_t *app;
    sd_gateway_service_cb cb;
    void *ctx;
    json_t *state;
    json_t *user_ids;
    char guild_id[24];
} load_t;

static void load_free(load_t *l)
{
    json_decref(l->state);
    json_decref(l->user_ids);
    free(l);
}

static void load_end(load_t *l, sd_err_t err)
{
    l->cb(err, err ? NULL : l->state, l->ctx);
    load_free(l);
}

static void on_ids(sd_err_t err, json_t *rows, void *ctx)
{
    load_t *l = ctx;
    json_t *ids = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append(ids, json_object_get(row, "guild_id"));
    l->state = ids;
    load_end(l, err);
}

static load_t *load_new(sd_app_t *app, sd_gateway_service_cb cb, void *ctx)
{
    load_t *l = calloc(1, sizeof *l);
    if (l) *l = (load_t){.app = app, .cb = cb, .ctx = ctx};
    return l;
}

/* A load that did not start answers nothing: the caller gets err. */
static sd_err_t started(load_t *l, sd_err_t err)
{
    if (err) load_free(l);
    return err;
}

sd_err_t sd_gateway_service_guild_ids(sd_app_t *app, const char *user_id, sd_gateway_service_cb cb, void *ctx)
{
    load_t *l = load_new(app, cb, ctx);
    if (!l) return SD_ERR_NOMEM;
    /* Discord caps a user at 200 guilds (bots at more, sharded): this server reads up to 1000. */
    return started(l, sd_member_repo_guilds_of(app->db, user_id, NULL, NULL, 1000, on_ids, l));
}

static void on_emojis(sd_err_t err, json_t *rows, void *ctx)
{
    load_t *l = ctx;
    if (!err) json_object_set_new(l->state, "emojis", sd_emojis_json(rows, NULL));
    load_end(l, err);
}

static void on_members(sd_err_t err, json_t *rows, void *ctx)
{
    load_t *l = ctx;
    json_t *members = json_object_get(l->state, "members");
    size_t i;
    json_t *m;
    json_array_foreach(rows, i, m)
        json_object_set(members, json_string_value(json_object_get(m, "user_id")), m);
    if (!err) err = sd_emoji_repo_list(l->app->db, l->guild_id, on_emojis, l);
    if (err) load_end(l, err);
}

static void on_channels(sd_err_t err, json_t *rows, void *ctx)
{
    load_t *l = ctx;
    if (err) {
        load_end(l, err);
        return;
    }
    json_t *channels = json_object_get(l->state, "channels");
    size_t i;
    json_t *c;
    json_array_foreach(rows, i, c) json_object_set(channels, json_string_value(json_object_get(c, "id")), c);
    err = sd_member_repo_get_many(l->app->db, l->guild_id, json_incref(l->user_ids), on_members, l);
    if (err) load_end(l, err);
}

static void on_guild(sd_err_t err, json_t *guild, void *ctx)
{
    load_t *l = ctx;
    if (err) {
        load_end(l, err);
        return;
    }
    l->state = json_pack("{s:O, s:{}, s:{}}", "guild", guild, "channels", "members");
    err = l->state ? sd_channel_repo_list(l->app->db, l->guild_id, on_channels, l) : SD_ERR_NOMEM;
    if (err) load_end(l, err);
}

sd_err_t sd_gateway_service_guild(sd_app_t *app, const char *guild_id, json_t *user_ids,
                                  sd_gateway_service_cb cb, void *ctx)
{
    load_t *l = load_new(app, cb, ctx);
    if (!l) {
        json_decref(user_ids);
        return SD_ERR_NOMEM;
    }
    l->user_ids = user_ids;
    snprintf(l->guild_id, sizeof l->guild_id, "%s", guild_id);
    return started(l, sd_guild_repo_get(app->db, guild_id, on_guild, l));
}

static void on_item(sd_err_t err, json_t *item, void *ctx)
{
    load_t *l = ctx;
    l->state = json_incref(item);
    load_end(l, err);
}

sd_err_t sd_gateway_service_channel(sd_app_t *app, const char *id, sd_gateway_service_cb cb, void *ctx)
{
    load_t *l = load_new(app, cb, ctx);
    return l ? started(l, sd_channel_repo_get(app->db, id, on_item, l)) : SD_ERR_NOMEM;
}

sd_err_t sd_gateway_service_member(sd_app_t *app, const char *guild_id, const char *user_id,
                                   sd_gateway_service_cb cb, void *ctx)
{
    load_t *l = load_new(app, cb, ctx);
    return l ? started(l, sd_member_repo_get(app->db, guild_id, user_id, on_item, l)) : SD_ERR_NOMEM;
}

int sd_gateway_service_allowed(const json_t *state, const char *user_id, const char *channel_id,
                               uint64_t perms)
{
    const json_t *guild = json_object_get(state, "guild");
    const json_t *member = json_object_get(json_object_get(state, "members"), user_id);
    if (!member) return 0;
    uint64_t base = sd_permissions_base(guild, member);
    if (!channel_id) return (base & perms) == perms;
    const json_t *channel = json_object_get(json_object_get(state, "channels"), channel_id);
    if (!channel) channel = json_object_get(json_object_get(state, "gone"), channel_id);
    if (!channel) return 0;
    perms |= SD_PERM_VIEW_CHANNEL;
    return (sd_permissions_channel(base, guild, member, channel) & perms) == perms;
}

void sd_gateway_service_channel_gone(json_t *state, const char *channel_id)
{
    json_t *channels = json_object_get(state, "channels");
    json_t *channel = json_object_get(channels, channel_id);
    if (!channel) return;
    /* Needed only until the deletion's own event is delivered, just after: a few are plenty. */
    if (json_object_size(json_object_get(state, "gone")) >= 64 || !json_object_get(state, "gone"))
        json_object_set_new(state, "gone", json_object());
    json_object_set(json_object_get(state, "gone"), channel_id, channel);
    json_object_del(channels, channel_id);
}

json_t *sd_gateway_service_guild_create(const json_t *state, const char *user_id, const json_t *user,
                                        const json_t *roster, bool large, const json_t *presences)
{
    const json_t *guild = json_object_get(state, "guild");
    const json_t *member = json_object_get(json_object_get(state, "members"), user_id);
    json_t *out = sd_guild_json(guild);
    if (!out) return NULL;
    json_t *channels = json_array();
    const char *id;
    json_t *c;
    json_object_foreach(json_object_get(state, "channels"), id, c)
    {
        if (sd_gateway_service_allowed(state, user_id, id, 0))
            json_array_append_new(channels, sd_channel_json(c));
    }
    json_t *members = roster ? json_deep_copy(roster) : json_array();
    json_t *listed = json_object(); /* the ids of members, whose presences are shown */
    if (member && !roster) json_array_append_new(members, sd_member_json(member, (json_t *)user, guild));
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) json_object_set_new(
        listed, json_string_value(json_object_get(json_object_get(m, "user"), "id")), json_true());
    json_object_set_new(out, "channels", channels);
    json_object_set_new(out, "members", members);
    json_t *emojis = json_object_get(state, "emojis");
    json_object_set_new(out, "emojis", json_is_array(emojis) ? json_deep_copy(emojis) : json_array());
    json_object_set(out, "joined_at", member ? json_object_get(member, "joined_at") : json_null());
    json_object_set_new(out, "large", json_boolean(large));
    json_object_set_new(out, "unavailable", json_false());
    json_t *shown = json_array();
    const char *who;
    json_t *status;
    json_object_foreach((json_t *)presences, who, status)
    {
        json_t *p = json_object_get(listed, who) ? sd_gateway_service_presence(who, status) : NULL;
        if (p) json_array_append_new(shown, p);
    }
    json_object_set_new(out, "presences", shown);
    json_decref(listed);
    /* Features this server does not have yet: empty, as Discord sends them for a guild without any. */
    static const char *const none[] = {"voice_states", "threads", "stage_instances", "guild_scheduled_events",
                                       "soundboard_sounds"};
    for (size_t k = 0; k < sizeof none / sizeof *none; k++)
        json_object_set_new(out, none[k], json_array());
    if (!json_object_get(out, "member_count"))
        json_object_set(out, "member_count", json_object_get(guild, "member_count"));
    return out;
}

json_t *sd_gateway_service_presence(const char *user_id, const json_t *heard)
{
    const json_t *status = json_object_get(heard, "status"),
                 *activities = json_object_get(heard, "activities");
    if (!user_id || !json_is_string(status)) return NULL;
    return json_pack("{s:{s:s}, s:O, s:o, s:{s:O}}", "user", "id", user_id, "status", status, "activities",
                     json_is_array(activities) ? json_deep_copy(activities) : json_array(), "client_status",
                     "web", status);
}

json_t *sd_gateway_service_member_update(const json_t *state, const json_t *user)
{
    static const char *const public_keys[] = {
        "id",     "username",     "discriminator",          "global_name",  "avatar",
        "banner", "accent_color", "avatar_decoration_data", "public_flags", "flags",
        "bot"};
    const char *id = json_string_value(json_object_get(user, "id"));
    const json_t *member = id ? json_object_get(json_object_get(state, "members"), id) : NULL;
    if (!member) return NULL;
    json_t *shown = json_object();
    for (size_t i = 0; i < sizeof public_keys / sizeof *public_keys; i++) {
        json_t *v = json_object_get(user, public_keys[i]);
        if (v) json_object_set(shown, public_keys[i], v);
    }
    const json_t *guild = json_object_get(state, "guild");
    json_t *out = sd_member_json(member, shown, guild);
    json_decref(shown);
    if (out) json_object_set(out, "guild_id", json_object_get(guild, "id"));
    return out;
}
