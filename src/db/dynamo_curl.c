#include "db/dynamo_curl.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/curl_loop.h"
#include "core/log.h"
#include "db/dynamo_sigv4.h"

#define CONNECT_TIMEOUT_MS 2000L

struct sd_dcurl {
    sd_curl_loop_t *transfers; /* core/curl_loop: the multi on the loop */
    sd_dcurl_closed_fn closed;
    void *closed_ctx;
    char *url;
    char *host; /* the Host header, signed and sent */
    char *region, *access_key_id, *secret_access_key, *session_token;
};

static void dcurl_free(sd_dcurl_t *m)
{
    free(m->url);
    free(m->host);
    free(m->region);
    free(m->access_key_id);
    if (m->secret_access_key) sodium_memzero(m->secret_access_key, strlen(m->secret_access_key));
    free(m->secret_access_key);
    free(m->session_token);
    free(m);
}

static char *dupf(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, fmt, a, b ? b : "");
    return s;
}

/* The Host header curl would send for url ("host" or "host:port"); a new string, or NULL when url has a path.
 */
static char *host_of(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) goto out;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) goto out;
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strcmp(path, "/") != 0) goto out;
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
        out = dupf("%s:%s", host, port);
    else
        out = strdup(host);
out:
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return out;
}

sd_dcurl_t *sd_dcurl_new(uv_loop_t *loop, const sd_dcurl_options_t *o, sd_dcurl_done_fn done, void *ctx)
{
    sd_dcurl_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->url = (o->endpoint && o->endpoint[0]) ? dupf("%s%s", o->endpoint, "/")
                                             : dupf("https://dynamodb.%s.amazonaws.com/%s", o->region, NULL);
    m->host = m->url ? host_of(m->url) : NULL;
    m->region = strdup(o->region);
    m->access_key_id = strdup(o->access_key_id);
    m->secret_access_key = strdup(o->secret_access_key);
    if (o->session_token && o->session_token[0]) m->session_token = strdup(o->session_token);
    if (!m->url || !m->host || !m->region || !m->access_key_id || !m->secret_access_key ||
        (o->session_token && o->session_token[0] && !m->session_token) ||
        !(m->transfers = sd_curl_loop_new(loop, done, ctx))) {
        if (m->url && !m->host)
            sd_log(SD_LOG_ERROR, "the DynamoDB endpoint must be a bare origin (no path)",
                   json_pack("{s:s}", "endpoint", m->url));
        dcurl_free(m);
        return NULL;
    }
    curl_multi_setopt(sd_curl_loop_multi(m->transfers), CURLMOPT_MAXCONNECTS, 256L);
    return m;
}

sd_err_t sd_dcurl_add(sd_dcurl_t *m, CURL *easy)
{
    return sd_curl_loop_add(m->transfers, easy);
}

void sd_dcurl_remove(sd_dcurl_t *m, CURL *easy)
{
    sd_curl_loop_remove(m->transfers, easy);
}

int sd_dcurl_running(const sd_dcurl_t *m)
{
    return sd_curl_loop_running(m->transfers);
}

static bool add_header(struct curl_slist **h, const char *line)
{
    struct curl_slist *n = curl_slist_append(*h, line);
    if (n) *h = n;
    return n != NULL;
}

CURL *sd_dcurl_post(sd_dcurl_t *m, const char *target, const char *body, size_t len, long timeout_ms,
                    curl_write_callback on_write, void *write_ctx, struct curl_slist **headers)
{
    char amz_date[SD_SIGV4_DATE_LEN], auth[1024];
    sd_sigv4_request_t r = {.region = m->region,
                            .service = "dynamodb",
                            .access_key_id = m->access_key_id,
                            .secret_access_key = m->secret_access_key,
                            .session_token = m->session_token,
                            .host = m->host,
                            .target = target,
                            .body = body,
                            .body_len = len};
    if (sd_sigv4_sign(&r, time(NULL), amz_date, auth, sizeof auth) != SD_OK) return NULL;
    size_t cap = 128 + strlen(auth) + strlen(m->host) + strlen(target) +
                 (m->session_token ? strlen(m->session_token) : 0);
    char *line = malloc(cap);
    CURL *e = line ? curl_easy_init() : NULL;
    struct curl_slist *h = NULL;
    if (!e) goto fail;
    /* Exactly the signed headers; the empty "Expect:" and "Accept:" tell curl to add none of its own. */
    static const char content_type[] = "Content-Type: " SD_SIGV4_CONTENT_TYPE;
    const char *fixed[] = {content_type, "Expect:", "Accept:"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (!add_header(&h, fixed[i])) goto fail;
    const char *named[][2] = {{"Host", m->host},
                              {"X-Amz-Date", amz_date},
                              {"X-Amz-Target", target},
                              {"Authorization", auth},
                              {"X-Amz-Security-Token", m->session_token}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        if (!named[i][1]) continue;
        snprintf(line, cap, "%s: %s", named[i][0], named[i][1]);
        if (!add_header(&h, line)) goto fail;
    }
    free(line);
    curl_easy_setopt(e, CURLOPT_URL, m->url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, write_ctx);
    curl_easy_setopt(e, CURLOPT_PRIVATE, write_ctx);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    *headers = h;
    return e;
fail:
    free(line);
    curl_slist_free_all(h);
    if (e) curl_easy_cleanup(e);
    return NULL;
}

static void on_transfers_closed(void *ctx)
{
    sd_dcurl_t *m = ctx;
    sd_dcurl_closed_fn closed = m->closed;
    void *closed_ctx = m->closed_ctx;
    dcurl_free(m);
    if (closed) closed(closed_ctx);
}

void sd_dcurl_close(sd_dcurl_t *m, sd_dcurl_closed_fn closed, void *ctx)
{
    if (!m) return;
    m->closed = closed;
    m->closed_ctx = ctx;
    sd_curl_loop_close(m->transfers, on_transfers_closed, m);
}
