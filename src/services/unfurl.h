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
#include "core/http_fetch.h"

#define SD_UNFURL_LINKS_MAX 5
/* Redirects followed per link, each target checked again. */
#define SD_UNFURL_REDIRECTS_MAX 3
/* Fetches running at once in the process, and waiting beyond them (more links get no preview). */
#define SD_UNFURL_FETCHES_AT_ONCE 8
#define SD_UNFURL_FETCHES_QUEUED 256

/* The fetcher previews use (app->fetch), with the LINK_PREVIEW_* settings; NULL when LINK_PREVIEWS is off.
   Closed with sd_fetch_close. */
sd_fetch_t *sd_unfurl_fetcher_new(uv_loop_t *loop, const sd_config_t *cfg);

/* Starts the previews of a stored message (borrowed: what is needed is copied). Does nothing when link
   previews are off, the message has no links, or its embeds are suppressed. */
void sd_unfurl_message(sd_app_t *app, const json_t *message);

#endif
