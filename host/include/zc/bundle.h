/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/bundle.h: signed record bundles ("ZCB1", shared/FORMAT.md section 5).
 * Records pulled on a clerk's laptop travel to the district host in a
 * bundle: the terminal's id and public key, a range of raw records exactly
 * as stored, and the exporting host's public key and signature over it all.
 * The importing host checks the bundle signature, registers the terminal key
 * if it does not know the terminal (and refuses a key that conflicts with a
 * registered one), then ingests every record through the normal ingest path,
 * which verifies each record's own signature and link again. The bundle
 * signature proves who exported it and that nothing changed on the way; the
 * records' authenticity never rests on it.
 */
#ifndef ZC_BUNDLE_H
#define ZC_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/record.h"
#include "zc/store.h"

#define ZC_BUNDLE_MAGIC	   "ZCB2"		   /* persisted; written */
#define ZC_BUNDLE_MAGIC_V1 "ZCB1"		   /* still read: no collections */
#define ZC_BUNDLE_COLL_MAX 65535		   /* collections in one bundle */
#define ZC_BUNDLE_KEY_MAX  255			   /* DER public key, at most; persisted bound */
#define ZC_BUNDLE_MAX_SIZE (1024u * 1024u * 1024u) /* files larger are refused */

/* What a bundle says about itself. */
typedef struct zc_bundle_info {
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	uint8_t terminal_fp[ZC_HASH_LEN]; /* fingerprint of the terminal key in it */
	uint8_t host_fp[ZC_HASH_LEN];	  /* of the exporting host's key */
	int64_t created_ms;
	uint64_t first_seq, last_seq; /* of the records in it; 0, 0 when none */
	uint32_t count;
	uint16_t ncollections;	    /* the terminal's collections it carries (ZCB2) */
	int64_t collected_until_ms; /* the latest of them; 0: none */
	size_t size;		    /* bytes of the whole bundle */
} zc_bundle_info;

/* Build a bundle of every stored record of terminal with seq >= from_seq
 * (stored raw, as zc_store_records gives them), signed with host_key, in a
 * malloc'd buffer (*out, *len; free()). info may be NULL. ZC_ENOENT for an
 * unknown terminal, ZC_EFULL beyond 2^32-1 records or ZC_BUNDLE_MAX_SIZE. */
int zc_bundle_export(zc_store *s, const char *terminal, uint64_t from_seq, zc_privkey *host_key, uint8_t **out,
		     size_t *len, zc_bundle_info *info);

/* A parsed, signature-checked bundle; pointers into the caller's buffer. */
typedef struct zc_bundle {
	zc_bundle_info info;
	const uint8_t *terminal_key; /* DER SubjectPublicKeyInfo */
	size_t terminal_key_len;
	const uint8_t *host_key;
	size_t host_key_len;
	const uint8_t *records; /* count x (u16 len | record) */
	size_t records_len;
	const uint8_t *collections; /* ncollections x (i64 at_ms | u64 up_to_seq) */
} zc_bundle;

/* Parse buf (exactly len bytes) and check the host signature. 0, or
 * ZC_ETRUNC / ZC_EMALFORMED (form; errbuf names the field and offset),
 * ZC_ESIG (the signature does not verify: the bundle was changed). */
int zc_bundle_parse(const uint8_t *buf, size_t len, zc_bundle *b, char *errbuf, size_t errlen);
/* Call fn for each record of a parsed bundle, in order; fn returns nonzero
 * to stop (returned). */
int zc_bundle_records(const zc_bundle *b, int (*fn)(void *arg, uint32_t index, const uint8_t *rec, size_t len),
		      void *arg);

typedef struct zc_bundle_import_opts {
	const char *source;		     /* kept with findings (the file name); may be NULL */
	uint32_t batch;			     /* records per transaction; 0: 500 */
	int64_t clock_rollback_tolerance_ms; /* 0: the store's default */
	const uint8_t *expect_host_fp;	     /* non-NULL: refuse bundles of another host (ZC_ESTATE) */
	/* Called after every committed batch; may be NULL. */
	void (*progress)(void *arg, uint32_t done, uint32_t total);
	void *arg;
} zc_bundle_import_opts;

/* Parse and verify buf, register its terminal if unknown (ZC_EEXIST if the
 * store has that terminal under another key: nothing is imported), and
 * ingest every record (each verified again) in batches. Then the bundle's
 * collections are recorded (via "bundle") where the store's verified head
 * reaches their sequence number, so the district knows the clerk's
 * collected-until (RULES.md section 1). info and stats
 * (may be NULL) are filled as far as the import got; records of committed
 * batches stay stored after a failure. errbuf gets an English line. */
int zc_bundle_import(zc_store *s, const uint8_t *buf, size_t len, const zc_bundle_import_opts *opts,
		     zc_bundle_info *info, zc_ingest_stats *stats, int *registered, char *errbuf, size_t errlen);

/* DER of a PEM public key (the base64 between the BEGIN and END lines).
 * Returns the DER length, or ZC_EMALFORMED / ZC_EARG (does not fit cap). */
int zc_pem_to_der(const char *pem, uint8_t *der, size_t cap);

#endif
