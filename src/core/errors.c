#include "core/errors.h"

#include <string.h>

const char *sd_err_name(sd_err_t err)
{
    switch (err) {
    case SD_OK:
        return "ok";
    case SD_ERR_NOMEM:
        return "out of memory";
    case SD_ERR_INVALID:
        return "invalid";
    case SD_ERR_NOT_FOUND:
        return "not found";
    case SD_ERR_CONFLICT:
        return "conflict";
    case SD_ERR_UNAUTHORIZED:
        return "unauthorized";
    case SD_ERR_FORBIDDEN:
        return "forbidden";
    case SD_ERR_UNAVAILABLE:
        return "unavailable";
    case SD_ERR_THROTTLED:
        return "throttled";
    case SD_ERR_INTERNAL:
        return "internal";
    case SD_ERR_IO:
        return "i/o error";
    case SD_ERR_EXISTS:
        return "exists";
    case SD_ERR_BUSY:
        return "busy";
    case SD_ERR_CANCELLED:
        return "cancelled";
    case SD_ERR_TOO_LARGE:
        return "too large";
    }
    return "unknown";
}

json_t *sd_api_error_body(int code, const char *message, json_t *errors)
{
    json_t *body = json_pack("{s:i, s:s}", "code", code, "message", message);
    if (body && errors)
        json_object_set_new(body, "errors", errors);
    else
        json_decref(errors);
    return body;
}

sd_api_error_t sd_api_error_from_err(sd_err_t err)
{
    switch (err) {
    case SD_ERR_INVALID:
        return (sd_api_error_t){400, sd_api_error_body(SD_API_GENERAL, "400: Bad Request", NULL)};
    case SD_ERR_NOT_FOUND:
        return (sd_api_error_t){404, sd_api_error_body(SD_API_GENERAL, "404: Not Found", NULL)};
    case SD_ERR_CONFLICT:
        return (sd_api_error_t){409, sd_api_error_body(SD_API_GENERAL, "409: Conflict", NULL)};
    case SD_ERR_UNAUTHORIZED:
        return (sd_api_error_t){401, sd_api_error_body(SD_API_GENERAL, "401: Unauthorized", NULL)};
    case SD_ERR_FORBIDDEN:
        return (sd_api_error_t){403,
                                sd_api_error_body(SD_API_MISSING_PERMISSIONS, "Missing Permissions", NULL)};
    case SD_ERR_UNAVAILABLE:
    case SD_ERR_THROTTLED:
    case SD_ERR_BUSY:
    case SD_ERR_CANCELLED:
        return (sd_api_error_t){503, sd_api_error_body(SD_API_GENERAL, "503: Service Unavailable", NULL)};
    case SD_ERR_TOO_LARGE:
        return (sd_api_error_t){413, sd_api_error_body(SD_API_TOO_LARGE, "Request entity too large", NULL)};
    default:
        return (sd_api_error_t){500, sd_api_error_body(SD_API_GENERAL, "500: Internal Server Error", NULL)};
    }
}

int sd_api_error_from_err_status(sd_err_t err)
{
    sd_api_error_t e = sd_api_error_from_err(err);
    json_decref(e.body);
    return e.status;
}

sd_err_t sd_form_error_add(json_t *errors, const char *path, const char *code, const char *message)
{
    json_t *node = errors;
    char seg[128];
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof seg) return SD_ERR_INVALID;
        memcpy(seg, p, n);
        seg[n] = '\0';
        json_t *child = json_object_get(node, seg);
        if (!child) {
            child = json_object();
            if (!child || json_object_set_new(node, seg, child)) return SD_ERR_NOMEM;
        }
        node = child;
        p += n + (dot ? 1 : 0);
    }
    json_t *list = json_object_get(node, "_errors");
    if (!list) {
        list = json_array();
        if (!list || json_object_set_new(node, "_errors", list)) return SD_ERR_NOMEM;
    }
    return json_array_append_new(list, json_pack("{s:s, s:s}", "code", code, "message", message))
               ? SD_ERR_NOMEM
               : SD_OK;
}
