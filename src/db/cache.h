/*
 * cache: a read cache in front of DynamoDB for the tables that config/tables.json marks "cached" (the ones
 * every request reads to decide what the actor may do: users, guilds, channels, members). It sits inside
 * db/dynamo: a GetItem on such a table is answered from memory when the item was read before; concurrent
 * misses on one key share one read; a BatchGetItem whose keys are all cached is answered without DynamoDB.
 *
 * Every write the process makes through db/dynamo (PutItem, UpdateItem, DeleteItem, TransactWriteItems,
 * BatchWriteItem) drops the keys it touches when it completes, whatever its outcome; an update made only of
 * plain "SET a = :v" assignments that succeeded is applied to the cached copy instead. A read that was in
 * flight when its key changed is answered but not kept. Changes made by other server processes arrive through
 * sd_dcache_drop (the broker carries them, see sd_dcache_set_listener); entries also expire after ttl_ms,
 * which bounds staleness should such a message be lost. When max_entries is reached every settled entry is
 * dropped.
 */
#ifndef SD_DB_CACHE_H
#define SD_DB_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/errors.h"
#include "db/dynamo.h"

typedef struct sd_dcache sd_dcache_t;

/* Told of each key this process changed: table is the full table name, key the canonical key string. */
typedef void (*sd_dcache_listener)(const char *table, const char *key, void *ctx);

typedef struct {
    uint64_t hits, misses, shared, drops;
} sd_dcache_stats_t;

/*
 * A new cache for the tables of spec (the "tables" object of tables.json, borrowed) that have "cached": true,
 * named with prefix. Returns NULL when out of memory; release with sd_dcache_free() once db is closed.
 */
sd_dcache_t *sd_dcache_new(uv_loop_t *loop, const json_t *spec, const char *prefix, uint64_t ttl_ms,
                           size_t max_entries);
void sd_dcache_free(sd_dcache_t *c);
void sd_dcache_set_listener(sd_dcache_t *c, sd_dcache_listener fn, void *ctx);

/*
 * Called by db/dynamo for every operation. Returns true when the cache took it over (request stolen, cb will
 * run later, *err set to what sd_dynamo_call returns); false when the caller must send it as usual, in which
 * case *wrap_cb / *wrap_ctx replace cb / ctx when the cache needs to see the answer (writes).
 */
bool sd_dcache_intercept(sd_dcache_t *c, const char *op, json_t *request, sd_dynamo_cb cb, void *ctx,
                         sd_dynamo_cb *wrap_cb, void **wrap_ctx, sd_err_t *err);
/* For db/dynamo when an operation it was given a wrap for could not be sent: forgets the wrap, calls nothing.
 */
void sd_dcache_cancel(void *wrap_ctx);

/* Forgets the item table (full name) / key (canonical string), changed by another process. */
void sd_dcache_drop(sd_dcache_t *c, const char *table, const char *key);
sd_dcache_stats_t sd_dcache_stats(const sd_dcache_t *c);

/*
 * Exposed for tests. The canonical key of an item or key (attribute values) of a table with the key
 * attributes hash / range (range may be NULL): "<hash value>\x1f<range value>"; false when one is missing.
 */
bool sd_dcache_key(const json_t *item, const char *hash, const char *range, char *out, size_t cap);
/*
 * Applies update (an UpdateExpression) to item when it is only "SET a = :v, #b = :w" assignments of top-level
 * attributes; names / values are the expression's maps. Returns false, leaving item untouched, otherwise.
 */
bool sd_dcache_apply_set(json_t *item, const char *update, const json_t *names, const json_t *values);

#endif
