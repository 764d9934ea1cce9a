/*
 * guild_settings_repo: the user_guild_settings table, one item per (user, guild) holding that user's
 * notification settings for the guild (the key "@me": for their DMs), as schemas/guild_settings_schema stores
 * them. Writes are conditioned on the version read, so that two concurrent changes cannot lose one another.
 */
#ifndef SD_REPOSITORIES_GUILD_SETTINGS_REPO_H
#define SD_REPOSITORIES_GUILD_SETTINGS_REPO_H

#include "repositories/repo.h"

/* The item of user_id in guild_key; SD_ERR_NOT_FOUND when the user never changed those settings. */
sd_err_t sd_guild_settings_repo_get(sd_dynamo_t *db, const char *user_id, const char *guild_key,
                                    sd_repo_cb cb, void *ctx);
/* Writes item (stolen) while the stored version is still read_version (0: while there is none);
   SD_ERR_CONFLICT when someone wrote in between. */
sd_err_t sd_guild_settings_repo_put(sd_dynamo_t *db, json_t *item, long long read_version, sd_repo_cb cb,
                                    void *ctx);
/* Every item of user_id (an array; a user has at most one per guild joined, plus their DMs'). */
sd_err_t sd_guild_settings_repo_list(sd_dynamo_t *db, const char *user_id, sd_repo_cb cb, void *ctx);

#endif
