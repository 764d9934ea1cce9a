#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static sd_err_t fail(char *err, size_t errlen, const char *name, const char *why)
{
    snprintf(err, errlen, "invalid %s: %s", name, why);
    return SD_ERR_INVALID;
}

static sd_err_t get_str(sd_config_lookup_fn lookup, void *ctx, const char *name, const char *def, char *out,
                        size_t cap, char *err, size_t errlen)
{
    const char *v = lookup(name, ctx);
    if (!v) v = def;
    if (strlen(v) >= cap) return fail(err, errlen, name, "too long");
    strcpy(out, v);
    return SD_OK;
}

static sd_err_t get_long(sd_config_lookup_fn lookup, void *ctx, const char *name, long def, long min,
                         long max, long *out, char *err, size_t errlen)
{
    const char *v = lookup(name, ctx);
    if (!v || !*v) {
        *out = def;
        return SD_OK;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || end == v) return fail(err, errlen, name, "not a whole number");
    if (n < min || n > max) {
        char why[96];
        snprintf(why, sizeof why, "must be between %ld and %ld", min, max);
        return fail(err, errlen, name, why);
    }
    *out = n;
    return SD_OK;
}

sd_err_t sd_config_from_lookup(sd_config_t *cfg, sd_config_lookup_fn lookup, void *ctx, char *err,
                               size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    long n;
    sd_err_t rc;
#define STR(name, def, field)                                                                                \
    if ((rc = get_str(lookup, ctx, name, def, cfg->field, sizeof cfg->field, err, errlen))) return rc
    STR("HOST", "127.0.0.1", host);
    STR("AWS_REGION", "us-east-1", aws_region);
    STR("AWS_ACCESS_KEY_ID", "local", aws_access_key_id);
    STR("AWS_SECRET_ACCESS_KEY", "local", aws_secret_access_key);
    STR("AWS_SESSION_TOKEN", "", aws_session_token);
    STR("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000", dynamodb_endpoint);
    STR("TABLE_PREFIX", "sd-dev-", table_prefix);
    STR("TOKEN_SECRET", "", token_secret);
    STR("REDIS_URL", "", redis_url);
    STR("TABLES_FILE", "config/tables.json", tables_file);
    STR("OPENAPI_FILE", "config/openapi.json", openapi_file);
    STR("TRUSTED_PROXIES", "", trusted_proxies);
    STR("WEB_DIR", "web/dist", web_dir);
    STR("S3_ENDPOINT", "http://127.0.0.1:8333", s3_endpoint);
    STR("S3_BUCKET", "sd-dev-media", s3_bucket);
    STR("S3_REGION", "", s3_region);
    STR("S3_ACCESS_KEY_ID", "", s3_access_key_id);
    STR("S3_SECRET_ACCESS_KEY", "", s3_secret_access_key);
    STR("UPLOAD_SPOOL_DIR", "", upload_spool_dir);
    STR("CDN_URL", "", cdn_url);
    STR("CDN_SIGNING_SECRET", "", cdn_secret);
#undef STR
    if ((rc = get_long(lookup, ctx, "DYNAMODB_CALL_DEADLINE_MS", 5000, 100, 600000, &n, err, errlen)))
        return rc;
    cfg->dynamodb_call_deadline_ms = n;
    if ((rc = get_long(lookup, ctx, "DYNAMODB_MAX_ATTEMPTS", 6, 1, 100, &n, err, errlen))) return rc;
    cfg->dynamodb_max_attempts = n;
    if ((rc = get_long(lookup, ctx, "DYNAMODB_MAX_CONCURRENCY", 64, 1, 4096, &n, err, errlen))) return rc;
    cfg->dynamodb_max_concurrency = n;
    if ((rc = get_long(lookup, ctx, "DYNAMODB_MAX_QUEUE", 1024, 0, 1000000, &n, err, errlen))) return rc;
    cfg->dynamodb_max_queue = n;
    if ((rc = get_long(lookup, ctx, "SHUTDOWN_GRACE_MS", 10000, 0, 600000, &n, err, errlen))) return rc;
    cfg->shutdown_grace_ms = n;
    if ((rc = get_long(lookup, ctx, "PORT", 8080, 0, 65535, &n, err, errlen))) return rc;
    cfg->port = (int)n;
    if ((rc = get_long(lookup, ctx, "WORKER_ID", 0, 0, 1023, &n, err, errlen))) return rc;
    cfg->worker_id = (int)n;
    if ((rc = get_long(lookup, ctx, "TOKEN_TTL_SECONDS", 30L * 86400, 1, 10L * 365 * 86400, &n, err, errlen)))
        return rc;
    cfg->token_ttl_seconds = n;
    if ((rc = get_long(lookup, ctx, "HTTP_IDLE_TIMEOUT_MS", 60000, 100, 3600000, &n, err, errlen))) return rc;
    cfg->http_idle_timeout_ms = n;
    if ((rc = get_long(lookup, ctx, "HTTP_REQUEST_TIMEOUT_MS", 15000, 100, 600000, &n, err, errlen)))
        return rc;
    cfg->http_request_timeout_ms = n;
    /* The rest of the HTTP bounds: name, default, range, field. */
    static const struct {
        const char *name;
        long def, min, max;
        size_t offset;
    } http[] = {
        {"HTTP_HEADER_TIMEOUT_MS", 10000, 100, 600000, offsetof(sd_config_t, http_header_timeout_ms)},
        {"HTTP_RESPONSE_TIMEOUT_MS", 30000, 0, 3600000, offsetof(sd_config_t, http_response_timeout_ms)},
        {"HTTP_MAX_HEADER_BYTES", 16384, 1024, 1048576, offsetof(sd_config_t, http_max_header_bytes)},
        {"HTTP_MAX_URL_BYTES", 8192, 256, 1048576, offsetof(sd_config_t, http_max_url_bytes)},
        {"HTTP_MAX_BODY_BYTES", 1048576, 1024, 1073741824, offsetof(sd_config_t, http_max_body_bytes)},
        {"HTTP_MAX_CONNECTIONS", 20000, 1, 1000000, offsetof(sd_config_t, http_max_connections)},
        {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", 256, 0, 1000000,
         offsetof(sd_config_t, http_max_connections_per_address)},
    };
    for (size_t i = 0; i < sizeof http / sizeof *http; i++) {
        if ((rc = get_long(lookup, ctx, http[i].name, http[i].def, http[i].min, http[i].max,
                           (long *)((char *)cfg + http[i].offset), err, errlen)))
            return rc;
    }
    if ((rc = get_long(lookup, ctx, "CACHE_TTL_MS", 30000, 0, 3600000, &n, err, errlen))) return rc;
    cfg->cache_ttl_ms = n;
    if ((rc = get_long(lookup, ctx, "CACHE_MAX_ENTRIES", 100000, 1, 100000000, &n, err, errlen))) return rc;
    cfg->cache_max_entries = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_HEARTBEAT_MS", 41250, 100, 600000, &n, err, errlen))) return rc;
    cfg->gateway_heartbeat_ms = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_RESUME_MS", 120000, 0, 3600000, &n, err, errlen))) return rc;
    cfg->gateway_resume_ms = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_MAX_QUEUED_BYTES", 1048576, 4096, 1073741824, &n, err, errlen)))
        return rc;
    cfg->gateway_max_queued = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_SEND_BUFFER_BYTES", 65536, 0, 16777216, &n, err, errlen)))
        return rc;
    cfg->gateway_send_buffer = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_WRITE_THREADS", 0, 0, 4, &n, err, errlen))) return rc;
    cfg->gateway_write_threads = (int)n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_IDENTIFY_TIMEOUT_MS", 20000, 100, 600000, &n, err, errlen)))
        return rc;
    cfg->gateway_identify_timeout_ms = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_MAX_PAYLOAD_BYTES", 4096, 128, 1048576, &n, err, errlen)))
        return rc;
    cfg->gateway_max_payload = n;
    if ((rc = get_long(lookup, ctx, "GATEWAY_MAX_SESSIONS_PER_ADDRESS", 100, 0, 10000000, &n, err, errlen)))
        return rc;
    cfg->gateway_max_sessions_per_address = n;

    /* Media: the store, uploads, the CDN, images, link previews. */
    static const struct {
        const char *name;
        long def, min, max;
        size_t offset;
    } media[] = {
        {"S3_CALL_DEADLINE_MS", 30000, 100, 3600000, offsetof(sd_config_t, s3_call_deadline_ms)},
        {"S3_MAX_CONCURRENCY", 32, 1, 4096, offsetof(sd_config_t, s3_max_concurrency)},
        {"S3_PART_BYTES", 8L << 20, 5L << 20, 1L << 30, offsetof(sd_config_t, s3_part_bytes)},
        {"UPLOAD_MAX_FILE_BYTES", 25L << 20, 1, 1L << 32, offsetof(sd_config_t, upload_max_file_bytes)},
        {"UPLOAD_MAX_MESSAGE_BYTES", 25L << 20, 1, 1L << 34, offsetof(sd_config_t, upload_max_message_bytes)},
        {"UPLOAD_MAX_FILES", 10, 1, 100, offsetof(sd_config_t, upload_max_files)},
        {"UPLOAD_TIMEOUT_MS", 300000, 1000, 3600000, offsetof(sd_config_t, upload_timeout_ms)},
        {"CDN_URL_TTL_SECONDS", 86400, 10, 365L * 86400, offsetof(sd_config_t, cdn_url_ttl_seconds)},
        {"IMAGE_MAX_BYTES", 10L << 20, 1024, 1L << 30, offsetof(sd_config_t, image_max_bytes)},
        {"IMAGE_MAX_PIXELS", 40000000, 1, 1000000000, offsetof(sd_config_t, image_max_pixels)},
        {"EMOJI_MAX_BYTES", 256L << 10, 1024, 1L << 30, offsetof(sd_config_t, emoji_max_bytes)},
        {"LINK_PREVIEW_MAX_BYTES", 1L << 20, 1024, 1L << 30, offsetof(sd_config_t, link_preview_max_bytes)},
        {"LINK_PREVIEW_TIMEOUT_MS", 5000, 100, 600000, offsetof(sd_config_t, link_preview_timeout_ms)},
    };
    for (size_t i = 0; i < sizeof media / sizeof *media; i++) {
        if ((rc = get_long(lookup, ctx, media[i].name, media[i].def, media[i].min, media[i].max,
                           (long *)((char *)cfg + media[i].offset), err, errlen)))
            return rc;
    }
    static const struct {
        const char *name;
        size_t offset;
    } flags[] = {
        {"S3_VIRTUAL_HOSTED", offsetof(sd_config_t, s3_virtual_hosted)},
        {"LINK_PREVIEWS", offsetof(sd_config_t, link_previews)},
        {"LINK_PREVIEW_ALLOW_PRIVATE", offsetof(sd_config_t, link_preview_allow_private)},
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        if ((rc = get_long(lookup, ctx, flags[i].name, 0, 0, 1, &n, err, errlen))) return rc;
        *(int *)((char *)cfg + flags[i].offset) = (int)n;
    }

    static const struct {
        const char *name, *def;
        size_t offset;
    } rates[] = {
        {"RATE_LIMIT_GLOBAL", "50/1", offsetof(sd_config_t, rate_global)},
        {"RATE_LIMIT_ROUTE", "20/5", offsetof(sd_config_t, rate_route)},
        {"RATE_LIMIT_MESSAGES", "5/5", offsetof(sd_config_t, rate_messages)},
        {"RATE_LIMIT_IP", "20/60", offsetof(sd_config_t, rate_ip)},
        {"RATE_LIMIT_GATEWAY", "120/60", offsetof(sd_config_t, rate_gateway)},
        {"RATE_LIMIT_IDENTIFY", "10/60", offsetof(sd_config_t, rate_identify)},
        {"RATE_LIMIT_CDN", "1000/10", offsetof(sd_config_t, rate_cdn)},
    };
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++) {
        const char *v = lookup(rates[i].name, ctx);
        if (sd_rate_parse(v && *v ? v : rates[i].def, (sd_rate_t *)((char *)cfg + rates[i].offset)))
            return fail(err, errlen, rates[i].name, "must be count/seconds (\"5/5\", \"1/0.25\") or off");
    }

    const char *level = lookup("LOG_LEVEL", ctx);
    cfg->log_level = level ? sd_log_level_parse(level) : SD_LOG_INFO;
    if (cfg->log_level < 0) return fail(err, errlen, "LOG_LEVEL", "must be one of debug, info, warn, error");

    if (!cfg->host[0]) return fail(err, errlen, "HOST", "must not be empty");
    if (!cfg->aws_region[0]) return fail(err, errlen, "AWS_REGION", "must not be empty");
    if (cfg->dynamodb_endpoint[0] && strncmp(cfg->dynamodb_endpoint, "http://", 7) != 0 &&
        strncmp(cfg->dynamodb_endpoint, "https://", 8) != 0)
        return fail(err, errlen, "DYNAMODB_ENDPOINT", "must start with http:// or https://");
    for (const char *p = cfg->table_prefix; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return fail(err, errlen, "TABLE_PREFIX", "may hold only letters, digits, '-', '_' and '.'");
    if (cfg->s3_endpoint[0] && strncmp(cfg->s3_endpoint, "http://", 7) != 0 &&
        strncmp(cfg->s3_endpoint, "https://", 8) != 0)
        return fail(err, errlen, "S3_ENDPOINT", "must start with http:// or https://");
    if (cfg->cdn_url[0] && strncmp(cfg->cdn_url, "http://", 7) != 0 &&
        strncmp(cfg->cdn_url, "https://", 8) != 0)
        return fail(err, errlen, "CDN_URL", "must start with http:// or https://");
    /* S3's rules for a bucket name: 3 to 63 lower-case letters, digits, '-' and '.'. */
    size_t bl = strlen(cfg->s3_bucket);
    if (bl < 3 || bl > 63) return fail(err, errlen, "S3_BUCKET", "must be 3 to 63 characters");
    for (const char *p = cfg->s3_bucket; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('0' <= *p && *p <= '9') || *p == '-' || *p == '.'))
            return fail(err, errlen, "S3_BUCKET", "may hold only lower-case letters, digits, '-' and '.'");
    if (!cfg->s3_region[0]) strcpy(cfg->s3_region, cfg->aws_region);
    if (!cfg->s3_access_key_id[0] != !cfg->s3_secret_access_key[0])
        return fail(err, errlen, cfg->s3_access_key_id[0] ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID",
                    "must be set together with the other (or both left empty for the AWS credentials)");
    if (cfg->upload_max_file_bytes > cfg->upload_max_message_bytes)
        cfg->upload_max_file_bytes = cfg->upload_max_message_bytes;
    if (cfg->redis_url[0] && strncmp(cfg->redis_url, "redis://", 8) != 0)
        return fail(err, errlen, "REDIS_URL", "must start with redis://");
    if (!cfg->token_secret[0]) {
        /* Tokens then die with the process: fine for a try-out, wrong for anything kept (main warns). */
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(cfg->token_secret, sizeof cfg->token_secret, raw, sizeof raw);
        cfg->token_secret_generated = 1;
    } else if (strlen(cfg->token_secret) < 32) {
        return fail(err, errlen, "TOKEN_SECRET", "must be at least 32 characters");
    }
    if (!cfg->cdn_secret[0]) {
        /* A key of its own, so that a CDN link never doubles as anything signed with the token secret. */
        unsigned char key[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)cfg->token_secret, strlen(cfg->token_secret));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)"simplediscord cdn links", 23);
        crypto_auth_hmacsha256_final(&st, key);
        sodium_bin2hex(cfg->cdn_secret, sizeof cfg->cdn_secret, key, sizeof key);
    } else if (strlen(cfg->cdn_secret) < 32) {
        return fail(err, errlen, "CDN_SIGNING_SECRET", "must be at least 32 characters");
    }
    return SD_OK;
}

/* The .env file, parsed into a small list of NAME=value pairs. */
typedef struct {
    char *names[128];
    char *values[128];
    int count;
} dotenv_t;

static const char *env_then_dotenv(const char *name, void *ctx)
{
    const char *v = getenv(name);
    if (v) return v;
    const dotenv_t *d = ctx;
    for (int i = 0; i < d->count; i++)
        if (strcmp(d->names[i], name) == 0) return d->values[i];
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static sd_err_t dotenv_read(dotenv_t *d, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) return SD_OK; /* the file is optional */
    char line[4096];
    int lineno = 0;
    sd_err_t rc = SD_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        if (strncmp(s, "export ", 7) == 0) s = trim(s + 7);
        char *eq = strchr(s, '=');
        if (!eq || eq == s || d->count == 128) {
            snprintf(err, errlen, "%s:%d: expected NAME=value", path, lineno);
            rc = SD_ERR_INVALID;
            goto out;
        }
        *eq = '\0';
        char *v = trim(eq + 1);
        size_t vl = strlen(v);
        if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
            v[vl - 1] = '\0';
            v++;
        }
        d->names[d->count] = strdup(trim(s));
        d->values[d->count] = strdup(v);
        if (!d->names[d->count] || !d->values[d->count]) {
            free(d->names[d->count]);
            free(d->values[d->count]);
            rc = SD_ERR_NOMEM;
            goto out;
        }
        d->count++;
    }
out:
    fclose(f);
    return rc;
}

sd_err_t sd_config_load(sd_config_t *cfg, const char *dotenv_path, char *err, size_t errlen)
{
    dotenv_t d = {0};
    sd_err_t rc = dotenv_path ? dotenv_read(&d, dotenv_path, err, errlen) : SD_OK;
    if (rc == SD_OK) rc = sd_config_from_lookup(cfg, env_then_dotenv, &d, err, errlen);
    for (int i = 0; i < d.count; i++) {
        free(d.names[i]);
        free(d.values[i]);
    }
    return rc;
}
