#include "services/unfurl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_fetch.h"
#include "core/log.h"
#include "repositories/message_repo.h"
#include "schemas/message_schema.h"
#include "services/gjob.h"
#include "services/message_answer.h"
#include "services/message_service.h"
#include "services/unfurl_page.h"

typedef struct unfurl unfurl_t;

typedef struct {
    unfurl_t *u;
    size_t index;
} slot_t;

/* One message's previews: its links fetched at once, each answer into its slot. */
struct unfurl {
    sd_app_t *app;
    char channel_id[24], message_id[24], author_id[24];
    json_t *content; /* the content the links are from */
    json_t *links;
    json_t *embeds; /* one per link, null until it is in (or when it gives nothing) */
    slot_t slots[SD_UNFURL_LINKS_MAX];
    int pending;
    bool cancelled;
};

static void unfurl_free(unfurl_t *u)
{
    json_decref(u->content);
    json_decref(u->links);
    json_decref(u->embeds);
    free(u);
}

/* ---- storing them: a job as the author, so that what the author may no longer see gets nothing ---- */

static void on_stored(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) { /* the content changed meanwhile (its own previews are coming), or the message is gone */
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    j->event = "MESSAGE_UPDATE"; /* the whole message, as Discord sends it after an unfurl */
    sd_message_answer(j, json_pack("[O]", message), true);
}

static void on_target(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    const json_t *content = json_object_get(j->input, "content");
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
        return;
    }
    if ((json_integer_value(json_object_get(message, "flags")) & SD_MESSAGE_SUPPRESS_EMBEDS) ||
        !json_equal(json_object_get(message, "content"), content)) {
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    sd_gjob_started(j, sd_message_repo_set_previews(j->app->db, j->channel_id, j->target,
                                                    json_incref(json_object_get(j->input, "link_embeds")),
                                                    json_string_value(content), on_stored, j));
}

static void store_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, j->target, on_target, j));
}

static void on_done(const sd_outcome_t *o, void *ctx)
{
    (void)ctx;
    if (o->fault.err && o->fault.err != SD_ERR_CONFLICT && o->fault.err != SD_ERR_NOT_FOUND)
        sd_log(SD_LOG_WARN, "link previews not stored",
               json_pack("{s:s}", "error", sd_err_name(o->fault.err)));
}

static void finish(unfurl_t *u)
{
    json_t *found = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(u->embeds, i, e) if (json_is_object(e)) json_array_append(found, e);
    if (u->cancelled || !json_array_size(found) || !u->app->db) {
        json_decref(found);
        unfurl_free(u);
        return;
    }
    json_t *input = json_pack("{s:o, s:O}", "link_embeds", found, "content", u->content);
    sd_gjob_run(u->app, u->author_id, input, u->message_id, NULL, u->channel_id, store_step, on_done, NULL);
    unfurl_free(u);
}

static void on_fetched(const sd_fetch_result_t *r, void *ctx)
{
    slot_t *s = ctx;
    unfurl_t *u = s->u;
    if (r->err == SD_ERR_CANCELLED) u->cancelled = true;
    if (!r->err && r->status >= 200 && r->status < 300) {
        /* The embed names the link as it was posted; what it shows is from where the redirects led. */
        const char *link = json_string_value(json_array_get(u->links, s->index));
        json_t *e = sd_unfurl_page(link, r->content_type, r->body, r->len);
        if (e) json_array_set_new(u->embeds, s->index, e);
    }
    if (--u->pending == 0) finish(u);
}

void sd_unfurl_message(sd_app_t *app, const json_t *message)
{
    const char *content = json_string_value(json_object_get(message, "content"));
    const char *ids[3] = {json_string_value(json_object_get(message, "channel_id")),
                          json_string_value(json_object_get(message, "id")),
                          json_string_value(json_object_get(message, "author_id"))};
    if (!app->cfg->link_previews || !app->fetch || !content || !ids[0] || !ids[1] || !ids[2] ||
        (json_integer_value(json_object_get(message, "flags")) & SD_MESSAGE_SUPPRESS_EMBEDS))
        return;
    json_t *links = sd_unfurl_links(content, SD_UNFURL_LINKS_MAX);
    unfurl_t *u = json_array_size(links) ? calloc(1, sizeof *u) : NULL;
    if (!u) {
        json_decref(links);
        return;
    }
    u->app = app;
    snprintf(u->channel_id, sizeof u->channel_id, "%s", ids[0]);
    snprintf(u->message_id, sizeof u->message_id, "%s", ids[1]);
    snprintf(u->author_id, sizeof u->author_id, "%s", ids[2]);
    u->content = json_string(content);
    u->links = links;
    u->embeds = json_array();
    size_t i;
    json_t *link;
    json_array_foreach(links, i, link) json_array_append_new(u->embeds, json_null());
    u->pending = 1; /* held while the fetches start */
    json_array_foreach(links, i, link)
    {
        u->slots[i] = (slot_t){u, i};
        if (sd_fetch_get(app->fetch, json_string_value(link), on_fetched, &u->slots[i]) == SD_OK)
            u->pending++;
    }
    if (--u->pending == 0) finish(u);
}

sd_fetch_t *sd_unfurl_fetcher_new(uv_loop_t *loop, const sd_config_t *cfg)
{
    if (!cfg->link_previews) return NULL;
    sd_fetch_options_t o = {.max_bytes = cfg->link_preview_max_bytes,
                            .timeout_ms = cfg->link_preview_timeout_ms,
                            .max_redirects = SD_UNFURL_REDIRECTS_MAX,
                            .max_in_flight = SD_UNFURL_FETCHES_AT_ONCE,
                            .max_queued = SD_UNFURL_FETCHES_QUEUED,
                            .allow_private = cfg->link_preview_allow_private != 0,
                            .user_agent = "Mozilla/5.0 (compatible; SimpleDiscordBot/1.0; link previews)"};
    return sd_fetch_new(loop, &o);
}
