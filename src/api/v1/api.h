/*
 * api: the REST API's route table (every endpoint file registers itself under /api/v1 and /api/v10, as
 * Discord serves versions) and the HTTP handler that routes a request: 404/405 in Discord's shape, token
 * checks for routes that need one, then the endpoint.
 */
#ifndef SD_API_V1_API_H
#define SD_API_V1_API_H

#include "core/app.h"
#include "core/http_server.h"
#include "core/router.h"

/* Returns a new router holding every route; caller frees with sd_router_free(). */
sd_router_t *sd_api_router_new(void);
/* The sd_http_handler_fn of the server; ctx is the sd_app_t. */
void sd_api_handle(sd_request_t *req, void *ctx);
/*
 * The sd_http_body_limit_fn of the server (ctx is the sd_app_t): routes flagged SD_API_IMAGE_BODY take a
 * body large enough for an image of IMAGE_MAX_BYTES as a data URI; 0 (the server's limit) for the others.
 */
size_t sd_api_body_limit(const sd_request_t *req, void *ctx);
/* The sd_http_observer_fn of the server (ctx is the sd_app_t): counts requests by route and status. */
void sd_api_observe(const sd_request_t *req, int status, double seconds, void *ctx);

#endif
