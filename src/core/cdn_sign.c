/*
 * cdn_sign: see cdn_sign.h. hm = hex HMAC-SHA256(secret, path "\n" ex "\n" is).
 */
#include "core/cdn_sign.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SIGN_HEX_MAX 16 /* ex and is: at most 16 hex digits (64 bits) */

static void mac_hex(const char *secret, const char *path, const char *ex, const char *is,
                    char hex[crypto_auth_hmacsha256_BYTES * 2 + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)path, strlen(path));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ex, strlen(ex));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)is, strlen(is));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, crypto_auth_hmacsha256_BYTES * 2 + 1, mac, sizeof mac);
}

sd_err_t sd_cdn_sign(const char *secret, const char *origin, const char *path, time_t now, long ttl_s,
                     char *out, size_t cap)
{
    char ex[SIGN_HEX_MAX + 1], is[SIGN_HEX_MAX + 1], hm[crypto_auth_hmacsha256_BYTES * 2 + 1];
    snprintf(ex, sizeof ex, "%llx", (unsigned long long)(now + ttl_s));
    snprintf(is, sizeof is, "%llx", (unsigned long long)now);
    mac_hex(secret, path, ex, is, hm);
    int n = snprintf(out, cap, "%s%s?ex=%s&is=%s&hm=%s&", origin, path, ex, is, hm);
    return n > 0 && (size_t)n < cap ? SD_OK : SD_ERR_INVALID;
}

/* A lower-case hex number of 1..16 digits, or -1. */
static long long parse_hex(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SIGN_HEX_MAX) return -1;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 16);
    return errno || v > (unsigned long long)INT64_MAX ? -1 : (long long)v;
}

bool sd_cdn_verify(const char *secret, const char *path, const char *ex, const char *is, const char *hm,
                   time_t now)
{
    long long exv = parse_hex(ex), isv = parse_hex(is);
    if (exv < 0 || isv < 0 || !hm || strlen(hm) != crypto_auth_hmacsha256_BYTES * 2) return false;
    if ((long long)now > exv || isv > exv) return false;
    char want[crypto_auth_hmacsha256_BYTES * 2 + 1];
    mac_hex(secret, path, ex, is, want);
    return sodium_memcmp(want, hm, sizeof want - 1) == 0;
}
