/*
 * The raw ceiling of the message send path: the same DynamoDB writes POST /channels/{id}/messages makes (one
 * TransactWriteItems: Put the message, move the channel's last_message_id), issued straight through db/dynamo
 * with a fixed number in flight, for a fixed time. Prints one JSON line: writes per second, p50 and p99
 * latency.
 *
 *   bench_dynamo_writes ENDPOINT TABLE_PREFIX CHANNEL_ID GUILD_ID AUTHOR_ID CONCURRENCY SECONDS
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dynamo.h"
#include "repositories/message_repo.h"
#include "services/snowflake.h"

typedef struct {
    uv_loop_t *loop;
    sd_dynamo_t *db;
    sd_snowflake_t ids;
    const char *channel, *guild, *author;
    uint64_t deadline;
    uint64_t *latencies;
    size_t count, cap;
    int errors, in_flight;
} bench_t;

typedef struct {
    bench_t *b;
    uint64_t started;
} one_t;

static void issue(bench_t *b);

static void on_written(sd_err_t err, json_t *res, void *ctx)
{
    one_t *o = ctx;
    bench_t *b = o->b;
    b->in_flight--;
    if (err)
        b->errors++;
    else if (b->count < b->cap)
        b->latencies[b->count++] = uv_hrtime() - o->started;
    free(o);
    if (uv_hrtime() < b->deadline) issue(b);
}

static void issue(bench_t *b)
{
    one_t *o = malloc(sizeof *o);
    if (!o) return;
    *o = (one_t){b, uv_hrtime()};
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, sd_snowflake_next(&b->ids));
    json_t *m =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:[], s:[], s:b, s:b, s:i, s:{}}", "id", id,
                  "channel_id", b->channel, "guild_id", b->guild, "author_id", b->author, "content",
                  "benchmark message", "timestamp", "2026-01-01T00:00:00.000000+00:00", "edited_timestamp",
                  "mentions", "mention_roles", "mention_everyone", 0, "pinned", 0, "type", 0, "reactions");
    b->in_flight++;
    if (sd_message_repo_create(b->db, m, NULL, 0, on_written, o) != SD_OK) {
        b->in_flight--;
        b->errors++;
        free(o);
    }
}

static int cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, c = *(const uint64_t *)y;
    return a < c ? -1 : a > c;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s ENDPOINT TABLE_PREFIX CHANNEL_ID GUILD_ID AUTHOR_ID CONCURRENCY SECONDS\n",
                argv[0]);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_dynamo_options_t o = {.endpoint = argv[1],
                             .region = "us-east-1",
                             .access_key_id = "local",
                             .secret_access_key = "local",
                             .table_prefix = argv[2]};
    bench_t b = {.loop = &loop, .channel = argv[3], .guild = argv[4], .author = argv[5], .cap = 10000000};
    b.db = sd_dynamo_new(&loop, &o);
    b.latencies = malloc(b.cap * sizeof *b.latencies);
    sd_snowflake_init(&b.ids, 1023);
    int concurrency = atoi(argv[6]);
    double seconds = atof(argv[7]);
    uint64_t start = uv_hrtime();
    b.deadline = start + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < concurrency; i++)
        issue(&b);
    while (b.in_flight > 0)
        uv_run(&loop, UV_RUN_ONCE);
    double elapsed = (double)(uv_hrtime() - start) / 1e9;
    qsort(b.latencies, b.count, sizeof *b.latencies, cmp);
    double p50 = b.count ? (double)b.latencies[b.count / 2] / 1e6 : 0;
    double p99 = b.count ? (double)b.latencies[(size_t)((double)b.count * 0.99)] / 1e6 : 0;
    printf("{\"writes\": %zu, \"errors\": %d, \"seconds\": %.3f, \"per_second\": %.1f, \"p50_ms\": %.2f, "
           "\"p99_ms\": %.2f}\n",
           b.count, b.errors, elapsed, (double)b.count / elapsed, p50, p99);
    sd_dynamo_close(b.db);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(b.latencies);
    curl_global_cleanup();
    return b.errors ? 1 : 0;
}
