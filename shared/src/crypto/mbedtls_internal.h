/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls_internal.h: what the mbedTLS backend's files (crypto_mbedtls.c,
 * x509_mbedtls.c, ca_mbedtls.c) share and nothing else sees: the key
 * structures behind the opaque zc_privkey / zc_pubkey of zc/crypto.h, the
 * bridge from a zc_rng_fn to mbedTLS's f_rng, and a certificate's parsed
 * subject name.
 */
#ifndef ZC_MBEDTLS_INTERNAL_H
#define ZC_MBEDTLS_INTERNAL_H

#include <mbedtls/pk.h>
#include <mbedtls/x509.h>

#include "zc/crypto.h"

struct zc_privkey {
	mbedtls_pk_context pk;
};

struct zc_pubkey {
	mbedtls_pk_context pk;
};

/* A caller's generator as mbedTLS's (f_rng, p_rng): pass zc_mb_rng and a
 * pointer to one of these; fn NULL draws from the process generator. */
typedef struct zc_mb_rng_src {
	zc_rng_fn fn;
	void *ctx;
} zc_mb_rng_src;

int zc_mb_rng(void *src, unsigned char *buf, size_t n);

/* 1 if pk is an EC key on P-256. */
int zc_mb_is_p256(const mbedtls_pk_context *pk);

/* The parsed subject name of a certificate (x509_mbedtls.c), for the
 * writer to copy as an issuer name (ca_mbedtls.c). */
const mbedtls_x509_name *zc_mb_x509_subject(const zc_x509 *x);

#endif
