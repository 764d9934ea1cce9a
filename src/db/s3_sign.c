#include "db/s3_sign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hmac(unsigned char out[crypto_auth_hmacsha256_BYTES], const unsigned char *key, size_t key_len,
                 const char *msg)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, out);
}

void sd_s3_amz_date(time_t now, char out[SD_S3_DATE_LEN])
{
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, SD_S3_DATE_LEN, "%Y%m%dT%H%M%SZ", &tm);
}

void sd_s3_sha256_hex(const void *data, size_t len, char out[SD_S3_HEX_LEN])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data ? data : (const void *)"", data ? len : 0);
    sodium_bin2hex(out, SD_S3_HEX_LEN, d, sizeof d);
}

sd_err_t sd_s3_scope(const char *amz_date, const char *region, char *scope, size_t cap)
{
    int n = snprintf(scope, cap, "%.8s/%s/s3/aws4_request", amz_date, region);
    return n >= 0 && (size_t)n < cap ? SD_OK : SD_ERR_INVALID;
}

sd_err_t sd_s3_signature(const char *secret, const char *region, const char *amz_date, const char *canonical,
                         char sig[SD_S3_HEX_LEN])
{
    char scope[160], hash[SD_S3_HEX_LEN], to_sign[400], day[9];
    if (sd_s3_scope(amz_date, region, scope, sizeof scope) != SD_OK) return SD_ERR_INVALID;
    sd_s3_sha256_hex(canonical, strlen(canonical), hash);
    int n = snprintf(to_sign, sizeof to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, hash);
    if (n < 0 || (size_t)n >= sizeof to_sign) return SD_ERR_INVALID;
    snprintf(day, sizeof day, "%.8s", amz_date);

    size_t secret_len = strlen(secret);
    unsigned char *k_secret = malloc(secret_len + 4);
    if (!k_secret) return SD_ERR_NOMEM;
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, secret, secret_len);
    unsigned char k[crypto_auth_hmacsha256_BYTES], s[crypto_auth_hmacsha256_BYTES];
    hmac(k, k_secret, secret_len + 4, day);
    sodium_memzero(k_secret, secret_len + 4);
    free(k_secret);
    hmac(k, k, sizeof k, region);
    hmac(k, k, sizeof k, "s3");
    hmac(k, k, sizeof k, "aws4_request");
    hmac(s, k, sizeof k, to_sign);
    sodium_memzero(k, sizeof k);
    sodium_bin2hex(sig, SD_S3_HEX_LEN, s, sizeof s);
    return SD_OK;
}

size_t sd_s3_uri_encode(const char *s, int keep_slash, char *out, size_t cap)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                   *p == '-' || *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/');
        if (n + (keep ? 1 : 3) >= cap) return (size_t)-1;
        if (keep) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hexd[*p >> 4];
            out[n++] = hexd[*p & 15];
        }
    }
    if (n >= cap) return (size_t)-1;
    out[n] = '\0';
    return n;
}
