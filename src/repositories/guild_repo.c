#include "repositories/guild_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *id_key(const char *id)
{
    return json_pack("{s:s}", "id", id);
}

static json_t *member_key(const char *guild_id, const char *user_id)
{
    return json_pack("{s:s, s:s}", "guild_id", guild_id, "user_id", user_id);
}

/* ---- guilds ---- */

sd_err_t sd_guild_repo_create(sd_dynamo_t *db, json_t *guild, json_t *member, json_t *channel, sd_repo_cb cb,
                              void *ctx)
{
    json_t *tx = json_pack("[o, o, o]", sd_repo_tx_put(db, "guilds", guild, "attribute_not_exists(id)", NULL),
                           sd_repo_tx_put(db, "members", member, NULL, NULL),
                           sd_repo_tx_put(db, "channels", channel, "attribute_not_exists(id)", NULL));
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_err_t sd_guild_repo_get(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "guilds", id_key(id), cb, ctx);
}

sd_err_t sd_guild_repo_get_many(sd_dynamo_t *db, json_t *ids, sd_repo_cb cb, void *ctx)
{
    return sd_repo_batch_get_ids(db, "guilds", "id", ids, cb, ctx);
}

sd_err_t sd_guild_repo_update(sd_dynamo_t *db, const char *id, json_t *changes, const char *current_owner,
                              sd_repo_cb cb, void *ctx)
{
    json_t *values = json_object();
    const char *cond = "attribute_exists(id)";
    if (json_object_get(changes, "owner_id")) {
        json_object_set_new(values, ":owner", json_string(current_owner));
        cond = "attribute_exists(id) AND owner_id = :owner";
    }
    return sd_repo_update_fields(db, "guilds", id_key(id), changes, cond, values, cb, ctx);
}

sd_err_t sd_guild_repo_delete(sd_dynamo_t *db, const char *id, const char *owner_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_delete(db, "guilds", id_key(id), "owner_id = :o", json_pack("{s:s}", ":o", owner_id), cb,
                          ctx);
}

sd_err_t sd_guild_repo_put_role(sd_dynamo_t *db, const char *guild_id, const char *role_id, json_t *role,
                                sd_repo_cb cb, void *ctx)
{
    /* "roles" is one of DynamoDB's reserved words: it always goes through #roles. */
    json_t *names = json_pack("{s:s, s:s}", "#r", role_id, "#roles", "roles");
    if (!role)
        return sd_repo_update(db, "guilds", id_key(guild_id), "REMOVE #roles.#r",
                              "attribute_exists(#roles.#r)", names, NULL, cb, ctx);
    return sd_repo_update(db, "guilds", id_key(guild_id), "SET #roles.#r = :role", "attribute_exists(id)",
                          names, json_pack("{s:o}", ":role", role), cb, ctx);
}

sd_err_t sd_guild_repo_role_positions(sd_dynamo_t *db, const char *guild_id, json_t *positions,
                                      const char *new_role_id, json_t *new_role, sd_repo_cb cb, void *ctx)
{
    size_t cap = 64 + json_object_size(positions) * 64, n = 0;
    char *expr = malloc(cap);
    json_t *names = json_pack("{s:s}", "#roles", "roles"), *values = json_object();
    if (json_object_size(positions)) json_object_set_new(names, "#pos", json_string("position"));
    if (!expr) {
        json_decref(positions);
        json_decref(names);
        json_decref(values);
        json_decref(new_role);
        return SD_ERR_NOMEM;
    }
    n += (size_t)snprintf(expr, cap, "SET ");
    int i = 0;
    if (new_role) {
        json_object_set_new(names, "#new", json_string(new_role_id));
        json_object_set_new(values, ":new", new_role);
        n += (size_t)snprintf(expr + n, cap - n, "#roles.#new = :new");
        i++;
    }
    sd_repo_assignments(expr, cap, &n, &i, positions, "r", "#roles.%s.#pos", names, values);
    json_decref(positions);
    if (i == 0) { /* nothing moves: read back */
        free(expr);
        json_decref(names);
        json_decref(values);
        return sd_guild_repo_get(db, guild_id, cb, ctx);
    }
    sd_err_t err =
        sd_repo_update(db, "guilds", id_key(guild_id), expr, "attribute_exists(id)", names, values, cb, ctx);
    free(expr);
    return err;
}

/* ---- channels ---- */

sd_err_t sd_channel_repo_create(sd_dynamo_t *db, json_t *channel, sd_repo_cb cb, void *ctx)
{
    return sd_repo_put(db, "channels", channel, "attribute_not_exists(id)", NULL, NULL, cb, ctx);
}

sd_err_t sd_channel_repo_get(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "channels", id_key(id), cb, ctx);
}

sd_err_t sd_channel_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "channels", "by_guild", "guild_id = :g", json_pack("{s:s}", ":g", guild_id),
                         true, 500, cb, ctx);
}

sd_err_t sd_channel_repo_update(sd_dynamo_t *db, const char *id, json_t *changes, sd_repo_cb cb, void *ctx)
{
    return sd_repo_update_fields(db, "channels", id_key(id), changes, "attribute_exists(id)", NULL, cb, ctx);
}

sd_err_t sd_channel_repo_put_overwrite(sd_dynamo_t *db, const char *id, const char *target_id,
                                       json_t *overwrite, sd_repo_cb cb, void *ctx)
{
    json_t *names = json_pack("{s:s}", "#o", target_id);
    if (!overwrite)
        return sd_repo_update(db, "channels", id_key(id), "REMOVE permission_overwrites.#o",
                              "attribute_exists(id)", names, NULL, cb, ctx);
    return sd_repo_update(db, "channels", id_key(id), "SET permission_overwrites.#o = :ow",
                          "attribute_exists(id)", names, json_pack("{s:o}", ":ow", overwrite), cb, ctx);
}

sd_err_t sd_channel_repo_positions(sd_dynamo_t *db, const char *guild_id, json_t *moves, sd_repo_cb cb,
                                   void *ctx)
{
    json_t *tx = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(moves, i, m)
    {
        json_t *changes = json_deep_copy(m);
        json_object_del(changes, "id");
        if (json_object_size(changes) == 0) { /* nothing to move for this one */
            json_decref(changes);
            continue;
        }
        json_t *names = json_object(), *values = json_pack("{s:s}", ":g", guild_id);
        char expr[128]; /* at most position and parent_id */
        size_t n = (size_t)snprintf(expr, sizeof expr, "SET ");
        int k = 0;
        sd_repo_assignments(expr, sizeof expr, &n, &k, changes, "f", "%s", names, values);
        json_decref(changes);
        json_array_append_new(tx, sd_repo_tx_update(db, "channels",
                                                    id_key(json_string_value(json_object_get(m, "id"))), expr,
                                                    "guild_id = :g", names, values));
    }
    json_decref(moves);
    return sd_repo_transact(db, tx, cb, ctx);
}

sd_err_t sd_channel_repo_delete(sd_dynamo_t *db, const char *id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_delete(db, "channels", id_key(id), NULL, NULL, cb, ctx);
}

/* ---- members and bans ---- */

sd_err_t sd_member_repo_get(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb,
                            void *ctx)
{
    return sd_repo_get(db, "members", member_key(guild_id, user_id), cb, ctx);
}

sd_err_t sd_member_repo_get_many(sd_dynamo_t *db, const char *guild_id, json_t *user_ids, sd_repo_cb cb,
                                 void *ctx)
{
    json_t *keys = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(user_ids, i, u)
        json_array_append_new(keys, member_key(guild_id, json_string_value(u)));
    json_decref(user_ids);
    if (!keys) return SD_ERR_NOMEM;
    return sd_repo_batch_get(db, "members", keys, cb, ctx);
}

sd_err_t sd_member_repo_list(sd_dynamo_t *db, const char *guild_id, const char *after, size_t limit,
                             sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "members", NULL, "guild_id = :g AND user_id > :a",
                         json_pack("{s:s, s:s}", ":g", guild_id, ":a", after ? after : "0"), true, limit, cb,
                         ctx);
}

sd_err_t sd_member_repo_guilds_of(sd_dynamo_t *db, const char *user_id, const char *after, const char *before,
                                  size_t limit, sd_repo_cb cb, void *ctx)
{
    json_t *values = json_pack("{s:s}", ":u", user_id);
    const char *cond = "user_id = :u";
    if (before) {
        json_object_set_new(values, ":b", json_string(before));
        cond = "user_id = :u AND guild_id < :b";
    } else if (after) {
        json_object_set_new(values, ":a", json_string(after));
        cond = "user_id = :u AND guild_id > :a";
    }
    /* Before a guild: the newest ones below it, so walk backwards (the caller restores the order). */
    return sd_repo_query(db, "members", "by_user", cond, values, before == NULL, limit, cb, ctx);
}

sd_err_t sd_member_repo_update(sd_dynamo_t *db, const char *guild_id, const char *user_id, json_t *changes,
                               sd_repo_cb cb, void *ctx)
{
    return sd_repo_update_fields(db, "members", member_key(guild_id, user_id), changes,
                                 "attribute_exists(user_id)", NULL, cb, ctx);
}

sd_conflict_t sd_member_repo_join_conflict(const json_t *result, bool with_invite)
{
    static const sd_conflict_t why[] = {SD_CONFLICT_INVITE_SPENT, SD_CONFLICT_BANNED,
                                        SD_CONFLICT_ALREADY_DONE, SD_CONFLICT_GONE};
    /* Without an invite its entry is missing: the others move up by one. */
    return with_invite ? sd_repo_conflict(result, why, 4, SD_CONFLICT_GONE)
                       : sd_repo_conflict(result, why + 1, 3, SD_CONFLICT_GONE);
}

sd_err_t sd_member_repo_join(sd_dynamo_t *db, json_t *member, const char *invite_code, long long now,
                             sd_repo_cb cb, void *ctx)
{
    /* Copies: member is consumed by its Put below, before the last entry is built. */
    char guild_id[32], user_id[32];
    snprintf(guild_id, sizeof guild_id, "%s", json_string_value(json_object_get(member, "guild_id")));
    snprintf(user_id, sizeof user_id, "%s", json_string_value(json_object_get(member, "user_id")));
    json_t *tx = json_array();
    if (invite_code)
        json_array_append_new(
            tx, sd_repo_tx_update(
                    db, "invites", json_pack("{s:s}", "code", invite_code), "SET #u = #u + :one",
                    "attribute_exists(code) AND guild_id = :g AND (max_uses = :zero OR #u < max_uses) "
                    "AND (attribute_not_exists(expires_at) OR expires_at > :now)",
                    json_pack("{s:s}", "#u", "uses"),
                    json_pack("{s:i, s:i, s:I, s:s}", ":one", 1, ":zero", 0, ":now", (json_int_t)now, ":g",
                              guild_id)));
    json_array_append_new(
        tx, sd_repo_tx_check(db, "bans", member_key(guild_id, user_id), "attribute_not_exists(user_id)"));
    json_array_append_new(tx, sd_repo_tx_put(db, "members", member, "attribute_not_exists(user_id)", NULL));
    json_array_append_new(tx, sd_repo_tx_update(db, "guilds", id_key(guild_id), "ADD member_count :one",
                                                "attribute_exists(id)", NULL, json_pack("{s:i}", ":one", 1)));
    return sd_repo_transact(db, tx, cb, ctx);
}

sd_err_t sd_member_repo_remove(sd_dynamo_t *db, const char *guild_id, const char *user_id, json_t *ban,
                               sd_repo_cb cb, void *ctx)
{
    json_t *tx = json_pack(
        "[o, o]",
        sd_repo_tx_delete(db, "members", member_key(guild_id, user_id), "attribute_exists(user_id)", NULL),
        sd_repo_tx_update(db, "guilds", id_key(guild_id), "ADD member_count :minus", "attribute_exists(id)",
                          NULL, json_pack("{s:i}", ":minus", -1)));
    if (tx && ban)
        json_array_append_new(tx, sd_repo_tx_put(db, "bans", ban, NULL, NULL));
    else
        json_decref(ban);
    return tx ? sd_repo_transact(db, tx, cb, ctx) : SD_ERR_NOMEM;
}

sd_err_t sd_ban_repo_put(sd_dynamo_t *db, json_t *ban, sd_repo_cb cb, void *ctx)
{
    return sd_repo_put(db, "bans", ban, NULL, NULL, NULL, cb, ctx);
}

sd_err_t sd_ban_repo_get(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "bans", member_key(guild_id, user_id), cb, ctx);
}

sd_err_t sd_ban_repo_delete(sd_dynamo_t *db, const char *guild_id, const char *user_id, sd_repo_cb cb,
                            void *ctx)
{
    return sd_repo_delete(db, "bans", member_key(guild_id, user_id), NULL, NULL, cb, ctx);
}

sd_err_t sd_ban_repo_list(sd_dynamo_t *db, const char *guild_id, size_t limit, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "bans", NULL, "guild_id = :g", json_pack("{s:s}", ":g", guild_id), true, limit,
                         cb, ctx);
}

/* ---- invites ---- */

sd_err_t sd_invite_repo_create(sd_dynamo_t *db, json_t *invite, sd_repo_cb cb, void *ctx)
{
    return sd_repo_put(db, "invites", invite, "attribute_not_exists(code)", NULL, NULL, cb, ctx);
}

sd_err_t sd_invite_repo_get(sd_dynamo_t *db, const char *code, sd_repo_cb cb, void *ctx)
{
    return sd_repo_get(db, "invites", json_pack("{s:s}", "code", code), cb, ctx);
}

sd_err_t sd_invite_repo_delete(sd_dynamo_t *db, const char *code, sd_repo_cb cb, void *ctx)
{
    return sd_repo_delete(db, "invites", json_pack("{s:s}", "code", code), NULL, NULL, cb, ctx);
}

sd_err_t sd_invite_repo_list(sd_dynamo_t *db, const char *guild_id, sd_repo_cb cb, void *ctx)
{
    return sd_repo_query(db, "invites", "by_guild", "guild_id = :g", json_pack("{s:s}", ":g", guild_id), true,
                         1000, cb, ctx);
}

/* ---- purge ---- */

typedef struct {
    sd_dynamo_t *db;
    const char *table;
    const char *key_fields[2];
} purge_t;

static void ignore(sd_err_t err, json_t *res, void *ctx) {}

static void purge_found(sd_err_t err, json_t *items, void *ctx)
{
    purge_t *p = ctx;
    size_t i;
    json_t *it;
    if (!err) {
        json_array_foreach(items, i, it)
        {
            json_t *key = json_object();
            for (int k = 0; k < 2 && p->key_fields[k]; k++)
                json_object_set(key, p->key_fields[k], json_object_get(it, p->key_fields[k]));
            sd_repo_delete(p->db, p->table, key, NULL, NULL, ignore, NULL);
        }
    }
    free(p);
}

static void purge_table(sd_dynamo_t *db, const char *table, const char *index, const char *k1, const char *k2,
                        const char *guild_id)
{
    purge_t *p = malloc(sizeof *p);
    if (!p) return;
    *p = (purge_t){db, table, {k1, k2}};
    if (sd_repo_query(db, table, index, "guild_id = :g", json_pack("{s:s}", ":g", guild_id), true, 10000,
                      purge_found, p))
        free(p);
}

void sd_guild_repo_purge(sd_dynamo_t *db, const char *guild_id)
{
    purge_table(db, "channels", "by_guild", "id", NULL, guild_id);
    purge_table(db, "members", NULL, "guild_id", "user_id", guild_id);
    purge_table(db, "bans", NULL, "guild_id", "user_id", guild_id);
    purge_table(db, "invites", "by_guild", "code", NULL, guild_id);
    purge_table(db, "emojis", NULL, "guild_id", "emoji_id", guild_id);
}
