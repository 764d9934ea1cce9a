/*
 * data_uri: the image data Discord takes in JSON bodies ("data:image/png;base64,iVBOR..."), decoded with a
 * bound on the decoded size checked before anything is decoded. The media type the URI claims is only
 * checked for shape: what the bytes are is decided from the bytes themselves (services/image_codec).
 */
#ifndef SD_SERVICES_DATA_URI_H
#define SD_SERVICES_DATA_URI_H

#include <stddef.h>

#include "core/errors.h"

/*
 * Decodes uri (NUL-terminated) into *out (malloc'd, the caller's to free()) and *len. SD_ERR_INVALID: not a
 * "data:<type>/<subtype>[;params];base64,<base64>" URI, or bad base64, or nothing in it; SD_ERR_TOO_LARGE:
 * more than max decoded bytes (refused from the encoded length, before decoding); SD_ERR_NOMEM.
 */
sd_err_t sd_data_uri_decode(const char *uri, size_t max, unsigned char **out, size_t *len);

#endif
