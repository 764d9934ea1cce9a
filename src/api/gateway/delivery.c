#include "api/gateway/delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/gateway/presence.h"
#include "services/events.h"
#include "services/gateway_service.h"

static uint64_t intent_of(const char *t, bool guild)
{
    static const struct {
        const char *prefix;
        uint64_t guild, dm;
    } map[] = {{"MESSAGE_REACTION_", SD_GW_I_GUILD_REACTIONS, SD_GW_I_DM_REACTIONS},
               {"MESSAGE_", SD_GW_I_GUILD_MESSAGES, SD_GW_I_DMS},
               {"TYPING_START", SD_GW_I_GUILD_TYPING, SD_GW_I_DM_TYPING},
               {"GUILD_MEMBER_", SD_GW_I_GUILD_MEMBERS, 0},
               {"GUILD_BAN_", SD_GW_I_GUILD_MODERATION, 0},
               {"GUILD_EMOJIS_UPDATE", SD_GW_I_GUILD_EMOJIS, 0},
               {"INVITE_", SD_GW_I_GUILD_INVITES, 0},
               {"PRESENCE_UPDATE", SD_GW_I_GUILD_PRESENCES, 0},
               {"CHANNEL_PINS_UPDATE", SD_GW_I_GUILDS, SD_GW_I_DMS},
               {"CHANNEL_", SD_GW_I_GUILDS, 0},
               {"GUILD_", SD_GW_I_GUILDS, 0}};
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
static bool content_hidden(const sd_gw_session_t *s, const char *t, const json_t *d, bool guild)
{
    if (!guild || (s->intents & SD_GW_I_MESSAGE_CONTENT) || strncmp(t, "MESSAGE_", 8) ||
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
    for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next)
        if ((s->intents & SD_GW_I_GUILD_MEMBERS) && json_object_get(s->guilds, guild_id) &&
            json_object_get(json_object_get(state, "members"), s->user_id)) {
            sd_gw_dispatch(s, "GUILD_MEMBER_UPDATE", text);
            n++;
        }
    sd_gw_count_delivered(gw, "GUILD_MEMBER_UPDATE", n);
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
        for (sd_gw_session_t *s = gw->sessions; s && !wanted; s = s->hh.next)
            wanted = (s->intents & SD_GW_I_GUILD_MEMBERS) && json_object_get(s->guilds, gid);
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

/* Tokens retired (services/events): a session of a user named that logged in with an older token is closed
   with 4004, as IDENTIFY with that token would be now, and ends for good (no RESUME into it). */
static void tokens_retired(sd_gateway_t *gw, const json_t *users, const json_t *d)
{
    json_int_t version = json_integer_value(json_object_get(d, "token_version"));
    sd_gw_session_t *s, *next;
    for (s = gw->sessions; s; s = next) {
        next = s->hh.next;
        if (!named(users, s->user_id) || s->token_version >= version) continue;
        if (s->link) {
            sd_gw_close_link(s->link, 4004, "Authentication failed");
            s->link->s = NULL;
            s->link = NULL;
        }
        sd_gw_session_end(s);
    }
}

/* Whether the user of s may see a guild event in channel c (or needing perms), as memoized in verdicts. */
static bool may_see(json_t *verdicts, const json_t *state, const sd_gw_session_t *s, const char *c,
                    uint64_t perms)
{
    json_t *known = json_object_get(verdicts, s->user_id);
    if (known) return json_is_true(known);
    bool yes = json_object_get(json_object_get(state, "members"), s->user_id) &&
               (!(c || perms) || sd_gateway_service_allowed(state, s->user_id, c, perms));
    json_object_set_new(verdicts, s->user_id, json_boolean(yes));
    return yes;
}

/* The guild's emoji live in a table of their own: the state keeps the list each GUILD_EMOJIS_UPDATE carries
   (for later GUILD_CREATEs), and a GUILD_UPDATE, built from the guild item alone, shows it. */
static void emojis_heard(json_t *state, const char *t, json_t *d)
{
    json_t *emojis = json_object_get(d, "emojis");
    if (!state || !json_is_array(emojis)) return;
    if (!strcmp(t, "GUILD_EMOJIS_UPDATE"))
        json_object_set(state, "emojis", emojis);
    else if (!strcmp(t, "GUILD_UPDATE") && json_object_get(state, "emojis"))
        json_object_set(d, "emojis", json_object_get(state, "emojis"));
}

void sd_gw_deliver(sd_gateway_t *gw, json_t *env)
{
    const char *t = json_string_value(json_object_get(env, "t"));
    const char *g = json_string_value(json_object_get(env, "g"));
    const char *c = json_string_value(json_object_get(env, "c"));
    json_t *d = json_object_get(env, "d");
    json_t *users = json_object_get(env, "u");
    const char *p = json_string_value(json_object_get(env, "p"));
    uint64_t perms = p ? strtoull(p, NULL, 10) : 0;
    if (!t || !d) return;
    if (!strcmp(t, SD_EVENTS_TOKENS_RETIRED)) {
        tokens_retired(gw, users, d);
        return;
    }
    if (!strcmp(t, "PRESENCE_UPDATE")) sd_gw_presence_heard(gw, d); /* for later GUILD_CREATEs */
    uint64_t intent = intent_of(t, g != NULL);
    json_t *state = g ? json_object_get(gw->states, g) : NULL;
    emojis_heard(state, t, d);
    char *text[2] = {NULL, NULL}; /* the data as JSON text: [0] whole, [1] with its content hidden */
    sd_gw_body_t *body[2] = {NULL, NULL};
    long delivered = 0;
    /* The frames go out as one batch (sd_ws_batch): their socket writes are most of the cost of an event
       seen by thousands of sessions, and the batch spreads them over threads while the frames are built. */
    sd_ws_batch_t *batch = sd_ws_batch_new();
    json_t *verdicts = json_object(); /* user_id -> may see it: computed once per user, not per session */
    for (sd_gw_session_t *s = gw->sessions; s; s = s->hh.next) {
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
        if (!body[hide] && text[hide]) body[hide] = sd_gw_body_new(t, text[hide]);
        if (!body[hide]) continue;
        long seq = sd_gw_numbered(s, t, body[hide]);
        if (sd_gw_keeping_up(s)) {
            if (sd_gw_compressed_alone(s, body[hide])) {
                sd_gw_send_numbered(s, seq, body[hide]); /* a zlib stream of its own: no shared body */
            } else { /* a socket with transport compression compresses its copy into its stream here */
                char start[SD_WS_PREFIX_MAX];
                sd_ws_batch_add(batch, s->link->ws, start, sd_gw_frame_start(seq, start), body[hide]->text,
                                body[hide]->len);
            }
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
        sd_gw_body_drop(body[i]);
        free(text[i]);
    }
    sd_gw_count_delivered(gw, t, delivered);
    if (!strcmp(t, "USER_UPDATE")) member_updates(gw, d);
}
