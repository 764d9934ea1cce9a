/*
 * item: DynamoDB attribute values. Plain JSON <-> attribute values (string S, number N, bool BOOL, null NULL,
 * object M, array L), so that repositories store Discord-shaped objects as items, and small helpers to build
 * and read single attributes.
 */
#ifndef SD_DB_ITEM_H
#define SD_DB_ITEM_H

#include <jansson.h>

/*
 * Plain JSON <-> DynamoDB attribute values: string S, integer/real N, true/false BOOL, null NULL, object M,
 * array L. Both return a new reference (caller owns) or NULL for what cannot be converted.
 */
json_t *sd_item_marshal(const json_t *value);
json_t *sd_item_unmarshal(const json_t *attr);
/* An object's members marshalled one by one: the Item of PutItem. New reference. */
json_t *sd_item_from_json(const json_t *object);
/* An Item back to a plain object. New reference. */
json_t *sd_item_to_json(const json_t *item);

/* A new attribute value {"S": s} / {"N": "n"}; caller owns it. */
json_t *sd_item_s(const char *s);
json_t *sd_item_n(long long n);
/* The string inside {"S": ...} or {"N": ...} of item[name]; borrowed, NULL if absent. */
const char *sd_item_get_s(const json_t *item, const char *name);
const char *sd_item_get_n(const json_t *item, const char *name);

#endif
