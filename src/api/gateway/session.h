/*
 * session: the gateway's sessions and the state its modules share. A session is one login (IDENTIFY); a link
 * is one socket, pointing to the session it serves (RESUME moves it to the resumed one). This module numbers
 * a session's dispatches and keeps the recent ones in a bounded ring for RESUME (as references to bodies
 * shared by every session an event goes to), sends to a session's socket (closing one that falls too far
 * behind; the socket's transport compression, if any, or payload compression when IDENTIFY asked for it),
 * runs the heartbeat watchdog (which also closes, with 4003, a socket that has not logged in within
 * GATEWAY_IDENTIFY_TIMEOUT_MS of HELLO) and the resume window, and ends sessions. Internal to api/gateway.
 */
#ifndef SD_API_GATEWAY_SESSION_H
#define SD_API_GATEWAY_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>
#include <uv.h>

#include "api/gateway/gateway.h"
#include "core/websocket.h"

/* What the server sends; what clients send is decoded by api/gateway/payload. */
enum {
    SD_GW_OP_DISPATCH = 0,
    SD_GW_OP_RECONNECT = 7,
    SD_GW_OP_INVALID_SESSION = 9,
    SD_GW_OP_HELLO = 10,
    SD_GW_OP_HEARTBEAT_ACK = 11
};

typedef struct sd_gw_session sd_gw_session_t;

/* One socket; it points to the session it serves (RESUME moves it to the resumed one). */
typedef struct {
    sd_gateway_t *gw;
    sd_ws_t *ws;
    sd_gw_session_t *s;
    char address[64]; /* the client's, counted against its limit of sockets while this one is open */
} sd_gw_link_t;

/* A dispatch's part after its sequence number, ',"t":"<t>","d":<data>}': the same for every session it goes
   to, so one copy is shared by all of them and by their RESUME rings. */
typedef struct {
    int refs;
    size_t len;
    char text[];
} sd_gw_body_t;

typedef struct {
    long seq;
    sd_gw_body_t *body; /* a reference */
} sd_gw_sent_t;

struct sd_gw_session {
    sd_gateway_t *gw;
    sd_gw_link_t *link; /* NULL while disconnected and waiting to be resumed */
    char id[33];
    char resume_id[33]; /* the session this socket asked to resume */
    char user_id[24];
    long long token_version; /* of the token it logged in (or last resumed) with */
    char *user;              /* the user's own object, as JSON text (small; parsed when needed) */
    char *resume_url;        /* the socket's URL as the client reached it */
    bool identified, pending_auth, dead;
    bool payload_compress; /* IDENTIFY asked for compress: big dispatches go alone as zlib streams, unless
                              the socket has transport compression (Discord disables it then) */
    uint64_t intents;
    int large_threshold; /* IDENTIFY's: a guild with more members is large, its GUILD_CREATE lists none */
    long seq;
    char status[16];
    /* The session's presence activities (api/gateway/presence), or NULL. */
    json_t *activities;
    json_t *guilds;   /* guild_id -> true: guilds this session has had GUILD_CREATE for */
    uv_timer_t timer; /* heartbeat watchdog; while disconnected, the end of the resume window */
    uint64_t last_beat;
    uint64_t hello_at;  /* when the socket got HELLO: IDENTIFY or RESUME is due within
                           GATEWAY_IDENTIFY_TIMEOUT_MS */
    sd_gw_sent_t *ring; /* grows to SD_GW_RING entries as dispatches come: an idle session holds few */
    int ring_cap, ring_start, ring_count;
    long unkept_seq; /* the last dispatch not kept (READY, GUILD_CREATE): a resume from before it cannot be */
    int commands;
    uint64_t window_start;
    UT_hash_handle hh;
};

/* The gateway's state, shared by its modules. */
struct sd_gateway {
    sd_app_t *app;
    sd_gw_session_t *sessions; /* by id, identified ones */
    json_t *states;            /* guild_id -> state (services/gateway_service) */
    json_t *channel_guild;
    json_t *online;      /* user_id -> number of identified sessions of this process */
    json_t *presences;   /* user_id -> {status, activities} of every PRESENCE_UPDATE heard (all processes) */
    json_t *per_address; /* client address -> open sockets (api/gateway/address) */
    int reloading;
    json_t *waiting; /* envelopes held while a reload is in flight */
    char t_guilds[160], t_channels[160], t_members[160];
    int open;
    bool closing;
};

/* ---- dispatch bodies and frames ---- */

/* Returns a new body (one reference, dropped with sd_gw_body_drop) for dispatch t with data (JSON text), or
   NULL without memory. */
sd_gw_body_t *sd_gw_body_new(const char *t, const char *data);
void sd_gw_body_drop(sd_gw_body_t *b);
/* A dispatch's start, '{"op":0,"s":<seq>', into out; returns its length. */
size_t sd_gw_frame_start(long seq, char out[SD_WS_PREFIX_MAX]);

/* ---- sending ---- */

/* Closes l's socket (l may be NULL). */
void sd_gw_close_link(sd_gw_link_t *l, int code, const char *reason);
/* Sends payload (a reference taken) to s's socket, if it has one. */
void sd_gw_send_json(sd_gw_session_t *s, json_t *payload);
/* Numbers dispatch t (body) for s and keeps it for RESUME; returns its sequence number. */
long sd_gw_numbered(sd_gw_session_t *s, const char *t, sd_gw_body_t *body);
/* True when s has a socket that can take one more frame; one too far behind is closed, resumably, rather
   than held in memory. */
bool sd_gw_keeping_up(sd_gw_session_t *s);
/* Whether dispatch body goes to s compressed alone (payload compression): s asked for it, its socket has no
   transport compression, and the dispatch is READY or at least SD_GW_COMPRESS_MIN bytes. */
#define SD_GW_COMPRESS_MIN 1024
bool sd_gw_compressed_alone(const sd_gw_session_t *s, const sd_gw_body_t *body);
/* Sends dispatch seq (body) to s's socket, which it must have: through its compression, if any. */
void sd_gw_send_numbered(sd_gw_session_t *s, long seq, const sd_gw_body_t *body);
/* Sends dispatch t with data (JSON text) to s. */
void sd_gw_dispatch(sd_gw_session_t *s, const char *t, const char *data);
/* As sd_gw_dispatch with data as JSON (a reference taken), counted as delivered. */
void sd_gw_dispatch_json(sd_gw_session_t *s, const char *t, json_t *data);
/* Counts n dispatches of type t (once per event, not per session: the bench sends to 10,000). */
void sd_gw_count_delivered(const sd_gateway_t *gw, const char *t, long n);

/* ---- lifecycle ---- */

/* A new session for the socket l, its watchdog running; NULL without memory. Ended with sd_gw_session_end. */
sd_gw_session_t *sd_gw_session_new(sd_gateway_t *gw, sd_gw_link_t *l);
/* Ends a session for good: it can no longer be resumed. It is freed now, or, while an IDENTIFY or RESUME step
   is away (pending_auth), by sd_gw_session_release when it comes back. */
void sd_gw_session_end(sd_gw_session_t *s);
/* Frees an ended session whose pending step has come back. */
void sd_gw_session_release(sd_gw_session_t *s);
/* The identified, live session of that id, or NULL. */
sd_gw_session_t *sd_gw_find_session(sd_gateway_t *gw, const char *id);
/* s lost its socket: it stays resumable for GATEWAY_RESUME_MS, then ends. */
void sd_gw_session_linger(sd_gw_session_t *s);
/* Whether s still holds every dispatch after seq from (a RESUME from there can be served). */
bool sd_gw_session_can_resume(const sd_gw_session_t *s, long from);
/* s got the socket l back (RESUME): its watchdog restarts and the kept dispatches after from are sent again.
 */
void sd_gw_session_resumed(sd_gw_session_t *s, sd_gw_link_t *l, long from);

#endif
