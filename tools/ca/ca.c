/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ca.c: the district badge CA (ca.h): creating the CA, issuing PIV badge
 * certificates and card files, revoking, cloning (forgeries for tests) and
 * showing what a file holds.
 *
 * Certificates are written with the crypto wrapper's X.509 writer
 * (zc_x509_write, zc/crypto.h). Names are given attribute by attribute (not
 * as "CN=...,O=..." strings) so that any UTF-8 name needs no escaping, and
 * the issuer of a badge is the CA certificate's subject, copied byte for
 * byte. Every certificate written is parsed back and checked with
 * zc/badge.h before anything is stored. The caller's generator is passed to
 * every key generation and signature, so a seeded one gives the same files.
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

#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/record.h"

#define CERT_MAX    2048
#define KEY_PEM_MAX 1024
#define ISSUED_MAX  (16u << 20)
#define CARD_MAX    16384

static const char card_magic[] = "# zhucun virtual PIV card";

/* id-PIV-cardAuth, 2.16.840.1.101.3.6.8 (NIST SP 800-73 / FIPS 201). */
static const uint8_t oid_piv_card_auth[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x06, 0x08};

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

/* Our generator as the crypto wrapper's zc_rng_fn. */
static int ca_rng(void *p, uint8_t *buf, size_t n)
{
	return rand_bytes(p, buf, n);
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

/* ---- certificates ---- */

static void uuid_text(const uint8_t u[ZC_BADGE_UUID_LEN], char out[37])
{
	char h[33];
	zc_hex(u, ZC_BADGE_UUID_LEN, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* A name attribute of a certificate to write. */
static zc_x509_attr attr(int type, int tag, const char *s)
{
	return (zc_x509_attr){type, tag, (const uint8_t *)s, strlen(s)};
}

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

static int cert_pem(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	return zc_pem_encode("CERTIFICATE", der, len, buf, cap) ? ZC_ECRYPTO : 0;
}

/* ---- the CA folder ---- */

typedef struct ca_state {
	int lock_fd;
	zc_x509 *crt; /* for its subject name */
	zc_privkey *key;
	zc_badge_ca *ca; /* with the current list installed */
} ca_state;

static void ca_close(ca_state *s)
{
	zc_x509_free(s->crt);
	zc_privkey_free(s->key);
	zc_badge_ca_free(s->ca);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the lock */
	s->lock_fd = -1;
	s->crt = NULL;
	s->key = NULL;
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
	rc = zc_privkey_parse_pem((const char *)buf, &s->key);
	zc_memzero(buf, len);
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
	if (zc_x509_parse_der(der, dlen, &s->crt))
		return fail(err, errlen, ZC_EMALFORMED, "%s: cannot parse", p);
	if (!zc_privkey_matches(s->key, zc_x509_pubkey(s->crt)))
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
	zc_privkey *key = NULL, *zk = NULL;
	zc_badge_ca *ca = NULL;
	int rc;
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

	if ((rc = zc_privkey_generate_rng(ca_rng, &r, &key)) || (rc = new_serial(&r, serial)) ||
	    (rc = zc_privkey_pem(key, keypem, sizeof keypem))) {
		fail(err, errlen, rc, "cannot generate the CA key: %s", zc_strerror(rc));
		goto out;
	}
	/* Self-signed: the issuer name is the subject, O (if any) then CN. */
	zc_x509_attr name[2];
	size_t nn = 0;
	if (o->district)
		name[nn++] = attr(ZC_X509_ATTR_O, ZC_ASN1_UTF8_STRING, o->district);
	name[nn++] = attr(ZC_X509_ATTR_CN, ZC_ASN1_UTF8_STRING, o->name);
	zc_x509_spec s = {.subject = name,
			  .subject_len = nn,
			  .subject_key = key,
			  .issuer_key = key,
			  .serial = serial,
			  .serial_len = sizeof serial,
			  .from_ms = from,
			  .to_ms = to,
			  .is_ca = 1,
			  .key_usage = ZC_X509_KU_KEY_CERT_SIGN | ZC_X509_KU_CRL_SIGN};
	if ((rc = zc_x509_write(&s, ca_rng, &r, der, sizeof der, &der_len))) {
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
	zc_memzero(keypem, sizeof keypem);
	zc_privkey_free(key);
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
	int rc = zc_pem_decode(pem, "CERTIFICATE", der, len, NULL);
	return rc == ZC_ENOENT ? ZC_EMALFORMED : rc;
}

void zc_ca_card_free(zc_ca_card *c)
{
	free(c->cert_der);
	if (c->key_pem) {
		zc_memzero(c->key_pem, strlen(c->key_pem));
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
	zc_memzero(buf, len);
	free(buf);
	if (rc)
		zc_ca_card_free(c);
	return rc;
}

/* ---- issue ---- */

/* The card's UUID and UID: the ones asked for, or random. */
static int card_ids(const zc_ca_issue_opts *o, struct rng *r, uint8_t uuid[ZC_BADGE_UUID_LEN],
		    uint8_t uid[ZC_CA_UID_MAX], size_t *uid_len)
{
	int rc;
	if (o->uuid) {
		memcpy(uuid, o->uuid, ZC_BADGE_UUID_LEN);
	} else {
		if ((rc = rand_bytes(r, uuid, ZC_BADGE_UUID_LEN)))
			return rc;
		uuid[6] = (uint8_t)((uuid[6] & 0x0F) | 0x40); /* RFC 4122 version 4 */
		uuid[8] = (uint8_t)((uuid[8] & 0x3F) | 0x80);
	}
	if (o->uid) {
		*uid_len = o->uid_len;
		memcpy(uid, o->uid, *uid_len);
	} else {
		*uid_len = 7;
		if ((rc = rand_bytes(r, uid, *uid_len)))
			return rc;
		uid[0] = 0x04; /* NXP's manufacturer code, as most 7-byte UIDs */
	}
	return 0;
}

/* Write the badge certificate: subject O (the CA's, as the CA carries it),
 * OU badge, CN name, serialNumber cadre; issued by the CA's subject. */
static int badge_cert_write(ca_state *st, const zc_ca_issue_opts *o, zc_privkey *key, const uint8_t serial[16],
			    const uint8_t uuid[ZC_BADGE_UUID_LEN], int64_t from, int64_t to, struct rng *r,
			    uint8_t *der, size_t cap, size_t *der_len)
{
	zc_x509_attr name[4], a;
	size_t nn = 0;
	for (size_t i = 0; !zc_x509_subject_attr(st->crt, i, &a); i++) {
		if (a.type == ZC_X509_ATTR_O) {
			name[nn++] = a;
			break;
		}
	}
	name[nn++] = attr(ZC_X509_ATTR_OU, ZC_ASN1_UTF8_STRING, o->badge);
	name[nn++] = attr(ZC_X509_ATTR_CN, ZC_ASN1_UTF8_STRING, o->name);
	name[nn++] = attr(ZC_X509_ATTR_SERIAL_NUMBER, ZC_ASN1_PRINTABLE_STRING, o->cadre);
	char uri[64], ut[37];
	uuid_text(uuid, ut);
	snprintf(uri, sizeof uri, "urn:uuid:%s", ut);
	zc_x509_spec s = {.subject = name,
			  .subject_len = nn,
			  .issuer = st->crt,
			  .subject_key = key,
			  .issuer_key = st->key,
			  .serial = serial,
			  .serial_len = 16,
			  .from_ms = from,
			  .to_ms = to,
			  .key_usage = ZC_X509_KU_DIGITAL_SIGNATURE,
			  .eku = oid_piv_card_auth,
			  .eku_len = sizeof oid_piv_card_auth,
			  .san_uri = uri};
	return zc_x509_write(&s, ca_rng, r, der, cap, der_len);
}

/* Check a badge certificate the way a terminal will, and that the card key
 * signs for it. *bc gets the parsed certificate. */
static int badge_cert_check(ca_state *st, zc_privkey *key, const uint8_t *der, size_t der_len, int64_t at,
			    struct rng *r, zc_badge_cert **bc)
{
	int verdict = -1, rc;
	uint8_t digest[ZC_HASH_LEN], sig[ZC_SIG_MAX];
	size_t sig_len = 0;
	zc_sha256("zhucun-ca self-check", 20, digest);
	if ((rc = zc_badge_cert_parse(der, der_len, bc)) || (rc = zc_badge_cert_check(st->ca, *bc, at, &verdict)))
		return rc;
	if (verdict != ZC_TAP_OK || zc_privkey_sign_rng(key, digest, sig, &sig_len, ca_rng, r) ||
	    zc_badge_cert_verify(*bc, digest, sig, sig_len))
		return ZC_ECRYPTO;
	return 0;
}

/* Add a badge's line to issued.txt's text (*issued, *ilen; grown). */
static int issued_append(uint8_t **issued, size_t *ilen, const char *line)
{
	size_t ll = strlen(line);
	int nl = *ilen && (*issued)[*ilen - 1] != '\n';
	uint8_t *grown = realloc(*issued, *ilen + nl + ll + 1);
	if (!grown)
		return ZC_ENOMEM;
	*issued = grown;
	if (nl)
		grown[(*ilen)++] = '\n';
	memcpy(grown + *ilen, line, ll);
	*ilen += ll;
	return 0;
}

int zc_ca_issue(const zc_ca_issue_opts *o, zc_ca_issued *res, char *err, size_t errlen)
{
	char p[4096], keypem[KEY_PEM_MAX], card[CARD_MAX], line[512];
	char sh[2 * ZC_BADGE_SERIAL_MAX + 1], fh[2 * ZC_HASH_LEN + 1], uh[33];
	uint8_t der[CERT_MAX], serial[16], uuid[ZC_BADGE_UUID_LEN], uid[ZC_CA_UID_MAX];
	size_t der_len = 0, uid_len, card_len = 0, ilen = 0;
	uint8_t *issued = NULL;
	struct rng r = {o->rng, o->rng_ctx};
	ca_state st;
	zc_privkey *key = NULL;
	zc_badge_cert *bc = NULL;
	int rc;
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

	/* The card: key, serial, UUID, UID; then its certificate. */
	if ((rc = zc_privkey_generate_rng(ca_rng, &r, &key)) || (rc = new_serial(&r, serial)) ||
	    (rc = zc_privkey_pem(key, keypem, sizeof keypem)) || (rc = card_ids(o, &r, uuid, uid, &uid_len))) {
		fail(err, errlen, rc, "cannot generate the card key: %s", zc_strerror(rc));
		goto out;
	}
	if ((rc = badge_cert_write(&st, o, key, serial, uuid, from, to, &r, der, sizeof der, &der_len))) {
		fail(err, errlen, rc, "cannot write the badge certificate: %s", zc_strerror(rc));
		goto out;
	}
	if ((rc = badge_cert_check(&st, key, der, der_len, from, &r, &bc))) {
		fail(err, errlen, rc, "the badge certificate written does not check against the CA (%s)",
		     zc_strerror(rc));
		goto out;
	}

	/* Record it, then write the card. */
	uint8_t fp[ZC_HASH_LEN];
	zc_badge_cert_fingerprint(bc, fp);
	snprintf(line, sizeof line, "%s\t%s\t%s\t%s\t%s\n", o->badge, o->cadre, zc_hex(serial, sizeof serial, sh),
		 zc_hex(fp, sizeof fp, fh), zc_hex(uuid, sizeof uuid, uh));
	if ((rc = issued_append(&issued, &ilen, line))) {
		fail(err, errlen, rc, "out of memory");
		goto out;
	}
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
out:
	zc_memzero(keypem, sizeof keypem);
	zc_memzero(card, sizeof card);
	zc_privkey_free(key);
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
	zc_privkey *key = NULL, *old = NULL;
	zc_pubkey *old_pub = NULL;
	char keypem[KEY_PEM_MAX], text[CARD_MAX];
	size_t len = 0;
	memset(keypem, 0, sizeof keypem);
	if (exists(out))
		return fail(err, errlen, ZC_EEXIST, "%s already exists", out);
	int rc = zc_ca_card_read(card, &c, err, errlen);
	if (rc)
		return rc;
	if ((rc = zc_privkey_parse_pem(c.key_pem, &old)) || (rc = zc_pubkey_from_priv(old, &old_pub))) {
		fail(err, errlen, rc, "%s: the card's key is not a P-256 private key", card);
		goto out;
	}
	/* A fresh key that differs from the original (it always will). */
	do {
		zc_privkey_free(key);
		key = NULL;
		if ((rc = zc_privkey_generate_rng(ca_rng, &r, &key))) {
			fail(err, errlen, rc, "cannot generate a key: %s", zc_strerror(rc));
			goto out;
		}
	} while (zc_privkey_matches(key, old_pub));
	if ((rc = zc_privkey_pem(key, keypem, sizeof keypem)) ||
	    (rc = card_text(c.uuid, c.uid, c.uid_len, c.badge, c.cadre, c.cert_der, c.cert_len, keypem, text,
			    sizeof text, &len))) {
		fail(err, errlen, rc, "cannot encode the card file");
		goto out;
	}
	if ((rc = write_new(out, text, len, 0600)))
		fail(err, errlen, rc, "%s: %s", out, rc == ZC_EEXIST ? "already exists" : zc_strerror(rc));
out:
	zc_memzero(keypem, sizeof keypem);
	zc_memzero(text, sizeof text);
	zc_privkey_free(key);
	zc_privkey_free(old);
	zc_pubkey_free(old_pub);
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
		zc_privkey *k = NULL;
		zc_x509 *crt = NULL;
		size_t dl;
		const uint8_t *d = zc_badge_cert_der(bc, &dl);
		int match = !zc_privkey_parse_pem(key_pem, &k) && !zc_x509_parse_der(d, dl, &crt) &&
			    zc_x509_pubkey(crt) && zc_privkey_matches(k, zc_x509_pubkey(crt));
		fprintf(f, "  卡密钥匹配 / card key matches certificate: %s\n",
			match ? "是 / yes" : "否 / no (克隆？/ a clone?)");
		zc_x509_free(crt);
		zc_privkey_free(k);
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
