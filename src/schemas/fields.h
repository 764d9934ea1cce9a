/*
 * fields: readers for one field of a request body, adding Discord's per-field error ("BASE_TYPE_...",
 * "NUMBER_TYPE_COERCE", ...) to an errors object when the field is there but wrong. Each returns true when
 * the field is present and valid. They take a value the way Discord's validators do: a snowflake or a
 * permission bitfield as a string of digits or as a JSON integer (normalized to the decimal string the server
 * stores), an integer or a boolean also as its string form (what a form-encoded body carries).
 */
#ifndef SD_SCHEMAS_FIELDS_H
#define SD_SCHEMAS_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A decimal snowflake and its NUL: at most 20 digits (64 bits). */
#define SD_FIELD_ID_SIZE 21
/* Permission bitfields are within Discord's 53 bits (what its clients hold exactly as numbers). */
#define SD_FIELD_PERMISSIONS_MAX ((1ULL << 53) - 1)

/* A string of min..max code points. With nullable, JSON null is accepted and *out set to NULL. */
bool sd_field_string(const json_t *body, json_t *errors, const char *field, size_t min, size_t max,
                     bool nullable, const char **out);
/* A whole number in min..max (a JSON integer, or a string of one). */
bool sd_field_int(const json_t *body, json_t *errors, const char *field, long long min, long long max,
                  long long *out);
/* true/false (or the strings "true"/"false"). */
bool sd_field_bool(const json_t *body, json_t *errors, const char *field, bool *out);
/*
 * Whether v is a snowflake (a string of at most 20 digits within 64 bits, or a non-negative JSON integer);
 * its decimal form is written into out (SD_FIELD_ID_SIZE bytes).
 */
bool sd_field_id_value(const json_t *v, char *out);
/* A snowflake field, written into out (SD_FIELD_ID_SIZE bytes); with nullable, null gives out = "". */
bool sd_field_id(const json_t *body, json_t *errors, const char *field, bool nullable, char *out);
/*
 * An array of at most max snowflakes: a new array of their decimal strings (caller owns) or NULL, with an
 * error under field (or field.<index> for a bad entry) when it is there but wrong.
 */
json_t *sd_field_id_list(const json_t *body, json_t *errors, const char *field, size_t max);
/* A permission bitfield (decimal string or integer, 0..SD_FIELD_PERMISSIONS_MAX), written into out as decimal
   (SD_FIELD_ID_SIZE bytes). */
bool sd_field_permissions(const json_t *body, json_t *errors, const char *field, char *out);

/* A documented field the server keeps no state for, and the one value it can honour (JSON text; NULL: only
   null, false, 0, "" or an empty array or object). */
typedef struct {
    const char *field;
    const char *accepted;
} sd_field_unsupported_t;
/*
 * Adds an "UNSUPPORTED_FIELD" error for each of the n fields present in body with another value than the one
 * it can honour: such a field is refused by name rather than answered 200 and dropped.
 */
void sd_field_unsupported(const json_t *body, json_t *errors, const sd_field_unsupported_t *fields, size_t n);
/* Whether the field is present and null. */
bool sd_field_is_null(const json_t *body, const char *field);
/* Adds a "This field is required" error. */
void sd_field_required(json_t *errors, const char *field);
/* Returns errors when it holds anything, else frees it and returns NULL. */
json_t *sd_field_finish(json_t *errors);

#endif
