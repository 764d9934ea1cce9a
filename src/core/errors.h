/*
 * errors: the one error type every layer returns (sd_err_t) with the typed reason of a conflict, Discord's
 * JSON error body {code, message, errors}, and each error's generic HTTP status and body. Lower layers return
 * codes; only the API speaks HTTP: api/v1/deps (sd_deps_error) maps a service's fault to its answer, falling
 * back on sd_api_error_from_err for an error with no domain detail. Form validation errors use Discord's
 * nested "_errors" shape (code 50035).
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
    SD_ERR_IO = -10,        /* local I/O: files, sockets */
    SD_ERR_EXISTS = -11,    /* a resource already exists (a table in init-db) */
    SD_ERR_BUSY = -12,      /* busy: too many calls queued */
    SD_ERR_CANCELLED = -13, /* a call was stopped before it ended (shutdown, cancel) */
    SD_ERR_TOO_LARGE = -14, /* input or an answer over its size limit */
} sd_err_t;

/*
 * Why an SD_ERR_CONFLICT happened: which condition of a conditional write (or which entry of a transaction)
 * failed, as the repository that wrote it knows. Callers switch on it; no string is compared.
 */
typedef enum {
    SD_CONFLICT_NONE = 0,       /* not a conflict, or a condition the writer does not name */
    SD_CONFLICT_STALE,          /* the item changed since it was read (an optimistic check failed) */
    SD_CONFLICT_USERNAME_TAKEN, /* another account holds the username */
    SD_CONFLICT_EMAIL_TAKEN,    /* another account holds the email */
    SD_CONFLICT_OWNER_CHANGED,  /* a write only the owner may make met another owner */
    SD_CONFLICT_ALREADY_DONE,   /* what the write does is so already (the pair's DM, the reaction, pin or
                                   membership is there, or is not, for a removal) */
    SD_CONFLICT_NONCE_USED,     /* a message with that nonce was sent already */
    SD_CONFLICT_GONE,           /* an item the write needs is gone (the channel, message, guild) */
    SD_CONFLICT_LIMIT,          /* a count is at its most (a channel's pins) */
    SD_CONFLICT_INVITE_SPENT,   /* the invite is used up, expired or gone */
    SD_CONFLICT_BANNED,         /* a ban forbids it */
} sd_conflict_t;

/* A static name for the error ("conflict", "unavailable", ...). */
const char *sd_err_name(sd_err_t err);

/* Discord's JSON error codes we use. */
enum {
    SD_API_GENERAL = 0,
    SD_API_UNKNOWN_USER = 10013,
    SD_API_UNAUTHORIZED = 40001,
    SD_API_SLOWMODE = 20016, /* the channel's slowmode */
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

/* The generic HTTP status of an error (404 for SD_ERR_NOT_FOUND, 403 forbidden, 503 unavailable, ...). */
int sd_api_error_from_err_status(sd_err_t err);

/* The generic status and Discord body of an error with no domain detail; caller owns .body. */
sd_api_error_t sd_api_error_from_err(sd_err_t err);

/*
 * Adds one field error to a Discord form-errors object: path "username" or "a.b" nests as
 * {"a": {"b": {"_errors": [{"code": code, "message": message}]}}}. Returns 0 or SD_ERR_NOMEM.
 */
sd_err_t sd_form_error_add(json_t *errors, const char *path, const char *code, const char *message);

#endif
