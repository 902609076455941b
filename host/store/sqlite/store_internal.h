/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_internal.h: for the parts of the store implementation that live in
 * files of their own (store_registry*.c, store_ingest.c, store_taps.c): the
 * SQLite handle behind a zc_store, and the helpers they share. Nothing
 * outside the store includes this.
 */
#ifndef ZC_STORE_INTERNAL_H
#define ZC_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "zc/store.h"

sqlite3 *zc_store_db(zc_store *s);
/* An SQLite result code as a zc_err (0 for OK, ROW and DONE). */
int zc_store_db_err(int rc);

#define db_err zc_store_db_err

/* ---- the handle ---- */

struct zc_store {
	sqlite3 *db;
	int version;
	zc_ingest *batch; /* the open batch, if any */
	sqlite3_stmt *utc_st; /* zc_store_record_utc's, prepared on first use */
};

/* ---- helpers ---- */

static inline int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int exec(sqlite3 *db, const char *sql)
{
	return db_err(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* Step a statement that returns no row, then reset it. */
static inline int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(rc ? rc : SQLITE_ERROR);
}

#endif
