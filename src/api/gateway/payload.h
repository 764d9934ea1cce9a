/*
 * payload: the decoder of what a gateway client sends, Discord's JSON payloads {"op", "d"}. It checks the
 * shape of every command in one place before the gateway acts on it, and names Discord's close code for what
 * is wrong: 4002 for undecodable or ill-shaped payloads, 4001 for unknown opcodes, 4013 for invalid intents.
 */
#ifndef SD_API_GATEWAY_PAYLOAD_H
#define SD_API_GATEWAY_PAYLOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SD_GW_OP_HEARTBEAT = 1,
    SD_GW_OP_IDENTIFY = 2,
    SD_GW_OP_PRESENCE = 3,
    SD_GW_OP_RESUME = 6,
    SD_GW_OP_REQUEST_MEMBERS = 8,
};

/* Every intent bit the gateway knows. */
#define SD_GW_ALL_INTENTS ((UINT64_C(1) << 26) - 1)

typedef struct {
    int op;
    json_t *doc; /* the whole payload: released by sd_gw_payload_free */
    json_t *d;   /* borrowed from doc; may be NULL */
    /* IDENTIFY and RESUME (borrowed from doc) */
    const char *token;
    uint64_t intents;   /* IDENTIFY */
    bool compress;      /* IDENTIFY's compress: payload compression asked for */
    const char *status; /* IDENTIFY's presence.status (may be NULL) or PRESENCE's status */
    /* RESUME: NULL / false when missing, which the gateway answers with INVALID_SESSION */
    const char *session_id;
    bool has_seq;
    long seq;
} sd_gw_payload_t;

/* Decodes one text message. Returns 0 with *out filled (release with sd_gw_payload_free), or the close code
   to answer with nothing to release. */
int sd_gw_payload_decode(const char *msg, size_t len, sd_gw_payload_t *out);
void sd_gw_payload_free(sd_gw_payload_t *p);

#endif
