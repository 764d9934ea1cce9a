/*
 * unfurl: link previews (LINK_PREVIEWS=1). After a message is stored, the http(s) links of its content (at
 * most SD_UNFURL_LINKS_MAX) are fetched in the background through core/http_fetch, which refuses private,
 * loopback and link-local addresses (unless LINK_PREVIEW_ALLOW_PRIVATE=1) and caps size, time and redirects;
 * what the pages describe (services/unfurl_page) is stored as the message's link_embeds, and the message goes
 * out again as MESSAGE_UPDATE, as on Discord. A message with SUPPRESS_EMBEDS, or whose content changed while
 * its links were fetched, gets none.
 */
#ifndef SD_SERVICES_UNFURL_H
#define SD_SERVICES_UNFURL_H

#include <jansson.h>

#include "core/app.h"

#define SD_UNFURL_LINKS_MAX 5

/* Starts the previews of a stored message (borrowed: what is needed is copied). Does nothing when link
   previews are off, the message has no links, or its embeds are suppressed. */
void sd_unfurl_message(sd_app_t *app, const json_t *message);

#endif
