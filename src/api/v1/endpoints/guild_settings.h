/* user guild settings endpoints: PATCH /users/@me/guilds/{guild_id}/settings ("@me" as the id: the DMs'). */
#ifndef SD_API_V1_ENDPOINTS_GUILD_SETTINGS_H
#define SD_API_V1_ENDPOINTS_GUILD_SETTINGS_H

#include "core/router.h"

sd_err_t sd_guild_settings_endpoints_register(sd_router_t *r, const char *prefix);

#endif
