/*
 * gjob: the shared machinery of guild-scoped operations. A job loads what an operation acts on, in order: the
 * channel (when one is named; it gives the guild), the guild, the acting user's membership, and computes the
 * actor's permissions through services/permissions (guild-level, and in the channel when there is one). Then
 * it runs the operation's next step. A guild the actor is not a member of is answered as an unknown guild, a
 * channel the actor cannot see as an unknown channel (Discord hides their existence); a missing permission is
 * a fault naming the bits lacking. A job answers exactly once (sd_gjob_ok, or one of the faults) and frees
 * itself; it speaks services/outcome's domain terms, never HTTP.
 */
#ifndef SD_SERVICES_GJOB_H
#define SD_SERVICES_GJOB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/app.h"
#include "services/outcome.h"

typedef struct sd_gjob sd_gjob_t;
typedef void (*sd_gjob_step)(sd_gjob_t *j);

struct sd_gjob {
    sd_app_t *app;
    sd_outcome_cb cb;
    void *cb_ctx;
    char user_id[24];
    char guild_id[24];
    char channel_id[24];
    char target[64]; /* the operation's object: a user, role, overwrite id or invite code */
    json_t *guild;   /* stored shapes, owned by the job */
    json_t *member;  /* the actor's membership */
    json_t *channel;
    json_t *input;  /* the validated request changes */
    json_t *found;  /* whatever else a step loaded */
    uint64_t base;  /* guild-level permissions */
    uint64_t perms; /* in the channel when there is one, else base */
    sd_gjob_step next;
    bool member_optional; /* set by sd_gjob_load_guild_only */
    int counter;          /* free for the operation's own use */
    const char *event;    /* set by an operation: the dispatch its success publishes (services/events) */
    json_t *event_data;   /* its data (owned by the job); NULL: the answer's body. guild_id is added to data
                             about anything but the guild itself */
    uint64_t event_perms; /* what the event's audience must hold beyond seeing the channel (0: nothing) */
    char event_user[24];  /* when set, this user's public object is loaded into the data as "user" */
    const char *event_user_key; /* with event_user, a static name: the object goes to data[key] instead, or
                                   into data[key] as its "user" when that is an object ("member") */
};

/* A new job for user_id (input stolen, may be NULL); freed when it answers. When out of memory it answers cb
   at once and returns NULL. */
sd_gjob_t *sd_gjob_new(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx);
/*
 * The usual start of an operation: a new job for user_id with input (stolen) and target ("@me" means
 * user_id), loading guild_id / channel_id as sd_gjob_load does, then running step.
 */
void sd_gjob_run(sd_app_t *app, const char *user_id, json_t *input, const char *target, const char *guild_id,
                 const char *channel_id, sd_gjob_step step, sd_outcome_cb cb, void *ctx);

/* Loads channel_id (may be NULL) then guild_id (NULL: the channel's) and the membership, then runs next. */
void sd_gjob_load(sd_gjob_t *j, const char *guild_id, const char *channel_id, sd_gjob_step next);
/* As sd_gjob_load, but a guild the user does not belong to still loads (member stays NULL). */
void sd_gjob_load_guild_only(sd_gjob_t *j, const char *guild_id, sd_gjob_step next);

/* Answers success of kind with body (stolen; NULL for SD_OUTCOME_NO_CONTENT). */
void sd_gjob_ok(sd_gjob_t *j, sd_outcome_kind_t kind, json_t *body);
/* Answers the fault f (its errors borrowed). */
void sd_gjob_fail(sd_gjob_t *j, const sd_fault_t *f);
/* Answers that the thing of kind what does not exist (or is hidden from the actor). */
void sd_gjob_unknown(sd_gjob_t *j, sd_entity_t what);
/* Answers err (SD_ERR_FORBIDDEN, SD_ERR_INVALID) because of the rule why. */
void sd_gjob_refuse(sd_gjob_t *j, sd_err_t err, sd_reason_t why);
/* Answers SD_ERR_CONFLICT for the reason why. */
void sd_gjob_conflict(sd_gjob_t *j, sd_conflict_t why);
/* Answers invalid input with Discord's field errors (stolen). */
void sd_gjob_form(sd_gjob_t *j, json_t *errors);
void sd_gjob_field_error(sd_gjob_t *j, const char *field, const char *code, const char *message);
/* Answers a storage error: not found as an unknown thing of kind unknown, a conflict or an unavailable store
   as they are, anything else (a request the store refused) as internal. */
void sd_gjob_store_fail(sd_gjob_t *j, sd_err_t err, sd_entity_t unknown);
/* The end of a write that shows nothing: no content on SD_OK, else as sd_gjob_store_fail. */
void sd_gjob_done(sd_gjob_t *j, sd_err_t err, sd_entity_t unknown);
/* Answers forbidden (missing permissions) for a rule that is no single permission bit (hierarchy, ownership).
 */
void sd_gjob_forbidden(sd_gjob_t *j);
/* True when the actor has every bit of perm; otherwise answers forbidden naming the bits lacking and returns
   false. */
bool sd_gjob_require(sd_gjob_t *j, uint64_t perm);
/* True when err is 0; otherwise answers it (as sd_gjob_store_fail with an unknown guild) and returns false.
 */
bool sd_gjob_started(sd_gjob_t *j, sd_err_t err);
/* Is the actor the guild's owner? */
bool sd_gjob_is_owner(const sd_gjob_t *j);
/* Makes type, with {"user": user_id's public object, "guild_id"} as its data, the event of j's success. */
void sd_gjob_user_event(sd_gjob_t *j, const char *type, const char *user_id);
/* In a guild, j->event_data (set) gets "member": the actor's member object, with its public user loaded when
   the event is published (TYPING_START, MESSAGE_REACTION_ADD). Outside a guild it stays as it is. */
void sd_gjob_actor_member_event(sd_gjob_t *j);
/* A fresh snowflake id as a string, written into out (24 bytes). */
void sd_gjob_new_id(sd_gjob_t *j, char *out);

#endif
