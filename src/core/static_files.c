#define _GNU_SOURCE /* strptime, timegm */
#include "core/static_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>

#include "core/http_request.h"

#define MAX_FILE_BYTES (16u << 20)

/* Paths of the client that are pages of its own, answered with index.html: "/invite/{code}". */
static const char *const client_routes[] = {"invite"};

typedef struct entry {
    char *rel; /* key */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char etag[40];
    char last_modified[40];
    char *data; /* size bytes */
    UT_hash_handle hh;
} entry_t;

struct sd_static {
    char *root; /* resolved, no trailing slash */
    entry_t *files;
};

sd_static_t *sd_static_new(const char *root)
{
    char *real = realpath(root, NULL);
    struct stat sb;
    if (!real || stat(real, &sb) || !S_ISDIR(sb.st_mode)) {
        free(real);
        return NULL;
    }
    sd_static_t *st = calloc(1, sizeof *st);
    if (!st) {
        free(real);
        return NULL;
    }
    st->root = real;
    return st;
}

static void entry_free(entry_t *e)
{
    free(e->rel);
    free(e->data);
    free(e);
}

void sd_static_free(sd_static_t *st)
{
    if (!st) return;
    while (st->files) {
        entry_t *e = st->files;
        HASH_DEL(st->files, e);
        entry_free(e);
    }
    free(st->root);
    free(st);
}

const char *sd_static_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (!strcasecmp(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

bool sd_static_is_hashed(const char *name)
{
    if (strncmp(name, "assets/", 7)) return false;
    const char *dot = strrchr(name, '.');
    const char *dash = strrchr(name, '-');
    if (!dot || !dash || dash > dot || strchr(dash, '/')) return false;
    size_t n = 0;
    for (const char *p = dash + 1; p < dot; p++, n++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) return false;
    return n >= 8;
}

bool sd_static_etag_matches(const char *if_none_match, const char *etag)
{
    const char *want = etag;
    if (!strncmp(want, "W/", 2)) want += 2;
    size_t want_len = strlen(want);
    const char *p = if_none_match;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*') return true;
        if (!strncmp(p, "W/", 2)) p += 2;
        const char *end = p;
        if (*end == '"') {
            end = strchr(end + 1, '"');
            if (!end) return false;
            end++;
        } else {
            while (*end && *end != ',')
                end++;
        }
        if ((size_t)(end - p) == want_len && !memcmp(p, want, want_len)) return true;
        p = end;
    }
    return false;
}

char *sd_static_resolve(sd_arena_t *a, const char *raw_path)
{
    if (raw_path[0] != '/') return NULL;
    char *path = sd_request_decode(a, raw_path + 1, strlen(raw_path + 1), false);
    if (!path) return NULL;
    if (!path[0]) return sd_arena_strdup(a, "index.html");
    if (strchr(path, '\\')) return NULL;
    int segments = 0;
    for (char *seg = path;; segments++) {
        char *slash = strchr(seg, '/');
        size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return NULL;
        if (!slash) break;
        seg = slash + 1;
    }
    for (size_t i = 0; i < sizeof client_routes / sizeof *client_routes; i++) {
        size_t n = strlen(client_routes[i]);
        if (segments == 1 && !strncmp(path, client_routes[i], n) && path[n] == '/')
            return sd_arena_strdup(a, "index.html");
    }
    return path;
}

/* Reads the file into e (replacing what it held); false on any failure. */
static bool entry_fill(entry_t *e, int fd, const struct stat *sb)
{
    char *data = malloc(sb->st_size ? (size_t)sb->st_size : 1);
    if (!data) return false;
    size_t got = 0;
    while (got < (size_t)sb->st_size) {
        ssize_t n = pread(fd, data + got, (size_t)sb->st_size - got, (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            free(data);
            return false;
        }
        got += (size_t)n;
    }
    unsigned char hash[12];
    crypto_generichash(hash, sizeof hash, (const unsigned char *)data, got, NULL, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(e->etag, sizeof e->etag, "\"%s\"", hex);
    struct tm tm;
    gmtime_r(&sb->st_mtim.tv_sec, &tm);
    strftime(e->last_modified, sizeof e->last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    free(e->data);
    e->data = data;
    e->dev = sb->st_dev;
    e->ino = sb->st_ino;
    e->size = sb->st_size;
    e->mtime = sb->st_mtim;
    return true;
}

/* The cached entry of rel, (re)loaded when the file changed; NULL when it is missing, not a regular file
   inside the folder, too large or unreadable. Borrowed from st. */
static entry_t *entry_get(sd_static_t *st, const char *rel)
{
    char full[PATH_MAX];
    if ((size_t)snprintf(full, sizeof full, "%s/%s", st->root, rel) >= sizeof full) return NULL;
    entry_t *e = NULL;
    HASH_FIND_STR(st->files, rel, e);
    char *real = realpath(full, NULL);
    size_t root_len = strlen(st->root);
    int fd = -1;
    struct stat sb;
    bool ok = real && !strncmp(real, st->root, root_len) && real[root_len] == '/' &&
              (fd = open(real, O_RDONLY | O_CLOEXEC)) >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode) &&
              (size_t)sb.st_size <= MAX_FILE_BYTES;
    free(real);
    if (ok && e && e->dev == sb.st_dev && e->ino == sb.st_ino && e->size == sb.st_size &&
        e->mtime.tv_sec == sb.st_mtim.tv_sec && e->mtime.tv_nsec == sb.st_mtim.tv_nsec) {
        close(fd);
        return e;
    }
    if (ok && !e) {
        e = calloc(1, sizeof *e);
        if (e && !(e->rel = strdup(rel))) {
            free(e);
            e = NULL;
        }
        if (e) HASH_ADD_KEYPTR(hh, st->files, e->rel, strlen(e->rel), e);
    }
    if (ok && e) ok = entry_fill(e, fd, &sb);
    if (fd >= 0) close(fd);
    if (!ok && e) {
        HASH_DEL(st->files, e);
        entry_free(e);
        e = NULL;
    }
    return e;
}

/* True when If-Modified-Since says the client's copy is current. */
static bool not_modified_since(const char *header, const entry_t *e)
{
    struct tm tm = {0};
    const char *end = header ? strptime(header, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
    return end && !*end && e->mtime.tv_sec <= timegm(&tm);
}

static void security_headers(sd_request_t *req)
{
    sd_http_add_header(req, "Content-Security-Policy", SD_STATIC_CSP);
    sd_http_add_header(req, "X-Content-Type-Options", "nosniff");
    sd_http_add_header(req, "Referrer-Policy", "no-referrer");
}

bool sd_static_handle(sd_static_t *st, sd_request_t *req)
{
    if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) return false;
    if (!strncmp(req->path, "/api/", 5) || !strcmp(req->path, "/api")) return false;
    security_headers(req);
    const char *rel = sd_static_resolve(req->arena, req->path);
    entry_t *e = rel ? entry_get(st, rel) : NULL;
    if (!e) {
        sd_http_respond_error(req, 404, 0, "404: Not Found", NULL);
        return true;
    }
    sd_http_add_header(req, "ETag", e->etag);
    sd_http_add_header(req, "Last-Modified", e->last_modified);
    sd_http_add_header(req, "Cache-Control",
                       sd_static_is_hashed(rel) ? "public, max-age=31536000, immutable" : "no-cache");
    const char *inm = sd_request_header(req, "If-None-Match");
    const char *type = sd_static_content_type(rel);
    if (inm ? sd_static_etag_matches(inm, e->etag)
            : not_modified_since(sd_request_header(req, "If-Modified-Since"), e))
        sd_http_respond(req, 304, type, "", 0);
    else
        sd_http_respond(req, 200, type, e->data, (size_t)e->size);
    return true;
}
