#include "repositories/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/item.h"

typedef enum { R_ITEM, R_ATTRIBUTES, R_OLD, R_ITEMS, R_BATCH, R_RAW } shape_t;

typedef struct {
    sd_repo_cb cb;
    void *ctx;
    shape_t shape;
    char table[128];
    bool need_old;
} op_t;

static void on_answer(sd_err_t err, json_t *res, void *ctx)
{
    op_t *op = ctx;
    json_t *out = NULL;
    if (!err) {
        switch (op->shape) {
        case R_ITEM:
        case R_ATTRIBUTES:
        case R_OLD: {
            const char *field = op->shape == R_ITEM ? "Item" : "Attributes";
            json_t *item = json_object_get(res, field);
            if (item)
                out = sd_item_to_json(item);
            else if (op->shape == R_ITEM || op->need_old)
                err = SD_ERR_NOT_FOUND;
            else
                out = json_object();
            break;
        }
        case R_ITEMS:
        case R_BATCH: {
            json_t *items = op->shape == R_ITEMS
                                ? json_object_get(res, "Items")
                                : json_object_get(json_object_get(res, "Responses"), op->table);
            out = json_array();
            size_t i;
            json_t *it;
            json_array_foreach(items, i, it) json_array_append_new(out, sd_item_to_json(it));
            break;
        }
        case R_RAW:
            out = json_incref(res);
            break;
        }
    } else if (op->shape == R_RAW) {
        out = json_incref(res);
    }
    op->cb(err, out, op->ctx);
    json_decref(out);
    free(op);
}

static op_t *op_new(sd_repo_cb cb, void *ctx, shape_t shape)
{
    op_t *op = calloc(1, sizeof *op);
    if (op) *op = (op_t){.cb = cb, .ctx = ctx, .shape = shape};
    return op;
}

/* Marshals {":v": plain} into {":v": {"S": ...}}; steals values. */
static json_t *marshal_values(json_t *values)
{
    if (!values) return NULL;
    json_t *out = sd_item_from_json(values);
    json_decref(values);
    return out;
}

static sd_err_t send_op(sd_dynamo_t *db, const char *name, json_t *req, op_t *op)
{
    if (!op || !req) {
        free(op);
        json_decref(req);
        return SD_ERR_NOMEM;
    }
    sd_err_t err = sd_dynamo_call(db, name, req, on_answer, op);
    if (err) free(op);
    return err;
}

static json_t *base(sd_dynamo_t *db, const char *table)
{
    char full[160];
    return json_pack("{s:s}", "TableName", sd_dynamo_table(db, table, full, sizeof full));
}

/* Adds expression parts to req when given; steals names and values. */
static void add_expr(json_t *req, const char *field, const char *expr, json_t *names, json_t *values)
{
    if (expr) json_object_set_new(req, field, json_string(expr));
    if (names) json_object_set_new(req, "ExpressionAttributeNames", names);
    if (values) json_object_set_new(req, "ExpressionAttributeValues", marshal_values(values));
}

sd_err_t sd_repo_get(sd_dynamo_t *db, const char *table, json_t *key, sd_repo_cb cb, void *ctx)
{
    json_t *req = base(db, table);
    json_object_set_new(req, "Key", sd_item_from_json(key));
    json_object_set_new(req, "ConsistentRead", json_true());
    json_decref(key);
    return send_op(db, "GetItem", req, op_new(cb, ctx, R_ITEM));
}

sd_err_t sd_repo_put(sd_dynamo_t *db, const char *table, json_t *object, const char *condition, json_t *names,
                     json_t *values, sd_repo_cb cb, void *ctx)
{
    json_t *req = base(db, table);
    json_object_set_new(req, "Item", sd_item_from_json(object));
    json_decref(object);
    add_expr(req, "ConditionExpression", condition, names, values);
    return send_op(db, "PutItem", req, op_new(cb, ctx, R_RAW));
}

sd_err_t sd_repo_update(sd_dynamo_t *db, const char *table, json_t *key, const char *update,
                        const char *condition, json_t *names, json_t *values, sd_repo_cb cb, void *ctx)
{
    json_t *req = base(db, table);
    json_object_set_new(req, "Key", sd_item_from_json(key));
    json_decref(key);
    json_object_set_new(req, "UpdateExpression", json_string(update));
    json_object_set_new(req, "ReturnValues", json_string("ALL_NEW"));
    add_expr(req, "ConditionExpression", condition, names, values);
    return send_op(db, "UpdateItem", req, op_new(cb, ctx, R_ATTRIBUTES));
}

sd_err_t sd_repo_delete(sd_dynamo_t *db, const char *table, json_t *key, const char *condition,
                        json_t *values, sd_repo_cb cb, void *ctx)
{
    json_t *req = base(db, table);
    json_object_set_new(req, "Key", sd_item_from_json(key));
    json_decref(key);
    json_object_set_new(req, "ReturnValues", json_string("ALL_OLD"));
    add_expr(req, "ConditionExpression", condition, NULL, values);
    op_t *op = op_new(cb, ctx, R_OLD);
    if (op) op->need_old = condition == NULL;
    return send_op(db, "DeleteItem", req, op);
}

sd_err_t sd_repo_query(sd_dynamo_t *db, const char *table, const char *index, const char *key_condition,
                       json_t *values, bool forward, size_t limit, sd_repo_cb cb, void *ctx)
{
    json_t *req = base(db, table);
    if (index) json_object_set_new(req, "IndexName", json_string(index));
    add_expr(req, "KeyConditionExpression", key_condition, NULL, values);
    json_object_set_new(req, "ScanIndexForward", json_boolean(forward));
    op_t *op = op_new(cb, ctx, R_ITEMS);
    if (!op || !req) {
        free(op);
        json_decref(req);
        return SD_ERR_NOMEM;
    }
    sd_err_t err = sd_dynamo_query(db, req, limit, on_answer, op);
    if (err) free(op);
    return err;
}

sd_err_t sd_repo_batch_get(sd_dynamo_t *db, const char *table, json_t *keys, sd_repo_cb cb, void *ctx)
{
    op_t *op = op_new(cb, ctx, R_BATCH);
    json_t *marshalled = json_array();
    size_t i;
    json_t *k;
    /* DynamoDB refuses a batch that names a key twice (two replies to one message, say): asked once. */
    json_t *seen = json_object();
    json_array_foreach(keys, i, k)
    {
        char *text = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
        if (!text || !json_object_get(seen, text)) json_array_append_new(marshalled, sd_item_from_json(k));
        if (text) json_object_set_new(seen, text, json_true());
        free(text);
    }
    json_decref(seen);
    json_decref(keys);
    if (!op) {
        json_decref(marshalled);
        return SD_ERR_NOMEM;
    }
    sd_dynamo_table(db, table, op->table, sizeof op->table);
    json_t *req = json_object();
    if (json_array_size(marshalled))
        json_object_set_new(req, op->table, json_pack("{s:o, s:b}", "Keys", marshalled, "ConsistentRead", 1));
    else
        json_decref(marshalled);
    sd_err_t err = sd_dynamo_batch_get(db, req, on_answer, op);
    if (err) free(op);
    return err;
}

static json_t *tx(sd_dynamo_t *db, const char *kind, const char *table, const char *key_field, json_t *key,
                  const char *expr_field, const char *expr, const char *condition, json_t *names,
                  json_t *values)
{
    json_t *body = base(db, table);
    json_object_set_new(body, key_field, sd_item_from_json(key));
    json_decref(key);
    if (expr) json_object_set_new(body, expr_field, json_string(expr));
    add_expr(body, "ConditionExpression", condition, names, values);
    return json_pack("{s:o}", kind, body);
}

json_t *sd_repo_tx_put(sd_dynamo_t *db, const char *table, json_t *object, const char *condition,
                       json_t *values)
{
    return tx(db, "Put", table, "Item", object, NULL, NULL, condition, NULL, values);
}

json_t *sd_repo_tx_update(sd_dynamo_t *db, const char *table, json_t *key, const char *update,
                          const char *condition, json_t *names, json_t *values)
{
    return tx(db, "Update", table, "Key", key, "UpdateExpression", update, condition, names, values);
}

json_t *sd_repo_tx_delete(sd_dynamo_t *db, const char *table, json_t *key, const char *condition,
                          json_t *values)
{
    return tx(db, "Delete", table, "Key", key, NULL, NULL, condition, NULL, values);
}

json_t *sd_repo_tx_check(sd_dynamo_t *db, const char *table, json_t *key, const char *condition)
{
    return tx(db, "ConditionCheck", table, "Key", key, NULL, NULL, condition, NULL, NULL);
}

sd_err_t sd_repo_transact(sd_dynamo_t *db, json_t *entries, sd_repo_cb cb, void *ctx)
{
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        if (!e || json_is_null(e)) {
            json_decref(entries);
            return SD_ERR_NOMEM;
        }
    }
    return send_op(db, "TransactWriteItems", json_pack("{s:o}", "TransactItems", entries),
                   op_new(cb, ctx, R_RAW));
}

int sd_repo_failed_entry(const json_t *result)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(result, "CancellationReasons"), i, r)
    {
        const char *code = json_string_value(json_object_get(r, "Code"));
        if (code && strcmp(code, "ConditionalCheckFailed") == 0) return (int)i;
    }
    return -1;
}

sd_conflict_t sd_repo_conflict(const json_t *result, const sd_conflict_t *why, size_t n,
                               sd_conflict_t otherwise)
{
    int i = sd_repo_failed_entry(result);
    return i >= 0 && (size_t)i < n ? why[i] : otherwise;
}

void sd_repo_assignments(char *expr, size_t cap, size_t *n, int *i, json_t *obj, const char *tag,
                         const char *path_fmt, json_t *names, json_t *values)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char name[16], value[16], path[64];
        snprintf(name, sizeof name, "#%s%d", tag, *i);
        snprintf(value, sizeof value, ":%s%d", tag, *i);
        snprintf(path, sizeof path, path_fmt, name);
        json_object_set_new(names, name, json_string(k));
        json_object_set(values, value, v);
        *n += (size_t)snprintf(expr + *n, cap - *n, "%s%s = %s", *n > 4 ? ", " : "", path, value);
        (*i)++;
    }
}

sd_err_t sd_repo_update_fields(sd_dynamo_t *db, const char *table, json_t *key, json_t *changes,
                               const char *condition, json_t *values, sd_repo_cb cb, void *ctx)
{
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        json_decref(values);
        return sd_repo_get(db, table, key, cb, ctx);
    }
    size_t cap = 16 + json_object_size(changes) * 24, n = 0;
    char *expr = malloc(cap);
    json_t *names = json_object();
    if (!values) values = json_object();
    if (!expr) {
        json_decref(key);
        json_decref(changes);
        json_decref(names);
        json_decref(values);
        return SD_ERR_NOMEM;
    }
    n += (size_t)snprintf(expr, cap, "SET ");
    int i = 0;
    sd_repo_assignments(expr, cap, &n, &i, changes, "f", "%s", names, values);
    json_decref(changes);
    sd_err_t err = sd_repo_update(db, table, key, expr, condition, names, values, cb, ctx);
    free(expr);
    return err;
}

sd_err_t sd_repo_batch_get_ids(sd_dynamo_t *db, const char *table, const char *key_name, json_t *ids,
                               sd_repo_cb cb, void *ctx)
{
    json_t *keys = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) json_array_append_new(keys, json_pack("{s:O}", key_name, id));
    json_decref(ids);
    return sd_repo_batch_get(db, table, keys, cb, ctx);
}
