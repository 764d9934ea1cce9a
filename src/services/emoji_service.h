/*
 * emoji_service: a guild's custom emoji. Any member reads them (their creators shown as Discord shows them:
 * in a list to those with CREATE_ or MANAGE_GUILD_EXPRESSIONS, for one emoji to those who manage emoji or to
 * its creator); creating one needs CREATE_GUILD_EXPRESSIONS; changing or
 * deleting one needs MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS for its own creator. A guild holds
 * at most SD_EMOJI_SERVICE_MAX static and as many animated emoji (Discord's count without boosts). The image
 * goes through services/images (kind SD_IMAGE_EMOJI, stored under the emoji's id), which says whether it is
 * animated. Each change publishes GUILD_EMOJIS_UPDATE {guild_id, emojis: every emoji of the guild}.
 */
#ifndef SD_SERVICES_EMOJI_SERVICE_H
#define SD_SERVICES_EMOJI_SERVICE_H

#include <jansson.h>

#include "core/app.h"
#include "services/outcome.h"

#define SD_EMOJI_SERVICE_MAX 50

void sd_emoji_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                           void *ctx);
void sd_emoji_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                          sd_outcome_cb cb, void *ctx);
/* input (stolen): what sd_emoji_in_parse gave: {name, image, roles?}. */
void sd_emoji_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                             sd_outcome_cb cb, void *ctx);
/* input (stolen): {name?, roles?}. */
void sd_emoji_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                             json_t *input, sd_outcome_cb cb, void *ctx);
void sd_emoji_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, const char *emoji_id,
                             sd_outcome_cb cb, void *ctx);

/* emojis is borrowed for the call: Discord's emoji objects of the guild (no creators), an array. */
typedef void (*sd_emoji_service_list_cb)(sd_err_t err, json_t *emojis, void *ctx);
/* The emoji of guild_id for a guild object or GUILD_CREATE (no permission check: the caller has made it).
   SD_OK: cb will run. */
sd_err_t sd_emoji_service_of_guild(sd_app_t *app, const char *guild_id, sd_emoji_service_list_cb cb,
                                   void *ctx);

#endif
