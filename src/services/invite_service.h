/*
 * invite_service: invites to a guild channel. Creating needs CREATE_INSTANT_INVITE in the channel; anyone may
 * preview a live invite; joining counts one use in the same transaction that adds the member, so max_uses
 * holds under any concurrency, and banned users are refused; deleting needs MANAGE_GUILD or MANAGE_CHANNELS
 * there. An invite past expires_at is gone, whether or not DynamoDB's TTL has removed it yet.
 */
#ifndef SD_SERVICES_INVITE_SERVICE_H
#define SD_SERVICES_INVITE_SERVICE_H

#include "core/app.h"
#include "services/outcome.h"

/* input (stolen): validated sd_invite_in_parse. */
void sd_invite_service_create(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                              sd_outcome_cb cb, void *ctx);
/* The public preview; user_id may be NULL. */
void sd_invite_service_get(sd_app_t *app, const char *code, sd_outcome_cb cb, void *ctx);
void sd_invite_service_join(sd_app_t *app, const char *user_id, const char *code, sd_outcome_cb cb,
                            void *ctx);
void sd_invite_service_delete(sd_app_t *app, const char *user_id, const char *code, sd_outcome_cb cb,
                              void *ctx);
/* A guild's invites (channel_id NULL; MANAGE_GUILD) or a channel's (MANAGE_CHANNELS). */
void sd_invite_service_list(sd_app_t *app, const char *user_id, const char *guild_id, const char *channel_id,
                            sd_outcome_cb cb, void *ctx);

#endif
