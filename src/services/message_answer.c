/* A job answered with stored messages (services/message_answer.h). */
#include "services/message_answer.h"

#include <string.h>
#include <time.h>

#include "repositories/message_repo.h"
#include "schemas/attachment_schema.h"
#include "schemas/embed_schema.h"
#include "schemas/guild_objects.h"
#include "schemas/message_schema.h"
#include "services/user_service.h"

/* A message's files (and its referenced message's) with their links signed anew. */
static void show_attachments(sd_app_t *app, json_t *shown, const json_t *m, const json_t *ref)
{
    time_t now = time(NULL);
    if (!shown) return;
    json_object_set_new(shown, "attachments", sd_attachments_json(app->cfg, m, now));
    json_t *referenced = json_object_get(shown, "referenced_message");
    if (ref && json_is_object(referenced))
        json_object_set_new(referenced, "attachments", sd_attachments_json(app->cfg, ref, now));
}

/* attachment:// in a shown message's embeds (and in its referenced message's) resolved to its attachments as
   shown: call it once those are in, their links signed. */
static void show_embeds(json_t *shown)
{
    if (!shown) return;
    sd_embeds_render(json_object_get(shown, "embeds"), json_object_get(shown, "attachments"));
    json_t *referenced = json_object_get(shown, "referenced_message");
    if (json_is_object(referenced))
        sd_embeds_render(json_object_get(referenced, "embeds"), json_object_get(referenced, "attachments"));
}

/* j->found = {"messages": [...], "referenced": {id: message}, "one": bool} */
static void on_users(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    json_t *refs = json_object_get(j->found, "referenced");
    json_t *out = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j->found, "messages"), i, m)
    {
        const char *rid =
            json_string_value(json_object_get(json_object_get(m, "message_reference"), "message_id"));
        json_t *ref = rid ? json_object_get(refs, rid) : NULL;
        json_t *shown = sd_message_json(m, by_id, ref);
        show_attachments(j->app, shown, m, ref);
        show_embeds(shown);
        json_array_append_new(out, shown);
    }
    if (json_is_true(json_object_get(j->found, "one"))) {
        json_t *first = json_incref(json_array_get(out, 0));
        json_decref(out);
        /* MESSAGE_CREATE/UPDATE: with the author's member, when the author is who acted (a moderator who
           suppresses embeds is not the author) */
        const char *author = json_string_value(json_object_get(json_object_get(first, "author"), "id"));
        if (j->event && j->guild_id[0] && j->member && author && !strcmp(author, j->user_id))
            j->event_data =
                sd_message_event_json(first, j->guild_id, sd_member_json(j->member, NULL, j->guild));
        sd_gjob_ok(j, SD_OUTCOME_OK, first);
        return;
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

static void add_user(json_t *ids, const json_t *id)
{
    if (json_is_string(id)) json_object_set_new(ids, json_string_value(id), json_true());
}

static void on_referenced(sd_err_t err, json_t *messages, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    json_t *refs = json_object_get(j->found, "referenced");
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m) json_object_set(refs, json_string_value(json_object_get(m, "id")), m);
    json_t *ids = json_object();
    json_t *all[2] = {json_object_get(j->found, "messages"), messages};
    for (int k = 0; k < 2; k++) {
        json_array_foreach(all[k], i, m)
        {
            add_user(ids, json_object_get(m, "author_id"));
            size_t x;
            json_t *u;
            json_array_foreach(json_object_get(m, "mentions"), x, u) add_user(ids, u);
        }
    }
    json_t *list = json_array();
    const char *id;
    json_t *v;
    json_object_foreach(ids, id, v) json_array_append_new(list, json_string(id));
    json_decref(ids);
    sd_gjob_started(j, sd_user_service_public_many(j->app, list, on_users, j));
}

static void load_referenced(sd_gjob_t *j)
{
    json_t *ids = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j->found, "messages"), i, m)
    {
        json_t *rid = json_object_get(json_object_get(m, "message_reference"), "message_id");
        if (rid) json_array_append(ids, rid);
    }
    sd_gjob_started(j, sd_message_repo_get_many(j->app->db, j->channel_id, ids, on_referenced, j));
}

static void on_mine(sd_err_t err, json_t *found, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    json_t *by_id = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j->found, "messages"), i, m)
        json_object_set(by_id, json_string_value(json_object_get(m, "id")), m);
    json_t *r;
    json_array_foreach(found, i, r)
    {
        json_t *m2 = json_object_get(by_id, json_string_value(json_object_get(r, "message_id")));
        if (!m2) continue;
        json_t *me = json_object_get(m2, "_me");
        if (!me) json_object_set_new(m2, "_me", me = json_object());
        json_object_set_new(me, json_string_value(json_object_get(r, "emoji")), json_true());
    }
    json_decref(by_id);
    load_referenced(j);
}

void sd_message_answer(sd_gjob_t *j, json_t *messages, bool one)
{
    json_decref(j->found);
    j->found = json_pack("{s:o, s:{}, s:b}", "messages", messages, "referenced", "one", one);
    /* Which of these reactions are the reader's own ("me")? */
    json_t *keys = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *emoji;
        json_t *count;
        json_object_foreach(json_object_get(m, "reactions"), emoji, count)
        {
            if (json_integer_value(count) <= 0) continue;
            char key[300];
            sd_reaction_key(emoji, j->user_id, key, sizeof key);
            json_array_append_new(
                keys, json_pack("{s:O, s:s}", "message_id", json_object_get(m, "id"), "emoji_user", key));
        }
    }
    sd_gjob_started(j, sd_reaction_repo_find(j->app->db, keys, on_mine, j));
}
