/*
 * image_field: a request field that takes image data as Discord does (avatar, banner, icon, splash, a role's
 * icon): a data URI ("data:image/png;base64,...") or null to clear. Only the shape is checked here; the
 * bytes are judged when they are taken in (services/images).
 */
#ifndef SD_SCHEMAS_IMAGE_FIELD_H
#define SD_SCHEMAS_IMAGE_FIELD_H

#include <jansson.h>
#include <stdbool.h>

/*
 * True when body has field: *out is then its data URI (borrowed from body) or NULL for null. A value that
 * is neither a string nor null, or a string that is no data URI, adds Discord's error under field to errors
 * (and still returns true, *out NULL).
 */
bool sd_image_field_parse(const json_t *body, json_t *errors, const char *field, const char **out);

#endif
