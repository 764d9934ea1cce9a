/*
 * static_files: serves one folder of files (the web client) over GET and HEAD. A URL path is percent-decoded
 * once and refused (404) when it holds a "." or ".." segment, an empty segment, a backslash or a NUL, or when
 * the file it names resolves outside the folder (symbolic links included); folders are never listed. "/" is
 * index.html, and a few client routes (SD_STATIC_CLIENT_ROUTES) answer index.html too.
 *
 * Answers carry Content-Type by extension, a strong ETag (a hash of the content) and Last-Modified, and
 * answer 304 to a matching If-None-Match (or, without it, If-Modified-Since). Files whose name carries a
 * content hash
 * ("assets/app-5CJQX3UB.js") are cacheable for a year; everything else must be revalidated. Every answer
 * carries a Content-Security-Policy that forbids inline script. Contents are kept in memory and reloaded when
 * the file's size, modification time or inode changes.
 */
#ifndef SD_CORE_STATIC_FILES_H
#define SD_CORE_STATIC_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/http_server.h"

#define SD_STATIC_CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "           \
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "          \
    "frame-ancestors 'none'"

typedef struct sd_static sd_static_t;

/* Returns a server of the folder root, or NULL when root is not a readable folder; free with
   sd_static_free(). */
sd_static_t *sd_static_new(const char *root);
void sd_static_free(sd_static_t *st);

/* Answers req (GET or HEAD) from the folder when it is a path the folder serves, and returns true; returns
   false, having answered nothing, for any other method or any path outside what it serves. A refused or
   missing file is answered 404 (Discord's error body) and counts as served. */
bool sd_static_handle(sd_static_t *st, sd_request_t *req);

/* The folder-relative file a raw URL path names ("index.html" for "/"), in arena a; NULL when it is refused.
 */
char *sd_static_resolve(sd_arena_t *a, const char *raw_path);
/* The Content-Type for a file name, by extension (application/octet-stream when unknown). */
const char *sd_static_content_type(const char *name);
/* True when a folder-relative file name carries a content hash, as the web build writes them: under
   "assets/", "-" then 8 or more capital letters and digits just before the extension
   ("assets/app-5CJQX3UB.js"). */
bool sd_static_is_hashed(const char *name);
/* True when an If-None-Match header value matches etag (weak comparison, "*" matches all). */
bool sd_static_etag_matches(const char *if_none_match, const char *etag);

#endif
