/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pn532.c: the PN532 emulator engine (pn532.h).
 *
 * Layout: a frame parser (input side), command handlers that change the
 * chip and target state and queue replies, and an output queue of frames
 * each released at its due time. ISO 14443-4 block handling between the
 * chip and the card (block numbers, R(NAK) for presence checks, S(DESELECT))
 * lives here; the card itself (vcard.c) only sees APDUs.
 */
#include "pn532.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"

#define IN_CAP	      1024 /* bytes of one frame being assembled, at most */
#define FRAME_MAX     300  /* one reply frame, at most */
#define CARD_RESP_MAX 262  /* response APDU bytes the chip passes on */
#define MI_MAX	      4096 /* command data chained by the host with MI */
#define STALE_MS      100  /* a frame not completed in this time is dropped */

/* Status bytes of In* commands (PN532 User Manual, table 19). */
#define ST_OK	   0x00
#define ST_TIMEOUT 0x01
#define ST_CONTEXT 0x27 /* command not acceptable in the current context */

enum { HELD_NONE, HELD_LIST, HELD_POLL };

typedef struct seg {
	uint64_t due;
	size_t end; /* offset in out just after this segment */
} seg;

struct zc_pn532 {
	uint8_t regs[65536];
	uint8_t params; /* SetParameters flags; 0x10 = automatic RATS */
	uint8_t sam_mode;
	int field;	   /* RF field on */
	uint8_t mx_rty_pa; /* MxRtyPassiveActivation; FF = endless */
	zc_vcard *card;
	uint64_t card_gen; /* changes whenever a card enters or leaves */
	int remove_after;  /* the card leaves after this many more APDUs; -1 never */
	/* target 1 */
	int tg_listed; /* the chip knows a target (InListPassiveTarget) */
	int tg_active; /* and it is selected */
	int tg_isodep; /* ISO 14443-4 activated (RATS done) */
	uint64_t tg_gen;
	uint8_t picc_bn;		       /* the card's ISO 14443-4 block number */
	uint8_t last_block[CARD_RESP_MAX + 1]; /* the card's last I-block */
	size_t last_block_len;
	uint8_t *mi; /* command data chained with MI by the host */
	size_t mi_len;
	/* a held InListPassiveTarget or InAutoPoll */
	int held;
	uint64_t held_until; /* UINT64_MAX: until a card or the next frame */
	uint8_t held_args[32];
	size_t held_alen;
	/* input */
	uint8_t in[IN_CAP];
	size_t in_len;
	uint64_t in_last;
	size_t frame_bytes; /* bytes of the frame being handled (latency) */
	/* output */
	uint8_t *out;
	size_t out_len, out_cap;
	seg *segs;
	size_t nseg, seg_cap;
	uint8_t last_reply[FRAME_MAX];
	size_t last_reply_len;
	int latency;
	uint64_t now;
	zc_pn532_trace_fn trace;
	void *trace_ctx;
	zc_pn532_stats stats;
};

static const uint8_t ack_frame[] = {0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00};
static const uint8_t nack_frame[] = {0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00};
static const uint8_t error_frame[] = {0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00};
/* GetFirmwareVersion: IC PN532, firmware 1.6, ISO 14443 A and B, ISO 18092. */
static const uint8_t firmware[] = {0x32, 0x01, 0x06, 0x07};

/* ---- trace ---- */

static void tracef(zc_pn532 *p, const char *dir, const uint8_t *d, size_t n)
{
	if (!p->trace)
		return;
	char line[160];
	size_t k = (size_t)snprintf(line, sizeof line, "%s", dir);
	for (size_t i = 0; i < n && k + 4 < sizeof line; i++) {
		if (i == 40) {
			snprintf(line + k, sizeof line - k, " ...(%zu)", n);
			k = strlen(line);
			break;
		}
		k += (size_t)snprintf(line + k, sizeof line - k, " %02X", d[i]);
	}
	p->trace(p->trace_ctx, line);
}

/* ---- output queue ---- */

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	void *nb = realloc(*buf, nc * elem);
	if (!nb)
		return ZC_ENOMEM;
	*buf = nb;
	*cap = nc;
	return 0;
}

static void queue(zc_pn532 *p, const uint8_t *b, size_t n, uint64_t delay_ms)
{
	uint64_t due = p->now + delay_ms;
	if (p->nseg && due < p->segs[p->nseg - 1].due)
		due = p->segs[p->nseg - 1].due;
	if (grow((void **)&p->out, &p->out_cap, p->out_len + n, 1) ||
	    grow((void **)&p->segs, &p->seg_cap, p->nseg + 1, sizeof(seg)))
		return; /* out of memory: the host sees a timeout */
	memcpy(p->out + p->out_len, b, n);
	p->out_len += n;
	p->segs[p->nseg].due = due;
	p->segs[p->nseg].end = p->out_len;
	p->nseg++;
}

/* Forget output not yet due: the chip abandoned that command. */
static void drop_unreleased(zc_pn532 *p)
{
	size_t i = 0;
	while (i < p->nseg && p->segs[i].due <= p->now)
		i++;
	if (i < p->nseg) {
		p->stats.dropped++;
		p->out_len = i ? p->segs[i - 1].end : 0;
		p->nseg = i;
	}
}

/* ---- latency ---- */

/* Delay of a reply of out_bytes frame bytes after work_us of chip and card
 * time: the fixed latency, or the model (10 bits a byte at 115200 baud both
 * ways, plus the work). */
static uint64_t delay_ms(const zc_pn532 *p, size_t out_bytes, uint64_t work_us)
{
	if (p->latency >= 0)
		return (uint64_t)p->latency;
	uint64_t us = work_us + (uint64_t)(p->frame_bytes + out_bytes) * 87;
	return (us + 999) / 1000;
}

/* ISO 14443-A at 106 kbit/s: ~85 us a byte, frames of 64 bytes, ~0.5 ms
 * of turnaround each. */
static uint64_t rf_us(size_t bytes)
{
	return (uint64_t)bytes * 85 + (bytes / 60 + 1) * 500;
}

/* ---- replies ---- */

static int send_frame(zc_pn532 *p, uint8_t cmd, const uint8_t *d, size_t n, uint64_t work_us)
{
	uint8_t f[FRAME_MAX];
	size_t len = n + 2, k = 0;
	if (len + 10 > sizeof f)
		return ZC_EARG;
	f[k++] = 0x00;
	f[k++] = 0x00;
	f[k++] = 0xFF;
	if (len <= 0xFF) {
		f[k++] = (uint8_t)len;
		f[k++] = (uint8_t)(0x100 - len);
	} else {
		f[k++] = 0xFF;
		f[k++] = 0xFF;
		f[k++] = (uint8_t)(len >> 8);
		f[k++] = (uint8_t)len;
		f[k++] = (uint8_t)(0x100 - ((len >> 8) + (len & 0xFF)));
	}
	uint8_t sum = 0xD5 + (uint8_t)(cmd + 1);
	f[k++] = 0xD5;
	f[k++] = (uint8_t)(cmd + 1);
	for (size_t i = 0; i < n; i++) {
		f[k++] = d[i];
		sum += d[i];
	}
	f[k++] = (uint8_t)(0x100 - sum);
	f[k++] = 0x00;
	memcpy(p->last_reply, f, k);
	p->last_reply_len = k;
	tracef(p, "<-", f + (len <= 0xFF ? 5 : 8), len);
	queue(p, f, k, delay_ms(p, k, work_us));
	return 0;
}

static int send_status(zc_pn532 *p, uint8_t cmd, uint8_t status, uint64_t work_us)
{
	return send_frame(p, cmd, &status, 1, work_us);
}

static int send_error(zc_pn532 *p)
{
	p->stats.bad_frames++;
	memcpy(p->last_reply, error_frame, sizeof error_frame);
	p->last_reply_len = sizeof error_frame;
	tracef(p, "<- error frame", NULL, 0);
	queue(p, error_frame, sizeof error_frame, delay_ms(p, sizeof error_frame, 1000));
	return 0;
}

/* ---- targets ---- */

static int card_here(const zc_pn532 *p)
{
	return p->card && p->tg_listed && p->tg_gen == p->card_gen;
}

static void release_target(zc_pn532 *p)
{
	p->tg_listed = p->tg_active = p->tg_isodep = 0;
	p->last_block_len = 0;
	free(p->mi);
	p->mi = NULL;
	p->mi_len = 0;
}

/* Selection and, where asked, RATS: the card starts afresh. */
static void activate(zc_pn532 *p, int rats)
{
	zc_target t;
	zc_vcard_target(p->card, &t);
	zc_vcard_reset(p->card);
	p->tg_listed = p->tg_active = 1;
	p->tg_gen = p->card_gen;
	p->tg_isodep = rats && t.iso14443_4;
	p->picc_bn = 1; /* ISO 14443-4: the PICC block number starts at 1 */
	p->last_block_len = 0;
}

/* Target data: Tg ATQA SAK NFCIDLength NFCID [ATS with its length byte]. */
static size_t target_data(const zc_pn532 *p, int with_ats, uint8_t *d)
{
	zc_target t;
	zc_vcard_target(p->card, &t);
	size_t k = 0;
	d[k++] = 0x01;
	d[k++] = t.atqa[0];
	d[k++] = t.atqa[1];
	d[k++] = t.sak;
	d[k++] = (uint8_t)t.uid_len;
	memcpy(d + k, t.uid, t.uid_len);
	k += t.uid_len;
	if (with_ats && t.iso14443_4) {
		d[k++] = (uint8_t)(t.ats_len + 1);
		memcpy(d + k, t.ats, t.ats_len);
		k += t.ats_len;
	}
	return k;
}

/* Does the card answer a 106 kbit/s type A selection with this initiator
 * data (nothing, or its UID cascaded as libnfc sends it)? */
static int card_matches(const zc_pn532 *p, const uint8_t *init, size_t n)
{
	if (!p->card)
		return 0;
	if (!n)
		return 1;
	zc_target t;
	zc_vcard_target(p->card, &t);
	uint8_t c[12];
	size_t cn = 0;
	if (t.uid_len == 7) {
		c[cn++] = 0x88;
		memcpy(c + cn, t.uid, 7);
		cn += 7;
	} else if (t.uid_len == 10) {
		c[cn++] = 0x88;
		memcpy(c + cn, t.uid, 3);
		cn += 3;
		c[cn++] = 0x88;
		memcpy(c + cn, t.uid + 3, 7);
		cn += 7;
	} else {
		memcpy(c, t.uid, t.uid_len);
		cn = t.uid_len;
	}
	return n == cn && !memcmp(init, c, n);
}

/* InListPassiveTarget for a card that is there. */
static int list_found(zc_pn532 *p)
{
	int rats = (p->params & 0x10) != 0;
	activate(p, rats);
	uint8_t d[1 + 64];
	d[0] = 1;
	size_t n = 1 + target_data(p, rats, d + 1);
	return send_frame(p, 0x4A, d, n, 6000 + (p->tg_isodep ? 3000 : 0));
}

static int poll_type_matches(const zc_pn532 *p, uint8_t type)
{
	zc_target t;
	if (!p->card)
		return 0;
	zc_vcard_target(p->card, &t);
	switch (type) {
	case 0x00: /* generic passive 106 kbit/s */
	case 0x10: /* MIFARE (ISO 14443-3 A) */ return 1;
	case 0x20: /* ISO 14443-4 A */ return t.iso14443_4;
	default: return 0;
	}
}

/* InAutoPoll: answer with the card if one of the types finds it; 1 if so. */
static int poll_try(zc_pn532 *p, const uint8_t *types, size_t ntypes)
{
	for (size_t i = 0; i < ntypes; i++) {
		if (!poll_type_matches(p, types[i]))
			continue;
		int rats = types[i] == 0x20;
		activate(p, rats);
		uint8_t d[3 + 64];
		d[0] = 1;
		d[1] = types[i];
		size_t n = target_data(p, rats, d + 3);
		d[2] = (uint8_t)n;
		send_frame(p, 0x60, d, 3 + n, 8000 + (uint64_t)rats * 3000 + i * 2000);
		return 1;
	}
	return 0;
}

static void held_clear(zc_pn532 *p)
{
	if (p->held)
		p->stats.dropped++;
	p->held = HELD_NONE;
}

/* A held command may now be answered: by a card or by its time running out. */
static void held_check(zc_pn532 *p)
{
	if (p->held == HELD_LIST) {
		if (p->held_args[1] == 0x00 && card_matches(p, p->held_args + 2, p->held_alen - 2)) {
			p->held = HELD_NONE;
			list_found(p);
		}
	} else if (p->held == HELD_POLL) {
		if (poll_try(p, p->held_args + 2, p->held_alen - 2)) {
			p->held = HELD_NONE;
		} else if (p->now >= p->held_until) {
			p->held = HELD_NONE;
			static const uint8_t none = 0x00;
			send_frame(p, 0x60, &none, 1, 0);
		}
	}
}

static void field_off(zc_pn532 *p)
{
	p->field = 0;
	release_target(p);
	if (p->card)
		zc_vcard_reset(p->card); /* the card loses power */
}

/* ---- commands ---- */

static int cmd_diagnose(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n)
		return send_error(p);
	uint8_t st;
	switch (a[0]) {
	case 0x00: /* communication line test: echo */ return send_frame(p, 0x00, a, n, 1000);
	case 0x01: /* ROM test */
	case 0x02: /* RAM test */ return send_status(p, 0x00, 0x00, 50000);
	case 0x06: /* ISO 14443-4 card presence */
		st = card_here(p) && p->tg_isodep ? ST_OK : ST_TIMEOUT;
		return send_status(p, 0x00, st, 3000);
	case 0x07: /* antenna self test */ return send_status(p, 0x00, 0x00, 5000);
	default: return send_error(p);
	}
}

static int cmd_general_status(zc_pn532 *p)
{
	uint8_t d[8];
	size_t k = 0;
	d[k++] = 0x00; /* last error */
	d[k++] = (uint8_t)p->field;
	d[k++] = (uint8_t)(p->tg_active ? 1 : 0);
	if (p->tg_active) {
		d[k++] = 0x01; /* Tg */
		d[k++] = 0x00; /* BrRx 106 kbit/s */
		d[k++] = 0x00; /* BrTx */
		d[k++] = 0x00; /* type A */
	}
	d[k++] = 0x00; /* SAM status */
	return send_frame(p, 0x04, d, k, 1000);
}

static int cmd_read_register(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n || n % 2)
		return send_error(p);
	uint8_t d[FRAME_MAX];
	size_t k = 0;
	for (size_t i = 0; i + 1 < n && k < sizeof d - 16; i += 2)
		d[k++] = p->regs[(size_t)a[i] << 8 | a[i + 1]];
	return send_frame(p, 0x06, d, k, 1000);
}

static int cmd_write_register(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n || n % 3)
		return send_error(p);
	for (size_t i = 0; i + 2 < n; i += 3)
		p->regs[(size_t)a[i] << 8 | a[i + 1]] = a[i + 2];
	return send_frame(p, 0x08, NULL, 0, 1000);
}

static int cmd_rf_configuration(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n)
		return send_error(p);
	switch (a[0]) {
	case 0x01: /* RF field */
		if (n < 2)
			return send_error(p);
		if (a[1] & 0x01)
			p->field = 1;
		else
			field_off(p);
		break;
	case 0x02: /* various timings */
		if (n < 4)
			return send_error(p);
		break;
	case 0x04: /* MaxRtyCOM */
		if (n < 2)
			return send_error(p);
		break;
	case 0x05: /* MxRtyATR, MxRtyPSL, MxRtyPassiveActivation */
		if (n < 4)
			return send_error(p);
		p->mx_rty_pa = a[3];
		break;
	case 0x0A: /* analog settings */
	case 0x0B:
	case 0x0C:
	case 0x0D: break;
	default: return send_error(p);
	}
	return send_frame(p, 0x32, NULL, 0, 1000);
}

static int cmd_in_list_passive_target(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (n < 2 || a[0] < 1 || a[0] > 2 || a[1] > 0x04 || n > sizeof p->held_args)
		return send_error(p);
	release_target(p);
	p->field = 1;
	if (a[1] == 0x00 && card_matches(p, a + 2, n - 2))
		return list_found(p);
	if (p->mx_rty_pa == 0xFF) {
		/* A real chip keeps trying and answers when a card comes. */
		p->held = HELD_LIST;
		p->held_until = UINT64_MAX;
		memcpy(p->held_args, a, n);
		p->held_alen = n;
		return 0;
	}
	static const uint8_t none = 0x00;
	return send_frame(p, 0x4A, &none, 1, 5000 * ((uint64_t)p->mx_rty_pa + 1));
}

static int cmd_in_auto_poll(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (n < 3 || n > 2 + 15 || !a[0] || a[1] < 1 || a[1] > 0x0F)
		return send_error(p);
	release_target(p);
	p->field = 1;
	if (poll_try(p, a + 2, n - 2))
		return 0;
	p->held = HELD_POLL;
	memcpy(p->held_args, a, n);
	p->held_alen = n;
	p->held_until = a[0] == 0xFF ? UINT64_MAX : p->now + (uint64_t)a[0] * (n - 2) * a[1] * 150;
	return 0;
}

/* The card's answer to an APDU as the chip passes it on: status, response. */
static int exchange_apdu(zc_pn532 *p, uint8_t cmd, const uint8_t *apdu, size_t alen, int with_pcb)
{
	uint8_t d[2 + CARD_RESP_MAX];
	size_t off = with_pcb ? 2 : 1;
	int r = zc_vcard_transceive(p->card, apdu, alen, d + off, CARD_RESP_MAX - (with_pcb ? 1 : 0));
	p->stats.exchanges++;
	if (r < 0)
		return send_status(p, cmd, ST_TIMEOUT, 5000);
	/* Rule D of ISO 14443-4: toggle, then answer with the block number. */
	p->picc_bn ^= 1;
	p->last_block[0] = (uint8_t)(0x02 | p->picc_bn);
	memcpy(p->last_block + 1, d + off, (size_t)r);
	p->last_block_len = (size_t)r + 1;
	d[0] = ST_OK;
	if (with_pcb)
		d[1] = p->last_block[0];
	/* A signature takes a card tens of milliseconds. */
	uint64_t work = 2000 + rf_us(alen + (size_t)r) + (alen > 1 && apdu[1] == 0x87 ? 60000 : 0);
	return send_frame(p, cmd, d, off + (size_t)r, work);
}

static int cmd_in_data_exchange(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n)
		return send_error(p);
	uint8_t tg = a[0];
	if ((tg & 0x0F) != 1 || !p->tg_listed || !p->tg_active)
		return send_status(p, 0x40, ST_CONTEXT, 1000);
	if (!card_here(p))
		return send_status(p, 0x40, ST_TIMEOUT, 5000);
	if (!p->tg_isodep) {
		zc_target t;
		zc_vcard_target(p->card, &t);
		/* Without automatic RATS the host may send RATS itself. */
		if (t.iso14443_4 && n == 3 && a[1] == 0xE0) {
			activate(p, 1);
			uint8_t d[2 + ZC_ATS_MAX];
			d[0] = ST_OK;
			d[1] = (uint8_t)(t.ats_len + 1);
			memcpy(d + 2, t.ats, t.ats_len);
			return send_frame(p, 0x40, d, 2 + t.ats_len, 3000);
		}
		/* A MIFARE-like card has no memory here: it stays silent. */
		return send_status(p, 0x40, ST_TIMEOUT, 5000);
	}
	if (tg & 0x40) {
		/* More data follows: the host chains a long command. */
		if (p->mi_len + n - 1 > MI_MAX)
			return send_status(p, 0x40, 0x07, 1000); /* buffer too small */
		uint8_t *nb = realloc(p->mi, p->mi_len + n);
		if (!nb)
			return send_status(p, 0x40, 0x07, 1000);
		p->mi = nb;
		memcpy(p->mi + p->mi_len, a + 1, n - 1);
		p->mi_len += n - 1;
		return send_status(p, 0x40, ST_OK, rf_us(n));
	}
	if (p->mi) {
		uint8_t *whole = realloc(p->mi, p->mi_len + n);
		if (!whole) {
			release_target(p);
			return send_status(p, 0x40, 0x07, 1000);
		}
		memcpy(whole + p->mi_len, a + 1, n - 1);
		size_t wl = p->mi_len + n - 1;
		p->mi = NULL;
		p->mi_len = 0;
		exchange_apdu(p, 0x40, whole, wl, 0);
		free(whole);
		return 0;
	}
	if (p->remove_after == 0) { /* pulled away mid-tap: this APDU is lost */
		zc_pn532_set_card(p, NULL, p->now);
		return send_status(p, 0x40, ST_TIMEOUT, 5000);
	}
	if (p->remove_after > 0)
		p->remove_after--;
	return exchange_apdu(p, 0x40, a + 1, n - 1, 0);
}

/* Raw frames to the card. Only ISO 14443-4 blocks without CID or NAD to an
 * active ISO 14443-4 card get an answer; everything else times out, as a
 * type B, FeliCa or Jewel probe does with no such card in the field. */
static int cmd_in_communicate_thru(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (!n || !p->tg_active || !card_here(p) || !p->tg_isodep)
		return send_status(p, 0x42, ST_TIMEOUT, 5000);
	uint8_t pcb = a[0];
	if ((pcb & 0xE2) == 0x02 && !(pcb & 0x1C)) {
		/* I-block: an APDU */
		return exchange_apdu(p, 0x42, a + 1, n - 1, 1);
	}
	if ((pcb & 0xE6) == 0xA2 && !(pcb & 0x08) && n == 1) {
		/* R-block. Rules 11 and 12: the same block number repeats the
		 * last block; another one (an R(NAK)) gets an R(ACK). This is
		 * libnfc's presence check (B2). */
		uint8_t d[2 + CARD_RESP_MAX];
		d[0] = ST_OK;
		if ((pcb & 1) == p->picc_bn && p->last_block_len) {
			memcpy(d + 1, p->last_block, p->last_block_len);
			return send_frame(p, 0x42, d, 1 + p->last_block_len, 2000 + rf_us(p->last_block_len));
		}
		d[1] = (uint8_t)(0xA2 | p->picc_bn);
		return send_frame(p, 0x42, d, 2, 2000);
	}
	if (pcb == 0xC2 && n == 1) {
		/* S(DESELECT): the card answers and halts. */
		uint8_t d[2] = {ST_OK, 0xC2};
		zc_vcard_reset(p->card);
		p->tg_active = p->tg_isodep = 0;
		return send_frame(p, 0x42, d, 2, 2000);
	}
	return send_status(p, 0x42, ST_TIMEOUT, 5000);
}

static void deselect(zc_pn532 *p)
{
	if (p->tg_active && card_here(p))
		zc_vcard_reset(p->card); /* S(DESELECT) or HLTA */
	p->tg_active = p->tg_isodep = 0;
	free(p->mi);
	p->mi = NULL;
	p->mi_len = 0;
}

static int cmd_in_deselect(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (n < 1)
		return send_error(p);
	if (a[0] == 0 || a[0] == 1)
		deselect(p);
	return send_status(p, 0x44, ST_OK, p->tg_listed ? 3000 : 1000);
}

static int cmd_in_release(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (n < 1)
		return send_error(p);
	if (a[0] == 0 || a[0] == 1) {
		deselect(p);
		release_target(p);
	}
	return send_status(p, 0x52, ST_OK, 3000);
}

static int cmd_in_select(zc_pn532 *p, const uint8_t *a, size_t n)
{
	if (n < 1)
		return send_error(p);
	if (a[0] != 1 || !p->tg_listed)
		return send_status(p, 0x54, ST_CONTEXT, 1000);
	if (!card_here(p))
		return send_status(p, 0x54, ST_TIMEOUT, 5000);
	activate(p, (p->params & 0x10) != 0);
	return send_status(p, 0x54, ST_OK, 9000);
}

static int handle_command(zc_pn532 *p, const uint8_t *d, size_t n)
{
	tracef(p, "->", d, n);
	if (n < 2 || d[0] != 0xD4) {
		queue(p, ack_frame, sizeof ack_frame, 0);
		return send_error(p);
	}
	p->stats.frames++;
	queue(p, ack_frame, sizeof ack_frame, 0);
	uint8_t cmd = d[1];
	const uint8_t *a = d + 2;
	size_t an = n - 2;
	switch (cmd) {
	case 0x00: return cmd_diagnose(p, a, an);
	case 0x02:
		if (an)
			return send_error(p);
		return send_frame(p, 0x02, firmware, sizeof firmware, 1000);
	case 0x04: return cmd_general_status(p);
	case 0x06: return cmd_read_register(p, a, an);
	case 0x08: return cmd_write_register(p, a, an);
	case 0x12:
		if (an != 1)
			return send_error(p);
		p->params = a[0];
		return send_frame(p, 0x12, NULL, 0, 1000);
	case 0x14:
		if (an < 1 || an > 3 || a[0] < 1 || a[0] > 4)
			return send_error(p);
		p->sam_mode = a[0];
		return send_frame(p, 0x14, NULL, 0, 1000);
	case 0x16:
		if (an < 1 || an > 2)
			return send_error(p);
		field_off(p);
		return send_status(p, 0x16, ST_OK, 1000);
	case 0x32: return cmd_rf_configuration(p, a, an);
	case 0x40: return cmd_in_data_exchange(p, a, an);
	case 0x42: return cmd_in_communicate_thru(p, a, an);
	case 0x44: return cmd_in_deselect(p, a, an);
	case 0x4A: return cmd_in_list_passive_target(p, a, an);
	case 0x52: return cmd_in_release(p, a, an);
	case 0x54: return cmd_in_select(p, a, an);
	case 0x60: return cmd_in_auto_poll(p, a, an);
	default: return send_error(p);
	}
}

/* ---- input ---- */

static void consume(zc_pn532 *p, size_t n)
{
	memmove(p->in, p->in + n, p->in_len - n);
	p->in_len -= n;
}

/* A new frame: whatever the chip was doing is abandoned. */
static void frame_start(zc_pn532 *p)
{
	held_clear(p);
	drop_unreleased(p);
}

static void parse(zc_pn532 *p)
{
	for (;;) {
		size_t i = 0;
		while (i + 1 < p->in_len && !(p->in[i] == 0x00 && p->in[i + 1] == 0xFF))
			i++;
		if (i + 1 >= p->in_len) {
			/* No start code: keep a last 00, drop the rest (wake-up
			 * bytes, postambles, noise). */
			size_t keep = p->in_len && p->in[p->in_len - 1] == 0x00;
			consume(p, p->in_len - keep);
			return;
		}
		consume(p, i);
		if (p->in_len < 4)
			return;
		uint8_t len = p->in[2], lcs = p->in[3];
		if (len == 0x00 && lcs == 0xFF) {
			/* ACK from the host: abort the running command. */
			tracef(p, "-> ACK (abort)", NULL, 0);
			frame_start(p);
			consume(p, 4);
			continue;
		}
		if (len == 0xFF && lcs == 0x00) {
			/* NACK from the host: send the last reply again. */
			tracef(p, "-> NACK (repeat)", NULL, 0);
			if (p->last_reply_len)
				queue(p, p->last_reply, p->last_reply_len, 0);
			consume(p, 4);
			continue;
		}
		size_t dlen, hdr;
		if (len == 0xFF && lcs == 0xFF) {
			if (p->in_len < 7)
				return;
			dlen = (size_t)p->in[4] << 8 | p->in[5];
			hdr = 7;
			if ((uint8_t)(p->in[4] + p->in[5] + p->in[6])) {
				tracef(p, "-> bad extended length checksum", NULL, 0);
				p->stats.bad_frames++;
				queue(p, nack_frame, sizeof nack_frame, 0);
				consume(p, 2);
				continue;
			}
		} else {
			dlen = len;
			hdr = 4;
			if ((uint8_t)(len + lcs)) {
				tracef(p, "-> bad length checksum", NULL, 0);
				p->stats.bad_frames++;
				queue(p, nack_frame, sizeof nack_frame, 0);
				consume(p, 2);
				continue;
			}
		}
		if (dlen > ZC_PN532_MAX_DATA || !dlen) {
			tracef(p, "-> frame length out of range", NULL, 0);
			frame_start(p);
			send_error(p);
			consume(p, hdr);
			continue;
		}
		if (p->in_len < hdr + dlen + 1)
			return; /* wait for the data and DCS */
		const uint8_t *d = p->in + hdr;
		uint8_t sum = 0;
		for (size_t k = 0; k <= dlen; k++)
			sum += d[k];
		frame_start(p);
		p->frame_bytes = hdr + dlen + 2;
		if (sum) {
			tracef(p, "-> bad data checksum", NULL, 0);
			send_error(p);
		} else {
			handle_command(p, d, dlen);
		}
		consume(p, hdr + dlen + 1);
	}
}

void zc_pn532_input(zc_pn532 *p, const uint8_t *buf, size_t n, uint64_t now_ms)
{
	if (!p)
		return;
	p->now = now_ms;
	if (p->in_len && now_ms - p->in_last > STALE_MS)
		p->in_len = 0; /* the rest of that frame never came */
	p->in_last = now_ms;
	while (n) {
		size_t k = IN_CAP - p->in_len;
		if (k > n)
			k = n;
		memcpy(p->in + p->in_len, buf, k);
		p->in_len += k;
		buf += k;
		n -= k;
		parse(p);
		if (p->in_len == IN_CAP)
			p->in_len = 0; /* cannot be a frame: resynchronise */
	}
}

size_t zc_pn532_output(zc_pn532 *p, uint64_t now_ms, uint8_t *buf, size_t cap)
{
	if (!p)
		return 0;
	p->now = now_ms;
	if (p->held)
		held_check(p);
	size_t n = 0;
	while (p->nseg && p->segs[0].due <= now_ms && n < cap) {
		size_t take = p->segs[0].end;
		if (take > cap - n)
			take = cap - n;
		memcpy(buf + n, p->out, take);
		n += take;
		memmove(p->out, p->out + take, p->out_len - take);
		p->out_len -= take;
		for (size_t i = 0; i < p->nseg; i++)
			p->segs[i].end -= take;
		if (!p->segs[0].end) {
			memmove(p->segs, p->segs + 1, (p->nseg - 1) * sizeof(seg));
			p->nseg--;
		}
	}
	return n;
}

uint64_t zc_pn532_next_event(const zc_pn532 *p)
{
	uint64_t t = UINT64_MAX;
	if (!p)
		return t;
	if (p->nseg)
		t = p->segs[0].due;
	if (p->held && p->held_until < t)
		t = p->held_until;
	return t;
}

/* ---- life cycle ---- */

static void power_on(zc_pn532 *p)
{
	memset(p->regs, 0, sizeof p->regs);
	/* A few CIU reset values (PN532 data sheet, table 8.6). */
	p->regs[0x6301] = 0x3F; /* Mode */
	p->regs[0x6304] = 0x80; /* TxControl */
	p->regs[0x6305] = 0x00; /* TxAuto */
	p->regs[0x6316] = 0x84; /* RxThreshold */
	p->regs[0x6317] = 0x4D; /* Demod */
	p->regs[0x633C] = 0x10; /* Control */
	p->params = 0x00;
	p->sam_mode = 0x01;
	p->field = 0;
	p->mx_rty_pa = 0xFF;
	release_target(p);
	p->held = HELD_NONE;
	p->in_len = 0;
	p->out_len = 0;
	p->nseg = 0;
	p->last_reply_len = 0;
}

int zc_pn532_new(zc_pn532 **out)
{
	if (!out)
		return ZC_EARG;
	zc_pn532 *p = calloc(1, sizeof *p);
	if (!p)
		return ZC_ENOMEM;
	p->remove_after = -1;
	power_on(p);
	*out = p;
	return 0;
}

void zc_pn532_free(zc_pn532 *p)
{
	if (!p)
		return;
	release_target(p);
	zc_vcard_free(p->card);
	free(p->out);
	free(p->segs);
	free(p);
}

void zc_pn532_reset(zc_pn532 *p)
{
	if (!p)
		return;
	power_on(p);
	if (p->card)
		zc_vcard_reset(p->card);
}

void zc_pn532_set_card(zc_pn532 *p, zc_vcard *card, uint64_t now_ms)
{
	if (!p)
		return;
	p->now = now_ms;
	if (p->card != card)
		zc_vcard_free(p->card);
	p->card = card;
	p->card_gen++;
	p->remove_after = -1;
	if (card)
		zc_vcard_reset(card);
	if (p->held)
		held_check(p);
}

void zc_pn532_remove_after(zc_pn532 *p, int apdus)
{
	if (p)
		p->remove_after = apdus;
}

const zc_vcard *zc_pn532_card(const zc_pn532 *p)
{
	return p ? p->card : NULL;
}

void zc_pn532_set_latency(zc_pn532 *p, int ms)
{
	if (p)
		p->latency = ms < 0 ? ZC_PN532_LATENCY_MODEL : ms;
}

int zc_pn532_latency(const zc_pn532 *p)
{
	return p ? p->latency : 0;
}

void zc_pn532_set_trace(zc_pn532 *p, zc_pn532_trace_fn fn, void *ctx)
{
	if (p) {
		p->trace = fn;
		p->trace_ctx = ctx;
	}
}

void zc_pn532_get_stats(const zc_pn532 *p, zc_pn532_stats *s)
{
	if (p && s)
		*s = p->stats;
}
