/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_internal.h: for the files of the SQLite backend (store_sqlite.c,
 * store_ingest.c, store_scan.c, store_registry*.c): the SQLite connection
 * behind a zc_store, the backend's methods and the helpers they share.
 * Nothing outside host/store/sqlite/ includes this.
 */
#ifndef ZC_STORE_INTERNAL_H
#define ZC_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store_backend.h"
#include "zc/store.h"

/* The SQLite connection behind s, or NULL when s is not an SQLite store
 * (the registry calls are SQLite's only so far: see host/doc/STORE.md). */
sqlite3 *zc_store_db(zc_store *s);
/* An SQLite result code as a zc_err (0 for OK, ROW and DONE). */
int zc_store_db_err(int rc);

#define db_err zc_store_db_err

/* ---- the handle ---- */

/* The SQLite backend's connection: the generic handle first. */
typedef struct sq_store {
	zc_store base; /* base.methods is &zc_store_sqlite_methods */
	sqlite3 *db;
	int version;
	zc_ingest *batch;     /* the open batch, if any */
	sqlite3_stmt *utc_st; /* sq_record_utc's, prepared on first use */
	int mode;	      /* enum zc_store_mode it was opened in */
	char err[256];	      /* the first error of a failed batch (sq_keep_err) */
} sq_store;

/* What a write lock held by another process past the busy timeout says. */
#define SQ_BUSY_MSG "the database is busy: another zhucun command is writing to it; try again"

/* s as the SQLite connection it is (only for handles of this backend). */
#define SQ(s) ((sq_store *)(s))

/* ---- the methods (store_backend.h), as this backend implements them ---- */

/* store_sqlite.c */
int sq_open(const char *path, zc_store **out, char *errbuf, size_t errlen);
int sq_open_mode(const char *path, int mode, zc_store **out, char *errbuf, size_t errlen);
void sq_close(zc_store *s);
int sq_check(zc_store *s, char *errbuf, size_t errlen);
int sq_schema_version(zc_store *s);
const char *sq_errmsg(zc_store *s);
int sq_terminal_add(zc_store *s, const char *id, const char *pubkey_pem);
int sq_terminal_key(zc_store *s, const char *id, char *buf, size_t cap);
int sq_terminal_head(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN]);
int sq_terminals(zc_store *s, zc_store_terminal_info **out, size_t *n);
int sq_collection_add(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to_seq, const char *via,
		      const char *source, int *added);
int sq_collections(zc_store *s, const char *terminal, zc_collection_fn fn, void *arg);
int sq_collected_until(zc_store *s, const char *terminal, int64_t *at_ms);
int sq_findings(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg);
int64_t sq_record_count(zc_store *s, const char *terminal);
int sq_records(zc_store *s, const char *terminal, uint64_t from, uint64_t to, zc_store_record_fn fn, void *arg);
/* Keep the message of the failure (rc) that ends a batch, before the
 * ROLLBACK overwrites SQLite's: sq_errmsg returns it until the next error.
 * Only the first is kept until sq_clear_err. */
void sq_keep_err(zc_store *s, int rc);
static inline void sq_clear_err(zc_store *s)
{
	SQ(s)->err[0] = 0;
}
/* store_ingest.c */
int sq_ingest_begin(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out);
int sq_ingest_record(zc_ingest *in, const uint8_t *raw, size_t len, const char *where);
int sq_ingest_note(zc_ingest *in, int kind, uint64_t seq, const char *where, const char *detail);
int sq_ingest_commit(zc_ingest *in, zc_ingest_stats *stats);
void sq_ingest_abort(zc_ingest *in);
/* store_scan.c */
int sq_scan_records(zc_store *s, const char *terminal, zc_store_rec_row_fn fn, void *arg);
int sq_fork_points(zc_store *s, zc_store_fork_fn fn, void *arg);
int sq_record_utc(zc_store *s, const char *terminal, uint64_t seq, int64_t *utc_ms);
int sq_badge_verdicts_set(zc_store *s, const zc_store_badge_verdict *v, size_t n);

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
