#include "services/password.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uv_work_t work;
    char *password;
    char hash[crypto_pwhash_STRBYTES];
    int verify; /* 1: check password against hash */
    int dummy;  /* verify against a throwaway hash: the account does not exist */
    sd_err_t result;
    sd_password_hash_cb hash_cb;
    sd_password_verify_cb verify_cb;
    void *ctx;
} job_t;

static void run(uv_work_t *w)
{
    job_t *j = w->data;
    if (j->verify) {
        if (j->dummy) {
            /* Spend the same effort as a real check, then refuse. */
            char tmp[crypto_pwhash_STRBYTES];
            int rc =
                crypto_pwhash_str(tmp, j->password, strlen(j->password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE);
            j->result = rc == 0 ? SD_ERR_UNAUTHORIZED : SD_ERR_NOMEM;
            return;
        }
        j->result = crypto_pwhash_str_verify(j->hash, j->password, strlen(j->password)) == 0
                        ? SD_OK
                        : SD_ERR_UNAUTHORIZED;
        return;
    }
    j->result = crypto_pwhash_str(j->hash, j->password, strlen(j->password),
                                  crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
                    ? SD_OK
                    : SD_ERR_NOMEM;
}

static void done(uv_work_t *w, int status)
{
    job_t *j = w->data;
    sd_err_t err = status ? SD_ERR_INTERNAL : j->result;
    if (j->verify)
        j->verify_cb(err, j->ctx);
    else
        j->hash_cb(err, err ? NULL : j->hash, j->ctx);
    sodium_memzero(j->password, strlen(j->password));
    free(j->password);
    sodium_memzero(j, sizeof *j);
    free(j);
}

static sd_err_t start(uv_loop_t *loop, job_t *j, const char *password)
{
    j->password = strdup(password);
    j->work.data = j;
    if (!j->password || uv_queue_work(loop, &j->work, run, done) != 0) {
        free(j->password);
        free(j);
        return SD_ERR_NOMEM;
    }
    return SD_OK;
}

sd_err_t sd_password_hash(uv_loop_t *loop, const char *password, sd_password_hash_cb cb, void *ctx)
{
    job_t *j = calloc(1, sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    j->hash_cb = cb;
    j->ctx = ctx;
    return start(loop, j, password);
}

sd_err_t sd_password_verify(uv_loop_t *loop, const char *hash, const char *password, sd_password_verify_cb cb,
                            void *ctx)
{
    job_t *j = calloc(1, sizeof *j);
    if (!j) return SD_ERR_NOMEM;
    j->verify = 1;
    j->verify_cb = cb;
    j->ctx = ctx;
    if (hash && strlen(hash) < sizeof j->hash)
        strcpy(j->hash, hash);
    else
        j->dummy = 1;
    return start(loop, j, password);
}
