/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/bundle.h: signed record bundles ("ZCB2", shared/FORMAT.md section 5).
 * Records pulled on a clerk's laptop travel to the district host in a
 * bundle: the terminal's id and public key, a range of raw records exactly
 * as stored, and the exporting host's public key and signature over it all.
 * The importing host takes bundles only from host keys it trusts, checks
 * every record's terminal signature before storing anything, registers a
 * terminal key only when its registry or a trusted host's provisioning
 * record vouches for it, then ingests every record through the normal
 * ingest path, which verifies each record's signature and link again.
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
	/* zc_bundle_import: why it refused the bundle (enum zc_bundle_refusal)
	 * and, for ZC_BUNDLE_TAMPERED, the record: its index in the bundle and
	 * its seq (0 when it does not decode). zc_bundle_export: records
	 * left out because they do not verify with the terminal key. */
	int refused;
	uint32_t bad_index;
	uint64_t bad_seq;
	uint32_t skipped;
	char host_name[257]; /* the trusted name of the exporting host key */
} zc_bundle_info;

/* Why an import refused a bundle; nothing of it was stored. */
enum zc_bundle_refusal {
	ZC_BUNDLE_OK = 0,
	ZC_BUNDLE_UNTRUSTED_HOST,   /* ZC_ESTATE: host_fp is not in the trust list */
	ZC_BUNDLE_OTHER_HOST,	    /* ZC_ESTATE: not the host key expect_host_fp names */
	ZC_BUNDLE_UNKNOWN_TERMINAL, /* ZC_ESTATE: a terminal nothing here vouches for */
	ZC_BUNDLE_KEY_CONFLICT,	    /* ZC_EEXIST: the terminal is known under another key */
	ZC_BUNDLE_TAMPERED,	    /* ZC_ESIG: a record fails its terminal signature */
	ZC_BUNDLE_BAD_SIGNATURE,    /* ZC_ESIG: the bundle signature itself */
};

/* Build a bundle of every stored record of terminal with seq >= from_seq
 * (stored raw, as zc_store_records gives them) that verifies with the
 * terminal's key (others are left out and counted in info->skipped: an
 * importer refuses a bundle holding one), signed with host_key, in a
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

/* Parse and verify buf and apply the trust rules of FORMAT.md section 5,
 * refusing the whole bundle (nothing stored; info->refused says why) when:
 * its host key is not trusted here (zc_registry_trusted); any record does
 * not decode, belongs to another terminal or fails its terminal signature
 * (tampered: info->bad_index, bad_seq name it); the store or the registry
 * knows the terminal under another key (ZC_EEXIST); or the terminal is
 * unknown here and neither the registry vouches for its key fingerprint
 * (zc_registry_terminal_fp) nor the bundle holds its provisioning record
 * naming its key and a trusted host key. Then it registers the terminal if
 * unknown and ingests every record (each verified again) in batches. Then the bundle's
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
