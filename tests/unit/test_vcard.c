/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_vcard.c: the virtual cards (tools/sim/vcard.c). UID cards; the card
 * file; the PIV application: SELECT forms, the CHUID, the certificate read
 * through GET RESPONSE and compared byte for byte, GENERAL AUTHENTICATE
 * verified with the certificate's key (and a clone's failing), command
 * chaining, VERIFY, the discovery object, the error status words, and
 * random APDUs.
 *
 * The card files are made here with the crypto wrapper's certificate writer
 * (a self-signed P-256 certificate, zc/crypto.h), not with the badge CA
 * tool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "vcard.h"
#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"

static char *dir;
static char card_path[4096], clone_path[4096];
static uint8_t cert_der[2048];
static size_t cert_len;
static const char uuid_hex[] = "00112233445566778899aabbccddeeff";

/* ---- making card files ---- */

/* A self-signed certificate for k, as DER (cert_der) and PEM. */
static void make_cert(zc_privkey *k, char *pem, size_t cap)
{
	static const uint8_t serial[] = {0x10, 0x92}; /* 4242 */
	const zc_x509_attr name[] = {
	    {ZC_X509_ATTR_CN, ZC_ASN1_UTF8_STRING, (const uint8_t *)"Test Cadre", 10},
	    {ZC_X509_ATTR_SERIAL_NUMBER, ZC_ASN1_PRINTABLE_STRING, (const uint8_t *)"C001", 4},
	    {ZC_X509_ATTR_OU, ZC_ASN1_UTF8_STRING, (const uint8_t *)"B001", 4},
	    {ZC_X509_ATTR_O, ZC_ASN1_UTF8_STRING, (const uint8_t *)"Test District", 13},
	};
	zc_x509_spec spec = {.subject = name,
			     .subject_len = sizeof name / sizeof name[0],
			     .subject_key = k,
			     .issuer_key = k,
			     .serial = serial,
			     .serial_len = sizeof serial,
			     .from_ms = 1735689600000LL, /* 2025-01-01T00:00:00Z */
			     .to_ms = 2240611199000LL};	 /* 2040-12-31T23:59:59Z */
	assert_int_equal(zc_x509_write(&spec, NULL, NULL, cert_der, sizeof cert_der, &cert_len), 0);
	assert_int_equal(zc_pem_encode("CERTIFICATE", cert_der, cert_len, pem, cap), 0);
}

static void write_card(const char *path, const char *head, const char *cert_pem, zc_privkey *k)
{
	char key_pem[1024], text[8192];
	assert_int_equal(zc_privkey_pem(k, key_pem, sizeof key_pem), 0);
	snprintf(text, sizeof text, "%s%s%s", head, cert_pem, key_pem);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
}

static const char good_head[] = "# zhucun virtual PIV card\n"
				"uuid=00112233445566778899aabbccddeeff\n"
				"uid=08a1b2c3\n"
				"badge=B001\n"
				"cadre=C001\n"
				"future=ignored\n";

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("vcard");
	if (!dir)
		return -1;
	zc_privkey *k = NULL, *other = NULL;
	char cert_pem[4096];
	if (zc_privkey_generate(&k) || zc_privkey_generate(&other))
		return -1;
	make_cert(k, cert_pem, sizeof cert_pem);
	snprintf(card_path, sizeof card_path, "%s/card.txt", dir);
	snprintf(clone_path, sizeof clone_path, "%s/clone.txt", dir);
	write_card(card_path, good_head, cert_pem, k);
	write_card(clone_path, good_head, cert_pem, other); /* same certificate, another key */
	zc_privkey_free(k);
	zc_privkey_free(other);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	return 0;
}

/* ---- helpers ---- */

static zc_vcard *load(const char *path)
{
	zc_vcard *c = NULL;
	char err[256] = "";
	int rc = zc_vcard_piv_load(path, &c, err, sizeof err);
	if (rc)
		fprintf(stderr, "load: %s\n", err);
	assert_int_equal(rc, 0);
	return c;
}

/* Send an APDU given as hex (spaces allowed); returns the response length
 * and puts the status word in *sw. */
static int xfer(zc_vcard *c, const char *hex, uint8_t *r, size_t rcap, uint16_t *sw)
{
	char clean[1200];
	size_t k = 0;
	for (const char *p = hex; *p; p++)
		if (*p != ' ') {
			assert_true(k < sizeof clean - 1);
			clean[k++] = *p;
		}
	clean[k] = 0;
	uint8_t cmd[600];
	assert_int_equal(k % 2, 0);
	assert_int_equal(zc_unhex(clean, cmd, k / 2), 0);
	int n = zc_vcard_transceive(c, cmd, k / 2, r, rcap);
	assert_true(n >= 2);
	assert_true((size_t)n <= rcap);
	*sw = (uint16_t)(r[n - 2] << 8 | r[n - 1]);
	return n;
}

static uint16_t sw_of(zc_vcard *c, const char *hex)
{
	uint8_t r[300];
	uint16_t sw;
	xfer(c, hex, r, sizeof r, &sw);
	return sw;
}

static void select_piv(zc_vcard *c)
{
	assert_int_equal(sw_of(c, "00 A4 04 00 05 A0 00 00 03 08 00"), 0x9000);
}

/* Read a data object with GET DATA and GET RESPONSE pieces of at most le
 * bytes; returns the reassembled length and counts the pieces. */
static size_t read_object(zc_vcard *c, const char *tag_hex, unsigned le, size_t rcap, uint8_t *out, size_t cap,
			  int *pieces)
{
	char cmd[64];
	size_t tl = strlen(tag_hex) / 2;
	snprintf(cmd, sizeof cmd, "00 CB 3F FF %02zX 5C %02zX %s %02X", tl + 2, tl, tag_hex, le & 0xFF);
	uint8_t r[300];
	uint16_t sw;
	int n = xfer(c, cmd, r, rcap, &sw);
	size_t len = 0;
	*pieces = 1;
	for (;;) {
		assert_true((size_t)n - 2 <= (le ? le : 256));
		assert_true(len + (size_t)n - 2 <= cap);
		memcpy(out + len, r, (size_t)n - 2);
		len += (size_t)n - 2;
		if (sw == 0x9000)
			return len;
		assert_int_equal(sw >> 8, 0x61);
		snprintf(cmd, sizeof cmd, "00 C0 00 00 %02X",
			 le < (unsigned)(sw & 0xFF) || !(sw & 0xFF) ? le & 0xFF : sw & 0xFF);
		n = xfer(c, cmd, r, rcap, &sw);
		(*pieces)++;
	}
}

/* Find a one-byte-tag TLV at the top level of v; returns its value. */
static const uint8_t *find_tlv(const uint8_t *v, size_t n, uint8_t tag, size_t *len)
{
	size_t i = 0;
	while (i + 2 <= n) {
		uint8_t t = v[i++];
		size_t l = v[i++];
		if (l == 0x81) {
			l = v[i++];
		} else if (l == 0x82) {
			l = (size_t)v[i] << 8 | v[i + 1];
			i += 2;
		}
		if (i + l > n)
			return NULL;
		if (t == tag) {
			*len = l;
			return v + i;
		}
		i += l;
	}
	return NULL;
}

/* ---- UID cards and specs ---- */

static void test_uid_card(void **state)
{
	(void)state;
	zc_vcard *c;
	char err[200];
	zc_target t;
	assert_int_equal(zc_vcard_from_spec("uid:04A22B91", &c, err, sizeof err), 0);
	zc_vcard_target(c, &t);
	assert_int_equal(t.uid_len, 4);
	assert_memory_equal(t.uid, "\x04\xA2\x2B\x91", 4);
	assert_int_equal(t.atqa[0], 0x00);
	assert_int_equal(t.atqa[1], 0x04);
	assert_int_equal(t.sak, 0x08);
	assert_int_equal(t.iso14443_4, 0);
	assert_int_equal(t.ats_len, 0);
	assert_string_equal(zc_vcard_describe(c), "uid 04a22b91");
	uint8_t r[16];
	assert_int_equal(zc_vcard_transceive(c, (const uint8_t *)"\x00\xA4\x04\x00", 4, r, sizeof r), ZC_ESTATE);
	zc_vcard_free(c);

	assert_int_equal(zc_vcard_from_spec("uid:04112233445566", &c, err, sizeof err), 0);
	zc_vcard_target(c, &t);
	assert_int_equal(t.uid_len, 7);
	assert_int_equal(t.atqa[1], 0x44);
	zc_vcard_free(c);

	static const char *bad[] = {"uid:",	    "uid:04A22B9",     "uid:04A22B91FF", "uid:XYZXYZXY",
				    "uid:88A22B91", "mifare:04A22B91", "piv:",		 "",
				    "04A22B91"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = 0;
		c = (zc_vcard *)1;
		assert_int_equal(zc_vcard_from_spec(bad[i], &c, err, sizeof err), ZC_EMALFORMED);
		assert_null(c);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(zc_vcard_uid_new((const uint8_t *)"\x01\x02\x03", 3, &c), ZC_EARG);
}

static void test_card_file_errors(void **state)
{
	(void)state;
	char path[4096], err[300];
	zc_vcard *c;
	uint8_t *good;
	size_t good_len;
	good = tu_read_file(card_path, &good_len);
	assert_non_null(good);
	good = realloc(good, good_len + 1); /* as a string */
	assert_non_null(good);
	good[good_len] = 0;
	const char *pem = strstr((const char *)good, "-----BEGIN CERTIFICATE-----");
	const char *key = strstr((const char *)good, "-----BEGIN EC PRIVATE KEY-----");
	assert_non_null(pem);
	assert_non_null(key);
	struct {
		const char *head;
		int with_cert, with_key;
		const char *needle;
	} cases[] = {
	    {"uid=08a1b2c3\n", 1, 1, "uuid"},
	    {"uuid=00112233445566778899aabbccddeeff\n", 1, 1, "uid"},
	    {"uuid=0011\nuid=08a1b2c3\n", 1, 1, "uuid="},
	    {"uuid=00112233445566778899aabbccddeeff\nuid=08a1\n", 1, 1, "uid="},
	    {"uuid=00112233445566778899aabbccddeeff\nuid=08a1b2c3\nno equals sign\n", 1, 1, "line 3"},
	    {"uuid=00112233445566778899aabbccddeeff\nuid=08a1b2c3\n", 0, 1, "CERTIFICATE"},
	    {"uuid=00112233445566778899aabbccddeeff\nuid=08a1b2c3\n", 1, 0, "PRIVATE KEY"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[8192];
		size_t k = (size_t)snprintf(text, sizeof text, "%s", cases[i].head);
		if (cases[i].with_cert)
			k += (size_t)snprintf(text + k, sizeof text - k, "%.*s", (int)(key - pem), pem);
		if (cases[i].with_key)
			k += (size_t)snprintf(text + k, sizeof text - k, "%s", key);
		snprintf(path, sizeof path, "%s/bad%zu.txt", dir, i);
		assert_int_equal(tu_write_file(path, text, k), 0);
		err[0] = 0;
		assert_int_equal(zc_vcard_piv_load(path, &c, err, sizeof err), ZC_EMALFORMED);
		assert_null(c);
		if (!strstr(err, cases[i].needle))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].needle, err);
	}
	snprintf(path, sizeof path, "%s/missing.txt", dir);
	assert_int_equal(zc_vcard_piv_load(path, &c, err, sizeof err), ZC_ENOENT);
	assert_non_null(strstr(err, "missing.txt"));
	/* A garbled certificate body. */
	char text[8192];
	snprintf(text, sizeof text,
		 "uuid=%s\nuid=08a1b2c3\n-----BEGIN CERTIFICATE-----\nTUlJQg==\n"
		 "-----END CERTIFICATE-----\n%s",
		 uuid_hex, key);
	snprintf(path, sizeof path, "%s/garbled.txt", dir);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	assert_int_equal(zc_vcard_piv_load(path, &c, err, sizeof err), ZC_EMALFORMED);
	free(good);
}

/* ---- PIV ---- */

static void test_piv_target(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	zc_target t;
	zc_vcard_target(c, &t);
	assert_int_equal(t.uid_len, 4);
	assert_memory_equal(t.uid, "\x08\xA1\xB2\xC3", 4);
	assert_int_equal(t.sak, 0x20);
	assert_int_equal(t.atqa[1], 0x04);
	assert_int_equal(t.iso14443_4, 1);
	assert_int_equal(t.ats_len, 5);
	assert_memory_equal(t.ats, "\x75\x77\x81\x02\x80", 5);
	assert_string_equal(zc_vcard_describe(c), "piv B001 C001");
	zc_vcard_free(c);
	char err[200];
	char spec[4200];
	snprintf(spec, sizeof spec, "piv:%s", card_path);
	assert_int_equal(zc_vcard_from_spec(spec, &c, err, sizeof err), 0);
	zc_vcard_free(c);
}

static void test_select(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	uint8_t r[300];
	uint16_t sw;
	/* Nothing selected: the card manager knows no PIV instruction. */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x6D00);
	assert_int_equal(sw_of(c, "00 87 11 9E 00"), 0x6D00);
	/* The RID, as the terminal sends it, with Le. */
	int n = xfer(c, "00 A4 04 00 05 A0 00 00 03 08 00", r, sizeof r, &sw);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(r[0], 0x61);
	assert_int_equal(r[1], n - 4);
	size_t l = 0;
	const uint8_t *v = find_tlv(r + 2, (size_t)n - 4, 0x4F, &l);
	assert_non_null(v);
	assert_int_equal(l, 6);
	assert_memory_equal(v, "\x00\x00\x10\x00\x01\x00", 6);
	v = find_tlv(r + 2, (size_t)n - 4, 0x79, &l);
	assert_non_null(v);
	assert_int_equal(l, 7);
	assert_memory_equal(v, "\x4F\x05\xA0\x00\x00\x03\x08", 7);
	assert_non_null(find_tlv(r + 2, (size_t)n - 4, 0x50, &l));
	/* The full AID, the AID without version, no Le (case 3) */
	n = xfer(c, "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00", r, sizeof r, &sw);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(r[0], 0x61);
	assert_int_equal(sw_of(c, "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"), 0x9000);
	/* No response data asked for */
	n = xfer(c, "00 A4 04 0C 05 A0 00 00 03 08", r, sizeof r, &sw);
	assert_int_equal(n, 2);
	assert_int_equal(sw, 0x9000);
	/* Not PIV: too short, another RID, longer than the AID, by path */
	assert_int_equal(sw_of(c, "00 A4 04 00 04 A0 00 00 03 00"), 0x6A82);
	assert_int_equal(sw_of(c, "00 A4 04 00 07 A0 00 00 00 03 10 10 00"), 0x6A82);
	assert_int_equal(sw_of(c, "00 A4 04 00 0C A0 00 00 03 08 00 00 10 00 01 00 01 00"), 0x6A82);
	assert_int_equal(sw_of(c, "00 A4 00 00 02 3F 00 00"), 0x6A86);
	/* A failed SELECT leaves PIV selected. */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x9000);
	/* A power cycle forgets it. */
	zc_vcard_reset(c);
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x6D00);
	zc_vcard_free(c);
}

static void test_chuid(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	uint8_t obj[600];
	int pieces;
	size_t n = read_object(c, "5FC102", 0, 300, obj, sizeof obj, &pieces);
	assert_int_equal(pieces, 1);
	assert_int_equal(obj[0], 0x53);
	size_t l = 0;
	const uint8_t *in = find_tlv(obj, n, 0x53, &l), *v;
	assert_non_null(in);
	/* FASC-N: the value SP 800-73-4 gives issuers outside the agencies
	 * (agency 9999, system 9999, credential 999999). */
	static const uint8_t fascn[25] = {0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68,
					  0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB};
	v = find_tlv(in, l, 0x30, &n);
	assert_non_null(v);
	assert_int_equal(n, 25);
	assert_memory_equal(v, fascn, 25);
	uint8_t guid[16];
	assert_int_equal(zc_unhex(uuid_hex, guid, 16), 0);
	v = find_tlv(in, l, 0x34, &n);
	assert_non_null(v);
	assert_int_equal(n, 16);
	assert_memory_equal(v, guid, 16);
	v = find_tlv(in, l, 0x35, &n);
	assert_non_null(v);
	assert_int_equal(n, 8);
	assert_memory_equal(v, "20401231", 8);
	v = find_tlv(in, l, 0x3E, &n);
	assert_non_null(v);
	assert_int_equal(n, 0);
	v = find_tlv(in, l, 0xFE, &n);
	assert_non_null(v);
	assert_int_equal(n, 0);
	zc_vcard_free(c);
}

static void check_cert_object(const uint8_t *obj, size_t n)
{
	size_t l = 0, vl = 0;
	const uint8_t *in = find_tlv(obj, n, 0x53, &l), *v;
	assert_non_null(in);
	assert_int_equal(in + l, obj + n); /* nothing after the object */
	v = find_tlv(in, l, 0x70, &vl);
	assert_non_null(v);
	assert_int_equal(vl, cert_len);
	assert_memory_equal(v, cert_der, cert_len);
	v = find_tlv(in, l, 0x71, &vl);
	assert_non_null(v);
	assert_int_equal(vl, 1);
	assert_int_equal(v[0], 0x00);
	v = find_tlv(in, l, 0xFE, &vl);
	assert_non_null(v);
	assert_int_equal(vl, 0);
}

static void test_certificate_chaining(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	uint8_t obj[4096];
	int pieces;
	assert_true(cert_len > 256); /* so it needs GET RESPONSE */
	/* Le 00 (256): 256 bytes, 61 xx, the rest. */
	size_t n = read_object(c, "5FC101", 0, 300, obj, sizeof obj, &pieces);
	assert_true(pieces >= 2);
	check_cert_object(obj, n);
	/* Smaller pieces: Le 0x40, and a reader buffer of 50 bytes. */
	n = read_object(c, "5FC101", 0x40, 300, obj, sizeof obj, &pieces);
	assert_int_equal(pieces, (int)((n + 63) / 64));
	check_cert_object(obj, n);
	n = read_object(c, "5FC101", 0, 50, obj, sizeof obj, &pieces);
	assert_int_equal(pieces, (int)((n + 47) / 48));
	check_cert_object(obj, n);
	/* Extended Le 0000 still comes in pieces of at most 256. */
	uint8_t r[300];
	uint16_t sw;
	int k = xfer(c, "00 CB 3F FF 00 00 05 5C 03 5F C1 01 00 00", r, sizeof r, &sw);
	assert_int_equal(k, 258);
	assert_int_equal(sw >> 8, 0x61);
	/* Another command drops the rest; GET RESPONSE then has nothing. */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x9000);
	assert_int_equal(sw_of(c, "00 C0 00 00 00"), 0x6985);
	assert_int_equal(sw_of(c, "00 C0 01 00 00"), 0x6A86);
	/* rcap below 2 is a caller error */
	assert_int_equal(zc_vcard_transceive(c, (const uint8_t *)"\x00\xC0\x00\x00\x00", 5, r, 1), ZC_EARG);
	zc_vcard_free(c);
}

static void general_authenticate(const char *path, int want_valid)
{
	zc_vcard *c = load(path);
	select_piv(c);
	uint8_t chal[32], r[300];
	for (int i = 0; i < 32; i++)
		chal[i] = (uint8_t)(i * 7 + 1);
	uint8_t cmd[64] = {0x00, 0x87, 0x11, 0x9E, 38, 0x7C, 36, 0x82, 0x00, 0x81, 0x20};
	memcpy(cmd + 11, chal, 32);
	cmd[43] = 0x00;
	int n = zc_vcard_transceive(c, cmd, 44, r, sizeof r);
	assert_true(n > 8);
	assert_int_equal(r[n - 2], 0x90);
	assert_int_equal(r[n - 1], 0x00);
	assert_int_equal(r[0], 0x7C);
	assert_int_equal(r[1], n - 4);
	assert_int_equal(r[2], 0x82);
	assert_int_equal(r[3], n - 6);
	const uint8_t *sig = r + 4;
	size_t sig_len = (size_t)n - 6;
	assert_int_equal(sig[0], 0x30); /* DER ECDSA-Sig-Value */

	/* Verify with the certificate's public key. */
	zc_x509 *crt = NULL;
	assert_int_equal(zc_x509_parse_der(cert_der, cert_len, &crt), 0);
	zc_pubkey *pub = zc_x509_pubkey(crt);
	assert_non_null(pub);
	assert_int_equal(zc_pubkey_verify(pub, chal, sig, sig_len), want_valid ? 0 : ZC_ESIG);
	/* Deterministic signing: the same challenge, the same signature. */
	uint8_t r2[300];
	int n2 = zc_vcard_transceive(c, cmd, 44, r2, sizeof r2);
	assert_int_equal(n2, n);
	assert_memory_equal(r2, r, (size_t)n);
	/* The elements in the other order are accepted too. */
	uint8_t swapped[64] = {0x00, 0x87, 0x11, 0x9E, 38, 0x7C, 36, 0x81, 0x20};
	memcpy(swapped + 9, chal, 32);
	swapped[41] = 0x82;
	swapped[42] = 0x00;
	swapped[43] = 0x00;
	n2 = zc_vcard_transceive(c, swapped, 44, r2, sizeof r2);
	assert_int_equal(n2, n);
	assert_memory_equal(r2, r, (size_t)n);
	zc_x509_free(crt);
	zc_vcard_free(c);
}

static void test_general_authenticate(void **state)
{
	(void)state;
	general_authenticate(card_path, 1);
}

static void test_clone_signature_fails(void **state)
{
	(void)state;
	general_authenticate(clone_path, 0);
}

static void test_general_authenticate_errors(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	char chal[100] = "";
	for (int i = 0; i < 32; i++)
		strcat(chal, "AB");
	char cmd[300];
	/* RSA 2048 (07), P-384 (14), keys 9A / 9C / 9D */
	static const char *p1p2[] = {"07 9E", "14 9E", "11 9A", "11 9C", "11 9D", "11 9B"};
	for (size_t i = 0; i < sizeof p1p2 / sizeof *p1p2; i++) {
		snprintf(cmd, sizeof cmd, "00 87 %s 26 7C 24 82 00 81 20 %s 00", p1p2[i], chal);
		assert_int_equal(sw_of(c, cmd), 0x6A86);
	}
	/* A 31-byte challenge, no 82, a witness, not a 7C template, a bad length */
	assert_int_equal(sw_of(c, "00 87 11 9E 25 7C 23 82 00 81 1F 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F "
				  "10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 00"),
			 0x6A80);
	snprintf(cmd, sizeof cmd, "00 87 11 9E 24 7C 22 81 20 %s 00", chal);
	assert_int_equal(sw_of(c, cmd), 0x6A80);
	assert_int_equal(sw_of(c, "00 87 11 9E 04 7C 02 80 00 00"), 0x6A80);
	snprintf(cmd, sizeof cmd, "00 87 11 9E 26 7D 24 82 00 81 20 %s 00", chal);
	assert_int_equal(sw_of(c, cmd), 0x6A80);
	assert_int_equal(sw_of(c, "00 87 11 9E 04 7C 05 82 00 00"), 0x6A80);
	assert_int_equal(sw_of(c, "00 87 11 9E 00"), 0x6A80);
	zc_vcard_free(c);
}

static void test_command_chaining(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	char chal[100] = "";
	for (int i = 0; i < 32; i++)
		strcat(chal, "5A");
	char part2[200];
	/* The template split after 10 bytes: 7C 24 82 00 81 20 + 4 bytes. */
	assert_int_equal(sw_of(c, "10 87 11 9E 0A 7C 24 82 00 81 20 5A 5A 5A 5A"), 0x9000);
	snprintf(part2, sizeof part2, "00 87 11 9E 1C %.*s 00", 28 * 2, chal);
	uint8_t r[300];
	uint16_t sw;
	int n = xfer(c, part2, r, sizeof r, &sw);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(r[0], 0x7C);
	assert_true(n > 70);
	/* A chain broken by another command */
	assert_int_equal(sw_of(c, "10 87 11 9E 02 7C 24"), 0x9000);
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x6883);
	/* and the card is usable again afterwards */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x9000);
	zc_vcard_free(c);
}

static void test_verify(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	assert_int_equal(sw_of(c, "00 20 00 80"), 0x63C3);
	assert_int_equal(sw_of(c, "00 20 00 80 08 31 31 31 31 31 31 FF FF"), 0x63C2);
	assert_int_equal(sw_of(c, "00 20 00 80"), 0x63C2);
	assert_int_equal(sw_of(c, "00 20 00 80 08 31 32 33 34 35 36 FF FF"), 0x9000);
	assert_int_equal(sw_of(c, "00 20 00 80"), 0x9000);
	assert_int_equal(sw_of(c, "00 20 FF 80"), 0x9000);
	assert_int_equal(sw_of(c, "00 20 00 80"), 0x63C3);
	assert_int_equal(sw_of(c, "00 20 00 80 04 31 32 33 34"), 0x6A80);
	assert_int_equal(sw_of(c, "00 20 00 81"), 0x6A88);
	assert_int_equal(sw_of(c, "00 20 01 80"), 0x6A86);
	for (int i = 2; i >= 1; i--)
		assert_int_equal(sw_of(c, "00 20 00 80 08 30 30 30 30 30 30 FF FF"), 0x63C0 | i);
	assert_int_equal(sw_of(c, "00 20 00 80 08 30 30 30 30 30 30 FF FF"), 0x6983);
	assert_int_equal(sw_of(c, "00 20 00 80 08 31 32 33 34 35 36 FF FF"), 0x6983);
	assert_int_equal(sw_of(c, "00 20 00 80"), 0x6983);
	/* GENERAL AUTHENTICATE with 9E needs no PIN, blocked or not. */
	char cmd[300], chal[100] = "";
	for (int i = 0; i < 32; i++)
		strcat(chal, "01");
	snprintf(cmd, sizeof cmd, "00 87 11 9E 26 7C 24 82 00 81 20 %s 00", chal);
	assert_int_equal(sw_of(c, cmd), 0x9000);
	zc_vcard_free(c);
}

static void test_discovery_and_errors(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	select_piv(c);
	uint8_t r[300];
	uint16_t sw;
	int n = xfer(c, "00 CB 3F FF 03 5C 01 7E 00", r, sizeof r, &sw);
	assert_int_equal(sw, 0x9000);
	static const uint8_t disc[] = {0x7E, 0x12, 0x4F, 0x0B, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00,
				       0x00, 0x10, 0x00, 0x01, 0x00, 0x5F, 0x2F, 0x02, 0x40, 0x00};
	assert_int_equal(n - 2, sizeof disc);
	assert_memory_equal(r, disc, sizeof disc);
	/* Objects this card does not have */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 05 00"), 0x6A82); /* PIV authentication */
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 07 00"), 0x6A82); /* CCC */
	/* Malformed GET DATA */
	assert_int_equal(sw_of(c, "00 CB 3F FE 05 5C 03 5F C1 02 00"), 0x6A86);
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5D 03 5F C1 02 00"), 0x6A80);
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 04 5F C1 02 00"), 0x6A80);
	assert_int_equal(sw_of(c, "00 CB 3F FF 02 5C 00 00"), 0x6A80);
	/* Class, instruction, length */
	assert_int_equal(sw_of(c, "80 CB 3F FF 05 5C 03 5F C1 02 00"), 0x6E00);
	assert_int_equal(sw_of(c, "0C CB 3F FF 05 5C 03 5F C1 02 00"), 0x6E00);
	assert_int_equal(sw_of(c, "00 12 00 00 00"), 0x6D00);
	assert_int_equal(sw_of(c, "00 FD 00 00 00"), 0x6D00); /* a vendor's GET VERSION */
	assert_int_equal(sw_of(c, "00 CB 3F FF 08 5C 03 5F C1 02 00"), 0x6700);
	assert_int_equal(sw_of(c, "00 CB 3F FF 05 5C 03 5F C1 02 00 00 00"), 0x6700);
	uint8_t three[3] = {0x00, 0xCB, 0x3F};
	n = zc_vcard_transceive(c, three, 3, r, sizeof r);
	assert_int_equal(n, 2);
	assert_memory_equal(r, "\x67\x00", 2);
	/* Management without the management key */
	assert_int_equal(sw_of(c, "00 DB 3F FF 03 5C 01 7E"), 0x6982);
	assert_int_equal(sw_of(c, "00 47 00 9A 05 AC 03 80 01 11 00"), 0x6982);
	zc_vcard_free(c);
}

/* Random APDUs, mostly of the PIV instructions: every answer fits rcap and
 * ends in a status word; the card still works afterwards. */
static void test_random_apdus(void **state)
{
	(void)state;
	zc_vcard *c = load(card_path);
	unsigned seed = 777;
	static const uint8_t ins[] = {0xA4, 0xCB, 0x87, 0x20, 0xC0, 0x24, 0x2C, 0x47, 0xDB, 0x00, 0xFD};
	for (int i = 0; i < 20000; i++) {
		uint8_t cmd[300], r[300];
		size_t n = (size_t)(rand_r(&seed) % 60);
		for (size_t k = 0; k < n; k++)
			cmd[k] = (uint8_t)rand_r(&seed);
		if (n > 1)
			cmd[1] = ins[rand_r(&seed) % sizeof ins];
		if (n > 0 && rand_r(&seed) % 4)
			cmd[0] = rand_r(&seed) % 3 ? 0x00 : 0x10;
		if (n > 4 && rand_r(&seed) % 2)
			cmd[4] = (uint8_t)(n - 5 - rand_r(&seed) % 2); /* a plausible Lc */
		size_t rcap = 2 + (size_t)(rand_r(&seed) % 280);
		int got = zc_vcard_transceive(c, cmd, n, r, rcap);
		assert_true(got >= 2);
		assert_true((size_t)got <= rcap);
		if (rand_r(&seed) % 500 == 0)
			zc_vcard_reset(c);
	}
	select_piv(c);
	uint8_t obj[4096];
	int pieces;
	size_t n = read_object(c, "5FC101", 0, 300, obj, sizeof obj, &pieces);
	check_cert_object(obj, n);
	zc_vcard_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uid_card),
	    cmocka_unit_test(test_card_file_errors),
	    cmocka_unit_test(test_piv_target),
	    cmocka_unit_test(test_select),
	    cmocka_unit_test(test_chuid),
	    cmocka_unit_test(test_certificate_chaining),
	    cmocka_unit_test(test_general_authenticate),
	    cmocka_unit_test(test_clone_signature_fails),
	    cmocka_unit_test(test_general_authenticate_errors),
	    cmocka_unit_test(test_command_chaining),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_discovery_and_errors),
	    cmocka_unit_test(test_random_apdus),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
