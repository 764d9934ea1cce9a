#include <criterion/criterion.h>
#include <limits.h>

#include "services/permissions.h"

/* Guild 100 owned by user 1; @everyone (id 100) may view and send; role 200 "mod" (position 2) may kick and
 * manage messages; role 300 "admin" (position 5) is ADMINISTRATOR; role 400 "muted" (position 1) has nothing.
 */
static json_t *guild(void)
{
    return json_pack("{s:s, s:s, s:{s:{s:s, s:i}, s:{s:s, s:i}, s:{s:s, s:i}, s:{s:s, s:i}}}", "id", "100",
                     "owner_id", "1", "roles", "100", "permissions", "3072", "position", 0, "200",
                     "permissions", "8194", "position", 2, "300", "permissions", "8", "position", 5, "400",
                     "permissions", "0", "position", 1);
}

static json_t *member(const char *user, const char *r1, const char *r2)
{
    json_t *roles = json_array();
    if (r1) json_array_append_new(roles, json_string(r1));
    if (r2) json_array_append_new(roles, json_string(r2));
    return json_pack("{s:s, s:o}", "user_id", user, "roles", roles);
}

static json_t *overwrite(int type, const char *allow, const char *deny)
{
    return json_pack("{s:i, s:s, s:s}", "type", type, "allow", allow, "deny", deny);
}

Test(permissions, base_is_everyone_or_roles)
{
    json_t *g = guild(), *plain = member("2", NULL, NULL), *mod = member("3", "200", NULL);
    cr_assert_eq(sd_permissions_base(g, plain), SD_PERM_VIEW_CHANNEL | SD_PERM_SEND_MESSAGES);
    cr_assert_eq(sd_permissions_base(g, mod), SD_PERM_VIEW_CHANNEL | SD_PERM_SEND_MESSAGES |
                                                  SD_PERM_KICK_MEMBERS | SD_PERM_MANAGE_MESSAGES);
    cr_assert_eq(sd_permissions_base(g, NULL), 0u, "not a member");
    json_decref(g);
    json_decref(plain);
    json_decref(mod);
}

Test(permissions, owner_and_administrator_have_everything)
{
    json_t *g = guild(), *owner = member("1", NULL, NULL), *admin = member("4", "300", NULL);
    cr_assert_eq(sd_permissions_base(g, owner), SD_PERM_ALL);
    cr_assert_eq(sd_permissions_base(g, admin), SD_PERM_ALL);
    json_t *ch = json_pack("{s:{s:o}}", "permission_overwrites", "100", overwrite(0, "0", "1024"));
    cr_assert_eq(sd_permissions_channel(SD_PERM_ALL, g, admin, ch), SD_PERM_ALL, "admin ignores overwrites");
    json_decref(ch);
    json_decref(g);
    json_decref(owner);
    json_decref(admin);
}

Test(permissions, everyone_overwrite_applies_first)
{
    json_t *g = guild(), *m = member("2", NULL, NULL);
    json_t *ch = json_pack("{s:{s:o}}", "permission_overwrites", "100", overwrite(0, "64", "2048"));
    uint64_t p = sd_permissions_channel(sd_permissions_base(g, m), g, m, ch);
    cr_assert_eq(p, SD_PERM_VIEW_CHANNEL | SD_PERM_ADD_REACTIONS, "SEND denied, ADD_REACTIONS allowed");
    json_decref(ch);
    json_decref(g);
    json_decref(m);
}

Test(permissions, role_overwrites_allow_wins_over_deny_among_roles)
{
    json_t *g = guild(), *m = member("3", "200", "400");
    /* @everyone denies SEND; "muted" denies SEND; "mod" allows SEND: role allows beat role denies. */
    json_t *ch = json_pack("{s:{s:o, s:o, s:o}}", "permission_overwrites", "100", overwrite(0, "0", "2048"),
                           "400", overwrite(0, "0", "2048"), "200", overwrite(0, "2048", "0"));
    uint64_t p = sd_permissions_channel(sd_permissions_base(g, m), g, m, ch);
    cr_assert(p & SD_PERM_SEND_MESSAGES);
    json_decref(m);
    m = member("5", "400", NULL);
    p = sd_permissions_channel(sd_permissions_base(g, m), g, m, ch);
    cr_assert_not(p & SD_PERM_SEND_MESSAGES, "a role overwrite of a role the member lacks does not apply");
    json_decref(ch);
    json_decref(g);
    json_decref(m);
}

Test(permissions, member_overwrite_applies_last)
{
    json_t *g = guild(), *m = member("3", "200", NULL);
    json_t *ch = json_pack("{s:{s:o, s:o}}", "permission_overwrites", "200", overwrite(0, "2048", "0"), "3",
                           overwrite(1, "0", "2048"));
    cr_assert_not(sd_permissions_channel(sd_permissions_base(g, m), g, m, ch) & SD_PERM_SEND_MESSAGES);
    json_decref(ch);
    /* a member overwrite naming a role id is ignored (type must be 1) */
    ch = json_pack("{s:{s:o}}", "permission_overwrites", "3", overwrite(0, "0", "2048"));
    cr_assert(sd_permissions_channel(sd_permissions_base(g, m), g, m, ch) & SD_PERM_SEND_MESSAGES);
    json_decref(ch);
    json_decref(g);
    json_decref(m);
}

Test(permissions, no_view_means_nothing)
{
    json_t *g = guild(), *m = member("3", "200", NULL);
    json_t *ch = json_pack("{s:{s:o}}", "permission_overwrites", "100", overwrite(0, "0", "1024"));
    cr_assert_eq(sd_permissions_channel(sd_permissions_base(g, m), g, m, ch), 0u);
    json_decref(ch);
    json_decref(g);
    json_decref(m);
}

Test(permissions, hierarchy)
{
    json_t *g = guild(), *owner = member("1", NULL, NULL), *mod = member("3", "200", NULL),
           *admin = member("4", "300", NULL), *plain = member("2", "400", NULL);
    cr_assert_eq(sd_permissions_top_position(g, owner), INT_MAX);
    cr_assert_eq(sd_permissions_top_position(g, mod), 2);
    cr_assert(sd_permissions_can_manage_position(g, mod, 1));
    cr_assert_not(sd_permissions_can_manage_position(g, mod, 2), "not at the same position");
    cr_assert_not(sd_permissions_can_manage_position(g, mod, 5));
    cr_assert(sd_permissions_can_manage_position(g, owner, 5));
    cr_assert(sd_permissions_can_manage_member(g, mod, plain));
    cr_assert_not(sd_permissions_can_manage_member(g, mod, admin));
    cr_assert_not(sd_permissions_can_manage_member(g, admin, owner), "nobody manages the owner");
    cr_assert(sd_permissions_can_manage_member(g, owner, admin));
    json_decref(g);
    json_decref(owner);
    json_decref(mod);
    json_decref(admin);
    json_decref(plain);
}

Test(permissions, parse_and_format)
{
    uint64_t v;
    json_t *s = json_string("18446744073709551615");
    cr_assert(sd_permissions_parse(s, &v));
    cr_assert_eq(v, UINT64_MAX);
    json_decref(s);
    const char *bad[] = {"", "-1", "1.5", "abc", "18446744073709551616", "123456789012345678901", NULL};
    for (int i = 0; bad[i]; i++) {
        s = json_string(bad[i]);
        cr_assert_not(sd_permissions_parse(s, &v), "%s", bad[i]);
        json_decref(s);
    }
    char out[21];
    sd_permissions_format(SD_PERM_DEFAULT_EVERYONE, out);
    cr_assert_str_eq(out, "67619905");
}

/* 2026-01-01T00:00:00Z in Unix ms: the tests' "now". */
#define NOW 1767225600000LL

Test(permissions, a_timeout_leaves_only_viewing_and_history_until_it_ends)
{
    json_t *g = guild(), *m = member("2", "200", NULL), *ch = json_object();
    json_object_set_new(m, "communication_disabled_until", json_string("2026-01-01T00:10:00.000000+00:00"));
    uint64_t base = sd_permissions_base(g, m) | SD_PERM_READ_MESSAGE_HISTORY | SD_PERM_ADD_REACTIONS;
    uint64_t cut = sd_permissions_apply_timeout(base, m, NOW);
    cr_assert_eq(cut, SD_PERM_VIEW_CHANNEL | SD_PERM_READ_MESSAGE_HISTORY);
    cr_assert(sd_permissions_timed_out(m, NOW));
    /* an allow overwrite in the channel gives nothing back while the timeout runs */
    json_object_set_new(ch, "permission_overwrites", json_pack("{s:o}", "2", overwrite(1, "2048", "0")));
    uint64_t in_channel = sd_permissions_channel(cut, g, m, ch);
    cr_assert_eq(sd_permissions_apply_timeout(in_channel, m, NOW) & SD_PERM_SEND_MESSAGES, 0u);
    /* ten minutes later it is over */
    cr_assert_eq(sd_permissions_apply_timeout(base, m, NOW + 600000), base);
    cr_assert_not(sd_permissions_timed_out(m, NOW + 600000));
    json_decref(g);
    json_decref(m);
    json_decref(ch);
}

Test(permissions, a_timeout_spares_the_owner_and_administrators_and_null_clears_it)
{
    json_t *g = guild(), *owner = member("1", NULL, NULL), *admin = member("4", "300", NULL),
           *cleared = member("2", NULL, NULL);
    const char *later = "2026-01-02T00:00:00Z";
    json_object_set_new(owner, "communication_disabled_until", json_string(later));
    json_object_set_new(admin, "communication_disabled_until", json_string(later));
    json_object_set_new(cleared, "communication_disabled_until", json_null());
    cr_assert_eq(sd_permissions_apply_timeout(sd_permissions_base(g, owner), owner, NOW), SD_PERM_ALL);
    cr_assert_eq(sd_permissions_apply_timeout(sd_permissions_base(g, admin), admin, NOW), SD_PERM_ALL);
    uint64_t plain = sd_permissions_base(g, cleared);
    cr_assert_eq(sd_permissions_apply_timeout(plain, cleared, NOW), plain);
    cr_assert_eq(sd_permissions_apply_timeout(plain, NULL, NOW), plain);
    json_decref(g);
    json_decref(owner);
    json_decref(admin);
    json_decref(cleared);
}
