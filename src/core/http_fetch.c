#include "core/http_fetch.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/curl_loop.h"

#define CONNECT_TIMEOUT_MS 3000L

typedef struct req {
    sd_fetch_t *f;
    CURL *easy;
    char *url;
    struct curl_slist *headers;
    sd_fetch_cb cb;
    void *ctx;
    char *body;
    size_t len, cap;
    bool truncated, refused;
    struct req *prev, *next; /* in f->running or f->waiting */
} req_t;

struct sd_fetch {
    sd_curl_loop_t *transfers; /* core/curl_loop: the multi on the loop */
    sd_fetch_options_t o;
    char *user_agent;
    req_t *running, *waiting, *waiting_tail;
    int n_running, n_waiting;
    bool closing;
};

/* ---- the address policy ---- */

static bool v4_allowed(uint32_t a, bool allow_private)
{
    /* Never: this network (0/8, which reaches the local host), multicast, reserved and broadcast. */
    if ((a >> 24) == 0 || (a >> 28) == 0xE || (a >> 28) == 0xF) return false;
    static const struct {
        uint32_t net;
        int bits;
    } private_[] = {
        {0x0A000000, 8},  /* 10/8 */
        {0x64400000, 10}, /* 100.64/10, CGNAT */
        {0x7F000000, 8},  /* loopback */
        {0xA9FE0000, 16}, /* link-local (cloud metadata) */
        {0xAC100000, 12}, /* 172.16/12 */
        {0xC0000000, 24}, /* IETF protocol assignments */
        {0xC0A80000, 16}, /* 192.168/16 */
        {0xC6120000, 15}, /* 198.18/15, benchmarking */
    };
    for (size_t i = 0; i < sizeof private_ / sizeof *private_; i++)
        if ((a >> (32 - private_[i].bits)) == (private_[i].net >> (32 - private_[i].bits)))
            return allow_private;
    return true;
}

bool sd_fetch_address_allowed(const struct sockaddr *sa, bool allow_private)
{
    if (!sa) return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return v4_allowed(ntohl(in->sin_addr.s_addr), allow_private);
    }
    if (sa->sa_family != AF_INET6) return false;
    const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t zero[16] = {0};
    /* IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) is judged as the IPv4 it reaches. */
    if (!memcmp(b, mapped, 12) || !memcmp(b, nat64, 12))
        return v4_allowed((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15],
                          allow_private);
    if (!memcmp(b, zero, 16) || b[0] == 0xff) return false;          /* unspecified, multicast */
    if (!memcmp(b, zero, 15) && b[15] == 1) return allow_private;    /* ::1 */
    if (!memcmp(b, zero, 12)) return false;                          /* IPv4-compatible, deprecated */
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return allow_private; /* fe80::/10 link-local */
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return allow_private; /* fec0::/10 site-local */
    if ((b[0] & 0xfe) == 0xfc) return allow_private;                 /* fc00::/7 unique-local */
    if (b[0] == 0x20 && b[1] == 0x02)                                /* 6to4 2002:a.b.c.d::/48 */
        return v4_allowed((uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5],
                          allow_private);
    return true;
}

/* curl asks for every socket it connects, the first and each redirect's: the address is judged first. */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    req_t *r = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN || !sd_fetch_address_allowed(&address->addr, r->f->o.allow_private)) {
        r->refused = true;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/* ---- one fetch ---- */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    req_t *r = ctx;
    size_t len = size * n, max = (size_t)r->f->o.max_bytes;
    size_t take = r->len + len > max ? max - r->len : len;
    if (r->len + take + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + take + 1)
            cap *= 2;
        if (cap > max + 1) cap = max + 1;
        char *grown = realloc(r->body, cap);
        if (!grown) return 0;
        r->body = grown;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, take);
    r->len += take;
    r->body[r->len] = '\0';
    if (take < len) {
        r->truncated = true;
        return 0; /* stops the transfer: the rest is not read */
    }
    return len;
}

static void req_free(req_t *r)
{
    if (r->easy) curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r->url);
    free(r);
}

static void unlink_req(req_t **head, req_t *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        *head = r->next;
    if (r->next) r->next->prev = r->prev;
    r->prev = r->next = NULL;
}

static void finish(req_t *r, CURLcode res)
{
    sd_fetch_result_t out = {.err = SD_OK, .body = r->body ? r->body : "", .len = r->len};
    char *type = NULL, *url = NULL;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &out.status);
    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &type);
    curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
    out.content_type = type;
    out.url = url ? url : r->url;
    if (res == CURLE_OPERATION_TIMEDOUT && r->len > 0) r->truncated = true; /* what came in time is kept */
    out.truncated = r->truncated;
    if (res != CURLE_OK && !r->truncated && (r->refused || res == CURLE_UNSUPPORTED_PROTOCOL))
        out.err = SD_ERR_FORBIDDEN; /* every address it had was refused, or a redirect left http(s) */
    else if (res != CURLE_OK && !r->truncated)
        out.err = SD_ERR_UNAVAILABLE;
    r->cb(&out, r->ctx);
    req_free(r);
}

static void start_waiting(sd_fetch_t *f);

static void on_transfer_done(CURL *easy, CURLcode res, void *ctx)
{
    sd_fetch_t *f = ctx;
    req_t *r = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
    unlink_req(&f->running, r);
    f->n_running--;
    finish(r, res);
    start_waiting(f);
}

static CURL *easy_for(sd_fetch_t *f, req_t *r)
{
    CURL *e = curl_easy_init();
    r->headers = curl_slist_append(NULL, "Accept: text/html,application/xhtml+xml,image/*;q=0.8,*/*;q=0.5");
    if (!e || !r->headers) {
        if (e) curl_easy_cleanup(e);
        return NULL;
    }
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, f->o.max_redirects);
    curl_easy_setopt(e, CURLOPT_PROXY,
                     ""); /* never the environment's proxy: it would be the address checked */
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* decoded bytes count toward max_bytes */
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     f->o.timeout_ms < CONNECT_TIMEOUT_MS ? f->o.timeout_ms : CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L); /* every hop connects, so every hop is judged */
    return e;
}

static void add_running(sd_fetch_t *f, req_t *r)
{
    r->next = f->running;
    if (f->running) f->running->prev = r;
    f->running = r;
    f->n_running++;
}

/* Starts what waits, as far as there is room; from the loop, so a failure is a callback. */
static void start_waiting(sd_fetch_t *f)
{
    while (!f->closing && f->waiting && f->n_running < f->o.max_in_flight) {
        req_t *r = f->waiting;
        unlink_req(&f->waiting, r);
        if (!f->waiting) f->waiting_tail = NULL;
        f->n_waiting--;
        r->easy = easy_for(f, r);
        if (!r->easy || sd_curl_loop_add(f->transfers, r->easy) != SD_OK) {
            sd_fetch_result_t out = {.err = SD_ERR_NOMEM, .url = r->url, .body = ""};
            r->cb(&out, r->ctx);
            req_free(r);
            continue;
        }
        add_running(f, r);
    }
}

sd_err_t sd_fetch_get(sd_fetch_t *f, const char *url, sd_fetch_cb cb, void *ctx)
{
    if (!f || f->closing) return SD_ERR_CANCELLED;
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) return SD_ERR_INVALID;
    if (f->n_waiting >= f->o.max_queued) return SD_ERR_BUSY;
    req_t *r = calloc(1, sizeof *r);
    if (!r || !(r->url = strdup(url))) {
        free(r);
        return SD_ERR_NOMEM;
    }
    r->f = f;
    r->cb = cb;
    r->ctx = ctx;
    if (f->n_running < f->o.max_in_flight && !f->waiting) {
        /* Adding a handle only arms curl's timer: the callback cannot run inside this call. */
        r->easy = easy_for(f, r);
        if (!r->easy || sd_curl_loop_add(f->transfers, r->easy) != SD_OK) {
            req_free(r);
            return SD_ERR_NOMEM;
        }
        add_running(f, r);
        return SD_OK;
    }
    if (f->waiting_tail) {
        f->waiting_tail->next = r;
        r->prev = f->waiting_tail;
    } else {
        f->waiting = r;
    }
    f->waiting_tail = r;
    f->n_waiting++;
    return SD_OK;
}

int sd_fetch_pending(const sd_fetch_t *f)
{
    return f ? f->n_running + f->n_waiting : 0;
}

sd_fetch_t *sd_fetch_new(uv_loop_t *loop, const sd_fetch_options_t *o)
{
    sd_fetch_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->o = *o;
    if (f->o.max_in_flight < 1) f->o.max_in_flight = 1;
    f->user_agent = strdup(o->user_agent ? o->user_agent : "Mozilla/5.0 (compatible)");
    if (!f->user_agent || !(f->transfers = sd_curl_loop_new(loop, on_transfer_done, f))) {
        free(f->user_agent);
        free(f);
        return NULL;
    }
    f->o.user_agent = NULL;
    return f;
}

static void on_transfers_closed(void *ctx)
{
    sd_fetch_t *f = ctx;
    free(f->user_agent);
    free(f);
}

static void cancel(req_t *r)
{
    sd_fetch_result_t out = {.err = SD_ERR_CANCELLED, .url = r->url, .body = ""};
    r->cb(&out, r->ctx);
    req_free(r);
}

void sd_fetch_close(sd_fetch_t *f)
{
    if (!f) return;
    f->closing = true;
    while (f->running) {
        req_t *r = f->running;
        unlink_req(&f->running, r);
        f->n_running--;
        sd_curl_loop_remove(f->transfers, r->easy);
        cancel(r);
    }
    while (f->waiting) {
        req_t *r = f->waiting;
        unlink_req(&f->waiting, r);
        f->n_waiting--;
        cancel(r);
    }
    f->waiting_tail = NULL;
    sd_curl_loop_close(f->transfers, on_transfers_closed, f);
}
