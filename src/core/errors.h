/*
 * errors: the one error type every layer returns (sd_err_t), and the one place that turns an error into
 * Discord's JSON error body {code, message, errors} with its HTTP status. Lower layers return codes; only
 * endpoints (through sd_api_error_*) speak HTTP. Form validation errors use Discord's nested "_errors" shape
 * (code 50035).
 */
#ifndef SD_CORE_ERRORS_H
#define SD_CORE_ERRORS_H

#include <jansson.h>

typedef enum {
    SD_OK = 0,
    SD_ERR_NOMEM = -1,
    SD_ERR_INVALID = -2,   /* bad input from a caller */
    SD_ERR_NOT_FOUND = -3, /* item or resource does not exist */
    SD_ERR_CONFLICT = -4,  /* a condition failed: uniqueness, optimistic check */
    SD_ERR_UNAUTHORIZED = -5,
    SD_ERR_FORBIDDEN = -6,
    SD_ERR_UNAVAILABLE = -7, /* a dependency (DynamoDB) did not answer, even after retries */
    SD_ERR_THROTTLED = -8,   /* a dependency kept throttling after retries */
    SD_ERR_INTERNAL = -9,
    SD_ERR_IO = -10,     /* local I/O: files, sockets */
    SD_ERR_EXISTS = -11, /* a resource already exists (a table in init-db) */
    SD_ERR_BUSY = -12,   /* busy: too many calls queued */
} sd_err_t;

/* A static name for the error ("conflict", "unavailable", ...). */
const char *sd_err_name(sd_err_t err);

/* Discord's JSON error codes we use. */
enum {
    SD_API_GENERAL = 0,
    SD_API_UNKNOWN_USER = 10013,
    SD_API_UNAUTHORIZED = 40001,
    SD_API_TOO_LARGE = 40005,
    SD_API_MISSING_PERMISSIONS = 50013,
    SD_API_INVALID_FORM_BODY = 50035,
    SD_API_INVALID_JSON = 50109,
};

/* An API error ready to send: HTTP status plus body. */
typedef struct {
    int status;
    json_t *body; /* owned */
} sd_api_error_t;

/* Returns a new body {code, message} plus "errors" when errors != NULL (reference stolen). Caller owns the
 * result. */
json_t *sd_api_error_body(int code, const char *message, json_t *errors);

/* The HTTP status of an internal error (404 for SD_ERR_NOT_FOUND, 403 forbidden, 503 unavailable, ...). */
int sd_api_error_from_err_status(sd_err_t err);

/* Maps an internal error to a status and Discord body; caller owns .body. */
sd_api_error_t sd_api_error_from_err(sd_err_t err);

/*
 * Adds one field error to a Discord form-errors object: path "username" or "a.b" nests as
 * {"a": {"b": {"_errors": [{"code": code, "message": message}]}}}. Returns 0 or SD_ERR_NOMEM.
 */
sd_err_t sd_form_error_add(json_t *errors, const char *path, const char *code, const char *message);

#endif
