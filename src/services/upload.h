/*
 * upload: a multipart/form-data request body (Discord's `payload_json` and `files[n]`) taken into the object
 * store with bounded memory. The HTTP server spools such bodies to an unlinked file as they arrive
 * (core/http_server's sd_http_server_set_spool: req->body_spooled, req->body_fd; a body in memory is copied
 * to a spool file first); the file is then read as multipart (core/multipart) in 64 KiB windows on a pool
 * thread, and each file part goes from its region of that one spool file to the store (one PUT up to
 * S3_PART_BYTES, an S3 multipart upload beyond), a few calls in flight per upload. Text parts (payload_json,
 * or plain fields) are read into memory within HTTP_MAX_BODY_BYTES.
 *
 * Limits (from the caller): bytes per file, bytes of all files, files per request. Past one, the request is
 * answered 413 with Discord's code 40005 by the caller (done gets SD_ERR_TOO_LARGE) and nothing was stored.
 * A store that fails gives SD_ERR_UNAVAILABLE (503), and a client gone meanwhile SD_ERR_CANCELLED; either way
 * whatever was stored is removed by a background job (retried), started before done runs.
 *
 * Each file is stored under the key the caller's key function gives for it (known before its first byte is
 * stored). After done, every file's bytes are still readable in the spool file (sniffing the type, reading
 * image dimensions) until sd_upload_free().
 */
#ifndef SD_SERVICES_UPLOAD_H
#define SD_SERVICES_UPLOAD_H

#include <jansson.h>
#include <stdint.h>

#include "core/app.h"
#include "core/errors.h"
#include "core/http_request.h"

typedef struct {
    int64_t max_file_bytes;  /* UPLOAD_MAX_FILE_BYTES */
    int64_t max_total_bytes; /* UPLOAD_MAX_MESSAGE_BYTES */
    int max_files;           /* UPLOAD_MAX_FILES */
} sd_upload_limits_t;

typedef struct {
    const char *field;        /* the part's name: "files[0]", "file", ... */
    int index;                /* n of "files[n]"; else the file's position among the request's files */
    const char *filename;     /* the part's filename parameter as sent (untrusted; may be "") */
    const char *claimed_type; /* the part's Content-Type (untrusted), or NULL */
    const char *key;          /* where it is in the store (the key function's answer) */
    int64_t size;
    int fd;      /* the spool file holding it, readable with pread() until sd_upload_free() (files of one */
    int64_t off; /* request may share one spool file): its bytes are [off, off + size) of fd */
} sd_upload_file_t;

typedef struct sd_upload {
    json_t *payload; /* payload_json parsed, or an object of the text fields; borrowed (freed by
                        sd_upload_free) */
    sd_upload_file_t *files;
    int nfiles;
    char detail[128]; /* on SD_ERR_INVALID / SD_ERR_TOO_LARGE: what was wrong, for the error's message */
} sd_upload_t;

/*
 * The key for a file about to arrive (its field, index, filename and claimed type known): written into out
 * (cap bytes); return SD_OK, or an error to refuse the request with (SD_ERR_INVALID: 400).
 */
typedef sd_err_t (*sd_upload_key_fn)(const sd_upload_file_t *f, char *out, size_t cap, void *ctx);
/*
 * The body has been read and every file stored (err SD_OK), or the upload failed (up->detail says why):
 * SD_ERR_INVALID (a body that is not multipart, a bad part, bad payload_json), SD_ERR_TOO_LARGE,
 * SD_ERR_UNAVAILABLE (the store), SD_ERR_CANCELLED (the client went away: nothing may be answered). On
 * failure nothing is left in the store. up is the caller's to release with sd_upload_free() in every case.
 */
typedef void (*sd_upload_done_fn)(sd_upload_t *up, sd_err_t err, void *ctx);

/*
 * Starts taking req's body (spooled, or in memory) as multipart/form-data. Returns SD_OK (done will run once,
 * later, from the loop: never from inside this call) or an error at once (nothing was started: SD_ERR_INVALID
 * for a body that is not multipart/form-data, SD_ERR_TOO_LARGE for a Content-Length over the limits).
 */
sd_err_t sd_upload_receive(sd_app_t *app, sd_request_t *req, const sd_upload_limits_t *lim,
                           sd_upload_key_fn key, sd_upload_done_fn done, void *ctx);
/* Deletes every stored object of up (a message that could not be saved after all), retried in the background.
 */
void sd_upload_discard(sd_app_t *app, sd_upload_t *up);
/* Closes and removes the spool files and frees up. */
void sd_upload_free(sd_upload_t *up);

#endif
