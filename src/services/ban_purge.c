#include "services/ban_purge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repositories/attachment_repo.h"
#include "repositories/guild_repo.h"
#include "repositories/message_repo.h"
#include "schemas/guild_schema.h"
#include "services/blob_gc.h"
#include "services/events.h"
#include "services/snowflake.h"

#define PAGE 100

/* One purge, channel after channel, page after page; freed when the last channel is done. */
typedef struct {
    sd_app_t *app;
    char guild_id[24], target[24];
    uint64_t since;   /* the first id of the window */
    json_t *channels; /* the guild's channels */
    size_t ci;        /* the channel being read */
    uint64_t anchor;  /* the last id read in it */
    int pages;
    bool more;
    int pending;     /* deletions in flight */
    json_t *deleted; /* ids deleted in the channel */
} purge_t;

static void next_channel(purge_t *p);

static void finish_channel(purge_t *p)
{
    const char *channel_id = json_string_value(json_object_get(json_array_get(p->channels, p->ci), "id"));
    if (json_array_size(p->deleted))
        sd_events_publish(p->app, "MESSAGE_DELETE_BULK", p->guild_id, channel_id, NULL, 0,
                          json_pack("{s:O, s:s, s:s}", "ids", p->deleted, "channel_id", channel_id,
                                    "guild_id", p->guild_id));
    json_decref(p->deleted);
    p->deleted = NULL;
    p->ci++;
    next_channel(p);
}

static void fetch_page(purge_t *p);

static void after_page(purge_t *p)
{
    if (p->more)
        fetch_page(p);
    else
        finish_channel(p);
}

typedef struct {
    purge_t *p;
    char id[24];
} one_t;

static void on_deleted(sd_err_t err, json_t *res, void *ctx)
{
    (void)res;
    one_t *one = ctx;
    purge_t *p = one->p;
    if (!err) {
        json_array_append_new(p->deleted, json_string(one->id));
        sd_blob_gc_kick(p->app);
    }
    free(one);
    if (--p->pending == 0) after_page(p);
}

static void on_page(sd_err_t err, json_t *messages, void *ctx)
{
    purge_t *p = ctx;
    if (err) {
        finish_channel(p);
        return;
    }
    p->more = json_array_size(messages) == PAGE && ++p->pages < SD_BAN_PURGE_MAX_PAGES;
    p->pending = 1; /* held until every deletion of the page has started */
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        uint64_t n = sd_snowflake_parse(id);
        if (n > p->anchor) p->anchor = n;
        const char *author = json_string_value(json_object_get(m, "author_id"));
        if (!id || !author || strcmp(author, p->target)) continue;
        one_t *one = malloc(sizeof *one);
        if (!one) continue;
        *one = (one_t){.p = p};
        snprintf(one->id, sizeof one->id, "%s", id);
        p->pending++;
        /* its files are deleted from the store by the deletion job (services/blob_gc) */
        if (sd_attachment_repo_delete_message(p->app->db, m, on_deleted, one)) {
            p->pending--;
            free(one);
        }
    }
    if (--p->pending == 0) after_page(p);
}

static void fetch_page(purge_t *p)
{
    const char *channel_id = json_string_value(json_object_get(json_array_get(p->channels, p->ci), "id"));
    if (sd_message_repo_page(p->app->db, channel_id, p->anchor, false, false, PAGE, on_page, p))
        finish_channel(p);
}

static void next_channel(purge_t *p)
{
    for (; p->ci < json_array_size(p->channels); p->ci++) {
        const json_t *c = json_array_get(p->channels, p->ci);
        if (json_integer_value(json_object_get(c, "type")) != SD_CHANNEL_TEXT) continue;
        p->anchor = p->since;
        p->pages = 0;
        p->deleted = json_array();
        fetch_page(p);
        return;
    }
    json_decref(p->channels);
    free(p);
}

static void on_channels(sd_err_t err, json_t *channels, void *ctx)
{
    purge_t *p = ctx;
    if (err) {
        free(p);
        return;
    }
    p->channels = json_incref(channels);
    next_channel(p);
}

void sd_ban_purge_start(sd_app_t *app, const char *guild_id, const char *target, long long secs)
{
    purge_t *p = calloc(1, sizeof *p);
    if (!p) return;
    p->app = app;
    snprintf(p->guild_id, sizeof p->guild_id, "%s", guild_id);
    snprintf(p->target, sizeof p->target, "%s", target);
    uint64_t now = sd_snowflake_now_ms(), window = (uint64_t)secs * 1000;
    p->since = now > window ? (now - window) << 22 : 0;
    if (sd_channel_repo_list(app->db, guild_id, on_channels, p)) free(p);
}
