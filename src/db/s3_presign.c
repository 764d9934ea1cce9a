/* Presigned URLs of db/s3: SigV4 in the query string (X-Amz-*), the payload UNSIGNED-PAYLOAD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/s3_call.h"
#include "db/s3_sign.h"

sd_err_t sd_s3_presign_at(const sd_s3_t *s3, const char *method, const char *key, const char *content_type,
                          long expires_s, time_t now, char *out, size_t cap)
{
    char amz_date[SD_S3_DATE_LEN], scope[160], cred[512], cred_enc[1024], token_enc[4096], sig[SD_S3_HEX_LEN];
    if (!s3 || !method || !out || (strcmp(method, "PUT") != 0 && strcmp(method, "GET") != 0) ||
        expires_s < 1 || expires_s > 604800 || !sd_s3_key_ok(key) ||
        (content_type && (strpbrk(content_type, "\r\n") || strlen(content_type) > 255)))
        return SD_ERR_INVALID;
    if (strcmp(method, "PUT") != 0) content_type = NULL;
    sd_s3_amz_date(now, amz_date);
    if (sd_s3_scope(amz_date, s3->region, scope, sizeof scope) != SD_OK) return SD_ERR_INVALID;
    snprintf(cred, sizeof cred, "%s/%s", s3->access_key_id, scope);
    if (sd_s3_uri_encode(cred, 0, cred_enc, sizeof cred_enc) == (size_t)-1) return SD_ERR_INVALID;
    token_enc[0] = '\0';
    if (s3->session_token &&
        sd_s3_uri_encode(s3->session_token, 0, token_enc, sizeof token_enc) == (size_t)-1)
        return SD_ERR_INVALID;
    size_t qcap = 512 + strlen(cred_enc) + strlen(token_enc);
    size_t ccap = qcap + 512 + strlen(key) + strlen(s3->path_prefix) + strlen(s3->host) +
                  (content_type ? strlen(content_type) : 0);
    char *query = malloc(qcap), *canonical = malloc(ccap);
    sd_err_t rc = SD_ERR_NOMEM;
    if (!query || !canonical) goto out;
    rc = SD_ERR_INVALID;
    const char *signed_headers = content_type ? "content-type%3Bhost" : "host";
    int n =
        snprintf(query, qcap,
                 "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s&X-Amz-Date=%s&X-Amz-Expires=%ld%s%s"
                 "&X-Amz-SignedHeaders=%s",
                 cred_enc, amz_date, expires_s, s3->session_token ? "&X-Amz-Security-Token=" : "", token_enc,
                 signed_headers);
    if (n < 0 || (size_t)n >= qcap) goto out;
    n = snprintf(canonical, ccap, "%s\n%s/%s\n%s\n%s%s%shost:%s\n\n%s\n%s", method, s3->path_prefix, key,
                 query, content_type ? "content-type:" : "", content_type ? content_type : "",
                 content_type ? "\n" : "", s3->host, content_type ? "content-type;host" : "host",
                 SD_S3_UNSIGNED);
    if (n < 0 || (size_t)n >= ccap) goto out;
    if ((rc = sd_s3_signature(s3->secret_access_key, s3->region, amz_date, canonical, sig)) != SD_OK)
        goto out;
    n = snprintf(out, cap, "%s%s/%s?%s&X-Amz-Signature=%s", s3->scheme_host, s3->path_prefix, key, query,
                 sig);
    rc = n >= 0 && (size_t)n < cap ? SD_OK : SD_ERR_INVALID;
out:
    free(query);
    free(canonical);
    return rc;
}
