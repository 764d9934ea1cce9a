/*
 * The object store client's own upload ceiling, for bench/bench_media.py: PUTs a file through db/s3 `rounds`
 * times, whole (put_file) or in parts of part_bytes sent at once (multipart), and prints one JSON line with
 * the MiB/s. Usage: bench_s3_put ENDPOINT BUCKET FILE put|multipart ROUNDS [PART_BYTES]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/s3.h"

typedef struct {
    int left;
    sd_err_t err;
    char etags[64][128];
    char upload_id[512];
} run_t;

static void on_done(const sd_s3_result_t *r, void *ctx)
{
    run_t *run = ctx;
    if (r->err) run->err = r->err;
    if (r->upload_id) snprintf(run->upload_id, sizeof run->upload_id, "%s", r->upload_id);
    run->left--;
}

typedef struct {
    run_t *run;
    int part;
} part_t;

static void on_part(const sd_s3_result_t *r, void *ctx)
{
    part_t *p = ctx;
    if (r->etag) snprintf(p->run->etags[p->part], sizeof p->run->etags[0], "%s", r->etag);
    on_done(r, p->run);
}

static void wait_all(uv_loop_t *loop, run_t *run)
{
    while (run->left > 0)
        uv_run(loop, UV_RUN_ONCE);
    if (run->err) {
        fprintf(stderr, "store call failed: %s\n", sd_err_name(run->err));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s ENDPOINT BUCKET FILE put|multipart ROUNDS [PART_BYTES]\n", argv[0]);
        return 2;
    }
    int fd = open(argv[3], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return 2;
    size_t size = (size_t)st.st_size, part_bytes = argc > 6 ? (size_t)atol(argv[6]) : 8u << 20;
    int multipart = !strcmp(argv[4], "multipart"), rounds = atoi(argv[5]);
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_s3_options_t o = {.endpoint = argv[1],
                         .bucket = argv[2],
                         .region = "us-east-1",
                         .access_key_id = "local",
                         .secret_access_key = "local",
                         .call_deadline_ms = 120000,
                         .max_concurrency = 32,
                         .max_queue = 1024};
    sd_s3_t *s3 = sd_s3_new(&loop, &o);
    if (!s3) return 2;
    uv_update_time(&loop);
    uint64_t t0 = uv_now(&loop);
    for (int i = 0; i < rounds; i++) {
        char key[64];
        snprintf(key, sizeof key, "bench/s3-put-%d-%d", (int)getpid(), i);
        run_t run = {.left = 1};
        if (!multipart) {
            sd_s3_put_file(s3, key, NULL, fd, 0, size, on_done, &run);
            wait_all(&loop, &run);
            continue;
        }
        sd_s3_multipart_begin(s3, key, NULL, on_done, &run);
        wait_all(&loop, &run);
        int parts = (int)((size + part_bytes - 1) / part_bytes);
        if (parts > 64) return 2;
        part_t ps[64];
        run.left = parts;
        for (int p = 0; p < parts; p++) {
            ps[p] = (part_t){&run, p};
            size_t off = (size_t)p * part_bytes, len = size - off < part_bytes ? size - off : part_bytes;
            sd_s3_multipart_part(s3, key, run.upload_id, p + 1, fd, (off_t)off, len, on_part, &ps[p]);
        }
        wait_all(&loop, &run);
        const char *etags[64];
        for (int p = 0; p < parts; p++)
            etags[p] = run.etags[p];
        run.left = 1;
        sd_s3_multipart_complete(s3, key, run.upload_id, etags, parts, on_done, &run);
        wait_all(&loop, &run);
    }
    uv_update_time(&loop);
    double secs = (double)(uv_now(&loop) - t0) / 1000.0;
    printf(
        "{\"mode\": \"%s\", \"rounds\": %d, \"bytes\": %zu, \"seconds\": %.3f, \"mib_per_second\": %.1f}\n",
        argv[4], rounds, size, secs, (double)size * rounds / (1 << 20) / secs);
    sd_s3_close(s3);
    uv_run(&loop, UV_RUN_DEFAULT);
    close(fd);
    return 0;
}
