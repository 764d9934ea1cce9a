#include "api/v1/deps.h"

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
