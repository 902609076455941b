/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/record.h: the attendance record, its canonical binary encoding, its hash
 * and its signature. The byte layout is specified in shared/FORMAT.md, with
 * test vectors in shared/vectors/; every constant below marked "persisted" is
 * part of that layout and never changes meaning.
 *
 * A record on the wire and in the journal is BODY || SIGLEN(u8) || SIG, where
 * SIG is the terminal's DER ECDSA P-256 signature over SHA-256(BODY). The
 * record's hash (what the next record links to) is SHA-256(BODY).
 *
 * The decoder accepts every format version ever written (today: 1), rejects
 * anything that is not exactly the canonical encoding, and never reads outside
 * the input. Records of event kinds this code does not know still decode:
 * their payload is kept raw, so signature and chain remain checkable.
 */
#ifndef ZC_RECORD_H
#define ZC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"

#define ZC_REC_MAGIC0  0x5A /* 'Z'  persisted */
#define ZC_REC_MAGIC1  0x52 /* 'R'  persisted */
#define ZC_REC_VERSION 1    /* the version this code writes; persisted */

#define ZC_TERMINAL_ID_MAX 32
#define ZC_BADGE_ID_MAX	   32
#define ZC_NONCE_LEN	   32
#define ZC_TEXT_MAX	   64
#define ZC_PAYLOAD_MAX	   1024
/* Largest encoded record (body + signature). */
#define ZC_REC_MAX (64 + ZC_TERMINAL_ID_MAX + 2 + ZC_PAYLOAD_MAX + 1 + ZC_SIG_MAX)

/* The terminal times a record may carry (utc_ms, and a clock_set's old and
 * new times): from the Unix epoch inclusive to 2200-01-01T00:00:00Z
 * exclusive, in ms. The epoch is allowed: a terminal whose real-time clock
 * was reset runs from 1970 and must still record its boot and its taps (the
 * host distrusts them: before provisioning, RULES.md 3.4); the terminal
 * never stops on its clock. Times outside are refused by the decoder and the
 * encoder, so every decoded time can be formatted, shifted by a time zone and
 * subtracted without overflow. Persisted (shared/FORMAT.md). */
#define ZC_UTC_MS_MIN	  0LL		  /* 1970-01-01T00:00:00Z */
#define ZC_UTC_MS_END	  7258118400000LL /* 2200-01-01T00:00:00Z, excluded */
#define ZC_UTC_MS_OLD_MIN ZC_UTC_MS_MIN	  /* clock_set old_utc_ms */

/* 1 if ms is a time a record may carry as utc_ms, 0 otherwise. */
int zc_utc_ms_valid(int64_t ms);

/* Event kinds; persisted. Unknown values decode with a raw payload. */
enum zc_rec_kind {
	ZC_KIND_TAP = 1,
	ZC_KIND_BOOT = 2,
	ZC_KIND_CLOCK_SET = 3,
	ZC_KIND_PROVISIONED = 4,
	ZC_KIND_COLLECTED = 5,
	ZC_KIND_READER_FAULT = 6,
	ZC_KIND_JOURNAL_REPAIR = 7,
	ZC_KIND_JOURNAL_LOST = 8,
};

/* Badge kinds of a tap; persisted. */
enum zc_badge_kind {
	ZC_BADGE_PIV = 1, /* PKI badge: PIV card authentication key 9E */
	ZC_BADGE_UID = 2, /* UID-only card: weak */
};

/* What the terminal concluded about a tap; persisted. The host re-checks. */
enum zc_tap_result {
	ZC_TAP_OK = 0,		  /* authenticated */
	ZC_TAP_WEAK = 1,	  /* UID-only card, recorded as weak */
	ZC_TAP_UNKNOWN_CA = 2,	  /* certificate not issued by the badge CA */
	ZC_TAP_REVOKED = 3,	  /* certificate on the revocation list */
	ZC_TAP_BAD_SIGNATURE = 4, /* card's signature over the challenge invalid */
	ZC_TAP_REMOVED = 5,	  /* card left the field during authentication */
	ZC_TAP_CARD_ERROR = 6,	  /* card answered something unusable */
};

typedef struct zc_rec_tap {
	uint8_t badge_kind;		   /* enum zc_badge_kind */
	uint8_t result;			   /* enum zc_tap_result */
	uint8_t badge_id_len;		   /* 1..ZC_BADGE_ID_MAX */
	uint8_t badge_id[ZC_BADGE_ID_MAX]; /* PIV: CHUID card UUID; UID: the UID */
	uint8_t cert_fp[ZC_HASH_LEN];	   /* SHA-256 of the certificate DER; zero for UID */
	uint8_t nonce[ZC_NONCE_LEN];	   /* terminal's random challenge nonce */
	uint8_t badge_sig_len;		   /* 0 for UID badges and failed taps */
	uint8_t badge_sig[ZC_SIG_MAX];	   /* card's DER ECDSA signature over the challenge */
} zc_rec_tap;

typedef struct zc_rec_boot {
	char firmware[ZC_TEXT_MAX + 1]; /* firmware version, printable ASCII */
} zc_rec_boot;

typedef struct zc_rec_clock_set {
	int64_t old_utc_ms;
	int64_t new_utc_ms;
	uint8_t by_fp[ZC_HASH_LEN]; /* fingerprint of the key that ordered it; zero: local */
} zc_rec_clock_set;

typedef struct zc_rec_provisioned {
	char township[ZC_TERMINAL_ID_MAX + 1];
	uint8_t host_fp[ZC_HASH_LEN]; /* host key that provisioned */
	uint8_t ca_fp[ZC_HASH_LEN];   /* badge CA certificate */
	uint8_t key_fp[ZC_HASH_LEN];  /* this terminal's own public key */
} zc_rec_provisioned;

typedef struct zc_rec_collected {
	uint64_t up_to_seq;
	uint8_t up_to_hash[ZC_HASH_LEN];
	uint8_t host_fp[ZC_HASH_LEN];
} zc_rec_collected;

typedef struct zc_rec_fault {
	int32_t code;
	char text[ZC_TEXT_MAX + 1];
} zc_rec_fault;

typedef struct zc_rec_repair {
	uint64_t offset;	/* where in the journal the damage began */
	uint64_t dropped_bytes; /* bytes cut off */
	uint64_t last_good_seq; /* last intact record before the damage */
} zc_rec_repair;

/* The terminal started with a journal behind the sequence mark it keeps
 * beside its key (the journal folder was lost, replaced or restored from an
 * old copy): the records up to last_seq that the journal no longer holds
 * are gone, and numbering continues after last_seq, linked to its hash. */
typedef struct zc_rec_lost {
	uint64_t last_seq;		/* the highest seq the terminal had written */
	uint8_t last_hash[ZC_HASH_LEN]; /* that record's hash */
	uint64_t found_head;		/* the head of the journal it found (0: empty) */
} zc_rec_lost;

/* A decoded record. Everything a record holds, in native form. */
typedef struct zc_rec {
	uint8_t version; /* format version it was (or will be) encoded in */
	uint8_t kind;	 /* enum zc_rec_kind, or an unknown value */
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	uint64_t seq;			/* from 1, no gaps */
	uint32_t boot;			/* boot counter */
	int64_t utc_ms;			/* terminal's UTC clock, ms since 1970-01-01T00:00:00Z */
	uint64_t mono_ms;		/* terminal's monotonic clock, ms since boot */
	uint8_t prev_hash[ZC_HASH_LEN]; /* hash of record seq-1; zeros for seq 1 */
	union {
		zc_rec_tap tap;
		zc_rec_boot boot;
		zc_rec_clock_set clock;
		zc_rec_provisioned prov;
		zc_rec_collected collected;
		zc_rec_fault fault;
		zc_rec_repair repair;
		zc_rec_lost lost;
	} u;
	/* The payload as encoded; filled by the decoder for every kind and by
	 * the encoder. For unknown kinds it is the only representation. */
	uint16_t payload_len;
	uint8_t payload[ZC_PAYLOAD_MAX];
	uint8_t sig_len;
	uint8_t sig[ZC_SIG_MAX];
} zc_rec;

/* Where and why a decode failed. */
typedef struct zc_rec_error {
	int code;	   /* ZC_ETRUNC, ZC_EMALFORMED, ZC_EVERSION */
	size_t offset;	   /* byte offset of the offending field */
	const char *field; /* static field name */
	const char *why;   /* static English reason */
} zc_rec_error;

/* Initialise r for a new record of kind (version = ZC_REC_VERSION). */
void zc_rec_init(zc_rec *r, uint8_t kind);

/* Encode the body (signed bytes) of r. Fills r->payload from the typed
 * fields for known kinds. Returns the length, or ZC_EARG for a record that
 * violates the format (bad terminal id, lengths out of range). */
int zc_rec_encode_body(zc_rec *r, uint8_t *out, size_t cap);
/* Encode body || siglen || sig. Returns length or a negative error. */
int zc_rec_encode(zc_rec *r, uint8_t *out, size_t cap);

/* Decode one complete record occupying exactly len bytes. On error fills
 * *err (may be NULL) and returns its code. *body_len gets the body length. */
int zc_rec_decode(const uint8_t *buf, size_t len, zc_rec *r, size_t *body_len, zc_rec_error *err);

/* Cheap framing test for the n bytes at buf, reading nothing else: 1 if they
 * start with the record magic and a format version this code decodes, and the
 * header's own lengths (terminal, payload, signature) add up to exactly n;
 * 0 otherwise. Every record zc_rec_decode accepts passes; used by journal
 * readers to decide whether an offset is worth checking while they
 * resynchronise. */
int zc_rec_framed(const uint8_t *buf, size_t n);

/* SHA-256 of the body: the record hash. */
void zc_rec_hash_body(const uint8_t *body, size_t body_len, uint8_t out[ZC_HASH_LEN]);

/* Encode the body, sign it with k and store the signature in r.
 * Writes the full encoding to out (if non-NULL) and its hash to hash. */
int zc_rec_sign(zc_rec *r, zc_privkey *k, uint8_t *out, size_t cap, size_t *out_len, uint8_t hash[ZC_HASH_LEN]);

/* Verify the terminal signature of an encoded record (body_len from the
 * decoder). 0 or ZC_ESIG. */
int zc_rec_verify(zc_pubkey *k, const uint8_t *buf, size_t body_len, const zc_rec *r);

/* The 32-byte PIV challenge binding a tap to the journal:
 * SHA-256("zhucun-tap-v1" || tid_len || tid || seq || utc_ms || prev_hash || nonce)
 * with integers little-endian. */
void zc_rec_tap_challenge(const zc_rec *r, uint8_t out[ZC_HASH_LEN]);

/* Valid terminal / township identifier: 1..32 of [A-Za-z0-9._-]. */
int zc_id_valid(const char *id);

/* Stable lower-case English names. */
const char *zc_kind_name(uint8_t kind);
const char *zc_badge_kind_name(uint8_t kind);
const char *zc_tap_result_name(uint8_t result);

#endif
