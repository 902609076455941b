/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_scan.c: the reads and the one write the compliance loader needs
 * (zc/store.h, "reading for the compliance loader"), as data operations so
 * that core/compliance.c speaks no SQL: every stored record of a scope with
 * the columns the loader reads, the fork points, a record's time, and the
 * badge verdicts cached in records.badge_check.
 *
 * A read error is never taken for the end of the rows: every loop here
 * tells SQLITE_DONE from an error and returns the error.
 */
#include <string.h>

#include "store_internal.h"
#include "zc/err.h"

/* The raw bytes are read only where the loader decodes them: clock-set
 * records, and PIV taps whose badge verdict is not cached yet. */
#define SCAN_COLUMNS                                                                                                   \
	"SELECT terminal_id, seq, kind, utc_ms, sig_ok, badge_kind, badge_id, cert_fp, badge_check, ingested_ms, "     \
	"CASE WHEN (kind = 1 AND badge_kind = 1 AND badge_check IS NULL) OR kind = 3 THEN raw END FROM records "

/* Fill *r from the current row of a SCAN_COLUMNS statement. */
static void scan_row(sqlite3_stmt *q, zc_store_rec_row *r)
{
	memset(r, 0, sizeof *r);
	r->terminal = (const char *)sqlite3_column_text(q, 0);
	r->seq = (uint64_t)sqlite3_column_int64(q, 1);
	r->kind = sqlite3_column_int(q, 2);
	r->utc_ms = sqlite3_column_int64(q, 3);
	r->sig_ok = sqlite3_column_int(q, 4) == 1;
	r->badge_kind = sqlite3_column_int(q, 5);
	r->badge_id = sqlite3_column_blob(q, 6);
	r->badge_id_len = (size_t)sqlite3_column_bytes(q, 6);
	if (sqlite3_column_type(q, 7) == SQLITE_BLOB && sqlite3_column_bytes(q, 7) == ZC_HASH_LEN)
		r->cert_fp = sqlite3_column_blob(q, 7);
	r->badge_check = sqlite3_column_type(q, 8) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 8);
	r->ingested_ms = sqlite3_column_int64(q, 9);
	if (sqlite3_column_type(q, 10) == SQLITE_BLOB) {
		r->raw = sqlite3_column_blob(q, 10);
		r->raw_len = (size_t)sqlite3_column_bytes(q, 10);
	}
}

/* The methods below: contracts in zc/store.h ("reading for the compliance
 * loader"), under the names zc_store_*. */
int sq_scan_records(zc_store *s, const char *terminal, zc_store_rec_row_fn fn, void *arg)
{
	if (!s || !fn)
		return ZC_EARG;
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(SQ(s)->db,
				    terminal ? SCAN_COLUMNS "WHERE terminal_id = ?1 ORDER BY terminal_id, seq"
					     : SCAN_COLUMNS "ORDER BY terminal_id, seq",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	if (terminal)
		sqlite3_bind_text(q, 1, terminal, -1, SQLITE_STATIC);
	int ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		zc_store_rec_row r;
		scan_row(q, &r);
		if ((ret = fn(arg, &r)))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_finalize(q);
	return ret;
}

int sq_fork_points(zc_store *s, zc_store_fork_fn fn, void *arg)
{
	if (!s || !fn)
		return ZC_EARG;
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(SQ(s)->db,
				    "SELECT terminal_id, min(seq) FROM record_conflicts WHERE reason = 'fork' "
				    "GROUP BY terminal_id ORDER BY terminal_id",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	int ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *tid = (const char *)sqlite3_column_text(q, 0);
		if ((ret = fn(arg, tid ? tid : "", (uint64_t)sqlite3_column_int64(q, 1))))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_finalize(q);
	return ret;
}

int sq_record_utc(zc_store *s, const char *terminal, uint64_t seq, int64_t *utc_ms)
{
	if (!s || !terminal || !utc_ms)
		return ZC_EARG;
	if (!SQ(s)->utc_st) {
		int rc = sqlite3_prepare_v2(SQ(s)->db, "SELECT utc_ms FROM records WHERE terminal_id = ?1 AND seq = ?2",
					    -1, &SQ(s)->utc_st, NULL);
		if (rc != SQLITE_OK) {
			SQ(s)->utc_st = NULL;
			return db_err(rc) ? db_err(rc) : ZC_EDB;
		}
	}
	sqlite3_stmt *q = SQ(s)->utc_st;
	sqlite3_bind_text(q, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW)
		*utc_ms = sqlite3_column_int64(q, 0);
	else if (rc == SQLITE_DONE)
		ret = ZC_ENOENT;
	else
		ret = db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ret;
}

int sq_badge_verdicts_set(zc_store *s, const zc_store_badge_verdict *v, size_t n)
{
	if (!s || (n && !v))
		return ZC_EARG;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].verdict != ZC_STORE_BADGE_OK && v[i].verdict != ZC_STORE_BADGE_BAD_SIG &&
		    v[i].verdict != ZC_STORE_BADGE_NO_CA)
			return ZC_EARG;
	if (SQ(s)->batch)
		return ZC_ESTATE;
	/* A cache: take the write lock only if it is free now, never wait for
	 * another process's (a pull may hold it for a batch). */
	sqlite3_stmt *upd = NULL;
	sq_clear_err(s);
	sqlite3_busy_timeout(SQ(s)->db, 0);
	int rc = exec(SQ(s)->db, "BEGIN IMMEDIATE");
	sqlite3_busy_timeout(SQ(s)->db, ZC_STORE_BUSY_TIMEOUT_MS);
	if (rc) {
		sq_keep_err(s, rc);
		if (!sqlite3_get_autocommit(SQ(s)->db)) /* BEGIN ran, then failed (out of memory) */
			sqlite3_exec(SQ(s)->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	rc = db_err(sqlite3_prepare_v2(
	    SQ(s)->db, "UPDATE records SET badge_check = ?3 WHERE terminal_id = ?1 AND seq = ?2", -1, &upd, NULL));
	if (!rc && !upd)
		rc = ZC_EDB;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_text(upd, 1, v[i].terminal, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 2, (int64_t)v[i].seq);
		sqlite3_bind_int(upd, 3, v[i].verdict);
		rc = step_done(upd);
	}
	sqlite3_finalize(upd);
	if (!rc)
		rc = exec(SQ(s)->db, "COMMIT");
	if (rc) {
		sq_keep_err(s, rc);
		/* never leave the write lock held: a ROLLBACK that could not
		 * run (out of memory) is tried again */
		for (int i = 0; i < 4 && !sqlite3_get_autocommit(SQ(s)->db); i++)
			sqlite3_exec(SQ(s)->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}
