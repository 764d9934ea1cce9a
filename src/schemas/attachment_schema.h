/*
 * attachment_schema: a message's files as stored and as Discord shows them, and the request bodies that name
 * them. A stored attachment is {id, filename, title, description?, content_type, size, key, width?, height?,
 * flags} (kept in the message's item); its content type and size come from the bytes, never from the
 * client. Filenames are sanitised to [A-Za-z0-9._-] (at most 100 bytes), the title is the name as sent
 * without its extension, and a name starting with SPOILER_ marks a spoiler (flag IS_SPOILER). Shown, an
 * attachment gets url and proxy_url: links to the CDN path that is its store key, signed (core/cdn_sign)
 * anew every time it is shown.
 */
#ifndef SD_SCHEMAS_ATTACHMENT_SCHEMA_H
#define SD_SCHEMAS_ATTACHMENT_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"

#define SD_ATTACHMENT_FILENAME_MAX 100
#define SD_ATTACHMENT_DESCRIPTION_MAX 1024
#define SD_ATTACHMENT_IS_SPOILER 8 /* Discord's attachment flag */
#define SD_ATTACHMENT_KEY_MAX 256
#define SD_ATTACHMENT_PRESIGN_MAX 10 /* files of one POST /channels/{id}/attachments */

/* What a file's bytes say it is (services/attachment_sniff fills it). */
typedef struct {
    const char *content_type;
    int width, height; /* 0: unknown */
} sd_attachment_kind_t;

/* name sanitised as the store's keys have it (repositories/blob_repo: bytes outside [A-Za-z0-9._-] become
   '_', at most SD_ATTACHMENT_FILENAME_MAX bytes, "file" for nothing or only dots); cap >=
   SD_ATTACHMENT_FILENAME_MAX
   + 1. */
void sd_attachment_filename(const char *name, char *out, size_t cap);
/* Whether key is an attachment key of channel_id (attachments/{channel_id}/{digits}/{sanitised name}); then
   attachment_id (24 bytes) is its id and *filename its last segment (borrowed from key). */
bool sd_attachment_key_of(const char *key, const char *channel_id, char *attachment_id,
                          const char **filename);

/* A stored attachment (new reference): name as the client sent it or renamed it (the title; the filename is
   the key's last segment), description (may be NULL), key, size, and what the bytes are. */
json_t *sd_attachment_record(const char *id, const char *name, const char *description, const char *key,
                             int64_t size, const sd_attachment_kind_t *kind);

/* Discord's attachment object of a stored one, its links signed at now with cfg's CDN settings. New
   reference. */
json_t *sd_attachment_json(const sd_config_t *cfg, const json_t *stored, time_t now);
/* The attachments array of a stored message (its "attachments" list; none: []). New reference. */
json_t *sd_attachments_json(const sd_config_t *cfg, const json_t *message, time_t now);

/*
 * A message body's "attachments" (absent: NULL with no error): [{id (a snowflake of a kept attachment, or
 * the n of files[n] / a presigned upload's id), filename?, description? (<= 1024), uploaded_filename?}], at
 * most max entries, ids unique. Returns a new array of {id (string), filename?, description?,
 * uploaded_filename?}; field errors go into errors under "attachments".
 */
json_t *sd_attachment_refs_parse(const json_t *body, json_t *errors, size_t max);

/* POST /channels/{id}/attachments {files: [{id?, filename, file_size}]} (1..10): returns the files array
   ({id, filename, file_size}) or NULL with *errors. */
json_t *sd_attachment_presign_in_parse(const json_t *body, json_t **errors);

#endif
