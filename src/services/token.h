/*
 * token: the bearer tokens clients send in Authorization. A token is four base64url parts joined by '.':
 * user id, expiry (Unix seconds), token version, and an HMAC-SHA256 over the first three made with a key
 * derived from TOKEN_SECRET. It is checked without any database read; the version is compared with the user's
 * by the caller, and a password change bumps the user's version, which retires every older token.
 */
#ifndef SD_SERVICES_TOKEN_H
#define SD_SERVICES_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

#define SD_TOKEN_MAX 192

typedef struct {
    uint64_t user_id;
    long long expires_at;
    long long version;
} sd_token_claims_t;

/* Writes a token for claims into out (SD_TOKEN_MAX bytes). */
sd_err_t sd_token_sign(const char *secret, const sd_token_claims_t *claims, char *out, size_t cap);
/* Checks signature, shape and expiry against now (Unix seconds); SD_ERR_UNAUTHORIZED for any failure. */
sd_err_t sd_token_verify(const char *secret, const char *token, long long now, sd_token_claims_t *claims);
/* Strips "Bearer " or "Bot " from an Authorization header value; borrowed pointer into value. */
const char *sd_token_from_header(const char *value);

#endif
