/* services/upload against a store of the test's own (the sd_upload_store_* calls are wrapped at link time:
   -Wl,--wrap in CMakeLists.txt), on a real loop and real spool files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_server.h"
#include "services/upload.h"
#include "services/upload_store.h"

#define MAX_OBJECTS 32

typedef struct {
    char key[256];
    char type[64];
    char *data;
    size_t len;
    bool uploading; /* a multipart upload not completed */
    char *parts[16];
    size_t part_len[16];
} object_t;

static struct {
    object_t obj[MAX_OBJECTS];
    int calls;
    int fail_at;   /* the call (1-based) whose answer is a failure; 0: none */
    bool fail_all; /* every answer is a failure */
    int in_flight, max_in_flight;
    int deletes, aborts;
} fake;

static uv_loop_t loop;
static sd_config_t cfg;
static sd_app_t app;

typedef struct {
    uv_timer_t t;
    sd_upload_store_fn done;
    void *ctx;
    sd_err_t err;
    char value[64];
} answer_t;

static void on_answer_closed(uv_handle_t *h)
{
    free(h->data);
}

static void on_answer(uv_timer_t *t)
{
    answer_t *a = t->data;
    fake.in_flight--;
    a->done(a->err, a->value[0] ? a->value : NULL, a->ctx);
    uv_close((uv_handle_t *)&a->t, on_answer_closed);
}

/* Answers later, from the loop; err unless this is the call set to fail. */
static sd_err_t answer(sd_err_t err, const char *value, sd_upload_store_fn done, void *ctx)
{
    answer_t *a = calloc(1, sizeof *a);
    a->done = done;
    a->ctx = ctx;
    a->err = ++fake.calls == fake.fail_at || fake.fail_all ? SD_ERR_UNAVAILABLE : err;
    snprintf(a->value, sizeof a->value, "%s", value ? value : "");
    uv_timer_init(&loop, &a->t);
    a->t.data = a;
    uv_timer_start(&a->t, on_answer, 1, 0);
    if (++fake.in_flight > fake.max_in_flight) fake.max_in_flight = fake.in_flight;
    return SD_OK;
}

static object_t *find(const char *key, bool create)
{
    for (int i = 0; i < MAX_OBJECTS; i++)
        if (fake.obj[i].key[0] && !strcmp(fake.obj[i].key, key)) return &fake.obj[i];
    for (int i = 0; create && i < MAX_OBJECTS; i++)
        if (!fake.obj[i].key[0]) {
            snprintf(fake.obj[i].key, sizeof fake.obj[i].key, "%s", key);
            return &fake.obj[i];
        }
    return NULL;
}

static char *read_region(int fd, int64_t off, size_t len)
{
    char *b = malloc(len + 1);
    cr_assert_eq(pread(fd, b, len, off), (ssize_t)len);
    return b;
}

static void drop(object_t *o)
{
    free(o->data);
    for (int i = 0; i < 16; i++)
        free(o->parts[i]);
    memset(o, 0, sizeof *o);
}

sd_err_t __wrap_sd_upload_store_put(sd_app_t *a, const char *key, const char *type, int fd, int64_t off,
                                    size_t len, sd_upload_store_fn done, void *ctx)
{
    object_t *o = find(key, true);
    snprintf(o->type, sizeof o->type, "%s", type);
    free(o->data);
    o->data = read_region(fd, off, len);
    o->len = len;
    return answer(SD_OK, "\"etag\"", done, ctx);
}

sd_err_t __wrap_sd_upload_store_begin(sd_app_t *a, const char *key, const char *type, sd_upload_store_fn done,
                                      void *ctx)
{
    object_t *o = find(key, true);
    snprintf(o->type, sizeof o->type, "%s", type);
    o->uploading = true;
    return answer(SD_OK, "upload-1", done, ctx);
}

sd_err_t __wrap_sd_upload_store_part(sd_app_t *a, const char *key, const char *upload_id, int part, int fd,
                                     int64_t off, size_t len, sd_upload_store_fn done, void *ctx)
{
    object_t *o = find(key, false);
    cr_assert(o && o->uploading && !strcmp(upload_id, "upload-1") && part >= 1 && part <= 16);
    o->parts[part - 1] = read_region(fd, off, len);
    o->part_len[part - 1] = len;
    char etag[32];
    snprintf(etag, sizeof etag, "\"p%d\"", part);
    return answer(SD_OK, etag, done, ctx);
}

sd_err_t __wrap_sd_upload_store_complete(sd_app_t *a, const char *key, const char *upload_id,
                                         const char *const *etags, int count, sd_upload_store_fn done,
                                         void *ctx)
{
    object_t *o = find(key, false);
    cr_assert(o && o->uploading);
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        char want[32];
        snprintf(want, sizeof want, "\"p%d\"", i + 1);
        cr_assert_str_eq(etags[i], want);
        total += o->part_len[i];
    }
    o->data = malloc(total + 1);
    o->len = 0;
    for (int i = 0; i < count; i++) {
        memcpy(o->data + o->len, o->parts[i], o->part_len[i]);
        o->len += o->part_len[i];
    }
    o->uploading = false;
    return answer(SD_OK, NULL, done, ctx);
}

sd_err_t __wrap_sd_upload_store_abort(sd_app_t *a, const char *key, const char *upload_id,
                                      sd_upload_store_fn done, void *ctx)
{
    object_t *o = find(key, false);
    if (o && o->uploading) drop(o);
    fake.aborts++;
    return answer(SD_OK, NULL, done, ctx);
}

sd_err_t __wrap_sd_upload_store_delete(sd_app_t *a, const char *key, sd_upload_store_fn done, void *ctx)
{
    object_t *o = find(key, false);
    if (o && !fake.fail_all) drop(o);
    fake.deletes++;
    return answer(SD_OK, NULL, done, ctx);
}

static int objects(void)
{
    int n = 0;
    for (int i = 0; i < MAX_OBJECTS; i++)
        n += fake.obj[i].key[0] != 0;
    return n;
}

static void setup(void)
{
    uv_loop_init(&loop);
    memset(&fake, 0, sizeof fake);
    cfg = (sd_config_t){.http_max_body_bytes = 1 << 20, .s3_part_bytes = 5 << 20};
    app = (sd_app_t){.loop = &loop, .cfg = &cfg};
}

static void teardown(void)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    for (int i = 0; i < MAX_OBJECTS; i++)
        drop(&fake.obj[i]);
    uv_loop_close(&loop);
}

static sd_err_t key_fn(const sd_upload_file_t *f, char *out, size_t cap, void *ctx)
{
    snprintf(out, cap, "attachments/1/%d/%s", f->index, f->filename);
    return SD_OK;
}

typedef struct {
    bool called;
    sd_err_t err;
    sd_upload_t *up;
} result_t;

static void on_done(sd_upload_t *up, sd_err_t err, void *ctx)
{
    result_t *r = ctx;
    cr_assert_not(r->called);
    r->called = true;
    r->err = err;
    r->up = up;
}

/* Runs an upload of body (spooled to a file when spooled) and waits for its end. */
static result_t run(const char *body, size_t n, bool spooled, const sd_upload_limits_t *lim)
{
    static sd_request_t req;
    req = (sd_request_t){.body = "", .body_fd = -1, .query = ""};
    req.headers[0] = (sd_http_pair_t){"Content-Type", "multipart/form-data; boundary=XyZ"};
    req.header_count = 1;
    if (spooled) {
        req.body_fd = sd_http_spool_open(NULL);
        cr_assert_eq(sd_http_spool_write(req.body_fd, body, n), 0);
        req.body_spooled = true;
    } else {
        req.body = body;
    }
    req.body_len = n;
    sd_upload_limits_t def = {.max_file_bytes = 25 << 20, .max_total_bytes = 25 << 20, .max_files = 10};
    result_t r = {0};
    cr_assert_eq(sd_upload_receive(&app, &req, lim ? lim : &def, key_fn, on_done, &r), SD_OK);
    cr_assert_not(r.called); /* never from inside the call */
    while (!r.called)
        uv_run(&loop, UV_RUN_ONCE);
    if (spooled) close(req.body_fd); /* the request's end: the upload keeps its own */
    return r;
}

/* A body of text fields and files (name, filename or NULL, data, len). */
static char *build(size_t *n, int count, const char *const *names, const char *const *filenames,
                   const char *const *datas, const size_t *lens)
{
    size_t cap = 1024;
    for (int i = 0; i < count; i++)
        cap += lens[i] + 256;
    char *b = malloc(cap);
    size_t o = 0;
    for (int i = 0; i < count; i++) {
        o += (size_t)snprintf(b + o, cap - o, "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"",
                              names[i]);
        if (filenames[i]) o += (size_t)snprintf(b + o, cap - o, "; filename=\"%s\"", filenames[i]);
        o += (size_t)snprintf(b + o, cap - o, "\r\n\r\n");
        memcpy(b + o, datas[i], lens[i]);
        o += lens[i];
        o += (size_t)snprintf(b + o, cap - o, "\r\n");
    }
    o += (size_t)snprintf(b + o, cap - o, "--XyZ--\r\n");
    *n = o;
    return b;
}

Test(upload, payload_and_small_files_are_stored, .init = setup, .fini = teardown)
{
    const char *names[] = {"payload_json", "files[0]", "files[1]"};
    const char *fns[] = {NULL, "a.txt", "empty.bin"};
    const char *datas[] = {"{\"content\":\"hi\"}", "hello\r\n--Xy-not-a-delimiter", ""};
    size_t lens[] = {16, 26, 0};
    for (int spooled = 0; spooled < 2; spooled++) {
        size_t n;
        char *body = build(&n, 3, names, fns, datas, lens);
        result_t r = run(body, n, spooled, NULL);
        free(body);
        cr_assert_eq(r.err, SD_OK, "%s", r.up->detail);
        cr_assert_str_eq(json_string_value(json_object_get(r.up->payload, "content")), "hi");
        cr_assert_eq(r.up->nfiles, 2);
        cr_assert_str_eq(r.up->files[0].key, "attachments/1/0/a.txt");
        cr_assert_eq(r.up->files[0].size, 26);
        cr_assert_eq(r.up->files[1].size, 0);
        char buf[32];
        cr_assert_eq(pread(r.up->files[0].fd, buf, 26, r.up->files[0].off), 26);
        cr_assert_eq(memcmp(buf, datas[1], 26), 0);
        object_t *o = find("attachments/1/0/a.txt", false);
        cr_assert(o && o->len == 26 && !memcmp(o->data, datas[1], 26));
        cr_assert_eq(find("attachments/1/1/empty.bin", false)->len, 0);
        sd_upload_discard(&app, r.up);
        sd_upload_free(r.up);
        uv_run(&loop, UV_RUN_DEFAULT);
        cr_assert_eq(objects(), 0);
    }
}

Test(upload, text_fields_without_payload_json, .init = setup, .fini = teardown)
{
    const char *names[] = {"content", "file"};
    const char *fns[] = {NULL, NULL};
    const char *datas[] = {"plain", "xyz"};
    size_t lens[] = {5, 3};
    size_t n;
    char *body = build(&n, 2, names, fns, datas, lens);
    result_t r = run(body, n, true, NULL);
    free(body);
    cr_assert_eq(r.err, SD_OK);
    cr_assert_str_eq(json_string_value(json_object_get(r.up->payload, "content")), "plain");
    cr_assert_eq(r.up->nfiles, 1);
    cr_assert_str_eq(r.up->files[0].field, "file");
    cr_assert_str_eq(r.up->files[0].filename, "");
    sd_upload_free(r.up);
}

Test(upload, a_large_file_goes_in_parts, .init = setup, .fini = teardown)
{
    size_t big = (12u << 20) + 3;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 7 + (i >> 13));
    const char *names[] = {"files[0]", "files[1]", "files[2]"};
    const char *fns[] = {"big.bin", "b.txt", "c.txt"};
    const char *datas[] = {data, "b", "c"};
    size_t lens[] = {big, 1, 1};
    size_t n;
    char *body = build(&n, 3, names, fns, datas, lens);
    result_t r = run(body, n, true, NULL);
    free(body);
    cr_assert_eq(r.err, SD_OK);
    object_t *o = find("attachments/1/0/big.bin", false);
    cr_assert(o && o->len == big && !memcmp(o->data, data, big));
    cr_assert_leq(fake.max_in_flight, 4);
    cr_assert_eq(fake.calls, 1 + 3 + 1 + 2);
    free(data);
    sd_upload_free(r.up);
}

Test(upload, limits_give_too_large, .init = setup, .fini = teardown)
{
    const char *names[] = {"files[0]", "files[1]", "files[2]"};
    const char *fns[] = {"a", "b", "c"};
    const char *datas[] = {"0123456789", "0123456789", "x"};
    size_t lens[] = {10, 10, 1};
    size_t n;
    char *body = build(&n, 3, names, fns, datas, lens);
    sd_upload_limits_t per_file = {.max_file_bytes = 9, .max_total_bytes = 100, .max_files = 10};
    sd_upload_limits_t total = {.max_file_bytes = 10, .max_total_bytes = 15, .max_files = 10};
    sd_upload_limits_t count = {.max_file_bytes = 10, .max_total_bytes = 100, .max_files = 2};
    const sd_upload_limits_t *all[] = {&per_file, &total, &count};
    for (int i = 0; i < 3; i++) {
        result_t r = run(body, n, true, all[i]);
        cr_assert_eq(r.err, SD_ERR_TOO_LARGE, "limit %d", i);
        cr_assert_neq(r.up->detail[0], '\0');
        sd_upload_free(r.up);
    }
    free(body);
    cr_assert_eq(fake.calls, 0);
}

Test(upload, bad_bodies_are_invalid, .init = setup, .fini = teardown)
{
    static const char *bad[] = {
        "--XyZ\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{not json\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=a\r\n\r\nabc",
        "garbage",
        "--XyZ\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=a\r\n\r\n1\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=b\r\n\r\n2\r\n--XyZ--",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        result_t r = run(bad[i], strlen(bad[i]), i % 2, NULL);
        cr_assert_eq(r.err, SD_ERR_INVALID, "body %zu", i);
        cr_assert_neq(r.up->detail[0], '\0');
        sd_upload_free(r.up);
    }
    cr_assert_eq(fake.calls, 0);
    sd_request_t req = {.body = "", .body_fd = -1, .query = ""};
    req.headers[0] = (sd_http_pair_t){"Content-Type", "application/json"};
    req.header_count = 1;
    sd_upload_limits_t lim = {1, 1, 1};
    cr_assert_eq(sd_upload_receive(&app, &req, &lim, key_fn, on_done, NULL), SD_ERR_INVALID);
}

Test(upload, a_store_failure_leaves_nothing, .init = setup, .fini = teardown)
{
    size_t big = (11u << 20);
    char *data = calloc(1, big);
    const char *names[] = {"files[0]", "files[1]"};
    const char *fns[] = {"a", "big"};
    const char *datas[] = {"a", data};
    size_t lens[] = {1, big};
    size_t n;
    char *body = build(&n, 2, names, fns, datas, lens);
    for (int at = 1; at <= 6; at++) {
        fake.calls = 0;
        fake.fail_at = at;
        result_t r = run(body, n, true, NULL);
        cr_assert_eq(r.err, SD_ERR_UNAVAILABLE, "failing call %d", at);
        sd_upload_free(r.up);
        fake.fail_at = 0;
        uv_run(&loop, UV_RUN_DEFAULT); /* the cleanup */
        cr_assert_eq(objects(), 0, "failing call %d", at);
    }
    free(body);
    free(data);
}

Test(upload, objects_are_stored_with_the_type_their_bytes_say, .init = setup, .fini = teardown)
{
    const char *names[] = {"files[0]", "files[1]", "files[2]"};
    const char *fns[] = {"lies.txt", "x.gif", "y.png"};
    const char *datas[] = {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "GIF89a\1\0\1\0", "plain text, not a PNG"};
    size_t lens[] = {16, 10, 21};
    size_t n;
    char *body = build(&n, 3, names, fns, datas, lens);
    result_t r = run(body, n, true, NULL);
    free(body);
    cr_assert_eq(r.err, SD_OK);
    cr_assert_str_eq(find("attachments/1/0/lies.txt", false)->type, "image/png");
    cr_assert_str_eq(find("attachments/1/1/x.gif", false)->type, "image/gif");
    cr_assert_str_eq(find("attachments/1/2/y.png", false)->type, "application/octet-stream");
    sd_upload_free(r.up);
}

Test(upload, a_discard_the_store_keeps_refusing_ends, .init = setup, .fini = teardown)
{
    const char *names[] = {"files[0]", "files[1]"};
    const char *fns[] = {"a", "b"};
    const char *datas[] = {"1", "2"};
    size_t lens[] = {1, 1};
    size_t n;
    char *body = build(&n, 2, names, fns, datas, lens);
    result_t r = run(body, n, true, NULL);
    free(body);
    cr_assert_eq(r.err, SD_OK);
    fake.fail_all = true;
    sd_upload_discard(&app, r.up);
    sd_upload_free(r.up);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(fake.deletes, 2 * 3, "three tries per object, then given up");
    cr_assert_eq(uv_loop_alive(&loop), 0);
}
