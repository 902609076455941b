/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x509_mbedtls.c: reading X.509 certificates (zc/crypto.h) over mbedTLS
 * 2.28's parser.
 *
 * A certificate's P-256 key is moved out of the parsed certificate into a
 * zc_pubkey that the object owns, so that verifying with it is
 * zc_pubkey_verify: the ECDSA functions on the key pair, whose group keeps
 * its cached fixed-point table between calls (MEASURED.md). Nothing here
 * needs the key inside the mbedTLS structure afterwards: the chain check is
 * done by hand (zc_x509_verify_issued_by) rather than with
 * mbedtls_x509_crt_verify, which judges validity by the system clock.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "mbedtls_internal.h"
#include "zc/err.h"

struct zc_x509 {
	mbedtls_x509_crt crt;
	int has_key;	      /* key holds the certificate's P-256 key */
	struct zc_pubkey key; /* moved out of crt.pk */
};

static zc_x509 *x509_new(void)
{
	zc_x509 *x = calloc(1, sizeof *x);
	if (x) {
		mbedtls_x509_crt_init(&x->crt);
		mbedtls_pk_init(&x->key.pk);
	}
	return x;
}

/* Take over the certificate's key if it is P-256: a plain move of the
 * context (two pointers), leaving crt.pk empty for mbedtls_x509_crt_free. */
static void take_key(zc_x509 *x)
{
	if (!zc_mb_is_p256(&x->crt.pk))
		return;
	x->key.pk = x->crt.pk;
	mbedtls_pk_init(&x->crt.pk);
	x->has_key = 1;
}

int zc_x509_parse_der(const uint8_t *der, size_t len, zc_x509 **out)
{
	zc_x509 *x = x509_new();
	if (!x)
		return ZC_ENOMEM;
	int rc = ZC_EMALFORMED;
	if (!len)
		goto out;
	int m = mbedtls_x509_crt_parse_der(&x->crt, der, len);
	if (m) {
		rc = m == MBEDTLS_ERR_X509_ALLOC_FAILED ? ZC_ENOMEM : ZC_EMALFORMED;
		goto out;
	}
	if (x->crt.raw.len != len || x->crt.next)
		goto out;
	take_key(x);
	rc = 0;
out:
	if (rc)
		zc_x509_free(x);
	else
		*out = x;
	return rc;
}

int zc_x509_parse_pem(const char *text, zc_x509 **out)
{
	zc_x509 *x = x509_new();
	if (!x)
		return ZC_ENOMEM;
	/* PEM input must be NUL-terminated with the NUL counted. mbedTLS reads
	 * every CERTIFICATE block and returns 0 only if all of them parse. */
	int m = mbedtls_x509_crt_parse(&x->crt, (const unsigned char *)text, strlen(text) + 1);
	if (m || !x->crt.raw.p) {
		zc_x509_free(x);
		return m == MBEDTLS_ERR_X509_ALLOC_FAILED ? ZC_ENOMEM : ZC_EMALFORMED;
	}
	take_key(x);
	*out = x;
	return 0;
}

void zc_x509_free(zc_x509 *x)
{
	if (!x)
		return;
	mbedtls_pk_free(&x->key.pk);
	mbedtls_x509_crt_free(&x->crt);
	free(x);
}

const uint8_t *zc_x509_der(const zc_x509 *x, size_t *len)
{
	*len = x->crt.raw.len;
	return x->crt.raw.p;
}

const uint8_t *zc_x509_tbs(const zc_x509 *x, size_t *len)
{
	*len = x->crt.tbs.len;
	return x->crt.tbs.p;
}

const uint8_t *zc_x509_signature(const zc_x509 *x, size_t *len)
{
	*len = x->crt.sig.len;
	return x->crt.sig.p;
}

int zc_x509_sig_is_ecdsa_sha256(const zc_x509 *x)
{
	return x->crt.sig_md == MBEDTLS_MD_SHA256 && x->crt.sig_pk == MBEDTLS_PK_ECDSA;
}

const uint8_t *zc_x509_serial(const zc_x509 *x, size_t *len)
{
	*len = x->crt.serial.len;
	return x->crt.serial.p;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t x509_time_s(const mbedtls_x509_time *t)
{
	return days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

void zc_x509_validity(const zc_x509 *x, int64_t *not_before_s, int64_t *not_after_s)
{
	*not_before_s = x509_time_s(&x->crt.valid_from);
	*not_after_s = x509_time_s(&x->crt.valid_to);
}

static int attr_type(const mbedtls_x509_buf *oid)
{
	static const struct {
		const char *oid;
		size_t len;
		int type;
	} known[] = {
	    {MBEDTLS_OID_AT_CN, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN), ZC_X509_ATTR_CN},
	    {MBEDTLS_OID_AT_SERIAL_NUMBER, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_SERIAL_NUMBER), ZC_X509_ATTR_SERIAL_NUMBER},
	    {MBEDTLS_OID_AT_ORG_UNIT, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORG_UNIT), ZC_X509_ATTR_OU},
	    {MBEDTLS_OID_AT_ORGANIZATION, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION), ZC_X509_ATTR_O},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (oid->len == known[i].len && !memcmp(oid->p, known[i].oid, known[i].len))
			return known[i].type;
	return ZC_X509_ATTR_OTHER;
}

const mbedtls_x509_name *zc_mb_x509_subject(const zc_x509 *x)
{
	return &x->crt.subject;
}

int zc_x509_subject_attr(const zc_x509 *x, size_t i, zc_x509_attr *a)
{
	for (const mbedtls_x509_name *n = &x->crt.subject; n; n = n->next) {
		if (!n->oid.p) /* an empty name's placeholder */
			continue;
		if (i--)
			continue;
		a->type = attr_type(&n->oid);
		a->tag = n->val.tag;
		a->val = n->val.p;
		a->len = n->val.len;
		return 0;
	}
	return ZC_ENOENT;
}

int zc_x509_san_uri(const zc_x509 *x, size_t i, const uint8_t **uri, size_t *len)
{
	for (const mbedtls_x509_sequence *s = &x->crt.subject_alt_names; s && s->buf.p; s = s->next) {
		if (s->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6) || i--)
			continue;
		*uri = s->buf.p;
		*len = s->buf.len;
		return 0;
	}
	return ZC_ENOENT;
}

int zc_x509_is_ca(const zc_x509 *x)
{
	return x->crt.ca_istrue != 0;
}

int zc_x509_key_usage_allows(const zc_x509 *x, unsigned usage)
{
	return !mbedtls_x509_crt_check_key_usage(&x->crt, usage);
}

int zc_x509_ext_key_usage_allows(const zc_x509 *x, const uint8_t *oid, size_t oid_len)
{
	return !mbedtls_x509_crt_check_extended_key_usage(&x->crt, (const char *)oid, oid_len);
}

zc_pubkey *zc_x509_pubkey(zc_x509 *x)
{
	return x->has_key ? &x->key : NULL;
}

int zc_x509_verify_issued_by(const zc_x509 *x, zc_x509 *issuer)
{
	const mbedtls_x509_crt *c = &x->crt, *i = &issuer->crt;
	if (c->issuer_raw.len != i->subject_raw.len || memcmp(c->issuer_raw.p, i->subject_raw.p, c->issuer_raw.len))
		return ZC_ESIG;
	zc_pubkey *key = zc_x509_pubkey(issuer);
	if (!key || !zc_x509_sig_is_ecdsa_sha256(x))
		return ZC_ESIG;
	size_t tbs_len, sig_len;
	const uint8_t *tbs = zc_x509_tbs(x, &tbs_len), *sig = zc_x509_signature(x, &sig_len);
	uint8_t h[ZC_HASH_LEN];
	zc_sha256(tbs, tbs_len, h);
	return zc_pubkey_verify(key, h, sig, sig_len);
}

/* ---- canonical encoding ---- */

#define DER_DEPTH_MAX 16

/* Walk the DER elements of [p, e) strictly: single-byte tags, definite
 * minimal lengths, minimal INTEGERs, BOOLEAN 00/FF, NULL empty, BIT STRING
 * with 0-7 unused bits; constructed elements are walked inside. 0 or -1. */
static int der_walk(const uint8_t *p, const uint8_t *e, int depth)
{
	if (depth > DER_DEPTH_MAX)
		return -1;
	while (p < e) {
		uint8_t tag = *p++;
		if ((tag & 0x1F) == 0x1F || p >= e)
			return -1;
		size_t len = *p++;
		if (len & 0x80) {
			size_t nb = len & 0x7F;
			if (nb < 1 || nb > 3 || (size_t)(e - p) < nb || p[0] == 0)
				return -1; /* indefinite, too long, or a leading zero byte */
			len = 0;
			for (size_t i = 0; i < nb; i++)
				len = len << 8 | *p++;
			if (len < 0x80)
				return -1; /* the long form for a short length */
		}
		if (len > (size_t)(e - p))
			return -1;
		if (tag & 0x20) {
			if (der_walk(p, p + len, depth + 1))
				return -1;
		} else if (tag == MBEDTLS_ASN1_INTEGER) {
			if (len < 1 || (len > 1 && ((p[0] == 0 && !(p[1] & 0x80)) || (p[0] == 0xFF && (p[1] & 0x80)))))
				return -1;
		} else if (tag == MBEDTLS_ASN1_BOOLEAN) {
			if (len != 1 || (p[0] != 0 && p[0] != 0xFF))
				return -1;
		} else if (tag == MBEDTLS_ASN1_NULL) {
			if (len != 0)
				return -1;
		} else if (tag == MBEDTLS_ASN1_BIT_STRING) {
			if (len < 1 || p[0] > 7 || (len == 1 && p[0] != 0))
				return -1;
		}
		p += len;
	}
	return 0;
}

int zc_x509_is_canonical(const zc_x509 *x)
{
	const mbedtls_x509_crt *c = &x->crt;
	if (!c->raw.p || der_walk(c->raw.p, c->raw.p + c->raw.len, 0))
		return 0;
	/* mbedTLS's sig is the BIT STRING's content after its unused-bits
	 * byte (which it requires to be 0): the ECDSA-Sig-Value itself. */
	if (!zc_x509_sig_is_ecdsa_sha256(x) || zc_ecdsa_sig_check(c->sig.p, c->sig.len, 1))
		return 0;
	return 1;
}
