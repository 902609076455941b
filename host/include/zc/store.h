/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/store.h: the host store. One interface in front of the database, so
 * that the engine, the CLI and the service never see SQL; today's
 * implementation is SQLite (store_sqlite.c): WAL, foreign keys on, schema
 * versioned by PRAGMA user_version with forward-only migrations.
 *
 * Records are stored raw and parsed, once per (terminal, seq). Ingest
 * verifies every record's terminal signature and its hash link, and keeps
 * everything that fails as an integrity finding with its reason: nothing is
 * dropped or repaired silently. Ingesting the same records twice changes
 * nothing.
 */
#ifndef ZC_STORE_H
#define ZC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"

typedef struct zc_store zc_store;

/* Open or create the database at path and migrate it to the current schema.
 * On failure returns a negative zc_err and writes a one-line English
 * explanation to errbuf (e.g. "not a zhucun database", "database is
 * corrupt", "schema version 9 is newer than this program (3)"). */
int zc_store_open(const char *path, zc_store **out, char *errbuf, size_t errlen);
void zc_store_close(zc_store *s);
/* Schema version of the open database. */
int zc_store_schema_version(zc_store *s);
/* The last SQLite error message, for diagnostics. */
const char *zc_store_errmsg(zc_store *s);

/* ---- terminals ---- */

/* Register terminal id with its public key (PEM). If it exists with the same
 * key: 0. With a different key: ZC_EEXIST (never replaced silently). */
int zc_store_terminal_add(zc_store *s, const char *id, const char *pubkey_pem);
/* Fetch a terminal's key PEM into buf; ZC_ENOENT if unknown. */
int zc_store_terminal_key(zc_store *s, const char *id, char *buf, size_t cap);
/* Last stored sequence number of a terminal (0 if none) and its hash. */
int zc_store_terminal_head(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN]);

/* ---- ingest ---- */

/* Integrity finding kinds (RULES.md section 10). Stable names in
 * zc_finding_name(). */
enum zc_finding_kind {
	ZC_FIND_MALFORMED = 1,     /* record does not decode */
	ZC_FIND_WRONG_TERMINAL,    /* record names another terminal */
	ZC_FIND_BAD_SIGNATURE,     /* terminal signature does not verify */
	ZC_FIND_BROKEN_LINK,       /* prev_hash is not the hash of seq-1 */
	ZC_FIND_GAP,               /* sequence numbers missing before this one */
	ZC_FIND_FORK,              /* a different record with a stored seq */
	ZC_FIND_CLOCK_ROLLBACK,    /* earlier than the previous record by > tolerance */
};
const char *zc_finding_name(int kind);

typedef struct zc_ingest_stats {
	uint64_t seen;        /* records offered */
	uint64_t stored;      /* new records stored */
	uint64_t duplicates;  /* already stored, identical */
	uint64_t findings;    /* new findings recorded */
	uint64_t by_kind[16]; /* new findings per enum zc_finding_kind */
} zc_ingest_stats;

typedef struct zc_ingest zc_ingest;

typedef struct zc_ingest_opts {
	int64_t clock_rollback_tolerance_ms; /* policy; default 300000 */
	const char *source;                  /* where the records came from (file, port); kept with findings */
} zc_ingest_opts;

/* Start a batch (one transaction) for terminal_id, which must be
 * registered (ZC_ENOENT otherwise). */
int zc_ingest_begin(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out);
/* Verify and store one encoded record (where: a human-readable location
 * such as "seg-000000000001.zcj@4096", kept with any finding). Returns 0
 * whether the record was stored, was a duplicate or produced findings; a
 * negative zc_err only for failures of the store itself. */
int zc_ingest_record(zc_ingest *in, const uint8_t *raw, size_t len, const char *where);
/* Record a finding about input that is not a record at all (for example a
 * journal entry whose checksum fails). */
int zc_ingest_note(zc_ingest *in, int kind, uint64_t seq, const char *where, const char *detail);
/* Commit the batch and free it; stats (may be NULL) receives the counts. */
int zc_ingest_commit(zc_ingest *in, zc_ingest_stats *stats);
/* Roll back and free. */
void zc_ingest_abort(zc_ingest *in);

/* ---- queries ---- */

typedef struct zc_finding {
	int64_t id;
	const char *terminal;
	int kind;
	uint64_t seq;       /* 0 when not about one record */
	const char *where;
	const char *detail; /* English */
	int64_t created_ms;
} zc_finding;

/* Call fn for every finding (of one terminal, or all when terminal is
 * NULL), oldest first. fn returns nonzero to stop. */
typedef int (*zc_finding_fn)(void *arg, const zc_finding *f);
int zc_store_findings(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg);

/* Count stored records of a terminal (NULL: all). */
int64_t zc_store_record_count(zc_store *s, const char *terminal);

#endif
