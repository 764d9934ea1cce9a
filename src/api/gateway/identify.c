#include "api/gateway/identify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/gateway/guilds.h"
#include "api/gateway/presence.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "schemas/user_schema.h"
#include "services/gateway_service.h"
#include "services/guild_settings_service.h"
#include "services/user_service.h"

/* READY's user_guild_settings version: the newest of its entries'. */
static json_int_t settings_version(const json_t *entries)
{
    json_int_t v = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        json_int_t n = json_integer_value(json_object_get(e, "version"));
        if (n > v) v = n;
    }
    return v;
}

static void send_ready(sd_gw_session_t *s, json_t *guild_ids, json_t *settings)
{
    json_t *guilds = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(guild_ids, i, id)
        json_array_append_new(guilds, json_pack("{s:O, s:b}", "id", id, "unavailable", 1));
    json_t *private_user = json_loads(s->user, 0, NULL);
    sd_gw_dispatch_json(
        s, "READY",
        json_pack("{s:i, s:o, s:o, s:s, s:s, s:s, s:{s:s, s:i}, s:[], s:[], s:{}, s:{s:O, s:b, s:I}, s:[],"
                  " s:[i, i]}",
                  "v", 10, "user", private_user, "guilds", guilds, "session_id", s->id, "resume_gateway_url",
                  s->resume_url, "session_type", "normal", "application", "id", s->user_id, "flags", 0,
                  "private_channels", "relationships", "user_settings", "user_guild_settings", "entries",
                  settings, "partial", 0, "version", (json_int_t)settings_version(settings), "presences",
                  "shard", 0, 1));
    json_array_foreach(guild_ids, i, id) sd_gw_guild_join(s, json_string_value(id));
}

/* An IDENTIFY step has come back: false, the session freed, when it ended while the step was away. */
static bool still_wanted(sd_gw_session_t *s)
{
    if (!s->dead) return true;
    s->pending_auth = false;
    sd_gw_session_release(s);
    return false;
}

/* The guild ids, kept while the user's guild settings load (the session is kept alive by pending_auth). */
typedef struct {
    sd_gw_session_t *s;
    json_t *guild_ids;
} ready_t;

static void on_guild_settings(sd_err_t err, json_t *entries, void *ctx)
{
    ready_t *r = ctx;
    sd_gw_session_t *s = r->s;
    json_t *ids = r->guild_ids;
    free(r);
    if (!still_wanted(s)) goto out;
    s->pending_auth = false;
    if (err) {
        sd_gw_close_link(s->link, 4000, "Unknown error");
        goto out;
    }
    s->identified = true;
    sd_gw_presence_session_up(s);
    HASH_ADD_STR(s->gw->sessions, id, s);
    send_ready(s, ids, entries);
out:
    json_decref(ids);
}

static void on_guild_ids(sd_err_t err, json_t *ids, void *ctx)
{
    sd_gw_session_t *s = ctx;
    if (!still_wanted(s)) return;
    ready_t *r = err ? NULL : malloc(sizeof *r);
    if (r) *r = (ready_t){s, json_deep_copy(ids)};
    if (!r || sd_guild_settings_service_list(s->gw->app, s->user_id, on_guild_settings, r) != SD_OK) {
        if (r) json_decref(r->guild_ids);
        free(r);
        s->pending_auth = false;
        sd_gw_close_link(s->link, 4000, "Unknown error");
    }
}

/* IDENTIFYs are limited per user, across processes: a client that logs in in a loop is turned away. */
static void on_identify_counted(const sd_rl_state_t *st, int n, void *ctx)
{
    sd_gw_session_t *s = ctx;
    (void)n;
    if (!still_wanted(s)) return;
    if (st[0].limited) {
        s->pending_auth = false;
        sd_metrics_add(s->gw->app->metrics, "sd_ratelimit_rejections_total", "scope=\"identify\"", 1);
        sd_gw_close_link(s->link, 4008, "Rate limited");
        return;
    }
    if (sd_gateway_service_guild_ids(s->gw->app, s->user_id, on_guild_ids, s) != SD_OK) {
        s->pending_auth = false;
        sd_gw_close_link(s->link, 4000, "Unknown error");
    }
}

static void on_identified(const sd_user_result_t *r, void *ctx)
{
    sd_gw_session_t *s = ctx;
    if (!still_wanted(s)) return;
    if (r->err) {
        s->pending_auth = false;
        sd_gw_close_link(s->link, 4004, "Authentication failed");
        return;
    }
    snprintf(s->user_id, sizeof s->user_id, "%s", r->user->id);
    s->token_version = r->user->token_version;
    json_t *user = sd_user_private_json(r->user);
    s->user = user ? json_dumps(user, JSON_COMPACT) : NULL;
    json_decref(user);
    char key[64];
    snprintf(key, sizeof key, "rl:identify:%s", s->user_id);
    sd_rl_rule_t rule = {key, s->gw->app->cfg->rate_identify};
    sd_ratelimit_hit(s->gw->app->limits, &rule, 1, on_identify_counted, s);
}

void sd_gw_identify(sd_gw_session_t *s, const sd_gw_payload_t *p)
{
    if (s->identified || s->pending_auth) {
        sd_gw_close_link(s->link, 4005, "Already authenticated");
        return;
    }
    s->intents = p->intents;
    /* Discord's range is 50-250, 50 by default; anything else is read as the default. */
    json_t *large = json_object_get(p->d, "large_threshold");
    json_int_t threshold = json_is_integer(large) ? json_integer_value(large) : 50;
    s->large_threshold = threshold >= 50 && threshold <= 250 ? (int)threshold : 50;
    if (p->status) snprintf(s->status, sizeof s->status, "%s", p->status);
    sd_gw_presence_activities(s, json_object_get(json_object_get(p->d, "presence"), "activities"));
    s->pending_auth = true;
    if (sd_user_service_authenticate(s->gw->app, p->token, on_identified, s) != SD_OK) {
        s->pending_auth = false;
        sd_gw_close_link(s->link, 4004, "Authentication failed");
    }
}

typedef struct {
    sd_gw_session_t *fresh; /* kept alive by pending_auth */
    long seq;
} resuming_t;

static void invalid_session(sd_gw_session_t *fresh)
{
    sd_gw_send_json(fresh, json_pack("{s:i, s:b}", "op", SD_GW_OP_INVALID_SESSION, "d", 0));
}

/* The token checked: the socket moves to the old session if the token is its user's and seq is still held. */
static void on_resume_auth(const sd_user_result_t *r, void *ctx)
{
    resuming_t *rs = ctx;
    sd_gw_session_t *fresh = rs->fresh;
    long from = rs->seq;
    sd_gw_session_t *old = NULL;
    free(rs);
    fresh->pending_auth = false;
    if (fresh->dead) {
        sd_gw_session_release(fresh);
        return;
    }
    sd_gw_link_t *l = fresh->link;
    if (r->err == SD_OK) old = sd_gw_find_session(fresh->gw, fresh->resume_id);
    bool ok = old && !strcmp(old->user_id, r->user->id) && sd_gw_session_can_resume(old, from);
    if (!ok) {
        invalid_session(fresh);
        return;
    }
    old->token_version = r->user->token_version;
    if (old->link) { /* its old socket may not have ended yet (a zombie, or still closing): it ends now */
        old->link->s = NULL;
        sd_gw_close_link(old->link, 4000, "Session resumed elsewhere");
    }
    fresh->link = NULL;
    sd_gw_session_end(fresh);
    sd_gw_session_resumed(old, l, from);
    sd_gw_dispatch(old, "RESUMED", "{}");
}

void sd_gw_resume(sd_gw_link_t *l, const sd_gw_payload_t *p)
{
    sd_gw_session_t *fresh = l->s;
    resuming_t *rs = p->session_id && p->token && p->has_seq ? calloc(1, sizeof *rs) : NULL;
    if (!rs) {
        invalid_session(fresh);
        return;
    }
    rs->fresh = fresh;
    rs->seq = p->seq;
    snprintf(fresh->resume_id, sizeof fresh->resume_id, "%s", p->session_id);
    fresh->pending_auth = true;
    if (sd_user_service_authenticate(fresh->gw->app, p->token, on_resume_auth, rs) != SD_OK) {
        fresh->pending_auth = false;
        free(rs);
        invalid_session(fresh);
    }
}
