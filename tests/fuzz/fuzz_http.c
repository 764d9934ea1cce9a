/* libFuzzer: the HTTP/1.1 request reader (core/http_server with http-parser, core/http_request's accessors
   and percent-decoding, core/router's matching against the real route table) on arbitrary bytes over a real
   loopback connection: each input is one connection's whole input, pipelined requests included. */
#include <stdint.h>
#include <string.h>

#include "api/v1/api.h"
#include "core/router.h"
#include "loopback.h"

static sd_router_t *router;

static void handle(sd_request_t *req, void *ctx)
{
    (void)ctx;
    const sd_route_t *route = NULL;
    sd_route_match_t m = sd_router_match(router, req, &route);
    size_t seen = strlen(req->path) + strlen(req->query) + req->body_len;
    for (int i = 0; i < req->header_count; i++)
        seen += strlen(req->headers[i].name) + strlen(req->headers[i].value);
    for (int i = 0; i < req->param_count; i++)
        seen += strlen(req->params[i].value);
    const char *names[] = {"limit", "before", "after", "around", "with_counts"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = sd_request_query(req, names[i]);
        if (v) seen += strlen(v);
    }
    (void)seen;
    sd_http_add_header(req, "X-Matched", m == SD_ROUTE_FOUND ? "yes" : "no");
    sd_http_respond(req, m == SD_ROUTE_FOUND ? 200 : 404, "text/plain", req->body, req->body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!router) router = sd_api_router_new();
    fuzz_loopback_start(handle, NULL);
    fuzz_loopback_exchange("", 0, data, size);
    return 0;
}
