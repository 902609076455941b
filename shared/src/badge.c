/* SPDX-License-Identifier: Apache-2.0 */
/*
 * badge.c: badge certificates, the badge CA and its revocation list
 * (zc/badge.h), over mbedTLS 2.28's X.509 parser.
 *
 * A badge certificate is checked against the CA by hand rather than with
 * mbedtls_x509_crt_verify: that function judges validity periods by the
 * system clock, while a tap is judged at the terminal's record time (the
 * host re-checks taps months later). So: the issuer name must equal the CA's
 * subject byte for byte, the signature (ecdsa-with-SHA256) must verify over
 * the TBS bytes with the CA key, and the time given must lie inside both
 * validity periods. Signatures are verified with the ECDSA functions on the
 * key pair (mbedtls_pk_ec) so that the CA key keeps its cached curve table
 * (MEASURED.md); mbedtls_pk_verify would copy the group on every call.
 *
 * The revocation list is our own format "ZRL1" (shared/FORMAT.md): mbedTLS
 * 2.28 can parse X.509 CRLs but has no CRL writer, and the CA tool is built
 * on mbedTLS alone. Its decoder is strict like the record decoder: bounded,
 * canonical (sorted serials, minimal encodings), exact consumption, and an
 * error that names the field and offset. It validates the whole input
 * before it allocates anything.
 */
#include "zc/badge.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/record.h"

/* id-PIV-cardAuth, 2.16.840.1.101.3.6.8 (NIST SP 800-73 / FIPS 201). */
static const char oid_piv_card_auth[] = "\x60\x86\x48\x01\x65\x03\x06\x08";
#define STR_MAX 256 /* longest subject string we keep (MBEDTLS_X509_MAX_DN_NAME_SIZE) */

struct zc_badge_ca {
	mbedtls_x509_crt crt;
	uint8_t fp[ZC_HASH_LEN];
	int64_t from_ms, to_ms;
	char *name, *district;
	zc_revlist rev;		       /* installed list; number 0: none */
	uint8_t rev_hash[ZC_HASH_LEN]; /* SHA-256 of its encoding */
};

struct zc_badge_cert {
	mbedtls_x509_crt crt;
	uint8_t fp[ZC_HASH_LEN];
	int64_t from_ms, to_ms;
	char *name, *cadre, *badge, *district;
	int has_uuid;
	uint8_t uuid[ZC_BADGE_UUID_LEN];
	/* The CA whose signature over this certificate verified (its
	 * fingerprint): the verification is remembered, as it does not depend
	 * on the time, so a cached certificate costs no CA verify per tap. */
	int sig_ok;
	uint8_t sig_ok_ca[ZC_HASH_LEN];
};

/* ---- helpers ---- */

static int is_p256(const mbedtls_pk_context *pk)
{
	return mbedtls_pk_get_type(pk) == MBEDTLS_PK_ECKEY && mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* An X.509 time in UTC ms; end adds 999 ms so that the last second of a
 * validity period counts whole (RFC 5280: notAfter is inclusive). */
static int64_t x509_time_ms(const mbedtls_x509_time *t, int end)
{
	int64_t s = days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
	return s * 1000 + (end ? 999 : 0);
}

/* Valid UTF-8 (no overlongs, surrogates or values past U+10FFFF) without
 * control characters (C0, DEL, C1). */
static int utf8_text_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t c = s[i];
		size_t k;
		if (c < 0x80)
			k = 0;
		else if ((c & 0xE0) == 0xC0)
			k = 1, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			k = 2, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			k = 3, c &= 0x07;
		else
			return 0;
		if (k > n - i - 1)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (s[i + j] & 0x3F);
		}
		static const uint32_t min_of[] = {0, 0x80, 0x800, 0x10000};
		if (c < min_of[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		if (c < 0x20 || (c >= 0x7F && c < 0xA0))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* A directory string as NUL-terminated UTF-8 (malloc'd), or NULL with *rc
 * set: UTF8String, PrintableString and IA5String are taken as they are
 * (checked), BMPString (UCS-2) is converted; other types are refused. */
static char *dir_string(const mbedtls_asn1_buf *v, int *rc)
{
	*rc = ZC_EMALFORMED;
	if (v->len > STR_MAX)
		return NULL;
	char *out = malloc(v->len * 2 + 1); /* BMP: 2 bytes become at most 3 */
	if (!out) {
		*rc = ZC_ENOMEM;
		return NULL;
	}
	size_t n = 0;
	switch (v->tag) {
	case MBEDTLS_ASN1_UTF8_STRING:
	case MBEDTLS_ASN1_PRINTABLE_STRING:
	case MBEDTLS_ASN1_IA5_STRING:
		if (v->tag != MBEDTLS_ASN1_UTF8_STRING)
			for (size_t i = 0; i < v->len; i++)
				if (v->p[i] >= 0x80)
					goto bad;
		memcpy(out, v->p, v->len);
		n = v->len;
		break;
	case MBEDTLS_ASN1_BMP_STRING:
		if (v->len % 2)
			goto bad;
		for (size_t i = 0; i < v->len; i += 2) {
			unsigned c = (unsigned)v->p[i] << 8 | v->p[i + 1];
			if (c >= 0xD800 && c <= 0xDFFF)
				goto bad;
			if (c < 0x80) {
				out[n++] = (char)c;
			} else if (c < 0x800) {
				out[n++] = (char)(0xC0 | c >> 6);
				out[n++] = (char)(0x80 | (c & 0x3F));
			} else {
				out[n++] = (char)(0xE0 | c >> 12);
				out[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
				out[n++] = (char)(0x80 | (c & 0x3F));
			}
		}
		break;
	default: goto bad;
	}
	if (!utf8_text_valid((const uint8_t *)out, n))
		goto bad;
	out[n] = 0;
	*rc = 0;
	return out;
bad:
	free(out);
	return NULL;
}

/* Pull the subject attributes we use. Each may appear at most once. */
struct subject_want {
	const char *oid;
	size_t oid_len;
	char **dst;
};

static int subject_fields(const mbedtls_x509_name *name, struct subject_want *want, size_t nwant)
{
	for (const mbedtls_x509_name *n = name; n; n = n->next) {
		if (!n->oid.p)
			continue;
		for (size_t i = 0; i < nwant; i++) {
			if (n->oid.len != want[i].oid_len || memcmp(n->oid.p, want[i].oid, want[i].oid_len))
				continue;
			if (*want[i].dst)
				return ZC_EMALFORMED; /* two values: ambiguous */
			int rc;
			*want[i].dst = dir_string(&n->val, &rc);
			if (rc)
				return rc;
		}
	}
	for (size_t i = 0; i < nwant; i++)
		if (!*want[i].dst && !(*want[i].dst = calloc(1, 1)))
			return ZC_ENOMEM;
	return 0;
}

#define WANT(o, d) ((struct subject_want){o, sizeof o - 1, d})

/* Exactly one DER certificate occupying all of der[0..len). */
static int parse_der_exact(mbedtls_x509_crt *crt, const uint8_t *der, size_t len)
{
	if (!len || mbedtls_x509_crt_parse_der(crt, der, len))
		return ZC_EMALFORMED;
	if (crt->raw.len != len || crt->next)
		return ZC_EMALFORMED;
	return 0;
}

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- the revocation list ---- */

#define REV_HEAD_LEN (4 + 8 + 8 + ZC_HASH_LEN + 4)

/* A serial as an X.509 certificate carries it: the content octets of a DER
 * INTEGER, 1..20 bytes, minimal, positive. NULL if fine, else the reason. */
static const char *serial_problem(const uint8_t *s, size_t n)
{
	if (n < 1 || n > ZC_BADGE_SERIAL_MAX)
		return "serial length must be 1-20";
	if (s[0] & 0x80)
		return "serial is negative";
	if (n > 1 && s[0] == 0 && !(s[1] & 0x80))
		return "serial has a redundant leading zero byte";
	if (n == 1 && s[0] == 0)
		return "serial must be positive";
	return NULL;
}

/* Numeric order of canonical serials: shorter is smaller, then bytes. */
static int serial_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

static int der_sig_valid(const uint8_t *sig, size_t n)
{
	return n >= 8 && n <= ZC_SIG_MAX && sig[0] == 0x30 && sig[1] == n - 2;
}

static int rfail(zc_revlist_error *err, int code, size_t off, const char *field, const char *why)
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
	return code == ZC_ETRUNC ? "input ends inside this field" : "value not allowed here";
}

int zc_revlist_decode(const uint8_t *buf, size_t len, zc_revlist *l, size_t *body_len, zc_revlist_error *err)
{
	memset(l, 0, sizeof *l);
	zc_rbuf b;
	zc_rbuf_init(&b, buf, len);
	const uint8_t *magic = zc_r_ptr(&b, 4, "magic");
	if (magic && memcmp(magic, ZC_REVLIST_MAGIC, 4))
		return rfail(err, ZC_EMALFORMED, 0, "magic", "not a revocation list (magic is not 'ZRL1')");
	size_t at = b.off;
	uint64_t number = zc_r_u64(&b, "number");
	if (!b.err && number == 0)
		return rfail(err, ZC_EMALFORMED, at, "number", "list numbers start at 1");
	int64_t issued = zc_r_i64(&b, "issued_ms");
	uint8_t ca_fp[ZC_HASH_LEN];
	zc_r_bytes(&b, ca_fp, ZC_HASH_LEN, "ca_fp");
	at = b.off;
	uint32_t count = zc_r_u32(&b, "count");
	if (!b.err && count > ZC_REVLIST_MAX_ENTRIES)
		return rfail(err, ZC_EMALFORMED, at, "count", "more than 65536 entries");
	if (b.err)
		return rfail(err, b.err, b.err_off, b.err_field, why_of(b.err));

	/* Pass 1: check every entry in place. */
	size_t entries_off = b.off;
	const uint8_t *prev = NULL;
	size_t prev_len = 0;
	for (uint32_t i = 0; i < count; i++) {
		at = b.off;
		uint8_t slen = zc_r_u8(&b, "entry.serial_len");
		if (!b.err && (slen < 1 || slen > ZC_BADGE_SERIAL_MAX))
			return rfail(err, ZC_EMALFORMED, at, "entry.serial_len", "serial length must be 1-20");
		const uint8_t *s = zc_r_ptr(&b, b.err ? 0 : slen, "entry.serial");
		if (b.err)
			return rfail(err, b.err, b.err_off, b.err_field, why_of(b.err));
		const char *why = serial_problem(s, slen);
		if (why)
			return rfail(err, ZC_EMALFORMED, at + 1, "entry.serial", why);
		if (prev) {
			int c = serial_cmp(prev, prev_len, s, slen);
			if (c == 0)
				return rfail(err, ZC_EMALFORMED, at + 1, "entry.serial", "serial listed twice");
			if (c > 0)
				return rfail(err, ZC_EMALFORMED, at + 1, "entry.serial",
					     "entries are not in ascending serial order");
		}
		prev = s;
		prev_len = slen;
		zc_r_u64(&b, "entry.revoked_from_ms");
		if (b.err)
			return rfail(err, b.err, b.err_off, b.err_field, why_of(b.err));
	}
	size_t blen = b.off;
	at = b.off;
	uint8_t sig_len = zc_r_u8(&b, "sig_len");
	if (!b.err && (sig_len < 8 || sig_len > ZC_SIG_MAX))
		return rfail(err, ZC_EMALFORMED, at, "sig_len", "signature length must be 8-72");
	const uint8_t *sig = zc_r_ptr(&b, b.err ? 0 : sig_len, "sig");
	if (b.err)
		return rfail(err, b.err, b.err_off, b.err_field, why_of(b.err));
	if (!der_sig_valid(sig, sig_len))
		return rfail(err, ZC_EMALFORMED, at + 1, "sig", "signature is not a DER SEQUENCE of its length");
	if (b.off != len)
		return rfail(err, ZC_EMALFORMED, b.off, "trailing_bytes", "bytes after the signature");

	/* Pass 2: the input is known good; copy it out. */
	zc_revlist_entry *e = NULL;
	if (count && !(e = calloc(count, sizeof *e)))
		return rfail(err, ZC_ENOMEM, entries_off, "entries", "out of memory");
	zc_rbuf_init(&b, buf, len);
	b.off = entries_off;
	for (uint32_t i = 0; i < count; i++) {
		e[i].serial_len = zc_r_u8(&b, "entry.serial_len");
		zc_r_bytes(&b, e[i].serial, e[i].serial_len, "entry.serial");
		e[i].revoked_from_ms = zc_r_i64(&b, "entry.revoked_from_ms");
	}
	l->number = number;
	l->issued_ms = issued;
	memcpy(l->ca_fp, ca_fp, ZC_HASH_LEN);
	l->count = count;
	l->entries = e;
	l->sig_len = sig_len;
	memcpy(l->sig, sig, sig_len);
	if (body_len)
		*body_len = blen;
	return 0;
}

size_t zc_revlist_encoded_max(const zc_revlist *l)
{
	return REV_HEAD_LEN + (size_t)l->count * (1 + ZC_BADGE_SERIAL_MAX + 8) + 1 + ZC_SIG_MAX;
}

int zc_revlist_encode_body(const zc_revlist *l, uint8_t *out, size_t cap)
{
	if (l->number == 0 || l->count > ZC_REVLIST_MAX_ENTRIES || (l->count && !l->entries))
		return ZC_EARG;
	for (uint32_t i = 0; i < l->count; i++) {
		const zc_revlist_entry *e = &l->entries[i];
		if (e->serial_len < 1 || e->serial_len > ZC_BADGE_SERIAL_MAX ||
		    serial_problem(e->serial, e->serial_len))
			return ZC_EARG;
		if (i &&
		    serial_cmp(l->entries[i - 1].serial, l->entries[i - 1].serial_len, e->serial, e->serial_len) >= 0)
			return ZC_EARG;
	}
	zc_wbuf w;
	zc_wbuf_init(&w, out, cap);
	zc_w_bytes(&w, ZC_REVLIST_MAGIC, 4);
	zc_w_u64(&w, l->number);
	zc_w_i64(&w, l->issued_ms);
	zc_w_bytes(&w, l->ca_fp, ZC_HASH_LEN);
	zc_w_u32(&w, l->count);
	for (uint32_t i = 0; i < l->count; i++) {
		zc_w_u8(&w, l->entries[i].serial_len);
		zc_w_bytes(&w, l->entries[i].serial, l->entries[i].serial_len);
		zc_w_i64(&w, l->entries[i].revoked_from_ms);
	}
	if (w.overflow || w.len > INT32_MAX)
		return ZC_ENOSPC;
	return (int)w.len;
}

int zc_revlist_encode(const zc_revlist *l, uint8_t *out, size_t cap)
{
	if (!der_sig_valid(l->sig, l->sig_len))
		return ZC_EARG;
	int n = zc_revlist_encode_body(l, out, cap);
	if (n < 0)
		return n;
	if ((size_t)n + 1 + l->sig_len > cap)
		return ZC_ENOSPC;
	out[n] = l->sig_len;
	memcpy(out + n + 1, l->sig, l->sig_len);
	return n + 1 + l->sig_len;
}

int zc_revlist_sign(zc_revlist *l, zc_privkey *ca_key, uint8_t *out, size_t cap)
{
	int n = zc_revlist_encode_body(l, out, cap);
	if (n < 0)
		return n;
	uint8_t h[ZC_HASH_LEN];
	zc_sha256(out, (size_t)n, h);
	size_t sl = 0;
	int rc = zc_privkey_sign(ca_key, h, l->sig, &sl);
	if (rc)
		return rc;
	l->sig_len = (uint8_t)sl;
	return zc_revlist_encode(l, out, cap);
}

/* Index of the first entry >= serial (binary search). */
static uint32_t lower_bound(const zc_revlist *l, const uint8_t *serial, size_t len)
{
	uint32_t lo = 0, hi = l->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (serial_cmp(l->entries[mid].serial, l->entries[mid].serial_len, serial, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int zc_revlist_find(const zc_revlist *l, const uint8_t *serial, size_t len)
{
	if (!l->count || len < 1 || len > ZC_BADGE_SERIAL_MAX)
		return ZC_ENOENT;
	uint32_t i = lower_bound(l, serial, len);
	if (i < l->count && !serial_cmp(l->entries[i].serial, l->entries[i].serial_len, serial, len))
		return (int)i;
	return ZC_ENOENT;
}

int zc_revlist_add(zc_revlist *l, const uint8_t *serial, size_t len, int64_t revoked_from_ms)
{
	if (serial_problem(serial, len))
		return ZC_EARG;
	if (zc_revlist_find(l, serial, len) >= 0)
		return ZC_EEXIST;
	if (l->count >= ZC_REVLIST_MAX_ENTRIES)
		return ZC_EFULL;
	zc_revlist_entry *e = realloc(l->entries, ((size_t)l->count + 1) * sizeof *e);
	if (!e)
		return ZC_ENOMEM;
	l->entries = e;
	uint32_t i = lower_bound(l, serial, len);
	memmove(&e[i + 1], &e[i], (l->count - i) * sizeof *e);
	memset(&e[i], 0, sizeof *e);
	e[i].serial_len = (uint8_t)len;
	memcpy(e[i].serial, serial, len);
	e[i].revoked_from_ms = revoked_from_ms;
	l->count++;
	return 0;
}

void zc_revlist_clear(zc_revlist *l)
{
	free(l->entries);
	memset(l, 0, sizeof *l);
}

/* ---- the CA ---- */

/* The DER inside a PEM "CERTIFICATE" block that is all of buf (bar blank
 * space around it); malloc'd into *der. */
static int pem_cert(const uint8_t *buf, size_t len, uint8_t **der, size_t *der_len)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----", foot[] = "-----END CERTIFICATE-----";
	size_t i = 0;
	while (i < len && is_space(buf[i]))
		i++;
	if (len - i < sizeof head - 1 || memcmp(buf + i, head, sizeof head - 1))
		return ZC_EMALFORMED;
	char *text = malloc(len - i + 1);
	if (!text)
		return ZC_ENOMEM;
	memcpy(text, buf + i, len - i);
	text[len - i] = 0;
	if (strlen(text) != len - i) { /* a NUL inside */
		free(text);
		return ZC_EMALFORMED;
	}
	mbedtls_pem_context pem;
	mbedtls_pem_init(&pem);
	size_t used = 0;
	int rc = ZC_EMALFORMED;
	if (mbedtls_pem_read_buffer(&pem, head, foot, (const unsigned char *)text, NULL, 0, &used))
		goto out;
	for (size_t j = used; j < len - i; j++)
		if (!is_space((uint8_t)text[j]))
			goto out;
	size_t n = pem.buflen;
	const unsigned char *d = pem.buf;
	rc = ZC_ENOMEM;
	if (!(*der = malloc(n ? n : 1)))
		goto out;
	memcpy(*der, d, n);
	*der_len = n;
	rc = 0;
out:
	mbedtls_pem_free(&pem);
	free(text);
	return rc;
}

int zc_badge_ca_parse(const uint8_t *buf, size_t len, zc_badge_ca **out)
{
	uint8_t *der = NULL;
	size_t der_len = len;
	int rc;
	size_t i = 0;
	while (i < len && is_space(buf[i]))
		i++;
	if (i < len && buf[i] == '-') {
		if ((rc = pem_cert(buf, len, &der, &der_len)))
			return rc;
	}
	zc_badge_ca *ca = calloc(1, sizeof *ca);
	rc = ZC_ENOMEM;
	if (!ca)
		goto out;
	mbedtls_x509_crt_init(&ca->crt);
	if ((rc = parse_der_exact(&ca->crt, der ? der : buf, der_len)))
		goto out;
	rc = ZC_EMALFORMED;
	if (!ca->crt.ca_istrue || !is_p256(&ca->crt.pk) ||
	    mbedtls_x509_crt_check_key_usage(&ca->crt, MBEDTLS_X509_KU_KEY_CERT_SIGN))
		goto out;
	struct subject_want want[] = {
	    WANT(MBEDTLS_OID_AT_CN, &ca->name),
	    WANT(MBEDTLS_OID_AT_ORGANIZATION, &ca->district),
	};
	if ((rc = subject_fields(&ca->crt.subject, want, sizeof want / sizeof want[0])))
		goto out;
	zc_sha256(ca->crt.raw.p, ca->crt.raw.len, ca->fp);
	ca->from_ms = x509_time_ms(&ca->crt.valid_from, 0);
	ca->to_ms = x509_time_ms(&ca->crt.valid_to, 1);
	rc = 0;
out:
	free(der);
	if (rc)
		zc_badge_ca_free(ca);
	else
		*out = ca;
	return rc;
}

int zc_badge_ca_load(const char *path, zc_badge_ca **out)
{
	uint8_t *buf;
	size_t len;
	int rc = zc_file_read(path, 65536, &buf, &len);
	if (rc)
		return rc == ZC_EFULL ? ZC_EMALFORMED : rc;
	rc = zc_badge_ca_parse(buf, len, out);
	free(buf);
	return rc;
}

void zc_badge_ca_fingerprint(const zc_badge_ca *ca, uint8_t fp[ZC_HASH_LEN])
{
	memcpy(fp, ca->fp, ZC_HASH_LEN);
}

const uint8_t *zc_badge_ca_der(const zc_badge_ca *ca, size_t *len)
{
	*len = ca->crt.raw.len;
	return ca->crt.raw.p;
}

const char *zc_badge_ca_name(const zc_badge_ca *ca)
{
	return ca->name;
}
const char *zc_badge_ca_district(const zc_badge_ca *ca)
{
	return ca->district;
}

void zc_badge_ca_validity(const zc_badge_ca *ca, int64_t *from_ms, int64_t *to_ms)
{
	*from_ms = ca->from_ms;
	*to_ms = ca->to_ms;
}

/* ECDSA P-256 over SHA-256 with a certificate's key: 0 or ZC_ESIG. */
static int ecdsa_verify(mbedtls_x509_crt *crt, const uint8_t h[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len)
{
	if (!sig_len || sig_len > ZC_SIG_MAX)
		return ZC_ESIG;
	return mbedtls_ecdsa_read_signature(mbedtls_pk_ec(crt->pk), h, ZC_HASH_LEN, sig, sig_len) ? ZC_ESIG : 0;
}

int zc_badge_ca_set_revocations(zc_badge_ca *ca, const uint8_t *buf, size_t len, zc_revlist_error *err)
{
	zc_revlist l;
	size_t blen = 0;
	int rc = zc_revlist_decode(buf, len, &l, &blen, err);
	if (rc)
		return rc;
	uint8_t h[ZC_HASH_LEN];
	if (memcmp(l.ca_fp, ca->fp, ZC_HASH_LEN)) {
		rc = rfail(err, ZC_ESIG, 4 + 8 + 8, "ca_fp", "the list is for another CA");
		goto out;
	}
	zc_sha256(buf, blen, h);
	if (ecdsa_verify(&ca->crt, h, l.sig, l.sig_len)) {
		rc = rfail(err, ZC_ESIG, blen + 1, "sig", "not signed by this CA");
		goto out;
	}
	zc_sha256(buf, len, h);
	if (l.number < ca->rev.number) {
		rc = rfail(err, ZC_ESTATE, 4, "number", "older than the installed list (rollback)");
		goto out;
	}
	if (l.number == ca->rev.number) {
		if (memcmp(h, ca->rev_hash, ZC_HASH_LEN))
			rc = rfail(err, ZC_ESTATE, 4, "number", "another list with the installed list's number");
		goto out; /* identical: nothing to do */
	}
	zc_revlist_clear(&ca->rev);
	ca->rev = l;
	memset(&l, 0, sizeof l);
	memcpy(ca->rev_hash, h, ZC_HASH_LEN);
out:
	zc_revlist_clear(&l);
	return rc;
}

int zc_badge_ca_load_revocations(zc_badge_ca *ca, const char *path, zc_revlist_error *err)
{
	uint8_t *buf;
	size_t len;
	size_t max = REV_HEAD_LEN + (size_t)ZC_REVLIST_MAX_ENTRIES * (1 + ZC_BADGE_SERIAL_MAX + 8) + 1 + ZC_SIG_MAX;
	int rc = zc_file_read(path, max, &buf, &len);
	if (rc == ZC_EFULL)
		return rfail(err, ZC_EMALFORMED, max, "length", "file longer than any valid list");
	if (rc)
		return rc;
	rc = zc_badge_ca_set_revocations(ca, buf, len, err);
	free(buf);
	return rc;
}

uint64_t zc_badge_ca_revocation_number(const zc_badge_ca *ca)
{
	return ca->rev.number;
}

const zc_revlist *zc_badge_ca_revocations(const zc_badge_ca *ca)
{
	return ca->rev.number ? &ca->rev : NULL;
}

void zc_badge_ca_free(zc_badge_ca *ca)
{
	if (!ca)
		return;
	mbedtls_x509_crt_free(&ca->crt);
	free(ca->name);
	free(ca->district);
	zc_revlist_clear(&ca->rev);
	free(ca);
}

/* ---- badge certificates ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (RFC 4122; the prefix and
 * hex digits in any case). 1 if p is one, with the bytes in uuid. */
static int urn_uuid(const uint8_t *p, size_t n, uint8_t uuid[ZC_BADGE_UUID_LEN])
{
	static const char pre[] = "urn:uuid:";
	if (n != sizeof pre - 1 + 36 || strncasecmp((const char *)p, pre, sizeof pre - 1))
		return 0;
	p += sizeof pre - 1;
	size_t k = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (p[i] != '-')
				return 0;
			continue;
		}
		int hi = hexval(p[i]), lo = i + 1 < 36 ? hexval(p[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return 0;
		uuid[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return k == ZC_BADGE_UUID_LEN;
}

int zc_badge_cert_parse(const uint8_t *der, size_t len, zc_badge_cert **out)
{
	zc_badge_cert *c = calloc(1, sizeof *c);
	if (!c)
		return ZC_ENOMEM;
	mbedtls_x509_crt_init(&c->crt);
	int rc = parse_der_exact(&c->crt, der, len);
	if (rc)
		goto out;
	rc = ZC_EMALFORMED;
	if (!is_p256(&c->crt.pk))
		goto out;
	struct subject_want want[] = {
	    WANT(MBEDTLS_OID_AT_CN, &c->name),
	    WANT(MBEDTLS_OID_AT_SERIAL_NUMBER, &c->cadre),
	    WANT(MBEDTLS_OID_AT_ORG_UNIT, &c->badge),
	    WANT(MBEDTLS_OID_AT_ORGANIZATION, &c->district),
	};
	if ((rc = subject_fields(&c->crt.subject, want, sizeof want / sizeof want[0])))
		goto out;
	rc = ZC_EMALFORMED;
	for (const mbedtls_x509_sequence *s = &c->crt.subject_alt_names; s && s->buf.p; s = s->next) {
		uint8_t u[ZC_BADGE_UUID_LEN];
		if (s->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6) || !urn_uuid(s->buf.p, s->buf.len, u))
			continue;
		if (c->has_uuid)
			goto out; /* two card UUIDs: ambiguous */
		memcpy(c->uuid, u, sizeof u);
		c->has_uuid = 1;
	}
	zc_sha256(c->crt.raw.p, c->crt.raw.len, c->fp);
	c->from_ms = x509_time_ms(&c->crt.valid_from, 0);
	c->to_ms = x509_time_ms(&c->crt.valid_to, 1);
	rc = 0;
out:
	if (rc)
		zc_badge_cert_free(c);
	else
		*out = c;
	return rc;
}

int zc_badge_cert_check(zc_badge_ca *ca, zc_badge_cert *c, int64_t utc_ms, int *result)
{
	const mbedtls_x509_crt *x = &c->crt;
	*result = ZC_TAP_UNKNOWN_CA;
	if (!c->sig_ok || memcmp(c->sig_ok_ca, ca->fp, ZC_HASH_LEN)) {
		if (x->issuer_raw.len != ca->crt.subject_raw.len ||
		    memcmp(x->issuer_raw.p, ca->crt.subject_raw.p, x->issuer_raw.len))
			return 0;
		if (x->sig_md != MBEDTLS_MD_SHA256 || x->sig_pk != MBEDTLS_PK_ECDSA)
			return 0;
		uint8_t h[ZC_HASH_LEN];
		zc_sha256(x->tbs.p, x->tbs.len, h);
		if (ecdsa_verify(&ca->crt, h, x->sig.p, x->sig.len))
			return 0;
		c->sig_ok = 1;
		memcpy(c->sig_ok_ca, ca->fp, ZC_HASH_LEN);
	}
	if (utc_ms < c->from_ms || utc_ms > c->to_ms || utc_ms < ca->from_ms || utc_ms > ca->to_ms)
		return 0;
	if (mbedtls_x509_crt_check_key_usage(x, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) ||
	    mbedtls_x509_crt_check_extended_key_usage(x, oid_piv_card_auth, sizeof oid_piv_card_auth - 1))
		return 0;
	int i = zc_revlist_find(&ca->rev, x->serial.p, x->serial.len);
	if (i >= 0 && ca->rev.entries[i].revoked_from_ms <= utc_ms) {
		*result = ZC_TAP_REVOKED;
		return 0;
	}
	*result = ZC_TAP_OK;
	return 0;
}

int zc_badge_cert_verify(zc_badge_cert *c, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len)
{
	return ecdsa_verify(&c->crt, digest, sig, sig_len);
}

void zc_badge_cert_fingerprint(const zc_badge_cert *c, uint8_t fp[ZC_HASH_LEN])
{
	memcpy(fp, c->fp, ZC_HASH_LEN);
}

const uint8_t *zc_badge_cert_der(const zc_badge_cert *c, size_t *len)
{
	*len = c->crt.raw.len;
	return c->crt.raw.p;
}

const char *zc_badge_cert_cadre(const zc_badge_cert *c)
{
	return c->cadre;
}
const char *zc_badge_cert_name(const zc_badge_cert *c)
{
	return c->name;
}
const char *zc_badge_cert_badge(const zc_badge_cert *c)
{
	return c->badge;
}
const char *zc_badge_cert_district(const zc_badge_cert *c)
{
	return c->district;
}

const uint8_t *zc_badge_cert_serial(const zc_badge_cert *c, size_t *len)
{
	*len = c->crt.serial.len;
	return c->crt.serial.p;
}

void zc_badge_cert_validity(const zc_badge_cert *c, int64_t *from_ms, int64_t *to_ms)
{
	*from_ms = c->from_ms;
	*to_ms = c->to_ms;
}

int zc_badge_cert_uuid(const zc_badge_cert *c, uint8_t uuid[ZC_BADGE_UUID_LEN])
{
	if (!c->has_uuid)
		return ZC_ENOENT;
	memcpy(uuid, c->uuid, ZC_BADGE_UUID_LEN);
	return 0;
}

void zc_badge_cert_free(zc_badge_cert *c)
{
	if (!c)
		return;
	mbedtls_x509_crt_free(&c->crt);
	free(c->name);
	free(c->cadre);
	free(c->badge);
	free(c->district);
	free(c);
}

int zc_badge_cert_load(const char *path, zc_badge_cert **out)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----", foot[] = "-----END CERTIFICATE-----";
	uint8_t *buf;
	size_t len;
	int rc = zc_file_read(path, 1 << 20, &buf, &len);
	if (rc)
		return rc;
	/* zc_file_read NUL-terminates: a PEM block anywhere (a card file has
	 * header lines before it), else the whole file as DER. */
	const char *at = strlen((char *)buf) == len ? strstr((char *)buf, head) : NULL;
	if (at) {
		mbedtls_pem_context pem;
		mbedtls_pem_init(&pem);
		size_t used = 0;
		rc = ZC_EMALFORMED;
		if (!mbedtls_pem_read_buffer(&pem, head, foot, (const unsigned char *)at, NULL, 0, &used))
			rc = zc_badge_cert_parse(pem.buf, pem.buflen, out);
		mbedtls_pem_free(&pem);
	} else {
		rc = zc_badge_cert_parse(buf, len, out);
	}
	free(buf);
	return rc;
}
