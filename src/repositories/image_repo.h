/*
 * image_repo: where images live in the object store (repositories/blob_repo): an original under its kind's
 * folder and its owner ("avatars/{user_id}/{hash}", "emojis/{emoji_id}"), its resized variants under
 * "variants/{original key}/{size}.{ext}".
 */
#ifndef SD_REPOSITORIES_IMAGE_REPO_H
#define SD_REPOSITORIES_IMAGE_REPO_H

#include <stddef.h>

#include "core/app.h"
#include "core/errors.h"

/* The longest key built here, NUL included. */
#define SD_IMAGE_KEY_MAX 256

/*
 * Writes "{folder}/{owner}/{name}" ("{folder}/{owner}" when name is NULL or "") into out. SD_ERR_INVALID when
 * a part is empty or holds anything but [A-Za-z0-9_-], or out is too small.
 */
sd_err_t sd_image_repo_key(const char *folder, const char *owner, const char *name, char *out, size_t cap);
/* Writes "variants/{original}/{size}.{ext}" into out; SD_ERR_INVALID when out is too small. */
sd_err_t sd_image_repo_variant_key(const char *original, int size, const char *ext, char *out, size_t cap);

/* A store call ended: SD_OK, or SD_ERR_UNAVAILABLE / SD_ERR_BUSY / SD_ERR_CANCELLED as the store said. */
typedef void (*sd_image_repo_done_fn)(sd_err_t err, void *ctx);

/* Stores len bytes (borrowed until done runs) at key as content_type. SD_OK: done will run once. */
sd_err_t sd_image_repo_put(sd_app_t *app, const char *key, const char *content_type, const void *bytes,
                           size_t len, sd_image_repo_done_fn done, void *ctx);

#endif
