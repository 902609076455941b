/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pn532.c: the PN532 emulator engine (tools/sim/pn532.c), byte for
 * byte, with time driven by the test: framing (preamble, normal and extended
 * frames, checksums, ACK/NACK/error frames, split and stale input), every
 * command libnfc 1.8.0 sends, target selection with and without ATS, held
 * selections and polls, exchanges with a virtual PIV card including a
 * certificate read through GET RESPONSE, presence checks, card removal,
 * reply latency, and random input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pn532.h"
#include "testutil.h"
#include "vcard.h"
#include "zc/crypto.h"
#include "zc/err.h"

static char *dir;
static char card_path[4096];
static uint8_t cert_der[2048];
static size_t cert_len;

static zc_pn532 *chip;
static uint64_t now;

static const uint8_t ACK[] = {0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00};
static const uint8_t NACK[] = {0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00};
static const uint8_t ERR[] = {0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00};

/* ---- a PIV card file (self-signed certificate, made with zc/crypto.h) ---- */

static zc_x509_attr text_attr(int type, int tag, const char *v)
{
	return (zc_x509_attr){type, tag, (const uint8_t *)v, strlen(v)};
}

static int make_card(void)
{
	static const uint8_t serial[] = {7};
	zc_x509_attr name[] = {
	    text_attr(ZC_X509_ATTR_CN, ZC_ASN1_UTF8_STRING, "Test Cadre"),
	    text_attr(ZC_X509_ATTR_SERIAL_NUMBER, ZC_ASN1_PRINTABLE_STRING, "C002"),
	    text_attr(ZC_X509_ATTR_OU, ZC_ASN1_UTF8_STRING, "B002"),
	    text_attr(ZC_X509_ATTR_O, ZC_ASN1_UTF8_STRING, "Test District"),
	};
	zc_privkey *k = NULL;
	char cert_pem[4096], key_pem[1024], text[8192];
	int rc = -1;
	if (zc_privkey_generate(&k))
		return -1;
	/* 2025-01-01T00:00:00Z .. 2040-12-31T23:59:59Z */
	zc_x509_spec spec = {.subject = name, .subject_len = 4, .subject_key = k, .issuer_key = k, .serial = serial};
	spec.serial_len = sizeof serial;
	spec.from_ms = 1735689600000LL;
	spec.to_ms = 2240611199000LL;
	if (zc_x509_write(&spec, NULL, NULL, cert_der, sizeof cert_der, &cert_len) ||
	    zc_pem_encode("CERTIFICATE", cert_der, cert_len, cert_pem, sizeof cert_pem) ||
	    zc_privkey_pem(k, key_pem, sizeof key_pem))
		goto out;
	snprintf(text, sizeof text, "uuid=ffeeddccbbaa99887766554433221100\nuid=08010203\nbadge=B002\ncadre=C002\n%s%s",
		 cert_pem, key_pem);
	snprintf(card_path, sizeof card_path, "%s/card.txt", dir);
	rc = tu_write_file(card_path, text, strlen(text));
out:
	zc_privkey_free(k);
	return rc;
}

static int group_setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("pn532");
	return dir ? make_card() : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	now = 1000;
	return zc_pn532_new(&chip);
}

static int teardown(void **state)
{
	(void)state;
	zc_pn532_free(chip);
	chip = NULL;
	return 0;
}

/* ---- helpers ---- */

/* A host frame around D4 + d (normal or extended). */
static size_t build_frame(uint8_t *f, const uint8_t *d, size_t n, int force_extended)
{
	size_t len = n + 1, k = 0;
	f[k++] = 0x00;
	f[k++] = 0x00;
	f[k++] = 0xFF;
	if (len <= 0xFF && !force_extended) {
		f[k++] = (uint8_t)len;
		f[k++] = (uint8_t)(0x100 - len);
	} else {
		f[k++] = 0xFF;
		f[k++] = 0xFF;
		f[k++] = (uint8_t)(len >> 8);
		f[k++] = (uint8_t)len;
		f[k++] = (uint8_t)(0x100 - ((len >> 8) + (len & 0xFF)));
	}
	uint8_t sum = 0xD4;
	f[k++] = 0xD4;
	for (size_t i = 0; i < n; i++) {
		f[k++] = d[i];
		sum += d[i];
	}
	f[k++] = (uint8_t)(0x100 - sum);
	f[k++] = 0x00;
	return k;
}

static void send_raw(const uint8_t *b, size_t n)
{
	zc_pn532_input(chip, b, n, now);
}

static void send_cmd(const uint8_t *d, size_t n)
{
	uint8_t f[400];
	send_raw(f, build_frame(f, d, n, 0));
}

/* Everything due now. */
static size_t drain(uint8_t *out, size_t cap)
{
	size_t n = 0, k;
	while ((k = zc_pn532_output(chip, now, out + n, cap - n)))
		n += k;
	return n;
}

static void expect_nothing(void)
{
	uint8_t b[64];
	assert_int_equal(drain(b, sizeof b), 0);
}

/* Parse one chip frame at b (normal or extended), check its checksums and
 * direction, return the data after D5 CMD+1 and the frame's size. */
static size_t parse_reply(const uint8_t *b, size_t n, uint8_t cmd, const uint8_t **data, size_t *dlen)
{
	assert_true(n >= 9);
	assert_memory_equal(b, "\x00\x00\xFF", 3);
	size_t len, h;
	if (b[3] == 0xFF && b[4] == 0xFF) {
		len = (size_t)b[5] << 8 | b[6];
		assert_int_equal((uint8_t)(b[5] + b[6] + b[7]), 0);
		assert_true(len > 0xFF); /* extended only when needed */
		h = 8;
	} else {
		len = b[3];
		assert_int_equal((uint8_t)(b[3] + b[4]), 0);
		h = 5;
	}
	assert_true(h + len + 2 <= n);
	uint8_t sum = 0;
	for (size_t i = 0; i <= len; i++)
		sum += b[h + i];
	assert_int_equal(sum, 0);
	assert_int_equal(b[h + len + 1], 0x00);
	assert_int_equal(b[h], 0xD5);
	assert_int_equal(b[h + 1], (uint8_t)(cmd + 1));
	*data = b + h + 2;
	*dlen = len - 2;
	return h + len + 2;
}

/* Send a command, expect ACK + its reply now; copy the reply data. */
static size_t transact(const uint8_t *d, size_t n, uint8_t *out, size_t cap)
{
	static uint8_t b[2048];
	send_cmd(d, n);
	size_t got = drain(b, sizeof b);
	assert_true(got >= sizeof ACK);
	assert_memory_equal(b, ACK, sizeof ACK);
	const uint8_t *data;
	size_t dlen;
	size_t used = sizeof ACK + parse_reply(b + sizeof ACK, got - sizeof ACK, d[0], &data, &dlen);
	assert_int_equal(used, got); /* one reply, nothing else */
	assert_true(dlen <= cap);
	memcpy(out, data, dlen);
	return dlen;
}

/* TX(out, command bytes...): transact with a literal command. */
#define TX(out, ...) transact((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), out, sizeof out)

/* Send a command whose answer must be ACK + the error frame. */
static void expect_error(const uint8_t *d, size_t n)
{
	uint8_t b[64];
	send_cmd(d, n);
	size_t got = drain(b, sizeof b);
	assert_int_equal(got, sizeof ACK + sizeof ERR);
	assert_memory_equal(b, ACK, sizeof ACK);
	assert_memory_equal(b + sizeof ACK, ERR, sizeof ERR);
}

static void init_like_libnfc(void)
{
	uint8_t r[64];
	static const uint8_t wake[] = {0x55, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	send_raw(wake, sizeof wake);
	assert_int_equal(TX(r, 0x14, 0x01), 0);
	assert_int_equal(TX(r, 0x12, 0x14), 0);
	assert_int_equal(TX(r, 0x32, 0x05, 0xFF, 0xFF, 0xFF), 0);
	assert_int_equal(TX(r, 0x32, 0x01, 0x01), 0);
}

static zc_vcard *uid_card(const char *spec)
{
	zc_vcard *c;
	char err[128];
	assert_int_equal(zc_vcard_from_spec(spec, &c, err, sizeof err), 0);
	return c;
}

static zc_vcard *piv_card(void)
{
	zc_vcard *c;
	char err[256];
	assert_int_equal(zc_vcard_piv_load(card_path, &c, err, sizeof err), 0);
	return c;
}

/* InDataExchange of an APDU (hex-free: bytes); returns the reply data
 * (status byte first). */
static size_t exchange(const uint8_t *apdu, size_t n, uint8_t *out, size_t cap)
{
	uint8_t cmd[300] = {0x40, 0x01};
	memcpy(cmd + 2, apdu, n);
	size_t k = transact(cmd, n + 2, out, cap);
	assert_true(k >= 1);
	assert_int_equal(out[0] & 0x80, 0); /* never NAD: libnfc would abort */
	return k;
}

static const uint8_t SELECT_PIV[] = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00};

/* ---- framing ---- */

static void test_open_sequence(void **state)
{
	(void)state;
	uint8_t r[64];
	static const uint8_t wake[] = {0x55, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	send_raw(wake, sizeof wake);
	expect_nothing();
	assert_int_equal(TX(r, 0x14, 0x01), 0); /* SAMConfiguration */
	size_t n = TX(r, 0x00, 0x00, 'l', 'i', 'b', 'n', 'f', 'c');
	assert_int_equal(n, 7);
	assert_memory_equal(r, "\x00libnfc", 7);
	n = TX(r, 0x02);
	assert_int_equal(n, 4);
	assert_memory_equal(r, "\x32\x01\x06\x07", 4);
	assert_int_equal(TX(r, 0x12, 0x14), 0);
	/* Diagnose: ROM and RAM tests, an unknown test */
	assert_int_equal(TX(r, 0x00, 0x01), 1);
	assert_int_equal(r[0], 0x00);
	assert_int_equal(TX(r, 0x00, 0x02), 1);
	expect_error((const uint8_t *)"\x00\x09", 2);
	/* SAMConfiguration with a mode that does not exist */
	expect_error((const uint8_t *)"\x14\x09", 2);
	zc_pn532_stats st;
	zc_pn532_get_stats(chip, &st);
	assert_true(st.frames >= 7);
}

static void test_checksums(void **state)
{
	(void)state;
	uint8_t f[64], b[64], r[16];
	/* A bad length checksum: NACK, nothing else. */
	size_t n = build_frame(f, (const uint8_t *)"\x02", 1, 0);
	f[4] ^= 0x01;
	send_raw(f, n);
	assert_int_equal(drain(b, sizeof b), sizeof NACK);
	assert_memory_equal(b, NACK, sizeof NACK);
	/* A bad data checksum: the error frame, no ACK. */
	n = build_frame(f, (const uint8_t *)"\x02", 1, 0);
	f[n - 2] ^= 0x55;
	send_raw(f, n);
	assert_int_equal(drain(b, sizeof b), sizeof ERR);
	assert_memory_equal(b, ERR, sizeof ERR);
	/* A good frame right after is answered: the parser resynchronised. */
	assert_int_equal(TX(r, 0x02), 4);
	/* Host-to-chip frames carry D4; D5 is refused after the ACK. */
	n = build_frame(f, (const uint8_t *)"\x02", 1, 0);
	f[5] = 0xD5;
	f[n - 2] = (uint8_t)(f[n - 2] - 1);
	send_raw(f, n);
	assert_int_equal(drain(b, sizeof b), sizeof ACK + sizeof ERR);
	assert_memory_equal(b + sizeof ACK, ERR, sizeof ERR);
	/* Commands the chip does not have, or lacks in this emulation */
	expect_error((const uint8_t *)"\x7E", 1);
	expect_error((const uint8_t *)"\x8C\x00", 2); /* TgInitAsTarget */
	expect_error((const uint8_t *)"\x02\x00", 2); /* GetFirmwareVersion takes nothing */
	/* Noise between frames is skipped. */
	static const uint8_t noise[] = {0x13, 0x37, 0xFF, 0x00, 0x55};
	send_raw(noise, sizeof noise);
	assert_int_equal(TX(r, 0x02), 4);
	zc_pn532_stats st;
	zc_pn532_get_stats(chip, &st);
	assert_true(st.bad_frames >= 5);
}

static void test_extended_frames(void **state)
{
	(void)state;
	/* An echo of 260 bytes: an extended frame each way. */
	uint8_t cmd[262] = {0x00, 0x00};
	for (int i = 0; i < 260; i++)
		cmd[2 + i] = (uint8_t)(i * 13);
	uint8_t f[400], b[600];
	size_t n = build_frame(f, cmd, sizeof cmd, 0);
	assert_int_equal(f[3], 0xFF); /* extended */
	send_raw(f, n);
	size_t got = drain(b, sizeof b);
	assert_memory_equal(b, ACK, sizeof ACK);
	const uint8_t *d;
	size_t dl;
	parse_reply(b + sizeof ACK, got - sizeof ACK, 0x00, &d, &dl);
	assert_int_equal(dl, 261);
	assert_memory_equal(d, cmd + 1, 261);
	/* A short command in an extended frame is fine too. */
	n = build_frame(f, (const uint8_t *)"\x02", 1, 1);
	send_raw(f, n);
	got = drain(b, sizeof b);
	assert_int_equal(got, sizeof ACK + 13); /* 5 + D5 03 + 4 + 2 */
	/* An extended frame with a bad length checksum: NACK. */
	n = build_frame(f, cmd, sizeof cmd, 0);
	f[7] ^= 0x10;
	send_raw(f, n);
	got = drain(b, sizeof b);
	assert_true(got >= sizeof NACK);
	assert_memory_equal(b, NACK, sizeof NACK);
	/* Too long for the chip: the error frame. */
	now += 1000;
	static uint8_t big[400];
	big[0] = 0x00;
	n = build_frame(f, big, ZC_PN532_MAX_DATA + 1, 0);
	send_raw(f, 8);
	got = drain(b, sizeof b);
	assert_int_equal(got, sizeof ERR);
	assert_memory_equal(b, ERR, sizeof ERR);
}

static void test_split_and_stale_input(void **state)
{
	(void)state;
	uint8_t f[64], b[64];
	size_t n = build_frame(f, (const uint8_t *)"\x00\x00\x41\x42", 4, 0);
	for (size_t i = 0; i < n; i++) {
		send_raw(f + i, 1);
		if (i + 2 < n)
			expect_nothing();
	}
	size_t got = drain(b, sizeof b);
	assert_int_equal(got, sizeof ACK + 12); /* 5 + D5 01 00 41 42 + 2 */
	/* Half a frame, then silence: the next frame starts afresh. */
	send_raw(f, 6);
	now += 500;
	uint8_t r[16];
	assert_int_equal(TX(r, 0x02), 4);
	/* Half a frame continued in time is one frame. */
	send_raw(f, 6);
	now += 20;
	send_raw(f + 6, n - 6);
	got = drain(b, sizeof b);
	assert_int_equal(got, sizeof ACK + 12); /* 5 + D5 01 00 41 42 + 2 */
}

static void test_host_ack_nack(void **state)
{
	(void)state;
	uint8_t r[16], b[64];
	assert_int_equal(TX(r, 0x02), 4);
	/* NACK: the last reply again (without an ACK). */
	send_raw(NACK, sizeof NACK);
	size_t got = drain(b, sizeof b);
	const uint8_t *d;
	size_t dl;
	assert_int_equal(parse_reply(b, got, 0x02, &d, &dl), got);
	assert_memory_equal(d, "\x32\x01\x06\x07", 4);
	/* ACK from the host aborts a held selection. */
	init_like_libnfc();
	send_cmd((const uint8_t *)"\x4A\x01\x00", 3);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	send_raw(ACK, sizeof ACK);
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	expect_nothing();
}

/* ---- settings ---- */

static void test_registers_and_settings(void **state)
{
	(void)state;
	uint8_t r[16];
	assert_int_equal(TX(r, 0x08, 0x63, 0x02, 0x80, 0x63, 0x03, 0x81, 0x63, 0x3D, 0x07), 0);
	size_t n = TX(r, 0x06, 0x63, 0x02, 0x63, 0x03, 0x63, 0x3D, 0x63, 0x3C);
	assert_int_equal(n, 4);
	assert_memory_equal(r, "\x80\x81\x07\x10", 4);
	expect_error((const uint8_t *)"\x06\x63", 2);
	expect_error((const uint8_t *)"\x08\x63\x02", 3);
	assert_int_equal(TX(r, 0x32, 0x01, 0x00), 0);
	assert_int_equal(TX(r, 0x32, 0x02, 0x00, 0x0B, 0x0A), 0);
	assert_int_equal(TX(r, 0x32, 0x04, 0x00), 0);
	assert_int_equal(TX(r, 0x32, 0x05, 0x00, 0x01, 0x02), 0);
	assert_int_equal(TX(r, 0x32, 0x0A, 0x5A, 0xF4, 0x3F, 0x11, 0x4D, 0x85, 0x61, 0x6F), 0);
	expect_error((const uint8_t *)"\x32\x99\x00", 3);
	expect_error((const uint8_t *)"\x32\x05\xFF", 2);
	expect_error((const uint8_t *)"\x12", 1);
	/* GetGeneralStatus: no field, no target; PowerDown */
	n = TX(r, 0x04);
	assert_int_equal(n, 4);
	assert_memory_equal(r, "\x00\x00\x00\x00", 4);
	assert_int_equal(TX(r, 0x16, 0xF0), 1);
	assert_int_equal(r[0], 0x00);
}

/* ---- selection ---- */

static void test_list_uid_cards(void **state)
{
	(void)state;
	uint8_t r[64];
	init_like_libnfc();
	assert_int_equal(TX(r, 0x32, 0x05, 0x00, 0x01, 0x02), 0); /* finite retries */
	/* No card: no target. */
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 1);
	assert_int_equal(r[0], 0x00);
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	size_t n = TX(r, 0x4A, 0x01, 0x00);
	static const uint8_t want4[] = {0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xA2, 0x2B, 0x91};
	assert_int_equal(n, sizeof want4);
	assert_memory_equal(r, want4, sizeof want4);
	/* Selecting this UID (MIFARE presence check), another UID */
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00, 0x04, 0xA2, 0x2B, 0x91), sizeof want4);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00, 0x04, 0xA2, 0x2B, 0x92), 1);
	assert_int_equal(r[0], 0x00);
	/* Other modulations find nothing. */
	assert_int_equal(TX(r, 0x4A, 0x01, 0x01, 0x00, 0xFF, 0xFF, 0x01, 0x00), 1); /* FeliCa 212 */
	assert_int_equal(r[0], 0x00);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x02, 0x00, 0xFF, 0xFF, 0x01, 0x00), 1); /* FeliCa 424 */
	assert_int_equal(TX(r, 0x4A, 0x01, 0x03, 0x00), 1);			    /* type B */
	assert_int_equal(r[0], 0x00);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x04), 1); /* Jewel */
	assert_int_equal(r[0], 0x00);
	expect_error((const uint8_t *)"\x4A\x01\x08", 3); /* type B 847: PN533 only */
	expect_error((const uint8_t *)"\x4A\x03\x00", 3); /* at most 2 targets */
	/* Raw frames of type B probes time out; a MIFARE card has no APDUs. */
	n = TX(r, 0x42, 0x06, 0x00);
	assert_int_equal(n, 1);
	assert_int_equal(r[0], 0x01);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), sizeof want4);
	n = TX(r, 0x40, 0x01, 0x30, 0x00);
	assert_int_equal(r[0], 0x01);
	/* A 7-byte UID, cascaded in the initiator data */
	zc_pn532_set_card(chip, uid_card("uid:04112233445566"), now);
	static const uint8_t want7[] = {0x01, 0x01, 0x00, 0x44, 0x08, 0x07, 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
	n = TX(r, 0x4A, 0x01, 0x00);
	assert_int_equal(n, sizeof want7);
	assert_memory_equal(r, want7, sizeof want7);
	n = TX(r, 0x4A, 0x01, 0x00, 0x88, 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
	assert_int_equal(n, sizeof want7);
	n = TX(r, 0x04);
	assert_int_equal(n, 8);
	assert_memory_equal(r, "\x00\x01\x01\x01\x00\x00\x00\x00", 8);
}

static void test_list_piv_ats(void **state)
{
	(void)state;
	uint8_t r[300];
	init_like_libnfc();
	zc_pn532_set_card(chip, piv_card(), now);
	assert_string_equal(zc_vcard_describe(zc_pn532_card(chip)), "piv B002 C002");
	size_t n = TX(r, 0x4A, 0x01, 0x00);
	static const uint8_t want[] = {0x01, 0x01, 0x00, 0x04, 0x20, 0x04, 0x08, 0x01,
				       0x02, 0x03, 0x06, 0x75, 0x77, 0x81, 0x02, 0x80};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(r, want, sizeof want);
	/* Without automatic RATS: no ATS, no APDUs until the host sends RATS. */
	assert_int_equal(TX(r, 0x12, 0x04), 0);
	n = TX(r, 0x4A, 0x01, 0x00);
	assert_int_equal(n, sizeof want - 6);
	assert_memory_equal(r, want, sizeof want - 6);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0], 0x01);
	n = TX(r, 0x40, 0x01, 0xE0, 0x50);
	assert_int_equal(n, 7);
	assert_memory_equal(r, "\x00\x06\x75\x77\x81\x02\x80", 7);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x00);
	assert_memory_equal(r + n - 2, "\x90\x00", 2);
}

static void test_hold_endless_selection(void **state)
{
	(void)state;
	uint8_t b[128], r[64];
	init_like_libnfc(); /* MxRtyPassiveActivation FF */
	send_cmd((const uint8_t *)"\x4A\x01\x00", 3);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	assert_int_equal(zc_pn532_next_event(chip), UINT64_MAX);
	now += 5000;
	expect_nothing();
	/* The card comes: the held command is answered. */
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	size_t got = drain(b, sizeof b);
	const uint8_t *d;
	size_t dl;
	assert_int_equal(parse_reply(b, got, 0x4A, &d, &dl), got);
	assert_int_equal(dl, 10);
	assert_int_equal(d[0], 0x01);
	/* Held again with no card; libnfc gives up and sends the next
	 * command: the held one is dropped for good. */
	zc_pn532_set_card(chip, NULL, now);
	send_cmd((const uint8_t *)"\x4A\x01\x00", 3);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	now += 300;
	assert_int_equal(TX(r, 0x02), 4);
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	expect_nothing();
	zc_pn532_stats st;
	zc_pn532_get_stats(chip, &st);
	assert_true(st.dropped >= 1);
	/* A UID that does not match keeps it held even with a card. */
	send_cmd((const uint8_t *)"\x4A\x01\x00\x01\x02\x03\x04", 7);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
}

/* ---- exchanges ---- */

static void test_exchange_and_certificate(void **state)
{
	(void)state;
	uint8_t r[300];
	init_like_libnfc();
	zc_pn532_set_card(chip, piv_card(), now);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
	size_t n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x00);
	assert_int_equal(r[1], 0x61);
	assert_memory_equal(r + n - 2, "\x90\x00", 2);
	/* The certificate object in pieces of 256 through GET RESPONSE; the
	 * first reply (1 + 256 + 2 bytes) needs an extended frame. */
	static const uint8_t get_cert[] = {0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x01, 0x00};
	uint8_t obj[4096];
	size_t len = 0;
	n = exchange(get_cert, sizeof get_cert, r, sizeof r);
	assert_int_equal(n, 1 + 256 + 2);
	for (;;) {
		assert_int_equal(r[0], 0x00);
		memcpy(obj + len, r + 1, n - 3);
		len += n - 3;
		if (r[n - 2] == 0x90)
			break;
		assert_int_equal(r[n - 2], 0x61);
		uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, r[n - 1]};
		n = exchange(gr, sizeof gr, r, sizeof r);
	}
	/* 53 82 LL LL 70 82 LL LL <cert> 71 01 00 FE 00 */
	assert_int_equal(obj[0], 0x53);
	assert_int_equal(obj[4], 0x70);
	assert_int_equal((size_t)obj[6] << 8 | obj[7], cert_len);
	assert_memory_equal(obj + 8, cert_der, cert_len);
	assert_memory_equal(obj + 8 + cert_len, "\x71\x01\x00\xFE\x00", 5);
	assert_int_equal(len, 8 + cert_len + 5);
	/* A long command chained by the host with MI: 40 41 ... then 40 01 ... */
	assert_int_equal(TX(r, 0x40, 0x41, 0x00, 0xA4, 0x04), 1);
	assert_int_equal(r[0], 0x00);
	n = TX(r, 0x40, 0x01, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00);
	assert_int_equal(r[0], 0x00);
	assert_memory_equal(r + n - 2, "\x90\x00", 2);
	zc_pn532_stats st;
	zc_pn532_get_stats(chip, &st);
	assert_true(st.exchanges >= 4);
	/* The card leaves: timeout (01), as libnfc expects. */
	zc_pn532_set_card(chip, NULL, now);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0], 0x01);
	/* Another card in the field is not the selected target either. */
	zc_pn532_set_card(chip, piv_card(), now);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x01);
	/* Released: no target at all. */
	assert_int_equal(TX(r, 0x52, 0x00), 1);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x27);
	expect_error((const uint8_t *)"\x40", 1);
}

static void test_presence_check(void **state)
{
	(void)state;
	uint8_t r[300];
	init_like_libnfc();
	zc_pn532_set_card(chip, piv_card(), now);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
	/* Fresh card (block number 1): R(NAK) 0 gets R(ACK) 1. */
	assert_int_equal(TX(r, 0x42, 0xB2), 2);
	assert_memory_equal(r, "\x00\xA3", 2);
	assert_int_equal(TX(r, 0x42, 0xB2), 2);
	/* After one exchange the card's block number is 0: R(NAK) 0 makes it
	 * send its last I-block again. */
	size_t n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	uint8_t last[300];
	memcpy(last, r + 1, n - 1);
	size_t m = TX(r, 0x42, 0xB2);
	assert_int_equal(m, n + 1);
	assert_int_equal(r[0], 0x00);
	assert_int_equal(r[1], 0x02);
	assert_memory_equal(r + 2, last, n - 1);
	/* An I-block through InCommunicateThru toggles to 1. */
	uint8_t ib[32] = {0x42, 0x02};
	memcpy(ib + 2, SELECT_PIV, sizeof SELECT_PIV);
	m = transact(ib, 2 + sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x00);
	assert_int_equal(r[1], 0x03);
	assert_memory_equal(r + m - 2, "\x90\x00", 2);
	assert_int_equal(TX(r, 0x42, 0xB2), 2);
	assert_memory_equal(r, "\x00\xA3", 2);
	/* Diagnose card presence */
	assert_int_equal(TX(r, 0x00, 0x06), 1);
	assert_int_equal(r[0], 0x00);
	/* Gone: timeout. */
	zc_pn532_set_card(chip, NULL, now);
	assert_int_equal(TX(r, 0x42, 0xB2), 1);
	assert_int_equal(r[0], 0x01);
	assert_int_equal(TX(r, 0x00, 0x06), 1);
	assert_int_equal(r[0], 0x01);
	/* S(DESELECT) answered, then the target is not selected any more. */
	zc_pn532_set_card(chip, piv_card(), now);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
	assert_int_equal(TX(r, 0x42, 0xC2), 2);
	assert_memory_equal(r, "\x00\xC2", 2);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(r[0], 0x27);
}

static void test_deselect_select_release(void **state)
{
	(void)state;
	uint8_t r[300];
	init_like_libnfc();
	zc_pn532_set_card(chip, piv_card(), now);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
	exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_int_equal(TX(r, 0x44, 0x00), 1);
	assert_int_equal(r[0], 0x00);
	assert_int_equal(exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r), 1);
	assert_int_equal(r[0], 0x27);
	/* InSelect brings it back, afresh: the PIV application is not
	 * selected any more. */
	assert_int_equal(TX(r, 0x54, 0x01), 1);
	assert_int_equal(r[0], 0x00);
	static const uint8_t chuid[] = {0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x02, 0x00};
	size_t n = exchange(chuid, sizeof chuid, r, sizeof r);
	assert_memory_equal(r + n - 2, "\x6D\x00", 2);
	assert_int_equal(TX(r, 0x54, 0x02), 1);
	assert_int_equal(r[0], 0x27);
	/* Field off (close) releases everything; then InSelect has nothing. */
	assert_int_equal(TX(r, 0x52, 0x00), 1);
	assert_int_equal(TX(r, 0x32, 0x01, 0x00), 0);
	assert_int_equal(TX(r, 0x16, 0xF0), 1);
	assert_int_equal(TX(r, 0x54, 0x01), 1);
	assert_int_equal(r[0], 0x27);
	/* PowerDown, then a wake-up and SAMConfiguration as libnfc does. */
	init_like_libnfc();
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
}

static void test_auto_poll(void **state)
{
	(void)state;
	uint8_t r[128], b[128];
	init_like_libnfc();
	/* libnfc's nfc_initiator_poll_target: 4A-with-ATS type first */
	zc_pn532_set_card(chip, piv_card(), now);
	size_t n = TX(r, 0x60, 0x14, 0x02, 0x20, 0x10, 0x03, 0x11, 0x12, 0x04);
	static const uint8_t want[] = {0x01, 0x20, 0x0F, 0x01, 0x00, 0x04, 0x20, 0x04, 0x08,
				       0x01, 0x02, 0x03, 0x06, 0x75, 0x77, 0x81, 0x02, 0x80};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(r, want, sizeof want);
	n = exchange(SELECT_PIV, sizeof SELECT_PIV, r, sizeof r);
	assert_memory_equal(r + n - 2, "\x90\x00", 2);
	/* A MIFARE card matches type 10 */
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	n = TX(r, 0x60, 0x14, 0x02, 0x20, 0x10);
	assert_int_equal(n, 3 + 9);
	assert_memory_equal(r, "\x01\x10\x09\x01\x00\x04\x08\x04\x04\xA2\x2B\x91", 12);
	/* No card: held for PollNr x types x Period x 150 ms, then none. */
	zc_pn532_set_card(chip, NULL, now);
	send_cmd((const uint8_t *)"\x60\x02\x01\x20\x10", 5);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	assert_int_equal(zc_pn532_next_event(chip), now + 2 * 2 * 1 * 150);
	now += 599;
	expect_nothing();
	now += 1;
	size_t got = drain(b, sizeof b);
	const uint8_t *d;
	size_t dl;
	assert_int_equal(parse_reply(b, got, 0x60, &d, &dl), got);
	assert_int_equal(dl, 1);
	assert_int_equal(d[0], 0x00);
	/* Endless polling: answered when a card comes. */
	send_cmd((const uint8_t *)"\x60\xFF\x01\x10", 4);
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	assert_int_equal(zc_pn532_next_event(chip), UINT64_MAX);
	now += 10000;
	expect_nothing();
	zc_pn532_set_card(chip, uid_card("uid:04A22B91"), now);
	got = drain(b, sizeof b);
	assert_int_equal(parse_reply(b, got, 0x60, &d, &dl), got);
	assert_int_equal(d[0], 0x01);
	expect_error((const uint8_t *)"\x60\x00\x01\x10", 4);
	expect_error((const uint8_t *)"\x60\x01\x00\x10", 4);
	expect_error((const uint8_t *)"\x60\x01\x01", 3);
}

static void test_latency(void **state)
{
	(void)state;
	uint8_t b[128], r[16];
	zc_pn532_set_latency(chip, 30);
	assert_int_equal(zc_pn532_latency(chip), 30);
	send_cmd((const uint8_t *)"\x02", 1);
	/* The ACK at once, the reply 30 ms later. */
	assert_int_equal(drain(b, sizeof b), sizeof ACK);
	assert_int_equal(zc_pn532_next_event(chip), now + 30);
	now += 29;
	expect_nothing();
	now += 1;
	assert_int_equal(drain(b, sizeof b), 13);
	assert_int_equal(zc_pn532_next_event(chip), UINT64_MAX);
	/* A frame before the reply is due: the old reply is abandoned. */
	send_cmd((const uint8_t *)"\x02", 1);
	now += 10;
	send_cmd((const uint8_t *)"\x00\x00\x61", 3);
	now += 30;
	size_t got = drain(b, sizeof b);
	assert_int_equal(got, 2 * sizeof ACK + 11); /* two ACKs, the echo */
	const uint8_t *d;
	size_t dl;
	parse_reply(b + 2 * sizeof ACK, got - 2 * sizeof ACK, 0x00, &d, &dl);
	assert_memory_equal(d, "\x00\x61", 2);
	/* The model: a local command takes a few ms, a signature tens. */
	zc_pn532_set_latency(chip, ZC_PN532_LATENCY_MODEL);
	assert_int_equal(zc_pn532_latency(chip), ZC_PN532_LATENCY_MODEL);
	send_cmd((const uint8_t *)"\x02", 1);
	drain(b, sizeof b);
	uint64_t fw = zc_pn532_next_event(chip) - now;
	assert_true(fw >= 1 && fw <= 5);
	now += fw;
	drain(b, sizeof b);
	zc_pn532_set_latency(chip, 0);
	init_like_libnfc();
	zc_pn532_set_card(chip, piv_card(), now);
	assert_int_equal(TX(r, 0x4A, 0x01, 0x00), 16);
	uint8_t big[300];
	exchange(SELECT_PIV, sizeof SELECT_PIV, big, sizeof big);
	zc_pn532_set_latency(chip, ZC_PN532_LATENCY_MODEL);
	uint8_t ga[50] = {0x40, 0x01, 0x00, 0x87, 0x11, 0x9E, 38, 0x7C, 36, 0x82, 0x00, 0x81, 0x20};
	send_cmd(ga, 2 + 44);
	drain(b, sizeof b);
	uint64_t sig = zc_pn532_next_event(chip) - now;
	assert_true(sig >= 50 && sig <= 200);
}

/* Noise, random frames with good checksums, then a normal command: the
 * chip must never crash and still answer. */
static void test_garbage(void **state)
{
	(void)state;
	uint8_t b[4096], r[16];
	unsigned seed = 12345;
	zc_pn532_set_card(chip, piv_card(), now);
	for (int round = 0; round < 3000; round++) {
		uint8_t d[300];
		size_t n = 1 + (size_t)(rand_r(&seed) % 40);
		for (size_t i = 0; i < n; i++)
			d[i] = (uint8_t)rand_r(&seed);
		/* mostly real commands, with random arguments */
		static const uint8_t cmds[] = {0x00, 0x02, 0x04, 0x06, 0x08, 0x12, 0x14, 0x16, 0x32,
					       0x40, 0x42, 0x44, 0x4A, 0x52, 0x54, 0x60, 0x8C, 0xFF};
		d[0] = cmds[rand_r(&seed) % sizeof cmds];
		if (rand_r(&seed) % 4 == 0) {
			send_raw(d, n); /* raw noise */
		} else {
			uint8_t f[400];
			send_raw(f, build_frame(f, d, n, rand_r(&seed) % 8 == 0));
		}
		now += (uint64_t)(rand_r(&seed) % 400);
		drain(b, sizeof b);
		if (rand_r(&seed) % 50 == 0)
			zc_pn532_set_card(chip, rand_r(&seed) % 2 ? piv_card() : NULL, now);
	}
	now += 1000;
	send_raw(ACK, sizeof ACK); /* abort whatever is held */
	drain(b, sizeof b);
	assert_int_equal(TX(r, 0x02), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_sequence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checksums, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_extended_frames, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_split_and_stale_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_ack_nack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registers_and_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_uid_cards, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_piv_ats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hold_endless_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_and_certificate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_presence_check, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deselect_select_release, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auto_poll, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_latency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
