/*
 * outcome: how a service answers an operation, in domain terms only: success of a kind (a result, a thing
 * created, nothing to show) with a Discord-shaped body, or a fault: the sd_err_t plus what it is about (the
 * kind of entity not found, the rule that refused, the typed reason of a conflict, the permission missing,
 * the field errors). Services never name HTTP statuses nor Discord's JSON error codes: api/v1/deps
 * (sd_deps_error) is the one place that maps a fault to both, from (error, entity / reason / conflict), so
 * that e.g. Unknown Channel's 10003 lives in one table beside its 404.
 */
#ifndef SD_SERVICES_OUTCOME_H
#define SD_SERVICES_OUTCOME_H

#include <jansson.h>
#include <stdint.h>

#include "core/errors.h"

/* What a success is. */
typedef enum {
    SD_OUTCOME_OK = 0,     /* the answer is body */
    SD_OUTCOME_CREATED,    /* body is the new thing */
    SD_OUTCOME_NO_CONTENT, /* done, nothing to show (body is NULL) */
} sd_outcome_kind_t;

/* With SD_ERR_NOT_FOUND: the kind of thing that is unknown (or hidden from the actor, as Discord hides it).
 */
typedef enum {
    SD_ENTITY_NONE = 0,
    SD_ENTITY_CHANNEL,
    SD_ENTITY_GUILD,
    SD_ENTITY_INVITE,
    SD_ENTITY_MEMBER,
    SD_ENTITY_MESSAGE,
    SD_ENTITY_OVERWRITE,
    SD_ENTITY_ROLE,
    SD_ENTITY_USER,
    SD_ENTITY_EMOJI, /* a reaction's emoji (Discord answers it 400) */
    SD_ENTITY_BAN,
    SD_ENTITY_GUILD_EMOJI, /* a guild's custom emoji asked for by id (404) */
} sd_entity_t;

/* The rule behind an SD_ERR_FORBIDDEN, SD_ERR_INVALID, SD_ERR_UNAUTHORIZED or SD_ERR_THROTTLED. */
typedef enum {
    SD_REASON_NONE = 0,
    SD_REASON_MISSING_PERMISSIONS, /* forbidden: the actor lacks the bits in missing */
    SD_REASON_MISSING_ACCESS,      /* forbidden: the actor may see the channel but not reach this in it */
    SD_REASON_BANNED,              /* forbidden: the actor is banned from the guild */
    SD_REASON_NOT_AUTHOR,          /* forbidden: only its author may edit a message */
    SD_REASON_FORM,                /* invalid: errors holds Discord's field errors */
    SD_REASON_INVALID_JSON,        /* invalid: the body is not JSON */
    SD_REASON_MAX_PINS,            /* invalid: the channel holds the most pins it may */
    SD_REASON_OWNER_CANNOT_LEAVE,  /* invalid: the owner of a guild cannot leave it */
    SD_REASON_INVALID_RECIPIENT,   /* invalid: a DM to nobody valid */
    SD_REASON_NOT_TEXT_CHANNEL,    /* invalid: messages in a channel that holds none */
    SD_REASON_TOO_OLD_TO_BULK,     /* invalid: bulk deletion of a message 14 days old or more */
    SD_REASON_EVERYONE_ROLE,       /* invalid: @everyone cannot be deleted */
    SD_REASON_INVALID_LOGIN,       /* unauthorized: unknown login or wrong password, alike */
    SD_REASON_WRONG_PASSWORD,      /* unauthorized: the current password in field does not match */
    SD_REASON_SLOWMODE,            /* throttled: the channel's slowmode; wait retry_after_ms */
    SD_REASON_NO_OAUTH2,           /* invalid: an OAuth2 access token, which this server cannot check yet */
    SD_REASON_MAX_EMOJIS,          /* invalid: the guild holds the most emoji of that kind it may */
} sd_reason_t;

/* A domain error. Everything but err is optional detail. */
typedef struct {
    sd_err_t err;
    sd_entity_t entity;      /* SD_ERR_NOT_FOUND */
    sd_reason_t reason;      /* SD_ERR_FORBIDDEN, SD_ERR_INVALID, SD_ERR_UNAUTHORIZED */
    sd_conflict_t conflict;  /* SD_ERR_CONFLICT */
    uint64_t missing;        /* SD_REASON_MISSING_PERMISSIONS: the permission bits lacking */
    const char *field;       /* SD_REASON_WRONG_PASSWORD: the field holding it */
    json_t *errors;          /* SD_REASON_FORM: the field errors. Borrowed. */
    uint64_t retry_after_ms; /* SD_REASON_SLOWMODE: how long until the actor may again */
} sd_fault_t;

typedef struct {
    sd_fault_t fault;       /* fault.err == SD_OK: a success */
    sd_outcome_kind_t kind; /* success */
    json_t *body;           /* success: the answer (NULL for SD_OUTCOME_NO_CONTENT). Borrowed. */
} sd_outcome_t;

typedef void (*sd_outcome_cb)(const sd_outcome_t *o, void *ctx);

#endif
