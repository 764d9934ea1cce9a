/*
 * attachment_service: a message's files taken in. Files that came up in the request (services/upload) are
 * sniffed from their spool files; files put straight into the store with a presigned URL (Discord's
 * large-file flow: POST /channels/{id}/attachments, then the message names its uploaded_filename) are
 * checked in the store: the key must be one of this channel's attachment keys, the object must exist within
 * the size limit, and its first bytes are read back to sniff it. The answer is the stored attachments of the
 * message (schemas/attachment_schema).
 */
#ifndef SD_SERVICES_ATTACHMENT_SERVICE_H
#define SD_SERVICES_ATTACHMENT_SERVICE_H

#include <jansson.h>
#include <stdint.h>

#include "core/app.h"
#include "schemas/attachment_schema.h"
#include "services/outcome.h"
#include "services/upload.h"

/* Sniffs len bytes at off of fd (pread; at most SD_SNIFF_BYTES read). */
void sd_attachment_sniff_fd(int fd, int64_t off, int64_t len, sd_attachment_kind_t *out);

/*
 * Starts taking req's spooled multipart body (services/upload) for a message in channel_id, within the
 * UPLOAD_* limits, each file stored under attachments/{channel_id}/{a new attachment id}/{its sanitised
 * filename}. As sd_upload_receive: SD_OK (done runs once) or an error at once.
 */
sd_err_t sd_attachment_service_receive(sd_app_t *app, sd_request_t *req, const char *channel_id,
                                       sd_upload_done_fn done, void *ctx);

/* The stored attachments of the files of up (their spool files sniffed), as an object "<n>" (the n of
   files[n]) -> stored attachment. New reference. */
json_t *sd_attachment_service_from_upload(const sd_upload_t *up);

/*
 * Gives presigned PUT URLs for files (validated by sd_attachment_presign_in_parse, stolen) under keys of new
 * attachment ids in channel_id: {attachments: [{id, upload_url, upload_filename}]}. Needs ATTACH_FILES; a
 * file_size over UPLOAD_MAX_FILE_BYTES is SD_ERR_TOO_LARGE.
 */
void sd_attachment_service_presign(sd_app_t *app, const char *user_id, const char *channel_id, json_t *files,
                                   sd_outcome_cb cb, void *ctx);

/* done(err, records, ctx): records is a new array of stored attachments (caller frees) when err is SD_OK;
   err SD_ERR_INVALID comes with errors (new reference, Discord's field errors) */
typedef void (*sd_attachment_done_fn)(sd_err_t err, json_t *records, json_t *errors, void *ctx);
/*
 * Checks the presigned uploads refs ([{id, filename?, description?, uploaded_filename}], borrowed until done)
 * name in channel_id: each key must be this channel's, its object there and within UPLOAD_MAX_FILE_BYTES
 * (together within UPLOAD_MAX_MESSAGE_BYTES); each is sniffed from its first bytes. index_base numbers the
 * field errors ("attachments.<n>"). Errors: SD_ERR_INVALID (with errors), SD_ERR_TOO_LARGE,
 * SD_ERR_UNAVAILABLE.
 */
void sd_attachment_service_check_uploaded(sd_app_t *app, const char *channel_id, json_t *refs,
                                          sd_attachment_done_fn done, void *ctx);

#endif
