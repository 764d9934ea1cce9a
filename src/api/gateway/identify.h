/*
 * identify: the gateway's login steps. IDENTIFY checks the token (services/user_service), counts the login
 * against the per-user IDENTIFY limit (core/ratelimit, across processes), reads the user's guilds, then makes
 * the session identified and sends READY, the guilds following as GUILD_CREATE (api/gateway/guilds). RESUME
 * checks the token against the session asked for and, when it still holds every dispatch since the client's
 * sequence number, moves the socket to it and replays them, then RESUMED; otherwise INVALID_SESSION. A step
 * that comes back after its session ended frees it. Internal to api/gateway.
 */
#ifndef SD_API_GATEWAY_IDENTIFY_H
#define SD_API_GATEWAY_IDENTIFY_H

#include "api/gateway/payload.h"
#include "api/gateway/session.h"

/* IDENTIFY (op 2, p borrowed for the call) on the fresh session s; a second one closes it with 4005. */
void sd_gw_identify(sd_gw_session_t *s, const sd_gw_payload_t *p);
/* RESUME (op 6, p borrowed for the call) from the socket l, whose session is not identified. */
void sd_gw_resume(sd_gw_link_t *l, const sd_gw_payload_t *p);

#endif
