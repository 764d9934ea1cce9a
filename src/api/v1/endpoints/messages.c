/* Routes: GET/POST /channels/{id}/messages, reactions, pins (old and new paths), GET/PATCH/DELETE
   /channels/{id}/messages/{message_id}, POST /channels/{id}/messages/bulk-delete. */
#include "api/v1/endpoints/messages.h"

#include "api/v1/deps.h"

#include <stdlib.h>
#include <string.h>

#include "schemas/message_schema.h"
#include "services/attachment_service.h"
#include "schemas/timestamp.h"
#include "services/message_history.h"
#include "services/message_service.h"
#include "services/reaction_service.h"

static json_t *parse_send(const json_t *b, json_t **e)
{
    return sd_message_in_parse(b, true, e);
}

static json_t *parse_edit(const json_t *b, json_t **e)
{
    return sd_message_in_parse(b, false, e);
}

static const char *channel(sd_request_t *req)
{
    return sd_request_param(req, "channel_id");
}

static const char *message(sd_request_t *req)
{
    return sd_request_param(req, "message_id");
}

/* ---- a body with files (multipart/form-data, spooled): taken into the store first ---- */

typedef struct {
    sd_request_t *req;
    sd_app_t *app;
    sd_upload_t *up;
    bool create;
} files_t;

static void files_end(files_t *f)
{
    sd_upload_free(f->up);
    free(f);
}

/* A message that could not be saved leaves none of its new files in the store. */
static void on_files_outcome(const sd_outcome_t *o, void *ctx)
{
    files_t *f = ctx;
    if (o->fault.err) sd_upload_discard(f->app, f->up);
    sd_deps_outcome(o, f->req);
    files_end(f);
}

static void on_uploaded(sd_upload_t *up, sd_err_t err, void *ctx)
{
    files_t *f = ctx;
    sd_request_t *req = f->req;
    f->up = up;
    if (err == SD_ERR_CANCELLED) { /* the client went away: nothing is answered */
        files_end(f);
        return;
    }
    if (err == SD_ERR_INVALID) {
        sd_deps_field_error(req, "files", "FORM_BODY_INVALID", *up->detail ? up->detail : "Invalid upload.");
        files_end(f);
        return;
    }
    if (err) {
        sd_deps_fail(req, err); /* 413 (40005), 503 */
        files_end(f);
        return;
    }
    json_t *body = json_is_object(up->payload) ? json_deep_copy(up->payload) : json_object();
    if (!json_object_get(body, "attachments") && up->nfiles) { /* every file, in order */
        json_t *refs = json_array();
        for (int i = 0; i < up->nfiles; i++)
            json_array_append_new(refs, json_pack("{s:i}", "id", up->files[i].index));
        json_object_set_new(body, "attachments", refs);
    }
    json_t *errors = NULL;
    json_t *in = sd_message_in_parse(body, f->create, &errors);
    json_decref(body);
    if (!in) {
        sd_upload_discard(f->app, up);
        sd_deps_form_errors(req, errors ? errors : json_object());
        files_end(f);
        return;
    }
    json_object_set_new(in, "_uploads", sd_attachment_service_from_upload(up));
    if (f->create)
        sd_message_service_send(f->app, sd_deps_user_id(req), channel(req), in, on_files_outcome, f);
    else
        sd_message_service_edit(f->app, sd_deps_user_id(req), channel(req), message(req), in,
                                on_files_outcome, f);
}

/* Whether req's body is being taken as files (answered by then); false: it is an ordinary body. */
static bool take_files(sd_request_t *req, sd_app_t *app, bool create)
{
    if (!req->body_spooled) return false;
    files_t *f = calloc(1, sizeof *f);
    if (!f) {
        sd_deps_fail(req, SD_ERR_NOMEM);
        return true;
    }
    *f = (files_t){.req = req, .app = app, .create = create};
    sd_err_t err = sd_attachment_service_receive(app, req, channel(req), on_uploaded, f);
    if (err) {
        free(f);
        if (err == SD_ERR_INVALID)
            sd_deps_field_error(req, "files", "FORM_BODY_INVALID", "The multipart body could not be read.");
        else
            sd_deps_fail(req, err);
    }
    return true;
}

static void send_message(sd_request_t *req, void *app)
{
    if (take_files(req, app, true)) return;
    json_t *in = sd_deps_parse_body(req, SD_BODY_JSON | SD_BODY_MULTIPART, parse_send);
    if (in) sd_message_service_send(app, sd_deps_user_id(req), channel(req), in, sd_deps_outcome, req);
}

static void list_messages(sd_request_t *req, void *app)
{
    long limit;
    const char *before, *after, *around;
    if (!sd_deps_query_int(req, "limit", 1, 100, 50, &limit) || !sd_deps_query_id(req, "before", &before) ||
        !sd_deps_query_id(req, "after", &after) || !sd_deps_query_id(req, "around", &around))
        return;
    sd_message_history_list(app, sd_deps_user_id(req), channel(req), before, after, around, (int)limit,
                            sd_deps_outcome, req);
}

static void get_message(sd_request_t *req, void *app)
{
    sd_message_service_get(app, sd_deps_user_id(req), channel(req), message(req), sd_deps_outcome, req);
}

static void edit_message(sd_request_t *req, void *app)
{
    if (take_files(req, app, false)) return;
    json_t *in = sd_deps_parse_body(req, SD_BODY_JSON | SD_BODY_MULTIPART, parse_edit);
    if (in)
        sd_message_service_edit(app, sd_deps_user_id(req), channel(req), message(req), in, sd_deps_outcome,
                                req);
}

static void delete_message(sd_request_t *req, void *app)
{
    sd_message_service_delete(app, sd_deps_user_id(req), channel(req), message(req), sd_deps_outcome, req);
}

static void typing(sd_request_t *req, void *app)
{
    sd_message_service_typing(app, sd_deps_user_id(req), channel(req), sd_deps_outcome, req);
}

static void bulk_delete(sd_request_t *req, void *app)
{
    json_t *ids = sd_deps_parse(req, sd_bulk_delete_in_parse);
    if (ids)
        sd_message_service_bulk_delete(app, sd_deps_user_id(req), channel(req), ids, sd_deps_outcome, req);
}

/* The emoji of the path, or NULL after answering 400 (the request is then released). */
static const char *emoji(sd_request_t *req)
{
    const char *e = sd_request_param(req, "emoji");
    if (sd_emoji_valid(e)) return e;
    sd_deps_fault(req, &(sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_EMOJI});
    return NULL;
}

static void react(sd_request_t *req, void *app, const char *target, bool remove)
{
    const char *e = emoji(req);
    if (e)
        sd_reaction_service_set(app, sd_deps_user_id(req), channel(req), message(req), e, target, remove,
                                sd_deps_outcome, req);
}

static void put_reaction(sd_request_t *req, void *app)
{
    react(req, app, "@me", false);
}

static void delete_own_reaction(sd_request_t *req, void *app)
{
    react(req, app, "@me", true);
}

static void delete_user_reaction(sd_request_t *req, void *app)
{
    react(req, app, sd_request_param(req, "user_id"), true);
}

static void clear_emoji(sd_request_t *req, void *app)
{
    const char *e = emoji(req);
    if (e)
        sd_reaction_service_clear(app, sd_deps_user_id(req), channel(req), message(req), e, sd_deps_outcome,
                                  req);
}

static void clear_all(sd_request_t *req, void *app)
{
    sd_reaction_service_clear(app, sd_deps_user_id(req), channel(req), message(req), NULL, sd_deps_outcome,
                              req);
}

static void get_reactions(sd_request_t *req, void *app)
{
    long limit;
    const char *after, *e;
    if (!sd_deps_query_int(req, "limit", 1, 100, 25, &limit) || !sd_deps_query_id(req, "after", &after) ||
        !(e = emoji(req)))
        return;
    sd_reaction_service_users(app, sd_deps_user_id(req), channel(req), message(req), e, after, (int)limit,
                              sd_deps_outcome, req);
}

static void pin(sd_request_t *req, void *app)
{
    sd_pin_service_set(app, sd_deps_user_id(req), channel(req), message(req), true, sd_deps_outcome, req);
}

static void unpin(sd_request_t *req, void *app)
{
    sd_pin_service_set(app, sd_deps_user_id(req), channel(req), message(req), false, sd_deps_outcome, req);
}

static void list_pins(sd_request_t *req, void *app)
{
    sd_pin_service_list(app, sd_deps_user_id(req), channel(req), sd_deps_outcome, req);
}

/* GET /channels/{id}/messages/pins?before=<ISO time>&limit=1..50: the newer, paged pins. */
static void page_pins(sd_request_t *req, void *app)
{
    long limit;
    long long before_ms = -1;
    if (!sd_deps_query_int(req, "limit", 1, 50, 50, &limit)) return;
    const char *before = sd_request_query(req, "before");
    if (before && *before && !sd_timestamp_parse(before, &before_ms)) {
        sd_deps_field_error(req, "before", "DATE_TIME_TYPE_PARSE", "Could not parse the date and time.");
        return;
    }
    sd_pin_service_page(app, sd_deps_user_id(req), channel(req), before_ms, (int)limit, sd_deps_outcome, req);
}

sd_err_t sd_messages_endpoints_register(sd_router_t *r, const char *prefix)
{
    static const sd_route_def_t routes[] = {
        {"GET", "/channels/{channel_id}/messages", list_messages, SD_API_AUTH},
        {"POST", "/channels/{channel_id}/messages", send_message, SD_API_AUTH},
        {"POST", "/channels/{channel_id}/messages/bulk-delete", bulk_delete, SD_API_AUTH},
        {"POST", "/channels/{channel_id}/typing", typing, SD_API_AUTH},
        {"GET", "/channels/{channel_id}/messages/{message_id}", get_message, SD_API_AUTH},
        {"PATCH", "/channels/{channel_id}/messages/{message_id}", edit_message, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/{message_id}", delete_message, SD_API_AUTH},
        {"PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", put_reaction,
         SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", delete_own_reaction,
         SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
         delete_user_reaction, SD_API_AUTH},
        {"GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", get_reactions, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", clear_emoji,
         SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions", clear_all, SD_API_AUTH},
        {"GET", "/channels/{channel_id}/pins", list_pins, SD_API_AUTH},
        {"PUT", "/channels/{channel_id}/pins/{message_id}", pin, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/pins/{message_id}", unpin, SD_API_AUTH},
        {"GET", "/channels/{channel_id}/messages/pins", page_pins, SD_API_AUTH},
        {"PUT", "/channels/{channel_id}/messages/pins/{message_id}", pin, SD_API_AUTH},
        {"DELETE", "/channels/{channel_id}/messages/pins/{message_id}", unpin, SD_API_AUTH},
    };
    return sd_deps_register(r, prefix, routes, sizeof routes / sizeof *routes);
}
