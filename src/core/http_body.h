/*
 * http_body: a request body read as its Content-Type says, into one JSON value for the schema parsers: JSON
 * (application/json, any parameters; also a body without a Content-Type), a form
 * (application/x-www-form-urlencoded: an object of string fields), or multipart/form-data (its payload_json
 * part is the body; without one, its text parts are string fields). A caller says which of them its route
 * takes. Everything is bounded: form fields, parts, part headers, names; the body itself is capped by the
 * HTTP layer. A spooled body (core/http_server) is read into the request's arena when it is at most
 * SD_BODY_MAX_SPOOLED bytes; a larger one is taken for a body with files (SD_BODY_HAS_FILE, "files"): such
 * routes read it with services/upload instead.
 */
#ifndef SD_CORE_HTTP_BODY_H
#define SD_CORE_HTTP_BODY_H

#include <jansson.h>
#include <stddef.h>

#include "core/http_request.h"

/* The body types a route takes (a bit set). */
enum { SD_BODY_JSON = 1, SD_BODY_FORM = 2, SD_BODY_MULTIPART = 4 };

#define SD_BODY_MAX_FIELDS 64 /* fields of a form, parts of a multipart body */
#define SD_BODY_MAX_NAME 128  /* a field's or part's name */
#define SD_BODY_MAX_PART_HEAD 2048
#define SD_BODY_MAX_SPOOLED (1024 * 1024)

typedef enum {
    SD_BODY_OK = 0,
    SD_BODY_BAD_JSON, /* not JSON (or empty) */
    SD_BODY_BAD_TYPE, /* a Content-Type the route does not take */
    SD_BODY_BAD_FORM, /* a form or multipart body that cannot be read, or over the bounds */
    SD_BODY_HAS_FILE, /* a multipart part that is a file: *detail names it */
} sd_body_status_t;

/*
 * Decodes req's body for a route taking the types in accept. On SD_BODY_OK *out is a new reference (caller
 * frees with json_decref); otherwise *out is NULL and, for SD_BODY_HAS_FILE, detail (cap bytes) holds the
 * part's name.
 */
sd_body_status_t sd_http_body_decode(const sd_request_t *req, unsigned accept, json_t **out, char *detail,
                                     size_t cap);

/* The media types of accept, as Discord lists them in its error ("'application/json', ..."), into out. */
void sd_http_body_types(unsigned accept, char *out, size_t cap);

#endif
