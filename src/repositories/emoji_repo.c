#include "repositories/emoji_repo.h"

static json_t *emoji_key(const char *guild_id, const char *emoji_id)
{
    return json_pack("{s:s, s:s}", "guild_id", guild_id, "emoji_id", emoji_id);
}

/* The guild item's count of one kind of emoji. */
static const char *count_of(bool animated)
{
    return animated ? "emoji_animated" : "emoji_static";
}

sd_err_t sd_emoji_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "emojis", NULL, "guild_id = :g", json_pack("{s:s}", ":g", guild_id), true,
                         SD_EMOJI_REPO_LIST_MAX, cb, ctx);
}

sd_err_t sd_emoji_repo_get(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, sd_repo_cb cb,
                           void *ctx)
{
    return sd_repo_get(db, "emojis", emoji_key(guild_id, emoji_id), cb, ctx);
}

sd_err_t sd_emoji_repo_create(sd_dynamo_t *db, json_t *emoji, long max, sd_repo_cb cb, void *ctx)
{
    const char *guild_id = json_string_value(json_object_get(emoji, "guild_id"));
    if (!guild_id || !json_is_string(json_object_get(emoji, "emoji_id"))) {
        json_decref(emoji);
        return SD_ERR_INVALID;
    }
    bool animated = json_is_true(json_object_get(emoji, "animated"));
    json_t *tx = json_pack(
        "[o, o]",
        sd_repo_tx_update(db, "guilds", json_pack("{s:s}", "id", guild_id),
                          "SET #c = if_not_exists(#c, :z) + :one",
                          "attribute_exists(id) AND (attribute_not_exists(#c) OR #c < :max)",
                          json_pack("{s:s}", "#c", count_of(animated)),
                          json_pack("{s:i, s:i, s:I}", ":z", 0, ":one", 1, ":max", (json_int_t)max)),
        sd_repo_tx_put(db, "emojis", emoji, "attribute_not_exists(emoji_id)", NULL));
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_conflict_t sd_emoji_repo_create_conflict(const json_t *result)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_LIMIT, SD_CONFLICT_GONE};
    return sd_repo_conflict(result, why, 2, SD_CONFLICT_GONE);
}

sd_err_t sd_emoji_repo_update(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, json_t *changes,
                              sd_repo_cb cb, void *ctx)
{
    return sd_repo_update_fields(db, "emojis", emoji_key(guild_id, emoji_id), changes,
                                 "attribute_exists(emoji_id)", NULL, cb, ctx);
}

sd_err_t sd_emoji_repo_delete(sd_dynamo_t *db, const char *guild_id, const char *emoji_id, bool animated,
                              sd_repo_cb cb, void *ctx)
{
    json_t *tx = json_pack(
        "[o, o]",
        sd_repo_tx_delete(db, "emojis", emoji_key(guild_id, emoji_id), "attribute_exists(emoji_id)", NULL),
        sd_repo_tx_update(db, "guilds", json_pack("{s:s}", "id", guild_id),
                          "SET #c = if_not_exists(#c, :one) - :one", "attribute_exists(id)",
                          json_pack("{s:s}", "#c", count_of(animated)), json_pack("{s:i}", ":one", 1)));
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}
