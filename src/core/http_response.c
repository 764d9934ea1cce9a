/* Answers to requests (core/http_server.h): status lines, headers, bodies, the request log line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http_conn.h"
#include "core/log.h"

const char *sd_http_status_text(int status)
{
    static const struct {
        int status;
        const char *text;
    } texts[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {413, "Payload Too Large"},
        {414, "URI Too Long"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].status == status) return texts[i].text;
    return "Unknown";
}

void sd_http_add_header(sd_request_t *req, const char *name, const char *value)
{
    struct sd_http_internal *in = req->internal;
    size_t add = strlen(name) + strlen(value) + 4;
    char *buf = sd_arena_alloc(req->arena, in->extra_len + add + 1);
    if (!buf) return;
    if (in->extra_len) memcpy(buf, in->extra_headers, in->extra_len);
    snprintf(buf + in->extra_len, add + 1, "%s: %s\r\n", name, value);
    in->extra_headers = buf;
    in->extra_len += add;
}

/* The log line and the observer's call for an answered request. */
static void log_request(const sd_request_t *req, int status)
{
    double ms = (double)(uv_hrtime() - req->internal->start_ns) / 1e6;
    const sd_http_server_t *srv = req->internal->srv;
    if (srv->observer) srv->observer(req, status, ms / 1e3, srv->observer_ctx);
    sd_log(SD_LOG_INFO, "request",
           json_pack("{s:s, s:s, s:i, s:f, s:s}", "method", req->method ? req->method : "", "path",
                     req->path ? req->path : "", "status", status, "duration_ms", ms, "request_id",
                     req->request_id));
}

/* Is a header of this name among those the handler added? */
static bool has_extra(const struct sd_http_internal *in, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = in->extra_headers, *end = p + in->extra_len; p && p < end;) {
        if ((size_t)(end - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') return true;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        p = eol ? eol + 1 : end;
    }
    return false;
}

/* Writes the answer on its connection (closing it when out of memory). */
static void write_answer(sd_request_t *req, sd_http_conn_t *c, int status, const char *content_type,
                         const char *body, size_t len)
{
    struct sd_http_internal *in = req->internal;
    bool keep = in->keep_alive && !in->srv->draining;
    size_t cap = 288 + in->extra_len + strlen(content_type);
    char *head = malloc(cap);
    size_t send_len = in->head || status == 304 ? 0 : len;
    char *copy = head && send_len ? malloc(send_len) : NULL;
    c->active = NULL;
    uv_timer_stop(&c->timer);
    if (!head || (send_len && !copy)) {
        free(head);
        free(copy);
        sd_http_conn_close(c);
        return;
    }
    if (send_len) memcpy(copy, body, send_len);
    /* A 204 or 304 carries neither body nor Content-Length (RFC 9110). */
    char framing[192] = "";
    if (status != 204 && status != 304)
        snprintf(framing, sizeof framing, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, len);
    const char *retry = status == 503 && !has_extra(in, "Retry-After") ? "Retry-After: 1\r\n" : "";
    int n =
        snprintf(head, cap, "HTTP/1.1 %d %s\r\n%s%sX-Request-Id: %s\r\nConnection: %s\r\n%.*s\r\n", status,
                 sd_http_status_text(status), framing, retry, req->request_id, keep ? "keep-alive" : "close",
                 (int)in->extra_len, in->extra_headers ? in->extra_headers : "");
    sd_http_conn_write(c, head, (size_t)n, copy, send_len, !keep);
}

void sd_http_respond(sd_request_t *req, int status, const char *content_type, const char *body, size_t len)
{
    struct sd_http_internal *in = req->internal;
    sd_http_conn_t *c = in->conn;
    sd_http_server_t *srv = in->srv;
    log_request(req, in->answered ? in->answered : status);
    srv->in_flight--;
    if (c && !c->closing) write_answer(req, c, status, content_type, body, len);
    sd_http_request_free(req);
    sd_http_server_check_done(srv);
}

void sd_http_request_release(sd_request_t *req, int status)
{
    struct sd_http_internal *in = req->internal;
    sd_http_server_t *srv = in->srv;
    log_request(req, in->answered ? in->answered : status);
    srv->in_flight--;
    sd_http_request_free(req);
    sd_http_server_check_done(srv);
}

void sd_http_respond_upgraded(sd_request_t *req)
{
    struct sd_http_internal *in = req->internal;
    log_request(req, 101);
    in->srv->in_flight--;
    in->conn->active = NULL;
    uv_timer_stop(&in->conn->timer);
    sd_http_request_free(req);
}

void sd_http_respond_json(sd_request_t *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        static const char oom[] = "{\"code\":0,\"message\":\"500: Internal Server Error\"}";
        sd_http_respond(req, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    sd_http_respond(req, status, "application/json", text, strlen(text));
    free(text);
}

void sd_http_respond_error(sd_request_t *req, int status, int code, const char *message, json_t *errors)
{
    sd_http_respond_json(req, status, sd_api_error_body(code, message, errors));
}

int sd_http_server_in_flight(const sd_http_server_t *srv)
{
    return srv->in_flight;
}
