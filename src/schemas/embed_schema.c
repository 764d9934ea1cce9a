#include "schemas/embed_schema.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "schemas/fields.h"
#include "schemas/timestamp.h"
#include "schemas/user_schema.h"

#define PATH_SIZE 96
#define ATTACHMENT_SCHEME "attachment://"
#define ATTACHMENT_NAME_MAX 256

/* One embed being read: where its errors go and what it adds to the total. */
typedef struct {
    json_t *errors;
    char path[PATH_SIZE]; /* "embeds.3" */
    size_t total;
} reader_t;

static void fail(reader_t *r, const char *sub, const char *key, const char *code, const char *message)
{
    char path[PATH_SIZE * 2];
    snprintf(path, sizeof path, "%s%s%s.%s", r->path, sub ? "." : "", sub ? sub : "", key);
    sd_form_error_add(r->errors, path, code, message);
}

static void fail_type(reader_t *r, const char *sub, const char *key)
{
    fail(r, sub, key, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
}

/*
 * A string member key of obj (null counts as absent) copied into out when valid: at most max code points,
 * counted into the total when counted; with required, absent or empty is an error. Returns whether it is set.
 */
static bool text(reader_t *r, const json_t *obj, const char *sub, const char *key, size_t max, bool required,
                 bool counted, json_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
        if (required) fail(r, sub, key, "BASE_TYPE_REQUIRED", "This field is required");
        return false;
    }
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
        fail(r, sub, key, "BASE_TYPE_STRING", "Must be a string.");
        return false;
    }
    size_t n = sd_utf8_length(json_string_value(v));
    if (n > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "Must be %zu or fewer in length.", max);
        fail(r, sub, key, "BASE_TYPE_MAX_LENGTH", msg);
        return false;
    }
    if (counted) r->total += n;
    json_object_set(out, key, (json_t *)v);
    return true;
}

/* 0: a URL the field takes; 1: not a URL; 2: a URL of a scheme it does not take (its scheme in scheme). */
static int url_check(const char *s, bool attachment_ok, char *scheme, size_t cap)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f) return 1;
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    if (n == 0 || s[n] != ':' || strncmp(s + n, "://", 3) != 0) return 1;
    snprintf(scheme, cap, "%.*s", (int)(n < 32 ? n : 32), s);
    const char *rest = s + n + 3;
    if (attachment_ok && !strcasecmp(scheme, "attachment")) {
        size_t len = strlen(rest);
        return (len == 0 || len > ATTACHMENT_NAME_MAX || strchr(rest, '/')) ? 1 : 0;
    }
    if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) return 2;
    /* The authority: [userinfo@]host[:port], with a host. */
    size_t auth = strcspn(rest, "/?#");
    const char *at = memchr(rest, '@', auth);
    const char *host = at ? at + 1 : rest;
    size_t host_len = auth - (size_t)(host - rest);
    if (host_len == 0 || host[0] == ':') return 1;
    return 0;
}

bool sd_embed_url_valid(const char *s, bool attachment_ok)
{
    char scheme[40];
    return s && strlen(s) <= SD_EMBED_URL_MAX && url_check(s, attachment_ok, scheme, sizeof scheme) == 0;
}

/* A URL member key of obj copied into out when valid (http, https, and with attachment_ok attachment://). */
static bool url(reader_t *r, const json_t *obj, const char *sub, const char *key, bool attachment_ok,
                bool required, json_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) fail(r, sub, key, "BASE_TYPE_REQUIRED", "This field is required");
        return false;
    }
    const char *s = json_string_value(v);
    if (!s || strlen(s) != json_string_length(v)) {
        fail(r, sub, key, "BASE_TYPE_STRING", "Must be a string.");
        return false;
    }
    if (strlen(s) > SD_EMBED_URL_MAX) {
        fail(r, sub, key, "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.");
        return false;
    }
    char scheme[40], msg[160];
    switch (url_check(s, attachment_ok, scheme, sizeof scheme)) {
    case 0:
        json_object_set(out, key, (json_t *)v);
        return true;
    case 2:
        snprintf(msg, sizeof msg, "Scheme \"%s\" is not supported. Scheme must be one of %s.", scheme,
                 attachment_ok ? "('http', 'https', 'attachment')" : "('http', 'https')");
        fail(r, sub, key, "URL_TYPE_INVALID_SCHEME", msg);
        return false;
    default:
        fail(r, sub, key, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
        return false;
    }
}

/* embed[key] when it is an object (borrowed); NULL when absent or null, or after an error. */
static const json_t *sub_object(reader_t *r, const json_t *embed, const char *key)
{
    const json_t *v = json_object_get(embed, key);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_object(v)) {
        fail_type(r, NULL, key);
        return NULL;
    }
    return v;
}

/* Sets out[key] to obj when it got any member, else drops it. */
static void keep(json_t *out, const char *key, json_t *obj)
{
    if (json_object_size(obj)) json_object_set(out, key, obj);
    json_decref(obj);
}

/* image, thumbnail, video: {url}; a url is what makes one. */
static void media(reader_t *r, const json_t *embed, const char *key, bool attachment_ok, json_t *out)
{
    const json_t *m = sub_object(r, embed, key);
    if (!m) return;
    json_t *o = json_object();
    url(r, m, key, "url", attachment_ok, true, o);
    keep(out, key, o);
}

static void footer_author_provider(reader_t *r, const json_t *embed, json_t *out)
{
    const json_t *f = sub_object(r, embed, "footer");
    if (f) {
        json_t *o = json_object();
        text(r, f, "footer", "text", SD_EMBED_FOOTER_MAX, true, true, o);
        url(r, f, "footer", "icon_url", true, false, o);
        keep(out, "footer", o);
    }
    const json_t *a = sub_object(r, embed, "author");
    if (a) {
        json_t *o = json_object();
        text(r, a, "author", "name", SD_EMBED_AUTHOR_MAX, true, true, o);
        url(r, a, "author", "url", false, false, o);
        url(r, a, "author", "icon_url", true, false, o);
        keep(out, "author", o);
    }
    const json_t *p = sub_object(r, embed, "provider");
    if (p) {
        json_t *o = json_object();
        text(r, p, "provider", "name", SD_EMBED_PROVIDER_MAX, false, false, o);
        url(r, p, "provider", "url", false, false, o);
        keep(out, "provider", o);
    }
}

static void fields(reader_t *r, const json_t *embed, json_t *out)
{
    const json_t *list = json_object_get(embed, "fields");
    if (!list || json_is_null(list)) return;
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s.fields", r->path);
    if (!json_is_array(list)) {
        sd_form_error_add(r->errors, path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
        return;
    }
    if (json_array_size(list) > SD_EMBED_FIELDS_MAX) {
        sd_form_error_add(r->errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
        return;
    }
    json_t *kept = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f)
    {
        char sub[32], index[24];
        snprintf(sub, sizeof sub, "fields.%zu", i);
        snprintf(index, sizeof index, "%zu", i);
        if (!json_is_object(f)) {
            fail_type(r, "fields", index);
            continue;
        }
        json_t *o = json_object();
        text(r, f, sub, "name", SD_EMBED_FIELD_NAME_MAX, true, true, o);
        text(r, f, sub, "value", SD_EMBED_FIELD_VALUE_MAX, true, true, o);
        bool inline_ = false;
        json_t *ierr = json_object();
        sd_field_bool(f, ierr, "inline", &inline_);
        if (json_object_size(ierr))
            fail(r, sub, "inline", "BASE_TYPE_BOOLEAN", "Must be either true or false.");
        json_decref(ierr);
        json_object_set_new(o, "inline", json_boolean(inline_));
        json_array_append_new(kept, o);
    }
    json_object_set_new(out, "fields", kept);
}

static void scalars(reader_t *r, const json_t *embed, json_t *out)
{
    static const char *const types[] = {"rich", "image", "video", "gifv", "article", "link"};
    const json_t *type = json_object_get(embed, "type");
    const char *t = "rich";
    if (type && !json_is_null(type)) {
        if (!json_is_string(type))
            fail(r, NULL, "type", "BASE_TYPE_STRING", "Must be a string.");
        else
            for (size_t i = 0; i < sizeof types / sizeof *types; i++)
                if (!strcmp(json_string_value(type), types[i])) t = types[i];
    }
    json_object_set_new(out, "type", json_string(t));
    text(r, embed, NULL, "title", SD_EMBED_TITLE_MAX, false, true, out);
    text(r, embed, NULL, "description", SD_EMBED_DESCRIPTION_MAX, false, true, out);
    url(r, embed, NULL, "url", false, false, out);
    const json_t *ts = json_object_get(embed, "timestamp");
    long long ms;
    if (ts && !json_is_null(ts)) {
        const char *s = json_string_value(ts);
        if (s && json_string_length(ts) <= 64 && sd_timestamp_parse(s, &ms))
            json_object_set(out, "timestamp", (json_t *)ts);
        else
            fail(r, NULL, "timestamp", "DATE_TYPE_PARSE",
                 "Could not parse the timestamp. Should be ISO8601.");
    }
    const json_t *color = json_object_get(embed, "color");
    if (color && !json_is_null(color)) {
        if (!json_is_integer(color))
            fail(r, NULL, "color", "NUMBER_TYPE_COERCE", "Value is not int.");
        else if (json_integer_value(color) < 0)
            fail(r, NULL, "color", "NUMBER_TYPE_MIN", "int value should be greater than or equal to 0.");
        else if (json_integer_value(color) > 0xFFFFFF)
            fail(r, NULL, "color", "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.");
        else
            json_object_set(out, "color", (json_t *)color);
    }
}

static json_t *parse_one(reader_t *r, const json_t *embed)
{
    if (!json_is_object(embed)) {
        sd_form_error_add(r->errors, r->path, "DICT_TYPE_CONVERT",
                          "Only dictionaries may be used in a DictType");
        return NULL;
    }
    json_t *out = json_object();
    scalars(r, embed, out);
    footer_author_provider(r, embed, out);
    media(r, embed, "image", true, out);
    media(r, embed, "thumbnail", true, out);
    media(r, embed, "video", true, out);
    fields(r, embed, out);
    return out;
}

bool sd_embeds_parse(const json_t *body, json_t *errors, json_t **out)
{
    const char *key = "embeds";
    const json_t *list = json_object_get(body, "embeds");
    json_t *legacy = NULL;
    if (!list) {
        const json_t *one = json_object_get(body, "embed");
        if (!one) return false;
        key = "embed";
        list = legacy = json_is_null(one) ? json_array() : json_pack("[O]", one);
    }
    *out = NULL;
    json_t *sub = json_object();
    json_t *kept = json_array();
    size_t total = 0;
    if (json_is_null(list)) {
        /* no embeds */
    } else if (!json_is_array(list)) {
        sd_form_error_add(sub, key, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    } else if (json_array_size(list) > SD_EMBEDS_MAX) {
        sd_form_error_add(sub, key, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(list, i, e)
        {
            reader_t r = {.errors = sub};
            if (legacy)
                snprintf(r.path, sizeof r.path, "%s", key);
            else
                snprintf(r.path, sizeof r.path, "%s.%zu", key, i);
            json_t *one = parse_one(&r, e);
            if (one) json_array_append_new(kept, one);
            total += r.total;
        }
        if (!json_object_size(sub) && total > SD_EMBED_TOTAL_MAX)
            sd_form_error_add(sub, key, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
    }
    json_decref(legacy);
    if (json_object_size(sub)) {
        json_object_update(errors, sub);
        json_decref(kept);
    } else {
        *out = kept;
    }
    json_decref(sub);
    return true;
}

/* ---- output ---- */

static size_t count(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? sd_utf8_length(s) : 0;
}

bool sd_embeds_show_anything(const json_t *embeds)
{
    size_t i;
    json_t *e;
    json_array_foreach(embeds, i, e)
    {
        const char *key;
        json_t *v;
        json_object_foreach(e, key, v) if (strcmp(key, "type") && strcmp(key, "color")) return true;
    }
    return false;
}

size_t sd_embeds_size(const json_t *embeds)
{
    size_t n = 0, i, k;
    json_t *e, *f;
    json_array_foreach(embeds, i, e)
    {
        n += count(e, "title") + count(e, "description") + count(json_object_get(e, "footer"), "text") +
             count(json_object_get(e, "author"), "name");
        json_array_foreach(json_object_get(e, "fields"), k, f) n += count(f, "name") + count(f, "value");
    }
    return n;
}

static bool is_attachment_ref(const char *s)
{
    return s && !strncasecmp(s, ATTACHMENT_SCHEME, strlen(ATTACHMENT_SCHEME));
}

/* proxy_key := key for an http(s) link (there is no media proxy: the link is its own). */
static void proxy(json_t *obj, const char *key, const char *proxy_key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (s && !is_attachment_ref(s) && !json_object_get(obj, proxy_key))
        json_object_set_new(obj, proxy_key, json_string(s));
}

json_t *sd_embeds_json(const json_t *stored)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(stored, i, e)
    {
        if (!json_is_object(e)) continue;
        json_t *c = json_deep_copy(e);
        if (!c) continue;
        if (!json_object_get(c, "type")) json_object_set_new(c, "type", json_string("rich"));
        static const char *const media_keys[] = {"image", "thumbnail", "video"};
        for (size_t k = 0; k < 3; k++)
            proxy(json_object_get(c, media_keys[k]), "url", "proxy_url");
        proxy(json_object_get(c, "author"), "icon_url", "proxy_icon_url");
        proxy(json_object_get(c, "footer"), "icon_url", "proxy_icon_url");
        json_array_append_new(out, c);
    }
    return out;
}

static const json_t *attachment_named(const json_t *attachments, const char *ref)
{
    const char *name = ref + strlen(ATTACHMENT_SCHEME);
    size_t i;
    json_t *a;
    json_array_foreach(attachments, i, a)
    {
        const char *f = json_string_value(json_object_get(a, "filename"));
        if (f && !strcmp(f, name)) return a;
    }
    return NULL;
}

static void resolve(json_t *obj, const char *key, const char *proxy_key, bool media_,
                    const json_t *attachments)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!is_attachment_ref(s)) return;
    const json_t *a = attachment_named(attachments, s);
    if (!a || !json_is_string(json_object_get(a, "url"))) return;
    json_object_set(obj, key, json_object_get(a, "url"));
    const json_t *p = json_object_get(a, "proxy_url");
    json_object_set(obj, proxy_key, json_is_string(p) ? (json_t *)p : json_object_get(a, "url"));
    if (!media_) return;
    static const char *const copied[] = {"width", "height", "content_type"};
    for (size_t k = 0; k < 3; k++) {
        const json_t *v = json_object_get(a, copied[k]);
        if (v && !json_is_null(v)) json_object_set(obj, copied[k], (json_t *)v);
    }
}

void sd_embeds_render(json_t *embeds, const json_t *attachments)
{
    if (!json_array_size(attachments)) return;
    size_t i;
    json_t *e;
    json_array_foreach(embeds, i, e)
    {
        static const char *const media_keys[] = {"image", "thumbnail", "video"};
        for (size_t k = 0; k < 3; k++)
            resolve(json_object_get(e, media_keys[k]), "url", "proxy_url", true, attachments);
        resolve(json_object_get(e, "author"), "icon_url", "proxy_icon_url", false, attachments);
        resolve(json_object_get(e, "footer"), "icon_url", "proxy_icon_url", false, attachments);
    }
}
