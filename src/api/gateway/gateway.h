/*
 * gateway: Discord's gateway v10 (JSON encoding) over WebSocket. GET /gateway and /gateway/bot give the
 * socket's URL; the socket (GET /gateway with an upgrade) speaks HELLO, IDENTIFY -> READY then GUILD_CREATE
 * per guild, HEARTBEAT / ACK with a watchdog (no heartbeat for 1.5 intervals closes the session with 4009),
 * PRESENCE_UPDATE, RESUME (replaying missed dispatches from a bounded buffer, or INVALID_SESSION), and
 * RECONNECT when the server shuts down. Every dispatch carries a sequence number.
 *
 * Dispatches come from the broker (services/events) and go to the sessions allowed to see them: the users
 * named by the event, or the members of its guild who can VIEW_CHANNEL its channel, as services/permissions
 * computes it from a per-process copy of each guild's roles, channels and the memberships of connected users.
 * That copy is reloaded whenever the read cache reports a change to a guild, channel or membership (from this
 * process or, through Redis, another); events wait while a reload is in flight, so none is judged on stale
 * permissions. Intents filter by event type, and MESSAGE_CONTENT is applied as Discord applies it.
 */
#ifndef SD_API_GATEWAY_GATEWAY_H
#define SD_API_GATEWAY_GATEWAY_H

#include "core/app.h"
#include "core/router.h"

typedef struct sd_gateway sd_gateway_t;

/* A new gateway for app, subscribed to the broker's events (app->broker must be set). Free with
   sd_gateway_free() after shutdown. */
sd_gateway_t *sd_gateway_new(sd_app_t *app);
void sd_gateway_free(sd_gateway_t *gw);
/* GET <prefix>/gateway and <prefix>/gateway/bot. */
sd_err_t sd_gateway_endpoints_register(sd_router_t *r, const char *prefix);
/* The socket itself: GET /gateway with an upgrade. */
sd_err_t sd_gateway_socket_register(sd_router_t *r);
/* Told by the read cache of a changed item (table is the full name, key the cache's canonical key). */
void sd_gateway_on_change(sd_gateway_t *gw, const char *table, const char *key);
/* Sends RECONNECT to every session and closes them with a resumable code. */
void sd_gateway_shutdown(sd_gateway_t *gw);
/* Sessions with an open socket. */
int sd_gateway_open_sessions(const sd_gateway_t *gw);

#endif
