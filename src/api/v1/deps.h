/*
 * deps: what every endpoint needs around its own logic: the JSON body parsed (or Discord's 50109 answered),
 * the authenticated user of a request, and the one place that turns a service's answer into HTTP.
 *
 * sd_deps_error maps a domain fault (services/outcome: an sd_err_t with the entity not found, the rule that
 * refused, or the typed reason of a conflict) to an HTTP status and Discord's JSON error body, for every
 * endpoint. Discord's JSON codes (10003 Unknown Channel, 50013 Missing Permissions, ...) are produced here
 * from (error, entity / reason / conflict), not carried by the services, so that a code and its status sit in
 * one table. An error with no such detail takes core/errors' generic status and body (404 "404: Not Found",
 * 503 "503: Service Unavailable", ...).
 */
#ifndef SD_API_V1_DEPS_H
#define SD_API_V1_DEPS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/errors.h"
#include "core/http_body.h"
#include "core/http_server.h"
#include "core/router.h"
#include "schemas/user_schema.h"
#include "services/outcome.h"

/* One route of an endpoint file. */
typedef struct {
    const char *method;
    const char *path; /* under the version prefix */
    sd_http_handler_fn fn;
    unsigned flags;
} sd_route_def_t;

/* Adds every route of defs under prefix. */
sd_err_t sd_deps_register(sd_router_t *r, const char *prefix, const sd_route_def_t *defs, size_t n);

/* Route flags. */
enum {
    SD_API_AUTH = 1,    /* needs a valid token; the handler finds the user with sd_deps_user() */
    SD_API_PLANNED = 2, /* a route of Discord's not served yet (answers 501): no part of the documented API */
    SD_API_CDN = 4,     /* a CDN route: limited per address (RATE_LIMIT_CDN) only */
};

/*
 * The body decoded for a route taking the types in accept (core/http_body's SD_BODY_*): a new reference, or
 * NULL after answering 400: 50109 for bad JSON; 50035 with a root "CONTENT_TYPE_INVALID" error for a type the
 * route does not take, "FORM_BODY_INVALID" for an unreadable form, "FILE_UPLOAD_UNSUPPORTED" for a file part.
 */
json_t *sd_deps_body(sd_request_t *req, unsigned accept);
/* The body of a route taking JSON or a form (every body route but the message ones); as sd_deps_body. */
json_t *sd_deps_json_body(sd_request_t *req);
/* The authenticated user of an SD_API_AUTH route; borrowed from the request. */
const sd_user_t *sd_deps_user(const sd_request_t *req);
/* The HTTP status and Discord body (caller owns .body) of a fault. */
sd_api_error_t sd_deps_error(const sd_fault_t *f);
/* Answers with the fault's status and Discord body. */
void sd_deps_fault(sd_request_t *req, const sd_fault_t *f);
/* Answers with the error's status and Discord body (a fault of err alone). */
void sd_deps_fail(sd_request_t *req, sd_err_t err);
/* Answers 400 Invalid Form Body with errors (reference stolen). */
void sd_deps_form_errors(sd_request_t *req, json_t *errors);
/* Answers 400 Invalid Form Body with a single field error. */
void sd_deps_field_error(sd_request_t *req, const char *field, const char *code, const char *message);

/* An sd_outcome_cb whose ctx is the sd_request_t: answers the request with the outcome (200 with the body,
   201 with the new thing, 204, or the fault as sd_deps_fault). */
void sd_deps_outcome(const sd_outcome_t *o, void *req);
/* Parses the body (JSON or a form) with a schema parser; on failure answers and returns NULL. Returns the
 * changes (caller owns). */
json_t *sd_deps_parse(sd_request_t *req, json_t *(*parse)(const json_t *body, json_t **errors));
/* The same for a route taking the body types in accept (messages: JSON or multipart with payload_json). */
json_t *sd_deps_parse_body(sd_request_t *req, unsigned accept,
                           json_t *(*parse)(const json_t *body, json_t **errors));

/* X-Audit-Log-Reason: URL-encoded UTF-8, up to this many characters once decoded. */
#define SD_AUDIT_REASON_MAX 512
/*
 * Reads the request's X-Audit-Log-Reason: *out (when out is not NULL) is its decoded text in the request
 * arena, or NULL when there is none; false after answering 400 (50035, field "audit_log_reason") when it is
 * not URL-encoded UTF-8 or longer than SD_AUDIT_REASON_MAX. The API checks it once before every route runs.
 */
bool sd_deps_audit_reason(sd_request_t *req, const char **out);
/* The id of the authenticated user. */
const char *sd_deps_user_id(const sd_request_t *req);
/* An integer query parameter in min..max (default when absent); on a bad value answers 400 and returns false.
 */
bool sd_deps_query_int(sd_request_t *req, const char *name, long min, long max, long dflt, long *out);
/* A snowflake query parameter (before, after, around): digits within 64 bits, *out borrowed (NULL when absent
   or empty); on a bad value answers 400 (NUMBER_TYPE_COERCE) and returns false: the request is then released.
 */
bool sd_deps_query_id(sd_request_t *req, const char *name, const char **out);

#endif
