#include "services/token.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static void derive_key(const char *secret, unsigned char key[crypto_auth_hmacsha256_KEYBYTES])
{
    crypto_hash_sha256(key, (const unsigned char *)secret, strlen(secret));
}

/* Appends base64url(text) and a '.' (unless last) to out at *pos. */
static int put_part(char *out, size_t cap, size_t *pos, const unsigned char *data, size_t len, int last)
{
    size_t need = sodium_base64_ENCODED_LEN(len, B64);
    if (*pos + need + 1 > cap) return -1;
    sodium_bin2base64(out + *pos, cap - *pos, data, len, B64);
    *pos += strlen(out + *pos);
    if (!last) out[(*pos)++] = '.';
    out[*pos] = '\0';
    return 0;
}

sd_err_t sd_token_sign(const char *secret, const sd_token_claims_t *c, char *out, size_t cap)
{
    char parts[3][24];
    snprintf(parts[0], sizeof parts[0], "%llu", (unsigned long long)c->user_id);
    snprintf(parts[1], sizeof parts[1], "%lld", c->expires_at);
    snprintf(parts[2], sizeof parts[2], "%lld", c->version);
    size_t pos = 0;
    for (int i = 0; i < 3; i++)
        if (put_part(out, cap, &pos, (const unsigned char *)parts[i], strlen(parts[i]), 0))
            return SD_ERR_INVALID;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
    derive_key(secret, key);
    crypto_auth_hmacsha256(mac, (const unsigned char *)out, pos - 1, key); /* over "p1.p2.p3" */
    sodium_memzero(key, sizeof key);
    return put_part(out, cap, &pos, mac, sizeof mac, 1) ? SD_ERR_INVALID : SD_OK;
}

/* Decodes one base64url part holding a decimal number. */
static int decode_number(const char *b64, size_t len, int allow_negative, long long *out)
{
    char text[24];
    size_t n;
    if (sodium_base642bin((unsigned char *)text, sizeof text - 1, b64, len, NULL, &n, NULL, B64) != 0)
        return -1;
    text[n] = '\0';
    if (n == 0 || n > 20) return -1;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end || (!allow_negative && v < 0) || (text[0] == '0' && n > 1)) return -1;
    *out = v;
    return 0;
}

sd_err_t sd_token_verify(const char *secret, const char *token, long long now, sd_token_claims_t *claims)
{
    if (!token) return SD_ERR_UNAUTHORIZED;
    size_t len = strnlen(token, SD_TOKEN_MAX + 1);
    if (len > SD_TOKEN_MAX) return SD_ERR_UNAUTHORIZED;
    const char *dots[3];
    const char *p = token;
    for (int i = 0; i < 3; i++) {
        dots[i] = strchr(p, '.');
        if (!dots[i]) return SD_ERR_UNAUTHORIZED;
        p = dots[i] + 1;
    }
    if (strchr(p, '.')) return SD_ERR_UNAUTHORIZED;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    size_t maclen;
    if (sodium_base642bin(mac, sizeof mac, p, strlen(p), NULL, &maclen, NULL, B64) != 0 ||
        maclen != sizeof mac)
        return SD_ERR_UNAUTHORIZED;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    derive_key(secret, key);
    int ok =
        crypto_auth_hmacsha256_verify(mac, (const unsigned char *)token, (size_t)(dots[2] - token), key) == 0;
    sodium_memzero(key, sizeof key);
    if (!ok) return SD_ERR_UNAUTHORIZED;
    long long uid, exp, ver;
    if (decode_number(token, (size_t)(dots[0] - token), 0, &uid) ||
        decode_number(dots[0] + 1, (size_t)(dots[1] - dots[0] - 1), 0, &exp) ||
        decode_number(dots[1] + 1, (size_t)(dots[2] - dots[1] - 1), 0, &ver) || uid <= 0)
        return SD_ERR_UNAUTHORIZED;
    if (exp <= now) return SD_ERR_UNAUTHORIZED;
    claims->user_id = (uint64_t)uid;
    claims->expires_at = exp;
    claims->version = ver;
    return SD_OK;
}

const char *sd_token_from_header(const char *value)
{
    if (!value) return NULL;
    if (strncasecmp(value, "Bearer ", 7) == 0)
        value += 7;
    else if (strncasecmp(value, "Bot ", 4) == 0)
        value += 4;
    while (*value == ' ')
        value++;
    return *value ? value : NULL;
}
