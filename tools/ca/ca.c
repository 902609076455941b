/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ca.c: the district badge CA (ca.h): creating the CA, issuing PIV badge
 * certificates and card files, revoking, cloning (forgeries for tests) and
 * showing what a file holds.
 *
 * Certificates are written with mbedTLS 2.28's X.509 writer. It has no
 * helper for extendedKeyUsage or a URI subjectAltName, so those extension
 * values are built with mbedtls_asn1_write_*. Names are built attribute by
 * attribute (not from "CN=...,O=..." strings) so that any UTF-8 name needs
 * no escaping and the issuer of a badge is the CA's subject byte for byte.
 * Every certificate written is parsed back and checked with zc/badge.h
 * before anything is stored.
 *
 * The badge certificate follows the PIV Card Authentication profile where
 * it matters to a card and a relying party: X.509 v3, ECDSA P-256 key,
 * ecdsa-with-SHA256, keyUsage digitalSignature (critical),
 * extendedKeyUsage id-PIV-cardAuth (critical), the card UUID as a
 * urn:uuid: URI in subjectAltName, subject and authority key identifiers;
 * about 600 bytes of DER, far below what a PIV certificate object holds.
 */
#include "ca.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/record.h"

#define OID_PIV_CARD_AUTH "\x60\x86\x48\x01\x65\x03\x06\x08" /* 2.16.840.1.101.3.6.8 */
#define CERT_MAX	  2048
#define KEY_PEM_MAX	  1024
#define ISSUED_MAX	  (16u << 20)
#define CARD_MAX	  16384

static const char card_magic[] = "# zhucun virtual PIV card";

/* ---- small helpers ---- */

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

struct rng {
	zc_ca_rng_fn fn;
	void *ctx;
};

static int rand_bytes(struct rng *r, void *buf, size_t n)
{
	int rc = r && r->fn ? r->fn(r->ctx, buf, n) : zc_random(buf, n);
	return rc ? ZC_ECRYPTO : 0;
}

/* mbedTLS's f_rng over our generator. */
static int mb_rng(void *p, unsigned char *buf, size_t n)
{
	return rand_bytes(p, buf, n) ? MBEDTLS_ERR_ECP_RANDOM_FAILED : 0;
}

static char *path_in(char *buf, size_t cap, const char *dir, const char *name)
{
	if (snprintf(buf, cap, "%s/%s", dir, name) >= (int)cap)
		buf[0] = 0;
	return buf;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Write a new file that must not exist yet (never replacing one). */
static int write_new(const char *path, const void *buf, size_t len, mode_t mode)
{
	return zc_file_write_new(path, buf, len, mode);
}

/* UTF-8 text of 1..max characters, no control characters. */
static int text_valid(const char *s, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t chars = 0;
	while (*p) {
		uint32_t c = *p;
		size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
		if (k == 9)
			return 0;
		c &= k ? 0x3Fu >> k : 0x7F;
		for (size_t j = 1; j <= k; j++) {
			if ((p[j] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (p[j] & 0x3F);
		}
		static const uint32_t min_of[] = {0, 0x80, 0x800, 0x10000};
		if (c < min_of[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c < 0x20 ||
		    (c >= 0x7F && c < 0xA0))
			return 0;
		p += k + 1;
		chars++;
	}
	return chars >= 1 && chars <= max;
}

/* Cadre ids go into serialNumber, a PrintableString: no '_'. */
static int cadre_valid(const char *s)
{
	return zc_id_valid(s) && !strchr(s, '_');
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

char *zc_ca_format_time(int64_t ms, char *buf, size_t cap)
{
	time_t t = (time_t)floor_div(ms, 1000);
	int frac = (int)(ms - (int64_t)t * 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "%lld ms", (long long)ms);
		return buf;
	}
	char s[40];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac)
		snprintf(buf, cap, "%s.%03dZ", s, frac);
	else
		snprintf(buf, cap, "%sZ", s);
	return buf;
}

int zc_ca_parse_time(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p || strlen(s) < 19 || s[4] != '-' || s[10] != 'T')
		return ZC_EMALFORMED;
	int frac = 0;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9')
			return ZC_EMALFORMED;
		frac = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 4;
	}
	int64_t off = 0;
	if (!strcmp(p, "Z")) {
		off = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int hh = 0, mm = 0;
		for (int i = 1; i <= 5; i++)
			if (i != 3 && (p[i] < '0' || p[i] > '9'))
				return ZC_EMALFORMED;
		hh = (p[1] - '0') * 10 + (p[2] - '0');
		mm = (p[4] - '0') * 10 + (p[5] - '0');
		if (hh > 14 || mm > 59)
			return ZC_EMALFORMED;
		off = (int64_t)(hh * 60 + mm) * 60 * (p[0] == '-' ? -1 : 1);
	} else {
		return ZC_EMALFORMED;
	}
	/* strptime accepts out-of-range fields loosely; timegm normalises, so
	 * compare the round trip. */
	struct tm check = tm;
	time_t t = timegm(&check);
	if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon || check.tm_hour != tm.tm_hour ||
	    check.tm_min != tm.tm_min || check.tm_sec != tm.tm_sec)
		return ZC_EMALFORMED;
	*ms = ((int64_t)t - off) * 1000 + frac;
	return 0;
}

/* "YYYYMMDDhhmmss" for the X.509 writer; years 2000-9999. */
static int x509_time(int64_t ms, char out[16])
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year < 100 || tm.tm_year > 8099)
		return ZC_EARG;
	strftime(out, 16, "%Y%m%d%H%M%S", &tm);
	return 0;
}

/* ---- keys ---- */

static int gen_key(mbedtls_pk_context *pk, struct rng *r)
{
	if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk), mb_rng, r))
		return ZC_ECRYPTO;
	return 0;
}

static int parse_key_pem(mbedtls_pk_context *pk, const char *pem)
{
	if (mbedtls_pk_parse_key(pk, (const unsigned char *)pem, strlen(pem) + 1, NULL, 0))
		return ZC_EMALFORMED;
	if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY || mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
		return ZC_EMALFORMED;
	return 0;
}

static int key_pem(mbedtls_pk_context *pk, char *buf, size_t cap)
{
	return mbedtls_pk_write_key_pem(pk, (unsigned char *)buf, cap) ? ZC_ECRYPTO : 0;
}

/* ---- certificates ---- */

static int add_attr(mbedtls_asn1_named_data **list, const char *oid, size_t oid_len, const void *val, size_t len,
		    int tag)
{
	mbedtls_asn1_named_data *cur = mbedtls_asn1_store_named_data(list, oid, oid_len, val, len);
	if (!cur)
		return ZC_ENOMEM;
	cur->val.tag = tag;
	return 0;
}

#define ADD_ATTR(list, oid, s, tag) add_attr(list, oid, sizeof oid - 1, s, strlen(s), tag)

/* A copy of a parsed name, in the same order with the same string types,
 * so that it encodes to the same bytes. (The writer emits the list in
 * reverse and store_named_data prepends, so storing in order keeps it.) */
static int copy_name(mbedtls_asn1_named_data **list, const mbedtls_x509_name *n)
{
	for (; n; n = n->next) {
		if (!n->oid.p)
			continue;
		if (n->next_merged)
			return ZC_EMALFORMED; /* multi-valued RDNs are not reproduced */
		int rc = add_attr(list, (const char *)n->oid.p, n->oid.len, n->val.p, n->val.len, n->val.tag);
		if (rc)
			return rc;
	}
	return 0;
}

/* The value of a name attribute, or NULL. */
static const mbedtls_x509_name *find_attr(const mbedtls_x509_name *n, const char *oid, size_t oid_len)
{
	for (; n; n = n->next)
		if (n->oid.p && n->oid.len == oid_len && !memcmp(n->oid.p, oid, oid_len))
			return n;
	return NULL;
}

/* extendedKeyUsage value: SEQUENCE { id-PIV-cardAuth }. */
static int eku_value(uint8_t *buf, size_t cap, const uint8_t **der)
{
	unsigned char *p = buf + cap;
	size_t len = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_oid(&p, buf, OID_PIV_CARD_AUTH, sizeof OID_PIV_CARD_AUTH - 1));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*der = p;
	return (int)len;
}

static void uuid_text(const uint8_t u[ZC_BADGE_UUID_LEN], char out[37])
{
	char h[33];
	zc_hex(u, ZC_BADGE_UUID_LEN, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* subjectAltName value: SEQUENCE { [6] IA5String "urn:uuid:..." }. */
static int san_value(const uint8_t uuid[ZC_BADGE_UUID_LEN], uint8_t *buf, size_t cap, const uint8_t **der)
{
	char uri[64], ut[37];
	uuid_text(uuid, ut);
	snprintf(uri, sizeof uri, "urn:uuid:%s", ut);
	unsigned char *p = buf + cap;
	size_t len = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(&p, buf, (const unsigned char *)uri, strlen(uri)));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*der = p;
	return (int)len;
}

typedef struct cert_spec {
	mbedtls_pk_context *subject_key, *issuer_key;
	mbedtls_asn1_named_data *subject, *issuer; /* taken over (freed) by write_cert */
	const uint8_t *serial;
	size_t serial_len;
	int64_t from_ms, to_ms;
	int is_ca;
	const uint8_t *uuid; /* badges: the card UUID for subjectAltName */
} cert_spec;

/* A random serial: 16 bytes, positive and minimal as DER (first byte
 * 0x01..0x7F), so it is exactly what the certificate carries. */
static int new_serial(struct rng *r, uint8_t s[16])
{
	int rc = rand_bytes(r, s, 16);
	if (rc)
		return rc;
	s[0] &= 0x7F;
	if (!s[0])
		s[0] = 0x5A;
	return 0;
}

/* mbedTLS 2.28 writes the ecdsa-with-SHA256 AlgorithmIdentifier with a
 * NULL parameter; RFC 5758 (section 3.2) says the parameter MUST be
 * absent, and strict relying parties and linters refuse it (mbedTLS 3
 * fixed this). So take the TBS mbedTLS wrote, drop the NULL from its
 * signature field, sign it again and assemble the certificate ourselves. */
static int strip_ecdsa_null(uint8_t *der, size_t *len, size_t cap, mbedtls_pk_context *issuer_key, struct rng *r)
{
	static const uint8_t with_null[] = {0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48,
					    0xCE, 0x3D, 0x04, 0x03, 0x02, 0x05, 0x00};
	static const uint8_t plain[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
	unsigned char *p = der, *end = der + *len, *tbs_end, *alg, *body;
	size_t n;
	const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
	if (mbedtls_asn1_get_tag(&p, end, &n, seq) || mbedtls_asn1_get_tag(&p, end, &n, seq))
		return ZC_ECRYPTO;
	body = p;
	tbs_end = p + n;
	if (mbedtls_asn1_get_tag(&p, tbs_end, &n, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0))
		return ZC_ECRYPTO;
	p += n;
	if (mbedtls_asn1_get_tag(&p, tbs_end, &n, MBEDTLS_ASN1_INTEGER))
		return ZC_ECRYPTO;
	p += n;
	alg = p;
	if ((size_t)(tbs_end - alg) < sizeof with_null || memcmp(alg, with_null, sizeof with_null))
		return ZC_ECRYPTO;

	uint8_t tbs[CERT_MAX], out[CERT_MAX], h[ZC_HASH_LEN], sig[MBEDTLS_ECDSA_MAX_LEN];
	unsigned char *q = tbs + sizeof tbs;
	size_t tl = 0, cl = 0, sl = 0;
	int ret;
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, alg + sizeof with_null,
							       (size_t)(tbs_end - alg) - sizeof with_null));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, plain, sizeof plain));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_raw_buffer(&q, tbs, body, (size_t)(alg - body)));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_len(&q, tbs, tl));
	MBEDTLS_ASN1_CHK_ADD(tl, mbedtls_asn1_write_tag(&q, tbs, seq));
	zc_sha256(q, tl, h);
	if (mbedtls_ecdsa_write_signature(mbedtls_pk_ec(*issuer_key), MBEDTLS_MD_SHA256, h, sizeof h, sig, &sl, mb_rng,
					  r))
		return ZC_ECRYPTO;
	unsigned char *c = out + sizeof out;
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_bitstring(&c, out, sig, sl * 8));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_raw_buffer(&c, out, plain, sizeof plain));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_raw_buffer(&c, out, q, tl));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_len(&c, out, cl));
	MBEDTLS_ASN1_CHK_ADD(cl, mbedtls_asn1_write_tag(&c, out, seq));
	if (cl > cap)
		return ZC_ENOSPC;
	memcpy(der, c, cl);
	*len = cl;
	return 0;
}

static int write_cert(cert_spec *s, struct rng *r, uint8_t *out, size_t cap, size_t *out_len)
{
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	w.subject = s->subject;
	w.issuer = s->issuer;
	s->subject = s->issuer = NULL;
	char nb[16], na[16];
	uint8_t buf[CERT_MAX], ext[128];
	const uint8_t *der;
	int n, rc = ZC_EARG;
	if (x509_time(s->from_ms, nb) || x509_time(s->to_ms, na) || s->from_ms > s->to_ms)
		goto out;
	rc = ZC_ECRYPTO;
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, s->subject_key);
	mbedtls_x509write_crt_set_issuer_key(&w, s->issuer_key);
	if (mbedtls_mpi_read_binary(&serial, s->serial, s->serial_len) ||
	    mbedtls_x509write_crt_set_serial(&w, &serial) || mbedtls_x509write_crt_set_validity(&w, nb, na) ||
	    mbedtls_x509write_crt_set_subject_key_identifier(&w) ||
	    mbedtls_x509write_crt_set_authority_key_identifier(&w))
		goto out;
	if (s->is_ca) {
		if (mbedtls_x509write_crt_set_basic_constraints(&w, 1, 0) ||
		    mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN))
			goto out;
	} else {
		if (mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE))
			goto out;
		if ((n = eku_value(ext, sizeof ext, &der)) < 0 ||
		    mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 1, der,
							(size_t)n))
			goto out;
		if ((n = san_value(s->uuid, ext, sizeof ext, &der)) < 0 ||
		    mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der,
							(size_t)n))
			goto out;
	}
	n = mbedtls_x509write_crt_der(&w, buf, sizeof buf, mb_rng, r);
	if (n <= 0 || (size_t)n > cap)
		goto out;
	memcpy(out, buf + sizeof buf - n, (size_t)n);
	*out_len = (size_t)n;
	rc = strip_ecdsa_null(out, out_len, cap, s->issuer_key, r);
out:
	mbedtls_asn1_free_named_data_list(&s->subject);
	mbedtls_asn1_free_named_data_list(&s->issuer);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	return rc;
}

static int cert_pem(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	size_t olen = 0;
	return mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n", der, len,
					(unsigned char *)buf, cap, &olen)
		   ? ZC_ECRYPTO
		   : 0;
}

/* ---- the CA folder ---- */

typedef struct ca_state {
	int lock_fd;
	mbedtls_x509_crt crt; /* for its subject name */
	mbedtls_pk_context key;
	zc_badge_ca *ca; /* with the current list installed */
} ca_state;

static void ca_close(ca_state *s)
{
	mbedtls_x509_crt_free(&s->crt);
	mbedtls_pk_free(&s->key);
	zc_badge_ca_free(s->ca);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the lock */
	s->lock_fd = -1;
	s->ca = NULL;
}

/* Open a CA folder: lock it (flock on ca.key), load key, certificate and
 * revocation list, and check they belong together. */
static int ca_open(const char *dir, ca_state *s, char *err, size_t errlen)
{
	char p[4096];
	uint8_t *buf = NULL;
	size_t len = 0;
	zc_revlist_error re = {0};
	memset(s, 0, sizeof *s);
	s->lock_fd = -1;
	mbedtls_x509_crt_init(&s->crt);
	mbedtls_pk_init(&s->key);
	int rc;
	path_in(p, sizeof p, dir, "ca.key");
	s->lock_fd = open(p, O_RDONLY | O_CLOEXEC);
	if (s->lock_fd < 0) {
		rc = errno == ENOENT ? ZC_ENOENT : ZC_EIO;
		return fail(err, errlen, rc, "%s: %s", p,
			    rc == ZC_ENOENT ? "no CA here (run zhucun-ca init)" : strerror(errno));
	}
	if (flock(s->lock_fd, LOCK_EX))
		return fail(err, errlen, ZC_EIO, "%s: cannot lock: %s", p, strerror(errno));
	if ((rc = zc_file_read(p, 65536, &buf, &len)))
		return fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
	rc = parse_key_pem(&s->key, (const char *)buf);
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	buf = NULL;
	if (rc)
		return fail(err, errlen, rc, "%s: not a P-256 private key", p);

	path_in(p, sizeof p, dir, "ca.pem");
	if ((rc = zc_badge_ca_load(p, &s->ca)))
		return fail(err, errlen, rc, "%s: %s", p,
			    rc == ZC_EMALFORMED ? "not a P-256 CA certificate" : zc_strerror(rc));
	size_t dlen;
	const uint8_t *der = zc_badge_ca_der(s->ca, &dlen);
	if (mbedtls_x509_crt_parse_der(&s->crt, der, dlen))
		return fail(err, errlen, ZC_EMALFORMED, "%s: cannot parse", p);
	if (mbedtls_pk_check_pair(&s->crt.pk, &s->key))
		return fail(err, errlen, ZC_EMALFORMED, "%s/ca.key does not belong to %s", dir, p);

	path_in(p, sizeof p, dir, "revocations.zrl");
	if ((rc = zc_badge_ca_load_revocations(s->ca, p, &re))) {
		if (rc == ZC_ENOENT || rc == ZC_EIO)
			return fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		return fail(err, errlen, rc, "%s: %s at byte %zu (%s): %s", p, zc_strerror(rc), re.offset,
			    re.field ? re.field : "?", re.why ? re.why : "");
	}
	return 0;
}

/* issued.txt: find a badge's line. */
typedef struct issued_line {
	char badge[33], cadre[33];
	uint8_t serial[ZC_BADGE_SERIAL_MAX];
	size_t serial_len;
	uint8_t fp[ZC_HASH_LEN];
} issued_line;

static int issued_find(const char *text, const char *badge, issued_line *out)
{
	const char *line = text;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n && line[0] != '#' && n < 512) {
			char l[512], *save = NULL;
			memcpy(l, line, n);
			l[n] = 0;
			char *b = strtok_r(l, "\t ", &save), *c = strtok_r(NULL, "\t ", &save),
			     *s = strtok_r(NULL, "\t ", &save), *f = strtok_r(NULL, "\t \r", &save);
			if (b && !strcmp(b, badge)) {
				if (!out)
					return 0;
				size_t sl = s ? strlen(s) / 2 : 0;
				if (!c || !s || !f || strlen(c) > 32 || strlen(b) > 32 || !sl ||
				    sl > ZC_BADGE_SERIAL_MAX || zc_unhex(s, out->serial, sl) ||
				    zc_unhex(f, out->fp, ZC_HASH_LEN))
					return ZC_ECORRUPT;
				snprintf(out->badge, sizeof out->badge, "%s", b);
				snprintf(out->cadre, sizeof out->cadre, "%s", c);
				out->serial_len = sl;
				return 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return ZC_ENOENT;
}

static const char issued_header[] = "# zhucun badge CA: issued badges / 已发放的工牌\n"
				    "# badge\tcadre\tserial\tfingerprint\tuuid\n";

/* ---- init ---- */

int zc_ca_init(const zc_ca_init_opts *o, char *err, size_t errlen)
{
	char pk_path[4096], pem_path[4096], zrl_path[4096], iss_path[4096];
	char keypem[KEY_PEM_MAX], certpem[CERT_MAX * 2];
	uint8_t der[CERT_MAX], serial[16], list[256];
	size_t der_len = 0;
	struct rng r = {o->rng, o->rng_ctx};
	mbedtls_pk_context key;
	zc_privkey *zk = NULL;
	zc_badge_ca *ca = NULL;
	int rc;
	mbedtls_pk_init(&key);
	memset(keypem, 0, sizeof keypem);

	if (!o->dir || !*o->dir)
		return fail(err, errlen, ZC_EARG, "no CA folder given");
	if (!o->name || !text_valid(o->name, ZC_CA_NAME_MAX))
		return fail(err, errlen, ZC_EARG, "CA name must be 1-64 characters of UTF-8 text");
	if (o->district && !text_valid(o->district, ZC_CA_NAME_MAX))
		return fail(err, errlen, ZC_EARG, "district must be 1-64 characters of UTF-8 text");
	int64_t from = o->from_ms ? o->from_ms : ZC_CA_DEFAULT_FROM_MS;
	int64_t to = o->to_ms ? o->to_ms : ZC_CA_DEFAULT_CA_TO_MS;
	if (from >= to)
		return fail(err, errlen, ZC_EARG, "the CA's validity must end after it starts");
	if (mkdir(o->dir, 0700) && errno != EEXIST)
		return fail(err, errlen, ZC_EIO, "%s: cannot create: %s", o->dir, strerror(errno));
	path_in(pk_path, sizeof pk_path, o->dir, "ca.key");
	path_in(pem_path, sizeof pem_path, o->dir, "ca.pem");
	path_in(zrl_path, sizeof zrl_path, o->dir, "revocations.zrl");
	path_in(iss_path, sizeof iss_path, o->dir, "issued.txt");
	if (!*pk_path || !*iss_path)
		return fail(err, errlen, ZC_EARG, "%s: path too long", o->dir);
	const char *paths[] = {pk_path, pem_path, zrl_path, iss_path};
	for (size_t i = 0; i < 4; i++)
		if (exists(paths[i]))
			return fail(err, errlen, ZC_EEXIST, "%s already exists: refusing to overwrite a CA", paths[i]);

	if ((rc = gen_key(&key, &r)) || (rc = new_serial(&r, serial)) || (rc = key_pem(&key, keypem, sizeof keypem))) {
		fail(err, errlen, rc, "cannot generate the CA key: %s", zc_strerror(rc));
		goto out;
	}
	cert_spec s = {.subject_key = &key,
		       .issuer_key = &key,
		       .serial = serial,
		       .serial_len = sizeof serial,
		       .from_ms = from,
		       .to_ms = to,
		       .is_ca = 1};
	rc = 0;
	for (int i = 0; i < 2 && !rc; i++) {
		mbedtls_asn1_named_data **l = i ? &s.issuer : &s.subject;
		if (o->district)
			rc = ADD_ATTR(l, MBEDTLS_OID_AT_ORGANIZATION, o->district, MBEDTLS_ASN1_UTF8_STRING);
		if (!rc)
			rc = ADD_ATTR(l, MBEDTLS_OID_AT_CN, o->name, MBEDTLS_ASN1_UTF8_STRING);
	}
	if (rc || (rc = write_cert(&s, &r, der, sizeof der, &der_len))) {
		mbedtls_asn1_free_named_data_list(&s.subject);
		mbedtls_asn1_free_named_data_list(&s.issuer);
		fail(err, errlen, rc, "cannot write the CA certificate: %s", zc_strerror(rc));
		goto out;
	}
	if ((rc = zc_badge_ca_parse(der, der_len, &ca))) {
		fail(err, errlen, rc, "the CA certificate written does not parse back (%s)", zc_strerror(rc));
		goto out;
	}
	if ((rc = zc_privkey_parse((const uint8_t *)keypem, strlen(keypem), &zk))) {
		fail(err, errlen, rc, "cannot reload the CA key: %s", zc_strerror(rc));
		goto out;
	}
	zc_revlist l = {.number = 1, .issued_ms = o->now_ms ? o->now_ms : now_ms()};
	zc_badge_ca_fingerprint(ca, l.ca_fp);
	int n = zc_revlist_sign(&l, zk, list, sizeof list);
	if (n < 0 || (rc = zc_badge_ca_set_revocations(ca, list, (size_t)n, NULL))) {
		rc = n < 0 ? n : rc;
		fail(err, errlen, rc, "cannot sign the first revocation list: %s", zc_strerror(rc));
		goto out;
	}
	if ((rc = cert_pem(der, der_len, certpem, sizeof certpem))) {
		fail(err, errlen, rc, "cannot encode the CA certificate");
		goto out;
	}
	const char *what = pk_path;
	if ((rc = write_new(pk_path, keypem, strlen(keypem), 0600)) ||
	    (what = pem_path, rc = write_new(pem_path, certpem, strlen(certpem), 0644)) ||
	    (what = zrl_path, rc = write_new(zrl_path, list, (size_t)n, 0644)) ||
	    (what = iss_path, rc = write_new(iss_path, issued_header, sizeof issued_header - 1, 0644))) {
		fail(err, errlen, rc, "%s: %s", what, rc == ZC_EEXIST ? "already exists" : zc_strerror(rc));
		goto out;
	}
	rc = 0;
out:
	mbedtls_platform_zeroize(keypem, sizeof keypem);
	mbedtls_pk_free(&key);
	zc_privkey_free(zk);
	zc_badge_ca_free(ca);
	return rc;
}

/* ---- card files ---- */

static int card_text(const uint8_t uuid[ZC_BADGE_UUID_LEN], const uint8_t *uid, size_t uid_len, const char *badge,
		     const char *cadre, const uint8_t *der, size_t der_len, const char *keypem, char *out, size_t cap,
		     size_t *len)
{
	char certpem[CERT_MAX * 2], uh[33], idh[2 * ZC_CA_UID_MAX + 1];
	int rc = cert_pem(der, der_len, certpem, sizeof certpem);
	if (rc)
		return rc;
	int n = snprintf(out, cap, "%s\nuuid=%s\nuid=%s\nbadge=%s\ncadre=%s\n%s%s", card_magic,
			 zc_hex(uuid, ZC_BADGE_UUID_LEN, uh), zc_hex(uid, uid_len, idh), badge, cadre, certpem, keypem);
	if (n < 0 || (size_t)n >= cap)
		return ZC_ENOSPC;
	*len = (size_t)n;
	return 0;
}

/* The text between "-----BEGIN label-----" and its END line, inclusive,
 * as a malloc'd NUL-terminated string; NULL if absent. */
static char *pem_block(const char *text, const char *label)
{
	char head[64], foot[64];
	snprintf(head, sizeof head, "-----BEGIN %s-----", label);
	snprintf(foot, sizeof foot, "-----END %s-----", label);
	const char *b = strstr(text, head);
	const char *e = b ? strstr(b, foot) : NULL;
	if (!e)
		return NULL;
	e += strlen(foot);
	char *out = malloc((size_t)(e - b) + 2);
	if (out) {
		memcpy(out, b, (size_t)(e - b));
		out[e - b] = '\n';
		out[e - b + 1] = 0;
	}
	return out;
}

static int pem_to_der(const char *pem, uint8_t **der, size_t *len)
{
	mbedtls_pem_context ctx;
	mbedtls_pem_init(&ctx);
	size_t used;
	int rc = ZC_EMALFORMED;
	if (!mbedtls_pem_read_buffer(&ctx, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----",
				     (const unsigned char *)pem, NULL, 0, &used)) {
		rc = ZC_ENOMEM;
		if ((*der = malloc(ctx.buflen ? ctx.buflen : 1))) {
			memcpy(*der, ctx.buf, ctx.buflen);
			*len = ctx.buflen;
			rc = 0;
		}
	}
	mbedtls_pem_free(&ctx);
	return rc;
}

void zc_ca_card_free(zc_ca_card *c)
{
	free(c->cert_der);
	if (c->key_pem) {
		mbedtls_platform_zeroize(c->key_pem, strlen(c->key_pem));
		free(c->key_pem);
	}
	memset(c, 0, sizeof *c);
}

int zc_ca_card_read(const char *path, zc_ca_card *c, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	memset(c, 0, sizeof *c);
	int rc = zc_file_read(path, CARD_MAX, &buf, &len);
	if (rc)
		return fail(err, errlen, rc, "%s: %s", path,
			    rc == ZC_EFULL ? "too large for a card file" : zc_strerror(rc));
	const char *text = (const char *)buf;
	int have_uuid = 0, have_uid = 0;
	rc = ZC_EMALFORMED;
	if (strlen(text) != len || strncmp(text, card_magic, sizeof card_magic - 1)) {
		fail(err, errlen, rc, "%s: not a zhucun card file (first line is not '%s')", path, card_magic);
		goto out;
	}
	for (const char *line = text; line && *line && strncmp(line, "-----", 5);) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char l[128];
		if (n >= sizeof l) {
			fail(err, errlen, rc, "%s: line too long", path);
			goto out;
		}
		memcpy(l, line, n);
		l[n] = 0;
		if (n && l[n - 1] == '\r')
			l[--n] = 0;
		line = end ? end + 1 : NULL;
		if (!n || l[0] == '#')
			continue;
		char *v = strchr(l, '=');
		if (!v) {
			fail(err, errlen, rc, "%s: '%s' is not key=value", path, l);
			goto out;
		}
		*v++ = 0;
		if (!strcmp(l, "uuid")) {
			if (zc_unhex(v, c->uuid, ZC_BADGE_UUID_LEN)) {
				fail(err, errlen, rc, "%s: uuid must be 32 hex digits", path);
				goto out;
			}
			have_uuid = 1;
		} else if (!strcmp(l, "uid")) {
			size_t k = strlen(v) / 2;
			if ((k != 4 && k != 7 && k != 10) || zc_unhex(v, c->uid, k)) {
				fail(err, errlen, rc, "%s: uid must be 8, 14 or 20 hex digits", path);
				goto out;
			}
			c->uid_len = k;
			have_uid = 1;
		} else if (!strcmp(l, "badge") || !strcmp(l, "cadre")) {
			char *dst = l[0] == 'b' ? c->badge : c->cadre;
			if (strlen(v) > 32) {
				fail(err, errlen, rc, "%s: %s longer than 32", path, l);
				goto out;
			}
			snprintf(dst, 33, "%s", v);
		}
	}
	if (!have_uuid || !have_uid) {
		fail(err, errlen, rc, "%s: needs uuid= and uid= lines", path);
		goto out;
	}
	char *cert = pem_block(text, "CERTIFICATE");
	if (!cert || pem_to_der(cert, &c->cert_der, &c->cert_len)) {
		free(cert);
		fail(err, errlen, rc, "%s: no readable certificate", path);
		goto out;
	}
	free(cert);
	c->key_pem = pem_block(text, "EC PRIVATE KEY");
	if (!c->key_pem) {
		fail(err, errlen, rc, "%s: no EC PRIVATE KEY block", path);
		goto out;
	}
	rc = 0;
out:
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (rc)
		zc_ca_card_free(c);
	return rc;
}

/* ---- issue ---- */

int zc_ca_issue(const zc_ca_issue_opts *o, zc_ca_issued *res, char *err, size_t errlen)
{
	char p[4096], keypem[KEY_PEM_MAX], card[CARD_MAX], line[512];
	char sh[2 * ZC_BADGE_SERIAL_MAX + 1], fh[2 * ZC_HASH_LEN + 1], uh[33];
	uint8_t der[CERT_MAX], serial[16], uuid[ZC_BADGE_UUID_LEN], uid[ZC_CA_UID_MAX];
	size_t der_len = 0, uid_len, card_len = 0, ilen = 0;
	uint8_t *issued = NULL;
	struct rng r = {o->rng, o->rng_ctx};
	ca_state st;
	mbedtls_pk_context key;
	zc_badge_cert *bc = NULL;
	cert_spec s = {0};
	int rc;
	mbedtls_pk_init(&key);
	memset(keypem, 0, sizeof keypem);

	if (!o->dir || !o->out)
		return fail(err, errlen, ZC_EARG, "needs a CA folder and an output card file");
	if (!o->badge || !zc_id_valid(o->badge))
		return fail(err, errlen, ZC_EARG, "badge id must be 1-32 characters of A-Z a-z 0-9 . _ -");
	if (!o->cadre || !cadre_valid(o->cadre))
		return fail(err, errlen, ZC_EARG, "cadre id must be 1-32 characters of A-Z a-z 0-9 . -");
	if (!o->name || !text_valid(o->name, ZC_CA_NAME_MAX))
		return fail(err, errlen, ZC_EARG, "name must be 1-64 characters of UTF-8 text");
	if (o->uid && o->uid_len != 4 && o->uid_len != 7)
		return fail(err, errlen, ZC_EARG, "a UID has 4 or 7 bytes");
	int64_t from = o->from_ms ? o->from_ms : ZC_CA_DEFAULT_FROM_MS;
	int64_t to = o->to_ms ? o->to_ms : ZC_CA_DEFAULT_BADGE_TO_MS;
	if (from >= to)
		return fail(err, errlen, ZC_EARG, "the badge's validity must end after it starts");
	if (exists(o->out))
		return fail(err, errlen, ZC_EEXIST, "%s already exists", o->out);
	if (o->cert_out && exists(o->cert_out))
		return fail(err, errlen, ZC_EEXIST, "%s already exists", o->cert_out);
	if ((rc = ca_open(o->dir, &st, err, errlen)))
		goto out;
	int64_t ca_from, ca_to;
	zc_badge_ca_validity(st.ca, &ca_from, &ca_to);
	if (from < ca_from || to > ca_to) {
		rc = fail(err, errlen, ZC_EARG, "the badge's validity must lie inside the CA's");
		goto out;
	}
	path_in(p, sizeof p, o->dir, "issued.txt");
	if ((rc = zc_file_read(p, ISSUED_MAX, &issued, &ilen))) {
		fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	if (strlen((char *)issued) != ilen || issued_find((char *)issued, o->badge, NULL) != ZC_ENOENT) {
		rc = strlen((char *)issued) != ilen ? ZC_ECORRUPT : ZC_EEXIST;
		fail(err, errlen, rc, rc == ZC_EEXIST ? "badge %s was issued before (%s)" : "%s: damaged (%s)",
		     rc == ZC_EEXIST ? o->badge : p, p);
		goto out;
	}

	/* The card: key, serial, UUID, UID. */
	if ((rc = gen_key(&key, &r)) || (rc = new_serial(&r, serial)) || (rc = key_pem(&key, keypem, sizeof keypem)))
		goto crypto_failed;
	if (o->uuid) {
		memcpy(uuid, o->uuid, sizeof uuid);
	} else {
		if ((rc = rand_bytes(&r, uuid, sizeof uuid)))
			goto crypto_failed;
		uuid[6] = (uint8_t)((uuid[6] & 0x0F) | 0x40); /* RFC 4122 version 4 */
		uuid[8] = (uint8_t)((uuid[8] & 0x3F) | 0x80);
	}
	if (o->uid) {
		uid_len = o->uid_len;
		memcpy(uid, o->uid, uid_len);
	} else {
		uid_len = 7;
		if ((rc = rand_bytes(&r, uid, uid_len)))
			goto crypto_failed;
		uid[0] = 0x04; /* NXP's manufacturer code, as most 7-byte UIDs */
	}

	/* The certificate. */
	s = (cert_spec){.subject_key = &key,
			.issuer_key = &st.key,
			.serial = serial,
			.serial_len = sizeof serial,
			.from_ms = from,
			.to_ms = to,
			.uuid = uuid};
	const mbedtls_x509_name *org =
	    find_attr(&st.crt.subject, MBEDTLS_OID_AT_ORGANIZATION, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION));
	rc = 0;
	if (org)
		rc = add_attr(&s.subject, (const char *)org->oid.p, org->oid.len, org->val.p, org->val.len,
			      org->val.tag);
	if (!rc)
		rc = ADD_ATTR(&s.subject, MBEDTLS_OID_AT_ORG_UNIT, o->badge, MBEDTLS_ASN1_UTF8_STRING);
	if (!rc)
		rc = ADD_ATTR(&s.subject, MBEDTLS_OID_AT_CN, o->name, MBEDTLS_ASN1_UTF8_STRING);
	if (!rc)
		rc = ADD_ATTR(&s.subject, MBEDTLS_OID_AT_SERIAL_NUMBER, o->cadre, MBEDTLS_ASN1_PRINTABLE_STRING);
	if (!rc)
		rc = copy_name(&s.issuer, &st.crt.subject);
	if (rc || (rc = write_cert(&s, &r, der, sizeof der, &der_len))) {
		fail(err, errlen, rc, "cannot write the badge certificate: %s", zc_strerror(rc));
		goto out;
	}

	/* Check it the way a terminal will, and that the key signs for it. */
	int verdict = -1;
	uint8_t digest[ZC_HASH_LEN], sig[MBEDTLS_ECDSA_MAX_LEN];
	size_t sig_len = 0;
	zc_sha256("zhucun-ca self-check", 20, digest);
	if ((rc = zc_badge_cert_parse(der, der_len, &bc)) || (rc = zc_badge_cert_check(st.ca, bc, from, &verdict)) ||
	    verdict != ZC_TAP_OK ||
	    mbedtls_ecdsa_write_signature(mbedtls_pk_ec(key), MBEDTLS_MD_SHA256, digest, sizeof digest, sig, &sig_len,
					  mb_rng, &r) ||
	    zc_badge_cert_verify(bc, digest, sig, sig_len)) {
		rc = rc ? rc : ZC_ECRYPTO;
		fail(err, errlen, rc, "the badge certificate written does not check against the CA (%s)",
		     zc_strerror(rc));
		goto out;
	}

	/* Record it, then write the card. */
	uint8_t fp[ZC_HASH_LEN];
	zc_badge_cert_fingerprint(bc, fp);
	snprintf(line, sizeof line, "%s\t%s\t%s\t%s\t%s\n", o->badge, o->cadre, zc_hex(serial, sizeof serial, sh),
		 zc_hex(fp, sizeof fp, fh), zc_hex(uuid, sizeof uuid, uh));
	size_t ll = strlen(line);
	int nl = ilen && issued[ilen - 1] != '\n';
	uint8_t *grown = realloc(issued, ilen + nl + ll + 1);
	if (!grown) {
		rc = fail(err, errlen, ZC_ENOMEM, "out of memory");
		goto out;
	}
	issued = grown;
	if (nl)
		issued[ilen++] = '\n';
	memcpy(issued + ilen, line, ll);
	ilen += ll;
	if ((rc = card_text(uuid, uid, uid_len, o->badge, o->cadre, der, der_len, keypem, card, sizeof card,
			    &card_len))) {
		fail(err, errlen, rc, "cannot encode the card file");
		goto out;
	}
	if ((rc = zc_file_write_atomic(p, issued, ilen, 0644))) {
		fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	if ((rc = write_new(o->out, card, card_len, 0600))) {
		fail(err, errlen, rc, "%s: %s", o->out, rc == ZC_EEXIST ? "already exists" : zc_strerror(rc));
		goto out;
	}
	if (o->cert_out && (rc = write_new(o->cert_out, der, der_len, 0644))) {
		fail(err, errlen, rc, "%s: %s", o->cert_out, rc == ZC_EEXIST ? "already exists" : zc_strerror(rc));
		goto out;
	}
	if (res) {
		memset(res, 0, sizeof *res);
		memcpy(res->serial, serial, sizeof serial);
		res->serial_len = sizeof serial;
		memcpy(res->fp, fp, sizeof fp);
		memcpy(res->uuid, uuid, sizeof uuid);
		memcpy(res->uid, uid, uid_len);
		res->uid_len = uid_len;
	}
	rc = 0;
	goto out;
crypto_failed:
	fail(err, errlen, rc, "cannot generate the card key: %s", zc_strerror(rc));
out:
	mbedtls_platform_zeroize(keypem, sizeof keypem);
	mbedtls_platform_zeroize(card, sizeof card);
	mbedtls_pk_free(&key);
	zc_badge_cert_free(bc);
	free(issued);
	ca_close(&st);
	return rc;
}

/* ---- revoke ---- */

int zc_ca_revoke(const char *dir, const char *badge, int64_t revoked_from_ms, int64_t now, uint64_t *number, char *err,
		 size_t errlen)
{
	char p[4096], t[40];
	uint8_t *issued = NULL, *out = NULL;
	size_t ilen = 0;
	ca_state st;
	zc_privkey *zk = NULL;
	zc_revlist l = {0};
	issued_line il;
	int rc;
	if (!dir || !badge || !zc_id_valid(badge))
		return fail(err, errlen, ZC_EARG, "badge id must be 1-32 characters of A-Z a-z 0-9 . _ -");
	if ((rc = ca_open(dir, &st, err, errlen)))
		goto out;
	path_in(p, sizeof p, dir, "issued.txt");
	if ((rc = zc_file_read(p, ISSUED_MAX, &issued, &ilen))) {
		fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	if ((rc = issued_find((char *)issued, badge, &il))) {
		fail(err, errlen, rc,
		     rc == ZC_ENOENT ? "badge %s was never issued by this CA (%s)" : "%s: damaged line (%s)", badge, p);
		goto out;
	}
	const zc_revlist *cur = zc_badge_ca_revocations(st.ca);
	l.number = cur->number + 1;
	l.issued_ms = now ? now : now_ms();
	zc_badge_ca_fingerprint(st.ca, l.ca_fp);
	for (uint32_t i = 0; i < cur->count && !rc; i++)
		rc = zc_revlist_add(&l, cur->entries[i].serial, cur->entries[i].serial_len,
				    cur->entries[i].revoked_from_ms);
	int i = zc_revlist_find(cur, il.serial, il.serial_len);
	if (i >= 0) {
		rc = fail(err, errlen, ZC_EEXIST, "badge %s is already revoked (from %s)", badge,
			  zc_ca_format_time(cur->entries[i].revoked_from_ms, t, sizeof t));
		goto out;
	}
	if (rc || (rc = zc_revlist_add(&l, il.serial, il.serial_len, revoked_from_ms))) {
		fail(err, errlen, rc, "cannot add to the revocation list: %s", zc_strerror(rc));
		goto out;
	}
	path_in(p, sizeof p, dir, "ca.key");
	if ((rc = zc_privkey_load(p, &zk))) {
		fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	size_t cap = zc_revlist_encoded_max(&l);
	rc = ZC_ENOMEM;
	if (!(out = malloc(cap))) {
		fail(err, errlen, rc, "out of memory");
		goto out;
	}
	int n = zc_revlist_sign(&l, zk, out, cap);
	if (n < 0 || (rc = zc_badge_ca_set_revocations(st.ca, out, (size_t)n, NULL))) {
		rc = n < 0 ? n : rc;
		fail(err, errlen, rc, "the signed list does not check (%s)", zc_strerror(rc));
		goto out;
	}
	path_in(p, sizeof p, dir, "revocations.zrl");
	if ((rc = zc_file_write_atomic(p, out, (size_t)n, 0644))) {
		fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	if (number)
		*number = l.number;
	rc = 0;
out:
	zc_revlist_clear(&l);
	zc_privkey_free(zk);
	free(out);
	free(issued);
	ca_close(&st);
	return rc;
}

/* ---- clone ---- */

int zc_ca_clone(const char *card, const char *out, zc_ca_rng_fn rng, void *rng_ctx, char *err, size_t errlen)
{
	zc_ca_card c;
	struct rng r = {rng, rng_ctx};
	mbedtls_pk_context key, old;
	char keypem[KEY_PEM_MAX], text[CARD_MAX];
	size_t len = 0;
	mbedtls_pk_init(&key);
	mbedtls_pk_init(&old);
	memset(keypem, 0, sizeof keypem);
	if (exists(out))
		return fail(err, errlen, ZC_EEXIST, "%s already exists", out);
	int rc = zc_ca_card_read(card, &c, err, errlen);
	if (rc)
		return rc;
	if ((rc = parse_key_pem(&old, c.key_pem))) {
		fail(err, errlen, rc, "%s: the card's key is not a P-256 private key", card);
		goto out;
	}
	/* A fresh key that differs from the original (it always will). */
	do {
		mbedtls_pk_free(&key);
		mbedtls_pk_init(&key);
		if ((rc = gen_key(&key, &r))) {
			fail(err, errlen, rc, "cannot generate a key: %s", zc_strerror(rc));
			goto out;
		}
	} while (!mbedtls_pk_check_pair(&old, &key));
	if ((rc = key_pem(&key, keypem, sizeof keypem)) ||
	    (rc = card_text(c.uuid, c.uid, c.uid_len, c.badge, c.cadre, c.cert_der, c.cert_len, keypem, text,
			    sizeof text, &len))) {
		fail(err, errlen, rc, "cannot encode the card file");
		goto out;
	}
	if ((rc = write_new(out, text, len, 0600)))
		fail(err, errlen, rc, "%s: %s", out, rc == ZC_EEXIST ? "already exists" : zc_strerror(rc));
out:
	mbedtls_platform_zeroize(keypem, sizeof keypem);
	mbedtls_platform_zeroize(text, sizeof text);
	mbedtls_pk_free(&key);
	mbedtls_pk_free(&old);
	zc_ca_card_free(&c);
	return rc;
}

/* ---- show ---- */

static const char *verdict_name(int v)
{
	switch (v) {
	case ZC_TAP_OK: return "有效 / valid";
	case ZC_TAP_REVOKED: return "已吊销 / revoked";
	default: return "非本CA签发或不在有效期内 / not valid for this CA (issuer, signature or validity)";
	}
}

static void show_validity(FILE *f, int64_t from, int64_t to)
{
	char a[40], b[40];
	/* The end is kept as the last millisecond of its second; print the second. */
	fprintf(f, "  有效期 / valid:         %s .. %s\n", zc_ca_format_time(from, a, sizeof a),
		zc_ca_format_time(to - floor_div(to, 1000) * 1000 == 999 ? to - 999 : to, b, sizeof b));
}

static int show_badge_cert(FILE *f, const uint8_t *der, size_t len, zc_badge_ca *ca, int64_t at_ms, const char *key_pem,
			   char *err, size_t errlen, const char *path)
{
	zc_badge_cert *bc = NULL;
	int rc = zc_badge_cert_parse(der, len, &bc);
	if (rc)
		return fail(err, errlen, rc, "%s: not a badge certificate with a P-256 key", path);
	size_t sl;
	const uint8_t *serial = zc_badge_cert_serial(bc, &sl);
	char sh[2 * 64 + 1], fh[2 * ZC_HASH_LEN + 1], ut[37];
	uint8_t fp[ZC_HASH_LEN], uuid[ZC_BADGE_UUID_LEN];
	int64_t from, to;
	zc_badge_cert_fingerprint(bc, fp);
	zc_badge_cert_validity(bc, &from, &to);
	fprintf(f, "工牌证书 / badge certificate (%zu bytes DER)\n", len);
	fprintf(f, "  姓名 / name (CN):       %s\n", zc_badge_cert_name(bc));
	fprintf(f, "  干部 / cadre:           %s\n", zc_badge_cert_cadre(bc));
	fprintf(f, "  工牌 / badge (OU):      %s\n", zc_badge_cert_badge(bc));
	fprintf(f, "  单位 / district (O):    %s\n", zc_badge_cert_district(bc));
	fprintf(f, "  序列号 / serial:        %s\n", zc_hex(serial, sl > 64 ? 64 : sl, sh));
	show_validity(f, from, to);
	if (!zc_badge_cert_uuid(bc, uuid)) {
		uuid_text(uuid, ut);
		fprintf(f, "  卡UUID / card uuid:     %s\n", ut);
	}
	fprintf(f, "  密钥 / key:             EC P-256\n");
	fprintf(f, "  指纹 / fingerprint:     %s\n", zc_hex(fp, sizeof fp, fh));
	if (key_pem) {
		mbedtls_pk_context k;
		mbedtls_pk_init(&k);
		size_t dl;
		const uint8_t *d = zc_badge_cert_der(bc, &dl);
		mbedtls_x509_crt crt;
		mbedtls_x509_crt_init(&crt);
		int match = !parse_key_pem(&k, key_pem) && !mbedtls_x509_crt_parse_der(&crt, d, dl) &&
			    !mbedtls_pk_check_pair(&crt.pk, &k);
		fprintf(f, "  卡密钥匹配 / card key matches certificate: %s\n",
			match ? "是 / yes" : "否 / no (克隆？/ a clone?)");
		mbedtls_x509_crt_free(&crt);
		mbedtls_pk_free(&k);
	}
	if (ca) {
		int v = -1;
		char t[40];
		zc_badge_cert_check(ca, bc, at_ms, &v);
		fprintf(f, "  在 / at %s: %s (CA: %s, list #%llu)\n", zc_ca_format_time(at_ms, t, sizeof t),
			verdict_name(v), zc_badge_ca_name(ca), (unsigned long long)zc_badge_ca_revocation_number(ca));
	}
	zc_badge_cert_free(bc);
	return 0;
}

static void show_ca(FILE *f, zc_badge_ca *ca)
{
	uint8_t fp[ZC_HASH_LEN];
	char fh[2 * ZC_HASH_LEN + 1];
	int64_t from, to;
	size_t len;
	zc_badge_ca_der(ca, &len);
	zc_badge_ca_fingerprint(ca, fp);
	zc_badge_ca_validity(ca, &from, &to);
	fprintf(f, "工牌CA证书 / badge CA certificate (%zu bytes DER)\n", len);
	fprintf(f, "  名称 / name (CN):       %s\n", zc_badge_ca_name(ca));
	fprintf(f, "  单位 / district (O):    %s\n", zc_badge_ca_district(ca));
	show_validity(f, from, to);
	fprintf(f, "  密钥 / key:             EC P-256\n");
	fprintf(f, "  指纹 / fingerprint:     %s\n", zc_hex(fp, sizeof fp, fh));
}

static int show_revlist(FILE *f, const uint8_t *buf, size_t len, zc_badge_ca *ca, const char *path, char *err,
			size_t errlen)
{
	zc_revlist l;
	zc_revlist_error e = {0};
	int rc = zc_revlist_decode(buf, len, &l, NULL, &e);
	if (rc)
		return fail(err, errlen, rc, "%s: %s at byte %zu (%s): %s", path, zc_strerror(rc), e.offset,
			    e.field ? e.field : "?", e.why ? e.why : "");
	char t[40], fh[2 * ZC_HASH_LEN + 1], sh[2 * ZC_BADGE_SERIAL_MAX + 1];
	fprintf(f, "吊销列表 / revocation list (ZRL1, %zu bytes)\n", len);
	fprintf(f, "  编号 / number:          %llu\n", (unsigned long long)l.number);
	fprintf(f, "  签发时间 / issued:      %s\n", zc_ca_format_time(l.issued_ms, t, sizeof t));
	fprintf(f, "  CA指纹 / CA fingerprint: %s\n", zc_hex(l.ca_fp, ZC_HASH_LEN, fh));
	if (ca) {
		zc_revlist_error ve = {0};
		int v = zc_badge_ca_set_revocations(ca, buf, len, &ve);
		fprintf(f, "  签名 / signature:       %s\n",
			v == 0		 ? "有效 / valid (CA)"
			: v == ZC_ESTATE ? "有效 / valid (CA), older than installed"
					 : "无效 / INVALID for this CA");
	} else {
		fprintf(f, "  签名 / signature:       未检查（无CA证书）/ not checked (no CA certificate)\n");
	}
	fprintf(f, "  条目 / entries:         %u\n", l.count);
	for (uint32_t i = 0; i < l.count; i++)
		fprintf(f, "    %s  自 / from %s\n", zc_hex(l.entries[i].serial, l.entries[i].serial_len, sh),
			zc_ca_format_time(l.entries[i].revoked_from_ms, t, sizeof t));
	zc_revlist_clear(&l);
	return 0;
}

/* The CA to check against: ca_path, or a ca.pem in dir, or none. */
static zc_badge_ca *find_ca(const char *ca_path, const char *dir, char *err, size_t errlen, int *rc)
{
	char p[4096];
	zc_badge_ca *ca = NULL;
	*rc = 0;
	if (!ca_path) {
		path_in(p, sizeof p, dir, "ca.pem");
		if (!exists(p))
			return NULL;
		ca_path = p;
	}
	if ((*rc = zc_badge_ca_load(ca_path, &ca))) {
		fail(err, errlen, *rc, "%s: %s", ca_path,
		     *rc == ZC_EMALFORMED ? "not a P-256 CA certificate" : zc_strerror(*rc));
		return NULL;
	}
	/* The CA's current list, if it sits beside the certificate. */
	char d[4096], zrl[4096];
	zc_revlist_error e = {0};
	snprintf(d, sizeof d, "%s", ca_path);
	path_in(zrl, sizeof zrl, dirname(d), "revocations.zrl");
	if (exists(zrl) && (*rc = zc_badge_ca_load_revocations(ca, zrl, &e))) {
		fail(err, errlen, *rc, "%s: %s (%s)", zrl, e.why ? e.why : zc_strerror(*rc), e.field ? e.field : "?");
		zc_badge_ca_free(ca);
		return NULL;
	}
	return ca;
}

int zc_ca_show(const char *path, const char *ca_path, int64_t at_ms, FILE *f, char *err, size_t errlen)
{
	struct stat st;
	char p[4096], dir[4096];
	zc_badge_ca *ca = NULL;
	uint8_t *buf = NULL, *der = NULL;
	size_t len = 0, der_len = 0;
	zc_ca_card card = {0};
	int rc;
	if (stat(path, &st))
		return fail(err, errlen, errno == ENOENT ? ZC_ENOENT : ZC_EIO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (!(ca = find_ca(ca_path, path, err, errlen, &rc))) {
			return rc ? rc : fail(err, errlen, ZC_ENOENT, "%s: no ca.pem here (not a CA folder)", path);
		}
		show_ca(f, ca);
		path_in(p, sizeof p, path, "revocations.zrl");
		if (!(rc = zc_file_read(p, 4u << 20, &buf, &len)))
			rc = show_revlist(f, buf, len, ca, p, err, errlen);
		else
			fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		free(buf);
		buf = NULL;
		path_in(p, sizeof p, path, "issued.txt");
		if (!rc && !(rc = zc_file_read(p, ISSUED_MAX, &buf, &len))) {
			unsigned n = 0;
			for (const char *l = (const char *)buf; l && *l;
			     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
				n += *l != '#' && *l != '\n';
			fprintf(f, "已发放工牌 / badges issued: %u (%s)\n", n, p);
		} else if (!rc) {
			fail(err, errlen, rc, "%s: %s", p, zc_strerror(rc));
		}
		goto out;
	}
	if ((rc = zc_file_read(path, 4u << 20, &buf, &len))) {
		fail(err, errlen, rc, "%s: %s", path, rc == ZC_EFULL ? "too large" : zc_strerror(rc));
		goto out;
	}
	snprintf(dir, sizeof dir, "%s", path);
	char *d = dirname(dir);
	if (!(ca = find_ca(ca_path, d, err, errlen, &rc)) && rc)
		goto out;
	if (len >= 4 && !memcmp(buf, ZC_REVLIST_MAGIC, 4)) {
		rc = show_revlist(f, buf, len, ca, path, err, errlen);
	} else if (len >= sizeof card_magic - 1 && !memcmp(buf, card_magic, sizeof card_magic - 1)) {
		if ((rc = zc_ca_card_read(path, &card, err, errlen)))
			goto out;
		char uh[33], idh[2 * ZC_CA_UID_MAX + 1];
		fprintf(f, "虚拟PIV卡 / virtual PIV card\n  uuid: %s\n  uid:  %s\n  badge: %s  cadre: %s\n",
			zc_hex(card.uuid, sizeof card.uuid, uh), zc_hex(card.uid, card.uid_len, idh), card.badge,
			card.cadre);
		rc = show_badge_cert(f, card.cert_der, card.cert_len, ca, at_ms, card.key_pem, err, errlen, path);
	} else {
		/* A certificate, PEM or DER: the CA's own, or a badge's. */
		zc_badge_ca *self = NULL;
		if (!zc_badge_ca_parse(buf, len, &self)) {
			show_ca(f, self);
			zc_badge_ca_free(self);
			rc = 0;
			goto out;
		}
		if (len && buf[0] == '-') {
			if ((rc = pem_to_der((const char *)buf, &der, &der_len))) {
				fail(err, errlen, rc, "%s: not a certificate, card file or revocation list", path);
				goto out;
			}
		}
		zc_badge_cert *probe = NULL;
		if (zc_badge_cert_parse(der ? der : buf, der ? der_len : len, &probe)) {
			rc = fail(err, errlen, ZC_EMALFORMED, "%s: not a certificate, card file or revocation list",
				  path);
			goto out;
		}
		zc_badge_cert_free(probe);
		rc = show_badge_cert(f, der ? der : buf, der ? der_len : len, ca, at_ms, NULL, err, errlen, path);
	}
out:
	zc_ca_card_free(&card);
	zc_badge_ca_free(ca);
	free(der);
	free(buf);
	return rc;
}
