#include "api/gateway/presence.h"

#include <string.h>
#include <time.h>

#include "api/gateway/delivery.h"
#include "services/events.h"
#include "services/gateway_service.h"

void sd_gw_presence_session_up(sd_gw_session_t *s)
{
    json_object_set_new(s->gw->online, s->user_id,
                        json_integer(json_integer_value(json_object_get(s->gw->online, s->user_id)) + 1));
}

void sd_gw_presence_session_down(sd_gw_session_t *s)
{
    json_int_t left = json_integer_value(json_object_get(s->gw->online, s->user_id)) - 1;
    if (left > 0) {
        json_object_set_new(s->gw->online, s->user_id, json_integer(left));
    } else { /* the user's last session here */
        json_object_del(s->gw->online, s->user_id);
        sd_gw_presence(s, "offline");
    }
}

/* v when it is a string of at most max bytes. */
static bool short_string(const json_t *v, size_t max)
{
    return json_is_string(v) && json_string_length(v) <= max;
}

/* One activity as Discord shows it, or NULL when a is not a well-formed one. */
static json_t *activity(const json_t *a, long long now_ms)
{
    const json_t *name = json_object_get(a, "name"), *type = json_object_get(a, "type");
    if (!short_string(name, 128) || !json_is_integer(type) || json_integer_value(type) < 0 ||
        json_integer_value(type) > 6)
        return NULL;
    json_t *out = json_pack("{s:O, s:O, s:I}", "name", name, "type", type, "created_at", (json_int_t)now_ms);
    static const char *const texts[] = {"url", "state", "details"};
    for (size_t i = 0; out && i < sizeof texts / sizeof *texts; i++) {
        const json_t *v = json_object_get(a, texts[i]);
        if (short_string(v, 512)) json_object_set(out, texts[i], (json_t *)v);
    }
    const json_t *ts = json_object_get(a, "timestamps");
    json_t *kept = json_object();
    static const char *const ends[] = {"start", "end"};
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_object_get(ts, ends[i]);
        if (json_is_integer(v) && json_integer_value(v) >= 0) json_object_set(kept, ends[i], (json_t *)v);
    }
    if (out && json_object_size(kept))
        json_object_set_new(out, "timestamps", kept);
    else
        json_decref(kept);
    return out;
}

void sd_gw_presence_activities(sd_gw_session_t *s, const json_t *activities)
{
    json_t *kept = json_array();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    size_t i;
    json_t *a;
    json_array_foreach(activities, i, a)
    {
        if (json_array_size(kept) >= SD_GW_MAX_ACTIVITIES) break;
        json_t *one = activity(a, now);
        if (one) json_array_append_new(kept, one);
    }
    json_decref(s->activities);
    s->activities = kept;
}

void sd_gw_presence_in(sd_gw_session_t *s, const char *guild_id, const char *status)
{
    bool hidden = !strcmp(status, "invisible") || !strcmp(status, "offline");
    const char *shown = !strcmp(status, "invisible") ? "offline" : status;
    json_t *activities = !hidden && s->activities ? json_deep_copy(s->activities) : json_array();
    sd_events_publish(s->gw->app, "PRESENCE_UPDATE", guild_id, NULL, NULL, 0,
                      json_pack("{s:{s:s}, s:s, s:s, s:o, s:{s:s}}", "user", "id", s->user_id, "guild_id",
                                guild_id, "status", shown, "activities", activities, "client_status", "web",
                                shown));
}

void sd_gw_presence(sd_gw_session_t *s, const char *status)
{
    const char *gid;
    json_t *v;
    json_object_foreach(s->guilds, gid, v) sd_gw_presence_in(s, gid, status);
}

void sd_gw_presence_heard(sd_gateway_t *gw, const json_t *d)
{
    const char *who = json_string_value(json_object_get(json_object_get(d, "user"), "id"));
    const char *status = json_string_value(json_object_get(d, "status"));
    const json_t *activities = json_object_get(d, "activities");
    if (who && status && strcmp(status, "offline"))
        json_object_set_new(gw->presences, who,
                            json_pack("{s:s, s:O}", "status", status, "activities",
                                      json_is_array(activities) ? (json_t *)activities : json_array()));
    else if (who)
        json_object_del(gw->presences, who);
}

void sd_gw_presence_chunk(const sd_gw_session_t *s, json_t *chunk)
{
    json_t *out = json_object_get(chunk, "presences");
    if (!json_is_array(out) || !(s->intents & SD_GW_I_GUILD_PRESENCES)) return;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(chunk, "members"), i, m)
    {
        json_t *id = json_object_get(json_object_get(m, "user"), "id");
        json_t *p = sd_gateway_service_presence(json_string_value(id),
                                                json_object_get(s->gw->presences, json_string_value(id)));
        if (p) json_array_append_new(out, p);
    }
}
