#include "db/dynamo_sigv4.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *bin, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, bin, n);
}

static void hmac(unsigned char out[crypto_auth_hmacsha256_BYTES], const unsigned char *key, size_t key_len,
                 const char *msg)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, out);
}

static void sha256_hex(const char *data, size_t len, char out[crypto_hash_sha256_BYTES * 2 + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)data, len);
    hex(digest, sizeof digest, out);
}

/* A header value goes into the canonical request on one line: refuse what would break it. */
static int one_line(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

sd_err_t sd_sigv4_sign(const sd_sigv4_request_t *r, time_t now, char amz_date[SD_SIGV4_DATE_LEN], char *auth,
                       size_t auth_cap)
{
    sd_err_t rc = SD_ERR_INVALID;
    char *canonical = NULL;
    int token = r->session_token && r->session_token[0];
    if (!one_line(r->host) || !one_line(r->target) || !one_line(r->region) || !one_line(r->access_key_id) ||
        (token && !one_line(r->session_token)))
        return SD_ERR_INVALID;
    struct tm tm;
    char day[9];
    gmtime_r(&now, &tm);
    strftime(amz_date, SD_SIGV4_DATE_LEN, "%Y%m%dT%H%M%SZ", &tm);
    strftime(day, sizeof day, "%Y%m%d", &tm);

    const char *signed_headers = token ? "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
                                       : "content-type;host;x-amz-date;x-amz-target";
    char payload_hash[crypto_hash_sha256_BYTES * 2 + 1];
    sha256_hex(r->body ? r->body : "", r->body ? r->body_len : 0, payload_hash);
    size_t cap = 256 + strlen(r->host) + strlen(r->target) + (token ? strlen(r->session_token) : 0);
    canonical = malloc(cap);
    if (!canonical) return SD_ERR_NOMEM;
    int n = snprintf(
        canonical, cap, "POST\n/\n\ncontent-type:%s\nhost:%s\nx-amz-date:%s\n%s%s%sx-amz-target:%s\n\n%s\n%s",
        SD_SIGV4_CONTENT_TYPE, r->host, amz_date, token ? "x-amz-security-token:" : "",
        token ? r->session_token : "", token ? "\n" : "", r->target, signed_headers, payload_hash);
    if (n < 0 || (size_t)n >= cap) goto out;
    char canonical_hash[crypto_hash_sha256_BYTES * 2 + 1];
    sha256_hex(canonical, (size_t)n, canonical_hash);

    char scope[160];
    n = snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", day, r->region, r->service);
    if (n < 0 || (size_t)n >= sizeof scope) goto out;
    char to_sign[400];
    n = snprintf(to_sign, sizeof to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, canonical_hash);
    if (n < 0 || (size_t)n >= sizeof to_sign) goto out;

    /* The signing key: HMAC chain over the day, region, service and "aws4_request", from "AWS4" + secret. */
    size_t secret_len = strlen(r->secret_access_key);
    unsigned char *k_secret = malloc(secret_len + 4);
    if (!k_secret) {
        rc = SD_ERR_NOMEM;
        goto out;
    }
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, r->secret_access_key, secret_len);
    unsigned char k[crypto_auth_hmacsha256_BYTES], sig[crypto_auth_hmacsha256_BYTES];
    hmac(k, k_secret, secret_len + 4, day);
    sodium_memzero(k_secret, secret_len + 4);
    free(k_secret);
    hmac(k, k, sizeof k, r->region);
    hmac(k, k, sizeof k, r->service);
    hmac(k, k, sizeof k, "aws4_request");
    hmac(sig, k, sizeof k, to_sign);
    sodium_memzero(k, sizeof k);
    char sig_hex[sizeof sig * 2 + 1];
    hex(sig, sizeof sig, sig_hex);
    n = snprintf(auth, auth_cap, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                 r->access_key_id, scope, signed_headers, sig_hex);
    if (n >= 0 && (size_t)n < auth_cap) rc = SD_OK;
out:
    free(canonical);
    return rc;
}
