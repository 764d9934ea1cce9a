/*
 * dm_service: direct messages and read states. POST /users/@me/channels {recipient_id} opens the one DM of
 * two users (created once, even under a race); {recipients: [2..9 ids]} makes a group DM. Messages in DMs use
 * the message endpoints and rules (gjob treats the recipients as the members). Acknowledging a message moves
 * the reader's read state in that channel; channel lists carry it as last_read_message_id and mention_count.
 */
#ifndef SD_SERVICES_DM_SERVICE_H
#define SD_SERVICES_DM_SERVICE_H

#include "core/app.h"
#include "services/gjob.h"
#include "services/outcome.h"

/* input (stolen): {"recipient_id"} or {"recipients": [...]}. */
void sd_dm_service_open(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx);
void sd_dm_service_list(sd_app_t *app, const char *user_id, sd_outcome_cb cb, void *ctx);
void sd_dm_service_ack(sd_app_t *app, const char *user_id, const char *channel_id, const char *message_id,
                       sd_outcome_cb cb, void *ctx);
/* Answers job j with channels (stolen, stored shapes; guild channels and DMs alike) as the reader sees them,
   with the reader's read state in each (last_read_message_id, mention_count); one: a single object. */
void sd_dm_service_answer_channels(sd_gjob_t *j, json_t *channels, bool one);

#endif
