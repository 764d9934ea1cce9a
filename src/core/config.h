/*
 * config: the server's settings, read from the process environment and an optional .env file (the environment
 * wins). Every setting has a documented default (see .env.example); an invalid value is reported with the
 * variable's name and start-up stops.
 */
#ifndef SD_CORE_CONFIG_H
#define SD_CORE_CONFIG_H

#include <stddef.h>

#include "core/errors.h"
#include "core/ratelimit.h"

typedef struct {
    char host[256];
    int port;
    char aws_region[64];
    char aws_access_key_id[256];
    char aws_secret_access_key[256];
    char aws_session_token[2048];
    char dynamodb_endpoint[512]; /* empty: AWS's regional endpoint */
    char table_prefix[64];
    long dynamodb_call_deadline_ms; /* one call, retries and queueing included */
    long dynamodb_max_attempts;     /* tries per call */
    long dynamodb_max_concurrency;  /* HTTP requests to DynamoDB in flight at once */
    long dynamodb_max_queue;        /* calls waiting for one of those; more are refused (SD_ERR_BUSY) */
    long shutdown_grace_ms;         /* after SIGTERM, how long requests in flight may take */
    char token_secret[256];
    int token_secret_generated; /* 1 when TOKEN_SECRET was unset and a random one was made */
    long token_ttl_seconds;
    char redis_url[512];
    int log_level;
    int worker_id;                 /* snowflake worker id, 0..1023 */
    long http_idle_timeout_ms;     /* keep-alive connection with no request */
    long http_request_timeout_ms;  /* first to last byte of one request */
    long http_header_timeout_ms;   /* first byte of a request to the end of its headers */
    long http_response_timeout_ms; /* a handler's time to answer before the client gets 503; 0: none */
    long http_max_header_bytes;    /* request line and headers */
    long http_max_url_bytes;       /* the request target */
    long http_max_body_bytes;      /* a request body (JSON routes) */
    long http_max_connections;     /* open at once */
    long http_max_connections_per_address; /* open at once from one address (not a trusted proxy); 0: off */
    long cache_ttl_ms;                     /* how long a cached read may be served; 0: never */
    long cache_max_entries;                /* cached items kept at most */
    long gateway_heartbeat_ms;             /* the heartbeat interval HELLO announces */
    long gateway_resume_ms;                /* how long a dropped session can be resumed */
    long gateway_max_queued;               /* bytes a session may fall behind before it is closed */
    int gateway_write_threads; /* threads an event's socket writes are spread over; 0: the cores (max 4) */
    /* HELLO to IDENTIFY or RESUME, else the socket is closed with 4003 */
    long gateway_identify_timeout_ms;
    /* bytes of one client message, however fragmented, else the socket is closed with 4002 */
    long gateway_max_payload;
    /* open gateway sockets per client address (as the rate limits find it); 0: no limit */
    long gateway_max_sessions_per_address;
    long gateway_send_buffer; /* the kernel's send buffer per gateway socket (SO_SNDBUF); 0: its default */
    sd_rate_t rate_global;    /* requests per user, all routes together */
    sd_rate_t rate_route;     /* requests per user to one route (and one channel or guild) */
    sd_rate_t rate_messages;  /* messages sent per user to one channel */
    sd_rate_t rate_ip;        /* requests per address to one route that needs no token (register, login) */
    sd_rate_t rate_gateway;   /* commands per gateway connection */
    sd_rate_t rate_identify;  /* IDENTIFYs per user */
    sd_rate_t rate_cdn;       /* CDN requests per address, all CDN routes together */
    char tables_file[512];
    char openapi_file[512];    /* the OpenAPI document served at /openapi.json */
    char trusted_proxies[512]; /* comma-separated addresses whose X-Forwarded-For names the client */
    char web_dir[512];
    /* The object store (db/s3): attachments, avatars, icons, emoji and their resized variants. */
    char s3_endpoint[512];          /* "http://127.0.0.1:8333"; empty: AWS's regional endpoint */
    char s3_bucket[64];             /* created by init-db next to the tables */
    char s3_region[64];             /* empty: AWS_REGION */
    char s3_access_key_id[256];     /* the store's own key (an S3-compatible store beside AWS's DynamoDB); */
    char s3_secret_access_key[256]; /* both empty: the AWS credentials above, session token included */
    int s3_virtual_hosted;    /* 1: https://<bucket>.<host>/<key>; 0: path-style <endpoint>/<bucket>/<key> */
    long s3_call_deadline_ms; /* one store request, retries included */
    long s3_max_concurrency;  /* store requests in flight at once */
    long s3_part_bytes;       /* a multipart upload's part size (S3's minimum is 5 MiB) */
    /* Uploads (multipart/form-data on message routes, and POST /channels/{id}/attachments). */
    long upload_max_file_bytes;    /* one file (413, code 40005) */
    long upload_max_message_bytes; /* all files of one message together (413, code 40005) */
    long upload_max_files;         /* files in one message */
    long upload_timeout_ms; /* first to last byte of an upload request (instead of HTTP_REQUEST_TIMEOUT_MS) */
    char upload_spool_dir[512]; /* where upload bytes wait for the store; empty: TMPDIR or /tmp */
    /* The CDN routes (/attachments, /avatars, /icons, /emojis ...) and the links to them. */
    char cdn_url[512];        /* the origin CDN links start with; empty: this server (http://HOST:port) */
    char cdn_secret[256];     /* signs attachment links (hm); empty: derived from TOKEN_SECRET */
    long cdn_url_ttl_seconds; /* how long a signed attachment link stays valid */
    /* Images taken in (avatars, icons, banners, emoji) and resized on the CDN (libvips). */
    long image_max_bytes;  /* an image's encoded bytes (a data URI's payload) */
    long image_max_pixels; /* width x height (x frames) of a decoded image: decompression bombs */
    long emoji_max_bytes;  /* a custom emoji's image */
    /* Link previews: a message's links fetched for embeds (off unless LINK_PREVIEWS=1). */
    int link_previews;
    int link_preview_allow_private; /* 1: private, loopback and link-local addresses may be fetched (tests) */
    long link_preview_max_bytes;    /* of one fetched page */
    long link_preview_timeout_ms;   /* one fetch, redirects included */
} sd_config_t;

/* Looks a variable up; returns a borrowed string or NULL when unset. */
typedef const char *(*sd_config_lookup_fn)(const char *name, void *ctx);

/*
 * Fills cfg from lookup (defaults for unset variables). On failure returns SD_ERR_INVALID and writes a
 * message naming the variable into err.
 */
sd_err_t sd_config_from_lookup(sd_config_t *cfg, sd_config_lookup_fn lookup, void *ctx, char *err,
                               size_t errlen);

/* Fills cfg from the environment, then the .env file at dotenv_path (may be NULL or missing). */
sd_err_t sd_config_load(sd_config_t *cfg, const char *dotenv_path, char *err, size_t errlen);

#endif
