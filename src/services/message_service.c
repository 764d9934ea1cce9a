#include "services/message_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/attachment_repo.h"
#include "repositories/dm_repo.h"
#include "repositories/message_repo.h"
#include "schemas/guild_schema.h"
#include "schemas/message_schema.h"
#include "services/blob_gc.h"
#include "services/gjob.h"
#include "services/message_answer.h"
#include "services/message_files.h"
#include "services/moderation.h"
#include "services/permissions.h"
#include "services/snowflake.h"
#include "services/unfurl.h"

#define NONCE_TTL_SECONDS 300
#define BULK_DELETE_MAX_AGE_MS (14ULL * 24 * 3600 * 1000)

static void unknown_message(sd_gjob_t *j)
{
    sd_gjob_unknown(j, SD_ENTITY_MESSAGE);
}

static void fail_store(sd_gjob_t *j, sd_err_t err)
{
    sd_gjob_store_fail(j, err, SD_ENTITY_MESSAGE);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- send ---- */

/* Mentions of the content, kept to what may count: roles of this guild, @everyone only with the permission.
 */
static void set_mentions(sd_gjob_t *j, json_t *message)
{
    json_t *found = sd_message_mentions(json_string_value(json_object_get(message, "content")),
                                        json_object_get(j->input, "allowed_mentions"));
    json_t *roles = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(found, "roles"), i, r)
    {
        if (json_object_get(json_object_get(j->guild, "roles"), json_string_value(r)))
            json_array_append(roles, r);
    }
    json_object_set(message, "mentions", json_object_get(found, "users"));
    json_object_set_new(message, "mention_roles", roles);
    json_object_set_new(message, "mention_everyone",
                        json_boolean(json_is_true(json_object_get(found, "everyone")) &&
                                     (j->perms & SD_PERM_MENTION_EVERYONE)));
    json_decref(found);
}

static void on_nonce_message(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    sd_message_answer(j, json_pack("[O]", message), true);
}

static void on_nonce(sd_err_t err, json_t *record, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id,
                                           json_string_value(json_object_get(record, "message_id")),
                                           on_nonce_message, j));
}

static void nonce_key(const sd_gjob_t *j, char *out, size_t cap)
{
    snprintf(out, cap, "%s#%s#%s", j->channel_id, j->user_id,
             json_string_value(json_object_get(j->input, "nonce")));
}

/* A lost unread count is no reason to hide a stored message: the answer goes out either way. */
static void on_mentions_counted(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    (void)err;
    (void)res;
    j->event = "MESSAGE_CREATE";
    sd_unfurl_message(j->app, json_object_get(j->found, "message"));
    sd_message_answer(j, json_pack("[O]", json_object_get(j->found, "message")), true);
}

static void on_sent(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT &&
        sd_message_repo_create_conflict(res) == SD_CONFLICT_NONCE_USED) { /* the first message */
        sd_message_files_not_taken(j);
        char key[128];
        nonce_key(j, key, sizeof key);
        sd_gjob_started(j, sd_message_repo_nonce(j->app->db, key, on_nonce, j));
        return;
    }
    if (err == SD_ERR_CONFLICT) {
        sd_gjob_unknown(j, SD_ENTITY_CHANNEL);
        return;
    }
    if (err) {
        fail_store(j, err);
        return;
    }
    /* Unread mentions: the users it mentions, and in a DM every other recipient; counted before the answer,
       so that a client reading its unread state after the send sees them. */
    json_t *message = json_object_get(j->found, "message");
    json_t *notify = json_array();
    json_t *source =
        j->guild_id[0] ? json_object_get(message, "mentions") : json_object_get(j->channel, "recipients");
    size_t i;
    json_t *u;
    json_array_foreach(source, i, u)
    {
        if (strcmp(json_string_value(u), j->user_id) != 0) json_array_append(notify, u);
    }
    if (!json_array_size(notify)) {
        json_decref(notify);
        on_mentions_counted(SD_OK, NULL, j);
    } else if (sd_read_state_repo_mention(j->app->db, j->channel_id, notify, on_mentions_counted, j)) {
        on_mentions_counted(SD_ERR_NOMEM, NULL, j);
    }
}

static void send_write(sd_gjob_t *j, json_t *reference)
{
    char id[24], when[40], key[128];
    sd_gjob_new_id(j, id);
    sd_iso_time(now_ms(), when);
    json_t *m =
        json_pack("{s:s, s:s, s:s, s:s, s:O, s:s, s:n, s:b, s:i, s:{}}", "id", id, "channel_id",
                  j->channel_id, "guild_id", j->guild_id, "author_id", j->user_id, "content",
                  json_object_get(j->input, "content"), "timestamp", when, "edited_timestamp", "pinned", 0,
                  "type", reference ? SD_MESSAGE_REPLY : SD_MESSAGE_DEFAULT, "reactions");
    if (!j->guild_id[0]) json_object_del(m, "guild_id"); /* a DM */
    const json_t *files = json_object_get(j->input, "_records");
    json_object_set_new(m, "attachments", files ? json_deep_copy(files) : json_array());
    set_mentions(j, m);
    if (reference) json_object_set(m, "message_reference", reference);
    if (json_object_get(j->input, "flags")) json_object_set(m, "flags", json_object_get(j->input, "flags"));
    if (json_array_size(json_object_get(j->input, "embeds")))
        json_object_set(m, "embeds", json_object_get(j->input, "embeds"));
    const json_t *nonce = json_object_get(j->input, "nonce");
    if (nonce) json_object_set(m, "nonce", (json_t *)nonce);
    bool enforce = nonce && json_is_true(json_object_get(j->input, "enforce_nonce"));
    if (enforce) nonce_key(j, key, sizeof key);
    json_decref(j->found);
    j->found = json_pack("{s:O}", "message", m);
    sd_gjob_started(j, sd_message_repo_create(j->app->db, m, enforce ? key : NULL,
                                              (long long)time(NULL) + NONCE_TTL_SECONDS, on_sent, j));
}

static void on_reply_target(sd_err_t err, json_t *target, void *ctx)
{
    sd_gjob_t *j = ctx;
    json_t *ref = json_object_get(j->input, "message_reference");
    if (err == SD_ERR_NOT_FOUND) {
        if (json_is_false(json_object_get(ref, "fail_if_not_exists"))) {
            send_write(j, NULL);
            return;
        }
        sd_gjob_field_error(j, "message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message");
        return;
    }
    if (err) {
        fail_store(j, err);
        return;
    }
    json_t *reference =
        json_pack("{s:O, s:s}", "message_id", json_object_get(target, "id"), "channel_id", j->channel_id);
    if (j->guild_id[0]) json_object_set_new(reference, "guild_id", json_string(j->guild_id));
    send_write(j, reference);
    json_decref(reference);
}

static void send_allowed(sd_gjob_t *j)
{
    json_t *ref = json_object_get(j->input, "message_reference");
    if (!ref) {
        send_write(j, NULL);
        return;
    }
    if (!sd_gjob_require(j, SD_PERM_READ_MESSAGE_HISTORY)) return;
    const char *ref_channel = json_string_value(json_object_get(ref, "channel_id"));
    if (ref_channel && strcmp(ref_channel, j->channel_id) != 0) {
        sd_gjob_field_error(j, "message_reference", "REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL",
                            "Cannot reply to a message in another channel");
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id,
                                           json_string_value(json_object_get(ref, "message_id")),
                                           on_reply_target, j));
}

static void send_files_ready(sd_gjob_t *j)
{
    sd_moderation_slowmode(j, send_allowed);
}

static void send_step(sd_gjob_t *j)
{
    json_int_t type = json_integer_value(json_object_get(j->channel, "type"));
    if (type != SD_CHANNEL_TEXT && type != SD_CHANNEL_DM && type != SD_CHANNEL_GROUP_DM) {
        sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_NOT_TEXT_CHANNEL);
        return;
    }
    if (sd_gjob_require(j, SD_PERM_SEND_MESSAGES)) sd_message_files_resolve(j, NULL, send_files_ready);
}

void sd_message_service_send(sd_app_t *app, const char *user_id, const char *channel_id, json_t *input,
                             sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, NULL, NULL, channel_id, send_step, cb, ctx);
}

/* ---- one message ---- */

static void on_one(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err)
        fail_store(j, err);
    else
        sd_message_answer(j, json_pack("[O]", message), true);
}

static bool plausible(const char *id)
{
    return sd_snowflake_parse(id) != 0;
}

static void get_step(sd_gjob_t *j)
{
    if (!(j->perms & SD_PERM_READ_MESSAGE_HISTORY)) {
        sd_gjob_refuse(j, SD_ERR_FORBIDDEN, SD_REASON_MISSING_ACCESS);
        return;
    }
    if (!plausible(j->target)) {
        unknown_message(j);
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, j->target, on_one, j));
}

void sd_message_service_get(sd_app_t *app, const char *user_id, const char *channel_id,
                            const char *message_id, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, message_id, NULL, channel_id, get_step, cb, ctx);
}

/* ---- edit ---- */

/* Whether the edit touches more than SUPPRESS_EMBEDS, which MANAGE_MESSAGES may set on others' messages. */
static bool edits_more_than_suppress(const json_t *input)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)input, key, v)
    {
        if (strcmp(key, "suppress_embeds") && strcmp(key, "allowed_mentions")) return true;
    }
    return !json_object_get(input, "suppress_embeds");
}

/* Whether a message with the changes made would show nothing at all. */
static bool left_empty(const json_t *message, const json_t *changes)
{
    const json_t *c = json_object_get(changes, "content");
    if (!c) c = json_object_get(message, "content");
    const json_t *e = json_object_get(changes, "embeds");
    if (!e) e = json_object_get(message, "embeds");
    const json_t *a = json_object_get(changes, "attachments");
    if (!a) a = json_object_get(message, "attachments");
    return json_string_length(c) == 0 && !json_array_size(e) && !json_array_size(a);
}

static void on_edited(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    if (json_array_size(json_object_get(j->input, "_dropped"))) sd_blob_gc_kick(j->app);
    if (j->counter) sd_unfurl_message(j->app, message);
    sd_message_answer(j, json_pack("[O]", message), true);
}

static void edit_write(sd_gjob_t *j);

static void on_edit_target(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    /* Content and embeds are the author's alone; others with MANAGE_MESSAGES may hide the embeds. */
    bool author = !strcmp(json_string_value(json_object_get(message, "author_id")), j->user_id);
    if (!author && edits_more_than_suppress(j->input)) {
        sd_gjob_refuse(j, SD_ERR_FORBIDDEN, SD_REASON_NOT_AUTHOR);
        return;
    }
    if (!author && !sd_gjob_require(j, SD_PERM_MANAGE_MESSAGES)) return;
    json_decref(j->found);
    j->found = json_incref(message);
    sd_message_files_resolve(j, json_object_get(message, "attachments"), edit_write);
}

static void edit_write(sd_gjob_t *j)
{
    const json_t *message = j->found;
    json_t *changes = json_object();
    char when[40];
    sd_iso_time(now_ms(), when);
    const json_t *files = json_object_get(j->input, "_records");
    if (files) {
        json_object_set(changes, "attachments", (json_t *)files);
        json_object_set_new(changes, "edited_timestamp", json_string(when));
    }
    if (json_object_get(j->input, "content")) {
        json_object_set(changes, "content", json_object_get(j->input, "content"));
        json_object_set_new(changes, "edited_timestamp", json_string(when));
        json_t *probe = json_pack("{s:O}", "content", json_object_get(j->input, "content"));
        set_mentions(j, probe);
        json_object_del(probe, "content");
        json_object_update(changes, probe);
        json_decref(probe);
        /* The previews were of the old links: the new content's are fetched anew. */
        if (json_object_get(message, "link_embeds"))
            json_object_set_new(changes, "link_embeds", json_array());
    }
    if (json_object_get(j->input, "embeds")) { /* the sender's embeds, replaced whole */
        json_object_set(changes, "embeds", json_object_get(j->input, "embeds"));
        json_object_set_new(changes, "edited_timestamp", json_string(when));
    }
    if (left_empty(message, changes)) {
        json_decref(changes);
        sd_gjob_field_error(j, "content", "BASE_TYPE_REQUIRED", "Cannot send an empty message");
        return;
    }
    const json_t *suppress = json_object_get(j->input, "suppress_embeds");
    json_int_t was = json_integer_value(json_object_get(message, "flags"));
    /* Previews of new links, or of links whose embeds were suppressed when the message was sent. */
    j->counter = json_object_get(j->input, "content") ||
                 (json_is_false(suppress) && (was & SD_MESSAGE_SUPPRESS_EMBEDS) &&
                  !json_object_get(message, "link_embeds"));
    if (suppress) { /* the one flag an edit changes */
        json_int_t flags = was & ~SD_MESSAGE_SUPPRESS_EMBEDS;
        json_object_set_new(changes, "flags",
                            json_integer(flags | (json_is_true(suppress) ? SD_MESSAGE_SUPPRESS_EMBEDS : 0)));
    }
    j->event = "MESSAGE_UPDATE";
    /* dropped files: pending deletions in the same transaction as the edit */
    json_t *dropped = json_incref(json_object_get(j->input, "_dropped"));
    sd_gjob_started(j, sd_attachment_repo_update_message(j->app->db, j->channel_id, j->target, changes,
                                                         dropped, on_edited, j));
}

static void edit_step(sd_gjob_t *j)
{
    if (!plausible(j->target)) {
        unknown_message(j);
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, j->target, on_edit_target, j));
}

void sd_message_service_edit(sd_app_t *app, const char *user_id, const char *channel_id,
                             const char *message_id, json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, input, message_id, NULL, channel_id, edit_step, cb, ctx);
}

/* ---- delete ---- */

static void on_deleted(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    (void)res;
    if (!err) sd_blob_gc_kick(j->app);
    j->event = "MESSAGE_DELETE";
    j->event_data = json_pack("{s:s, s:s}", "id", j->target, "channel_id", j->channel_id);
    sd_gjob_done(j, err, SD_ENTITY_MESSAGE);
}

static void on_delete_target(sd_err_t err, json_t *message, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    bool author = !strcmp(json_string_value(json_object_get(message, "author_id")), j->user_id);
    if (!author && !sd_gjob_require(j, SD_PERM_MANAGE_MESSAGES)) return;
    /* its files go with it: pending deletions in the same transaction, worked off by services/blob_gc */
    sd_gjob_started(j, sd_attachment_repo_delete_message(j->app->db, message, on_deleted, j));
}

static void delete_step(sd_gjob_t *j)
{
    if (!plausible(j->target)) {
        unknown_message(j);
        return;
    }
    sd_gjob_started(j, sd_message_repo_get(j->app->db, j->channel_id, j->target, on_delete_target, j));
}

void sd_message_service_delete(sd_app_t *app, const char *user_id, const char *channel_id,
                               const char *message_id, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, NULL, message_id, NULL, channel_id, delete_step, cb, ctx);
}

/* ---- typing ---- */

static void typing_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_SEND_MESSAGES)) return;
    j->event = "TYPING_START";
    j->event_data = json_pack("{s:s, s:s, s:I}", "channel_id", j->channel_id, "user_id", j->user_id,
                              "timestamp", (json_int_t)time(NULL));
    sd_gjob_actor_member_event(j);
    sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
}

void sd_message_service_typing(sd_app_t *app, const char *user_id, const char *channel_id, sd_outcome_cb cb,
                               void *ctx)
{
    sd_gjob_run(app, user_id, NULL, NULL, NULL, channel_id, typing_step, cb, ctx);
}

/* ---- bulk delete ---- */

static void on_one_deleted(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    (void)res;
    if (!err) sd_blob_gc_kick(j->app);
    if (err && err != SD_ERR_NOT_FOUND && !j->found) j->found = json_integer(err);
    if (--j->counter > 0) return;
    if (j->found)
        fail_store(j, (sd_err_t)json_integer_value(j->found));
    else
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
}

static void on_bulk_found(sd_err_t err, json_t *messages, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        fail_store(j, err);
        return;
    }
    if (!json_array_size(messages)) {
        sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
        return;
    }
    j->counter = (int)json_array_size(messages);
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        /* A delete that cannot start counts as answered: the job ends when the last one is in. */
        sd_err_t e = sd_attachment_repo_delete_message(j->app->db, m, on_one_deleted, j);
        if (e) on_one_deleted(e, NULL, j);
    }
}

static void bulk_step(sd_gjob_t *j)
{
    if (!sd_gjob_require(j, SD_PERM_MANAGE_MESSAGES)) return;
    uint64_t oldest = (uint64_t)now_ms() - BULK_DELETE_MAX_AGE_MS;
    size_t i;
    json_t *id;
    json_array_foreach(j->input, i, id)
    {
        if (sd_snowflake_unix_ms(sd_snowflake_parse(json_string_value(id))) < oldest) {
            sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_TOO_OLD_TO_BULK);
            return;
        }
    }
    /* Duplicates count once. */
    json_t *unique = json_object();
    json_array_foreach(j->input, i, id) json_object_set_new(unique, json_string_value(id), json_true());
    j->event = "MESSAGE_DELETE_BULK";
    j->event_data = json_pack("{s:O, s:s}", "ids", j->input, "channel_id", j->channel_id);
    json_t *ids = json_array();
    const char *mid;
    json_t *v;
    json_object_foreach(unique, mid, v) json_array_append_new(ids, json_string(mid));
    json_decref(unique);
    /* read first: each message's files are deleted with it */
    sd_gjob_started(j, sd_message_repo_get_many(j->app->db, j->channel_id, ids, on_bulk_found, j));
}

void sd_message_service_bulk_delete(sd_app_t *app, const char *user_id, const char *channel_id, json_t *ids,
                                    sd_outcome_cb cb, void *ctx)
{
    sd_gjob_run(app, user_id, ids, NULL, NULL, channel_id, bulk_step, cb, ctx);
}
