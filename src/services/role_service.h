/*
 * role_service: guild roles and their order. Changing roles needs MANAGE_ROLES, and only roles strictly below
 * the actor's highest role (the owner is above all); no one grants permissions they do not have themselves;
 * @everyone (id = guild id) cannot be deleted, renamed or moved from the bottom.
 */
#ifndef SD_SERVICES_ROLE_SERVICE_H
#define SD_SERVICES_ROLE_SERVICE_H

#include "core/app.h"
#include "services/outcome.h"

void sd_role_service_list(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                          void *ctx);
/* One role of the guild (a member may read every role). */
void sd_role_service_get(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                         sd_outcome_cb cb, void *ctx);
/* input (stolen): validated changes of sd_role_in_parse. */
void sd_role_service_create(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                            sd_outcome_cb cb, void *ctx);
void sd_role_service_update(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                            json_t *input, sd_outcome_cb cb, void *ctx);
void sd_role_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, const char *role_id,
                            sd_outcome_cb cb, void *ctx);
/* moves (stolen): [{id, position}]. Answers with the whole new role list. */
void sd_role_service_positions(sd_app_t *app, const char *user_id, const char *guild_id, json_t *moves,
                               sd_outcome_cb cb, void *ctx);

#endif
