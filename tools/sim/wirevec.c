/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wirevec.c: deterministic serial-protocol test vectors (wirevec.h).
 *
 * shared/vectors/wire/ gets: one file per good frame (a short conversation:
 * hello, a pull, status, the four signed commands and their results, an
 * unknown type, a frame of the largest payload), bad frames the streaming
 * decoder must drop, bad payloads each message decoder must refuse with a
 * given code, a byte stream mixing good frames with line damage, and
 * manifest.json describing all of them together with the CRC-32C and COBS
 * known answers. Every expectation is checked here before it is written.
 */
#include "wirevec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/wire.h"

/* ---- JSON of messages ---- */

static json_t *hexj(const uint8_t *p, size_t n)
{
	char *buf = malloc(2 * n + 1);
	if (!buf)
		return json_null();
	json_t *j = json_string(zc_hex(p, n, buf));
	free(buf);
	return j;
}

static json_t *u64j(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *command_json(const zc_wire_command *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(zc_wire_cmd_name(c->kind)));
	json_object_set_new(o, "kind_code", json_integer(c->kind));
	json_object_set_new(o, "body", hexj(c->body, c->body_len));
	json_object_set_new(o, "sig", hexj(c->sig, c->sig_len));
	json_t *b = NULL;
	switch (c->kind) {
	case ZC_CMD_SET_TIME: {
		int64_t t;
		if (!zc_wire_set_time_decode(c->body, c->body_len, &t)) {
			b = json_object();
			json_object_set_new(b, "new_utc_ms", json_integer(t));
		}
		break;
	}
	case ZC_CMD_ACK_COLLECTED: {
		uint64_t s;
		uint8_t h[ZC_HASH_LEN];
		if (!zc_wire_ack_decode(c->body, c->body_len, &s, h)) {
			b = json_object();
			json_object_set_new(b, "up_to_seq", u64j(s));
			json_object_set_new(b, "hash", hexj(h, ZC_HASH_LEN));
		}
		break;
	}
	case ZC_CMD_PROVISION: {
		zc_wire_provision p;
		if (!zc_wire_provision_decode(c->body, c->body_len, &p)) {
			b = json_object();
			json_object_set_new(b, "terminal", json_string(p.terminal));
			json_object_set_new(b, "township", json_string(p.township));
			json_object_set_new(b, "host_pubkey", hexj(p.host_pubkey, p.host_pubkey_len));
			json_object_set_new(b, "ca_cert", hexj(p.ca_cert, p.ca_cert_len));
			json_object_set_new(b, "revocations", hexj(p.revocations, p.revocations_len));
		}
		break;
	}
	default: break;
	}
	if (b)
		json_object_set_new(o, "decoded_body", b);
	return o;
}

json_t *zc_wirevec_msg_json(uint8_t type, const uint8_t *p, size_t n)
{
	json_t *o = json_object();
	switch (type) {
	case ZC_WIRE_HELLO_REQ:
		if (n != ZC_WIRE_NONCE_LEN)
			goto bad;
		json_object_set_new(o, "host_nonce", hexj(p, n));
		break;
	case ZC_WIRE_STATUS_REQ:
		if (n)
			goto bad;
		break;
	case ZC_WIRE_HELLO: {
		zc_wire_hello m;
		if (zc_wire_hello_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "terminal", json_string(m.terminal));
		json_object_set_new(o, "township", json_string(m.township));
		json_object_set_new(o, "firmware", json_string(m.firmware));
		json_object_set_new(o, "key_fp", hexj(m.key_fp, ZC_HASH_LEN));
		json_object_set_new(o, "pubkey", hexj(m.pubkey, m.pubkey_len));
		json_object_set_new(o, "host_fp", hexj(m.host_fp, ZC_HASH_LEN));
		json_object_set_new(o, "head_seq", u64j(m.head_seq));
		json_object_set_new(o, "head_hash", hexj(m.head_hash, ZC_HASH_LEN));
		json_object_set_new(o, "first_seq", u64j(m.first_seq));
		json_object_set_new(o, "collected_seq", u64j(m.collected_seq));
		json_object_set_new(o, "utc_ms", json_integer(m.utc_ms));
		json_object_set_new(o, "nonce", hexj(m.nonce, ZC_WIRE_NONCE_LEN));
		json_object_set_new(o, "sig", hexj(m.sig, m.sig_len));
		break;
	}
	case ZC_WIRE_STATUS: {
		zc_wire_status m;
		if (zc_wire_status_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "bytes_used", u64j(m.bytes_used));
		json_object_set_new(o, "capacity_bytes", u64j(m.capacity_bytes));
		json_object_set_new(o, "records", u64j(m.records));
		json_object_set_new(o, "uncollected", u64j(m.uncollected));
		json_object_set_new(o, "reader_ok", json_boolean(m.reader_ok));
		json_object_set_new(o, "taps", u64j(m.taps));
		json_object_set_new(o, "faults", u64j(m.faults));
		json_object_set_new(o, "last_fault", json_string(m.last_fault));
		json_object_set_new(o, "utc_ms", json_integer(m.utc_ms));
		break;
	}
	case ZC_WIRE_GET_RECORDS: {
		zc_wire_get m;
		if (zc_wire_get_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "from_seq", u64j(m.from_seq));
		json_object_set_new(o, "credit", json_integer(m.credit));
		break;
	}
	case ZC_WIRE_CREDIT: {
		uint16_t c;
		if (zc_wire_credit_decode(p, n, &c))
			goto bad;
		json_object_set_new(o, "credit", json_integer(c));
		break;
	}
	case ZC_WIRE_RECORDS: {
		zc_wire_records m;
		if (zc_wire_records_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "first_seq", u64j(m.first_seq));
		json_t *a = json_array();
		for (uint16_t i = 0; i < m.count; i++)
			json_array_append_new(a, hexj(m.rec[i], m.len[i]));
		json_object_set_new(o, "records", a);
		break;
	}
	case ZC_WIRE_END: {
		zc_wire_end m;
		if (zc_wire_end_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "head_seq", u64j(m.head_seq));
		json_object_set_new(o, "head_hash", hexj(m.head_hash, ZC_HASH_LEN));
		json_object_set_new(o, "first_seq", u64j(m.first_seq));
		break;
	}
	case ZC_WIRE_COMMAND: {
		zc_wire_command *c = malloc(sizeof *c);
		if (!c || zc_wire_command_decode(p, n, c)) {
			free(c);
			goto bad;
		}
		json_decref(o);
		o = command_json(c);
		free(c);
		break;
	}
	case ZC_WIRE_RESULT: {
		zc_wire_result_msg m;
		if (zc_wire_result_decode(p, n, &m))
			goto bad;
		json_object_set_new(o, "code", json_integer(m.code));
		json_object_set_new(o, "code_name", json_string(zc_wire_result_name(m.code)));
		json_object_set_new(o, "text", json_string(m.text));
		json_object_set_new(o, "nonce", hexj(m.nonce, ZC_WIRE_NONCE_LEN));
		json_object_set_new(o, "req_hash", hexj(m.req_hash, ZC_HASH_LEN));
		json_object_set_new(o, "sig", hexj(m.sig, m.sig_len));
		break;
	}
	default: json_object_set_new(o, "raw", hexj(p, n)); break;
	}
	return o;
bad:
	json_decref(o);
	return NULL;
}

/* ---- the generator ---- */

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return ZC_EIO;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : ZC_EIO;
}

static void fill(uint8_t *p, size_t n, uint8_t start)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i);
}

static uint64_t prng(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A frame built from raw (decoded) bytes, without the checks of
 * zc_wire_encode: for frames with a wrong length or CRC. */
static size_t raw_frame(const uint8_t *raw, size_t n, uint8_t *out)
{
	size_t k = zc_cobs_encode(raw, n, out);
	out[k++] = 0;
	return k;
}

/* Bytes type | req | len | payload | crc, len_field as given and the CRC
 * computed over them (callers damage what they want afterwards). */
static size_t raw_bytes(uint8_t type, uint16_t req, uint16_t len_field, const uint8_t *p, size_t n, uint8_t *out)
{
	out[0] = type;
	zc_put_u16(out + 1, req);
	zc_put_u16(out + 3, len_field);
	if (n)
		memcpy(out + 5, p, n);
	zc_put_u32(out + 5 + n, zc_crc32c(0, out, 5 + n));
	return 9 + n;
}

/* Feed a whole buffer to a fresh decoder; count frames and drops. */
static void run_decoder(const uint8_t *b, size_t n, uint64_t *frames, uint64_t *dropped)
{
	static zc_wire_decoder d;
	static zc_wire_frame f;
	zc_wire_decoder_init(&d);
	size_t off = 0, used;
	while (off < n) {
		zc_wire_decoder_feed(&d, b + off, n - off, &used, &f);
		off += used;
	}
	*frames = d.frames;
	*dropped = d.dropped;
}

typedef struct gen {
	const char *dir;
	json_t *frames; /* good frames */
	json_t *bad_frames;
	json_t *bad_payloads;
	uint8_t enc[ZC_WIRE_ENCODED_MAX + 64];
} gen;

/* Encode, check and write one good frame; a copy of its bytes goes to keep
 * (if not NULL, keep_cap bytes) and its length to *len. */
static int good(gen *g, const char *name, uint8_t type, uint16_t req, const uint8_t *p, size_t n, uint8_t *keep,
		size_t keep_cap, int *len)
{
	int k = zc_wire_encode(type, req, p, n, g->enc, sizeof g->enc);
	if (k < 0)
		return k;
	uint64_t fr, dr;
	run_decoder(g->enc, (size_t)k, &fr, &dr);
	json_t *msg = zc_wirevec_msg_json(type, p, n);
	if (fr != 1 || dr || !msg) {
		fprintf(stderr, "zhucun-sim wire-vectors: %s does not decode\n", name);
		json_decref(msg);
		return ZC_ESTATE;
	}
	int rc = write_file(g->dir, name, g->enc, (size_t)k);
	if (rc) {
		json_decref(msg);
		return rc;
	}
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(name));
	json_object_set_new(o, "type", json_integer(type));
	json_object_set_new(o, "type_name", json_string(zc_wire_type_name(type)));
	json_object_set_new(o, "req_id", json_integer(req));
	json_object_set_new(o, "payload_len", json_integer((json_int_t)n));
	json_object_set_new(o, "payload", hexj(p, n));
	uint8_t head[5];
	char crc[9];
	head[0] = type;
	zc_put_u16(head + 1, req);
	zc_put_u16(head + 3, (uint16_t)n);
	snprintf(crc, sizeof crc, "%08x", zc_crc32c(zc_crc32c(0, head, 5), p, n));
	json_object_set_new(o, "crc32c", json_string(crc));
	json_object_set_new(o, "message", msg);
	json_array_append_new(g->frames, o);
	if (keep) {
		if ((size_t)k > keep_cap)
			return ZC_EARG;
		memcpy(keep, g->enc, (size_t)k);
	}
	*len = k;
	return 0;
}

static int bad_frame(gen *g, const char *name, const uint8_t *b, size_t n, const char *why)
{
	uint64_t fr, dr;
	run_decoder(b, n, &fr, &dr);
	if (fr != 0 || dr != 1) {
		fprintf(stderr, "zhucun-sim wire-vectors: %s: %llu frames, %llu dropped\n", name,
			(unsigned long long)fr, (unsigned long long)dr);
		return ZC_ESTATE;
	}
	int rc = write_file(g->dir, name, b, n);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(name));
	json_object_set_new(o, "why", json_string(why));
	json_array_append_new(g->bad_frames, o);
	return 0;
}

/* Run the decoder named by `dec` on p[0..n). */
static int decode_as(const char *dec, const uint8_t *p, size_t n)
{
	static zc_wire_command c;
	if (!strcmp(dec, "hello")) {
		zc_wire_hello m;
		return zc_wire_hello_decode(p, n, &m);
	}
	if (!strcmp(dec, "status")) {
		zc_wire_status m;
		return zc_wire_status_decode(p, n, &m);
	}
	if (!strcmp(dec, "get")) {
		zc_wire_get m;
		return zc_wire_get_decode(p, n, &m);
	}
	if (!strcmp(dec, "credit")) {
		uint16_t v;
		return zc_wire_credit_decode(p, n, &v);
	}
	if (!strcmp(dec, "records")) {
		zc_wire_records m;
		return zc_wire_records_decode(p, n, &m);
	}
	if (!strcmp(dec, "end")) {
		zc_wire_end m;
		return zc_wire_end_decode(p, n, &m);
	}
	if (!strcmp(dec, "command"))
		return zc_wire_command_decode(p, n, &c);
	if (!strcmp(dec, "result")) {
		zc_wire_result_msg m;
		return zc_wire_result_decode(p, n, &m);
	}
	if (!strcmp(dec, "provision")) {
		zc_wire_provision m;
		return zc_wire_provision_decode(p, n, &m);
	}
	if (!strcmp(dec, "set_time")) {
		int64_t t;
		return zc_wire_set_time_decode(p, n, &t);
	}
	if (!strcmp(dec, "ack")) {
		uint64_t s;
		uint8_t h[ZC_HASH_LEN];
		return zc_wire_ack_decode(p, n, &s, h);
	}
	return ZC_EARG;
}

static int bad_payload(gen *g, const char *dec, const char *what, const uint8_t *p, size_t n, int code)
{
	char name[128];
	snprintf(name, sizeof name, "bad-%s-%s.bin", dec, what);
	int got = decode_as(dec, p, n);
	if (got != code) {
		fprintf(stderr, "zhucun-sim wire-vectors: %s: decoder says %d, expected %d\n", name, got, code);
		return ZC_ESTATE;
	}
	int rc = write_file(g->dir, name, p, n);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(name));
	json_object_set_new(o, "decoder", json_string(dec));
	json_object_set_new(o, "code", json_integer(code));
	json_object_set_new(o, "error", json_string(zc_strerror(code)));
	json_array_append_new(g->bad_payloads, o);
	return 0;
}

static json_t *crc_vectors(int *ok)
{
	static const uint8_t iscsi[48] = {0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0, 0,
					  0x14, 0,    0, 0, 0, 0, 4, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
					  0x28, 0,    0, 0, 0, 0, 0, 0, 2, 0, 0, 0,    0, 0, 0, 0};
	uint8_t b[48];
	struct {
		const char *name;
		uint32_t want;
	} v[] = {{"32 bytes of 0x00 (RFC 3720 B.4)", 0x8A9136AA},
		 {"32 bytes of 0xFF (RFC 3720 B.4)", 0x62A8AB43},
		 {"32 bytes 0x00..0x1F (RFC 3720 B.4)", 0x46DD794E},
		 {"32 bytes 0x1F..0x00 (RFC 3720 B.4)", 0x113FDB5C},
		 {"iSCSI read command PDU (RFC 3720 B.4)", 0xD9963A56},
		 {"ASCII 123456789 (the CRC catalogue check value)", 0xE3069283},
		 {"empty", 0x00000000}};
	json_t *a = json_array();
	*ok = 1;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = 32;
		switch (i) {
		case 0: memset(b, 0, 32); break;
		case 1: memset(b, 0xFF, 32); break;
		case 2: fill(b, 32, 0); break;
		case 3:
			for (int k = 0; k < 32; k++)
				b[k] = (uint8_t)(31 - k);
			break;
		case 4:
			memcpy(b, iscsi, 48);
			n = 48;
			break;
		case 5:
			memcpy(b, "123456789", 9);
			n = 9;
			break;
		default: n = 0; break;
		}
		uint32_t c = zc_crc32c(0, b, n);
		if (c != v[i].want)
			*ok = 0;
		char hex[9];
		snprintf(hex, sizeof hex, "%08x", c);
		json_t *o = json_object();
		json_object_set_new(o, "what", json_string(v[i].name));
		json_object_set_new(o, "input", hexj(b, n));
		json_object_set_new(o, "crc32c", json_string(hex));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *cobs_vectors(void)
{
	static uint8_t in[600], out[700];
	json_t *a = json_array();
	for (int i = 0; i < 14; i++) {
		size_t n = 0;
		const char *what = "";
		switch (i) {
		case 0: what = "empty"; break;
		case 1:
			what = "one zero";
			in[0] = 0;
			n = 1;
			break;
		case 2:
			what = "two zeros";
			memset(in, 0, 2);
			n = 2;
			break;
		case 3:
			what = "00 11 00";
			memcpy(in, "\x00\x11\x00", 3);
			n = 3;
			break;
		case 4:
			what = "11 22 00 33";
			memcpy(in, "\x11\x22\x00\x33", 4);
			n = 4;
			break;
		case 5:
			what = "11 22 33 44";
			memcpy(in, "\x11\x22\x33\x44", 4);
			n = 4;
			break;
		case 6:
			what = "11 00 00 00";
			memcpy(in, "\x11\x00\x00\x00", 4);
			n = 4;
			break;
		case 7:
			what = "253 non-zero bytes";
			fill(in, 253, 1);
			n = 253;
			break;
		case 8:
			what = "01..FE: 254 non-zero bytes (one full block, no trailing 01)";
			fill(in, 254, 1);
			n = 254;
			break;
		case 9:
			what = "00..FE: 255 bytes";
			fill(in, 255, 0);
			n = 255;
			break;
		case 10:
			what = "01..FF: 255 non-zero bytes";
			fill(in, 255, 1);
			n = 255;
			break;
		case 11:
			what = "02..FF 00: 255 bytes";
			fill(in, 255, 2);
			n = 255;
			break;
		case 12:
			what = "03..FF 00 01: 255 bytes";
			fill(in, 255, 3);
			n = 255;
			break;
		default:
			what = "508 non-zero bytes then 00";
			memset(in, 0x5A, 508);
			in[508] = 0;
			n = 509;
			break;
		}
		size_t k = zc_cobs_encode(in, n, out);
		json_t *o = json_object();
		json_object_set_new(o, "what", json_string(what));
		json_object_set_new(o, "decoded", hexj(in, n));
		json_object_set_new(o, "encoded", hexj(out, k));
		json_array_append_new(a, o);
	}
	return a;
}

int zc_wirevec_write(const char *out_dir, const char *host_key)
{
	zc_privkey *key = NULL;
	gen *g = calloc(1, sizeof *g);
	json_t *man = json_object();
	uint8_t *p = malloc(ZC_WIRE_PAYLOAD_MAX + 16), *stream = malloc(64 * 1024),
		*raw = malloc(ZC_WIRE_FRAME_MAX + 64);
	uint8_t *b = malloc(ZC_WIRE_ENCODED_MAX + 64);
	zc_wire_command *c = malloc(sizeof *c);
	zc_revlist rl = {0};
	size_t slen = 0;
	int rc = ZC_ENOMEM, n;
	if (!g || !p || !stream || !raw || !b || !c)
		goto out;
	g->dir = out_dir;
	g->frames = json_array();
	g->bad_frames = json_array();
	g->bad_payloads = json_array();
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		rc = ZC_EIO;
		goto out;
	}
	if ((rc = zc_privkey_load(host_key, &key)))
		goto out;

	const int64_t t0 = 1735778460000; /* 2025-01-02T00:41:00Z */
	uint8_t fp[ZC_HASH_LEN], der[ZC_WIRE_PUBKEY_MAX], nonce[3][ZC_WIRE_NONCE_LEN], host_nonce[ZC_WIRE_NONCE_LEN];
	size_t der_len;
	if ((rc = zc_privkey_fingerprint(key, fp)) || (rc = zc_privkey_public_der(key, der, sizeof der, &der_len)))
		goto out;
	fill(nonce[0], ZC_WIRE_NONCE_LEN, 0xA0);
	fill(nonce[1], ZC_WIRE_NONCE_LEN, 0xB0);
	fill(nonce[2], ZC_WIRE_NONCE_LEN, 0xC0);
	fill(host_nonce, ZC_WIRE_NONCE_LEN, 0xD0);

	/* Three records of terminal K01, signed by the key. */
	uint8_t rec[3][ZC_REC_MAX], head[ZC_HASH_LEN] = {0};
	size_t rec_len[3];
	for (int i = 0; i < 3; i++) {
		zc_rec r;
		zc_rec_init(&r, i == 0 ? ZC_KIND_BOOT : ZC_KIND_TAP);
		strcpy(r.terminal, "K01");
		r.seq = (uint64_t)i + 1;
		r.boot = 1;
		r.utc_ms = t0 + i * 61000;
		r.mono_ms = 5000 + (uint64_t)i * 61000;
		memcpy(r.prev_hash, head, ZC_HASH_LEN);
		if (i == 0) {
			strcpy(r.u.boot.firmware, "zhucun-terminal 0.1.0");
		} else {
			r.u.tap.badge_kind = ZC_BADGE_UID;
			r.u.tap.result = ZC_TAP_WEAK;
			r.u.tap.badge_id_len = 4;
			memcpy(r.u.tap.badge_id, "\x04\xA2\x2B\x91", 4);
			fill(r.u.tap.nonce, 32, (uint8_t)(0x70 + i));
		}
		if ((rc = zc_rec_sign(&r, key, rec[i], sizeof rec[i], &rec_len[i], head)))
			goto out;
	}

	/* ---- the conversation ---- */
	zc_wire_hello h = {0};
	strcpy(h.terminal, "K01");
	strcpy(h.township, "T01");
	strcpy(h.firmware, "zhucun-terminal 0.1.0");
	memcpy(h.key_fp, fp, ZC_HASH_LEN);
	h.pubkey_len = (uint16_t)der_len;
	memcpy(h.pubkey, der, der_len);
	memcpy(h.host_fp, fp, ZC_HASH_LEN);
	h.head_seq = 3;
	memcpy(h.head_hash, head, ZC_HASH_LEN);
	h.first_seq = 1;
	h.collected_seq = 0;
	h.utc_ms = t0 + 200000;
	memcpy(h.nonce, nonce[0], ZC_WIRE_NONCE_LEN);
	uint8_t hello_p[ZC_WIRE_PAYLOAD_MAX];
	if ((rc = zc_wire_hello_sign(&h, host_nonce, key)))
		goto out;
	int hello_n = zc_wire_hello_encode(&h, hello_p, sizeof hello_p);
	zc_wire_hello hu = {0};
	memcpy(hu.key_fp, fp, ZC_HASH_LEN);
	hu.pubkey_len = (uint16_t)der_len;
	memcpy(hu.pubkey, der, der_len);
	strcpy(hu.firmware, "zhucun-terminal 0.1.0");
	hu.first_seq = 1;
	hu.utc_ms = 0;
	memcpy(hu.nonce, nonce[1], ZC_WIRE_NONCE_LEN);
	if ((rc = zc_wire_hello_sign(&hu, host_nonce, key)))
		goto out;
	if (hello_n < 0 || (n = zc_wire_hello_encode(&hu, p, ZC_WIRE_PAYLOAD_MAX)) < 0) {
		rc = ZC_ESTATE;
		goto out;
	}
	int len01, len02, len05, len06, len07, len09;
	uint8_t f01[64], f02[600], f05[2048], f06[64], f07[128], f09[256];
#define GOOD(name, type, req, pl, pn, keep, len)                                                                       \
	do {                                                                                                           \
		if ((rc = good(g, name, type, req, pl, (size_t)(pn), keep, sizeof(keep), len)))                        \
			goto out;                                                                                      \
	} while (0)
	int len_any;
	GOOD("01-hello_req.frame", ZC_WIRE_HELLO_REQ, 1, host_nonce, ZC_WIRE_NONCE_LEN, f01, &len01);
	GOOD("02-hello.frame", ZC_WIRE_HELLO, 1, hello_p, hello_n, f02, &len02);
	GOOD("03-hello-unprovisioned.frame", ZC_WIRE_HELLO, 2, p, n, NULL, &len_any);
	zc_wire_get get = {.from_seq = 1, .credit = 8};
	n = zc_wire_get_encode(&get, p, ZC_WIRE_PAYLOAD_MAX);
	GOOD("04-get_records.frame", ZC_WIRE_GET_RECORDS, 3, p, n, NULL, &len_any);
	size_t rl_len;
	zc_wire_records_begin(p, 1, &rl_len);
	for (int i = 0; i < 3; i++)
		if ((rc = zc_wire_records_add(p, ZC_WIRE_PAYLOAD_MAX, &rl_len, rec[i], rec_len[i])))
			goto out;
	GOOD("05-records.frame", ZC_WIRE_RECORDS, 3, p, rl_len, f05, &len05);
	n = zc_wire_credit_encode(1, p, ZC_WIRE_PAYLOAD_MAX);
	GOOD("06-credit.frame", ZC_WIRE_CREDIT, 3, p, n, f06, &len06);
	zc_wire_end end = {.head_seq = 3, .first_seq = 1};
	memcpy(end.head_hash, head, ZC_HASH_LEN);
	n = zc_wire_end_encode(&end, p, ZC_WIRE_PAYLOAD_MAX);
	GOOD("07-end.frame", ZC_WIRE_END, 3, p, n, f07, &len07);
	GOOD("08-status_req.frame", ZC_WIRE_STATUS_REQ, 4, NULL, 0, NULL, &len_any);
	zc_wire_status st = {.bytes_used = 1048576,
			     .capacity_bytes = 4294967296ull,
			     .records = 3,
			     .uncollected = 3,
			     .reader_ok = 1,
			     .taps = 2,
			     .faults = 1,
			     .utc_ms = t0 + 200500};
	strcpy(st.last_fault, "reader did not answer");
	n = zc_wire_status_encode(&st, p, ZC_WIRE_PAYLOAD_MAX);
	GOOD("09-status.frame", ZC_WIRE_STATUS, 4, p, n, f09, &len09);

	/* Commands: each signed for K01 over the nonce the terminal showed. */
	json_t *cmds = json_array();
	json_object_set_new(man, "commands", cmds);
	struct {
		const char *name;
		uint8_t kind;
		int nonce;
		uint16_t req;
	} cv[] = {{"10-command-set_time.frame", ZC_CMD_SET_TIME, 0, 5},
		  {"12-command-ack_collected.frame", ZC_CMD_ACK_COLLECTED, 1, 6},
		  {"14-command-provision.frame", ZC_CMD_PROVISION, 1, 7},
		  {"15-command-revocations.frame", ZC_CMD_REVOCATIONS, 2, 8}};
	for (size_t i = 0; i < sizeof cv / sizeof cv[0]; i++) {
		memset(c, 0, sizeof *c);
		c->kind = cv[i].kind;
		switch (cv[i].kind) {
		case ZC_CMD_SET_TIME: n = zc_wire_set_time_encode(t0 + 5000, c->body, sizeof c->body); break;
		case ZC_CMD_ACK_COLLECTED: n = zc_wire_ack_encode(3, head, c->body, sizeof c->body); break;
		case ZC_CMD_PROVISION: {
			/* The CA certificate is a placeholder: the wire does not parse it. */
			static const uint8_t ca[] = {0x30, 0x03, 0x02, 0x01, 0x00};
			zc_wire_provision pv = {.terminal = "K01",
						.township = "T01",
						.host_pubkey = der,
						.host_pubkey_len = (uint16_t)der_len,
						.ca_cert = ca,
						.ca_cert_len = sizeof ca};
			n = zc_wire_provision_encode(&pv, c->body, sizeof c->body);
			break;
		}
		default: {
			/* A real ZRL1 list of two serials, signed by the same key. */
			rl.number = 2;
			rl.issued_ms = t0;
			fill(rl.ca_fp, ZC_HASH_LEN, 0x30);
			if ((rc = zc_revlist_add(&rl, (const uint8_t *)"\x01\x02", 2, t0)) ||
			    (rc = zc_revlist_add(&rl, (const uint8_t *)"\x7f", 1, t0 - 86400000)))
				goto out;
			n = zc_revlist_sign(&rl, key, c->body, sizeof c->body);
			break;
		}
		}
		if (n < 0) {
			rc = n;
			goto out;
		}
		c->body_len = (uint16_t)n;
		if ((rc = zc_wire_cmd_sign(c, "K01", nonce[cv[i].nonce], key)))
			goto out;
		n = zc_wire_command_encode(c, p, ZC_WIRE_PAYLOAD_MAX);
		if (n < 0) {
			rc = n;
			goto out;
		}
		GOOD(cv[i].name, ZC_WIRE_COMMAND, cv[i].req, p, n, NULL, &len_any);
		uint8_t req_hash[ZC_HASH_LEN];
		zc_wire_request_hash(ZC_WIRE_COMMAND, cv[i].req, p, (size_t)n, req_hash);
		uint8_t dg[ZC_HASH_LEN];
		zc_wire_cmd_digest("K01", nonce[cv[i].nonce], c->kind, c->body, c->body_len, dg);
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(cv[i].name));
		json_object_set_new(o, "terminal", json_string("K01"));
		json_object_set_new(o, "nonce", hexj(nonce[cv[i].nonce], ZC_WIRE_NONCE_LEN));
		json_object_set_new(o, "digest", hexj(dg, ZC_HASH_LEN));
		json_array_append_new(cmds, o);

		/* the answers */
		zc_wire_result_msg res = {0};
		const char *rname = NULL;
		if (cv[i].kind == ZC_CMD_SET_TIME) {
			res.code = ZC_WIRE_OK;
			strcpy(res.text, "clock set");
			memcpy(res.nonce, nonce[1], ZC_WIRE_NONCE_LEN);
			rname = "11-result-ok.frame";
		} else if (cv[i].kind == ZC_CMD_ACK_COLLECTED) {
			res.code = ZC_WIRE_E_HASH;
			strcpy(res.text, "hash is not record 3's");
			memcpy(res.nonce, nonce[1], ZC_WIRE_NONCE_LEN);
			rname = "13-result-hash.frame";
		} else if (cv[i].kind == ZC_CMD_REVOCATIONS) {
			res.code = ZC_WIRE_E_NONCE;
			strcpy(res.text, "signed over another nonce");
			memcpy(res.nonce, nonce[1], ZC_WIRE_NONCE_LEN);
			rname = "16-result-nonce.frame";
		}
		if (rname) {
			memcpy(res.req_hash, req_hash, ZC_HASH_LEN);
			if ((rc = zc_wire_result_sign(&res, key)))
				goto out;
			n = zc_wire_result_encode(&res, p, ZC_WIRE_PAYLOAD_MAX);
			GOOD(rname, ZC_WIRE_RESULT, cv[i].req, p, n, NULL, &len_any);
		}
	}
	GOOD("17-unknown-type.frame", 0x7F, 9, (const uint8_t *)"future", 6, NULL, &len_any);
	zc_wire_result_msg un = {.code = ZC_WIRE_E_UNSUPPORTED};
	strcpy(un.text, "unknown frame type 0x7f");
	memcpy(un.nonce, nonce[1], ZC_WIRE_NONCE_LEN);
	zc_wire_request_hash(0x7F, 9, (const uint8_t *)"future", 6, un.req_hash);
	if ((rc = zc_wire_result_sign(&un, key)))
		goto out;
	n = zc_wire_result_encode(&un, p, ZC_WIRE_PAYLOAD_MAX);
	GOOD("18-result-unsupported.frame", ZC_WIRE_RESULT, 9, p, n, NULL, &len_any);
	/* The largest payload: runs of zeros, 254- and 300-byte non-zero runs. */
	for (size_t i = 0; i < ZC_WIRE_PAYLOAD_MAX; i++)
		p[i] = (uint8_t)(i < 300 ? 0 : i < 554 ? 0xFF : i < 555 ? 0 : i < 855 ? 1 + i % 255 : i * 7);
	GOOD("19-max-payload.frame", 0x7E, 0xFFFF, p, ZC_WIRE_PAYLOAD_MAX, NULL, &len_any);
#undef GOOD

	/* ---- bad frames: each one run and its 0x00, dropped ---- */
	size_t k, rn;
	rn = raw_bytes(ZC_WIRE_HELLO_REQ, 1, 0, NULL, 0, raw);
	raw[rn - 1] ^= 0x01;
	k = raw_frame(raw, rn, b);
	if ((rc = bad_frame(g, "bad-frame-crc.frame", b, k, "CRC does not match")))
		goto out;
	rn = raw_bytes(ZC_WIRE_CREDIT, 1, 3, (const uint8_t *)"\x01\x00", 2, raw);
	k = raw_frame(raw, rn, b);
	if ((rc = bad_frame(g, "bad-frame-len-long.frame", b, k, "len says 3, the payload is 2 (CRC right)")))
		goto out;
	rn = raw_bytes(ZC_WIRE_CREDIT, 1, 1, (const uint8_t *)"\x01\x00", 2, raw);
	k = raw_frame(raw, rn, b);
	if ((rc = bad_frame(g, "bad-frame-len-short.frame", b, k, "len says 1, the payload is 2 (CRC right)")))
		goto out;
	memset(p, 0, ZC_WIRE_PAYLOAD_MAX + 1);
	rn = raw_bytes(0x7E, 1, ZC_WIRE_PAYLOAD_MAX + 1, p, ZC_WIRE_PAYLOAD_MAX + 1, raw);
	k = raw_frame(raw, rn, b);
	if ((rc = bad_frame(g, "bad-frame-payload-too-long.frame", b, k, "payload of 8193 bytes (CRC right)")))
		goto out;
	rn = raw_bytes(ZC_WIRE_HELLO_REQ, 1, 0, NULL, 0, raw);
	k = raw_frame(raw, rn - 1, b);
	if ((rc = bad_frame(g, "bad-frame-short.frame", b, k, "8 bytes: shorter than any frame")))
		goto out;
	k = raw_frame(raw, rn, b);
	b[0] = 0x20; /* the first block claims 31 bytes */
	if ((rc = bad_frame(g, "bad-frame-cobs-overrun.frame", b, k, "a COBS block runs past the delimiter")))
		goto out;
	{
		/* Decoded bytes ending in exactly 254 non-zero bytes: the canonical
		 * encoding ends with that 0xFF block; a 0x01 after it is refused. */
		uint8_t pl[257];
		for (int v = 1;; v++) {
			if (v == 256) {
				rc = ZC_ESTATE;
				goto out;
			}
			memset(pl, (uint8_t)v, sizeof pl);
			pl[6] = 0; /* raw index 11: leaves 254 bytes after it */
			rn = raw_bytes(0x7F, 0x0101, sizeof pl, pl, sizeof pl, raw);
			if (raw[rn - 1] && raw[rn - 2] && raw[rn - 3] && raw[rn - 4])
				break;
		}
		k = raw_frame(raw, rn, b);
		if (b[k - 1 - 255] != 0xFF) {
			rc = ZC_ESTATE;
			goto out;
		}
		b[k - 1] = 0x01;
		b[k++] = 0;
		if ((rc = bad_frame(g, "bad-frame-cobs-noncanonical.frame", b, k,
				    "a 0x01 block after a final 0xFF block (decodes to a good frame, not canonical)")))
			goto out;
	}
	memset(b, 0x01, ZC_WIRE_ENCODED_MAX + 10);
	b[ZC_WIRE_ENCODED_MAX + 10] = 0;
	if ((rc = bad_frame(g, "bad-frame-overlong.frame", b, ZC_WIRE_ENCODED_MAX + 11,
			    "a run longer than any encoded frame")))
		goto out;

	/* ---- the stream: good frames among line damage ---- */
	uint64_t seed = 20250102;
	stream[slen++] = 0; /* a sender may start with a delimiter */
	for (int i = 0; i < 40; i++)
		stream[slen++] = (uint8_t)(prng(&seed) % 255 + 1);
	stream[slen++] = 0;			   /* garbage then 0x00: dropped (1) */
	memcpy(stream + slen, f01, (size_t)len01); /* 01: good */
	slen += (size_t)len01;
	memcpy(stream + slen, f02, (size_t)len02 / 2); /* 02 cut: runs into 05: both lost (2) */
	slen += (size_t)len02 / 2;
	memcpy(stream + slen, f05, (size_t)len05);
	slen += (size_t)len05;
	memcpy(stream + slen, f06, (size_t)len06); /* 06: good */
	slen += (size_t)len06;
	{
		size_t at = slen + (size_t)len09 / 2; /* 09 with one bit flipped (3) */
		memcpy(stream + slen, f09, (size_t)len09);
		slen += (size_t)len09;
		stream[at] ^= stream[at] == 0x10 ? 0x01 : 0x10; /* never to 0x00 */
	}
	memset(stream + slen, 0x55, 9000); /* an overlong run (4) */
	slen += 9000;
	stream[slen++] = 0;
	stream[slen++] = 0; /* empty runs: nothing */
	stream[slen++] = 0;
	memcpy(stream + slen, f07, (size_t)len07); /* 07: good */
	slen += (size_t)len07;
	memcpy(stream + slen, f02, 20); /* 02 with its 21st byte lost (5) */
	memcpy(stream + slen + 20, f02 + 21, (size_t)len02 - 21);
	slen += (size_t)len02 - 1;
	memcpy(stream + slen, f01, (size_t)len01); /* 01: good */
	slen += (size_t)len01;
	memcpy(stream + slen, f09, (size_t)len09 - 5); /* cut at the end: pending */
	slen += (size_t)len09 - 5;
	{
		uint64_t fr, dr;
		run_decoder(stream, slen, &fr, &dr);
		if (fr != 4 || dr != 5) {
			fprintf(stderr, "zhucun-sim wire-vectors: stream: %llu frames, %llu dropped\n",
				(unsigned long long)fr, (unsigned long long)dr);
			rc = ZC_ESTATE;
			goto out;
		}
	}
	if ((rc = write_file(out_dir, "stream.bin", stream, slen)))
		goto out;
	json_t *so = json_object();
	json_object_set_new(so, "file", json_string("stream.bin"));
	json_t *sf = json_array();
	json_array_append_new(sf, json_string("01-hello_req.frame"));
	json_array_append_new(sf, json_string("06-credit.frame"));
	json_array_append_new(sf, json_string("07-end.frame"));
	json_array_append_new(sf, json_string("01-hello_req.frame"));
	json_object_set_new(so, "frames", sf);
	json_object_set_new(so, "dropped", json_integer(5));
	json_object_set_new(so, "pending", json_integer((json_int_t)len09 - 5));
	json_object_set_new(so, "layout",
			    json_string("00, 40 bytes of garbage, 00 (dropped); 01; half of 02 running into 05 "
					"(one run, dropped); 06; 09 with one bit flipped (dropped); 9000 bytes "
					"of 0x55 and 00 (overlong, dropped); 00 00; 07; 02 without its 21st byte "
					"(dropped); 01; 09 without its last 5 bytes (pending at the end)"));
	json_object_set_new(man, "stream", so);

	/* ---- bad payloads ---- */
	uint8_t q[ZC_WIRE_PAYLOAD_MAX + 16];
#define BADP(dec, what, code, stmt)                                                                                    \
	do {                                                                                                           \
		size_t qn = (size_t)hello_n;                                                                           \
		memcpy(q, hello_p, qn);                                                                                \
		stmt;                                                                                                  \
		if ((rc = bad_payload(g, dec, what, q, qn, code)))                                                     \
			goto out;                                                                                      \
	} while (0)
	/* HELLO offsets for K01/T01 and a 21-character firmware: see WIRE.md. */
	BADP("hello", "version", ZC_EVERSION, q[0] = 1);
	BADP("hello", "unsigned", ZC_EMALFORMED, (q[qn - h.sig_len - 1] = 0, qn -= h.sig_len));
	BADP("hello", "sig-not-der", ZC_EMALFORMED, q[qn - h.sig_len] = 0x31);
	BADP("hello", "empty", ZC_ETRUNC, qn = 0);
	BADP("hello", "truncated", ZC_ETRUNC, qn -= 1);
	BADP("hello", "trailing", ZC_EMALFORMED, q[qn++] = 0);
	BADP("hello", "terminal-char", ZC_EMALFORMED, q[3] = '/');
	BADP("hello", "terminal-len", ZC_EMALFORMED, q[1] = 33);
	BADP("hello", "township-missing", ZC_EMALFORMED, (memmove(q + 6, q + 9, qn - 9), q[5] = 0, qn -= 3));
	BADP("hello", "firmware-char", ZC_EMALFORMED, q[12] = 0x07);
	BADP("hello", "key-fp", ZC_EMALFORMED, q[31] ^= 1);
	BADP("hello", "pubkey-len-zero", ZC_EMALFORMED, zc_put_u16(q + 63, 0));
	BADP("hello", "pubkey-len-long", ZC_EMALFORMED, zc_put_u16(q + 63, ZC_WIRE_PUBKEY_MAX + 1));
	BADP("hello", "first-seq-zero", ZC_EMALFORMED, zc_put_u64(q + 65 + der_len + 32 + 8 + 32, 0));
	BADP("hello", "first-seq-past-head", ZC_EMALFORMED, zc_put_u64(q + 65 + der_len + 32 + 8 + 32, 5));
	BADP("hello", "collected-past-head", ZC_EMALFORMED, zc_put_u64(q + 65 + der_len + 32 + 8 + 32 + 8, 4));
#define RAWP(dec, what, code, bytes, len)                                                                              \
	do {                                                                                                           \
		if ((rc = bad_payload(g, dec, what, (const uint8_t *)(bytes), len, code)))                             \
			goto out;                                                                                      \
	} while (0)
	RAWP("get", "from-zero", ZC_EMALFORMED, "\0\0\0\0\0\0\0\0\x08\0", 10);
	RAWP("get", "credit-zero", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\0\0", 10);
	RAWP("get", "truncated", ZC_ETRUNC, "\x01\0\0\0\0\0\0\0\x08", 9);
	RAWP("get", "trailing", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\x08\0\0", 11);
	RAWP("credit", "zero", ZC_EMALFORMED, "\0\0", 2);
	RAWP("credit", "truncated", ZC_ETRUNC, "\x01", 1);
	RAWP("credit", "trailing", ZC_EMALFORMED, "\x01\0\0", 3);
	RAWP("end", "first-past-head", ZC_EMALFORMED,
	     "\x03\0\0\0\0\0\0\0"
	     "0123456789abcdef0123456789abcdef"
	     "\x05\0\0\0\0\0\0\0",
	     48);
	RAWP("end", "first-zero", ZC_EMALFORMED,
	     "\x03\0\0\0\0\0\0\0"
	     "0123456789abcdef0123456789abcdef"
	     "\0\0\0\0\0\0\0\0",
	     48);
	RAWP("end", "truncated", ZC_ETRUNC, "\x03\0\0\0\0\0\0\0", 8);
	RAWP("records", "first-zero", ZC_EMALFORMED, "\0\0\0\0\0\0\0\0\x01\0\x01\0Z", 13);
	RAWP("records", "count-zero", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\0\0", 10);
	RAWP("records", "count-65", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\x41\0\x01\0Z", 13);
	RAWP("records", "len-zero", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\x01\0\0\0", 12);
	RAWP("records", "len-past-end", ZC_ETRUNC, "\x01\0\0\0\0\0\0\0\x01\0\x05\0ZR", 14);
	RAWP("records", "missing-record", ZC_ETRUNC, "\x01\0\0\0\0\0\0\0\x02\0\x01\0Z", 13);
	RAWP("records", "trailing", ZC_EMALFORMED, "\x01\0\0\0\0\0\0\0\x01\0\x01\0ZR", 14);
	RAWP("records", "seq-overflow", ZC_EMALFORMED, "\xff\xff\xff\xff\xff\xff\xff\xff\x02\0\x01\0Z\x01\0R", 16);
	RAWP("status", "truncated", ZC_ETRUNC, "\0\0\0\0", 4);
	{
		uint8_t s2[128];
		zc_wire_status s0 = st;
		int sn = zc_wire_status_encode(&s0, s2, sizeof s2);
		s2[32] = 2;
		RAWP("status", "reader-ok-2", ZC_EMALFORMED, s2, (size_t)sn);
		s2[32] = 1;
		s2[50] = 0x7F;
		RAWP("status", "text-char", ZC_EMALFORMED, s2, (size_t)sn);
		s2[50] = 'a';
		s2[49] = ZC_TEXT_MAX + 1;
		RAWP("status", "text-len", ZC_EMALFORMED, s2, (size_t)sn);
	}
	{
		/* a command: kind 1, body 8 bytes, an 8-byte DER signature */
		uint8_t cm[] = {1, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 0x30, 6, 2, 1, 1, 2, 1, 1};
		uint8_t x[sizeof cm + 1];
		if (zc_wire_command_decode(cm, sizeof cm, c)) {
			rc = ZC_ESTATE;
			goto out;
		}
		memcpy(x, cm, sizeof cm);
		x[0] = 0;
		RAWP("command", "kind-zero", ZC_EMALFORMED, x, sizeof cm);
		memcpy(x, cm, sizeof cm);
		zc_put_u16(x + 1, ZC_WIRE_CMD_BODY_MAX + 1);
		RAWP("command", "body-len", ZC_EMALFORMED, x, sizeof cm);
		memcpy(x, cm, sizeof cm);
		x[11] = 7;
		RAWP("command", "sig-len-7", ZC_EMALFORMED, x, sizeof cm);
		memcpy(x, cm, sizeof cm);
		x[11] = 73;
		RAWP("command", "sig-len-73", ZC_EMALFORMED, x, sizeof cm);
		memcpy(x, cm, sizeof cm);
		x[12] = 0x31;
		RAWP("command", "sig-not-der", ZC_EMALFORMED, x, sizeof cm);
		RAWP("command", "truncated", ZC_ETRUNC, cm, sizeof cm - 1);
		memcpy(x, cm, sizeof cm);
		x[sizeof cm] = 0;
		RAWP("command", "trailing", ZC_EMALFORMED, x, sizeof cm + 1);
	}
	{
		/* code, text "ok", nonce, req_hash, an 8-byte DER signature */
		uint8_t rs[1 + 1 + 2 + ZC_WIRE_NONCE_LEN + ZC_HASH_LEN + 1 + 8] = {ZC_WIRE_OK, 2, 'o', 'k'};
		static const uint8_t sig8[] = {8, 0x30, 6, 2, 1, 1, 2, 1, 1};
		memcpy(rs + 4 + ZC_WIRE_NONCE_LEN + ZC_HASH_LEN, sig8, sizeof sig8);
		uint8_t x[sizeof rs];
		memcpy(x, rs, sizeof rs);
		x[2] = 0x0A;
		RAWP("result", "text-char", ZC_EMALFORMED, x, sizeof rs);
		memcpy(x, rs, sizeof rs);
		x[1] = ZC_TEXT_MAX + 1;
		RAWP("result", "text-len", ZC_EMALFORMED, x, sizeof rs);
		RAWP("result", "truncated", ZC_ETRUNC, rs, sizeof rs - 1);
		memcpy(x, rs, sizeof rs);
		x[4 + ZC_WIRE_NONCE_LEN + ZC_HASH_LEN] = 0;
		RAWP("result", "unsigned", ZC_EMALFORMED, x, 4 + ZC_WIRE_NONCE_LEN + ZC_HASH_LEN + 1);
		RAWP("result", "v1-layout", ZC_ETRUNC, rs, 4 + ZC_WIRE_NONCE_LEN);
		memcpy(x, rs, sizeof rs);
		x[sizeof rs - 8] = 0x31;
		RAWP("result", "sig-not-der", ZC_EMALFORMED, x, sizeof rs);
	}
	{
		uint8_t pv[] = {3, 'K', '0', '1', 3, 'T', '0', '1', 1, 0, 0xAA, 1, 0, 0xBB, 0, 0};
		uint8_t x[sizeof pv];
		zc_wire_provision pm;
		if (zc_wire_provision_decode(pv, sizeof pv, &pm)) {
			rc = ZC_ESTATE;
			goto out;
		}
		memcpy(x, pv, sizeof pv);
		x[2] = ' ';
		RAWP("provision", "terminal-char", ZC_EMALFORMED, x, sizeof pv);
		RAWP("provision", "terminal-empty", ZC_EMALFORMED, "\0\x03T01\x01\0\xaa\x01\0\xbb\0\0", 13);
		memcpy(x, pv, sizeof pv);
		x[8] = 0;
		RAWP("provision", "host-pubkey-empty", ZC_EMALFORMED, x, sizeof pv);
		memcpy(x, pv, sizeof pv);
		x[11] = 0;
		RAWP("provision", "ca-cert-empty", ZC_EMALFORMED, x, sizeof pv);
		memcpy(x, pv, sizeof pv);
		x[14] = 1;
		RAWP("provision", "revocations-past-end", ZC_ETRUNC, x, sizeof pv);
	}
	RAWP("set_time", "truncated", ZC_ETRUNC, "\0\0\0\0\0\0\0", 7);
	RAWP("set_time", "trailing", ZC_EMALFORMED, "\0\0\0\0\0\0\0\0\0", 9);
	RAWP("ack", "seq-zero", ZC_EMALFORMED,
	     "\0\0\0\0\0\0\0\0"
	     "0123456789abcdef0123456789abcdef",
	     40);
	RAWP("ack", "truncated", ZC_ETRUNC,
	     "\x01\0\0\0\0\0\0\0"
	     "0123456789abcdef0123456789abcde",
	     39);
#undef BADP
#undef RAWP

	int crc_ok;
	json_t *cj = crc_vectors(&crc_ok);
	if (!crc_ok) {
		json_decref(cj);
		fprintf(stderr, "zhucun-sim wire-vectors: CRC-32C known answers do not match\n");
		rc = ZC_ESTATE;
		goto out;
	}
	json_object_set_new(man, "format", json_string("zhucun serial protocol v1 test vectors, see shared/WIRE.md"));
	json_object_set_new(man, "host_key", json_string("../vector-terminal.key.pem"));
	json_object_set_new(man, "note",
			    json_string("one key plays the host (signs commands) and terminal K01 "
					"(signs the records, shown in HELLO)"));
	json_object_set_new(man, "crc32c", cj);
	json_object_set_new(man, "cobs", cobs_vectors());
	json_object_set_new(man, "frames", g->frames);
	json_object_set_new(man, "bad_frames", g->bad_frames);
	json_object_set_new(man, "bad_payloads", g->bad_payloads);
	g->frames = g->bad_frames = g->bad_payloads = NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.json", out_dir);
	rc = json_dump_file(man, path, JSON_INDENT(1) | JSON_SORT_KEYS) ? ZC_EIO : 0;
out:
	if (g) {
		json_decref(g->frames);
		json_decref(g->bad_frames);
		json_decref(g->bad_payloads);
	}
	json_decref(man);
	zc_revlist_clear(&rl);
	zc_privkey_free(key);
	free(g);
	free(p);
	free(stream);
	free(raw);
	free(b);
	free(c);
	return rc;
}
