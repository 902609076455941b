/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wire.c: the serial link protocol (zc/wire.h, specified in shared/WIRE.md):
 * CRC-32C, COBS, frames, the streaming frame decoder, every message's
 * encoder and decoder, and the digest, signature and check of commands.
 *
 * Decoders are strict in the way record.c's are: every length is bounded
 * before it is used, every value must be one the encoder could have written,
 * and the input must be consumed exactly; so encode(decode(x)) == x for every
 * accepted x. The streaming decoder keeps at most one encoded frame, decodes
 * it in place, and never reads outside what it was given.
 */
#include "zc/wire.h"

#include <string.h>

#include "zc/bytes.h"
#include "zc/err.h"

/* ---- CRC-32C (Castagnoli, reflected 0x82F63B78, as in RFC 3720) ---- */

/* crc_table[i]: i run through 8 rounds of c = (c >> 1) ^ (0x82F63B78 if c & 1),
 * as tests/unit/test_wire.c recomputes. */
static const uint32_t crc_table[256] = {
    0x00000000, 0xF26B8303, 0xE13B70F7, 0x1350F3F4, 0xC79A971F, 0x35F1141C, 0x26A1E7E8, 0xD4CA64EB, 0x8AD958CF,
    0x78B2DBCC, 0x6BE22838, 0x9989AB3B, 0x4D43CFD0, 0xBF284CD3, 0xAC78BF27, 0x5E133C24, 0x105EC76F, 0xE235446C,
    0xF165B798, 0x030E349B, 0xD7C45070, 0x25AFD373, 0x36FF2087, 0xC494A384, 0x9A879FA0, 0x68EC1CA3, 0x7BBCEF57,
    0x89D76C54, 0x5D1D08BF, 0xAF768BBC, 0xBC267848, 0x4E4DFB4B, 0x20BD8EDE, 0xD2D60DDD, 0xC186FE29, 0x33ED7D2A,
    0xE72719C1, 0x154C9AC2, 0x061C6936, 0xF477EA35, 0xAA64D611, 0x580F5512, 0x4B5FA6E6, 0xB93425E5, 0x6DFE410E,
    0x9F95C20D, 0x8CC531F9, 0x7EAEB2FA, 0x30E349B1, 0xC288CAB2, 0xD1D83946, 0x23B3BA45, 0xF779DEAE, 0x05125DAD,
    0x1642AE59, 0xE4292D5A, 0xBA3A117E, 0x4851927D, 0x5B016189, 0xA96AE28A, 0x7DA08661, 0x8FCB0562, 0x9C9BF696,
    0x6EF07595, 0x417B1DBC, 0xB3109EBF, 0xA0406D4B, 0x522BEE48, 0x86E18AA3, 0x748A09A0, 0x67DAFA54, 0x95B17957,
    0xCBA24573, 0x39C9C670, 0x2A993584, 0xD8F2B687, 0x0C38D26C, 0xFE53516F, 0xED03A29B, 0x1F682198, 0x5125DAD3,
    0xA34E59D0, 0xB01EAA24, 0x42752927, 0x96BF4DCC, 0x64D4CECF, 0x77843D3B, 0x85EFBE38, 0xDBFC821C, 0x2997011F,
    0x3AC7F2EB, 0xC8AC71E8, 0x1C661503, 0xEE0D9600, 0xFD5D65F4, 0x0F36E6F7, 0x61C69362, 0x93AD1061, 0x80FDE395,
    0x72966096, 0xA65C047D, 0x5437877E, 0x4767748A, 0xB50CF789, 0xEB1FCBAD, 0x197448AE, 0x0A24BB5A, 0xF84F3859,
    0x2C855CB2, 0xDEEEDFB1, 0xCDBE2C45, 0x3FD5AF46, 0x7198540D, 0x83F3D70E, 0x90A324FA, 0x62C8A7F9, 0xB602C312,
    0x44694011, 0x5739B3E5, 0xA55230E6, 0xFB410CC2, 0x092A8FC1, 0x1A7A7C35, 0xE811FF36, 0x3CDB9BDD, 0xCEB018DE,
    0xDDE0EB2A, 0x2F8B6829, 0x82F63B78, 0x709DB87B, 0x63CD4B8F, 0x91A6C88C, 0x456CAC67, 0xB7072F64, 0xA457DC90,
    0x563C5F93, 0x082F63B7, 0xFA44E0B4, 0xE9141340, 0x1B7F9043, 0xCFB5F4A8, 0x3DDE77AB, 0x2E8E845F, 0xDCE5075C,
    0x92A8FC17, 0x60C37F14, 0x73938CE0, 0x81F80FE3, 0x55326B08, 0xA759E80B, 0xB4091BFF, 0x466298FC, 0x1871A4D8,
    0xEA1A27DB, 0xF94AD42F, 0x0B21572C, 0xDFEB33C7, 0x2D80B0C4, 0x3ED04330, 0xCCBBC033, 0xA24BB5A6, 0x502036A5,
    0x4370C551, 0xB11B4652, 0x65D122B9, 0x97BAA1BA, 0x84EA524E, 0x7681D14D, 0x2892ED69, 0xDAF96E6A, 0xC9A99D9E,
    0x3BC21E9D, 0xEF087A76, 0x1D63F975, 0x0E330A81, 0xFC588982, 0xB21572C9, 0x407EF1CA, 0x532E023E, 0xA145813D,
    0x758FE5D6, 0x87E466D5, 0x94B49521, 0x66DF1622, 0x38CC2A06, 0xCAA7A905, 0xD9F75AF1, 0x2B9CD9F2, 0xFF56BD19,
    0x0D3D3E1A, 0x1E6DCDEE, 0xEC064EED, 0xC38D26C4, 0x31E6A5C7, 0x22B65633, 0xD0DDD530, 0x0417B1DB, 0xF67C32D8,
    0xE52CC12C, 0x1747422F, 0x49547E0B, 0xBB3FFD08, 0xA86F0EFC, 0x5A048DFF, 0x8ECEE914, 0x7CA56A17, 0x6FF599E3,
    0x9D9E1AE0, 0xD3D3E1AB, 0x21B862A8, 0x32E8915C, 0xC083125F, 0x144976B4, 0xE622F5B7, 0xF5720643, 0x07198540,
    0x590AB964, 0xAB613A67, 0xB831C993, 0x4A5A4A90, 0x9E902E7B, 0x6CFBAD78, 0x7FAB5E8C, 0x8DC0DD8F, 0xE330A81A,
    0x115B2B19, 0x020BD8ED, 0xF0605BEE, 0x24AA3F05, 0xD6C1BC06, 0xC5914FF2, 0x37FACCF1, 0x69E9F0D5, 0x9B8273D6,
    0x88D28022, 0x7AB90321, 0xAE7367CA, 0x5C18E4C9, 0x4F48173D, 0xBD23943E, 0xF36E6F75, 0x0105EC76, 0x12551F82,
    0xE03E9C81, 0x34F4F86A, 0xC69F7B69, 0xD5CF889D, 0x27A40B9E, 0x79B737BA, 0x8BDCB4B9, 0x988C474D, 0x6AE7C44E,
    0xBE2DA0A5, 0x4C4623A6, 0x5F16D052, 0xAD7D5351,
};

uint32_t zc_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

/* ---- COBS ---- */

/* An incremental COBS encoder, so a frame is encoded from its pieces
 * without first being assembled. After a full block (code 0xFF) the next
 * block is opened only when another byte comes, so input ending in a run of
 * 254 non-zero bytes ends in that block (the canonical form, as the Python
 * `cobs` package writes it). */
typedef struct cobs_w {
	uint8_t *out;
	size_t cap, pos, code_at;
	uint8_t code;
	int pending; /* a block is full and the next not yet opened */
	int overflow;
} cobs_w;

static void cobs_start(cobs_w *c, uint8_t *out, size_t cap)
{
	c->out = out;
	c->cap = cap;
	c->code_at = 0;
	c->pos = 1;
	c->code = 1;
	c->pending = 0;
	c->overflow = cap < 1;
}

static void cobs_put(cobs_w *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && !c->overflow; i++) {
		if (c->pending) {
			if (c->pos >= c->cap) {
				c->overflow = 1;
				return;
			}
			c->code_at = c->pos++;
			c->code = 1;
			c->pending = 0;
		}
		if (p[i] == 0) {
			if (c->pos >= c->cap) {
				c->overflow = 1;
				return;
			}
			c->out[c->code_at] = c->code;
			c->code_at = c->pos++;
			c->code = 1;
			continue;
		}
		if (c->pos >= c->cap) {
			c->overflow = 1;
			return;
		}
		c->out[c->pos++] = p[i];
		if (++c->code == 0xFF) {
			c->out[c->code_at] = 0xFF;
			c->pending = 1;
		}
	}
}

/* Close the last block; returns the encoded length, 0 on overflow. */
static size_t cobs_finish(cobs_w *c)
{
	if (c->overflow)
		return 0;
	if (!c->pending)
		c->out[c->code_at] = c->code;
	return c->pos;
}

size_t zc_cobs_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	cobs_w c;
	cobs_start(&c, out, n + n / 254 + 1);
	cobs_put(&c, in, n);
	return cobs_finish(&c);
}

int zc_cobs_decode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;
	uint8_t prev = 0;
	if (n == 0 || n > (size_t)INT32_MAX)
		return ZC_EMALFORMED;
	while (i < n) {
		uint8_t code = in[i++];
		if (code == 0 || (size_t)(code - 1) > n - i)
			return ZC_EMALFORMED;
		if (i == n && code == 1 && prev == 0xFF)
			return ZC_EMALFORMED; /* FF block then an empty one: not canonical */
		/* o < i holds throughout, so out may be in. */
		for (uint8_t k = 1; k < code; k++) {
			uint8_t b = in[i++];
			if (b == 0)
				return ZC_EMALFORMED;
			out[o++] = b;
		}
		if (i < n && code != 0xFF)
			out[o++] = 0;
		prev = code;
	}
	return (int)o;
}

/* ---- frames ---- */

int zc_wire_encode(uint8_t type, uint16_t req_id, const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
	uint8_t head[5], tail[4];
	if (len > ZC_WIRE_PAYLOAD_MAX || (len && !payload) || !out || cap < 2)
		return ZC_EARG;
	head[0] = type;
	zc_put_u16(head + 1, req_id);
	zc_put_u16(head + 3, (uint16_t)len);
	uint32_t crc = zc_crc32c(0, head, sizeof head);
	crc = zc_crc32c(crc, payload, len);
	zc_put_u32(tail, crc);
	cobs_w c;
	cobs_start(&c, out, cap - 1); /* room for the delimiter */
	cobs_put(&c, head, sizeof head);
	cobs_put(&c, payload, len);
	cobs_put(&c, tail, sizeof tail);
	size_t n = cobs_finish(&c);
	if (!n)
		return ZC_EARG;
	out[n++] = 0;
	return (int)n;
}

void zc_wire_decoder_init(zc_wire_decoder *d)
{
	d->len = 0;
	d->overflow = 0;
	d->frames = 0;
	d->dropped = 0;
	d->bytes = 0;
}

/* The run in d->buf ended: decode it in place and check it. */
static int frame_finish(zc_wire_decoder *d, zc_wire_frame *f)
{
	int n = zc_cobs_decode(d->buf, d->len, d->buf);
	if (n < 9)
		return 0;
	uint16_t len = zc_get_u16(d->buf + 3);
	if (len > ZC_WIRE_PAYLOAD_MAX || (size_t)n != 9 + (size_t)len)
		return 0;
	if (zc_crc32c(0, d->buf, 5 + (size_t)len) != zc_get_u32(d->buf + 5 + len))
		return 0;
	f->type = d->buf[0];
	f->req_id = zc_get_u16(d->buf + 1);
	f->len = len;
	memcpy(f->payload, d->buf + 5, len);
	return 1;
}

int zc_wire_decoder_feed(zc_wire_decoder *d, const uint8_t *in, size_t n, size_t *used, zc_wire_frame *f)
{
	size_t i = 0;
	while (i < n) {
		const uint8_t *z = memchr(in + i, 0, n - i);
		size_t run = z ? (size_t)(z - (in + i)) : n - i;
		if (!d->overflow) {
			if (run > sizeof d->buf - d->len) {
				d->overflow = 1; /* longer than any frame: skip to the next 0x00 */
				d->len = 0;
			} else {
				memcpy(d->buf + d->len, in + i, run);
				d->len += run;
			}
		}
		i += run;
		if (!z)
			break;
		i++; /* the delimiter */
		if (d->overflow) {
			d->overflow = 0;
			d->dropped++;
			continue;
		}
		if (!d->len)
			continue; /* 0x00 0x00: an empty run, not a frame */
		int ok = frame_finish(d, f);
		d->len = 0;
		if (ok) {
			d->frames++;
			d->bytes += i;
			*used = i;
			return 1;
		}
		d->dropped++;
	}
	d->bytes += n;
	*used = n;
	return 0;
}

/* ---- helpers for the messages ---- */

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

/* "" or a valid id. */
static int id_or_empty(const char *s)
{
	return s[0] == 0 || zc_id_valid(s);
}

static int w_done(const zc_wbuf *w)
{
	return w->overflow || w->len > ZC_WIRE_PAYLOAD_MAX ? ZC_EARG : (int)w->len;
}

static int r_done(zc_rbuf *r)
{
	if (!r->err && r->off != r->len)
		zc_r_fail(r, ZC_EMALFORMED, r->off, "trailing_bytes");
	return r->err;
}

/* u8 len + string of 0..max bytes. Ids: "" or the id charset (id != 0);
 * text: printable ASCII. */
static void w_str(zc_wbuf *w, const char *s, size_t max, int id)
{
	size_t n = strnlen(s, max + 1);
	if (n > max || (id ? !id_or_empty(s) : !text_valid((const uint8_t *)s, n))) {
		w->overflow = 1;
		return;
	}
	zc_w_u8(w, (uint8_t)n);
	zc_w_bytes(w, s, n);
}

static void r_str(zc_rbuf *r, char *out, size_t max, int id, int required, const char *field)
{
	size_t at = r->off;
	uint8_t n = zc_r_u8(r, field);
	if (!r->err && (n > max || (required && n == 0)))
		zc_r_fail(r, ZC_EMALFORMED, at, field);
	const uint8_t *s = zc_r_ptr(r, r->err ? 0 : n, field);
	if (!s || r->err)
		return;
	memcpy(out, s, n);
	out[n] = 0;
	if (id ? (strlen(out) != n || !id_or_empty(out)) : !text_valid(s, n))
		zc_r_fail(r, ZC_EMALFORMED, at, field);
}

/* A u16-length byte string of min..max bytes, pointing into the input. */
static const uint8_t *r_blob(zc_rbuf *r, uint16_t *len, size_t min, size_t max, const char *field)
{
	size_t at = r->off;
	uint16_t n = zc_r_u16(r, field);
	if (!r->err && (n < min || n > max))
		zc_r_fail(r, ZC_EMALFORMED, at, field);
	const uint8_t *p = zc_r_ptr(r, r->err ? 0 : n, field);
	if (p && !r->err)
		*len = n;
	return r->err ? NULL : p;
}

/* first_seq 1..head_seq + 1 (no overflow at the top). */
static int first_ok(uint64_t first, uint64_t head)
{
	return first >= 1 && first - 1 <= head;
}

/* ---- HELLO ---- */

/* The HELLO fields before the signature. */
static int hello_body(zc_wbuf *w, const zc_wire_hello *m)
{
	uint8_t fp[ZC_HASH_LEN];
	if (!m->terminal[0] != !m->township[0])
		return ZC_EARG;
	if (m->pubkey_len < 1 || m->pubkey_len > ZC_WIRE_PUBKEY_MAX)
		return ZC_EARG;
	zc_sha256(m->pubkey, m->pubkey_len, fp);
	if (memcmp(fp, m->key_fp, ZC_HASH_LEN))
		return ZC_EARG;
	if (m->collected_seq > m->head_seq || !first_ok(m->first_seq, m->head_seq))
		return ZC_EARG;
	zc_w_u8(w, ZC_WIRE_VERSION);
	w_str(w, m->terminal, ZC_TERMINAL_ID_MAX, 1);
	w_str(w, m->township, ZC_TERMINAL_ID_MAX, 1);
	w_str(w, m->firmware, ZC_TEXT_MAX, 0);
	zc_w_bytes(w, m->key_fp, ZC_HASH_LEN);
	zc_w_u16(w, m->pubkey_len);
	zc_w_bytes(w, m->pubkey, m->pubkey_len);
	zc_w_bytes(w, m->host_fp, ZC_HASH_LEN);
	zc_w_u64(w, m->head_seq);
	zc_w_bytes(w, m->head_hash, ZC_HASH_LEN);
	zc_w_u64(w, m->first_seq);
	zc_w_u64(w, m->collected_seq);
	zc_w_i64(w, m->utc_ms);
	zc_w_bytes(w, m->nonce, ZC_WIRE_NONCE_LEN);
	return w_done(w);
}

/* u8 sig_len | sig: a DER ECDSA signature, sig_len 8..72. */
static void w_sig(zc_wbuf *w, const uint8_t *sig, uint8_t sig_len)
{
	if (!der_sig_valid(sig, sig_len)) {
		w->overflow = 1;
		return;
	}
	zc_w_u8(w, sig_len);
	zc_w_bytes(w, sig, sig_len);
}

static void r_sig(zc_rbuf *r, uint8_t *sig, uint8_t *sig_len)
{
	size_t at = r->off;
	*sig_len = zc_r_u8(r, "sig_len");
	if (!r->err && (*sig_len < 8 || *sig_len > ZC_SIG_MAX))
		zc_r_fail(r, ZC_EMALFORMED, at, "sig_len");
	zc_r_bytes(r, sig, r->err ? 0 : *sig_len, "sig");
	if (!r->err && !der_sig_valid(sig, *sig_len))
		zc_r_fail(r, ZC_EMALFORMED, at + 1, "sig");
}

int zc_wire_hello_encode(const zc_wire_hello *m, uint8_t *out, size_t cap)
{
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	int rc = hello_body(&w, m);
	if (rc < 0)
		return rc;
	w_sig(&w, m->sig, m->sig_len);
	return w_done(&w);
}

int zc_wire_hello_decode(const uint8_t *p, size_t n, zc_wire_hello *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	uint8_t v = zc_r_u8(&r, "version");
	if (!r.err && v != ZC_WIRE_VERSION)
		return ZC_EVERSION;
	r_str(&r, m->terminal, ZC_TERMINAL_ID_MAX, 1, 0, "terminal");
	size_t at = r.off;
	r_str(&r, m->township, ZC_TERMINAL_ID_MAX, 1, 0, "township");
	if (!r.err && !m->terminal[0] != !m->township[0])
		zc_r_fail(&r, ZC_EMALFORMED, at, "township");
	r_str(&r, m->firmware, ZC_TEXT_MAX, 0, 0, "firmware");
	zc_r_bytes(&r, m->key_fp, ZC_HASH_LEN, "key_fp");
	at = r.off;
	const uint8_t *k = r_blob(&r, &m->pubkey_len, 1, ZC_WIRE_PUBKEY_MAX, "pubkey");
	if (k) {
		uint8_t fp[ZC_HASH_LEN];
		memcpy(m->pubkey, k, m->pubkey_len);
		zc_sha256(k, m->pubkey_len, fp);
		if (memcmp(fp, m->key_fp, ZC_HASH_LEN))
			zc_r_fail(&r, ZC_EMALFORMED, at, "pubkey");
	}
	zc_r_bytes(&r, m->host_fp, ZC_HASH_LEN, "host_fp");
	m->head_seq = zc_r_u64(&r, "head_seq");
	zc_r_bytes(&r, m->head_hash, ZC_HASH_LEN, "head_hash");
	at = r.off;
	m->first_seq = zc_r_u64(&r, "first_seq");
	if (!r.err && !first_ok(m->first_seq, m->head_seq))
		zc_r_fail(&r, ZC_EMALFORMED, at, "first_seq");
	at = r.off;
	m->collected_seq = zc_r_u64(&r, "collected_seq");
	if (!r.err && m->collected_seq > m->head_seq)
		zc_r_fail(&r, ZC_EMALFORMED, at, "collected_seq");
	m->utc_ms = zc_r_i64(&r, "utc_ms");
	zc_r_bytes(&r, m->nonce, ZC_WIRE_NONCE_LEN, "nonce");
	r_sig(&r, m->sig, &m->sig_len);
	return r_done(&r);
}

/* ---- STATUS ---- */

int zc_wire_status_encode(const zc_wire_status *m, uint8_t *out, size_t cap)
{
	if (m->reader_ok > 1)
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u64(&w, m->bytes_used);
	zc_w_u64(&w, m->capacity_bytes);
	zc_w_u64(&w, m->records);
	zc_w_u64(&w, m->uncollected);
	zc_w_u8(&w, m->reader_ok);
	zc_w_u64(&w, m->taps);
	zc_w_u64(&w, m->faults);
	w_str(&w, m->last_fault, ZC_TEXT_MAX, 0);
	zc_w_i64(&w, m->utc_ms);
	return w_done(&w);
}

int zc_wire_status_decode(const uint8_t *p, size_t n, zc_wire_status *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	m->bytes_used = zc_r_u64(&r, "bytes_used");
	m->capacity_bytes = zc_r_u64(&r, "capacity_bytes");
	m->records = zc_r_u64(&r, "records");
	m->uncollected = zc_r_u64(&r, "uncollected");
	size_t at = r.off;
	m->reader_ok = zc_r_u8(&r, "reader_ok");
	if (!r.err && m->reader_ok > 1)
		zc_r_fail(&r, ZC_EMALFORMED, at, "reader_ok");
	m->taps = zc_r_u64(&r, "taps");
	m->faults = zc_r_u64(&r, "faults");
	r_str(&r, m->last_fault, ZC_TEXT_MAX, 0, 0, "last_fault");
	m->utc_ms = zc_r_i64(&r, "utc_ms");
	return r_done(&r);
}

/* ---- GET_RECORDS, CREDIT ---- */

int zc_wire_get_encode(const zc_wire_get *m, uint8_t *out, size_t cap)
{
	if (m->from_seq == 0 || m->credit == 0)
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	if (m->max_payload && (m->max_payload < ZC_WIRE_GET_MIN_PAYLOAD || m->max_payload > ZC_WIRE_PAYLOAD_MAX))
		return ZC_EARG;
	zc_w_u64(&w, m->from_seq);
	zc_w_u16(&w, m->credit);
	if (m->max_payload)
		zc_w_u16(&w, m->max_payload);
	return w_done(&w);
}

int zc_wire_get_decode(const uint8_t *p, size_t n, zc_wire_get *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	m->from_seq = zc_r_u64(&r, "from_seq");
	if (!r.err && m->from_seq == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "from_seq");
	m->credit = zc_r_u16(&r, "credit");
	if (!r.err && m->credit == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 8, "credit");
	if (!r.err && n == 12) { /* the optional frame size */
		m->max_payload = zc_r_u16(&r, "max_payload");
		if (!r.err && (m->max_payload < ZC_WIRE_GET_MIN_PAYLOAD || m->max_payload > ZC_WIRE_PAYLOAD_MAX))
			zc_r_fail(&r, ZC_EMALFORMED, 10, "max_payload");
	}
	return r_done(&r);
}

int zc_wire_credit_encode(uint16_t credit, uint8_t *out, size_t cap)
{
	if (credit == 0)
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u16(&w, credit);
	return w_done(&w);
}

int zc_wire_credit_decode(const uint8_t *p, size_t n, uint16_t *credit)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	*credit = zc_r_u16(&r, "credit");
	if (!r.err && *credit == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "credit");
	return r_done(&r);
}

/* ---- RECORDS ---- */

void zc_wire_records_begin(uint8_t *out, uint64_t first_seq, size_t *len)
{
	zc_put_u64(out, first_seq);
	zc_put_u16(out + 8, 0);
	*len = 10;
}

int zc_wire_records_add(uint8_t *out, size_t cap, size_t *len, const uint8_t *rec, size_t rec_len)
{
	if (!rec || rec_len < 1 || rec_len > ZC_REC_MAX || *len < 10 || *len > cap)
		return ZC_EARG;
	uint16_t count = zc_get_u16(out + 8);
	if (cap > ZC_WIRE_PAYLOAD_MAX)
		cap = ZC_WIRE_PAYLOAD_MAX;
	if (count >= ZC_WIRE_RECORDS_MAX || *len > cap || 2 + rec_len > cap - *len)
		return ZC_EFULL;
	if (zc_get_u64(out) == 0 || zc_get_u64(out) + count < zc_get_u64(out))
		return ZC_EARG; /* first_seq 0, or seqs past 2^64 */
	zc_put_u16(out + *len, (uint16_t)rec_len);
	memcpy(out + *len + 2, rec, rec_len);
	*len += 2 + rec_len;
	zc_put_u16(out + 8, (uint16_t)(count + 1));
	return 0;
}

int zc_wire_records_decode(const uint8_t *p, size_t n, zc_wire_records *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	if (n > ZC_WIRE_PAYLOAD_MAX)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "payload"); /* 64 long records would fit */
	m->first_seq = zc_r_u64(&r, "first_seq");
	if (!r.err && m->first_seq == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "first_seq");
	m->count = zc_r_u16(&r, "count");
	if (!r.err && (m->count < 1 || m->count > ZC_WIRE_RECORDS_MAX || m->first_seq + (m->count - 1) < m->first_seq))
		zc_r_fail(&r, ZC_EMALFORMED, 8, "count");
	for (uint16_t i = 0; i < m->count && !r.err; i++)
		m->rec[i] = r_blob(&r, &m->len[i], 1, ZC_REC_MAX, "record");
	int rc = r_done(&r);
	if (rc) {
		memset(m, 0, sizeof *m);
		return rc;
	}
	return 0;
}

/* ---- END ---- */

int zc_wire_end_encode(const zc_wire_end *m, uint8_t *out, size_t cap)
{
	if (!first_ok(m->first_seq, m->head_seq))
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u64(&w, m->head_seq);
	zc_w_bytes(&w, m->head_hash, ZC_HASH_LEN);
	zc_w_u64(&w, m->first_seq);
	return w_done(&w);
}

int zc_wire_end_decode(const uint8_t *p, size_t n, zc_wire_end *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	m->head_seq = zc_r_u64(&r, "head_seq");
	zc_r_bytes(&r, m->head_hash, ZC_HASH_LEN, "head_hash");
	m->first_seq = zc_r_u64(&r, "first_seq");
	if (!r.err && !first_ok(m->first_seq, m->head_seq))
		zc_r_fail(&r, ZC_EMALFORMED, 40, "first_seq");
	return r_done(&r);
}

/* ---- COMMAND ---- */

int zc_wire_command_encode(const zc_wire_command *m, uint8_t *out, size_t cap)
{
	if (m->kind == 0 || m->body_len > ZC_WIRE_CMD_BODY_MAX || !der_sig_valid(m->sig, m->sig_len))
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u8(&w, m->kind);
	zc_w_u16(&w, m->body_len);
	zc_w_bytes(&w, m->body, m->body_len);
	zc_w_u8(&w, m->sig_len);
	zc_w_bytes(&w, m->sig, m->sig_len);
	return w_done(&w);
}

int zc_wire_command_decode(const uint8_t *p, size_t n, zc_wire_command *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	m->kind = zc_r_u8(&r, "kind");
	if (!r.err && m->kind == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "kind");
	const uint8_t *b = r_blob(&r, &m->body_len, 0, ZC_WIRE_CMD_BODY_MAX, "body");
	if (b)
		memcpy(m->body, b, m->body_len);
	size_t at = r.off;
	m->sig_len = zc_r_u8(&r, "sig_len");
	if (!r.err && (m->sig_len < 8 || m->sig_len > ZC_SIG_MAX))
		zc_r_fail(&r, ZC_EMALFORMED, at, "sig_len");
	zc_r_bytes(&r, m->sig, r.err ? 0 : m->sig_len, "sig");
	if (!r.err && !der_sig_valid(m->sig, m->sig_len))
		zc_r_fail(&r, ZC_EMALFORMED, at + 1, "sig");
	int rc = r_done(&r);
	if (rc) {
		m->kind = 0;
		m->body_len = 0;
		m->sig_len = 0;
	}
	return rc;
}

/* ---- RESULT ---- */

static void result_body(zc_wbuf *w, const zc_wire_result_msg *m)
{
	zc_w_u8(w, m->code);
	w_str(w, m->text, ZC_TEXT_MAX, 0);
	zc_w_bytes(w, m->nonce, ZC_WIRE_NONCE_LEN);
	zc_w_bytes(w, m->req_hash, ZC_HASH_LEN);
}

int zc_wire_result_encode(const zc_wire_result_msg *m, uint8_t *out, size_t cap)
{
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	result_body(&w, m);
	w_sig(&w, m->sig, m->sig_len);
	return w_done(&w);
}

int zc_wire_result_decode(const uint8_t *p, size_t n, zc_wire_result_msg *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	m->code = zc_r_u8(&r, "code");
	r_str(&r, m->text, ZC_TEXT_MAX, 0, 0, "text");
	zc_r_bytes(&r, m->nonce, ZC_WIRE_NONCE_LEN, "nonce");
	zc_r_bytes(&r, m->req_hash, ZC_HASH_LEN, "req_hash");
	r_sig(&r, m->sig, &m->sig_len);
	return r_done(&r);
}

/* ---- command bodies ---- */

int zc_wire_provision_encode(const zc_wire_provision *m, uint8_t *out, size_t cap)
{
	if (!zc_id_valid(m->terminal) || !zc_id_valid(m->township))
		return ZC_EARG;
	if (!m->host_pubkey || m->host_pubkey_len < 1 || m->host_pubkey_len > ZC_WIRE_PUBKEY_MAX)
		return ZC_EARG;
	if (!m->ca_cert || m->ca_cert_len < 1 || (m->revocations_len && !m->revocations))
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	w_str(&w, m->terminal, ZC_TERMINAL_ID_MAX, 1);
	w_str(&w, m->township, ZC_TERMINAL_ID_MAX, 1);
	zc_w_u16(&w, m->host_pubkey_len);
	zc_w_bytes(&w, m->host_pubkey, m->host_pubkey_len);
	zc_w_u16(&w, m->ca_cert_len);
	zc_w_bytes(&w, m->ca_cert, m->ca_cert_len);
	zc_w_u16(&w, m->revocations_len);
	zc_w_bytes(&w, m->revocations, m->revocations_len);
	return w.overflow || w.len > ZC_WIRE_CMD_BODY_MAX ? ZC_EARG : (int)w.len;
}

int zc_wire_provision_decode(const uint8_t *p, size_t n, zc_wire_provision *m)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	memset(m, 0, sizeof *m);
	if (n > ZC_WIRE_CMD_BODY_MAX)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "body");
	r_str(&r, m->terminal, ZC_TERMINAL_ID_MAX, 1, 1, "terminal");
	r_str(&r, m->township, ZC_TERMINAL_ID_MAX, 1, 1, "township");
	m->host_pubkey = r_blob(&r, &m->host_pubkey_len, 1, ZC_WIRE_PUBKEY_MAX, "host_pubkey");
	m->ca_cert = r_blob(&r, &m->ca_cert_len, 1, ZC_WIRE_CMD_BODY_MAX, "ca_cert");
	m->revocations = r_blob(&r, &m->revocations_len, 0, ZC_WIRE_CMD_BODY_MAX, "revocations");
	int rc = r_done(&r);
	if (rc)
		memset(m, 0, sizeof *m);
	return rc;
}

int zc_wire_set_time_encode(int64_t utc_ms, uint8_t *out, size_t cap)
{
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_i64(&w, utc_ms);
	return w_done(&w);
}

int zc_wire_set_time_decode(const uint8_t *p, size_t n, int64_t *utc_ms)
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	*utc_ms = zc_r_i64(&r, "new_utc_ms");
	int rc = r_done(&r);
	if (rc)
		*utc_ms = 0;
	return rc;
}

int zc_wire_ack_encode(uint64_t up_to_seq, const uint8_t hash[ZC_HASH_LEN], uint8_t *out, size_t cap)
{
	if (up_to_seq == 0)
		return ZC_EARG;
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_u64(&w, up_to_seq);
	zc_w_bytes(&w, hash, ZC_HASH_LEN);
	return w_done(&w);
}

int zc_wire_ack_decode(const uint8_t *p, size_t n, uint64_t *up_to_seq, uint8_t hash[ZC_HASH_LEN])
{
	zc_rbuf r;
	zc_rbuf_init(&r, p, n);
	*up_to_seq = zc_r_u64(&r, "up_to_seq");
	if (!r.err && *up_to_seq == 0)
		zc_r_fail(&r, ZC_EMALFORMED, 0, "up_to_seq");
	zc_r_bytes(&r, hash, ZC_HASH_LEN, "hash");
	int rc = r_done(&r);
	if (rc) {
		*up_to_seq = 0;
		memset(hash, 0, ZC_HASH_LEN);
	}
	return rc;
}

/* ---- signed commands ---- */

void zc_wire_cmd_digest(const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN], uint8_t kind, const uint8_t *body,
			size_t body_len, uint8_t out[ZC_HASH_LEN])
{
	static const char domain[] = "zhucun-cmd-v1";
	uint8_t b[2];
	if (!terminal)
		terminal = "";
	uint8_t tlen = (uint8_t)strnlen(terminal, 255);
	zc_sha256_ctx c;
	zc_sha256_start(&c);
	zc_sha256_update(&c, domain, sizeof domain - 1);
	zc_sha256_update(&c, &tlen, 1);
	zc_sha256_update(&c, terminal, tlen);
	zc_sha256_update(&c, nonce, ZC_WIRE_NONCE_LEN);
	zc_sha256_update(&c, &kind, 1);
	zc_put_u16(b, (uint16_t)body_len);
	zc_sha256_update(&c, b, 2);
	zc_sha256_update(&c, body, body_len);
	zc_sha256_finish(&c, out);
}

int zc_wire_cmd_sign(zc_wire_command *c, const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN],
		     zc_privkey *host_key)
{
	uint8_t h[ZC_HASH_LEN];
	size_t sl = 0;
	if (!terminal)
		terminal = "";
	if (!host_key || !id_or_empty(terminal) || c->kind == 0 || c->body_len > ZC_WIRE_CMD_BODY_MAX)
		return ZC_EARG;
	zc_wire_cmd_digest(terminal, nonce, c->kind, c->body, c->body_len, h);
	int rc = zc_privkey_sign(host_key, h, c->sig, &sl);
	if (rc)
		return rc;
	c->sig_len = (uint8_t)sl;
	return 0;
}

int zc_wire_cmd_verify(const zc_wire_command *c, const char *terminal, const uint8_t nonce[ZC_WIRE_NONCE_LEN],
		       zc_pubkey *host_key)
{
	uint8_t h[ZC_HASH_LEN];
	if (!terminal)
		terminal = "";
	if (!host_key || !id_or_empty(terminal) || c->body_len > ZC_WIRE_CMD_BODY_MAX)
		return ZC_EARG;
	if (!der_sig_valid(c->sig, c->sig_len))
		return ZC_ESIG;
	zc_wire_cmd_digest(terminal, nonce, c->kind, c->body, c->body_len, h);
	return zc_pubkey_verify(host_key, h, c->sig, c->sig_len) ? ZC_ESIG : 0;
}

/* ---- the terminal's signatures ---- */

int zc_wire_hello_req_encode(const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], uint8_t *out, size_t cap)
{
	if (cap < ZC_WIRE_NONCE_LEN)
		return ZC_EARG;
	memcpy(out, host_nonce, ZC_WIRE_NONCE_LEN);
	return ZC_WIRE_NONCE_LEN;
}

void zc_wire_hello_req_decode(const uint8_t *p, size_t n, uint8_t host_nonce[ZC_WIRE_NONCE_LEN])
{
	if (n == ZC_WIRE_NONCE_LEN)
		memcpy(host_nonce, p, ZC_WIRE_NONCE_LEN);
	else
		memset(host_nonce, 0, ZC_WIRE_NONCE_LEN);
}

/* SHA-256(domain || pre || the bytes w wrote), or ZC_EARG. */
static int digest_of(const char *domain, const uint8_t *pre, size_t pre_len, const zc_wbuf *w, uint8_t out[ZC_HASH_LEN])
{
	if (w_done(w) < 0)
		return ZC_EARG;
	zc_sha256_ctx c;
	zc_sha256_start(&c);
	zc_sha256_update(&c, domain, strlen(domain));
	if (pre_len)
		zc_sha256_update(&c, pre, pre_len);
	zc_sha256_update(&c, w->p, w->len);
	zc_sha256_finish(&c, out);
	return 0;
}

int zc_wire_hello_digest(const zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], uint8_t out[ZC_HASH_LEN])
{
	uint8_t buf[512];
	zc_wbuf w;
	zc_wbuf_init(&w, buf, sizeof buf);
	if (hello_body(&w, m) < 0)
		return ZC_EARG;
	return digest_of("zhucun-hello-v2", host_nonce, ZC_WIRE_NONCE_LEN, &w, out);
}

int zc_wire_hello_sign(zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], zc_privkey *key)
{
	uint8_t h[ZC_HASH_LEN];
	size_t sl = 0;
	if (!key || zc_wire_hello_digest(m, host_nonce, h))
		return ZC_EARG;
	int rc = zc_privkey_sign(key, h, m->sig, &sl);
	if (rc)
		return rc;
	m->sig_len = (uint8_t)sl;
	return 0;
}

int zc_wire_hello_verify(const zc_wire_hello *m, const uint8_t host_nonce[ZC_WIRE_NONCE_LEN], zc_pubkey *key)
{
	uint8_t h[ZC_HASH_LEN];
	if (!key || zc_wire_hello_digest(m, host_nonce, h))
		return ZC_EARG;
	if (!der_sig_valid(m->sig, m->sig_len))
		return ZC_ESIG;
	return zc_pubkey_verify(key, h, m->sig, m->sig_len) ? ZC_ESIG : 0;
}

void zc_wire_request_hash(uint8_t type, uint16_t req_id, const uint8_t *payload, size_t len, uint8_t out[ZC_HASH_LEN])
{
	uint8_t b[3] = {type, (uint8_t)req_id, (uint8_t)(req_id >> 8)};
	zc_sha256_ctx c;
	zc_sha256_start(&c);
	zc_sha256_update(&c, b, sizeof b);
	if (len)
		zc_sha256_update(&c, payload, len);
	zc_sha256_finish(&c, out);
}

int zc_wire_result_digest(const zc_wire_result_msg *m, uint8_t out[ZC_HASH_LEN])
{
	uint8_t buf[256];
	zc_wbuf w;
	zc_wbuf_init(&w, buf, sizeof buf);
	result_body(&w, m);
	return digest_of("zhucun-result-v2", NULL, 0, &w, out);
}

int zc_wire_result_sign(zc_wire_result_msg *m, zc_privkey *key)
{
	uint8_t h[ZC_HASH_LEN];
	size_t sl = 0;
	if (!key || zc_wire_result_digest(m, h))
		return ZC_EARG;
	int rc = zc_privkey_sign(key, h, m->sig, &sl);
	if (rc)
		return rc;
	m->sig_len = (uint8_t)sl;
	return 0;
}

int zc_wire_result_verify(const zc_wire_result_msg *m, zc_pubkey *key)
{
	uint8_t h[ZC_HASH_LEN];
	if (!key || zc_wire_result_digest(m, h))
		return ZC_EARG;
	if (!der_sig_valid(m->sig, m->sig_len))
		return ZC_ESIG;
	return zc_pubkey_verify(key, h, m->sig, m->sig_len) ? ZC_ESIG : 0;
}

/* ---- names ---- */

const char *zc_wire_type_name(uint8_t type)
{
	switch (type) {
	case ZC_WIRE_HELLO_REQ: return "hello_req";
	case ZC_WIRE_HELLO: return "hello";
	case ZC_WIRE_GET_RECORDS: return "get_records";
	case ZC_WIRE_RECORDS: return "records";
	case ZC_WIRE_END: return "end";
	case ZC_WIRE_CREDIT: return "credit";
	case ZC_WIRE_STATUS_REQ: return "status_req";
	case ZC_WIRE_STATUS: return "status";
	case ZC_WIRE_COMMAND: return "command";
	case ZC_WIRE_RESULT: return "result";
	default: return "unknown";
	}
}

const char *zc_wire_result_name(uint8_t code)
{
	switch (code) {
	case ZC_WIRE_OK: return "ok";
	case ZC_WIRE_E_SIGNATURE: return "signature";
	case ZC_WIRE_E_NONCE: return "nonce";
	case ZC_WIRE_E_HASH: return "hash";
	case ZC_WIRE_E_RANGE: return "range";
	case ZC_WIRE_E_PROVISIONED: return "provisioned";
	case ZC_WIRE_E_UNPROVISIONED: return "unprovisioned";
	case ZC_WIRE_E_MALFORMED: return "malformed";
	case ZC_WIRE_E_UNSUPPORTED: return "unsupported";
	case ZC_WIRE_E_INTERNAL: return "internal";
	case ZC_WIRE_E_EXPIRED: return "expired";
	default: return "unknown";
	}
}

const char *zc_wire_cmd_name(uint8_t kind)
{
	switch (kind) {
	case ZC_CMD_SET_TIME: return "set_time";
	case ZC_CMD_ACK_COLLECTED: return "ack_collected";
	case ZC_CMD_PROVISION: return "provision";
	case ZC_CMD_REVOCATIONS: return "revocations";
	default: return "unknown";
	}
}
