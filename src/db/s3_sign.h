/*
 * s3_sign: AWS Signature Version 4 as S3 wants it, for db/s3. The caller writes the canonical request
 * (method, URI, sorted query, the signed headers as sent, the payload hash: a SHA-256 or UNSIGNED-PAYLOAD);
 * this module hashes it, derives the day's signing key and returns the signature. Header signing (the
 * Authorization header) and query signing (presigned URLs) share it.
 */
#ifndef SD_DB_S3_SIGN_H
#define SD_DB_S3_SIGN_H

#include <stddef.h>
#include <time.h>

#include "core/errors.h"

#define SD_S3_DATE_LEN 17 /* "20240102T030405Z" and its NUL */
#define SD_S3_HEX_LEN 65  /* a SHA-256 in hex and its NUL */
#define SD_S3_UNSIGNED "UNSIGNED-PAYLOAD"

/* Writes the X-Amz-Date of now. */
void sd_s3_amz_date(time_t now, char out[SD_S3_DATE_LEN]);
/* The SHA-256 of data in lower-case hex. */
void sd_s3_sha256_hex(const void *data, size_t len, char out[SD_S3_HEX_LEN]);
/*
 * The credential scope of amz_date ("20240102/us-east-1/s3/aws4_request") into scope. Returns SD_ERR_INVALID
 * when cap is too small.
 */
sd_err_t sd_s3_scope(const char *amz_date, const char *region, char *scope, size_t cap);
/*
 * The signature (hex) of canonical, the canonical request, at amz_date in region with secret. Returns
 * SD_ERR_NOMEM or SD_ERR_INVALID (a scope that does not fit).
 */
sd_err_t sd_s3_signature(const char *secret, const char *region, const char *amz_date, const char *canonical,
                         char sig[SD_S3_HEX_LEN]);
/*
 * URI-encodes s as SigV4 wants (unreserved A-Za-z0-9-._~ kept, '/' kept when keep_slash) into out. Returns
 * the length written, or (size_t)-1 when cap is too small.
 */
size_t sd_s3_uri_encode(const char *s, int keep_slash, char *out, size_t cap);

#endif
