/* libFuzzer: every JSON request schema (the schemas folder) on arbitrary bytes: the body is parsed as the
   server parses request bodies, then handed to each parser, create and update flavours; answers and errors
   are released. Embeds are also rendered, with the body's "attachments" as the message's. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "schemas/embed_schema.h"
#include "schemas/emoji_schema.h"
#include "schemas/guild_schema.h"
#include "schemas/guild_settings_schema.h"
#include "schemas/message_schema.h"
#include "schemas/user_schema.h"

static void drop(json_t *valid, json_t *errors)
{
    json_decref(valid);
    json_decref(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!body) return 0;
    json_t *errors = NULL, *v;
    for (int create = 0; create < 2; create++) {
        v = sd_guild_in_parse(body, create, &errors);
        drop(v, errors);
        v = sd_channel_in_parse(body, create, &errors);
        drop(v, errors);
        v = sd_role_in_parse(body, create, &errors);
        drop(v, errors);
        v = sd_message_in_parse(body, create, &errors);
        drop(v, errors);
        v = sd_emoji_in_parse(body, create, &errors);
        drop(v, errors);
    }
    json_t *(*const plain[])(const json_t *, json_t **) = {
        sd_positions_in_parse, sd_member_in_parse,      sd_overwrite_in_parse, sd_invite_in_parse,
        sd_ban_in_parse,       sd_bulk_delete_in_parse, sd_dm_in_parse,        sd_guild_settings_in_parse};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        v = plain[i](body, &errors);
        drop(v, errors);
    }
    /* the user guild settings are also merged and shown, as the service does with what it stored */
    if ((v = sd_guild_settings_in_parse(body, &errors))) {
        json_t *item = sd_guild_settings_merge(body, v, "1", "2");
        drop(sd_guild_settings_json(item), item);
    }
    drop(v, errors);
    sd_register_in_t reg;
    sd_login_in_t login;
    sd_user_patch_in_t patch;
    json_decref(sd_register_in_parse(body, &reg));
    json_decref(sd_login_in_parse(body, &login));
    json_decref(sd_user_patch_in_parse(body, &patch));
    json_t *embeds = NULL;
    errors = json_object();
    if (sd_embeds_parse(body, errors, &embeds) && embeds) {
        json_t *shown = sd_embeds_json(embeds);
        sd_embeds_render(shown, json_object_get(body, "attachments"));
        json_decref(shown);
    }
    drop(embeds, errors);
    char id[SD_FIELD_ID_SIZE];
    const char *reaction = json_string_value(json_object_get(body, "emoji"));
    if (reaction) (void)sd_emoji_custom_ref(reaction, id);
    const char *content = json_string_value(json_object_get(body, "content"));
    if (content) json_decref(sd_message_mentions(content, json_object_get(body, "allowed_mentions")));
    json_decref(body);
    return 0;
}
