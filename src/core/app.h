/*
 * app: the process-wide context created in main and handed down to every handler: the loop, the settings, the
 * DynamoDB client and the id generator. Types are only forward-declared here, so core stays below every
 * layer.
 */
#ifndef SD_CORE_APP_H
#define SD_CORE_APP_H

#include <uv.h>

#include "core/config.h"

struct sd_dynamo;
struct sd_router;
struct sd_http_server;
struct sd_broker;
struct sd_dcache;
struct sd_gateway;
struct sd_static;
struct sd_metrics;
struct sd_ratelimit;
struct sd_s3;
struct sd_blob_gc;

typedef struct sd_app {
    uv_loop_t *loop;
    const sd_config_t *cfg;
    struct sd_dynamo *db;
    struct sd_router *router;
    struct sd_http_server *http;
    void *ids;                   /* sd_snowflake_t, owned by main */
    struct sd_dcache *cache;     /* the read cache inside db (db/cache) */
    struct sd_broker *broker;    /* events between processes (core/broker) */
    struct sd_gateway *gateway;  /* the WebSocket sessions of this process */
    struct sd_static *web;       /* the web client's files (core/static_files), or NULL */
    struct sd_metrics *metrics;  /* what /metrics shows (core/metrics) */
    struct sd_ratelimit *limits; /* rate-limit counters (core/ratelimit) */
    struct sd_s3 *store;         /* the object store (db/s3): media */
    struct sd_blob_gc *blob_gc;  /* the deletion job of unreferenced store objects (services/blob_gc) */
    char *openapi;               /* the OpenAPI document (OPENAPI_FILE), or NULL when unreadable */
    size_t openapi_len;
} sd_app_t;

#endif
