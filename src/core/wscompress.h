/*
 * wscompress: the compressions a WebSocket connection's server messages can go through, as Discord's gateway
 * offers them. A stream compressor (sd_wsc_t) belongs to one connection and compresses each message into the
 * connection's single stream, flushed so that the peer decodes the message whole with one decoder for the
 * whole connection: zlib-stream (deflate, each message ending in Z_SYNC_FLUSH's 00 00 ff ff) and zstd-stream
 * (one zstd frame never ended, each message flushed with ZSTD_e_flush). Their windows are kept small (a 4 KiB
 * deflate window, an 8 KiB zstd window), so that ten thousand connections stay within memory; any standard
 * decoder reads them (a 15-bit inflater reads a smaller window; zstd's default decoder limit is 128 MiB).
 * sd_wsc_zlib_once is the per-payload compression: one complete zlib stream per message.
 */
#ifndef SD_CORE_WSCOMPRESS_H
#define SD_CORE_WSCOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

typedef enum { SD_WSC_NONE = 0, SD_WSC_ZLIB_STREAM, SD_WSC_ZSTD_STREAM } sd_wsc_kind_t;

/* The kind named name ("zlib-stream", "zstd-stream"); false for any other name. */
bool sd_wsc_kind_parse(const char *name, sd_wsc_kind_t *kind);
/* "none", "zlib-stream" or "zstd-stream". */
const char *sd_wsc_kind_name(sd_wsc_kind_t kind);

typedef struct sd_wsc sd_wsc_t;

/* Returns a new stream compressor of kind (not SD_WSC_NONE), or NULL without memory; caller frees with
   sd_wsc_free (NULL is fine). */
sd_wsc_t *sd_wsc_new(sd_wsc_kind_t kind);
void sd_wsc_free(sd_wsc_t *c);
sd_wsc_kind_t sd_wsc_kind(const sd_wsc_t *c);

/*
 * Compresses one message, a then b (either may be empty), into c's stream, flushed. On SD_OK *out is a new
 * buffer of *out_len bytes (caller frees with free()). On failure (no memory) the stream is broken: the
 * connection must close, as its peer's decoder can no longer follow. (An empty message gives no bytes with
 * zlib-stream: zlib writes no second flush marker when nothing came since the last.)
 */
sd_err_t sd_wsc_message(sd_wsc_t *c, const void *a, size_t a_len, const void *b, size_t b_len,
                        unsigned char **out, size_t *out_len);
/* Bytes c holds now (its compressor's state and buffers), as the libraries report them. */
size_t sd_wsc_memory(const sd_wsc_t *c);

/* One complete zlib stream of a then b into *out (a new buffer, caller frees with free()). */
sd_err_t sd_wsc_zlib_once(const void *a, size_t a_len, const void *b, size_t b_len, unsigned char **out,
                          size_t *out_len);

#endif
