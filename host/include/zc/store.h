/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/store.h: the host store. One interface in front of the database, so
 * that the engine, the CLI and the service never see SQL. The calls are
 * dispatched to a backend chosen by zc_store_open's URI (host/store/
 * store_backend.h, host/doc/STORE.md); the one built in is SQLite
 * (host/store/sqlite/): WAL, foreign keys on, schema versioned by PRAGMA
 * user_version with forward-only migrations.
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
#include "zc/i18n.h"
#include "zc/record.h"

/* The schema version this program writes (PRAGMA user_version). */
#define ZC_STORE_SCHEMA_VERSION 5

/* A store handle is one database connection: use it from one thread at a
 * time, and with at most one ingest batch open. */
typedef struct zc_store zc_store;

/* How zc_store_open_mode opens a store. */
enum zc_store_mode {
	/* Read: the store must exist and have this program's schema (ZC_ENOENT
	 * for a missing file; ZC_ESTATE for an older schema: a writing command
	 * or `zhucun init` migrates it). Never migrates, never creates, takes
	 * no write lock; the one write it may do is the opportunistic badge
	 * verdict cache (zc_store_badge_verdicts_set). */
	ZC_STORE_READ = 0,
	/* Write: the store must exist (ZC_ENOENT otherwise); an older schema is
	 * migrated (the write lock is taken only then). */
	ZC_STORE_WRITE = 1,
	/* Create: as WRITE, but a missing store is created (`zhucun init`). */
	ZC_STORE_CREATE = 2,
};

/* How long a writer waits for another process's write lock before giving
 * up with ZC_EAGAIN (and readers for a checkpoint or recovery). */
#define ZC_STORE_BUSY_TIMEOUT_MS 10000

/* Open the store at path in mode (enum zc_store_mode). path is a URI:
 * "sqlite:PATH" or a plain PATH (SQLite); another scheme ("postgresql:...")
 * is refused with ZC_EARG and errbuf naming it (not built in, or unknown),
 * except that a plain path that merely looks like "word:rest" still opens
 * when a file of that name exists.
 * The schema version is checked with a read; the write lock is taken only
 * when a migration is needed.
 * On failure returns a negative zc_err and writes a one-line English
 * explanation to errbuf (e.g. "not a zhucun database", "database is
 * corrupt", "schema version 9 is newer than this program (3)"). Errors:
 * ZC_ENOENT (no such store, not ZC_STORE_CREATE), ZC_EMALFORMED (not an
 * SQLite file, or an SQLite database of another application), ZC_ECORRUPT
 * (damage found while reading the header and schema), ZC_EVERSION (newer
 * schema), ZC_ESTATE (older schema, ZC_STORE_READ), ZC_EAGAIN (another
 * process held the write lock past ZC_STORE_BUSY_TIMEOUT_MS), ZC_EIO /
 * ZC_EDB otherwise. A file that is not a zhucun store is never modified.
 * Opening does not read every page; zc_store_check does. */
int zc_store_open_mode(const char *path, int mode, zc_store **out, char *errbuf, size_t errlen);
/* zc_store_open_mode(path, ZC_STORE_CREATE, ...): open or create the store
 * and migrate it to the current schema (tests, tools, `zhucun init`). */
int zc_store_open(const char *path, zc_store **out, char *errbuf, size_t errlen);
/* Close; an open ingest batch is rolled back. NULL is allowed. */
void zc_store_close(zc_store *s);
/* Full consistency check (PRAGMA integrity_check and foreign_key_check):
 * 0, or ZC_ECORRUPT with the first problem in errbuf. Reads the whole file. */
int zc_store_check(zc_store *s, char *errbuf, size_t errlen);
/* Schema version of the open database. */
int zc_store_schema_version(zc_store *s);
/* The last error message of the backend, for diagnostics. After a failed
 * ingest batch (or verdict cache) it is the first error that ended it,
 * not that of the rollback that followed ("database or disk is full", not
 * "not an error"); after ZC_EAGAIN it names the other writer ("the database
 * is busy: another zhucun command is writing to it; try again"). */
const char *zc_store_errmsg(zc_store *s);

/* ---- terminals ---- */

/* Register terminal id with its public key (PEM). If it exists with the same
 * key: 0. With a different key: ZC_EEXIST (never replaced silently). Keys are
 * compared by fingerprint; the PEM is stored as re-encoded by the crypto
 * wrapper. ZC_EARG for an invalid id, ZC_EMALFORMED for a PEM that is not a
 * P-256 public key. */
int zc_store_terminal_add(zc_store *s, const char *id, const char *pubkey_pem);
/* Fetch a terminal's key PEM into buf; ZC_ENOENT if unknown. */
int zc_store_terminal_key(zc_store *s, const char *id, char *buf, size_t cap);
/* The verified head of a terminal: the highest seq n such that records 1..n
 * are all stored with a valid signature and an intact link (0 if none; hash
 * then zeros). Records stored above a gap, a bad signature or a broken link
 * are not covered by it, so it is a safe basis for acknowledging collection.
 * ZC_ENOENT for an unknown terminal. */
int zc_store_terminal_head(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN]);

/* One registered terminal, as listed by zc_store_terminals. */
typedef struct zc_store_terminal_info {
	char id[ZC_TERMINAL_ID_MAX + 1];
	uint8_t key_fp[ZC_HASH_LEN]; /* SHA-256 of the key's SubjectPublicKeyInfo */
	int64_t records;	     /* stored records (all, including failed ones) */
	uint64_t head;		     /* verified head, as zc_store_terminal_head */
	int64_t added_ms;
} zc_store_terminal_info;
/* All registered terminals ordered by id, in a malloc'd array (*out NULL
 * when *n is 0) to release with zc_store_terminals_free. */
int zc_store_terminals(zc_store *s, zc_store_terminal_info **out, size_t *n);
void zc_store_terminals_free(zc_store_terminal_info *ti, size_t n);

/* ---- ingest ---- */

/* Integrity finding kinds (RULES.md section 10). Stable names in
 * zc_finding_name(). */
enum zc_finding_kind {
	ZC_FIND_MALFORMED = 1,	/* record does not decode */
	ZC_FIND_WRONG_TERMINAL, /* record names another terminal */
	ZC_FIND_BAD_SIGNATURE,	/* terminal signature does not verify */
	ZC_FIND_BROKEN_LINK,	/* prev_hash is not the hash of seq-1 */
	ZC_FIND_GAP,		/* sequence numbers missing before this one */
	ZC_FIND_FORK,		/* a different record with a stored seq */
	ZC_FIND_CLOCK_ROLLBACK, /* earlier than the previous record by > tolerance */
	ZC_FIND_JOURNAL_LOST,	/* the terminal recorded that it lost its journal */
	ZC_FIND_TERMINAL_RESET, /* its head went below what was verified or collected */
	ZC_FIND_LAST = ZC_FIND_TERMINAL_RESET
};
const char *zc_finding_name(int kind);
/* Human-readable label in lang. */
const char *zc_finding_label(int kind, zc_lang lang);

typedef struct zc_ingest_stats {
	uint64_t seen;	      /* records offered */
	uint64_t stored;      /* new records stored */
	uint64_t duplicates;  /* already stored, identical */
	uint64_t findings;    /* new findings recorded */
	uint64_t by_kind[16]; /* new findings per enum zc_finding_kind */
} zc_ingest_stats;

typedef struct zc_ingest zc_ingest;

typedef struct zc_ingest_opts {
	int64_t clock_rollback_tolerance_ms; /* policy; 0 means the default 300000 */
	const char *source;		     /* where the records came from (file, port); kept with findings */
	int64_t now_ms;			     /* the host's time of the batch; 0: the system clock */
} zc_ingest_opts;

/* Start a batch (one transaction) for terminal_id, which must be
 * registered (ZC_ENOENT otherwise). opts may be NULL (defaults); it is copied.
 * ZC_ESTATE if the store already has a batch open, ZC_EAGAIN if another
 * process holds the write lock beyond the busy timeout. The batch is made
 * durable (fsynced) by its commit. */
int zc_ingest_begin(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out);
/* Verify and store one encoded record (where: a human-readable location
 * such as "seg-000000000001.zcj@4096", kept with any finding; may be NULL).
 * Returns 0 whether the record was stored, was a duplicate or produced
 * findings; a negative zc_err only for failures of the store itself, after
 * which the batch accepts nothing more and can only be aborted (commit
 * then rolls back and returns that error). */
int zc_ingest_record(zc_ingest *in, const uint8_t *raw, size_t len, const char *where);
/* Record a finding about input that is not a record at all (for example a
 * journal entry whose checksum fails). The same (kind, seq, where, detail)
 * is recorded once. ZC_EARG for an unknown kind or a NULL detail. */
int zc_ingest_note(zc_ingest *in, int kind, uint64_t seq, const char *where, const char *detail);
/* Commit the batch and free it; stats (may be NULL) receives the counts
 * (zeros on failure, when everything is rolled back). */
int zc_ingest_commit(zc_ingest *in, zc_ingest_stats *stats);
/* Roll back and free. */
void zc_ingest_abort(zc_ingest *in);

/* ---- collections (RULES.md section 1: collected-until) ---- */

/* One completed collection of a terminal's log: at at_ms (host time, UTC)
 * every record the terminal wrote before was at the host, up to up_to_seq. */
typedef struct zc_collection {
	int64_t at_ms;
	uint64_t up_to_seq;
	const char *via;    /* "link" (pulled here) or "bundle" (imported) */
	const char *source; /* the port or the bundle file; may be NULL */
	int64_t recorded_ms;
} zc_collection;

/* Record a collection of terminal (registered: ZC_ENOENT otherwise); via
 * "link" or "bundle" (ZC_EARG otherwise, or at_ms <= 0). The same
 * (terminal, at_ms, up_to_seq) is kept once; *added (may be NULL) says
 * whether it was new. */
int zc_store_collection_add(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to_seq, const char *via,
			    const char *source, int *added);
/* Call fn for every collection of terminal, oldest first (by at_ms). */
typedef int (*zc_collection_fn)(void *arg, const char *terminal, const zc_collection *c);
int zc_store_collections(zc_store *s, const char *terminal, zc_collection_fn fn, void *arg);
/* A terminal's collected-until: the latest at_ms, or ZC_ENOENT when it was
 * never collected (or is unknown). */
int zc_store_collected_until(zc_store *s, const char *terminal, int64_t *at_ms);

/* ---- queries ---- */

typedef struct zc_finding {
	int64_t id;
	const char *terminal;
	int kind;
	uint64_t seq; /* 0 when not about one record */
	const char *where;
	const char *detail; /* English */
	int64_t created_ms;
} zc_finding;

/* Call fn for every finding (of one terminal, or all when terminal is
 * NULL), oldest first. fn returns nonzero to stop. The strings in *f are
 * valid only during the call. */
typedef int (*zc_finding_fn)(void *arg, const zc_finding *f);
int zc_store_findings(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg);

/* Count stored records of a terminal (NULL: all). */
int64_t zc_store_record_count(zc_store *s, const char *terminal);

/* Call fn for every stored record of terminal with from <= seq <= to
 * (to 0: no upper bound), ascending by seq, with its raw bytes exactly as
 * they were ingested (records whose signature failed included; the other
 * records of a fork, kept in record_conflicts, are not). fn returns nonzero
 * to stop; that value is then returned. raw is valid only during the call.
 * ZC_ENOENT for an unknown terminal. */
typedef int (*zc_store_record_fn)(void *arg, uint64_t seq, const uint8_t *raw, size_t len);
int zc_store_records(zc_store *s, const char *terminal, uint64_t from, uint64_t to, zc_store_record_fn fn, void *arg);

/* ---- reading for the compliance loader ---- */

/* The cached badge verdict of a PIV tap (records.badge_check; the values
 * are persisted: never renumber them). */
#define ZC_STORE_BADGE_BAD_SIG 0 /* the badge signature does not verify: a clone, for good */
#define ZC_STORE_BADGE_OK      1 /* signature and certificate chain verified */
#define ZC_STORE_BADGE_NO_CA   2 /* the certificate does not chain to a trusted CA then */

/* One stored record as the compliance loader reads it. Pointers are valid
 * only during the callback. */
typedef struct zc_store_rec_row {
	const char *terminal;
	uint64_t seq;
	int kind; /* enum zc_rec_kind */
	int64_t utc_ms;
	int sig_ok;		 /* 1: the terminal signature verified at ingest */
	int badge_kind;		 /* taps: enum zc_badge_kind; 0 otherwise */
	const uint8_t *badge_id; /* taps: the badge id (UID cards: the UID); may be NULL */
	size_t badge_id_len;
	const uint8_t *cert_fp; /* PIV taps: ZC_HASH_LEN bytes; NULL when absent */
	int badge_check;	/* the cached verdict ZC_STORE_BADGE_*, or -1: none cached */
	int64_t ingested_ms;	/* when the host stored it */
	/* the record's bytes, only for clock-set records and for PIV taps with
	 * no cached verdict (the loader decodes nothing else); else NULL */
	const uint8_t *raw;
	size_t raw_len;
} zc_store_rec_row;

/* Call fn for every stored record of terminal (NULL: of every terminal),
 * ordered by terminal id, then seq, records whose signature failed
 * included (the other records of a fork, kept apart, are not). fn returns
 * nonzero to stop; that value is returned. Otherwise 0 after the last row,
 * or a negative zc_err when the store cannot be read (before the first row
 * or in the middle: never taken for the end); zc_store_errmsg says why. */
typedef int (*zc_store_rec_row_fn)(void *arg, const zc_store_rec_row *r);
int zc_store_scan_records(zc_store *s, const char *terminal, zc_store_rec_row_fn fn, void *arg);

/* The fork points: for every terminal with a fork finding, the lowest seq
 * at which two validly signed records were offered, by terminal id. fn
 * returns nonzero to stop (that value is returned); a read error is
 * returned as a negative zc_err (zc_store_errmsg says why). */
typedef int (*zc_store_fork_fn)(void *arg, const char *terminal, uint64_t seq);
int zc_store_fork_points(zc_store *s, zc_store_fork_fn fn, void *arg);

/* The time (utc_ms) of the stored record (terminal, seq): 0, ZC_ENOENT
 * when there is none, another negative zc_err when the store cannot be
 * read. */
int zc_store_record_utc(zc_store *s, const char *terminal, uint64_t seq, int64_t *utc_ms);

/* A badge verdict to cache. */
typedef struct zc_store_badge_verdict {
	const char *terminal;
	uint64_t seq;
	int verdict; /* ZC_STORE_BADGE_* */
} zc_store_badge_verdict;
/* Cache n verdicts in one transaction, all or none (a record that is not
 * stored is skipped). ZC_EARG for a verdict that is not a ZC_STORE_BADGE_*
 * value, ZC_ESTATE while an ingest batch is open, ZC_EAGAIN at once when
 * another process holds the write lock (a cache never waits for a writer:
 * the caller skips it), another negative zc_err otherwise (nothing is then
 * cached). Allowed on a store opened ZC_STORE_READ. */
int zc_store_badge_verdicts_set(zc_store *s, const zc_store_badge_verdict *v, size_t n);

#endif
