/* The CDN's route table (api/cdn/cdn.h). */
#include "api/cdn/cdn.h"

#include <string.h>

#include "api/v1/deps.h"

static const sd_route_def_t routes[] = {
    {"GET", "/attachments/{channel_id}/{attachment_id}/{filename}", sd_cdn_get_attachment, SD_API_CDN},
    {"GET", "/avatars/{user_id}/{file}", sd_cdn_get_avatar, SD_API_CDN},
    {"GET", "/banners/{owner_id}/{file}", sd_cdn_get_banner, SD_API_CDN},
    {"GET", "/icons/{guild_id}/{file}", sd_cdn_get_icon, SD_API_CDN},
    {"GET", "/splashes/{guild_id}/{file}", sd_cdn_get_splash, SD_API_CDN},
    {"GET", "/role-icons/{role_id}/{file}", sd_cdn_get_role_icon, SD_API_CDN},
    {"GET", "/emojis/{file}", sd_cdn_get_emoji, SD_API_CDN},
    {"GET", "/embed/avatars/{file}", sd_cdn_get_default_avatar, SD_API_CDN},
};

sd_err_t sd_cdn_endpoints_register(sd_router_t *r)
{
    return sd_deps_register(r, "", routes, sizeof routes / sizeof *routes);
}

int sd_cdn_size_param(sd_request_t *req)
{
    const char *s = sd_request_query(req, "size");
    if (!s) return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 4) return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 16 && v <= 4096 && !(v & (v - 1)) ? v : -1;
}

void sd_cdn_invalid(sd_request_t *req, const char *message)
{
    sd_http_respond_error(req, 400, SD_API_GENERAL, message, NULL);
}

void sd_cdn_image_headers(sd_request_t *req, const char *etag)
{
    sd_http_add_header(req, "ETag", etag);
    sd_http_add_header(req, "Cache-Control", "public, max-age=31536000, immutable");
    sd_http_add_header(req, "Access-Control-Allow-Origin", "*");
}
