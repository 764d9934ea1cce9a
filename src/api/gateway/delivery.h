/*
 * delivery: who sees an event, and sending it to them. An event envelope from the broker (services/events)
 * goes to the sessions of the users it names, or to the members of its guild who may see it (VIEW_CHANNEL of
 * its channel, or the permissions it needs, judged by services/permissions on the gateway's guild states and
 * memoized per user for the event). Intents filter by event type; without MESSAGE_CONTENT, others' guild
 * messages lose their content unless they mention the user, as Discord does. Each event is written as one
 * batch (sd_ws_batch) with one body shared by every frame. A USER_UPDATE also becomes GUILD_MEMBER_UPDATE in
 * the user's guilds. Internal to api/gateway.
 */
#ifndef SD_API_GATEWAY_DELIVERY_H
#define SD_API_GATEWAY_DELIVERY_H

#include <jansson.h>

#include "api/gateway/session.h"

/* Discord's intents. */
#define SD_GW_I_GUILDS (1u << 0)
#define SD_GW_I_GUILD_MEMBERS (1u << 1)
#define SD_GW_I_GUILD_MODERATION (1u << 2)
#define SD_GW_I_GUILD_EMOJIS (1u << 3)
#define SD_GW_I_GUILD_INVITES (1u << 6)
#define SD_GW_I_GUILD_PRESENCES (1u << 8)
#define SD_GW_I_GUILD_MESSAGES (1u << 9)
#define SD_GW_I_GUILD_REACTIONS (1u << 10)
#define SD_GW_I_GUILD_TYPING (1u << 11)
#define SD_GW_I_DMS (1u << 12)
#define SD_GW_I_DM_REACTIONS (1u << 13)
#define SD_GW_I_DM_TYPING (1u << 14)
#define SD_GW_I_MESSAGE_CONTENT (1u << 15)

/* Delivers the event envelope env ({"t", "d", and "g", "c", "u", "p" as services/events writes them};
   borrowed) to the sessions that may see it. */
void sd_gw_deliver(sd_gateway_t *gw, json_t *env);

#endif
