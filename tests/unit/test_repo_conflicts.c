#include <criterion/criterion.h>

#include "repositories/dm_repo.h"
#include "repositories/emoji_repo.h"
#include "repositories/guild_repo.h"
#include "repositories/message_repo.h"

/* A cancelled transaction's answer whose entry failed_at failed its condition (of n entries; -1: none). */
static json_t *cancelled(int n, int failed_at)
{
    json_t *reasons = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(reasons,
                              json_pack("{s:s}", "Code", i == failed_at ? "ConditionalCheckFailed" : "None"));
    return json_pack("{s:s, s:o}", "__type", "TransactionCanceledException", "CancellationReasons", reasons);
}

static sd_conflict_t join(int n, int at, bool invite)
{
    json_t *r = cancelled(n, at);
    sd_conflict_t c = sd_member_repo_join_conflict(r, invite);
    json_decref(r);
    return c;
}

Test(repo_conflicts, a_join_says_which_condition_failed)
{
    cr_assert_eq(join(4, 0, true), SD_CONFLICT_INVITE_SPENT);
    cr_assert_eq(join(4, 1, true), SD_CONFLICT_BANNED);
    cr_assert_eq(join(4, 2, true), SD_CONFLICT_ALREADY_DONE);
    cr_assert_eq(join(4, 3, true), SD_CONFLICT_GONE);
    cr_assert_eq(join(3, 0, false), SD_CONFLICT_BANNED);
    cr_assert_eq(join(3, 1, false), SD_CONFLICT_ALREADY_DONE);
    cr_assert_eq(join(3, 2, false), SD_CONFLICT_GONE);
    cr_assert_eq(join(4, -1, true), SD_CONFLICT_GONE, "a transaction that kept colliding");
}

Test(repo_conflicts, messages_reactions_pins_and_dms)
{
    json_t *r = cancelled(3, 2);
    cr_assert_eq(sd_message_repo_create_conflict(r), SD_CONFLICT_NONCE_USED);
    json_decref(r);
    r = cancelled(3, 1);
    cr_assert_eq(sd_message_repo_create_conflict(r), SD_CONFLICT_GONE);
    cr_assert_eq(sd_pin_repo_set_conflict(r), SD_CONFLICT_LIMIT);
    cr_assert_eq(sd_reaction_repo_set_conflict(r), SD_CONFLICT_GONE);
    json_decref(r);
    r = cancelled(3, 0);
    cr_assert_eq(sd_pin_repo_set_conflict(r), SD_CONFLICT_ALREADY_DONE);
    cr_assert_eq(sd_reaction_repo_set_conflict(r), SD_CONFLICT_ALREADY_DONE);
    cr_assert_eq(sd_dm_repo_create_conflict(r), SD_CONFLICT_ALREADY_DONE);
    json_decref(r);
    r = cancelled(3, 2);
    cr_assert_eq(sd_dm_repo_create_conflict(r), SD_CONFLICT_NONE);
    cr_assert_eq(sd_pin_repo_set_conflict(r), SD_CONFLICT_GONE);
    json_decref(r);
}

Test(repo_conflicts, an_emoji_create_says_the_kind_is_full)
{
    json_t *full = cancelled(2, 0), *taken = cancelled(2, 1), *other = cancelled(2, -1);
    cr_assert_eq(sd_emoji_repo_create_conflict(full), SD_CONFLICT_LIMIT);
    cr_assert_eq(sd_emoji_repo_create_conflict(taken), SD_CONFLICT_GONE);
    cr_assert_eq(sd_emoji_repo_create_conflict(other), SD_CONFLICT_GONE);
    json_decref(full);
    json_decref(taken);
    json_decref(other);
}
