/*
 * What the live tests of db/s3 share (tests/integration/test_s3_*.c): one loop and one client per test on the
 * SeaweedFS that SD_TEST_S3_ENDPOINT names, with SD_TEST_S3_BUCKET, a bucket no one else uses; the
 * credentials are "local"/"local"; SD_TEST_S3_VIRTUAL_HOSTED=1 addresses it as <bucket>.localhost
 * (tests/e2e/test_object_store.py runs these both ways).
 */
#ifndef SD_TESTS_S3_LIVE_H
#define SD_TESTS_S3_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "db/s3.h"

typedef struct {
    int done;
    sd_s3_result_t r;
    char etag[256], upload_id[512], content_type[128], content_range[128];
    char *body;
    size_t len, cap;
    int heads, pieces, pause_every;
    bool paused_now; /* data arrived while paused: a broken promise */
    int broken;
    sd_s3_get_t *g;
    uv_timer_t resume; /* with pause_every: resumes from the loop, as a drained client socket would */
} answer_t;

extern uv_loop_t loop;
extern sd_s3_t *s3;

/* Callbacks that record into an answer_t (ctx). */
void on_done(const sd_s3_result_t *r, void *ctx);
void on_head(const sd_s3_result_t *r, void *ctx);
/* Appends to a->body (malloc'd: the test frees it); with pause_every, pauses and resumes from the loop. */
int on_data(const char *data, size_t len, void *ctx);
/* Keeps get_all's body in a->body (the test frees it). */
void on_body(const sd_s3_result_t *r, char *body, size_t len, void *ctx);
/* Runs the loop until a's call has answered, and checks it answered once. */
void wait_done(answer_t *a);
/* A new client of the test bucket at endpoint (sd_s3_close it). */
sd_s3_t *client(const char *endpoint, const char *secret, long deadline_ms);
/* A temporary file of n pseudo-random bytes: its fd, and the bytes in *bytes (malloc'd). */
int temp_file(size_t n, unsigned seed, char **bytes);
/* "http://127.0.0.1:<port>" of a loopback port: listening (a store that never answers) or not (nothing
 * there); *sock is the listening socket to close, or -1. */
void loopback_endpoint(bool listening, char *out, size_t cap, int *sock);
void s3_live_setup(void);
void s3_live_teardown(void);

#endif
