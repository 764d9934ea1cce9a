/*
 * password: argon2id hashing and checking (libsodium's crypto_pwhash_str, interactive limits). Both run on
 * libuv's thread pool, since one hash takes tens of milliseconds and 64 MiB, and the loop must keep serving
 * meanwhile.
 */
#ifndef SD_SERVICES_PASSWORD_H
#define SD_SERVICES_PASSWORD_H

#include <uv.h>

#include "core/errors.h"

/* hash is borrowed, valid during the callback; NULL on error. */
typedef void (*sd_password_hash_cb)(sd_err_t err, const char *hash, void *ctx);
/* err is SD_OK when the password matches, SD_ERR_UNAUTHORIZED when it does not. */
typedef void (*sd_password_verify_cb)(sd_err_t err, void *ctx);

/* Hashes password (copied) off the loop; cb runs on the loop. */
sd_err_t sd_password_hash(uv_loop_t *loop, const char *password, sd_password_hash_cb cb, void *ctx);
/* Checks password against hash (both copied); hash NULL checks against a dummy so timing does not tell. */
sd_err_t sd_password_verify(uv_loop_t *loop, const char *hash, const char *password, sd_password_verify_cb cb,
                            void *ctx);

#endif
