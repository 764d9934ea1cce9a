/*
 * presence: who is online, as the gateway tells it. It counts each user's identified sessions in this process
 * (a user goes offline when the last one ends), publishes a session's status to the members of each of its
 * guilds (PRESENCE_UPDATE through services/events, with the session's activities; "invisible" is shown as
 * "offline", without activities), and remembers the status and activities of every PRESENCE_UPDATE heard
 * from any process, for the presences of later GUILD_CREATEs and member chunks. Internal
 * to api/gateway.
 */
#ifndef SD_API_GATEWAY_PRESENCE_H
#define SD_API_GATEWAY_PRESENCE_H

#include <jansson.h>

#include "api/gateway/session.h"

/* s has just been identified: one more session of its user here. */
void sd_gw_presence_session_up(sd_gw_session_t *s);
/* s, identified, is ending: its user goes offline when it was their last session here. */
void sd_gw_presence_session_down(sd_gw_session_t *s);
/* The session's activities from an IDENTIFY's presence or a PRESENCE_UPDATE command (borrowed, may be NULL:
   none): at most SD_GW_MAX_ACTIVITIES well-formed ones are kept (name, type, and url, state, details,
   timestamps when given); others are dropped. */
#define SD_GW_MAX_ACTIVITIES 5
void sd_gw_presence_activities(sd_gw_session_t *s, const json_t *activities);
/* The user's status to the members of each guild of the session. */
void sd_gw_presence(sd_gw_session_t *s, const char *status);
/* The user's status to the members of one guild. */
void sd_gw_presence_in(sd_gw_session_t *s, const char *guild_id, const char *status);
/* A GUILD_MEMBERS_CHUNK (borrowed) that asked for presences (it holds "presences": []) gets those of its
   members online, when s has the GUILD_PRESENCES intent. */
void sd_gw_presence_chunk(const sd_gw_session_t *s, json_t *chunk);
/* A PRESENCE_UPDATE's data (borrowed) was heard: its status is remembered. */
void sd_gw_presence_heard(sd_gateway_t *gw, const json_t *d);

#endif
