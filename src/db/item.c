#include "db/item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *sd_item_s(const char *s)
{
    return json_pack("{s:s}", "S", s);
}

json_t *sd_item_n(long long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", n);
    return json_pack("{s:s}", "N", buf);
}

const char *sd_item_get_s(const json_t *item, const char *name)
{
    return json_string_value(json_object_get(json_object_get(item, name), "S"));
}

const char *sd_item_get_n(const json_t *item, const char *name)
{
    return json_string_value(json_object_get(json_object_get(item, name), "N"));
}

json_t *sd_item_marshal(const json_t *v)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_pack("{s:s%}", "S", json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return json_pack("{s:s}", "N", num);
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return json_pack("{s:s}", "N", num);
    case JSON_TRUE:
        return json_pack("{s:b}", "BOOL", 1);
    case JSON_FALSE:
        return json_pack("{s:b}", "BOOL", 0);
    case JSON_NULL:
        return json_pack("{s:b}", "NULL", 1);
    case JSON_OBJECT: {
        json_t *m = sd_item_from_json(v);
        return m ? json_pack("{s:o}", "M", m) : NULL;
    }
    case JSON_ARRAY: {
        json_t *l = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            json_t *a = sd_item_marshal(e);
            if (!a || json_array_append_new(l, a)) {
                json_decref(l);
                return NULL;
            }
        }
        return json_pack("{s:o}", "L", l);
    }
    }
    return NULL;
}

json_t *sd_item_from_json(const json_t *object)
{
    json_t *item = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)object, k, v)
    {
        json_t *a = sd_item_marshal(v);
        if (!a || json_object_set_new(item, k, a)) {
            json_decref(item);
            return NULL;
        }
    }
    return item;
}

json_t *sd_item_unmarshal(const json_t *attr)
{
    const char *type;
    json_t *v;
    json_object_foreach((json_t *)attr, type, v)
    {
        if (!strcmp(type, "S")) return json_copy(v);
        if (!strcmp(type, "N")) {
            const char *n = json_string_value(v);
            if (!n) return NULL;
            if (strpbrk(n, ".eE")) return json_real(strtod(n, NULL));
            return json_integer((json_int_t)strtoll(n, NULL, 10));
        }
        if (!strcmp(type, "BOOL")) return json_boolean(json_is_true(v));
        if (!strcmp(type, "NULL")) return json_null();
        if (!strcmp(type, "M")) return sd_item_to_json(v);
        if (!strcmp(type, "L")) {
            json_t *l = json_array();
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) json_array_append_new(l, sd_item_unmarshal(e));
            return l;
        }
        if (!strcmp(type, "SS")) return json_copy(v);
    }
    return NULL;
}

json_t *sd_item_to_json(const json_t *item)
{
    json_t *obj = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)item, k, v)
    {
        json_t *plain = sd_item_unmarshal(v);
        if (plain) json_object_set_new(obj, k, plain);
    }
    return obj;
}
