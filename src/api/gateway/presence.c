#include "api/gateway/presence.h"

#include <string.h>

#include "api/gateway/delivery.h"
#include "services/events.h"

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

void sd_gw_presence_in(sd_gw_session_t *s, const char *guild_id, const char *status)
{
    const char *shown = !strcmp(status, "invisible") ? "offline" : status;
    sd_events_publish(s->gw->app, "PRESENCE_UPDATE", guild_id, NULL, NULL, 0,
                      json_pack("{s:{s:s}, s:s, s:s, s:[], s:{s:s}}", "user", "id", s->user_id, "guild_id",
                                guild_id, "status", shown, "activities", "client_status", "web", shown));
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
    if (who && status && strcmp(status, "offline"))
        json_object_set_new(gw->presences, who, json_string(status));
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
        json_t *status = json_object_get(s->gw->presences, json_string_value(id));
        if (json_is_string(status))
            json_array_append_new(out, json_pack("{s:{s:O}, s:O, s:[], s:{s:O}}", "user", "id", id, "status",
                                                 status, "activities", "client_status", "web", status));
    }
}
