/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/crypto.h: the thin cryptography wrapper. One backend is chosen at build
 * time (today: mbedTLS 2.28, crypto_mbedtls.c); nothing outside this module
 * includes a crypto library header.
 *
 * Keys are ECDSA P-256. Signatures are DER-encoded ECDSA-Sig-Value over a
 * SHA-256 digest; signing is deterministic (RFC 6979). Key objects keep their
 * curve group (and its precomputed table) for their whole life: create them
 * once, use them many times.
 */
#ifndef ZC_CRYPTO_H
#define ZC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define ZC_HASH_LEN 32
#define ZC_SIG_MAX 72      /* DER ECDSA P-256 signature, at most */
#define ZC_PEM_MAX 1024    /* public key or private key PEM, at most */

/* SHA-256 of one buffer. */
void zc_sha256(const void *data, size_t len, uint8_t out[ZC_HASH_LEN]);

/* Incremental SHA-256. */
typedef struct zc_sha256_ctx {
	uint64_t opaque[32];
} zc_sha256_ctx;
void zc_sha256_start(zc_sha256_ctx *c);
void zc_sha256_update(zc_sha256_ctx *c, const void *data, size_t len);
void zc_sha256_finish(zc_sha256_ctx *c, uint8_t out[ZC_HASH_LEN]);

/* Fill buf with n cryptographically strong random bytes. 0 or ZC_ECRYPTO. */
int zc_random(void *buf, size_t n);

/* A P-256 private key (signing). */
typedef struct zc_privkey zc_privkey;
/* Generate a new key. */
int zc_privkey_generate(zc_privkey **out);
/* Parse a PEM (or DER) private key; anything other than P-256 is refused. */
int zc_privkey_parse(const uint8_t *buf, size_t len, zc_privkey **out);
/* Load from a file; 0, ZC_ENOENT, ZC_EMALFORMED or ZC_EIO. */
int zc_privkey_load(const char *path, zc_privkey **out);
/* Write as PEM to path, created with mode 0600 (owner only), fsynced. */
int zc_privkey_save(const zc_privkey *k, const char *path);
/* Deterministic ECDSA over a 32-byte digest; DER into sig (ZC_SIG_MAX). */
int zc_privkey_sign(zc_privkey *k, const uint8_t digest[ZC_HASH_LEN], uint8_t *sig, size_t *sig_len);
/* Public half as PEM (NUL-terminated, into buf of cap bytes). */
int zc_privkey_public_pem(const zc_privkey *k, char *buf, size_t cap);
/* SHA-256 of the DER SubjectPublicKeyInfo of the public half. */
int zc_privkey_fingerprint(const zc_privkey *k, uint8_t fp[ZC_HASH_LEN]);
/* Public half as DER SubjectPublicKeyInfo into buf (cap bytes; 91 for
 * P-256); *len gets its length. 0, ZC_ENOSPC or ZC_ECRYPTO. */
int zc_privkey_public_der(const zc_privkey *k, uint8_t *buf, size_t cap, size_t *len);
/* Zero and free. NULL is allowed. */
void zc_privkey_free(zc_privkey *k);

/* A P-256 public key (verification). */
typedef struct zc_pubkey zc_pubkey;
/* Parse PEM or DER SubjectPublicKeyInfo; only P-256 is accepted. */
int zc_pubkey_parse(const uint8_t *buf, size_t len, zc_pubkey **out);
int zc_pubkey_load(const char *path, zc_pubkey **out);
/* Public key of a private key. */
int zc_pubkey_from_priv(const zc_privkey *k, zc_pubkey **out);
/* 0 if sig (DER) is a valid signature of digest, ZC_ESIG otherwise. */
int zc_pubkey_verify(zc_pubkey *k, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len);
int zc_pubkey_pem(const zc_pubkey *k, char *buf, size_t cap);
int zc_pubkey_fingerprint(const zc_pubkey *k, uint8_t fp[ZC_HASH_LEN]);
void zc_pubkey_free(zc_pubkey *k);

/* PEM armour for DER bytes: "-----BEGIN label-----", base64 in 64-column
 * lines, "-----END label-----\n", NUL-terminated in out (cap bytes; about
 * len * 4 / 3 + 100). 0, ZC_EARG or ZC_ENOSPC. */
int zc_pem_encode(const char *label, const uint8_t *der, size_t len, char *out, size_t cap);

#endif
