/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite.c: the host store (zc/store.h) on SQLite 3.
 *
 * The database runs in WAL mode with foreign keys on and synchronous=NORMAL;
 * an ingest batch switches to synchronous=FULL for its commit, because a
 * committed batch may be acknowledged to the terminal, which then frees
 * those records. The schema is versioned by PRAGMA user_version and marked
 * as ours by PRAGMA application_id; migrations[] holds one SQL script per
 * version, applied forward only, each in its own transaction.
 *
 * The ingest batch and its checks are in store_ingest.c.
 */
#include "zc/store.h"
#include "store_internal.h"

#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/record.h"

/* 'ZHCN': marks a zhucun store; persisted. */
#define APPLICATION_ID 0x5A48434E

/* ---- schema ---- */

/* migrations[i] brings a database from version i to i + 1. Append only:
 * never edit a script that has been released. */
/* clang-format off */
static const char *const migrations[] = {
	/* 1: terminals, records (raw and parsed), conflicts, findings */
	"CREATE TABLE terminals(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	pubkey_pem TEXT NOT NULL,\n"
	"	key_fp BLOB NOT NULL CHECK(length(key_fp) = 32),\n"
	"	added_ms INTEGER NOT NULL\n"
	");\n"
	/* One row per (terminal, seq): the first valid record seen for it. */
	"CREATE TABLE records(\n"
	"	terminal_id TEXT NOT NULL REFERENCES terminals(id),\n"
	"	seq INTEGER NOT NULL CHECK(seq >= 1),\n"
	"	hash BLOB NOT NULL CHECK(length(hash) = 32),\n"
	"	prev_hash BLOB NOT NULL CHECK(length(prev_hash) = 32),\n"
	"	version INTEGER NOT NULL,\n"
	"	kind INTEGER NOT NULL,\n"
	"	boot INTEGER NOT NULL,\n"
	"	utc_ms INTEGER NOT NULL,\n"
	"	mono_ms INTEGER NOT NULL,\n"
	"	raw BLOB NOT NULL,\n"
	"	sig_ok INTEGER NOT NULL CHECK(sig_ok IN (0, 1)),\n"
	/* 1: prev_hash is the hash of seq - 1; 0: it is not; NULL: seq - 1 is
	 * not stored (yet). */
	"	link_ok INTEGER CHECK(link_ok IN (0, 1)),\n"
	"	badge_kind INTEGER,\n"
	"	badge_id BLOB,\n"
	"	cert_fp BLOB,\n"
	"	tap_result INTEGER,\n"
	"	nonce BLOB,\n"
	"	badge_sig BLOB,\n"
	"	clock_old_ms INTEGER,\n"
	"	clock_new_ms INTEGER,\n"
	"	source TEXT,\n"
	"	where_ TEXT,\n"
	"	ingested_ms INTEGER NOT NULL,\n"
	"	PRIMARY KEY(terminal_id, seq)\n"
	");\n"
	"CREATE INDEX records_kind_time ON records(kind, utc_ms);\n"
	"CREATE INDEX records_badge_time ON records(badge_id, utc_ms) WHERE badge_id IS NOT NULL;\n"
	"CREATE INDEX records_terminal_time ON records(terminal_id, utc_ms);\n"
	"CREATE INDEX records_unverified ON records(terminal_id, seq) WHERE sig_ok = 0 OR link_ok IS NOT 1;\n"
	/* Other records offered for a stored (terminal, seq): reason 'fork'
	 * (validly signed too) or 'bad_signature'. Never dropped. */
	"CREATE TABLE record_conflicts(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	terminal_id TEXT NOT NULL REFERENCES terminals(id),\n"
	"	seq INTEGER NOT NULL,\n"
	"	hash BLOB NOT NULL,\n"
	"	raw_sha BLOB NOT NULL,\n"
	"	raw BLOB NOT NULL,\n"
	"	sig_ok INTEGER NOT NULL CHECK(sig_ok IN (0, 1)),\n"
	"	reason TEXT NOT NULL,\n"
	"	source TEXT,\n"
	"	where_ TEXT,\n"
	"	ingested_ms INTEGER NOT NULL,\n"
	"	UNIQUE(terminal_id, seq, raw_sha)\n"
	");\n"
	/* ukey tells one finding from another of the same kind and seq (hashes
	 * involved, the missing range, the raw input's SHA-256). raw keeps input
	 * that is stored nowhere else (malformed, wrong terminal). */
	"CREATE TABLE findings(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	terminal_id TEXT NOT NULL REFERENCES terminals(id),\n"
	"	kind INTEGER NOT NULL,\n"
	"	seq INTEGER NOT NULL,\n"
	"	ukey TEXT NOT NULL,\n"
	"	where_ TEXT,\n"
	"	detail TEXT NOT NULL,\n"
	"	source TEXT,\n"
	"	raw BLOB,\n"
	"	created_ms INTEGER NOT NULL,\n"
	"	resolved_ms INTEGER,\n"
	"	UNIQUE(terminal_id, kind, seq, ukey)\n"
	");\n"
	"CREATE INDEX findings_terminal ON findings(terminal_id, id);\n",
	/* 2: the registry (host/doc/IMPORT.md, store_registry.c): places,
	 * terminals' townships, cadres, assignments, badges, leave, duty, the
	 * calendar, policy settings, the badge CAs and revocation lists, and
	 * the audit log of every registry change. Dates are TEXT YYYY-MM-DD. */
	"CREATE TABLE districts(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	name TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE townships(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	name TEXT NOT NULL,\n"
	"	district_id TEXT NOT NULL REFERENCES districts(id)\n"
	");\n"
	"CREATE TABLE villages(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	name TEXT NOT NULL,\n"
	"	township_id TEXT NOT NULL REFERENCES townships(id),\n"
	"	rate_fen INTEGER CHECK(rate_fen IS NULL OR rate_fen >= 0)\n"
	");\n"
	/* Where a terminal stands; its key is in terminals. */
	"CREATE TABLE registry_terminals(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	township_id TEXT NOT NULL REFERENCES townships(id)\n"
	");\n"
	"CREATE TABLE cadres(\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	name TEXT NOT NULL,\n"
	"	role TEXT NOT NULL CHECK(role IN ('first_secretary', 'member')),\n"
	"	party_since TEXT,\n"
	"	work_since TEXT NOT NULL,\n"
	"	unit TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE assignments(\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	village_id TEXT NOT NULL REFERENCES villages(id),\n"
	"	start TEXT NOT NULL,\n"
	"	\"end\" TEXT NOT NULL CHECK(\"end\" >= start),\n"
	"	PRIMARY KEY(cadre_id, village_id, start)\n"
	");\n"
	"CREATE INDEX assignments_village ON assignments(village_id);\n"
	"CREATE TABLE badge_certs(\n"
	"	fp BLOB PRIMARY KEY NOT NULL CHECK(length(fp) = 32),\n"
	"	der BLOB NOT NULL,\n"
	"	badge_id TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE badges(\n"
	"	badge_id TEXT NOT NULL,\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	bound_from TEXT NOT NULL,\n"
	"	bound_to TEXT CHECK(bound_to IS NULL OR bound_to >= bound_from),\n"
	"	kind TEXT NOT NULL CHECK(kind IN ('piv', 'uid')),\n"
	"	uid BLOB,\n"
	"	cert_fp BLOB REFERENCES badge_certs(fp),\n"
	"	PRIMARY KEY(badge_id, cadre_id, bound_from)\n"
	");\n"
	"CREATE INDEX badges_cadre ON badges(cadre_id);\n"
	"CREATE TABLE badge_cas(\n"
	"	fp BLOB PRIMARY KEY NOT NULL CHECK(length(fp) = 32),\n"
	"	der BLOB NOT NULL,\n"
	"	added_ms INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE revocation_lists(\n"
	"	ca_fp BLOB NOT NULL REFERENCES badge_cas(fp),\n"
	"	number INTEGER NOT NULL CHECK(number >= 1),\n"
	"	raw BLOB NOT NULL,\n"
	"	installed_ms INTEGER NOT NULL,\n"
	"	PRIMARY KEY(ca_fp, number)\n"
	");\n"
	"CREATE TABLE leave(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	start TEXT NOT NULL,\n"
	"	\"end\" TEXT NOT NULL CHECK(\"end\" >= start),\n"
	"	level TEXT NOT NULL CHECK(level IN ('none', 'township', 'district', 'city')),\n"
	"	ref TEXT,\n"
	"	UNIQUE(cadre_id, start, \"end\")\n"
	");\n"
	"CREATE TABLE duty(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	start TEXT NOT NULL,\n"
	"	\"end\" TEXT NOT NULL CHECK(\"end\" >= start),\n"
	"	kind TEXT NOT NULL CHECK(kind IN ('trip', 'meeting', 'training')),\n"
	"	level TEXT NOT NULL CHECK(level IN ('none', 'township', 'district', 'city')),\n"
	"	UNIQUE(cadre_id, start, \"end\", kind)\n"
	");\n"
	"CREATE TABLE calendar(\n"
	"	date TEXT PRIMARY KEY NOT NULL,\n"
	"	kind TEXT NOT NULL CHECK(kind IN ('holiday', 'workday')),\n"
	"	note TEXT\n"
	");\n"
	"CREATE TABLE policy(\n"
	"	name TEXT PRIMARY KEY NOT NULL,\n"
	"	value TEXT NOT NULL\n"
	");\n"
	/* Who changed which registry row when, from where (\"FILE:LINE\" or
	 * \"cli\"); before/after are JSON objects of the row's columns. */
	"CREATE TABLE audit(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	at_ms INTEGER NOT NULL,\n"
	"	actor TEXT NOT NULL,\n"
	"	action TEXT NOT NULL CHECK(action IN ('insert', 'update', 'delete')),\n"
	"	entity TEXT NOT NULL,\n"
	"	key TEXT NOT NULL,\n"
	"	before_json TEXT,\n"
	"	after_json TEXT,\n"
	"	source TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX audit_entity ON audit(entity, id);\n"
	/* The host's verdict on a tap's badge signature (cached by the engine). */
	"ALTER TABLE records ADD COLUMN badge_check INTEGER;\n",
	/* 3: RULES.md v2. Every completed collection of a terminal's log (the
	 * host's time of the pull, or the time a bundle says its pull was,
	 * and the sequence number it reached): a terminal's collected-until is
	 * the latest. Corrections (补卡) and inspection results (抽查), with
	 * their audit entities "correction" and "inspection". */
	"CREATE TABLE collections(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	terminal_id TEXT NOT NULL REFERENCES terminals(id),\n"
	"	at_ms INTEGER NOT NULL,\n"
	"	up_to_seq INTEGER NOT NULL CHECK(up_to_seq >= 0),\n"
	"	via TEXT NOT NULL CHECK(via IN ('link', 'bundle')),\n"
	"	source TEXT,\n"
	"	recorded_ms INTEGER NOT NULL,\n"
	"	UNIQUE(terminal_id, at_ms, up_to_seq)\n"
	");\n"
	"CREATE TABLE corrections(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	date TEXT NOT NULL,\n"
	"	level TEXT NOT NULL CHECK(level IN ('none', 'township', 'district', 'city')),\n"
	"	reason TEXT NOT NULL,\n"
	"	ref TEXT,\n"
	"	UNIQUE(cadre_id, date)\n"
	");\n"
	"CREATE TABLE inspections(\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	village_id TEXT NOT NULL REFERENCES villages(id),\n"
	"	at_ms INTEGER NOT NULL,\n"
	"	inspector TEXT NOT NULL,\n"
	"	cadre_id TEXT NOT NULL REFERENCES cadres(id),\n"
	"	result TEXT NOT NULL CHECK(result IN ('present', 'absent')),\n"
	"	note TEXT,\n"
	"	UNIQUE(village_id, at_ms, cadre_id)\n"
	");\n",
	/* 4: what the clerk enters besides dates and levels: a leave's type
	 * (事假, 病假, 探亲假, 其他) and reason (事由), a duty's place (地点)
	 * and purpose (事由); all optional, NULL in older rows. */
	"ALTER TABLE leave ADD COLUMN type TEXT\n"
	"	CHECK(type IS NULL OR type IN ('personal', 'sick', 'family_visit', 'other'));\n"
	"ALTER TABLE leave ADD COLUMN reason TEXT;\n"
	"ALTER TABLE duty ADD COLUMN place TEXT;\n"
	"ALTER TABLE duty ADD COLUMN purpose TEXT;\n",
	/* 5: the host keys this host takes bundles from (store_trust.c,
	 * audit entity "trust"), and the fingerprint of a terminal's key the
	 * registry vouches for (hex; FORMAT.md 5, trust rules). */
	"CREATE TABLE trusted_hosts(\n"
	"	fp BLOB PRIMARY KEY NOT NULL CHECK(length(fp) = 32),\n"
	"	name TEXT NOT NULL,\n"
	"	pubkey_pem TEXT,\n"
	"	added_ms INTEGER NOT NULL\n"
	");\n"
	"ALTER TABLE registry_terminals ADD COLUMN key_fp TEXT\n"
	"	CHECK(key_fp IS NULL OR length(key_fp) = 64);\n",
};
/* clang-format on */
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == ZC_STORE_SCHEMA_VERSION,
	       "ZC_STORE_SCHEMA_VERSION must equal the number of migrations");

/* ---- helpers ---- */

#define set_err zc_errf

/* Map an SQLite result code to a zc_err. */
int zc_store_db_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return ZC_EAGAIN;
	case SQLITE_NOMEM: return ZC_ENOMEM;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY: return ZC_EIO;
	case SQLITE_FULL: return ZC_ENOSPC;
	case SQLITE_CORRUPT: return ZC_ECORRUPT;
	case SQLITE_NOTADB: return ZC_EMALFORMED;
	default: return ZC_EDB;
	}
}

/* Run a statement that returns one integer; *v = 0 for NULL or no row. */
static int query_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static const char *sqlite_msg(sqlite3 *db, int rc)
{
	return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

/* ---- open, migrate, close ---- */

/* Apply migrations up to NMIGRATIONS, each in its own transaction (with
 * the write lock: sq_open_mode calls this only when the schema it read is
 * older than this program's). */
static int migrate(sqlite3 *db, const char *path, char *errbuf, size_t errlen, int *version)
{
	for (;;) {
		int64_t v = 0;
		int rc = db_err(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
		if (rc) {
			set_err(errbuf, errlen, "%s: cannot lock the database to migrate it: %s", path,
				rc == ZC_EAGAIN ? SQ_BUSY_MSG : sqlite3_errmsg(db));
			return rc;
		}
		/* Read again under the lock: another process may have migrated. */
		rc = db_err(query_int(db, "PRAGMA user_version", &v));
		if (!rc && v > NMIGRATIONS) {
			set_err(errbuf, errlen, "%s: schema version %" PRId64 " is newer than this program (%d)", path,
				v, NMIGRATIONS);
			exec(db, "ROLLBACK");
			return ZC_EVERSION;
		}
		if (!rc && v == NMIGRATIONS) {
			*version = (int)v;
			return exec(db, "COMMIT");
		}
		if (!rc)
			rc = exec(db, migrations[v]);
		if (!rc && v == 0) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA application_id = %d", APPLICATION_ID);
			rc = exec(db, sql);
		}
		if (!rc) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA user_version = %d", (int)v + 1);
			rc = exec(db, sql);
		}
		if (!rc)
			rc = exec(db, "COMMIT");
		if (rc) {
			set_err(errbuf, errlen, "%s: migration to schema version %d failed: %s", path, (int)v + 1,
				sqlite3_errmsg(db));
			exec(db, "ROLLBACK");
			return rc;
		}
	}
}

/* Explain a failure while reading the header and schema of path. */
static int open_failure(sqlite3 *db, int rc, const char *path, char *errbuf, size_t errlen)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		set_err(errbuf, errlen, "%s: not a zhucun database (the file is not an SQLite database)", path);
		return ZC_EMALFORMED;
	case SQLITE_CORRUPT:
		set_err(errbuf, errlen, "%s: database is corrupt (%s); restore it from a backup", path,
			sqlite_msg(db, rc));
		return ZC_ECORRUPT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: set_err(errbuf, errlen, "%s: %s", path, SQ_BUSY_MSG); return ZC_EAGAIN;
	default:
		set_err(errbuf, errlen, "%s: cannot open database: %s", path, sqlite_msg(db, rc));
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
}

/* A store that is missing (or an empty file, not yet a store) where mode
 * does not create one: ZC_ENOENT naming it. */
static int need_existing(const char *path, int mode, char *errbuf, size_t errlen)
{
	struct stat st;
	if (mode == ZC_STORE_CREATE)
		return 0;
	if (stat(path, &st) && errno == ENOENT) {
		set_err(errbuf, errlen, "%s: no such store (`zhucun init` creates one)", path);
		return ZC_ENOENT;
	}
	return 0;
}

/* Read the header and the schema (no lock but a read): where a file that
 * is not a database, or whose first page is damaged, shows. Refuses what
 * mode may not open. *version gets the schema version. */
static int check_header(sqlite3 *db, const char *path, int mode, int64_t *version, char *errbuf, size_t errlen)
{
	int64_t app_id = 0, objects = 0;
	int rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &objects);
	if (rc == SQLITE_OK)
		rc = query_int(db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = query_int(db, "PRAGMA user_version", version);
	if (rc != SQLITE_OK)
		return open_failure(db, rc, path, errbuf, errlen);
	if (app_id != APPLICATION_ID && (app_id != 0 || objects != 0 || *version != 0)) {
		if (app_id)
			set_err(errbuf, errlen,
				"%s: not a zhucun database (an SQLite database of another application, "
				"application_id 0x%08" PRIx64 ")",
				path, (uint64_t)(uint32_t)app_id);
		else
			set_err(errbuf, errlen,
				"%s: not a zhucun database (an SQLite database of another application, "
				"with %" PRId64 " tables and indexes)",
				path, objects);
		return ZC_EMALFORMED;
	}
	if (*version > NMIGRATIONS) {
		set_err(errbuf, errlen, "%s: schema version %" PRId64 " is newer than this program (%d)", path,
			*version, NMIGRATIONS);
		return ZC_EVERSION;
	}
	if (*version == 0 && mode != ZC_STORE_CREATE) {
		set_err(errbuf, errlen, "%s: an empty file, not a zhucun store yet (`zhucun init` creates one)", path);
		return ZC_ENOENT;
	}
	if (*version < NMIGRATIONS && mode == ZC_STORE_READ) {
		set_err(errbuf, errlen,
			"%s: schema version %" PRId64 " is older than this program's (%d); a command that writes "
			"(or `zhucun init`) migrates it",
			path, *version, NMIGRATIONS);
		return ZC_ESTATE;
	}
	return 0;
}

/* WAL mode (persistent: set once, by a writer), synchronous NORMAL,
 * foreign keys. */
static int configure(sqlite3 *db, const char *path, int mode, char *errbuf, size_t errlen)
{
	int rc;
	if (mode != ZC_STORE_READ) {
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		int wal = rc == SQLITE_ROW && !sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		if (!wal) {
			if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
				set_err(errbuf, errlen, "%s: cannot switch the database to WAL mode", path);
				return ZC_EIO;
			}
			return open_failure(db, rc, path, errbuf, errlen);
		}
	}
	rc = exec(db, "PRAGMA synchronous = NORMAL");
	if (!rc)
		rc = exec(db, "PRAGMA foreign_keys = ON");
	if (rc)
		set_err(errbuf, errlen, "%s: cannot configure the database: %s", path, sqlite3_errmsg(db));
	return rc;
}

int sq_open_mode(const char *path, int mode, zc_store **out, char *errbuf, size_t errlen)
{
	sqlite3 *db = NULL;
	sq_store *s = NULL;
	int64_t version = 0;
	int rc, ver = 0;

	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!path || !out) {
		set_err(errbuf, errlen, "no database path given");
		return ZC_EARG;
	}
	*out = NULL;
	if ((rc = need_existing(path, mode, errbuf, errlen)))
		return rc;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE | (mode == ZC_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = open_failure(db, rc, path, errbuf, errlen);
		goto out;
	}
	sqlite3_busy_timeout(db, ZC_STORE_BUSY_TIMEOUT_MS);
	if ((rc = check_header(db, path, mode, &version, errbuf, errlen)) ||
	    (rc = configure(db, path, mode, errbuf, errlen)))
		goto out;
	/* The write lock only when there is something to migrate. */
	ver = (int)version;
	if (version < NMIGRATIONS && (rc = migrate(db, path, errbuf, errlen, &ver)))
		goto out;

	s = calloc(1, sizeof *s);
	if (!s) {
		set_err(errbuf, errlen, "out of memory");
		rc = ZC_ENOMEM;
		goto out;
	}
	SQ(s)->db = db;
	SQ(s)->version = ver;
	SQ(s)->mode = mode;
	s->base.methods = &zc_store_sqlite_methods;
	*out = &s->base;
	db = NULL;
out:
	sqlite3_close_v2(db);
	return rc;
}

int sq_open(const char *path, zc_store **out, char *errbuf, size_t errlen)
{
	return sq_open_mode(path, ZC_STORE_CREATE, out, errbuf, errlen);
}

void sq_close(zc_store *s)
{
	if (!s)
		return;
	if (SQ(s)->batch)
		sq_ingest_abort(SQ(s)->batch);
	sqlite3_finalize(SQ(s)->utc_st);
	sqlite3_close_v2(SQ(s)->db);
	free(s);
}

int sq_schema_version(zc_store *s)
{
	return s ? SQ(s)->version : ZC_EARG;
}

/* Kept: what the failure that ended a batch said (see sq_keep_err). */
const char *sq_errmsg(zc_store *s)
{
	if (!s)
		return "no store";
	int code = sqlite3_errcode(SQ(s)->db) & 0xff;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return SQ_BUSY_MSG;
	if (code == SQLITE_OK && SQ(s)->err[0])
		return SQ(s)->err; /* a ROLLBACK since then said "not an error" */
	return sqlite3_errmsg(SQ(s)->db);
}

void sq_keep_err(zc_store *s, int rc)
{
	int code = sqlite3_errcode(SQ(s)->db) & 0xff;
	if (SQ(s)->err[0])
		return; /* the first error is the cause */
	snprintf(SQ(s)->err, sizeof SQ(s)->err, "%s",
		 code == SQLITE_BUSY || code == SQLITE_LOCKED ? SQ_BUSY_MSG
		 : code != SQLITE_OK			      ? sqlite3_errmsg(SQ(s)->db)
							      : zc_strerror(rc));
}

int sq_check(zc_store *s, char *errbuf, size_t errlen)
{
	static const char *const checks[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!s)
		return ZC_EARG;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(SQ(s)->db, checks[i], -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (i == 0 && rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
			rc = SQLITE_DONE;
		if (rc == SQLITE_ROW) {
			if (i == 0)
				set_err(errbuf, errlen, "database is corrupt: %s", sqlite3_column_text(st, 0));
			else
				set_err(errbuf, errlen, "database is inconsistent: a row of %s refers to a missing %s",
					sqlite3_column_text(st, 0), sqlite3_column_text(st, 2));
			sqlite3_finalize(st);
			return ZC_ECORRUPT;
		}
		if (rc != SQLITE_DONE) {
			set_err(errbuf, errlen, "%s: %s",
				(rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ? "database is corrupt"
											      : "check failed",
				sqlite3_errmsg(SQ(s)->db));
			sqlite3_finalize(st);
			return (rc & 0xff) == SQLITE_NOTADB ? ZC_ECORRUPT : db_err(rc);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* ---- terminals ---- */

int sq_terminal_add(zc_store *s, const char *id, const char *pubkey_pem)
{
	zc_pubkey *k = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t fp[ZC_HASH_LEN];
	char pem[ZC_PEM_MAX];
	int rc;

	if (!s || !id || !pubkey_pem || !zc_id_valid(id))
		return ZC_EARG;
	if (SQ(s)->batch)
		return ZC_ESTATE;
	rc = zc_pubkey_parse((const uint8_t *)pubkey_pem, strlen(pubkey_pem), &k);
	if (rc) {
		rc = rc == ZC_ENOMEM ? rc : ZC_EMALFORMED;
		goto out;
	}
	rc = zc_pubkey_fingerprint(k, fp);
	if (!rc)
		rc = zc_pubkey_pem(k, pem, sizeof pem);
	if (rc)
		goto out;

	rc = db_err(sqlite3_prepare_v2(SQ(s)->db, "SELECT key_fp FROM terminals WHERE id = ?1", -1, &st, NULL));
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const void *have = sqlite3_column_blob(st, 0);
		int same = sqlite3_column_bytes(st, 0) == ZC_HASH_LEN && !memcmp(have, fp, ZC_HASH_LEN);
		rc = same ? 0 : ZC_EEXIST;
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = db_err(step);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	rc = db_err(sqlite3_prepare_v2(
	    SQ(s)->db, "INSERT INTO terminals(id, pubkey_pem, key_fp, added_ms) VALUES (?1, ?2, ?3, ?4)", -1, &st,
	    NULL));
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pem, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, fp, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms());
	rc = step_done(st);
out:
	sqlite3_finalize(st);
	zc_pubkey_free(k);
	return rc;
}

int sq_terminal_key(zc_store *s, const char *id, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	if (!s || !id || !buf || !cap)
		return ZC_EARG;
	int rc = db_err(sqlite3_prepare_v2(SQ(s)->db, "SELECT pubkey_pem FROM terminals WHERE id = ?1", -1, &st, NULL));
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *pem = (const char *)sqlite3_column_text(st, 0);
		size_t n = pem ? (size_t)sqlite3_column_bytes(st, 0) : 0;
		if (n + 1 > cap) {
			rc = ZC_EARG;
			goto out;
		}
		memcpy(buf, pem ? pem : "", n);
		buf[n] = 0;
	} else {
		rc = step == SQLITE_DONE ? ZC_ENOENT : db_err(step);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The verified head of a terminal known to exist. */
static int head_of(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN])
{
	/* The first record that is unsigned, unlinked or above a gap bounds the
	 * verified prefix; everything below it is linked down to seq 1. */
	static const char sql[] =
	    "SELECT seq, hash FROM records WHERE terminal_id = ?1 AND seq < coalesce("
	    "(SELECT min(seq) FROM records WHERE terminal_id = ?1 AND (sig_ok = 0 OR link_ok IS NOT 1)), "
	    "9223372036854775807) ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	*seq = 0;
	if (hash)
		memset(hash, 0, ZC_HASH_LEN);
	int rc = db_err(sqlite3_prepare_v2(SQ(s)->db, sql, -1, &st, NULL));
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		if (hash && sqlite3_column_bytes(st, 1) == ZC_HASH_LEN)
			memcpy(hash, sqlite3_column_blob(st, 1), ZC_HASH_LEN);
	} else if (step != SQLITE_DONE) {
		rc = db_err(step);
	}
	sqlite3_finalize(st);
	return rc;
}

/* 0 if terminal id is registered, ZC_ENOENT if not, or a store error. */
static int terminal_known(zc_store *s, const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc = db_err(sqlite3_prepare_v2(SQ(s)->db, "SELECT 1 FROM terminals WHERE id = ?1", -1, &st, NULL));
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? ZC_ENOENT : db_err(step);
}

int sq_terminal_head(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN])
{
	if (!s || !id || !seq)
		return ZC_EARG;
	*seq = 0;
	if (hash)
		memset(hash, 0, ZC_HASH_LEN);
	int rc = terminal_known(s, id);
	return rc ? rc : head_of(s, id, seq, hash);
}

int sq_terminals(zc_store *s, zc_store_terminal_info **out, size_t *n)
{
	static const char sql[] = "SELECT t.id, t.key_fp, t.added_ms, "
				  "(SELECT count(*) FROM records r WHERE r.terminal_id = t.id) "
				  "FROM terminals t ORDER BY t.id";
	sqlite3_stmt *st = NULL;
	zc_store_terminal_info *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, step;

	if (!s || !out || !n)
		return ZC_EARG;
	*out = NULL;
	*n = 0;
	rc = db_err(sqlite3_prepare_v2(SQ(s)->db, sql, -1, &st, NULL));
	if (rc)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			zc_store_terminal_info *nv = realloc(v, ncap * sizeof *v);
			if (!nv) {
				rc = ZC_ENOMEM;
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		zc_store_terminal_info *t = &v[cnt++];
		memset(t, 0, sizeof *t);
		snprintf(t->id, sizeof t->id, "%s", (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_bytes(st, 1) == ZC_HASH_LEN)
			memcpy(t->key_fp, sqlite3_column_blob(st, 1), ZC_HASH_LEN);
		t->added_ms = sqlite3_column_int64(st, 2);
		t->records = sqlite3_column_int64(st, 3);
	}
	if (step != SQLITE_DONE) {
		rc = db_err(step);
		goto out;
	}
	for (size_t i = 0; i < cnt && !rc; i++)
		rc = head_of(s, v[i].id, &v[i].head, NULL);
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- queries ---- */

int sq_findings(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg)
{
	static const char all[] = "SELECT id, terminal_id, kind, seq, where_, detail, created_ms FROM findings "
				  "ORDER BY id";
	static const char one[] = "SELECT id, terminal_id, kind, seq, where_, detail, created_ms FROM findings "
				  "WHERE terminal_id = ?1 ORDER BY id";
	sqlite3_stmt *st = NULL;
	if (!s || !fn)
		return ZC_EARG;
	int rc = db_err(sqlite3_prepare_v2(SQ(s)->db, terminal ? one : all, -1, &st, NULL));
	if (rc)
		return rc;
	if (terminal)
		sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		zc_finding f = {
		    .id = sqlite3_column_int64(st, 0),
		    .terminal = (const char *)sqlite3_column_text(st, 1),
		    .kind = sqlite3_column_int(st, 2),
		    .seq = (uint64_t)sqlite3_column_int64(st, 3),
		    .where = (const char *)sqlite3_column_text(st, 4),
		    .detail = (const char *)sqlite3_column_text(st, 5),
		    .created_ms = sqlite3_column_int64(st, 6),
		};
		if (!f.where)
			f.where = "";
		if (fn(arg, &f))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_err(step);
	sqlite3_finalize(st);
	return rc;
}

int64_t sq_record_count(zc_store *s, const char *terminal)
{
	sqlite3_stmt *st = NULL;
	if (!s)
		return ZC_EARG;
	int rc = db_err(sqlite3_prepare_v2(SQ(s)->db,
					   terminal ? "SELECT count(*) FROM records WHERE terminal_id = ?1"
						    : "SELECT count(*) FROM records",
					   -1, &st, NULL));
	if (rc)
		return rc;
	if (terminal)
		sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int64_t n = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : db_err(step);
	sqlite3_finalize(st);
	return n;
}

int sq_records(zc_store *s, const char *terminal, uint64_t from, uint64_t to, zc_store_record_fn fn, void *arg)
{
	sqlite3_stmt *st = NULL;
	if (!s || !terminal || !fn)
		return ZC_EARG;
	if (from > (uint64_t)INT64_MAX)
		return 0;
	if (!to || to > (uint64_t)INT64_MAX)
		to = (uint64_t)INT64_MAX;
	int rc = terminal_known(s, terminal), step;
	if (rc)
		return rc;
	rc =
	    db_err(sqlite3_prepare_v2(SQ(s)->db,
				      "SELECT seq, raw FROM records WHERE terminal_id = ?1 AND seq >= ?2 AND seq <= ?3 "
				      "ORDER BY seq",
				      -1, &st, NULL));
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const void *raw = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		rc = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), raw ? raw : (const void *)"", len);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_err(step);
	sqlite3_finalize(st);
	return rc;
}

sqlite3 *zc_store_db(zc_store *s)
{
	return s && s->methods == &zc_store_sqlite_methods ? SQ(s)->db : NULL;
}

/* The SQLite backend's methods (store_backend.h): version 1, all filled in. */
const struct zc_store_methods zc_store_sqlite_methods = {
    .version = 2,
    .scheme = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .check = sq_check,
    .schema_version = sq_schema_version,
    .errmsg = sq_errmsg,
    .terminal_add = sq_terminal_add,
    .terminal_key = sq_terminal_key,
    .terminal_head = sq_terminal_head,
    .terminals = sq_terminals,
    .ingest_begin = sq_ingest_begin,
    .ingest_record = sq_ingest_record,
    .ingest_note = sq_ingest_note,
    .ingest_commit = sq_ingest_commit,
    .ingest_abort = sq_ingest_abort,
    .collection_add = sq_collection_add,
    .collections = sq_collections,
    .collected_until = sq_collected_until,
    .findings = sq_findings,
    .record_count = sq_record_count,
    .records = sq_records,
    .scan_records = sq_scan_records,
    .fork_points = sq_fork_points,
    .record_utc = sq_record_utc,
    .badge_verdicts_set = sq_badge_verdicts_set,
    .open_mode = sq_open_mode,
};

/* ---- collections ---- */

int sq_collection_add(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to_seq, const char *via,
		      const char *source, int *added)
{
	sqlite3_stmt *st = NULL;
	if (added)
		*added = 0;
	if (!s || !terminal || !via || at_ms <= 0 || up_to_seq > INT64_MAX ||
	    (strcmp(via, "link") && strcmp(via, "bundle")))
		return ZC_EARG;
	int rc = terminal_known(s, terminal);
	if (rc)
		return rc;
	rc = db_err(
	    sqlite3_prepare_v2(SQ(s)->db,
			       "INSERT INTO collections(terminal_id, at_ms, up_to_seq, via, source, recorded_ms) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
			       "ON CONFLICT(terminal_id, at_ms, up_to_seq) DO NOTHING",
			       -1, &st, NULL));
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at_ms);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)up_to_seq);
	sqlite3_bind_text(st, 4, via, -1, SQLITE_STATIC);
	if (source)
		sqlite3_bind_text(st, 5, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now_ms());
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_err(step);
	if (added)
		*added = sqlite3_changes(SQ(s)->db) > 0;
	return 0;
}

int sq_collections(zc_store *s, const char *terminal, zc_collection_fn fn, void *arg)
{
	sqlite3_stmt *st = NULL;
	if (!s || !fn)
		return ZC_EARG;
	int rc =
	    db_err(sqlite3_prepare_v2(SQ(s)->db,
				      "SELECT terminal_id, at_ms, up_to_seq, via, source, recorded_ms FROM collections "
				      "WHERE ?1 IS NULL OR terminal_id = ?1 ORDER BY terminal_id, at_ms, up_to_seq",
				      -1, &st, NULL));
	if (rc)
		return rc;
	if (terminal)
		sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		zc_collection c = {.at_ms = sqlite3_column_int64(st, 1),
				   .up_to_seq = (uint64_t)sqlite3_column_int64(st, 2),
				   .via = (const char *)sqlite3_column_text(st, 3),
				   .source = (const char *)sqlite3_column_text(st, 4),
				   .recorded_ms = sqlite3_column_int64(st, 5)};
		if ((rc = fn(arg, (const char *)sqlite3_column_text(st, 0), &c)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_err(step);
	sqlite3_finalize(st);
	return rc;
}

int sq_collected_until(zc_store *s, const char *terminal, int64_t *at_ms)
{
	sqlite3_stmt *st = NULL;
	if (!s || !terminal || !at_ms)
		return ZC_EARG;
	int rc = db_err(
	    sqlite3_prepare_v2(SQ(s)->db, "SELECT max(at_ms) FROM collections WHERE terminal_id = ?1", -1, &st, NULL));
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	rc = step != SQLITE_ROW ? db_err(step) : sqlite3_column_type(st, 0) == SQLITE_NULL ? ZC_ENOENT : 0;
	if (!rc)
		*at_ms = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}
