#include "services/message_history.h"

#include <string.h>

#include "repositories/message_repo.h"
#include "services/gjob.h"
#include "services/message_answer.h"
#include "services/message_service.h"
#include "services/permissions.h"
#include "services/snowflake.h"

static void reverse(json_t *list)
{
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n / 2; i++) {
        json_t *a = json_incref(json_array_get(list, i));
        json_array_set(list, i, json_array_get(list, n - 1 - i));
        json_array_set_new(list, n - 1 - i, a);
    }
}

static void on_page(sd_err_t err, json_t *messages, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    const char *mode = json_string_value(json_object_get(j->input, "mode"));
    json_t *list = json_copy(messages);
    if (!strcmp(mode, "after")) reverse(list); /* Discord answers newest first */
    if (!strcmp(mode, "around-newer")) {
        /* first half done (ids above the anchor, oldest first): now the anchor and what is older */
        reverse(list);
        json_object_set_new(j->input, "newer", list);
        json_object_set_new(j->input, "mode", json_string("around-older"));
        long limit = (long)json_integer_value(json_object_get(j->input, "limit"));
        size_t want = (size_t)limit - json_array_size(list);
        sd_gjob_started(j, sd_message_repo_page(
                               j->app->db, j->channel_id,
                               sd_snowflake_parse(json_string_value(json_object_get(j->input, "anchor"))),
                               true, true, want, on_page, j));
        return;
    }
    if (!strcmp(mode, "around-older")) {
        json_t *all = json_copy(json_object_get(j->input, "newer"));
        json_array_extend(all, list);
        json_decref(list);
        list = all;
    }
    sd_message_answer(j, list, false);
}

static void list_step(sd_gjob_t *j)
{
    if (!(j->perms & SD_PERM_READ_MESSAGE_HISTORY)) {
        sd_gjob_ok(j, SD_OUTCOME_OK, json_array());
        return;
    }
    const char *mode = json_string_value(json_object_get(j->input, "mode"));
    size_t limit = (size_t)json_integer_value(json_object_get(j->input, "limit"));
    uint64_t anchor = sd_snowflake_parse(json_string_value(json_object_get(j->input, "anchor")));
    if (!strcmp(mode, "around-newer")) limit = limit / 2;
    if (limit == 0) { /* around with limit 1: only the anchor */
        json_object_set_new(j->input, "mode", json_string("around-older"));
        json_object_set_new(j->input, "newer", json_array());
        limit = 1;
        sd_gjob_started(
            j, sd_message_repo_page(j->app->db, j->channel_id, anchor, true, true, limit, on_page, j));
        return;
    }
    bool older = !strcmp(mode, "before");
    sd_gjob_started(j,
                    sd_message_repo_page(j->app->db, j->channel_id, anchor, older, false, limit, on_page, j));
}

void sd_message_history_list(sd_app_t *app, const char *user_id, const char *channel_id, const char *before,
                             const char *after, const char *around, int limit, sd_outcome_cb cb, void *ctx)
{
    const char *mode = around ? "around-newer" : after ? "after" : "before";
    const char *anchor = around ? around : after ? after : before ? before : "0";
    json_t *input = json_pack("{s:s, s:s, s:i}", "mode", mode, "anchor", anchor, "limit", limit);
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, list_step, cb, ctx);
}
