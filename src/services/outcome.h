/*
 * outcome: how a service answers an operation, in domain terms the endpoints turn into HTTP: success with a
 * status hint (200, 201, 204) and a Discord-shaped body, or an error with Discord's JSON error code and
 * message (form errors for code 50035).
 */
#ifndef SD_SERVICES_OUTCOME_H
#define SD_SERVICES_OUTCOME_H

#include <jansson.h>

#include "core/errors.h"

enum {
    SD_CODE_UNKNOWN_CHANNEL = 10003,
    SD_CODE_UNKNOWN_GUILD = 10004,
    SD_CODE_UNKNOWN_INVITE = 10006,
    SD_CODE_UNKNOWN_MEMBER = 10007,
    SD_CODE_UNKNOWN_MESSAGE = 10008,
    SD_CODE_UNKNOWN_ROLE = 10011,
    SD_CODE_UNKNOWN_USER = 10013,
    SD_CODE_UNKNOWN_BAN = 10026,
    SD_CODE_MISSING_ACCESS = 50001,
    SD_CODE_MISSING_PERMISSIONS = 50013,
    SD_CODE_INVALID_FORM_BODY = 50035,
    SD_CODE_OWNER_CANNOT_LEAVE = 50055,
    SD_CODE_BANNED = 40007,
    SD_CODE_MAX_PINS = 30003,
};

typedef struct {
    sd_err_t err;
    int status;          /* success: 200, 201 or 204 */
    int code;            /* failure: Discord's JSON error code */
    const char *message; /* failure: its message */
    json_t *body;        /* success: the answer; SD_ERR_INVALID: form errors. Borrowed. */
} sd_outcome_t;

typedef void (*sd_outcome_cb)(const sd_outcome_t *o, void *ctx);

#endif
