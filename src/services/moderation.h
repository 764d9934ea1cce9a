/*
 * moderation: the rules that hold back members who may otherwise act: a channel's slowmode
 * (rate_limit_per_user, in seconds: one message per member per window, members who may MANAGE_MESSAGES or
 * MANAGE_CHANNELS in the channel excepted) and member timeouts (communication_disabled_until: setting it
 * needs MODERATE_MEMBERS and a target below the actor, never the owner nor an administrator; while it runs
 * services/permissions leaves the member only VIEW_CHANNEL and READ_MESSAGE_HISTORY).
 *
 * Slowmode counts through core/ratelimit (a rule keyed by channel and user), so that it holds across server
 * processes sharing Redis; a message refused is a fault SD_ERR_THROTTLED / SD_REASON_SLOWMODE carrying the
 * wait in retry_after_ms.
 */
#ifndef SD_SERVICES_MODERATION_H
#define SD_SERVICES_MODERATION_H

#include <stdbool.h>

#include <jansson.h>

#include "services/gjob.h"

/* Longest slowmode (Discord's: six hours; schemas/guild_schema refuses more). */
#define SD_SLOWMODE_MAX_SECONDS 21600

/* Runs next(j) unless the actor sent a message in j->channel within its slowmode (then answers the fault). */
void sd_moderation_slowmode(sd_gjob_t *j, sd_gjob_step next);
/* True when j's actor may set (or clear) target's timeout; otherwise answers forbidden and returns false. */
bool sd_moderation_timeout_allowed(sd_gjob_t *j, const json_t *target);

#endif
