/*
 * table_spec: reads config/tables.json, the single description of every DynamoDB table (also read by
 * Terraform), checks it, and turns a table's entry into a CreateTable request. Format:
 *   {"tables": {"<logical name>": {"hash_key": "id", "range_key": "sk"?, "attributes": {"id": "S", ...},
 *     "global_secondary_indexes": [{"name", "hash_key", "range_key"?, "projection":
 * "ALL"|"KEYS_ONLY"|"INCLUDE", "non_key_attributes": [...]?}]?, "ttl_attribute": "expires_at"?,
 *     "description": "..."?}}}
 * Every attribute declared must be a key of the table or of one of its indexes (DynamoDB's own rule).
 */
#ifndef SD_DB_TABLE_SPEC_H
#define SD_DB_TABLE_SPEC_H

#include <jansson.h>
#include <stddef.h>

#include "core/errors.h"

/*
 * Loads and checks the file. Returns a new reference to the "tables" object (caller decrefs), or NULL with a
 * message naming the file, the table and the problem in err.
 */
json_t *sd_table_spec_load(const char *path, char *err, size_t errlen);

/* Checks an already parsed document; file is used in messages only. Returns SD_OK or SD_ERR_INVALID + err. */
sd_err_t sd_table_spec_validate(const json_t *root, const char *file, char *err, size_t errlen);

/* A new CreateTable request for one table entry, named full_name, billed PAY_PER_REQUEST; caller owns it. */
json_t *sd_table_spec_create_request(const json_t *table, const char *full_name);

/* A new AttributeDefinitions list for a table entry; caller owns it. */
json_t *sd_table_spec_attribute_definitions(const json_t *table);

/* A new GlobalSecondaryIndexUpdates "Create" entry for one index of a table entry; caller owns it. */
json_t *sd_table_spec_gsi_create(const json_t *gsi);

#endif
