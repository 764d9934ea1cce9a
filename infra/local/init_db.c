#include "infra/local/init_db.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "db/dynamo.h"
#include "db/s3.h"
#include "db/table_spec.h"

typedef enum { ST_DESCRIBE, ST_CREATE, ST_WAIT, ST_ADD_INDEX, ST_TTL_DESCRIBE, ST_TTL_UPDATE } state_t;

typedef struct {
    sd_dynamo_t *db;
    json_t *tables;
    void *iter; /* current table in tables */
    const char *logical;
    const json_t *spec;
    char full[320];
    state_t state;
    int polls;
    int changes;
    int table_changes;
    sd_err_t result;
    uv_timer_t poll_timer;
} run_t;

static void step(run_t *r);
static void on_answer(sd_err_t err, json_t *res, void *ctx);

static void fail(run_t *r, sd_err_t err, const char *what, const json_t *res)
{
    const char *msg = json_string_value(json_object_get(res, "message"));
    if (!msg) msg = json_string_value(json_object_get(res, "Message"));
    fprintf(stderr, "init-db: table %s: %s failed: %s%s%s\n", r->full, what, sd_err_name(err),
            msg ? ": " : "", msg ? msg : "");
    r->result = err;
    r->iter = NULL;
}

static void next_table(run_t *r)
{
    if (r->table_changes == 0) printf("table %s is up to date\n", r->full);
    r->iter = json_object_iter_next(r->tables, r->iter);
    r->state = ST_DESCRIBE;
    step(r);
}

static void call(run_t *r, const char *op, json_t *req)
{
    sd_err_t err = sd_dynamo_call(r->db, op, req, on_answer, r);
    if (err) fail(r, err, op, NULL);
}

static void on_poll_timer(uv_timer_t *t)
{
    run_t *r = t->data;
    call(r, "DescribeTable", json_pack("{s:s}", "TableName", r->full));
}

static int key_matches(const json_t *schema, const char *type, const char *want)
{
    size_t i;
    json_t *k;
    json_array_foreach(schema, i, k)
    {
        if (strcmp(json_string_value(json_object_get(k, "KeyType")), type) == 0)
            return want && strcmp(json_string_value(json_object_get(k, "AttributeName")), want) == 0;
    }
    return want == NULL;
}

static const char *str_or_empty(const json_t *s)
{
    return json_is_string(s) ? json_string_value(s) : "";
}

/* Everything ACTIVE? */
static bool all_active(const json_t *desc)
{
    if (strcmp(str_or_empty(json_object_get(desc, "TableStatus")), "ACTIVE") != 0) return false;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(desc, "GlobalSecondaryIndexes"), i, g)
    {
        if (strcmp(str_or_empty(json_object_get(g, "IndexStatus")), "ACTIVE") != 0) return false;
    }
    return true;
}

/* The first index of the spec that the table lacks, or NULL. */
static const json_t *missing_index(const run_t *r, const json_t *desc)
{
    size_t i, j;
    json_t *g, *have;
    json_array_foreach(json_object_get(r->spec, "global_secondary_indexes"), i, g)
    {
        const char *name = json_string_value(json_object_get(g, "name"));
        bool found = false;
        json_array_foreach(json_object_get(desc, "GlobalSecondaryIndexes"), j, have)
        {
            if (strcmp(json_string_value(json_object_get(have, "IndexName")), name) == 0) found = true;
        }
        if (!found) return g;
    }
    return NULL;
}

static void on_table_ready(run_t *r, const json_t *desc)
{
    if (!key_matches(json_object_get(desc, "KeySchema"), "HASH",
                     json_string_value(json_object_get(r->spec, "hash_key"))) ||
        !key_matches(json_object_get(desc, "KeySchema"), "RANGE",
                     json_string_value(json_object_get(r->spec, "range_key")))) {
        fprintf(stderr,
                "init-db: table %s exists with another key schema than tables.json gives; "
                "DynamoDB cannot change keys in place, migrate it by hand\n",
                r->full);
        r->result = SD_ERR_CONFLICT;
        r->iter = NULL;
        return;
    }
    const json_t *g = missing_index(r, desc);
    if (g) {
        printf("adding index %s to table %s\n", json_string_value(json_object_get(g, "name")), r->full);
        r->changes++;
        r->table_changes++;
        r->state = ST_ADD_INDEX;
        call(r, "UpdateTable",
             json_pack("{s:s, s:o, s:[o]}", "TableName", r->full, "AttributeDefinitions",
                       sd_table_spec_attribute_definitions(r->spec), "GlobalSecondaryIndexUpdates",
                       sd_table_spec_gsi_create(g)));
        return;
    }
    if (json_string_value(json_object_get(r->spec, "ttl_attribute"))) {
        r->state = ST_TTL_DESCRIBE;
        call(r, "DescribeTimeToLive", json_pack("{s:s}", "TableName", r->full));
        return;
    }
    next_table(r);
}

static void on_answer(sd_err_t err, json_t *res, void *ctx)
{
    run_t *r = ctx;
    const char *ttl = json_string_value(json_object_get(r->spec, "ttl_attribute"));
    switch (r->state) {
    case ST_DESCRIBE:
        if (err == SD_ERR_NOT_FOUND) {
            r->state = ST_CREATE;
            call(r, "CreateTable", sd_table_spec_create_request(r->spec, r->full));
            return;
        }
        if (err) {
            fail(r, err, "DescribeTable", res);
            return;
        }
        if (!all_active(json_object_get(res, "Table"))) {
            r->state = ST_WAIT;
            uv_timer_start(&r->poll_timer, on_poll_timer, 200, 0);
            return;
        }
        on_table_ready(r, json_object_get(res, "Table"));
        return;
    case ST_CREATE:
        if (err == SD_ERR_EXISTS) { /* created meanwhile by someone else: just wait for it */
            r->state = ST_WAIT;
            on_poll_timer(&r->poll_timer);
            return;
        }
        if (err) {
            fail(r, err, "CreateTable", res);
            return;
        }
        printf("created table %s\n", r->full);
        r->changes++;
        r->table_changes++;
        r->state = ST_WAIT;
        on_poll_timer(&r->poll_timer);
        return;
    case ST_ADD_INDEX:
        if (err) {
            fail(r, err, "UpdateTable", res);
            return;
        }
        r->state = ST_WAIT;
        on_poll_timer(&r->poll_timer);
        return;
    case ST_WAIT:
        if (err) {
            fail(r, err, "DescribeTable", res);
            return;
        }
        if (!all_active(json_object_get(res, "Table"))) {
            if (++r->polls > 1500) {
                fail(r, SD_ERR_UNAVAILABLE, "waiting for ACTIVE", NULL);
                return;
            }
            uv_timer_start(&r->poll_timer, on_poll_timer, 200, 0);
            return;
        }
        on_table_ready(r, json_object_get(res, "Table"));
        return;
    case ST_TTL_DESCRIBE: {
        if (err) {
            fail(r, err, "DescribeTimeToLive", res);
            return;
        }
        const json_t *d = json_object_get(res, "TimeToLiveDescription");
        const char *status = json_string_value(json_object_get(d, "TimeToLiveStatus"));
        const char *attr = json_string_value(json_object_get(d, "AttributeName"));
        if (status && (!strcmp(status, "ENABLED") || !strcmp(status, "ENABLING")) && attr &&
            !strcmp(attr, ttl)) {
            next_table(r);
            return;
        }
        r->state = ST_TTL_UPDATE;
        call(r, "UpdateTimeToLive",
             json_pack("{s:s, s:{s:b, s:s}}", "TableName", r->full, "TimeToLiveSpecification", "Enabled", 1,
                       "AttributeName", ttl));
        return;
    }
    case ST_TTL_UPDATE:
        if (err) {
            fail(r, err, "UpdateTimeToLive", res);
            return;
        }
        printf("enabled TTL on %s.%s\n", r->full, ttl);
        r->changes++;
        r->table_changes++;
        next_table(r);
        return;
    }
}

static void step(run_t *r)
{
    if (!r->iter) return; /* done, or stopped by an error: the loop runs dry */
    r->logical = json_object_iter_key(r->iter);
    r->spec = json_object_iter_value(r->iter);
    sd_dynamo_table(r->db, r->logical, r->full, sizeof r->full);
    r->polls = 0;
    r->table_changes = 0;
    r->state = ST_DESCRIBE;
    call(r, "DescribeTable", json_pack("{s:s}", "TableName", r->full));
}

typedef struct {
    sd_err_t err;
    int status;
    bool done;
} bucket_t;

static void on_bucket(const sd_s3_result_t *res, void *ctx)
{
    bucket_t *b = ctx;
    b->err = res->err;
    b->status = res->status;
    b->done = true;
}

/* Creates the media bucket (S3_BUCKET) if it is not there; an exit code. */
static int create_bucket(const sd_config_t *cfg)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    bucket_t b = {.err = SD_ERR_INTERNAL};
    int rc = 1;
    const char *where = cfg->s3_endpoint[0] ? cfg->s3_endpoint : "aws";
    sd_s3_t *s3 = sd_s3_new_from_config(&loop, cfg);
    if (!s3) {
        fprintf(stderr, "init-db: the object store settings (S3_*) are not usable\n");
        goto out;
    }
    sd_err_t err = sd_s3_create_bucket(s3, on_bucket, &b);
    if (err == SD_OK)
        uv_run(&loop, UV_RUN_DEFAULT);
    else
        b.err = err;
    sd_s3_close(s3);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (b.err == SD_OK) {
        printf("init-db: bucket %s ready at %s\n", cfg->s3_bucket, where);
        rc = 0;
    } else if (b.status == 403 || b.status == 401) {
        fprintf(stderr,
                "init-db: the object store at %s refused the credentials (HTTP %d) creating bucket %s\n",
                where, b.status, cfg->s3_bucket);
    } else if (b.status) {
        fprintf(stderr, "init-db: the object store at %s refused to create bucket %s (HTTP %d)\n", where,
                cfg->s3_bucket, b.status);
    } else {
        fprintf(stderr, "init-db: the object store at %s is unreachable: bucket %s not created (%s)\n", where,
                cfg->s3_bucket, sd_err_name(b.err));
    }
out:
    uv_loop_close(&loop);
    return rc;
}

int sd_init_db_main(const sd_config_t *cfg, const char *tables_file)
{
    char err[512];
    json_t *tables = sd_table_spec_load(tables_file, err, sizeof err);
    if (!tables) {
        fprintf(stderr, "init-db: %s\n", err);
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    run_t r = {.tables = tables, .result = SD_OK};
    r.db = sd_dynamo_new_from_config(&loop, cfg);
    int rc = 1;
    if (!r.db) goto out;
    uv_timer_init(&loop, &r.poll_timer);
    r.poll_timer.data = &r;
    r.iter = json_object_iter(tables);
    step(&r);
    uv_run(&loop, UV_RUN_DEFAULT); /* runs until the last call has answered */
    sd_dynamo_close(r.db);
    uv_close((uv_handle_t *)&r.poll_timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (r.result == SD_OK) {
        if (r.changes == 0)
            printf("init-db: all %zu tables up to date, nothing changed\n", json_object_size(tables));
        else
            printf("init-db: %d change(s) made to %zu tables\n", r.changes, json_object_size(tables));
        rc = create_bucket(cfg);
    }
out:
    uv_loop_close(&loop);
    json_decref(tables);
    return rc;
}
