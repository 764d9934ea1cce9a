/*
 * guild_service: guilds. Creating one makes its owner the first member, an @everyone role (id = guild id,
 * Discord's default permissions) and a "general" text channel, in one transaction. Reading needs membership;
 * changing name or icon needs MANAGE_GUILD; handing ownership over and deleting are the owner's alone.
 * Deleting removes the guild item (everything under it becomes unreachable at once) and purges the rest in
 * the background.
 */
#ifndef SD_SERVICES_GUILD_SERVICE_H
#define SD_SERVICES_GUILD_SERVICE_H

#include "core/app.h"
#include "services/outcome.h"

/* input (stolen): the validated changes of schemas/guild_schema. */
void sd_guild_service_create(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx);
void sd_guild_service_get(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                          void *ctx);
void sd_guild_service_update(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                             sd_outcome_cb cb, void *ctx);
void sd_guild_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                             void *ctx);
/* The user's guilds as partial guild objects, by id, after/before (either may be NULL), 1..200 of them. */
void sd_guild_service_list_mine(sd_app_t *app, const char *user_id, const char *before, const char *after,
                                int limit, sd_outcome_cb cb, void *ctx);
/* Leaves a guild (no content); the owner cannot. */
void sd_guild_service_leave(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                            void *ctx);

#endif
