/*
 * gateway_service: what the gateway loads for its sessions. The guilds of a user, and a guild's state as the
 * gateway keeps it to decide who may see what: {"guild": stored guild (roles inside), "channels": {id: stored
 * channel}, "members": {user_id: stored member}, "emojis": [Discord's emoji objects]} for the users it asks
 * about. Also the single items it
 * reloads when the read cache reports a change, and the GUILD_CREATE payload of a loaded state. Reads go
 * through the repositories (and so through the read cache).
 */
#ifndef SD_SERVICES_GATEWAY_SERVICE_H
#define SD_SERVICES_GATEWAY_SERVICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/app.h"
#include "core/errors.h"

/* result is borrowed for the call: an array of guild ids, a state, or one stored item. */
typedef void (*sd_gateway_service_cb)(sd_err_t err, json_t *result, void *ctx);

/* The ids of every guild user_id is a member of. */
sd_err_t sd_gateway_service_guild_ids(sd_app_t *app, const char *user_id, sd_gateway_service_cb cb,
                                      void *ctx);
/* The state of guild_id with the memberships of user_ids (array of strings, stolen; those not members are
   left out); SD_ERR_NOT_FOUND when the guild is gone. */
sd_err_t sd_gateway_service_guild(sd_app_t *app, const char *guild_id, json_t *user_ids,
                                  sd_gateway_service_cb cb, void *ctx);
/* One stored item: a channel (id), a guild (id) or a membership (guild_id, user_id). */
sd_err_t sd_gateway_service_channel(sd_app_t *app, const char *id, sd_gateway_service_cb cb, void *ctx);
sd_err_t sd_gateway_service_member(sd_app_t *app, const char *guild_id, const char *user_id,
                                   sd_gateway_service_cb cb, void *ctx);
/* The GUILD_CREATE data of state for user (its public JSON, borrowed): the channels it can see, the members
   of roster (Discord's member objects with user, borrowed; NULL: the user's own member object alone, as for a
   large guild) and the presences of those members found in presences (user_id -> {status, activities},
   borrowed; NULL for none). A new reference. */
json_t *sd_gateway_service_guild_create(const json_t *state, const char *user_id, const json_t *user,
                                        const json_t *roster, bool large, const json_t *presences);
/* The presence object of user_id from what the gateway heard of it ({status, activities}, borrowed; may be
   NULL), or NULL when it is not online. A new reference. */
json_t *sd_gateway_service_presence(const char *user_id, const json_t *heard);
/* The GUILD_MEMBER_UPDATE data that tells the guild of state about a changed account (user: its private
   object, borrowed; only the public fields are passed on), or NULL when the user is not a member there. A new
   reference. */
json_t *sd_gateway_service_member_update(const json_t *state, const json_t *user);
/*
 * Does user_id hold perms in channel_id of state (through services/permissions), or in the guild when
 * channel_id is NULL? A channel's events need VIEW_CHANNEL on top. A channel deleted since the state loaded
 * is still judged by its last known form (in state's "gone"), so that its deletion reaches who saw it.
 */
int sd_gateway_service_allowed(const json_t *state, const char *user_id, const char *channel_id,
                               uint64_t perms);
/* Moves channel_id of state to its "gone" channels (a deletion); at 64 the earlier ones are forgotten. */
void sd_gateway_service_channel_gone(json_t *state, const char *channel_id);

#endif
