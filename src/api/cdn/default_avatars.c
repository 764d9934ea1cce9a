/* The CDN's default avatars (api/cdn/cdn.h): /embed/avatars/{n}.png. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cdn/cdn.h"
#include "api/v1/deps.h"
#include "core/static_files.h"
#include "services/default_avatars.h"

void sd_cdn_get_default_avatar(sd_request_t *req, void *app)
{
    (void)app;
    sd_http_add_header(req, "X-Content-Type-Options", "nosniff");
    const char *file = sd_request_param(req, "file");
    if (!file || strlen(file) != 5 || file[0] < '0' || file[0] >= '0' + SD_DEFAULT_AVATARS ||
        strcmp(file + 1, ".png") != 0) {
        sd_deps_fail(req, SD_ERR_NOT_FOUND);
        return;
    }
    if (sd_cdn_size_param(req) < 0) { /* taken as Discord takes it; the picture has one size */
        sd_cdn_invalid(req, "Invalid size");
        return;
    }
    char etag[48];
    snprintf(etag, sizeof etag, "\"default-avatar-%c-v1\"", file[0]);
    sd_cdn_image_headers(req, etag);
    const char *inm = sd_request_header(req, "If-None-Match");
    if (inm && sd_static_etag_matches(inm, etag)) {
        sd_http_respond(req, 304, "", NULL, 0);
        return;
    }
    unsigned char *png = NULL;
    size_t len = 0;
    sd_err_t err = sd_default_avatar_png(file[0] - '0', &png, &len);
    if (err) {
        sd_deps_fail(req, err);
        return;
    }
    sd_http_respond(req, 200, "image/png", (const char *)png, len);
    free(png);
}
