#include <criterion/criterion.h>

#include "db/dynamo.h"
#include "db/item.h"

static sd_err_t classify(long status, const char *body, int *retry)
{
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    sd_err_t e = sd_dynamo_classify(status, j, retry);
    json_decref(j);
    return e;
}

Test(dynamo, maps_errors_like_the_sdks)
{
    struct {
        long status;
        const char *body;
        sd_err_t err;
        int retry;
    } cases[] = {
        {200, "{}", SD_OK, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\"}",
         SD_ERR_CONFLICT, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"}", SD_ERR_NOT_FOUND,
         0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceInUseException\"}", SD_ERR_EXISTS, 0},
        {400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\"}", SD_ERR_INVALID, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}",
         SD_ERR_THROTTLED, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"}", SD_ERR_THROTTLED, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#RequestLimitExceeded\"}", SD_ERR_THROTTLED, 1},
        {500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}", SD_ERR_UNAVAILABLE, 1},
        {503, "{}", SD_ERR_UNAVAILABLE, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionConflictException\"}",
         SD_ERR_CONFLICT, 1},
        {400,
         "{\"__type\":\"x#TransactionCanceledException\",\"CancellationReasons\":[{\"Code\":\"None\"},"
         "{\"Code\":\"ConditionalCheckFailed\"}]}",
         SD_ERR_CONFLICT, 0},
        {400,
         "{\"__type\":\"x#TransactionCanceledException\",\"CancellationReasons\":[{\"Code\":\"None\"},"
         "{\"Code\":\"TransactionConflict\"}]}",
         SD_ERR_CONFLICT, 1},
        {400, "{\"__type\":\"x#UnrecognizedClientException\"}", SD_ERR_INTERNAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int retry = -1;
        cr_assert_eq(classify(cases[i].status, cases[i].body, &retry), cases[i].err, "case %zu", i);
        cr_assert_eq(retry, cases[i].retry, "case %zu retry", i);
    }
}

Test(dynamo, attribute_helpers)
{
    json_t *item = json_pack("{s:o, s:o}", "a", sd_item_s("x"), "n", sd_item_n(-42));
    cr_assert_str_eq(sd_item_get_s(item, "a"), "x");
    cr_assert_str_eq(sd_item_get_n(item, "n"), "-42");
    cr_assert_null(sd_item_get_s(item, "n"));
    cr_assert_null(sd_item_get_s(item, "missing"));
    json_decref(item);
}
