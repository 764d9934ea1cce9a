#include "services/moderation.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/ratelimit.h"
#include "services/permissions.h"

typedef struct {
    sd_gjob_t *j;
    sd_gjob_step next;
} slowmode_t;

static void on_counted(const sd_rl_state_t *st, int n, void *ctx)
{
    slowmode_t *s = ctx;
    sd_gjob_t *j = s->j;
    sd_gjob_step next = s->next;
    free(s);
    if (n < 1 || !st[0].limited) {
        next(j);
        return;
    }
    sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_THROTTLED,
                                  .reason = SD_REASON_SLOWMODE,
                                  .retry_after_ms = st[0].reset_after_ms});
}

void sd_moderation_slowmode(sd_gjob_t *j, sd_gjob_step next)
{
    json_int_t seconds = json_integer_value(json_object_get(j->channel, "rate_limit_per_user"));
    bool exempt = j->perms & (SD_PERM_MANAGE_MESSAGES | SD_PERM_MANAGE_CHANNELS);
    if (!j->guild_id[0] || seconds <= 0 || exempt) {
        next(j);
        return;
    }
    if (seconds > SD_SLOWMODE_MAX_SECONDS) seconds = SD_SLOWMODE_MAX_SECONDS;
    slowmode_t *s = malloc(sizeof *s);
    if (!s) {
        sd_gjob_fail(j, &(sd_fault_t){.err = SD_ERR_NOMEM});
        return;
    }
    *s = (slowmode_t){j, next};
    char key[96];
    snprintf(key, sizeof key, "rl:slowmode:%s:%s", j->channel_id, j->user_id);
    /* One message per window; the window starts with the message that opens it, as Discord's does. */
    sd_rl_rule_t rule = {key, {1, (long)seconds * 1000}};
    sd_ratelimit_hit(j->app->limits, &rule, 1, on_counted, s);
}

bool sd_moderation_timeout_allowed(sd_gjob_t *j, const json_t *target)
{
    if (!sd_gjob_require(j, SD_PERM_MODERATE_MEMBERS)) return false;
    /* The owner and administrators cannot be timed out; nor anyone at or above the actor. */
    uint64_t theirs = sd_permissions_base(j->guild, target);
    if ((theirs & SD_PERM_ADMINISTRATOR) || !sd_permissions_can_manage_member(j->guild, j->member, target)) {
        sd_gjob_forbidden(j);
        return false;
    }
    return true;
}
