#include "api/gateway/gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/gateway/address.h"
#include "api/gateway/chunks.h"
#include "api/gateway/delivery.h"
#include "api/gateway/guilds.h"
#include "api/gateway/identify.h"
#include "api/gateway/payload.h"
#include "api/gateway/presence.h"
#include "api/gateway/session.h"
#include "api/v1/deps.h"
#include "core/app.h"
#include "core/broker.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/websocket.h"
#include "services/events.h"

/* ---- the protocol ---- */

typedef struct {
    sd_gateway_t *gw;
    char session[33];
} asker_t;

static void on_chunks(json_t *chunks, void *ctx)
{
    asker_t *a = ctx;
    sd_gw_session_t *s = sd_gw_find_session(a->gw, a->session);
    size_t i;
    json_t *c;
    json_array_foreach(s ? chunks : NULL, i, c)
    {
        sd_gw_presence_chunk(s, c);
        sd_gw_dispatch_json(s, "GUILD_MEMBERS_CHUNK", json_incref(c));
    }
    free(a);
}

/* Request Guild Members (op 8): GUILD_MEMBERS_CHUNK dispatches follow. */
static void request_members(sd_gw_session_t *s, const json_t *d)
{
    asker_t *a = calloc(1, sizeof *a);
    if (!a) return;
    a->gw = s->gw;
    snprintf(a->session, sizeof a->session, "%s", s->id);
    int code = sd_chunks_request(s->gw->app, s->user_id, d, on_chunks, a);
    if (code) {
        free(a);
        sd_gw_close_link(s->link, code, code == 4002 ? "Decode error" : "Unknown error");
    }
}

/* The socket's URL, by the Host the client used: what GET /gateway gives and READY's resume_gateway_url.
   Behind a TLS proxy (X-Forwarded-Proto: https) the socket is wss: only the asking client reads the answer.
 */
static void socket_url(const sd_request_t *req, char *out, size_t cap)
{
    const char *host = sd_request_header(req, "Host");
    const char *proto = sd_request_header(req, "X-Forwarded-Proto");
    bool tls = proto && !strcasecmp(proto, "https");
    snprintf(out, cap, "%s://%s/gateway", tls ? "wss" : "ws", host && host[0] ? host : "127.0.0.1");
}

static void on_text(void *ctx, const char *msg, size_t len)
{
    sd_gw_link_t *l = ctx;
    sd_gw_session_t *s = l->s;
    if (!s) return;
    const sd_rate_t *rate = &s->gw->app->cfg->rate_gateway;
    uint64_t now = uv_now(s->gw->app->loop);
    if (now - s->window_start >= (uint64_t)rate->window_ms) {
        s->window_start = now;
        s->commands = 0;
    }
    if (rate->count > 0 && ++s->commands > rate->count) {
        sd_metrics_add(s->gw->app->metrics, "sd_ratelimit_rejections_total", "scope=\"gateway\"", 1);
        sd_gw_close_link(l, 4008, "Rate limited");
        return;
    }
    sd_gw_payload_t p;
    int code = sd_gw_payload_decode(msg, len, &p);
    if (code) {
        sd_gw_close_link(l, code,
                         code == 4001   ? "Unknown opcode"
                         : code == 4013 ? "Invalid intent(s)"
                                        : "Decode error");
        return;
    }
    switch (p.op) {
    case SD_GW_OP_HEARTBEAT:
        s->last_beat = now;
        sd_gw_send_json(s, json_pack("{s:i}", "op", SD_GW_OP_HEARTBEAT_ACK));
        break;
    case SD_GW_OP_IDENTIFY:
        if (!s->identified && !s->pending_auth) s->payload_compress = p.compress;
        sd_gw_identify(s, &p);
        break;
    case SD_GW_OP_RESUME:
        if (s->identified || s->pending_auth)
            sd_gw_close_link(l, 4005, "Already authenticated");
        else
            sd_gw_resume(l, &p);
        break;
    case SD_GW_OP_PRESENCE:
        if (!s->identified) {
            sd_gw_close_link(l, 4003, "Not authenticated");
        } else {
            snprintf(s->status, sizeof s->status, "%s", p.status);
            sd_gw_presence_activities(s, json_object_get(p.d, "activities"));
            sd_gw_presence(s, p.status);
        }
        break;
    case SD_GW_OP_REQUEST_MEMBERS:
        if (!s->identified)
            sd_gw_close_link(l, 4003, "Not authenticated");
        else
            request_members(s, p.d);
        break;
    }
    sd_gw_payload_free(&p);
}

static void on_gone(void *ctx, int code)
{
    sd_gw_link_t *l = ctx;
    sd_gw_session_t *s = l->s;
    sd_gw_address_leave(l->gw, l->address);
    free(l);
    if (!s) return;
    s->link = NULL;
    /* A clean close (1000/1001) ends the session as Discord does; anything else leaves it resumable. */
    if (!s->identified || code == 1000 || code == 1001 || s->gw->closing ||
        s->gw->app->cfg->gateway_resume_ms == 0) {
        sd_gw_session_end(s);
        return;
    }
    sd_gw_session_linger(s);
}

/* Discord takes a client's payloads in binary messages too: the same JSON text. */
static const sd_ws_cbs_t ws_cbs = {on_text, on_gone, on_text};

/* The socket's transport compression, from the URL's compress (none when absent or empty); false when it
   names one Discord does not offer. */
static bool compression_of(const sd_request_t *req, sd_wsc_kind_t *kind)
{
    const char *name = sd_request_query(req, "compress");
    *kind = SD_WSC_NONE;
    return !name || !name[0] || sd_wsc_kind_parse(name, kind);
}

static void get_socket(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    sd_gateway_t *gw = app->gateway;
    sd_gw_link_t *l = calloc(1, sizeof *l);
    if (!gw || gw->closing || !l) {
        free(l);
        sd_http_respond_error(req, 503, 0, "503: Service Unavailable", NULL);
        return;
    }
    l->gw = gw;
    sd_request_client_address(req, app->cfg->trusted_proxies, l->address, sizeof l->address);
    if (!sd_gw_address_admit(gw, l->address)) { /* refused before the upgrade, as an HTTP answer */
        free(l);
        sd_metrics_add(app->metrics, "sd_ratelimit_rejections_total", "scope=\"gateway_address\"", 1);
        sd_http_add_header(req, "Retry-After", "1");
        sd_http_respond_json(req, 429,
                             json_pack("{s:i, s:s, s:f, s:b}", "code", 0, "message",
                                       "Too many gateway connections from this address.", "retry_after", 1.0,
                                       "global", 0));
        return;
    }
    /* Read before the upgrade: the request is gone after it. */
    const char *v = sd_request_query(req, "v");
    bool bad_version = v && strcmp(v, "10") && strcmp(v, "9");
    /* Discord's encodings are json and etf; this server speaks json only. */
    const char *encoding = sd_request_query(req, "encoding");
    bool bad_encoding = encoding && strcmp(encoding, "json");
    sd_wsc_kind_t kind;
    bool bad_compress = !compression_of(req, &kind);
    char url[300];
    socket_url(req, url, sizeof url);
    /* Discord's limit on what a client sends: a longer message is a decode error. */
    l->ws =
        sd_ws_accept_limited(req, (size_t)app->cfg->gateway_max_payload, 4002, "Decode error", &ws_cbs, l);
    if (!l->ws) {
        sd_gw_address_leave(gw, l->address);
        free(l);
        return;
    }
    sd_ws_send_buffer(l->ws, (int)app->cfg->gateway_send_buffer);
    l->s = sd_gw_session_new(gw, l);
    if (l->s && !(l->s->resume_url = strdup(url))) {
        l->s->link = NULL;
        sd_gw_session_end(l->s);
        l->s = NULL;
    }
    if (!l->s) {
        sd_gw_close_link(l, 4000, "Unknown error");
        return;
    }
    if (bad_version) {
        sd_gw_close_link(l, 4012, "Invalid API version");
        return;
    }
    /* Discord's docs name no close code for these: 4002, as for anything else the client sent that cannot
       be decoded, with a reason that says what. */
    if (bad_encoding || bad_compress) {
        sd_gw_close_link(l, 4002, bad_encoding ? "Invalid encoding: json only" : "Invalid compression");
        return;
    }
    if (kind != SD_WSC_NONE) {
        sd_wsc_t *c = sd_wsc_new(kind);
        if (!c) {
            sd_gw_close_link(l, 4000, "Unknown error");
            return;
        }
        sd_ws_compress(l->ws, c);
    }
    char label[64];
    snprintf(label, sizeof label, "compress=\"%s\"", sd_wsc_kind_name(kind));
    sd_metrics_add(app->metrics, "sd_gateway_connections_total", label, 1);
    sd_gw_send_json(l->s, json_pack("{s:i, s:{s:i}}", "op", SD_GW_OP_HELLO, "d", "heartbeat_interval",
                                    (int)app->cfg->gateway_heartbeat_ms));
}

/* ---- events ---- */

static void on_event(const char *payload, size_t len, bool remote, void *ctx)
{
    sd_gateway_t *gw = ctx;
    (void)remote;
    json_t *env = json_loadb(payload, len, 0, NULL);
    if (!env) return;
    if (!sd_gw_guilds_hold(gw, env)) sd_gw_deliver(gw, env);
    json_decref(env);
}

void sd_gateway_on_change(sd_gateway_t *gw, const char *table, const char *key)
{
    sd_gw_guilds_changed(gw, table, key);
}

/* ---- REST ---- */

static json_t *url_object(const sd_request_t *req)
{
    char url[300];
    socket_url(req, url, sizeof url);
    return json_pack("{s:s}", "url", url);
}

static void get_gateway(sd_request_t *req, void *app)
{
    (void)app;
    sd_http_respond_json(req, 200, url_object(req));
}

/* The session start limit is the IDENTIFY limit the server enforces (rate_identify); the limiter counts on
   every look, so the figures are the configured ones: a full window. */
static void get_gateway_bot(sd_request_t *req, void *ctx)
{
    sd_app_t *app = ctx;
    const sd_rate_t *limit = &app->cfg->rate_identify;
    json_int_t total = limit->count ? limit->count : 1000; /* unlimited: Discord's usual figure */
    json_t *out = url_object(req);
    json_object_set_new(out, "shards", json_integer(1));
    json_object_set_new(out, "session_start_limit",
                        json_pack("{s:I, s:I, s:I, s:i}", "total", total, "remaining", total, "reset_after",
                                  (json_int_t)(limit->count ? limit->window_ms : 0), "max_concurrency", 1));
    sd_http_respond_json(req, 200, out);
}

sd_err_t sd_gateway_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t defs[] = {{"GET", "/gateway", get_gateway, 0},
                                          {"GET", "/gateway/bot", get_gateway_bot, SD_API_AUTH}};
    return sd_deps_register(r, prefix, defs, sizeof defs / sizeof *defs);
}

sd_err_t sd_gateway_socket_register(sd_router_t *r)
{
    return sd_router_add(r, "GET", "/gateway", get_socket, 0);
}

/* ---- lifetime ---- */

sd_gateway_t *sd_gateway_new(sd_app_t *app)
{
    sd_gateway_t *gw = calloc(1, sizeof *gw);
    if (!gw) return NULL;
    gw->app = app;
    gw->states = json_object();
    gw->online = json_object();
    gw->presences = json_object();
    gw->per_address = json_object();
    gw->channel_guild = json_object();
    gw->waiting = json_array();
    snprintf(gw->t_guilds, sizeof gw->t_guilds, "%sguilds", app->cfg->table_prefix);
    snprintf(gw->t_channels, sizeof gw->t_channels, "%schannels", app->cfg->table_prefix);
    snprintf(gw->t_members, sizeof gw->t_members, "%smembers", app->cfg->table_prefix);
    if (!gw->states || !gw->channel_guild || !gw->waiting || !gw->per_address ||
        sd_broker_subscribe(app->broker, SD_EVENTS_TOPIC, on_event, gw) != SD_OK) {
        sd_gateway_free(gw);
        return NULL;
    }
    return gw;
}

void sd_gateway_shutdown(sd_gateway_t *gw)
{
    gw->closing = true;
    for (sd_gw_session_t *s = gw->sessions, *next; s; s = next) {
        next = s->hh.next;
        if (s->link) sd_gw_send_json(s, json_pack("{s:i, s:n}", "op", SD_GW_OP_RECONNECT, "d"));
        sd_gw_session_end(s);
    }
}

int sd_gateway_open_sessions(const sd_gateway_t *gw)
{
    return gw->open;
}

void sd_gateway_free(sd_gateway_t *gw)
{
    if (!gw) return;
    json_decref(gw->states);
    json_decref(gw->online);
    json_decref(gw->presences);
    json_decref(gw->per_address);
    json_decref(gw->channel_guild);
    json_decref(gw->waiting);
    free(gw);
}
