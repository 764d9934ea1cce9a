#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

typedef struct {
    const char *const *pairs; /* name, value, ..., NULL */
} fake_env_t;

static const char *lookup(const char *name, void *ctx)
{
    const fake_env_t *e = ctx;
    for (const char *const *p = e->pairs; *p; p += 2)
        if (strcmp(p[0], name) == 0) return p[1];
    return NULL;
}

static sd_err_t load(const char *const *pairs, sd_config_t *cfg, char *err)
{
    fake_env_t e = {pairs};
    return sd_config_from_lookup(cfg, lookup, &e, err, 256);
}

Test(config, defaults)
{
    static const char *const none[] = {NULL};
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(load(none, &cfg, err), SD_OK);
    cr_assert_str_eq(cfg.host, "127.0.0.1");
    cr_assert_eq(cfg.port, 8080);
    cr_assert_str_eq(cfg.dynamodb_endpoint, "http://127.0.0.1:8000");
    cr_assert_str_eq(cfg.table_prefix, "sd-dev-");
    cr_assert_str_eq(cfg.aws_region, "us-east-1");
    cr_assert_eq(cfg.log_level, SD_LOG_INFO);
    cr_assert_eq(cfg.worker_id, 0);
    cr_assert_eq(cfg.token_secret_generated, 1);
    cr_assert_eq(strlen(cfg.token_secret), 64);
    cr_assert_eq(cfg.http_idle_timeout_ms, 60000);
    cr_assert_eq(cfg.gateway_write_threads, 0, "0: one per core");
    cr_assert_eq(cfg.dynamodb_call_deadline_ms, 5000);
    cr_assert_eq(cfg.dynamodb_max_attempts, 6);
    cr_assert_eq(cfg.dynamodb_max_concurrency, 64);
    cr_assert_eq(cfg.dynamodb_max_queue, 1024);
    cr_assert_eq(cfg.shutdown_grace_ms, 10000);
    cr_assert_eq(cfg.gateway_identify_timeout_ms, 20000);
    cr_assert_eq(cfg.gateway_max_payload, 4096, "Discord's limit");
    cr_assert_eq(cfg.gateway_max_sessions_per_address, 100);
}

Test(config, dynamodb_limits_and_shutdown_grace_are_read)
{
    static const char *const env[] = {"DYNAMODB_CALL_DEADLINE_MS",
                                      "250",
                                      "DYNAMODB_MAX_ATTEMPTS",
                                      "3",
                                      "DYNAMODB_MAX_CONCURRENCY",
                                      "2",
                                      "DYNAMODB_MAX_QUEUE",
                                      "0",
                                      "SHUTDOWN_GRACE_MS",
                                      "0",
                                      NULL};
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(load(env, &cfg, err), SD_OK, "%s", err);
    cr_assert_eq(cfg.dynamodb_call_deadline_ms, 250);
    cr_assert_eq(cfg.dynamodb_max_attempts, 3);
    cr_assert_eq(cfg.dynamodb_max_concurrency, 2);
    cr_assert_eq(cfg.dynamodb_max_queue, 0, "0: no waiting, refuse beyond the cap");
    cr_assert_eq(cfg.shutdown_grace_ms, 0, "0: cancel at once");
}

Test(config, values_are_read)
{
    static const char *const env[] = {"PORT",
                                      "9999",
                                      "LOG_LEVEL",
                                      "DEBUG",
                                      "TABLE_PREFIX",
                                      "sd-prod-",
                                      "TOKEN_SECRET",
                                      "0123456789abcdef0123456789abcdef",
                                      "WORKER_ID",
                                      "1023",
                                      "REDIS_URL",
                                      "redis://127.0.0.1:6379/0",
                                      "DYNAMODB_ENDPOINT",
                                      "",
                                      NULL};
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(load(env, &cfg, err), SD_OK, "%s", err);
    cr_assert_eq(cfg.port, 9999);
    cr_assert_eq(cfg.log_level, SD_LOG_DEBUG);
    cr_assert_str_eq(cfg.table_prefix, "sd-prod-");
    cr_assert_eq(cfg.token_secret_generated, 0);
    cr_assert_eq(cfg.worker_id, 1023);
    cr_assert_str_eq(cfg.dynamodb_endpoint, "", "empty means AWS");
}

Test(config, invalid_values_name_the_variable)
{
    static const char *const cases[][3] = {
        {"PORT", "http", "PORT"},
        {"PORT", "65536", "PORT"},
        {"PORT", "-1", "PORT"},
        {"PORT", "80x", "PORT"},
        {"LOG_LEVEL", "loud", "LOG_LEVEL"},
        {"WORKER_ID", "1024", "WORKER_ID"},
        {"TOKEN_SECRET", "tooshort", "TOKEN_SECRET"},
        {"DYNAMODB_ENDPOINT", "localhost:8000", "DYNAMODB_ENDPOINT"},
        {"TABLE_PREFIX", "a b", "TABLE_PREFIX"},
        {"REDIS_URL", "http://x", "REDIS_URL"},
        {"HOST", "", "HOST"},
        {"TOKEN_TTL_SECONDS", "0", "TOKEN_TTL_SECONDS"},
        {"GATEWAY_WRITE_THREADS", "5", "GATEWAY_WRITE_THREADS"},
        {"DYNAMODB_CALL_DEADLINE_MS", "0", "DYNAMODB_CALL_DEADLINE_MS"},
        {"DYNAMODB_MAX_ATTEMPTS", "0", "DYNAMODB_MAX_ATTEMPTS"},
        {"DYNAMODB_MAX_CONCURRENCY", "0", "DYNAMODB_MAX_CONCURRENCY"},
        {"DYNAMODB_MAX_QUEUE", "-1", "DYNAMODB_MAX_QUEUE"},
        {"SHUTDOWN_GRACE_MS", "soon", "SHUTDOWN_GRACE_MS"},
        {"GATEWAY_IDENTIFY_TIMEOUT_MS", "0", "GATEWAY_IDENTIFY_TIMEOUT_MS"},
        {"GATEWAY_MAX_PAYLOAD_BYTES", "10", "GATEWAY_MAX_PAYLOAD_BYTES"},
        {"GATEWAY_MAX_SESSIONS_PER_ADDRESS", "-1", "GATEWAY_MAX_SESSIONS_PER_ADDRESS"},
        {"S3_ACCESS_KEY_ID", "storekey", "S3_SECRET_ACCESS_KEY"}, /* one without the other */
        {"S3_SECRET_ACCESS_KEY", "storesecret", "S3_ACCESS_KEY_ID"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *const env[] = {cases[i][0], cases[i][1], NULL};
        sd_config_t cfg;
        char err[256] = "";
        cr_assert_eq(load(env, &cfg, err), SD_ERR_INVALID, "%s=%s accepted", cases[i][0], cases[i][1]);
        cr_assert(strstr(err, cases[i][2]), "message '%s' does not name %s", err, cases[i][2]);
    }
}

Test(config, dotenv_file_with_environment_winning)
{
    char path[] = "/tmp/sd-config-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# settings\n\nexport PORT=7001\nTABLE_PREFIX = \"quoted-\"\nLOG_LEVEL='warn'\n", f);
    fclose(f);
    setenv("LOG_LEVEL", "error", 1);
    unsetenv("PORT");
    unsetenv("TABLE_PREFIX");
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(sd_config_load(&cfg, path, err, sizeof err), SD_OK, "%s", err);
    cr_assert_eq(cfg.port, 7001);
    cr_assert_str_eq(cfg.table_prefix, "quoted-");
    cr_assert_eq(cfg.log_level, SD_LOG_ERROR, "the environment wins over .env");
    unsetenv("LOG_LEVEL");
    unlink(path);
}

Test(config, malformed_dotenv_line_is_reported)
{
    char path[] = "/tmp/sd-config-test-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("PORT=1\njust words\n", f);
    fclose(f);
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(sd_config_load(&cfg, path, err, sizeof err), SD_ERR_INVALID);
    cr_assert(strstr(err, ":2:"), "%s", err);
    unlink(path);
}

Test(config, missing_dotenv_is_fine)
{
    sd_config_t cfg;
    char err[256];
    cr_assert_eq(sd_config_load(&cfg, "/nonexistent/.env", err, sizeof err), SD_OK);
}
