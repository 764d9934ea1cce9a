/*
 * member_service: guild members and bans. Listing and reading need membership; nicknames need CHANGE_NICKNAME
 * (one's own) or MANAGE_NICKNAMES; roles need MANAGE_ROLES and only roles below the actor's highest; kicking
 * needs KICK_MEMBERS and banning BAN_MEMBERS, both only on members below the actor (never the owner). A ban
 * removes the member and keeps them from joining again until it is lifted.
 */
#ifndef SD_SERVICES_MEMBER_SERVICE_H
#define SD_SERVICES_MEMBER_SERVICE_H

#include <stdbool.h>

#include "core/app.h"
#include "services/outcome.h"

void sd_member_service_list(sd_app_t *app, const char *user_id, const char *guild_id, const char *after,
                            int limit, sd_outcome_cb cb, void *ctx);
void sd_member_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           sd_outcome_cb cb, void *ctx);
/* Members whose username, global name or nickname starts with query, at most limit. */
void sd_member_service_search(sd_app_t *app, const char *user_id, const char *guild_id, const char *query,
                              int limit, sd_outcome_cb cb, void *ctx);
/* Adds (add) or removes one role of target; answers no content (the member update is the event). */
void sd_member_service_role(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            const char *role_id, bool add, sd_outcome_cb cb, void *ctx);
/* input (stolen): validated changes of sd_member_in_parse. target may be "@me". */
void sd_member_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                              json_t *input, sd_outcome_cb cb, void *ctx);
/* Discord's "add guild member" (an OAuth2 access token checked already): a member already answers no content;
   anyone else would need OAuth2, which this server has not yet (SD_REASON_NO_OAUTH2). */
void sd_member_service_add(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           sd_outcome_cb cb, void *ctx);
void sd_member_service_kick(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            sd_outcome_cb cb, void *ctx);
/* input (stolen): validated sd_ban_in_parse. */
void sd_member_service_ban(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                           json_t *input, sd_outcome_cb cb, void *ctx);
void sd_member_service_unban(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                             sd_outcome_cb cb, void *ctx);
/* target NULL lists every ban. */
void sd_member_service_bans(sd_app_t *app, const char *user_id, const char *guild_id, const char *target,
                            sd_outcome_cb cb, void *ctx);

#endif
