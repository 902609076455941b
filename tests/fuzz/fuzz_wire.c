/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_wire.c: libFuzzer target for the serial link protocol (zc/wire.h).
 * The input is a byte stream from the line, fed to the streaming decoder
 * in chunks whose sizes the input itself chooses; every frame that comes
 * out, and the raw input too, goes through every message decoder.
 * Invariants: no out-of-bounds access (ASan); the decoder's counters add
 * up; a frame that comes out re-encodes to a frame that decodes to itself;
 * whatever a message decoder or the COBS decoder accepts re-encodes to
 * exactly its input (canonical form), and a rejection is one of the
 * documented codes. Version 2's signed messages: a HELLO or RESULT that
 * decodes is signed by a test key and verifies, and no longer verifies
 * over another host nonce, with another clock, code or request hash; the
 * HELLO_REQ nonce decodes from any payload; the request hash of a frame
 * depends on its type, id and payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/wire.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void rejected(int rc)
{
	check(rc == ZC_ETRUNC || rc == ZC_EMALFORMED || rc == ZC_EVERSION);
}

static void same(int n, const uint8_t *out, const uint8_t *p, size_t len)
{
	check(n == (int)len && !memcmp(out, p, len));
}

/* A terminal key of the fuzzer's own, made once. */
static zc_privkey *sk;
static zc_pubkey *pk;

static void keys(void)
{
	uint8_t der[ZC_WIRE_PUBKEY_MAX];
	size_t dl;
	if (sk)
		return;
	check(!zc_privkey_generate(&sk));
	check(!zc_privkey_public_der(sk, der, sizeof der, &dl));
	check(!zc_pubkey_parse(der, dl, &pk));
}

/* A decoded HELLO: signed over a host nonce taken from the input, it
 * verifies; over another nonce or with another clock it does not; the
 * signed message still encodes. */
static void hello_signed(zc_wire_hello *m, const uint8_t *p, size_t n)
{
	static uint8_t out[ZC_WIRE_PAYLOAD_MAX + 16];
	uint8_t hn[ZC_WIRE_NONCE_LEN];
	keys();
	zc_wire_hello_req_decode(p, n < ZC_WIRE_NONCE_LEN ? n : ZC_WIRE_NONCE_LEN, hn);
	int v = zc_wire_hello_verify(m, hn, pk); /* a signature from the input: checked, never trusted */
	check(v == 0 || v == ZC_ESIG);
	check(!zc_wire_hello_sign(m, hn, sk));
	check(!zc_wire_hello_verify(m, hn, pk));
	check(zc_wire_hello_encode(m, out, sizeof out) > 0);
	hn[n % ZC_WIRE_NONCE_LEN] ^= 0x20;
	check(zc_wire_hello_verify(m, hn, pk) == ZC_ESIG);
	hn[n % ZC_WIRE_NONCE_LEN] ^= 0x20;
	m->utc_ms ^= 1;
	check(zc_wire_hello_verify(m, hn, pk) == ZC_ESIG);
}

static void result_signed(zc_wire_result_msg *m)
{
	static uint8_t out[ZC_WIRE_PAYLOAD_MAX + 16];
	keys();
	check(!zc_wire_result_sign(m, sk));
	check(!zc_wire_result_verify(m, pk));
	check(zc_wire_result_encode(m, out, sizeof out) > 0);
	m->req_hash[m->code % ZC_HASH_LEN] ^= 1;
	check(zc_wire_result_verify(m, pk) == ZC_ESIG);
	m->req_hash[m->code % ZC_HASH_LEN] ^= 1;
	m->code ^= 1;
	check(zc_wire_result_verify(m, pk) == ZC_ESIG);
}

/* Every decoder on p[0..n); what one accepts must re-encode to p. */
static void messages(const uint8_t *p, size_t n)
{
	static uint8_t out[ZC_WIRE_PAYLOAD_MAX + 16];
	static zc_wire_command c;
	int rc;
	{
		zc_wire_hello m;
		rc = zc_wire_hello_decode(p, n, &m);
		if (rc) {
			rejected(rc);
		} else {
			same(zc_wire_hello_encode(&m, out, sizeof out), out, p, n);
			hello_signed(&m, p, n);
		}
	}
	{
		uint8_t hn[ZC_WIRE_NONCE_LEN], a[ZC_HASH_LEN], b[ZC_HASH_LEN];
		zc_wire_hello_req_decode(p, n, hn);
		if (n == ZC_WIRE_NONCE_LEN)
			check(!memcmp(hn, p, n));
		zc_wire_request_hash(ZC_WIRE_COMMAND, (uint16_t)n, p, n, a);
		zc_wire_request_hash(ZC_WIRE_COMMAND, (uint16_t)(n + 1), p, n, b);
		check(memcmp(a, b, ZC_HASH_LEN) != 0);
	}
	{
		zc_wire_status m;
		rc = zc_wire_status_decode(p, n, &m);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_status_encode(&m, out, sizeof out), out, p, n);
	}
	{
		zc_wire_get m;
		rc = zc_wire_get_decode(p, n, &m);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_get_encode(&m, out, sizeof out), out, p, n);
	}
	{
		uint16_t v;
		rc = zc_wire_credit_decode(p, n, &v);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_credit_encode(v, out, sizeof out), out, p, n);
	}
	{
		zc_wire_records m;
		rc = zc_wire_records_decode(p, n, &m);
		if (rc) {
			rejected(rc);
		} else {
			size_t len;
			check(m.count >= 1 && m.count <= ZC_WIRE_RECORDS_MAX);
			zc_wire_records_begin(out, m.first_seq, &len);
			for (uint16_t i = 0; i < m.count; i++) {
				check(m.rec[i] >= p && m.rec[i] + m.len[i] <= p + n);
				check(zc_wire_records_add(out, sizeof out, &len, m.rec[i], m.len[i]) == 0);
			}
			same((int)len, out, p, n);
		}
	}
	{
		zc_wire_end m;
		rc = zc_wire_end_decode(p, n, &m);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_end_encode(&m, out, sizeof out), out, p, n);
	}
	rc = zc_wire_command_decode(p, n, &c);
	if (rc) {
		rejected(rc);
	} else {
		uint8_t d[ZC_HASH_LEN];
		same(zc_wire_command_encode(&c, out, sizeof out), out, p, n);
		zc_wire_cmd_digest("K01", out, c.kind, c.body, c.body_len, d);
	}
	{
		zc_wire_result_msg m;
		rc = zc_wire_result_decode(p, n, &m);
		if (rc) {
			rejected(rc);
		} else {
			same(zc_wire_result_encode(&m, out, sizeof out), out, p, n);
			result_signed(&m);
		}
	}
	{
		zc_wire_provision m;
		rc = zc_wire_provision_decode(p, n, &m);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_provision_encode(&m, out, sizeof out), out, p, n);
	}
	{
		int64_t t;
		rc = zc_wire_set_time_decode(p, n, &t);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_set_time_encode(t, out, sizeof out), out, p, n);
	}
	{
		uint64_t s;
		uint8_t h[ZC_HASH_LEN];
		rc = zc_wire_ack_decode(p, n, &s, h);
		if (rc)
			rejected(rc);
		else
			same(zc_wire_ack_encode(s, h, out, sizeof out), out, p, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static zc_wire_decoder d, d2;
	static zc_wire_frame f, f2;
	static uint8_t enc[ZC_WIRE_ENCODED_MAX];
	static uint8_t cobs[1 << 16];

	/* The stream, in chunks of 1..64 bytes chosen by the data. */
	zc_wire_decoder_init(&d);
	size_t off = 0, step = 0;
	uint64_t frames = 0;
	while (off < size) {
		size_t chunk = 1 + data[step++ % size] % 64;
		if (chunk > size - off)
			chunk = size - off;
		size_t done = 0;
		while (done < chunk) {
			size_t used = 0;
			int r = zc_wire_decoder_feed(&d, data + off + done, chunk - done, &used, &f);
			check(used <= chunk - done && (r == 0 || r == 1));
			check(r == 1 || used == chunk - done);
			done += used;
			if (r == 1) {
				frames++;
				check(f.len <= ZC_WIRE_PAYLOAD_MAX);
				/* the frame re-encodes, and that decodes to itself */
				int k = zc_wire_encode(f.type, f.req_id, f.payload, f.len, enc, sizeof enc);
				check(k > 0);
				zc_wire_decoder_init(&d2);
				size_t u2;
				check(zc_wire_decoder_feed(&d2, enc, (size_t)k, &u2, &f2) == 1 && u2 == (size_t)k);
				check(f2.type == f.type && f2.req_id == f.req_id && f2.len == f.len &&
				      !memcmp(f2.payload, f.payload, f.len));
				messages(f.payload, f.len);
			}
		}
		off += chunk;
	}
	check(d.frames == frames && d.bytes == size && d.len <= sizeof d.buf);

	/* The input as a payload, and as COBS. */
	messages(data, size);
	if (size < sizeof cobs) {
		int n = zc_cobs_decode(data, size, cobs);
		if (n >= 0) {
			static uint8_t again[(1 << 16) + (1 << 16) / 254 + 2];
			check((size_t)n < size || size == 0);
			same((int)zc_cobs_encode(cobs, (size_t)n, again), again, data, size);
		} else {
			check(n == ZC_EMALFORMED);
		}
	}
	return 0;
}
