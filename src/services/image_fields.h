/*
 * image_fields: the image fields of a request's changes (a user's avatar and banner, a guild's icon, banner
 * and splashes, a role's icon) taken in through services/images. In the changes a field is a data URI, or
 * null to clear the image; once saved, the data URI is replaced by the stored image's hash, so the changes
 * can be written as they are. A refused image is Discord's field error under the field's name
 * (IMAGE_INVALID, BINARY_TYPE_MAX_SIZE).
 */
#ifndef SD_SERVICES_IMAGE_FIELDS_H
#define SD_SERVICES_IMAGE_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/app.h"
#include "core/errors.h"
#include "services/images.h"

typedef struct {
    const char *field; /* static: "avatar" */
    sd_image_kind_t kind;
} sd_image_field_t;

/* True when changes holds a data URI (a string) under one of the n fields. */
bool sd_image_fields_pending(const json_t *changes, const sd_image_field_t *fields, size_t n);

/*
 * A save ended. SD_OK: every field's string in changes is now the image's hash. SD_ERR_INVALID: errors
 * (borrowed for the call) holds the field errors; SD_ERR_UNAVAILABLE / SD_ERR_NOMEM / SD_ERR_CANCELLED: no
 * errors. changes is as far as it got.
 */
typedef void (*sd_image_fields_fn)(sd_err_t err, json_t *errors, void *ctx);

/*
 * Saves, one after the other, every string under one of the n fields (fields borrowed: static) of changes
 * (borrowed until done runs; only those fields are changed) as images of owner_id. SD_OK: done will run
 * once, from the loop.
 */
sd_err_t sd_image_fields_save(sd_app_t *app, json_t *changes, const sd_image_field_t *fields, size_t n,
                              const char *owner_id, sd_image_fields_fn done, void *ctx);

/*
 * Discord's field error for a refused image (err from services/images, reason its sentence or NULL), added
 * under field to errors.
 */
void sd_image_fields_error(json_t *errors, const char *field, sd_err_t err, const char *reason);

#endif
