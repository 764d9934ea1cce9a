#include <criterion/criterion.h>

#include "db/dynamo.h"
#include "db/dynamo_sigv4.h"
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

/* Vectors computed by botocore's SigV4Auth (the reference) for the same request, credentials and time. */
Test(dynamo, sigv4_matches_botocore)
{
    static const char body[] = "{\"TableName\":\"sd-dev-users\",\"Key\":{\"id\":{\"S\":\"1\"}}}";
    sd_sigv4_request_t r = {.region = "us-east-1",
                            .service = "dynamodb",
                            .access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            .host = "127.0.0.1:8000",
                            .target = "DynamoDB_20120810.GetItem",
                            .body = body,
                            .body_len = sizeof body - 1};
    char date[SD_SIGV4_DATE_LEN], auth[512];
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_OK);
    cr_assert_str_eq(date, "20150830T123600Z");
    cr_assert_str_eq(auth,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                     "Signature=6f3238672fbeebb0c3ab3ce11cf2f04884eb8c22443ac0e4e1c88721e6ea7fa9");
    r.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_OK);
    cr_assert_str_eq(auth,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
                     "Signature=abbec77bf375a23c5a9b06e2fcec75514edc574d6e013aa8acada5b24a58e92a");
    r.target = "DynamoDB_20120810.GetItem\r\nX-Evil: 1";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_ERR_INVALID,
                 "no header injection");
    r.target = "DynamoDB_20120810.GetItem";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, 40), SD_ERR_INVALID, "too small a buffer");
}
