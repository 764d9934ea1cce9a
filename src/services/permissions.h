/*
 * permissions: Discord's permission bitfield and the one place that computes what a member may do, in
 * Discord's documented order: the owner has everything; otherwise @everyone's permissions OR those of the
 * member's roles; ADMINISTRATOR short-circuits to everything; in a channel, the @everyone overwrite, then the
 * role overwrites (all denies, then all allows), then the member's own overwrite. A member who cannot
 * VIEW_CHANNEL has no permission in that channel at all. Also the role hierarchy rules (no one manages a role
 * or member at or above their own highest role; the owner is above everyone).
 *
 * Inputs are the Discord-shaped objects the repositories return: guild {"id", "owner_id", "roles": {role_id:
 * {"permissions": "<decimal>", "position": n}}}, member {"user_id", "roles": [role_id...]}, channel
 * {"permission_overwrites": {id: {"type": 0 role | 1 member, "allow": "<decimal>", "deny": "<decimal>"}}}.
 */
#ifndef SD_SERVICES_PERMISSIONS_H
#define SD_SERVICES_PERMISSIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define SD_PERM_CREATE_INSTANT_INVITE (1ULL << 0)
#define SD_PERM_KICK_MEMBERS (1ULL << 1)
#define SD_PERM_BAN_MEMBERS (1ULL << 2)
#define SD_PERM_ADMINISTRATOR (1ULL << 3)
#define SD_PERM_MANAGE_CHANNELS (1ULL << 4)
#define SD_PERM_MANAGE_GUILD (1ULL << 5)
#define SD_PERM_ADD_REACTIONS (1ULL << 6)
#define SD_PERM_VIEW_AUDIT_LOG (1ULL << 7)
#define SD_PERM_VIEW_CHANNEL (1ULL << 10)
#define SD_PERM_SEND_MESSAGES (1ULL << 11)
#define SD_PERM_MANAGE_MESSAGES (1ULL << 13)
#define SD_PERM_EMBED_LINKS (1ULL << 14)
#define SD_PERM_ATTACH_FILES (1ULL << 15)
#define SD_PERM_READ_MESSAGE_HISTORY (1ULL << 16)
#define SD_PERM_MENTION_EVERYONE (1ULL << 17)
#define SD_PERM_USE_EXTERNAL_EMOJIS (1ULL << 18)
#define SD_PERM_CHANGE_NICKNAME (1ULL << 26)
#define SD_PERM_MANAGE_NICKNAMES (1ULL << 27)
#define SD_PERM_MANAGE_ROLES (1ULL << 28)
#define SD_PERM_MANAGE_GUILD_EXPRESSIONS (1ULL << 30)
#define SD_PERM_MODERATE_MEMBERS (1ULL << 40)
#define SD_PERM_CREATE_GUILD_EXPRESSIONS (1ULL << 43)

/* Every permission Discord documents (bits 0-46 and 48-52), whether or not this server has the feature it
   guards yet: the owner and administrators hold them all, and may hand any of them out (discord.py's
   Permissions.all(), for one, sends every bit). */
#define SD_PERM_ALL (((1ULL << 53) - 1) & ~(1ULL << 47))

/* What a member in a timeout keeps (Discord's rule): seeing channels and reading their history. */
#define SD_PERM_TIMED_OUT (SD_PERM_VIEW_CHANNEL | SD_PERM_READ_MESSAGE_HISTORY)

/* What @everyone may do in a new guild. */
#define SD_PERM_DEFAULT_EVERYONE                                                                             \
    (SD_PERM_CREATE_INSTANT_INVITE | SD_PERM_ADD_REACTIONS | SD_PERM_VIEW_CHANNEL | SD_PERM_SEND_MESSAGES |  \
     SD_PERM_EMBED_LINKS | SD_PERM_ATTACH_FILES | SD_PERM_READ_MESSAGE_HISTORY | SD_PERM_MENTION_EVERYONE |  \
     SD_PERM_USE_EXTERNAL_EMOJIS | SD_PERM_CHANGE_NICKNAME)

/* What a recipient may do in a DM or group DM (no one moderates there). */
#define SD_PERM_DM                                                                                           \
    (SD_PERM_VIEW_CHANNEL | SD_PERM_SEND_MESSAGES | SD_PERM_READ_MESSAGE_HISTORY | SD_PERM_ADD_REACTIONS |   \
     SD_PERM_EMBED_LINKS | SD_PERM_ATTACH_FILES | SD_PERM_USE_EXTERNAL_EMOJIS)

/* Permissions of user_id in a DM channel {"recipients": [ids]}: SD_PERM_DM for a recipient, else 0. */
uint64_t sd_permissions_dm(const json_t *channel, const char *user_id);

/* Parses a decimal permission string (or integer); false for anything else or a value past 64 bits. */
bool sd_permissions_parse(const json_t *value, uint64_t *out);
/* Writes the decimal string of perms into out (at least 21 bytes). */
void sd_permissions_format(uint64_t perms, char *out);

/* Guild-level permissions of member (NULL: not a member -> 0). */
uint64_t sd_permissions_base(const json_t *guild, const json_t *member);
/* Permissions in channel, from base permissions as sd_permissions_base computed them. */
uint64_t sd_permissions_channel(uint64_t base, const json_t *guild, const json_t *member,
                                const json_t *channel);

/* Is member in a timeout at now_ms (Unix ms): its "communication_disabled_until" (ISO 8601) still ahead? */
bool sd_permissions_timed_out(const json_t *member, long long now_ms);
/* perms (guild-level or in a channel, as computed above) cut to SD_PERM_TIMED_OUT while member is in a
   timeout at now_ms; the owner and administrators (perms hold ADMINISTRATOR) keep everything. The caller
   gives the time, so that tests can drive it. */
uint64_t sd_permissions_apply_timeout(uint64_t perms, const json_t *member, long long now_ms);

/* The highest position among the member's roles (0 for @everyone only); INT32_MAX for the owner. */
int sd_permissions_top_position(const json_t *guild, const json_t *member);
/* May actor manage a role at this position (strictly below the actor's highest role, or actor owns the
 * guild)? */
bool sd_permissions_can_manage_position(const json_t *guild, const json_t *actor, int position);
/* May actor act on target (kick, ban, nick, roles): not the owner, and target's highest role below the
 * actor's. */
bool sd_permissions_can_manage_member(const json_t *guild, const json_t *actor, const json_t *target);

#endif
