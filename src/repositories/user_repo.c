#include "db/item.h"
#include "repositories/user_repo.h"

#include "repositories/repo.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sd_dynamo_t *db;
    sd_user_repo_cb cb;
    void *ctx;
    sd_user_t user;                 /* what was written, or read */
    sd_conflict_t failed[4];        /* transaction entry i's condition failing means this */
    sd_conflict_t failed_otherwise; /* no condition named (a transaction that kept colliding) */
} op_t;

void sd_user_repo_handle_key(const char *kind, const char *value, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s#", kind);
    for (size_t i = 0; value[i] && (size_t)n + 1 < cap; i++)
        out[n++] = (char)tolower((unsigned char)value[i]);
    out[n < (int)cap ? n : (int)cap - 1] = '\0';
}

static const char *users_table(sd_dynamo_t *db, char *buf, size_t cap)
{
    return sd_dynamo_table(db, "users", buf, cap);
}

static const char *index_table(sd_dynamo_t *db, char *buf, size_t cap)
{
    return sd_dynamo_table(db, "user_index", buf, cap);
}

static op_t *op_new(sd_dynamo_t *db, sd_user_repo_cb cb, void *ctx)
{
    op_t *op = calloc(1, sizeof *op);
    if (op) {
        op->db = db;
        op->cb = cb;
        op->ctx = ctx;
    }
    return op;
}

static void op_end(op_t *op, sd_err_t err, sd_conflict_t conflict)
{
    op->cb(err, err ? NULL : &op->user, conflict, op->ctx);
    free(op);
}

static sd_err_t op_call(op_t *op, const char *name, json_t *req, sd_dynamo_cb cb)
{
    if (!req) {
        free(op);
        return SD_ERR_NOMEM;
    }
    sd_err_t err = sd_dynamo_call(op->db, name, req, cb, op);
    if (err) free(op);
    return err;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static int user_from_item(sd_user_t *u, const json_t *item)
{
    const char *id = sd_item_get_s(item, "id");
    const char *tv = sd_item_get_n(item, "token_version");
    if (!id || !tv) return -1;
    memset(u, 0, sizeof *u);
    copy_field(u->id, sizeof u->id, id);
    copy_field(u->username, sizeof u->username, sd_item_get_s(item, "username"));
    copy_field(u->global_name, sizeof u->global_name, sd_item_get_s(item, "global_name"));
    copy_field(u->avatar, sizeof u->avatar, sd_item_get_s(item, "avatar"));
    copy_field(u->banner, sizeof u->banner, sd_item_get_s(item, "banner"));
    copy_field(u->email, sizeof u->email, sd_item_get_s(item, "email"));
    copy_field(u->password_hash, sizeof u->password_hash, sd_item_get_s(item, "password_hash"));
    u->token_version = atoll(tv);
    u->bot = json_is_true(json_object_get(json_object_get(item, "bot"), "BOOL"));
    return 0;
}

static json_t *item_from_user(const sd_user_t *u)
{
    json_t *item = json_pack("{s:o, s:o, s:o, s:o, s:{s:b}}", "id", sd_item_s(u->id), "username",
                             sd_item_s(u->username), "password_hash", sd_item_s(u->password_hash),
                             "token_version", sd_item_n(u->token_version), "bot", "BOOL", u->bot);
    if (item && u->global_name[0]) json_object_set_new(item, "global_name", sd_item_s(u->global_name));
    if (item && u->avatar[0]) json_object_set_new(item, "avatar", sd_item_s(u->avatar));
    if (item && u->banner[0]) json_object_set_new(item, "banner", sd_item_s(u->banner));
    if (item && u->email[0]) json_object_set_new(item, "email", sd_item_s(u->email));
    return item;
}

/* Puts a handle item that must not exist yet. */
static json_t *put_handle(sd_dynamo_t *db, const char *kind, const char *value, const char *user_id)
{
    char table[128], key[300];
    sd_user_repo_handle_key(kind, value, key, sizeof key);
    return json_pack("{s:{s:s, s:{s:o, s:o}, s:s, s:{s:s}}}", "Put", "TableName",
                     index_table(db, table, sizeof table), "Item", "key", sd_item_s(key), "user_id",
                     sd_item_s(user_id), "ConditionExpression", "attribute_not_exists(#k)",
                     "ExpressionAttributeNames", "#k", "key");
}

/* What the first failed condition of a cancelled transaction means. */
static sd_conflict_t conflict_of(const op_t *op, const json_t *res)
{
    int i = sd_repo_failed_entry(res);
    return i >= 0 && i < 4 && op->failed[i] ? op->failed[i] : op->failed_otherwise;
}

static void on_written(sd_err_t err, json_t *res, void *ctx)
{
    op_t *op = ctx;
    op_end(op, err, err == SD_ERR_CONFLICT ? conflict_of(op, res) : SD_CONFLICT_NONE);
}

sd_err_t sd_user_repo_create(sd_dynamo_t *db, const sd_user_t *user, sd_user_repo_cb cb, void *ctx)
{
    op_t *op = op_new(db, cb, ctx);
    if (!op) return SD_ERR_NOMEM;
    op->user = *user;
    char table[128];
    json_t *items =
        json_pack("[{s:{s:s, s:o, s:s}}, o]", "Put", "TableName", users_table(db, table, sizeof table),
                  "Item", item_from_user(user), "ConditionExpression", "attribute_not_exists(id)",
                  put_handle(db, "username", user->username, user->id));
    /* The id is fresh: whatever keeps failing is a race for one of the handles, the username first. */
    op->failed[1] = SD_CONFLICT_USERNAME_TAKEN;
    op->failed_otherwise = SD_CONFLICT_USERNAME_TAKEN;
    if (items && user->email[0]) {
        json_array_append_new(items, put_handle(db, "email", user->email, user->id));
        op->failed[2] = SD_CONFLICT_EMAIL_TAKEN;
    }
    return op_call(op, "TransactWriteItems", items ? json_pack("{s:o}", "TransactItems", items) : NULL,
                   on_written);
}

static void on_get(sd_err_t err, json_t *res, void *ctx)
{
    op_t *op = ctx;
    json_t *item = json_object_get(res, "Item");
    if (!err && !item) err = SD_ERR_NOT_FOUND;
    if (!err && user_from_item(&op->user, item)) err = SD_ERR_INTERNAL;
    op_end(op, err, SD_CONFLICT_NONE);
}

sd_err_t sd_user_repo_get(sd_dynamo_t *db, const char *id, sd_user_repo_cb cb, void *ctx)
{
    op_t *op = op_new(db, cb, ctx);
    if (!op) return SD_ERR_NOMEM;
    char table[128];
    return op_call(op, "GetItem",
                   json_pack("{s:s, s:{s:o}, s:b}", "TableName", users_table(db, table, sizeof table), "Key",
                             "id", sd_item_s(id), "ConsistentRead", 1),
                   on_get);
}

static void on_handle(sd_err_t err, json_t *res, void *ctx)
{
    op_t *op = ctx;
    const char *id = sd_item_get_s(json_object_get(res, "Item"), "user_id");
    if (!err && !id) err = SD_ERR_NOT_FOUND;
    if (err) {
        op_end(op, err, SD_CONFLICT_NONE);
        return;
    }
    char table[128];
    json_t *req = json_pack("{s:s, s:{s:o}, s:b}", "TableName", users_table(op->db, table, sizeof table),
                            "Key", "id", sd_item_s(id), "ConsistentRead", 1);
    err = req ? sd_dynamo_call(op->db, "GetItem", req, on_get, op) : SD_ERR_NOMEM;
    if (err) op_end(op, err, SD_CONFLICT_NONE);
}

sd_err_t sd_user_repo_find_by_login(sd_dynamo_t *db, const char *login, sd_user_repo_cb cb, void *ctx)
{
    op_t *op = op_new(db, cb, ctx);
    if (!op) return SD_ERR_NOMEM;
    char table[128], key[300];
    sd_user_repo_handle_key(strchr(login, '@') ? "email" : "username", login, key, sizeof key);
    return op_call(op, "GetItem",
                   json_pack("{s:s, s:{s:o}, s:b}", "TableName", index_table(db, table, sizeof table), "Key",
                             "key", sd_item_s(key), "ConsistentRead", 1),
                   on_handle);
}

sd_err_t sd_user_repo_update(sd_dynamo_t *db, const sd_user_t *old, const sd_user_t *updated,
                             sd_user_repo_cb cb, void *ctx)
{
    op_t *op = op_new(db, cb, ctx);
    if (!op) return SD_ERR_NOMEM;
    op->user = *updated;
    char table[128], itable[128], key[300];
    /* Replace the whole item, guarded by every field as we read it, so no concurrent change is lost. */
    char cond[320];
    snprintf(cond, sizeof cond, "token_version = :tv AND username = :un AND %s AND %s AND %s",
             old->global_name[0] ? "global_name = :gn" : "attribute_not_exists(global_name)",
             old->avatar[0] ? "avatar = :av" : "attribute_not_exists(avatar)",
             old->banner[0] ? "banner = :bn" : "attribute_not_exists(banner)");
    json_t *values =
        json_pack("{s:o, s:o}", ":tv", sd_item_n(old->token_version), ":un", sd_item_s(old->username));
    if (values && old->global_name[0]) json_object_set_new(values, ":gn", sd_item_s(old->global_name));
    if (values && old->avatar[0]) json_object_set_new(values, ":av", sd_item_s(old->avatar));
    if (values && old->banner[0]) json_object_set_new(values, ":bn", sd_item_s(old->banner));
    json_t *items = json_pack("[{s:{s:s, s:o, s:s, s:o}}]", "Put", "TableName",
                              users_table(db, table, sizeof table), "Item", item_from_user(updated),
                              "ConditionExpression", cond, "ExpressionAttributeValues", values);
    op->failed_otherwise = SD_CONFLICT_STALE; /* the account, or our own old handle, changed meanwhile */
    if (items && strcmp(old->username, updated->username) != 0) {
        char oldkey[300], newkey[300];
        sd_user_repo_handle_key("username", old->username, oldkey, sizeof oldkey);
        sd_user_repo_handle_key("username", updated->username, newkey, sizeof newkey);
        if (strcmp(oldkey, newkey) != 0) { /* a change of case only keeps the handle */
            sd_user_repo_handle_key("username", old->username, key, sizeof key);
            json_array_append_new(items, json_pack("{s:{s:s, s:{s:o}, s:s, s:{s:o}}}", "Delete", "TableName",
                                                   index_table(db, itable, sizeof itable), "Key", "key",
                                                   sd_item_s(key), "ConditionExpression", "user_id = :me",
                                                   "ExpressionAttributeValues", ":me", sd_item_s(old->id)));
            json_array_append_new(items, put_handle(db, "username", updated->username, updated->id));
            op->failed[2] = SD_CONFLICT_USERNAME_TAKEN;
        }
    }
    return op_call(op, "TransactWriteItems", items ? json_pack("{s:o}", "TransactItems", items) : NULL,
                   on_written);
}

typedef struct {
    sd_user_repo_many_cb cb;
    void *ctx;
} many_t;

static void on_many(sd_err_t err, json_t *items, void *ctx)
{
    many_t *m = ctx;
    size_t n = 0, i;
    sd_user_t *users = err ? NULL : calloc(json_array_size(items) + 1, sizeof *users);
    if (!err && !users) err = SD_ERR_NOMEM;
    json_t *it;
    json_array_foreach(err ? NULL : items, i, it)
    {
        json_t *item = sd_item_from_json(it);
        if (item && user_from_item(&users[n], item) == 0) n++;
        json_decref(item);
    }
    m->cb(err, users, n, m->ctx);
    free(users);
    free(m);
}

sd_err_t sd_user_repo_get_many(sd_dynamo_t *db, json_t *ids, sd_user_repo_many_cb cb, void *ctx)
{
    many_t *m = malloc(sizeof *m);
    json_t *keys = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) json_array_append_new(keys, json_pack("{s:O}", "id", id));
    json_decref(ids);
    if (!m) {
        json_decref(keys);
        return SD_ERR_NOMEM;
    }
    *m = (many_t){cb, ctx};
    sd_err_t err = sd_repo_batch_get(db, "users", keys, on_many, m);
    if (err) free(m);
    return err;
}
