/* Building one signed S3 request on a libcurl easy handle, its libcurl callbacks, and presigned URLs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "db/s3_call.h"
#include "db/s3_sign.h"

#define CONNECT_TIMEOUT_MS 2000L

bool sd_s3_buf_add(sd_s3_buf_t *b, const char *data, size_t len, size_t max)
{
    if (len > max || b->len > max - len) return false;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

const char *sd_s3_request_method(sd_s3_op_t op)
{
    switch (op) {
    case SD_S3_OP_CREATE_BUCKET:
    case SD_S3_OP_PUT:
    case SD_S3_OP_MP_PART:
        return "PUT";
    case SD_S3_OP_MP_BEGIN:
    case SD_S3_OP_MP_COMPLETE:
        return "POST";
    case SD_S3_OP_MP_ABORT:
    case SD_S3_OP_DELETE:
        return "DELETE";
    case SD_S3_OP_HEAD:
        return "HEAD";
    case SD_S3_OP_GET:
    case SD_S3_OP_GET_ALL:
        return "GET";
    }
    return "GET";
}

static bool ok_status(int status)
{
    return status == 200 || status == 206;
}

static void set_str(char **dst, const char *v, size_t n)
{
    free(*dst);
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    *dst = strndup(v, n);
}

static size_t on_header(char *buf, size_t size, size_t n, void *userp)
{
    sd_s3_call_t *c = userp;
    size_t len = size * n;
    if (c->cancelled) return 0;
    if (len >= 5 && !strncmp(buf, "HTTP/", 5)) { /* a new answer (after a 100 or a redirect) */
        c->headers_done = false;
        free(c->etag), free(c->resp_type), free(c->resp_range);
        c->etag = c->resp_type = c->resp_range = NULL;
        c->size = -1;
        return len;
    }
    if (len <= 2) { /* the end of the headers */
        long status = 0;
        curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200) return len;
        c->status = (int)status;
        c->headers_done = true;
        if (c->op == SD_S3_OP_GET && c->timer_use == SD_S3_T_DEADLINE) {
            uv_timer_stop(&c->timer);
            c->timer_use = SD_S3_T_NONE;
        }
        if (c->op == SD_S3_OP_GET_ALL && ok_status(c->status) && c->size > (int64_t)c->max) {
            c->too_large = true;
            return 0;
        }
        if (c->op == SD_S3_OP_GET && ok_status(c->status) && c->on_head) {
            sd_s3_result_t r = {.err = SD_OK,
                                .status = c->status,
                                .size = c->size,
                                .etag = c->etag,
                                .content_type = c->resp_type,
                                .content_range = c->resp_range};
            c->on_head(&r, c->ctx);
        }
        return len;
    }
    const char *colon = memchr(buf, ':', len);
    if (!colon) return len;
    size_t name = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vn = len - name - 1;
    if (name == 4 && !strncasecmp(buf, "ETag", 4)) {
        set_str(&c->etag, v, vn);
    } else if (name == 12 && !strncasecmp(buf, "Content-Type", 12)) {
        set_str(&c->resp_type, v, vn);
    } else if (name == 13 && !strncasecmp(buf, "Content-Range", 13)) {
        set_str(&c->resp_range, v, vn);
        const char *slash = memchr(v, '/', vn);
        if (slash && slash[1] != '*') c->size = strtoll(slash + 1, NULL, 10);
    } else if (name == 14 && !strncasecmp(buf, "Content-Length", 14) && !c->resp_range) {
        c->size = strtoll(v, NULL, 10);
    }
    return len;
}

static size_t on_write(char *buf, size_t size, size_t n, void *userp)
{
    sd_s3_call_t *c = userp;
    size_t len = size * n;
    if (c->cancelled) return 0;
    if (c->op == SD_S3_OP_GET && ok_status(c->status)) {
        if (!c->on_data) return len;
        c->got_data = true;
        if (c->on_data(buf, len, c->ctx)) {
            c->paused = true;
            curl_easy_pause(c->easy, CURLPAUSE_RECV);
        }
        return len;
    }
    if (c->op == SD_S3_OP_GET_ALL && ok_status(c->status)) {
        if (!sd_s3_buf_add(&c->resp, buf, len, c->max)) {
            c->too_large = true;
            return 0;
        }
        return len;
    }
    if (!sd_s3_buf_add(&c->resp, buf, len, SD_S3_MAX_ERROR_BODY)) return len; /* the rest is dropped */
    return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *userp)
{
    sd_s3_call_t *c = userp;
    size_t want = size * n, left = c->len - c->sent;
    if (c->cancelled) return CURL_READFUNC_ABORT;
    if (want > left) want = left;
    if (!want) return 0;
    if (c->fd < 0) {
        memcpy(buf, c->mem + c->sent, want);
        c->sent += want;
        return want;
    }
    ssize_t got;
    do
        got = pread(c->fd, buf, want, c->off + (off_t)c->sent);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return CURL_READFUNC_ABORT; /* the file is shorter than promised */
    c->sent += (size_t)got;
    return (size_t)got;
}

static int on_seek(void *userp, curl_off_t offset, int origin)
{
    sd_s3_call_t *c = userp;
    if (origin != SEEK_SET || offset < 0 || (size_t)offset > c->len) return CURL_SEEKFUNC_CANTSEEK;
    c->sent = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

static bool add_header(struct curl_slist **h, const char *name, const char *value)
{
    char line[2300];
    int n = value[0] ? snprintf(line, sizeof line, "%s: %s", name, value)
                     : snprintf(line, sizeof line, "%s:", name);
    if (n < 0 || (size_t)n >= sizeof line) return false;
    struct curl_slist *next = curl_slist_append(*h, line);
    if (next) *h = next;
    return next != NULL;
}

/* "/<bucket>/<key>" or "/<key>" (keys are checked to need no encoding); "/<bucket>" or "/" for the bucket. */
static char *canonical_path(const sd_s3_t *s3, const char *key)
{
    size_t n = strlen(s3->path_prefix) + (key ? strlen(key) : 0) + 3;
    char *p = malloc(n);
    if (!p) return NULL;
    if (key)
        snprintf(p, n, "%s/%s", s3->path_prefix, key);
    else
        snprintf(p, n, "%s", s3->path_prefix[0] ? s3->path_prefix : "/");
    return p;
}

sd_err_t sd_s3_request_build(sd_s3_call_t *c, long timeout_ms)
{
    sd_s3_t *s3 = c->s3;
    sd_err_t rc = SD_ERR_NOMEM;
    const char *method = sd_s3_request_method(c->op);
    char amz_date[SD_S3_DATE_LEN], payload[SD_S3_HEX_LEN], sig[SD_S3_HEX_LEN], scope[160];
    bool streamed = c->fd >= 0;
    bool has_body = c->op == SD_S3_OP_PUT || c->op == SD_S3_OP_MP_PART || c->op == SD_S3_OP_MP_BEGIN ||
                    c->op == SD_S3_OP_MP_COMPLETE || c->op == SD_S3_OP_CREATE_BUCKET;
    char *path = canonical_path(s3, c->op == SD_S3_OP_CREATE_BUCKET ? NULL : c->key);
    char *canonical = NULL, *url = NULL, *auth = NULL;
    struct curl_slist *h = NULL;
    CURL *e = NULL;
    if (!path) goto out;
    sd_s3_amz_date(time(NULL), amz_date);
    if (streamed)
        snprintf(payload, sizeof payload, "%s", SD_S3_UNSIGNED);
    else
        sd_s3_sha256_hex(has_body ? c->mem : "", has_body ? c->mem_len : 0, payload);
    bool token = s3->session_token != NULL;
    const char *ctype = c->content_type;
    size_t cap = 512 + strlen(path) + strlen(c->query) + strlen(s3->host) + (ctype ? strlen(ctype) : 0) +
                 (token ? strlen(s3->session_token) : 0);
    canonical = malloc(cap);
    if (!canonical) goto out;
    const char *signed_headers = ctype ? (token ? "content-type;host;x-amz-content-sha256;x-amz-date;"
                                                  "x-amz-security-token"
                                                : "content-type;host;x-amz-content-sha256;x-amz-date")
                                       : (token ? "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
                                                : "host;x-amz-content-sha256;x-amz-date");
    int n = snprintf(canonical, cap,
                     "%s\n%s\n%s\n%s%s%shost:%s\nx-amz-content-sha256:%s\nx-amz-date:%s\n%s%s%s\n%s\n%s",
                     method, path, c->query, ctype ? "content-type:" : "", ctype ? ctype : "",
                     ctype ? "\n" : "", s3->host, payload, amz_date, token ? "x-amz-security-token:" : "",
                     token ? s3->session_token : "", token ? "\n" : "", signed_headers, payload);
    rc = SD_ERR_INVALID;
    if (n < 0 || (size_t)n >= cap) goto out;
    if ((rc = sd_s3_signature(s3->secret_access_key, s3->region, amz_date, canonical, sig)) != SD_OK)
        goto out;
    rc = SD_ERR_NOMEM;
    if (sd_s3_scope(amz_date, s3->region, scope, sizeof scope) != SD_OK) goto out;
    size_t acap = 200 + strlen(s3->access_key_id) + strlen(scope) + strlen(signed_headers);
    auth = malloc(acap);
    size_t ucap = strlen(s3->scheme_host) + strlen(path) + strlen(c->query) + 2;
    url = malloc(ucap);
    e = curl_easy_init();
    if (!auth || !url || !e) goto out;
    snprintf(auth, acap, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
             s3->access_key_id, scope, signed_headers, sig);
    snprintf(url, ucap, "%s%s%s%s", s3->scheme_host, path, c->query[0] ? "?" : "", c->query);
    /* Exactly the signed headers (and Range, Content-Length); the empty ones keep curl from adding its own.
     */
    if (!add_header(&h, "Host", s3->host) || !add_header(&h, "x-amz-content-sha256", payload) ||
        !add_header(&h, "x-amz-date", amz_date) || !add_header(&h, "Authorization", auth) ||
        (token && !add_header(&h, "x-amz-security-token", s3->session_token)) ||
        !add_header(&h, "Content-Type", ctype ? ctype : "") || !add_header(&h, "Expect", "") ||
        !add_header(&h, "Accept", "") || (c->range && !add_header(&h, "Range", c->range)))
        goto out;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L << 10);
    curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 512L << 10);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->op == SD_S3_OP_GET ? 0L : timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
    if (has_body && c->op != SD_S3_OP_MP_BEGIN && c->op != SD_S3_OP_MP_COMPLETE) {
        c->sent = 0;
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(e, CURLOPT_READDATA, c);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, c);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)c->len);
    } else if (has_body) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->mem ? c->mem : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->mem_len);
    } else if (c->op == SD_S3_OP_HEAD) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (c->op == SD_S3_OP_DELETE || c->op == SD_S3_OP_MP_ABORT) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
    c->easy = e;
    c->headers = h;
    e = NULL;
    h = NULL;
    rc = SD_OK;
out:
    if (e) curl_easy_cleanup(e);
    curl_slist_free_all(h);
    free(path);
    free(canonical);
    free(url);
    free(auth);
    return rc;
}
