/*
 * multipart: an incremental multipart/form-data parser (RFC 7578, RFC 2046's delimiters). Input is fed in
 * windows of any size, split anywhere; the parser keeps no copy of part data: it reports each part's
 * headers (name, filename, Content-Type) when they are complete, then its data as runs of bytes with their
 * offsets in the whole input, then its end with its size, so that a part spooled to a file is located as
 * [data_off, data_off + size) of that file without reading it again. Everything is bounded: the boundary
 * (70 characters), a part's header block, the number of parts; a body without its closing delimiter is an
 * error at the end of input.
 */
#ifndef SD_CORE_MULTIPART_H
#define SD_CORE_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

#define SD_MP_MAX_BOUNDARY 70
#define SD_MP_MAX_NAME 256     /* a part's name */
#define SD_MP_MAX_FILENAME 512 /* a part's filename, decoded */
#define SD_MP_MAX_TYPE 128     /* a part's Content-Type */

typedef struct sd_mp sd_mp_t;

/* A part whose headers are in; borrowed, valid until its end callback returns. */
typedef struct {
    const char *name;         /* Content-Disposition's name (never empty) */
    const char *filename;     /* its filename (filename*=UTF-8'' decoded when present), or NULL */
    const char *content_type; /* the part's Content-Type, or NULL */
    int index;                /* the part's position in the body, from 0 */
    int64_t data_off;         /* where its data starts in the input */
} sd_mp_part_t;

/* Each returns SD_OK to go on, or an error that stops parsing (sd_mp_feed returns it). */
typedef struct {
    sd_err_t (*on_part)(const sd_mp_part_t *p, void *ctx);
    /* data[0..len) is the part's data at input offset off (borrowed for the call). */
    sd_err_t (*on_data)(const sd_mp_part_t *p, const char *data, size_t len, int64_t off, void *ctx);
    sd_err_t (*on_end)(const sd_mp_part_t *p, int64_t size, void *ctx);
} sd_mp_callbacks_t;

typedef struct {
    size_t max_header_bytes; /* one part's header block; 0: 8 KiB */
    int max_parts;           /* 0: 64 */
} sd_mp_limits_t;

/*
 * The boundary parameter of a multipart/form-data Content-Type (quoted or not), into out (cap bytes, at least
 * SD_MP_MAX_BOUNDARY + 1). false when the type is not multipart/form-data or the boundary is missing, empty,
 * too long or holds characters RFC 2046 does not allow.
 */
bool sd_mp_boundary(const char *content_type, char *out, size_t cap);

/* Returns a new parser for a body with this Content-Type (cb borrowed for its life), or NULL when the
   type has no valid boundary or there is no memory. Caller frees with sd_mp_free(). */
sd_mp_t *sd_mp_new(const char *content_type, const sd_mp_limits_t *lim, const sd_mp_callbacks_t *cb,
                   void *ctx);
/* Feeds the next len bytes of input. SD_ERR_INVALID on a malformed body (sd_mp_detail says what), or a
   callback's error; after an error the parser takes nothing more. */
sd_err_t sd_mp_feed(sd_mp_t *m, const char *data, size_t len);
/* The input has ended: SD_OK when the closing delimiter was seen, else SD_ERR_INVALID. */
sd_err_t sd_mp_finish(sd_mp_t *m);
/* What was wrong with the body, "" when nothing; borrowed. */
const char *sd_mp_detail(const sd_mp_t *m);
void sd_mp_free(sd_mp_t *m);

#endif
