/*
 * cdn_sign: Discord's signed CDN links. An attachment URL carries ?ex=<expiry>&is=<issued>&hm=<signature>: ex
 * and is are Unix seconds in lower-case hex, hm is the hex HMAC-SHA256 (CDN_SIGNING_SECRET) of the path, ex
 * and is. A link is re-signed every time its message is fetched; the CDN refuses a link past ex, or one whose
 * hm does not match (compared in constant time).
 */
#ifndef SD_CORE_CDN_SIGN_H
#define SD_CORE_CDN_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/errors.h"

/*
 * Writes origin + path + "?ex=..&is=..&hm=.." into out: path is the URL path ("/attachments/1/2/a.png",
 * already percent-encoded as sent), valid ttl_s seconds from now. SD_ERR_INVALID when out is too small.
 */
sd_err_t sd_cdn_sign(const char *secret, const char *origin, const char *path, time_t now, long ttl_s,
                     char *out, size_t cap);
/* Whether the ex, is and hm query values (any may be NULL) sign path and have not expired at now. */
bool sd_cdn_verify(const char *secret, const char *path, const char *ex, const char *is, const char *hm,
                   time_t now);

#endif
