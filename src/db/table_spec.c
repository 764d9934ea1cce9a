#include "db/table_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static sd_err_t bad(char *err, size_t errlen, const char *file, const char *table, const char *fmt, ...)
{
    char why[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (table)
        snprintf(err, errlen, "%s: table '%s': %s", file, table, why);
    else
        snprintf(err, errlen, "%s: %s", file, why);
    return SD_ERR_INVALID;
}

static int valid_name(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max) return 0;
    for (; *s; s++)
        if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* Checks that key (hash or range) names a declared attribute and marks it used. */
static sd_err_t check_key(const json_t *t, const json_t *attrs, json_t *used, const char *what, int required,
                          const char *file, const char *name, const char *owner, char *err, size_t errlen)
{
    const json_t *k = json_object_get(t, what);
    if (!k || json_is_null(k)) {
        if (required) return bad(err, errlen, file, name, "%s'%s' is missing", owner, what);
        return SD_OK;
    }
    if (!json_is_string(k)) return bad(err, errlen, file, name, "%s'%s' must be a string", owner, what);
    const char *attr = json_string_value(k);
    if (!json_object_get(attrs, attr))
        return bad(err, errlen, file, name, "%s%s '%s' is not among its attributes", owner, what, attr);
    json_object_set_new(used, attr, json_true());
    return SD_OK;
}

static sd_err_t check_table(const char *name, const json_t *t, const char *file, char *err, size_t errlen)
{
    static const char *const known[] = {
        "hash_key",      "range_key",   "attributes", "global_secondary_indexes",
        "ttl_attribute", "description", "cached"};
    if (!json_is_object(t)) return bad(err, errlen, file, name, "must be an object");
    if (!valid_name(name, 3, 200))
        return bad(err, errlen, file, name, "name must be 3-200 of [A-Za-z0-9_.-]");
    const char *field;
    json_t *v;
    json_object_foreach((json_t *)t, field, v)
    {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= strcmp(field, known[i]) == 0;
        if (!ok) return bad(err, errlen, file, name, "unknown field '%s'", field);
    }
    const json_t *cached = json_object_get(t, "cached");
    if (cached && !json_is_boolean(cached))
        return bad(err, errlen, file, name, "'cached' must be true or false");
    const json_t *attrs = json_object_get(t, "attributes");
    if (!json_is_object(attrs) || json_object_size(attrs) == 0)
        return bad(err, errlen, file, name, "'attributes' must be a non-empty object");
    const char *an;
    json_t *at;
    json_object_foreach((json_t *)attrs, an, at)
    {
        const char *ty = json_string_value(at);
        if (!ty || (strcmp(ty, "S") && strcmp(ty, "N") && strcmp(ty, "B")))
            return bad(err, errlen, file, name, "attribute '%s' must have type \"S\", \"N\" or \"B\"", an);
    }
    json_t *used = json_object();
    sd_err_t rc = SD_OK;
    if ((rc = check_key(t, attrs, used, "hash_key", 1, file, name, "", err, errlen))) goto out;
    if ((rc = check_key(t, attrs, used, "range_key", 0, file, name, "", err, errlen))) goto out;
    const json_t *gsis = json_object_get(t, "global_secondary_indexes");
    if (gsis && !json_is_array(gsis)) {
        rc = bad(err, errlen, file, name, "'global_secondary_indexes' must be an array");
        goto out;
    }
    size_t i;
    json_t *g;
    json_array_foreach(gsis, i, g)
    {
        const char *gname = json_string_value(json_object_get(g, "name"));
        if (!gname || !valid_name(gname, 3, 255)) {
            rc = bad(err, errlen, file, name, "index %zu needs a 'name' of 3-255 of [A-Za-z0-9_.-]", i);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(gname, json_string_value(json_object_get(json_array_get(gsis, j), "name"))) == 0) {
                rc = bad(err, errlen, file, name, "index '%s' is defined twice", gname);
                goto out;
            }
        char what[300], owner[304];
        snprintf(what, sizeof what, "index '%s'", gname);
        snprintf(owner, sizeof owner, "%s: ", what);
        if ((rc = check_key(g, attrs, used, "hash_key", 1, file, name, owner, err, errlen))) goto out;
        if ((rc = check_key(g, attrs, used, "range_key", 0, file, name, owner, err, errlen))) goto out;
        const char *proj = json_string_value(json_object_get(g, "projection"));
        if (!proj || (strcmp(proj, "ALL") && strcmp(proj, "KEYS_ONLY") && strcmp(proj, "INCLUDE"))) {
            rc = bad(err, errlen, file, name, "%s: 'projection' must be ALL, KEYS_ONLY or INCLUDE", what);
            goto out;
        }
        const json_t *nk = json_object_get(g, "non_key_attributes");
        if (strcmp(proj, "INCLUDE") == 0 && (!json_is_array(nk) || json_array_size(nk) == 0)) {
            rc =
                bad(err, errlen, file, name, "%s: INCLUDE needs a non-empty 'non_key_attributes' list", what);
            goto out;
        }
    }
    json_object_foreach((json_t *)attrs, an, at)
    {
        if (!json_object_get(used, an)) {
            rc = bad(err, errlen, file, name, "attribute '%s' is not a key of the table or of an index", an);
            goto out;
        }
    }
    const json_t *ttl = json_object_get(t, "ttl_attribute");
    if (ttl && !json_is_null(ttl) && (!json_is_string(ttl) || !json_string_length(ttl)))
        rc = bad(err, errlen, file, name, "'ttl_attribute' must be a non-empty string");
out:
    json_decref(used);
    return rc;
}

sd_err_t sd_table_spec_validate(const json_t *root, const char *file, char *err, size_t errlen)
{
    if (!json_is_object(root)) return bad(err, errlen, file, NULL, "the document must be a JSON object");
    const json_t *tables = json_object_get(root, "tables");
    if (!json_is_object(tables) || json_object_size(tables) == 0)
        return bad(err, errlen, file, NULL, "'tables' must be a non-empty object");
    const char *name;
    json_t *t;
    json_object_foreach((json_t *)tables, name, t)
    {
        sd_err_t rc = check_table(name, t, file, err, errlen);
        if (rc) return rc;
    }
    return SD_OK;
}

json_t *sd_table_spec_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    json_t *tables = NULL;
    if (sd_table_spec_validate(root, path, err, errlen) == SD_OK)
        tables = json_incref(json_object_get(root, "tables"));
    json_decref(root);
    return tables;
}

static json_t *key_schema(const json_t *t)
{
    json_t *ks = json_pack("[{s:s, s:s}]", "AttributeName", json_string_value(json_object_get(t, "hash_key")),
                           "KeyType", "HASH");
    const char *range = json_string_value(json_object_get(t, "range_key"));
    if (ks && range)
        json_array_append_new(ks, json_pack("{s:s, s:s}", "AttributeName", range, "KeyType", "RANGE"));
    return ks;
}

static json_t *gsi_json(const json_t *g)
{
    const char *proj = json_string_value(json_object_get(g, "projection"));
    json_t *p = json_pack("{s:s}", "ProjectionType", proj);
    if (p && strcmp(proj, "INCLUDE") == 0)
        json_object_set(p, "NonKeyAttributes", json_object_get(g, "non_key_attributes"));
    return json_pack("{s:s, s:o, s:o}", "IndexName", json_string_value(json_object_get(g, "name")),
                     "KeySchema", key_schema(g), "Projection", p);
}

json_t *sd_table_spec_attribute_definitions(const json_t *table)
{
    json_t *defs = json_array();
    const char *an;
    json_t *at;
    json_object_foreach(json_object_get(table, "attributes"), an, at)
        json_array_append_new(defs, json_pack("{s:s, s:O}", "AttributeName", an, "AttributeType", at));
    return defs;
}

json_t *sd_table_spec_create_request(const json_t *table, const char *full_name)
{
    json_t *req = json_pack("{s:s, s:o, s:o, s:s}", "TableName", full_name, "AttributeDefinitions",
                            sd_table_spec_attribute_definitions(table), "KeySchema", key_schema(table),
                            "BillingMode", "PAY_PER_REQUEST");
    const json_t *gsis = json_object_get(table, "global_secondary_indexes");
    if (req && json_array_size(gsis)) {
        json_t *list = json_array();
        size_t i;
        json_t *g;
        json_array_foreach(gsis, i, g) json_array_append_new(list, gsi_json(g));
        json_object_set_new(req, "GlobalSecondaryIndexes", list);
    }
    return req;
}

json_t *sd_table_spec_gsi_create(const json_t *gsi)
{
    return json_pack("{s:o}", "Create", gsi_json(gsi));
}
