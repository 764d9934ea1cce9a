/* The client of db/s3: options, the queue and cap on requests in flight, deadlines, retries, cancel and
 * close. Requests are built in s3_request.c; presigned URLs are in s3_presign.c. */
#include "db/s3.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/s3_call.h"

#define MAX_ATTEMPTS 5
#define BACKOFF_BASE_MS 50

static void start_next(sd_s3_t *s3);
static void release(sd_s3_t *s3);

/* ---- the client ---- */

static void free_strings(sd_s3_t *s3)
{
    free(s3->scheme_host);
    free(s3->host);
    free(s3->path_prefix);
    free(s3->bucket);
    free(s3->region);
    free(s3->access_key_id);
    if (s3->secret_access_key) sodium_memzero(s3->secret_access_key, strlen(s3->secret_access_key));
    free(s3->secret_access_key);
    free(s3->session_token);
    free(s3);
}

static void on_multi_closed(void *ctx)
{
    free_strings(ctx);
}

static void on_transfer_done(CURL *easy, CURLcode res, void *ctx);

/* Splits "http(s)://host[:port][/]" into its scheme and host; false when it is anything else. */
static bool split_origin(const char *url, char *scheme, size_t scap, char *host, size_t hcap)
{
    const char *p = strstr(url, "://");
    if (!p || (size_t)(p - url) >= scap) return false;
    snprintf(scheme, scap, "%.*s", (int)(p - url), url);
    p += 3;
    size_t n = strcspn(p, "/?#");
    if (!n || n >= hcap || (p[n] && strcmp(p + n, "/") != 0)) return false;
    snprintf(host, hcap, "%.*s", (int)n, p);
    return true;
}

static char *joinf(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

sd_s3_t *sd_s3_new(uv_loop_t *loop, const sd_s3_options_t *o)
{
    char scheme[16], host[512], aws_host[160];
    if (!o || !o->bucket || !o->bucket[0] || !o->region || !o->region[0] || !o->access_key_id ||
        !o->secret_access_key || strpbrk(o->bucket, "/?#:@ \r\n") || strlen(o->bucket) > 63)
        return NULL;
    bool aws = !o->endpoint || !o->endpoint[0];
    if (aws) {
        snprintf(scheme, sizeof scheme, "https");
        snprintf(aws_host, sizeof aws_host, "s3.%s.amazonaws.com", o->region);
        snprintf(host, sizeof host, "%s", aws_host);
    } else if (!split_origin(o->endpoint, scheme, sizeof scheme, host, sizeof host)) {
        sd_log(SD_LOG_ERROR, "the S3 endpoint must be a bare origin (no path)",
               json_pack("{s:s}", "endpoint", o->endpoint));
        return NULL;
    }
    sd_s3_t *s3 = calloc(1, sizeof *s3);
    if (!s3) return NULL;
    s3->loop = loop;
    s3->aws = aws;
    s3->deadline_ms = o->call_deadline_ms > 0 ? o->call_deadline_ms : 30000;
    s3->max_concurrency = o->max_concurrency > 0 ? o->max_concurrency : 32;
    s3->max_queue = o->max_queue > 0 ? o->max_queue : 4096;
    s3->host = o->virtual_hosted ? joinf(o->bucket, ".", host) : strdup(host);
    s3->scheme_host = s3->host ? joinf(scheme, "://", s3->host) : NULL;
    s3->path_prefix = o->virtual_hosted ? strdup("") : joinf("/", o->bucket, "");
    s3->bucket = strdup(o->bucket);
    s3->region = strdup(o->region);
    s3->access_key_id = strdup(o->access_key_id);
    s3->secret_access_key = strdup(o->secret_access_key);
    if (o->session_token && o->session_token[0]) s3->session_token = strdup(o->session_token);
    if (!s3->host || !s3->scheme_host || !s3->path_prefix || !s3->bucket || !s3->region ||
        !s3->access_key_id || !s3->secret_access_key ||
        (o->session_token && o->session_token[0] && !s3->session_token))
        goto fail;
    sd_dcurl_options_t mo = {.endpoint = s3->scheme_host,
                             .region = s3->region,
                             .access_key_id = s3->access_key_id,
                             .secret_access_key = s3->secret_access_key};
    s3->multi = sd_dcurl_new(loop, &mo, on_transfer_done, s3);
    if (!s3->multi) goto fail;
    return s3;
fail:
    free_strings(s3);
    return NULL;
}

sd_s3_t *sd_s3_new_from_config(uv_loop_t *loop, const sd_config_t *cfg)
{
    /* The store's own key when it has one (no session token goes with it), else the AWS credentials. */
    bool own = cfg->s3_access_key_id[0] != '\0';
    sd_s3_options_t o = {.endpoint = cfg->s3_endpoint,
                         .bucket = cfg->s3_bucket,
                         .region = cfg->s3_region[0] ? cfg->s3_region : cfg->aws_region,
                         .access_key_id = own ? cfg->s3_access_key_id : cfg->aws_access_key_id,
                         .secret_access_key = own ? cfg->s3_secret_access_key : cfg->aws_secret_access_key,
                         .session_token = own ? NULL : cfg->aws_session_token,
                         .virtual_hosted = cfg->s3_virtual_hosted,
                         .call_deadline_ms = cfg->s3_call_deadline_ms,
                         .max_concurrency = cfg->s3_max_concurrency,
                         .max_queue = 4096};
    return sd_s3_new(loop, &o);
}

/* ---- one call ---- */

static void call_free(uv_handle_t *h)
{
    sd_s3_call_t *c = h->data;
    sd_s3_t *s3 = c->s3;
    free(c->key);
    free(c->query);
    free(c->content_type);
    free(c->range);
    free(c->body);
    free(c->etag);
    free(c->resp_type);
    free(c->resp_range);
    free(c->upload_id);
    free(c->resp.data);
    free(c);
    if (--s3->alive == 0 && s3->closing && s3->multi) {
        sd_dcurl_t *m = s3->multi;
        s3->multi = NULL;
        sd_dcurl_close(m, on_multi_closed, s3);
    }
}

static void unlink_call(sd_s3_call_t *c, sd_s3_call_t **head, sd_s3_call_t **tail)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        *head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else if (tail)
        *tail = c->prev;
    c->prev = c->next = NULL;
}

static void drop_transfer(sd_s3_call_t *c)
{
    if (c->in_multi) sd_dcurl_remove(c->s3->multi, c->easy);
    c->in_multi = false;
    if (c->easy) curl_easy_cleanup(c->easy);
    curl_slist_free_all(c->headers);
    c->easy = NULL;
    c->headers = NULL;
}

static void deliver(sd_s3_call_t *c)
{
    sd_s3_result_t r = {.err = c->err,
                        .status = c->status,
                        .size = c->size,
                        .etag = c->etag,
                        .content_type = c->resp_type,
                        .content_range = c->resp_range,
                        .upload_id = c->upload_id};
    if (c->op == SD_S3_OP_GET_ALL) {
        char *body = NULL;
        size_t len = 0;
        if (c->err == SD_OK) {
            body = c->resp.data ? c->resp.data : calloc(1, 1);
            len = c->resp.len;
            c->resp.data = NULL;
            if (!body) r.err = SD_ERR_NOMEM;
        }
        c->on_body(&r, r.err == SD_OK ? body : NULL, r.err == SD_OK ? len : 0, c->ctx);
        if (r.err != SD_OK) free(body);
    } else if (c->done) {
        c->done(&r, c->ctx);
    }
}

/* Ends c with err: frees its slot, calls back once, and frees it from the loop. */
static void finish(sd_s3_call_t *c, sd_err_t err)
{
    sd_s3_t *s3 = c->s3;
    if (c->finished) return;
    c->finished = true;
    c->err = err;
    uv_timer_stop(&c->timer);
    drop_transfer(c);
    if (c->in_queue) {
        unlink_call(c, &s3->queue_head, &s3->queue_tail);
        c->in_queue = false;
        s3->waiting--;
    } else if (c->holds_slot) {
        unlink_call(c, &s3->active, NULL);
        c->holds_slot = false;
        release(s3);
    } else if (c->in_stream) {
        unlink_call(c, &s3->streams, NULL);
        c->in_stream = false;
    }
    deliver(c);
    uv_close((uv_handle_t *)&c->timer, call_free);
}

static void on_timer(uv_timer_t *t);

static long remaining_ms(const sd_s3_call_t *c)
{
    uint64_t now = uv_now(c->s3->loop);
    return c->deadline > now ? (long)(c->deadline - now) : 0;
}

static void defer(sd_s3_call_t *c, sd_s3_timer_t use, uint64_t ms)
{
    c->timer_use = use;
    uv_timer_start(&c->timer, on_timer, ms, 0);
}

/* Sends c's current attempt; c holds a slot. */
static sd_err_t send_attempt(sd_s3_call_t *c)
{
    long left = remaining_ms(c);
    if (left <= 0) return SD_ERR_UNAVAILABLE;
    c->status = 0;
    c->headers_done = c->too_large = false;
    c->size = -1;
    c->resp.len = 0;
    sd_err_t rc = sd_s3_request_build(c, left);
    if (rc != SD_OK) return rc;
    if (sd_dcurl_add(c->s3->multi, c->easy) != SD_OK) {
        drop_transfer(c);
        return SD_ERR_INTERNAL;
    }
    c->in_multi = true;
    c->attempt++;
    if (c->op == SD_S3_OP_GET) defer(c, SD_S3_T_DEADLINE, (uint64_t)left); /* until the headers */
    return SD_OK;
}

static void take_slot(sd_s3_call_t *c)
{
    sd_s3_t *s3 = c->s3;
    c->holds_slot = true;
    s3->running++;
    c->next = s3->active;
    if (s3->active) s3->active->prev = c;
    s3->active = c;
}

static void release(sd_s3_t *s3)
{
    s3->running--;
    start_next(s3);
}

static void start_next(sd_s3_t *s3)
{
    while (!s3->closing && s3->queue_head && s3->running < s3->max_concurrency) {
        sd_s3_call_t *c = s3->queue_head;
        unlink_call(c, &s3->queue_head, &s3->queue_tail);
        c->in_queue = false;
        s3->waiting--;
        uv_timer_stop(&c->timer); /* its deadline in the queue */
        c->timer_use = SD_S3_T_NONE;
        take_slot(c);
        sd_err_t rc = send_attempt(c);
        if (rc != SD_OK) finish(c, rc); /* finish calls start_next again */
    }
}

static bool retryable_status(int status)
{
    return status >= 500 || status == 429;
}

static void log_refusal(const sd_s3_call_t *c)
{
    char *code = sd_s3_xml_text(c->resp.data, c->resp.len, "Code");
    char *msg = sd_s3_xml_text(c->resp.data, c->resp.len, "Message");
    sd_log(SD_LOG_WARN, "the object store refused a request",
           json_pack("{s:s, s:s, s:i, s:s, s:s}", "method", sd_s3_request_method(c->op), "key",
                     c->key ? c->key : "", "status", c->status, "code", code ? code : "", "message",
                     msg ? msg : ""));
    free(code);
    free(msg);
}

/* What an answer means: SD_OK, an error to end with, or 1 for "try again". */
static int classify(sd_s3_call_t *c, CURLcode res)
{
    if (res != CURLE_OK) {
        if (c->too_large) return SD_ERR_TOO_LARGE;
        if (c->got_data) return SD_ERR_UNAVAILABLE;
        if (res == CURLE_ABORTED_BY_CALLBACK || res == CURLE_READ_ERROR) return SD_ERR_IO; /* the file */
        return 1;
    }
    int s = c->status;
    if (s >= 200 && s < 300) {
        /* CompleteMultipartUpload can fail after its 200 */
        if (c->op == SD_S3_OP_MP_COMPLETE && c->resp.data && strstr(c->resp.data, "<Error>")) return 1;
        if (c->op == SD_S3_OP_MP_BEGIN) {
            c->upload_id = sd_s3_xml_text(c->resp.data, c->resp.len, "UploadId");
            if (!c->upload_id) return SD_ERR_UNAVAILABLE;
        }
        return SD_OK;
    }
    if (s == 404 && (c->op == SD_S3_OP_DELETE) && !(c->resp.data && strstr(c->resp.data, "NoSuchBucket")))
        return SD_OK;
    if (s == 404) return SD_ERR_NOT_FOUND;
    if (s == 416) return SD_ERR_INVALID; /* a range past the end: the caller's to answer 416 */
    if (s == 409 && c->op == SD_S3_OP_CREATE_BUCKET && c->resp.data &&
        strstr(c->resp.data, "BucketAlreadyOwnedByYou"))
        return SD_OK;
    if (retryable_status(s) && !c->got_data) return 1;
    log_refusal(c);
    return SD_ERR_UNAVAILABLE;
}

static void on_transfer_done(CURL *easy, CURLcode res, void *ctx)
{
    (void)ctx;
    sd_s3_call_t *c = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&c);
    c->in_multi = false;
    if (c->cancelled) return; /* finish runs from its timer */
    if (c->timer_use == SD_S3_T_DEADLINE || c->timer_use == SD_S3_T_STALL ||
        c->timer_use == SD_S3_T_RELEASE || c->timer_use == SD_S3_T_RESUME) {
        uv_timer_stop(&c->timer);
        c->timer_use = SD_S3_T_NONE;
    }
    int v = classify(c, res);
    if (v != 1) {
        finish(c, (sd_err_t)v);
        return;
    }
    drop_transfer(c);
    long left = remaining_ms(c);
    uint64_t backoff = (uint64_t)BACKOFF_BASE_MS << (c->attempt < 6 ? c->attempt : 6);
    backoff = backoff / 2 + randombytes_uniform((uint32_t)(backoff / 2 + 1));
    if (c->attempt >= MAX_ATTEMPTS || (long)backoff >= left) {
        if (res != CURLE_OK)
            sd_log(SD_LOG_WARN, "the object store did not answer",
                   json_pack("{s:s, s:s, s:s}", "method", sd_s3_request_method(c->op), "key",
                             c->key ? c->key : "", "error", curl_easy_strerror(res)));
        else
            log_refusal(c);
        finish(c, SD_ERR_UNAVAILABLE);
        return;
    }
    defer(c, SD_S3_T_RETRY, backoff);
}

static void watch(sd_s3_call_t *c)
{
    c->stall_mark = c->received;
    defer(c, SD_S3_T_STALL, (uint64_t)c->s3->deadline_ms);
}

/* A download's body flows outside the cap: its slot goes to the next call waiting. */
static void leave_cap(sd_s3_call_t *c)
{
    sd_s3_t *s3 = c->s3;
    unlink_call(c, &s3->active, NULL);
    c->holds_slot = false;
    c->in_stream = true;
    c->next = s3->streams;
    if (s3->streams) s3->streams->prev = c;
    s3->streams = c;
    release(s3);
}

static void on_timer(uv_timer_t *t)
{
    sd_s3_call_t *c = t->data;
    sd_s3_timer_t use = c->timer_use;
    c->timer_use = SD_S3_T_NONE;
    if (c->op == SD_S3_OP_GET && c->headers_done && c->holds_slot && !c->finished) leave_cap(c);
    switch (use) {
    case SD_S3_T_RETRY: {
        sd_err_t rc = send_attempt(c);
        if (rc != SD_OK) finish(c, rc);
        break;
    }
    case SD_S3_T_DEADLINE:
        sd_log(SD_LOG_WARN, "the object store did not answer in time",
               json_pack("{s:s, s:s}", "method", sd_s3_request_method(c->op), "key", c->key ? c->key : ""));
        finish(c, SD_ERR_UNAVAILABLE);
        break;
    case SD_S3_T_RELEASE:
        watch(c);
        break;
    case SD_S3_T_STALL:
        if (c->paused || c->received != c->stall_mark) {
            watch(c);
            break;
        }
        sd_log(SD_LOG_WARN, "a download from the object store stalled",
               json_pack("{s:s, s:I}", "key", c->key ? c->key : "", "received", (json_int_t)c->received));
        finish(c, SD_ERR_UNAVAILABLE);
        break;
    case SD_S3_T_RESUME:
        if (c->easy && !c->paused) curl_easy_pause(c->easy, CURLPAUSE_CONT); /* may call on_data at once */
        if (!c->finished && !c->cancelled && c->timer_use == SD_S3_T_NONE) watch(c);
        break;
    case SD_S3_T_FINISH:
        finish(c, c->err);
        break;
    case SD_S3_T_NONE:
        break;
    }
}

bool sd_s3_key_ok(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (!n || n > SD_S3_MAX_KEY) return false;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '/' ||
              *p == '.' || *p == '_' || *p == '-'))
            return false;
    /* No empty, "." or ".." segment: a store or a proxy on the way could resolve them to another key. */
    for (const char *seg = key;;) {
        size_t len = strcspn(seg, "/");
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (!seg[len]) return true;
        seg += len + 1;
    }
}

sd_s3_call_t *sd_s3_call_new(sd_s3_t *s3, sd_s3_op_t op, const char *key, const char *query,
                             const char *content_type, sd_err_t *rc)
{
    *rc = SD_ERR_INVALID;
    if (!s3) return NULL;
    if (s3->closing) {
        *rc = SD_ERR_CANCELLED;
        return NULL;
    }
    if (op != SD_S3_OP_CREATE_BUCKET && !sd_s3_key_ok(key)) return NULL;
    if (content_type && (strpbrk(content_type, "\r\n") || strlen(content_type) > 255)) return NULL;
    *rc = SD_ERR_NOMEM;
    sd_s3_call_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->s3 = s3;
    c->op = op;
    c->fd = -1;
    c->size = -1;
    c->key = key ? strdup(key) : NULL;
    c->query = strdup(query ? query : "");
    c->content_type = content_type ? strdup(content_type) : NULL;
    if ((key && !c->key) || !c->query || (content_type && !c->content_type)) {
        free(c->key);
        free(c->query);
        free(c->content_type);
        free(c);
        return NULL;
    }
    uv_timer_init(s3->loop, &c->timer);
    c->timer.data = c;
    s3->alive++;
    c->deadline = uv_now(s3->loop) + (uint64_t)s3->deadline_ms;
    *rc = SD_OK;
    return c;
}

void sd_s3_call_discard(sd_s3_call_t *c)
{
    c->finished = true;
    drop_transfer(c);
    uv_close((uv_handle_t *)&c->timer, call_free);
}

sd_err_t sd_s3_call_submit(sd_s3_call_t *c)
{
    sd_s3_t *s3 = c->s3;
    uv_update_time(s3->loop);
    c->deadline = uv_now(s3->loop) + (uint64_t)s3->deadline_ms;
    if (s3->running < s3->max_concurrency && !s3->queue_head) {
        take_slot(c);
        sd_err_t rc = send_attempt(c);
        if (rc != SD_OK) {
            unlink_call(c, &s3->active, NULL);
            c->holds_slot = false;
            s3->running--;
            sd_s3_call_discard(c);
        }
        return rc;
    }
    if (s3->waiting >= s3->max_queue) {
        sd_s3_call_discard(c);
        return SD_ERR_BUSY;
    }
    c->in_queue = true;
    s3->waiting++;
    defer(c, SD_S3_T_DEADLINE, (uint64_t)s3->deadline_ms);
    c->prev = s3->queue_tail;
    if (s3->queue_tail)
        s3->queue_tail->next = c;
    else
        s3->queue_head = c;
    s3->queue_tail = c;
    return SD_OK;
}

/* Ends c with err from the loop (never from inside the caller's call, which may be one of c's own callbacks:
 * the transfer is only taken apart by finish). Until then c's libcurl callbacks stop the transfer. */
static void finish_later(sd_s3_call_t *c, sd_err_t err)
{
    if (c->finished || c->timer_use == SD_S3_T_FINISH) return;
    uv_timer_stop(&c->timer);
    c->cancelled = true;
    c->err = err;
    defer(c, SD_S3_T_FINISH, 0);
}

void sd_s3_close(sd_s3_t *s3)
{
    if (!s3 || s3->closing) return;
    s3->closing = true;
    for (sd_s3_call_t *c = s3->queue_head; c; c = c->next)
        finish_later(c, SD_ERR_CANCELLED);
    for (sd_s3_call_t *c = s3->active; c; c = c->next)
        finish_later(c, SD_ERR_CANCELLED);
    for (sd_s3_call_t *c = s3->streams; c; c = c->next)
        finish_later(c, SD_ERR_CANCELLED);
    if (s3->alive == 0) {
        sd_dcurl_t *m = s3->multi;
        s3->multi = NULL;
        sd_dcurl_close(m, on_multi_closed, s3);
    }
}

void sd_s3_call_headers(sd_s3_call_t *c)
{
    defer(c, SD_S3_T_RELEASE, 0);
}

void sd_s3_resume(sd_s3_get_t *g)
{
    if (g && g->in_data) {
        g->resume_asked = true; /* the pause being asked for is off */
        return;
    }
    if (!g || g->finished || !g->paused || g->timer_use == SD_S3_T_FINISH) return;
    g->paused = false;
    defer(g, SD_S3_T_RESUME, 0);
}

void sd_s3_cancel(sd_s3_get_t *g)
{
    if (!g || g->finished) return;
    g->cancelled = true;
    finish_later(g, SD_ERR_CANCELLED);
}
