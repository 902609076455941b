/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/badge.h: badge certificates and the district badge CA, as the terminal
 * and the host both check them (the X.509 reader of zc/crypto.h underneath).
 *
 * A badge is a PIV card whose Card Authentication key (9E) is an ECC P-256
 * key certified by the district's badge CA. The certificate's subject names
 * the cadre: CN = the cadre's name (UTF-8), serialNumber = the cadre id
 * (e.g. C001), OU = the badge id (e.g. B001), O = the district. As FIPS 201
 * asks of a Card Authentication certificate, its subjectAltName carries the
 * card's UUID (the CHUID GUID) as a URI "urn:uuid:...".
 *
 * Revocation: the CA signs a revocation list (format "ZRL1", specified in
 * shared/FORMAT.md): a numbered list of (certificate serial, revoked-from
 * time). mbedTLS 2.28 (the terminal's crypto backend) parses X.509 CRLs but
 * cannot write them, so the list is our own signed format; the terminal and
 * the host read the same file.
 *
 * Objects here are not safe for concurrent use from two threads: the key
 * inside a CA or certificate object caches its curve tables on first use
 * (MEASURED.md), so keep one CA object for the life of the process.
 */
#ifndef ZC_BADGE_H
#define ZC_BADGE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"

#define ZC_BADGE_SERIAL_MAX 20 /* X.509 serials are at most 20 bytes */
#define ZC_BADGE_UUID_LEN   16 /* the CHUID card UUID */

typedef struct zc_badge_ca zc_badge_ca;
typedef struct zc_badge_cert zc_badge_cert;

/* ---- the revocation list (ZRL1) ---- */

#define ZC_REVLIST_MAGIC       "ZRL1" /* persisted */
#define ZC_REVLIST_MAX_ENTRIES 65536  /* decoders refuse longer lists */

typedef struct zc_revlist_entry {
	uint8_t serial_len;		     /* 1..ZC_BADGE_SERIAL_MAX */
	uint8_t serial[ZC_BADGE_SERIAL_MAX]; /* DER INTEGER content: minimal, positive */
	int64_t revoked_from_ms;	     /* taps at or after this UTC instant are refused */
} zc_revlist_entry;

typedef struct zc_revlist {
	uint64_t number;	    /* from 1, grows with every list the CA signs */
	int64_t issued_ms;	    /* when the CA signed it (informational) */
	uint8_t ca_fp[ZC_HASH_LEN]; /* SHA-256 of the CA certificate DER */
	uint32_t count;
	zc_revlist_entry *entries; /* ascending by serial; owned, see zc_revlist_clear */
	uint8_t sig_len;
	uint8_t sig[ZC_SIG_MAX]; /* CA's DER ECDSA signature over SHA-256(body) */
} zc_revlist;

/* Where and why a decode failed (as zc_rec_error). */
typedef struct zc_revlist_error {
	int code;	   /* ZC_ETRUNC or ZC_EMALFORMED */
	size_t offset;	   /* byte offset of the offending field */
	const char *field; /* static field name */
	const char *why;   /* static English reason */
} zc_revlist_error;

/* Decode a list occupying exactly len bytes, checking its form only (not
 * the signature: see zc_badge_ca_set_revocations). On success l owns a
 * malloc'd entry array (free with zc_revlist_clear) and *body_len (may be
 * NULL) is the length of the signed part. On error l is left empty, *err
 * (may be NULL) says where and why, and the code is returned; ZC_ENOMEM if
 * the entries cannot be allocated. */
int zc_revlist_decode(const uint8_t *buf, size_t len, zc_revlist *l, size_t *body_len, zc_revlist_error *err);
/* Bytes needed to encode l with a signature of ZC_SIG_MAX bytes. */
size_t zc_revlist_encoded_max(const zc_revlist *l);
/* Encode the signed part (everything before sig_len). Returns its length,
 * ZC_EARG if l is not canonical (number 0, serial out of range or not
 * minimal, entries not strictly ascending, too many) or ZC_ENOSPC. */
int zc_revlist_encode_body(const zc_revlist *l, uint8_t *out, size_t cap);
/* Encode body || sig_len || sig. Returns the length or a negative error
 * (also ZC_EARG for a sig_len out of 8..72). */
int zc_revlist_encode(const zc_revlist *l, uint8_t *out, size_t cap);
/* Sign l with the CA key (fills l->sig) and encode it into out. */
int zc_revlist_sign(zc_revlist *l, zc_privkey *ca_key, uint8_t *out, size_t cap);
/* Index of serial in l, or ZC_ENOENT. */
int zc_revlist_find(const zc_revlist *l, const uint8_t *serial, size_t len);
/* Insert an entry keeping the order: 0, ZC_EEXIST (already listed),
 * ZC_EARG (serial not canonical), ZC_EFULL, ZC_ENOMEM. */
int zc_revlist_add(zc_revlist *l, const uint8_t *serial, size_t len, int64_t revoked_from_ms);
/* Free the entries and zero l. */
void zc_revlist_clear(zc_revlist *l);

/* ---- the CA ---- */

/* The CA certificate (PEM with exactly one certificate, or DER). Must be a
 * CA (basicConstraints cA; keyCertSign if keyUsage is present) with a P-256
 * key. ZC_EMALFORMED otherwise. */
int zc_badge_ca_parse(const uint8_t *buf, size_t len, zc_badge_ca **out);
/* As parse, from a file; also ZC_ENOENT / ZC_EIO. */
int zc_badge_ca_load(const char *path, zc_badge_ca **out);
/* SHA-256 of the CA certificate's DER. */
void zc_badge_ca_fingerprint(const zc_badge_ca *ca, uint8_t fp[ZC_HASH_LEN]);
/* The CA certificate DER (owned by ca). */
const uint8_t *zc_badge_ca_der(const zc_badge_ca *ca, size_t *len);
/* Subject CN and O of the CA (UTF-8, owned by ca; "" if absent). */
const char *zc_badge_ca_name(const zc_badge_ca *ca);
const char *zc_badge_ca_district(const zc_badge_ca *ca);
/* Validity period of the CA certificate, UTC ms (both ends inclusive). */
void zc_badge_ca_validity(const zc_badge_ca *ca, int64_t *from_ms, int64_t *to_ms);
/* Install a revocation list after checking its form (ZC_EMALFORMED /
 * ZC_ETRUNC, details in *err, which may be NULL), that it names this CA
 * and carries the CA's signature (ZC_ESIG), and that its number is not
 * lower than the installed one's (ZC_ESTATE: a rollback). The same number
 * again is accepted only with identical bytes (a no-op); different contents
 * under an installed number are also ZC_ESTATE. On any error the installed
 * list stays as it was. */
int zc_badge_ca_set_revocations(zc_badge_ca *ca, const uint8_t *buf, size_t len, zc_revlist_error *err);
/* As set_revocations, from a file; also ZC_ENOENT / ZC_EIO. */
int zc_badge_ca_load_revocations(zc_badge_ca *ca, const char *path, zc_revlist_error *err);
/* Number of the installed list (0: none). */
uint64_t zc_badge_ca_revocation_number(const zc_badge_ca *ca);
/* The installed list (owned by ca), or NULL. */
const zc_revlist *zc_badge_ca_revocations(const zc_badge_ca *ca);
void zc_badge_ca_free(zc_badge_ca *ca);

/* ---- badge certificates ---- */

/* Parse a badge certificate: exactly one DER certificate, nothing after it,
 * in its canonical encoding (strict DER throughout and a low-S ECDSA
 * signature: zc_x509_is_canonical, so that a certificate has one
 * fingerprint), with a P-256 key and subject strings that are valid UTF-8
 * without control characters. ZC_EMALFORMED otherwise, ZC_ENOMEM. The
 * terminal and the host both parse badge certificates here. */
int zc_badge_cert_parse(const uint8_t *der, size_t len, zc_badge_cert **out);
/* Load a badge certificate from a file: DER, PEM, or a virtual card file
 * (the first CERTIFICATE block in it). Also ZC_ENOENT / ZC_EIO. */
int zc_badge_cert_load(const char *path, zc_badge_cert **out);
/* Check a badge certificate against the CA at time utc_ms. Returns 0 and
 * sets *result to an enum zc_tap_result (zc/record.h):
 *   ZC_TAP_UNKNOWN_CA  not issued by this CA (issuer name or signature),
 *                      utc_ms outside the certificate's or the CA's
 *                      validity, or not a badge certificate (keyUsage
 *                      without digitalSignature, extendedKeyUsage without
 *                      id-PIV-cardAuth);
 *   ZC_TAP_REVOKED     otherwise, if its serial is on the installed list
 *                      with revoked-from <= utc_ms;
 *   ZC_TAP_OK          otherwise.
 * The system clock is never consulted. c remembers which CA's signature
 * verified over it, so checking a cached certificate again costs no
 * signature verification. Negative only on internal failure. */
int zc_badge_cert_check(zc_badge_ca *ca, zc_badge_cert *c, int64_t utc_ms, int *result);
/* Verify the card's signature (DER ECDSA) over a 32-byte digest with the
 * certificate's key: 0 or ZC_ESIG. */
int zc_badge_cert_verify(zc_badge_cert *c, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len);
/* SHA-256 of the certificate DER (the cert_fp of tap records). */
void zc_badge_cert_fingerprint(const zc_badge_cert *c, uint8_t fp[ZC_HASH_LEN]);
/* The certificate DER (owned by c). */
const uint8_t *zc_badge_cert_der(const zc_badge_cert *c, size_t *len);
/* Subject fields (UTF-8, owned by c; "" if absent). */
const char *zc_badge_cert_cadre(const zc_badge_cert *c);    /* serialNumber */
const char *zc_badge_cert_name(const zc_badge_cert *c);	    /* CN */
const char *zc_badge_cert_badge(const zc_badge_cert *c);    /* OU */
const char *zc_badge_cert_district(const zc_badge_cert *c); /* O */
/* Certificate serial number (big-endian bytes). */
const uint8_t *zc_badge_cert_serial(const zc_badge_cert *c, size_t *len);
/* Validity period, UTC ms (both ends inclusive). */
void zc_badge_cert_validity(const zc_badge_cert *c, int64_t *from_ms, int64_t *to_ms);
/* The card UUID from subjectAltName "urn:uuid:...": 0, or ZC_ENOENT if
 * the certificate names none. */
int zc_badge_cert_uuid(const zc_badge_cert *c, uint8_t uuid[ZC_BADGE_UUID_LEN]);
void zc_badge_cert_free(zc_badge_cert *c);

#endif
