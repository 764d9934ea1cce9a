/*
 * reaction_emoji: the emoji of a reaction, as services/reaction_service's jobs carry it in their input
 * ({"emoji", and "lenient" / "add" as the operation is a removal or an addition}). A custom emoji ("name:id",
 * "a:name:id" or the bare id) must be one of the channel's guild: its reaction key is "name:id" ("a:name:id"
 * when animated) with the guild's own name for it, whatever name the path gave, and the input's "emoji"
 * becomes that key ("emoji_id" its id). An emoji the guild does not have is unknown (400 10014) to a reaction
 * added or listed; its reactions stay removable by their key on the message ("emoji_gone" is set). An emoji
 * whitelisted to roles is added only by members holding one of them (and the owner and administrators, who
 * may take any role). A unicode emoji is taken as it is.
 */
#ifndef SD_SERVICES_REACTION_EMOJI_H
#define SD_SERVICES_REACTION_EMOJI_H

#include <jansson.h>
#include <stdbool.h>

#include "services/gjob.h"

/* Resolves the input's emoji, then runs next (the job's loading must be over: its next step is reused); or
   answers the job (unknown emoji, a store failure). */
void sd_reaction_emoji_resolve(sd_gjob_t *j, sd_gjob_step next);
/* The key message (a stored message) already has for the input's custom emoji (a reaction made before a
   rename, or of an emoji deleted since) becomes the input's emoji. False when the emoji is gone from the
   guild and not on the message either: there is nothing to remove. */
bool sd_reaction_emoji_on_message(sd_gjob_t *j, const json_t *message);

#endif
