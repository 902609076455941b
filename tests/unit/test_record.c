/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_record.c: the record format. Round trips of every kind, every decoder
 * rejection, the checked-in test vectors (shared/vectors/), signatures and
 * the tap challenge, journal entry framing and the read-only journal reader.
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
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/jreader.h"
#include "zc/recjson.h"
#include "zc/record.h"

static zc_privkey *key;

static int setup(void **state)
{
	(void)state;
	return zc_privkey_generate(&key);
}

static int teardown(void **state)
{
	(void)state;
	zc_privkey_free(key);
	return 0;
}

/* A record of each kind with every field set to something recognisable. */
static void make(zc_rec *r, uint8_t kind, uint64_t seq)
{
	zc_rec_init(r, kind);
	strcpy(r->terminal, "K-01.x_y");
	r->seq = seq;
	r->boot = 7;
	r->utc_ms = ZC_UTC_MS_MIN + 1234567; /* near the earliest time allowed */
	r->mono_ms = UINT64_MAX - 5;
	if (seq > 1)
		memset(r->prev_hash, 0xEE, ZC_HASH_LEN);
	switch (kind) {
	case ZC_KIND_TAP:
		r->u.tap.badge_kind = ZC_BADGE_PIV;
		r->u.tap.result = ZC_TAP_REVOKED;
		r->u.tap.badge_id_len = ZC_BADGE_ID_MAX;
		memset(r->u.tap.badge_id, 0xB1, ZC_BADGE_ID_MAX);
		memset(r->u.tap.cert_fp, 0xC1, ZC_HASH_LEN);
		memset(r->u.tap.nonce, 0xD1, ZC_NONCE_LEN);
		r->u.tap.badge_sig_len = 8;
		memcpy(r->u.tap.badge_sig, "\x30\x06\x02\x01\x01\x02\x01\x01", 8);
		break;
	case ZC_KIND_BOOT: strcpy(r->u.boot.firmware, "fw 1.2.3"); break;
	case ZC_KIND_CLOCK_SET:
		r->u.clock.old_utc_ms = 1;
		r->u.clock.new_utc_ms = ZC_UTC_MS_END - 1; /* the latest allowed */
		memset(r->u.clock.by_fp, 0xA5, ZC_HASH_LEN);
		break;
	case ZC_KIND_PROVISIONED:
		strcpy(r->u.prov.township, "T01");
		memset(r->u.prov.host_fp, 1, ZC_HASH_LEN);
		memset(r->u.prov.ca_fp, 2, ZC_HASH_LEN);
		memset(r->u.prov.key_fp, 3, ZC_HASH_LEN);
		break;
	case ZC_KIND_COLLECTED:
		r->u.collected.up_to_seq = 99;
		memset(r->u.collected.up_to_hash, 4, ZC_HASH_LEN);
		memset(r->u.collected.host_fp, 5, ZC_HASH_LEN);
		break;
	case ZC_KIND_READER_FAULT:
		r->u.fault.code = INT32_MIN;
		memset(r->u.fault.text, 'x', ZC_TEXT_MAX);
		r->u.fault.text[ZC_TEXT_MAX] = 0;
		break;
	case ZC_KIND_JOURNAL_REPAIR:
		r->u.repair.offset = 1;
		r->u.repair.dropped_bytes = 2;
		r->u.repair.last_good_seq = 3;
		break;
	case ZC_KIND_JOURNAL_LOST: /* only valid above seq 1 */
		r->u.lost.last_seq = seq - 1;
		memset(r->u.lost.last_hash, 0xEE, ZC_HASH_LEN);
		r->u.lost.found_head = seq > 2 ? seq - 2 : 0;
		break;
	default: r->payload_len = ZC_PAYLOAD_MAX; memset(r->payload, 0x77, ZC_PAYLOAD_MAX);
	}
}

static void test_round_trip_every_kind(void **state)
{
	(void)state;
	const uint8_t kinds[] = {ZC_KIND_TAP,
				 ZC_KIND_BOOT,
				 ZC_KIND_CLOCK_SET,
				 ZC_KIND_PROVISIONED,
				 ZC_KIND_COLLECTED,
				 ZC_KIND_READER_FAULT,
				 ZC_KIND_JOURNAL_REPAIR,
				 ZC_KIND_JOURNAL_LOST,
				 9,
				 255};
	for (size_t i = 0; i < sizeof kinds; i++) {
		for (uint64_t seq = kinds[i] == ZC_KIND_JOURNAL_LOST ? 2 : 1; seq <= 3; seq++) {
			zc_rec r, d;
			uint8_t buf[ZC_REC_MAX], buf2[ZC_REC_MAX], h[ZC_HASH_LEN];
			size_t len, blen;
			make(&r, kinds[i], seq);
			assert_int_equal(zc_rec_sign(&r, key, buf, sizeof buf, &len, h), 0);
			assert_true(len <= ZC_REC_MAX);
			assert_int_equal(zc_rec_decode(buf, len, &d, &blen, NULL), 0);
			/* every field survives */
			assert_int_equal(d.version, 1);
			assert_int_equal(d.kind, kinds[i]);
			assert_string_equal(d.terminal, r.terminal);
			assert_true(d.seq == r.seq && d.boot == r.boot && d.utc_ms == r.utc_ms &&
				    d.mono_ms == r.mono_ms);
			assert_memory_equal(d.prev_hash, r.prev_hash, ZC_HASH_LEN);
			assert_int_equal(d.payload_len, r.payload_len);
			assert_memory_equal(d.payload, r.payload, r.payload_len);
			assert_memory_equal(&d.u, &r.u, sizeof r.u);
			/* canonical: re-encoding gives the same bytes */
			int n = zc_rec_encode(&d, buf2, sizeof buf2);
			assert_int_equal(n, (int)len);
			assert_memory_equal(buf, buf2, len);
			/* signature and hash */
			zc_pubkey *pk;
			assert_int_equal(zc_pubkey_from_priv(key, &pk), 0);
			assert_int_equal(zc_rec_verify(pk, buf, blen, &d), 0);
			uint8_t h2[ZC_HASH_LEN];
			zc_rec_hash_body(buf, blen, h2);
			assert_memory_equal(h, h2, ZC_HASH_LEN);
			zc_pubkey_free(pk);
		}
	}
}

static void test_encoder_refuses_invalid(void **state)
{
	(void)state;
	zc_rec r;
	uint8_t buf[ZC_REC_MAX];
	make(&r, ZC_KIND_BOOT, 2);
	strcpy(r.terminal, "");
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	strcpy(r.terminal, "bad/id");
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_BOOT, 0);
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_BOOT, 1);
	r.prev_hash[3] = 1; /* seq 1 must link to zeros */
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_TAP, 2);
	r.u.tap.badge_kind = ZC_BADGE_UID; /* UID with a signature */
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_TAP, 2);
	r.u.tap.badge_id_len = 0;
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_BOOT, 2);
	strcpy(r.u.boot.firmware, "caf\xc3\xa9"); /* not printable ASCII */
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_BOOT, 2);
	assert_int_equal(zc_rec_encode_body(&r, buf, 20), ZC_EARG); /* no room */
	make(&r, 0, 2);
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	/* journal_lost names a loss below itself, and some loss */
	make(&r, ZC_KIND_JOURNAL_LOST, 5);
	r.u.lost.last_seq = 5;
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	r.u.lost.last_seq = 0;
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	make(&r, ZC_KIND_JOURNAL_LOST, 1);
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
}

/* The decoder refuses a journal_lost whose last_seq is not below the
 * record's own seq, naming the field. */
static void test_journal_lost_decode(void **state)
{
	(void)state;
	zc_rec r, d;
	uint8_t buf[ZC_REC_MAX];
	zc_rec_error e;
	make(&r, ZC_KIND_JOURNAL_LOST, 7);
	int n = zc_rec_encode_body(&r, buf, sizeof buf);
	assert_true(n > 48);
	size_t pay = (size_t)n - 48; /* payload: last_seq, last_hash, found_head */
	assert_int_equal(zc_get_u64(buf + pay), 6);
	uint8_t sig[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	buf[n] = sizeof sig;
	memcpy(buf + n + 1, sig, sizeof sig);
	size_t len = (size_t)n + 1 + sizeof sig;
	assert_int_equal(zc_rec_decode(buf, len, &d, NULL, NULL), 0);
	assert_true(d.u.lost.last_seq == 6 && d.u.lost.found_head == 5);
	assert_string_equal(zc_kind_name(d.kind), "journal_lost");
	const uint64_t badseq[] = {7, 8, 0};
	for (size_t i = 0; i < 3; i++) {
		zc_put_u64(buf + pay, badseq[i]);
		memset(&e, 0, sizeof e);
		assert_int_equal(zc_rec_decode(buf, len, &d, NULL, &e), ZC_EMALFORMED);
		assert_string_equal(e.field, "lost.last_seq");
		assert_int_equal(e.offset, pay);
	}
}

/* Every prefix of a valid record is rejected as truncated or malformed,
 * and every single-bit change either is rejected or breaks the signature. */
static void test_truncation_and_bitflips(void **state)
{
	(void)state;
	zc_pubkey *pk;
	assert_int_equal(zc_pubkey_from_priv(key, &pk), 0);
	const uint8_t kinds[] = {ZC_KIND_TAP, ZC_KIND_BOOT, ZC_KIND_READER_FAULT, 42};
	for (size_t k = 0; k < sizeof kinds; k++) {
		zc_rec r, d;
		uint8_t buf[ZC_REC_MAX];
		size_t len, blen;
		make(&r, kinds[k], 5);
		if (kinds[k] == 42)
			r.payload_len = 9;
		assert_int_equal(zc_rec_sign(&r, key, buf, sizeof buf, &len, NULL), 0);
		for (size_t n = 0; n < len; n++) {
			zc_rec_error e = {0};
			int rc = zc_rec_decode(buf, n, &d, NULL, &e);
			assert_true(rc == ZC_ETRUNC || rc == ZC_EMALFORMED);
			assert_int_equal(e.code, rc);
			assert_non_null(e.field);
			assert_non_null(e.why);
			assert_true(e.offset <= n);
		}
		/* One bit per byte (rotating through the bit positions) keeps
		 * the signature checks, ~1.6 ms each, to a few seconds. */
		for (size_t i = 0; i < len; i++) {
			uint8_t m[ZC_REC_MAX];
			memcpy(m, buf, len);
			m[i] ^= (uint8_t)(1u << ((i + k) % 8));
			if (zc_rec_decode(m, len, &d, &blen, NULL) == 0)
				assert_int_equal(zc_rec_verify(pk, m, blen, &d), ZC_ESIG);
		}
	}
	zc_pubkey_free(pk);
}

/* Hand-built rejections, each with the exact field it names. */
static void expect_reject(const uint8_t *b, size_t n, int code, const char *field)
{
	zc_rec d;
	zc_rec_error e = {0};
	assert_int_equal(zc_rec_decode(b, n, &d, NULL, &e), code);
	assert_string_equal(e.field, field);
}

static void test_every_rejection(void **state)
{
	(void)state;
	zc_rec r;
	uint8_t g[ZC_REC_MAX], b[ZC_REC_MAX + 4];
	size_t len;
	make(&r, ZC_KIND_TAP, 2);
	strcpy(r.terminal, "K01");
	assert_int_equal(zc_rec_sign(&r, key, g, sizeof g, &len, NULL), 0);
	size_t blen = len - 1 - r.sig_len;
	/* Offsets for terminal "K01": see shared/FORMAT.md. */
#define MUT(stmt, code, field)                                                                                         \
	do {                                                                                                           \
		size_t n = len;                                                                                        \
		memcpy(b, g, len);                                                                                     \
		stmt;                                                                                                  \
		expect_reject(b, n, code, field);                                                                      \
	} while (0)
	MUT(n = 0, ZC_ETRUNC, "magic");
	MUT(b[1] = 'X', ZC_EMALFORMED, "magic");
	MUT(b[2] = 2, ZC_EVERSION, "version");
	MUT(b[2] = 0, ZC_EVERSION, "version");
	MUT(b[3] = 0, ZC_EMALFORMED, "kind");
	MUT(b[4] = 0, ZC_EMALFORMED, "terminal");
	MUT(b[4] = 33, ZC_EMALFORMED, "terminal");
	MUT(b[6] = ' ', ZC_EMALFORMED, "terminal");
	MUT(b[6] = 0, ZC_EMALFORMED, "terminal");
	MUT(memset(b + 8, 0, 8), ZC_EMALFORMED, "seq");
	MUT(n = 10, ZC_ETRUNC, "seq");
	MUT(n = 18, ZC_ETRUNC, "boot");
	MUT(n = 30, ZC_ETRUNC, "mono_ms");
	MUT(n = 50, ZC_ETRUNC, "prev_hash");
	MUT(zc_put_u16(b + 68, ZC_PAYLOAD_MAX + 1), ZC_EMALFORMED, "payload_len");
	MUT(zc_put_u16(b + 68, 1000), ZC_ETRUNC, "payload");
	MUT(b[70] = 0, ZC_EMALFORMED, "tap.badge_kind");
	MUT(b[72] = 0, ZC_EMALFORMED, "tap.badge_id_len");
	MUT(b[72] = 33, ZC_EMALFORMED, "tap.badge_id_len");
	MUT(b[70] = ZC_BADGE_UID, ZC_EMALFORMED, "tap.uid_has_pki_fields");
	/* payload length one short: the tap's signature runs past it */
	MUT((zc_put_u16(b + 68, (uint16_t)(r.payload_len - 1)),
	     memmove(b + 69 + r.payload_len, b + 70 + r.payload_len, len - 70 - r.payload_len), n = len - 1),
	    ZC_EMALFORMED, "tap.badge_sig");
	MUT(n = blen, ZC_ETRUNC, "sig_len");
	MUT(b[blen] = 7, ZC_EMALFORMED, "sig_len");
	MUT(b[blen] = 73, ZC_EMALFORMED, "sig_len");
	MUT(n = len - 1, ZC_ETRUNC, "sig");
	MUT(b[blen + 1] = 0x31, ZC_EMALFORMED, "sig");
	MUT((b[len] = 0, n = len + 1), ZC_EMALFORMED, "trailing_bytes");
#undef MUT
	/* seq 1 with a non-zero prev_hash */
	make(&r, ZC_KIND_BOOT, 2);
	strcpy(r.terminal, "K01");
	assert_int_equal(zc_rec_sign(&r, key, g, sizeof g, &len, NULL), 0);
	memcpy(b, g, len);
	zc_put_u64(b + 8, 1);
	expect_reject(b, len, ZC_EMALFORMED, "prev_hash");
	/* trailing byte inside a known payload */
	make(&r, 99, 2);
	strcpy(r.terminal, "K01");
	r.payload_len = 49;
	zc_put_u64(r.payload, 0x77);		  /* clock_set old_utc_ms: in range */
	zc_put_u64(r.payload + 8, ZC_UTC_MS_MIN); /* new_utc_ms */
	assert_int_equal(zc_rec_sign(&r, key, g, sizeof g, &len, NULL), 0);
	g[3] = ZC_KIND_CLOCK_SET; /* now a clock-set payload one byte too long */
	expect_reject(g, len, ZC_EMALFORMED, "payload.trailing_bytes");
	g[3] = ZC_KIND_BOOT; /* a boot payload whose text is not printable */
	expect_reject(g, len, ZC_EMALFORMED, "boot.firmware_len");
}

/* ---- checked-in vectors ---- */

static json_t *manifest(void)
{
	json_error_t je;
	json_t *m = json_load_file(tu_src_path("shared/vectors/manifest.json"), 0, &je);
	if (!m)
		fail_msg("shared/vectors/manifest.json: %s (line %d)", je.text, je.line);
	return m;
}

static uint8_t *vec(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof rel, "shared/vectors/%s", name);
	uint8_t *b = tu_read_file(tu_src_path(rel), len);
	if (!b)
		fail_msg("cannot read %s", rel);
	return b;
}

static void test_vectors_good(void **state)
{
	(void)state;
	json_t *m = manifest();
	zc_pubkey *pk;
	zc_privkey *sk;
	assert_int_equal(zc_pubkey_load(tu_src_path("shared/vectors/vector-terminal.pub.pem"), &pk), 0);
	assert_int_equal(zc_privkey_load(tu_src_path("shared/vectors/vector-terminal.key.pem"), &sk), 0);
	json_t *recs = json_object_get(m, "records");
	assert_true(json_array_size(recs) >= 8);
	uint8_t prev[ZC_HASH_LEN] = {0};
	size_t i;
	json_t *g;
	json_array_foreach(recs, i, g)
	{
		size_t len, blen;
		uint8_t *b = vec(json_string_value(json_object_get(g, "file")), &len);
		zc_rec r;
		assert_int_equal(zc_rec_decode(b, len, &r, &blen, NULL), 0);
		assert_int_equal((json_int_t)blen, json_integer_value(json_object_get(g, "body_len")));
		uint8_t h[ZC_HASH_LEN];
		zc_rec_hash_body(b, blen, h);
		json_t *got = zc_rec_to_json(&r, h);
		if (!json_equal(got, json_object_get(g, "record"))) {
			char *a = json_dumps(got, JSON_SORT_KEYS),
			     *e = json_dumps(json_object_get(g, "record"), JSON_SORT_KEYS);
			fail_msg("vector %zu decodes differently:\n got %s\n want %s", i, a, e);
		}
		json_decref(got);
		assert_int_equal(zc_rec_verify(pk, b, blen, &r), 0);
		assert_memory_equal(r.prev_hash, prev, ZC_HASH_LEN); /* the vectors form a chain */
		memcpy(prev, h, ZC_HASH_LEN);
		/* deterministic signing reproduces the vector byte for byte */
		uint8_t again[ZC_REC_MAX];
		size_t alen;
		zc_rec r2 = r;
		assert_int_equal(zc_rec_sign(&r2, sk, again, sizeof again, &alen, NULL), 0);
		assert_int_equal(alen, len);
		assert_memory_equal(again, b, len);
		if (r.kind == ZC_KIND_TAP && r.u.tap.badge_kind == ZC_BADGE_PIV) {
			zc_pubkey *bk;
			uint8_t ch[ZC_HASH_LEN], fp[ZC_HASH_LEN];
			assert_int_equal(zc_pubkey_load(tu_src_path("shared/vectors/vector-badge.pub.pem"), &bk), 0);
			zc_rec_tap_challenge(&r, ch);
			assert_int_equal(zc_pubkey_verify(bk, ch, r.u.tap.badge_sig, r.u.tap.badge_sig_len), 0);
			assert_int_equal(zc_pubkey_fingerprint(bk, fp), 0);
			assert_memory_equal(fp, r.u.tap.cert_fp, ZC_HASH_LEN);
			/* the challenge binds seq: another seq gives another challenge */
			r.seq++;
			zc_rec_tap_challenge(&r, ch);
			assert_int_equal(zc_pubkey_verify(bk, ch, r.u.tap.badge_sig, r.u.tap.badge_sig_len), ZC_ESIG);
			zc_pubkey_free(bk);
		}
		free(b);
	}
	zc_pubkey_free(pk);
	zc_privkey_free(sk);
	json_decref(m);
}

static void test_vectors_bad(void **state)
{
	(void)state;
	json_t *m = manifest();
	json_t *bads = json_object_get(m, "bad");
	assert_true(json_array_size(bads) >= 10);
	size_t i;
	json_t *x;
	json_array_foreach(bads, i, x)
	{
		size_t len;
		uint8_t *b = vec(json_string_value(json_object_get(x, "file")), &len);
		zc_rec r;
		zc_rec_error e = {0};
		int rc = zc_rec_decode(b, len, &r, NULL, &e);
		assert_int_equal(rc, json_integer_value(json_object_get(x, "code")));
		assert_string_equal(e.field, json_string_value(json_object_get(x, "field")));
		assert_int_equal((json_int_t)e.offset, json_integer_value(json_object_get(x, "offset")));
		free(b);
	}
	json_decref(m);
}

/* The vector segment file reads back as the same records, in order. */
static void test_vector_segment(void **state)
{
	(void)state;
	json_t *m = manifest();
	char rel[256];
	snprintf(rel, sizeof rel, "shared/vectors/%s", json_string_value(json_object_get(m, "segment")));
	zc_jreader *jr;
	assert_int_equal(zc_jreader_open(tu_src_path(rel), &jr), 0);
	json_t *recs = json_object_get(m, "records");
	zc_jitem it;
	size_t n = 0;
	while (zc_jreader_next(jr, &it) > 0) {
		assert_int_equal(it.status, 0);
		size_t len;
		uint8_t *b = vec(json_string_value(json_object_get(json_array_get(recs, n), "file")), &len);
		assert_int_equal(it.len, len);
		assert_memory_equal(it.rec, b, len);
		free(b);
		n++;
	}
	assert_int_equal(n, json_array_size(recs));
	zc_jreader_close(jr);
	json_decref(m);
}

/* Terminal times outside 1970-01-01 .. 2200-01-01 are refused by the
 * decoder as malformed utc_ms (naming the field and offset) and by the
 * encoder; the bounds themselves and a reset clock_set old time pass. Run
 * under UBSan, INT64_MIN and INT64_MAX cause no overflow anywhere. */
static void test_time_range(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		int ok;
	} cases[] = {
	    {INT64_MIN, 0},
	    {-1, 0},
	    {0, 1}, /* a reset real-time clock: recorded, distrusted by the host */
	    {ZC_UTC_MS_MIN - 1, 0},
	    {ZC_UTC_MS_MIN, 1},
	    {ZC_UTC_MS_END - 1, 1},
	    {ZC_UTC_MS_END, 0},
	    {INT64_MAX, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		zc_rec r, d;
		uint8_t buf[ZC_REC_MAX];
		make(&r, ZC_KIND_BOOT, 2);
		r.utc_ms = ZC_UTC_MS_MIN + 5;
		size_t n;
		assert_int_equal(zc_rec_sign(&r, key, buf, sizeof buf, &n, NULL), 0);
		size_t at = 5 + strlen(r.terminal) + 12;
		zc_put_u64(buf + at, (uint64_t)cases[i].ms);
		zc_rec_error e = {0};
		int rc = zc_rec_decode(buf, n, &d, NULL, &e);
		assert_int_equal(zc_utc_ms_valid(cases[i].ms), cases[i].ok);
		if (cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_true(d.utc_ms == cases[i].ms);
		} else {
			assert_int_equal(rc, ZC_EMALFORMED);
			assert_string_equal(e.field, "utc_ms");
			assert_int_equal(e.offset, at);
			assert_non_null(strstr(e.why, "1970-01-01 .. 2200-01-01"));
		}
		r.utc_ms = cases[i].ms;
		assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf) > 0, cases[i].ok);
	}
	/* clock_set: old may be a reset clock (epoch), never negative or huge;
	 * new obeys the record range. */
	zc_rec r, d;
	uint8_t buf[ZC_REC_MAX];
	make(&r, ZC_KIND_CLOCK_SET, 2);
	r.u.clock.old_utc_ms = 0;
	r.u.clock.new_utc_ms = ZC_UTC_MS_MIN;
	size_t n;
	assert_int_equal(zc_rec_sign(&r, key, buf, sizeof buf, &n, NULL), 0);
	assert_int_equal(zc_rec_decode(buf, n, &d, NULL, NULL), 0);
	size_t pay = 5 + strlen(r.terminal) + 8 + 4 + 8 + 8 + 32 + 2;
	const int64_t bad_old[] = {INT64_MIN, -1, ZC_UTC_MS_END, INT64_MAX};
	for (size_t i = 0; i < 4; i++) {
		uint8_t m[ZC_REC_MAX];
		memcpy(m, buf, n);
		zc_put_u64(m + pay, (uint64_t)bad_old[i]);
		zc_rec_error e = {0};
		assert_int_equal(zc_rec_decode(m, n, &d, NULL, &e), ZC_EMALFORMED);
		assert_string_equal(e.field, "clock.old_utc_ms");
		assert_int_equal(e.offset, pay);
		memcpy(m, buf, n);
		zc_put_u64(m + pay + 8, (uint64_t)(i % 2 ? INT64_MAX : INT64_MIN));
		assert_int_equal(zc_rec_decode(m, n, &d, NULL, &e), ZC_EMALFORMED);
		assert_string_equal(e.field, "clock.new_utc_ms");
		r.u.clock.old_utc_ms = bad_old[i];
		assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
		r.u.clock.old_utc_ms = 0;
	}
	r.u.clock.new_utc_ms = INT64_MIN;
	assert_int_equal(zc_rec_encode_body(&r, buf, sizeof buf), ZC_EARG);
	/* The ISO formatter copes with any int64_t (HELLO times are not
	 * records): no year 292278994, no overflow. */
	char iso[48];
	zc_iso8601_utc(INT64_MIN, iso);
	assert_string_equal(iso, "invalid");
	zc_iso8601_utc(INT64_MAX, iso);
	assert_string_equal(iso, "invalid");
	zc_iso8601_utc(-1, iso);
	assert_string_equal(iso, "1969-12-31T23:59:59.999Z");
	zc_iso8601_utc(ZC_UTC_MS_END - 1, iso);
	assert_string_equal(iso, "2199-12-31T23:59:59.999Z");
	zc_iso8601_utc(ZC_UTC_MS_MIN, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00.000Z");
}

/* ---- journal framing and reader ---- */

static void test_jentry(void **state)
{
	(void)state;
	uint8_t rec[100], ent[200];
	memset(rec, 0x33, sizeof rec);
	int n = zc_jentry_encode(rec, sizeof rec, ent, sizeof ent);
	assert_int_equal(n, 106);
	const uint8_t *p;
	size_t l, next;
	assert_int_equal(zc_jentry_parse(ent, (size_t)n, 0, &p, &l, &next), 0);
	assert_int_equal(l, 100);
	assert_int_equal(next, 106);
	for (int k = 0; k < n; k++)
		assert_int_equal(zc_jentry_parse(ent, (size_t)k, 0, &p, &l, &next), ZC_ETRUNC);
	ent[50] ^= 1;
	assert_int_equal(zc_jentry_parse(ent, (size_t)n, 0, &p, &l, &next), ZC_ECHECKSUM);
	zc_put_u16(ent, 0);
	assert_int_equal(zc_jentry_parse(ent, (size_t)n, 0, &p, &l, &next), ZC_EMALFORMED);
	assert_int_equal(zc_jentry_encode(rec, 0, ent, sizeof ent), ZC_EARG);
	assert_int_equal(zc_jentry_encode(rec, sizeof rec, ent, 50), ZC_EARG);
	char name[ZC_JSEG_NAME_LEN + 1];
	uint64_t first;
	zc_jseg_name(42, name);
	assert_string_equal(name, "seg-000000000042.zcj");
	assert_int_equal(zc_jseg_name_parse(name, &first), 1);
	assert_int_equal(first, 42);
	assert_int_equal(zc_jseg_name_parse("seg-00000000004x.zcj", &first), 0);
	assert_int_equal(zc_jseg_name_parse("seg-000000000000.zcj", &first), 0);
	assert_int_equal(zc_jseg_name_parse("collected", &first), 0);
	uint8_t hdr[ZC_JSEG_HEADER_LEN];
	zc_jseg_header(hdr, 7);
	assert_int_equal(zc_jseg_parse_header(hdr, sizeof hdr, &first), 0);
	assert_int_equal(first, 7);
	assert_int_equal(zc_jseg_parse_header(hdr, 15, &first), ZC_ETRUNC);
	hdr[0] = 'X';
	assert_int_equal(zc_jseg_parse_header(hdr, sizeof hdr, &first), ZC_EMALFORMED);
}

/* A damaged entry in the middle is reported and the records after it are
 * still delivered; a torn tail is reported as truncated. */
static void test_jreader_damage(void **state)
{
	(void)state;
	char *dir = tu_tmpdir("jreader");
	uint8_t seg[8192];
	size_t len = ZC_JSEG_HEADER_LEN, offs[6];
	zc_jseg_header(seg, 1);
	uint8_t prev[ZC_HASH_LEN] = {0};
	for (int i = 0; i < 6; i++) {
		zc_rec r;
		uint8_t buf[ZC_REC_MAX];
		size_t n;
		make(&r, ZC_KIND_BOOT, (uint64_t)i + 1);
		memcpy(r.prev_hash, prev, ZC_HASH_LEN);
		assert_int_equal(zc_rec_sign(&r, key, buf, sizeof buf, &n, prev), 0);
		offs[i] = len;
		len += (size_t)zc_jentry_encode(buf, n, seg + len, sizeof seg - len);
	}
	seg[offs[1] + 10] ^= 0x10; /* record 2: body damaged, length intact */
	seg[offs[3]] = 0xFF;	   /* record 4: length damaged */
	seg[offs[3] + 1] = 0xFF;
	len -= 5; /* record 6: torn */
	char path[4200];
	snprintf(path, sizeof path, "%s/seg-000000000001.zcj", dir);
	assert_int_equal(tu_write_file(path, seg, len), 0);
	zc_jreader *jr;
	assert_int_equal(zc_jreader_open(dir, &jr), 0);
	zc_jitem it;
	int st[10], k = 0;
	uint64_t off[10];
	while (zc_jreader_next(jr, &it) > 0 && k < 10) {
		st[k] = it.status;
		off[k++] = it.offset;
	}
	assert_int_equal(k, 6);
	assert_int_equal(st[0], 0);
	assert_int_equal(st[1], ZC_ECHECKSUM);
	assert_int_equal(off[1], offs[1]);
	assert_int_equal(st[2], 0);
	assert_int_equal(st[3], ZC_EMALFORMED);
	assert_int_equal(st[4], 0);
	assert_int_equal(off[4], offs[4]);
	assert_int_equal(st[5], ZC_ETRUNC);
	zc_jreader_close(jr);
	assert_int_equal(zc_jreader_open("/nonexistent/zc", &jr), ZC_ENOENT);
	tu_rmtree(dir);
	free(dir);
}

/* ---- the streaming reader against the reference reader ---- */

/* One reported item, as plain data. */
typedef struct ref_item {
	int status;
	uint64_t offset, skipped;
	size_t len;
	size_t rec_at; /* offset of rec in the segment, or SIZE_MAX */
} ref_item;

/* The reader as it was before it streamed (whole segment in memory, every
 * offset checked while resynchronising), kept here as the model: the
 * streaming reader must report the same items on every journal a terminal
 * can leave behind, damaged or not. */
static size_t ref_resync(const uint8_t *b, size_t len, size_t from)
{
	for (size_t o = from + 1; o + ZC_JENTRY_OVERHEAD < len; o++) {
		const uint8_t *rec;
		size_t rl, next;
		if (!zc_jentry_parse(b, len, o, &rec, &rl, &next))
			return o;
	}
	return len;
}

static size_t ref_read(const uint8_t *b, size_t len, ref_item *out, size_t cap)
{
	size_t k = 0, off;
	uint64_t first;
	int hr = zc_jseg_parse_header(b, len, &first);
	if (hr) {
		off = ref_resync(b, len, len >= ZC_JSEG_HEADER_LEN ? ZC_JSEG_HEADER_LEN - 1 : len);
		out[k++] = (ref_item){hr, 0, off, 0, SIZE_MAX};
	} else {
		off = ZC_JSEG_HEADER_LEN;
	}
	while (off < len && k < cap) {
		const uint8_t *rec;
		size_t rl, next;
		int rc = zc_jentry_parse(b, len, off, &rec, &rl, &next);
		if (!rc) {
			out[k++] = (ref_item){0, off, 0, rl, (size_t)(rec - b)};
			off = next;
			continue;
		}
		if (rc == ZC_ECHECKSUM) {
			size_t n = zc_get_u16(b + off), after = off + n + ZC_JENTRY_OVERHEAD;
			if (after == len || !zc_jentry_parse(b, len, after, &rec, &rl, &next)) {
				out[k++] = (ref_item){rc, off, n + ZC_JENTRY_OVERHEAD, n, off + 2};
				off = after;
				continue;
			}
		}
		size_t o = ref_resync(b, len, off);
		out[k++] = (ref_item){rc, off, o - off, 0, SIZE_MAX};
		off = o;
	}
	return k;
}

/* A segment of nrec entries (records of assorted kinds and sizes, not
 * signed: the reader checks framing, not signatures) into seg. */
static size_t build_segment(uint8_t *seg, size_t cap, int nrec, unsigned *seed)
{
	size_t len = ZC_JSEG_HEADER_LEN;
	zc_jseg_header(seg, 1);
	static const uint8_t kinds[] = {ZC_KIND_TAP, ZC_KIND_BOOT, ZC_KIND_READER_FAULT, 200};
	for (int i = 0; i < nrec; i++) {
		zc_rec r;
		uint8_t buf[ZC_REC_MAX];
		uint8_t kind = kinds[(unsigned)rand_r(seed) % 4];
		make(&r, kind, (uint64_t)i + 1);
		if (kind == 200) {
			r.payload_len = (uint16_t)(rand_r(seed) % (ZC_PAYLOAD_MAX + 1));
			for (size_t j = 0; j < r.payload_len; j++)
				r.payload[j] = (uint8_t)rand_r(seed);
		}
		r.sig_len = (uint8_t)(8 + rand_r(seed) % (ZC_SIG_MAX - 7));
		for (size_t j = 0; j < r.sig_len; j++)
			r.sig[j] = (uint8_t)rand_r(seed);
		r.sig[0] = 0x30;
		r.sig[1] = (uint8_t)(r.sig_len - 2);
		int n = zc_rec_encode(&r, buf, sizeof buf);
		assert_true(n > 0);
		int e = zc_jentry_encode(buf, (size_t)n, seg + len, cap - len);
		assert_true(e > 0);
		len += (size_t)e;
	}
	return len;
}

/* Damage of the kinds storage produces: flipped bits, a zeroed or garbage
 * run (a lost sector), a torn tail, a damaged header, bytes cut out. */
static size_t damage(uint8_t *b, size_t len, size_t cap, unsigned *seed)
{
	int kinds = 1 + rand_r(seed) % 4;
	for (int i = 0; i < kinds && len > 1; i++) {
		size_t at = (size_t)rand_r(seed) % len;
		switch (rand_r(seed) % 8) {
		case 0: b[at] ^= (uint8_t)(1u << (rand_r(seed) % 8)); break;
		case 1: {
			size_t n = (size_t)rand_r(seed) % 4096;
			memset(b + at, rand_r(seed) % 2 ? 0 : 0xFF, n < len - at ? n : len - at);
			break;
		}
		case 2: {
			size_t n = (size_t)rand_r(seed) % 600;
			for (size_t j = at; j < at + n && j < len; j++)
				b[j] = (uint8_t)rand_r(seed);
			break;
		}
		case 3: len = at; break;
		case 4: b[(size_t)rand_r(seed) % ZC_JSEG_HEADER_LEN] ^= 0x20; break;
		case 5: {
			size_t n = 1 + (size_t)rand_r(seed) % 300;
			if (at + n < len) {
				memmove(b + at, b + at + n, len - at - n);
				len -= n;
			}
			break;
		}
		case 6: {
			/* a torn write retried: a partial copy of an entry just
			 * before the entry itself (overlapping plausible headers) */
			while (at + 5 < len && memcmp(b + at + 2, "ZR\x01", 3))
				at++;
			size_t n = 8 + (size_t)rand_r(seed) % 150;
			if (at + 5 < len && at + n < len && len + n <= cap) {
				memmove(b + at + n, b + at, len - at);
				len += n;
			}
			break;
		}
		default: {
			size_t n = 1 + (size_t)rand_r(seed) % 300; /* garbage inserted */
			if (len + n <= cap) {
				memmove(b + at + n, b + at, len - at);
				for (size_t j = 0; j < n; j++)
					b[at + j] = (uint8_t)rand_r(seed);
				len += n;
			}
			break;
		}
		}
	}
	return len;
}

/* The streaming reader reports exactly what the reference reader reports on
 * intact segments and on hundreds of randomly damaged ones, small and larger
 * than its read buffer. */
static void test_jreader_matches_reference(void **state)
{
	(void)state;
	char *dir = tu_tmpdir("jreader-ref");
	char path[4200];
	snprintf(path, sizeof path, "%s/seg-000000000001.zcj", dir);
	size_t cap = 1 << 20;
	uint8_t *seg = malloc(cap);
	ref_item *want = malloc(4096 * sizeof *want);
	assert_non_null(seg);
	assert_non_null(want);
	unsigned seed = 20261203;
	for (int round = 0; round < 400; round++) {
		int nrec = round % 10 == 0 ? 700 : 1 + rand_r(&seed) % 60;
		size_t len = build_segment(seg, cap - 4096, nrec, &seed);
		if (round % 8)
			len = damage(seg, len, cap, &seed);
		assert_int_equal(tu_write_file(path, seg, len), 0);
		size_t nw = ref_read(seg, len, want, 4096);
		zc_jreader *jr;
		assert_int_equal(zc_jreader_open(dir, &jr), 0);
		zc_jitem it;
		size_t k = 0;
		int rc;
		while ((rc = zc_jreader_next(jr, &it)) > 0) {
			assert_true(k < nw);
			assert_int_equal(it.status, want[k].status);
			assert_int_equal(it.offset, want[k].offset);
			assert_int_equal(it.skipped, want[k].skipped);
			if (want[k].rec_at != SIZE_MAX) {
				assert_non_null(it.rec);
				assert_int_equal(it.len, want[k].len);
				assert_memory_equal(it.rec, seg + want[k].rec_at, it.len);
			} else {
				assert_null(it.rec);
			}
			k++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(k, nw);
		zc_jreader_close(jr);
	}
	free(want);
	free(seg);
	tu_rmtree(dir);
	free(dir);
}

/* Reading a hostile segment is linear: 8 MB of 0x04 bytes (each offset
 * frames a plausible length) and 8 MB of one real entry repeated with its
 * check broken are read with a bounded buffer, every byte read once, and at
 * most six times as many bytes hashed as the file holds (the reader before
 * this hashed about 1 KB at every offset: ~1000 times the file). No timing. */
static void test_jreader_hostile_linear(void **state)
{
	(void)state;
	char *dir = tu_tmpdir("jreader-hostile");
	char path[4200];
	snprintf(path, sizeof path, "%s/seg-000000000001.zcj", dir);
	size_t size = 8u << 20;
	uint8_t *b = malloc(size);
	assert_non_null(b);
	for (int variant = 0; variant < 2; variant++) {
		if (variant == 0) {
			memset(b, 0x04, size);
		} else {
			unsigned seed = 7;
			size_t len = build_segment(b, 4096, 1, &seed);
			size_t ent = len - ZC_JSEG_HEADER_LEN;
			b[len - 1] ^= 0xFF; /* check broken */
			for (size_t o = len; o + ent <= size; o += ent)
				memcpy(b + o, b + ZC_JSEG_HEADER_LEN, ent);
		}
		assert_int_equal(tu_write_file(path, b, size), 0);
		zc_jreader *jr;
		assert_int_equal(zc_jreader_open(dir, &jr), 0);
		zc_jitem it;
		size_t items = 0;
		uint64_t covered = 0;
		while (zc_jreader_next(jr, &it) > 0) {
			items++;
			covered += it.status ? it.skipped : it.len + ZC_JENTRY_OVERHEAD;
		}
		zc_jreader_stats st;
		zc_jreader_stats_get(jr, &st);
		zc_jreader_close(jr);
		assert_true(items >= 1);
		assert_int_equal(st.bytes_read, size);
		assert_true(st.buffer_bytes <= 64 * 1024);
		assert_true(st.hashed_bytes <= 6 * (uint64_t)size);
		assert_true(st.resync_bytes <= (uint64_t)size);
		if (variant == 0) {
			assert_int_equal(items, 1);
			assert_int_equal(covered, size);
			assert_int_equal(st.checks, 0);
		}
	}
	free(b);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_every_kind),
	    cmocka_unit_test(test_encoder_refuses_invalid),
	    cmocka_unit_test(test_journal_lost_decode),
	    cmocka_unit_test(test_truncation_and_bitflips),
	    cmocka_unit_test(test_every_rejection),
	    cmocka_unit_test(test_vectors_good),
	    cmocka_unit_test(test_vectors_bad),
	    cmocka_unit_test(test_vector_segment),
	    cmocka_unit_test(test_time_range),
	    cmocka_unit_test(test_jentry),
	    cmocka_unit_test(test_jreader_damage),
	    cmocka_unit_test(test_jreader_matches_reference),
	    cmocka_unit_test(test_jreader_hostile_linear),
	};
	return cmocka_run_group_tests_name("record", tests, setup, teardown);
}
