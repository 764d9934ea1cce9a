#include "services/guild_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repositories/emoji_repo.h"
#include "repositories/guild_repo.h"
#include "schemas/emoji_schema.h"
#include "schemas/guild_objects.h"
#include "schemas/guild_schema.h"
#include "services/gjob.h"
#include "services/image_fields.h"
#include "services/permissions.h"

static void now_iso(char *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sd_iso_time((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, out);
}

/* ---- create ---- */

static void on_created(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    json_t *g = sd_guild_json(j->guild);
    json_object_set_new(g, "channels", json_pack("[o]", sd_channel_json(j->channel)));
    sd_gjob_ok(j, SD_OUTCOME_CREATED, g);
}

/* The image fields of a guild, as data URIs in the input and hashes in the stored guild. */
static const sd_image_field_t guild_images[] = {{"icon", SD_IMAGE_ICON},
                                                {"banner", SD_IMAGE_BANNER},
                                                {"splash", SD_IMAGE_SPLASH},
                                                {"discovery_splash", SD_IMAGE_SPLASH}};
#define GUILD_IMAGES (sizeof guild_images / sizeof *guild_images)

/* Answers a failed image save; true when it did. */
static bool images_failed(sd_gjob_t *j, sd_err_t err, json_t *errors)
{
    if (!err) return false;
    if (err == SD_ERR_INVALID && errors)
        sd_gjob_form(j, json_incref(errors));
    else
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
    return true;
}

/* Stores the images of j->input (its data URIs become hashes), then runs next. */
static void with_images(sd_gjob_t *j, sd_image_fields_fn then)
{
    if (!sd_image_fields_pending(j->input, guild_images, GUILD_IMAGES)) {
        then(SD_OK, NULL, j);
        return;
    }
    sd_gjob_started(j,
                    sd_image_fields_save(j->app, j->input, guild_images, GUILD_IMAGES, j->guild_id, then, j));
}

static void create_write(sd_err_t err, json_t *errors, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (images_failed(j, err, errors)) return;
    json_t *input = j->input;
    char cid[24], when[40], perms[21];
    const char *gid = j->guild_id, *user_id = j->user_id;
    sd_gjob_new_id(j, cid);
    now_iso(when);
    sd_permissions_format(SD_PERM_DEFAULT_EVERYONE, perms);
    j->guild = json_pack("{s:s, s:O, s:s, s:i, s:s, s:{s:{s:s, s:s, s:i, s:i, s:b, s:b}}}", "id", gid, "name",
                         json_object_get(input, "name"), "owner_id", user_id, "member_count", 1, "created_at",
                         when, "roles", gid, "name", "@everyone", "permissions", perms, "position", 0,
                         "color", 0, "hoist", 0, "mentionable", 0);
    for (size_t i = 0; j->guild && i < GUILD_IMAGES; i++) {
        json_t *v = json_object_get(input, guild_images[i].field);
        if (json_is_string(v)) json_object_set(j->guild, guild_images[i].field, v);
    }
    if (j->guild && !json_object_get(j->guild, "icon")) json_object_set_new(j->guild, "icon", json_null());
    j->channel = json_pack("{s:s, s:s, s:i, s:s, s:n, s:i, s:n, s:b, s:{}}", "id", cid, "guild_id", gid,
                           "type", SD_CHANNEL_TEXT, "name", "general", "topic", "position", 0, "parent_id",
                           "nsfw", 0, "permission_overwrites");
    json_t *member = json_pack("{s:s, s:s, s:n, s:[], s:s}", "guild_id", gid, "user_id", user_id, "nick",
                               "roles", "joined_at", when);
    sd_gjob_started(j, sd_guild_repo_create(j->app->db, json_incref(j->guild), member,
                                            json_incref(j->channel), on_created, j));
}

void sd_guild_service_create(sd_app_t *app, const char *user_id, json_t *input, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, input, cb, ctx);
    if (!j) return;
    sd_gjob_new_id(j, j->guild_id); /* first: the images are stored under the guild's id */
    with_images(j, create_write);
}

/* ---- get ---- */

static void on_guild_emojis(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err && !j->counter) { /* after a write (counter set), the guild is answered even without its emoji */
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    json_t *g = sd_guild_json(j->guild);
    if (g && !err) json_object_set_new(g, "emojis", sd_emojis_json(rows, NULL));
    sd_gjob_ok(j, SD_OUTCOME_OK, g);
}

/* The guild item holds no emoji: they are the emojis table's. */
static void get_step(sd_gjob_t *j)
{
    sd_gjob_started(j, sd_emoji_repo_list(j->app->db, j->guild_id, on_guild_emojis, j));
}

void sd_guild_service_get(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                          void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (j) sd_gjob_load(j, guild_id, NULL, get_step);
}

/* ---- update ---- */

static void on_updated(sd_err_t err, json_t *guild, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT)
        sd_gjob_conflict(j, SD_CONFLICT_OWNER_CHANGED);
    else if (err)
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
    else { /* answered as GET answers it, emoji included */
        json_decref(j->guild);
        j->guild = json_incref(guild);
        j->counter = 1;
        get_step(j);
    }
}

static void update_commit(sd_err_t err, json_t *errors, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (images_failed(j, err, errors)) return;
    j->event = "GUILD_UPDATE";
    json_t *changes = j->input;
    j->input = NULL;
    sd_gjob_started(j, sd_guild_repo_update(j->app->db, j->guild_id, changes, j->user_id, on_updated, j));
}

static void update_write(sd_gjob_t *j)
{
    with_images(j, update_commit);
}

static void on_new_owner(sd_err_t err, json_t *member, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_NOT_FOUND)
        sd_gjob_field_error(j, "owner_id", "GUILD_OWNER_NOT_MEMBER", "Must be a member.");
    else if (err)
        sd_gjob_store_fail(j, err, SD_ENTITY_MEMBER);
    else
        update_write(j);
}

static void update_step(sd_gjob_t *j)
{
    const char *owner = json_string_value(json_object_get(j->input, "owner_id"));
    if (owner) {
        if (!sd_gjob_is_owner(j)) {
            sd_gjob_forbidden(j);
            return;
        }
        if (json_object_size(j->input) > 1 && !sd_gjob_require(j, SD_PERM_MANAGE_GUILD)) return;
        sd_gjob_started(j, sd_member_repo_get(j->app->db, j->guild_id, owner, on_new_owner, j));
        return;
    }
    if (sd_gjob_require(j, SD_PERM_MANAGE_GUILD)) update_write(j);
}

void sd_guild_service_update(sd_app_t *app, const char *user_id, const char *guild_id, json_t *input,
                             sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, input, cb, ctx);
    if (j) sd_gjob_load(j, guild_id, NULL, update_step);
}

/* ---- delete ---- */

static void on_deleted(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err == SD_ERR_CONFLICT) {
        sd_gjob_conflict(j, SD_CONFLICT_OWNER_CHANGED);
        return;
    }
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    sd_guild_repo_purge(j->app->db, j->guild_id);
    sd_gjob_ok(j, SD_OUTCOME_NO_CONTENT, NULL);
}

static void delete_step(sd_gjob_t *j)
{
    if (!sd_gjob_is_owner(j)) {
        sd_gjob_forbidden(j);
        return;
    }
    sd_gjob_started(j, sd_guild_repo_delete(j->app->db, j->guild_id, j->user_id, on_deleted, j));
}

void sd_guild_service_delete(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                             void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (j) sd_gjob_load(j, guild_id, NULL, delete_step);
}

/* ---- the user's guilds ---- */

static int by_id(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "id"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "id"));
    size_t lx = strlen(x), ly = strlen(y);
    return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

static void on_my_members(sd_err_t err, json_t *members, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    json_t *by_guild = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
        json_object_set(by_guild, json_string_value(json_object_get(m, "guild_id")), m);
    size_t n = json_array_size(j->found);
    json_t **list = calloc(n ? n : 1, sizeof *list);
    size_t k = 0;
    json_t *g;
    json_array_foreach(j->found, i, g)
    {
        const char *gid = json_string_value(json_object_get(g, "id"));
        json_t *member = json_object_get(by_guild, gid);
        if (!member || !list) continue; /* left or deleted meanwhile */
        char perms[21];
        sd_permissions_format(sd_permissions_base(g, member), perms);
        const char *owner = json_string_value(json_object_get(g, "owner_id"));
        list[k++] = sd_guild_partial_json(g, owner && !strcmp(owner, j->user_id), perms);
    }
    if (list) qsort(list, k, sizeof *list, by_id);
    json_t *out = json_array();
    for (size_t x = 0; x < k; x++)
        json_array_append_new(out, list[x]);
    free(list);
    json_decref(by_guild);
    sd_gjob_ok(j, SD_OUTCOME_OK, out);
}

static void on_my_guilds(sd_err_t err, json_t *guilds, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    j->found = json_incref(guilds);
    json_t *keys = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(guilds, i, g) json_array_append_new(
        keys, json_pack("{s:O, s:s}", "guild_id", json_object_get(g, "id"), "user_id", j->user_id));
    sd_gjob_started(j, sd_repo_batch_get(j->app->db, "members", keys, on_my_members, j));
}

static void on_my_memberships(sd_err_t err, json_t *rows, void *ctx)
{
    sd_gjob_t *j = ctx;
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_GUILD);
        return;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(ids, json_object_get(r, "guild_id"));
    sd_gjob_started(j, sd_guild_repo_get_many(j->app->db, ids, on_my_guilds, j));
}

void sd_guild_service_list_mine(sd_app_t *app, const char *user_id, const char *before, const char *after,
                                int limit, sd_outcome_cb cb, void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (!j) return;
    sd_gjob_started(
        j, sd_member_repo_guilds_of(app->db, user_id, after, before, (size_t)limit, on_my_memberships, j));
}

/* ---- leave ---- */

static void on_left(sd_err_t err, json_t *res, void *ctx)
{
    sd_gjob_t *j = ctx;
    /* A conflict: the membership was gone already. */
    sd_gjob_done(j, err == SD_ERR_CONFLICT ? SD_ERR_NOT_FOUND : err, SD_ENTITY_GUILD);
}

static void leave_step(sd_gjob_t *j)
{
    if (sd_gjob_is_owner(j)) {
        sd_gjob_refuse(j, SD_ERR_INVALID, SD_REASON_OWNER_CANNOT_LEAVE);
        return;
    }
    sd_gjob_user_event(j, "GUILD_MEMBER_REMOVE", j->user_id);
    sd_gjob_started(j, sd_member_repo_remove(j->app->db, j->guild_id, j->user_id, NULL, on_left, j));
}

void sd_guild_service_leave(sd_app_t *app, const char *user_id, const char *guild_id, sd_outcome_cb cb,
                            void *ctx)
{
    sd_gjob_t *j = sd_gjob_new(app, user_id, NULL, cb, ctx);
    if (j) sd_gjob_load(j, guild_id, NULL, leave_step);
}
