/*
 * channel_service: guild channels and categories, their order and permission overwrites. Members see the
 * channels they may VIEW; creating, changing, moving and deleting needs MANAGE_CHANNELS; overwrites need
 * MANAGE_ROLES. A channel's parent must be a category of the same guild; deleting a category frees its
 * children.
 */
#ifndef SD_SERVICES_CHANNEL_SERVICE_H
#define SD_SERVICES_CHANNEL_SERVICE_H

#include "core/app.h"
#include "services/outcome.h"

void sd_channel_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                             void *ctx);
/* input (stolen): validated changes of sd_channel_in_parse. */
void sd_channel_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                               sd_outcome_cb cb, void *ctx);
void sd_channel_service_get(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                            void *ctx);
void sd_channel_service_update(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                               sd_outcome_cb cb, void *ctx);
void sd_channel_service_delete(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                               void *ctx);
/* moves (stolen): [{id, position?, parent_id?}]. */
void sd_channel_service_positions(sd_app_t *app, const char *user_id, const char *guild_id, json_t *moves,
                                  sd_outcome_cb cb, void *ctx);
/* overwrite (stolen) NULL deletes. */
void sd_channel_service_overwrite(sd_app_t *app, const char *user_id, const char *channel_id,
                                  const char *target_id, json_t *overwrite, sd_outcome_cb cb, void *ctx);

#endif
