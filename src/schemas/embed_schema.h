/*
 * embed_schema: a message's rich embeds. The "embeds" array (or the older single "embed") of a message create
 * or edit validated with Discord's limits and error paths (embeds.0.fields.3.value._errors) into the stored
 * shape, and the stored embeds rendered as Discord's embed objects: image, thumbnail and video with a
 * proxy_url, author and footer icons with a proxy_icon_url, and attachment://name references resolved to the
 * message's attachment of that filename once the attachments are rendered.
 *
 * Stored embed: {type, title?, description?, url?, timestamp? (as sent, checked ISO 8601), color?,
 *               footer? {text, icon_url?}, image? {url, width?, height?}, thumbnail? {url, width?, height?},
 *               video? {url, width?, height?}, provider? {name?, url?}, author? {name, url?, icon_url?},
 *               fields? [{name, value, inline}]}
 */
#ifndef SD_SCHEMAS_EMBED_SCHEMA_H
#define SD_SCHEMAS_EMBED_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SD_EMBEDS_MAX 10
#define SD_EMBED_FIELDS_MAX 25
#define SD_EMBED_TITLE_MAX 256
#define SD_EMBED_DESCRIPTION_MAX 4096
#define SD_EMBED_FIELD_NAME_MAX 256
#define SD_EMBED_FIELD_VALUE_MAX 1024
#define SD_EMBED_FOOTER_MAX 2048
#define SD_EMBED_AUTHOR_MAX 256
#define SD_EMBED_PROVIDER_MAX 256
/* Characters of title, description, field names and values, footer text and author name over all embeds. */
#define SD_EMBED_TOTAL_MAX 6000
/* Bytes of one URL. */
#define SD_EMBED_URL_MAX 2048

/*
 * Reads body's "embeds" (an array of at most SD_EMBEDS_MAX embed objects), or when it is absent the legacy
 * "embed" (one object, errors under "embed"). Returns false when neither is there. Otherwise true, with *out
 * a new array of stored embeds (null gives an empty array: no embeds), or *out NULL after adding Discord's
 * field errors to errors. Unknown keys are ignored.
 */
bool sd_embeds_parse(const json_t *body, json_t *errors, json_t **out);

/* Whether any of the stored embeds shows something (more than a type and a colour). */
bool sd_embeds_show_anything(const json_t *embeds);

/* The characters of embeds that count toward SD_EMBED_TOTAL_MAX. */
size_t sd_embeds_size(const json_t *embeds);

/*
 * Discord's embed objects of stored embeds (may be NULL: none): a new array (caller owns). attachment://
 * references are kept as they are, for sd_embeds_render.
 */
json_t *sd_embeds_json(const json_t *stored);

/*
 * Resolves, in embeds (Discord's objects, as sd_embeds_json gives them; changed in place), every
 * attachment://name of an image, thumbnail, video, author or footer icon to the url and proxy_url (and for
 * media width, height and content_type) of the attachment named name in rendered_attachments (Discord's
 * attachment objects; may be NULL). A reference to no attachment stays as it is. Pure; allocates nothing
 * that outlives the call besides the values it sets.
 */
void sd_embeds_render(json_t *embeds, const json_t *rendered_attachments);

/* Whether s is an http(s) URL as embeds take it (and, with attachment_ok, attachment://name). */
bool sd_embed_url_valid(const char *s, bool attachment_ok);

#endif
