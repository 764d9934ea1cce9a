#include "services/reaction_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/message_repo.h"
#include "schemas/guild_schema.h"
#include "schemas/message_schema.h"
#include "services/gjob.h"
#include "services/message_answer.h"
#include "services/message_service.h"
#include "services/permissions.h"
#include "services/reaction_emoji.h"
#include "services/snowflake.h"
#include "services/user_service.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
}

/* input: {"message_id", "emoji", "remove", "after", "limit"} */
static const char *in(const sd_gjob_t *j, const char *k)
{
    return json_string_value(json_object_get(j->input, k));
}

static bool message_ok(sd_gjob_t *j)
{
    if (sd_snowflake_parse(in(j, "message_id"))) return true;
    sd_gjob_unknown(j, SD_ENTITY_MESSAGE);
    return false;
}

/* ---- add / remove ---- */

static void on_set(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) /* already so: nothing to do; else the message went away */
        err = sd_reaction_repo_set_conflict(res) == SD_CONFLICT_ALREADY_DONE ? SD_OK : SD_ERR_NOT_FOUND;
    bool remove = json_is_true(json_object_get(j->input, "remove"));
    j->event = remove ? "MESSAGE_REACTION_REMOVE" : "MESSAGE_REACTION_ADD";
    j->event_data = sd_reaction_event_json(!remove, j->target, j->channel_id, in(j, "message_id"),
                                           in(j, "emoji"), json_string_value(j->found));
    if (!remove) sd_gjob_actor_member_event(j); /* the reactor (the actor: only @me reacts) */
    sd_gjob_done(j, err, SD_ENTITY_MESSAGE);
}

static void on_target_message(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    bool remove = json_is_true(json_object_get(j->input, "remove"));
    const char *emoji = in(j, "emoji");
    json_decref(j->found); /* the author, for the event */
    j->found = json_incref(json_object_get(message, "author_id"));
    if (!sd_reaction_emoji_on_message(
            j, message)) { /* gone from the guild and not on the message: nothing to remove */
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    emoji = in(j, "emoji");
    if (!remove && json_integer_value(json_object_get(json_object_get(message, "reactions"), emoji)) <= 0 &&
        !sd_gjob_require(j, SD_PERM_ADD_REACTIONS))
        return;
    sd_gjob_started(j, sd_reaction_repo_set(j->app->db, j->channel_id, in(j, "message_id"), emoji, j->target,
                                            remove, on_set, j));
}

static void set_resolved(sd_gjob_t *j)
{
    sd_gjob_started(
        j, sd_message_repo_get(j->app->db, j->channel_id, in(j, "message_id"), on_target_message, j));
}

static void set_step(sd_gjob_t *j)
{
    if (!message_ok(j) || !sd_gjob_require(j, SD_PERM_READ_MESSAGE_HISTORY)) return;
    if (strcmp(j->target, j->user_id) != 0 && !sd_gjob_require(j, SD_PERM_MANAGE_MESSAGES)) return;
    sd_reaction_emoji_resolve(j, set_resolved);
}

void sd_reaction_service_set(sd_app_t *app, const char *user_id, const char *channel_id,
                             const char *message_id, const char *emoji, const char *target, bool remove,
                             sd_outcome_cb cb, void *ctx)
{
    json_t *input = json_pack("{s:s, s:s, s:b, s:b, s:b}", "message_id", message_id, "emoji", emoji, "remove",
                              remove, "lenient", remove, "add", !remove);
    sd_gjob_run(app, user_id, input, target, NULL, channel_id, set_step, cb, ctx);
}

/* ---- clearing: every reaction of one emoji, or of every emoji (MANAGE_MESSAGES) ---- */

/* One page of reactions at a time, each removed by itself so that the message's counts stay true. */
static void clear_page(sd_gjob_t *j);

static void clear_next(sd_gjob_t *j);

static void on_cleared_one(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) /* removed meanwhile: fine; else the message went away */
        err = sd_reaction_repo_set_conflict(res) == SD_CONFLICT_ALREADY_DONE ? SD_OK : SD_ERR_NOT_FOUND;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->counter++;
    clear_next(j);
}

static void clear_next(sd_gjob_t *j)
{
    json_t *row = json_array_get(j->found, (size_t)j->counter);
    if (!row) {
        clear_page(j);
        return;
    }
    const char *emoji = json_string_value(json_object_get(row, "emoji"));
    const char *user = json_string_value(json_object_get(row, "user_id"));
    if (!emoji || !user) { /* a row not of ours: stop rather than meet it again on the next page */
        fail_store(j, SD_ERR_INTERNAL);
        return;
    }
    sd_gjob_started(j, sd_reaction_repo_set(j->app->db, j->channel_id, in(j, "message_id"), emoji, user, true,
                                            on_cleared_one, j));
}

static void on_clear_page(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    if (json_array_size(rows) == 0) { /* all gone */
        const char *emoji = in(j, "emoji");
        j->event = emoji ? "MESSAGE_REACTION_REMOVE_EMOJI" : "MESSAGE_REACTION_REMOVE_ALL";
        j->event_data =
            json_pack("{s:s, s:s}", "channel_id", j->channel_id, "message_id", in(j, "message_id"));
        if (emoji && j->event_data) json_object_set_new(j->event_data, "emoji", sd_emoji_json(emoji));
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    json_decref(j->found);
    j->found = json_incref(rows);
    j->counter = 0;
    clear_next(j);
}

static void clear_page(sd_gjob_t *j)
{
    const char *emoji = in(j, "emoji");
    const char *message_id = in(j, "message_id");
    sd_err_t err = emoji ? sd_reaction_repo_users(j->app->db, message_id, emoji, NULL, 50, on_clear_page, j)
                         : sd_reaction_repo_any(j->app->db, message_id, 50, on_clear_page, j);
    sd_gjob_started(j, err);
}

static void on_clear_target(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    if (!sd_reaction_emoji_on_message(
            j, message)) { /* gone from the guild and from the message: nothing to clear */
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    clear_page(j);
}

static void clear_resolved(sd_gjob_t *j)
{
    sd_gjob_started(j,
                    sd_message_repo_get(j->app->db, j->channel_id, in(j, "message_id"), on_clear_target, j));
}

static void clear_step(sd_gjob_t *j)
{
    if (!message_ok(j) || !sd_gjob_require(j, SD_PERM_READ_MESSAGE_HISTORY | SD_PERM_MANAGE_MESSAGES)) return;
    sd_reaction_emoji_resolve(j, clear_resolved);
}

void sd_reaction_service_clear(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, const char *emoji, sd_outcome_cb cb, void *ctx)
{
    json_t *input = json_pack("{s:s, s:b}", "message_id", message_id, "lenient", 1);
    if (input && emoji) json_object_set_new(input, "emoji", json_string(emoji));
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, clear_step, cb, ctx);
}

/* ---- who reacted ---- */

static void on_users(sd_err_t err, json_t *by_id, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(j->found, i, r)
    {
        json_t *u = json_object_get(by_id, json_string_value(json_object_get(r, "user_id")));
        if (u) json_array_append(out, u);
    }
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

static void on_reactions(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(rows);
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(ids, json_object_get(r, "user_id"));
    sd_gjob_started(j, sd_user_service_public_many(j->app, ids, on_users, j));
}

static void users_resolved(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_reaction_repo_users(j->app->db, in(j, "message_id"), in(j, "emoji"), in(j, "after"),
                                              (size_t)json_integer_value(json_object_get(j->input, "limit")),
                                              on_reactions, j));
}

static void users_step(sd_gjob_t *j)
{
    if (!message_ok(j) || !sd_gjob_require(j, SD_PERM_READ_MESSAGE_HISTORY)) return;
    sd_reaction_emoji_resolve(j, users_resolved);
}

void sd_reaction_service_users(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, const char *emoji, const char *after, int limit,
                               sd_outcome_cb cb, void *ctx)
{
    json_t *input = json_pack("{s:s, s:s, s:i}", "message_id", message_id, "emoji", emoji, "limit", limit);
    if (after) json_object_set_new(input, "after", json_string(after));
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, users_step, cb, ctx);
}

/* ---- pins ---- */

static void on_pinned(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) {
        sd_conflict_t why = sd_pin_repo_set_conflict(res);
        if (why == SD_CONFLICT_LIMIT) {
            sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_MAX_PINS);
            return;
        }
        err = why == SD_CONFLICT_ALREADY_DONE ? SD_OK : SD_ERR_NOT_FOUND; /* already (un)pinned, or gone */
    }
    j->event = "CHANNEL_PINS_UPDATE";
    j->event_data = json_pack("{s:s}", "channel_id", j->channel_id);
    if (j->event_data && !json_is_true(json_object_get(j->input, "remove"))) {
        /* The newest pin is this one; after an unpin the newest left is unknown here, and the field optional.
         */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        char when[SD_ISO_TIME_SIZE];
        sd_iso_time((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, when);
        json_object_set_new(j->event_data, "last_pin_timestamp", json_string(when));
    }
    sd_gjob_done(j, err, SD_ENTITY_MESSAGE);
}

static void on_pin_target(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    bool pin = !json_is_true(json_object_get(j->input, "remove"));
    if (json_is_true(json_object_get(message, "pinned")) == pin) { /* already so */
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    char now[SD_ISO_TIME_SIZE];
    sd_iso_time(now_ms(), now);
    sd_gjob_started(
        j, sd_pin_repo_set(j->app->db, j->channel_id, in(j, "message_id"), pin ? now : NULL, on_pinned, j));
}

static void pin_step(sd_gjob_t *j)
{
    if (!message_ok(j) || !sd_gjob_require(j, SD_PERM_MANAGE_MESSAGES)) return;
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, in(j, "message_id"), on_pin_target, j));
}

void sd_pin_service_set(sd_app_t *app, const char *user_id, const char *channel_id, const char *message_id,
                        bool pin, sd_outcome_cb cb, void *ctx)
{
    json_t *input = json_pack("{s:s, s:b}", "message_id", message_id, "remove", !pin);
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, pin_step, cb, ctx);
}

static void on_pinned_messages(sd_err_t err, json_t *messages, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    /* Newest first, as the pin rows came. */
    json_t *by_id = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m) json_object_set(by_id, json_string_value(json_object_get(m, "id")), m);
    json_t *ordered = json_array();
    json_t *row;
    json_array_foreach(j->found, i, row)
    {
        json_t *msg = json_object_get(by_id, json_string_value(json_object_get(row, "message_id")));
        if (msg) json_array_append(ordered, msg);
    }
    json_decref(by_id);
    sd_message_answer(j, ordered, false);
}

/* The channel's pin rows have come: kept in j->found, their messages are read next, for then. */
static void read_pinned(sd_gjob_t *j, sd_err_t err, json_t *rows, sd_repo_cb then)
{
    if (err) {
        fail_store(j, err);
        return;
    }
    j->found = json_incref(rows);
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(ids, json_object_get(r, "message_id"));
    sd_gjob_started(j, sd_message_repo_get_many(j->app->db, j->channel_id, ids, then, j));
}

static void on_pins(sd_err_t err, json_t *rows, void *ctx)
{
    read_pinned(ctx, err, rows, on_pinned_messages);
}

static void pins_step(sd_gjob_t *j)
{
    if (!(j->perms & SD_PERM_READ_MESSAGE_HISTORY)) {
        sd_gjob_ok(j, SD_OUTCOME_OK, json_array());
        return;
    }
    sd_gjob_started(j, sd_pin_repo_list(j->app->db, j->channel_id, on_pins, j));
}

void sd_pin_service_list(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                         void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, NULL, channel_id, pins_step, cb, ctx);
}

/* ---- the pins page: {items: [{pinned_at, message}], has_more}, newest pin first ---- */

typedef struct {
    sd_outcome_cb cb;
    void *ctx;
    json_t *rows; /* the page's pin rows, in order, with their pinned_at */
    bool has_more;
} page_t;

/* The job's answer (the pinned messages) turned into the page. */
static void on_page_answer(const sd_outcome_t *o, void *ctx)
{
    page_t *p = ctx;
    if (o->fault.err || !json_is_array(o->body)) {
        p->cb(o, p->ctx);
    } else {
        json_t *by_id = json_object(), *items = json_array();
        size_t i;
        json_t *m, *row;
        json_array_foreach(o->body, i, m)
            json_object_set(by_id, json_string_value(json_object_get(m, "id")), m);
        json_array_foreach(p->rows, i, row)
        {
            json_t *msg = json_object_get(by_id, json_string_value(json_object_get(row, "message_id")));
            if (msg)
                json_array_append_new(items, json_pack("{s:O, s:O}", "pinned_at",
                                                       json_object_get(row, "pinned_at"), "message", msg));
        }
        json_t *body = json_pack("{s:o, s:b}", "items", items, "has_more", p->has_more);
        sd_outcome_t page = {.kind = SD_OUTCOME_OK, .body = body};
        if (!body) page = (sd_outcome_t){.fault = {.err = SD_ERR_NOMEM}};
        p->cb(&page, p->ctx);
        json_decref(body);
        json_decref(by_id);
    }
    json_decref(p->rows);
    free(p);
}

static int by_pinned_at_desc(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "pinned_at"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "pinned_at"));
    return strcmp(y ? y : "", x ? x : "");
}

/* Every pin of the channel (at most 50) with its messages; the page is cut from them by pinned_at. */
static void on_page_messages(sd_err_t err, json_t *messages, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    page_t *p = j->cb_ctx;
    json_t *by_id = json_object();
    size_t i, n = 0;
    json_t *m, *row;
    json_array_foreach(messages, i, m) json_object_set(by_id, json_string_value(json_object_get(m, "id")), m);
    json_t **rows = calloc(json_array_size(j->found) + 1, sizeof *rows);
    if (!rows) {
        json_decref(by_id);
        fail_store(j, SD_ERR_NOMEM);
        return;
    }
    json_array_foreach(j->found, i, row)
    {
        json_t *msg = json_object_get(by_id, json_string_value(json_object_get(row, "message_id")));
        if (!msg) continue;
        json_t *at = json_object_get(row, "pinned_at"); /* pins older than pinned_at: the message's time */
        rows[n++] = json_pack("{s:O, s:O}", "message_id", json_object_get(msg, "id"), "pinned_at",
                              at ? at : json_object_get(msg, "timestamp"));
    }
    qsort(rows, n, sizeof *rows, by_pinned_at_desc);
    const char *before = in(j, "before");
    long limit = (long)json_integer_value(json_object_get(j->input, "limit"));
    json_t *ids = json_array();
    for (size_t k = 0; k < n; k++) {
        const char *at = json_string_value(json_object_get(rows[k], "pinned_at"));
        if (!before || (at && strcmp(at, before) < 0)) {
            if ((long)json_array_size(p->rows) == limit)
                p->has_more = true;
            else {
                json_array_append(p->rows, rows[k]);
                json_array_append(ids, json_object_get(rows[k], "message_id"));
            }
        }
        json_decref(rows[k]);
    }
    free(rows);
    json_t *page = json_array();
    json_array_foreach(ids, i, m) json_array_append(page, json_object_get(by_id, json_string_value(m)));
    json_decref(ids);
    json_decref(by_id);
    sd_message_answer(j, page, false);
}

static void on_page_pins(sd_err_t err, json_t *rows, void *ctx)
{
    read_pinned(ctx, err, rows, on_page_messages);
}

static void page_step(sd_gjob_t *j)
{
    /* Discord answers a reader without history an empty page, as the old list does. */
    if (!(j->perms & SD_PERM_READ_MESSAGE_HISTORY)) {
        sd_gjob_ok(j, SD_OUTCOME_OK, json_array());
        return;
    }
    sd_gjob_started(j, sd_pin_repo_list(j->app->db, j->channel_id, on_page_pins, j));
}

void sd_pin_service_page(sd_app_t *app, const char *user_id, const char *channel_id, long long before_ms,
                         int limit, sd_outcome_cb cb, void *ctx)
{
    page_t *p = calloc(1, sizeof *p);
    json_t *input = json_pack("{s:i}", "limit", limit);
    if (p) p->rows = json_array();
    if (!p || !p->rows || !input) {
        if (p) json_decref(p->rows);
        free(p);
        json_decref(input);
        cb(&(sd_outcome_t){.fault = {.err = SD_ERR_NOMEM}}, ctx);
        return;
    }
    if (before_ms >= 0) {
        char before[SD_ISO_TIME_SIZE];
        sd_iso_time(before_ms, before);
        json_object_set_new(input, "before", json_string(before));
    }
    p->cb = cb;
    p->ctx = ctx;
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, page_step, on_page_answer, p);
}
