/*
 * simplediscord: the entry point. `serve` runs the HTTP server (lifespan: loop, DynamoDB client, router,
 * signal handling, graceful shutdown); `init-db` creates the tables described in config/tables.json; `routes`
 * lists the router's table (what the OpenAPI document must describe).
 */
#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "api/gateway/gateway.h"
#include "api/v1/api.h"
#include "api/v1/deps.h"
#include "core/broker.h"
#include "core/app.h"
#include "core/config.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "core/router.h"
#include "core/static_files.h"
#include "db/cache.h"
#include "db/dynamo.h"
#include "db/s3.h"
#include "db/table_spec.h"
#include "infra/local/init_db.h"
#include "services/snowflake.h"

/* After the grace period: how long the DynamoDB calls' handlers get to answer before the rest is aborted,
   and how long the server then gets to close its last connection before the process stops regardless. */
#define CANCEL_SETTLE_MS 100
#define LAST_DRAIN_MS 5000

static void usage(FILE *f)
{
    fprintf(f, "usage: simplediscord <command> [options]\n\n"
               "commands:\n"
               "  serve              run the chat server (HOST, PORT, ... from the environment or .env)\n"
               "  init-db [FILE]     create the DynamoDB tables described in FILE (default: TABLES_FILE,\n"
               "                     config/tables.json); safe to run again\n"
               "  routes             print every route the server answers (METHOD PATTERN)\n"
               "  --help             show this text\n\n"
               "options:\n"
               "  --env-file PATH    read settings from PATH instead of ./.env\n");
}

/*
 * The lifespan of `serve`. SIGTERM or SIGINT: the gateway tells its sessions to reconnect, the HTTP server
 * stops accepting and drains. When the grace period ends (at once for a second signal or SHUTDOWN_GRACE_MS=0)
 * every DynamoDB call still pending is cancelled, so that its handler answers 503; a moment later whatever
 * still waits on something else is answered 503 by the server. Once the last connection is closed, the
 * broker and the DynamoDB client close, the loop runs out of handles and serve() exits 0.
 */
typedef struct {
    sd_app_t *app;
    uv_signal_t sigint, sigterm;
    uv_timer_t grace; /* the grace period, then the settle and last-drain waits */
    int stopping;
    bool grace_over;
    bool drained; /* the HTTP server closed its last connection */
} lifespan_t;

static void on_http_closed(void *ctx)
{
    lifespan_t *ls = ctx;
    sd_log(SD_LOG_INFO, "http server drained", NULL);
    ls->drained = true;
    uv_timer_stop(&ls->grace);
    uv_close((uv_handle_t *)&ls->grace, NULL);
    uv_close((uv_handle_t *)&ls->sigint, NULL);
    uv_close((uv_handle_t *)&ls->sigterm, NULL);
    /* Nothing is answered any more: the DynamoDB client (no call is left, it cancels any the gateway has
       pending) and the broker's connections close on this loop; then the loop has nothing left and ends. */
    sd_dynamo_close(ls->app->db);
    ls->app->db = NULL;
    sd_s3_close(ls->app->store);
    ls->app->store = NULL;
    sd_broker_close(ls->app->broker);
    ls->app->broker = NULL;
}

static void on_last_drain_over(uv_timer_t *t)
{
    lifespan_t *ls = t->data;
    sd_log(SD_LOG_ERROR, "the http server did not drain after its requests were aborted, stopping",
           json_pack("{s:i}", "in_flight", sd_http_server_in_flight(ls->app->http)));
    uv_stop(ls->app->loop);
}

static void on_cancel_settled(uv_timer_t *t)
{
    lifespan_t *ls = t->data;
    if (sd_http_server_in_flight(ls->app->http) > 0)
        sd_log(SD_LOG_WARN, "answering requests still in flight with 503",
               json_pack("{s:i}", "in_flight", sd_http_server_in_flight(ls->app->http)));
    sd_http_server_abort(ls->app->http);
    if (!ls->drained) uv_timer_start(&ls->grace, on_last_drain_over, LAST_DRAIN_MS, 0);
}

static void end_grace(lifespan_t *ls)
{
    if (ls->grace_over || ls->drained) return;
    ls->grace_over = true;
    sd_dynamo_stats_t st = sd_dynamo_stats(ls->app->db);
    sd_log(SD_LOG_WARN, "shutdown grace period over, cancelling what is still in flight",
           json_pack("{s:i, s:i}", "requests", sd_http_server_in_flight(ls->app->http), "dynamodb_calls",
                     st.in_flight));
    sd_dynamo_cancel_all(ls->app->db); /* their callbacks run from the loop and answer 503 */
    uv_timer_start(&ls->grace, on_cancel_settled, CANCEL_SETTLE_MS, 0);
}

static void on_grace_over(uv_timer_t *t)
{
    end_grace(t->data);
}

static void on_signal(uv_signal_t *s, int signum)
{
    lifespan_t *ls = s->data;
    if (ls->stopping++) {
        end_grace(ls); /* asked again: no more waiting */
        return;
    }
    const sd_config_t *cfg = ls->app->cfg;
    sd_log(SD_LOG_INFO, "shutting down",
           json_pack("{s:s, s:i}", "signal", signum == SIGINT ? "SIGINT" : "SIGTERM", "grace_ms",
                     (int)cfg->shutdown_grace_ms));
    uv_timer_start(&ls->grace, on_grace_over, (uint64_t)cfg->shutdown_grace_ms, 0);
    sd_gateway_shutdown(ls->app->gateway);
    sd_http_server_shutdown(ls->app->http, on_http_closed, ls);
}

static void on_left_handle(uv_handle_t *h, void *arg)
{
    int *count = arg;
    (*count)++;
    sd_log(SD_LOG_WARN, "a handle was still open at exit",
           json_pack("{s:s, s:b}", "type", uv_handle_type_name(uv_handle_get_type(h)), "closing",
                     uv_is_closing(h)));
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* Closes the loop; first logs and closes whatever an abnormal stop left open. Returns the handles left. */
static int loop_finish(uv_loop_t *loop)
{
    int left = 0;
    uv_run(loop, UV_RUN_NOWAIT);
    uv_walk(loop, on_left_handle, &left);
    if (left) uv_run(loop, UV_RUN_DEFAULT);
    if (uv_loop_close(loop) != 0) sd_log(SD_LOG_ERROR, "the loop could not be closed", NULL);
    return left;
}

/*
 * Every change to a cached table, made here or by another process: the read cache forgets it (when it came
 * from elsewhere; ours is already done) and the gateway reloads what it judges permissions with.
 * Message: "<table>\n<key>".
 */
#define CHANGES_TOPIC "changes"

static void on_change(const char *payload, size_t len, bool remote, void *ctx)
{
    sd_app_t *app = ctx;
    char buf[512];
    if (len >= sizeof buf) return;
    memcpy(buf, payload, len);
    buf[len] = '\0';
    char *key = strchr(buf, '\n');
    if (!key) return;
    *key++ = '\0';
    if (remote) sd_dcache_drop(app->cache, buf, key);
    sd_gateway_on_change(app->gateway, buf, key);
}

static void on_local_change(const char *table, const char *key, void *ctx)
{
    sd_app_t *app = ctx;
    char buf[512];
    if (!app->broker) return; /* shutting down */
    int n = snprintf(buf, sizeof buf, "%s\n%s", table, key);
    if (n > 0 && (size_t)n < sizeof buf) sd_broker_publish(app->broker, CHANGES_TOPIC, buf, (size_t)n);
}

/* The whole file at path (at most 4 MiB); returns a new buffer the caller frees, or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 4 * 1024 * 1024 || fseek(f, 0, SEEK_SET)) goto out;
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
out:
    fclose(f);
    return buf;
}

static int serve(const sd_config_t *cfg)
{
    int rc = 1;
    uv_loop_t *loop = uv_default_loop();
    sd_snowflake_t ids;
    sd_snowflake_init(&ids, (unsigned)cfg->worker_id);
    sd_app_t app = {.loop = loop, .cfg = cfg, .ids = &ids};
    lifespan_t ls = {.app = &app};
    sd_dcache_t *cache = NULL;

    if (cfg->token_secret_generated)
        sd_log(SD_LOG_WARN, "TOKEN_SECRET is not set: using a random one, tokens will not survive a restart",
               NULL);
    app.metrics = sd_metrics_new();
    app.db = sd_dynamo_new_from_config(loop, cfg);
    if (app.db) sd_dynamo_set_metrics(app.db, app.metrics);
    /* The store is only reached when media is: a store that is down answers those calls with 503. */
    app.store = sd_s3_new_from_config(loop, cfg);
    if (!app.store)
        sd_log(SD_LOG_WARN, "no object store: media requests will be refused",
               json_pack("{s:s, s:s}", "endpoint", cfg->s3_endpoint[0] ? cfg->s3_endpoint : "aws", "bucket",
                         cfg->s3_bucket));
    {
        char why[512];
        json_t *spec = sd_table_spec_load(cfg->tables_file, why, sizeof why);
        if (!spec) {
            sd_log(SD_LOG_ERROR, "cannot read the table descriptions", json_pack("{s:s}", "error", why));
            goto out;
        }
        cache = sd_dcache_new(loop, spec, cfg->table_prefix, (uint64_t)cfg->cache_ttl_ms,
                              (size_t)cfg->cache_max_entries);
        json_decref(spec);
        if (!cache) goto out;
        app.cache = cache;
        if (app.db) sd_dynamo_set_cache(app.db, cache);
    }
    app.broker = sd_broker_new(loop, cfg->redis_url, cfg->table_prefix);
    if (!app.broker || !app.db) goto out;
    app.limits = sd_ratelimit_new(app.broker);
    app.gateway = sd_gateway_new(&app);
    if (!app.gateway || !app.limits) goto out;
    sd_broker_subscribe(app.broker, CHANGES_TOPIC, on_change, &app);
    sd_dcache_set_listener(cache, on_local_change, &app);
    app.router = sd_api_router_new();
    app.openapi = read_file(cfg->openapi_file, &app.openapi_len);
    if (!app.openapi)
        sd_log(SD_LOG_WARN, "no OpenAPI document to serve", json_pack("{s:s}", "file", cfg->openapi_file));
    app.web = sd_static_new(cfg->web_dir);
    if (!app.web)
        sd_log(SD_LOG_WARN, "no web client to serve (build it with `task web:build`)",
               json_pack("{s:s}", "web_dir", cfg->web_dir));
    sd_http_limits_t limits = {.idle_timeout_ms = (uint64_t)cfg->http_idle_timeout_ms,
                               .request_timeout_ms = (uint64_t)cfg->http_request_timeout_ms,
                               .header_timeout_ms = (uint64_t)cfg->http_header_timeout_ms,
                               .response_timeout_ms = (uint64_t)cfg->http_response_timeout_ms,
                               .max_header_bytes = (size_t)cfg->http_max_header_bytes,
                               .max_url_bytes = (size_t)cfg->http_max_url_bytes,
                               .max_body_bytes = (size_t)cfg->http_max_body_bytes,
                               .max_connections = (int)cfg->http_max_connections,
                               .max_connections_per_address = (int)cfg->http_max_connections_per_address,
                               .trusted_proxies = cfg->trusted_proxies,
                               .write_threads = cfg->gateway_write_threads};
    app.http = sd_http_server_new(loop, &limits, sd_api_handle, &app);
    if (!app.db || !app.router || !app.http || !app.metrics) goto out;
    sd_http_server_observe(app.http, sd_api_observe, &app);
    if (sd_http_server_listen(app.http, cfg->host, cfg->port) != SD_OK) goto out;

    uv_signal_init(loop, &ls.sigint);
    uv_signal_init(loop, &ls.sigterm);
    uv_timer_init(loop, &ls.grace);
    ls.sigint.data = ls.sigterm.data = ls.grace.data = &ls;
    uv_signal_start(&ls.sigint, on_signal, SIGINT);
    uv_signal_start(&ls.sigterm, on_signal, SIGTERM);
    sd_log(SD_LOG_INFO, "listening",
           json_pack("{s:s, s:i, s:s, s:s}", "host", cfg->host, "port", sd_http_server_port(app.http),
                     "dynamodb", cfg->dynamodb_endpoint[0] ? cfg->dynamodb_endpoint : "aws", "table_prefix",
                     cfg->table_prefix));
    uv_run(loop, UV_RUN_DEFAULT);
    rc = ls.stopping && ls.drained ? 0 : 1;
    sd_dcache_stats_t st = cache ? sd_dcache_stats(cache) : (sd_dcache_stats_t){0};
    sd_log(SD_LOG_INFO, "stopped",
           json_pack("{s:i, s:{s:I, s:I, s:I, s:I}}", "exit_code", rc, "cache", "hits", (json_int_t)st.hits,
                     "misses", (json_int_t)st.misses, "shared", (json_int_t)st.shared, "drops",
                     (json_int_t)st.drops));
out:
    if (rc != 0 && !ls.stopping) sd_log(SD_LOG_ERROR, "server could not start", NULL);
    /* In order: the DynamoDB client (its cancelled calls answer the gateway and the cache from this loop),
       the gateway, the broker, then what they fed. */
    if (app.db) {
        sd_dynamo_close(app.db);
        uv_run(loop, UV_RUN_NOWAIT);
    }
    if (app.store) {
        sd_s3_close(app.store);
        uv_run(loop, UV_RUN_NOWAIT);
    }
    sd_gateway_free(app.gateway);
    sd_broker_close(app.broker);
    if (app.broker) uv_run(loop, UV_RUN_NOWAIT);
    sd_dcache_free(cache);
    sd_router_free(app.router);
    sd_static_free(app.web);
    if (!ls.stopping || ls.drained) sd_http_server_free(app.http); /* else its connections are still open */
    sd_ratelimit_free(app.limits);
    free(app.openapi);
    if (loop_finish(loop) > 0 && rc == 0) rc = 1;
    sd_metrics_free(app.metrics); /* last: closing handles may still count into it */
    return rc;
}

static int print_routes(void)
{
    sd_router_t *r = sd_api_router_new();
    if (!r) return 1;
    int n = 0;
    const sd_route_t *routes = sd_router_routes(r, &n);
    for (int i = 0; i < n; i++) /* the routes not served yet are no part of the API's documentation */
        if (!(routes[i].flags & SD_API_PLANNED)) printf("%s %s\n", routes[i].method, routes[i].pattern);
    sd_router_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = NULL, *env_file = ".env", *tables_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--env-file") && i + 1 < argc) {
            env_file = argv[++i];
        } else if (!cmd) {
            cmd = argv[i];
        } else if (!strcmp(cmd, "init-db") && !tables_arg) {
            tables_arg = argv[i];
        } else {
            fprintf(stderr, "simplediscord: unexpected argument '%s'\n\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!cmd) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(cmd, "routes")) return print_routes();
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "init-db") != 0) {
        fprintf(stderr, "simplediscord: unknown command '%s'\n\n", cmd);
        usage(stderr);
        return 2;
    }
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "simplediscord: could not initialise libsodium or libcurl\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sd_config_t *cfg = malloc(sizeof *cfg);
    char err[512];
    int rc = 2;
    if (!cfg) return 1;
    if (sd_config_load(cfg, env_file, err, sizeof err) != SD_OK) {
        fprintf(stderr, "simplediscord: configuration error: %s\n", err);
        goto out;
    }
    sd_log_set_level((sd_log_level_t)cfg->log_level);
    rc =
        !strcmp(cmd, "serve") ? serve(cfg) : sd_init_db_main(cfg, tables_arg ? tables_arg : cfg->tables_file);
out:
    free(cfg);
    curl_global_cleanup();
    return rc;
}
