/*
 * ban_purge: what a ban's delete_message_seconds asks for: the messages the banned user wrote in the guild's
 * text channels during those last seconds are deleted, after the ban is in (as Discord does, the ban's answer
 * does not wait for it). Each channel's deletions are announced as one MESSAGE_DELETE_BULK. The work is
 * bounded: at most SD_BAN_PURGE_MAX_PAGES pages of 100 messages are read per channel.
 */
#ifndef SD_SERVICES_BAN_PURGE_H
#define SD_SERVICES_BAN_PURGE_H

#include "core/app.h"

#define SD_BAN_PURGE_MAX_PAGES 20

/* Starts the purge of target's messages in guild_id of the last secs seconds (1..604800); runs on its own. */
void sd_ban_purge_start(sd_app_t *app, const char *guild_id, const char *target, long long secs);

#endif
