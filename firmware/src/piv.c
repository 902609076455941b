/* SPDX-License-Identifier: Apache-2.0 */
/*
 * piv.c: PIV card authentication over a zc_reader (zc/piv.h).
 *
 * Responses longer than one exchange arrive as 61 xx (more data) and are
 * collected with GET RESPONSE; a 6C xx (wrong Le) is retried with the length
 * the card names. Lengths are bounded everywhere; a card cannot make the
 * terminal read or write past its buffers. Time is bounded too: a tap's
 * whole dialogue runs against one deadline (zc_piv_set_budget), and every
 * round trip waits at most until it, so a card answering 61 xx slowly and
 * forever cannot hold the terminal. The card's signature is taken only in
 * strict DER form (zc_ecdsa_sig_check): whatever a card answers is either
 * refused here or can be stored in a record.
 */
#include "zc/piv.h"

#include <string.h>
#include <time.h>

#include "zc/crypto.h"
#include "zc/err.h"

#define APDU_TIMEOUT_MS 1000
#define RESP_MAX	4096

static const uint8_t piv_aid[] = {0xA0, 0x00, 0x00, 0x03, 0x08};
static unsigned round_trips;
static double deadline_ms; /* CLOCK_MONOTONIC ms; 0: none */

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void zc_piv_set_budget(unsigned ms)
{
	deadline_ms = ms ? mono_ms() + ms : 0;
}

unsigned zc_piv_round_trips(void)
{
	return round_trips;
}

/* Send one APDU, follow 61 xx / 6C xx. On success returns the data length
 * (status 90 00 stripped) in out (cap bytes); a final status other than
 * 90 00 gives ZC_ESTATE with *sw set. */
static int exchange(zc_reader *r, const uint8_t *apdu, size_t alen, uint8_t *out, size_t cap, uint16_t *sw)
{
	uint8_t cmd[261], rbuf[300];
	size_t got = 0;
	if (alen > sizeof cmd)
		return ZC_EARG;
	memcpy(cmd, apdu, alen);
	for (int guard = 0; guard < 64; guard++) {
		int timeout = APDU_TIMEOUT_MS;
		if (deadline_ms) {
			double left = deadline_ms - mono_ms();
			if (left < 1)
				return ZC_EAGAIN; /* the tap's time is up */
			if (left < timeout)
				timeout = (int)left;
		}
		round_trips++;
		int n = r->transceive(r->ctx, cmd, alen, rbuf, sizeof rbuf, timeout);
		if (n < 0)
			return n;
		if (n < 2)
			return ZC_EMALFORMED;
		uint8_t sw1 = rbuf[n - 2], sw2 = rbuf[n - 1];
		size_t dlen = (size_t)n - 2;
		if (sw1 == 0x6C && alen >= 5) { /* wrong Le: repeat with the right one */
			cmd[alen - 1] = sw2;
			continue;
		}
		if (dlen > cap - got)
			return ZC_EMALFORMED;
		memcpy(out + got, rbuf, dlen);
		got += dlen;
		*sw = (uint16_t)(sw1 << 8 | sw2);
		if (sw1 == 0x61) { /* more data: GET RESPONSE */
			const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, sw2};
			memcpy(cmd, gr, sizeof gr);
			alen = sizeof gr;
			continue;
		}
		if (*sw != 0x9000)
			return ZC_ESTATE;
		return (int)got;
	}
	return ZC_EMALFORMED; /* a card that never finishes */
}

int zc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, const uint8_t **val, size_t *vlen)
{
	size_t off = 0;
	while (off < len) {
		/* tag: first byte, more bytes while the low 5 bits are all ones
		 * (first byte) or the high bit is set (later bytes) */
		uint32_t t = buf[off++];
		if ((t & 0x1F) == 0x1F) {
			int k = 0;
			do {
				if (off >= len || ++k > 2)
					return ZC_EMALFORMED;
				t = (t << 8) | buf[off];
			} while (buf[off++] & 0x80);
		}
		if (off >= len)
			return ZC_EMALFORMED;
		size_t l = buf[off++];
		if (l & 0x80) {
			int nb = (int)(l & 0x7F);
			if (nb < 1 || nb > 3 || (size_t)nb > len - off)
				return ZC_EMALFORMED;
			l = 0;
			while (nb--)
				l = (l << 8) | buf[off++];
		}
		if (l > len - off)
			return ZC_EMALFORMED;
		if (t == tag) {
			*val = buf + off;
			*vlen = l;
			return 0;
		}
		off += l;
	}
	return ZC_ENOENT;
}

int zc_piv_select(zc_reader *r)
{
	uint8_t apdu[5 + sizeof piv_aid + 1] = {0x00, 0xA4, 0x04, 0x00, sizeof piv_aid};
	uint8_t out[RESP_MAX];
	uint16_t sw;
	memcpy(apdu + 5, piv_aid, sizeof piv_aid);
	apdu[sizeof apdu - 1] = 0x00;
	round_trips = 0;
	int n = exchange(r, apdu, sizeof apdu, out, sizeof out, &sw);
	return n < 0 ? n : 0;
}

/* GET DATA for a 3-byte object tag; returns the contents of tag 53. */
static int get_data(zc_reader *r, uint32_t tag, uint8_t *out, size_t cap, const uint8_t **obj, size_t *olen)
{
	const uint8_t apdu[] = {
	    0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, (uint8_t)(tag >> 16), (uint8_t)(tag >> 8), (uint8_t)tag, 0x00};
	uint16_t sw;
	int n = exchange(r, apdu, sizeof apdu, out, cap, &sw);
	if (n < 0)
		return n;
	return zc_tlv_find(out, (size_t)n, 0x53, obj, olen) ? ZC_EMALFORMED : 0;
}

int zc_piv_read_uuid(zc_reader *r, uint8_t uuid[ZC_PIV_UUID_LEN])
{
	uint8_t out[RESP_MAX];
	const uint8_t *obj, *g;
	size_t olen, glen;
	int rc = get_data(r, 0x5FC102, out, sizeof out, &obj, &olen);
	if (rc)
		return rc;
	if (zc_tlv_find(obj, olen, 0x34, &g, &glen) || glen != ZC_PIV_UUID_LEN)
		return ZC_EMALFORMED;
	memcpy(uuid, g, ZC_PIV_UUID_LEN);
	return 0;
}

int zc_piv_read_cert(zc_reader *r, uint8_t *cert, size_t *cert_len)
{
	uint8_t out[RESP_MAX];
	const uint8_t *obj, *c, *info;
	size_t olen, clen, ilen;
	int rc = get_data(r, 0x5FC101, out, sizeof out, &obj, &olen);
	if (rc)
		return rc;
	if (zc_tlv_find(obj, olen, 0x70, &c, &clen) || clen == 0 || clen > ZC_PIV_CERT_MAX)
		return ZC_EMALFORMED;
	/* CertInfo bit 0 set means a compressed certificate, which we refuse. */
	if (!zc_tlv_find(obj, olen, 0x71, &info, &ilen) && ilen == 1 && (info[0] & 1))
		return ZC_EMALFORMED;
	memcpy(cert, c, clen);
	*cert_len = clen;
	return 0;
}

int zc_piv_sign(zc_reader *r, const uint8_t challenge[32], uint8_t *sig, size_t *sig_len)
{
	uint8_t apdu[5 + 4 + 2 + 32 + 1] = {0x00,	0x87, 0x11, 0x9E, 4 + 2 + 32, 0x7C,
					    2 + 2 + 32, 0x82, 0x00, 0x81, 0x20};
	uint8_t out[RESP_MAX];
	uint16_t sw;
	const uint8_t *dyn, *s;
	size_t dlen, slen;
	memcpy(apdu + 11, challenge, 32);
	apdu[sizeof apdu - 1] = 0x00;
	int n = exchange(r, apdu, sizeof apdu, out, sizeof out, &sw);
	if (n < 0)
		return n;
	if (zc_tlv_find(out, (size_t)n, 0x7C, &dyn, &dlen) || zc_tlv_find(dyn, dlen, 0x82, &s, &slen))
		return ZC_EMALFORMED;
	if (zc_ecdsa_sig_check(s, slen, 0))
		return ZC_EMALFORMED; /* not a DER ECDSA P-256 signature */
	memcpy(sig, s, slen);
	*sig_len = slen;
	return 0;
}
