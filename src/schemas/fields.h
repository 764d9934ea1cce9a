/*
 * fields: readers for one field of a JSON request body, adding Discord's per-field error ("BASE_TYPE_...") to
 * an errors object when the field is there but wrong. Each returns true when the field is present and valid.
 */
#ifndef SD_SCHEMAS_FIELDS_H
#define SD_SCHEMAS_FIELDS_H

#include <jansson.h>
#include <stdbool.h>

/* A string of min..max code points. With nullable, JSON null is accepted and *out set to NULL. */
bool sd_field_string(const json_t *body, json_t *errors, const char *field, size_t min, size_t max,
                     bool nullable, const char **out);
/* A whole number in min..max. */
bool sd_field_int(const json_t *body, json_t *errors, const char *field, long long min, long long max,
                  long long *out);
bool sd_field_bool(const json_t *body, json_t *errors, const char *field, bool *out);
/* A snowflake id given as a string of digits (or null when nullable: *out = NULL). */
bool sd_field_id(const json_t *body, json_t *errors, const char *field, bool nullable, const char **out);
/* A permission bitfield given as a decimal string. */
bool sd_field_permissions(const json_t *body, json_t *errors, const char *field, const char **out);
/* Adds a "This field is required" error. */
void sd_field_required(json_t *errors, const char *field);
/* Returns errors when it holds anything, else frees it and returns NULL. */
json_t *sd_field_finish(json_t *errors);

#endif
