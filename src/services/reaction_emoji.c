#include "services/reaction_emoji.h"

#include <string.h>

#include "repositories/emoji_repo.h"
#include "schemas/emoji_schema.h"
#include "services/permissions.h"

static const char *in(const sd_gjob_t *j, const char *k)
{
    return json_string_value(json_object_get(j->input, k));
}

/* An emoji whitelisted to roles is for the members holding one of them (and for the owner and administrators,
   who may take any role). */
static bool usable(const sd_gjob_t *j, const json_t *emoji)
{
    const json_t *allowed = json_object_get(emoji, "roles");
    if (!json_array_size(allowed) || (j->base & SD_PERM_ADMINISTRATOR) || sd_gjob_is_owner(j)) return true;
    size_t i, k;
    json_t *a, *r;
    json_array_foreach(allowed, i, a) json_array_foreach(json_object_get(j->member, "roles"), k, r)
    {
        if (json_equal(a, r)) return true;
    }
    return false;
}

static void on_custom_emoji(sd_err_t err, json_t *emoji, void *ctx)
{
    sd_gjob_t *j = ctx;
    bool lenient = json_is_true(json_object_get(j->input, "lenient"));
    if (err == SD_ERR_NOT_FOUND && lenient) {
        json_object_set_new(j->input, "emoji_gone", json_true());
        j->next(j);
        return;
    }
    if (err) {
        sd_gjob_store_fail(j, err, SD_ENTITY_EMOJI);
        return;
    }
    if (json_is_true(json_object_get(j->input, "add")) && !usable(j, emoji)) {
        sd_gjob_unknown(j, SD_ENTITY_EMOJI);
        return;
    }
    char key[SD_EMOJI_KEY_SIZE];
    sd_emoji_reaction_key(emoji, key, sizeof key);
    json_object_set_new(j->input, "emoji", json_string(key));
    j->next(j);
}

void sd_reaction_emoji_resolve(sd_gjob_t *j, sd_gjob_step next)
{
    char id[SD_FIELD_ID_SIZE];
    const char *emoji = in(j, "emoji");
    if (!emoji || !sd_emoji_custom_ref(emoji, id)) {
        next(j);
        return;
    }
    json_object_set_new(j->input, "emoji_id", json_string(id));
    j->next = next;        /* the job's loading is over: its next step is free for this one */
    if (!j->guild_id[0]) { /* a DM holds no guild emoji: as if the guild had it no more */
        on_custom_emoji(SD_ERR_NOT_FOUND, NULL, j);
        return;
    }
    sd_gjob_started(j, sd_emoji_repo_get(j->app->db, j->guild_id, id, on_custom_emoji, j));
}

bool sd_reaction_emoji_on_message(sd_gjob_t *j, const json_t *message)
{
    const char *id = in(j, "emoji_id");
    if (!id) return true;
    size_t n = strlen(id);
    const char *key;
    json_t *count;
    json_object_foreach(json_object_get(message, "reactions"), key, count)
    {
        size_t k = strlen(key);
        if (k > n + 1 && key[k - n - 1] == ':' && !strcmp(key + k - n, id) && json_integer_value(count) > 0) {
            json_object_set_new(j->input, "emoji", json_string(key));
            return true;
        }
    }
    return !json_is_true(json_object_get(j->input, "emoji_gone"));
}
