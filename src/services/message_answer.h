/*
 * message_answer: a guild-scoped job (services/gjob) answered with stored messages as Discord's message
 * objects: their authors and mentioned users, referenced messages and the reader's own reactions looked up in
 * one go, attachment links signed anew and attachment:// in embeds resolved against them.
 */
#ifndef SD_SERVICES_MESSAGE_ANSWER_H
#define SD_SERVICES_MESSAGE_ANSWER_H

#include <jansson.h>
#include <stdbool.h>

#include "services/gjob.h"

/* Answers job j with stored messages (stolen), as one message (one) or a list. For the services of
   messages, reactions, pins and link previews. */
void sd_message_answer(sd_gjob_t *j, json_t *messages, bool one);

#endif
