/*
 * reaction_service: reactions and pins on messages. Reacting needs READ_MESSAGE_HISTORY, and ADD_REACTIONS
 * for an emoji not on the message yet; removing another user's reaction needs MANAGE_MESSAGES. Each user
 * counts once per emoji, whatever the concurrency (a transaction writes the reaction and moves the count).
 * Pinning needs MANAGE_MESSAGES; a channel holds at most 50 pins.
 */
#ifndef SD_SERVICES_REACTION_SERVICE_H
#define SD_SERVICES_REACTION_SERVICE_H

#include <stdbool.h>

#include "core/app.h"
#include "services/outcome.h"

/* target: "@me" or a user id (removal only). */
void sd_reaction_service_set(sd_app_t *app, const char *user_id, const char *channel_id,
                             const char *message_id, const char *emoji, const char *target, bool remove,
                             sd_outcome_cb cb, void *ctx);
/* Removes every reaction of emoji (NULL: of every emoji) on the message; needs MANAGE_MESSAGES. */
void sd_reaction_service_clear(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, const char *emoji, sd_outcome_cb cb, void *ctx);
/* Users who reacted with emoji: after a user id (may be NULL), 1..100 of them. */
void sd_reaction_service_users(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, const char *emoji, const char *after, int limit,
                               sd_outcome_cb cb, void *ctx);
void sd_pin_service_set(sd_app_t *app, const char *user_id, const char *channel_id, const char *message_id,
                        bool pin, sd_outcome_cb cb, void *ctx);
/* The newer pins page: {items: [{pinned_at, message}], has_more}, newest pin first, pinned before before_ms
   (Unix ms; negative: from the newest), at most limit. */
void sd_pin_service_page(sd_app_t *app, const char *user_id, const char *channel_id, long long before_ms,
                         int limit, sd_outcome_cb cb, void *ctx);
void sd_pin_service_list(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                         void *ctx);

#endif
