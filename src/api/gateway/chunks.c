#include "api/gateway/chunks.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/member_service.h"
#include "services/snowflake.h"

#define PAGE 1000       /* members read per call, and members per chunk */
#define MAX_MEMBERS 100 /* Discord's cap on a query's limit and on user_ids */

typedef struct {
    sd_app_t *app;
    sd_chunks_cb cb;
    void *ctx;
    char user_id[24];
    char guild_id[24];
    char query[101];
    size_t limit;    /* 0: no limit (an empty query asks for every member) */
    json_t *wanted;  /* user_ids as {id: true}, or NULL */
    json_t *nonce;   /* or NULL */
    json_t *members; /* kept so far */
    bool presences;  /* asked for */
} job_t;

static bool starts_with(const json_t *s, const char *prefix)
{
    const char *v = json_string_value(s);
    return v && strncasecmp(v, prefix, strlen(prefix)) == 0;
}

static bool kept(const job_t *j, const json_t *m)
{
    const json_t *user = json_object_get(m, "user");
    if (j->wanted) return json_object_get(j->wanted, json_string_value(json_object_get(user, "id"))) != NULL;
    return !j->query[0] || starts_with(json_object_get(user, "username"), j->query) ||
           starts_with(json_object_get(user, "global_name"), j->query) ||
           starts_with(json_object_get(m, "nick"), j->query);
}

static void finish(job_t *j)
{
    size_t n = json_array_size(j->members);
    size_t count = n ? (n + PAGE - 1) / PAGE : 1;
    json_t *chunks = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *part = json_array();
        for (size_t k = i * PAGE; k < n && k < (i + 1) * PAGE; k++)
            json_array_append(part, json_array_get(j->members, k));
        json_t *c = json_pack("{s:s, s:o, s:I, s:I}", "guild_id", j->guild_id, "members", part, "chunk_index",
                              (json_int_t)i, "chunk_count", (json_int_t)count);
        if (j->nonce) json_object_set(c, "nonce", j->nonce);
        if (j->presences) json_object_set_new(c, "presences", json_array()); /* filled by the gateway */
        json_array_append_new(chunks, c);
    }
    if (j->wanted) { /* the ids asked for that are not members */
        size_t i;
        json_t *m;
        json_array_foreach(j->members, i, m)
            json_object_del(j->wanted, json_string_value(json_object_get(json_object_get(m, "user"), "id")));
        json_t *missing = json_array();
        const char *id;
        json_t *v;
        json_object_foreach(j->wanted, id, v) json_array_append_new(missing, json_string(id));
        json_object_set_new(json_array_get(chunks, 0), "not_found", missing);
    }
    j->cb(chunks, j->ctx);
    json_decref(chunks);
    json_decref(j->wanted);
    json_decref(j->nonce);
    json_decref(j->members);
    free(j);
}

static void on_page(const sd_outcome_t *o, void *ctx)
{
    job_t *j = ctx;
    if (o->fault.err) { /* not a member (or the guild is gone): nothing to show */
        finish(j);
        return;
    }
    size_t i;
    json_t *m;
    json_array_foreach(o->body, i, m)
    {
        if (j->limit && json_array_size(j->members) >= j->limit) break;
        if (kept(j, m)) json_array_append(j->members, m);
    }
    size_t got = json_array_size(o->body);
    bool full = j->limit && json_array_size(j->members) >= j->limit;
    if (got < PAGE || full) {
        finish(j);
        return;
    }
    const char *last =
        json_string_value(json_object_get(json_object_get(json_array_get(o->body, got - 1), "user"), "id"));
    char after[24];
    snprintf(after, sizeof after, "%s", last ? last : "");
    sd_member_service_list(j->app, j->user_id, j->guild_id, after, PAGE, on_page, j);
}

/* A snowflake given as a string or, as some libraries send it, a number; into out (24 bytes). */
static bool snowflake(const json_t *v, char *out)
{
    if (json_is_integer(v) && json_integer_value(v) > 0)
        snprintf(out, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_string(v) && json_string_length(v) < 24)
        snprintf(out, 24, "%s", json_string_value(v));
    else
        return false;
    return sd_snowflake_parse(out) != 0;
}

/* user_ids: one snowflake or an array of up to 100; returns them as {id: true}, or NULL when malformed. */
static json_t *wanted_ids(const json_t *ids)
{
    json_t *out = json_object();
    char id[24];
    if (!json_is_array(ids)) {
        if (!snowflake(ids, id)) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, id, json_true());
        return out;
    }
    size_t i;
    json_t *v;
    if (json_array_size(ids) > MAX_MEMBERS) {
        json_decref(out);
        return NULL;
    }
    json_array_foreach(ids, i, v)
    {
        if (!snowflake(v, id)) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, id, json_true());
    }
    return out;
}

int sd_chunks_request(sd_app_t *app, const char *user_id, const json_t *d, sd_chunks_cb cb, void *ctx)
{
    const json_t *guild = json_object_get(d, "guild_id"), *query = json_object_get(d, "query");
    const json_t *limit = json_object_get(d, "limit"), *ids = json_object_get(d, "user_ids");
    const json_t *nonce = json_object_get(d, "nonce"), *presences = json_object_get(d, "presences");
    char guild_id[24];
    if (!json_is_object(d) || !snowflake(guild, guild_id) || (query && !json_is_string(query)) ||
        (query && json_string_length(query) > 100) ||
        (limit && (!json_is_integer(limit) || json_integer_value(limit) < 0)) || (!query && !ids) ||
        (nonce && (!json_is_string(nonce) || json_string_length(nonce) > 32)) ||
        (presences && !json_is_boolean(presences) && !json_is_null(presences)))
        return 4002;
    json_t *wanted = ids ? wanted_ids(ids) : NULL;
    if (ids && !wanted) return 4002;
    job_t *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(wanted);
        return 4000;
    }
    *j = (job_t){.app = app, .cb = cb, .ctx = ctx, .wanted = wanted, .members = json_array()};
    snprintf(j->user_id, sizeof j->user_id, "%s", user_id);
    snprintf(j->guild_id, sizeof j->guild_id, "%s", guild_id);
    snprintf(j->query, sizeof j->query, "%s", query ? json_string_value(query) : "");
    j->limit = (size_t)json_integer_value(limit);
    if (j->query[0] && (!j->limit || j->limit > MAX_MEMBERS)) j->limit = MAX_MEMBERS;
    if (nonce) j->nonce = json_incref((json_t *)nonce);
    j->presences = json_is_true(presences);
    sd_member_service_list(app, user_id, j->guild_id, "0", PAGE, on_page, j);
    return 0;
}
