/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_backend.h: what a store backend implements (host/doc/STORE.md).
 * store.c implements the public calls of zc/store.h by dispatching through
 * the methods of the handle; zc_store_open picks the backend by the scheme
 * of its URI ("sqlite:PATH", or a plain path: SQLite). The models are
 * SQLite's I/O methods struct (iVersion first, so that the struct can
 * grow) and curl's struct Curl_ssl (one table per backend, chosen at run
 * time).
 *
 * Every method is a data operation on the store's own types (terminals,
 * records, findings, collections, badge verdicts), never an SQL string, so
 * that a backend on another database (PostgreSQL through libpq) can
 * implement them without any caller changing. A method has exactly the
 * contract of the public call of the same name in zc/store.h, with these
 * differences: store.c has already checked that the handle is not NULL,
 * and it clears errbuf where the call takes one.
 *
 * Nothing outside host/store/ includes this.
 */
#ifndef ZC_STORE_BACKEND_H
#define ZC_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "zc/store.h"

/* The version of struct zc_store_methods this program knows. The rule (as
 * SQLite's iVersion of its I/O methods): members are only ever appended; a backend
 * sets version to the highest version whose members it all fills in, and
 * store.c calls a member added in version N only when methods->version
 * >= N (answering ZC_ESTATE, "not supported by this store", otherwise).
 * Every member of version 1 is required. A change of a member's meaning is
 * a new member, never an edit. */
#define ZC_STORE_METHODS_VERSION 2

/* Every backend's connection begins with this (as every SQLite file object
 * begins with its pMethods): a backend allocates its own larger struct and
 * hands out a pointer to this first member. */
struct zc_store {
	const struct zc_store_methods *methods;
};

/* Every backend's ingest batch begins with this. */
struct zc_ingest {
	zc_store *store; /* the connection it belongs to */
};

struct zc_store_methods {
	int version;	    /* ZC_STORE_METHODS_VERSION when written */
	const char *scheme; /* "sqlite": the URI scheme, without the colon */

	/* ---- version 1 ---- */

	/* Life cycle. open gets the URI without "scheme:" (for SQLite, the
	 * path), creates or migrates the schema, and returns the handle (its
	 * methods set) in *out. close releases everything, an open batch
	 * rolled back. */
	int (*open)(const char *location, zc_store **out, char *errbuf, size_t errlen);
	void (*close)(zc_store *s);
	int (*check)(zc_store *s, char *errbuf, size_t errlen);
	int (*schema_version)(zc_store *s);
	const char *(*errmsg)(zc_store *s);

	/* Terminals. terminals returns a malloc'd array (free()d by
	 * zc_store_terminals_free). */
	int (*terminal_add)(zc_store *s, const char *id, const char *pubkey_pem);
	int (*terminal_key)(zc_store *s, const char *id, char *buf, size_t cap);
	int (*terminal_head)(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN]);
	int (*terminals)(zc_store *s, zc_store_terminal_info **out, size_t *n);

	/* Ingest: one batch is one transaction of the backend; the verification
	 * of signatures and links is the backend's (it decides what is stored
	 * as verified). */
	int (*ingest_begin)(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out);
	int (*ingest_record)(zc_ingest *in, const uint8_t *raw, size_t len, const char *where);
	int (*ingest_note)(zc_ingest *in, int kind, uint64_t seq, const char *where, const char *detail);
	int (*ingest_commit)(zc_ingest *in, zc_ingest_stats *stats);
	void (*ingest_abort)(zc_ingest *in);

	/* Collections. */
	int (*collection_add)(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to_seq, const char *via,
			      const char *source, int *added);
	int (*collections)(zc_store *s, const char *terminal, zc_collection_fn fn, void *arg);
	int (*collected_until)(zc_store *s, const char *terminal, int64_t *at_ms);

	/* Queries. */
	int (*findings)(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg);
	int64_t (*record_count)(zc_store *s, const char *terminal);
	int (*records)(zc_store *s, const char *terminal, uint64_t from, uint64_t to, zc_store_record_fn fn, void *arg);

	/* Reading for the compliance loader; the badge verdicts are written in
	 * one transaction of their own. */
	int (*scan_records)(zc_store *s, const char *terminal, zc_store_rec_row_fn fn, void *arg);
	int (*fork_points)(zc_store *s, zc_store_fork_fn fn, void *arg);
	int (*record_utc)(zc_store *s, const char *terminal, uint64_t seq, int64_t *utc_ms);
	int (*badge_verdicts_set)(zc_store *s, const zc_store_badge_verdict *v, size_t n);

	/* ---- version 2 ---- */

	/* open with a mode (enum zc_store_mode): read-only opens never migrate
	 * or create, write opens never create. Without it (version 1) store.c
	 * answers ZC_ESTATE for every mode but ZC_STORE_CREATE, which is open. */
	int (*open_mode)(const char *location, int mode, zc_store **out, char *errbuf, size_t errlen);
};

/* The SQLite backend (host/store/sqlite/). */
extern const struct zc_store_methods zc_store_sqlite_methods;

#endif
