/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_card.h: the small world the card-boundary fuzz targets share
 * (fuzz_piv, fuzz_badge_cert, fuzz_tap): a badge CA, a badge issued by it
 * and an impostor's self-made certificate claiming the same card UUID,
 * built once per process from a seeded generator so that every run, and
 * the seed corpus written from it, sees the same bytes; and an honest PIV
 * card answering as tools/sim/vcard.c does, which the targets then bend.
 *
 * Header-only (static functions): each target is one .c file in the
 * fuzzing build. Setting ZC_FUZZ_WRITE_SEEDS=DIR makes a target write its
 * seed corpus there on its first input.
 */
#ifndef ZC_FUZZ_CARD_H
#define ZC_FUZZ_CARD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/badge.h"
#include "zc/crypto.h"
#include "zc/err.h"

#define FC_NOW_MS   1767225600000LL /* 2026-01-01T00:00:00Z: inside every validity */
#define FC_CERT_MAX 2048

typedef struct fc_world {
	zc_privkey *ca_key, *badge_key, *imp_key;
	uint8_t ca_der[FC_CERT_MAX], cert[FC_CERT_MAX], imp[FC_CERT_MAX];
	size_t ca_len, cert_len, imp_len;
	uint8_t cert_fp[ZC_HASH_LEN];
	uint8_t uuid[16];  /* the genuine badge's CHUID and subjectAltName */
	uint8_t uuid2[16]; /* another card's */
	zc_badge_ca *ca;
} fc_world;

static inline int fc_rng(void *ctx, uint8_t *buf, size_t n)
{
	uint64_t *s = ctx;
	for (size_t i = 0; i < n; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		buf[i] = (uint8_t)(*s >> 24);
	}
	return 0;
}

static inline zc_x509_attr fc_attr(int type, const char *v)
{
	zc_x509_attr a = {type, ZC_ASN1_UTF8_STRING, (const uint8_t *)v, strlen(v)};
	if (type == ZC_X509_ATTR_SERIAL_NUMBER)
		a.tag = ZC_ASN1_PRINTABLE_STRING;
	return a;
}

static inline void fc_die(const char *what)
{
	fprintf(stderr, "fuzz_card: %s\n", what);
	abort();
}

/* A badge certificate for subject_key, signed by issuer_key (issuer NULL:
 * self-signed), naming uuid in its subjectAltName. */
static inline void fc_badge(zc_privkey *subject_key, zc_privkey *issuer_key, const zc_x509 *issuer,
			    const uint8_t uuid[16], uint64_t *rng, uint8_t *out, size_t *len)
{
	static const uint8_t piv_auth[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x06, 0x08};
	static const uint8_t serial[] = {0x11, 0x22, 0x33, 0x44};
	char uri[64];
	int n = snprintf(uri, sizeof uri, "urn:uuid:");
	for (int i = 0; i < 16; i++)
		n += snprintf(uri + n, sizeof uri - (size_t)n, "%s%02x",
			      (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", uuid[i]);
	zc_x509_attr name[] = {fc_attr(ZC_X509_ATTR_O, "测试区"), fc_attr(ZC_X509_ATTR_OU, "B001"),
			       fc_attr(ZC_X509_ATTR_CN, "张三"), fc_attr(ZC_X509_ATTR_SERIAL_NUMBER, "C001")};
	zc_x509_spec s = {.subject = name,
			  .subject_len = 4,
			  .issuer = issuer,
			  .subject_key = subject_key,
			  .issuer_key = issuer_key,
			  .serial = serial,
			  .serial_len = sizeof serial,
			  .from_ms = 1735689600000LL, /* 2025 */
			  .to_ms = 1893456000000LL,   /* 2030 */
			  .key_usage = ZC_X509_KU_DIGITAL_SIGNATURE,
			  .eku = piv_auth,
			  .eku_len = sizeof piv_auth,
			  .san_uri = uri};
	if (zc_x509_write(&s, fc_rng, rng, out, FC_CERT_MAX, len))
		fc_die("badge certificate");
}

static fc_world *fc_get(void)
{
	static fc_world w;
	static int made;
	if (made)
		return &w;
	uint64_t rng = 0x5eed2026cafef00dULL;
	if (zc_privkey_generate_rng(fc_rng, &rng, &w.ca_key) || zc_privkey_generate_rng(fc_rng, &rng, &w.badge_key) ||
	    zc_privkey_generate_rng(fc_rng, &rng, &w.imp_key))
		fc_die("keys");
	zc_x509_attr ca_name[] = {fc_attr(ZC_X509_ATTR_O, "测试区"), fc_attr(ZC_X509_ATTR_CN, "测试区工牌CA")};
	zc_x509_spec cs = {.subject = ca_name,
			   .subject_len = 2,
			   .subject_key = w.ca_key,
			   .issuer_key = w.ca_key,
			   .serial = (const uint8_t *)"\x01",
			   .serial_len = 1,
			   .from_ms = 1735689600000LL,
			   .to_ms = 1893456000000LL,
			   .is_ca = 1,
			   .key_usage = ZC_X509_KU_KEY_CERT_SIGN};
	if (zc_x509_write(&cs, fc_rng, &rng, w.ca_der, sizeof w.ca_der, &w.ca_len))
		fc_die("CA certificate");
	if (zc_badge_ca_parse(w.ca_der, w.ca_len, &w.ca))
		fc_die("CA parse");
	zc_x509 *cax;
	if (zc_x509_parse_der(w.ca_der, w.ca_len, &cax))
		fc_die("CA x509");
	for (int i = 0; i < 16; i++) {
		w.uuid[i] = (uint8_t)(0xA0 + i);
		w.uuid2[i] = (uint8_t)(0x10 + i);
	}
	fc_badge(w.badge_key, w.ca_key, cax, w.uuid, &rng, w.cert, &w.cert_len);
	fc_badge(w.imp_key, w.imp_key, NULL, w.uuid, &rng, w.imp, &w.imp_len);
	zc_x509_free(cax);
	zc_sha256(w.cert, w.cert_len, w.cert_fp);
	made = 1;
	return &w;
}

/* ---- an honest PIV card ---- */

typedef struct fc_card {
	const uint8_t *cert; /* the certificate it holds */
	size_t cert_len;
	zc_privkey *key; /* its key 9E */
	const uint8_t *uuid;
	uint8_t pending[FC_CERT_MAX + 64]; /* a response being fetched with GET RESPONSE */
	size_t plen, poff;
} fc_card;

/* Give out the pending response in pieces of at most 240 bytes. */
static inline int fc_piece(fc_card *c, uint8_t *r)
{
	size_t left = c->plen - c->poff, n = left > 240 ? 240 : left;
	memcpy(r, c->pending + c->poff, n);
	c->poff += n;
	left -= n;
	r[n] = left ? 0x61 : 0x90;
	r[n + 1] = left ? (uint8_t)(left > 255 ? 0 : left) : 0x00;
	return (int)n + 2;
}

static inline size_t fc_tlv(uint8_t *o, uint32_t tag, const uint8_t *v, size_t n)
{
	size_t k = 0;
	if (tag > 0xFF)
		o[k++] = (uint8_t)(tag >> 8);
	o[k++] = (uint8_t)tag;
	if (n < 0x80) {
		o[k++] = (uint8_t)n;
	} else if (n < 0x100) {
		o[k++] = 0x81;
		o[k++] = (uint8_t)n;
	} else {
		o[k++] = 0x82;
		o[k++] = (uint8_t)(n >> 8);
		o[k++] = (uint8_t)n;
	}
	memmove(o + k, v, n);
	return k + n;
}

/* The card's answer to capdu (r has room for 300 bytes). */
static inline int fc_answer(fc_card *c, const uint8_t *a, size_t n, uint8_t *r)
{
	uint8_t tmp[FC_CERT_MAX + 64];
	if (n < 4)
		return r[0] = 0x67, r[1] = 0x00, 2;
	switch (a[1]) {
	case 0xA4: return r[0] = 0x90, r[1] = 0x00, 2;
	case 0xC0: return c->poff < c->plen ? fc_piece(c, r) : (r[0] = 0x6F, r[1] = 0x00, 2);
	case 0xCB:
		if (n >= 10 && a[9] == 0x02) { /* CHUID */
			size_t k = fc_tlv(tmp, 0x34, c->uuid, 16);
			c->plen = fc_tlv(c->pending, 0x53, tmp, k);
		} else if (n >= 10 && a[9] == 0x01) { /* Card Authentication certificate */
			static const uint8_t info[] = {0x71, 0x01, 0x00, 0xFE, 0x00};
			size_t k = fc_tlv(tmp, 0x70, c->cert, c->cert_len);
			memcpy(tmp + k, info, sizeof info);
			c->plen = fc_tlv(c->pending, 0x53, tmp, k + sizeof info);
		} else {
			return r[0] = 0x6A, r[1] = 0x82, 2;
		}
		c->poff = 0;
		return fc_piece(c, r);
	case 0x87:
		if (n >= 43 && a[5] == 0x7C && a[9] == 0x81 && a[10] == 0x20) {
			uint8_t sig[ZC_SIG_MAX];
			size_t sl;
			if (zc_privkey_sign(c->key, a + 11, sig, &sl) || sl > sizeof sig)
				fc_die("card sign");
			size_t k = fc_tlv(tmp, 0x82, sig, sl);
			c->plen = fc_tlv(c->pending, 0x7C, tmp, k);
			c->poff = 0;
			return fc_piece(c, r);
		}
		return r[0] = 0x6A, r[1] = 0x80, 2;
	default: return r[0] = 0x6D, r[1] = 0x00, 2;
	}
}

static inline void fc_write_seed(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f || fwrite(b, 1, n, f) != n)
		fc_die("cannot write a seed");
	fclose(f);
}

#endif
