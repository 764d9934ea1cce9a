/*
 * message_files: the files of a message being sent or edited. The validated input's "attachments" (refs:
 * {id, filename?, description?, uploaded_filename?}) says which files the message has: the n of files[n]
 * uploaded with the request (input "_uploads": "<n>" -> stored attachment, services/attachment_service), a
 * presigned upload named by uploaded_filename (checked in the store), or on edit the id of an attachment the
 * message has and keeps. Without refs a new message has its uploaded files and an edit keeps what it had
 * plus the uploaded ones. New files need ATTACH_FILES.
 */
#ifndef SD_SERVICES_MESSAGE_FILES_H
#define SD_SERVICES_MESSAGE_FILES_H

#include <stdbool.h>

#include "services/gjob.h"

/*
 * Works out the message's attachments from j->input against existing (the stored message's attachments,
 * or NULL for a new message), then sets j->input "_records" (the new list) and "_dropped" (store keys no
 * longer referenced) and runs next; or answers the fault (unknown ids: 50035 under attachments.<n>.id,
 * missing ATTACH_FILES, the store's errors). Nothing changes when the input names no files: next runs with
 * "_records" unset.
 */
void sd_message_files_resolve(sd_gjob_t *j, const json_t *existing, sd_gjob_step next);

/* The message was not saved as new after all (its nonce had been used: the first message is the answer): the
   files uploaded with the request are queued for deletion (services/blob_gc). */
void sd_message_files_not_taken(sd_gjob_t *j);

#endif
