/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ca_mbedtls.c: writing X.509 certificates (zc_x509_write, zc/crypto.h)
 * with mbedTLS 2.28's X.509 writer, for the badge CA (tools/ca).
 *
 * The writer has no helper for extendedKeyUsage or a URI subjectAltName, so
 * those extension values are built with mbedtls_asn1_write_*. Names are
 * built attribute by attribute (not from "CN=...,O=..." strings) so that any
 * UTF-8 name needs no escaping and an issuer name copied from a certificate
 * encodes to that certificate's subject byte for byte.
 *
 * The caller's generator is handed to every mbedTLS call that draws (the
 * writer's signature, then ours), in the same order on every run, so a
 * seeded generator gives the same certificate and leaves the generator in
 * the same state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "mbedtls_internal.h"
#include "zc/err.h"

_Static_assert(ZC_X509_KU_DIGITAL_SIGNATURE == MBEDTLS_X509_KU_DIGITAL_SIGNATURE &&
		   ZC_X509_KU_KEY_CERT_SIGN == MBEDTLS_X509_KU_KEY_CERT_SIGN &&
		   ZC_X509_KU_CRL_SIGN == MBEDTLS_X509_KU_CRL_SIGN,
	       "keyUsage bits differ from mbedTLS's");
_Static_assert(ZC_ASN1_UTF8_STRING == MBEDTLS_ASN1_UTF8_STRING &&
		   ZC_ASN1_PRINTABLE_STRING == MBEDTLS_ASN1_PRINTABLE_STRING &&
		   ZC_ASN1_IA5_STRING == MBEDTLS_ASN1_IA5_STRING && ZC_ASN1_BMP_STRING == MBEDTLS_ASN1_BMP_STRING,
	       "ASN.1 string tags differ from mbedTLS's");

#define CERT_MAX 2048 /* a badge certificate is about 600 bytes */

/* ---- names ---- */

static int add_attr(mbedtls_asn1_named_data **list, const char *oid, size_t oid_len, const void *val, size_t len,
		    int tag)
{
	mbedtls_asn1_named_data *cur = mbedtls_asn1_store_named_data(list, oid, oid_len, val, len);
	if (!cur)
		return ZC_ENOMEM;
	cur->val.tag = tag;
	return 0;
}

/* A name from the spec's attributes. (The writer emits the list in reverse
 * and store_named_data prepends, so storing in order keeps the order.) */
static int spec_name(mbedtls_asn1_named_data **list, const zc_x509_attr *a, size_t n)
{
#define USE_OID(o) (oid = (o), oid_len = MBEDTLS_OID_SIZE(o))
	for (size_t i = 0; i < n; i++) {
		const char *oid;
		size_t oid_len;
		switch (a[i].type) {
		case ZC_X509_ATTR_CN: USE_OID(MBEDTLS_OID_AT_CN); break;
		case ZC_X509_ATTR_SERIAL_NUMBER: USE_OID(MBEDTLS_OID_AT_SERIAL_NUMBER); break;
		case ZC_X509_ATTR_OU: USE_OID(MBEDTLS_OID_AT_ORG_UNIT); break;
		case ZC_X509_ATTR_O: USE_OID(MBEDTLS_OID_AT_ORGANIZATION); break;
		default: return ZC_EARG;
		}
		int rc = add_attr(list, oid, oid_len, a[i].val, a[i].len, a[i].tag);
		if (rc)
			return rc;
	}
	return 0;
#undef USE_OID
}

/* A copy of a certificate's subject name, in the same order with the same
 * OIDs and string types, so that it encodes to the same bytes. */
static int copy_name(mbedtls_asn1_named_data **list, const zc_x509 *x)
{
	for (const mbedtls_x509_name *n = zc_mb_x509_subject(x); n; n = n->next) {
		if (!n->oid.p)
			continue;
		if (n->next_merged)
			return ZC_EMALFORMED; /* multi-valued RDNs are not reproduced */
		int rc = add_attr(list, (const char *)n->oid.p, n->oid.len, n->val.p, n->val.len, n->val.tag);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- extension values ---- */

/* extendedKeyUsage value: SEQUENCE { purpose }. */
static int eku_value(const uint8_t *oid, size_t oid_len, uint8_t *buf, size_t cap, const uint8_t **der)
{
	unsigned char *p = buf + cap;
	size_t len = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_oid(&p, buf, (const char *)oid, oid_len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*der = p;
	return (int)len;
}

/* subjectAltName value: SEQUENCE { [6] IA5String uri }. */
static int san_value(const char *uri, uint8_t *buf, size_t cap, const uint8_t **der)
{
	unsigned char *p = buf + cap;
	size_t len = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(&p, buf, (const unsigned char *)uri, strlen(uri)));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*der = p;
	return (int)len;
}

/* ---- the certificate ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* "YYYYMMDDhhmmss" for the X.509 writer; years 2000-9999. */
static int x509_time(int64_t ms, char out[16])
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year < 100 || tm.tm_year > 8099)
		return ZC_EARG;
	strftime(out, 16, "%Y%m%d%H%M%S", &tm);
	return 0;
}

/* Both (r, s) and (r, n - s) verify; verifiers of badge certificates
 * accept only the low one (zc_ecdsa_sig_check), so that a certificate has
 * one encoding and one fingerprint. Rewrite sig (DER, *len bytes, room for
 * MBEDTLS_ECDSA_MAX_LEN) with s replaced by n - s when s > n / 2. */
static int low_s(mbedtls_ecdsa_context *k, uint8_t *sig, size_t *len)
{
	mbedtls_mpi R, S, half;
	unsigned char *p = sig, *end = sig + *len;
	unsigned char buf[MBEDTLS_ECDSA_MAX_LEN], *q = buf + sizeof buf;
	size_t n, w = 0;
	int ret = -1;
	mbedtls_mpi_init(&R);
	mbedtls_mpi_init(&S);
	mbedtls_mpi_init(&half);
	if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    mbedtls_asn1_get_mpi(&p, end, &R) || mbedtls_asn1_get_mpi(&p, end, &S) ||
	    mbedtls_mpi_copy(&half, &k->grp.N) || mbedtls_mpi_shift_r(&half, 1))
		goto out;
	if (mbedtls_mpi_cmp_mpi(&S, &half) <= 0) {
		ret = 0;
		goto out;
	}
	if (mbedtls_mpi_sub_mpi(&S, &k->grp.N, &S))
		goto out;
	int r;
	if ((r = mbedtls_asn1_write_mpi(&q, buf, &S)) < 0)
		goto out;
	w += (size_t)r;
	if ((r = mbedtls_asn1_write_mpi(&q, buf, &R)) < 0)
		goto out;
	w += (size_t)r;
	if ((r = mbedtls_asn1_write_len(&q, buf, w)) < 0)
		goto out;
	w += (size_t)r;
	if ((r = mbedtls_asn1_write_tag(&q, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) < 0)
		goto out;
	w += (size_t)r;
	memcpy(sig, q, w);
	*len = w;
	ret = 0;
out:
	mbedtls_mpi_free(&R);
	mbedtls_mpi_free(&S);
	mbedtls_mpi_free(&half);
	return ret;
}

/* mbedTLS 2.28 writes the ecdsa-with-SHA256 AlgorithmIdentifier with a
 * NULL parameter; RFC 5758 (section 3.2) says the parameter MUST be
 * absent, and strict relying parties and linters refuse it (mbedTLS 3
 * fixed this). So take the TBS mbedTLS wrote, drop the NULL from its
 * signature field, sign it again and assemble the certificate ourselves. */
static int strip_ecdsa_null(uint8_t *der, size_t *len, size_t cap, zc_privkey *issuer_key, zc_mb_rng_src *r)
{
	static const uint8_t with_null[] = {0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48,
					    0xCE, 0x3D, 0x04, 0x03, 0x02, 0x05, 0x00};
	static const uint8_t plain[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
	unsigned char *p = der, *end = der + *len, *tbs_end, *alg, *body;
	size_t n;
	const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
	if (mbedtls_asn1_get_tag(&p, end, &n, seq) || mbedtls_asn1_get_tag(&p, end, &n, seq))
		return ZC_ECRYPTO;
	body = p;
	tbs_end = p + n;
	if (mbedtls_asn1_get_tag(&p, tbs_end, &n, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0))
		return ZC_ECRYPTO;
	p += n;
	if (mbedtls_asn1_get_tag(&p, tbs_end, &n, MBEDTLS_ASN1_INTEGER))
		return ZC_ECRYPTO;
	p += n;
	alg = p;
	if ((size_t)(tbs_end - alg) < sizeof with_null || memcmp(alg, with_null, sizeof with_null))
		return ZC_ECRYPTO;

	uint8_t tbs[CERT_MAX], out[CERT_MAX], h[ZC_HASH_LEN], sig[MBEDTLS_ECDSA_MAX_LEN];
	unsigned char *q = tbs + sizeof tbs;
	size_t tl = 0, cl = 0, sl = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, alg + sizeof with_null,
							       (size_t)(tbs_end - alg) - sizeof with_null));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, plain, sizeof plain));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, body, (size_t)(alg - body)));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_len(&q, tbs, tl));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_tag(&q, tbs, seq));
	zc_sha256(q, tl, h);
	if (mbedtls_ecdsa_write_signature(mbedtls_pk_ec(issuer_key->pk), MBEDTLS_MD_SHA256, h, sizeof h, sig, &sl,
					  zc_mb_rng, r) ||
	    low_s(mbedtls_pk_ec(issuer_key->pk), sig, &sl))
		return ZC_ECRYPTO;
	unsigned char *c = out + sizeof out;
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_bitstring(&c, out, sig, sl * 8));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_raw_buffer(&c, out, plain, sizeof plain));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_raw_buffer(&c, out, q, tl));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_len(&c, out, cl));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_tag(&c, out, seq));
	if (cl > cap)
		return ZC_ENOSPC;
	memcpy(der, c, cl);
	*len = cl;
	return 0;
}

/* The extensions after the key identifiers: basicConstraints, keyUsage,
 * extendedKeyUsage, subjectAltName, as the spec asks. */
static int set_extensions(mbedtls_x509write_cert *w, const zc_x509_spec *s)
{
	uint8_t ext[128];
	const uint8_t *der;
	int n;
	if (s->is_ca && mbedtls_x509write_crt_set_basic_constraints(w, 1, 0))
		return ZC_ECRYPTO;
	if (s->key_usage && mbedtls_x509write_crt_set_key_usage(w, s->key_usage))
		return ZC_ECRYPTO;
	if (s->eku &&
	    ((n = eku_value(s->eku, s->eku_len, ext, sizeof ext, &der)) < 0 ||
	     mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
						 MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 1, der, (size_t)n)))
		return ZC_ECRYPTO;
	if (s->san_uri &&
	    ((n = san_value(s->san_uri, ext, sizeof ext, &der)) < 0 ||
	     mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_SUBJECT_ALT_NAME,
						 MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der, (size_t)n)))
		return ZC_ECRYPTO;
	return 0;
}

/* Fill the writer (which takes over w->subject and w->issuer) and write. */
static int write_cert(mbedtls_x509write_cert *w, const zc_x509_spec *s, zc_mb_rng_src *r, uint8_t *out, size_t cap,
		      size_t *out_len)
{
	mbedtls_mpi serial;
	mbedtls_mpi_init(&serial);
	char nb[16], na[16];
	uint8_t buf[CERT_MAX];
	int n, rc = ZC_EARG;
	if (x509_time(s->from_ms, nb) || x509_time(s->to_ms, na) || s->from_ms > s->to_ms)
		goto out;
	rc = ZC_ECRYPTO;
	mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(w, (mbedtls_pk_context *)&s->subject_key->pk);
	mbedtls_x509write_crt_set_issuer_key(w, &s->issuer_key->pk);
	if (mbedtls_mpi_read_binary(&serial, s->serial, s->serial_len) ||
	    mbedtls_x509write_crt_set_serial(w, &serial) || mbedtls_x509write_crt_set_validity(w, nb, na) ||
	    mbedtls_x509write_crt_set_subject_key_identifier(w) ||
	    mbedtls_x509write_crt_set_authority_key_identifier(w))
		goto out;
	if ((rc = set_extensions(w, s)))
		goto out;
	rc = ZC_ECRYPTO;
	n = mbedtls_x509write_crt_der(w, buf, sizeof buf, zc_mb_rng, r);
	if (n <= 0 || (size_t)n > cap)
		goto out;
	memcpy(out, buf + sizeof buf - n, (size_t)n);
	*out_len = (size_t)n;
	rc = strip_ecdsa_null(out, out_len, cap, s->issuer_key, r);
out:
	mbedtls_mpi_free(&serial);
	return rc;
}

int zc_x509_write(const zc_x509_spec *s, zc_rng_fn rng, void *rng_ctx, uint8_t *out, size_t cap, size_t *len)
{
	zc_mb_rng_src r = {rng, rng_ctx};
	mbedtls_asn1_named_data *subject = NULL, *issuer = NULL;
	if (!s || !s->subject_key || !s->issuer_key || !s->serial || !s->serial_len ||
	    s->serial_len > ZC_X509_SERIAL_MAX)
		return ZC_EARG;
	int rc = spec_name(&subject, s->subject, s->subject_len);
	if (!rc)
		rc = s->issuer ? copy_name(&issuer, s->issuer) : spec_name(&issuer, s->subject, s->subject_len);
	if (rc) {
		mbedtls_asn1_free_named_data_list(&subject);
		mbedtls_asn1_free_named_data_list(&issuer);
		return rc;
	}
	mbedtls_x509write_cert w;
	mbedtls_x509write_crt_init(&w);
	w.subject = subject; /* freed with w */
	w.issuer = issuer;
	rc = write_cert(&w, s, &r, out, cap, len);
	mbedtls_x509write_crt_free(&w);
	return rc;
}
