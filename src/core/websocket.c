#include "core/websocket.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wslay/wslay.h>

#include "core/http_server.h"

struct sd_ws {
    wslay_event_context_ptr ctx;
    sd_http_stream_t *stream;
    const sd_ws_cbs_t *cbs;
    void *cb_ctx;
    const char *in; /* the bytes being fed to wslay */
    size_t in_len;
    uint8_t head[16]; /* a frame header wslay handed over, sent with the payload that follows it */
    size_t head_len;
    /* The message being received, assembled here rather than by wslay, so that its length is checked against
       max_message at each frame's start, before anything of the frame is kept, however it is fragmented. */
    char *msg;
    size_t msg_len, max_message;
    bool in_control; /* the frame being received is a control frame (wslay keeps those, 125 bytes at most) */
    bool msg_binary; /* the message being received is a binary one */
    sd_wsc_t *wsc;   /* what the server sends goes through it, when set */
    int too_big_code;
    char too_big_reason[64];
    bool closing;       /* our close frame is queued: nothing more goes out, nothing more is delivered */
    bool through_wslay; /* wslay holds frames, or has sent its close: frames must go through it (kept here
                           so that a broadcast does not touch wslay's large context for every connection) */
    /* The batch whose write threads may be compressing for this connection (NULL: none): until it ends,
       nothing else may touch the compressor. */
    const struct sd_ws_batch *packing;
    bool pack_lost; /* a message could not wait in that batch: the connection closes at its end */
};

void sd_ws_accept_key(const char *key, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char joined[128];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int n = snprintf(joined, sizeof joined, "%s%s", key, guid);
    out[0] = '\0';
    if (n < 0 || (size_t)n >= sizeof joined) return;
    if (!EVP_Digest(joined, (size_t)n, md, &md_len, EVP_sha1(), NULL) || md_len != 20) return;
    sodium_bin2base64(out, 29, md, 20, sodium_base64_VARIANT_ORIGINAL);
}

/* Does the comma-separated header value hold token (case-insensitively)? */
static bool has_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = value; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == tl && strncasecmp(p, token, tl) == 0) return true;
        p = end;
    }
    return false;
}

static bool valid_key(const char *key)
{
    unsigned char raw[32];
    size_t raw_len = 0;
    return key && strlen(key) == 24 &&
           sodium_base642bin(raw, sizeof raw, key, 24, NULL, &raw_len, NULL,
                             sodium_base64_VARIANT_ORIGINAL) == 0 &&
           raw_len == 16;
}

/* ---- wslay callbacks ---- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    sd_ws_t *ws = user;
    (void)flags;
    if (ws->in_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    size_t n = len < ws->in_len ? len : ws->in_len;
    memcpy(buf, ws->in, n);
    ws->in += n;
    ws->in_len -= n;
    return (ssize_t)n;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
    sd_ws_t *ws = user;
    if ((flags & WSLAY_MSG_MORE) && len <= sizeof ws->head - ws->head_len) {
        memcpy(ws->head + ws->head_len, data, len);
        ws->head_len += len;
        return (ssize_t)len;
    }
    sd_err_t err = sd_http_stream_write(ws->stream, ws->head, ws->head_len, data, len);
    ws->head_len = 0;
    if (err != SD_OK) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

/* Closes the connection and stops reading: what the peer sends after this is not looked at. */
static void refuse(sd_ws_t *ws, int code, const char *reason)
{
    sd_ws_close(ws, code, reason);
    wslay_event_shutdown_read(ws->ctx);
}

static void on_frame_start(wslay_event_context_ptr ctx, const struct wslay_event_on_frame_recv_start_arg *arg,
                           void *user)
{
    sd_ws_t *ws = user;
    (void)ctx;
    ws->in_control = arg->opcode >= 0x8;
    if (ws->closing || ws->in_control) return;
    if (arg->opcode == WSLAY_BINARY_FRAME && !ws->cbs->on_binary) {
        refuse(ws, 1003, "binary messages are not supported");
        return;
    }
    if (arg->opcode == WSLAY_TEXT_FRAME || arg->opcode == WSLAY_BINARY_FRAME) {
        ws->msg_len = 0; /* wslay has checked that no message was open */
        ws->msg_binary = arg->opcode == WSLAY_BINARY_FRAME;
    }
    if (arg->payload_length > ws->max_message - ws->msg_len) {
        refuse(ws, ws->too_big_code, ws->too_big_reason);
        return;
    }
    /* At most max_message in all: the frame's bytes fit once this has grown to hold them. */
    char *grown = realloc(ws->msg, ws->msg_len + (size_t)arg->payload_length + 1);
    if (!grown) {
        refuse(ws, 1011, "out of memory");
        return;
    }
    ws->msg = grown;
}

static void on_frame_chunk(wslay_event_context_ptr ctx, const struct wslay_event_on_frame_recv_chunk_arg *arg,
                           void *user)
{
    sd_ws_t *ws = user;
    (void)ctx;
    if (ws->closing || ws->in_control || !arg->data_length) return;
    memcpy(ws->msg + ws->msg_len, arg->data, arg->data_length);
    ws->msg_len += arg->data_length;
}

static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    sd_ws_t *ws = user;
    (void)ctx; /* ping, pong and close are wslay's own */
    if (ws->closing || (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME)) return;
    char *msg = ws->msg;
    size_t len = ws->msg_len;
    ws->msg = NULL; /* a connection between messages holds nothing */
    ws->msg_len = 0;
    if (arg->opcode == WSLAY_BINARY_FRAME)
        ws->cbs->on_binary(ws->cb_ctx, msg ? msg : "", len);
    else
        ws->cbs->on_text(ws->cb_ctx, msg ? msg : "", len);
    free(msg);
}

/* Sends what wslay has queued; closes the stream once neither side has anything left to say. */
static void pump(sd_ws_t *ws)
{
    int rc = wslay_event_send(ws->ctx);
    ws->through_wslay = wslay_event_get_queued_msg_count(ws->ctx) > 0 || wslay_event_get_close_sent(ws->ctx);
    if (rc != 0 || (!wslay_event_want_read(ws->ctx) && !wslay_event_want_write(ws->ctx)))
        sd_http_stream_close(ws->stream);
}

/* ---- stream callbacks ---- */

static void on_data(void *user, const char *data, size_t len)
{
    sd_ws_t *ws = user;
    ws->in = data;
    ws->in_len = len;
    int rc = wslay_event_recv(ws->ctx);
    ws->in = NULL;
    ws->in_len = 0;
    if (rc != 0) {
        sd_http_stream_close(ws->stream);
        return;
    }
    pump(ws);
}

static void on_closed(void *user)
{
    sd_ws_t *ws = user;
    int code = wslay_event_get_close_received(ws->ctx) ? wslay_event_get_status_code_received(ws->ctx) : 1006;
    ws->cbs->on_gone(ws->cb_ctx, code);
    wslay_event_context_free(ws->ctx);
    sd_wsc_free(ws->wsc);
    free(ws->msg);
    free(ws);
}

static const sd_http_stream_cbs_t stream_cbs = {on_data, on_closed};

sd_ws_t *sd_ws_accept_limited(sd_request_t *req, size_t max_message, int too_big_code,
                              const char *too_big_reason, const sd_ws_cbs_t *cbs, void *ctx)
{
    const char *key = sd_request_header(req, "Sec-WebSocket-Key");
    const char *version = sd_request_header(req, "Sec-WebSocket-Version");
    if (strcmp(req->method, "GET") != 0 || !has_token(sd_request_header(req, "Upgrade"), "websocket") ||
        !has_token(sd_request_header(req, "Connection"), "upgrade") || !version ||
        strcmp(version, "13") != 0 || !valid_key(key)) {
        sd_http_add_header(req, "Sec-WebSocket-Version", "13");
        sd_http_respond_error(req, 400, 0, "400: Bad Request (a WebSocket upgrade was expected)", NULL);
        return NULL;
    }
    sd_ws_t *ws = calloc(1, sizeof *ws);
    static const struct wslay_event_callbacks callbacks = {on_recv,        on_send, NULL,      on_frame_start,
                                                           on_frame_chunk, NULL,    on_message};
    if (!ws || wslay_event_context_server_init(&ws->ctx, &callbacks, ws) != 0) {
        free(ws);
        sd_http_respond_error(req, 500, 0, "500: Internal Server Error", NULL);
        return NULL;
    }
    /* Data frames are assembled in on_frame_chunk, bounded there; wslay keeps only control frames. */
    wslay_event_config_set_no_buffering(ws->ctx, 1);
    wslay_event_config_set_max_recv_msg_length(ws->ctx,
                                               UINT64_MAX); /* its check would close with 1009 first */
    ws->max_message = max_message;
    ws->too_big_code = too_big_code;
    snprintf(ws->too_big_reason, sizeof ws->too_big_reason, "%s", too_big_reason ? too_big_reason : "");
    ws->cbs = cbs;
    ws->cb_ctx = ctx;
    char accept[29];
    sd_ws_accept_key(key, accept);
    sd_http_add_header(req, "Upgrade", "websocket");
    sd_http_add_header(req, "Connection", "Upgrade");
    sd_http_add_header(req, "Sec-WebSocket-Accept", accept);
    ws->stream = sd_http_upgrade(req, &stream_cbs, ws);
    if (!ws->stream) {
        wslay_event_context_free(ws->ctx);
        free(ws);
        return NULL;
    }
    return ws;
}

sd_ws_t *sd_ws_accept(sd_request_t *req, size_t max_message, const sd_ws_cbs_t *cbs, void *ctx)
{
    return sd_ws_accept_limited(req, max_message, 1009, "message too big", cbs, ctx);
}

#define HEAD_MAX (10 + SD_WS_PREFIX_MAX) /* a frame header and a message's first part */

/* A server's (unmasked) frame header of opcode for a message of prefix then len more bytes, followed by the
   prefix, written into head (room for 10 + prefix_len bytes); returns its size. */
static size_t frame_head(int opcode, const char *prefix, size_t prefix_len, size_t len, uint8_t *head)
{
    size_t total = prefix_len + len, n;
    head[0] = (uint8_t)(0x80 | opcode); /* FIN */
    if (total < 126) {
        head[1] = (uint8_t)total;
        n = 2;
    } else if (total < 65536) {
        head[1] = 126;
        head[2] = (uint8_t)(total >> 8);
        head[3] = (uint8_t)total;
        n = 4;
    } else {
        head[1] = 127;
        for (int i = 0; i < 8; i++)
            head[2 + i] = (uint8_t)((uint64_t)total >> (56 - 8 * i));
        n = 10;
    }
    if (prefix_len) memcpy(head + n, prefix, prefix_len);
    return n + prefix_len;
}

/* True when a frame may bypass wslay: it has nothing queued that must go first (its queue empties on each
   send, as on_send never asks it to wait) and no close frame has gone out. What it queues while it reads (a
   pong, the answer to a close) goes out right after, in on_data: a frame sent meanwhile goes first, which the
   protocol allows, as both are whole frames. */
static bool bypass(const sd_ws_t *ws)
{
    return !ws->through_wslay;
}

/* Sends one message of opcode made of prefix then msg, as it is. */
static sd_err_t send_frame(sd_ws_t *ws, int opcode, const char *prefix, size_t prefix_len, const void *msg,
                           size_t len)
{
    if (ws->closing) return SD_ERR_UNAVAILABLE;
    if (prefix_len > SD_WS_PREFIX_MAX) return SD_ERR_INVALID;
    if (bypass(ws)) { /* the common case: no copy, one system call */
        uint8_t head[HEAD_MAX];
        return sd_http_stream_write(ws->stream, head, frame_head(opcode, prefix, prefix_len, len, head), msg,
                                    len);
    }
    /* Behind what wslay holds: queued as one piece (wslay copies it). */
    char *whole = malloc(prefix_len + len + 1);
    if (!whole) return SD_ERR_NOMEM;
    if (prefix_len) memcpy(whole, prefix, prefix_len);
    if (len) memcpy(whole + prefix_len, msg, len);
    struct wslay_event_msg m = {(uint8_t)opcode, (const uint8_t *)whole, prefix_len + len};
    int rc = wslay_event_queue_msg(ws->ctx, &m);
    free(whole);
    if (rc != 0) return SD_ERR_NOMEM;
    pump(ws);
    return SD_OK;
}

/* prefix then msg through the connection's compressor, into *out (a new buffer); a failure closes. */
static sd_err_t compress_message(sd_ws_t *ws, const char *prefix, size_t prefix_len, const char *msg,
                                 size_t len, unsigned char **out, size_t *out_len)
{
    sd_err_t err = sd_wsc_message(ws->wsc, prefix, prefix_len, msg, len, out, out_len);
    if (err != SD_OK) sd_ws_close(ws, 1011, "compression failed");
    return err;
}

sd_err_t sd_ws_send_parts(sd_ws_t *ws, const char *prefix, size_t prefix_len, const char *msg, size_t len)
{
    if (ws->closing) return SD_ERR_UNAVAILABLE;
    if (prefix_len > SD_WS_PREFIX_MAX) return SD_ERR_INVALID;
    if (!ws->wsc) return send_frame(ws, WSLAY_TEXT_FRAME, prefix, prefix_len, msg, len);
    unsigned char *packed;
    size_t packed_len;
    sd_err_t err = compress_message(ws, prefix, prefix_len, msg, len, &packed, &packed_len);
    if (err != SD_OK) return err;
    err = send_frame(ws, WSLAY_BINARY_FRAME, NULL, 0, packed, packed_len);
    free(packed);
    return err;
}

sd_err_t sd_ws_send_binary(sd_ws_t *ws, const void *data, size_t len)
{
    return send_frame(ws, WSLAY_BINARY_FRAME, NULL, 0, data, len);
}

void sd_ws_compress(sd_ws_t *ws, sd_wsc_t *c)
{
    if (!c) return;
    sd_wsc_free(ws->wsc);
    ws->wsc = c;
}

sd_wsc_kind_t sd_ws_compression(const sd_ws_t *ws)
{
    return sd_wsc_kind(ws->wsc);
}

sd_err_t sd_ws_send_text(sd_ws_t *ws, const char *msg, size_t len)
{
    return sd_ws_send_parts(ws, NULL, 0, msg, len);
}

#define BATCH_PART 512 /* messages handed to the writers at a time */
#define PACKS_FIRST                                                                                          \
    16 /* compressed messages the first block holds; each next holds twice, up to BATCH_PART */

/* Frame headers (with the messages' first parts) live until the batch ends, as the writes borrow them. */
typedef struct heads {
    struct heads *next;
    uint8_t head[BATCH_PART][HEAD_MAX];
} heads_t;

/* A compressed connection's message in a batch: compressed by the thread that writes it (pack), so that
   the compression of a broadcast is spread over the write threads like its writes. The connection's
   compressor is that thread's alone while the batch is open: the connection is named once per batch, and
   the loop's thread touches the compressor again only after the batch. */
typedef struct {
    sd_ws_t *ws;
    const char *msg; /* borrowed, as the batch's messages are */
    size_t len, prefix_len;
    char prefix[SD_WS_PREFIX_MAX];
    uint8_t head[10];
    unsigned char *packed; /* the compressed message, written by the job, freed at the batch's end */
    bool failed;           /* the compressor failed: the connection closes after the batch */
} pack_t;

/* Blocks of pack_t, never moved: the writes point at their pack until the end. */
typedef struct packs {
    struct packs *next;
    size_t n, cap;
    pack_t pack[];
} packs_t;

struct sd_ws_batch {
    sd_http_batch_t *http;
    sd_http_write_t writes[BATCH_PART];
    heads_t *heads; /* the newest first; its head[0..n) are in writes */
    size_t n;
    bool handed;    /* the newest heads went to the writers with their writes: the next needs new ones */
    packs_t *packs; /* the newest first */
};

sd_ws_batch_t *sd_ws_batch_new(void)
{
    /* Not zeroed: most events go to a few sessions, and writes[] stays unused but for them. */
    sd_ws_batch_t *b = malloc(sizeof *b);
    if (!b) return NULL;
    b->http = sd_http_batch_new();
    if (!b->http) {
        free(b);
        return NULL;
    }
    b->heads = NULL;
    b->n = 0;
    b->handed = false;
    b->packs = NULL;
    return b;
}

static void hand_over(sd_ws_batch_t *b)
{
    sd_http_batch_add(b->http, b->writes, b->n);
    b->n = 0;
    b->handed = true;
}

/* The next free header slot of b: a new block once the last one went to the writers; NULL without memory. */
static uint8_t *next_head(sd_ws_batch_t *b)
{
    if (!b->heads || b->handed) {
        heads_t *h = malloc(sizeof *h);
        if (!h) return NULL;
        h->next = b->heads;
        b->heads = h;
        b->handed = false;
    }
    return b->heads->head[b->n];
}

/* The next free pack of b (a new block when the newest is full); NULL without memory. */
static pack_t *next_pack(sd_ws_batch_t *b)
{
    if (!b->packs || b->packs->n == b->packs->cap) {
        size_t cap = b->packs ? b->packs->cap * 2 : PACKS_FIRST;
        if (cap > BATCH_PART) cap = BATCH_PART;
        packs_t *p = malloc(sizeof *p + cap * sizeof p->pack[0]);
        if (!p) return NULL;
        p->next = b->packs;
        p->n = 0;
        p->cap = cap;
        b->packs = p;
    }
    return &b->packs->pack[b->packs->n++];
}

/* The job of a compressed message (sd_fanout_prepare_fn): compresses it into its connection's stream and
   points the job at the frame. Runs on a write thread, or on the loop's when the write is done there. */
static void pack(sd_fanout_job_t *job, void *arg)
{
    pack_t *p = arg;
    size_t len;
    if (sd_wsc_message(p->ws->wsc, p->prefix, p->prefix_len, p->msg, p->len, &p->packed, &len) != SD_OK) {
        p->failed = job->failed = true;
        return;
    }
    job->iov[0] = (struct iovec){p->head, frame_head(WSLAY_BINARY_FRAME, NULL, 0, len, p->head)};
    job->iov[1] = (struct iovec){p->packed, len};
}

/* A compressed connection's message: compressed when its write is due (pack), in the stream's order. A
   connection with frames in wslay's queue (already compressed, in order) goes the usual way, now. */
static void add_compressed(sd_ws_batch_t *b, sd_ws_t *ws, const char *prefix, size_t prefix_len,
                           const char *msg, size_t len)
{
    if (ws->packing && ws->packing != b) { /* another batch's threads have the compressor */
        ws->pack_lost = true;
        return;
    }
    pack_t *p = b && bypass(ws) ? next_pack(b) : NULL;
    if (!p && ws->packing) { /* no memory, and the compressor is the write threads' until the end */
        ws->pack_lost = true;
        return;
    }
    if (!p) { /* wslay's queue goes first (or no memory): the usual way */
        sd_ws_send_parts(ws, prefix, prefix_len, msg, len);
        return;
    }
    ws->packing = b;
    *p = (pack_t){.ws = ws, .msg = msg, .len = len, .prefix_len = prefix_len};
    if (prefix_len) memcpy(p->prefix, prefix, prefix_len);
    b->writes[b->n++] = (sd_http_write_t){.stream = ws->stream, .prepare = pack, .arg = p};
    if (b->n == BATCH_PART) hand_over(b);
}

void sd_ws_batch_add(sd_ws_batch_t *b, sd_ws_t *ws, const char *prefix, size_t prefix_len, const char *msg,
                     size_t len)
{
    if (ws->closing || prefix_len > SD_WS_PREFIX_MAX) return;
    if (ws->wsc) {
        add_compressed(b, ws, prefix, prefix_len, msg, len);
        return;
    }
    uint8_t *head = b && bypass(ws) ? next_head(b) : NULL;
    if (!head) { /* wslay's queue goes first (or no memory): the usual way */
        sd_ws_send_parts(ws, prefix, prefix_len, msg, len);
        return;
    }
    size_t head_len = frame_head(WSLAY_TEXT_FRAME, prefix, prefix_len, len, head);
    b->writes[b->n++] =
        (sd_http_write_t){.stream = ws->stream, .head = head, .data = msg, .head_len = head_len, .len = len};
    if (b->n == BATCH_PART) hand_over(b);
}

void sd_ws_batch_end(sd_ws_batch_t *b)
{
    if (!b) return;
    hand_over(b);
    sd_http_batch_end(b->http); /* after it, the compressors are the loop's again */
    for (heads_t *h = b->heads, *next; h; h = next) {
        next = h->next;
        free(h);
    }
    for (packs_t *p = b->packs, *next; p; p = next) {
        next = p->next;
        for (size_t i = 0; i < p->n; i++) {
            sd_ws_t *ws = p->pack[i].ws;
            free(p->pack[i].packed);
            ws->packing = NULL;
            if (p->pack[i].failed || ws->pack_lost) sd_ws_close(ws, 1011, "compression failed");
        }
        free(p);
    }
    free(b);
}

void sd_ws_close(sd_ws_t *ws, int code, const char *reason)
{
    if (ws->closing) return;
    ws->closing = true;
    wslay_event_queue_close(ws->ctx, (uint16_t)code, (const uint8_t *)reason, reason ? strlen(reason) : 0);
    wslay_event_send(ws->ctx);
    /* Our side is done: the peer gets what is queued, then the connection ends. */
    sd_http_stream_close(ws->stream);
}

void sd_ws_send_buffer(sd_ws_t *ws, int bytes)
{
    sd_http_stream_send_buffer(ws->stream, bytes);
}

size_t sd_ws_queued(const sd_ws_t *ws)
{
    return sd_http_stream_queued(ws->stream);
}
