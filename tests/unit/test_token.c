#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "services/token.h"

#define SECRET "unit-test-secret-0123456789abcdef0123"

static void init(void)
{
    cr_assert(sodium_init() >= 0);
}

TestSuite(token, .init = init);

static void sign(uint64_t uid, long long exp, long long ver, char *out)
{
    sd_token_claims_t c = {uid, exp, ver};
    cr_assert_eq(sd_token_sign(SECRET, &c, out, SD_TOKEN_MAX), SD_OK);
}

Test(token, round_trip)
{
    char t[SD_TOKEN_MAX];
    sign(175928847299117063ULL, 2000000000, 3, t);
    sd_token_claims_t c;
    cr_assert_eq(sd_token_verify(SECRET, t, 1900000000, &c), SD_OK);
    cr_assert_eq(c.user_id, 175928847299117063ULL);
    cr_assert_eq(c.expires_at, 2000000000);
    cr_assert_eq(c.version, 3);
    cr_assert_eq(strchr(t, '='), NULL, "url-safe, unpadded");
}

/* Retiring tokens (a password change, POST /auth/logout) bumps the account's version: the version is part of
   what is signed, so a token of the old version cannot be made to claim the new one. */
Test(token, a_retired_version_cannot_be_moved_forward)
{
    char old[SD_TOKEN_MAX], fresh[SD_TOKEN_MAX];
    sign(42, 2000000000, 1, old);
    sign(42, 2000000000, 2, fresh);
    cr_assert_str_neq(old, fresh);
    char *o = strchr(strchr(old, '.') + 1, '.') + 1, *f = strchr(strchr(fresh, '.') + 1, '.') + 1;
    size_t olen = (size_t)(strchr(o, '.') - o), flen = (size_t)(strchr(f, '.') - f);
    char forged[SD_TOKEN_MAX];
    /* the old token with the new token's version part: its signature no longer matches */
    snprintf(forged, sizeof forged, "%.*s%.*s%s", (int)(o - old), old, (int)flen, f, o + olen);
    sd_token_claims_t c;
    cr_assert_eq(sd_token_verify(SECRET, forged, 1900000000, &c), SD_ERR_UNAUTHORIZED);
    cr_assert_eq(sd_token_verify(SECRET, fresh, 1900000000, &c), SD_OK);
    cr_assert_eq(c.version, 2);
}

Test(token, expiry)
{
    char t[SD_TOKEN_MAX];
    sign(42, 1000, 1, t);
    sd_token_claims_t c;
    cr_assert_eq(sd_token_verify(SECRET, t, 999, &c), SD_OK);
    cr_assert_eq(sd_token_verify(SECRET, t, 1000, &c), SD_ERR_UNAUTHORIZED);
}

Test(token, any_changed_character_is_refused)
{
    char t[SD_TOKEN_MAX];
    sign(42, 2000000000, 1, t);
    sd_token_claims_t c;
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++) {
        char copy[SD_TOKEN_MAX];
        strcpy(copy, t);
        copy[i] = copy[i] == 'A' ? 'B' : (copy[i] == '.' ? 'x' : 'A');
        cr_assert_eq(sd_token_verify(SECRET, copy, 0, &c), SD_ERR_UNAUTHORIZED, "position %zu", i);
    }
}

Test(token, other_secret_and_malformed)
{
    char t[SD_TOKEN_MAX];
    sign(42, 2000000000, 1, t);
    sd_token_claims_t c;
    cr_assert_eq(sd_token_verify("another-secret-0123456789abcdef0123", t, 0, &c), SD_ERR_UNAUTHORIZED);
    const char *bad[] = {"", "a", "a.b", "a.b.c", "a.b.c.d", "a.b.c.d.e", "....", NULL};
    for (int i = 0; bad[i]; i++)
        cr_assert_eq(sd_token_verify(SECRET, bad[i], 0, &c), SD_ERR_UNAUTHORIZED);
    cr_assert_eq(sd_token_verify(SECRET, NULL, 0, &c), SD_ERR_UNAUTHORIZED);
    char longer[400];
    memset(longer, 'A', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    cr_assert_eq(sd_token_verify(SECRET, longer, 0, &c), SD_ERR_UNAUTHORIZED);
    char extended[SD_TOKEN_MAX + 8];
    snprintf(extended, sizeof extended, "%s.x", t);
    cr_assert_eq(sd_token_verify(SECRET, extended, 0, &c), SD_ERR_UNAUTHORIZED);
}

Test(token, header_schemes)
{
    cr_assert_str_eq(sd_token_from_header("abc"), "abc");
    cr_assert_str_eq(sd_token_from_header("Bearer abc"), "abc");
    cr_assert_str_eq(sd_token_from_header("bot abc"), "abc");
    cr_assert_null(sd_token_from_header("Bearer "));
    cr_assert_null(sd_token_from_header(NULL));
}
