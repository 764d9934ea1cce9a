/*
 * message_history: a channel's history as Discord pages it, newest first: before an id, after one, or around
 * one (half newer, half older, the anchor among them), answered with the authors and referenced messages
 * filled in by message_service. A reader without READ_MESSAGE_HISTORY gets an empty page.
 */
#ifndef SD_SERVICES_MESSAGE_HISTORY_H
#define SD_SERVICES_MESSAGE_HISTORY_H

#include "core/app.h"
#include "services/outcome.h"

/* One of before / after / around (or none: the newest); limit 1..100. */
void sd_message_history_list(sd_app_t *app, const char *user_id, const char *channel_id, const char *before,
                             const char *after, const char *around, int limit, sd_outcome_cb cb, void *ctx);

#endif
