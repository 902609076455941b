/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store_sqlite.c: what only the SQLite store backend can show, on real
 * database files in a temporary directory: the schema, pragmas and WAL
 * header of a new file; migrations; refusal of foreign, newer or damaged
 * files; a failing write and a lock held by another connection; and the
 * tables behind ingest (parsed columns, sig_ok and link_ok, conflicts, the
 * raw input kept with findings). What every backend must do is in
 * test_store_conformance.c; this file looks at the file itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "test_store_fixture.h"
#include "zc/bytes.h"
#include "zc/record.h"
#include "testutil.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/store.h"
#include "zc/timeutil.h"

#include <unistd.h>

/* The SQLite connection behind a store (store_internal.h, not public). */
sqlite3 *zc_store_db(zc_store *s);

/* The store is the plain path DIR/NAME.db. */
static const char *sqlite_path(const char *dir, const char *name)
{
	static char buf[4][4400];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, sizeof buf[0], "%s/%s.db", dir, name);
	return b;
}

static int setup(void **state)
{
	return sfx_setup(state, sqlite_path);
}

/* ---- direct look at the database ---- */

/* The first column of the first row of sql, or -1 when there is none. */
static int64_t q_int(fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	assert_int_equal(sqlite3_open_v2(f->uri, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void q_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

typedef struct rows {
	int64_t records, conflicts, findings;
} rows;

static rows count_rows(fx *f)
{
	rows r = {
	    q_int(f, "SELECT count(*) FROM records"),
	    q_int(f, "SELECT count(*) FROM record_conflicts"),
	    q_int(f, "SELECT count(*) FROM findings"),
	};
	return r;
}

/* ---- open, schema, migrations ---- */

static void test_open_creates_schema(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "PRAGMA user_version"), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "PRAGMA application_id"), 0x5A48434E);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
				  "('terminals', 'records', 'record_conflicts', 'findings')"),
			 4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
				  "('records_kind_time', 'records_badge_time', 'records_terminal_time')"),
			 3);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
				  "('collections', 'audit', 'leave', 'corrections', 'inspections')"),
			 5);
	/* WAL is persistent in the file header (bytes 18 and 19 are 2). */
	size_t len = 0;
	uint8_t *b = tu_read_file(f->uri, &len);
	assert_non_null(b);
	assert_true(len >= 100);
	assert_int_equal(b[18], 2);
	assert_int_equal(b[19], 2);
	free(b);
	assert_int_equal(zc_store_check(f->s, NULL, 0), 0);
}

static void test_reopen_does_not_migrate_again(void **state)
{
	fx *f = *state;
	sfx_ingest_range(f, 1, N, 4);
	int64_t objects = q_int(f, "SELECT count(*) FROM sqlite_schema");
	sfx_reopen(f);
	assert_int_equal(q_int(f, "PRAGMA user_version"), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema"), objects);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records"), N - 1);
}

static void test_migration_from_version_3(void **state)
{
	fx *f = *state;
	char err[256];
	/* A version 3 store with a leave row: version 4 added the leave's type
	 * and reason and the duty's place and purpose. */
	zc_store_close(f->s);
	f->s = NULL;
	q_exec(f->uri, "DROP TABLE trusted_hosts; ALTER TABLE registry_terminals DROP COLUMN key_fp;"
		       "ALTER TABLE leave DROP COLUMN type; ALTER TABLE leave DROP COLUMN reason;"
		       "ALTER TABLE duty DROP COLUMN place; ALTER TABLE duty DROP COLUMN purpose;"
		       "INSERT INTO districts VALUES ('D1', 'd'); INSERT INTO cadres VALUES "
		       "('C1', 'n', 'member', NULL, '2015-03-01', 'u');"
		       "INSERT INTO leave(cadre_id, start, \"end\", level) VALUES ('C1', '2024-01-02', '2024-01-03', "
		       "'none'); PRAGMA user_version = 3");
	assert_int_equal(q_int(f, "SELECT count(*) FROM pragma_table_info('leave') WHERE name = 'type'"), 0);
	assert_int_equal(zc_store_open(f->uri, &f->s, err, sizeof err), 0);
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "PRAGMA user_version"), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'trusted_hosts'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM pragma_table_info('leave') WHERE name IN ('type', 'reason')"),
			 2);
	assert_int_equal(q_int(f, "SELECT count(*) FROM pragma_table_info('duty') WHERE name IN ('place', 'purpose')"),
			 2);
	assert_int_equal(q_int(f, "SELECT count(*) FROM leave WHERE cadre_id = 'C1' AND type IS NULL"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM terminals WHERE id = 'T1'"), 1);
	assert_int_equal(zc_store_check(f->s, err, sizeof err), 0);
}

static void test_empty_file_becomes_a_store(void **state)
{
	fx *f = *state;
	char path[4400], err[256];
	zc_store *s = NULL;
	snprintf(path, sizeof path, "%s/empty.db", f->dir);
	assert_int_equal(tu_write_file(path, "", 0), 0);
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), 0);
	assert_int_equal(zc_store_schema_version(s), ZC_STORE_SCHEMA_VERSION);
	zc_store_close(s);
	size_t len = 0;
	uint8_t *b = tu_read_file(path, &len);
	assert_non_null(b);
	assert_true(len >= 100);
	assert_memory_equal(b, "SQLite format 3", 16);
	free(b);
}

static void test_newer_schema_refused(void **state)
{
	fx *f = *state;
	char err[256];
	zc_store *s = NULL;
	zc_store_close(f->s);
	f->s = NULL;
	q_exec(f->uri, "PRAGMA user_version = 99");
	assert_int_equal(zc_store_open(f->uri, &s, err, sizeof err), ZC_EVERSION);
	assert_null(s);
	sfx_assert_contains(err, "schema version 99 is newer than this program (5)");
	assert_null(strchr(err, '\n'));
	/* Nothing was changed by the refusal. */
	assert_int_equal(q_int(f, "PRAGMA user_version"), 99);
}

static void test_not_a_database(void **state)
{
	fx *f = *state;
	char path[4400], err[256];
	zc_store *s = NULL;
	char text[2048];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "this is a roster, not a database\n"[i % 33];
	snprintf(path, sizeof path, "%s/roster.csv", f->dir);
	assert_int_equal(tu_write_file(path, text, sizeof text), 0);
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	assert_null(s);
	sfx_assert_contains(err, "not a zhucun database");
	sfx_assert_contains(err, "not an SQLite database");
	assert_null(strchr(err, '\n'));
	/* The file is left exactly as it was. */
	size_t len = 0;
	uint8_t *b = tu_read_file(path, &len);
	assert_non_null(b);
	assert_int_equal(len, sizeof text);
	assert_memory_equal(b, text, sizeof text);
	free(b);
	snprintf(path, sizeof path, "%s/roster.csv-wal", f->dir);
	assert_null(fopen(path, "rb"));

	snprintf(path, sizeof path, "%s/no/such/dir/zhucun.db", f->dir);
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EIO);
	sfx_assert_contains(err, "cannot open database");
}

static void test_foreign_sqlite_refused(void **state)
{
	fx *f = *state;
	char path[4400], err[256];
	zc_store *s = NULL;
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	q_exec(path, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)");
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	assert_null(s);
	sfx_assert_contains(err, "not a zhucun database");
	sfx_assert_contains(err, "another application");

	snprintf(path, sizeof path, "%s/other2.db", f->dir);
	q_exec(path, "PRAGMA application_id = 1234; CREATE TABLE t(x)");
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	sfx_assert_contains(err, "application_id 0x000004d2");
}

/* The store with the whole chain ingested, closed, and its file read
 * (malloc'd), to damage and write_back. */
static uint8_t *closed_file(fx *f, size_t *len)
{
	sfx_ingest_range(f, 1, N, 0);
	zc_store_close(f->s);
	f->s = NULL;
	uint8_t *b = tu_read_file(f->uri, len);
	assert_non_null(b);
	return b;
}

static void write_back(fx *f, uint8_t *b, size_t len)
{
	assert_int_equal(tu_write_file(f->uri, b, len), 0);
	free(b);
}

static void test_corrupt_database(void **state)
{
	fx *f = *state;
	char err[256];
	zc_store *s = NULL;
	size_t len = 0;
	uint8_t *b = closed_file(f, &len);
	assert_true(len > 4096);
	/* Page 1 after the 100-byte header holds the schema's b-tree page. */
	memset(b + 100, 0xFF, 200);
	write_back(f, b, len);
	assert_int_equal(zc_store_open(f->uri, &s, err, sizeof err), ZC_ECORRUPT);
	assert_null(s);
	sfx_assert_contains(err, "database is corrupt");
	assert_null(strchr(err, '\n'));
}

static void test_corrupt_page_found_by_check(void **state)
{
	fx *f = *state;
	char err[256];
	size_t len = 0;
	uint8_t *b = closed_file(f, &len);
	uint32_t page = (uint32_t)b[16] << 8 | b[17];
	assert_true(len >= 3 * page);
	memset(b + page, 0xA5, page); /* all of page 2 */
	write_back(f, b, len);
	/* The schema is intact, so the cheap checks at open pass ... */
	assert_int_equal(zc_store_open(f->uri, &f->s, err, sizeof err), 0);
	/* ... and the full check finds the damage. */
	assert_int_equal(zc_store_check(f->s, err, sizeof err), ZC_ECORRUPT);
	sfx_assert_contains(err, "corrupt");
}

/* ---- failures of the database itself ---- */

static void test_store_failure_rolls_back(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	sfx_ingest_range(f, 1, 2, 0);
	/* Make the store itself fail on seq 5, as a full disk would. */
	q_exec(f->uri, "CREATE TRIGGER boom BEFORE INSERT ON records WHEN NEW.seq = 5 "
		       "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	for (int i = 3; i <= 4; i++)
		assert_int_equal(zc_ingest_record(in, f->rec[i].b, f->rec[i].len, NULL), 0);
	assert_int_equal(zc_ingest_record(in, f->rec[5].b, f->rec[5].len, NULL), ZC_EDB);
	sfx_assert_contains(zc_store_errmsg(f->s), "disk on fire");
	/* The batch takes nothing more, and its commit rolls it all back. */
	assert_int_equal(zc_ingest_record(in, f->rec[6].b, f->rec[6].len, NULL), ZC_ESTATE);
	assert_int_equal(zc_ingest_note(in, ZC_FIND_GAP, 9, NULL, "x"), ZC_ESTATE);
	assert_int_equal(zc_ingest_commit(in, &st), ZC_EDB);
	assert_int_equal(st.stored, 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 2);
	q_exec(f->uri, "DROP TRIGGER boom");
	st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N - 2);
	assert_int_equal(st.duplicates, 2);
}

static void test_locked_by_another_connection(void **state)
{
	fx *f = *state;
	sqlite3 *db = NULL;
	zc_ingest *in = NULL;
	assert_int_equal(sqlite3_open(f->uri, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	/* Waits for the busy timeout (10 s), then gives up: try again later. */
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), ZC_EAGAIN);
	assert_null(in);
	/* Reading goes on beside the writer (WAL). */
	assert_int_equal(zc_store_record_count(f->s, "T1"), 0);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
}

/* ---- open modes, locks, the first error (issue 10, items 4, 5, 9) ---- */

static void test_open_modes(void **state)
{
	fx *f = *state;
	zc_store *s = NULL;
	char err[512];
	const char *missing = sqlite_path(f->dir, "TYPO");
	assert_int_equal(zc_store_open_mode(missing, ZC_STORE_READ, &s, err, sizeof err), ZC_ENOENT);
	sfx_assert_contains(err, "no such store");
	sfx_assert_contains(err, missing);
	assert_int_equal(zc_store_open_mode(missing, ZC_STORE_WRITE, &s, err, sizeof err), ZC_ENOENT);
	assert_null(s);
	assert_int_not_equal(access(missing, F_OK), 0); /* nothing created */
	assert_int_equal(zc_store_open_mode(f->uri, ZC_STORE_READ, &s, err, sizeof err), 0);
	assert_int_equal(zc_store_schema_version(s), ZC_STORE_SCHEMA_VERSION);
	zc_store_close(s);
	assert_int_equal(zc_store_open_mode(missing, ZC_STORE_CREATE, &s, err, sizeof err), 0);
	zc_store_close(s);
	assert_int_equal(access(missing, F_OK), 0);
	assert_int_equal(zc_store_open_mode(f->uri, 7, &s, err, sizeof err), ZC_EARG);
}

static void test_read_never_migrates(void **state)
{
	fx *f = *state;
	zc_store *s = NULL;
	char err[512];
	zc_store_close(f->s);
	f->s = NULL;
	q_exec(f->uri, "PRAGMA user_version = 3");
	assert_int_equal(zc_store_open_mode(f->uri, ZC_STORE_READ, &s, err, sizeof err), ZC_ESTATE);
	sfx_assert_contains(err, "older than this program");
	sfx_assert_contains(err, "zhucun init");
	assert_int_equal(q_int(f, "PRAGMA user_version"), 3);
	q_exec(f->uri, "PRAGMA user_version = 4");
}

/* Another process holds the write lock (a pull storing a batch): opening
 * a current store, to read or to write, does not wait for it, and the
 * badge verdict cache gives up at once instead of waiting. */
static void test_open_takes_no_write_lock(void **state)
{
	fx *f = *state;
	sqlite3 *db = NULL;
	zc_store *r = NULL, *w = NULL;
	char err[512];
	sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(sqlite3_open(f->uri, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	int64_t t0 = zc_mono_ms();
	assert_int_equal(zc_store_open_mode(f->uri, ZC_STORE_READ, &r, err, sizeof err), 0);
	assert_int_equal(zc_store_open_mode(f->uri, ZC_STORE_WRITE, &w, err, sizeof err), 0);
	assert_int_equal(zc_store_record_count(r, "T1"), N);
	zc_store_badge_verdict v = {"T1", 2, ZC_STORE_BADGE_OK};
	assert_int_equal(zc_store_badge_verdicts_set(r, &v, 1), ZC_EAGAIN);
	sfx_assert_contains(zc_store_errmsg(r), "another zhucun command is writing to it");
	assert_true(zc_mono_ms() - t0 < 1000);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(zc_store_badge_verdicts_set(r, &v, 1), 0); /* free now: cached */
	assert_int_equal(q_int(f, "SELECT badge_check FROM records WHERE seq = 2"), ZC_STORE_BADGE_OK);
	sqlite3_close(db);
	zc_store_close(r);
	zc_store_close(w);
}

/* A full disk (max_page_count: SQLite's own size limit) in the middle of
 * a batch: the error, and zc_store_errmsg after the rollback, name the
 * cause, not the rollback's "not an error". */
static void test_disk_full_names_the_cause(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	enc *e = calloc(2, sizeof *e);
	assert_non_null(e);
	sqlite3 *db = zc_store_db(f->s);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)q_int(f, "PRAGMA page_count"));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	int rc = 0;
	for (uint64_t seq = 1; seq <= 2000 && !rc; seq++) {
		enc *cur = &e[seq % 2], *prev = &e[(seq + 1) % 2];
		sfx_sign(cur, g_key, "T1", seq, seq == 1 ? ZC_KIND_BOOT : ZC_KIND_TAP, T0 + (int64_t)seq * MIN_MS,
			 prev->hash);
		rc = zc_ingest_record(in, cur->b, cur->len, NULL);
	}
	assert_int_equal(rc, ZC_ENOSPC);
	sfx_assert_contains(zc_store_errmsg(f->s), "full");
	assert_int_equal(zc_ingest_commit(in, &st), ZC_ENOSPC);
	sfx_assert_contains(zc_store_errmsg(f->s), "full"); /* after the ROLLBACK */
	assert_int_equal(zc_store_record_count(f->s, "T1"), 0);
	free(e);
}

/* Times at the ends of int64 (a terminal's or a forger's): refused as
 * malformed, no arithmetic overflows (run under UBSan). */
static void test_extreme_times_refused(void **state)
{
	fx *f = *state;
	/* the encoder refuses these times (zc/record.h), so they are written
	 * over a signed record's utc_ms, as a hostile journal would carry them */
	static const int64_t bad[] = {INT64_MIN, INT64_MIN + 1, -1, ZC_UTC_MS_END, INT64_MAX};
	enc e;
	/* after a record at T0: each would be compared with it (clock rollback) */
	sfx_ingest_range(f, 1, 1, 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sfx_sign(&e, g_key, "T1", 2, ZC_KIND_TAP, f->utc[1] + 60000, f->rec[1].hash);
		zc_put_u64(e.b + 5 + strlen("T1") + 12, (uint64_t)bad[i]);
		zc_ingest_stats st = sfx_ingest_one(f->s, "T1", &e);
		assert_int_equal(st.stored, 0);
		assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], 1);
	}
	fnds c = sfx_findings(f);
	assert_int_equal(fnds_count_kind(&c, ZC_FIND_MALFORMED), 5);
	sfx_assert_contains(fnds_detail(&c, ZC_FIND_MALFORMED, 0), "utc");
	/* times at the ends of the range are stored, and a later record far
	 * earlier is compared with it without overflow */
	f->utc[2] = ZC_UTC_MS_END - 1;
	f->utc[3] = 0;
	sfx_build_all(f, 2);
	zc_ingest_stats st = sfx_ingest_range(f, 2, 3, 0);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
}

/* ---- the tables behind ingest ---- */

static void test_parsed_columns(void **state)
{
	fx *f = *state;
	zc_ingest_opts opts = {.source = "journal:/media/T1"};
	sfx_ingest_chain(f, &opts);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE sig_ok = 1 AND link_ok = 1"), N);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE kind = 1 AND badge_kind = 1 AND "
				  "length(badge_id) = 16 AND length(nonce) = 32 AND length(cert_fp) = 32 AND "
				  "length(badge_sig) = 8 AND tap_result = 0"),
			 N - 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE source = 'journal:/media/T1' "
				  "AND where_ LIKE 'test@%'"),
			 N);
	assert_int_equal(q_int(f, "SELECT utc_ms FROM records WHERE seq = 3"), T0 + 2 * MIN_MS);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM records WHERE seq = 3"), (int64_t)f->rec[3].len);
}

static void test_clock_set_columns(void **state)
{
	fx *f = *state;
	sfx_scenario_clock_set5(f);
	assert_int_equal(q_int(f, "SELECT clock_new_ms FROM records WHERE seq = 5"), f->utc[5]);
	assert_int_equal(q_int(f, "SELECT clock_old_ms FROM records WHERE seq = 5"), f->utc[5] + 10 * MIN_MS);
}

static void test_ingest_twice_writes_no_row(void **state)
{
	fx *f = *state;
	sfx_ingest_range(f, 1, N, 0);
	rows before = count_rows(f);
	int64_t changes = q_int(f, "SELECT max(ingested_ms) FROM records");
	sfx_ingest_range(f, 1, N, 0);
	rows after = count_rows(f);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(after.findings, 0);
	assert_int_equal(q_int(f, "SELECT max(ingested_ms) FROM records"), changes);
}

static void test_ingest_twice_with_findings_writes_no_row(void **state)
{
	fx *f = *state;
	const enc *const *list;
	sfx_scenario_mixed(f, &list);
	rows before = count_rows(f);
	assert_int_equal(before.conflicts, 1); /* alt, a fork of seq 5 */
	assert_true(before.findings >= 5);
	sfx_ingest_list(f, NULL, list);
	rows after = count_rows(f);
	assert_memory_equal(&before, &after, sizeof before);
}

static void test_abort_writes_no_row(void **state)
{
	fx *f = *state;
	sfx_scenario_aborted(f);
	rows r = count_rows(f);
	assert_int_equal(r.records, 0);
	assert_int_equal(r.conflicts, 0);
	assert_int_equal(r.findings, 0);
}

static void test_raw_kept_with_findings(void **state)
{
	fx *f = *state;
	enc trunc = f->rec[3], other;
	trunc.len -= 5; /* cut into the signature */
	sfx_sign(&other, g_key, "T2", 4, ZC_KIND_TAP, f->utc[4], f->rec[3].hash);
	const enc *list[] = {&f->rec[1], &f->rec[2], &trunc, &other, NULL};
	zc_ingest_stats st = sfx_ingest_list(f, NULL, list);
	assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], 1);
	assert_int_equal(st.by_kind[ZC_FIND_WRONG_TERMINAL], 1);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM findings WHERE kind = 1"), (int64_t)trunc.len);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM findings WHERE kind = 2"), (int64_t)other.len);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records"), 2);
}

static void test_bad_signature_rows(void **state)
{
	fx *f = *state;
	enc tampered;
	sfx_scenario_tampered3(f, &tampered);
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 0);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 0);
	/* The genuine record takes the slot; the tampered one is a conflict. */
	const enc *later[] = {&f->rec[3], NULL};
	sfx_ingest_list(f, NULL, later);
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 1);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 3 AND sig_ok = 0 AND "
				  "reason = 'bad_signature'"),
			 1);
}

static void test_bad_signature_other_key_rows(void **state)
{
	fx *f = *state;
	enc forged, forged2;
	sfx_scenario_forged3(f, &forged);
	/* Same body as the genuine record, so seq 4 still links. */
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 1);
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 0);
	/* A forgery for a stored seq is kept as a conflict. */
	sfx_scenario_forged4(f, &forged2);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 5"), -1); /* not stored */
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE seq = 4 AND sig_ok = 1"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 4 AND reason = 'bad_signature'"),
			 1);
}

static void test_link_columns(void **state)
{
	fx *f = *state;
	/* A gap: 5 links to nothing stored (NULL) until 3 and 4 arrive. */
	sfx_scenario_gap34(f);
	assert_true(q_int(f, "SELECT link_ok IS NULL FROM records WHERE seq = 5"));
	sfx_ingest_range(f, 3, 4, 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE sig_ok = 1 AND link_ok = 1"), N);
}

static void test_broken_link_columns(void **state)
{
	fx *f = *state;
	sfx_scenario_broken_link4(f);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE link_ok = 1"), N - 1);
}

static void test_broken_link_from_successor_columns(void **state)
{
	fx *f = *state;
	enc other4;
	sfx_scenario_late_other4(f, &other4);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 5"), 0);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 1);
}

static void test_fork_conflict_row(void **state)
{
	fx *f = *state;
	enc alt;
	sfx_scenario_fork3(f, &alt);
	const enc *list[] = {&alt, NULL};
	/* Both kept: the first in records, the second in record_conflicts. */
	assert_int_equal(q_int(f, "SELECT utc_ms FROM records WHERE seq = 3"), f->utc[3]);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 3 AND sig_ok = 1 AND "
				  "reason = 'fork'"),
			 1);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM record_conflicts"), (int64_t)alt.len);
	sfx_ingest_list(f, NULL, list);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_does_not_migrate_again, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_migration_from_version_3, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_empty_file_becomes_a_store, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_sqlite_refused, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_database, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_page_found_by_check, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_failure_rolls_back, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_locked_by_another_connection, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_parsed_columns, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_set_columns, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_writes_no_row, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_with_findings_writes_no_row, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_abort_writes_no_row, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_raw_kept_with_findings, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_signature_rows, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_signature_other_key_rows, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_link_columns, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_open_modes, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_read_never_migrates, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_open_takes_no_write_lock, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_disk_full_names_the_cause, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_extreme_times_refused, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_broken_link_columns, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_broken_link_from_successor_columns, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_fork_conflict_row, setup, sfx_teardown),
	};
	return cmocka_run_group_tests_name("store_sqlite", tests, sfx_group_setup, sfx_group_teardown);
}
