/*
 * user_repo: users in DynamoDB. Table "users" (key id) holds the account; table "user_index" (key "key")
 * holds one item per unique handle, "username#<lowercased>" and "email#<lowercased>", pointing at the user
 * id. Creating a user and changing a username are transactions with attribute_not_exists conditions, so two
 * accounts can never hold one name, whatever the race. Reads of the account are strongly consistent. The
 * account itself is the sd_user_t defined here (schemas/user_schema shapes it for the API).
 */
#ifndef SD_REPOSITORIES_USER_REPO_H
#define SD_REPOSITORIES_USER_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "db/dynamo.h"

#define SD_USERNAME_MAX 32
#define SD_GLOBAL_NAME_MAX 32
#define SD_AVATAR_MAX 2048
#define SD_BANNER_MAX 40
#define SD_EMAIL_MAX 254
#define SD_PASSWORD_MIN 8
#define SD_PASSWORD_MAX 72

/* An account as stored. */
typedef struct {
    char id[24];
    char username[SD_USERNAME_MAX + 1];
    char global_name[SD_GLOBAL_NAME_MAX * 4 + 1]; /* "" is null */
    char avatar[SD_AVATAR_MAX + 1];               /* "" is null */
    char banner[SD_BANNER_MAX + 1];               /* an image hash; "" is null */
    char email[SD_EMAIL_MAX + 1];                 /* "" is null */
    char password_hash[128];
    long long token_version;
    bool bot;
} sd_user_t;

/*
 * user is borrowed, valid during the callback (NULL unless SD_OK). On SD_ERR_CONFLICT, conflict says which
 * condition failed: SD_CONFLICT_USERNAME_TAKEN or SD_CONFLICT_EMAIL_TAKEN when a handle belongs to another
 * account, SD_CONFLICT_STALE when the account changed since old was read (update only).
 */
typedef void (*sd_user_repo_cb)(sd_err_t err, const sd_user_t *user, sd_conflict_t conflict, void *ctx);

/* Creates the account and its handles in one transaction. */
sd_err_t sd_user_repo_create(sd_dynamo_t *db, const sd_user_t *user, sd_user_repo_cb cb, void *ctx);
/* Reads an account by id (SD_ERR_NOT_FOUND when absent). */
sd_err_t sd_user_repo_get(sd_dynamo_t *db, const char *id, sd_user_repo_cb cb, void *ctx);
/* Reads an account by username or email (either, case-insensitive). */
sd_err_t sd_user_repo_find_by_login(sd_dynamo_t *db, const char *login, sd_user_repo_cb cb, void *ctx);
/*
 * Writes updated in place of old (same id): the profile fields, password hash and token version, and when the
 * username differs, moves the username handle. The write holds only while the stored account is still old
 * (token version, username, global name, avatar and banner as read), so no concurrent change is lost:
 * otherwise it fails with SD_ERR_CONFLICT / SD_CONFLICT_STALE. A new name held by another account is
 * SD_CONFLICT_USERNAME_TAKEN.
 */
sd_err_t sd_user_repo_update(sd_dynamo_t *db, const sd_user_t *old, const sd_user_t *updated,
                             sd_user_repo_cb cb, void *ctx);

/* The accounts of ids (array of strings, stolen); missing ones are left out. users (n of them) are borrowed,
   valid during the callback. */
typedef void (*sd_user_repo_many_cb)(sd_err_t err, const sd_user_t *users, size_t n, void *ctx);
sd_err_t sd_user_repo_get_many(sd_dynamo_t *db, json_t *ids, sd_user_repo_many_cb cb, void *ctx);

/* The handle key for a username or email ("username#alice"); writes into out. Exposed for tests. */
void sd_user_repo_handle_key(const char *kind, const char *value, char *out, size_t cap);

#endif
