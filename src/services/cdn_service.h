/*
 * cdn_service: the attachments the CDN serves, from the object store (repositories/blob_repo): their signed
 * links checked (core/cdn_sign), their keys (attachments/{channel_id}/{attachment_id}/{filename}) made from
 * a link's path, their objects looked up and read in pieces, with pause and resume so that a slow client
 * holds the store back instead of filling memory. Images are services/cdn_images.
 */
#ifndef SD_SERVICES_CDN_SERVICE_H
#define SD_SERVICES_CDN_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/app.h"
#include "core/arena.h"
#include "core/errors.h"

/* The largest attachment filename in a key (sanitised to [A-Za-z0-9._-]). */
#define SD_CDN_FILENAME_MAX 100

/* Whether an attachment link (its path as sent, and its ex, is, hm query values, any NULL) is signed with
   the server's CDN secret and not expired at now. */
bool sd_cdn_service_link_valid(const sd_app_t *app, const char *raw_path, const char *ex, const char *is,
                               const char *hm, time_t now);
/* The store key of an attachment, in arena a; NULL when the parts name none (ids not snowflakes, a filename
   outside [A-Za-z0-9._-] or over SD_CDN_FILENAME_MAX bytes, "." or ".."). */
const char *sd_cdn_service_attachment_key(sd_arena_t *a, const char *channel_id, const char *attachment_id,
                                          const char *filename);

/* A stored object as the CDN describes it; strings borrowed for the callback. */
typedef struct {
    sd_err_t err; /* SD_OK, SD_ERR_NOT_FOUND, SD_ERR_UNAVAILABLE (the store failed), SD_ERR_BUSY ... */
    int64_t size;
    const char *etag;         /* as the store sent it, quotes included; or NULL */
    const char *content_type; /* or NULL */
} sd_cdn_object_t;
typedef void (*sd_cdn_stat_fn)(const sd_cdn_object_t *o, void *ctx);
/* Looks key up; done runs once (SD_OK returned) with what the store has. */
sd_err_t sd_cdn_service_stat(sd_app_t *app, const char *key, sd_cdn_stat_fn done, void *ctx);

typedef struct sd_cdn_read sd_cdn_read_t;
typedef struct {
    /* The next bytes (borrowed for the call). Return 0 to go on, 1 to pause until sd_cdn_service_resume. */
    int (*data)(const char *bytes, size_t len, void *ctx);
    /* Once, last: SD_OK when every byte asked for was given; else the read was cut short or cancelled. */
    void (*done)(sd_err_t err, void *ctx);
} sd_cdn_read_cbs_t;
/*
 * Reads bytes first..last (inclusive; last < 0: to the end) of key, in pieces; cbs and ctx borrowed until
 * done. *out (may be NULL) is the read's handle, valid until done runs. SD_OK: done will run.
 */
sd_err_t sd_cdn_service_read(sd_app_t *app, const char *key, int64_t first, int64_t last,
                             const sd_cdn_read_cbs_t *cbs, void *ctx, sd_cdn_read_t **out);
/* Lets a paused read go on. */
void sd_cdn_service_resume(sd_cdn_read_t *r);
/* Stops a read: done follows with SD_ERR_CANCELLED (from the loop). Once per read. */
void sd_cdn_service_cancel(sd_cdn_read_t *r);

#endif
