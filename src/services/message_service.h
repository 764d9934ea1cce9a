/*
 * message_service: messages in guild text channels. Sending needs SEND_MESSAGES (replies also
 * READ_MESSAGE_HISTORY); reading history needs READ_MESSAGE_HISTORY (without it the history is empty, as on
 * Discord); editing is the author's alone; deleting is the author's or needs MANAGE_MESSAGES; bulk deletion
 * needs MANAGE_MESSAGES and takes only messages younger than 14 days. Mentions are parsed from the content on
 * the server: users that exist, roles of the guild, and @everyone/@here only with MENTION_EVERYONE. A message
 * sent with enforce_nonce and a nonce already used by the same author in the channel within 5 minutes returns
 * the first message instead of a second one.
 */
#ifndef SD_SERVICES_MESSAGE_SERVICE_H
#define SD_SERVICES_MESSAGE_SERVICE_H

#include "core/app.h"
#include "services/gjob.h"
#include "services/outcome.h"

/* input (stolen): validated sd_message_in_parse. */
void sd_message_service_send(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                             sd_outcome_cb cb, void *ctx);
void sd_message_service_get(sd_app_t *app, const char *user_id, const char *channel_id,
                            const char *message_id, sd_outcome_cb cb, void *ctx);
void sd_message_service_edit(sd_app_t *app, const char *user_id, const char *channel_id,
                             const char *message_id, json_t *input, sd_outcome_cb cb, void *ctx);
/* POST /channels/{id}/typing: TYPING_START to those who can see the channel (needs SEND_MESSAGES). */
void sd_message_service_typing(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                               void *ctx);
void sd_message_service_delete(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, sd_outcome_cb cb, void *ctx);
/* ids (stolen): 2..100 message ids. */
void sd_message_service_bulk_delete(sd_app_t *app, const char *user_id, const char *channel_id, json_t *ids,
                                    sd_outcome_cb cb, void *ctx);

#endif
