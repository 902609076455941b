/* SPDX-License-Identifier: Apache-2.0 */
/*
 * badge.c: badge certificates, the badge CA and its revocation list
 * (zc/badge.h), over the X.509 reader of zc/crypto.h.
 *
 * A badge certificate is checked against the CA by hand rather than with a
 * library's chain verification: that judges validity periods by the system
 * clock, while a tap is judged at the terminal's record time (the host
 * re-checks taps months later). So: the issuer name must equal the CA's
 * subject byte for byte, the signature (ecdsa-with-SHA256) must verify over
 * the TBS bytes with the CA key (zc_x509_verify_issued_by), and the time
 * given must lie inside both validity periods. The CA certificate object is
 * kept for the life of the CA so that its key keeps its cached curve table
 * (MEASURED.md).
 *
 * The revocation list is our own format "ZRL1" (shared/FORMAT.md): mbedTLS
 * 2.28, the terminal's backend, can parse X.509 CRLs but has no CRL writer,
 * and the CA tool must work over every backend. Its decoder is strict like
 * the record decoder: bounded, canonical (sorted serials, minimal
 * encodings), exact consumption, and an error that names the field and
 * offset. It validates the whole input before it allocates anything.
 */
#include "zc/badge.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/record.h"

/* id-PIV-cardAuth, 2.16.840.1.101.3.6.8 (NIST SP 800-73 / FIPS 201). */
static const uint8_t oid_piv_card_auth[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x06, 0x08};
#define STR_MAX 256 /* longest subject string we keep (mbedTLS's MBEDTLS_X509_MAX_DN_NAME_SIZE) */

struct zc_badge_ca {
	zc_x509 *crt;
	uint8_t fp[ZC_HASH_LEN];
	int64_t from_ms, to_ms;
	char *name, *district;
	zc_revlist rev;		       /* installed list; number 0: none */
	uint8_t rev_hash[ZC_HASH_LEN]; /* SHA-256 of its encoding */
};

struct zc_badge_cert {
	zc_x509 *crt;
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

/* A validity period in UTC ms; the end gets 999 ms so that the last second
 * counts whole (RFC 5280: notAfter is inclusive). */
static void validity_ms(const zc_x509 *x, int64_t *from_ms, int64_t *to_ms)
{
	int64_t nb, na;
	zc_x509_validity(x, &nb, &na);
	*from_ms = nb * 1000;
	*to_ms = na * 1000 + 999;
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
static char *dir_string(const zc_x509_attr *v, int *rc)
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
	case ZC_ASN1_UTF8_STRING:
	case ZC_ASN1_PRINTABLE_STRING:
	case ZC_ASN1_IA5_STRING:
		if (v->tag != ZC_ASN1_UTF8_STRING)
			for (size_t i = 0; i < v->len; i++)
				if (v->val[i] >= 0x80)
					goto bad;
		memcpy(out, v->val, v->len);
		n = v->len;
		break;
	case ZC_ASN1_BMP_STRING:
		if (v->len % 2)
			goto bad;
		for (size_t i = 0; i < v->len; i += 2) {
			unsigned c = (unsigned)v->val[i] << 8 | v->val[i + 1];
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
	int type; /* ZC_X509_ATTR_* */
	char **dst;
};

static int subject_fields(const zc_x509 *x, struct subject_want *want, size_t nwant)
{
	zc_x509_attr a;
	for (size_t k = 0; !zc_x509_subject_attr(x, k, &a); k++) {
		for (size_t i = 0; i < nwant; i++) {
			if (a.type != want[i].type)
				continue;
			if (*want[i].dst)
				return ZC_EMALFORMED; /* two values: ambiguous */
			int rc;
			*want[i].dst = dir_string(&a, &rc);
			if (rc)
				return rc;
		}
	}
	for (size_t i = 0; i < nwant; i++)
		if (!*want[i].dst && !(*want[i].dst = calloc(1, 1)))
			return ZC_ENOMEM;
	return 0;
}

#define WANT(t, d) ((struct subject_want){t, d})

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
	static const char head[] = "-----BEGIN CERTIFICATE-----";
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
	size_t used = 0;
	int rc = zc_pem_decode(text, "CERTIFICATE", der, der_len, &used);
	if (rc == ZC_ENOENT)
		rc = ZC_EMALFORMED;
	size_t j = used;
	while (!rc && j < len - i && is_space((uint8_t)text[j]))
		j++;
	if (!rc && j < len - i) { /* something after the block */
		free(*der);
		*der = NULL;
		rc = ZC_EMALFORMED;
	}
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
	if ((rc = zc_x509_parse_der(der ? der : buf, der_len, &ca->crt)))
		goto out;
	rc = ZC_EMALFORMED;
	if (!zc_x509_is_ca(ca->crt) || !zc_x509_pubkey(ca->crt) ||
	    !zc_x509_key_usage_allows(ca->crt, ZC_X509_KU_KEY_CERT_SIGN))
		goto out;
	struct subject_want want[] = {
	    WANT(ZC_X509_ATTR_CN, &ca->name),
	    WANT(ZC_X509_ATTR_O, &ca->district),
	};
	if ((rc = subject_fields(ca->crt, want, sizeof want / sizeof want[0])))
		goto out;
	size_t dl;
	const uint8_t *d = zc_x509_der(ca->crt, &dl);
	zc_sha256(d, dl, ca->fp);
	validity_ms(ca->crt, &ca->from_ms, &ca->to_ms);
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
	return zc_x509_der(ca->crt, len);
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
	if (zc_pubkey_verify(zc_x509_pubkey(ca->crt), h, l.sig, l.sig_len)) {
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
	zc_x509_free(ca->crt);
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
	int rc = zc_x509_parse_der(der, len, &c->crt);
	if (rc)
		goto out;
	rc = ZC_EMALFORMED;
	/* One certificate, one encoding: a re-encoded copy of an issued
	 * certificate (long-form lengths, the signature's s flipped to n - s)
	 * would verify but carry another fingerprint. */
	if (!zc_x509_pubkey(c->crt) || !zc_x509_is_canonical(c->crt))
		goto out;
	struct subject_want want[] = {
	    WANT(ZC_X509_ATTR_CN, &c->name),
	    WANT(ZC_X509_ATTR_SERIAL_NUMBER, &c->cadre),
	    WANT(ZC_X509_ATTR_OU, &c->badge),
	    WANT(ZC_X509_ATTR_O, &c->district),
	};
	if ((rc = subject_fields(c->crt, want, sizeof want / sizeof want[0])))
		goto out;
	rc = ZC_EMALFORMED;
	const uint8_t *uri;
	size_t uri_len;
	for (size_t i = 0; !zc_x509_san_uri(c->crt, i, &uri, &uri_len); i++) {
		uint8_t u[ZC_BADGE_UUID_LEN];
		if (!urn_uuid(uri, uri_len, u))
			continue;
		if (c->has_uuid)
			goto out; /* two card UUIDs: ambiguous */
		memcpy(c->uuid, u, sizeof u);
		c->has_uuid = 1;
	}
	size_t dl;
	const uint8_t *d = zc_x509_der(c->crt, &dl);
	zc_sha256(d, dl, c->fp);
	validity_ms(c->crt, &c->from_ms, &c->to_ms);
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
	*result = ZC_TAP_UNKNOWN_CA;
	if (!c->sig_ok || memcmp(c->sig_ok_ca, ca->fp, ZC_HASH_LEN)) {
		if (zc_x509_verify_issued_by(c->crt, ca->crt))
			return 0;
		c->sig_ok = 1;
		memcpy(c->sig_ok_ca, ca->fp, ZC_HASH_LEN);
	}
	if (utc_ms < c->from_ms || utc_ms > c->to_ms || utc_ms < ca->from_ms || utc_ms > ca->to_ms)
		return 0;
	if (!zc_x509_key_usage_allows(c->crt, ZC_X509_KU_DIGITAL_SIGNATURE) ||
	    !zc_x509_ext_key_usage_allows(c->crt, oid_piv_card_auth, sizeof oid_piv_card_auth))
		return 0;
	size_t sl;
	const uint8_t *serial = zc_x509_serial(c->crt, &sl);
	int i = zc_revlist_find(&ca->rev, serial, sl);
	if (i >= 0 && ca->rev.entries[i].revoked_from_ms <= utc_ms) {
		*result = ZC_TAP_REVOKED;
		return 0;
	}
	*result = ZC_TAP_OK;
	return 0;
}

int zc_badge_cert_verify(zc_badge_cert *c, const uint8_t digest[ZC_HASH_LEN], const uint8_t *sig, size_t sig_len)
{
	return zc_pubkey_verify(zc_x509_pubkey(c->crt), digest, sig, sig_len);
}

void zc_badge_cert_fingerprint(const zc_badge_cert *c, uint8_t fp[ZC_HASH_LEN])
{
	memcpy(fp, c->fp, ZC_HASH_LEN);
}

const uint8_t *zc_badge_cert_der(const zc_badge_cert *c, size_t *len)
{
	return zc_x509_der(c->crt, len);
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
	return zc_x509_serial(c->crt, len);
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
	zc_x509_free(c->crt);
	free(c->name);
	free(c->cadre);
	free(c->badge);
	free(c->district);
	free(c);
}

int zc_badge_cert_load(const char *path, zc_badge_cert **out)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----";
	uint8_t *buf;
	size_t len;
	int rc = zc_file_read(path, 1 << 20, &buf, &len);
	if (rc)
		return rc;
	/* zc_file_read NUL-terminates: a PEM block anywhere (a card file has
	 * header lines before it), else the whole file as DER. */
	const char *at = strlen((char *)buf) == len ? strstr((char *)buf, head) : NULL;
	if (at) {
		uint8_t *der = NULL;
		size_t dl = 0;
		rc = zc_pem_decode(at, "CERTIFICATE", &der, &dl, NULL);
		if (!rc)
			rc = zc_badge_cert_parse(der, dl, out);
		else if (rc != ZC_ENOMEM)
			rc = ZC_EMALFORMED;
		free(der);
	} else {
		rc = zc_badge_cert_parse(buf, len, out);
	}
	free(buf);
	return rc;
}
