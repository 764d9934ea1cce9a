/*
 * dynamo_sigv4: AWS Signature Version 4 of one DynamoDB JSON API request, computed here rather than by
 * libcurl (CURLOPT_AWS_SIGV4) so that what is signed is exactly what is sent: libcurl 7.88 signs the empty
 * "Expect:" that only tells it not to send the header (curl issue 11664), and real DynamoDB refuses a request
 * that names a signed header it does not carry. The request is always POST / with the headers Content-Type,
 * Host, X-Amz-Date, X-Amz-Target and, with temporary credentials, X-Amz-Security-Token: all of them signed.
 */
#ifndef SD_DB_DYNAMO_SIGV4_H
#define SD_DB_DYNAMO_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "core/errors.h"

#define SD_SIGV4_CONTENT_TYPE "application/x-amz-json-1.0"
#define SD_SIGV4_DATE_LEN 17 /* "20240102T030405Z" and its NUL */

/* Everything that is signed besides the time. All borrowed. */
typedef struct {
    const char *region;
    const char *service; /* "dynamodb" */
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "": none */
    const char *host;   /* the Host header as sent: "127.0.0.1:8000", "dynamodb.us-east-1.amazonaws.com" */
    const char *target; /* the X-Amz-Target header: "DynamoDB_20120810.GetItem" */
    const char *body;
    size_t body_len;
} sd_sigv4_request_t;

/*
 * Signs r at time now: writes the X-Amz-Date value into amz_date and the whole Authorization value
 * ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...") into auth. Returns SD_ERR_INVALID
 * when auth_cap is too small or a value holds a line break.
 */
sd_err_t sd_sigv4_sign(const sd_sigv4_request_t *r, time_t now, char amz_date[SD_SIGV4_DATE_LEN], char *auth,
                       size_t auth_cap);

#endif
