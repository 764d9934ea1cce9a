#include "api/v1/deps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

json_t *sd_deps_json_body(sd_request_t *req)
{
    json_t *body = req->body_len ? json_loadb(req->body, req->body_len,
                                              JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL)
                                 : NULL;
    if (!body)
        sd_http_respond_error(req, 400, SD_API_INVALID_JSON, "The request body contains invalid JSON.", NULL);
    return body;
}

const sd_user_t *sd_deps_user(const sd_request_t *req)
{
    return req->user;
}

void sd_deps_fail(sd_request_t *req, sd_err_t err)
{
    sd_api_error_t e = sd_api_error_from_err(err);
    sd_http_respond_json(req, e.status, e.body);
}

void sd_deps_form_errors(sd_request_t *req, json_t *errors)
{
    sd_http_respond_error(req, 400, SD_API_INVALID_FORM_BODY, "Invalid Form Body", errors);
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
    if (o->err == SD_OK) {
        if (o->status == 204)
            sd_http_respond(req, 204, "application/json", "", 0);
        else
            sd_http_respond_json(req, o->status, json_incref(o->body));
        return;
    }
    int status = sd_api_error_from_err_status(o->err);
    sd_http_respond_error(req, status, o->code, o->message, o->body ? json_incref(o->body) : NULL);
}

json_t *sd_deps_parse(sd_request_t *req, json_t *(*parse)(const json_t *body, json_t **errors))
{
    json_t *body = sd_deps_json_body(req);
    if (!body) return NULL;
    json_t *errors = NULL;
    json_t *out = parse(body, &errors);
    json_decref(body);
    if (!out) sd_deps_form_errors(req, errors ? errors : json_object());
    /* out is the parser's new object; cppcheck takes it for the address of errors. */
    // cppcheck-suppress returnDanglingLifetime
    return out;
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
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "int value should be between %ld and %ld.", min, max);
        sd_deps_field_error(req, name, "NUMBER_TYPE_MAX", msg);
        return false;
    }
    *out = n;
    return true;
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
