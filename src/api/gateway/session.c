#include "api/gateway/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/gateway/presence.h"
#include "core/metrics.h"

#define SD_GW_RING 256 /* dispatches kept for RESUME */

/* ---- dispatch bodies and frames ---- */

sd_gw_body_t *sd_gw_body_new(const char *t, const char *data)
{
    size_t tl = strlen(t), dl = strlen(data);
    sd_gw_body_t *b = malloc(sizeof *b + 6 + tl + 6 + dl + 2);
    if (!b) return NULL;
    b->refs = 1;
    b->len = (size_t)sprintf(b->text, ",\"t\":\"%s\",\"d\":%s}", t, data);
    return b;
}

static sd_gw_body_t *body_keep(sd_gw_body_t *b)
{
    b->refs++;
    return b;
}

void sd_gw_body_drop(sd_gw_body_t *b)
{
    if (b && --b->refs == 0) free(b);
}

size_t sd_gw_frame_start(long seq, char out[SD_WS_PREFIX_MAX])
{
    return (size_t)snprintf(out, SD_WS_PREFIX_MAX, "{\"op\":0,\"s\":%ld", seq);
}

/* ---- sending ---- */

void sd_gw_close_link(sd_gw_link_t *l, int code, const char *reason)
{
    if (l && l->ws) sd_ws_close(l->ws, code, reason);
}

void sd_gw_send_json(sd_gw_session_t *s, json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (text && s->link) sd_ws_send_text(s->link->ws, text, strlen(text));
    free(text);
}

/* Keeps a reference to body as dispatch seq, for RESUME. */
static void remember(sd_gw_session_t *s, long seq, sd_gw_body_t *body)
{
    if (s->ring_count == s->ring_cap && s->ring_cap < SD_GW_RING) { /* grow, oldest first again */
        int cap = s->ring_cap ? s->ring_cap * 2 : 4;
        sd_gw_sent_t *grown = malloc((size_t)cap * sizeof *grown);
        if (grown) {
            for (int i = 0; i < s->ring_count; i++)
                grown[i] = s->ring[(s->ring_start + i) % s->ring_cap];
            free(s->ring);
            s->ring = grown;
            s->ring_cap = cap;
            s->ring_start = 0;
        }
    }
    if (s->ring_cap == 0) { /* no room at all: a resume from before this cannot be */
        s->unkept_seq = seq;
        return;
    }
    int slot = (s->ring_start + s->ring_count) % s->ring_cap;
    if (s->ring_count == s->ring_cap) { /* full: the oldest makes room */
        sd_gw_body_drop(s->ring[slot].body);
        s->ring_start = (s->ring_start + 1) % s->ring_cap;
    } else {
        s->ring_count++;
    }
    s->ring[slot] = (sd_gw_sent_t){seq, body_keep(body)};
}

long sd_gw_numbered(sd_gw_session_t *s, const char *t, sd_gw_body_t *body)
{
    long seq = ++s->seq;
    /* READY and GUILD_CREATE, the big ones, are not kept: a client that missed one identifies again. */
    if (!strcmp(t, "READY") || !strcmp(t, "GUILD_CREATE"))
        s->unkept_seq = seq;
    else
        remember(s, seq, body);
    return seq;
}

bool sd_gw_keeping_up(sd_gw_session_t *s)
{
    if (!s->link) return false;
    if (sd_ws_queued(s->link->ws) <= (size_t)s->gw->app->cfg->gateway_max_queued) return true;
    sd_gw_close_link(s->link, 4000, "falling behind");
    return false;
}

bool sd_gw_compressed_alone(const sd_gw_session_t *s, const sd_gw_body_t *body)
{
    static const char ready[] = ",\"t\":\"READY\",";
    return s->payload_compress && s->link && sd_ws_compression(s->link->ws) == SD_WSC_NONE &&
           (body->len >= SD_GW_COMPRESS_MIN || !strncmp(body->text, ready, sizeof ready - 1));
}

void sd_gw_send_numbered(sd_gw_session_t *s, long seq, const sd_gw_body_t *body)
{
    char start[SD_WS_PREFIX_MAX];
    size_t start_len = sd_gw_frame_start(seq, start);
    if (!sd_gw_compressed_alone(s, body)) {
        sd_ws_send_parts(s->link->ws, start, start_len, body->text, body->len);
        return;
    }
    unsigned char *packed;
    size_t packed_len;
    if (sd_wsc_zlib_once(start, start_len, body->text, body->len, &packed, &packed_len) != SD_OK) {
        sd_gw_close_link(s->link, 4000, "Unknown error");
        return;
    }
    sd_ws_send_binary(s->link->ws, packed, packed_len);
    free(packed);
}

void sd_gw_dispatch(sd_gw_session_t *s, const char *t, const char *data)
{
    sd_gw_body_t *body = sd_gw_body_new(t, data);
    if (!body) return;
    long seq = sd_gw_numbered(s, t, body);
    if (sd_gw_keeping_up(s)) sd_gw_send_numbered(s, seq, body);
    sd_gw_body_drop(body);
}

void sd_gw_count_delivered(const sd_gateway_t *gw, const char *t, long n)
{
    char label[96];
    if (n <= 0) return;
    snprintf(label, sizeof label, "type=\"%s\"", t);
    sd_metrics_add(gw->app->metrics, "sd_events_delivered_total", label, (double)n);
}

void sd_gw_dispatch_json(sd_gw_session_t *s, const char *t, json_t *data)
{
    sd_gw_count_delivered(s->gw, t, 1);
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(data);
    if (text) sd_gw_dispatch(s, t, text);
    free(text);
}

/* ---- lifecycle ---- */

static void session_free_now(uv_handle_t *h)
{
    sd_gw_session_t *s = h->data;
    for (int i = 0; i < s->ring_count; i++)
        sd_gw_body_drop(s->ring[(s->ring_start + i) % s->ring_cap].body);
    free(s->ring);
    free(s->user);
    json_decref(s->guilds);
    json_decref(s->activities);
    free(s->resume_url);
    s->gw->open--;
    free(s);
}

void sd_gw_session_release(sd_gw_session_t *s)
{
    uv_close((uv_handle_t *)&s->timer, session_free_now);
}

void sd_gw_session_end(sd_gw_session_t *s)
{
    if (s->dead) return;
    s->dead = true;
    if (s->identified) {
        HASH_DEL(s->gw->sessions, s);
        sd_gw_presence_session_down(s);
    }
    if (s->link) {
        s->link->s = NULL;
        sd_gw_close_link(s->link, 4000, "session ended");
        s->link = NULL;
    }
    if (s->pending_auth) return; /* freed when the answer comes */
    sd_gw_session_release(s);
}

static void on_resume_window(uv_timer_t *t)
{
    sd_gw_session_end(t->data);
}

/* A socket that has not logged in (no IDENTIFY or RESUME under way or done) has until its deadline. */
static bool awaiting_login(const sd_gw_session_t *s)
{
    return s->link && !s->identified && !s->pending_auth && !s->dead;
}

/* The watchdog's next look: a quarter of the heartbeat interval, or sooner for the login deadline. */
static uint64_t next_look(const sd_gw_session_t *s, uint64_t now)
{
    uint64_t wait = (uint64_t)s->gw->app->cfg->gateway_heartbeat_ms / 4 + 1;
    if (!awaiting_login(s)) return wait;
    uint64_t deadline = s->hello_at + (uint64_t)s->gw->app->cfg->gateway_identify_timeout_ms;
    uint64_t left = deadline > now ? deadline - now : 0;
    return left < wait ? left : wait;
}

static void on_watchdog(uv_timer_t *t)
{
    sd_gw_session_t *s = t->data;
    uint64_t interval = (uint64_t)s->gw->app->cfg->gateway_heartbeat_ms, now = uv_now(t->loop);
    if (now - s->last_beat >= interval * 3 / 2) {
        sd_gw_close_link(s->link, 4009, "Session timed out");
        return;
    }
    if (awaiting_login(s) && now - s->hello_at >= (uint64_t)s->gw->app->cfg->gateway_identify_timeout_ms) {
        sd_gw_close_link(s->link, 4003, "Not authenticated.");
        return;
    }
    uv_timer_start(&s->timer, on_watchdog, next_look(s, now), 0);
}

sd_gw_session_t *sd_gw_session_new(sd_gateway_t *gw, sd_gw_link_t *l)
{
    sd_gw_session_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->gw = gw;
    s->link = l;
    s->guilds = json_object();
    snprintf(s->status, sizeof s->status, "online");
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(s->id, sizeof s->id, raw, sizeof raw);
    uv_timer_init(gw->app->loop, &s->timer);
    s->timer.data = s;
    s->last_beat = s->hello_at = uv_now(gw->app->loop);
    gw->open++;
    uv_timer_start(&s->timer, on_watchdog, next_look(s, s->hello_at), 0);
    return s;
}

sd_gw_session_t *sd_gw_find_session(sd_gateway_t *gw, const char *id)
{
    sd_gw_session_t *s = NULL;
    if (id[0]) HASH_FIND_STR(gw->sessions, id, s);
    return s && !s->dead ? s : NULL;
}

void sd_gw_session_linger(sd_gw_session_t *s)
{
    uv_timer_start(&s->timer, on_resume_window, (uint64_t)s->gw->app->cfg->gateway_resume_ms, 0);
}

bool sd_gw_session_can_resume(const sd_gw_session_t *s, long from)
{
    return from <= s->seq && from >= s->unkept_seq &&
           (s->ring_count == 0 || from >= s->ring[s->ring_start].seq - 1);
}

void sd_gw_session_resumed(sd_gw_session_t *s, sd_gw_link_t *l, long from)
{
    s->link = l;
    l->s = s;
    s->last_beat = uv_now(s->gw->app->loop);
    uv_timer_start(&s->timer, on_watchdog, (uint64_t)s->gw->app->cfg->gateway_heartbeat_ms / 4 + 1, 0);
    for (int i = 0; i < s->ring_count; i++) {
        const sd_gw_sent_t *m = &s->ring[(s->ring_start + i) % s->ring_cap];
        if (m->seq > from) sd_gw_send_numbered(s, m->seq, m->body);
    }
}
