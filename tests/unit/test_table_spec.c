#include <criterion/criterion.h>
#include <string.h>

#include "db/table_spec.h"

static sd_err_t check(const char *doc, char *err)
{
    json_t *root = json_loads(doc, 0, NULL);
    cr_assert_not_null(root, "test document must parse: %s", doc);
    sd_err_t rc = sd_table_spec_validate(root, "tables.json", err, 512);
    json_decref(root);
    return rc;
}

Test(table_spec, valid_document)
{
    char err[512] = "";
    cr_assert_eq(
        check("{\"tables\": {\"things\": {\"hash_key\": \"pk\", \"range_key\": \"sk\", \"attributes\": "
              "{\"pk\": \"S\", \"sk\": \"N\", \"g\": \"S\"}, \"global_secondary_indexes\": [{\"name\": "
              "\"by_g\", \"hash_key\": \"g\", \"projection\": \"INCLUDE\", \"non_key_attributes\": "
              "[\"x\"]}], \"ttl_attribute\": \"exp\"}}}",
              err),
        SD_OK, "%s", err);
}

Test(table_spec, problems_name_file_table_and_cause)
{
    struct {
        const char *doc, *needle;
    } cases[] = {
        {"[]", "must be a JSON object"},
        {"{\"tables\": {\"abc\": {\"attributes\": {\"id\": \"S\"}}}}", "table 'abc': 'hash_key' is missing"},
        {"{\"tables\": {\"ab\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}}}}", "name must be"},
        {"{\"tables\": {\"abc\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\", \"x\": \"S\"}}}}",
         "attribute 'x' is not a key"},
        {"{\"tables\": {\"abc\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}, "
         "\"global_secondary_indexes\": [{\"name\": \"idx\", \"hash_key\": \"nope\", \"projection\": "
         "\"ALL\"}]}}}",
         "index 'idx': hash_key 'nope' is not among its attributes"},
        {"{\"tables\": {\"abc\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}, "
         "\"global_secondary_indexes\": [{\"name\": \"idx\", \"hash_key\": \"id\", \"projection\": "
         "\"INCLUDE\"}]}}}",
         "non_key_attributes"},
        {"{\"tables\": {\"abc\": {\"hash_key\": \"id\", \"attributes\": {\"id\": \"S\"}, \"ttl_attribute\": "
         "5}}}",
         "ttl_attribute"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[512] = "";
        cr_assert_eq(check(cases[i].doc, err), SD_ERR_INVALID, "accepted: %s", cases[i].doc);
        cr_assert(strstr(err, "tables.json"), "%s", err);
        cr_assert(strstr(err, cases[i].needle), "'%s' lacks '%s'", err, cases[i].needle);
    }
}

Test(table_spec, create_request)
{
    json_t *t =
        json_loads("{\"hash_key\": \"pk\", \"range_key\": \"sk\", \"attributes\": {\"pk\": \"S\", \"sk\": "
                   "\"S\", \"g\": \"S\"}, \"global_secondary_indexes\": [{\"name\": \"by_g\", \"hash_key\": "
                   "\"g\", \"projection\": \"KEYS_ONLY\"}]}",
                   0, NULL);
    json_t *req = sd_table_spec_create_request(t, "sd-dev-things");
    cr_assert_str_eq(json_string_value(json_object_get(req, "TableName")), "sd-dev-things");
    cr_assert_str_eq(json_string_value(json_object_get(req, "BillingMode")), "PAY_PER_REQUEST");
    cr_assert_eq(json_array_size(json_object_get(req, "AttributeDefinitions")), 3);
    json_t *ks = json_object_get(req, "KeySchema");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(ks, 1), "KeyType")), "RANGE");
    json_t *gsi = json_array_get(json_object_get(req, "GlobalSecondaryIndexes"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(gsi, "IndexName")), "by_g");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(gsi, "Projection"), "ProjectionType")),
                     "KEYS_ONLY");
    json_decref(req);
    json_decref(t);
}

Test(table_spec, project_file_is_valid)
{
    char err[512] = "";
    json_t *tables = sd_table_spec_load("config/tables.json", err, sizeof err);
    if (!tables) tables = sd_table_spec_load("../config/tables.json", err, sizeof err);
    cr_assert_not_null(tables, "%s", err);
    cr_assert_not_null(json_object_get(tables, "users"));
    json_decref(tables);
}
