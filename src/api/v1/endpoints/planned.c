/* Routes: every route of Discord's API that the libraries call and this server does not serve yet (see
   docs/COMPATIBILITY.md, which lists them with their families). Each answers HTTP 501 with Discord's error
   body {"message": "<what> is not available on this server yet", "code": 0} instead of a 404, after
   authentication and rate limiting like any route. They are flagged SD_API_PLANNED: `simplediscord routes`
   and the OpenAPI document leave them out. */
#include "api/v1/endpoints/planned.h"

#include <stdio.h>
#include <string.h>

#include "api/v1/deps.h"

typedef struct {
    const char *method, *path, *what;
} planned_t;

static const planned_t planned[] = {
    {"GET", "/users/@me/connections", "Connections"},
    {"PATCH", "/guilds/{guild_id}/members/@me/nick", "This member route"},
    {"GET", "/invites/{invite_code}/target-users", "Invite target users"},
    {"PUT", "/invites/{invite_code}/target-users", "Invite target users"},
    {"GET", "/invites/{invite_code}/target-users/job-status", "Invite target users"},
    {"DELETE", "/channels/{channel_id}/recipients/{user_id}", "Group DM management"},
    {"PUT", "/channels/{channel_id}/recipients/{user_id}", "Group DM management"},
    {"POST", "/users/{user_id}/channels", "Group DM management"},
    {"GET", "/channels/{channel_id}/webhooks", "Webhooks"},
    {"POST", "/channels/{channel_id}/webhooks", "Webhooks"},
    {"GET", "/guilds/{guild_id}/webhooks", "Webhooks"},
    {"DELETE", "/webhooks/{webhook_id}", "Webhooks"},
    {"GET", "/webhooks/{webhook_id}", "Webhooks"},
    {"PATCH", "/webhooks/{webhook_id}", "Webhooks"},
    {"DELETE", "/webhooks/{webhook_id}/{webhook_token}", "Webhooks"},
    {"GET", "/webhooks/{webhook_id}/{webhook_token}", "Webhooks"},
    {"PATCH", "/webhooks/{webhook_id}/{webhook_token}", "Webhooks"},
    {"POST", "/webhooks/{webhook_id}/{webhook_token}", "Webhooks"},
    {"POST", "/webhooks/{webhook_id}/{webhook_token}/github", "Webhooks"},
    {"DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", "Webhooks"},
    {"GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", "Webhooks"},
    {"PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", "Webhooks"},
    {"DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "Webhooks"},
    {"GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "Webhooks"},
    {"PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "Webhooks"},
    {"POST", "/webhooks/{webhook_id}/{webhook_token}/slack", "Webhooks"},
    {"GET", "/applications/{application_id}/commands", "Application commands"},
    {"POST", "/applications/{application_id}/commands", "Application commands"},
    {"PUT", "/applications/{application_id}/commands", "Application commands"},
    {"DELETE", "/applications/{application_id}/commands/{command_id}", "Application commands"},
    {"GET", "/applications/{application_id}/commands/{command_id}", "Application commands"},
    {"PATCH", "/applications/{application_id}/commands/{command_id}", "Application commands"},
    {"GET", "/applications/{application_id}/guilds/{guild_id}/commands", "Application commands"},
    {"POST", "/applications/{application_id}/guilds/{guild_id}/commands", "Application commands"},
    {"PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "Application commands"},
    {"GET", "/applications/{application_id}/guilds/{guild_id}/commands/permissions", "Application commands"},
    {"PUT", "/applications/{application_id}/guilds/{guild_id}/commands/permissions", "Application commands"},
    {"DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
     "Application commands"},
    {"GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", "Application commands"},
    {"PATCH", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
     "Application commands"},
    {"GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}/permissions",
     "Application commands"},
    {"PUT", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}/permissions",
     "Application commands"},
    {"POST", "/interactions/{interaction_id}/{interaction_token}/callback", "Application commands"},
    {"GET", "/applications/{application_id}/emojis", "Custom emojis"},
    {"POST", "/applications/{application_id}/emojis", "Custom emojis"},
    {"DELETE", "/applications/{application_id}/emojis/{emoji_id}", "Custom emojis"},
    {"GET", "/applications/{application_id}/emojis/{emoji_id}", "Custom emojis"},
    {"PATCH", "/applications/{application_id}/emojis/{emoji_id}", "Custom emojis"},
    {"GET", "/applications/{application_id}/entitlements", "Monetization"},
    {"POST", "/applications/{application_id}/entitlements", "Monetization"},
    {"DELETE", "/applications/{application_id}/entitlements/{entitlement_id}", "Monetization"},
    {"GET", "/applications/{application_id}/entitlements/{entitlement_id}", "Monetization"},
    {"POST", "/applications/{application_id}/entitlements/{entitlement_id}/consume", "Monetization"},
    {"GET", "/applications/{application_id}/skus", "Monetization"},
    {"GET", "/skus/{sku_id}/subscriptions", "Monetization"},
    {"GET", "/skus/{sku_id}/subscriptions/{subscription_id}", "Monetization"},
    {"PATCH", "/applications/@me", "OAuth2 and applications"},
    {"GET", "/applications/{application_id}/activity-instances/{instance_id}", "OAuth2 and applications"},
    {"GET", "/applications/{application_id}/role-connections/metadata", "OAuth2 and applications"},
    {"PUT", "/applications/{application_id}/role-connections/metadata", "OAuth2 and applications"},
    {"GET", "/oauth2/@me", "OAuth2 and applications"},
    {"GET", "/oauth2/authorize", "OAuth2 and applications"},
    {"POST", "/oauth2/token", "OAuth2 and applications"},
    {"POST", "/oauth2/token/revoke", "OAuth2 and applications"},
    {"DELETE", "/users/@me/applications/{application_id}/role-connection", "OAuth2 and applications"},
    {"GET", "/users/@me/applications/{application_id}/role-connection", "OAuth2 and applications"},
    {"PUT", "/users/@me/applications/{application_id}/role-connection", "OAuth2 and applications"},
    {"GET", "/guilds/{guild_id}/stickers", "Stickers"},
    {"POST", "/guilds/{guild_id}/stickers", "Stickers"},
    {"DELETE", "/guilds/{guild_id}/stickers/{sticker_id}", "Stickers"},
    {"GET", "/guilds/{guild_id}/stickers/{sticker_id}", "Stickers"},
    {"PATCH", "/guilds/{guild_id}/stickers/{sticker_id}", "Stickers"},
    {"GET", "/sticker-packs", "Stickers"},
    {"GET", "/sticker-packs/{sticker_pack_id}", "Stickers"},
    {"GET", "/stickers/{sticker_id}", "Stickers"},
    {"POST", "/channels/{channel_id}/messages/{message_id}/threads", "Threads"},
    {"GET", "/channels/{channel_id}/thread-members", "Threads"},
    {"DELETE", "/channels/{channel_id}/thread-members/@me", "Threads"},
    {"PUT", "/channels/{channel_id}/thread-members/@me", "Threads"},
    {"DELETE", "/channels/{channel_id}/thread-members/{user_id}", "Threads"},
    {"GET", "/channels/{channel_id}/thread-members/{user_id}", "Threads"},
    {"PUT", "/channels/{channel_id}/thread-members/{user_id}", "Threads"},
    {"POST", "/channels/{channel_id}/threads", "Threads"},
    {"GET", "/channels/{channel_id}/threads/archived/private", "Threads"},
    {"GET", "/channels/{channel_id}/threads/archived/public", "Threads"},
    {"GET", "/channels/{channel_id}/users/@me/threads/archived/private", "Threads"},
    {"GET", "/guilds/{guild_id}/threads/active", "Threads"},
    {"GET", "/guilds/{guild_id}/audit-logs", "The audit log"},
    {"GET", "/guilds/{guild_id}/auto-moderation/rules", "Auto-moderation"},
    {"POST", "/guilds/{guild_id}/auto-moderation/rules", "Auto-moderation"},
    {"DELETE", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", "Auto-moderation"},
    {"GET", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", "Auto-moderation"},
    {"PATCH", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", "Auto-moderation"},
    {"GET", "/guilds/{guild_id}/scheduled-events", "Scheduled events"},
    {"POST", "/guilds/{guild_id}/scheduled-events", "Scheduled events"},
    {"DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", "Scheduled events"},
    {"GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", "Scheduled events"},
    {"PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", "Scheduled events"},
    {"GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users", "Scheduled events"},
    {"POST", "/stage-instances", "Stage channels"},
    {"DELETE", "/stage-instances/{channel_id}", "Stage channels"},
    {"GET", "/stage-instances/{channel_id}", "Stage channels"},
    {"PATCH", "/stage-instances/{channel_id}", "Stage channels"},
    {"PUT", "/channels/{channel_id}/voice-status", "Voice"},
    {"GET", "/guilds/{guild_id}/regions", "Voice"},
    {"GET", "/guilds/{guild_id}/voice-states/@me", "Voice"},
    {"PATCH", "/guilds/{guild_id}/voice-states/@me", "Voice"},
    {"GET", "/guilds/{guild_id}/voice-states/{user_id}", "Voice"},
    {"PATCH", "/guilds/{guild_id}/voice-states/{user_id}", "Voice"},
    {"GET", "/voice/regions", "Voice"},
    {"GET", "/guilds/templates/{code}", "Guild templates"},
    {"POST", "/guilds/templates/{code}", "Guild templates"},
    {"GET", "/guilds/{guild_id}/templates", "Guild templates"},
    {"POST", "/guilds/{guild_id}/templates", "Guild templates"},
    {"DELETE", "/guilds/{guild_id}/templates/{code}", "Guild templates"},
    {"PATCH", "/guilds/{guild_id}/templates/{code}", "Guild templates"},
    {"PUT", "/guilds/{guild_id}/templates/{code}", "Guild templates"},
    {"GET", "/guilds/{guild_id}/integrations", "Integrations"},
    {"POST", "/guilds/{guild_id}/integrations", "Integrations"},
    {"DELETE", "/guilds/{guild_id}/integrations/{integration_id}", "Integrations"},
    {"PATCH", "/guilds/{guild_id}/integrations/{integration_id}", "Integrations"},
    {"POST", "/guilds/{guild_id}/integrations/{integration_id}/sync", "Integrations"},
    {"GET", "/guilds/{guild_id}/widget", "Guild widgets"},
    {"PATCH", "/guilds/{guild_id}/widget", "Guild widgets"},
    {"GET", "/guilds/{guild_id}/widget.json", "Guild widgets"},
    {"GET", "/guilds/{guild_id}/widget.png", "Guild widgets"},
    {"GET", "/guilds/{guild_id}/member-verification", "Onboarding"},
    {"PATCH", "/guilds/{guild_id}/member-verification", "Onboarding"},
    {"GET", "/guilds/{guild_id}/onboarding", "Onboarding"},
    {"PUT", "/guilds/{guild_id}/onboarding", "Onboarding"},
    {"GET", "/guilds/{guild_id}/welcome-screen", "Onboarding"},
    {"PATCH", "/guilds/{guild_id}/welcome-screen", "Onboarding"},
    {"POST", "/channels/{channel_id}/send-soundboard-sound", "The soundboard"},
    {"GET", "/guilds/{guild_id}/soundboard-sounds", "The soundboard"},
    {"POST", "/guilds/{guild_id}/soundboard-sounds", "The soundboard"},
    {"DELETE", "/guilds/{guild_id}/soundboard-sounds/{sound_id}", "The soundboard"},
    {"GET", "/guilds/{guild_id}/soundboard-sounds/{sound_id}", "The soundboard"},
    {"PATCH", "/guilds/{guild_id}/soundboard-sounds/{sound_id}", "The soundboard"},
    {"GET", "/soundboard-default-sounds", "The soundboard"},
    {"GET", "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}", "Polls"},
    {"POST", "/channels/{channel_id}/polls/{message_id}/expire", "Polls"},
    {"POST", "/channels/{channel_id}/followers", "Announcement channels"},
    {"POST", "/channels/{channel_id}/messages/{message_id}/crosspost", "Announcement channels"},
    {"GET", "/guilds/{guild_id}/messages/search", "Message search"},
    {"GET", "/guilds/{guild_id}/vanity-url", "Vanity URLs"},
    {"PATCH", "/guilds/{guild_id}/vanity-url", "Vanity URLs"},
    {"POST", "/guilds/{guild_id}/bulk-ban", "This guild tool"},
    {"PUT", "/guilds/{guild_id}/incident-actions", "This guild tool"},
    {"POST", "/guilds/{guild_id}/mfa", "This guild tool"},
    {"GET", "/guilds/{guild_id}/preview", "This guild tool"},
    {"GET", "/guilds/{guild_id}/prune", "This guild tool"},
    {"POST", "/guilds/{guild_id}/prune", "This guild tool"},
    {"GET", "/guilds/{guild_id}/roles/member-counts", "This guild tool"},
};

/* The route's pattern without its version prefix ("/api/v10/x" -> "/x"). */
static const char *unversioned(const char *pattern)
{
    const char *rest = pattern && !strncmp(pattern, "/api/", 5) ? strchr(pattern + 5, '/') : NULL;
    return rest ? rest : pattern;
}

static void not_yet(sd_request_t *req, void *app)
{
    (void)app;
    const char *path = unversioned(req->route), *what = "This feature";
    const char *method = strcmp(req->method, "HEAD") ? req->method : "GET";
    for (size_t i = 0; i < sizeof planned / sizeof *planned; i++)
        if (path && !strcmp(planned[i].path, path) && !strcmp(planned[i].method, method))
            what = planned[i].what;
    char message[160];
    snprintf(message, sizeof message, "%s is not available on this server yet", what);
    sd_http_respond_json(req, 501, sd_api_error_body(SD_API_GENERAL, message, NULL));
}

sd_err_t sd_planned_endpoints_register(sd_router_t *r, const char *prefix)
{
    char path[192];
    for (size_t i = 0; i < sizeof planned / sizeof *planned; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, planned[i].path);
        sd_err_t err = sd_router_add(r, planned[i].method, path, not_yet, SD_API_AUTH | SD_API_PLANNED);
        if (err) return err;
    }
    return SD_OK;
}
