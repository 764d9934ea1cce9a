/*
 * unfurl_page: what a link preview shows, from text alone (no I/O): the links of a message's content, and the
 * embed a fetched document describes. HTML is read by a small tolerant scanner (never a tree): <meta> tags of
 * OpenGraph (og:*), Twitter cards (twitter:*), description and theme-color, and <title>, skipping comments,
 * scripts and styles; entities decoded, whitespace collapsed, invalid UTF-8 replaced, every string cut to
 * Discord's embed limits. An image or video document is an embed of its own type.
 */
#ifndef SD_SERVICES_UNFURL_PAGE_H
#define SD_SERVICES_UNFURL_PAGE_H

#include <jansson.h>
#include <stddef.h>

/* Characters of a preview's description (Discord cuts them about there). */
#define SD_UNFURL_DESCRIPTION_MAX 350

/*
 * The http(s) links of content, in order, each once, at most max; one in <angle brackets> (its author asked
 * for no preview) is left out, as are trailing punctuation and links over the embed URL limit. New array of
 * strings.
 */
json_t *sd_unfurl_links(const char *content, size_t max);

/*
 * The stored embed (schemas/embed_schema's shape) that the document at url (as linked) describes: body of len
 * bytes (may be cut off) with its content_type (may be NULL). "image" for an image (its size when the header
 * tells it), "video" for a video, "article" or "link" for HTML with something to show. NULL when there is
 * nothing to show. New reference.
 */
json_t *sd_unfurl_page(const char *url, const char *content_type, const char *body, size_t len);

#endif
