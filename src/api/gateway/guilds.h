/*
 * guilds: the gateway's per-process copy of the guilds its sessions are in: each guild's roles, channels and
 * the memberships of the users connected here (services/gateway_service loads them), with an index from
 * channel to guild. A change the read cache reports (a guild, channel or membership, from this process or
 * another) reloads what it names; while any reload is in flight, events are held and delivered after it, so
 * none is judged on stale permissions. A guild loaded, or a membership gained, gives the user's sessions its
 * GUILD_CREATE; one lost gives GUILD_DELETE. Internal to api/gateway.
 */
#ifndef SD_API_GATEWAY_GUILDS_H
#define SD_API_GATEWAY_GUILDS_H

#include <jansson.h>
#include <stdbool.h>

#include "api/gateway/session.h"

/* s (just identified) is in guild_id: it gets GUILD_CREATE once the guild and its membership are held. */
void sd_gw_guild_join(sd_gw_session_t *s, const char *guild_id);
/* The read cache changed an item (table is the full name, key the cache's canonical key). */
void sd_gw_guilds_changed(sd_gateway_t *gw, const char *table, const char *key);
/* While a reload is in flight, keeps the event envelope env (borrowed; it keeps its own reference) to deliver
   after it and returns true; otherwise false. */
bool sd_gw_guilds_hold(sd_gateway_t *gw, json_t *env);

#endif
