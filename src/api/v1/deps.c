#include "api/v1/deps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_body.h"
#include "core/snowflake_id.h"

typedef struct {
    int status;
    int code;
    const char *message;
} wire_t;

/* Discord's answer for each entity not found. */
static const wire_t unknown_wire[] = {
    [SD_ENTITY_CHANNEL] = {404, 10003, "Unknown Channel"},
    [SD_ENTITY_GUILD] = {404, 10004, "Unknown Guild"},
    [SD_ENTITY_INVITE] = {404, 10006, "Unknown Invite"},
    [SD_ENTITY_MEMBER] = {404, 10007, "Unknown Member"},
    [SD_ENTITY_MESSAGE] = {404, 10008, "Unknown Message"},
    [SD_ENTITY_OVERWRITE] = {404, 10009, "Unknown Overwrite"},
    [SD_ENTITY_ROLE] = {404, 10011, "Unknown Role"},
    [SD_ENTITY_USER] = {404, 10013, "Unknown User"},
    [SD_ENTITY_EMOJI] = {400, 10014, "Unknown Emoji"}, /* Discord answers a bad emoji with 400 */
    [SD_ENTITY_BAN] = {404, 10026, "Unknown Ban"},
    [SD_ENTITY_GUILD_EMOJI] = {404, 10014, "Unknown Emoji"},
};

/* ... and for each rule that refused (those answered with field errors are built in form_of). */
static const wire_t reason_wire[] = {
    [SD_REASON_MISSING_PERMISSIONS] = {403, 50013, "Missing Permissions"},
    [SD_REASON_MISSING_ACCESS] = {403, 50001, "Missing Access"},
    [SD_REASON_BANNED] = {403, 40007, "You are banned from this guild."},
    [SD_REASON_NOT_AUTHOR] = {403, 50005, "Cannot edit a message authored by another user"},
    [SD_REASON_INVALID_JSON] = {400, SD_API_INVALID_JSON, "The request body contains invalid JSON."},
    [SD_REASON_MAX_PINS] = {400, 30003, "Maximum number of pins reached (50)"},
    [SD_REASON_OWNER_CANNOT_LEAVE] = {400, 50055,
                                      "The owner cannot leave the guild; transfer ownership or delete it"},
    [SD_REASON_INVALID_RECIPIENT] = {400, 50033, "Invalid Recipient(s)"},
    [SD_REASON_NOT_TEXT_CHANNEL] = {400, 50008, "Cannot send messages in a non-text channel"},
    [SD_REASON_TOO_OLD_TO_BULK] = {400, 50034,
                                   "You can only bulk delete messages that are under 14 days old."},
    [SD_REASON_EVERYONE_ROLE] = {400, 50028, "Invalid Role: @everyone cannot be deleted"},
    /* no OAuth2 here yet, so no access token can be valid */
    [SD_REASON_NO_OAUTH2] = {400, 50025, "Invalid OAuth2 access token"},
    [SD_REASON_MAX_EMOJIS] = {400, 30008, "Maximum number of emojis reached (50)"},
};

/* ... and for each conflict that is not a field error. */
static const wire_t conflict_wire[] = {
    [SD_CONFLICT_STALE] = {409, 0, "409: Conflict: it was changed by another request meanwhile; try again"},
    [SD_CONFLICT_OWNER_CHANGED] = {409, 50013, "Missing Permissions"},
};

static const wire_t *wire_of(const wire_t *table, size_t n, unsigned i)
{
    return i < n && table[i].status ? &table[i] : NULL;
}

#define WIRE_OF(table, i) wire_of(table, sizeof table / sizeof *table, (unsigned)(i))

static const char USERNAME_TAKEN[] =
    "Username is unavailable. Try adding numbers, letters, underscores _ , or periods.";

/* The field errors of a fault answered as Discord's Invalid Form Body, or NULL. New reference. */
static json_t *form_of(const sd_fault_t *f)
{
    json_t *errors = NULL;
    if (f->err == SD_ERR_INVALID && f->reason == SD_REASON_FORM) {
        errors = f->errors ? json_incref(f->errors) : json_object();
    } else if (f->err == SD_ERR_CONFLICT && f->conflict == SD_CONFLICT_USERNAME_TAKEN) {
        errors = json_object();
        sd_form_error_add(errors, "username", "USERNAME_ALREADY_TAKEN", USERNAME_TAKEN);
    } else if (f->err == SD_ERR_CONFLICT && f->conflict == SD_CONFLICT_EMAIL_TAKEN) {
        errors = json_object();
        sd_form_error_add(errors, "email", "EMAIL_ALREADY_REGISTERED", "Email is already registered.");
    } else if (f->err == SD_ERR_UNAUTHORIZED && f->reason == SD_REASON_INVALID_LOGIN) {
        errors = json_object();
        sd_form_error_add(errors, "login", "INVALID_LOGIN", "Login or password is invalid.");
        sd_form_error_add(errors, "password", "INVALID_LOGIN", "Login or password is invalid.");
    } else if (f->err == SD_ERR_UNAUTHORIZED && f->reason == SD_REASON_WRONG_PASSWORD) {
        errors = json_object();
        sd_form_error_add(errors, f->field ? f->field : "password", "PASSWORD_DOES_NOT_MATCH",
                          "Password does not match.");
    }
    return errors;
}

sd_api_error_t sd_deps_error(const sd_fault_t *f)
{
    if (f->err == SD_ERR_THROTTLED && f->reason == SD_REASON_SLOWMODE) /* Discord's rate-limit body */
        return (sd_api_error_t){
            429, json_pack("{s:s, s:f, s:b, s:i}", "message", "You are being rate limited.", "retry_after",
                           (double)f->retry_after_ms / 1000, "global", 0, "code", SD_API_SLOWMODE)};
    json_t *errors = form_of(f);
    if (errors)
        return (sd_api_error_t){400,
                                sd_api_error_body(SD_API_INVALID_FORM_BODY, "Invalid Form Body", errors)};
    const wire_t *w = NULL;
    switch (f->err) {
    case SD_ERR_NOT_FOUND:
        w = WIRE_OF(unknown_wire, f->entity);
        break;
    case SD_ERR_FORBIDDEN:
    case SD_ERR_INVALID:
        w = WIRE_OF(reason_wire, f->reason);
        break;
    case SD_ERR_CONFLICT:
        w = WIRE_OF(conflict_wire, f->conflict);
        break;
    default:
        break;
    }
    if (w) return (sd_api_error_t){w->status, sd_api_error_body(w->code, w->message, NULL)};
    return sd_api_error_from_err(f->err);
}

void sd_deps_fault(sd_request_t *req, const sd_fault_t *f)
{
    if (f->err == SD_ERR_THROTTLED && f->reason == SD_REASON_SLOWMODE) {
        /* The wait in Retry-After too, as the libraries read a rate limit (discord.py takes a 429 without Via
           for a proxy's ban). The route's bucket headers are set already: the slowmode is a limit of its own.
         */
        char text[32];
        snprintf(text, sizeof text, "%llu", (unsigned long long)((f->retry_after_ms + 999) / 1000));
        sd_http_add_header(req, "Retry-After", text);
        sd_http_add_header(req, "X-RateLimit-Scope", "user");
        sd_http_add_header(req, "Via", "1.1 simplediscord");
    }
    sd_api_error_t e = sd_deps_error(f);
    sd_http_respond_json(req, e.status, e.body);
}

/* Answers 400 Invalid Form Body with one error at the root of "errors" (code, message). */
static void root_error(sd_request_t *req, const char *code, const char *message)
{
    sd_http_respond_json(
        req, 400,
        sd_api_error_body(SD_API_INVALID_FORM_BODY, "Invalid Form Body",
                          json_pack("{s:[{s:s, s:s}]}", "_errors", "code", code, "message", message)));
}

json_t *sd_deps_body(sd_request_t *req, unsigned accept)
{
    json_t *body;
    char detail[SD_BODY_MAX_NAME + 1], msg[192];
    switch (sd_http_body_decode(req, accept, &body, detail, sizeof detail)) {
    case SD_BODY_OK:
        return body;
    case SD_BODY_BAD_JSON:
        sd_deps_fault(req, &(sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_INVALID_JSON});
        return NULL;
    case SD_BODY_BAD_TYPE: {
        char types[128];
        sd_http_body_types(accept, types, sizeof types);
        snprintf(msg, sizeof msg, "Expected \"Content-Type\" header to be one of {%s}.", types);
        root_error(req, "CONTENT_TYPE_INVALID", msg);
        return NULL;
    }
    case SD_BODY_BAD_FORM:
        root_error(req, "FORM_BODY_INVALID", "The form body could not be read (or has too many fields).");
        return NULL;
    case SD_BODY_HAS_FILE:
        /* the part's name as the field (a name with a dot would nest: it is kept to the first segment) */
        detail[strcspn(detail, ".")] = '\0';
        sd_deps_field_error(req, *detail ? detail : "files", "FILE_UPLOAD_UNSUPPORTED",
                            "This server does not take file uploads; send the message without files.");
        return NULL;
    }
    return NULL;
}

json_t *sd_deps_json_body(sd_request_t *req)
{
    return sd_deps_body(req, SD_BODY_JSON | SD_BODY_FORM);
}

bool sd_deps_audit_reason(sd_request_t *req, const char **out)
{
    const char *raw = sd_request_header(req, "X-Audit-Log-Reason");
    if (out) *out = NULL;
    if (!raw || !*raw) return true;
    char *reason = sd_request_decode(req->arena, raw, strlen(raw), false);
    json_t *valid = reason ? json_string(reason) : NULL; /* NULL on bad UTF-8 too */
    json_decref(valid);
    if (!valid) {
        sd_deps_field_error(req, "audit_log_reason", "BASE_TYPE_STRING",
                            "Must be URL-encoded UTF-8 (percent-encoded bytes).");
        return false;
    }
    if (sd_utf8_length(reason) > SD_AUDIT_REASON_MAX) {
        sd_deps_field_error(req, "audit_log_reason", "BASE_TYPE_MAX_LENGTH",
                            "Must be 512 or fewer in length.");
        return false;
    }
    if (out) *out = reason;
    return true;
}

const sd_user_t *sd_deps_user(const sd_request_t *req)
{
    return req->user;
}

void sd_deps_fail(sd_request_t *req, sd_err_t err)
{
    sd_deps_fault(req, &(sd_fault_t){.err = err});
}

void sd_deps_form_errors(sd_request_t *req, json_t *errors)
{
    sd_deps_fault(req, &(sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_FORM, .errors = errors});
    json_decref(errors);
}

void sd_deps_field_error(sd_request_t *req, const char *field, const char *code, const char *message)
{
    json_t *errors = json_object();
    sd_form_error_add(errors, field, code, message);
    sd_deps_form_errors(req, errors);
}

void sd_deps_outcome(const sd_outcome_t *o, void *ctx)
{
    sd_request_t *req = ctx;
    if (o->fault.err) {
        sd_deps_fault(req, &o->fault);
        return;
    }
    switch (o->kind) {
    case SD_OUTCOME_NO_CONTENT:
        sd_http_respond(req, 204, "application/json", "", 0);
        return;
    case SD_OUTCOME_CREATED:
        sd_http_respond_json(req, 201, json_incref(o->body));
        return;
    case SD_OUTCOME_OK:
        break;
    }
    sd_http_respond_json(req, 200, json_incref(o->body));
}

json_t *sd_deps_parse_body(sd_request_t *req, unsigned accept,
                           json_t *(*parse)(const json_t *body, json_t **errors))
{
    json_t *body = sd_deps_body(req, accept);
    if (!body) return NULL;
    json_t *errors = NULL;
    json_t *out = parse(body, &errors);
    json_decref(body);
    if (!out) sd_deps_form_errors(req, errors ? errors : json_object());
    /* out is the parser's new object; cppcheck takes it for the address of errors. */
    // cppcheck-suppress returnDanglingLifetime
    return out;
}

json_t *sd_deps_parse(sd_request_t *req, json_t *(*parse)(const json_t *body, json_t **errors))
{
    return sd_deps_parse_body(req, SD_BODY_JSON | SD_BODY_FORM, parse);
}

const char *sd_deps_user_id(const sd_request_t *req)
{
    const sd_user_t *u = req->user;
    return u ? u->id : NULL;
}

bool sd_deps_query_int(sd_request_t *req, const char *name, long min, long max, long dflt, long *out)
{
    const char *v = sd_request_query(req, name);
    if (!v || !*v) {
        *out = dflt;
        return true;
    }
    const char *digits = v + (*v == '-');
    if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 18) {
        sd_deps_field_error(req, name, "NUMBER_TYPE_COERCE", "Value is not int.");
        return false;
    }
    long n = strtol(v, NULL, 10);
    if (n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "int value should be between %ld and %ld.", min, max);
        sd_deps_field_error(req, name, "NUMBER_TYPE_MAX", msg);
        return false;
    }
    *out = n;
    return true;
}

bool sd_deps_query_id(sd_request_t *req, const char *name, const char **out)
{
    const char *v = sd_request_query(req, name);
    *out = v && *v ? v : NULL;
    if (!*out || (strlen(v) <= 20 && (!strcmp(v, "0") || sd_snowflake_parse(v)))) return true;
    *out = NULL;
    sd_deps_field_error(req, name, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
    return false;
}

sd_err_t sd_deps_register(sd_router_t *r, const char *prefix, const sd_route_def_t *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char path[192];
        snprintf(path, sizeof path, "%s%s", prefix, defs[i].path);
        sd_err_t err = sd_router_add(r, defs[i].method, path, defs[i].fn, defs[i].flags);
        if (err) return err;
    }
    return SD_OK;
}
