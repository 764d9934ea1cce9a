/* The http-parser callbacks of a connection (core/http_conn.h): a request's line, headers and body, within
   the server's limits. */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/http_conn.h"

static uint64_t now_ns(void)
{
    return uv_hrtime();
}

#define HEADER_BLOCK_START 1024 /* most requests' line and headers fit; the block doubles up to the limit */

/* Room for every counted byte plus a NUL after the line and after each name and value. */
static size_t header_block_max(const sd_http_conn_t *c)
{
    return c->srv->limits.max_header_bytes + 2 * SD_HTTP_MAX_HEADERS + 4;
}

/* A new request with its arena and the start of its header block; NULL when out of memory. */
static sd_request_t *request_new(sd_http_conn_t *c)
{
    sd_arena_t *a = sd_arena_new();
    if (!a) return NULL;
    sd_request_t *r = sd_arena_alloc(a, sizeof *r);
    struct sd_http_internal *in = sd_arena_alloc(a, sizeof *in);
    size_t hcap = header_block_max(c) < HEADER_BLOCK_START ? header_block_max(c) : HEADER_BLOCK_START;
    char *hbuf = sd_arena_alloc(a, hcap);
    if (!r || !in || !hbuf) {
        sd_arena_free(a);
        return NULL;
    }
    r->arena = a;
    r->internal = in;
    in->conn = c;
    in->srv = c->srv;
    in->start_ns = now_ns();
    unsigned char id[8];
    randombytes_buf(id, sizeof id);
    sodium_bin2hex(r->request_id, sizeof r->request_id, id, sizeof id);
    r->query = "";
    r->body = "";
    r->body_fd = -1;
    memcpy(r->peer, c->peer, sizeof r->peer);
    c->hbuf = hbuf;
    c->hcap = hcap;
    c->hlen = 0;
    return r;
}

/* Counts n more bytes of the request line and headers against the limit. */
static int count_header_bytes(sd_http_conn_t *c, size_t n)
{
    c->header_bytes += n;
    if (c->header_bytes > c->srv->limits.max_header_bytes) {
        c->error_status = 431;
        return -1;
    }
    return 0;
}

/* Moves the header block to one of twice the size (at least need bytes, at most the limit's), in the arena,
   and points the line and the headers seen so far into it. The old block stays in the arena: the blocks of a
   request add up to less than twice the last one. */
static bool block_grow(sd_http_conn_t *c, size_t need)
{
    size_t max = header_block_max(c);
    size_t cap = c->hcap * 2 > need ? c->hcap * 2 : need;
    if (cap > max) cap = max;
    if (need > cap) return false;
    char *old = c->hbuf, *b = sd_arena_alloc(c->req->arena, cap);
    if (!b) return false;
    memcpy(b, old, c->hlen);
#define REBASE(p)                                                                                            \
    if ((p) >= old && (p) < old + c->hcap) (p) = b + ((p)-old)
    REBASE(c->url);
    for (int i = 0; i < c->req->header_count; i++) {
        REBASE(c->req->headers[i].name);
        REBASE(c->req->headers[i].value);
    }
#undef REBASE
    c->hbuf = b;
    c->hcap = cap;
    return true;
}

/* Appends at[0..len) to the header block; starting a new token ends the previous one with a NUL. Returns
   where the bytes went, or NULL when the block cannot hold them (the limit counted before keeps that from
   happening) or there is no memory. */
static char *block_append(sd_http_conn_t *c, const char *at, size_t len, bool new_token)
{
    size_t sep = new_token && c->hlen ? 1 : 0;
    size_t need = c->hlen + sep + len + 1;
    if (need > c->hcap && !block_grow(c, need)) {
        if (need > header_block_max(c)) c->error_status = 431; /* else no memory: the parser's 400 */
        return NULL;
    }
    if (sep) c->hbuf[c->hlen++] = '\0';
    char *dst = c->hbuf + c->hlen;
    memcpy(dst, at, len);
    c->hlen += len;
    return dst;
}

static int on_message_begin(http_parser *p)
{
    sd_http_conn_t *c = p->data;
    c->req = request_new(c);
    if (!c->req) return -1;
    c->header_bytes = 0;
    c->url_len = 0;
    c->url = NULL;
    c->last_was_value = false;
    c->in_message = true;
    /* One deadline for the whole header phase, from its first byte: reads do not extend it. */
    const sd_http_limits_t *l = &c->srv->limits;
    uint64_t ms = l->header_timeout_ms < l->request_timeout_ms ? l->header_timeout_ms : l->request_timeout_ms;
    c->deadline_ns = c->req->internal->start_ns + ms * 1000000u;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    sd_http_conn_t *c = p->data;
    if (c->url_len + len > c->srv->limits.max_url_bytes) {
        c->error_status = 414;
        return -1;
    }
    if (count_header_bytes(c, len)) return -1;
    char *dst = block_append(c, at, len, c->url_len == 0);
    if (!dst) return -1;
    if (c->url_len == 0) c->url = dst;
    c->url_len += len;
    return 0;
}

/* Adds to the current header's name or value: a name after a value (or the first one) starts a header. */
static int append_header(sd_http_conn_t *c, const char *at, size_t len, bool value)
{
    sd_request_t *r = c->req;
    if (count_header_bytes(c, len)) return -1;
    bool new_header = !value && (c->last_was_value || r->header_count == 0);
    bool new_value = value && !c->last_was_value;
    if (new_header && r->header_count == SD_HTTP_MAX_HEADERS) {
        c->error_status = 431;
        return -1;
    }
    char *dst = block_append(c, at, len, new_header || new_value);
    if (!dst) return -1;
    if (new_header) r->headers[r->header_count++] = (sd_http_pair_t){dst, ""};
    if (new_value) r->headers[r->header_count - 1].value = dst;
    c->last_was_value = value;
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    return append_header(p->data, at, len, false);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    return append_header(p->data, at, len, true);
}

/* The request line is known: method, path and query, in the header block. */
static void name_request(sd_http_conn_t *c, sd_request_t *r)
{
    r->method = http_method_str((enum http_method)c->parser.method);
    char *url = c->url ? (char *)c->url : (char *)"/";
    char *q = strchr(url, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    r->path = url;
}

/* Tells the client to go on sending its body (Expect: 100-continue), once the body is known to be taken. */
static int send_continue(sd_http_conn_t *c)
{
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    char *head = malloc(sizeof cont);
    if (!head) return -1;
    memcpy(head, cont, sizeof cont);
    sd_http_conn_write(c, head, sizeof cont - 1, NULL, 0, false);
    return c->closing ? -1 : 0;
}

static bool expects_continue(const sd_request_t *r, const http_parser *p)
{
    const char *expect = sd_request_header(r, "Expect");
    return expect && strcasecmp(expect, "100-continue") == 0 && p->content_length > 0;
}

/* The body goes to a new spool file. */
static int spool_start(sd_http_conn_t *c, sd_request_t *r)
{
    bool known = c->parser.flags & F_CONTENTLENGTH;
    if (!sd_http_spool_count(r, known ? (size_t)c->parser.content_length : 0)) {
        c->error_status = 503;
        return -1;
    }
    r->body_fd = sd_http_spool_open(c->srv->spool_dir);
    if (r->body_fd < 0) {
        c->error_status = 503;
        return -1;
    }
    r->body_spooled = true;
    r->body_len = 0;
    return expects_continue(r, &c->parser) ? send_continue(c) : 0;
}

static int on_headers_complete(http_parser *p)
{
    sd_http_conn_t *c = p->data;
    sd_request_t *r = c->req;
    struct sd_http_internal *in = r->internal;
    if (block_append(c, "", 0, true) == NULL) return -1; /* ends the last token */
    name_request(c, r);
    size_t max = c->srv->body_limit ? c->srv->body_limit(r, c->srv->body_limit_ctx) : 0;
    in->body_limit = max ? max : c->srv->limits.max_body_bytes;
    sd_http_spool_t spool = {0};
    uint64_t timeout_ms = c->srv->limits.request_timeout_ms;
    if (c->srv->spool && c->srv->spool(r, &spool, c->srv->spool_ctx)) {
        in->spool = true;
        if (spool.max_bytes) in->body_limit = spool.max_bytes;
        if (spool.timeout_ms) timeout_ms = spool.timeout_ms;
    }
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > in->body_limit) {
        c->error_status = 413;
        return -1;
    }
    /* From here the whole request has its own deadline, from its first byte. */
    c->deadline_ns = in->start_ns + timeout_ms * 1000000u;
    if (in->spool) return spool_start(c, r);
    in->body_cap = (p->flags & F_CONTENTLENGTH) ? (size_t)p->content_length + 1 : 1;
    char *b = sd_arena_alloc(r->arena, in->body_cap);
    if (!b) return -1;
    r->body = b;
    r->body_len = 0;
    return expects_continue(r, p) ? send_continue(c) : 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    sd_http_conn_t *c = p->data;
    sd_request_t *r = c->req;
    struct sd_http_internal *in = r->internal;
    if (r->body_len + len > in->body_limit) {
        c->error_status = 413;
        return -1;
    }
    if (in->spool) { /* into the page cache: the loop waits for a copy, not for the disk */
        if (!sd_http_spool_count(r, r->body_len + len) || sd_http_spool_write(r->body_fd, at, len) < 0) {
            c->error_status = 503;
            return -1;
        }
        r->body_len += len;
        return 0;
    }
    if (r->body_len + len + 1 > in->body_cap) { /* chunked: grow geometrically, never past the limit */
        size_t cap = in->body_cap * 2 > 4096 ? in->body_cap * 2 : 4096;
        if (cap < r->body_len + len + 1) cap = r->body_len + len + 1;
        if (cap > in->body_limit + 1) cap = in->body_limit + 1;
        char *b = sd_arena_alloc(r->arena, cap);
        if (!b) return -1;
        memcpy(b, r->body, r->body_len);
        r->body = b;
        in->body_cap = cap;
    }
    memcpy((char *)r->body + r->body_len, at, len);
    r->body_len += len;
    ((char *)r->body)[r->body_len] = '\0';
    return 0;
}

static int on_message_complete(http_parser *p)
{
    sd_http_conn_t *c = p->data;
    c->message_done = true;
    http_parser_pause(p, 1);
    return 0;
}

const http_parser_settings *sd_http_parse_settings(void)
{
    static const http_parser_settings settings = {
        .on_message_begin = on_message_begin,
        .on_url = on_url,
        .on_header_field = on_header_field,
        .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete,
        .on_body = on_body,
        .on_message_complete = on_message_complete,
    };
    return &settings;
}
