#include <criterion/criterion.h>
#include <string.h>

#include "db/cache.h"

/* The cache is driven here the way db/dynamo drives it, with DynamoDB's answers made up by the test. */

static const char *SPEC =
    "{\"users\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}, \"cached\": true},"
    " \"members\": {\"hash_key\": \"guild_id\", \"range_key\": \"user_id\", \"attributes\":"
    " {\"guild_id\": \"S\", \"user_id\": \"S\"}, \"cached\": true},"
    " \"messages\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}}}";

typedef struct {
    int calls;
    sd_err_t err;
    json_t *last;
} seen_t;

static void record(sd_err_t err, json_t *result, void *ctx)
{
    seen_t *s = ctx;
    s->calls++;
    s->err = err;
    json_decref(s->last);
    s->last = json_incref(result);
}

static uv_loop_t loop;
static sd_dcache_t *cache;

static void setup(void)
{
    uv_loop_init(&loop);
    json_t *spec = json_loads(SPEC, 0, NULL);
    cache = sd_dcache_new(&loop, spec, "t-", 60000, 100);
    json_decref(spec);
    cr_assert_not_null(cache);
}

static void teardown(void)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    sd_dcache_free(cache);
    cr_assert_eq(uv_loop_close(&loop), 0);
}

static json_t *get_req(const char *table, const char *id)
{
    return json_pack("{s:s, s:{s:{s:s}}}", "TableName", table, "Key", "id", "S", id);
}

/* Offers a GetItem: true when answered from the cache; otherwise *wcb / *wctx is the read to complete. */
static bool offer(const char *op, json_t *req, seen_t *s, sd_dynamo_cb *wcb, void **wctx)
{
    sd_err_t err = SD_OK;
    bool taken = sd_dcache_intercept(cache, op, json_incref(req), record, s, wcb, wctx, &err);
    cr_assert_eq(err, SD_OK);
    if (!taken) json_decref(req); /* db/dynamo would have sent it */
    json_decref(req);
    return taken;
}

static json_t *user_answer(const char *id, const char *name)
{
    return json_pack("{s:{s:{s:s}, s:{s:s}}}", "Item", "id", "S", id, "username", "S", name);
}

static const char *username(const json_t *answer)
{
    return json_string_value(
        json_object_get(json_object_get(json_object_get(answer, "Item"), "username"), "S"));
}

/* Answers the read in flight (cb, ctx) with users/1 named name; its reader s must get that answer. */
static void answer_read(sd_dynamo_cb cb, void *ctx, seen_t *s, const char *name, const char *why)
{
    json_t *ans = user_answer("1", name);
    cb(SD_OK, ans, ctx);
    json_decref(ans);
    cr_assert_eq(s->calls, 1);
    cr_assert_str_eq(username(s->last), name, "%s", why);
    json_decref(s->last);
}

/* Reads users/1 into the cache, with name as its username. */
static void warm(const char *name)
{
    seen_t s = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx));
    answer_read(wcb, wctx, &s, name, "the reader gets its answer");
}

TestSuite(cache, .init = setup, .fini = teardown);

Test(cache, a_second_read_is_answered_from_memory_later)
{
    warm("ann");
    seen_t s = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    cr_assert(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx));
    cr_assert_eq(s.calls, 0, "never inside the call");
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(s.calls, 1);
    cr_assert_str_eq(username(s.last), "ann");
    json_decref(s.last);
    cr_assert_eq(sd_dcache_stats(cache).hits, 1);
}

Test(cache, concurrent_misses_share_one_read)
{
    seen_t a = {0}, b = {0};
    sd_dynamo_cb wcb, unused;
    void *wctx, *unused_ctx;
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &a, &wcb, &wctx));
    cr_assert(offer("GetItem", get_req("t-users", "1"), &b, &unused, &unused_ctx));
    json_t *ans = user_answer("1", "ann");
    wcb(SD_OK, ans, wctx);
    json_decref(ans);
    cr_assert_eq(a.calls, 1);
    cr_assert_eq(b.calls, 1);
    cr_assert_str_eq(username(b.last), "ann");
    json_decref(a.last);
    json_decref(b.last);
}

static void listener(const char *table, const char *key, void *ctx)
{
    cr_assert_str_eq(table, "t-users");
    cr_assert_str_eq(key, "1\x1f");
    (*(int *)ctx)++;
}

Test(cache, a_write_drops_the_key_and_tells_the_listener)
{
    warm("ann");
    int told = 0;
    sd_dcache_set_listener(cache, listener, &told);
    seen_t w = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    json_t *put = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", "t-users", "Item", "id", "S", "1",
                            "username", "S", "bob");
    cr_assert_not(offer("PutItem", put, &w, &wcb, &wctx));
    cr_assert_neq(wctx, (void *)&w, "the cache watches the write");
    json_t *ok = json_object();
    wcb(SD_OK, ok, wctx);
    json_decref(ok);
    cr_assert_eq(w.calls, 1);
    json_decref(w.last);
    cr_assert_eq(told, 1);
    seen_t s = {0};
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx), "dropped: read again");
    json_t *ans = user_answer("1", "bob");
    wcb(SD_OK, ans, wctx);
    json_decref(ans);
    json_decref(s.last);
}

Test(cache, a_plain_set_in_a_transaction_is_applied_in_place)
{
    warm("ann");
    seen_t w = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    json_t *tx = json_pack("{s:[{s:{s:s, s:{s:{s:s}}, s:s, s:{s:s}, s:{s:{s:s}}}}]}", "TransactItems",
                           "Update", "TableName", "t-users", "Key", "id", "S", "1", "UpdateExpression",
                           "SET #n = :v", "ExpressionAttributeNames", "#n", "username",
                           "ExpressionAttributeValues", ":v", "S", "cat");
    cr_assert_not(offer("TransactWriteItems", tx, &w, &wcb, &wctx));
    json_t *ok = json_object();
    wcb(SD_OK, ok, wctx);
    json_decref(ok);
    json_decref(w.last);
    seen_t s = {0};
    cr_assert(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx));
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_str_eq(username(s.last), "cat");
    json_decref(s.last);
}

Test(cache, a_failed_write_drops_instead_of_applying)
{
    warm("ann");
    seen_t w = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    json_t *up =
        json_pack("{s:s, s:{s:{s:s}}, s:s, s:{s:{s:s}}}", "TableName", "t-users", "Key", "id", "S", "1",
                  "UpdateExpression", "SET username = :v", "ExpressionAttributeValues", ":v", "S", "dan");
    cr_assert_not(offer("UpdateItem", up, &w, &wcb, &wctx));
    wcb(SD_ERR_UNAVAILABLE, NULL, wctx);
    cr_assert_eq(w.err, SD_ERR_UNAVAILABLE);
    seen_t s = {0};
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx));
    wcb(SD_ERR_UNAVAILABLE, NULL, wctx);
}

Test(cache, a_read_in_flight_when_its_key_changes_is_not_kept)
{
    seen_t a = {0};
    sd_dynamo_cb rcb;
    void *rctx;
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &a, &rcb, &rctx));
    sd_dcache_drop(cache, "t-users", "1\x1f"); /* changed elsewhere while the read was out */
    answer_read(rcb, rctx, &a, "old", "the reader still gets its answer");
    seen_t s = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx), "but it was not kept");
    wcb(SD_ERR_UNAVAILABLE, NULL, wctx);
}

/* A key written while its read is out (a busy channel's last_message_id) is still kept: the write's plain SET
   is applied to the answer, whichever side of the write the answer comes from. */
Test(cache, a_plain_set_while_the_read_is_in_flight_is_applied_to_its_answer)
{
    seen_t a = {0}, w = {0};
    sd_dynamo_cb rcb, wcb;
    void *rctx, *wctx;
    cr_assert_not(offer("GetItem", get_req("t-users", "1"), &a, &rcb, &rctx));
    json_t *up =
        json_pack("{s:s, s:{s:{s:s}}, s:s, s:{s:{s:s}}}", "TableName", "t-users", "Key", "id", "S", "1",
                  "UpdateExpression", "SET username = :v", "ExpressionAttributeValues", ":v", "S", "new");
    cr_assert_not(offer("UpdateItem", up, &w, &wcb, &wctx));
    json_t *done = json_object();
    wcb(SD_OK, done, wctx);
    json_decref(done);
    json_decref(w.last);
    answer_read(rcb, rctx, &a, "old", "the reader gets the answer it asked for");
    seen_t s = {0};
    cr_assert(offer("GetItem", get_req("t-users", "1"), &s, &wcb, &wctx), "the key was kept");
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_str_eq(username(s.last), "new", "with the write applied");
    json_decref(s.last);
}

Test(cache, batch_get_is_answered_only_when_every_key_is_cached)
{
    warm("ann");
    seen_t s = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    json_t *two = json_pack("{s:{s:{s:[{s:{s:s}}, {s:{s:s}}]}}}", "RequestItems", "t-users", "Keys", "id",
                            "S", "1", "id", "S", "2");
    cr_assert_not(offer("BatchGetItem", two, &s, &wcb, &wctx));
    json_t *one = json_pack("{s:{s:{s:[{s:{s:s}}]}}}", "RequestItems", "t-users", "Keys", "id", "S", "1");
    cr_assert(offer("BatchGetItem", one, &s, &wcb, &wctx));
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(json_array_size(json_object_get(json_object_get(s.last, "Responses"), "t-users")), 1);
    json_decref(s.last);
}

Test(cache, uncached_tables_pass_through)
{
    seen_t s = {0};
    sd_dynamo_cb wcb;
    void *wctx;
    cr_assert_not(offer("GetItem", get_req("t-messages", "1"), &s, &wcb, &wctx));
    cr_assert_eq(wctx, (void *)&s);
    cr_assert_eq(sd_dcache_stats(cache).misses, 0);
}

Test(cache_keys, composite_keys_and_missing_parts)
{
    char out[64];
    json_t *k = json_pack("{s:{s:s}, s:{s:s}}", "guild_id", "S", "7", "user_id", "S", "9");
    cr_assert(sd_dcache_key(k, "guild_id", "user_id", out, sizeof out));
    cr_assert_str_eq(out, "7\x1f"
                          "9");
    cr_assert_not(sd_dcache_key(k, "guild_id", "other", out, sizeof out));
    json_decref(k);
}

Test(cache_keys, only_plain_top_level_sets_are_applied)
{
    json_t *item = json_pack("{s:{s:s}}", "id", "S", "1");
    json_t *values = json_pack("{s:{s:s}, s:{s:s}}", ":a", "S", "x", ":b", "N", "2");
    json_t *names = json_pack("{s:s}", "#n", "name");
    cr_assert(sd_dcache_apply_set(item, "SET #n = :a, count=:b", names, values));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "name"), "S")), "x");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "count"), "N")), "2");
    const char *refused[] = {"ADD n :a",
                             "SET a.b = :a",
                             "SET a = :a REMOVE b",
                             "SET a = a + :b",
                             "SET #x = :a",
                             "SET a = :missing",
                             "SET",
                             "SET a = :a,",
                             NULL};
    for (int i = 0; refused[i]; i++) {
        json_t *before = json_deep_copy(item);
        cr_assert_not(sd_dcache_apply_set(item, refused[i], names, values), "%s", refused[i]);
        cr_assert(json_equal(before, item), "%s left the item alone", refused[i]);
        json_decref(before);
    }
    json_decref(names);
    json_decref(values);
    json_decref(item);
}
