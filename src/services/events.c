#include "services/events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/broker.h"
#include "core/metrics.h"

void sd_events_publish(sd_app_t *app, const char *type, const char *guild_id, const char *channel_id,
                       json_t *users, uint64_t perms, json_t *data)
{
    json_t *env = json_pack("{s:s, s:o}", "t", type, "d", data ? data : json_null());
    if (!env || !app->broker) {
        json_decref(env);
        json_decref(users);
        return;
    }
    if (guild_id && guild_id[0]) json_object_set_new(env, "g", json_string(guild_id));
    if (channel_id && channel_id[0]) json_object_set_new(env, "c", json_string(channel_id));
    if (users) json_object_set_new(env, "u", users);
    if (perms) {
        char bits[24];
        snprintf(bits, sizeof bits, "%" PRIu64, perms);
        json_object_set_new(env, "p", json_string(bits));
    }
    char *text = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    char label[96];
    snprintf(label, sizeof label, "type=\"%s\"", type);
    sd_metrics_add(app->metrics, "sd_events_published_total", label, 1);
    if (text) sd_broker_publish(app->broker, SD_EVENTS_TOPIC, text, strlen(text));
    free(text);
}
