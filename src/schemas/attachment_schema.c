#include "schemas/attachment_schema.h"

#include <stdio.h>
#include <string.h>

#include "core/cdn_sign.h"
#include "core/errors.h"
#include "repositories/blob_repo.h"
#include "schemas/fields.h"

static bool safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

void sd_attachment_filename(const char *name, char *out, size_t cap)
{
    /* exactly the store's own sanitising, so that a name given later matches a key made from it */
    char buf[SD_BLOB_MAX_FILENAME + 1];
    sd_blob_sanitize_filename(name, buf);
    snprintf(out, cap, "%s", buf);
}

bool sd_attachment_key_of(const char *key, const char *channel_id, char *attachment_id, const char **filename)
{
    char prefix[64];
    int len = snprintf(prefix, sizeof prefix, "attachments/%s/", channel_id);
    if (!key || len <= 0 || (size_t)len >= sizeof prefix || strncmp(key, prefix, (size_t)len) != 0)
        return false;
    const char *id = key + len;
    size_t digits = strspn(id, "0123456789");
    if (digits == 0 || digits > 20 || id[digits] != '/') return false;
    const char *name = id + digits + 1;
    size_t n = strlen(name);
    if (n == 0 || n > SD_ATTACHMENT_FILENAME_MAX || strspn(name, ".") == n) return false;
    for (size_t i = 0; i < n; i++)
        if (!safe((unsigned char)name[i])) return false;
    memcpy(attachment_id, id, digits);
    attachment_id[digits] = '\0';
    *filename = name;
    return true;
}

json_t *sd_attachment_record(const char *id, const char *name, const char *description, const char *key,
                             int64_t size, const sd_attachment_kind_t *kind)
{
    const char *filename = strrchr(key, '/');
    filename = filename ? filename + 1 : key;
    /* the title: the name as sent, without its extension (Discord keeps special characters there) */
    const char *shown = name && *name ? name : filename;
    const char *dot = strrchr(shown, '.');
    size_t title_len = dot && dot != shown ? (size_t)(dot - shown) : strlen(shown);
    bool spoiler = strncmp(filename, "SPOILER_", 8) == 0;
    json_t *a = json_pack("{s:s, s:s, s:s%, s:s, s:I, s:s, s:i}", "id", id, "filename", filename, "title",
                          shown, title_len, "content_type", kind->content_type, "size", (json_int_t)size,
                          "key", key, "flags", spoiler ? SD_ATTACHMENT_IS_SPOILER : 0);
    if (!a) return NULL;
    if (description && *description) json_object_set_new(a, "description", json_string(description));
    if (kind->width > 0 && kind->height > 0) {
        json_object_set_new(a, "width", json_integer(kind->width));
        json_object_set_new(a, "height", json_integer(kind->height));
    }
    return a;
}

/* The origin of CDN links: CDN_URL, else this server (an any-address listener is reached on loopback). */
static void origin_of(const sd_config_t *cfg, char *out, size_t cap)
{
    if (cfg->cdn_url[0]) {
        size_t n = strlen(cfg->cdn_url);
        while (n > 0 && cfg->cdn_url[n - 1] == '/')
            n--;
        snprintf(out, cap, "%.*s", (int)n, cfg->cdn_url);
        return;
    }
    const char *host = cfg->host;
    if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::") || !strcmp(host, "[::]")) host = "127.0.0.1";
    snprintf(out, cap, "http://%s:%d", host, cfg->port);
}

json_t *sd_attachment_json(const sd_config_t *cfg, const json_t *stored, time_t now)
{
    static const char *const copied[] = {"id",   "filename", "title",  "description", "content_type",
                                         "size", "width",    "height", "flags",       "duration_secs"};
    json_t *out = json_object();
    if (!out) return NULL;
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        json_t *v = json_object_get(stored, copied[i]);
        if (v) json_object_set(out, copied[i], v);
    }
    char origin[600], path[SD_ATTACHMENT_KEY_MAX + 2], url[1200];
    snprintf(origin, sizeof origin, "%s", "");
    origin_of(cfg, origin, sizeof origin);
    snprintf(path, sizeof path, "/%s", json_string_value(json_object_get(stored, "key")));
    if (sd_cdn_sign(cfg->cdn_secret, origin, path, now, cfg->cdn_url_ttl_seconds, url, sizeof url) == SD_OK) {
        json_object_set_new(out, "url", json_string(url));
        json_object_set_new(out, "proxy_url", json_string(url));
    }
    if (!json_object_get(out, "width")) {
        json_object_set_new(out, "width", json_null());
        json_object_set_new(out, "height", json_null());
    }
    return out;
}

json_t *sd_attachments_json(const sd_config_t *cfg, const json_t *message, time_t now)
{
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(message, "attachments"), i, a)
        json_array_append_new(out, sd_attachment_json(cfg, a, now));
    return out;
}

/* ---- request bodies ---- */

/* One entry of a message's attachments array: its errors under attachments.<i>. */
static json_t *ref_parse(const json_t *e, json_t *errors, size_t i)
{
    char path[64], id[SD_FIELD_ID_SIZE];
    json_t *sub = json_object(), *r = json_object();
    const char *s;
    if (!json_is_object(e)) {
        sd_form_error_add(sub, "_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    } else {
        if (sd_field_id(e, sub, "id", false, id))
            json_object_set_new(r, "id", json_string(id));
        else if (!json_object_size(sub))
            sd_field_required(sub, "id");
        if (sd_field_string(e, sub, "filename", 1, 1024, true, &s) && s)
            json_object_set_new(r, "filename", json_string(s));
        if (sd_field_string(e, sub, "description", 0, SD_ATTACHMENT_DESCRIPTION_MAX, true, &s) && s)
            json_object_set_new(r, "description", json_string(s));
        if (sd_field_string(e, sub, "uploaded_filename", 1, SD_ATTACHMENT_KEY_MAX, false, &s))
            json_object_set_new(r, "uploaded_filename", json_string(s));
    }
    if (json_object_size(sub)) {
        snprintf(path, sizeof path, "%zu", i);
        json_object_set(errors, path, sub);
        json_decref(r);
        r = NULL;
    }
    json_decref(sub);
    return r;
}

json_t *sd_attachment_refs_parse(const json_t *body, json_t *errors, size_t max)
{
    const json_t *list = json_object_get(body, "attachments");
    if (!list || json_is_null(list)) return NULL;
    if (!json_is_array(list)) {
        sd_form_error_add(errors, "attachments", "LIST_TYPE_CONVERT",
                          "Only iterables may be used in a ListType");
        return NULL;
    }
    if (json_array_size(list) > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "Must be %zu or fewer in length.", max);
        sd_form_error_add(errors, "attachments", "BASE_TYPE_MAX_LENGTH", msg);
        return NULL;
    }
    json_t *out = json_array(), *sub = json_object(), *seen = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        json_t *r = ref_parse(e, sub, i);
        if (!r) continue;
        const char *id = json_string_value(json_object_get(r, "id"));
        if (json_object_get(seen, id)) {
            char path[64];
            snprintf(path, sizeof path, "%zu.id", i);
            sd_form_error_add(sub, path, "ATTACHMENT_ID_DUPLICATE", "Attachment ids must be unique.");
        }
        json_object_set_new(seen, id, json_true());
        json_array_append_new(out, r);
    }
    json_decref(seen);
    if (json_object_size(sub)) {
        json_object_set(errors, "attachments", sub);
        json_decref(out);
        out = NULL;
    }
    json_decref(sub);
    return out;
}

json_t *sd_attachment_presign_in_parse(const json_t *body, json_t **errors_out)
{
    json_t *errors = json_object(), *out = NULL;
    const json_t *files = json_object_get(body, "files");
    if (!json_is_object(body)) {
        sd_form_error_add(errors, "_root", "DICT_TYPE_CONVERT",
                          "Only dictionaries may be used in a DictType");
    } else if (!files) {
        sd_field_required(errors, "files");
    } else if (!json_is_array(files) || json_array_size(files) < 1 ||
               json_array_size(files) > SD_ATTACHMENT_PRESIGN_MAX) {
        sd_form_error_add(errors, "files", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 10 in length.");
    } else {
        out = json_array();
        size_t i;
        json_t *f;
        json_array_foreach(files, i, f)
        {
            char path[32], id[SD_FIELD_ID_SIZE];
            json_t *sub = json_object();
            const char *name = NULL;
            long long size = 0;
            snprintf(id, sizeof id, "%zu", i);
            if (!json_is_object(f)) {
                sd_form_error_add(sub, "_root", "DICT_TYPE_CONVERT",
                                  "Only dictionaries may be used in a DictType");
            } else {
                if (json_object_get(f, "id") && !sd_field_id(f, sub, "id", false, id)) id[0] = '\0';
                if (!sd_field_string(f, sub, "filename", 1, 1024, false, &name) &&
                    !json_object_get(f, "filename"))
                    sd_field_required(sub, "filename");
                if (!sd_field_int(f, sub, "file_size", 0, 1LL << 50, &size) &&
                    !json_object_get(f, "file_size"))
                    sd_field_required(sub, "file_size");
            }
            if (json_object_size(sub)) {
                snprintf(path, sizeof path, "%zu", i);
                json_t *holder = json_object_get(errors, "files");
                if (!holder) json_object_set_new(errors, "files", holder = json_object());
                json_object_set(holder, path, sub);
            } else {
                json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "id", id, "filename", name,
                                                     "file_size", (json_int_t)size));
            }
            json_decref(sub);
        }
    }
    *errors_out = sd_field_finish(errors);
    if (*errors_out) {
        json_decref(out);
        return NULL;
    }
    return out;
}
