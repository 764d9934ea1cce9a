/*
 * http_range: the Range request header (RFC 9110, section 14) for one representation of a known size. One
 * range is served ("bytes=first-last", "bytes=first-", "bytes=-suffix"); a header this server does not take
 * (several ranges, another unit, bad syntax) is ignored, so the whole representation is sent (200), as the
 * RFC allows. A range that starts past the end is unsatisfiable (416).
 */
#ifndef SD_CORE_HTTP_RANGE_H
#define SD_CORE_HTTP_RANGE_H

#include <stdint.h>

typedef enum {
    SD_RANGE_NONE = 0,      /* no header, or one that is ignored: the whole body, 200 */
    SD_RANGE_PARTIAL,       /* bytes first..last (inclusive), 206 */
    SD_RANGE_UNSATISFIABLE, /* 416 with Content-Range: bytes x/size */
} sd_range_t;

/* Reads header (may be NULL) against a body of size bytes; on SD_RANGE_PARTIAL sets *first and *last. */
sd_range_t sd_http_range_parse(const char *header, int64_t size, int64_t *first, int64_t *last);

#endif
