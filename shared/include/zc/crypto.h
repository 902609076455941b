/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/crypto.h: all of the project's cryptography, behind one header. The
 * backend is chosen when the build is configured (CMake cache variable
 * ZC_CRYPTO; today only "mbedtls": mbedTLS 2.28, shared/src/crypto/
 * *_mbedtls.c), and nothing outside shared/src/crypto/ includes a crypto
 * library header. Every type here is opaque or plain C, so that another
 * backend (OpenSSL 3's libcrypto for the host programs) can implement the
 * same declarations.
 *
 * Keys are ECDSA P-256. Signatures are DER-encoded ECDSA-Sig-Value over a
 * SHA-256 digest; signing is deterministic (RFC 6979). Key objects keep their
 * curve group (and its precomputed table) for their whole life: create them
 * once, use them many times. Key and certificate objects are therefore not
 * safe for concurrent use from two threads; the shared random generator is.
 *
 * Errors are negative zc_err codes (zc/err.h).
 */
#ifndef ZC_CRYPTO_H
#define ZC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define ZC_HASH_LEN 32
#define ZC_SIG_MAX  72	 /* DER ECDSA P-256 signature, at most */
#define ZC_PEM_MAX  1024 /* public key or private key PEM, at most */

/* The backend this build was configured with ("mbedtls"). */
const char *zc_crypto_backend(void);

/* ---- hashing ---- */

/* SHA-256 of one buffer. */
void zc_sha256(const void *data, size_t len, uint8_t out[ZC_HASH_LEN]);

/* Incremental SHA-256. */
typedef struct zc_sha256_ctx {
	uint64_t opaque[32];
} zc_sha256_ctx;
void zc_sha256_start(zc_sha256_ctx *c);
void zc_sha256_update(zc_sha256_ctx *c, const void *data, size_t len);
void zc_sha256_finish(zc_sha256_ctx *c, uint8_t out[ZC_HASH_LEN]);

/* ---- randomness and secrets ---- */

/* Fill buf with n cryptographically strong random bytes. 0 or ZC_ECRYPTO. */
int zc_random(void *buf, size_t n);

/* A caller's generator: fill buf with n random bytes, 0 on success. The
 * functions taking one use zc_random when it is NULL. A seeded generator
 * makes key generation reproducible (the CA tool's tests and scenarios). */
typedef int (*zc_rng_fn)(void *ctx, uint8_t *buf, size_t n);

/* Zero n bytes of secret material in a way the compiler keeps. */
void zc_memzero(void *buf, size_t n);

/* ---- private keys ---- */

/* A P-256 private key (signing). */
typedef struct zc_privkey zc_privkey;
/* Generate a new key. */
int zc_privkey_generate(zc_privkey **out);
/* Generate a new key from rng's bytes (NULL: zc_random). */
int zc_privkey_generate_rng(zc_rng_fn rng, void *rng_ctx, zc_privkey **out);
/* Parse a PEM (or DER) private key; anything other than P-256 is refused. */
int zc_privkey_parse(const uint8_t *buf, size_t len, zc_privkey **out);
/* Parse the private key block ("EC PRIVATE KEY" or "PRIVATE KEY") of a
 * NUL-terminated PEM text, wherever it stands in it. P-256 only:
 * ZC_EMALFORMED otherwise. */
int zc_privkey_parse_pem(const char *text, zc_privkey **out);
/* Load from a file; 0, ZC_ENOENT, ZC_EMALFORMED or ZC_EIO. */
int zc_privkey_load(const char *path, zc_privkey **out);
/* The key as SEC1 PEM ("-----BEGIN EC PRIVATE KEY-----"), NUL-terminated
 * in buf (cap bytes; ZC_PEM_MAX is enough). 0 or ZC_ECRYPTO. The caller
 * zeroes buf (zc_memzero) when done. */
int zc_privkey_pem(const zc_privkey *k, char *buf, size_t cap);
/* Write as PEM to path, created with mode 0600 (owner only), fsynced. */
int zc_privkey_save(const zc_privkey *k, const char *path);
/* Deterministic ECDSA over a 32-byte digest; DER into sig (ZC_SIG_MAX). */
int zc_privkey_sign(zc_privkey *k, const uint8_t digest[ZC_HASH_LEN], uint8_t *sig, size_t *sig_len);
/* As zc_privkey_sign. The signature does not depend on rng, but a backend
 * may draw from it (side-channel blinding): a caller replaying a seeded
 * generator passes it so that every run draws the same bytes. */
int zc_privkey_sign_rng(zc_privkey *k, const uint8_t digest[ZC_HASH_LEN], uint8_t *sig, size_t *sig_len, zc_rng_fn rng,
			void *rng_ctx);
/* Public half as PEM (NUL-terminated, into buf of cap bytes). */
int zc_privkey_public_pem(const zc_privkey *k, char *buf, size_t cap);
/* SHA-256 of the DER SubjectPublicKeyInfo of the public half. */
int zc_privkey_fingerprint(const zc_privkey *k, uint8_t fp[ZC_HASH_LEN]);
/* Public half as DER SubjectPublicKeyInfo into buf (cap bytes; 91 for
 * P-256); *len gets its length. 0, ZC_ENOSPC or ZC_ECRYPTO. */
int zc_privkey_public_der(const zc_privkey *k, uint8_t *buf, size_t cap, size_t *len);
/* Zero and free. NULL is allowed. */
void zc_privkey_free(zc_privkey *k);

/* ---- public keys ---- */

/* A P-256 public key (verification). */
typedef struct zc_pubkey zc_pubkey;
/* Parse PEM or DER SubjectPublicKeyInfo; only P-256 is accepted. */
int zc_pubkey_parse(const uint8_t *buf, size_t len, zc_pubkey **out);
int zc_pubkey_load(const char *path, zc_pubkey **out);
/* Public key of a private key. */
int zc_pubkey_from_priv(const zc_privkey *k, zc_pubkey **out);
/* 0 if sig (DER) is a valid signature of digest, ZC_ESIG if it is not (or
 * does not decode), ZC_ENOMEM when the check could not be made: then
 * nothing may be concluded about the signature. */
int zc_pubkey_verify(zc_pubkey *k, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len);
/* The form of a P-256 ECDSA signature, without any key: strict DER
 * ECDSA-Sig-Value (a SEQUENCE of exactly two INTEGERs, short-form lengths,
 * each INTEGER minimal and positive, 1 <= r, s < n, nothing after it).
 * With low_s set, s must also be at most n/2 (the one of the two valid
 * forms s and n - s that the badge CA writes). 0 or ZC_EMALFORMED. A card's
 * answer and a certificate's signature are checked with this before they
 * are used or stored. */
int zc_ecdsa_sig_check(const uint8_t *sig, size_t sig_len, int low_s);
int zc_pubkey_pem(const zc_pubkey *k, char *buf, size_t cap);
int zc_pubkey_fingerprint(const zc_pubkey *k, uint8_t fp[ZC_HASH_LEN]);
void zc_pubkey_free(zc_pubkey *k);
/* 1 if k is the private key of pub (same curve and point, and k's secret
 * gives that point), 0 otherwise. */
int zc_privkey_matches(const zc_privkey *k, const zc_pubkey *pub);

/* ---- PEM ---- */

/* PEM armour for DER bytes: "-----BEGIN label-----", base64 in 64-column
 * lines, "-----END label-----\n", NUL-terminated in out (cap bytes; about
 * len * 4 / 3 + 100). 0, ZC_EARG or ZC_ENOSPC. */
int zc_pem_encode(const char *label, const uint8_t *der, size_t len, char *out, size_t cap);
/* The DER of the first "-----BEGIN label-----" block of a NUL-terminated
 * text, malloc'd into *der (*len bytes). *used (may be NULL) gets the
 * number of bytes of text up to the end of the block's END line and the
 * line break after it. 0, ZC_ENOENT (no such block), ZC_EMALFORMED (not
 * base64, encrypted), ZC_ENOMEM, or ZC_EARG (a label over 64 bytes). */
int zc_pem_decode(const char *text, const char *label, uint8_t **der, size_t *len, size_t *used);

/* ---- X.509 certificates: reading ---- */

typedef struct zc_x509 zc_x509;

/* ASN.1 universal tags of the directory string types. */
#define ZC_ASN1_UTF8_STRING	 0x0C
#define ZC_ASN1_PRINTABLE_STRING 0x13
#define ZC_ASN1_IA5_STRING	 0x16
#define ZC_ASN1_BMP_STRING	 0x1E

/* keyUsage bits, as they stand in the first byte of the DER BIT STRING. */
#define ZC_X509_KU_DIGITAL_SIGNATURE 0x80
#define ZC_X509_KU_KEY_CERT_SIGN     0x04
#define ZC_X509_KU_CRL_SIGN	     0x02

/* The name attributes the badge profile reads and writes. */
enum zc_x509_attr_type {
	ZC_X509_ATTR_OTHER = 0,
	ZC_X509_ATTR_CN,	    /* commonName, 2.5.4.3 */
	ZC_X509_ATTR_SERIAL_NUMBER, /* serialNumber, 2.5.4.5 */
	ZC_X509_ATTR_OU,	    /* organizationalUnitName, 2.5.4.11 */
	ZC_X509_ATTR_O,		    /* organizationName, 2.5.4.10 */
};

/* One attribute of a distinguished name: its type, the ASN.1 tag of its
 * string and the string's content bytes (as encoded, not converted). */
typedef struct zc_x509_attr {
	int type; /* enum zc_x509_attr_type */
	int tag;  /* ZC_ASN1_*_STRING, or another tag */
	const uint8_t *val;
	size_t len;
} zc_x509_attr;

/* Exactly one DER certificate occupying all of der[0..len). ZC_EMALFORMED
 * otherwise, ZC_ENOMEM. Any key type parses; see zc_x509_pubkey. */
int zc_x509_parse_der(const uint8_t *der, size_t len, zc_x509 **out);
/* Every "CERTIFICATE" block of a NUL-terminated PEM text (other text and
 * blocks are passed over): 0 only if there is one and each block parses;
 * *out is the first. ZC_EMALFORMED, ZC_ENOMEM. */
int zc_x509_parse_pem(const char *text, zc_x509 **out);
void zc_x509_free(zc_x509 *x);
/* The whole certificate, its TBSCertificate and its signature value (the
 * content of the signature BIT STRING: a DER ECDSA-Sig-Value for ECDSA);
 * all owned by x. */
const uint8_t *zc_x509_der(const zc_x509 *x, size_t *len);
const uint8_t *zc_x509_tbs(const zc_x509 *x, size_t *len);
const uint8_t *zc_x509_signature(const zc_x509 *x, size_t *len);
/* 1 if the certificate is signed with ecdsa-with-SHA256. */
int zc_x509_sig_is_ecdsa_sha256(const zc_x509 *x);
/* Serial number: the content octets of its DER INTEGER (owned by x). */
const uint8_t *zc_x509_serial(const zc_x509 *x, size_t *len);
/* Validity period, UTC seconds since 1970 (notBefore, notAfter: the
 * first and the last second, both inclusive). */
void zc_x509_validity(const zc_x509 *x, int64_t *not_before_s, int64_t *not_after_s);
/* The i-th attribute (from 0, in encoding order, multi-valued RDNs
 * flattened) of the subject name into *a (pointing into x): 0, or
 * ZC_ENOENT past the last. */
int zc_x509_subject_attr(const zc_x509 *x, size_t i, zc_x509_attr *a);
/* The i-th uniformResourceIdentifier of subjectAltName (from 0, other
 * name forms passed over), pointing into x: 0, or ZC_ENOENT past the last. */
int zc_x509_san_uri(const zc_x509 *x, size_t i, const uint8_t **uri, size_t *len);
/* 1 if basicConstraints says cA. */
int zc_x509_is_ca(const zc_x509 *x);
/* 1 if the certificate has no keyUsage extension or its keyUsage has all
 * of the ZC_X509_KU_* bits in usage. */
int zc_x509_key_usage_allows(const zc_x509 *x, unsigned usage);
/* 1 if the certificate has no extendedKeyUsage extension or it lists the
 * purpose (DER OID content bytes) or anyExtendedKeyUsage. */
int zc_x509_ext_key_usage_allows(const zc_x509 *x, const uint8_t *oid, size_t oid_len);
/* The certificate's key, owned by x (never zc_pubkey_free it), or NULL if
 * it is not a P-256 key. It keeps its curve tables with x: verify with
 * the same certificate object every time. */
zc_pubkey *zc_x509_pubkey(zc_x509 *x);
/* The chain check of one link, by hand and without any clock (the caller
 * judges validity at its own time): x's issuer name equals issuer's
 * subject byte for byte, x is signed with ecdsa-with-SHA256, and the
 * signature verifies over x's TBS bytes with issuer's P-256 key. 0, or
 * ZC_ESIG if any of these fails. */
int zc_x509_verify_issued_by(const zc_x509 *x, zc_x509 *issuer);
/* 1 if x is in its one canonical encoding: every element strict DER
 * (definite, minimal lengths; minimal INTEGERs; BOOLEAN 00/FF; no
 * high-numbered tags), and its signature an ECDSA signature that passes
 * zc_ecdsa_sig_check with low_s. A re-encoded copy of an issued
 * certificate (a long-form length, a padded INTEGER in the signature, the
 * signature's s replaced by n - s) still verifies with most X.509 parsers
 * but has another fingerprint: it is not canonical. 0 otherwise. */
int zc_x509_is_canonical(const zc_x509 *x);

/* ---- X.509 certificates: writing (the CA tool) ---- */

#define ZC_X509_SERIAL_MAX 20 /* bytes (RFC 5280 4.1.2.2) */

/* What zc_x509_write puts in a certificate: X.509 v3, serial, validity,
 * the subject's public key, ecdsa-with-SHA256 without a parameter (RFC
 * 5758 3.2), subject and authority key identifiers, then the extensions
 * asked for, in this order. */
typedef struct zc_x509_spec {
	const zc_x509_attr *subject; /* the subject name in order; types CN, serialNumber, OU, O */
	size_t subject_len;
	const zc_x509 *issuer;	       /* its subject name (attributes copied with their string
					* types) is the issuer name; NULL: self-signed */
	const zc_privkey *subject_key; /* its public half is certified */
	zc_privkey *issuer_key;	       /* signs */
	const uint8_t *serial;	       /* big-endian, positive; at most ZC_X509_SERIAL_MAX bytes */
	size_t serial_len;
	int64_t from_ms, to_ms; /* validity, UTC ms (the seconds they fall in), years 2000-9999 */
	int is_ca;		/* basicConstraints cA, pathLenConstraint 0 (critical) */
	unsigned key_usage;	/* ZC_X509_KU_* bits (critical); 0: no keyUsage */
	const uint8_t *eku;	/* extendedKeyUsage with this one purpose (DER OID content
				 * bytes; critical); NULL: none */
	size_t eku_len;
	const char *san_uri; /* subjectAltName with this one URI; NULL: none */
} zc_x509_spec;

/* Write and sign a certificate as DER into out (cap bytes) and *len.
 * rng (NULL: zc_random) is drawn from while signing (see
 * zc_privkey_sign_rng). 0; ZC_EARG (times out of range or in the wrong
 * order, an attribute type or serial not allowed), ZC_EMALFORMED (the
 * issuer's name has a multi-valued RDN), ZC_ENOMEM, ZC_ENOSPC or
 * ZC_ECRYPTO. */
int zc_x509_write(const zc_x509_spec *s, zc_rng_fn rng, void *rng_ctx, uint8_t *out, size_t cap, size_t *len);

#endif
