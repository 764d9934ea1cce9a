/*
 * user_repo: users in DynamoDB. Table "users" (key id) holds the account; table "user_index" (key "key")
 * holds one item per unique handle, "username#<lowercased>" and "email#<lowercased>", pointing at the user
 * id. Creating a user and changing a username are transactions with attribute_not_exists conditions, so two
 * accounts can never hold one name, whatever the race. Reads of the account are strongly consistent.
 */
#ifndef SD_REPOSITORIES_USER_REPO_H
#define SD_REPOSITORIES_USER_REPO_H

#include "core/errors.h"
#include "db/dynamo.h"
#include "schemas/user_schema.h"

/*
 * user is borrowed, valid during the callback (NULL unless SD_OK). On SD_ERR_CONFLICT, conflict names the
 * field whose uniqueness failed ("username", "email") or "user" when the account changed meanwhile.
 */
typedef void (*sd_user_repo_cb)(sd_err_t err, const sd_user_t *user, const char *conflict, void *ctx);

/* Creates the account and its handles in one transaction. */
sd_err_t sd_user_repo_create(sd_dynamo_t *db, const sd_user_t *user, sd_user_repo_cb cb, void *ctx);
/* Reads an account by id (SD_ERR_NOT_FOUND when absent). */
sd_err_t sd_user_repo_get(sd_dynamo_t *db, const char *id, sd_user_repo_cb cb, void *ctx);
/* Reads an account by username or email (either, case-insensitive). */
sd_err_t sd_user_repo_find_by_login(sd_dynamo_t *db, const char *login, sd_user_repo_cb cb, void *ctx);
/*
 * Writes updated in place of old (same id): the profile fields, password hash and token version, and when the
 * username differs, moves the username handle. Fails with SD_ERR_CONFLICT if the stored token version is no
 * longer old's (a concurrent password change) or the new name is taken.
 */
sd_err_t sd_user_repo_update(sd_dynamo_t *db, const sd_user_t *old, const sd_user_t *updated,
                             sd_user_repo_cb cb, void *ctx);

/* Public user objects (Discord shape, new references in a new object keyed by id) of the ids (array, stolen);
   missing users are left out. result is borrowed, valid during the callback. */
sd_err_t sd_user_repo_public_many(sd_dynamo_t *db, json_t *ids,
                                  void (*cb)(sd_err_t err, json_t *by_id, void *ctx), void *ctx);

/* The handle key for a username or email ("username#alice"); writes into out. Exposed for tests. */
void sd_user_repo_handle_key(const char *kind, const char *value, char *out, size_t cap);

#endif
