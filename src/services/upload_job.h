/*
 * upload_job: the state of one services/upload receive, shared by its two halves and nothing else: upload.c
 * (reading the spooled body: parts, limits, payload) and upload_put.c (storing the files, cleaning up).
 */
#ifndef SD_SERVICES_UPLOAD_JOB_H
#define SD_SERVICES_UPLOAD_JOB_H

#include <stdbool.h>
#include <uv.h>

#include "services/upload.h"

#define SD_UPLOAD_IN_FLIGHT 4 /* store calls at once per upload */

/* Where a file is in its way to the store. */
typedef enum { SD_UP_TODO, SD_UP_SENT, SD_UP_PARTS, SD_UP_COMPLETING, SD_UP_STORED } sd_up_state_t;

typedef struct {
    sd_up_state_t state;
    bool touched;    /* a store call was made for it: on failure its key is deleted */
    char *upload_id; /* a multipart upload's, malloc'd */
    int nparts, next_part, parts_done;
    int64_t part_bytes;
    char **etags;     /* nparts, malloc'd */
    const char *type; /* the Content-Type it is stored with (sniffed; a static string) */
} sd_up_store_t;

/* A text part, located in the spool file. */
typedef struct {
    char *name;
    int64_t off, size;
} sd_up_text_t;

typedef struct sd_upload_job {
    sd_upload_t up; /* first: the caller's handle */
    sd_app_t *app;
    sd_request_t *req; /* for sd_http_request_gone while storing */
    sd_upload_limits_t lim;
    sd_upload_key_fn key;
    sd_upload_done_fn done;
    void *ctx;
    int fd; /* the spool file (ours: a dup of the request's, or a copy of a body in memory) */
    int64_t len;
    char *content_type;
    int64_t max_text; /* HTTP_MAX_BODY_BYTES: text parts together */
    uv_work_t work;
    /* the parse, on a pool thread */
    sd_err_t err;
    int files_cap;
    sd_up_text_t *texts;
    int ntexts, texts_cap;
    int64_t text_bytes, file_bytes;
    /* storing */
    sd_up_store_t *store; /* one per file */
    int in_flight;
    sd_err_t failed;
} sd_upload_job_t;

/* Stores every file of a parsed job, then calls its done (upload_put.c). */
void sd_upload_job_store(sd_upload_job_t *j);
/* Ends the job: done(up, err). */
void sd_upload_job_finish(sd_upload_job_t *j, sd_err_t err);

#endif
