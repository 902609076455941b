/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_badge.c: badge certificates, the badge CA and the ZRL1 revocation
 * list (zc/badge.h), with CAs and cards made by zc_calib (tools/ca). Covers
 * checking at a given time (issuer, signature, validity, revocation), the
 * list's signature and rollback rules, every decoder rejection, card
 * signatures and clones, and that a seeded generator makes the CA's output
 * reproducible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ca.h"
#include "testutil.h"
#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/record.h"

#define T_2025_01_01	 1735689600000LL
#define T_2025_01_02	 1735776000000LL
#define T_2025_06_01	 1748736000000LL
#define T_2025_12_31_END 1767225599000LL /* 23:59:59 */
#define T_2026_01_01	 1767225600000LL

static char *tmp;
static char err[512];

/* ---- helpers ---- */

static const char *pth(const char *a, const char *b)
{
	static char buf[4][4096];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s%s%s", tmp, a, b ? "/" : "", b ? b : "");
	return buf[k];
}

static void make_ca(const char *dir, const char *name)
{
	zc_ca_init_opts o = {.dir = pth(dir, NULL), .name = name, .district = "海勃湾区", .now_ms = T_2025_01_01};
	int rc = zc_ca_init(&o, err, sizeof err);
	if (rc)
		fail_msg("init %s: %s", dir, err);
}

static void issue(const char *dir, const char *badge, const char *card, int64_t from, int64_t to, zc_ca_issued *res)
{
	zc_ca_issue_opts o = {.dir = pth(dir, NULL),
			      .badge = badge,
			      .cadre = "C001",
			      .name = "张三",
			      .out = pth(card, NULL),
			      .from_ms = from,
			      .to_ms = to};
	int rc = zc_ca_issue(&o, res, err, sizeof err);
	if (rc)
		fail_msg("issue %s: %s", badge, err);
}

static zc_badge_ca *load_ca(const char *dir, int with_list)
{
	zc_badge_ca *ca = NULL;
	assert_int_equal(zc_badge_ca_load(pth(dir, "ca.pem"), &ca), 0);
	if (with_list)
		assert_int_equal(zc_badge_ca_load_revocations(ca, pth(dir, "revocations.zrl"), NULL), 0);
	return ca;
}

static zc_badge_cert *load_card_cert(const char *card, zc_ca_card *out)
{
	zc_ca_card c;
	zc_badge_cert *bc = NULL;
	if (zc_ca_card_read(pth(card, NULL), &c, err, sizeof err))
		fail_msg("card %s: %s", card, err);
	assert_int_equal(zc_badge_cert_parse(c.cert_der, c.cert_len, &bc), 0);
	if (out)
		*out = c;
	else
		zc_ca_card_free(&c);
	return bc;
}

static int verdict(zc_badge_ca *ca, zc_badge_cert *c, int64_t t)
{
	int v = -1;
	assert_int_equal(zc_badge_cert_check(ca, c, t, &v), 0);
	return v;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *b = tu_read_file(path, len);
	assert_non_null(b);
	return b;
}

static int setup(void **state)
{
	(void)state;
	tmp = tu_tmpdir("badge");
	if (!tmp)
		return -1;
	/* CA "a" with three badges; CA "b" with the same name and district. */
	make_ca("a", "海勃湾区驻村干部工牌CA");
	make_ca("b", "海勃湾区驻村干部工牌CA");
	issue("a", "B001", "b001.card", 0, 0, NULL);
	issue("a", "B002", "b002.card", 0, 0, NULL);
	issue("a", "B003", "b003.card", T_2025_01_01, T_2025_12_31_END, NULL);
	issue("b", "B001", "other.card", 0, 0, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(tmp);
	free(tmp);
	return 0;
}

/* ---- certificates ---- */

static void test_issue_and_check_ok(void **state)
{
	(void)state;
	zc_ca_issued res;
	issue("a", "B010", "b010.card", 0, 0, &res);
	zc_ca_card card;
	zc_badge_cert *c = load_card_cert("b010.card", &card);
	zc_badge_ca *ca = load_ca("a", 1);
	assert_int_equal(verdict(ca, c, T_2025_01_02), ZC_TAP_OK);
	assert_string_equal(zc_badge_cert_name(c), "张三");
	assert_string_equal(zc_badge_cert_cadre(c), "C001");
	assert_string_equal(zc_badge_cert_badge(c), "B010");
	assert_string_equal(zc_badge_cert_district(c), "海勃湾区");
	assert_string_equal(zc_badge_ca_name(ca), "海勃湾区驻村干部工牌CA");
	assert_string_equal(zc_badge_ca_district(ca), "海勃湾区");
	assert_int_equal(zc_badge_ca_revocation_number(ca), 1);

	size_t len, sl;
	const uint8_t *der = zc_badge_cert_der(c, &len);
	assert_true(len < 1024); /* a PIV certificate object holds far more */
	assert_int_equal(len, card.cert_len);
	assert_memory_equal(der, card.cert_der, len);
	uint8_t fp[ZC_HASH_LEN], want[ZC_HASH_LEN], uuid[ZC_BADGE_UUID_LEN];
	zc_sha256(der, len, want);
	zc_badge_cert_fingerprint(c, fp);
	assert_memory_equal(fp, want, ZC_HASH_LEN);
	assert_memory_equal(fp, res.fp, ZC_HASH_LEN);
	const uint8_t *serial = zc_badge_cert_serial(c, &sl);
	assert_int_equal(sl, res.serial_len);
	assert_memory_equal(serial, res.serial, sl);
	assert_int_equal(zc_badge_cert_uuid(c, uuid), 0);
	assert_memory_equal(uuid, card.uuid, sizeof uuid);
	assert_memory_equal(uuid, res.uuid, sizeof uuid);
	assert_int_equal((uuid[6] >> 4), 4); /* random: RFC 4122 version 4 */
	assert_int_equal(card.uid_len, 7);
	assert_int_equal(card.uid[0], 0x04);
	int64_t from, to;
	zc_badge_cert_validity(c, &from, &to);
	assert_int_equal(from, ZC_CA_DEFAULT_FROM_MS);
	assert_int_equal(to, ZC_CA_DEFAULT_BADGE_TO_MS + 999);

	/* issued.txt has its line */
	size_t il;
	char *issued = (char *)slurp(pth("a", "issued.txt"), &il);
	char sh[2 * ZC_BADGE_SERIAL_MAX + 1], fh[2 * ZC_HASH_LEN + 1], line[256];
	snprintf(line, sizeof line, "B010\tC001\t%s\t%s\t", zc_hex(res.serial, res.serial_len, sh),
		 zc_hex(res.fp, ZC_HASH_LEN, fh));
	assert_non_null(strstr(issued, line));
	free(issued);

	/* the card file holds its key privately */
	struct stat st;
	assert_int_equal(stat(pth("b010.card", NULL), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pth("a", "ca.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	zc_ca_card_free(&card);
	zc_badge_cert_free(c);
	zc_badge_ca_free(ca);
}

static void test_other_ca_is_unknown(void **state)
{
	(void)state;
	/* Same issuer name, another key: only the signature tells them apart. */
	zc_badge_ca *a = load_ca("a", 1), *b = load_ca("b", 1);
	zc_badge_cert *mine = load_card_cert("b001.card", NULL), *other = load_card_cert("other.card", NULL);
	assert_int_equal(verdict(a, mine, T_2025_01_02), ZC_TAP_OK);
	assert_int_equal(verdict(b, other, T_2025_01_02), ZC_TAP_OK);
	assert_int_equal(verdict(a, other, T_2025_01_02), ZC_TAP_UNKNOWN_CA);
	assert_int_equal(verdict(b, mine, T_2025_01_02), ZC_TAP_UNKNOWN_CA);
	/* The remembered verification belongs to CA a alone. */
	assert_int_equal(verdict(a, mine, T_2025_01_02), ZC_TAP_OK);
	assert_int_equal(verdict(b, mine, T_2025_01_02), ZC_TAP_UNKNOWN_CA);
	uint8_t fa[ZC_HASH_LEN], fb[ZC_HASH_LEN];
	zc_badge_ca_fingerprint(a, fa);
	zc_badge_ca_fingerprint(b, fb);
	assert_memory_not_equal(fa, fb, ZC_HASH_LEN);
	zc_badge_cert_free(mine);
	zc_badge_cert_free(other);
	zc_badge_ca_free(a);
	zc_badge_ca_free(b);
}

static void test_tampered_cert(void **state)
{
	(void)state;
	zc_ca_card card;
	zc_badge_cert *orig = load_card_cert("b001.card", &card), *c = NULL;
	zc_badge_ca *ca = load_ca("a", 1);
	uint8_t *der = malloc(card.cert_len);
	int changed = 0, refused = 0;
	/* Change the cadre id C001 -> C002 inside the signed part. */
	memcpy(der, card.cert_der, card.cert_len);
	for (size_t i = 0; i + 4 <= card.cert_len; i++)
		if (!memcmp(der + i, "C001", 4)) {
			der[i + 3] = '2';
			changed++;
		}
	assert_int_equal(changed, 1);
	assert_int_equal(zc_badge_cert_parse(der, card.cert_len, &c), 0);
	assert_string_equal(zc_badge_cert_cadre(c), "C002");
	assert_int_equal(verdict(ca, c, T_2025_01_02), ZC_TAP_UNKNOWN_CA);
	zc_badge_cert_free(c);
	/* Every single-bit flip: either the parser refuses it, or the check
	 * does not accept it (a sampled stride keeps this fast). */
	for (size_t i = 0; i < card.cert_len; i += 3) {
		memcpy(der, card.cert_der, card.cert_len);
		der[i] ^= (uint8_t)(1u << (i % 8));
		c = NULL;
		if (zc_badge_cert_parse(der, card.cert_len, &c)) {
			refused++;
			continue;
		}
		if (verdict(ca, c, T_2025_01_02) != ZC_TAP_UNKNOWN_CA)
			fail_msg("flip at byte %zu accepted", i);
		zc_badge_cert_free(c);
	}
	assert_true(refused > 0);
	/* Trailing bytes after the certificate. */
	uint8_t *longer = malloc(card.cert_len + 1);
	memcpy(longer, card.cert_der, card.cert_len);
	longer[card.cert_len] = 0;
	assert_int_equal(zc_badge_cert_parse(longer, card.cert_len + 1, &c), ZC_EMALFORMED);
	assert_int_equal(zc_badge_cert_parse(card.cert_der, card.cert_len - 1, &c), ZC_EMALFORMED);
	assert_int_equal(zc_badge_cert_parse(card.cert_der, 0, &c), ZC_EMALFORMED);
	free(longer);
	free(der);
	zc_ca_card_free(&card);
	zc_badge_cert_free(orig);
	zc_badge_ca_free(ca);
}

/* ---- one certificate, one encoding (issue 10, item 14) ---- */

static const uint8_t P256_N[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
				   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
				   0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* One DER INTEGER at p into a 32-byte value; returns bytes consumed. */
static size_t get_int(const uint8_t *p, uint8_t v[32])
{
	assert_int_equal(p[0], 0x02);
	size_t n = p[1];
	const uint8_t *m = p + 2;
	size_t ml = n;
	while (ml > 32) {
		m++;
		ml--;
	}
	memset(v, 0, 32);
	memcpy(v + 32 - ml, m, ml);
	return 2 + n;
}

static size_t put_int(uint8_t *o, const uint8_t v[32], int pad_extra)
{
	size_t i = 0, k = 0;
	while (i < 31 && v[i] == 0)
		i++;
	int pad = ((v[i] & 0x80) ? 1 : 0) + pad_extra; /* pad_extra: redundant zero bytes */
	o[k++] = 0x02;
	o[k++] = (uint8_t)(32 - i + (size_t)pad);
	for (int z = 0; z < pad; z++)
		o[k++] = 0;
	memcpy(o + k, v + i, 32 - i);
	return k + 32 - i;
}

/* Certificate = 30 82 LL LL | TBS | AlgorithmIdentifier | BIT STRING: the
 * part before the BIT STRING (tbs+alg) and the signature inside it. */
static void split_cert(const uint8_t *der, size_t len, size_t *body_off, size_t *bits_off, const uint8_t **sig,
		       size_t *sl)
{
	assert_true(len > 200 && der[0] == 0x30 && der[1] == 0x82);
	assert_true(der[4] == 0x30 && der[5] == 0x82);
	size_t tbs_len = 4 + ((size_t)der[6] << 8 | der[7]);
	size_t alg_off = 4 + tbs_len;
	assert_int_equal(der[alg_off], 0x30);
	size_t bits = alg_off + 2 + der[alg_off + 1];
	assert_int_equal(der[bits], 0x03);
	assert_true(der[bits + 1] < 0x80 && der[bits + 2] == 0);
	*body_off = 4;
	*bits_off = bits;
	*sig = der + bits + 3;
	*sl = der[bits + 1] - 1u;
	assert_int_equal(bits + 3 + *sl, len);
}

/* Reassemble a certificate around another signature. */
static size_t with_sig(const uint8_t *der, size_t bits_off, const uint8_t *sig, size_t sl, uint8_t *out)
{
	size_t body = bits_off - 4 + 3 + sl;
	out[0] = 0x30;
	out[1] = 0x82;
	out[2] = (uint8_t)(body >> 8);
	out[3] = (uint8_t)body;
	memcpy(out + 4, der + 4, bits_off - 4);
	size_t o = bits_off;
	out[o++] = 0x03;
	out[o++] = (uint8_t)(sl + 1);
	out[o++] = 0;
	memcpy(out + o, sig, sl);
	return o + sl;
}

static void expect_copy_refused(zc_x509 *ca_x, const uint8_t *der, size_t len, const uint8_t *orig_fp,
				int mbedtls_verifies)
{
	zc_badge_cert *c = NULL;
	uint8_t fp[ZC_HASH_LEN];
	zc_sha256(der, len, fp);
	assert_memory_not_equal(fp, orig_fp, ZC_HASH_LEN); /* a new fingerprint */
	if (mbedtls_verifies) {
		/* the attack: the X.509 layer alone takes the copy as issued */
		zc_x509 *x = NULL;
		assert_int_equal(zc_x509_parse_der(der, len, &x), 0);
		assert_int_equal(zc_x509_verify_issued_by(x, ca_x), 0);
		assert_int_equal(zc_x509_is_canonical(x), 0);
		zc_x509_free(x);
	}
	assert_int_equal(zc_badge_cert_parse(der, len, &c), ZC_EMALFORMED);
	assert_null(c);
}

static void test_reencoded_copies(void **state)
{
	(void)state;
	zc_badge_ca *ca = load_ca("a", 1);
	size_t cal;
	const uint8_t *cad = zc_badge_ca_der(ca, &cal);
	zc_x509 *ca_x = NULL;
	assert_int_equal(zc_x509_parse_der(cad, cal, &ca_x), 0);
	/* more issued certificates: each of them, low or high S as the CA's
	 * random k fell, is written low-S and canonical */
	const char *cards[] = {"b001.card",  "b002.card",  "b003.card", "copy3.card",
			       "copy4.card", "copy5.card", "copy6.card"};
	for (int i = 3; i < 7; i++) {
		char b[8];
		snprintf(b, sizeof b, "K%03d", i);
		issue("a", b, cards[i], 0, 0, NULL);
	}
	for (size_t k = 0; k < sizeof cards / sizeof cards[0]; k++) {
		zc_ca_card card;
		zc_badge_cert *orig = load_card_cert(cards[k], &card);
		const uint8_t *der = card.cert_der, *sig;
		size_t len = card.cert_len, body, bits, sl;
		uint8_t fp[ZC_HASH_LEN], out[4096];
		zc_badge_cert_fingerprint(orig, fp);
		assert_int_equal(verdict(ca, orig, T_2025_01_02), ZC_TAP_OK);
		split_cert(der, len, &body, &bits, &sig, &sl);
		assert_int_equal(zc_ecdsa_sig_check(sig, sl, 1), 0);

		/* 1. the outer length in a longer form: 30 83 00 LL LL */
		out[0] = 0x30;
		out[1] = 0x83;
		out[2] = 0;
		memcpy(out + 3, der + 2, len - 2);
		expect_copy_refused(ca_x, out, len + 1, fp, 1);

		/* 2. the BIT STRING's length in long form: 03 81 LL */
		memcpy(out, der, bits);
		out[3]++;
		out[bits] = 0x03;
		out[bits + 1] = 0x81;
		memcpy(out + bits + 2, der + bits + 1, len - bits - 1);
		expect_copy_refused(ca_x, out, len + 1, fp, 1);

		/* 3. high S: (r, n - s) verifies as well */
		uint8_t r[32], s[32], hs[32], sig2[80];
		size_t o = get_int(sig + 2, r);
		get_int(sig + 2 + o, s);
		int borrow = 0;
		for (int i = 31; i >= 0; i--) {
			int d = P256_N[i] - s[i] - borrow;
			borrow = d < 0;
			hs[i] = (uint8_t)(d + (borrow ? 256 : 0));
		}
		size_t n2 = 2;
		n2 += put_int(sig2 + n2, r, 0);
		n2 += put_int(sig2 + n2, hs, 0);
		sig2[0] = 0x30;
		sig2[1] = (uint8_t)(n2 - 2);
		assert_int_equal(zc_ecdsa_sig_check(sig2, n2, 0), 0);
		assert_int_equal(zc_ecdsa_sig_check(sig2, n2, 1), ZC_EMALFORMED);
		size_t l3 = with_sig(der, bits, sig2, n2, out);
		expect_copy_refused(ca_x, out, l3, fp, 1);

		/* 4. r padded with a redundant zero byte */
		n2 = 2;
		n2 += put_int(sig2 + n2, r, 1);
		n2 += put_int(sig2 + n2, s, 0);
		sig2[0] = 0x30;
		sig2[1] = (uint8_t)(n2 - 2);
		l3 = with_sig(der, bits, sig2, n2, out);
		expect_copy_refused(ca_x, out, l3, fp, 0);

		/* and the original, reassembled from its parts, is itself */
		l3 = with_sig(der, bits, sig, sl, out);
		assert_int_equal(l3, len);
		assert_memory_equal(out, der, len);
		zc_ca_card_free(&card);
		zc_badge_cert_free(orig);
	}
	zc_x509_free(ca_x);
	zc_badge_ca_free(ca);
}

static void test_validity(void **state)
{
	(void)state;
	zc_badge_ca *ca = load_ca("a", 1);
	zc_badge_cert *c = load_card_cert("b003.card", NULL);
	assert_int_equal(verdict(ca, c, T_2025_01_01 - 1), ZC_TAP_UNKNOWN_CA);
	assert_int_equal(verdict(ca, c, T_2025_01_01), ZC_TAP_OK);
	assert_int_equal(verdict(ca, c, T_2025_12_31_END + 999), ZC_TAP_OK); /* notAfter is inclusive */
	assert_int_equal(verdict(ca, c, T_2026_01_01), ZC_TAP_UNKNOWN_CA);
	assert_int_equal(verdict(ca, c, INT64_MIN), ZC_TAP_UNKNOWN_CA);
	assert_int_equal(verdict(ca, c, INT64_MAX), ZC_TAP_UNKNOWN_CA);
	/* A badge cannot outlive its CA. */
	zc_ca_issue_opts o = {.dir = pth("a", NULL),
			      .badge = "B099",
			      .cadre = "C001",
			      .name = "张三",
			      .out = pth("b099.card", NULL),
			      .to_ms = ZC_CA_DEFAULT_CA_TO_MS + 1000};
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_EARG);
	zc_badge_cert_free(c);
	zc_badge_ca_free(ca);
}

static void test_revoked_from(void **state)
{
	(void)state;
	make_ca("r", "R CA");
	issue("r", "B001", "r1.card", 0, 0, NULL);
	issue("r", "B002", "r2.card", 0, 0, NULL);
	uint64_t number = 0;
	assert_int_equal(zc_ca_revoke(pth("r", NULL), "B001", T_2025_06_01, T_2025_06_01 + 5, &number, err, sizeof err),
			 0);
	assert_int_equal(number, 2);
	/* Revoking again is refused; an unknown badge too. */
	assert_int_equal(zc_ca_revoke(pth("r", NULL), "B001", T_2025_01_01, 0, NULL, err, sizeof err), ZC_EEXIST);
	assert_non_null(strstr(err, "already revoked"));
	assert_int_equal(zc_ca_revoke(pth("r", NULL), "B404", T_2025_01_01, 0, NULL, err, sizeof err), ZC_ENOENT);

	zc_badge_ca *ca = load_ca("r", 1);
	assert_int_equal(zc_badge_ca_revocation_number(ca), 2);
	const zc_revlist *l = zc_badge_ca_revocations(ca);
	assert_non_null(l);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->issued_ms, T_2025_06_01 + 5);
	assert_int_equal(l->entries[0].revoked_from_ms, T_2025_06_01);
	zc_badge_cert *c1 = load_card_cert("r1.card", NULL), *c2 = load_card_cert("r2.card", NULL);
	assert_int_equal(verdict(ca, c1, T_2025_06_01 - 1), ZC_TAP_OK);
	assert_int_equal(verdict(ca, c1, T_2025_06_01), ZC_TAP_REVOKED);
	assert_int_equal(verdict(ca, c1, T_2025_06_01 + 86400000), ZC_TAP_REVOKED);
	assert_int_equal(verdict(ca, c2, T_2025_06_01 + 86400000), ZC_TAP_OK);
	/* Without the list installed, the same certificate passes. */
	zc_badge_ca *bare = load_ca("r", 0);
	assert_int_equal(zc_badge_ca_revocation_number(bare), 0);
	assert_null(zc_badge_ca_revocations(bare));
	assert_int_equal(verdict(bare, c1, T_2025_06_01), ZC_TAP_OK);
	/* A second revocation keeps the list sorted and grows the number. */
	assert_int_equal(zc_ca_revoke(pth("r", NULL), "B002", T_2025_01_01, 0, &number, err, sizeof err), 0);
	assert_int_equal(number, 3);
	assert_int_equal(zc_badge_ca_load_revocations(ca, pth("r", "revocations.zrl"), NULL), 0);
	assert_int_equal(zc_badge_ca_revocations(ca)->count, 2);
	assert_int_equal(verdict(ca, c2, T_2025_01_01), ZC_TAP_REVOKED);
	assert_int_equal(verdict(ca, c1, T_2025_01_01), ZC_TAP_OK);
	zc_badge_cert_free(c1);
	zc_badge_cert_free(c2);
	zc_badge_ca_free(ca);
	zc_badge_ca_free(bare);
}

/* ---- the revocation list: signature and rollback ---- */

/* A list for CA dir signed with key (NULL: the CA's own key). */
static int signed_list(const char *dir, zc_privkey *key, uint64_t number, const uint8_t *fp_override, uint8_t *out,
		       size_t cap)
{
	zc_privkey *cak = NULL;
	zc_badge_ca *ca = load_ca(dir, 0);
	zc_revlist l = {.number = number, .issued_ms = T_2025_01_02};
	zc_badge_ca_fingerprint(ca, l.ca_fp);
	if (fp_override)
		memcpy(l.ca_fp, fp_override, ZC_HASH_LEN);
	uint8_t s[2] = {0x01, 0x02};
	assert_int_equal(zc_revlist_add(&l, s, 2, T_2025_01_02), 0);
	if (!key) {
		assert_int_equal(zc_privkey_load(pth(dir, "ca.key"), &cak), 0);
		key = cak;
	}
	int n = zc_revlist_sign(&l, key, out, cap);
	assert_true(n > 0);
	zc_revlist_clear(&l);
	zc_privkey_free(cak);
	zc_badge_ca_free(ca);
	return n;
}

static void test_revlist_wrong_signer(void **state)
{
	(void)state;
	uint8_t buf[512], fb[ZC_HASH_LEN];
	zc_revlist_error e;
	zc_privkey *stranger = NULL;
	assert_int_equal(zc_privkey_generate(&stranger), 0);
	zc_badge_ca *a = load_ca("a", 1), *b = load_ca("b", 0);
	zc_badge_ca_fingerprint(b, fb);

	int n = signed_list("a", stranger, 5, NULL, buf, sizeof buf);
	assert_int_equal(zc_badge_ca_set_revocations(a, buf, (size_t)n, &e), ZC_ESIG);
	assert_string_equal(e.field, "sig");
	assert_int_equal(zc_badge_ca_revocation_number(a), 1);
	/* CA b's own list, offered to CA a: names another CA. */
	n = signed_list("b", NULL, 5, NULL, buf, sizeof buf);
	assert_int_equal(zc_badge_ca_set_revocations(a, buf, (size_t)n, &e), ZC_ESIG);
	assert_string_equal(e.field, "ca_fp");
	assert_int_equal(zc_badge_ca_set_revocations(b, buf, (size_t)n, &e), 0);
	/* Signed by CA b's key but claiming to be CA a's. */
	uint8_t fa[ZC_HASH_LEN];
	zc_badge_ca_fingerprint(a, fa);
	n = signed_list("b", NULL, 6, fa, buf, sizeof buf);
	assert_int_equal(zc_badge_ca_set_revocations(a, buf, (size_t)n, &e), ZC_ESIG);
	assert_string_equal(e.field, "sig");
	/* A flipped bit anywhere in a good list never installs. */
	n = signed_list("a", NULL, 7, NULL, buf, sizeof buf);
	for (int i = 0; i < n; i++) {
		uint8_t m[512];
		memcpy(m, buf, (size_t)n);
		m[i] ^= 0x10;
		assert_int_not_equal(zc_badge_ca_set_revocations(a, m, (size_t)n, NULL), 0);
	}
	assert_int_equal(zc_badge_ca_revocation_number(a), 1);
	assert_int_equal(zc_badge_ca_set_revocations(a, buf, (size_t)n, NULL), 0);
	assert_int_equal(zc_badge_ca_revocation_number(a), 7);
	zc_privkey_free(stranger);
	zc_badge_ca_free(a);
	zc_badge_ca_free(b);
}

static void test_revlist_rollback(void **state)
{
	(void)state;
	make_ca("rb", "RB CA");
	issue("rb", "B001", "rb1.card", 0, 0, NULL);
	size_t l1_len, l2_len;
	uint8_t *l1 = slurp(pth("rb", "revocations.zrl"), &l1_len);
	assert_int_equal(zc_ca_revoke(pth("rb", NULL), "B001", T_2025_06_01, 0, NULL, err, sizeof err), 0);
	uint8_t *l2 = slurp(pth("rb", "revocations.zrl"), &l2_len);
	zc_badge_ca *ca = load_ca("rb", 0);
	zc_revlist_error e;
	assert_int_equal(zc_badge_ca_set_revocations(ca, l1, l1_len, &e), 0);
	assert_int_equal(zc_badge_ca_set_revocations(ca, l2, l2_len, &e), 0);
	assert_int_equal(zc_badge_ca_revocation_number(ca), 2);
	/* Back to list 1: refused, list 2 stays. */
	assert_int_equal(zc_badge_ca_set_revocations(ca, l1, l1_len, &e), ZC_ESTATE);
	assert_string_equal(e.field, "number");
	assert_int_equal(zc_badge_ca_revocation_number(ca), 2);
	zc_badge_cert *c = load_card_cert("rb1.card", NULL);
	assert_int_equal(verdict(ca, c, T_2025_06_01), ZC_TAP_REVOKED);
	/* The same list again is a no-op; another list with number 2 is not. */
	assert_int_equal(zc_badge_ca_set_revocations(ca, l2, l2_len, &e), 0);
	uint8_t other[512];
	int n = signed_list("rb", NULL, 2, NULL, other, sizeof other);
	assert_int_equal(zc_badge_ca_set_revocations(ca, other, (size_t)n, &e), ZC_ESTATE);
	assert_int_equal(verdict(ca, c, T_2025_06_01), ZC_TAP_REVOKED);
	/* A missing file. */
	assert_int_equal(zc_badge_ca_load_revocations(ca, pth("rb", "nope.zrl"), NULL), ZC_ENOENT);
	zc_badge_cert_free(c);
	zc_badge_ca_free(ca);
	free(l1);
	free(l2);
}

/* ---- the revocation list: decoder ---- */

/* A well-formed (unsigned) list: 3 entries, a fake DER signature. */
static size_t sample_list(uint8_t *out, size_t cap)
{
	zc_revlist l = {.number = 9, .issued_ms = -5};
	memset(l.ca_fp, 0xCA, ZC_HASH_LEN);
	uint8_t s1[1] = {0x05}, s2[2] = {0x00, 0x80}, s3[20];
	memset(s3, 0x11, sizeof s3);
	assert_int_equal(zc_revlist_add(&l, s3, sizeof s3, INT64_MAX), 0);
	assert_int_equal(zc_revlist_add(&l, s1, sizeof s1, INT64_MIN), 0);
	assert_int_equal(zc_revlist_add(&l, s2, sizeof s2, 0), 0);
	assert_int_equal(zc_revlist_add(&l, s2, sizeof s2, 0), ZC_EEXIST);
	l.sig_len = 70;
	memset(l.sig, 0x42, sizeof l.sig);
	l.sig[0] = 0x30;
	l.sig[1] = 68;
	int n = zc_revlist_encode(&l, out, cap);
	assert_true(n > 0);
	assert_true((size_t)n <= zc_revlist_encoded_max(&l));
	zc_revlist_clear(&l);
	return (size_t)n;
}

/* Offsets in the sample list. */
#define O_NUMBER 4
#define O_COUNT	 52
#define O_E1	 56		    /* serial_len of entry 1 (serial 05) */
#define O_E2	 (O_E1 + 1 + 1 + 8) /* entry 2 (00 80) */
#define O_E3	 (O_E2 + 1 + 2 + 8) /* entry 3 (20 x 11) */
#define O_SIGLEN (O_E3 + 1 + 20 + 8)

static void expect_reject(const uint8_t *buf, size_t len, int code, const char *field, size_t off)
{
	zc_revlist l;
	zc_revlist_error e = {0};
	int rc = zc_revlist_decode(buf, len, &l, NULL, &e);
	if (rc != code || !e.field || strcmp(e.field, field) || e.offset != off)
		fail_msg("wanted %d %s@%zu, got %d %s@%zu (%s)", code, field, off, rc, e.field ? e.field : "-",
			 e.offset, e.why ? e.why : "-");
	assert_non_null(e.why);
	assert_int_equal(l.count, 0);
	assert_null(l.entries);
}

static void test_revlist_round_trip(void **state)
{
	(void)state;
	uint8_t buf[1024], again[1024];
	size_t n = sample_list(buf, sizeof buf), blen = 0;
	assert_int_equal(n, O_SIGLEN + 1 + 70);
	zc_revlist l;
	assert_int_equal(zc_revlist_decode(buf, n, &l, &blen, NULL), 0);
	assert_int_equal(blen, O_SIGLEN);
	assert_int_equal(l.number, 9);
	assert_int_equal(l.issued_ms, -5);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.entries[0].serial_len, 1);
	assert_int_equal(l.entries[0].revoked_from_ms, INT64_MIN);
	assert_int_equal(l.entries[1].serial_len, 2);
	assert_int_equal(l.entries[2].serial_len, 20);
	assert_int_equal(l.entries[2].revoked_from_ms, INT64_MAX);
	uint8_t s2[2] = {0x00, 0x80}, s4[1] = {0x06};
	assert_int_equal(zc_revlist_find(&l, s2, 2), 1);
	assert_int_equal(zc_revlist_find(&l, s4, 1), ZC_ENOENT);
	assert_int_equal((int)zc_revlist_encode(&l, again, sizeof again), (int)n);
	assert_memory_equal(again, buf, n);
	/* too small a buffer */
	assert_int_equal(zc_revlist_encode(&l, again, n - 1), ZC_ENOSPC);
	assert_int_equal(zc_revlist_encode_body(&l, again, 10), ZC_ENOSPC);
	/* the encoder refuses what the decoder would */
	zc_revlist_entry t = l.entries[0];
	l.entries[0] = l.entries[1];
	l.entries[1] = t;
	assert_int_equal(zc_revlist_encode_body(&l, again, sizeof again), ZC_EARG);
	l.entries[1] = l.entries[0];
	assert_int_equal(zc_revlist_encode_body(&l, again, sizeof again), ZC_EARG);
	zc_revlist_clear(&l);
	zc_revlist z = {.number = 0};
	assert_int_equal(zc_revlist_encode_body(&z, again, sizeof again), ZC_EARG);
	z.number = 1;
	assert_int_equal(zc_revlist_encode(&z, again, sizeof again), ZC_EARG); /* no signature */
	/* add refuses non-canonical serials */
	uint8_t neg[1] = {0x80}, lead[2] = {0x00, 0x7F}, zero[1] = {0}, big[21] = {1};
	assert_int_equal(zc_revlist_add(&z, neg, 1, 0), ZC_EARG);
	assert_int_equal(zc_revlist_add(&z, lead, 2, 0), ZC_EARG);
	assert_int_equal(zc_revlist_add(&z, zero, 1, 0), ZC_EARG);
	assert_int_equal(zc_revlist_add(&z, big, 21, 0), ZC_EARG);
	assert_int_equal(zc_revlist_add(&z, big, 0, 0), ZC_EARG);
	assert_int_equal(z.count, 0);
	zc_revlist_clear(&z);
}

static void test_revlist_every_rejection(void **state)
{
	(void)state;
	uint8_t good[1024], m[1100];
	size_t n = sample_list(good, sizeof good);
#define MUT(expr)                                                                                                      \
	do {                                                                                                           \
		memcpy(m, good, n);                                                                                    \
		expr;                                                                                                  \
	} while (0)

	expect_reject(good, 0, ZC_ETRUNC, "magic", 0);
	MUT(m[3] = '2');
	expect_reject(m, n, ZC_EMALFORMED, "magic", 0);
	MUT(memset(m + O_NUMBER, 0, 8));
	expect_reject(m, n, ZC_EMALFORMED, "number", O_NUMBER);
	MUT(zc_put_u32(m + O_COUNT, ZC_REVLIST_MAX_ENTRIES + 1));
	expect_reject(m, n, ZC_EMALFORMED, "count", O_COUNT);
	MUT(zc_put_u32(m + O_COUNT, 0xFFFFFFFF));
	expect_reject(m, n, ZC_EMALFORMED, "count", O_COUNT);
	/* count claims a fourth entry: it reads the signature as one */
	MUT(zc_put_u32(m + O_COUNT, 4));
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial_len", O_SIGLEN);
	/* count claims two: the third entry is read as the signature */
	MUT(zc_put_u32(m + O_COUNT, 2));
	expect_reject(m, n, ZC_EMALFORMED, "sig", O_E3 + 1);
	MUT(m[O_E1] = 0);
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial_len", O_E1);
	MUT(m[O_E1] = 21);
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial_len", O_E1);
	MUT(m[O_E1 + 1] = 0x85);
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial", O_E1 + 1);
	MUT(m[O_E1 + 1] = 0x00);
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial", O_E1 + 1);
	MUT(m[O_E2 + 2] = 0x7F); /* 00 7F: a redundant leading zero */
	expect_reject(m, n, ZC_EMALFORMED, "entry.serial", O_E2 + 1);
	{
		/* Order: a list of serials 01 00 and 01 01, then the second
		 * made smaller than the first, then equal to it. */
		uint8_t a[256];
		zc_revlist l = {.number = 1, .sig_len = 8};
		uint8_t s1[2] = {0x01, 0x00}, s2[2] = {0x01, 0x01};
		memcpy(l.sig, "\x30\x06\x02\x01\x01\x02\x01\x01", 8);
		assert_int_equal(zc_revlist_add(&l, s2, 2, 0), 0);
		assert_int_equal(zc_revlist_add(&l, s1, 2, 0), 0);
		int k = zc_revlist_encode(&l, a, sizeof a);
		assert_int_equal(k, O_E1 + 2 * 11 + 1 + 8);
		zc_revlist_clear(&l);
		assert_int_equal(zc_revlist_decode(a, (size_t)k, &l, NULL, NULL), 0);
		zc_revlist_clear(&l);
		a[O_E1 + 2] = 0x01;
		a[O_E1 + 11 + 2] = 0x00;
		expect_reject(a, (size_t)k, ZC_EMALFORMED, "entry.serial", O_E1 + 11 + 1);
		a[O_E1 + 11 + 2] = 0x01;
		expect_reject(a, (size_t)k, ZC_EMALFORMED, "entry.serial", O_E1 + 11 + 1);
	}
	MUT(m[O_SIGLEN] = 7);
	expect_reject(m, n, ZC_EMALFORMED, "sig_len", O_SIGLEN);
	MUT(m[O_SIGLEN] = 73);
	expect_reject(m, n, ZC_EMALFORMED, "sig_len", O_SIGLEN);
	MUT(m[O_SIGLEN + 1] = 0x31);
	expect_reject(m, n, ZC_EMALFORMED, "sig", O_SIGLEN + 1);
	MUT(m[O_SIGLEN + 2] = 67);
	expect_reject(m, n, ZC_EMALFORMED, "sig", O_SIGLEN + 1);
	MUT(m[n] = 0);
	expect_reject(m, n + 1, ZC_EMALFORMED, "trailing_bytes", n);

	/* Every proper prefix is truncated, at the field it ends in. */
	static const struct {
		size_t from;
		const char *field;
	} at[] = {{0, "magic"},
		  {4, "number"},
		  {12, "issued_ms"},
		  {20, "ca_fp"},
		  {52, "count"},
		  {O_E1, "entry.serial_len"},
		  {O_E1 + 1, "entry.serial"},
		  {O_E1 + 2, "entry.revoked_from_ms"},
		  {O_E2, "entry.serial_len"},
		  {O_E2 + 1, "entry.serial"},
		  {O_E2 + 3, "entry.revoked_from_ms"},
		  {O_E3, "entry.serial_len"},
		  {O_E3 + 1, "entry.serial"},
		  {O_E3 + 21, "entry.revoked_from_ms"},
		  {O_SIGLEN, "sig_len"},
		  {O_SIGLEN + 1, "sig"}};
	for (size_t k = 0; k < n; k++) {
		const char *field = NULL;
		size_t off = 0;
		for (size_t j = 0; j < sizeof at / sizeof at[0]; j++)
			if (at[j].from <= k && at[j].from >= off) {
				field = at[j].field;
				off = at[j].from;
			}
		zc_revlist l;
		zc_revlist_error e = {0};
		assert_int_equal(zc_revlist_decode(good, k, &l, NULL, &e), ZC_ETRUNC);
		if (strcmp(e.field, field) || e.offset != off)
			fail_msg("prefix %zu: wanted %s@%zu, got %s@%zu", k, field, off, e.field, e.offset);
	}
	/* The decoder checks everything before it allocates: a huge count
	 * with no entries is refused as truncated, not allocated. */
	uint8_t head[O_COUNT + 4];
	memcpy(head, good, sizeof head);
	zc_put_u32(head + O_COUNT, ZC_REVLIST_MAX_ENTRIES);
	expect_reject(head, sizeof head, ZC_ETRUNC, "entry.serial_len", O_COUNT + 4);
#undef MUT
}

/* ---- card signatures and clones ---- */

static zc_privkey *card_key(const zc_ca_card *c)
{
	zc_privkey *k = NULL;
	assert_int_equal(zc_privkey_parse((const uint8_t *)c->key_pem, strlen(c->key_pem), &k), 0);
	return k;
}

static void test_card_signature_and_clone(void **state)
{
	(void)state;
	assert_int_equal(zc_ca_clone(pth("b002.card", NULL), pth("b002x.card", NULL), NULL, NULL, err, sizeof err), 0);
	assert_int_equal(zc_ca_clone(pth("b002.card", NULL), pth("b002x.card", NULL), NULL, NULL, err, sizeof err),
			 ZC_EEXIST);
	zc_ca_card orig, clone;
	zc_badge_cert *c = load_card_cert("b002.card", &orig), *cc = load_card_cert("b002x.card", &clone);
	zc_badge_ca *ca = load_ca("a", 1);
	/* The clone carries the same certificate, UUID and UID... */
	assert_int_equal(orig.cert_len, clone.cert_len);
	assert_memory_equal(orig.cert_der, clone.cert_der, orig.cert_len);
	assert_memory_equal(orig.uuid, clone.uuid, sizeof orig.uuid);
	assert_int_equal(orig.uid_len, clone.uid_len);
	assert_memory_equal(orig.uid, clone.uid, orig.uid_len);
	assert_string_equal(clone.badge, "B002");
	assert_non_null(orig.key_pem);
	assert_string_not_equal(orig.key_pem, clone.key_pem);
	/* ...so the certificate checks, but its signatures do not. */
	assert_int_equal(verdict(ca, cc, T_2025_01_02), ZC_TAP_OK);
	zc_privkey *k = card_key(&orig), *kx = card_key(&clone);
	uint8_t d[ZC_HASH_LEN], sig[ZC_SIG_MAX], sigx[ZC_SIG_MAX];
	size_t sl, slx;
	zc_sha256("challenge", 9, d);
	assert_int_equal(zc_privkey_sign(k, d, sig, &sl), 0);
	assert_int_equal(zc_privkey_sign(kx, d, sigx, &slx), 0);
	assert_int_equal(zc_badge_cert_verify(c, d, sig, sl), 0);
	assert_int_equal(zc_badge_cert_verify(c, d, sigx, slx), ZC_ESIG);
	assert_int_equal(zc_badge_cert_verify(cc, d, sigx, slx), ZC_ESIG);
	/* wrong digest, damaged or empty signature */
	uint8_t d2[ZC_HASH_LEN];
	memcpy(d2, d, sizeof d2);
	d2[0] ^= 1;
	assert_int_equal(zc_badge_cert_verify(c, d2, sig, sl), ZC_ESIG);
	sig[sl - 1] ^= 1;
	assert_int_equal(zc_badge_cert_verify(c, d, sig, sl), ZC_ESIG);
	assert_int_equal(zc_badge_cert_verify(c, d, sig, 0), ZC_ESIG);
	assert_int_equal(zc_badge_cert_verify(c, d, sig, ZC_SIG_MAX + 1), ZC_ESIG);
	zc_privkey_free(k);
	zc_privkey_free(kx);
	zc_ca_card_free(&orig);
	zc_ca_card_free(&clone);
	zc_badge_cert_free(c);
	zc_badge_cert_free(cc);
	zc_badge_ca_free(ca);
}

/* ---- parsing ---- */

/* A self-signed CA certificate with a P-384 key: CN=P384, serial 7,
 * 2020-01-01 .. 2040-12-31T23:59:59Z, basicConstraints cA (critical),
 * ecdsa-with-SHA256. Made once with mbedTLS 2.28's writer; kept as it is
 * because zc/crypto.h makes P-256 keys only. */
static const char p384_pem[] = "-----BEGIN CERTIFICATE-----\n"
			       "MIIBYDCB5aADAgECAgEHMAwGCCqGSM49BAMCBQAwDzENMAsGA1UEAwwEUDM4NDAe\n"
			       "Fw0yMDAxMDEwMDAwMDBaFw00MDEyMzEyMzU5NTlaMA8xDTALBgNVBAMMBFAzODQw\n"
			       "djAQBgcqhkjOPQIBBgUrgQQAIgNiAASArs6WPgg4q4RbYHl4w98jidr5IbD7w6yJ\n"
			       "0z01TABvu7ooXvaCgdDiVstH8LEr5ocJX0k+WP+oOIAqqcyFjVa8Mm05jBJiYADl\n"
			       "aiheaVkm/24oQXHP3U9ZOm5DMtO7eKSjEzARMA8GA1UdEwEB/wQFMAMBAf8wDAYI\n"
			       "KoZIzj0EAwIFAANoADBlAjAJyHkXuMTj0JLFh9iGdndQDSeFR6vQS40z6zPpx99E\n"
			       "yYrJZ/A0voHLUZmoammHvcMCMQDeSoiE9z0FNzttXC8+g6FLdN0jf/6f+pCV8hF9\n"
			       "ig/yqt9uW+uly90J7bCeU2qgl1g=\n"
			       "-----END CERTIFICATE-----\n";

static size_t p384_cert(uint8_t *out, size_t cap)
{
	uint8_t *der = NULL;
	size_t n = 0;
	assert_int_equal(zc_pem_decode(p384_pem, "CERTIFICATE", &der, &n, NULL), 0);
	assert_true(n <= cap);
	memcpy(out, der, n);
	free(der);
	return n;
}

static void test_parse_rejections(void **state)
{
	(void)state;
	zc_badge_ca *ca = NULL;
	zc_badge_cert *c = NULL;
	size_t pem_len;
	uint8_t *pem = slurp(pth("a", "ca.pem"), &pem_len);
	/* PEM, and PEM with blank space around it, parse. */
	assert_int_equal(zc_badge_ca_parse(pem, pem_len, &ca), 0);
	size_t dl;
	const uint8_t *d = zc_badge_ca_der(ca, &dl);
	uint8_t *der = malloc(dl + 1);
	memcpy(der, d, dl);
	zc_badge_ca_free(ca);
	ca = NULL;
	uint8_t *pem2 = malloc(pem_len + 16);
	memcpy(pem2, "\n  ", 3);
	memcpy(pem2 + 3, pem, pem_len);
	memcpy(pem2 + 3 + pem_len, "\n\n", 2);
	assert_int_equal(zc_badge_ca_parse(pem2, pem_len + 5, &ca), 0);
	zc_badge_ca_free(ca);
	/* ...but not with anything else after it, nor a second certificate. */
	memcpy(pem2, pem, pem_len);
	pem2[pem_len] = 'x';
	assert_int_equal(zc_badge_ca_parse(pem2, pem_len + 1, &ca), ZC_EMALFORMED);
	uint8_t *two = malloc(2 * pem_len);
	memcpy(two, pem, pem_len);
	memcpy(two + pem_len, pem, pem_len);
	assert_int_equal(zc_badge_ca_parse(two, 2 * pem_len, &ca), ZC_EMALFORMED);
	free(two);
	/* DER parses; DER with a trailing byte does not. */
	assert_int_equal(zc_badge_ca_parse(der, dl, &ca), 0);
	zc_badge_ca_free(ca);
	der[dl] = 0;
	assert_int_equal(zc_badge_ca_parse(der, dl + 1, &ca), ZC_EMALFORMED);
	assert_int_equal(zc_badge_ca_parse((const uint8_t *)"garbage", 7, &ca), ZC_EMALFORMED);
	assert_int_equal(zc_badge_ca_parse(NULL, 0, &ca), ZC_EMALFORMED);
	/* A badge certificate is not a CA (not cA). */
	zc_ca_card card;
	zc_badge_cert *bc = load_card_cert("b001.card", &card);
	assert_int_equal(zc_badge_ca_parse(card.cert_der, card.cert_len, &ca), ZC_EMALFORMED);
	/* A P-384 key is refused for both. */
	uint8_t p384[2048];
	size_t pl = p384_cert(p384, sizeof p384);
	assert_int_equal(zc_badge_ca_parse(p384, pl, &ca), ZC_EMALFORMED);
	assert_int_equal(zc_badge_cert_parse(p384, pl, &c), ZC_EMALFORMED);
	/* A badge certificate must be DER. */
	assert_int_equal(zc_badge_cert_parse(pem, pem_len, &c), ZC_EMALFORMED);
	/* The CA certificate parses as a certificate (P-256) but is no badge. */
	assert_int_equal(zc_badge_cert_parse(der, dl, &c), 0);
	zc_badge_ca *a = load_ca("a", 1);
	assert_int_equal(verdict(a, c, T_2025_01_02), ZC_TAP_UNKNOWN_CA);
	zc_badge_cert_free(c);
	/* Files. */
	assert_int_equal(zc_badge_ca_load(pth("nope.pem", NULL), &ca), ZC_ENOENT);
	assert_int_equal(zc_badge_ca_load(pth("b001.card", NULL), &ca), ZC_EMALFORMED);
	zc_badge_ca_free(a);
	zc_badge_cert_free(bc);
	zc_ca_card_free(&card);
	free(pem);
	free(pem2);
	free(der);
}

/* ---- the CA tool's own rules ---- */

static void test_ca_tool_rules(void **state)
{
	(void)state;
	zc_ca_init_opts io = {.dir = pth("a", NULL), .name = "again"};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), ZC_EEXIST);
	assert_non_null(strstr(err, "refusing to overwrite"));
	io.dir = pth("bad", NULL);
	io.name = "";
	assert_int_equal(zc_ca_init(&io, err, sizeof err), ZC_EARG);
	io.name = "a\nb";
	assert_int_equal(zc_ca_init(&io, err, sizeof err), ZC_EARG);
	io.name = "\xE5\xBC"; /* cut UTF-8 */
	assert_int_equal(zc_ca_init(&io, err, sizeof err), ZC_EARG);

	zc_ca_issue_opts o = {
	    .dir = pth("a", NULL), .badge = "B001", .cadre = "C001", .name = "张三", .out = pth("dup.card", NULL)};
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_EEXIST); /* issued before */
	o.badge = "B050";
	o.out = pth("b001.card", NULL);
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_EEXIST); /* card file exists */
	o.out = pth("b050.card", NULL);
	o.cadre = "C_01";
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_EARG); /* not PrintableString */
	o.cadre = "C001";
	o.badge = "B 1";
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_EARG);
	o.badge = "B050";
	o.dir = pth("nowhere", NULL);
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), ZC_ENOENT);
	o.dir = pth("a", NULL);
	/* Given UUID and a 4-byte UID are kept. */
	uint8_t uuid[ZC_BADGE_UUID_LEN], uid[4] = {0x1A, 0x2B, 0x3C, 0x4D};
	memset(uuid, 0xAB, sizeof uuid);
	o.uuid = uuid;
	o.uid = uid;
	o.uid_len = sizeof uid;
	o.cert_out = pth("b050.der", NULL);
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), 0);
	zc_ca_card card;
	zc_badge_cert *c = load_card_cert("b050.card", &card);
	uint8_t got[ZC_BADGE_UUID_LEN];
	assert_int_equal(zc_badge_cert_uuid(c, got), 0);
	assert_memory_equal(got, uuid, sizeof uuid);
	assert_memory_equal(card.uuid, uuid, sizeof uuid);
	assert_int_equal(card.uid_len, 4);
	assert_memory_equal(card.uid, uid, 4);
	size_t dl;
	uint8_t *der = slurp(pth("b050.der", NULL), &dl);
	assert_int_equal(dl, card.cert_len);
	assert_memory_equal(der, card.cert_der, dl);
	free(der);
	zc_ca_card_free(&card);
	zc_badge_cert_free(c);

	/* Times. */
	int64_t ms;
	assert_int_equal(zc_ca_parse_time("2025-06-01T00:00:00Z", &ms), 0);
	assert_int_equal(ms, T_2025_06_01);
	assert_int_equal(zc_ca_parse_time("2025-06-01T08:00:00+08:00", &ms), 0);
	assert_int_equal(ms, T_2025_06_01);
	assert_int_equal(zc_ca_parse_time("2025-05-31T23:00:00.250-01:00", &ms), 0);
	assert_int_equal(ms, T_2025_06_01 + 250);
	assert_int_equal(zc_ca_parse_time("2025-06-01T00:00:00", &ms), ZC_EMALFORMED);
	assert_int_equal(zc_ca_parse_time("2025-02-30T00:00:00Z", &ms), ZC_EMALFORMED);
	assert_int_equal(zc_ca_parse_time("2025-06-01 00:00:00Z", &ms), ZC_EMALFORMED);
	assert_int_equal(zc_ca_parse_time("2025-06-01T00:00:00+8", &ms), ZC_EMALFORMED);
	char t[40];
	assert_string_equal(zc_ca_format_time(T_2025_06_01, t, sizeof t), "2025-06-01T00:00:00Z");
	assert_string_equal(zc_ca_format_time(-1, t, sizeof t), "1969-12-31T23:59:59.999Z");
}

/* A seeded generator: SHA-256 in counter mode. */
struct seeded {
	uint8_t seed[ZC_HASH_LEN];
	uint64_t ctr;
};

static int seeded_rng(void *ctx, uint8_t *buf, size_t n)
{
	struct seeded *s = ctx;
	while (n) {
		uint8_t in[ZC_HASH_LEN + 8], out[ZC_HASH_LEN];
		memcpy(in, s->seed, ZC_HASH_LEN);
		zc_put_u64(in + ZC_HASH_LEN, s->ctr++);
		zc_sha256(in, sizeof in, out);
		size_t k = n < sizeof out ? n : sizeof out;
		memcpy(buf, out, k);
		buf += k;
		n -= k;
	}
	return 0;
}

static void deterministic_world(const char *dir, const char *card)
{
	struct seeded s = {.ctr = 0};
	zc_sha256("scenario", 8, s.seed);
	zc_ca_init_opts io = {
	    .dir = pth(dir, NULL), .name = "D CA", .now_ms = T_2025_01_01, .rng = seeded_rng, .rng_ctx = &s};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
	zc_ca_issue_opts o = {.dir = pth(dir, NULL),
			      .badge = "B001",
			      .cadre = "C001",
			      .name = "张三",
			      .out = pth(card, NULL),
			      .rng = seeded_rng,
			      .rng_ctx = &s};
	assert_int_equal(zc_ca_issue(&o, NULL, err, sizeof err), 0);
	assert_int_equal(zc_ca_revoke(pth(dir, NULL), "B001", T_2025_06_01, T_2025_06_01, NULL, err, sizeof err), 0);
}

static void test_seeded_rng_reproduces(void **state)
{
	(void)state;
	deterministic_world("d1", "d1.card");
	deterministic_world("d2", "d2.card");
	const char *files[][2] = {{"d1/ca.pem", "d2/ca.pem"},
				  {"d1/ca.key", "d2/ca.key"},
				  {"d1/revocations.zrl", "d2/revocations.zrl"},
				  {"d1/issued.txt", "d2/issued.txt"},
				  {"d1.card", "d2.card"}};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		size_t l1, l2;
		uint8_t *a = slurp(pth(files[i][0], NULL), &l1), *b = slurp(pth(files[i][1], NULL), &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(a, b, l1);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issue_and_check_ok),
	    cmocka_unit_test(test_other_ca_is_unknown),
	    cmocka_unit_test(test_tampered_cert),
	    cmocka_unit_test(test_reencoded_copies),
	    cmocka_unit_test(test_validity),
	    cmocka_unit_test(test_revoked_from),
	    cmocka_unit_test(test_revlist_wrong_signer),
	    cmocka_unit_test(test_revlist_rollback),
	    cmocka_unit_test(test_revlist_round_trip),
	    cmocka_unit_test(test_revlist_every_rejection),
	    cmocka_unit_test(test_card_signature_and_clone),
	    cmocka_unit_test(test_parse_rejections),
	    cmocka_unit_test(test_ca_tool_rules),
	    cmocka_unit_test(test_seeded_rng_reproduces),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
