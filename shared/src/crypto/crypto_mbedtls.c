/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto_mbedtls.c: the mbedTLS 2.28 backend of zc/crypto.h: hashing,
 * randomness, keys and PEM (certificates: x509_mbedtls.c, ca_mbedtls.c).
 *
 * Signing and verification call the ECDSA functions on the key pair
 * (mbedtls_pk_ec) rather than mbedtls_pk_sign/verify, which copy the curve
 * group on every call and lose its cached fixed-point table (MEASURED.md).
 * A key object is therefore not safe for concurrent use from two threads;
 * the shared random generator is (it holds a mutex).
 */
#include "zc/crypto.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/base64.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "mbedtls_internal.h"
#include "zc/err.h"
#include "zc/fileio.h"

_Static_assert(sizeof(mbedtls_sha256_context) <= sizeof(zc_sha256_ctx), "zc_sha256_ctx too small");

const char *zc_crypto_backend(void)
{
	return "mbedtls";
}

/* ---- hashing ---- */

void zc_sha256(const void *data, size_t len, uint8_t out[ZC_HASH_LEN])
{
	mbedtls_sha256_ret(data, len, out, 0);
}

void zc_sha256_start(zc_sha256_ctx *c)
{
	mbedtls_sha256_context *m = (mbedtls_sha256_context *)c;
	mbedtls_sha256_init(m);
	mbedtls_sha256_starts_ret(m, 0);
}

void zc_sha256_update(zc_sha256_ctx *c, const void *data, size_t len)
{
	mbedtls_sha256_update_ret((mbedtls_sha256_context *)c, data, len);
}

void zc_sha256_finish(zc_sha256_ctx *c, uint8_t out[ZC_HASH_LEN])
{
	mbedtls_sha256_context *m = (mbedtls_sha256_context *)c;
	mbedtls_sha256_finish_ret(m, out);
	mbedtls_sha256_free(m);
}

/* ---- randomness: one CTR-DRBG for the process ---- */

static pthread_once_t rng_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static mbedtls_entropy_context rng_entropy;
static mbedtls_ctr_drbg_context rng_drbg;
static int rng_ok;

static void rng_init(void)
{
	static const char pers[] = "zhucun";
	mbedtls_entropy_init(&rng_entropy);
	mbedtls_ctr_drbg_init(&rng_drbg);
	rng_ok = mbedtls_ctr_drbg_seed(&rng_drbg, mbedtls_entropy_func, &rng_entropy, (const unsigned char *)pers,
				       sizeof pers - 1) == 0;
}

static int rng_fill(void *unused, unsigned char *buf, size_t n)
{
	(void)unused;
	pthread_once(&rng_once, rng_init);
	if (!rng_ok)
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	pthread_mutex_lock(&rng_lock);
	int rc = 0;
	while (n && !rc) {
		size_t k = n > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : n;
		rc = mbedtls_ctr_drbg_random(&rng_drbg, buf, k);
		buf += k;
		n -= k;
	}
	pthread_mutex_unlock(&rng_lock);
	return rc;
}

int zc_random(void *buf, size_t n)
{
	return rng_fill(NULL, buf, n) ? ZC_ECRYPTO : 0;
}

int zc_mb_rng(void *src, unsigned char *buf, size_t n)
{
	const zc_mb_rng_src *s = src;
	if (!s || !s->fn)
		return rng_fill(NULL, buf, n);
	return s->fn(s->ctx, buf, n) ? MBEDTLS_ERR_ECP_RANDOM_FAILED : 0;
}

void zc_memzero(void *buf, size_t n)
{
	mbedtls_platform_zeroize(buf, n);
}

/* ---- helpers ---- */

int zc_mb_is_p256(const mbedtls_pk_context *pk)
{
	return mbedtls_pk_get_type(pk) == MBEDTLS_PK_ECKEY && mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

/* mbedTLS wants PEM NUL-terminated with the NUL counted. */
static uint8_t *nul_terminated(const uint8_t *buf, size_t len, size_t *out_len)
{
	if (len && buf[len - 1] == 0) {
		uint8_t *c = malloc(len);
		if (c)
			memcpy(c, buf, len);
		*out_len = len;
		return c;
	}
	uint8_t *c = malloc(len + 1);
	if (!c)
		return NULL;
	memcpy(c, buf, len);
	c[len] = 0;
	/* DER must not get the extra byte: only PEM text starts with '-'. */
	*out_len = (len && buf[0] == '-') ? len + 1 : len;
	return c;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	return zc_file_read(path, 65536, buf, len);
}

static int pubkey_der(const mbedtls_pk_context *pk, uint8_t *buf, size_t cap, const uint8_t **der)
{
	int n = mbedtls_pk_write_pubkey_der((mbedtls_pk_context *)pk, buf, cap);
	if (n <= 0)
		return ZC_ECRYPTO;
	*der = buf + cap - (size_t)n;
	return n;
}

static int fingerprint(const mbedtls_pk_context *pk, uint8_t fp[ZC_HASH_LEN])
{
	uint8_t buf[256];
	const uint8_t *der;
	int n = pubkey_der(pk, buf, sizeof buf, &der);
	if (n < 0)
		return n;
	zc_sha256(der, (size_t)n, fp);
	return 0;
}

static int public_pem(const mbedtls_pk_context *pk, char *buf, size_t cap)
{
	return mbedtls_pk_write_pubkey_pem((mbedtls_pk_context *)pk, (unsigned char *)buf, cap) ? ZC_ECRYPTO : 0;
}

/* ---- private keys ---- */

int zc_privkey_generate(zc_privkey **out)
{
	return zc_privkey_generate_rng(NULL, NULL, out);
}

int zc_privkey_generate_rng(zc_rng_fn rng, void *rng_ctx, zc_privkey **out)
{
	zc_mb_rng_src src = {rng, rng_ctx};
	zc_privkey *k = calloc(1, sizeof *k);
	if (!k)
		return ZC_ENOMEM;
	mbedtls_pk_init(&k->pk);
	int rc = ZC_ECRYPTO;
	if (mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)))
		goto out;
	if (mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(k->pk), zc_mb_rng, &src))
		goto out;
	rc = 0;
out:
	if (rc)
		zc_privkey_free(k);
	else
		*out = k;
	return rc;
}

int zc_privkey_parse(const uint8_t *buf, size_t len, zc_privkey **out)
{
	size_t n;
	uint8_t *c = nul_terminated(buf, len, &n);
	if (!c)
		return ZC_ENOMEM;
	zc_privkey *k = calloc(1, sizeof *k);
	int rc = ZC_ENOMEM;
	if (!k)
		goto out;
	mbedtls_pk_init(&k->pk);
	rc = ZC_EMALFORMED;
	if (mbedtls_pk_parse_key(&k->pk, c, n, NULL, 0) || !zc_mb_is_p256(&k->pk))
		goto out;
	rc = 0;
out:
	mbedtls_platform_zeroize(c, n);
	free(c);
	if (rc)
		zc_privkey_free(k);
	else
		*out = k;
	return rc;
}

int zc_privkey_parse_pem(const char *text, zc_privkey **out)
{
	zc_privkey *k = calloc(1, sizeof *k);
	if (!k)
		return ZC_ENOMEM;
	mbedtls_pk_init(&k->pk);
	/* The NUL counted: mbedTLS then reads PEM and finds the block by its
	 * BEGIN line anywhere in the text. */
	if (mbedtls_pk_parse_key(&k->pk, (const unsigned char *)text, strlen(text) + 1, NULL, 0) ||
	    !zc_mb_is_p256(&k->pk)) {
		zc_privkey_free(k);
		return ZC_EMALFORMED;
	}
	*out = k;
	return 0;
}

int zc_privkey_load(const char *path, zc_privkey **out)
{
	uint8_t *buf;
	size_t len;
	int rc = read_file(path, &buf, &len);
	if (rc)
		return rc;
	rc = zc_privkey_parse(buf, len, out);
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	return rc;
}

int zc_privkey_pem(const zc_privkey *k, char *buf, size_t cap)
{
	return mbedtls_pk_write_key_pem((mbedtls_pk_context *)&k->pk, (unsigned char *)buf, cap) ? ZC_ECRYPTO : 0;
}

int zc_privkey_save(const zc_privkey *k, const char *path)
{
	char pem[ZC_PEM_MAX];
	int rc = zc_privkey_pem(k, pem, sizeof pem);
	if (!rc)
		rc = zc_file_write_atomic(path, pem, strlen(pem), 0600);
	mbedtls_platform_zeroize(pem, sizeof pem);
	return rc;
}

int zc_privkey_sign(zc_privkey *k, const uint8_t digest[ZC_HASH_LEN], uint8_t *sig, size_t *sig_len)
{
	return zc_privkey_sign_rng(k, digest, sig, sig_len, NULL, NULL);
}

int zc_privkey_sign_rng(zc_privkey *k, const uint8_t digest[ZC_HASH_LEN], uint8_t *sig, size_t *sig_len, zc_rng_fn rng,
			void *rng_ctx)
{
	zc_mb_rng_src src = {rng, rng_ctx};
	unsigned char buf[MBEDTLS_ECDSA_MAX_LEN];
	size_t n = 0;
	/* RFC 6979: the nonce comes from the key and digest; the generator
	 * only blinds the computation. */
	if (mbedtls_ecdsa_write_signature(mbedtls_pk_ec(k->pk), MBEDTLS_MD_SHA256, digest, ZC_HASH_LEN, buf, &n,
					  zc_mb_rng, &src))
		return ZC_ECRYPTO;
	if (n > ZC_SIG_MAX)
		return ZC_ECRYPTO;
	memcpy(sig, buf, n);
	*sig_len = n;
	return 0;
}

int zc_privkey_public_pem(const zc_privkey *k, char *buf, size_t cap)
{
	return public_pem(&k->pk, buf, cap);
}

int zc_privkey_fingerprint(const zc_privkey *k, uint8_t fp[ZC_HASH_LEN])
{
	return fingerprint(&k->pk, fp);
}

int zc_privkey_public_der(const zc_privkey *k, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t tmp[256];
	const uint8_t *der;
	int n = pubkey_der(&k->pk, tmp, sizeof tmp, &der);
	if (n < 0)
		return n;
	if ((size_t)n > cap)
		return ZC_ENOSPC;
	memcpy(buf, der, (size_t)n);
	*len = (size_t)n;
	return 0;
}

void zc_privkey_free(zc_privkey *k)
{
	if (!k)
		return;
	mbedtls_pk_free(&k->pk); /* zeroizes the key material */
	free(k);
}

/* ---- public keys ---- */

int zc_pubkey_parse(const uint8_t *buf, size_t len, zc_pubkey **out)
{
	size_t n;
	uint8_t *c = nul_terminated(buf, len, &n);
	if (!c)
		return ZC_ENOMEM;
	zc_pubkey *k = calloc(1, sizeof *k);
	int rc = ZC_ENOMEM;
	if (!k)
		goto out;
	mbedtls_pk_init(&k->pk);
	rc = ZC_EMALFORMED;
	if (mbedtls_pk_parse_public_key(&k->pk, c, n) || !zc_mb_is_p256(&k->pk))
		goto out;
	rc = 0;
out:
	free(c);
	if (rc)
		zc_pubkey_free(k);
	else
		*out = k;
	return rc;
}

int zc_pubkey_load(const char *path, zc_pubkey **out)
{
	uint8_t *buf;
	size_t len;
	int rc = read_file(path, &buf, &len);
	if (rc)
		return rc;
	rc = zc_pubkey_parse(buf, len, out);
	free(buf);
	return rc;
}

int zc_pubkey_from_priv(const zc_privkey *k, zc_pubkey **out)
{
	uint8_t buf[256];
	const uint8_t *der;
	int n = pubkey_der(&k->pk, buf, sizeof buf, &der);
	if (n < 0)
		return n;
	return zc_pubkey_parse(der, (size_t)n, out);
}

int zc_pubkey_verify(zc_pubkey *k, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len)
{
	if (!sig_len || sig_len > ZC_SIG_MAX)
		return ZC_ESIG;
	int rc = mbedtls_ecdsa_read_signature(mbedtls_pk_ec(k->pk), digest, ZC_HASH_LEN, sig, sig_len);
	if (!rc)
		return 0;
	/* The check itself could not be made: nothing may be concluded about
	 * the signature (a caller must not report a forgery on it). */
	/* mbedTLS adds a low-level code (bits 0-6: bignum, ASN.1) to a
	 * high-level one (bits 7-14: ECP): an allocation failure can be either. */
	int lo = -rc & 0x7F, hi = -rc & 0x7F80;
	if (lo == -MBEDTLS_ERR_MPI_ALLOC_FAILED || lo == -MBEDTLS_ERR_ASN1_ALLOC_FAILED ||
	    hi == -MBEDTLS_ERR_ECP_ALLOC_FAILED)
		return ZC_ENOMEM;
	return ZC_ESIG;
}

/* The order n of P-256, big-endian (SEC 2, section 2.4.2). */
static const uint8_t p256_n[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
				   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
				   0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* One DER INTEGER of a signature at *p (end e): minimal, positive, at most
 * 32 magnitude bytes, and 1 <= v < n; the magnitude, left-padded to 32
 * bytes, goes to v. 0 or ZC_EMALFORMED. */
static int sig_int(const uint8_t **p, const uint8_t *e, uint8_t v[32])
{
	const uint8_t *q = *p;
	if (e - q < 2 || q[0] != 0x02)
		return ZC_EMALFORMED;
	size_t n = q[1];
	q += 2;
	if (n < 1 || n > 33 || (size_t)(e - q) < n)
		return ZC_EMALFORMED;
	if (q[0] & 0x80)
		return ZC_EMALFORMED; /* negative */
	if (n > 1 && q[0] == 0 && !(q[1] & 0x80))
		return ZC_EMALFORMED; /* a redundant leading zero */
	const uint8_t *m = q;
	size_t ml = n;
	if (ml == 33) { /* the sign byte in front of a 32-byte magnitude */
		m++;
		ml--;
	}
	memset(v, 0, 32);
	memcpy(v + 32 - ml, m, ml);
	static const uint8_t zero[32];
	if (!memcmp(v, zero, 32) || memcmp(v, p256_n, 32) >= 0)
		return ZC_EMALFORMED;
	*p = q + n;
	return 0;
}

int zc_ecdsa_sig_check(const uint8_t *sig, size_t sig_len, int low_s)
{
	uint8_t r[32], s[32], half[32];
	if (!sig || sig_len < 8 || sig_len > ZC_SIG_MAX || sig[0] != 0x30 || sig[1] != sig_len - 2)
		return ZC_EMALFORMED;
	const uint8_t *p = sig + 2, *e = sig + sig_len;
	if (sig_int(&p, e, r) || sig_int(&p, e, s) || p != e)
		return ZC_EMALFORMED;
	if (low_s) {
		/* half = floor(n / 2): a right shift by one bit */
		for (int i = 31; i >= 0; i--)
			half[i] = (uint8_t)((p256_n[i] >> 1) | (i ? (uint8_t)(p256_n[i - 1] << 7) : 0));
		if (memcmp(s, half, 32) > 0)
			return ZC_EMALFORMED;
	}
	return 0;
}

int zc_pubkey_pem(const zc_pubkey *k, char *buf, size_t cap)
{
	return public_pem(&k->pk, buf, cap);
}

int zc_pubkey_fingerprint(const zc_pubkey *k, uint8_t fp[ZC_HASH_LEN])
{
	return fingerprint(&k->pk, fp);
}

void zc_pubkey_free(zc_pubkey *k)
{
	if (!k)
		return;
	mbedtls_pk_free(&k->pk);
	free(k);
}

int zc_privkey_matches(const zc_privkey *k, const zc_pubkey *pub)
{
	return !mbedtls_pk_check_pair(&pub->pk, &k->pk);
}

/* ---- PEM ---- */

int zc_pem_encode(const char *label, const uint8_t *der, size_t len, char *out, size_t cap)
{
	char head[96], foot[96];
	size_t olen = 0;
	if (!label || !der || !out || strlen(label) > 64)
		return ZC_EARG;
	snprintf(head, sizeof head, "-----BEGIN %s-----\n", label);
	snprintf(foot, sizeof foot, "-----END %s-----\n", label);
	int rc = mbedtls_pem_write_buffer(head, foot, der, len, (unsigned char *)out, cap, &olen);
	if (rc == MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL)
		return ZC_ENOSPC;
	return rc ? ZC_EARG : 0;
}

int zc_pem_decode(const char *text, const char *label, uint8_t **der, size_t *len, size_t *used)
{
	char head[96], foot[96];
	if (!text || !label || strlen(label) > 64)
		return ZC_EARG;
	snprintf(head, sizeof head, "-----BEGIN %s-----", label);
	snprintf(foot, sizeof foot, "-----END %s-----", label);
	mbedtls_pem_context pem;
	mbedtls_pem_init(&pem);
	size_t u = 0;
	int rc = mbedtls_pem_read_buffer(&pem, head, foot, (const unsigned char *)text, NULL, 0, &u);
	if (rc) {
		if (rc == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT)
			rc = ZC_ENOENT;
		else if (rc == MBEDTLS_ERR_PEM_ALLOC_FAILED)
			rc = ZC_ENOMEM;
		else
			rc = ZC_EMALFORMED; /* not base64, encrypted */
		goto out;
	}
	rc = ZC_ENOMEM;
	if (!(*der = malloc(pem.buflen ? pem.buflen : 1)))
		goto out;
	memcpy(*der, pem.buf, pem.buflen);
	*len = pem.buflen;
	if (used)
		*used = u;
	rc = 0;
out:
	mbedtls_pem_free(&pem);
	return rc;
}
