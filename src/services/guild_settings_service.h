/*
 * guild_settings_service: a user's notification settings per guild (Discord's user guild settings). An update
 * (PATCH /users/@me/guilds/{id}/settings; the id "@me": the DM settings) checks that the user is a member of
 * the guild and that every channel override names a channel of that guild (of the user's DMs for "@me"),
 * merges the changes into what is stored, answers the whole settings object and sends it to the user's own
 * sessions as USER_GUILD_SETTINGS_UPDATE. The list is what READY carries as user_guild_settings.
 */
#ifndef SD_SERVICES_GUILD_SETTINGS_SERVICE_H
#define SD_SERVICES_GUILD_SETTINGS_SERVICE_H

#include <jansson.h>

#include "core/app.h"
#include "core/errors.h"
#include "services/outcome.h"

/* changes (stolen): what schemas/guild_settings_schema parsed; guild_id: a guild's id or "@me". */
void sd_guild_settings_service_update(sd_app_t *app, const char *user_id, const char *guild_id,
                                      json_t *changes, sd_outcome_cb cb, void *ctx);

/* entries is borrowed for the call: Discord's settings objects of every guild user_id has settings for. */
typedef void (*sd_guild_settings_list_cb)(sd_err_t err, json_t *entries, void *ctx);
sd_err_t sd_guild_settings_service_list(sd_app_t *app, const char *user_id, sd_guild_settings_list_cb cb,
                                        void *ctx);

#endif
