/*
 * events: how a change becomes a gateway dispatch. A service that changed something publishes the event's
 * type and data with its audience (the guild and channel it belongs to, or explicit users such as the
 * recipients of a DM); the broker carries it to every server process, and each process's gateway delivers it
 * to the sessions allowed to see it. The envelope on the broker is {"t", "d", "g"?, "c"?, "u"?: [user ids],
 * "p"?: permission bits (decimal string) a session's user must hold in the channel, or the guild without
 * one}.
 */
#ifndef SD_SERVICES_EVENTS_H
#define SD_SERVICES_EVENTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/app.h"

/* The broker topic that carries dispatches. */
#define SD_EVENTS_TOPIC "events"

/* An event of the server's own, never dispatched to clients: the tokens of the users named older than
   d.token_version are retired (a password change, POST /auth/logout), and each process closes their gateway
   sessions with 4004. */
#define SD_EVENTS_TOKENS_RETIRED "SD_TOKENS_RETIRED"

/*
 * Publishes event type with data (stolen). guild_id / channel_id may be NULL or ""; users (stolen, may be
 * NULL) limits the audience to those users; perms (0: none beyond VIEW_CHANNEL for a channel's events) are
 * the permissions the audience must also hold.
 */
void sd_events_publish(sd_app_t *app, const char *type, const char *guild_id, const char *channel_id,
                       json_t *users, uint64_t perms, json_t *data);

#endif
