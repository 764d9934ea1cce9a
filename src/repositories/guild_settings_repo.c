#include "repositories/guild_settings_repo.h"

/* More guilds than a user may join (Discord: 100, 200 with Nitro), and their DMs. */
#define LIST_MAX 1000

sd_err_t sd_guild_settings_repo_get(sd_dynamo_t *db, const char *user_id, const char *guild_key,
                                    sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "user_guild_settings",
                       json_pack("{s:s, s:s}", "user_id", user_id, "guild_id", guild_key), cb, ctx);
}

sd_err_t sd_guild_settings_repo_put(sd_dynamo_t *db, json_t *item, long long read_version, sd_repo_cb cb,
                                    void *ctx)
{
    if (!read_version)
        return sd_repo_put(db, "user_guild_settings", item, "attribute_not_exists(user_id)", NULL, NULL, cb,
                           ctx);
    return sd_repo_put(db, "user_guild_settings", item, "version = :v", NULL,
                       json_pack("{s:I}", ":v", (json_int_t)read_version), cb, ctx);
}

sd_err_t sd_guild_settings_repo_list(sd_dynamo_t *db, const char *user_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "user_guild_settings", NULL, "user_id = :u", json_pack("{s:s}", ":u", user_id),
                         true, LIST_MAX, cb, ctx);
}
