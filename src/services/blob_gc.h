/*
 * blob_gc: the deletion job of store objects no message refers to any more. Pending deletions are written
 * (repositories/attachment_repo, table blob_deletions) in the same transaction as the change that orphans
 * the objects; this worker, on the server's loop, reads the table's shards, deletes each due object from
 * the store and removes its entry once the store has. A deletion that fails is tried again later with
 * exponential backoff (1 s doubling up to an hour), also after a restart, since the table is the truth; an
 * entry that kept failing for 30 days expires. Several servers may work the same entries: a deletion done
 * twice is harmless.
 */
#ifndef SD_SERVICES_BLOB_GC_H
#define SD_SERVICES_BLOB_GC_H

#include "core/app.h"

typedef struct sd_blob_gc sd_blob_gc_t;

/* Starts the worker on app's loop (its first pass within a second); returns it, or NULL when out of memory.
   The caller stops it with sd_blob_gc_stop(), which frees it once its calls in flight have answered. */
sd_blob_gc_t *sd_blob_gc_start(sd_app_t *app);
/* Runs a pass soon (new entries were written); nothing when app has no worker. */
void sd_blob_gc_kick(sd_app_t *app);
/* Stops the worker: no new calls; freed from the loop when the last one in flight answers. */
void sd_blob_gc_stop(sd_blob_gc_t *gc);

/* The wait before try number attempts + 1 of a failed deletion, in ms. */
long sd_blob_gc_backoff_ms(int attempts);

#endif
