#include "services/data_uri.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The media type's characters (RFC 2045 token, without the separators); never the terminating NUL, which
   strchr() would find in its set. */
static int token_char(char c)
{
    return c != '\0' && (isalnum((unsigned char)c) || strchr("!#$&^_.+-", c) != NULL);
}

/* Points *payload past ";base64," when uri's head is a well-formed data URI header. */
static sd_err_t header(const char *uri, const char **payload)
{
    if (strncasecmp(uri, "data:", 5) != 0) return SD_ERR_INVALID;
    const char *p = uri + 5, *start = p;
    while (token_char(*p))
        p++;
    if (p == start || *p++ != '/') return SD_ERR_INVALID;
    start = p;
    while (token_char(*p))
        p++;
    if (p == start) return SD_ERR_INVALID;
    /* parameters (";charset=..."), then ";base64," which must come last */
    for (int params = 0; *p == ';'; params++) {
        if (params >= 8) return SD_ERR_INVALID;
        if (strncasecmp(p, ";base64,", 8) == 0) {
            *payload = p + 8;
            return SD_OK;
        }
        p++;
        while (token_char(*p) || *p == '=' || *p == '"')
            p++;
    }
    return SD_ERR_INVALID;
}

sd_err_t sd_data_uri_decode(const char *uri, size_t max, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    const char *b64 = NULL;
    if (!uri || header(uri, &b64)) return SD_ERR_INVALID;
    size_t n = strlen(b64);
    while (n && (b64[n - 1] == '\n' || b64[n - 1] == '\r' || b64[n - 1] == ' '))
        n--;
    if (n == 0) return SD_ERR_INVALID;
    /* 4 characters carry 3 bytes; line breaks (MIME's every 76 characters) are allowed for */
    size_t encoded_max = (max + 2) / 3 * 4;
    if (n > encoded_max + encoded_max / 38 + 4) return SD_ERR_TOO_LARGE;
    size_t cap = n / 4 * 3 + 3;
    unsigned char *bin = malloc(cap);
    if (!bin) return SD_ERR_NOMEM;
    size_t got = 0;
    const char *end = NULL;
    int rc = sodium_base642bin(bin, cap, b64, n, "\r\n", &got, &end, sodium_base64_VARIANT_ORIGINAL);
    if (rc != 0 || end != b64 + n) /* unpadded base64, as some clients send */
        rc = sodium_base642bin(bin, cap, b64, n, "\r\n", &got, &end,
                               sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    if (rc != 0 || end != b64 + n || got == 0) {
        free(bin);
        return SD_ERR_INVALID;
    }
    if (got > max) {
        free(bin);
        return SD_ERR_TOO_LARGE;
    }
    *out = bin;
    *len = got;
    return SD_OK;
}
