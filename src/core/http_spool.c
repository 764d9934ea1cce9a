/* Spooled request bodies (core/http_server.h, sd_http_server_set_spool): the unlinked file a body is
   written to as it arrives, and the release of a request with it. */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_conn.h"

int sd_http_spool_open(const char *dir)
{
    if (!dir || !*dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    /* No O_TMPFILE (an old kernel, some file systems): a named file, unlinked at once. */
    char path[640];
    if (snprintf(path, sizeof path, "%s/sd-spool-XXXXXX", dir) >= (int)sizeof path) return -1;
    int tfd = mkstemp(path);
    if (tfd < 0) return -1;
    unlink(path);
    fcntl(tfd, F_SETFD, FD_CLOEXEC);
    return tfd;
}

int sd_http_spool_write(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

bool sd_http_spool_count(sd_request_t *req, size_t total)
{
    struct sd_http_internal *in = req->internal;
    sd_http_server_t *srv = in->srv;
    if (total <= in->spool_counted) return true;
    size_t more = total - in->spool_counted;
    if (srv->spool_max_total && srv->spooled + more > srv->spool_max_total) return false;
    srv->spooled += more;
    in->spool_counted = total;
    return true;
}

void sd_http_request_free(sd_request_t *req)
{
    if (req->body_spooled && req->body_fd >= 0) close(req->body_fd);
    if (req->internal && req->internal->spool) req->internal->srv->spooled -= req->internal->spool_counted;
    req->body_fd = -1;
    sd_arena_free(req->arena);
}
