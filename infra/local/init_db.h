/*
 * init_db: the `simplediscord init-db` tool. Reads config/tables.json and brings DynamoDB in line with it:
 * creates missing tables with their indexes, adds indexes that an existing table lacks, enables TTL where
 * asked, and waits until every table and index is ACTIVE. Idempotent: a second run changes nothing and says
 * so. A malformed file is reported (file, table, problem) before anything is created.
 */
#ifndef SD_INFRA_INIT_DB_H
#define SD_INFRA_INIT_DB_H

#include "core/config.h"

/* Runs the tool to completion on its own loop; prints progress to stdout, errors to stderr. Returns an exit
 * code. */
int sd_init_db_main(const sd_config_t *cfg, const char *tables_file);

#endif
