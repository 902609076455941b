/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record.c: canonical encoding, decoding, hashing and signing of attendance
 * records (zc/record.h, layout in shared/FORMAT.md).
 *
 * Decoding is strict: every length is bounded before use, every reserved or
 * derived value must be exactly what the encoder would write, and the input
 * must be consumed exactly. So encode(decode(x)) == x for every accepted x,
 * and a signature covers one byte string only.
 */
#include "zc/record.h"

#include <string.h>

#include "zc/bytes.h"
#include "zc/err.h"

static const uint8_t zero32[ZC_HASH_LEN];

int zc_id_valid(const char *id)
{
	size_t n = strnlen(id, ZC_TERMINAL_ID_MAX + 1);
	if (n < 1 || n > ZC_TERMINAL_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int id_bytes_valid(const uint8_t *p, size_t n)
{
	char buf[ZC_TERMINAL_ID_MAX + 1];
	if (n < 1 || n > ZC_TERMINAL_ID_MAX)
		return 0;
	memcpy(buf, p, n);
	buf[n] = 0;
	return strlen(buf) == n && zc_id_valid(buf);
}

static int text_valid(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

static int der_sig_valid(const uint8_t *s, size_t n)
{
	return n >= 8 && n <= ZC_SIG_MAX && s[0] == 0x30 && s[1] == n - 2;
}

void zc_rec_init(zc_rec *r, uint8_t kind)
{
	memset(r, 0, sizeof *r);
	r->version = ZC_REC_VERSION;
	r->kind = kind;
}

/* ---- payloads, version 1 ---- */

static int encode_payload_v1(zc_rec *r)
{
	zc_wbuf w;
	zc_wbuf_init(&w, r->payload, sizeof r->payload);
	switch (r->kind) {
	case ZC_KIND_TAP: {
		const zc_rec_tap *t = &r->u.tap;
		if (t->badge_kind != ZC_BADGE_PIV && t->badge_kind != ZC_BADGE_UID)
			return ZC_EARG;
		if (t->badge_id_len < 1 || t->badge_id_len > ZC_BADGE_ID_MAX)
			return ZC_EARG;
		if (t->badge_sig_len && !der_sig_valid(t->badge_sig, t->badge_sig_len))
			return ZC_EARG;
		if (t->badge_kind == ZC_BADGE_UID && (t->badge_sig_len || memcmp(t->cert_fp, zero32, ZC_HASH_LEN)))
			return ZC_EARG;
		zc_w_u8(&w, t->badge_kind);
		zc_w_u8(&w, t->result);
		zc_w_u8(&w, t->badge_id_len);
		zc_w_bytes(&w, t->badge_id, t->badge_id_len);
		zc_w_bytes(&w, t->cert_fp, ZC_HASH_LEN);
		zc_w_bytes(&w, t->nonce, ZC_NONCE_LEN);
		zc_w_u8(&w, t->badge_sig_len);
		zc_w_bytes(&w, t->badge_sig, t->badge_sig_len);
		break;
	}
	case ZC_KIND_BOOT: {
		size_t n = strnlen(r->u.boot.firmware, sizeof r->u.boot.firmware);
		if (n > ZC_TEXT_MAX || !text_valid((const uint8_t *)r->u.boot.firmware, n))
			return ZC_EARG;
		zc_w_u8(&w, (uint8_t)n);
		zc_w_bytes(&w, r->u.boot.firmware, n);
		break;
	}
	case ZC_KIND_CLOCK_SET:
		if (r->u.clock.old_utc_ms < ZC_UTC_MS_OLD_MIN || r->u.clock.old_utc_ms >= ZC_UTC_MS_END ||
		    !zc_utc_ms_valid(r->u.clock.new_utc_ms))
			return ZC_EARG;
		zc_w_i64(&w, r->u.clock.old_utc_ms);
		zc_w_i64(&w, r->u.clock.new_utc_ms);
		zc_w_bytes(&w, r->u.clock.by_fp, ZC_HASH_LEN);
		break;
	case ZC_KIND_PROVISIONED: {
		if (!zc_id_valid(r->u.prov.township))
			return ZC_EARG;
		size_t n = strlen(r->u.prov.township);
		zc_w_u8(&w, (uint8_t)n);
		zc_w_bytes(&w, r->u.prov.township, n);
		zc_w_bytes(&w, r->u.prov.host_fp, ZC_HASH_LEN);
		zc_w_bytes(&w, r->u.prov.ca_fp, ZC_HASH_LEN);
		zc_w_bytes(&w, r->u.prov.key_fp, ZC_HASH_LEN);
		break;
	}
	case ZC_KIND_COLLECTED:
		zc_w_u64(&w, r->u.collected.up_to_seq);
		zc_w_bytes(&w, r->u.collected.up_to_hash, ZC_HASH_LEN);
		zc_w_bytes(&w, r->u.collected.host_fp, ZC_HASH_LEN);
		break;
	case ZC_KIND_READER_FAULT: {
		size_t n = strnlen(r->u.fault.text, sizeof r->u.fault.text);
		if (n > ZC_TEXT_MAX || !text_valid((const uint8_t *)r->u.fault.text, n))
			return ZC_EARG;
		zc_w_u32(&w, (uint32_t)r->u.fault.code);
		zc_w_u8(&w, (uint8_t)n);
		zc_w_bytes(&w, r->u.fault.text, n);
		break;
	}
	case ZC_KIND_JOURNAL_REPAIR:
		zc_w_u64(&w, r->u.repair.offset);
		zc_w_u64(&w, r->u.repair.dropped_bytes);
		zc_w_u64(&w, r->u.repair.last_good_seq);
		break;
	case ZC_KIND_JOURNAL_LOST:
		if (!r->u.lost.last_seq || r->u.lost.last_seq >= r->seq)
			return ZC_EARG;
		zc_w_u64(&w, r->u.lost.last_seq);
		zc_w_bytes(&w, r->u.lost.last_hash, ZC_HASH_LEN);
		zc_w_u64(&w, r->u.lost.found_head);
		break;
	case 0: return ZC_EARG;
	default:
		/* Unknown kind: the caller supplied payload/payload_len. */
		if (r->payload_len > ZC_PAYLOAD_MAX)
			return ZC_EARG;
		return 0;
	}
	if (w.overflow)
		return ZC_EARG;
	r->payload_len = (uint16_t)w.len;
	return 0;
}

/* Parse a version-1 payload of a known kind from r->payload. */
static void decode_payload_v1(zc_rec *r, zc_rbuf *p)
{
	switch (r->kind) {
	case ZC_KIND_TAP: {
		zc_rec_tap *t = &r->u.tap;
		t->badge_kind = zc_r_u8(p, "tap.badge_kind");
		if (!p->err && t->badge_kind != ZC_BADGE_PIV && t->badge_kind != ZC_BADGE_UID)
			zc_r_fail(p, ZC_EMALFORMED, p->off - 1, "tap.badge_kind");
		t->result = zc_r_u8(p, "tap.result");
		t->badge_id_len = zc_r_u8(p, "tap.badge_id_len");
		if (!p->err && (t->badge_id_len < 1 || t->badge_id_len > ZC_BADGE_ID_MAX))
			zc_r_fail(p, ZC_EMALFORMED, p->off - 1, "tap.badge_id_len");
		zc_r_bytes(p, t->badge_id, p->err ? 0 : t->badge_id_len, "tap.badge_id");
		zc_r_bytes(p, t->cert_fp, ZC_HASH_LEN, "tap.cert_fp");
		zc_r_bytes(p, t->nonce, ZC_NONCE_LEN, "tap.nonce");
		size_t at = p->off;
		t->badge_sig_len = zc_r_u8(p, "tap.badge_sig_len");
		if (!p->err && t->badge_sig_len > ZC_SIG_MAX)
			zc_r_fail(p, ZC_EMALFORMED, at, "tap.badge_sig_len");
		zc_r_bytes(p, t->badge_sig, p->err ? 0 : t->badge_sig_len, "tap.badge_sig");
		if (!p->err && t->badge_sig_len && !der_sig_valid(t->badge_sig, t->badge_sig_len))
			zc_r_fail(p, ZC_EMALFORMED, at + 1, "tap.badge_sig");
		if (!p->err && t->badge_kind == ZC_BADGE_UID &&
		    (t->badge_sig_len || memcmp(t->cert_fp, zero32, ZC_HASH_LEN)))
			zc_r_fail(p, ZC_EMALFORMED, at, "tap.uid_has_pki_fields");
		break;
	}
	case ZC_KIND_BOOT: {
		size_t at = p->off;
		uint8_t n = zc_r_u8(p, "boot.firmware_len");
		if (!p->err && n > ZC_TEXT_MAX)
			zc_r_fail(p, ZC_EMALFORMED, at, "boot.firmware_len");
		const uint8_t *s = zc_r_ptr(p, p->err ? 0 : n, "boot.firmware");
		if (s && !text_valid(s, n))
			zc_r_fail(p, ZC_EMALFORMED, at + 1, "boot.firmware");
		if (s && !p->err) {
			memcpy(r->u.boot.firmware, s, n);
			r->u.boot.firmware[n] = 0;
		}
		break;
	}
	case ZC_KIND_CLOCK_SET: {
		size_t at = p->off;
		r->u.clock.old_utc_ms = zc_r_i64(p, "clock.old_utc_ms");
		if (!p->err && (r->u.clock.old_utc_ms < ZC_UTC_MS_OLD_MIN || r->u.clock.old_utc_ms >= ZC_UTC_MS_END))
			zc_r_fail(p, ZC_EMALFORMED, at, "clock.old_utc_ms");
		at = p->off;
		r->u.clock.new_utc_ms = zc_r_i64(p, "clock.new_utc_ms");
		if (!p->err && !zc_utc_ms_valid(r->u.clock.new_utc_ms))
			zc_r_fail(p, ZC_EMALFORMED, at, "clock.new_utc_ms");
		zc_r_bytes(p, r->u.clock.by_fp, ZC_HASH_LEN, "clock.by_fp");
		break;
	}
	case ZC_KIND_PROVISIONED: {
		size_t at = p->off;
		uint8_t n = zc_r_u8(p, "provisioned.township_len");
		const uint8_t *s = zc_r_ptr(p, p->err ? 0 : n, "provisioned.township");
		if (s && !p->err && !id_bytes_valid(s, n))
			zc_r_fail(p, ZC_EMALFORMED, at, "provisioned.township");
		if (s && !p->err) {
			memcpy(r->u.prov.township, s, n);
			r->u.prov.township[n] = 0;
		}
		zc_r_bytes(p, r->u.prov.host_fp, ZC_HASH_LEN, "provisioned.host_fp");
		zc_r_bytes(p, r->u.prov.ca_fp, ZC_HASH_LEN, "provisioned.ca_fp");
		zc_r_bytes(p, r->u.prov.key_fp, ZC_HASH_LEN, "provisioned.key_fp");
		break;
	}
	case ZC_KIND_COLLECTED:
		r->u.collected.up_to_seq = zc_r_u64(p, "collected.up_to_seq");
		zc_r_bytes(p, r->u.collected.up_to_hash, ZC_HASH_LEN, "collected.up_to_hash");
		zc_r_bytes(p, r->u.collected.host_fp, ZC_HASH_LEN, "collected.host_fp");
		break;
	case ZC_KIND_READER_FAULT: {
		r->u.fault.code = (int32_t)zc_r_u32(p, "fault.code");
		size_t at = p->off;
		uint8_t n = zc_r_u8(p, "fault.text_len");
		if (!p->err && n > ZC_TEXT_MAX)
			zc_r_fail(p, ZC_EMALFORMED, at, "fault.text_len");
		const uint8_t *s = zc_r_ptr(p, p->err ? 0 : n, "fault.text");
		if (s && !p->err && !text_valid(s, n))
			zc_r_fail(p, ZC_EMALFORMED, at + 1, "fault.text");
		if (s && !p->err) {
			memcpy(r->u.fault.text, s, n);
			r->u.fault.text[n] = 0;
		}
		break;
	}
	case ZC_KIND_JOURNAL_REPAIR:
		r->u.repair.offset = zc_r_u64(p, "repair.offset");
		r->u.repair.dropped_bytes = zc_r_u64(p, "repair.dropped_bytes");
		r->u.repair.last_good_seq = zc_r_u64(p, "repair.last_good_seq");
		break;
	case ZC_KIND_JOURNAL_LOST: {
		size_t at = p->off;
		r->u.lost.last_seq = zc_r_u64(p, "lost.last_seq");
		const uint8_t *h = zc_r_ptr(p, ZC_HASH_LEN, "lost.last_hash");
		if (h)
			memcpy(r->u.lost.last_hash, h, ZC_HASH_LEN);
		r->u.lost.found_head = zc_r_u64(p, "lost.found_head");
		/* the loss lies below this record */
		if (!p->err && (!r->u.lost.last_seq || r->u.lost.last_seq >= r->seq))
			zc_r_fail(p, ZC_EMALFORMED, at, "lost.last_seq");
		break;
	}
	default:
		/* unknown kind: the raw payload is all there is */
		p->off = p->len;
		break;
	}
	if (!p->err && p->off != p->len)
		zc_r_fail(p, ZC_EMALFORMED, p->off, "payload.trailing_bytes");
}

/* ---- body ---- */

int zc_rec_encode_body(zc_rec *r, uint8_t *out, size_t cap)
{
	if (r->version != ZC_REC_VERSION)
		return ZC_EARG; /* only the current version is ever written */
	if (!zc_id_valid(r->terminal) || r->seq == 0)
		return ZC_EARG;
	if (r->seq == 1 && memcmp(r->prev_hash, zero32, ZC_HASH_LEN))
		return ZC_EARG;
	if (!zc_utc_ms_valid(r->utc_ms))
		return ZC_EARG;
	int rc = encode_payload_v1(r);
	if (rc)
		return rc;
	size_t tlen = strlen(r->terminal);
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u8(&w, ZC_REC_MAGIC0);
	zc_w_u8(&w, ZC_REC_MAGIC1);
	zc_w_u8(&w, r->version);
	zc_w_u8(&w, r->kind);
	zc_w_u8(&w, (uint8_t)tlen);
	zc_w_bytes(&w, r->terminal, tlen);
	zc_w_u64(&w, r->seq);
	zc_w_u32(&w, r->boot);
	zc_w_i64(&w, r->utc_ms);
	zc_w_u64(&w, r->mono_ms);
	zc_w_bytes(&w, r->prev_hash, ZC_HASH_LEN);
	zc_w_u16(&w, r->payload_len);
	zc_w_bytes(&w, r->payload, r->payload_len);
	if (w.overflow)
		return ZC_EARG;
	return (int)w.len;
}

int zc_rec_encode(zc_rec *r, uint8_t *out, size_t cap)
{
	int n = zc_rec_encode_body(r, out, cap);
	if (n < 0)
		return n;
	if (!der_sig_valid(r->sig, r->sig_len))
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out + n, cap - (size_t)n);
	zc_w_u8(&w, r->sig_len);
	zc_w_bytes(&w, r->sig, r->sig_len);
	if (w.overflow)
		return ZC_EARG;
	return n + (int)w.len;
}

static int fail(zc_rec_error *err, int code, size_t off, const char *field, const char *why)
{
	if (err) {
		err->code = code;
		err->offset = off;
		err->field = field;
		err->why = why;
	}
	return code;
}

static const char *why_of(int code)
{
	switch (code) {
	case ZC_ETRUNC: return "input ends inside this field";
	case ZC_EVERSION: return "unsupported record format version";
	default: return "value not allowed here";
	}
}

int zc_utc_ms_valid(int64_t ms)
{
	return ms >= ZC_UTC_MS_MIN && ms < ZC_UTC_MS_END;
}

int zc_rec_framed(const uint8_t *buf, size_t n)
{
	/* Version 1: tlen at 4, payload_len at 65+t, sig_len at 67+t+p. */
	if (n < 5 || buf[0] != ZC_REC_MAGIC0 || buf[1] != ZC_REC_MAGIC1 || buf[2] != 1 || buf[3] == 0)
		return 0;
	size_t t = buf[4];
	if (t < 1 || t > ZC_TERMINAL_ID_MAX || n < 68 + t)
		return 0;
	size_t p = zc_get_u16(buf + 65 + t);
	if (p > ZC_PAYLOAD_MAX || n < 68 + t + p)
		return 0;
	size_t s = buf[67 + t + p];
	return s >= 8 && s <= ZC_SIG_MAX && n == 68 + t + p + s;
}

int zc_rec_decode(const uint8_t *buf, size_t len, zc_rec *r, size_t *body_len, zc_rec_error *err)
{
	zc_rbuf b;
	zc_rbuf_init(&b, buf, len);
	memset(r, 0, sizeof *r);

	uint8_t m0 = zc_r_u8(&b, "magic"), m1 = zc_r_u8(&b, "magic");
	if (!b.err && (m0 != ZC_REC_MAGIC0 || m1 != ZC_REC_MAGIC1))
		return fail(err, ZC_EMALFORMED, 0, "magic", "not a zhucun record (magic is not 'ZR')");
	r->version = zc_r_u8(&b, "version");
	if (!b.err && r->version != 1)
		return fail(err, ZC_EVERSION, 2, "version", why_of(ZC_EVERSION));
	/* Version 1 layout. A later version adds a case here and keeps this one. */
	r->kind = zc_r_u8(&b, "kind");
	if (!b.err && r->kind == 0)
		return fail(err, ZC_EMALFORMED, 3, "kind", "kind 0 is reserved");
	size_t at = b.off;
	uint8_t tlen = zc_r_u8(&b, "terminal_len");
	const uint8_t *tid = zc_r_ptr(&b, b.err ? 0 : tlen, "terminal");
	if (tid && !b.err) {
		if (!id_bytes_valid(tid, tlen))
			return fail(err, ZC_EMALFORMED, at, "terminal",
				    "terminal id must be 1-32 characters of A-Z a-z 0-9 . _ -");
		memcpy(r->terminal, tid, tlen);
		r->terminal[tlen] = 0;
	}
	at = b.off;
	r->seq = zc_r_u64(&b, "seq");
	if (!b.err && r->seq == 0)
		return fail(err, ZC_EMALFORMED, at, "seq", "sequence numbers start at 1");
	r->boot = zc_r_u32(&b, "boot");
	at = b.off;
	r->utc_ms = zc_r_i64(&b, "utc_ms");
	if (!b.err && !zc_utc_ms_valid(r->utc_ms))
		return fail(err, ZC_EMALFORMED, at, "utc_ms", "terminal time outside 1970-01-01 .. 2200-01-01 UTC");
	r->mono_ms = zc_r_u64(&b, "mono_ms");
	at = b.off;
	zc_r_bytes(&b, r->prev_hash, ZC_HASH_LEN, "prev_hash");
	if (!b.err && r->seq == 1 && memcmp(r->prev_hash, zero32, ZC_HASH_LEN))
		return fail(err, ZC_EMALFORMED, at, "prev_hash", "the first record's prev_hash must be zero");
	at = b.off;
	r->payload_len = zc_r_u16(&b, "payload_len");
	if (!b.err && r->payload_len > ZC_PAYLOAD_MAX)
		return fail(err, ZC_EMALFORMED, at, "payload_len", "payload longer than 1024 bytes");
	size_t payload_off = b.off;
	zc_r_bytes(&b, r->payload, b.err ? 0 : r->payload_len, "payload");
	if (b.err)
		return fail(err, b.err, b.err_off, b.err_field, why_of(b.err));

	zc_rbuf p;
	zc_rbuf_init(&p, r->payload, r->payload_len);
	decode_payload_v1(r, &p);
	if (p.err)
		return fail(err, p.err == ZC_ETRUNC ? ZC_EMALFORMED : p.err, payload_off + p.err_off, p.err_field,
			    p.err == ZC_ETRUNC ? "payload ends inside this field" : why_of(p.err));
	size_t blen = b.off;

	at = b.off;
	r->sig_len = zc_r_u8(&b, "sig_len");
	if (!b.err && (r->sig_len < 8 || r->sig_len > ZC_SIG_MAX))
		return fail(err, ZC_EMALFORMED, at, "sig_len", "signature length must be 8-72");
	zc_r_bytes(&b, r->sig, b.err ? 0 : r->sig_len, "sig");
	if (b.err)
		return fail(err, b.err, b.err_off, b.err_field, why_of(b.err));
	if (!der_sig_valid(r->sig, r->sig_len))
		return fail(err, ZC_EMALFORMED, at + 1, "sig", "signature is not a DER SEQUENCE of its length");
	if (b.off != len)
		return fail(err, ZC_EMALFORMED, b.off, "trailing_bytes", "bytes after the signature");
	if (body_len)
		*body_len = blen;
	return 0;
}

void zc_rec_hash_body(const uint8_t *body, size_t body_len, uint8_t out[ZC_HASH_LEN])
{
	zc_sha256(body, body_len, out);
}

int zc_rec_sign(zc_rec *r, zc_privkey *k, uint8_t *out, size_t cap, size_t *out_len, uint8_t hash[ZC_HASH_LEN])
{
	uint8_t local[ZC_REC_MAX];
	uint8_t *buf = out ? out : local;
	size_t bcap = out ? cap : sizeof local;
	int n = zc_rec_encode_body(r, buf, bcap);
	if (n < 0)
		return n;
	uint8_t h[ZC_HASH_LEN];
	zc_rec_hash_body(buf, (size_t)n, h);
	size_t sl = 0;
	int rc = zc_privkey_sign(k, h, r->sig, &sl);
	if (rc)
		return rc;
	r->sig_len = (uint8_t)sl;
	if ((size_t)n + 1 + sl > bcap)
		return ZC_EARG;
	buf[n] = r->sig_len;
	memcpy(buf + n + 1, r->sig, sl);
	if (out_len)
		*out_len = (size_t)n + 1 + sl;
	if (hash)
		memcpy(hash, h, ZC_HASH_LEN);
	return 0;
}

int zc_rec_verify(zc_pubkey *k, const uint8_t *buf, size_t body_len, const zc_rec *r)
{
	uint8_t h[ZC_HASH_LEN];
	zc_rec_hash_body(buf, body_len, h);
	return zc_pubkey_verify(k, h, r->sig, r->sig_len);
}

void zc_rec_tap_challenge(const zc_rec *r, uint8_t out[ZC_HASH_LEN])
{
	static const char domain[] = "zhucun-tap-v1";
	uint8_t b[8];
	uint8_t tlen = (uint8_t)strlen(r->terminal);
	zc_sha256_ctx c;
	zc_sha256_start(&c);
	zc_sha256_update(&c, domain, sizeof domain - 1);
	zc_sha256_update(&c, &tlen, 1);
	zc_sha256_update(&c, r->terminal, tlen);
	zc_put_u64(b, r->seq);
	zc_sha256_update(&c, b, 8);
	zc_put_u64(b, (uint64_t)r->utc_ms);
	zc_sha256_update(&c, b, 8);
	zc_sha256_update(&c, r->prev_hash, ZC_HASH_LEN);
	zc_sha256_update(&c, r->u.tap.nonce, ZC_NONCE_LEN);
	zc_sha256_finish(&c, out);
}

const char *zc_kind_name(uint8_t kind)
{
	switch (kind) {
	case ZC_KIND_TAP: return "tap";
	case ZC_KIND_BOOT: return "boot";
	case ZC_KIND_CLOCK_SET: return "clock_set";
	case ZC_KIND_PROVISIONED: return "provisioned";
	case ZC_KIND_COLLECTED: return "collected";
	case ZC_KIND_READER_FAULT: return "reader_fault";
	case ZC_KIND_JOURNAL_REPAIR: return "journal_repair";
	case ZC_KIND_JOURNAL_LOST: return "journal_lost";
	default: return "unknown";
	}
}

const char *zc_badge_kind_name(uint8_t kind)
{
	switch (kind) {
	case ZC_BADGE_PIV: return "piv";
	case ZC_BADGE_UID: return "uid";
	default: return "unknown";
	}
}

const char *zc_tap_result_name(uint8_t result)
{
	switch (result) {
	case ZC_TAP_OK: return "ok";
	case ZC_TAP_WEAK: return "weak";
	case ZC_TAP_UNKNOWN_CA: return "unknown_ca";
	case ZC_TAP_REVOKED: return "revoked";
	case ZC_TAP_BAD_SIGNATURE: return "bad_signature";
	case ZC_TAP_REMOVED: return "removed";
	case ZC_TAP_CARD_ERROR: return "card_error";
	default: return "unknown";
	}
}
