#include "api/gateway/gateway.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "api/gateway/chunks.h"
#include "api/gateway/payload.h"
#include "api/v1/deps.h"
#include "core/broker.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "core/websocket.h"
#include "schemas/user_schema.h"
#include "services/events.h"
#include "services/gateway_service.h"
#include "services/user_service.h"

#define RING 256 /* dispatches kept for RESUME */
#define MAX_CLIENT_MESSAGE 16384

/* What the server sends; what clients send is decoded by api/gateway/payload. */
enum { OP_DISPATCH = 0, OP_RECONNECT = 7, OP_INVALID_SESSION = 9, OP_HELLO = 10, OP_HEARTBEAT_ACK = 11 };

/* Discord's intents. */
#define I_GUILDS (1u << 0)
#define I_GUILD_MEMBERS (1u << 1)
#define I_GUILD_MODERATION (1u << 2)
#define I_GUILD_INVITES (1u << 6)
#define I_GUILD_PRESENCES (1u << 8)
#define I_GUILD_MESSAGES (1u << 9)
#define I_GUILD_REACTIONS (1u << 10)
#define I_GUILD_TYPING (1u << 11)
#define I_DMS (1u << 12)
#define I_DM_REACTIONS (1u << 13)
#define I_DM_TYPING (1u << 14)
#define I_MESSAGE_CONTENT (1u << 15)

typedef struct session session_t;

/* One socket; it points to the session it serves (RESUME moves it to the resumed one). */
typedef struct {
    sd_ws_t *ws;
    session_t *s;
} link_t;

/* A dispatch's part after its sequence number, ',"t":"<t>","d":<data>}': the same for every session it goes
   to, so one copy is shared by all of them and by their RESUME rings. */
typedef struct {
    int refs;
    size_t len;
    char text[];
} body_t;

typedef struct {
    long seq;
    body_t *body; /* a reference */
} sent_t;

struct session {
    sd_gateway_t *gw;
    link_t *link; /* NULL while disconnected and waiting to be resumed */
    char id[33];
    char resume_id[33]; /* the session this socket asked to resume */
    char user_id[24];
    char *user;       /* the user's own object, as JSON text (small; parsed when needed) */
    char *resume_url; /* the socket's URL as the client reached it */
    bool identified, pending_auth, dead;
    uint64_t intents;
    long seq;
    char status[16];
    json_t *guilds;   /* guild_id -> true: guilds this session has had GUILD_CREATE for */
    uv_timer_t timer; /* heartbeat watchdog; while disconnected, the end of the resume window */
    uint64_t last_beat;
    sent_t *ring; /* grows to RING entries as dispatches come: an idle session holds few */
    int ring_cap, ring_start, ring_count;
    long unkept_seq; /* the last dispatch not kept (READY, GUILD_CREATE): a resume from before it cannot be */
    int commands;
    uint64_t window_start;
    UT_hash_handle hh;
};

struct sd_gateway {
    sd_app_t *app;
    session_t *sessions; /* by id, identified ones */
    json_t *states;      /* guild_id -> state (services/gateway_service) */
    json_t *channel_guild;
    json_t *online;    /* user_id -> number of identified sessions of this process */
    json_t *presences; /* user_id -> status, from every PRESENCE_UPDATE heard (all processes) */
    int reloading;
    json_t *waiting; /* envelopes held while a reload is in flight */
    char t_guilds[160], t_channels[160], t_members[160];
    int open;
    bool closing;
};

static void deliver(sd_gateway_t *gw, json_t *env);

/* ---- sending ---- */

static void close_link(link_t *l, int code, const char *reason)
{
    if (l && l->ws) sd_ws_close(l->ws, code, reason);
}

static void send_json(session_t *s, json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (text && s->link) sd_ws_send_text(s->link->ws, text, strlen(text));
    free(text);
}

/* Returns a new body (one reference, dropped with body_drop) for dispatch t with data (JSON text), or NULL
   without memory. */
static body_t *body_new(const char *t, const char *data)
{
    size_t tl = strlen(t), dl = strlen(data);
    body_t *b = malloc(sizeof *b + 6 + tl + 6 + dl + 2);
    if (!b) return NULL;
    b->refs = 1;
    b->len = (size_t)sprintf(b->text, ",\"t\":\"%s\",\"d\":%s}", t, data);
    return b;
}

static body_t *body_keep(body_t *b)
{
    b->refs++;
    return b;
}

static void body_drop(body_t *b)
{
    if (b && --b->refs == 0) free(b);
}

/* A dispatch's start, '{"op":0,"s":<seq>', into out; returns its length. */
static size_t frame_start(long seq, char out[SD_WS_PREFIX_MAX])
{
    return (size_t)snprintf(out, SD_WS_PREFIX_MAX, "{\"op\":0,\"s\":%ld", seq);
}

/* Keeps a reference to body as dispatch seq, for RESUME. */
static void remember(session_t *s, long seq, body_t *body)
{
    if (s->ring_count == s->ring_cap && s->ring_cap < RING) { /* grow, oldest first again */
        int cap = s->ring_cap ? s->ring_cap * 2 : 4;
        sent_t *grown = malloc((size_t)cap * sizeof *grown);
        if (grown) {
            for (int i = 0; i < s->ring_count; i++)
                grown[i] = s->ring[(s->ring_start + i) % s->ring_cap];
            free(s->ring);
            s->ring = grown;
            s->ring_cap = cap;
            s->ring_start = 0;
        }
    }
    if (s->ring_cap == 0) { /* no room at all: a resume from before this cannot be */
        s->unkept_seq = seq;
        return;
    }
    int slot = (s->ring_start + s->ring_count) % s->ring_cap;
    if (s->ring_count == s->ring_cap) { /* full: the oldest makes room */
        body_drop(s->ring[slot].body);
        s->ring_start = (s->ring_start + 1) % s->ring_cap;
    } else {
        s->ring_count++;
    }
    s->ring[slot] = (sent_t){seq, body_keep(body)};
}

/* Numbers dispatch t (body) for s and keeps it for RESUME; returns its sequence number. */
static long numbered(session_t *s, const char *t, body_t *body)
{
    long seq = ++s->seq;
    /* READY and GUILD_CREATE, the big ones, are not kept: a client that missed one identifies again. */
    if (!strcmp(t, "READY") || !strcmp(t, "GUILD_CREATE"))
        s->unkept_seq = seq;
    else
        remember(s, seq, body);
    return seq;
}

/* True when s has a socket that can take one more frame; one too far behind is closed, resumably, rather
   than held in memory. */
static bool keeping_up(session_t *s)
{
    if (!s->link) return false;
    if (sd_ws_queued(s->link->ws) <= (size_t)s->gw->app->cfg->gateway_max_queued) return true;
    close_link(s->link, 4000, "falling behind");
    return false;
}

/* Sends dispatch seq (body) to s's socket. */
static void send_numbered(session_t *s, long seq, const body_t *body)
{
    char start[SD_WS_PREFIX_MAX];
    sd_ws_send_parts(s->link->ws, start, frame_start(seq, start), body->text, body->len);
}

/* Sends dispatch t with data (JSON text) to s. */
static void dispatch(session_t *s, const char *t, const char *data)
{
    body_t *body = body_new(t, data);
    if (!body) return;
    long seq = numbered(s, t, body);
    if (keeping_up(s)) send_numbered(s, seq, body);
    body_drop(body);
}

/* Counts n dispatches of type t (once per event, not per session: the bench sends to 10,000). */
static void count_delivered(const sd_gateway_t *gw, const char *t, long n)
{
    char label[96];
    if (n <= 0) return;
    snprintf(label, sizeof label, "type=\"%s\"", t);
    sd_metrics_add(gw->app->metrics, "sd_events_delivered_total", label, (double)n);
}

static void dispatch_json(session_t *s, const char *t, json_t *data)
{
    count_delivered(s->gw, t, 1);
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(data);
    if (text) dispatch(s, t, text);
    free(text);
}

/* ---- sessions ---- */

static void session_free_now(uv_handle_t *h)
{
    session_t *s = h->data;
    for (int i = 0; i < s->ring_count; i++)
        body_drop(s->ring[(s->ring_start + i) % s->ring_cap].body);
    free(s->ring);
    free(s->user);
    json_decref(s->guilds);
    free(s->resume_url);
    s->gw->open--;
    free(s);
}

static void presence(session_t *s, const char *status);
static void presence_in(session_t *s, const char *guild_id, const char *status);

/* Ends a session for good: it can no longer be resumed. */
static void session_end(session_t *s)
{
    if (s->dead) return;
    s->dead = true;
    if (s->identified) {
        HASH_DEL(s->gw->sessions, s);
        json_int_t left = json_integer_value(json_object_get(s->gw->online, s->user_id)) - 1;
        if (left > 0) {
            json_object_set_new(s->gw->online, s->user_id, json_integer(left));
        } else { /* the user's last session here */
            json_object_del(s->gw->online, s->user_id);
            presence(s, "offline");
        }
    }
    if (s->link) {
        s->link->s = NULL;
        close_link(s->link, 4000, "session ended");
        s->link = NULL;
    }
    if (s->pending_auth) return; /* freed when the answer comes */
    uv_close((uv_handle_t *)&s->timer, session_free_now);
}

static void on_resume_window(uv_timer_t *t)
{
    session_end(t->data);
}

static void on_watchdog(uv_timer_t *t)
{
    session_t *s = t->data;
    uint64_t interval = (uint64_t)s->gw->app->cfg->gateway_heartbeat_ms;
    if (uv_now(t->loop) - s->last_beat >= interval * 3 / 2) {
        close_link(s->link, 4009, "Session timed out");
        return;
    }
    uv_timer_start(&s->timer, on_watchdog, interval / 4 + 1, 0);
}

static session_t *session_new(sd_gateway_t *gw, link_t *l)
{
    session_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->gw = gw;
    s->link = l;
    s->guilds = json_object();
    snprintf(s->status, sizeof s->status, "online");
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(s->id, sizeof s->id, raw, sizeof raw);
    uv_timer_init(gw->app->loop, &s->timer);
    s->timer.data = s;
    s->last_beat = uv_now(gw->app->loop);
    gw->open++;
    uv_timer_start(&s->timer, on_watchdog, (uint64_t)gw->app->cfg->gateway_heartbeat_ms / 4 + 1, 0);
    return s;
}

/* ---- guild states ---- */

/* The users with a session here that has guild_id, and extra (may be NULL), each once. */
static json_t *user_ids_in(sd_gateway_t *gw, const char *guild_id, const char *extra)
{
    json_t *seen = json_object(), *out = json_array();
    if (extra) json_object_set_new(seen, extra, json_true());
    for (session_t *s = gw->sessions; s; s = s->hh.next)
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
    json_array_foreach(waiting, i, env) deliver(gw, env);
    json_decref(waiting);
}

typedef struct {
    sd_gateway_t *gw;
    char guild_id[64];
    char user_id[64];
    char channel_id[64];
    char only[33]; /* the session a guild is loaded for (its GUILD_CREATE), by id: it may end meanwhile */
} reload_t;

static void guild_created(session_t *s, const char *guild_id)
{
    json_t *state = json_object_get(s->gw->states, guild_id);
    if (!state || !json_object_get(json_object_get(state, "members"), s->user_id)) return;
    json_object_set_new(s->guilds, guild_id, json_true());
    /* Discord sends GUILD_CREATE whatever the intents. */
    json_t *user = json_loads(s->user, 0, NULL);
    dispatch_json(s, "GUILD_CREATE",
                  sd_gateway_service_guild_create(state, s->user_id, user,
                                                  s->intents & I_GUILD_PRESENCES ? s->gw->presences : NULL));
    json_decref(user);
    presence_in(s, guild_id, s->status);
}

static void guild_gone(sd_gateway_t *gw, const char *guild_id, const char *user_id)
{
    for (session_t *s = gw->sessions; s; s = s->hh.next) {
        if ((user_id && strcmp(s->user_id, user_id)) || !json_object_get(s->guilds, guild_id)) continue;
        json_object_del(s->guilds, guild_id);
        dispatch_json(s, "GUILD_DELETE", json_pack("{s:s}", "id", guild_id));
    }
}

static session_t *find_session(sd_gateway_t *gw, const char *id)
{
    session_t *s = NULL;
    if (id[0]) HASH_FIND_STR(gw->sessions, id, s);
    return s && !s->dead ? s : NULL;
}

static void on_guild_loaded(sd_err_t err, json_t *state, void *ctx)
{
    reload_t *r = ctx;
    sd_gateway_t *gw = r->gw;
    session_t *only = find_session(gw, r->only);
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

static void load_guild(sd_gateway_t *gw, const char *guild_id, session_t *only)
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
        for (session_t *s = gw->sessions; s; s = s->hh.next) {
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
    for (session_t *s = gw->sessions; s; s = s->hh.next)
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

void sd_gateway_on_change(sd_gateway_t *gw, const char *table, const char *key)
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

/* ---- delivery ---- */

static uint64_t intent_of(const char *t, bool guild)
{
    static const struct {
        const char *prefix;
        uint64_t guild, dm;
    } map[] = {{"MESSAGE_REACTION_", I_GUILD_REACTIONS, I_DM_REACTIONS},
               {"MESSAGE_", I_GUILD_MESSAGES, I_DMS},
               {"TYPING_START", I_GUILD_TYPING, I_DM_TYPING},
               {"GUILD_MEMBER_", I_GUILD_MEMBERS, 0},
               {"GUILD_BAN_", I_GUILD_MODERATION, 0},
               {"INVITE_", I_GUILD_INVITES, 0},
               {"PRESENCE_UPDATE", I_GUILD_PRESENCES, 0},
               {"CHANNEL_PINS_UPDATE", I_GUILDS, I_DMS},
               {"CHANNEL_", I_GUILDS, 0},
               {"GUILD_", I_GUILDS, 0}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strncmp(t, map[i].prefix, strlen(map[i].prefix))) return guild ? map[i].guild : map[i].dm;
    return 0;
}

static bool named(const json_t *users, const char *user_id)
{
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) if (!strcmp(json_string_value(u), user_id)) return true;
    return false;
}

/* Without MESSAGE_CONTENT a session sees no content of others' guild messages unless mentioned (Discord). */
static bool content_hidden(const session_t *s, const char *t, const json_t *d, bool guild)
{
    if (!guild || (s->intents & I_MESSAGE_CONTENT) || strncmp(t, "MESSAGE_", 8) ||
        !strncmp(t, "MESSAGE_REACT", 13))
        return false;
    const char *author = json_string_value(json_object_get(json_object_get(d, "author"), "id"));
    if (!author || !strcmp(author, s->user_id)) return false;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(d, "mentions"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        if (id && !strcmp(id, s->user_id)) return false;
    }
    return true;
}

/* GUILD_MEMBER_UPDATE for a changed account (user: its private object) to the sessions of one guild that ask
   for member events; nothing when the user is not a member there. */
static void member_update_in(sd_gateway_t *gw, const char *guild_id, const json_t *user)
{
    json_t *state = json_object_get(gw->states, guild_id);
    json_t *data = state ? sd_gateway_service_member_update(state, user) : NULL;
    char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
    json_decref(data);
    if (!text) return;
    long n = 0;
    for (session_t *s = gw->sessions; s; s = s->hh.next)
        if ((s->intents & I_GUILD_MEMBERS) && json_object_get(s->guilds, guild_id) &&
            json_object_get(json_object_get(state, "members"), s->user_id)) {
            dispatch(s, "GUILD_MEMBER_UPDATE", text);
            n++;
        }
    count_delivered(gw, "GUILD_MEMBER_UPDATE", n);
    free(text);
}

typedef struct {
    sd_gateway_t *gw;
    char guild_id[64];
    json_t *user;
} member_lookup_t;

static void on_member_for_update(sd_err_t err, json_t *member, void *ctx)
{
    member_lookup_t *m = ctx;
    json_t *state = json_object_get(m->gw->states, m->guild_id);
    const char *uid = json_string_value(json_object_get(m->user, "id"));
    if (!err && state && uid) {
        json_object_set(json_object_get(state, "members"), uid, member);
        member_update_in(m->gw, m->guild_id, m->user);
    }
    json_decref(m->user);
    free(m);
}

/* A changed account (USER_UPDATE, which only its owner receives) is a GUILD_MEMBER_UPDATE to the members of
   each of its guilds: every process does this for its own sessions. A guild held here may not hold the user's
   membership (it holds those of the users connected here): it is looked up when someone there would see it.
 */
static void member_updates(sd_gateway_t *gw, json_t *user)
{
    const char *uid = json_string_value(json_object_get(user, "id"));
    const char *gid;
    json_t *state;
    if (!uid) return;
    json_object_foreach(gw->states, gid, state)
    {
        if (json_object_get(json_object_get(state, "members"), uid)) {
            member_update_in(gw, gid, user);
            continue;
        }
        bool wanted = false;
        for (session_t *s = gw->sessions; s && !wanted; s = s->hh.next)
            wanted = (s->intents & I_GUILD_MEMBERS) && json_object_get(s->guilds, gid);
        member_lookup_t *m = wanted ? calloc(1, sizeof *m) : NULL;
        if (!m) continue;
        m->gw = gw;
        snprintf(m->guild_id, sizeof m->guild_id, "%s", gid);
        m->user = json_incref(user);
        if (sd_gateway_service_member(gw->app, gid, uid, on_member_for_update, m)) {
            json_decref(m->user);
            free(m);
        }
    }
}

/* Whether the user of s may see a guild event in channel c (or needing perms), as memoized in verdicts. */
static bool may_see(json_t *verdicts, const json_t *state, const session_t *s, const char *c, uint64_t perms)
{
    json_t *known = json_object_get(verdicts, s->user_id);
    if (known) return json_is_true(known);
    bool yes = json_object_get(json_object_get(state, "members"), s->user_id) &&
               (!(c || perms) || sd_gateway_service_allowed(state, s->user_id, c, perms));
    json_object_set_new(verdicts, s->user_id, json_boolean(yes));
    return yes;
}

static void deliver(sd_gateway_t *gw, json_t *env)
{
    const char *t = json_string_value(json_object_get(env, "t"));
    const char *g = json_string_value(json_object_get(env, "g"));
    const char *c = json_string_value(json_object_get(env, "c"));
    json_t *d = json_object_get(env, "d");
    json_t *users = json_object_get(env, "u");
    const char *p = json_string_value(json_object_get(env, "p"));
    uint64_t perms = p ? strtoull(p, NULL, 10) : 0;
    if (!t || !d) return;
    if (!strcmp(t, "PRESENCE_UPDATE")) { /* remembered for the presences of later GUILD_CREATEs */
        const char *who = json_string_value(json_object_get(json_object_get(d, "user"), "id"));
        const char *status = json_string_value(json_object_get(d, "status"));
        if (who && status && strcmp(status, "offline"))
            json_object_set_new(gw->presences, who, json_string(status));
        else if (who)
            json_object_del(gw->presences, who);
    }
    uint64_t intent = intent_of(t, g != NULL);
    json_t *state = g ? json_object_get(gw->states, g) : NULL;
    char *text[2] = {NULL, NULL}; /* the data as JSON text: [0] whole, [1] with its content hidden */
    body_t *body[2] = {NULL, NULL};
    long delivered = 0;
    /* The frames go out as one batch (sd_ws_batch): their socket writes are most of the cost of an event
       seen by thousands of sessions, and the batch spreads them over threads while the frames are built. */
    sd_ws_batch_t *batch = sd_ws_batch_new();
    json_t *verdicts = json_object(); /* user_id -> may see it: computed once per user, not per session */
    for (session_t *s = gw->sessions; s; s = s->hh.next) {
        if (intent && !(s->intents & intent)) continue;
        if (users) {
            if (!named(users, s->user_id)) continue;
        } else if (!g || !state || !json_object_get(s->guilds, g) || !may_see(verdicts, state, s, c, perms)) {
            continue;
        }
        int hide = content_hidden(s, t, d, g != NULL);
        if (!text[hide]) {
            json_t *copy = hide ? json_deep_copy(d) : json_incref(d);
            if (hide) {
                json_object_set_new(copy, "content", json_string(""));
                json_object_set_new(copy, "embeds", json_array());
                json_object_set_new(copy, "attachments", json_array());
            }
            text[hide] = json_dumps(copy, JSON_COMPACT);
            json_decref(copy);
        }
        if (!body[hide] && text[hide]) body[hide] = body_new(t, text[hide]);
        if (!body[hide]) continue;
        long seq = numbered(s, t, body[hide]);
        if (keeping_up(s)) {
            char start[SD_WS_PREFIX_MAX];
            sd_ws_batch_add(batch, s->link->ws, start, frame_start(seq, start), body[hide]->text,
                            body[hide]->len);
        }
        delivered++;
        if (!strcmp(t, "USER_UPDATE")) { /* later GUILD_CREATEs show the user as it is now */
            char *now = strdup(text[hide]);
            if (now) {
                free(s->user);
                s->user = now;
            }
        }
    }
    sd_ws_batch_end(batch);
    json_decref(verdicts);
    for (int i = 0; i < 2; i++) {
        body_drop(body[i]);
        free(text[i]);
    }
    count_delivered(gw, t, delivered);
    if (!strcmp(t, "USER_UPDATE")) member_updates(gw, d);
}

static void on_event(const char *payload, size_t len, bool remote, void *ctx)
{
    sd_gateway_t *gw = ctx;
    (void)remote;
    json_t *env = json_loadb(payload, len, 0, NULL);
    if (!env) return;
    if (gw->reloading > 0)
        json_array_append(gw->waiting, env);
    else
        deliver(gw, env);
    json_decref(env);
}

/* ---- presence ---- */

static void presence_in(session_t *s, const char *guild_id, const char *status)
{
    const char *shown = !strcmp(status, "invisible") ? "offline" : status;
    sd_events_publish(s->gw->app, "PRESENCE_UPDATE", guild_id, NULL, NULL, 0,
                      json_pack("{s:{s:s}, s:s, s:s, s:[], s:{s:s}}", "user", "id", s->user_id, "guild_id",
                                guild_id, "status", shown, "activities", "client_status", "web", shown));
}

/* The user's status to the members of each guild of the session. */
static void presence(session_t *s, const char *status)
{
    const char *gid;
    json_t *v;
    json_object_foreach(s->guilds, gid, v) presence_in(s, gid, status);
}

/* ---- the protocol ---- */

typedef struct {
    sd_gateway_t *gw;
    char session[33];
} asker_t;

static void on_chunks(json_t *chunks, void *ctx)
{
    asker_t *a = ctx;
    session_t *s = find_session(a->gw, a->session);
    size_t i;
    json_t *c;
    json_array_foreach(s ? chunks : NULL, i, c) dispatch_json(s, "GUILD_MEMBERS_CHUNK", json_incref(c));
    free(a);
}

/* Request Guild Members (op 8): GUILD_MEMBERS_CHUNK dispatches follow. */
static void request_members(session_t *s, const json_t *d)
{
    asker_t *a = calloc(1, sizeof *a);
    if (!a) return;
    a->gw = s->gw;
    snprintf(a->session, sizeof a->session, "%s", s->id);
    int code = sd_chunks_request(s->gw->app, s->user_id, d, on_chunks, a);
    if (code) {
        free(a);
        close_link(s->link, code, code == 4002 ? "Decode error" : "Unknown error");
    }
}

/* The socket's URL, by the Host the client used: what GET /gateway gives and READY's resume_gateway_url. */
static void socket_url(const sd_request_t *req, char *out, size_t cap)
{
    const char *host = sd_request_header(req, "Host");
    snprintf(out, cap, "ws://%s/gateway", host && host[0] ? host : "127.0.0.1");
}

static void send_ready(session_t *s, json_t *guild_ids)
{
    json_t *guilds = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(guild_ids, i, id)
        json_array_append_new(guilds, json_pack("{s:O, s:b}", "id", id, "unavailable", 1));
    json_t *private_user = json_loads(s->user, 0, NULL);
    dispatch_json(s, "READY",
                  json_pack("{s:i, s:o, s:o, s:s, s:s, s:s, s:{s:s, s:i}, s:[], s:[], s:{}, s:[], s:[i, i]}",
                            "v", 10, "user", private_user, "guilds", guilds, "session_id", s->id,
                            "resume_gateway_url", s->resume_url, "session_type", "normal", "application",
                            "id", s->user_id, "flags", 0, "private_channels", "relationships",
                            "user_settings", "presences", "shard", 0, 1));
    json_array_foreach(guild_ids, i, id)
    {
        /* A guild held already needs only this user's membership (on_member_loaded sends GUILD_CREATE). */
        const char *gid = json_string_value(id);
        json_t *state = json_object_get(s->gw->states, gid);
        if (json_object_get(json_object_get(state, "members"), s->user_id))
            guild_created(s, gid);
        else if (state)
            reload(s->gw, false, gid, s->user_id);
        else
            load_guild(s->gw, gid, s);
    }
}

/* An IDENTIFY step has come back: false, the session freed, when it ended while the step was away. */
static bool still_wanted(session_t *s)
{
    if (!s->dead) return true;
    s->pending_auth = false;
    uv_close((uv_handle_t *)&s->timer, session_free_now);
    return false;
}

static void on_guild_ids(sd_err_t err, json_t *ids, void *ctx)
{
    session_t *s = ctx;
    if (!still_wanted(s)) return;
    s->pending_auth = false;
    if (err) {
        close_link(s->link, 4000, "Unknown error");
        return;
    }
    s->identified = true;
    json_object_set_new(s->gw->online, s->user_id,
                        json_integer(json_integer_value(json_object_get(s->gw->online, s->user_id)) + 1));
    HASH_ADD_STR(s->gw->sessions, id, s);
    send_ready(s, ids);
}

/* IDENTIFYs are limited per user, across processes: a client that logs in in a loop is turned away. */
static void on_identify_counted(const sd_rl_state_t *st, int n, void *ctx)
{
    session_t *s = ctx;
    (void)n;
    if (!still_wanted(s)) return;
    if (st[0].limited) {
        s->pending_auth = false;
        sd_metrics_add(s->gw->app->metrics, "sd_ratelimit_rejections_total", "scope=\"identify\"", 1);
        close_link(s->link, 4008, "Rate limited");
        return;
    }
    if (sd_gateway_service_guild_ids(s->gw->app, s->user_id, on_guild_ids, s) != SD_OK) {
        s->pending_auth = false;
        close_link(s->link, 4000, "Unknown error");
    }
}

static void on_identified(const sd_user_result_t *r, void *ctx)
{
    session_t *s = ctx;
    if (!still_wanted(s)) return;
    if (r->err) {
        s->pending_auth = false;
        close_link(s->link, 4004, "Authentication failed");
        return;
    }
    snprintf(s->user_id, sizeof s->user_id, "%s", r->user->id);
    json_t *user = sd_user_private_json(r->user);
    s->user = user ? json_dumps(user, JSON_COMPACT) : NULL;
    json_decref(user);
    char key[64];
    snprintf(key, sizeof key, "rl:identify:%s", s->user_id);
    sd_rl_rule_t rule = {key, s->gw->app->cfg->rate_identify};
    sd_ratelimit_hit(s->gw->app->limits, &rule, 1, on_identify_counted, s);
}

static void identify(session_t *s, const sd_gw_payload_t *p)
{
    if (s->identified || s->pending_auth) {
        close_link(s->link, 4005, "Already authenticated");
        return;
    }
    s->intents = p->intents;
    if (p->status) snprintf(s->status, sizeof s->status, "%s", p->status);
    s->pending_auth = true;
    if (sd_user_service_authenticate(s->gw->app, p->token, on_identified, s) != SD_OK) {
        s->pending_auth = false;
        close_link(s->link, 4004, "Authentication failed");
    }
}

typedef struct {
    session_t *fresh; /* kept alive by pending_auth */
    long seq;
} resuming_t;

static void invalid_session(session_t *fresh)
{
    send_json(fresh, json_pack("{s:i, s:b}", "op", OP_INVALID_SESSION, "d", 0));
}

/* The token checked: the socket moves to the old session if the token is its user's and seq is still held. */
static void on_resume_auth(const sd_user_result_t *r, void *ctx)
{
    resuming_t *rs = ctx;
    session_t *fresh = rs->fresh;
    long from = rs->seq;
    session_t *old = NULL;
    free(rs);
    fresh->pending_auth = false;
    if (fresh->dead) {
        uv_close((uv_handle_t *)&fresh->timer, session_free_now);
        return;
    }
    link_t *l = fresh->link;
    if (r->err == SD_OK) old = find_session(fresh->gw, fresh->resume_id);
    bool ok = old && !strcmp(old->user_id, r->user->id) && from <= old->seq && from >= old->unkept_seq &&
              (old->ring_count == 0 || from >= old->ring[old->ring_start].seq - 1);
    if (!ok) {
        invalid_session(fresh);
        return;
    }
    if (old->link) { /* its old socket may not have ended yet (a zombie, or still closing): it ends now */
        old->link->s = NULL;
        close_link(old->link, 4000, "Session resumed elsewhere");
    }
    fresh->link = NULL;
    session_end(fresh);
    old->link = l;
    l->s = old;
    old->last_beat = uv_now(old->gw->app->loop);
    uv_timer_start(&old->timer, on_watchdog, (uint64_t)old->gw->app->cfg->gateway_heartbeat_ms / 4 + 1, 0);
    for (int i = 0; i < old->ring_count; i++) {
        const sent_t *m = &old->ring[(old->ring_start + i) % old->ring_cap];
        if (m->seq > from) send_numbered(old, m->seq, m->body);
    }
    dispatch(old, "RESUMED", "{}");
}

static void resume(link_t *l, const sd_gw_payload_t *p)
{
    session_t *fresh = l->s;
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

static void on_text(void *ctx, const char *msg, size_t len)
{
    link_t *l = ctx;
    session_t *s = l->s;
    if (!s) return;
    const sd_rate_t *rate = &s->gw->app->cfg->rate_gateway;
    uint64_t now = uv_now(s->gw->app->loop);
    if (now - s->window_start >= (uint64_t)rate->window_ms) {
        s->window_start = now;
        s->commands = 0;
    }
    if (rate->count > 0 && ++s->commands > rate->count) {
        sd_metrics_add(s->gw->app->metrics, "sd_ratelimit_rejections_total", "scope=\"gateway\"", 1);
        close_link(l, 4008, "Rate limited");
        return;
    }
    sd_gw_payload_t p;
    int code = sd_gw_payload_decode(msg, len, &p);
    if (code) {
        close_link(l, code,
                   code == 4001   ? "Unknown opcode"
                   : code == 4013 ? "Invalid intent(s)"
                                  : "Decode error");
        return;
    }
    switch (p.op) {
    case SD_GW_OP_HEARTBEAT:
        s->last_beat = now;
        send_json(s, json_pack("{s:i}", "op", OP_HEARTBEAT_ACK));
        break;
    case SD_GW_OP_IDENTIFY:
        identify(s, &p);
        break;
    case SD_GW_OP_RESUME:
        if (s->identified || s->pending_auth)
            close_link(l, 4005, "Already authenticated");
        else
            resume(l, &p);
        break;
    case SD_GW_OP_PRESENCE:
        if (!s->identified) {
            close_link(l, 4003, "Not authenticated");
        } else {
            snprintf(s->status, sizeof s->status, "%s", p.status);
            presence(s, p.status);
        }
        break;
    case SD_GW_OP_REQUEST_MEMBERS:
        if (!s->identified)
            close_link(l, 4003, "Not authenticated");
        else
            request_members(s, p.d);
        break;
    }
    sd_gw_payload_free(&p);
}

static void on_gone(void *ctx, int code)
{
    link_t *l = ctx;
    session_t *s = l->s;
    free(l);
    if (!s) return;
    s->link = NULL;
    /* A clean close (1000/1001) ends the session as Discord does; anything else leaves it resumable. */
    if (!s->identified || code == 1000 || code == 1001 || s->gw->closing ||
        s->gw->app->cfg->gateway_resume_ms == 0) {
        session_end(s);
        return;
    }
    uv_timer_start(&s->timer, on_resume_window, (uint64_t)s->gw->app->cfg->gateway_resume_ms, 0);
}

static const sd_ws_cbs_t ws_cbs = {on_text, on_gone};

static void get_socket(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    sd_gateway_t *gw = app->gateway;
    link_t *l = calloc(1, sizeof *l);
    if (!gw || gw->closing || !l) {
        free(l);
        sd_http_respond_error(req, 503, 0, "503: Service Unavailable", NULL);
        return;
    }
    /* Read before the upgrade: the request is gone after it. */
    const char *v = sd_request_query(req, "v");
    bool bad_version = v && strcmp(v, "10") && strcmp(v, "9");
    char url[300];
    socket_url(req, url, sizeof url);
    l->ws = sd_ws_accept(req, MAX_CLIENT_MESSAGE, &ws_cbs, l);
    if (!l->ws) {
        free(l);
        return;
    }
    sd_ws_send_buffer(l->ws, (int)app->cfg->gateway_send_buffer);
    l->s = session_new(gw, l);
    if (l->s && !(l->s->resume_url = strdup(url))) {
        l->s->link = NULL;
        session_end(l->s);
        l->s = NULL;
    }
    if (!l->s) {
        close_link(l, 4000, "Unknown error");
        return;
    }
    if (bad_version) {
        close_link(l, 4012, "Invalid API version");
        return;
    }
    send_json(l->s, json_pack("{s:i, s:{s:i}}", "op", OP_HELLO, "d", "heartbeat_interval",
                              (int)app->cfg->gateway_heartbeat_ms));
}

/* ---- REST ---- */

static json_t *url_object(const sd_request_t *req)
{
    char url[300];
    socket_url(req, url, sizeof url);
    return json_pack("{s:s}", "url", url);
}

static void get_gateway(sd_request_t *req, void *app)
{
    (void)app;
    sd_http_respond_json(req, 200, url_object(req));
}

static void get_gateway_bot(sd_request_t *req, void *app)
{
    (void)app;
    json_t *out = url_object(req);
    json_object_set_new(out, "shards", json_integer(1));
    json_object_set_new(out, "session_start_limit",
                        json_pack("{s:i, s:i, s:i, s:i}", "total", 1000, "remaining", 1000, "reset_after", 0,
                                  "max_concurrency", 1));
    sd_http_respond_json(req, 200, out);
}

sd_err_t sd_gateway_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t defs[] = {{"GET", "/gateway", get_gateway, 0},
                                          {"GET", "/gateway/bot", get_gateway_bot, SD_API_AUTH}};
    return sd_deps_register(r, prefix, defs, sizeof defs / sizeof *defs);
}

sd_err_t sd_gateway_socket_register(sd_router_t *r)
{
    return sd_router_add(r, "GET", "/gateway", get_socket, 0);
}

/* ---- lifetime ---- */

sd_gateway_t *sd_gateway_new(sd_app_t *app)
{
    sd_gateway_t *gw = calloc(1, sizeof *gw);
    if (!gw) return NULL;
    gw->app = app;
    gw->states = json_object();
    gw->online = json_object();
    gw->presences = json_object();
    gw->channel_guild = json_object();
    gw->waiting = json_array();
    snprintf(gw->t_guilds, sizeof gw->t_guilds, "%sguilds", app->cfg->table_prefix);
    snprintf(gw->t_channels, sizeof gw->t_channels, "%schannels", app->cfg->table_prefix);
    snprintf(gw->t_members, sizeof gw->t_members, "%smembers", app->cfg->table_prefix);
    if (!gw->states || !gw->channel_guild || !gw->waiting ||
        sd_broker_subscribe(app->broker, SD_EVENTS_TOPIC, on_event, gw) != SD_OK) {
        sd_gateway_free(gw);
        return NULL;
    }
    return gw;
}

void sd_gateway_shutdown(sd_gateway_t *gw)
{
    gw->closing = true;
    for (session_t *s = gw->sessions, *next; s; s = next) {
        next = s->hh.next;
        if (s->link) send_json(s, json_pack("{s:i, s:n}", "op", OP_RECONNECT, "d"));
        session_end(s);
    }
}

int sd_gateway_open_sessions(const sd_gateway_t *gw)
{
    return gw->open;
}

void sd_gateway_free(sd_gateway_t *gw)
{
    if (!gw) return;
    json_decref(gw->states);
    json_decref(gw->online);
    json_decref(gw->presences);
    json_decref(gw->channel_guild);
    json_decref(gw->waiting);
    free(gw);
}
