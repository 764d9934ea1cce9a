/*
 * The DynamoDB client against a real DynamoDB Local: SD_TEST_DYNAMODB_ENDPOINT names it and
 * SD_TEST_TABLE_PREFIX a prefix no one else uses (tests/e2e/test_dynamo_client.py runs this binary).
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/dynamo.h"
#include "db/item.h"

typedef struct {
    int done;
    sd_err_t err;
    json_t *result;
} answer_t;

static uv_loop_t loop;
static sd_dynamo_t *db;
static char table[128];

static void on_answer(sd_err_t err, json_t *res, void *ctx)
{
    answer_t *a = ctx;
    a->done = 1;
    a->err = err;
    a->result = json_incref(res);
}

/* Runs one call to completion; returns its error and (in *out, owned) its result. */
static sd_err_t run(const char *op, json_t *req, json_t **out)
{
    answer_t a = {0};
    cr_assert_eq(sd_dynamo_call(db, op, req, on_answer, &a), SD_OK);
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    if (out)
        *out = a.result;
    else
        json_decref(a.result);
    return a.err;
}

static void setup(void)
{
    const char *endpoint = getenv("SD_TEST_DYNAMODB_ENDPOINT");
    const char *prefix = getenv("SD_TEST_TABLE_PREFIX");
    cr_assert_not_null(endpoint, "SD_TEST_DYNAMODB_ENDPOINT must name a DynamoDB Local");
    cr_assert_not_null(prefix);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    sd_log_set_level(SD_LOG_DEBUG); /* the Python side looks for the BatchGetItem retry line */
    uv_loop_init(&loop);
    sd_dynamo_options_t o = {.endpoint = endpoint,
                             .region = "us-east-1",
                             .access_key_id = "local",
                             .secret_access_key = "local",
                             .table_prefix = prefix,
                             .max_attempts = 2,
                             /* Answers of 16 MiB from a sanitizer build take seconds: not what these test. */
                             .call_deadline_ms = 60000,
                             .timeout_ms = 60000};
    db = sd_dynamo_new(&loop, &o);
    cr_assert_not_null(db);
    sd_dynamo_table(db, "live", table, sizeof table);
    sd_err_t err = run("CreateTable",
                       json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:s}, {s:s, s:s}], s:s}",
                                 "TableName", table, "AttributeDefinitions", "AttributeName", "pk",
                                 "AttributeType", "S", "AttributeName", "sk", "AttributeType", "N",
                                 "KeySchema", "AttributeName", "pk", "KeyType", "HASH", "AttributeName", "sk",
                                 "KeyType", "RANGE", "BillingMode", "PAY_PER_REQUEST"),
                       NULL);
    cr_assert(err == SD_OK || err == SD_ERR_EXISTS, "%s", sd_err_name(err));
}

static void teardown(void)
{
    sd_dynamo_close(db);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    curl_global_cleanup();
}

TestSuite(dynamo_live, .init = setup, .fini = teardown);

static json_t *key(const char *pk, long long sk)
{
    return json_pack("{s:o, s:o}", "pk", sd_item_s(pk), "sk", sd_item_n(sk));
}

Test(dynamo_live, conditional_writes_map_to_conflict)
{
    json_t *item = key("cond", 1);
    json_object_set_new(item, "v", sd_item_s("first"));
    cr_assert_eq(run("PutItem",
                     json_pack("{s:s, s:O, s:s}", "TableName", table, "Item", item, "ConditionExpression",
                               "attribute_not_exists(pk)"),
                     NULL),
                 SD_OK);
    cr_assert_eq(run("PutItem",
                     json_pack("{s:s, s:o, s:s}", "TableName", table, "Item", item, "ConditionExpression",
                               "attribute_not_exists(pk)"),
                     NULL),
                 SD_ERR_CONFLICT);
    json_t *res = NULL;
    cr_assert_eq(run("UpdateItem",
                     json_pack("{s:s, s:o, s:s, s:s, s:{s:o, s:o}, s:s}", "TableName", table, "Key",
                               key("cond", 1), "UpdateExpression", "SET v = :new", "ConditionExpression",
                               "v = :old", "ExpressionAttributeValues", ":new", sd_item_s("second"), ":old",
                               sd_item_s("first"), "ReturnValues", "ALL_NEW"),
                     &res),
                 SD_OK);
    cr_assert_str_eq(sd_item_get_s(json_object_get(res, "Attributes"), "v"), "second");
    json_decref(res);
    cr_assert_eq(
        run("DeleteItem",
            json_pack("{s:s, s:o, s:s, s:{s:o}}", "TableName", table, "Key", key("cond", 1),
                      "ConditionExpression", "v = :x", "ExpressionAttributeValues", ":x", sd_item_s("first")),
            NULL),
        SD_ERR_CONFLICT);
    cr_assert_eq(run("DeleteItem", json_pack("{s:s, s:o}", "TableName", table, "Key", key("cond", 1)), NULL),
                 SD_OK);
    cr_assert_eq(
        run("GetItem",
            json_pack("{s:s, s:o, s:b}", "TableName", table, "Key", key("cond", 1), "ConsistentRead", 1),
            &res),
        SD_OK);
    cr_assert_null(json_object_get(res, "Item"));
    json_decref(res);
}

Test(dynamo_live, transactions_report_which_item_failed)
{
    cr_assert_eq(run("PutItem", json_pack("{s:s, s:o}", "TableName", table, "Item", key("txn", 2)), NULL),
                 SD_OK);
    json_t *res = NULL;
    sd_err_t err = run("TransactWriteItems",
                       json_pack("{s:[{s:{s:s, s:o, s:s}}, {s:{s:s, s:o, s:s}}]}", "TransactItems", "Put",
                                 "TableName", table, "Item", key("txn", 1), "ConditionExpression",
                                 "attribute_not_exists(pk)", "Put", "TableName", table, "Item", key("txn", 2),
                                 "ConditionExpression", "attribute_not_exists(pk)"),
                       &res);
    cr_assert_eq(err, SD_ERR_CONFLICT);
    json_t *reasons = json_object_get(res, "CancellationReasons");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(reasons, 1), "Code")),
                     "ConditionalCheckFailed");
    json_decref(res);
    cr_assert_eq(
        run("GetItem",
            json_pack("{s:s, s:o, s:b}", "TableName", table, "Key", key("txn", 1), "ConsistentRead", 1),
            &res),
        SD_OK);
    cr_assert_null(json_object_get(res, "Item"), "nothing of a cancelled transaction is written");
    json_decref(res);
}

static void put_many(const char *pk, int n, size_t pad)
{
    char *filler = malloc(pad + 1);
    memset(filler, 'x', pad);
    filler[pad] = '\0';
    for (int i = 0; i < n; i++) {
        json_t *item = key(pk, i);
        if (pad) json_object_set_new(item, "pad", sd_item_s(filler));
        cr_assert_eq(run("PutItem", json_pack("{s:s, s:o}", "TableName", table, "Item", item), NULL), SD_OK);
    }
    free(filler);
}

Test(dynamo_live, query_follows_pages)
{
    put_many("query", 25, 0);
    answer_t a = {0};
    json_t *req = json_pack("{s:s, s:s, s:{s:o}, s:i}", "TableName", table, "KeyConditionExpression",
                            "pk = :p", "ExpressionAttributeValues", ":p", sd_item_s("query"), "Limit", 4);
    cr_assert_eq(sd_dynamo_query(db, req, 10, on_answer, &a), SD_OK);
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a.err, SD_OK);
    json_t *items = json_object_get(a.result, "Items");
    cr_assert_eq(json_array_size(items), 10, "pages of 4 gathered up to the 10 asked for");
    cr_assert_str_eq(sd_item_get_n(json_array_get(items, 9), "sk"), "9");
    cr_assert_not_null(json_object_get(a.result, "LastEvaluatedKey"));
    json_decref(a.result);

    a = (answer_t){0};
    req = json_pack("{s:s, s:s, s:{s:o}}", "TableName", table, "KeyConditionExpression", "pk = :p",
                    "ExpressionAttributeValues", ":p", sd_item_s("query"));
    cr_assert_eq(sd_dynamo_query(db, req, 1000, on_answer, &a), SD_OK);
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(json_array_size(json_object_get(a.result, "Items")), 25);
    cr_assert_null(json_object_get(a.result, "LastEvaluatedKey"));
    json_decref(a.result);
}

Test(dynamo_live, batch_get_reads_every_key_even_past_the_16_mib_answer_limit)
{
    /* 60 items of ~350 KB: more than one BatchGetItem answer may carry, so DynamoDB returns UnprocessedKeys.
     */
    put_many("batch", 60, 350 * 1024);
    json_t *keys = json_array();
    for (int i = 0; i < 60; i++)
        json_array_append_new(keys, key("batch", i));
    json_t *req = json_pack("{s:{s:o}}", table, "Keys", keys); /* whole items, to pass 16 MiB */
    answer_t a = {0};
    cr_assert_eq(sd_dynamo_batch_get(db, req, on_answer, &a), SD_OK);
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a.err, SD_OK, "%s", sd_err_name(a.err));
    json_t *got = json_object_get(json_object_get(a.result, "Responses"), table);
    cr_assert_eq(json_array_size(got), 60);
    json_decref(a.result);
}

Test(dynamo_live, batch_get_of_more_than_100_keys_and_of_none)
{
    put_many("wide", 230, 0);
    json_t *keys = json_array();
    for (int i = 0; i < 240; i++)
        json_array_append_new(keys, key("wide", i)); /* 10 of them do not exist */
    answer_t a = {0};
    cr_assert_eq(sd_dynamo_batch_get(db, json_pack("{s:{s:o}}", table, "Keys", keys), on_answer, &a), SD_OK);
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a.err, SD_OK, "%s", sd_err_name(a.err));
    cr_assert_eq(json_array_size(json_object_get(json_object_get(a.result, "Responses"), table)), 230);
    json_decref(a.result);

    a = (answer_t){0};
    cr_assert_eq(sd_dynamo_batch_get(db, json_object(), on_answer, &a), SD_OK);
    cr_assert_eq(a.done, 0, "the answer comes from the loop, not from inside the call");
    while (!a.done)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(a.err, SD_OK);
    json_decref(a.result);
}

Test(dynamo_live, missing_table_is_not_found)
{
    cr_assert_eq(
        run("GetItem", json_pack("{s:s, s:o}", "TableName", "no-such-table-here", "Key", key("x", 1)), NULL),
        SD_ERR_NOT_FOUND);
}

Test(dynamo_live, bad_request_is_invalid)
{
    cr_assert_eq(
        run("GetItem", json_pack("{s:s, s:{s:o}}", "TableName", table, "Key", "pk", sd_item_s("x")), NULL),
        SD_ERR_INVALID);
}

Test(dynamo_live, many_calls_in_flight_at_once)
{
    answer_t answers[64] = {{0}};
    for (int i = 0; i < 64; i++) {
        json_t *item = key("parallel", i);
        cr_assert_eq(sd_dynamo_call(db, "PutItem", json_pack("{s:s, s:o}", "TableName", table, "Item", item),
                                    on_answer, &answers[i]),
                     SD_OK);
    }
    cr_assert_eq(sd_dynamo_in_flight(db), 64);
    for (int i = 0; i < 64; i++) {
        while (!answers[i].done)
            uv_run(&loop, UV_RUN_ONCE);
        cr_assert_eq(answers[i].err, SD_OK);
        json_decref(answers[i].result);
    }
    cr_assert_eq(sd_dynamo_in_flight(db), 0);
}

/*
 * Bodies on both sides of 1 MiB, above which libcurl would add "Expect: 100-continue" of its own.
 * tests/e2e/test_sigv4.py runs this test through a recorder that checks every signature against botocore's.
 * DynamoDB refuses an item over 400 KB: the large one is refused by DynamoDB, after the recorder saw it.
 */
Test(dynamo_live, bodies_on_both_sides_of_1_mib)
{
    const size_t sizes[] = {300 * 1024, 1536 * 1024};
    const sd_err_t want[] = {SD_OK, SD_ERR_INVALID};
    for (size_t i = 0; i < 2; i++) {
        char *filler = malloc(sizes[i] + 1);
        cr_assert_not_null(filler);
        memset(filler, 'x', sizes[i]);
        filler[sizes[i]] = '\0';
        json_t *item = key("large", (long long)i);
        json_object_set_new(item, "pad", sd_item_s(filler));
        free(filler);
        sd_err_t err = run("PutItem", json_pack("{s:s, s:o}", "TableName", table, "Item", item), NULL);
        cr_assert_eq(err, want[i], "%zu bytes: %s", sizes[i], sd_err_name(err));
    }
}
