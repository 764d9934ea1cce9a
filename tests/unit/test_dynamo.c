#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dynamo.h"
#include "db/dynamo_sigv4.h"
#include "db/item.h"

static sd_err_t classify(long status, const char *body, int *retry)
{
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    sd_err_t e = sd_dynamo_classify(status, j, retry);
    json_decref(j);
    return e;
}

Test(dynamo, maps_errors_like_the_sdks)
{
    struct {
        long status;
        const char *body;
        sd_err_t err;
        int retry;
    } cases[] = {
        {200, "{}", SD_OK, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\"}",
         SD_ERR_CONFLICT, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"}", SD_ERR_NOT_FOUND,
         0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceInUseException\"}", SD_ERR_EXISTS, 0},
        {400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\"}", SD_ERR_INVALID, 0},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}",
         SD_ERR_THROTTLED, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"}", SD_ERR_THROTTLED, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#RequestLimitExceeded\"}", SD_ERR_THROTTLED, 1},
        {500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}", SD_ERR_UNAVAILABLE, 1},
        {503, "{}", SD_ERR_UNAVAILABLE, 1},
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionConflictException\"}",
         SD_ERR_CONFLICT, 1},
        {400,
         "{\"__type\":\"x#TransactionCanceledException\",\"CancellationReasons\":[{\"Code\":\"None\"},"
         "{\"Code\":\"ConditionalCheckFailed\"}]}",
         SD_ERR_CONFLICT, 0},
        {400,
         "{\"__type\":\"x#TransactionCanceledException\",\"CancellationReasons\":[{\"Code\":\"None\"},"
         "{\"Code\":\"TransactionConflict\"}]}",
         SD_ERR_CONFLICT, 1},
        {400, "{\"__type\":\"x#UnrecognizedClientException\"}", SD_ERR_INTERNAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int retry = -1;
        cr_assert_eq(classify(cases[i].status, cases[i].body, &retry), cases[i].err, "case %zu", i);
        cr_assert_eq(retry, cases[i].retry, "case %zu retry", i);
    }
}

Test(dynamo, attribute_helpers)
{
    json_t *item = json_pack("{s:o, s:o}", "a", sd_item_s("x"), "n", sd_item_n(-42));
    cr_assert_str_eq(sd_item_get_s(item, "a"), "x");
    cr_assert_str_eq(sd_item_get_n(item, "n"), "-42");
    cr_assert_null(sd_item_get_s(item, "n"));
    cr_assert_null(sd_item_get_s(item, "missing"));
    json_decref(item);
}

/* Vectors computed by botocore's SigV4Auth (the reference) for the same request, credentials and time. */
Test(dynamo, sigv4_matches_botocore)
{
    static const char body[] = "{\"TableName\":\"sd-dev-users\",\"Key\":{\"id\":{\"S\":\"1\"}}}";
    sd_sigv4_request_t r = {.region = "us-east-1",
                            .service = "dynamodb",
                            .access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            .host = "127.0.0.1:8000",
                            .target = "DynamoDB_20120810.GetItem",
                            .body = body,
                            .body_len = sizeof body - 1};
    char date[SD_SIGV4_DATE_LEN], auth[512];
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_OK);
    cr_assert_str_eq(date, "20150830T123600Z");
    cr_assert_str_eq(auth,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                     "Signature=6f3238672fbeebb0c3ab3ce11cf2f04884eb8c22443ac0e4e1c88721e6ea7fa9");
    r.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_OK);
    cr_assert_str_eq(auth,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
                     "Signature=abbec77bf375a23c5a9b06e2fcec75514edc574d6e013aa8acada5b24a58e92a");
    r.target = "DynamoDB_20120810.GetItem\r\nX-Evil: 1";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, sizeof auth), SD_ERR_INVALID,
                 "no header injection");
    r.target = "DynamoDB_20120810.GetItem";
    cr_assert_eq(sd_sigv4_sign(&r, 1440938160, date, auth, 40), SD_ERR_INVALID, "too small a buffer");
}

/* ---- the cap, the queue, deadlines and cancellation, against a fake DynamoDB on the test's own loop ---- */

typedef struct fake fake_t;
typedef struct {
    uv_tcp_t tcp;
    fake_t *f;
    char buf[4096];
    size_t len;
    bool held, closed;
} fconn_t;

struct fake {
    uv_loop_t loop;
    uv_tcp_t listener;
    int port;
    int held, max_held, received;
    int order[64];        /* the "n" of each request, in the order they arrived */
    fconn_t *waiting[64]; /* requests held, oldest first */
    int nwaiting;
    fconn_t *conns[64];
    int nconns;
};

static fake_t fk;

static void fake_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    fconn_t *c = h->data;
    (void)suggested;
    *buf = uv_buf_init(c->buf + c->len, (unsigned)(sizeof c->buf - c->len - 1));
}

static void fake_unhold(fconn_t *c)
{
    for (int i = 0; i < c->f->nwaiting; i++)
        if (c->f->waiting[i] == c) {
            memmove(&c->f->waiting[i], &c->f->waiting[i + 1], (size_t)(c->f->nwaiting - i - 1) * sizeof c);
            c->f->nwaiting--;
            c->f->held--;
            c->held = false;
            return;
        }
}

static void fake_written(uv_write_t *w, int status)
{
    (void)status;
    free(w->data);
    free(w);
}

static void fake_send(fconn_t *c, const char *status, const char *body)
{
    char out[512];
    int n =
        snprintf(out, sizeof out,
                 "HTTP/1.1 %s\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: %zu\r\n\r\n%s",
                 status, strlen(body), body);
    uv_write_t *w = malloc(sizeof *w);
    char *copy = malloc((size_t)n);
    memcpy(copy, out, (size_t)n);
    uv_buf_t b = uv_buf_init(copy, (unsigned)n);
    w->data = copy;
    uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, fake_written);
}

static void fake_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    fconn_t *c = s->data;
    (void)buf;
    if (n < 0) {
        fake_unhold(c);
        if (!c->closed) uv_close((uv_handle_t *)&c->tcp, NULL);
        c->closed = true;
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *end = strstr(c->buf, "\r\n\r\n");
    const char *cl = strstr(c->buf, "Content-Length:");
    if (!end || !cl) return;
    size_t body_len = strtoul(cl + 15, NULL, 10);
    if (c->len < (size_t)(end + 4 - c->buf) + body_len) return;
    const char *num = strstr(end, "\"n\":");
    fake_t *f = c->f;
    f->order[f->received++ % 64] = num ? atoi(num + 4) : -1;
    bool fail = strstr(end, "fail") != NULL;
    c->len = 0;
    if (fail) {
        fake_send(c, "500 Internal Server Error", "{\"__type\":\"x#InternalServerError\"}");
        return;
    }
    c->held = true;
    f->waiting[f->nwaiting++] = c;
    if (++f->held > f->max_held) f->max_held = f->held;
}

static void fake_accept(uv_stream_t *l, int status)
{
    (void)status;
    fconn_t *c = calloc(1, sizeof *c);
    c->f = &fk;
    uv_tcp_init(&fk.loop, &c->tcp);
    c->tcp.data = c;
    uv_accept(l, (uv_stream_t *)&c->tcp);
    uv_read_start((uv_stream_t *)&c->tcp, fake_alloc, fake_read);
    fk.conns[fk.nconns++] = c;
}

/* Answers the oldest request held with 200 {}. */
static void fake_answer_oldest(void)
{
    cr_assert_gt(fk.nwaiting, 0);
    fconn_t *c = fk.waiting[0];
    fake_unhold(c);
    fake_send(c, "200 OK", "{}");
}

static sd_dynamo_t *fake_client(int max_concurrency, long max_queue, long deadline_ms)
{
    memset(&fk, 0, sizeof fk);
    uv_loop_init(&fk.loop);
    uv_tcp_init(&fk.loop, &fk.listener);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    cr_assert_eq(uv_tcp_bind(&fk.listener, (const struct sockaddr *)&addr, 0), 0);
    cr_assert_eq(uv_listen((uv_stream_t *)&fk.listener, 64, fake_accept), 0);
    struct sockaddr_in bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&fk.listener, (struct sockaddr *)&bound, &len);
    fk.port = ntohs(bound.sin_port);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", fk.port);
    sd_dynamo_options_t o = {.endpoint = endpoint,
                             .region = "us-east-1",
                             .access_key_id = "k",
                             .secret_access_key = "s",
                             .max_attempts = 3,
                             .base_delay_ms = 2000,
                             .max_delay_ms = 2000,
                             .call_deadline_ms = deadline_ms,
                             .max_concurrency = max_concurrency,
                             .max_queue = max_queue};
    sd_dynamo_t *db = sd_dynamo_new(&fk.loop, &o);
    cr_assert_not_null(db);
    return db;
}

/* Closes the client and the fake; every handle must be gone after (uv_loop_close would say otherwise). */
static void fake_done(sd_dynamo_t *db)
{
    sd_dynamo_close(db);
    for (int i = 0; i < fk.nconns; i++)
        if (!fk.conns[i]->closed) {
            fk.conns[i]->closed = true;
            uv_close((uv_handle_t *)&fk.conns[i]->tcp, NULL);
        }
    uv_close((uv_handle_t *)&fk.listener, NULL);
    uv_run(&fk.loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&fk.loop), 0, "a handle was left open");
    for (int i = 0; i < fk.nconns; i++)
        free(fk.conns[i]);
}

typedef struct {
    int done;
    sd_err_t err;
    int *order, *n_done, id;
    uint64_t at_ns;
} fanswer_t;

static void on_fake_answer(sd_err_t err, json_t *res, void *ctx)
{
    fanswer_t *a = ctx;
    (void)res;
    a->done++;
    a->err = err;
    a->at_ns = uv_hrtime();
    if (a->order) a->order[(*a->n_done)++] = a->id;
}

static sd_err_t fake_call(sd_dynamo_t *db, int n, const char *extra, fanswer_t *a)
{
    return sd_dynamo_call(db, "PutItem", json_pack("{s:i, s:s}", "n", n, "x", extra ? extra : ""),
                          on_fake_answer, a);
}

static void run_until(bool (*cond)(void *), void *ctx)
{
    for (int i = 0; i < 100000 && !cond(ctx); i++)
        uv_run(&fk.loop, UV_RUN_ONCE);
    cr_assert(cond(ctx), "the loop ran out of work before the condition held");
}

static bool held_at_least(void *n)
{
    return fk.held >= *(int *)n;
}

static bool all_done(void *ctx)
{
    fanswer_t *a = ctx;
    for (; a->id >= 0; a++)
        if (!a->done) return false;
    return true;
}

Test(dynamo, the_cap_holds_and_the_queue_is_first_in_first_out)
{
    sd_dynamo_t *db = fake_client(2, 10, 20000);
    int finished[6], n_done = 0;
    fanswer_t a[7];
    for (int i = 0; i < 6; i++) {
        a[i] = (fanswer_t){.order = finished, .n_done = &n_done, .id = i};
        cr_assert_eq(fake_call(db, i, NULL, &a[i]), SD_OK);
    }
    a[6] = (fanswer_t){.id = -1};
    sd_dynamo_stats_t st = sd_dynamo_stats(db);
    cr_assert_eq(st.in_flight, 6);
    cr_assert_eq(st.queued, 4, "two may be sent, four wait");
    int two = 2;
    run_until(held_at_least, &two);
    for (int i = 0; i < 20; i++)
        uv_run(&fk.loop, UV_RUN_NOWAIT);
    cr_assert_eq(fk.held, 2, "never more than the cap in flight");
    cr_assert_eq(sd_dynamo_stats(db).sending, 2);
    /* One answer at a time: each frees one slot, which goes to the oldest call waiting. */
    for (int k = 0; k < 4; k++) {
        fake_answer_oldest();
        int want = 2;
        run_until(held_at_least, &want);
    }
    fake_answer_oldest();
    fake_answer_oldest();
    run_until(all_done, a);
    cr_assert_eq(fk.max_held, 2, "the cap held all along");
    cr_assert_eq(fk.received, 6);
    for (int i = 2; i < 6; i++)
        cr_assert_eq(fk.order[i], i, "request %d arrived as the %dth", fk.order[i], i);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(a[i].err, SD_OK);
    cr_assert_eq(sd_dynamo_stats(db).in_flight, 0);
    fake_done(db);
}

Test(dynamo, a_full_queue_refuses_at_once_with_busy)
{
    sd_dynamo_t *db = fake_client(1, 2, 20000);
    fanswer_t a[5] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}, {.id = -1}};
    cr_assert_eq(fake_call(db, 0, NULL, &a[0]), SD_OK);
    cr_assert_eq(fake_call(db, 1, NULL, &a[1]), SD_OK);
    cr_assert_eq(fake_call(db, 2, NULL, &a[2]), SD_OK);
    cr_assert_eq(fake_call(db, 3, NULL, &a[3]), SD_ERR_BUSY, "one sending and two waiting: full");
    cr_assert_eq(sd_dynamo_stats(db).refused, 1);
    cr_assert_eq(sd_api_error_from_err_status(SD_ERR_BUSY), 503);
    a[3].id = -1; /* refused: its callback never runs */
    for (int k = 0; k < 3; k++) {
        int one = 1;
        run_until(held_at_least, &one);
        fake_answer_oldest();
    }
    run_until(all_done, a);
    cr_assert_eq(a[3].done, 0);
    cr_assert_eq(fk.max_held, 1);
    fake_done(db);
}

Test(dynamo, a_call_waiting_past_its_deadline_fails_unavailable_unsent)
{
    sd_dynamo_t *db = fake_client(1, 10, 300);
    fanswer_t a[3] = {{.id = 0}, {.id = 1}, {.id = -1}};
    uint64_t start = uv_hrtime();
    cr_assert_eq(fake_call(db, 0, NULL, &a[0]), SD_OK); /* held by the fake, never answered */
    cr_assert_eq(fake_call(db, 1, NULL, &a[1]), SD_OK); /* waits behind it */
    run_until(all_done, a);
    cr_assert_eq(a[1].err, SD_ERR_UNAVAILABLE);
    cr_assert_eq(a[0].err, SD_ERR_UNAVAILABLE, "the attempt itself stops at the deadline");
    cr_assert_eq(fk.received, 1, "the call that waited was never sent");
    double waited = (double)(a[1].at_ns - start) / 1e6, sent = (double)(a[0].at_ns - start) / 1e6;
    cr_assert(waited >= 250 && waited < 1500, "the queued call ended after %.0f ms", waited);
    cr_assert(sent >= 250 && sent < 1500, "the sent call ended after %.0f ms, not its 10 s attempt", sent);
    fake_done(db);
}

static bool received_at_least(void *n)
{
    return fk.received >= *(int *)n;
}

Test(dynamo, cancel_all_ends_calls_in_curl_in_backoff_and_queued_from_the_loop)
{
    sd_dynamo_t *db = fake_client(1, 10, 60000);
    fanswer_t a[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = -1}};
    cr_assert_eq(fake_call(db, 0, "fail", &a[0]), SD_OK); /* answered 500: waits 0-2 s to retry */
    int one = 1;
    run_until(received_at_least, &one);
    cr_assert_eq(fake_call(db, 1, NULL, &a[1]), SD_OK); /* sent and held */
    cr_assert_eq(fake_call(db, 2, NULL, &a[2]), SD_OK); /* queued */
    run_until(held_at_least, &one);
    sd_dynamo_stats_t st = sd_dynamo_stats(db);
    cr_assert_eq(st.in_flight, 3);
    cr_assert_eq(st.sending, 1);
    sd_dynamo_cancel_all(db);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(a[i].done, 0, "never from inside sd_dynamo_cancel_all");
    cr_assert_eq(sd_dynamo_stats(db).sending, 0);
    fanswer_t late = {.id = 9};
    cr_assert_eq(fake_call(db, 9, NULL, &late), SD_ERR_UNAVAILABLE, "a cancelled client takes no more calls");
    run_until(all_done, a);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(a[i].done, 1, "call %d completed once", i);
        cr_assert_eq(a[i].err, SD_ERR_UNAVAILABLE);
    }
    cr_assert_eq(sd_dynamo_in_flight(db), 0);
    fake_done(db);
}

Test(dynamo, close_with_calls_pending_answers_them_and_frees_everything)
{
    sd_dynamo_t *db = fake_client(1, 10, 60000);
    fanswer_t a[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = -1}};
    cr_assert_eq(fake_call(db, 0, "fail", &a[0]), SD_OK);
    int one = 1;
    run_until(received_at_least, &one);
    cr_assert_eq(fake_call(db, 1, NULL, &a[1]), SD_OK);
    cr_assert_eq(fake_call(db, 2, NULL, &a[2]), SD_OK);
    run_until(held_at_least, &one);
    fake_done(db); /* closes with a retry pending, a request in curl and one queued */
    for (int i = 0; i < 3; i++)
        cr_assert(a[i].done == 1 && a[i].err == SD_ERR_UNAVAILABLE, "call %d: %d %s", i, a[i].done,
                  sd_err_name(a[i].err));
}
