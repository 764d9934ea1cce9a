#include "core/broker.h"

#include <hiredis/adapters/libuv.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define MAX_TOPICS 8
#define ORIGIN_LEN 16
#define BACKOFF_MIN_MS 250 /* also the least time a connect is given */
#define BACKOFF_MAX_MS 5000

typedef struct {
    char name[64];
    char channel[192]; /* prefix + name on Redis */
    sd_broker_fn fn;
    void *ctx;
} topic_t;

struct sd_broker {
    uv_loop_t *loop;
    topic_t topics[MAX_TOPICS];
    int ntopics;
    char origin[ORIGIN_LEN + 1];
    char prefix[128];
    bool redis;
    char host[256];
    int port;
    char password[256];
    redisAsyncContext *pub, *sub;
    bool pub_up, sub_up;
    bool was_up; /* for logging transitions once */
    bool closing;
    int backoff_ms;
    uv_timer_t retry;
    int open; /* handles and contexts still to be released */
};

static void connect_all(sd_broker_t *b);

static void release(sd_broker_t *b)
{
    if (--b->open == 0) free(b);
}

static void set_state(sd_broker_t *b)
{
    bool up = b->pub_up && b->sub_up;
    if (up && !b->was_up) {
        sd_log(SD_LOG_INFO, "redis connected", json_pack("{s:s, s:i}", "host", b->host, "port", b->port));
        b->backoff_ms = BACKOFF_MIN_MS;
    } else if (!up && b->was_up) {
        sd_log(SD_LOG_WARN, "redis unavailable: delivering to this process only until it is back",
               json_pack("{s:s, s:i}", "host", b->host, "port", b->port));
    }
    b->was_up = up;
}

/*
 * Frees the contexts still connecting (connected_too: all of them, at close). hiredis calls nothing back for
 * them, and its libuv adapter drops the error of a refused connection, so such a context would wait forever.
 */
static void drop_contexts(sd_broker_t *b, bool connected_too)
{
    redisAsyncContext **both[2] = {&b->pub, &b->sub};
    for (int i = 0; i < 2; i++) {
        redisAsyncContext *ac = *both[i];
        if (!ac || (!connected_too && (ac->c.flags & REDIS_CONNECTED))) continue;
        *both[i] = NULL;
        ac->data = NULL; /* whatever hiredis calls back while freeing it is no longer ours */
        redisAsyncFree(ac);
        b->open--;
    }
}

static void on_retry(uv_timer_t *t)
{
    sd_broker_t *b = t->data;
    drop_contexts(b, false);
    connect_all(b);
}

static void schedule_retry(sd_broker_t *b)
{
    if (b->closing || uv_is_active((uv_handle_t *)&b->retry)) return;
    uv_timer_start(&b->retry, on_retry, (uint64_t)b->backoff_ms, 0);
    b->backoff_ms = b->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : b->backoff_ms * 2;
}

/* A context is gone (failed to connect, or disconnected): hiredis frees it after this. */
static void context_gone(const redisAsyncContext *ac)
{
    sd_broker_t *b = ac->data;
    if (!b) return;
    if (ac == b->pub) {
        b->pub = NULL;
        b->pub_up = false;
    } else if (ac == b->sub) {
        b->sub = NULL;
        b->sub_up = false;
    }
    b->open--; /* the close path never comes here: it detaches its contexts first */
    set_state(b);
    schedule_retry(b);
}

static void on_message(redisAsyncContext *ac, void *reply, void *privdata)
{
    sd_broker_t *b = ac->data;
    if (!b) return;
    redisReply *r = reply;
    (void)privdata;
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING)
        return;
    if (strcmp(r->element[0]->str, "subscribe") == 0) {
        b->sub_up = true;
        set_state(b);
        return;
    }
    if (strcmp(r->element[0]->str, "message") != 0) return;
    const redisReply *ch = r->element[1], *msg = r->element[2];
    if (msg->type != REDIS_REPLY_STRING || msg->len < ORIGIN_LEN) return;
    if (memcmp(msg->str, b->origin, ORIGIN_LEN) == 0) return; /* ours: delivered when published */
    for (int i = 0; i < b->ntopics; i++)
        if (strcmp(b->topics[i].channel, ch->str) == 0)
            b->topics[i].fn(msg->str + ORIGIN_LEN, msg->len - ORIGIN_LEN, true, b->topics[i].ctx);
}

/* On failure hiredis frees the context after this, and calls no disconnect callback. */
static void on_connect(const redisAsyncContext *ac, int status)
{
    sd_broker_t *b = ac->data;
    if (!b) return;
    if (status != REDIS_OK) {
        context_gone(ac);
        return;
    }
    if (ac == b->pub) { /* the subscriber is up once its SUBSCRIBE is answered */
        b->pub_up = true;
        set_state(b);
    }
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    (void)status;
    context_gone(ac);
}

static redisAsyncContext *open_context(sd_broker_t *b)
{
    redisAsyncContext *ac = redisAsyncConnect(b->host, b->port);
    if (!ac) return NULL;
    if (ac->err) {
        redisAsyncFree(ac);
        return NULL;
    }
    ac->data = b;
    redisLibuvAttach(ac, b->loop);
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    b->open++;
    if (b->password[0]) redisAsyncCommand(ac, NULL, NULL, "AUTH %s", b->password);
    /* hiredis learns that the connection is up from the first write it waits for: a command must be queued.
     */
    redisAsyncCommand(ac, NULL, NULL, "PING");
    return ac;
}

static void connect_all(sd_broker_t *b)
{
    if (b->closing) return;
    if (!b->pub) b->pub = open_context(b);
    if (!b->sub && (b->sub = open_context(b)))
        for (int i = 0; i < b->ntopics; i++)
            redisAsyncCommand(b->sub, on_message, NULL, "SUBSCRIBE %s", b->topics[i].channel);
    /* Look again later: a context that failed to open, or is still connecting then, is tried anew. */
    if (!b->pub || !b->sub || !(b->pub->c.flags & REDIS_CONNECTED) || !(b->sub->c.flags & REDIS_CONNECTED))
        schedule_retry(b);
}

static bool parse_url(sd_broker_t *b, const char *url)
{
    const char *p = url + strlen("redis://");
    const char *at = strchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *pw = colon ? colon + 1 : p;
        snprintf(b->password, sizeof b->password, "%.*s", (int)(at - pw), pw);
        p = at + 1;
    }
    size_t host_len = strcspn(p, ":/");
    if (host_len == 0 || host_len >= sizeof b->host) return false;
    memcpy(b->host, p, host_len);
    b->host[host_len] = '\0';
    b->port = 6379;
    if (p[host_len] == ':') {
        char *end;
        long port = strtol(p + host_len + 1, &end, 10);
        if (port < 1 || port > 65535 || (*end && *end != '/')) return false;
        b->port = (int)port;
    }
    return true;
}

sd_broker_t *sd_broker_new(uv_loop_t *loop, const char *redis_url, const char *prefix)
{
    sd_broker_t *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->loop = loop;
    b->open = 1;
    b->backoff_ms = BACKOFF_MIN_MS;
    snprintf(b->prefix, sizeof b->prefix, "%s", prefix ? prefix : "");
    unsigned char raw[ORIGIN_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(b->origin, sizeof b->origin, raw, sizeof raw);
    if (redis_url && redis_url[0]) {
        if (strncmp(redis_url, "redis://", 8) != 0 || !parse_url(b, redis_url)) {
            free(b);
            return NULL;
        }
        b->redis = true;
        uv_timer_init(loop, &b->retry);
        b->retry.data = b;
        b->open++;
        connect_all(b);
    }
    return b;
}

static void on_timer_closed(uv_handle_t *h)
{
    release(h->data);
}

void sd_broker_close(sd_broker_t *b)
{
    if (!b) return;
    b->closing = true;
    if (b->redis) {
        uv_timer_stop(&b->retry);
        uv_close((uv_handle_t *)&b->retry, on_timer_closed);
        drop_contexts(b, true); /* what is still unsent is lost: the process is stopping */
    }
    release(b);
}

sd_err_t sd_broker_subscribe(sd_broker_t *b, const char *topic, sd_broker_fn fn, void *ctx)
{
    if (b->ntopics == MAX_TOPICS || strlen(topic) >= sizeof b->topics[0].name) return SD_ERR_INVALID;
    topic_t *t = &b->topics[b->ntopics++];
    snprintf(t->name, sizeof t->name, "%s", topic);
    snprintf(t->channel, sizeof t->channel, "%s%s", b->prefix, topic);
    t->fn = fn;
    t->ctx = ctx;
    if (b->sub) redisAsyncCommand(b->sub, on_message, NULL, "SUBSCRIBE %s", t->channel);
    return SD_OK;
}

void sd_broker_publish(sd_broker_t *b, const char *topic, const char *payload, size_t len)
{
    const topic_t *t = NULL;
    for (int i = 0; i < b->ntopics && !t; i++)
        if (strcmp(b->topics[i].name, topic) == 0) t = &b->topics[i];
    if (t) t->fn(payload, len, false, t->ctx);
    if (!b->redis || !b->pub_up) return;
    char channel[192];
    snprintf(channel, sizeof channel, "%s%s", b->prefix, topic);
    char *msg = malloc(ORIGIN_LEN + len);
    if (!msg) return;
    memcpy(msg, b->origin, ORIGIN_LEN);
    memcpy(msg + ORIGIN_LEN, payload, len);
    redisAsyncCommand(b->pub, NULL, NULL, "PUBLISH %s %b", channel, msg, ORIGIN_LEN + len);
    free(msg);
}

#define MAX_COUNTERS 8
/* INCR every key, setting the expiry of one it creates: one round trip, atomic per key. */
static const char count_script[] = "local r = {} "
                                   "for i, k in ipairs(KEYS) do "
                                   "  r[i] = redis.call('INCR', k) "
                                   "  if r[i] == 1 then redis.call('PEXPIRE', k, ARGV[i]) end "
                                   "end "
                                   "return r";

typedef struct {
    sd_broker_count_fn cb;
    void *ctx;
    int n;
} count_t;

static void on_counted(redisAsyncContext *ac, void *reply, void *privdata)
{
    count_t *c = privdata;
    const redisReply *r = reply;
    long long counts[MAX_COUNTERS];
    bool ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == (size_t)c->n;
    for (int i = 0; ok && i < c->n; i++) {
        ok = r->element[i]->type == REDIS_REPLY_INTEGER;
        if (ok) counts[i] = r->element[i]->integer;
    }
    (void)ac;
    c->cb(ok ? counts : NULL, c->n, c->ctx);
    free(c);
}

sd_err_t sd_broker_count(sd_broker_t *b, const char *const *keys, const long *ttl_ms, int n,
                         sd_broker_count_fn cb, void *ctx)
{
    if (!b->redis || !b->pub_up || !b->pub || n < 1 || n > MAX_COUNTERS) return SD_ERR_UNAVAILABLE;
    char names[MAX_COUNTERS][320], ttls[MAX_COUNTERS][24], nkeys[8];
    const char *argv[3 + 2 * MAX_COUNTERS];
    size_t lens[3 + 2 * MAX_COUNTERS];
    int argc = 0;
    snprintf(nkeys, sizeof nkeys, "%d", n);
    argv[argc++] = "EVAL";
    argv[argc++] = count_script;
    argv[argc++] = nkeys;
    for (int i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "%s%s", b->prefix, keys[i]);
        argv[argc++] = names[i];
    }
    for (int i = 0; i < n; i++) {
        snprintf(ttls[i], sizeof ttls[i], "%ld", ttl_ms[i]);
        argv[argc++] = ttls[i];
    }
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    count_t *c = malloc(sizeof *c);
    if (!c) return SD_ERR_NOMEM;
    *c = (count_t){cb, ctx, n};
    if (redisAsyncCommandArgv(b->pub, on_counted, c, argc, argv, lens) != REDIS_OK) {
        free(c);
        return SD_ERR_UNAVAILABLE;
    }
    return SD_OK;
}

const char *sd_broker_state(const sd_broker_t *b)
{
    if (!b->redis) return "local";
    return b->pub_up && b->sub_up ? "connected" : "disconnected";
}
