#include "api/gateway/guilds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/gateway/delivery.h"
#include "api/gateway/presence.h"
#include "services/gateway_service.h"
#include "services/member_service.h"

/* The users with a session here that has guild_id, and extra (may be NULL), each once. */
static json_t *user_ids_in(sd_gateway_t *gw, const char *guild_id, const char *extra)
{
    json_t *seen = json_object(), *out = json_array();
    if (extra) json_object_set_new(seen, extra, json_true());
    for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next)
        if (json_object_get(s->guilds, guild_id)) json_object_set_new(seen, s->user_id, json_true());
    const char *id;
    json_t *v;
    json_object_foreach(seen, id, v) json_array_append_new(out, json_string(id));
    json_decref(seen);
    return out;
}

static void index_channels(sd_gateway_t *gw, const char *guild_id, const json_t *state)
{
    const char *cid;
    json_t *c;
    json_object_foreach(json_object_get(state, "channels"), cid, c)
        json_object_set_new(gw->channel_guild, cid, json_string(guild_id));
}

static void reload_done(sd_gateway_t *gw)
{
    if (--gw->reloading > 0) return;
    json_t *waiting = gw->waiting;
    gw->waiting = json_array();
    size_t i;
    json_t *env;
    json_array_foreach(waiting, i, env) sd_gw_deliver(gw, env);
    json_decref(waiting);
}

typedef struct {
    sd_gateway_t *gw;
    char guild_id[64];
    char user_id[64];
    char channel_id[64];
    char only[33]; /* the session a guild is loaded for (its GUILD_CREATE), by id: it may end meanwhile */
} reload_t;

static bool large(const sd_gw_session_t *s, const json_t *state)
{
    return json_integer_value(json_object_get(json_object_get(state, "guild"), "member_count")) >
           s->large_threshold;
}

/* GUILD_CREATE of the guild held in the states, with the members of roster (NULL: the session user's own). */
static void send_guild_create(sd_gw_session_t *s, const char *guild_id, const json_t *roster)
{
    json_t *state = json_object_get(s->gw->states, guild_id);
    if (!state || !json_object_get(json_object_get(state, "members"), s->user_id) ||
        json_object_get(s->guilds, guild_id))
        return;
    json_object_set_new(s->guilds, guild_id, json_true());
    /* Discord sends GUILD_CREATE whatever the intents. */
    json_t *user = json_loads(s->user, 0, NULL);
    sd_gw_dispatch_json(
        s, "GUILD_CREATE",
        sd_gateway_service_guild_create(state, s->user_id, user, roster, large(s, state),
                                        s->intents & SD_GW_I_GUILD_PRESENCES ? s->gw->presences : NULL));
    json_decref(user);
    sd_gw_presence_in(s, guild_id, s->status);
}

typedef struct {
    sd_gateway_t *gw;
    char session[33];
    char guild_id[24];
} roster_t;

static void on_roster(const sd_outcome_t *o, void *ctx)
{
    roster_t *r = ctx;
    sd_gateway_t *gw = r->gw;
    sd_gw_session_t *s = sd_gw_find_session(gw, r->session);
    /* Could the roster not be read, the guild goes out as a large one: the client asks for its members. */
    if (s) send_guild_create(s, r->guild_id, o->fault.err ? NULL : o->body);
    free(r);
    reload_done(gw);
}

/* As Discord, a guild that is not large lists all its members to a session with the GUILD_PRESENCES intent
   (clients then trust the list and ask for no chunks); else only the session user's own member. Dispatches
   wait for the list meanwhile. */
static void guild_created(sd_gw_session_t *s, const char *guild_id)
{
    json_t *state = json_object_get(s->gw->states, guild_id);
    if (!state || !json_object_get(json_object_get(state, "members"), s->user_id)) return;
    bool all = !large(s, state) && (s->intents & SD_GW_I_GUILD_PRESENCES);
    roster_t *r = all ? calloc(1, sizeof *r) : NULL;
    if (!r) {
        send_guild_create(s, guild_id, NULL);
        return;
    }
    r->gw = s->gw;
    snprintf(r->session, sizeof r->session, "%s", s->id);
    snprintf(r->guild_id, sizeof r->guild_id, "%s", guild_id);
    s->gw->reloading++;
    sd_member_service_list(s->gw->app, s->user_id, guild_id, "0", s->large_threshold, on_roster, r);
}

static void guild_gone(sd_gateway_t *gw, const char *guild_id, const char *user_id)
{
    for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next) {
        if ((user_id && strcmp(s->user_id, user_id)) || !json_object_get(s->guilds, guild_id)) continue;
        json_object_del(s->guilds, guild_id);
        sd_gw_dispatch_json(s, "GUILD_DELETE", json_pack("{s:s}", "id", guild_id));
    }
}

static void on_guild_loaded(sd_err_t err, json_t *state, void *ctx)
{
    reload_t *r = ctx;
    sd_gateway_t *gw = r->gw;
    sd_gw_session_t *only = sd_gw_find_session(gw, r->only);
    if (err == SD_ERR_NOT_FOUND) {
        json_object_del(gw->states, r->guild_id);
        guild_gone(gw, r->guild_id, NULL);
    } else if (!err) {
        json_t *old = json_object_get(gw->states, r->guild_id);
        /* Memberships loaded by earlier loads stay; this load's are newer. */
        if (old)
            json_object_update_missing(json_object_get(state, "members"), json_object_get(old, "members"));
        json_object_set(gw->states, r->guild_id, state);
        index_channels(gw, r->guild_id, state);
        if (only) guild_created(only, r->guild_id);
    }
    free(r);
    reload_done(gw);
}

static void load_guild(sd_gateway_t *gw, const char *guild_id, sd_gw_session_t *only)
{
    reload_t *r = calloc(1, sizeof *r);
    if (!r) return;
    r->gw = gw;
    if (only) snprintf(r->only, sizeof r->only, "%s", only->id);
    snprintf(r->guild_id, sizeof r->guild_id, "%s", guild_id);
    json_t *users = user_ids_in(gw, guild_id, only ? only->user_id : NULL);
    gw->reloading++;
    if (sd_gateway_service_guild(gw->app, guild_id, users, on_guild_loaded, r) != SD_OK) {
        free(r);
        reload_done(gw);
    }
}

static void on_channel_loaded(sd_err_t err, json_t *channel, void *ctx)
{
    reload_t *r = ctx;
    sd_gateway_t *gw = r->gw;
    const char *gid = json_string_value(json_object_get(gw->channel_guild, r->channel_id));
    if (!err) gid = json_string_value(json_object_get(channel, "guild_id"));
    json_t *state = gid ? json_object_get(gw->states, gid) : NULL;
    if (state) {
        if (err == SD_ERR_NOT_FOUND)
            sd_gateway_service_channel_gone(state, r->channel_id);
        else if (!err) {
            json_object_set(json_object_get(state, "channels"), r->channel_id, channel);
            json_object_set_new(gw->channel_guild, r->channel_id, json_string(gid));
        }
    }
    free(r);
    reload_done(gw);
}

static void on_member_loaded(sd_err_t err, json_t *member, void *ctx)
{
    reload_t *r = ctx;
    sd_gateway_t *gw = r->gw;
    json_t *state = json_object_get(gw->states, r->guild_id);
    if (err == SD_ERR_NOT_FOUND) {
        if (state) json_object_del(json_object_get(state, "members"), r->user_id);
        guild_gone(gw, r->guild_id, r->user_id);
    } else if (!err) {
        if (state) json_object_set(json_object_get(state, "members"), r->user_id, member);
        /* A user of this process joined: their sessions get the guild. */
        for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next) {
            if (strcmp(s->user_id, r->user_id) || json_object_get(s->guilds, r->guild_id)) continue;
            if (state)
                guild_created(s, r->guild_id);
            else
                load_guild(gw, r->guild_id, s);
        }
    }
    free(r);
    reload_done(gw);
}

static bool has_user(sd_gateway_t *gw, const char *user_id)
{
    for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next)
        if (!strcmp(s->user_id, user_id)) return true;
    return false;
}

/* Reloads one channel (id), or one membership (guild id, user id), into the guild states. */
static void reload(sd_gateway_t *gw, bool channel, const char *id, const char *user_id)
{
    reload_t *r = calloc(1, sizeof *r);
    if (!r) return;
    r->gw = gw;
    snprintf(channel ? r->channel_id : r->guild_id, sizeof r->guild_id, "%s", id);
    snprintf(r->user_id, sizeof r->user_id, "%s", user_id);
    gw->reloading++;
    sd_err_t err = channel ? sd_gateway_service_channel(gw->app, id, on_channel_loaded, r)
                           : sd_gateway_service_member(gw->app, id, user_id, on_member_loaded, r);
    if (err) {
        free(r);
        reload_done(gw);
    }
}

void sd_gw_guilds_changed(sd_gateway_t *gw, const char *table, const char *key)
{
    char a[64] = "", b[64] = "";
    const char *sep = strchr(key, '\x1f');
    snprintf(a, sizeof a, "%.*s", sep ? (int)(sep - key) : (int)strlen(key), key);
    if (sep) snprintf(b, sizeof b, "%s", sep + 1);
    bool channel = !strcmp(table, gw->t_channels), member = !strcmp(table, gw->t_members);
    if (!strcmp(table, gw->t_guilds)) {
        if (json_object_get(gw->states, a)) load_guild(gw, a, NULL);
        return;
    }
    /* A channel matters once any guild is held (it may be new); a membership when its guild or user is here.
     */
    if (!(channel && json_object_size(gw->states)) &&
        !(member && (json_object_get(gw->states, a) || has_user(gw, b))))
        return;
    reload(gw, channel, a, b);
}

void sd_gw_guild_join(sd_gw_session_t *s, const char *guild_id)
{
    /* A guild held already needs only this user's membership (on_member_loaded sends GUILD_CREATE). */
    json_t *state = json_object_get(s->gw->states, guild_id);
    if (json_object_get(json_object_get(state, "members"), s->user_id))
        guild_created(s, guild_id);
    else if (state)
        reload(s->gw, false, guild_id, s->user_id);
    else
        load_guild(s->gw, guild_id, s);
}

bool sd_gw_guilds_hold(sd_gateway_t *gw, json_t *env)
{
    if (gw->reloading <= 0) return false;
    json_array_append(gw->waiting, env);
    return true;
}
