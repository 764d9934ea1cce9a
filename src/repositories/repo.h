/*
 * repo: what every repository does with DynamoDB, on plain (Discord-shaped) JSON objects instead of attribute
 * values: get, put, update, delete, query, batch get and transactions on a logical table (the prefix is
 * added). Expression values are plain JSON too ({":n": 5, ":s": "x"}) and are marshalled here.
 */
#ifndef SD_REPOSITORIES_REPO_H
#define SD_REPOSITORIES_REPO_H

#include <jansson.h>
#include <stdbool.h>

#include "core/errors.h"
#include "db/dynamo.h"

/* result is borrowed, valid during the callback: an object (get, update), an array (query, batch get), or for
   a failed transaction DynamoDB's error body with its CancellationReasons. */
typedef void (*sd_repo_cb)(sd_err_t err, json_t *result, void *ctx);

/* GetItem (strongly consistent); SD_ERR_NOT_FOUND when absent. key is stolen. */
sd_err_t sd_repo_get(sd_dynamo_t *db, const char *table, json_t *key, sd_repo_cb cb, void *ctx);
/* PutItem of object (stolen); condition may be NULL; names and values (stolen) may be NULL. */
sd_err_t sd_repo_put(sd_dynamo_t *db, const char *table, json_t *object, const char *condition, json_t *names,
                     json_t *values, sd_repo_cb cb, void *ctx);
/* UpdateItem returning the whole new item; everything but the strings is stolen. */
sd_err_t sd_repo_update(sd_dynamo_t *db, const char *table, json_t *key, const char *update,
                        const char *condition, json_t *names, json_t *values, sd_repo_cb cb, void *ctx);
/* DeleteItem returning the old item (NOT_FOUND when there was none, unless condition is given). */
sd_err_t sd_repo_delete(sd_dynamo_t *db, const char *table, json_t *key, const char *condition,
                        json_t *values, sd_repo_cb cb, void *ctx);
/*
 * Query on the table or one of its indexes (index may be NULL): key_condition with values (stolen), newest
 * first when forward is false, at most limit items. The answer is an array of objects.
 */
sd_err_t sd_repo_query(sd_dynamo_t *db, const char *table, const char *index, const char *key_condition,
                       json_t *values, bool forward, size_t limit, sd_repo_cb cb, void *ctx);
/* BatchGetItem of keys (array, stolen; a key named twice is asked once) from one table; the answer is an
   array of the objects found. */
sd_err_t sd_repo_batch_get(sd_dynamo_t *db, const char *table, json_t *keys, sd_repo_cb cb, void *ctx);

/*
 * UpdateItem setting every field of changes (stolen; no fields: the item is read back instead), returning the
 * new item; condition may use values (stolen, may be NULL).
 */
sd_err_t sd_repo_update_fields(sd_dynamo_t *db, const char *table, json_t *key, json_t *changes,
                               const char *condition, json_t *values, sd_repo_cb cb, void *ctx);
/*
 * Appends "<path> = :<tag><i>" to the SET clause in expr for each member of obj, path being path_fmt with the
 * member's #name placeholder (#<tag><i>) in place of %s; names and values receive the placeholders; *i
 * numbers them across calls, *n is the length of expr so far ("SET " included).
 */
void sd_repo_assignments(char *expr, size_t cap, size_t *n, int *i, json_t *obj, const char *tag,
                         const char *path_fmt, json_t *names, json_t *values);
/* BatchGetItem of the items whose key_name is one of ids (array of strings, stolen). */
sd_err_t sd_repo_batch_get_ids(sd_dynamo_t *db, const char *table, const char *key_name, json_t *ids,
                               sd_repo_cb cb, void *ctx);

/* Builders of TransactWriteItems entries (new references). */
json_t *sd_repo_tx_put(sd_dynamo_t *db, const char *table, json_t *object, const char *condition,
                       json_t *values);
json_t *sd_repo_tx_update(sd_dynamo_t *db, const char *table, json_t *key, const char *update,
                          const char *condition, json_t *names, json_t *values);
json_t *sd_repo_tx_delete(sd_dynamo_t *db, const char *table, json_t *key, const char *condition,
                          json_t *values);
json_t *sd_repo_tx_check(sd_dynamo_t *db, const char *table, json_t *key, const char *condition);
/* TransactWriteItems of entries (array, stolen; NULL entries mean out of memory). */
sd_err_t sd_repo_transact(sd_dynamo_t *db, json_t *entries, sd_repo_cb cb, void *ctx);
/* For a failed transaction's result: the index of the first entry whose condition failed, or -1. */
int sd_repo_failed_entry(const json_t *result);
/* The typed reason of a failed transaction: why[i] when entry i failed (of n), otherwise (no entry named, or
   one past n) otherwise. What repositories answer their callers with, so that no caller compares indexes. */
sd_conflict_t sd_repo_conflict(const json_t *result, const sd_conflict_t *why, size_t n,
                               sd_conflict_t otherwise);

#endif
