/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vcard.c: virtual contactless cards (vcard.h).
 *
 * A UID card only answers selection. A PIV card is a small ISO 7816-4 card
 * with the PIV application of NIST SP 800-73-4 part 2: SELECT (full, short
 * and right-truncated AIDs), GET DATA of the discovery object (7E), the CHUID
 * (5FC102) and the Card Authentication certificate (5FC101), GENERAL
 * AUTHENTICATE with key 9E / algorithm 11 (ECC P-256, internal
 * authenticate: the 32-byte challenge is signed as a digest), VERIFY of the
 * application PIN (80; default "123456"), GET RESPONSE for answers longer
 * than Le or 256 bytes (61 xx), and command chaining (CLA 10).
 *
 * Choices where the standard leaves room, made as common cards do: a case 3
 * command (no Le) gets its data anyway, as Le were 256; no application
 * selected -> 6D 00 (the card manager does not know PIV instructions);
 * management commands (PUT DATA, GENERATE, CHANGE REFERENCE, RESET RETRY)
 * -> 69 82, since no management key can be authenticated on this card.
 *
 * A card file may also make the card hostile, for tests of the terminal's
 * card boundary: `hostile_ga=HEX` answers every GENERAL AUTHENTICATE with
 * those data bytes (then 90 00) instead of a signature, as the card of
 * issue 10 item 12 did with 7C 0A 82 08 00..00.
 *
 * The card file's certificate and key blocks are read with the crypto
 * wrapper's PEM readers (zc/crypto.h), which find them by their BEGIN
 * lines. The certificate's key is not compared with the private key: a
 * clone card is exactly a file where they differ.
 */
#include "vcard.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"

enum { VC_UID = 1, VC_PIV = 2 };

#define CARD_FILE_MAX  65536
#define CHAIN_MAX      4096 /* longest chained command accepted */
#define RESP_CHUNK_MAX 256  /* data bytes per response APDU */
#define PIN_TRIES      3
#define FIELD_MAX      32

/* SW1 SW2 */
#define SW_OK		   0x9000
#define SW_WRONG_LENGTH	   0x6700
#define SW_LAST_CMD_EXPECT 0x6883
#define SW_PIN_BLOCKED	   0x6983
#define SW_SECURITY	   0x6982
#define SW_CONDITIONS	   0x6985
#define SW_WRONG_DATA	   0x6A80
#define SW_NOT_FOUND	   0x6A82
#define SW_WRONG_P1P2	   0x6A86
#define SW_REF_NOT_FOUND   0x6A88
#define SW_INS_UNKNOWN	   0x6D00
#define SW_CLA_UNKNOWN	   0x6E00
#define SW_UNKNOWN	   0x6F00

/* The PIV application: RID A0 00 00 03 08, PIX 00 00 10 00, version 01 00. */
static const uint8_t piv_aid[] = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};
#define PIV_RID_LEN 5

/* The default application PIN, padded with FF to 8 bytes (SP 800-73-4). */
static const uint8_t default_pin[8] = {'1', '2', '3', '4', '5', '6', 0xFF, 0xFF};

static const char piv_label[] = "zhucun virtual PIV";

/* ATS after its length byte: T0 75 (TA TB TC follow, FSCI 5 = 64 bytes),
 * TA 77, TB 81, TC 02 (CID supported), one historical byte 80. */
static const uint8_t piv_ats[] = {0x75, 0x77, 0x81, 0x02, 0x80};

struct zc_vcard {
	int kind;
	zc_target t;
	char desc[96];
	/* PIV only */
	uint8_t guid[16];
	char badge[FIELD_MAX + 1];
	char cadre[FIELD_MAX + 1];
	uint8_t *cert; /* Card Authentication certificate, DER */
	size_t cert_len;
	zc_privkey *key; /* key 9E */
	int pin_tries;
	int pin_ok;
	int selected;
	uint8_t *resp; /* a response waiting for GET RESPONSE */
	size_t resp_len, resp_off;
	uint8_t *chain; /* data of a command chain so far */
	size_t chain_len;
	int chaining;
	uint8_t chain_ins, chain_p1, chain_p2;
	uint8_t hostile_ga[128]; /* GENERAL AUTHENTICATE's answer instead of a signature */
	size_t hostile_ga_len;
};

static void err_set(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static void target_init(zc_target *t, const uint8_t *uid, size_t len, uint8_t sak)
{
	memset(t, 0, sizeof *t);
	memcpy(t->uid, uid, len);
	t->uid_len = len;
	/* ATQA bit 6-7 of the second byte: UID size single / double / triple. */
	t->atqa[0] = 0x00;
	t->atqa[1] = len == 4 ? 0x04 : len == 7 ? 0x44 : 0x84;
	t->sak = sak;
}

static int uid_len_ok(const uint8_t *uid, size_t len)
{
	if (len != 4 && len != 7 && len != 10)
		return 0;
	/* 88 is the cascade tag: a single-size UID cannot start with it. */
	return !(len == 4 && uid[0] == 0x88);
}

/* Hex of 8, 14 or 20 digits into uid; 0 or ZC_EMALFORMED. */
static int parse_uid(const char *hex, uint8_t *uid, size_t *len)
{
	size_t n = strlen(hex);
	if ((n != 8 && n != 14 && n != 20) || zc_unhex(hex, uid, n / 2))
		return ZC_EMALFORMED;
	*len = n / 2;
	return uid_len_ok(uid, *len) ? 0 : ZC_EMALFORMED;
}

int zc_vcard_uid_new(const uint8_t *uid, size_t len, zc_vcard **out)
{
	if (!uid || !out || !uid_len_ok(uid, len))
		return ZC_EARG;
	zc_vcard *c = calloc(1, sizeof *c);
	if (!c)
		return ZC_ENOMEM;
	c->kind = VC_UID;
	target_init(&c->t, uid, len, 0x08);
	char hex[2 * ZC_UID_MAX + 1];
	snprintf(c->desc, sizeof c->desc, "uid %s", zc_hex(uid, len, hex));
	*out = c;
	return 0;
}

/* ---- card file ---- */

static int read_text(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ZC_ENOENT;
	char *b = malloc(CARD_FILE_MAX + 1);
	size_t n = b ? fread(b, 1, CARD_FILE_MAX + 1, f) : 0;
	int rc = !b ? ZC_ENOMEM : ferror(f) ? ZC_EIO : n > CARD_FILE_MAX ? ZC_EMALFORMED : 0;
	fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

/* A printable field value of at most FIELD_MAX bytes (UTF-8 allowed). */
static int copy_field(char *dst, const char *v)
{
	size_t n = strlen(v);
	if (!n || n > FIELD_MAX)
		return ZC_EMALFORMED;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F)
			return ZC_EMALFORMED;
	memcpy(dst, v, n + 1);
	return 0;
}

/* uuid= with 32 hex digits, dashes allowed between them. */
static int parse_uuid(const char *v, uint8_t guid[16])
{
	char hex[33];
	size_t n = 0;
	for (; *v; v++) {
		if (*v == '-')
			continue;
		if (n == 32)
			return ZC_EMALFORMED;
		hex[n++] = *v;
	}
	hex[n] = 0;
	return n == 32 ? zc_unhex(hex, guid, 16) : ZC_EMALFORMED;
}

/* The key=value lines before the first PEM block. */
static int parse_header(zc_vcard *c, const char *text, const char *path, char *errbuf, size_t errlen)
{
	int have_uuid = 0, have_uid = 0, lineno = 0;
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		lineno++;
		if (!strncmp(p, "-----BEGIN ", 11))
			break;
		char line[256];
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		const char *s = p;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		p = eol ? eol + 1 : p + strlen(p);
		if (!n || *s == '#')
			continue;
		if (n >= sizeof line) {
			err_set(errbuf, errlen, "%s: line %d is too long", path, lineno);
			return ZC_EMALFORMED;
		}
		memcpy(line, s, n);
		line[n] = 0;
		char *eq = strchr(line, '=');
		if (!eq) {
			err_set(errbuf, errlen, "%s: line %d: expected key=value or a PEM block", path, lineno);
			return ZC_EMALFORMED;
		}
		*eq = 0;
		const char *k = line, *v = eq + 1;
		int rc = 0;
		if (!strcmp(k, "uuid")) {
			rc = parse_uuid(v, c->guid);
			have_uuid = 1;
		} else if (!strcmp(k, "uid")) {
			rc = parse_uid(v, c->t.uid, &c->t.uid_len);
			have_uid = 1;
		} else if (!strcmp(k, "badge")) {
			rc = copy_field(c->badge, v);
		} else if (!strcmp(k, "cadre")) {
			rc = copy_field(c->cadre, v);
		} else if (!strcmp(k, "hostile_ga")) {
			size_t hl = strlen(v);
			rc = hl % 2 || hl / 2 > sizeof c->hostile_ga || !hl;
			for (size_t i = 0; !rc && i < hl; i += 2) {
				unsigned x;
				if (!isxdigit((unsigned char)v[i]) || !isxdigit((unsigned char)v[i + 1]) ||
				    sscanf(v + i, "%2x", &x) != 1)
					rc = 1;
				else
					c->hostile_ga[i / 2] = (uint8_t)x;
			}
			c->hostile_ga_len = rc ? 0 : hl / 2;
		}
		/* Other keys are for other tools: ignored. */
		if (rc) {
			const char *want = !strcmp(k, "uuid")	      ? "32 hex digits"
					   : !strcmp(k, "uid")	      ? "8, 14 or 20 hex digits (a 4, 7 or 10 byte UID)"
					   : !strcmp(k, "hostile_ga") ? "an even number of hex digits, at most 256"
								      : "1-32 printable bytes";
			err_set(errbuf, errlen, "%s: line %d: %s= needs %s", path, lineno, k, want);
			return ZC_EMALFORMED;
		}
	}
	if (!have_uuid || !have_uid) {
		err_set(errbuf, errlen, "%s: missing %s= line", path, !have_uuid ? "uuid" : "uid");
		return ZC_EMALFORMED;
	}
	return 0;
}

static int load_cert(zc_vcard *c, const char *text, const char *path, char *errbuf, size_t errlen)
{
	zc_x509 *crt = NULL;
	if (!strstr(text, "-----BEGIN CERTIFICATE-----")) {
		err_set(errbuf, errlen, "%s: no -----BEGIN CERTIFICATE----- block", path);
		return ZC_EMALFORMED;
	}
	if (zc_x509_parse_pem(text, &crt)) {
		err_set(errbuf, errlen, "%s: the certificate block is not a valid X.509 certificate", path);
		return ZC_EMALFORMED;
	}
	size_t n;
	const uint8_t *der = zc_x509_der(crt, &n);
	int rc = ZC_ENOMEM;
	c->cert = malloc(n);
	if (c->cert) {
		memcpy(c->cert, der, n);
		c->cert_len = n;
		rc = 0;
	}
	zc_x509_free(crt);
	return rc;
}

int zc_vcard_piv_load(const char *card_file, zc_vcard **out, char *errbuf, size_t errlen)
{
	if (!card_file || !out)
		return ZC_EARG;
	char *text = NULL;
	size_t len = 0;
	zc_vcard *c = NULL;
	int rc = read_text(card_file, &text, &len);
	if (rc) {
		err_set(errbuf, errlen, "%s: %s", card_file,
			rc == ZC_ENOENT	      ? "cannot open card file"
			: rc == ZC_EMALFORMED ? "card file too large"
					      : zc_strerror(rc));
		goto out;
	}
	rc = ZC_ENOMEM;
	c = calloc(1, sizeof *c);
	if (!c)
		goto out;
	c->kind = VC_PIV;
	c->pin_tries = PIN_TRIES;
	strcpy(c->badge, "?");
	strcpy(c->cadre, "?");
	rc = parse_header(c, text, card_file, errbuf, errlen);
	if (rc)
		goto out;
	uint8_t uid[ZC_UID_MAX];
	size_t uid_len = c->t.uid_len;
	memcpy(uid, c->t.uid, uid_len);
	target_init(&c->t, uid, uid_len, 0x20);
	c->t.iso14443_4 = 1;
	memcpy(c->t.ats, piv_ats, sizeof piv_ats);
	c->t.ats_len = sizeof piv_ats;
	rc = load_cert(c, text, card_file, errbuf, errlen);
	if (rc)
		goto out;
	/* From the key's BEGIN line on: the key parser takes it from there
	 * (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). */
	const char *kb = strstr(text, "-----BEGIN EC PRIVATE KEY-----");
	if (!kb)
		kb = strstr(text, "-----BEGIN PRIVATE KEY-----");
	rc = kb ? zc_privkey_parse((const uint8_t *)kb, len - (size_t)(kb - text), &c->key) : ZC_EMALFORMED;
	if (rc) {
		err_set(errbuf, errlen, "%s: no usable -----BEGIN EC PRIVATE KEY----- (P-256) block", card_file);
		goto out;
	}
	snprintf(c->desc, sizeof c->desc, "piv %s %s", c->badge, c->cadre);
out:
	if (text) {
		memset(text, 0, len);
		free(text);
	}
	if (rc) {
		zc_vcard_free(c);
		c = NULL;
	}
	*out = c;
	return rc;
}

int zc_vcard_from_spec(const char *spec, zc_vcard **out, char *errbuf, size_t errlen)
{
	if (!spec || !out)
		return ZC_EARG;
	*out = NULL;
	if (!strncmp(spec, "uid:", 4)) {
		uint8_t uid[ZC_UID_MAX];
		size_t n;
		if (parse_uid(spec + 4, uid, &n)) {
			err_set(errbuf, errlen,
				"'%s': a UID is 8, 14 or 20 hex digits (and a 4-byte UID cannot start with 88)", spec);
			return ZC_EMALFORMED;
		}
		return zc_vcard_uid_new(uid, n, out);
	}
	if (!strncmp(spec, "piv:", 4) && spec[4])
		return zc_vcard_piv_load(spec + 4, out, errbuf, errlen);
	err_set(errbuf, errlen, "'%s': a card is uid:HEX or piv:CARDFILE", spec);
	return ZC_EMALFORMED;
}

void zc_vcard_target(const zc_vcard *c, zc_target *t)
{
	if (c && t)
		*t = c->t;
}

const char *zc_vcard_describe(const zc_vcard *c)
{
	return c ? c->desc : "none";
}

static void drop_resp(zc_vcard *c)
{
	free(c->resp);
	c->resp = NULL;
	c->resp_len = c->resp_off = 0;
}

static void drop_chain(zc_vcard *c)
{
	free(c->chain);
	c->chain = NULL;
	c->chain_len = 0;
	c->chaining = 0;
}

void zc_vcard_reset(zc_vcard *c)
{
	if (!c)
		return;
	c->selected = 0;
	c->pin_ok = 0;
	drop_resp(c);
	drop_chain(c);
}

void zc_vcard_free(zc_vcard *c)
{
	if (!c)
		return;
	zc_vcard_reset(c);
	zc_privkey_free(c->key);
	free(c->cert);
	free(c);
}

/* ---- BER-TLV ---- */

/* Append a tag (1-3 bytes, as written) and a BER length; w notes overflow. */
static void put_tl(zc_wbuf *w, uint32_t tag, size_t len)
{
	if (tag > 0xFFFF)
		zc_w_u8(w, (uint8_t)(tag >> 16));
	if (tag > 0xFF)
		zc_w_u8(w, (uint8_t)(tag >> 8));
	zc_w_u8(w, (uint8_t)tag);
	if (len < 0x80) {
		zc_w_u8(w, (uint8_t)len);
	} else if (len < 0x100) {
		zc_w_u8(w, 0x81);
		zc_w_u8(w, (uint8_t)len);
	} else {
		zc_w_u8(w, 0x82);
		zc_w_u8(w, (uint8_t)(len >> 8));
		zc_w_u8(w, (uint8_t)len);
	}
}

static void put_tlv(zc_wbuf *w, uint32_t tag, const void *v, size_t len)
{
	put_tl(w, tag, len);
	zc_w_bytes(w, v, len);
}

/* Read one TLV with a one-byte tag, advancing p and n: 0, or -1 if malformed. */
static int get_tlv(const uint8_t **p, size_t *n, uint8_t *tag, const uint8_t **v, size_t *vlen)
{
	const uint8_t *b = *p;
	size_t left = *n, len;
	if (left < 2 || (b[0] & 0x1F) == 0x1F)
		return -1;
	*tag = b[0];
	if (b[1] < 0x80) {
		len = b[1];
		b += 2;
		left -= 2;
	} else if (b[1] == 0x81 && left >= 3) {
		len = b[2];
		b += 3;
		left -= 3;
	} else if (b[1] == 0x82 && left >= 4) {
		len = (size_t)b[2] << 8 | b[3];
		b += 4;
		left -= 4;
	} else {
		return -1;
	}
	if (len > left)
		return -1;
	*v = b;
	*vlen = len;
	*p = b + len;
	*n = left - len;
	return 0;
}

/* ---- FASC-N ---- */

/* The FASC-N of SP 800-73-4 for issuers outside the federal agencies:
 * agency 9999, system 9999, credential 999999, CS 0, ICI 1, PI 0000000000,
 * OC 3, OI 0000, POA 1. Characters are 4 bits, least significant first, and
 * an odd parity bit; SS = 11, FS = 13, ES = 15; the LRC is the XOR of all
 * characters. 40 characters x 5 bits = 25 bytes. */
static void fascn(uint8_t out[25])
{
	static const char s[] = "S9999F9999F999999F0F1F0000000000300001E";
	uint8_t bits[200];
	size_t nb = 0;
	unsigned lrc = 0;
	for (size_t i = 0; i <= strlen(s); i++) {
		unsigned v;
		if (i == strlen(s))
			v = lrc;
		else
			v = s[i] == 'S' ? 11 : s[i] == 'F' ? 13 : s[i] == 'E' ? 15 : (unsigned)(s[i] - '0');
		lrc ^= v;
		unsigned ones = 0;
		for (int b = 0; b < 4; b++) {
			bits[nb++] = (v >> b) & 1;
			ones += (v >> b) & 1;
		}
		bits[nb++] = !(ones & 1);
	}
	memset(out, 0, 25);
	for (size_t i = 0; i < nb; i++)
		out[i / 8] |= (uint8_t)(bits[i] << (7 - i % 8));
}

/* ---- APDUs ---- */

typedef struct apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t le; /* 1..65536; 256 when absent */
} apdu;

/* ISO 7816-4 cases 1-4, short and extended. 0 or -1 (wrong length). */
static int parse_apdu(const uint8_t *b, size_t n, apdu *a)
{
	memset(a, 0, sizeof *a);
	if (n < 4)
		return -1;
	a->cla = b[0];
	a->ins = b[1];
	a->p1 = b[2];
	a->p2 = b[3];
	a->le = 256;
	if (n == 4)
		return 0;
	if (n == 5) {
		a->le = b[4] ? b[4] : 256;
		return 0;
	}
	if (b[4]) {
		a->lc = b[4];
		a->data = b + 5;
		if (n == 5 + a->lc)
			return 0;
		if (n == 6 + a->lc) {
			a->le = b[n - 1] ? b[n - 1] : 256;
			return 0;
		}
		return -1;
	}
	/* extended: 00 then two bytes */
	if (n == 7) {
		size_t le = (size_t)b[5] << 8 | b[6];
		a->le = le ? le : 65536;
		return 0;
	}
	a->lc = (size_t)b[5] << 8 | b[6];
	a->data = b + 7;
	if (!a->lc)
		return -1;
	if (n == 7 + a->lc)
		return 0;
	if (n == 9 + a->lc) {
		size_t le = (size_t)b[n - 2] << 8 | b[n - 1];
		a->le = le ? le : 65536;
		return 0;
	}
	return -1;
}

static int sw(uint8_t *r, uint16_t s)
{
	r[0] = (uint8_t)(s >> 8);
	r[1] = (uint8_t)s;
	return 2;
}

/* Send the next piece of the pending response: at most le, 256 and what
 * fits in rcap with the status word; 61 xx while more remains. */
static int deliver(zc_vcard *c, size_t le, uint8_t *r, size_t rcap)
{
	size_t left = c->resp_len - c->resp_off, n = left;
	if (n > le)
		n = le;
	if (n > RESP_CHUNK_MAX)
		n = RESP_CHUNK_MAX;
	if (n > rcap - 2)
		n = rcap - 2;
	if (n)
		memcpy(r, c->resp + c->resp_off, n);
	c->resp_off += n;
	left -= n;
	if (left) {
		r[n] = 0x61;
		r[n + 1] = left > 0xFF ? 0x00 : (uint8_t)left;
	} else {
		r[n] = 0x90;
		r[n + 1] = 0x00;
		drop_resp(c);
	}
	return (int)n + 2;
}

/* Take the bytes written to w as the response (copied) and send the first
 * piece; 6F 00 if the buffer overflowed or memory ran out. */
static int respond(zc_vcard *c, const zc_wbuf *w, size_t le, uint8_t *r, size_t rcap)
{
	drop_resp(c);
	if (w->overflow)
		return sw(r, SW_UNKNOWN);
	if (w->len) {
		c->resp = malloc(w->len);
		if (!c->resp)
			return sw(r, SW_UNKNOWN);
		memcpy(c->resp, w->p, w->len);
		c->resp_len = w->len;
	}
	return deliver(c, le, r, rcap);
}

static int do_select(zc_vcard *c, const apdu *a, uint8_t *r, size_t rcap)
{
	if (a->p1 != 0x04 || (a->p2 != 0x00 && a->p2 != 0x04 && a->p2 != 0x0C))
		return sw(r, SW_WRONG_P1P2);
	/* The full AID, the AID without version, or any right-truncation of
	 * it down to the RID. */
	if (a->lc < PIV_RID_LEN || a->lc > sizeof piv_aid || memcmp(a->data, piv_aid, a->lc))
		return sw(r, SW_NOT_FOUND);
	if (!c->selected)
		c->pin_ok = 0;
	c->selected = 1;
	if (a->p2 == 0x0C)
		return sw(r, SW_OK);
	/* Application Property Template (SP 800-73-4 part 2, table 3). */
	uint8_t in[64], buf[80];
	zc_wbuf w, t;
	zc_wbuf_init(&t, in, sizeof in);
	put_tlv(&t, 0x4F, piv_aid + PIV_RID_LEN, sizeof piv_aid - PIV_RID_LEN);
	put_tl(&t, 0x79, 7);
	put_tlv(&t, 0x4F, piv_aid, PIV_RID_LEN);
	put_tlv(&t, 0x50, piv_label, strlen(piv_label));
	static const uint8_t algs[] = {0x80, 0x01, 0x11, 0x06, 0x01, 0x00}; /* ECC P-256 */
	put_tlv(&t, 0xAC, algs, sizeof algs);
	zc_wbuf_init(&w, buf, sizeof buf);
	put_tlv(&w, 0x61, t.p, t.len);
	return respond(c, &w, a->le, r, rcap);
}

static int do_get_data(zc_vcard *c, const apdu *a, uint8_t *r, size_t rcap)
{
	if (a->p1 != 0x3F || a->p2 != 0xFF)
		return sw(r, SW_WRONG_P1P2);
	const uint8_t *p = a->data, *v;
	size_t n = a->lc, vlen;
	uint8_t tag;
	if (get_tlv(&p, &n, &tag, &v, &vlen) || n || tag != 0x5C || vlen < 1 || vlen > 3)
		return sw(r, SW_WRONG_DATA);
	uint32_t obj = 0;
	for (size_t i = 0; i < vlen; i++)
		obj = obj << 8 | v[i];

	size_t cap = c->cert_len + 64;
	uint8_t *buf = malloc(cap), *inner = malloc(cap);
	int ret;
	if (!buf || !inner) {
		ret = sw(r, SW_UNKNOWN);
		goto out;
	}
	zc_wbuf w, t;
	zc_wbuf_init(&w, buf, cap);
	zc_wbuf_init(&t, inner, cap);
	if (obj == 0x7E) {
		/* Discovery object: the AID and the PIN usage policy (the
		 * application PIN only). Not wrapped in 53. */
		static const uint8_t policy[] = {0x40, 0x00};
		put_tlv(&t, 0x4F, piv_aid, sizeof piv_aid);
		put_tlv(&t, 0x5F2F, policy, sizeof policy);
		put_tlv(&w, 0x7E, t.p, t.len);
	} else if (obj == 0x5FC102) {
		/* CHUID: FASC-N, GUID, expiration, (empty) issuer signature. */
		uint8_t f[25];
		fascn(f);
		put_tlv(&t, 0x30, f, sizeof f);
		put_tlv(&t, 0x34, c->guid, sizeof c->guid);
		put_tlv(&t, 0x35, "20401231", 8);
		put_tl(&t, 0x3E, 0);
		put_tl(&t, 0xFE, 0);
		put_tlv(&w, 0x53, t.p, t.len);
	} else if (obj == 0x5FC101) {
		/* Card Authentication certificate: uncompressed, no MSCUID. */
		static const uint8_t info = 0x00;
		put_tlv(&t, 0x70, c->cert, c->cert_len);
		put_tlv(&t, 0x71, &info, 1);
		put_tl(&t, 0xFE, 0);
		put_tlv(&w, 0x53, t.p, t.len);
	} else {
		ret = sw(r, SW_NOT_FOUND);
		goto out;
	}
	ret = respond(c, &w, a->le, r, rcap);
out:
	free(buf);
	free(inner);
	return ret;
}

static int do_verify(zc_vcard *c, const apdu *a, uint8_t *r)
{
	if (a->p1 != 0x00 && a->p1 != 0xFF)
		return sw(r, SW_WRONG_P1P2);
	if (a->p2 != 0x80)
		return sw(r, SW_REF_NOT_FOUND);
	if (a->p1 == 0xFF) {
		if (a->lc)
			return sw(r, SW_WRONG_DATA);
		c->pin_ok = 0;
		return sw(r, SW_OK);
	}
	if (!a->lc) {
		/* Status query: verified, tries left, or blocked. */
		if (c->pin_ok)
			return sw(r, SW_OK);
		return sw(r, c->pin_tries ? (uint16_t)(0x63C0 | c->pin_tries) : SW_PIN_BLOCKED);
	}
	if (a->lc != sizeof default_pin)
		return sw(r, SW_WRONG_DATA);
	if (!c->pin_tries)
		return sw(r, SW_PIN_BLOCKED);
	if (!memcmp(a->data, default_pin, sizeof default_pin)) {
		c->pin_tries = PIN_TRIES;
		c->pin_ok = 1;
		return sw(r, SW_OK);
	}
	c->pin_ok = 0;
	c->pin_tries--;
	return sw(r, c->pin_tries ? (uint16_t)(0x63C0 | c->pin_tries) : SW_PIN_BLOCKED);
}

static int do_general_authenticate(zc_vcard *c, const apdu *a, uint8_t *r, size_t rcap)
{
	if (a->p1 != 0x11 || a->p2 != 0x9E)
		return sw(r, SW_WRONG_P1P2);
	const uint8_t *p = a->data, *v, *chal = NULL;
	size_t n = a->lc, vlen, chal_len = 0;
	uint8_t tag;
	int want_response = 0;
	if (get_tlv(&p, &n, &tag, &v, &vlen) || n || tag != 0x7C)
		return sw(r, SW_WRONG_DATA);
	p = v;
	n = vlen;
	while (n) {
		if (get_tlv(&p, &n, &tag, &v, &vlen))
			return sw(r, SW_WRONG_DATA);
		if (tag == 0x82 && !vlen && !want_response) {
			want_response = 1;
		} else if (tag == 0x81 && !chal) {
			chal = v;
			chal_len = vlen;
		} else {
			/* witness (80), exponentiation (85), repeats */
			return sw(r, SW_WRONG_DATA);
		}
	}
	/* Internal authenticate: a challenge of the curve's size, signed as
	 * it is (the client hashed it). */
	if (!want_response || !chal || chal_len != ZC_HASH_LEN)
		return sw(r, SW_WRONG_DATA);
	uint8_t sig[ZC_SIG_MAX], buf[ZC_SIG_MAX + 8];
	size_t sig_len = sizeof sig;
	if (c->hostile_ga_len) {
		zc_wbuf hw;
		zc_wbuf_init(&hw, c->hostile_ga, sizeof c->hostile_ga);
		hw.len = c->hostile_ga_len;
		return respond(c, &hw, a->le, r, rcap);
	}
	if (zc_privkey_sign(c->key, chal, sig, &sig_len))
		return sw(r, SW_UNKNOWN);
	zc_wbuf w;
	zc_wbuf_init(&w, buf, sizeof buf);
	put_tl(&w, 0x7C, sig_len + 2);
	put_tlv(&w, 0x82, sig, sig_len);
	return respond(c, &w, a->le, r, rcap);
}

static int dispatch(zc_vcard *c, const apdu *a, uint8_t *r, size_t rcap)
{
	if (a->ins == 0xA4)
		return do_select(c, a, r, rcap);
	/* The card manager, selected by default, knows none of these. */
	if (!c->selected)
		return sw(r, SW_INS_UNKNOWN);
	switch (a->ins) {
	case 0xCB: return do_get_data(c, a, r, rcap);
	case 0x87: return do_general_authenticate(c, a, r, rcap);
	case 0x20: return do_verify(c, a, r);
	case 0x24: /* CHANGE REFERENCE DATA */
	case 0x2C: /* RESET RETRY COUNTER */
	case 0x47: /* GENERATE ASYMMETRIC KEY PAIR */
	case 0xDB: /* PUT DATA */ return sw(r, SW_SECURITY);
	default: return sw(r, SW_INS_UNKNOWN);
	}
}

int zc_vcard_transceive(zc_vcard *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap)
{
	if (!c || (!capdu && clen) || !rapdu)
		return ZC_EARG;
	if (c->kind != VC_PIV)
		return ZC_ESTATE;
	if (rcap < 2)
		return ZC_EARG;
	apdu a;
	if (parse_apdu(capdu, clen, &a)) {
		drop_chain(c);
		drop_resp(c);
		return sw(rapdu, SW_WRONG_LENGTH);
	}
	if (a.cla != 0x00 && a.cla != 0x10) {
		drop_chain(c);
		return sw(rapdu, SW_CLA_UNKNOWN);
	}
	if (a.ins == 0xC0 && a.cla == 0x00) {
		if (a.p1 || a.p2)
			return sw(rapdu, SW_WRONG_P1P2);
		if (!c->resp)
			return sw(rapdu, SW_CONDITIONS);
		return deliver(c, a.le, rapdu, rcap);
	}
	/* Any other command abandons a pending response. */
	drop_resp(c);
	if (c->chaining && (a.ins != c->chain_ins || a.p1 != c->chain_p1 || a.p2 != c->chain_p2)) {
		drop_chain(c);
		return sw(rapdu, SW_LAST_CMD_EXPECT);
	}
	if (a.cla == 0x10 || c->chaining) {
		if (c->chain_len + a.lc > CHAIN_MAX) {
			drop_chain(c);
			return sw(rapdu, SW_WRONG_LENGTH);
		}
		uint8_t *nb = realloc(c->chain, c->chain_len + a.lc + 1);
		if (!nb) {
			drop_chain(c);
			return sw(rapdu, SW_UNKNOWN);
		}
		c->chain = nb;
		if (a.lc)
			memcpy(c->chain + c->chain_len, a.data, a.lc);
		c->chain_len += a.lc;
		if (a.cla == 0x10) {
			c->chaining = 1;
			c->chain_ins = a.ins;
			c->chain_p1 = a.p1;
			c->chain_p2 = a.p2;
			return sw(rapdu, SW_OK);
		}
		/* The last command of the chain: run the whole. */
		uint8_t *whole = c->chain;
		a.data = whole;
		a.lc = c->chain_len;
		c->chain = NULL;
		c->chain_len = 0;
		c->chaining = 0;
		int ret = dispatch(c, &a, rapdu, rcap);
		free(whole);
		return ret;
	}
	return dispatch(c, &a, rapdu, rcap);
}
