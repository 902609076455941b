/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/journal_ingest.h: a terminal's journal as found on disk (a journal
 * folder or one segment file, zc/jreader.h) into the store: the work behind
 * `zhucun ingest` (and, later, the service receiving a journal someone
 * copied off a terminal).
 *
 *   1. open the journal and settle whose it is: the terminal id given, or
 *      the id in its first record that decodes (zc_jingest_open);
 *   2. register the terminal under the public key given, or find it
 *      registered under that same key;
 *   3. every entry in order into the store, in batches of one transaction
 *      each: a record through zc_ingest_record, a damaged entry as a
 *      `malformed` finding (zc_jingest_run).
 *
 * No language of its own: the result says what happened in codes and
 * counts; the caller words it. A journal is opened once per run; the handle
 * is not shared between threads.
 */
#ifndef ZC_JOURNAL_INGEST_H
#define ZC_JOURNAL_INGEST_H

#include <stdint.h>

#include "zc/record.h"
#include "zc/store.h"

#define ZC_JINGEST_BATCH_DEFAULT 1000

typedef struct zc_jingest zc_jingest;

typedef struct zc_jingest_opts {
	const char *pubkey_pem;		     /* the terminal's public key, PEM text (required) */
	uint32_t batch;			     /* entries per transaction; 0: ZC_JINGEST_BATCH_DEFAULT */
	int64_t clock_rollback_tolerance_ms; /* ingest policy; 0: the store's default */
	const char *source;		     /* kept with findings; NULL: the journal's path */
	/* After each commit of a full batch: the entries stored so far. May be NULL. */
	void (*progress)(void *arg, uint64_t entries);
	/* For each damaged entry (before it is noted as a finding): where it
	 * is ("seg-…zcj@offset") and its status (ZC_ECHECKSUM, ZC_ETRUNC,
	 * ZC_EMALFORMED). May be NULL. */
	void (*damaged)(void *arg, const char *where, int status);
	void *arg;
} zc_jingest_opts;

/* Where zc_jingest_run stopped (zc_jingest_result.error). */
enum zc_jingest_error {
	ZC_JINGEST_OK = 0,
	ZC_JINGEST_KEY_MISMATCH, /* the terminal is registered under another key (rc ZC_EEXIST) */
	ZC_JINGEST_REGISTER,	 /* registering the terminal failed (msg: the store's reason) */
	ZC_JINGEST_BEGIN,	 /* a batch could not be started (msg) */
	ZC_JINGEST_STORE,	 /* storing the entry at `where` failed (msg) */
	ZC_JINGEST_COMMIT,	 /* a batch did not commit (msg); it is rolled back */
	ZC_JINGEST_READ,	 /* reading the journal failed midway (rc) */
};

typedef struct zc_jingest_result {
	int error;	       /* enum zc_jingest_error */
	uint64_t entries;      /* journal entries handled (records and damaged ones) */
	zc_ingest_stats stats; /* of the committed batches */
	char where[96];	       /* the entry being stored (ZC_JINGEST_STORE) */
	char msg[256];	       /* the store's reason (REGISTER, BEGIN, STORE, COMMIT), as zc_store_errmsg */
} zc_jingest_result;

/* Open the journal at path (a journal folder or a segment file) for
 * terminal (NULL or "": the id in the first record that decodes). Returns 0
 * with *out set; ZC_ENOENT when there is no journal at path; ZC_EMALFORMED
 * when no terminal is given and no record in it decodes; ZC_EARG for an
 * invalid terminal id; ZC_EIO or ZC_ENOMEM when it cannot be read. */
int zc_jingest_open(const char *path, const char *terminal, zc_jingest **out);
/* The terminal the journal is ingested for. */
const char *zc_jingest_terminal(const zc_jingest *j);
/* Steps 2 and 3 into s. Returns 0 when every entry was handled and
 * committed (the entries may still have produced findings: r->stats), else
 * a negative zc_err with r->error saying where; the batches committed
 * before stay stored. Runs once per open journal (ZC_ESTATE after). */
int zc_jingest_run(zc_jingest *j, zc_store *s, const zc_jingest_opts *opts, zc_jingest_result *r);
/* Close the journal; NULL is ignored. */
void zc_jingest_close(zc_jingest *j);

#endif
