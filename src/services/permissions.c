#include "services/permissions.h"

#include "schemas/timestamp.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sd_permissions_parse(const json_t *value, uint64_t *out)
{
    if (json_is_integer(value)) {
        if (json_integer_value(value) < 0) return false;
        *out = (uint64_t)json_integer_value(value);
        return true;
    }
    const char *s = json_string_value(value);
    if (!s || !*s || strlen(s) > 20) return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return false;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno) return false;
    *out = v;
    return true;
}

void sd_permissions_format(uint64_t perms, char *out)
{
    snprintf(out, 21, "%" PRIu64, perms);
}

static uint64_t perms_of(const json_t *obj, const char *field)
{
    uint64_t v = 0;
    return sd_permissions_parse(json_object_get(obj, field), &v) ? v : 0;
}

static bool is_owner(const json_t *guild, const json_t *member)
{
    const char *owner = json_string_value(json_object_get(guild, "owner_id"));
    const char *user = json_string_value(json_object_get(member, "user_id"));
    return owner && user && strcmp(owner, user) == 0;
}

uint64_t sd_permissions_base(const json_t *guild, const json_t *member)
{
    if (!member) return 0;
    if (is_owner(guild, member)) return SD_PERM_ALL;
    const json_t *roles = json_object_get(guild, "roles");
    const char *guild_id = json_string_value(json_object_get(guild, "id"));
    uint64_t perms = perms_of(json_object_get(roles, guild_id ? guild_id : ""), "permissions");
    size_t i;
    const json_t *rid;
    json_array_foreach(json_object_get(member, "roles"), i, rid)
    {
        const char *id = json_string_value(rid);
        const json_t *role = id ? json_object_get(roles, id) : NULL;
        if (role) perms |= perms_of(role, "permissions");
    }
    return (perms & SD_PERM_ADMINISTRATOR) ? SD_PERM_ALL : perms;
}

static bool member_has_role(const json_t *member, const char *role_id)
{
    size_t i;
    const json_t *rid;
    json_array_foreach(json_object_get(member, "roles"), i, rid)
    {
        if (json_is_string(rid) && strcmp(json_string_value(rid), role_id) == 0) return true;
    }
    return false;
}

uint64_t sd_permissions_channel(uint64_t base, const json_t *guild, const json_t *member,
                                const json_t *channel)
{
    if (!member) return 0;
    if (base & SD_PERM_ADMINISTRATOR) return SD_PERM_ALL;
    const json_t *overwrites = json_object_get(channel, "permission_overwrites");
    const char *guild_id = json_string_value(json_object_get(guild, "id"));
    const char *user_id = json_string_value(json_object_get(member, "user_id"));
    uint64_t perms = base;

    const json_t *everyone = guild_id ? json_object_get(overwrites, guild_id) : NULL;
    if (everyone) {
        perms &= ~perms_of(everyone, "deny");
        perms |= perms_of(everyone, "allow");
    }
    uint64_t allow = 0, deny = 0;
    const char *id;
    const json_t *ow;
    json_object_foreach((json_t *)overwrites, id, ow)
    {
        if (json_integer_value(json_object_get(ow, "type")) != 0 || (guild_id && !strcmp(id, guild_id)))
            continue;
        if (member_has_role(member, id)) {
            allow |= perms_of(ow, "allow");
            deny |= perms_of(ow, "deny");
        }
    }
    perms &= ~deny;
    perms |= allow;
    const json_t *own = user_id ? json_object_get(overwrites, user_id) : NULL;
    if (own && json_integer_value(json_object_get(own, "type")) == 1) {
        perms &= ~perms_of(own, "deny");
        perms |= perms_of(own, "allow");
    }
    /* No view, no anything: Discord removes every channel permission from a member who cannot see it. */
    if (!(perms & SD_PERM_VIEW_CHANNEL)) return 0;
    return perms;
}

int sd_permissions_top_position(const json_t *guild, const json_t *member)
{
    if (is_owner(guild, member)) return INT_MAX;
    const json_t *roles = json_object_get(guild, "roles");
    int top = 0;
    size_t i;
    const json_t *rid;
    json_array_foreach(json_object_get(member, "roles"), i, rid)
    {
        const json_t *role = json_is_string(rid) ? json_object_get(roles, json_string_value(rid)) : NULL;
        int pos = (int)json_integer_value(json_object_get(role, "position"));
        if (role && pos > top) top = pos;
    }
    return top;
}

bool sd_permissions_can_manage_position(const json_t *guild, const json_t *actor, int position)
{
    return is_owner(guild, actor) || position < sd_permissions_top_position(guild, actor);
}

bool sd_permissions_can_manage_member(const json_t *guild, const json_t *actor, const json_t *target)
{
    if (is_owner(guild, target)) return false;
    if (is_owner(guild, actor)) return true;
    return sd_permissions_top_position(guild, target) < sd_permissions_top_position(guild, actor);
}

uint64_t sd_permissions_dm(const json_t *channel, const char *user_id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(channel, "recipients"), i, r)
    {
        if (json_is_string(r) && strcmp(json_string_value(r), user_id) == 0) return SD_PERM_DM;
    }
    return 0;
}

bool sd_permissions_timed_out(const json_t *member, long long now_ms)
{
    long long until;
    const char *s = json_string_value(json_object_get(member, "communication_disabled_until"));
    return s && sd_timestamp_parse(s, &until) && until > now_ms;
}

uint64_t sd_permissions_apply_timeout(uint64_t perms, const json_t *member, long long now_ms)
{
    if (!member || (perms & SD_PERM_ADMINISTRATOR) || !sd_permissions_timed_out(member, now_ms)) return perms;
    return perms & SD_PERM_TIMED_OUT;
}
