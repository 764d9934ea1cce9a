/*
 * chunks: the gateway's answer to Request Guild Members (op 8). It reads the guild's members as the asking
 * user would over REST (services/member_service: only a member may list them), keeps those whose username,
 * global name or nickname starts with the query (case-insensitive), or those named by user_ids, and cuts them
 * into GUILD_MEMBERS_CHUNK data objects of up to 1000 members each, as Discord does.
 */
#ifndef SD_API_GATEWAY_CHUNKS_H
#define SD_API_GATEWAY_CHUNKS_H

#include <jansson.h>

#include "core/app.h"

/* The chunks (an array of GUILD_MEMBERS_CHUNK data, borrowed for the call; never empty). */
typedef void (*sd_chunks_cb)(json_t *chunks, void *ctx);

/*
 * Starts answering the op 8 data d (borrowed) for user_id; cb follows once. Returns 0, or the gateway close
 * code for d when it is malformed (4002), in which case cb is not called.
 */
int sd_chunks_request(sd_app_t *app, const char *user_id, const json_t *d, sd_chunks_cb cb, void *ctx);

#endif
