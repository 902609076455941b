/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wire.c: the serial link protocol (zc/wire.h, shared/WIRE.md).
 * CRC-32C against RFC 3720's known answers; COBS against the known
 * encodings and by round trips around the 254-byte block boundary; frames;
 * the streaming decoder fed byte by byte and in random chunks, and its
 * resynchronisation after garbage, cut frames, flipped bits, lost bytes and
 * overlong runs; every message's round trip and every decoder rejection;
 * signed commands; and the checked-in vectors (shared/vectors/wire/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"
#include "wirevec.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/wire.h"

static uint64_t rng_state = 0x5EED;

static uint32_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static void randbytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* Big buffers live here, not on the stack. */
static zc_wire_decoder dec;
static zc_wire_frame frm;
static uint8_t enc[ZC_WIRE_ENCODED_MAX];
static uint8_t big[1 << 18];

/* ---- CRC-32C ---- */

static uint32_t crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? 0x82F63B78u : 0);
	}
	return ~c;
}

static void test_crc32c(void **state)
{
	(void)state;
	uint8_t b[48];
	memset(b, 0, 32);
	assert_int_equal(zc_crc32c(0, b, 32), 0x8A9136AA); /* RFC 3720 B.4 */
	memset(b, 0xFF, 32);
	assert_int_equal(zc_crc32c(0, b, 32), 0x62A8AB43);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	assert_int_equal(zc_crc32c(0, b, 32), 0x46DD794E);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	assert_int_equal(zc_crc32c(0, b, 32), 0x113FDB5C);
	static const uint8_t iscsi[48] = {0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0, 0,
					  0x14, 0,    0, 0, 0, 0, 4, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
					  0x28, 0,    0, 0, 0, 0, 0, 0, 2, 0, 0, 0,    0, 0, 0, 0};
	assert_int_equal(zc_crc32c(0, iscsi, 48), 0xD9963A56);
	assert_int_equal(zc_crc32c(0, "123456789", 9), 0xE3069283);
	assert_int_equal(zc_crc32c(0, NULL, 0), 0);
	/* the table agrees with the bitwise definition; chaining works */
	randbytes(big, 5000);
	for (size_t n = 0; n < 5000; n += 97) {
		uint32_t whole = zc_crc32c(0, big, n);
		assert_int_equal(whole, crc_bitwise(big, n));
		size_t cut = n / 3;
		assert_int_equal(zc_crc32c(zc_crc32c(0, big, cut), big + cut, n - cut), whole);
	}
}

/* ---- COBS ---- */

static void cobs_known(const char *dec_hex, const char *enc_hex)
{
	uint8_t d[600], e[700], out[700];
	size_t dn = strlen(dec_hex) / 2, en = strlen(enc_hex) / 2;
	assert_int_equal(zc_unhex(dec_hex, d, dn), 0);
	assert_int_equal(zc_unhex(enc_hex, e, en), 0);
	assert_int_equal(zc_cobs_encode(d, dn, out), en);
	assert_memory_equal(out, e, en);
	assert_int_equal(zc_cobs_decode(e, en, out), (int)dn);
	assert_memory_equal(out, d, dn);
}

static void hexrange(char *out, int from, int count)
{
	for (int i = 0; i < count; i++)
		sprintf(out + 2 * i, "%02x", (from + i) & 0xFF);
}

static void test_cobs_known(void **state)
{
	(void)state;
	/* The examples of Cheshire and Baker's COBS as commonly published. */
	cobs_known("", "01");
	cobs_known("00", "0101");
	cobs_known("0000", "010101");
	cobs_known("001100", "01021101");
	cobs_known("11220033", "0311220233");
	cobs_known("11223344", "0511223344");
	cobs_known("11000000", "0211010101");
	char d[1024], e[1024];
	hexrange(d, 1, 254); /* 01..FE -> FF 01..FE (no trailing 01) */
	strcpy(e, "ff");
	hexrange(e + 2, 1, 254);
	cobs_known(d, e);
	hexrange(d, 0, 255); /* 00..FE -> 01 FF 01..FE */
	strcpy(e, "01ff");
	hexrange(e + 4, 1, 254);
	cobs_known(d, e);
	hexrange(d, 1, 255); /* 01..FF -> FF 01..FE 02 FF */
	strcpy(e, "ff");
	hexrange(e + 2, 1, 254);
	strcat(e, "02ff");
	cobs_known(d, e);
	hexrange(d, 2, 255); /* 02..FF 00 -> FF 02..FF 01 01 */
	strcpy(e, "ff");
	hexrange(e + 2, 2, 254);
	strcat(e, "0101");
	cobs_known(d, e);
	hexrange(d, 3, 255); /* 03..FF 00 01 -> FE 03..FF 02 01 */
	strcpy(e, "fe");
	hexrange(e + 2, 3, 253);
	strcat(e, "0201");
	cobs_known(d, e);
}

static void cobs_round_trip(const uint8_t *in, size_t n)
{
	static uint8_t e[1 << 17], d[1 << 17];
	size_t k = zc_cobs_encode(in, n, e);
	assert_true(k >= n + 1 && k <= n + n / 254 + 1);
	assert_null(memchr(e, 0, k));
	assert_int_equal(zc_cobs_decode(e, k, d), (int)n);
	assert_memory_equal(d, in, n);
	/* in place */
	assert_int_equal(zc_cobs_decode(e, k, e), (int)n);
	assert_memory_equal(e, in, n);
}

static void test_cobs_round_trips(void **state)
{
	(void)state;
	static uint8_t b[3000];
	for (size_t n = 0; n <= 1100; n++) {
		memset(b, 0x5A, n); /* non-zero runs: block boundaries at 254, 508, ... */
		cobs_round_trip(b, n);
		memset(b, 0, n); /* zero runs */
		cobs_round_trip(b, n);
	}
	/* a 254- or 255-byte run at every offset from a zero, then more */
	for (size_t run = 250; run <= 260; run++)
		for (size_t pre = 0; pre < 4; pre++)
			for (size_t post = 0; post < 4; post++) {
				size_t n = 0;
				for (size_t i = 0; i < pre; i++)
					b[n++] = (uint8_t)(i & 1 ? 0 : 7);
				memset(b + n, 0xEE, run);
				n += run;
				for (size_t i = 0; i < post; i++)
					b[n++] = (uint8_t)(i & 1 ? 9 : 0);
				cobs_round_trip(b, n);
			}
	for (int i = 0; i < 300; i++) {
		size_t n = rnd() % 2000;
		randbytes(b, n);
		for (size_t k = 0; k < n; k++)
			if (rnd() % 4 == 0)
				b[k] = 0;
		cobs_round_trip(b, n);
	}
	/* the largest frame */
	randbytes(big, ZC_WIRE_FRAME_MAX);
	cobs_round_trip(big, ZC_WIRE_FRAME_MAX);
	memset(big, 1, ZC_WIRE_FRAME_MAX);
	size_t k = zc_cobs_encode(big, ZC_WIRE_FRAME_MAX, enc);
	assert_true(k + 1 <= ZC_WIRE_ENCODED_MAX); /* the worst case fits */
}

static void test_cobs_rejects(void **state)
{
	(void)state;
	uint8_t out[600], e[600] = {0};
	assert_int_equal(zc_cobs_decode(e, 0, out), ZC_EMALFORMED);				  /* empty */
	assert_int_equal(zc_cobs_decode((const uint8_t *)"\x03\x11\x00", 3, out), ZC_EMALFORMED); /* a 0x00 */
	assert_int_equal(zc_cobs_decode((const uint8_t *)"\x00", 1, out), ZC_EMALFORMED);
	assert_int_equal(zc_cobs_decode((const uint8_t *)"\x05\x11\x22", 3, out), ZC_EMALFORMED); /* overrun */
	assert_int_equal(zc_cobs_decode((const uint8_t *)"\x02\x11\x03\x22", 4, out), ZC_EMALFORMED);
	/* FF block then an empty final block: decodes to the same bytes as
	 * without it, so it is refused */
	e[0] = 0xFF;
	memset(e + 1, 0x42, 254);
	assert_int_equal(zc_cobs_decode(e, 255, out), 254);
	e[255] = 0x01;
	assert_int_equal(zc_cobs_decode(e, 256, out), ZC_EMALFORMED);
	e[256] = 0x01; /* 254 bytes, a zero: canonical */
	assert_int_equal(zc_cobs_decode(e, 257, out), 255);
	/* Whatever decodes is the canonical encoding of what it decodes to. */
	static uint8_t x[400], d[400], again[500];
	for (int i = 0; i < 20000; i++) {
		size_t n = 1 + rnd() % 300;
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rnd();
			x[k] = (uint8_t)(r % 4 == 0 ? 1 + (r >> 8) % 6 : r % 4 == 1 ? 0xFF : 1 + (r >> 8) % 255);
		}
		int m = zc_cobs_decode(x, n, d);
		if (m < 0)
			continue;
		size_t k = zc_cobs_encode(d, (size_t)m, again);
		assert_int_equal(k, n);
		assert_memory_equal(again, x, n);
	}
}

/* ---- frames and the streaming decoder ---- */

/* Feed everything; collect frames (type, req_id, len, a hash of payload). */
typedef struct got { /* no padding: compared with memcmp */
	uint32_t type;
	uint32_t req;
	uint32_t len;
	uint32_t crc;
} got;

static size_t feed_all(const uint8_t *b, size_t n, size_t chunk_max, got *out, size_t cap)
{
	size_t off = 0, k = 0;
	while (off < n) {
		size_t c = chunk_max ? 1 + rnd() % chunk_max : n - off;
		if (c > n - off)
			c = n - off;
		size_t done = 0;
		while (done < c) {
			size_t used;
			int r = zc_wire_decoder_feed(&dec, b + off + done, c - done, &used, &frm);
			assert_true(used <= c - done);
			done += used;
			if (r == 1) {
				assert_true(k < cap);
				out[k++] = (got){frm.type, frm.req_id, frm.len, zc_crc32c(0, frm.payload, frm.len)};
			} else {
				assert_int_equal(r, 0);
				assert_int_equal(used, c - (done - used));
			}
		}
		off += c;
	}
	return k;
}

static void test_frame_encode(void **state)
{
	(void)state;
	static uint8_t pl[ZC_WIRE_PAYLOAD_MAX + 1];
	const size_t sizes[] = {0, 1, 2, 244, 245, 246, 253, 254, 255, 1000, ZC_WIRE_PAYLOAD_MAX};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (int pat = 0; pat < 3; pat++) {
			size_t n = sizes[i];
			if (pat == 0)
				memset(pl, 0, n);
			else if (pat == 1)
				memset(pl, 0xFF, n);
			else
				randbytes(pl, n);
			int k = zc_wire_encode(ZC_WIRE_RECORDS, 0xBEEF, pl, n, enc, sizeof enc);
			assert_true(k > 0 && (size_t)k <= ZC_WIRE_ENCODED_MAX);
			assert_int_equal(enc[k - 1], 0);
			assert_null(memchr(enc, 0, (size_t)k - 1));
			/* the exact capacity suffices, one byte less does not */
			static uint8_t tight[ZC_WIRE_ENCODED_MAX];
			assert_int_equal(zc_wire_encode(ZC_WIRE_RECORDS, 0xBEEF, pl, n, tight, (size_t)k), k);
			assert_memory_equal(tight, enc, (size_t)k);
			assert_int_equal(zc_wire_encode(ZC_WIRE_RECORDS, 0xBEEF, pl, n, tight, (size_t)k - 1), ZC_EARG);
			zc_wire_decoder_init(&dec);
			size_t used;
			assert_int_equal(zc_wire_decoder_feed(&dec, enc, (size_t)k, &used, &frm), 1);
			assert_int_equal(used, k);
			assert_int_equal(frm.type, ZC_WIRE_RECORDS);
			assert_int_equal(frm.req_id, 0xBEEF);
			assert_int_equal(frm.len, n);
			assert_memory_equal(frm.payload, pl, n);
			/* the CRC is the last 4 decoded bytes, little-endian, over type..payload */
			static uint8_t raw[ZC_WIRE_ENCODED_MAX];
			int rn = zc_cobs_decode(enc, (size_t)k - 1, raw);
			assert_int_equal(rn, (int)n + 9);
			assert_int_equal(zc_get_u32(raw + 5 + n), zc_crc32c(0, raw, 5 + n));
			assert_int_equal(raw[0], ZC_WIRE_RECORDS);
			assert_int_equal(zc_get_u16(raw + 1), 0xBEEF);
			assert_int_equal(zc_get_u16(raw + 3), n);
		}
	}
	assert_int_equal(zc_wire_encode(1, 1, pl, ZC_WIRE_PAYLOAD_MAX + 1, enc, sizeof enc), ZC_EARG);
	assert_int_equal(zc_wire_encode(1, 1, NULL, 3, enc, sizeof enc), ZC_EARG);
	assert_int_equal(zc_wire_encode(1, 1, NULL, 0, enc, 0), ZC_EARG);
	assert_int_equal(zc_wire_encode(1, 1, NULL, 0, NULL, 100), ZC_EARG);
}

/* A stream of many frames, fed whole, byte by byte and in random chunks. */
static void test_decoder_chunks(void **state)
{
	(void)state;
	static uint8_t pl[ZC_WIRE_PAYLOAD_MAX];
	got want[120], g[120];
	size_t n = 0;
	for (int i = 0; i < 120; i++) {
		size_t len = i % 10 == 0 ? rnd() % ZC_WIRE_PAYLOAD_MAX : rnd() % 300;
		randbytes(pl, len);
		if (i % 3 == 0)
			memset(pl, 0, len / 2);
		int k = zc_wire_encode((uint8_t)(1 + i % 10), (uint16_t)i, pl, len, big + n, sizeof big - n);
		assert_true(k > 0);
		n += (size_t)k;
		want[i] = (got){(uint32_t)(1 + i % 10), (uint32_t)i, (uint32_t)len, zc_crc32c(0, pl, len)};
	}
	const size_t chunks[] = {0, 1, 7, 300, 5000};
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		zc_wire_decoder_init(&dec);
		size_t k = feed_all(big, n, chunks[c], g, 120);
		assert_int_equal(k, 120);
		assert_memory_equal(g, want, sizeof want);
		assert_int_equal(dec.frames, 120);
		assert_int_equal(dec.dropped, 0);
		assert_int_equal(dec.bytes, n);
		assert_int_equal(dec.len, 0);
	}
}

static int one_frame(uint8_t type, uint16_t req, const char *text, uint8_t *out)
{
	return zc_wire_encode(type, req, (const uint8_t *)text, strlen(text), out, ZC_WIRE_ENCODED_MAX);
}

/* Damage of every kind: the damaged frame is dropped, the next one comes
 * out intact, nothing false ever does. */
static void test_decoder_resync(void **state)
{
	(void)state;
	static uint8_t a[ZC_WIRE_ENCODED_MAX], b[ZC_WIRE_ENCODED_MAX], s[4 * ZC_WIRE_ENCODED_MAX];
	got g[8];
	int an = one_frame(ZC_WIRE_STATUS, 7, "a frame with some text in it", a);
	int bn = one_frame(ZC_WIRE_END, 8, "the next frame", b);

	/* garbage without a delimiter runs into the frame after it: both lost;
	 * with a delimiter of its own, only the garbage is dropped */
	size_t n = 0;
	for (int i = 0; i < 50; i++)
		s[n++] = (uint8_t)(1 + rnd() % 255);
	memcpy(s + n, a, (size_t)an);
	n += (size_t)an;
	memcpy(s + n, b, (size_t)bn);
	n += (size_t)bn;
	zc_wire_decoder_init(&dec);
	assert_int_equal(feed_all(s, n, 0, g, 8), 1);
	assert_int_equal(g[0].req, 8);
	assert_int_equal(dec.dropped, 1);
	s[49] = 0;
	zc_wire_decoder_init(&dec);
	assert_int_equal(feed_all(s, n, 3, g, 8), 2);
	assert_int_equal(dec.dropped, 1);

	/* every cut of a: the remains run into b and are lost with it unless
	 * nothing remains; a following c is always intact */
	for (int cut = 0; cut < an - 1; cut++) {
		n = 0;
		memcpy(s, a, (size_t)cut);
		n = (size_t)cut;
		s[n++] = 0; /* the cable glitch ends in a delimiter of its own */
		memcpy(s + n, b, (size_t)bn);
		n += (size_t)bn;
		zc_wire_decoder_init(&dec);
		assert_int_equal(feed_all(s, n, 5, g, 8), 1);
		assert_int_equal(g[0].req, 8);
		assert_int_equal(dec.dropped, cut ? 1 : 0);
	}
	/* every single bit flipped in a (the delimiter included) */
	for (int i = 0; i < an; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(s, a, (size_t)an);
			s[i] ^= (uint8_t)(1 << bit);
			memcpy(s + an, b, (size_t)bn);
			zc_wire_decoder_init(&dec);
			size_t k = feed_all(s, (size_t)(an + bn), 0, g, 8);
			/* a's delimiter flipped: a and b merge and are lost */
			if (i == an - 1) {
				assert_int_equal(k, 0);
			} else {
				assert_int_equal(k, 1);
				assert_int_equal(g[0].req, 8);
			}
			assert_true(dec.dropped >= 1);
		}
	/* every byte of a lost */
	for (int i = 0; i < an; i++) {
		memcpy(s, a, (size_t)i);
		memcpy(s + i, a + i + 1, (size_t)(an - i - 1));
		memcpy(s + an - 1, b, (size_t)bn);
		zc_wire_decoder_init(&dec);
		size_t k = feed_all(s, (size_t)(an - 1 + bn), 4, g, 8);
		assert_int_equal(k, i == an - 1 ? 0 : 1);
		if (k)
			assert_int_equal(g[0].req, 8);
	}
	/* an overlong run, fed whole and in chunks, then a good frame */
	memset(s, 0x33, ZC_WIRE_ENCODED_MAX + 100);
	n = ZC_WIRE_ENCODED_MAX + 100;
	s[n++] = 0;
	memcpy(s + n, b, (size_t)bn);
	n += (size_t)bn;
	for (size_t c = 0; c < 3; c++) {
		zc_wire_decoder_init(&dec);
		assert_int_equal(feed_all(s, n, c * 1000, g, 8), 1);
		assert_int_equal(g[0].req, 8);
		assert_int_equal(dec.dropped, 1);
	}
	/* the longest valid run is not overlong */
	static uint8_t pl[ZC_WIRE_PAYLOAD_MAX];
	memset(pl, 0xAB, sizeof pl);
	int k = zc_wire_encode(0x7E, 1, pl, sizeof pl, s, sizeof s);
	zc_wire_decoder_init(&dec);
	assert_int_equal(feed_all(s, (size_t)k, 1, g, 8), 1);
	/* empty runs are no frames and no drops */
	memset(s, 0, 10);
	memcpy(s + 10, b, (size_t)bn);
	zc_wire_decoder_init(&dec);
	assert_int_equal(feed_all(s, 10 + (size_t)bn, 0, g, 8), 1);
	assert_int_equal(dec.dropped, 0);
	/* random noise bytes between frames never produce a frame */
	for (int round = 0; round < 200; round++) {
		n = 0;
		size_t noise = rnd() % 600;
		randbytes(s, noise);
		n = noise;
		s[n++] = 0;
		memcpy(s + n, b, (size_t)bn);
		n += (size_t)bn;
		zc_wire_decoder_init(&dec);
		k = (int)feed_all(s, n, 50, g, 8);
		assert_int_equal(k, 1);
		assert_int_equal(g[0].req, 8);
	}
}

/* ---- messages ---- */

static zc_privkey *key;
static zc_pubkey *pub;
static uint8_t key_der[ZC_WIRE_PUBKEY_MAX];
static size_t key_der_len;
static uint8_t key_fp[ZC_HASH_LEN];

static int setup(void **state)
{
	(void)state;
	if (zc_privkey_generate(&key) || zc_pubkey_from_priv(key, &pub))
		return -1;
	if (zc_privkey_public_der(key, key_der, sizeof key_der, &key_der_len) || zc_privkey_fingerprint(key, key_fp))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	zc_privkey_free(key);
	zc_pubkey_free(pub);
	return 0;
}

static void make_hello(zc_wire_hello *h, int provisioned)
{
	memset(h, 0, sizeof *h);
	if (provisioned) {
		memset(h->terminal, 'K', ZC_TERMINAL_ID_MAX); /* the longest ids */
		strcpy(h->township, "Town-01._x");
		memset(h->host_fp, 0x11, ZC_HASH_LEN);
	}
	memset(h->firmware, '~', ZC_TEXT_MAX);
	memcpy(h->key_fp, key_fp, ZC_HASH_LEN);
	h->pubkey_len = (uint16_t)key_der_len;
	memcpy(h->pubkey, key_der, key_der_len);
	h->head_seq = provisioned ? UINT64_MAX - 1 : 0;
	memset(h->head_hash, 0x22, ZC_HASH_LEN);
	h->first_seq = provisioned ? UINT64_MAX : 1;
	h->collected_seq = provisioned ? UINT64_MAX - 1 : 0;
	h->utc_ms = -5;
	memset(h->nonce, 0x33, ZC_WIRE_NONCE_LEN);
	uint8_t host_nonce[ZC_WIRE_NONCE_LEN];
	memset(host_nonce, 0x44, sizeof host_nonce);
	assert_int_equal(zc_wire_hello_sign(h, host_nonce, key), 0);
}

/* Every prefix is refused as truncated (or malformed), a trailing byte as
 * malformed. */
typedef int (*decode_fn)(const uint8_t *p, size_t n, void *m);

static void prefixes_fail(decode_fn fn, const uint8_t *p, size_t n, void *m)
{
	static uint8_t x[ZC_WIRE_PAYLOAD_MAX + 1];
	for (size_t k = 0; k < n; k++) {
		int rc = fn(p, k, m);
		assert_true(rc == ZC_ETRUNC || rc == ZC_EMALFORMED);
	}
	memcpy(x, p, n);
	x[n] = 0;
	assert_int_equal(fn(x, n + 1, m), ZC_EMALFORMED);
	assert_int_equal(fn(p, n, m), 0);
}

static int hello_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_hello_decode(p, n, m);
}
static int status_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_status_decode(p, n, m);
}
static int get_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_get_decode(p, n, m);
}
static int credit_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_credit_decode(p, n, m);
}
static int records_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_records_decode(p, n, m);
}
static int end_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_end_decode(p, n, m);
}
static int command_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_command_decode(p, n, m);
}
static int result_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_result_decode(p, n, m);
}
static int provision_dec(const uint8_t *p, size_t n, void *m)
{
	return zc_wire_provision_decode(p, n, m);
}

static void test_hello(void **state)
{
	(void)state;
	uint8_t p[ZC_WIRE_PAYLOAD_MAX], p2[ZC_WIRE_PAYLOAD_MAX];
	for (int prov = 0; prov < 2; prov++) {
		zc_wire_hello h, d;
		make_hello(&h, prov);
		int n = zc_wire_hello_encode(&h, p, sizeof p);
		assert_true(n > 0);
		assert_int_equal(p[0], ZC_WIRE_VERSION);
		assert_int_equal(zc_wire_hello_decode(p, (size_t)n, &d), 0);
		assert_memory_equal(&d, &h, sizeof h);
		assert_int_equal(zc_wire_hello_encode(&d, p2, sizeof p2), n);
		assert_memory_equal(p, p2, (size_t)n);
		prefixes_fail(hello_dec, p, (size_t)n, &d);
		for (int k = 0; k < n; k++)
			assert_int_equal(zc_wire_hello_encode(&h, p2, (size_t)k), ZC_EARG);
	}
	zc_wire_hello h, d;
	make_hello(&h, 1);
	int n = zc_wire_hello_encode(&h, p, sizeof p);
	p[0] = 1; /* version 1: HELLO unsigned, a host must not read it as ours */
	assert_int_equal(zc_wire_hello_decode(p, (size_t)n, &d), ZC_EVERSION);
	p[0] = 3;
	assert_int_equal(zc_wire_hello_decode(p, (size_t)n, &d), ZC_EVERSION);
	p[0] = 0;
	assert_int_equal(zc_wire_hello_decode(p, (size_t)n, &d), ZC_EVERSION);
	/* what the encoder refuses */
	make_hello(&h, 1);
	h.township[0] = 0; /* a terminal id without a township */
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 0);
	strcpy(h.township, "T01"); /* a township without a terminal id */
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 1);
	strcpy(h.terminal, "K 01");
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 1);
	h.firmware[3] = '\n';
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 1);
	h.key_fp[0] ^= 1; /* not the key's fingerprint */
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 1);
	h.pubkey_len = 0;
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 1);
	h.pubkey_len = ZC_WIRE_PUBKEY_MAX + 1;
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 0);
	h.collected_seq = 1; /* above the head */
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 0);
	h.first_seq = 0;
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	make_hello(&h, 0);
	h.first_seq = 2; /* head 0: at most 1 */
	assert_int_equal(zc_wire_hello_encode(&h, p, sizeof p), ZC_EARG);
	/* and the decoder refuses the same, byte-edited: terminal K01 with an
	 * empty township */
	make_hello(&h, 0);
	n = zc_wire_hello_encode(&h, p, sizeof p);
	memmove(p + 4, p + 1, (size_t)n - 1);
	memcpy(p + 1, "\x03K01", 4); /* terminal "K01", township still "" */
	assert_int_equal(zc_wire_hello_decode(p, (size_t)n + 3, &d), ZC_EMALFORMED);
	p[2] = 0; /* an id with a NUL in it */
	assert_int_equal(zc_wire_hello_decode(p, (size_t)n + 3, &d), ZC_EMALFORMED);
}

static void test_status_get_credit_end_result(void **state)
{
	(void)state;
	uint8_t p[ZC_WIRE_PAYLOAD_MAX], p2[ZC_WIRE_PAYLOAD_MAX];
	int n;
	/* STATUS */
	zc_wire_status s, sd;
	memset(&s, 0, sizeof s); /* padding too: the structs are compared whole */
	s.bytes_used = 1;
	s.capacity_bytes = UINT64_MAX;
	s.records = 3;
	s.uncollected = 2;
	s.reader_ok = 1;
	s.taps = 5;
	s.faults = 6;
	s.utc_ms = INT64_MIN;
	memset(s.last_fault, ' ', ZC_TEXT_MAX);
	n = zc_wire_status_encode(&s, p, sizeof p);
	assert_int_equal(n, 8 * 4 + 1 + 8 * 2 + 1 + ZC_TEXT_MAX + 8);
	assert_int_equal(zc_wire_status_decode(p, (size_t)n, &sd), 0);
	assert_memory_equal(&sd, &s, sizeof s);
	assert_int_equal(zc_wire_status_encode(&sd, p2, sizeof p2), n);
	assert_memory_equal(p, p2, (size_t)n);
	prefixes_fail(status_dec, p, (size_t)n, &sd);
	s.reader_ok = 2;
	assert_int_equal(zc_wire_status_encode(&s, p, sizeof p), ZC_EARG);
	s.reader_ok = 0;
	s.last_fault[0] = 0x7F;
	assert_int_equal(zc_wire_status_encode(&s, p, sizeof p), ZC_EARG);

	/* GET_RECORDS */
	zc_wire_get g = {.from_seq = 0x0102030405060708ull, .credit = 0xFFFF}, gd;
	n = zc_wire_get_encode(&g, p, sizeof p);
	assert_int_equal(n, 10);
	assert_memory_equal(p, "\x08\x07\x06\x05\x04\x03\x02\x01\xff\xff", 10);
	assert_int_equal(zc_wire_get_decode(p, 10, &gd), 0);
	assert_true(gd.from_seq == g.from_seq && gd.credit == g.credit);
	prefixes_fail(get_dec, p, 10, &gd);
	g.credit = 0;
	assert_int_equal(zc_wire_get_encode(&g, p, sizeof p), ZC_EARG);
	g.credit = 1;
	g.from_seq = 0;
	assert_int_equal(zc_wire_get_encode(&g, p, sizeof p), ZC_EARG);
	g.from_seq = 1;
	assert_int_equal(zc_wire_get_encode(&g, p, 9), ZC_EARG);
	/* the optional frame size: 12 bytes, 256..8192 */
	g.max_payload = 512;
	n = zc_wire_get_encode(&g, p, sizeof p);
	assert_int_equal(n, 12);
	assert_memory_equal(p + 10, "\x00\x02", 2);
	assert_int_equal(zc_wire_get_decode(p, 12, &gd), 0);
	assert_int_equal(gd.max_payload, 512);
	assert_int_equal(zc_wire_get_decode(p, 11, &gd), ZC_EMALFORMED); /* a stray byte */
	p[10] = 0xFF;							 /* 767: fine */
	assert_int_equal(zc_wire_get_decode(p, 12, &gd), 0);
	p[11] = 0x00;
	p[10] = 0xFF; /* 255: too small */
	assert_int_equal(zc_wire_get_decode(p, 12, &gd), ZC_EMALFORMED);
	p[10] = 0x01;
	p[11] = 0x20; /* 8193: too big */
	assert_int_equal(zc_wire_get_decode(p, 12, &gd), ZC_EMALFORMED);
	g.max_payload = 255;
	assert_int_equal(zc_wire_get_encode(&g, p, sizeof p), ZC_EARG);
	g.max_payload = ZC_WIRE_PAYLOAD_MAX + 1;
	assert_int_equal(zc_wire_get_encode(&g, p, sizeof p), ZC_EARG);
	g.max_payload = 0;

	/* CREDIT */
	uint16_t c;
	assert_int_equal(zc_wire_credit_encode(300, p, sizeof p), 2);
	assert_int_equal(zc_wire_credit_decode(p, 2, &c), 0);
	assert_int_equal(c, 300);
	prefixes_fail(credit_dec, p, 2, &c);
	assert_int_equal(zc_wire_credit_encode(0, p, sizeof p), ZC_EARG);
	assert_int_equal(zc_wire_credit_encode(1, p, 1), ZC_EARG);

	/* END */
	zc_wire_end e = {.head_seq = 10, .first_seq = 11}, ed;
	memset(e.head_hash, 0x44, ZC_HASH_LEN);
	n = zc_wire_end_encode(&e, p, sizeof p);
	assert_int_equal(n, 48);
	assert_int_equal(zc_wire_end_decode(p, 48, &ed), 0);
	assert_memory_equal(&ed, &e, sizeof e);
	prefixes_fail(end_dec, p, 48, &ed);
	e.first_seq = 12;
	assert_int_equal(zc_wire_end_encode(&e, p, sizeof p), ZC_EARG);
	e.first_seq = 0;
	assert_int_equal(zc_wire_end_encode(&e, p, sizeof p), ZC_EARG);
	e.head_seq = UINT64_MAX;
	e.first_seq = UINT64_MAX; /* no overflow at the top */
	assert_int_equal(zc_wire_end_encode(&e, p, sizeof p), 48);

	/* RESULT: every code decodes, known or not */
	zc_wire_result_msg r = {0}, rd;
	static const uint8_t sig8[] = {0x30, 6, 2, 1, 1, 2, 1, 1}; /* well formed, not valid */
	r.sig_len = sizeof sig8;
	memcpy(r.sig, sig8, sizeof sig8);
	memset(r.req_hash, 0x5A, ZC_HASH_LEN);
	for (int code = 0; code < 256; code += 17) {
		r.code = (uint8_t)code;
		snprintf(r.text, sizeof r.text, "code %d", code);
		memset(r.nonce, code, ZC_WIRE_NONCE_LEN);
		n = zc_wire_result_encode(&r, p, sizeof p);
		assert_int_equal(zc_wire_result_decode(p, (size_t)n, &rd), 0);
		assert_memory_equal(&rd, &r, sizeof r);
	}
	memset(r.text, 'x', ZC_TEXT_MAX);
	n = zc_wire_result_encode(&r, p, sizeof p);
	assert_int_equal(n, 1 + 1 + ZC_TEXT_MAX + ZC_WIRE_NONCE_LEN + ZC_HASH_LEN + 1 + 8);
	prefixes_fail(result_dec, p, (size_t)n, &rd);
	r.sig_len = 0; /* version 2: never unsigned */
	assert_int_equal(zc_wire_result_encode(&r, p, sizeof p), ZC_EARG);
	r.sig_len = sizeof sig8;
	r.text[0] = '\t';
	assert_int_equal(zc_wire_result_encode(&r, p, sizeof p), ZC_EARG);
}

static void test_records(void **state)
{
	(void)state;
	static uint8_t p[ZC_WIRE_PAYLOAD_MAX + 100], rec[ZC_REC_MAX];
	zc_wire_records m;
	size_t len;
	/* 64 small records fill a frame by count */
	zc_wire_records_begin(p, 100, &len);
	assert_int_equal(len, 10);
	for (int i = 0; i < ZC_WIRE_RECORDS_MAX; i++) {
		memset(rec, i + 1, 80);
		assert_int_equal(zc_wire_records_add(p, ZC_WIRE_PAYLOAD_MAX, &len, rec, 80), 0);
	}
	assert_int_equal(zc_wire_records_add(p, ZC_WIRE_PAYLOAD_MAX, &len, rec, 80), ZC_EFULL);
	assert_int_equal(len, 10 + ZC_WIRE_RECORDS_MAX * 82);
	assert_int_equal(zc_wire_records_decode(p, len, &m), 0);
	assert_int_equal(m.first_seq, 100);
	assert_int_equal(m.count, ZC_WIRE_RECORDS_MAX);
	for (int i = 0; i < ZC_WIRE_RECORDS_MAX; i++) {
		assert_int_equal(m.len[i], 80);
		assert_ptr_equal(m.rec[i], p + 10 + i * 82 + 2);
		assert_int_equal(m.rec[i][79], i + 1);
	}
	prefixes_fail(records_dec, p, len, &m);
	/* large records fill it by bytes: the payload never exceeds the maximum */
	zc_wire_records_begin(p, 1, &len);
	int added = 0;
	memset(rec, 0x5A, sizeof rec);
	while (zc_wire_records_add(p, sizeof p, &len, rec, ZC_REC_MAX) == 0)
		added++;
	assert_int_equal(added, (ZC_WIRE_PAYLOAD_MAX - 10) / (ZC_REC_MAX + 2));
	assert_true(len <= ZC_WIRE_PAYLOAD_MAX);
	assert_int_equal(zc_wire_records_decode(p, len, &m), 0);
	assert_int_equal(m.count, added);
	/* a smaller buffer bounds it too */
	zc_wire_records_begin(p, 1, &len);
	assert_int_equal(zc_wire_records_add(p, 10 + 2 + 50, &len, rec, 50), 0);
	assert_int_equal(zc_wire_records_add(p, 10 + 2 + 50, &len, rec, 1), ZC_EFULL);
	/* refused */
	zc_wire_records_begin(p, 1, &len);
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, rec, 0), ZC_EARG);
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, rec, ZC_REC_MAX + 1), ZC_EARG);
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, NULL, 5), ZC_EARG);
	zc_wire_records_begin(p, 0, &len);
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, rec, 5), ZC_EARG);
	zc_wire_records_begin(p, UINT64_MAX, &len);
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, rec, 5), 0);	   /* seq 2^64-1 */
	assert_int_equal(zc_wire_records_add(p, sizeof p, &len, rec, 5), ZC_EARG); /* seq 2^64 */
	assert_int_equal(zc_wire_records_decode(p, len, &m), 0);
	/* 64 records that are each fine but together longer than a payload */
	static uint8_t longp[10 + ZC_WIRE_RECORDS_MAX * (2 + ZC_REC_MAX)];
	zc_put_u64(longp, 1);
	zc_put_u16(longp + 8, ZC_WIRE_RECORDS_MAX);
	for (int i = 0; i < ZC_WIRE_RECORDS_MAX; i++) {
		zc_put_u16(longp + 10 + i * (2 + ZC_REC_MAX), ZC_REC_MAX);
		memset(longp + 12 + i * (2 + ZC_REC_MAX), 0x5A, ZC_REC_MAX);
	}
	assert_int_equal(zc_wire_records_decode(longp, sizeof longp, &m), ZC_EMALFORMED);
	/* an empty RECORDS is malformed */
	zc_wire_records_begin(p, 1, &len);
	assert_int_equal(zc_wire_records_decode(p, len, &m), ZC_EMALFORMED);
	/* a record longer than any record */
	zc_wire_records_begin(p, 1, &len);
	zc_put_u16(p + 8, 1);
	zc_put_u16(p + 10, ZC_REC_MAX + 1);
	memset(p + 12, 1, ZC_REC_MAX + 1);
	assert_int_equal(zc_wire_records_decode(p, 12 + ZC_REC_MAX + 1, &m), ZC_EMALFORMED);
	assert_int_equal(m.count, 0);
}

static void test_commands(void **state)
{
	(void)state;
	static zc_wire_command c, d;
	static uint8_t p[ZC_WIRE_PAYLOAD_MAX], p2[ZC_WIRE_PAYLOAD_MAX];
	uint8_t nonce[ZC_WIRE_NONCE_LEN], other[ZC_WIRE_NONCE_LEN];
	memset(nonce, 0x61, sizeof nonce);
	memset(other, 0x61, sizeof other);
	other[15] ^= 1;

	/* the largest body */
	memset(&c, 0, sizeof c);
	c.kind = ZC_CMD_REVOCATIONS;
	c.body_len = ZC_WIRE_CMD_BODY_MAX;
	randbytes(c.body, c.body_len);
	assert_int_equal(zc_wire_cmd_sign(&c, "K01", nonce, key), 0);
	int n = zc_wire_command_encode(&c, p, sizeof p);
	assert_int_equal(n, 1 + 2 + ZC_WIRE_CMD_BODY_MAX + 1 + c.sig_len);
	assert_true(n <= ZC_WIRE_PAYLOAD_MAX);
	assert_int_equal(zc_wire_command_decode(p, (size_t)n, &d), 0);
	assert_int_equal(d.kind, c.kind);
	assert_int_equal(d.body_len, c.body_len);
	assert_memory_equal(d.body, c.body, c.body_len);
	assert_int_equal(d.sig_len, c.sig_len);
	assert_memory_equal(d.sig, c.sig, c.sig_len);
	assert_int_equal(zc_wire_command_encode(&d, p2, sizeof p2), n);
	assert_memory_equal(p, p2, (size_t)n);
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), 0);

	/* SET_TIME, sign and verify; everything that must fail does */
	memset(&c, 0, sizeof c);
	c.kind = ZC_CMD_SET_TIME;
	n = zc_wire_set_time_encode(-1, c.body, sizeof c.body);
	assert_int_equal(n, 8);
	c.body_len = (uint16_t)n;
	assert_int_equal(zc_wire_cmd_sign(&c, "K01", nonce, key), 0);
	n = zc_wire_command_encode(&c, p, sizeof p);
	prefixes_fail(command_dec, p, (size_t)n, &d);
	assert_int_equal(zc_wire_command_decode(p, (size_t)n, &d), 0);
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), 0);
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", other, pub), ZC_ESIG); /* wrong nonce */
	assert_int_equal(zc_wire_cmd_verify(&d, "K02", nonce, pub), ZC_ESIG); /* wrong terminal */
	assert_int_equal(zc_wire_cmd_verify(&d, "", nonce, pub), ZC_ESIG);
	zc_privkey *k2;
	zc_pubkey *pk2;
	assert_int_equal(zc_privkey_generate(&k2), 0);
	assert_int_equal(zc_pubkey_from_priv(k2, &pk2), 0);
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pk2), ZC_ESIG); /* wrong key */
	d.kind = ZC_CMD_ACK_COLLECTED;
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), ZC_ESIG); /* another kind */
	d.kind = ZC_CMD_SET_TIME;
	d.body[0] ^= 1;
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), ZC_ESIG); /* another body */
	d.body[0] ^= 1;
	d.body_len = 7;
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), ZC_ESIG);
	d.body_len = 8;
	assert_int_equal(zc_wire_cmd_verify(&d, "bad id", nonce, pub), ZC_EARG);
	d.sig_len = 3;
	assert_int_equal(zc_wire_cmd_verify(&d, "K01", nonce, pub), ZC_ESIG);
	/* signed by the other key: only that key verifies it */
	assert_int_equal(zc_wire_cmd_sign(&c, "K01", nonce, k2), 0);
	assert_int_equal(zc_wire_cmd_verify(&c, "K01", nonce, pk2), 0);
	assert_int_equal(zc_wire_cmd_verify(&c, "K01", nonce, pub), ZC_ESIG);
	zc_privkey_free(k2);
	zc_pubkey_free(pk2);
	/* a first PROVISION: signed for the id being given, the terminal has none */
	assert_int_equal(zc_wire_cmd_sign(&c, "", nonce, key), 0);
	assert_int_equal(zc_wire_cmd_verify(&c, NULL, nonce, pub), 0);
	assert_int_equal(zc_wire_cmd_sign(&c, "no/slash", nonce, key), ZC_EARG);
	c.kind = 0;
	assert_int_equal(zc_wire_cmd_sign(&c, "K01", nonce, key), ZC_EARG);

	/* the digest is exactly the documented concatenation */
	uint8_t want[ZC_HASH_LEN], got_[ZC_HASH_LEN], buf[200];
	size_t bl = 0;
	memcpy(buf, "zhucun-cmd-v1", 13);
	bl = 13;
	buf[bl++] = 3;
	memcpy(buf + bl, "K01", 3);
	bl += 3;
	memcpy(buf + bl, nonce, 16);
	bl += 16;
	buf[bl++] = ZC_CMD_ACK_COLLECTED;
	buf[bl++] = 5;
	buf[bl++] = 0;
	memcpy(buf + bl, "abcde", 5);
	bl += 5;
	zc_sha256(buf, bl, want);
	zc_wire_cmd_digest("K01", nonce, ZC_CMD_ACK_COLLECTED, (const uint8_t *)"abcde", 5, got_);
	assert_memory_equal(got_, want, ZC_HASH_LEN);

	/* the encoder refuses what the decoder would */
	memset(&c, 0, sizeof c);
	c.kind = 5; /* unknown kinds are fine */
	c.sig_len = 8;
	memcpy(c.sig, "\x30\x06\x02\x01\x01\x02\x01\x01", 8);
	assert_true(zc_wire_command_encode(&c, p, sizeof p) > 0);
	c.kind = 0;
	assert_int_equal(zc_wire_command_encode(&c, p, sizeof p), ZC_EARG);
	c.kind = 1;
	c.sig[0] = 0x31;
	assert_int_equal(zc_wire_command_encode(&c, p, sizeof p), ZC_EARG);
	c.sig[0] = 0x30;
	c.body_len = ZC_WIRE_CMD_BODY_MAX + 1;
	assert_int_equal(zc_wire_command_encode(&c, p, sizeof p), ZC_EARG);

	/* bodies */
	int64_t t;
	uint64_t seq;
	uint8_t h[ZC_HASH_LEN], hh[ZC_HASH_LEN];
	assert_int_equal(zc_wire_set_time_encode(INT64_MIN, p, 8), 8);
	assert_int_equal(zc_wire_set_time_decode(p, 8, &t), 0);
	assert_true(t == INT64_MIN);
	assert_int_equal(zc_wire_set_time_decode(p, 7, &t), ZC_ETRUNC);
	assert_int_equal(zc_wire_set_time_encode(1, p, 7), ZC_EARG);
	memset(h, 0x77, sizeof h);
	assert_int_equal(zc_wire_ack_encode(42, h, p, sizeof p), 40);
	assert_int_equal(zc_wire_ack_decode(p, 40, &seq, hh), 0);
	assert_int_equal(seq, 42);
	assert_memory_equal(hh, h, ZC_HASH_LEN);
	assert_int_equal(zc_wire_ack_decode(p, 39, &seq, hh), ZC_ETRUNC);
	assert_int_equal(zc_wire_ack_decode(p, 41, &seq, hh), ZC_EMALFORMED);
	assert_int_equal(zc_wire_ack_encode(0, h, p, sizeof p), ZC_EARG);
	zc_put_u64(p, 0);
	assert_int_equal(zc_wire_ack_decode(p, 40, &seq, hh), ZC_EMALFORMED);
}

static void test_provision(void **state)
{
	(void)state;
	static uint8_t p[ZC_WIRE_PAYLOAD_MAX], p2[ZC_WIRE_PAYLOAD_MAX], ca[2000], rl[5000];
	randbytes(ca, sizeof ca);
	randbytes(rl, sizeof rl);
	zc_wire_provision m = {.terminal = "K01",
			       .township = "T-01",
			       .host_pubkey = key_der,
			       .host_pubkey_len = (uint16_t)key_der_len,
			       .ca_cert = ca,
			       .ca_cert_len = sizeof ca,
			       .revocations = rl,
			       .revocations_len = sizeof rl},
			  d;
	int n = zc_wire_provision_encode(&m, p, sizeof p);
	assert_int_equal(n, 4 + 5 + 2 + (int)key_der_len + 2 + (int)sizeof ca + 2 + (int)sizeof rl);
	assert_int_equal(zc_wire_provision_decode(p, (size_t)n, &d), 0);
	assert_string_equal(d.terminal, "K01");
	assert_string_equal(d.township, "T-01");
	assert_int_equal(d.host_pubkey_len, key_der_len);
	assert_memory_equal(d.host_pubkey, key_der, key_der_len);
	assert_int_equal(d.ca_cert_len, sizeof ca);
	assert_ptr_equal(d.ca_cert, p + 4 + 5 + 2 + key_der_len + 2);
	assert_int_equal(d.revocations_len, sizeof rl);
	assert_memory_equal(d.revocations, rl, sizeof rl);
	assert_int_equal(zc_wire_provision_encode(&d, p2, sizeof p2), n);
	assert_memory_equal(p, p2, (size_t)n);
	prefixes_fail(provision_dec, p, (size_t)n, &d);
	/* an empty revocation list is fine */
	m.revocations = NULL;
	m.revocations_len = 0;
	n = zc_wire_provision_encode(&m, p, sizeof p);
	assert_int_equal(zc_wire_provision_decode(p, (size_t)n, &d), 0);
	assert_int_equal(d.revocations_len, 0);
	/* the body must leave room in a COMMAND */
	static uint8_t huge[ZC_WIRE_CMD_BODY_MAX + 10];
	m.revocations = huge;
	m.revocations_len = (uint16_t)(ZC_WIRE_CMD_BODY_MAX - n + 1);
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
	/* refused */
	m.revocations_len = 0;
	m.terminal[0] = 0;
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
	strcpy(m.terminal, "K01");
	strcpy(m.township, "T 1");
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
	strcpy(m.township, "T1");
	m.host_pubkey_len = 0;
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
	m.host_pubkey_len = ZC_WIRE_PUBKEY_MAX + 1;
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
	m.host_pubkey_len = (uint16_t)key_der_len;
	m.ca_cert_len = 0;
	assert_int_equal(zc_wire_provision_encode(&m, p, sizeof p), ZC_EARG);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(zc_wire_type_name(ZC_WIRE_HELLO_REQ), "hello_req");
	assert_string_equal(zc_wire_type_name(ZC_WIRE_RESULT), "result");
	assert_string_equal(zc_wire_type_name(0), "unknown");
	assert_string_equal(zc_wire_result_name(ZC_WIRE_E_NONCE), "nonce");
	assert_string_equal(zc_wire_result_name(200), "unknown");
	assert_string_equal(zc_wire_cmd_name(ZC_CMD_PROVISION), "provision");
	assert_string_equal(zc_wire_cmd_name(0), "unknown");
	for (int t = 1; t <= 10; t++)
		assert_string_not_equal(zc_wire_type_name((uint8_t)t), "unknown");
	for (int c = 0; c <= 9; c++)
		assert_string_not_equal(zc_wire_result_name((uint8_t)c), "unknown");
}

/* ---- checked-in vectors ---- */

static json_t *manifest(void)
{
	json_error_t je;
	json_t *m = json_load_file(tu_src_path("shared/vectors/wire/manifest.json"), 0, &je);
	if (!m)
		fail_msg("shared/vectors/wire/manifest.json: %s (line %d)", je.text, je.line);
	return m;
}

static uint8_t *vec(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof rel, "shared/vectors/wire/%s", name);
	uint8_t *b = tu_read_file(tu_src_path(rel), len);
	if (!b)
		fail_msg("cannot read %s", rel);
	return b;
}

static uint8_t *unhex_alloc(const char *s, size_t *n)
{
	*n = strlen(s) / 2;
	uint8_t *b = malloc(*n + 1);
	assert_non_null(b);
	assert_int_equal(zc_unhex(s, b, *n), 0);
	return b;
}

/* Decode a payload by its type and encode it again: the same bytes. */
static void reencode(uint8_t type, const uint8_t *p, size_t n)
{
	static uint8_t out[ZC_WIRE_PAYLOAD_MAX];
	static zc_wire_command c;
	int k = -1;
	switch (type) {
	case ZC_WIRE_HELLO_REQ: {
		uint8_t hn[ZC_WIRE_NONCE_LEN];
		assert_int_equal(n, ZC_WIRE_NONCE_LEN);
		zc_wire_hello_req_decode(p, n, hn);
		k = zc_wire_hello_req_encode(hn, out, sizeof out);
		break;
	}
	case ZC_WIRE_STATUS_REQ: k = 0; break;
	case ZC_WIRE_HELLO: {
		zc_wire_hello m;
		assert_int_equal(zc_wire_hello_decode(p, n, &m), 0);
		k = zc_wire_hello_encode(&m, out, sizeof out);
		break;
	}
	case ZC_WIRE_STATUS: {
		zc_wire_status m;
		assert_int_equal(zc_wire_status_decode(p, n, &m), 0);
		k = zc_wire_status_encode(&m, out, sizeof out);
		break;
	}
	case ZC_WIRE_GET_RECORDS: {
		zc_wire_get m;
		assert_int_equal(zc_wire_get_decode(p, n, &m), 0);
		k = zc_wire_get_encode(&m, out, sizeof out);
		break;
	}
	case ZC_WIRE_CREDIT: {
		uint16_t v;
		assert_int_equal(zc_wire_credit_decode(p, n, &v), 0);
		k = zc_wire_credit_encode(v, out, sizeof out);
		break;
	}
	case ZC_WIRE_RECORDS: {
		zc_wire_records m;
		size_t len;
		assert_int_equal(zc_wire_records_decode(p, n, &m), 0);
		zc_wire_records_begin(out, m.first_seq, &len);
		for (uint16_t i = 0; i < m.count; i++) {
			assert_int_equal(zc_wire_records_add(out, sizeof out, &len, m.rec[i], m.len[i]), 0);
			zc_rec r; /* the records inside are real ones */
			assert_int_equal(zc_rec_decode(m.rec[i], m.len[i], &r, NULL, NULL), 0);
			assert_int_equal(r.seq, m.first_seq + i);
		}
		k = (int)len;
		break;
	}
	case ZC_WIRE_END: {
		zc_wire_end m;
		assert_int_equal(zc_wire_end_decode(p, n, &m), 0);
		k = zc_wire_end_encode(&m, out, sizeof out);
		break;
	}
	case ZC_WIRE_COMMAND:
		assert_int_equal(zc_wire_command_decode(p, n, &c), 0);
		k = zc_wire_command_encode(&c, out, sizeof out);
		break;
	case ZC_WIRE_RESULT: {
		zc_wire_result_msg m;
		assert_int_equal(zc_wire_result_decode(p, n, &m), 0);
		k = zc_wire_result_encode(&m, out, sizeof out);
		break;
	}
	default:
		memcpy(out, p, n);
		k = (int)n;
		break;
	}
	assert_int_equal(k, (int)n);
	assert_memory_equal(out, p, n);
}

static void test_vectors_frames(void **state)
{
	(void)state;
	json_t *m = manifest();
	json_t *frames = json_object_get(m, "frames");
	assert_true(json_array_size(frames) >= 19);
	size_t i;
	json_t *f;
	int seen[256] = {0};
	json_array_foreach(frames, i, f)
	{
		size_t len, pn;
		const char *name = json_string_value(json_object_get(f, "file"));
		uint8_t *b = vec(name, &len);
		uint8_t *p = unhex_alloc(json_string_value(json_object_get(f, "payload")), &pn);
		zc_wire_decoder_init(&dec);
		size_t used;
		assert_int_equal(zc_wire_decoder_feed(&dec, b, len, &used, &frm), 1);
		assert_int_equal(used, len);
		assert_int_equal(frm.type, json_integer_value(json_object_get(f, "type")));
		assert_int_equal(frm.req_id, json_integer_value(json_object_get(f, "req_id")));
		assert_int_equal(frm.len, pn);
		assert_memory_equal(frm.payload, p, pn);
		seen[frm.type] = 1;
		/* byte-identical re-encoding of the frame and of the message */
		int k = zc_wire_encode(frm.type, frm.req_id, frm.payload, frm.len, enc, sizeof enc);
		assert_int_equal(k, (int)len);
		assert_memory_equal(enc, b, len);
		reencode(frm.type, frm.payload, frm.len);
		json_t *got_ = zc_wirevec_msg_json(frm.type, frm.payload, frm.len);
		if (!json_equal(got_, json_object_get(f, "message")))
			fail_msg("vector %s decodes differently", name);
		json_decref(got_);
		char crc[9];
		uint8_t head[5] = {frm.type, (uint8_t)frm.req_id, (uint8_t)(frm.req_id >> 8), (uint8_t)frm.len,
				   (uint8_t)(frm.len >> 8)};
		snprintf(crc, sizeof crc, "%08x", zc_crc32c(zc_crc32c(0, head, 5), p, pn));
		assert_string_equal(crc, json_string_value(json_object_get(f, "crc32c")));
		free(p);
		free(b);
	}
	for (int t = ZC_WIRE_HELLO_REQ; t <= ZC_WIRE_RESULT; t++)
		assert_true(seen[t]); /* every type has a vector */
	json_decref(m);
}

static void test_vectors_commands(void **state)
{
	(void)state;
	json_t *m = manifest();
	zc_pubkey *pk;
	zc_privkey *sk;
	assert_int_equal(zc_pubkey_load(tu_src_path("shared/vectors/vector-terminal.pub.pem"), &pk), 0);
	assert_int_equal(zc_privkey_load(tu_src_path("shared/vectors/vector-terminal.key.pem"), &sk), 0);
	json_t *cmds = json_object_get(m, "commands");
	assert_int_equal(json_array_size(cmds), 4);
	size_t i;
	json_t *x;
	static zc_wire_command c, again;
	json_array_foreach(cmds, i, x)
	{
		size_t len, nn, dn;
		uint8_t *b = vec(json_string_value(json_object_get(x, "file")), &len);
		uint8_t *nonce = unhex_alloc(json_string_value(json_object_get(x, "nonce")), &nn);
		uint8_t *digest = unhex_alloc(json_string_value(json_object_get(x, "digest")), &dn);
		const char *tid = json_string_value(json_object_get(x, "terminal"));
		assert_int_equal(nn, ZC_WIRE_NONCE_LEN);
		zc_wire_decoder_init(&dec);
		size_t used;
		assert_int_equal(zc_wire_decoder_feed(&dec, b, len, &used, &frm), 1);
		assert_int_equal(frm.type, ZC_WIRE_COMMAND);
		assert_int_equal(zc_wire_command_decode(frm.payload, frm.len, &c), 0);
		uint8_t d[ZC_HASH_LEN];
		zc_wire_cmd_digest(tid, nonce, c.kind, c.body, c.body_len, d);
		assert_memory_equal(d, digest, ZC_HASH_LEN);
		assert_int_equal(zc_wire_cmd_verify(&c, tid, nonce, pk), 0);
		nonce[0] ^= 1;
		assert_int_equal(zc_wire_cmd_verify(&c, tid, nonce, pk), ZC_ESIG);
		nonce[0] ^= 1;
		/* deterministic signing reproduces the signature */
		again = c;
		assert_int_equal(zc_wire_cmd_sign(&again, tid, nonce, sk), 0);
		assert_int_equal(again.sig_len, c.sig_len);
		assert_memory_equal(again.sig, c.sig, c.sig_len);
		free(b);
		free(nonce);
		free(digest);
	}
	zc_pubkey_free(pk);
	zc_privkey_free(sk);
	json_decref(m);
}

/* Decode the one frame of a vector file into frm. */
static void vec_frame(const char *name)
{
	size_t len, used;
	uint8_t *b = vec(name, &len);
	zc_wire_decoder_init(&dec);
	assert_int_equal(zc_wire_decoder_feed(&dec, b, len, &used, &frm), 1);
	free(b);
}

/* Version 2: the HELLOs are signed by K01's key over the host nonce of
 * 01-hello_req, each RESULT over the hash of the request it answers; the
 * version-1 HELLO kept in v1/ is refused as another version. */
static void test_vectors_terminal_signatures(void **state)
{
	(void)state;
	zc_pubkey *pk, *other;
	zc_privkey *ok;
	assert_int_equal(zc_pubkey_load(tu_src_path("shared/vectors/vector-terminal.pub.pem"), &pk), 0);
	assert_int_equal(zc_privkey_generate(&ok), 0);
	uint8_t der[ZC_WIRE_PUBKEY_MAX];
	size_t dl;
	assert_int_equal(zc_privkey_public_der(ok, der, sizeof der, &dl), 0);
	assert_int_equal(zc_pubkey_parse(der, dl, &other), 0);
	uint8_t host_nonce[ZC_WIRE_NONCE_LEN];
	vec_frame("01-hello_req.frame");
	assert_int_equal(frm.len, ZC_WIRE_NONCE_LEN);
	zc_wire_hello_req_decode(frm.payload, frm.len, host_nonce);
	static const char *hellos[] = {"02-hello.frame", "03-hello-unprovisioned.frame"};
	for (int i = 0; i < 2; i++) {
		zc_wire_hello h;
		vec_frame(hellos[i]);
		assert_int_equal(zc_wire_hello_decode(frm.payload, frm.len, &h), 0);
		assert_int_equal(zc_wire_hello_verify(&h, host_nonce, pk), 0);
		assert_int_equal(zc_wire_hello_verify(&h, host_nonce, other), ZC_ESIG);
		host_nonce[3] ^= 1; /* a HELLO replayed to another HELLO_REQ */
		assert_int_equal(zc_wire_hello_verify(&h, host_nonce, pk), ZC_ESIG);
		host_nonce[3] ^= 1;
		h.utc_ms -= 3600000; /* the clock lowered on the line */
		assert_int_equal(zc_wire_hello_verify(&h, host_nonce, pk), ZC_ESIG);
	}
	static const char *pairs[][2] = {{"10-command-set_time.frame", "11-result-ok.frame"},
					 {"12-command-ack_collected.frame", "13-result-hash.frame"},
					 {"15-command-revocations.frame", "16-result-nonce.frame"},
					 {"17-unknown-type.frame", "18-result-unsupported.frame"}};
	for (int i = 0; i < 4; i++) {
		uint8_t rh[ZC_HASH_LEN];
		zc_wire_result_msg r;
		vec_frame(pairs[i][0]);
		zc_wire_request_hash(frm.type, frm.req_id, frm.payload, frm.len, rh);
		vec_frame(pairs[i][1]);
		assert_int_equal(zc_wire_result_decode(frm.payload, frm.len, &r), 0);
		assert_memory_equal(r.req_hash, rh, ZC_HASH_LEN);
		assert_int_equal(zc_wire_result_verify(&r, pk), 0);
		assert_int_equal(zc_wire_result_verify(&r, other), ZC_ESIG);
		r.code = r.code ? ZC_WIRE_OK : ZC_WIRE_E_SIGNATURE; /* a forged outcome */
		assert_int_equal(zc_wire_result_verify(&r, pk), ZC_ESIG);
	}
	/* the request hash is the documented concatenation */
	uint8_t buf[3 + 5], want[ZC_HASH_LEN], got_[ZC_HASH_LEN];
	memcpy(buf,
	       "\x09\x34\x12"
	       "abcde",
	       8);
	zc_sha256(buf, sizeof buf, want);
	zc_wire_request_hash(ZC_WIRE_COMMAND, 0x1234, (const uint8_t *)"abcde", 5, got_);
	assert_memory_equal(got_, want, ZC_HASH_LEN);
	/* the version-1 vectors stay as they were: a HELLO of version 1 */
	zc_wire_hello h;
	vec_frame("v1/02-hello.frame");
	assert_int_equal(zc_wire_hello_decode(frm.payload, frm.len, &h), ZC_EVERSION);
	zc_pubkey_free(pk);
	zc_pubkey_free(other);
	zc_privkey_free(ok);
}

static void test_vectors_bad(void **state)
{
	(void)state;
	json_t *m = manifest();
	size_t i;
	json_t *x;
	json_t *bf = json_object_get(m, "bad_frames");
	assert_true(json_array_size(bf) >= 8);
	json_array_foreach(bf, i, x)
	{
		size_t len;
		uint8_t *b = vec(json_string_value(json_object_get(x, "file")), &len);
		got g[2];
		zc_wire_decoder_init(&dec);
		assert_int_equal(feed_all(b, len, 0, g, 2), 0);
		assert_int_equal(dec.dropped, 1);
		assert_int_equal(dec.len, 0);
		free(b);
	}
	json_t *bp = json_object_get(m, "bad_payloads");
	assert_true(json_array_size(bp) >= 40);
	json_array_foreach(bp, i, x)
	{
		size_t len;
		const char *file = json_string_value(json_object_get(x, "file"));
		const char *dn = json_string_value(json_object_get(x, "decoder"));
		int want = (int)json_integer_value(json_object_get(x, "code"));
		uint8_t *b = vec(file, &len);
		int rc;
		static zc_wire_command c;
		if (!strcmp(dn, "hello")) {
			zc_wire_hello v;
			rc = zc_wire_hello_decode(b, len, &v);
		} else if (!strcmp(dn, "status")) {
			zc_wire_status v;
			rc = zc_wire_status_decode(b, len, &v);
		} else if (!strcmp(dn, "get")) {
			zc_wire_get v;
			rc = zc_wire_get_decode(b, len, &v);
		} else if (!strcmp(dn, "credit")) {
			uint16_t v;
			rc = zc_wire_credit_decode(b, len, &v);
		} else if (!strcmp(dn, "records")) {
			zc_wire_records v;
			rc = zc_wire_records_decode(b, len, &v);
		} else if (!strcmp(dn, "end")) {
			zc_wire_end v;
			rc = zc_wire_end_decode(b, len, &v);
		} else if (!strcmp(dn, "command")) {
			rc = zc_wire_command_decode(b, len, &c);
		} else if (!strcmp(dn, "result")) {
			zc_wire_result_msg v;
			rc = zc_wire_result_decode(b, len, &v);
		} else if (!strcmp(dn, "provision")) {
			zc_wire_provision v;
			rc = zc_wire_provision_decode(b, len, &v);
		} else if (!strcmp(dn, "set_time")) {
			int64_t v;
			rc = zc_wire_set_time_decode(b, len, &v);
		} else if (!strcmp(dn, "ack")) {
			uint64_t v;
			uint8_t h[ZC_HASH_LEN];
			rc = zc_wire_ack_decode(b, len, &v, h);
		} else {
			rc = INT32_MIN;
			fail_msg("%s: unknown decoder %s", file, dn);
		}
		if (rc != want)
			fail_msg("%s: got %d, want %d", file, rc, want);
		free(b);
	}
	json_decref(m);
}

static void test_vectors_stream(void **state)
{
	(void)state;
	json_t *m = manifest();
	json_t *s = json_object_get(m, "stream");
	size_t len;
	uint8_t *b = vec(json_string_value(json_object_get(s, "file")), &len);
	json_t *want = json_object_get(s, "frames");
	got g[16], w[16];
	size_t nw = json_array_size(want);
	assert_true(nw >= 4 && nw <= 16);
	for (size_t i = 0; i < nw; i++) {
		size_t fl;
		uint8_t *f = vec(json_string_value(json_array_get(want, i)), &fl);
		zc_wire_decoder_init(&dec);
		assert_int_equal(feed_all(f, fl, 0, w + i, 1), 1);
		free(f);
	}
	const size_t chunks[] = {0, 1, 13, 4096};
	for (size_t c = 0; c < 4; c++) {
		zc_wire_decoder_init(&dec);
		size_t k = feed_all(b, len, chunks[c], g, 16);
		assert_int_equal(k, nw);
		assert_memory_equal(g, w, nw * sizeof g[0]);
		assert_int_equal(dec.dropped, json_integer_value(json_object_get(s, "dropped")));
		assert_int_equal(dec.len, json_integer_value(json_object_get(s, "pending")));
	}
	free(b);
	json_decref(m);
}

static void test_vectors_crc_cobs(void **state)
{
	(void)state;
	json_t *m = manifest();
	size_t i;
	json_t *x;
	json_t *crc = json_object_get(m, "crc32c");
	assert_true(json_array_size(crc) >= 6);
	json_array_foreach(crc, i, x)
	{
		size_t n;
		uint8_t *b = unhex_alloc(json_string_value(json_object_get(x, "input")), &n);
		char hex[9];
		snprintf(hex, sizeof hex, "%08x", zc_crc32c(0, b, n));
		assert_string_equal(hex, json_string_value(json_object_get(x, "crc32c")));
		free(b);
	}
	json_t *cobs = json_object_get(m, "cobs");
	assert_true(json_array_size(cobs) >= 12);
	json_array_foreach(cobs, i, x)
	{
		size_t dn, en;
		uint8_t *d = unhex_alloc(json_string_value(json_object_get(x, "decoded")), &dn);
		uint8_t *e = unhex_alloc(json_string_value(json_object_get(x, "encoded")), &en);
		uint8_t out[1024];
		assert_int_equal(zc_cobs_encode(d, dn, out), en);
		assert_memory_equal(out, e, en);
		assert_int_equal(zc_cobs_decode(e, en, out), (int)dn);
		assert_memory_equal(out, d, dn);
		free(d);
		free(e);
	}
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc32c),
	    cmocka_unit_test(test_cobs_known),
	    cmocka_unit_test(test_cobs_round_trips),
	    cmocka_unit_test(test_cobs_rejects),
	    cmocka_unit_test(test_frame_encode),
	    cmocka_unit_test(test_decoder_chunks),
	    cmocka_unit_test(test_decoder_resync),
	    cmocka_unit_test(test_hello),
	    cmocka_unit_test(test_status_get_credit_end_result),
	    cmocka_unit_test(test_records),
	    cmocka_unit_test(test_commands),
	    cmocka_unit_test(test_provision),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_vectors_frames),
	    cmocka_unit_test(test_vectors_commands),
	    cmocka_unit_test(test_vectors_terminal_signatures),
	    cmocka_unit_test(test_vectors_bad),
	    cmocka_unit_test(test_vectors_stream),
	    cmocka_unit_test(test_vectors_crc_cobs),
	};
	return cmocka_run_group_tests_name("wire", tests, setup, teardown);
}
