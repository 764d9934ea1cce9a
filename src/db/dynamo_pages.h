/*
 * dynamo_pages: the DynamoDB reads that take more than one call, on top of db/dynamo (and part of its API:
 * db/dynamo.h includes this header). BatchGetItem asks again for what DynamoDB left unprocessed, 100 keys at
 * a time; Query follows LastEvaluatedKey up to a number of items.
 */
#ifndef SD_DB_DYNAMO_PAGES_H
#define SD_DB_DYNAMO_PAGES_H

#include "db/dynamo.h"

/*
 * BatchGetItem with its RequestItems (reference stolen), re-asking for UnprocessedKeys with backoff until all
 * are read. The result is {"Responses": {table: [items...]}}. A refusal at once (SD_ERR_BUSY,
 * SD_ERR_UNAVAILABLE) is returned, and then cb never runs.
 */
sd_err_t sd_dynamo_batch_get(sd_dynamo_t *db, json_t *request_items, sd_dynamo_cb cb, void *ctx);

/*
 * Query (request stolen), following LastEvaluatedKey until max_items items are collected or the results end.
 * The result is {"Items": [...], "LastEvaluatedKey": {...} when more remain}.
 */
sd_err_t sd_dynamo_query(sd_dynamo_t *db, json_t *request, size_t max_items, sd_dynamo_cb cb, void *ctx);

#endif
