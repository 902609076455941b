/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ca.h: zc_calib, the district badge CA's operations behind `zhucun-ca`,
 * callable in-process (the scenario runner issues and revokes badges with
 * it). A CA lives in a folder:
 *
 *   CADIR/ca.key           the CA's P-256 private key (PEM, mode 0600)
 *   CADIR/ca.pem           the self-signed CA certificate
 *   CADIR/revocations.zrl  the current signed revocation list (ZRL1)
 *   CADIR/issued.txt       one line per issued badge:
 *                          badge TAB cadre TAB serial-hex TAB fp-hex TAB uuid-hex
 *
 * and a badge is a card file (tools/sim/vcard.h) holding the card UUID and
 * UID, the Card Authentication certificate and the card's private key.
 *
 * Every function returns 0 or a negative zc_err code, and on error writes
 * one English sentence (no newline) into err. Randomness comes from rng if
 * given (the simulator passes a seeded generator so that a scenario runs the
 * same twice), otherwise from zc_random(). Certificates are signed with
 * deterministic ECDSA, so the same randomness gives the same bytes.
 */
#ifndef ZC_CA_H
#define ZC_CA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zc/badge.h"

/* Fill buf with n random bytes; 0 on success. */
typedef int (*zc_ca_rng_fn)(void *ctx, uint8_t *buf, size_t n);

/* Defaults, UTC ms: a fixed past start so that simulated 2025 times work. */
#define ZC_CA_DEFAULT_FROM_MS	  1577836800000LL /* 2020-01-01T00:00:00Z */
#define ZC_CA_DEFAULT_CA_TO_MS	  2524607999000LL /* 2049-12-31T23:59:59Z */
#define ZC_CA_DEFAULT_BADGE_TO_MS 2240611199000LL /* 2040-12-31T23:59:59Z */

#define ZC_CA_NAME_MAX 64 /* characters (X.520 ub-common-name) */
#define ZC_CA_UID_MAX  10

typedef struct zc_ca_init_opts {
	const char *dir;	/* created (0700) if missing; must hold no CA yet */
	const char *name;	/* subject CN, UTF-8, 1-64 characters */
	const char *district;	/* subject O, UTF-8, 1-64 characters; NULL: none */
	int64_t from_ms, to_ms; /* validity; 0: the defaults above */
	int64_t now_ms;		/* issued_ms of revocation list 1; 0: the system clock */
	zc_ca_rng_fn rng;	/* NULL: zc_random */
	void *rng_ctx;
} zc_ca_init_opts;

int zc_ca_init(const zc_ca_init_opts *o, char *err, size_t errlen);

typedef struct zc_ca_issue_opts {
	const char *dir;
	const char *badge;   /* OU: 1-32 of A-Z a-z 0-9 . _ -; not issued before */
	const char *cadre;   /* serialNumber (PrintableString): 1-32 of A-Z a-z 0-9 . - */
	const char *name;    /* CN: UTF-8, 1-64 characters */
	const uint8_t *uuid; /* ZC_BADGE_UUID_LEN bytes; NULL: random (RFC 4122 v4) */
	const uint8_t *uid;  /* 4 or 7 bytes; NULL: random 7 bytes starting 0x04 */
	size_t uid_len;
	int64_t from_ms, to_ms; /* validity; 0: 2020-01-01 .. 2040-12-31T23:59:59Z */
	const char *out;	/* the card file to write (0600); must not exist */
	const char *cert_out;	/* NULL, or also write the certificate here as DER */
	zc_ca_rng_fn rng;
	void *rng_ctx;
} zc_ca_issue_opts;

typedef struct zc_ca_issued {
	uint8_t serial[ZC_BADGE_SERIAL_MAX];
	size_t serial_len;
	uint8_t fp[ZC_HASH_LEN]; /* SHA-256 of the certificate DER */
	uint8_t uuid[ZC_BADGE_UUID_LEN];
	uint8_t uid[ZC_CA_UID_MAX];
	size_t uid_len;
} zc_ca_issued;

/* Issue a badge: a new card key, its certificate, a line in issued.txt and
 * the card file. res may be NULL. */
int zc_ca_issue(const zc_ca_issue_opts *o, zc_ca_issued *res, char *err, size_t errlen);

/* Revoke a badge (looked up in issued.txt) from revoked_from_ms on: a new
 * list numbered one higher, issued at now_ms (0: the system clock), signed,
 * and written atomically. *number (may be NULL) gets the new list number.
 * ZC_EEXIST if the badge is already on the list. */
int zc_ca_revoke(const char *dir, const char *badge, int64_t revoked_from_ms, int64_t now_ms, uint64_t *number,
		 char *err, size_t errlen);

/* Copy a card file with a fresh, different key: same certificate, UUID, UID
 * (a forged badge, for tests). out must not exist. */
int zc_ca_clone(const char *card, const char *out, zc_ca_rng_fn rng, void *rng_ctx, char *err, size_t errlen);

/* Print what a card file, certificate (PEM or DER), revocation list or CA
 * folder holds. ca_path (NULL: CADIR/ca.pem or a ca.pem beside the file,
 * if there is one) is used to check certificates and lists; at_ms is the
 * time certificates are checked at. */
int zc_ca_show(const char *path, const char *ca_path, int64_t at_ms, FILE *out, char *err, size_t errlen);

/* A card file's contents. */
typedef struct zc_ca_card {
	uint8_t uuid[ZC_BADGE_UUID_LEN];
	uint8_t uid[ZC_CA_UID_MAX];
	size_t uid_len;
	char badge[33]; /* informational, as the file says */
	char cadre[33];
	uint8_t *cert_der; /* malloc'd */
	size_t cert_len;
	char *key_pem; /* malloc'd, NUL-terminated; zeroed on free */
} zc_ca_card;

int zc_ca_card_read(const char *path, zc_ca_card *c, char *err, size_t errlen);
void zc_ca_card_free(zc_ca_card *c);

/* "YYYY-MM-DDThh:mm:ss" with "Z" or "+hh:mm" / "-hh:mm" (optional ".mmm"
 * before the zone) to UTC ms. 0 or ZC_EMALFORMED. */
int zc_ca_parse_time(const char *s, int64_t *ms);
/* UTC ms as "YYYY-MM-DDThh:mm:ssZ" (".mmm" added when not whole seconds)
 * into buf (at least 32 bytes). Returns buf. */
char *zc_ca_format_time(int64_t ms, char *buf, size_t cap);

#endif
