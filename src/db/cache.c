#include "db/cache.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uthash.h>

#define KEY_CAP 512

typedef struct table {
    char *name; /* full name, prefix included */
    char *hash, *range;
    UT_hash_handle hh;
} table_t;

typedef struct waiter {
    sd_dynamo_cb cb;
    void *ctx;
    struct waiter *next;
} waiter_t;

typedef struct fetch fetch_t;

typedef struct entry {
    char *key;     /* "<table>\n<canonical key>" */
    json_t *value; /* the GetItem answer; NULL while its read is in flight */
    uint64_t expires;
    fetch_t *fetch;  /* the read in flight */
    json_t *pending; /* the Update parts of writes done while the read was in flight, applied to its answer */
    UT_hash_handle hh;
} entry_t;

/* What db/dynamo hands back through wrap_ctx: a read in flight or a write whose keys change. */
typedef enum { W_FETCH, W_WRITE } wrap_kind_t;

struct fetch {
    wrap_kind_t kind;
    sd_dcache_t *cache;
    entry_t *entry; /* NULL once the key changed under the read: its answer is not kept */
    waiter_t *waiters;
};

typedef struct change {
    char *table, *key;
    json_t *update; /* the Update part of a write, when it may be applied in place */
} change_t;

typedef struct {
    wrap_kind_t kind;
    sd_dcache_t *cache;
    sd_dynamo_cb cb;
    void *ctx;
    size_t n;
    change_t changes[];
} write_t;

typedef struct {
    uv_timer_t timer;
    json_t *value;
    sd_dynamo_cb cb;
    void *ctx;
} hit_t;

struct sd_dcache {
    uv_loop_t *loop;
    table_t *tables;
    entry_t *entries;
    size_t count, max_entries;
    uint64_t ttl_ms;
    sd_dcache_listener listener;
    void *listener_ctx;
    sd_dcache_stats_t stats;
};

/* ---- keys ---- */

static const char *scalar(const json_t *av)
{
    const char *s = json_string_value(json_object_get(av, "S"));
    return s ? s : json_string_value(json_object_get(av, "N"));
}

bool sd_dcache_key(const json_t *item, const char *hash, const char *range, char *out, size_t cap)
{
    const char *h = scalar(json_object_get(item, hash));
    const char *r = range ? scalar(json_object_get(item, range)) : "";
    if (!h || !r) return false;
    int n = snprintf(out, cap, "%s\x1f%s", h, r);
    return n > 0 && (size_t)n < cap;
}

/* "<table>\n<key>" for an item or key of a cached table; false when the table is not cached. */
static bool full_key(const sd_dcache_t *c, const char *table, const json_t *item, char *out, size_t cap)
{
    table_t *t = NULL;
    if (!table) return false;
    HASH_FIND_STR(c->tables, table, t);
    if (!t) return false;
    int n = snprintf(out, cap, "%s\n", table);
    if (n <= 0 || (size_t)n >= cap) return false;
    return sd_dcache_key(item, t->hash, t->range, out + n, cap - (size_t)n);
}

/* ---- SET a = :v, ... ---- */

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Reads a name (#placeholder or plain identifier) or, with colon, a :value token into out. */
static const char *token(const char *p, char *out, size_t cap, char first)
{
    size_t n = 0;
    if (*p != first && !(first == 0 && (isalpha((unsigned char)*p) || *p == '_'))) return NULL;
    if (first) out[n++] = *p++;
    while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < cap)
        out[n++] = *p++;
    out[n] = '\0';
    return n > (first ? 1u : 0u) ? p : NULL;
}

bool sd_dcache_apply_set(json_t *item, const char *update, const json_t *names, const json_t *values)
{
    if (!update || strncasecmp(skip_space(update), "SET", 3) ||
        !isspace((unsigned char)skip_space(update)[3]))
        return false;
    json_t *sets = json_object();
    bool ok = false;
    const char *p = skip_space(skip_space(update) + 3);
    for (;;) {
        char name[128], value[128];
        const char *q = *p == '#' ? token(p, name, sizeof name, '#') : token(p, name, sizeof name, 0);
        if (!q) goto out;
        const char *attr = name;
        if (name[0] == '#' && !(attr = json_string_value(json_object_get(names, name)))) goto out;
        q = skip_space(q);
        if (*q != '=') goto out;
        q = token(skip_space(q + 1), value, sizeof value, ':');
        const json_t *v = q ? json_object_get(values, value) : NULL;
        if (!v) goto out;
        json_object_set(sets, attr, (json_t *)v);
        p = skip_space(q);
        if (*p == '\0') break;
        if (*p != ',') goto out;
        p = skip_space(p + 1);
    }
    json_object_update(item, sets);
    ok = true;
out:
    json_decref(sets);
    return ok;
}

/* ---- entries ---- */

static void entry_remove(sd_dcache_t *c, entry_t *e)
{
    HASH_DEL(c->entries, e);
    c->count--;
    if (e->fetch) e->fetch->entry = NULL;
    json_decref(e->pending);
    json_decref(e->value);
    free(e->key);
    free(e);
}

static void evict_settled(sd_dcache_t *c)
{
    for (entry_t *e = c->entries, *next; e; e = next) {
        next = e->hh.next;
        if (e->value) entry_remove(c, e);
    }
}

static entry_t *entry_find(sd_dcache_t *c, const char *key)
{
    entry_t *e = NULL;
    HASH_FIND_STR(c->entries, key, e);
    if (e && e->value && e->expires <= uv_now(c->loop)) {
        entry_remove(c, e);
        e = NULL;
    }
    return e;
}

static void changed(sd_dcache_t *c, const char *table, const char *key, const json_t *update)
{
    char full[KEY_CAP];
    snprintf(full, sizeof full, "%s\n%s", table, key);
    entry_t *e = entry_find(c, full);
    if (e && !e->value && update) {
        /* Its read is in flight, and may come back from before or after this write: the write's plain SETs
           are applied to the answer when it comes (again, if it has them already: the same result). Without
           this, a key written all the time (a busy channel's last_message_id) would never be kept again. */
        if (!e->pending) e->pending = json_array();
        if (e->pending && json_array_append(e->pending, (json_t *)update) == 0) return;
    }
    if (e) {
        /* Answers not yet delivered may hold the value: those keep theirs, unchanged. */
        json_t *copy = NULL;
        if (update && e->value && json_object_get(e->value, "Item"))
            copy = e->value->refcount == 1 ? json_incref(e->value) : json_deep_copy(e->value);
        if (copy && sd_dcache_apply_set(json_object_get(copy, "Item"),
                                        json_string_value(json_object_get(update, "UpdateExpression")),
                                        json_object_get(update, "ExpressionAttributeNames"),
                                        json_object_get(update, "ExpressionAttributeValues"))) {
            json_decref(e->value);
            e->value = copy; /* the same object when it was ours alone */
        } else {
            json_decref(copy);
            entry_remove(c, e);
            c->stats.drops++;
        }
    }
}

void sd_dcache_drop(sd_dcache_t *c, const char *table, const char *key)
{
    changed(c, table, key, NULL);
}

/* ---- reads ---- */

static void hit_closed(uv_handle_t *h)
{
    hit_t *hit = h->data;
    json_decref(hit->value);
    free(hit);
}

static void hit_answer(uv_timer_t *t)
{
    hit_t *hit = t->data;
    hit->cb(SD_OK, hit->value, hit->ctx);
    uv_close((uv_handle_t *)&hit->timer, hit_closed);
}

/* Answers cb with value (stolen) on the next turn of the loop. */
static sd_err_t answer_later(sd_dcache_t *c, json_t *value, sd_dynamo_cb cb, void *ctx)
{
    hit_t *hit = value ? calloc(1, sizeof *hit) : NULL;
    if (!hit) {
        json_decref(value);
        return SD_ERR_NOMEM;
    }
    *hit = (hit_t){.value = value, .cb = cb, .ctx = ctx};
    uv_timer_init(c->loop, &hit->timer);
    hit->timer.data = hit;
    uv_timer_start(&hit->timer, hit_answer, 0, 0);
    return SD_OK;
}

/* Returns a new reference: answer with every update of pending (plain SETs) applied in order, or NULL when
   one cannot be (the item is missing, or an update is not a plain SET). */
static json_t *with_updates(json_t *answer, const json_t *pending)
{
    if (!json_array_size(pending)) return json_incref(answer);
    json_t *copy = json_object_get(answer, "Item") ? json_deep_copy(answer) : NULL;
    size_t i;
    const json_t *u;
    json_array_foreach(pending, i, u)
    {
        if (copy && !sd_dcache_apply_set(json_object_get(copy, "Item"),
                                         json_string_value(json_object_get(u, "UpdateExpression")),
                                         json_object_get(u, "ExpressionAttributeNames"),
                                         json_object_get(u, "ExpressionAttributeValues"))) {
            json_decref(copy);
            copy = NULL;
        }
    }
    return copy;
}

static void on_fetched(sd_err_t err, json_t *res, void *ctx)
{
    fetch_t *f = ctx;
    entry_t *e = f->entry;
    if (e) {
        e->fetch = NULL;
        json_t *kept = err || !res ? NULL : with_updates(res, e->pending);
        json_decref(e->pending);
        e->pending = NULL;
        if (!kept) {
            entry_remove(f->cache, e);
        } else {
            e->value = kept;
            e->expires = uv_now(f->cache->loop) + f->cache->ttl_ms;
        }
    }
    /* Waiters were added at the head: answer them in the order they came. */
    waiter_t *rev = NULL;
    while (f->waiters) {
        waiter_t *w = f->waiters;
        f->waiters = w->next;
        w->next = rev;
        rev = w;
    }
    while (rev) {
        waiter_t *w = rev;
        rev = w->next;
        w->cb(err, res, w->ctx);
        free(w);
    }
    free(f);
}

static bool add_waiter(fetch_t *f, sd_dynamo_cb cb, void *ctx)
{
    waiter_t *w = malloc(sizeof *w);
    if (!w) return false;
    *w = (waiter_t){cb, ctx, f->waiters};
    f->waiters = w;
    return true;
}

static bool get_item(sd_dcache_t *c, json_t *req, sd_dynamo_cb cb, void *ctx, sd_dynamo_cb *wrap_cb,
                     void **wrap_ctx, sd_err_t *err)
{
    char key[KEY_CAP];
    if (json_object_get(req, "ProjectionExpression") ||
        !full_key(c, json_string_value(json_object_get(req, "TableName")), json_object_get(req, "Key"), key,
                  sizeof key))
        return false;
    entry_t *e = entry_find(c, key);
    if (e && e->value) {
        c->stats.hits++;
        *err = answer_later(c, json_incref(e->value), cb, ctx);
        json_decref(req);
        return true;
    }
    if (e) {
        c->stats.shared++;
        *err = add_waiter(e->fetch, cb, ctx) ? SD_OK : SD_ERR_NOMEM;
        json_decref(req);
        return true;
    }
    c->stats.misses++;
    if (c->count >= c->max_entries) evict_settled(c);
    fetch_t *f = calloc(1, sizeof *f);
    e = calloc(1, sizeof *e);
    char *k = strdup(key);
    if (!f || !e || !k || !add_waiter(f, cb, ctx)) {
        free(f);
        free(e);
        free(k);
        return false; /* sent uncached */
    }
    f->kind = W_FETCH;
    f->cache = c;
    f->entry = e;
    e->key = k;
    e->fetch = f;
    HASH_ADD_KEYPTR(hh, c->entries, e->key, strlen(e->key), e);
    c->count++;
    *wrap_cb = on_fetched;
    *wrap_ctx = f;
    return false;
}

/* A BatchGetItem whose every key is cached is answered from memory; anything else goes to DynamoDB. */
static bool batch_get(sd_dcache_t *c, json_t *req, sd_dynamo_cb cb, void *ctx, sd_err_t *err)
{
    json_t *responses = json_object();
    const char *table;
    json_t *spec;
    json_object_foreach(json_object_get(req, "RequestItems"), table, spec)
    {
        if (json_object_get(spec, "ProjectionExpression")) goto miss;
        json_t *items = json_array();
        json_object_set_new(responses, table, items);
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(spec, "Keys"), i, k)
        {
            char key[KEY_CAP];
            entry_t *e = full_key(c, table, k, key, sizeof key) ? entry_find(c, key) : NULL;
            if (!e || !e->value) goto miss;
            json_t *item = json_object_get(e->value, "Item");
            if (item) json_array_append(items, item);
        }
    }
    c->stats.hits++;
    *err = answer_later(c, json_pack("{s:o}", "Responses", responses), cb, ctx);
    json_decref(req);
    return true;
miss:
    json_decref(responses);
    return false;
}

/* ---- writes ---- */

static void add_change(sd_dcache_t *c, write_t *w, const char *table, const json_t *item,
                       const json_t *update)
{
    char key[KEY_CAP];
    if (!full_key(c, table, item, key, sizeof key)) return;
    change_t *ch = &w->changes[w->n];
    ch->table = strdup(table);
    ch->key = strdup(strchr(key, '\n') + 1);
    ch->update = update ? json_incref((json_t *)update) : NULL;
    w->n++;
}

static void on_written(sd_err_t err, json_t *res, void *ctx)
{
    write_t *w = ctx;
    for (size_t i = 0; i < w->n; i++) {
        change_t *ch = &w->changes[i];
        if (ch->table && ch->key) {
            changed(w->cache, ch->table, ch->key, err ? NULL : ch->update);
            if (w->cache->listener) w->cache->listener(ch->table, ch->key, w->cache->listener_ctx);
        }
        free(ch->table);
        free(ch->key);
        json_decref(ch->update);
    }
    if (w->cb) w->cb(err, res, w->ctx);
    free(w);
}

static size_t count_writes(const char *op, const json_t *req)
{
    if (!strcmp(op, "TransactWriteItems")) return json_array_size(json_object_get(req, "TransactItems"));
    if (strcmp(op, "BatchWriteItem")) return 1;
    size_t n = 0;
    const char *table;
    json_t *list;
    json_object_foreach(json_object_get(req, "RequestItems"), table, list) n += json_array_size(list);
    return n;
}

static void collect_writes(sd_dcache_t *c, write_t *w, const char *op, const json_t *req)
{
    if (!strcmp(op, "TransactWriteItems")) {
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(req, "TransactItems"), i, t)
        {
            const json_t *part;
            const char *table;
            if ((part = json_object_get(t, "Put")))
                add_change(c, w, json_string_value(json_object_get(part, "TableName")),
                           json_object_get(part, "Item"), NULL);
            else if ((part = json_object_get(t, "Update")) || (part = json_object_get(t, "Delete"))) {
                table = json_string_value(json_object_get(part, "TableName"));
                add_change(c, w, table, json_object_get(part, "Key"),
                           json_object_get(t, "Update") ? part : NULL);
            }
        }
    } else if (!strcmp(op, "BatchWriteItem")) {
        const char *table;
        json_t *list;
        json_object_foreach(json_object_get(req, "RequestItems"), table, list)
        {
            size_t i;
            json_t *r;
            json_array_foreach(list, i, r)
            {
                json_t *put = json_object_get(json_object_get(r, "PutRequest"), "Item");
                add_change(c, w, table,
                           put ? put : json_object_get(json_object_get(r, "DeleteRequest"), "Key"), NULL);
            }
        }
    } else {
        const char *table = json_string_value(json_object_get(req, "TableName"));
        const json_t *item = json_object_get(req, "Key");
        add_change(c, w, table, item ? item : json_object_get(req, "Item"),
                   !strcmp(op, "UpdateItem") ? req : NULL);
    }
}

static bool is_write(const char *op)
{
    return !strcmp(op, "PutItem") || !strcmp(op, "UpdateItem") || !strcmp(op, "DeleteItem") ||
           !strcmp(op, "TransactWriteItems") || !strcmp(op, "BatchWriteItem");
}

/* ---- the cache ---- */

bool sd_dcache_intercept(sd_dcache_t *c, const char *op, json_t *request, sd_dynamo_cb cb, void *ctx,
                         sd_dynamo_cb *wrap_cb, void **wrap_ctx, sd_err_t *err)
{
    *wrap_cb = cb;
    *wrap_ctx = ctx;
    if (!c || !request) return false;
    if (!strcmp(op, "GetItem")) return get_item(c, request, cb, ctx, wrap_cb, wrap_ctx, err);
    if (!strcmp(op, "BatchGetItem")) return batch_get(c, request, cb, ctx, err);
    if (!is_write(op)) return false;
    size_t n = count_writes(op, request);
    write_t *w = calloc(1, sizeof *w + n * sizeof(change_t));
    if (!w) return false; /* nothing to drop then: the write is sent, the entries expire */
    *w = (write_t){.kind = W_WRITE, .cache = c, .cb = cb, .ctx = ctx};
    collect_writes(c, w, op, request);
    if (w->n == 0) {
        free(w);
        return false;
    }
    *wrap_cb = on_written;
    *wrap_ctx = w;
    return false;
}

void sd_dcache_cancel(void *wrap_ctx)
{
    fetch_t *f = wrap_ctx;
    if (f->kind == W_FETCH) {
        if (f->entry) entry_remove(f->cache, f->entry);
        free(f->waiters);
        free(f);
        return;
    }
    write_t *w = wrap_ctx;
    w->cb = NULL;
    on_written(SD_ERR_INTERNAL, NULL, w);
}

sd_dcache_t *sd_dcache_new(uv_loop_t *loop, const json_t *spec, const char *prefix, uint64_t ttl_ms,
                           size_t max_entries)
{
    sd_dcache_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    *c = (sd_dcache_t){.loop = loop, .ttl_ms = ttl_ms, .max_entries = max_entries ? max_entries : 1};
    const char *name;
    json_t *t;
    json_object_foreach((json_t *)spec, name, t)
    {
        if (!json_is_true(json_object_get(t, "cached"))) continue;
        table_t *tt = calloc(1, sizeof *tt);
        size_t n = strlen(prefix) + strlen(name) + 1;
        const char *range = json_string_value(json_object_get(t, "range_key"));
        if (tt) {
            tt->name = malloc(n);
            tt->hash = strdup(json_string_value(json_object_get(t, "hash_key")));
            tt->range = range ? strdup(range) : NULL;
        }
        if (!tt || !tt->name || !tt->hash || (range && !tt->range)) {
            if (tt) {
                free(tt->name);
                free(tt->hash);
                free(tt->range);
            }
            free(tt);
            sd_dcache_free(c);
            return NULL;
        }
        snprintf(tt->name, n, "%s%s", prefix, name);
        HASH_ADD_KEYPTR(hh, c->tables, tt->name, strlen(tt->name), tt);
    }
    return c;
}

void sd_dcache_free(sd_dcache_t *c)
{
    if (!c) return;
    while (c->entries)
        entry_remove(c, c->entries);
    while (c->tables) {
        table_t *t = c->tables;
        HASH_DEL(c->tables, t);
        free(t->name);
        free(t->hash);
        free(t->range);
        free(t);
    }
    free(c);
}

void sd_dcache_set_listener(sd_dcache_t *c, sd_dcache_listener fn, void *ctx)
{
    c->listener = fn;
    c->listener_ctx = ctx;
}

sd_dcache_stats_t sd_dcache_stats(const sd_dcache_t *c)
{
    return c->stats;
}
