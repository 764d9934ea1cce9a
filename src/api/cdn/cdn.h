/*
 * cdn: Discord's CDN paths, served at the root beside the API (services/cdn_service does the work):
 *   GET/HEAD /attachments/{channel_id}/{attachment_id}/{filename}?ex&is&hm  a signed link; the object
 *       streamed from the store with Range (206/416), ETag/If-None-Match (304), and a download unless it is
 *       an image, a video or audio;
 *   /avatars/{user_id}/{hash}.{ext}, /banners/{id}/{hash}.{ext}, /icons/{guild_id}/{hash}.{ext},
 *   /splashes/{guild_id}/{hash}.{ext}, /role-icons/{role_id}/{hash}.{ext}, /emojis/{emoji_id}.{ext}
 *       an image at ?size= (16..4096, a power of two) in png, jpg, jpeg, webp or gif;
 *   /embed/avatars/{n}.png  the six default avatars.
 * Every answer carries X-Content-Type-Options: nosniff; images are content-addressed, so cacheable for a
 * year. CDN routes count against RATE_LIMIT_CDN per address only (api/v1/api).
 */
#ifndef SD_API_CDN_CDN_H
#define SD_API_CDN_CDN_H

#include "core/http_server.h"
#include "core/router.h"

/* Adds every CDN route to r (flag SD_API_CDN). */
sd_err_t sd_cdn_endpoints_register(sd_router_t *r);

/* The routes' handlers (ctx is the sd_app_t), by file: attachments.c */
void sd_cdn_get_attachment(sd_request_t *req, void *app);
/* images.c */
void sd_cdn_get_avatar(sd_request_t *req, void *app);
void sd_cdn_get_banner(sd_request_t *req, void *app);
void sd_cdn_get_icon(sd_request_t *req, void *app);
void sd_cdn_get_splash(sd_request_t *req, void *app);
void sd_cdn_get_role_icon(sd_request_t *req, void *app);
void sd_cdn_get_emoji(sd_request_t *req, void *app);
/* default_avatars.c */
void sd_cdn_get_default_avatar(sd_request_t *req, void *app);

/* ?size=: 0 when absent, the size when it is one of 16..4096 and a power of two, else -1. */
int sd_cdn_size_param(sd_request_t *req);
/* Answers 400 with Discord's error body and message. */
void sd_cdn_invalid(sd_request_t *req, const char *message);
/* The headers of every image answer: ETag etag, year-long caching. */
void sd_cdn_image_headers(sd_request_t *req, const char *etag);

#endif
