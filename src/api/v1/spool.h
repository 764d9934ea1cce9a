/*
 * spool: which requests have their bodies spooled to a file rather than held in memory (core/http_server's
 * sd_http_server_set_spool): multipart/form-data bodies on the routes that take files (message create and
 * edit, webhook executes and their message edits, interaction callbacks), within the upload limits and with
 * the upload deadline (UPLOAD_MAX_*, UPLOAD_TIMEOUT_MS). Read with services/upload.
 */
#ifndef SD_API_V1_SPOOL_H
#define SD_API_V1_SPOOL_H

#include <stdbool.h>

#include "core/app.h"
#include "core/http_server.h"

/* The sd_http_spool_fn of the server; ctx is the sd_app_t. */
bool sd_api_spool(const sd_request_t *req, sd_http_spool_t *out, void *ctx);
/* Whether method and path (with its /api/v1 or /api/v10 prefix) are a route that takes files. */
bool sd_api_takes_files(const char *method, const char *path);

#endif
