#include "schemas/message_schema.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "schemas/attachment_schema.h"
#include "schemas/fields.h"

static json_t *done(json_t *out, json_t *errors, json_t **errors_out)
{
    *errors_out = sd_field_finish(errors);
    if (*errors_out) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* allowed_mentions normalized: parse kept as given (checked), users and roles as id strings. */
static void parse_allowed(const json_t *body, json_t *errors, json_t *out)
{
    const json_t *am = json_object_get(body, "allowed_mentions");
    if (!am || json_is_null(am)) return;
    bool ok = json_is_object(am);
    const json_t *parse = json_object_get(am, "parse");
    if (ok && parse) {
        ok = json_is_array(parse) && json_array_size(parse) <= 3;
        size_t i;
        json_t *p;
        json_array_foreach(parse, i, p)
        {
            const char *s = json_string_value(p);
            if (!s || (strcmp(s, "users") && strcmp(s, "roles") && strcmp(s, "everyone"))) ok = false;
        }
    }
    json_t *sub = json_object(), *norm = json_object();
    if (ok && parse) json_object_set(norm, "parse", (json_t *)parse);
    static const char *const lists[] = {"users", "roles"};
    for (size_t k = 0; ok && k < 2; k++) {
        json_t *ids = sd_field_id_list(am, sub, lists[k], 100);
        if (ids) json_object_set_new(norm, lists[k], ids);
    }
    bool replied;
    if (ok && sd_field_bool(am, sub, "replied_user", &replied))
        json_object_set_new(norm, "replied_user", json_boolean(replied));
    if (!ok)
        sd_form_error_add(errors, "allowed_mentions", "ALLOWED_MENTIONS_INVALID",
                          "Invalid allowed_mentions.");
    else if (json_object_size(sub))
        json_object_set(errors, "allowed_mentions", sub);
    else
        json_object_set(out, "allowed_mentions", norm);
    json_decref(sub);
    json_decref(norm);
}

/* Documented message fields of features the server does not have: refused by name unless empty. */
static const sd_field_unsupported_t message_unsupported[] = {
    {"embeds", NULL},
    {"components", NULL},
    {"sticker_ids", NULL},
    {"poll", NULL},
};

static void parse_reference(const json_t *body, json_t *errors, json_t *out)
{
    static const sd_field_unsupported_t unsupported[] = {{"type", NULL}}; /* 1 is a forward */
    const json_t *ref = json_object_get(body, "message_reference");
    if (!ref || json_is_null(ref)) return;
    json_t *sub = json_object(), *r = json_object();
    char id[SD_FIELD_ID_SIZE];
    bool b;
    if (!json_is_object(ref))
        sd_form_error_add(sub, "_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    else if (sd_field_id(ref, sub, "message_id", false, id))
        json_object_set_new(r, "message_id", json_string(id));
    else if (!json_object_size(sub))
        sd_field_required(sub, "message_id");
    if (sd_field_id(ref, sub, "channel_id", false, id)) json_object_set_new(r, "channel_id", json_string(id));
    /* guild_id only names the channel's guild, which the server knows: checked as an id, not kept. */
    sd_field_id(ref, sub, "guild_id", true, id);
    if (sd_field_bool(ref, sub, "fail_if_not_exists", &b))
        json_object_set_new(r, "fail_if_not_exists", json_boolean(b));
    sd_field_unsupported(ref, sub, unsupported, 1);
    if (json_object_size(sub))
        json_object_set(errors, "message_reference", sub);
    else
        json_object_set(out, "message_reference", r);
    json_decref(sub);
    json_decref(r);
}

/* flags: on create SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS; on edit a client sends the message's flags
   back (discord.js does), of which SUPPRESS_EMBEDS alone is the sender's to change. */
static void parse_flags(const json_t *body, json_t *errors, bool create, json_t *out)
{
    const long long settable = SD_MESSAGE_SUPPRESS_EMBEDS | SD_MESSAGE_SUPPRESS_NOTIFICATIONS;
    long long flags;
    if (sd_field_is_null(body, "flags") || !sd_field_int(body, errors, "flags", 0, 0x7FFFFFFF, &flags))
        return;
    if (create && (flags & ~settable))
        sd_form_error_add(errors, "flags", "MESSAGE_FLAGS_INVALID",
                          "Only SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS (4096) can be set.");
    else if (create)
        json_object_set_new(out, "flags", json_integer(flags));
    else
        json_object_set_new(out, "suppress_embeds", json_boolean(flags & SD_MESSAGE_SUPPRESS_EMBEDS));
}

json_t *sd_message_in_parse(const json_t *body, bool create, json_t **errors_out)
{
    json_t *errors = json_object(), *out = json_object();
    if (!json_is_object(body)) {
        sd_form_error_add(errors, "_root", "DICT_TYPE_CONVERT",
                          "Only dictionaries may be used in a DictType");
        return done(out, errors, errors_out);
    }
    const char *content = NULL;
    /* files: the message's attachments (files[n], presigned uploads, or kept ones on edit) */
    json_t *files = sd_attachment_refs_parse(body, errors, SD_MESSAGE_MAX_FILES);
    bool has_files = json_array_size(files) > 0;
    if (files) json_object_set_new(out, "attachments", files);
    /* null content: nothing to send, or on edit a message left empty (there are no embeds to keep); a
       message with files needs no content. */
    if (sd_field_string(body, errors, "content", has_files ? 0 : 1, SD_MESSAGE_MAX, true, &content) &&
        content)
        json_object_set_new(out, "content", json_string(content));
    else if (has_files && create && !json_object_get(body, "content"))
        json_object_set_new(out, "content", json_string(""));
    else if (has_files && sd_field_is_null(body, "content"))
        json_object_set_new(out, "content", json_string(""));
    else if ((!json_object_get(body, "content") && create) || sd_field_is_null(body, "content"))
        sd_form_error_add(errors, "content", "BASE_TYPE_REQUIRED", "Cannot send an empty message");
    parse_allowed(body, errors, out);
    parse_flags(body, errors, create, out);
    sd_field_unsupported(body, errors, message_unsupported,
                         sizeof message_unsupported / sizeof *message_unsupported);
    if (!create) return done(out, errors, errors_out);

    const json_t *nonce = json_object_get(body, "nonce");
    if (nonce && !json_is_null(nonce)) {
        char buf[32];
        if (json_is_integer(nonce)) {
            snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(nonce));
            json_object_set_new(out, "nonce", json_string(buf));
        } else if (json_is_string(nonce) && json_string_length(nonce) <= 25 &&
                   json_string_length(nonce) > 0) {
            json_object_set(out, "nonce", (json_t *)nonce);
        } else {
            sd_form_error_add(errors, "nonce", "BASE_TYPE_BAD_LENGTH", "Must be 25 or fewer in length.");
        }
    }
    bool b;
    if (sd_field_bool(body, errors, "enforce_nonce", &b))
        json_object_set_new(out, "enforce_nonce", json_boolean(b));
    /* There is no text-to-speech: tts is answered false, as Discord does for a sender without
       SEND_TTS_MESSAGES. */
    sd_field_bool(body, errors, "tts", &b);
    parse_reference(body, errors, out);
    return done(out, errors, errors_out);
}

json_t *sd_bulk_delete_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object();
    json_t *ids = json_is_object(body) ? sd_field_id_list(body, errors, "messages", 100) : NULL;
    if (!ids || json_array_size(ids) < 2) {
        json_decref(ids);
        ids = NULL;
        if (!json_object_size(errors))
            sd_form_error_add(errors, "messages", "BASE_TYPE_BAD_LENGTH",
                              "Must be between 2 and 100 message ids.");
    }
    return done(ids, errors, errors_out);
}

/* ---- mentions ---- */

static bool allowed(const json_t *am, const char *kind, const char *id)
{
    if (!am) return true;
    const json_t *list = json_object_get(am, kind);
    size_t i;
    json_t *p;
    /* am is checked by the parser; it is read defensively anyway, as the fuzzer hands it anything. */
    json_array_foreach(json_object_get(am, "parse"), i, p)
    {
        const char *s = json_string_value(p);
        if (s && !strcmp(s, kind)) return true;
    }
    json_array_foreach(list, i, p)
    {
        const char *s = json_string_value(p);
        if (id && s && !strcmp(s, id)) return true;
    }
    return false;
}

static void add_unique(json_t *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (!strcmp(json_string_value(e), id)) return;
    }
    if (json_array_size(list) < 100) json_array_append_new(list, json_string(id));
}

json_t *sd_message_mentions(const char *content, const json_t *am)
{
    json_t *users = json_array(), *roles = json_array();
    bool everyone = false;
    for (const char *p = content; *p; p++) {
        if (p[0] == '<' && p[1] == '@') {
            const char *q = p + 2;
            bool role = false;
            if (*q == '!')
                q++;
            else if (*q == '&') {
                role = true;
                q++;
            }
            size_t n = strspn(q, "0123456789");
            if (n > 0 && n <= 20 && q[n] == '>') {
                char id[24];
                memcpy(id, q, n);
                id[n] = '\0';
                if (role && allowed(am, "roles", id)) add_unique(roles, id);
                if (!role && allowed(am, "users", id)) add_unique(users, id);
                p = q + n;
            }
        } else if (p[0] == '@' && (!strncmp(p + 1, "everyone", 8) || !strncmp(p + 1, "here", 4))) {
            if (allowed(am, "everyone", NULL)) everyone = true;
        }
    }
    return json_pack("{s:o, s:o, s:b}", "users", users, "roles", roles, "everyone", everyone);
}

/* ---- output ---- */

/* A reaction key is "name:id" for a custom emoji ("a:name:id" when animated), else the unicode emoji itself.
 */
json_t *sd_emoji_json(const char *emoji)
{
    const char *colon = strrchr(emoji, ':');
    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        bool animated = !strncmp(emoji, "a:", 2) && colon > emoji + 1;
        const char *name = animated ? emoji + 2 : emoji;
        return json_pack("{s:s, s:s%, s:b}", "id", colon + 1, "name", name, (size_t)(colon - name),
                         "animated", animated);
    }
    return json_pack("{s:n, s:s}", "id", "name", emoji);
}

json_t *sd_reaction_event_json(bool add, const char *user_id, const char *channel_id, const char *message_id,
                               const char *emoji, const char *author_id)
{
    json_t *d = json_pack("{s:s, s:s, s:s, s:o, s:b, s:i}", "user_id", user_id, "channel_id", channel_id,
                          "message_id", message_id, "emoji", sd_emoji_json(emoji), "burst", 0, "type", 0);
    if (d && add) {
        json_object_set_new(d, "burst_colors", json_array());
        if (author_id && *author_id) json_object_set_new(d, "message_author_id", json_string(author_id));
    }
    return d;
}

json_t *sd_message_event_json(const json_t *message, const char *guild_id, json_t *member)
{
    json_t *d = json_copy((json_t *)message);
    if (d) {
        json_object_set_new(d, "guild_id", json_string(guild_id));
        if (member) json_object_set_new(d, "member", member);
    } else {
        json_decref(member);
    }
    return d;
}

json_t *sd_reactions_json(const json_t *m)
{
    json_t *out = json_array();
    const json_t *me = json_object_get(m, "_me");
    const char *emoji;
    json_t *count;
    json_object_foreach(json_object_get(m, "reactions"), emoji, count)
    {
        json_int_t n = json_integer_value(count);
        if (n <= 0) continue;
        json_array_append_new(out, json_pack("{s:I, s:{s:i, s:I}, s:b, s:b, s:o, s:[]}", "count", n,
                                             "count_details", "burst", 0, "normal", n, "me",
                                             json_is_true(json_object_get(me, emoji)), "me_burst", 0, "emoji",
                                             sd_emoji_json(emoji), "burst_colors"));
    }
    return out;
}

bool sd_emoji_valid(const char *emoji)
{
    size_t n = strlen(emoji);
    if (n == 0 || n > 64) return false;
    for (const unsigned char *p = (const unsigned char *)emoji; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return false;
    return true;
}

json_t *sd_message_json(const json_t *m, const json_t *users, const json_t *referenced)
{
    json_t *mentions = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(m, "mentions"), i, id)
    {
        json_t *u = json_object_get(users, json_string_value(id));
        if (u) json_array_append(mentions, u);
    }
    json_t *author = json_object_get(users, json_string_value(json_object_get(m, "author_id")));
    json_t *edited = json_object_get(m, "edited_timestamp");
    json_t *out =
        json_pack("{s:O, s:i, s:O, s:O, s:O, s:O, s:b, s:O, s:o, s:O, s:[], s:[], s:O, s:i, s:[]}", "id",
                  json_object_get(m, "id"), "type", (int)json_integer_value(json_object_get(m, "type")),
                  "channel_id", json_object_get(m, "channel_id"), "author", author ? author : json_null(),
                  "content", json_object_get(m, "content"), "timestamp", json_object_get(m, "timestamp"),
                  "tts", 0, "edited_timestamp", edited ? edited : json_null(), "mentions", mentions,
                  "mention_roles", json_object_get(m, "mention_roles"), "attachments", "embeds",
                  "mention_everyone", json_object_get(m, "mention_everyone"), "flags",
                  (int)json_integer_value(json_object_get(m, "flags")), "components");
    if (!out) return NULL;
    json_object_set_new(out, "pinned", json_boolean(json_is_true(json_object_get(m, "pinned"))));
    const json_t *g = json_object_get(m, "guild_id");
    if (json_is_string(g)) json_object_set(out, "guild_id", (json_t *)g);
    const json_t *nonce = json_object_get(m, "nonce");
    if (nonce) json_object_set(out, "nonce", (json_t *)nonce);
    json_t *reactions = sd_reactions_json(m);
    if (json_array_size(reactions))
        json_object_set_new(out, "reactions", reactions);
    else
        json_decref(reactions);
    const json_t *ref = json_object_get(m, "message_reference");
    if (ref) {
        json_object_set(out, "message_reference", (json_t *)ref);
        json_object_set_new(out, "referenced_message",
                            referenced ? sd_message_json(referenced, users, NULL) : json_null());
    }
    return out;
}
