#include "api/gateway/payload.h"

#include <string.h>

#define DECODE_ERROR 4002
#define UNKNOWN_OPCODE 4001
#define INVALID_INTENTS 4013

static bool known_status(const char *s)
{
    static const char *const statuses[] = {"online", "idle", "dnd", "invisible"};
    for (size_t i = 0; s && i < sizeof statuses / sizeof *statuses; i++)
        if (!strcmp(s, statuses[i])) return true;
    return false;
}

static int identify(sd_gw_payload_t *p)
{
    json_t *intents = json_object_get(p->d, "intents");
    if (!json_is_object(p->d)) return DECODE_ERROR;
    if (!json_is_integer(intents) || json_integer_value(intents) < 0 ||
        ((uint64_t)json_integer_value(intents) & ~SD_GW_ALL_INTENTS))
        return INVALID_INTENTS;
    p->intents = (uint64_t)json_integer_value(intents);
    p->token = json_string_value(json_object_get(p->d, "token"));
    if (!p->token || !json_is_object(json_object_get(p->d, "properties"))) return DECODE_ERROR;
    json_t *compress = json_object_get(p->d, "compress");
    if (compress && !json_is_boolean(compress) && !json_is_null(compress)) return DECODE_ERROR;
    p->compress = json_is_true(compress);
    json_t *presence = json_object_get(p->d, "presence");
    if (presence && !json_is_null(presence)) {
        p->status = json_string_value(json_object_get(presence, "status"));
        /* Discord also takes "offline" at login: the same as invisible to others. */
        if (p->status && !strcmp(p->status, "offline")) p->status = "invisible";
        if (p->status && !known_status(p->status)) return DECODE_ERROR;
    }
    return 0;
}

static int resume(sd_gw_payload_t *p)
{
    if (!json_is_object(p->d)) return DECODE_ERROR;
    p->token = json_string_value(json_object_get(p->d, "token"));
    p->session_id = json_string_value(json_object_get(p->d, "session_id"));
    json_t *seq = json_object_get(p->d, "seq");
    p->has_seq = json_is_integer(seq) && json_integer_value(seq) >= 0;
    p->seq = p->has_seq ? (long)json_integer_value(seq) : 0;
    return 0;
}

int sd_gw_payload_decode(const char *msg, size_t len, sd_gw_payload_t *out)
{
    *out = (sd_gw_payload_t){0};
    out->doc = json_loadb(msg, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *op = json_object_get(out->doc, "op");
    int code = 0;
    if (!json_is_object(out->doc) || !json_is_integer(op)) {
        code = DECODE_ERROR;
        goto out;
    }
    out->op = (int)json_integer_value(op);
    out->d = json_object_get(out->doc, "d");
    switch (json_integer_value(op)) {
    case SD_GW_OP_HEARTBEAT:
    case SD_GW_OP_REQUEST_MEMBERS: /* its d is checked where it is served (api/gateway/chunks) */
        break;
    case SD_GW_OP_IDENTIFY:
        code = identify(out);
        break;
    case SD_GW_OP_RESUME:
        code = resume(out);
        break;
    case SD_GW_OP_PRESENCE:
        out->status = json_string_value(json_object_get(out->d, "status"));
        if (!known_status(out->status)) code = DECODE_ERROR;
        break;
    default:
        code = UNKNOWN_OPCODE;
    }
out:
    if (code) sd_gw_payload_free(out);
    return code;
}

void sd_gw_payload_free(sd_gw_payload_t *p)
{
    json_decref(p->doc);
    *p = (sd_gw_payload_t){0};
}
