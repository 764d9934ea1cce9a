/* The CDN's attachments (api/cdn/cdn.h): signed links, the object streamed from the store. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/cdn/cdn.h"
#include "api/v1/deps.h"
#include "core/http_outstream.h"
#include "core/http_range.h"
#include "core/static_files.h"
#include "services/cdn_service.h"

/* Discord's CDN answers a link that is expired, altered or whose file is gone so. */
#define GONE_MESSAGE "This content is no longer available."

/* One download: the request until its answer begins, then the streamed answer and the store's read. */
typedef struct {
    sd_request_t *req;
    sd_app_t *app;
    const char *key;
    time_t expires;
    sd_http_out_t *out;
    sd_cdn_read_t *read;
    bool cancelled;
} download_t;

static void gone(sd_request_t *req)
{
    sd_http_respond_error(req, 404, SD_API_GENERAL, GONE_MESSAGE, NULL);
}

/* Served inline only for types a browser shows without running anything; everything else is a download. */
static bool inline_type(const char *type)
{
    if (!type) return false;
    if (!strncmp(type, "image/", 6)) return strncmp(type, "image/svg", 9) != 0;
    return !strncmp(type, "video/", 6) || !strncmp(type, "audio/", 6);
}

static void add_headers(download_t *d, const sd_cdn_object_t *o, const char *type)
{
    sd_request_t *req = d->req;
    const char *filename = strrchr(d->key, '/') + 1; /* [A-Za-z0-9._-]: safe inside quotes */
    char value[192];
    snprintf(value, sizeof value, "%s; filename=\"%s\"", inline_type(type) ? "inline" : "attachment",
             filename);
    sd_http_add_header(req, "Content-Disposition", value);
    if (o->etag) sd_http_add_header(req, "ETag", o->etag);
    sd_http_add_header(req, "Accept-Ranges", "bytes");
    long left = (long)(d->expires - time(NULL));
    snprintf(value, sizeof value, "public, max-age=%ld", left > 0 ? left : 0);
    sd_http_add_header(req, "Cache-Control", value);
    sd_http_add_header(req, "Content-Security-Policy", "default-src 'none'; sandbox");
    sd_http_add_header(req, "Access-Control-Allow-Origin", "*");
}

static void on_drain(void *ctx)
{
    download_t *d = ctx;
    if (d->read && !d->cancelled) sd_cdn_service_resume(d->read);
}

static void cancel(download_t *d)
{
    if (d->cancelled || !d->read) return;
    d->cancelled = true;
    sd_cdn_service_cancel(d->read);
}

static void on_gone(void *ctx)
{
    cancel(ctx);
}

static const sd_http_out_cbs_t out_cbs = {on_drain, on_gone};

static int on_data(const char *bytes, size_t len, void *ctx)
{
    download_t *d = ctx;
    int rc = sd_http_out_write(d->out, bytes, len);
    if (rc < 0) {
        cancel(d);
        return 1;
    }
    return rc == SD_HTTP_OUT_FULL ? 1 : 0;
}

static void on_done(sd_err_t err, void *ctx)
{
    download_t *d = ctx;
    if (err || d->cancelled || sd_http_out_gone(d->out))
        sd_http_out_abort(d->out); /* the client sees the body cut short */
    else
        sd_http_out_end(d->out);
}

static const sd_cdn_read_cbs_t read_cbs = {on_data, on_done};

static void on_stat(const sd_cdn_object_t *o, void *ctx)
{
    download_t *d = ctx;
    sd_request_t *req = d->req;
    if (o->err == SD_ERR_NOT_FOUND) {
        gone(req);
        return;
    }
    if (o->err) {
        sd_deps_fail(req, o->err);
        return;
    }
    const char *type = o->content_type && *o->content_type ? o->content_type : "application/octet-stream";
    add_headers(d, o, type);
    const char *inm = sd_request_header(req, "If-None-Match");
    if (inm && o->etag && sd_static_etag_matches(inm, o->etag)) {
        sd_http_respond(req, 304, "", NULL, 0);
        return;
    }
    int64_t first = 0, last = o->size - 1;
    int status = 200;
    char value[96];
    switch (sd_http_range_parse(sd_request_header(req, "Range"), o->size, &first, &last)) {
    case SD_RANGE_UNSATISFIABLE:
        snprintf(value, sizeof value, "bytes */%" PRId64, o->size);
        sd_http_add_header(req, "Content-Range", value);
        sd_http_respond_error(req, 416, SD_API_GENERAL, "416: Range Not Satisfiable", NULL);
        return;
    case SD_RANGE_PARTIAL:
        status = 206;
        snprintf(value, sizeof value, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, first, last, o->size);
        sd_http_add_header(req, "Content-Range", value);
        break;
    case SD_RANGE_NONE:
        break;
    }
    int64_t length = o->size ? last - first + 1 : 0;
    d->out = sd_http_out_begin(req, status, type, length, &out_cbs, d);
    if (!d->out) return; /* answered */
    if (sd_http_out_gone(d->out) || length == 0 || !strcmp(req->method, "HEAD")) {
        if (sd_http_out_gone(d->out))
            sd_http_out_abort(d->out);
        else
            sd_http_out_end(d->out);
        return;
    }
    sd_err_t err = sd_cdn_service_read(d->app, d->key, first, last, &read_cbs, d, &d->read);
    if (err) sd_http_out_abort(d->out); /* the head is out: nothing but a cut can tell the client */
}

void sd_cdn_get_attachment(sd_request_t *req, void *app)
{
    sd_http_add_header(req, "X-Content-Type-Options", "nosniff");
    const char *ex = sd_request_query(req, "ex");
    time_t now = time(NULL);
    if (!sd_cdn_service_link_valid(app, req->path, ex, sd_request_query(req, "is"),
                                   sd_request_query(req, "hm"), now)) {
        gone(req);
        return;
    }
    const char *key = sd_cdn_service_attachment_key(req->arena, sd_request_param(req, "channel_id"),
                                                    sd_request_param(req, "attachment_id"),
                                                    sd_request_param(req, "filename"));
    download_t *d = key ? sd_arena_alloc(req->arena, sizeof *d) : NULL;
    if (!d) {
        if (key)
            sd_deps_fail(req, SD_ERR_NOMEM);
        else
            gone(req);
        return;
    }
    *d = (download_t){.req = req, .app = app, .key = key, .expires = (time_t)strtoll(ex, NULL, 16)};
    sd_err_t err = sd_cdn_service_stat(app, key, on_stat, d);
    if (err) sd_deps_fail(req, err);
}
