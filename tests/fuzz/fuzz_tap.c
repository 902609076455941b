/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_tap.c: libFuzzer target for a whole tap: terminal.c's loop, with
 * piv.c, the badge checks and the event log under it, on a fake reader
 * whose card answers are chosen by the input (a genuine badge, an
 * impostor's self-made certificate under the same UUID, a card claiming
 * another UUID, UID-only cards, and any of their answers replaced, bent,
 * cut short or the card pulled away).
 *
 * Input: per tap a header byte (bit 0: ISO 14443-4; bit 1: the impostor's
 * card; bit 2: the CHUID claims another card's UUID; bit 3: no time passes
 * since the last tap; bits 4-6: UID length 0-7), a length L and L bytes of
 * the tap's script: per APDU an op byte (0 honest, 1 honest with one byte
 * flipped, 2 a raw answer `LEN BYTES`, 3 the card leaves, 4 honest with
 * another status word); past its script the card answers honestly.
 * Invariants: no out-of-bounds access (ASan, UBSan); the terminal keeps
 * running (every step returns 0); the record of every tap is written (one
 * tap record per card, unless it is answered "already recorded"), and it
 * decodes and verifies with the terminal's key; a tap recorded OK is the
 * genuine badge with its own certificate and a signature over the
 * record's challenge; a cached certificate always chains to the CA under
 * its own UUID; the card is never talked to with the journal lock held.
 *
 * Seeds (corpus/fuzz_tap): honest taps of each kind, item 12's zero
 * signature, item 13's impostor under the victim's UUID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_card.h"
#include "zc/journal.h"
#include "zc/piv.h"
#include "zc/record.h"
#include "zc/storage.h"
#include "zc/terminal.h"
#include "zc/termlog.h"

typedef struct fake {
	const uint8_t *p, *end;
	const uint8_t *tap_end; /* the current tap's script ends here */
	fc_card genuine, impostor, *cur;
	zc_simclock *sc;
	int polled; /* poll handed out a card this step */
	int locked;
} fake;

static int next_byte(fake *f, int *b)
{
	if (f->p >= f->tap_end)
		return 0;
	*b = *f->p++;
	return 1;
}

static int f_open(void *c)
{
	(void)c;
	return 0;
}

static int f_poll(void *c, int ms, zc_target *t)
{
	fake *f = c;
	fc_world *w = fc_get();
	int h, l = 0;
	(void)ms;
	f->p = f->tap_end;
	f->tap_end = f->end;
	if (!next_byte(f, &h))
		return 0;
	next_byte(f, &l);
	f->tap_end = (size_t)(f->end - f->p) < (size_t)l ? f->end : f->p + l;
	memset(t, 0, sizeof *t);
	t->iso14443_4 = h & 1;
	t->uid_len = (size_t)(h >> 4 & 7);
	for (size_t i = 0; i < t->uid_len; i++)
		t->uid[i] = (uint8_t)(0x04 + i);
	t->atqa[1] = 0x04;
	t->sak = t->iso14443_4 ? 0x20 : 0x08;
	f->cur = h & 2 ? &f->impostor : &f->genuine;
	f->cur->uuid = h & 4 ? w->uuid2 : w->uuid;
	f->cur->plen = f->cur->poff = 0;
	if (!(h & 8))
		zc_simclock_advance(f->sc, 61000);
	f->polled = 1;
	return 1;
}

static int f_transceive(void *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int ms)
{
	fake *f = c;
	int op = 0, a, b;
	if (f->locked || ms <= 0 || rcap < 264)
		abort(); /* the card waited on under the journal lock */
	next_byte(f, &op);
	switch (op % 5) {
	case 1: {
		int n = fc_answer(f->cur, capdu, clen, rapdu);
		if (next_byte(f, &a) && next_byte(f, &b))
			rapdu[(size_t)a % (size_t)n] ^= (uint8_t)(b ? b : 1);
		return n;
	}
	case 2: {
		int len = 0;
		next_byte(f, &len);
		size_t n = (size_t)len;
		if (n > (size_t)(f->tap_end - f->p))
			n = (size_t)(f->tap_end - f->p);
		memcpy(rapdu, f->p, n);
		f->p += n;
		return (int)n;
	}
	case 3: return ZC_ENOENT;
	case 4: {
		int n = fc_answer(f->cur, capdu, clen, rapdu);
		if (next_byte(f, &a) && next_byte(f, &b)) {
			rapdu[n - 2] = (uint8_t)a;
			rapdu[n - 1] = (uint8_t)b;
		}
		return n;
	}
	default: return fc_answer(f->cur, capdu, clen, rapdu);
	}
}

static int f_present(void *c)
{
	(void)c;
	return 0;
}
static void f_nop(void *c)
{
	(void)c;
}

static void f_lock(void *c)
{
	((fake *)c)->locked = 1;
}
static void f_unlock(void *c)
{
	((fake *)c)->locked = 0;
}

typedef struct fb {
	int last;
	unsigned n;
} fb;
static void fb_show(void *c, const zc_fb_event *ev)
{
	fb *b = c;
	b->last = ev->kind;
	b->n++;
}

static void write_seeds(const char *dir)
{
	/* the genuine badge, again from the cache, a UID card (2 bytes), a
	 * card without a UID, a PIV card with a 7-byte UID */
	static const uint8_t honest[] = {0x01, 0, 0x01, 0, 0x20, 0, 0x00, 0, 0x71, 0};
	/* the impostor's certificate under the victim's UUID; the genuine
	 * badge; another genuine certificate's UUID claimed (item 13) */
	static const uint8_t impostor[] = {0x03, 0, 0x01, 0, 0x05, 0, 0x01, 0};
	static const uint8_t duplicate[] = {0x01, 0, 0x09, 0, 0x01, 0};
	fc_write_seed(dir, "honest", honest, sizeof honest);
	fc_write_seed(dir, "impostor", impostor, sizeof impostor);
	fc_write_seed(dir, "duplicate", duplicate, sizeof duplicate);
	/* item 12: GENERAL AUTHENTICATE answered 7C 0A 82 08 00..00 90 00
	 * (select, CHUID and the certificate's pieces honest, then the raw
	 * answer), then the genuine badge again */
	uint8_t b[64];
	size_t k = 0, n = 0;
	const fc_world *w = fc_get();
	b[k++] = 0x01;
	k++; /* length, below */
	for (size_t i = 0; i < 2 + (w->cert_len + 16) / 240 + 1; i++, n++)
		b[k++] = 0x00;
	b[k++] = 0x02;
	static const uint8_t ga[] = {0x7C, 0x0A, 0x82, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00};
	b[k++] = sizeof ga;
	memcpy(b + k, ga, sizeof ga);
	k += sizeof ga;
	b[1] = (uint8_t)(n + 2 + sizeof ga);
	b[k++] = 0x09;
	b[k++] = 0;
	fc_write_seed(dir, "zero-signature", b, k);
	/* the card pulled away at GENERAL AUTHENTICATE, then a slow 61 xx */
	static const uint8_t removed[] = {0x01, 6, 0, 0, 0, 0, 0, 3, 0x09, 0};
	fc_write_seed(dir, "removed", removed, sizeof removed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fc_world *w = fc_get();
	static zc_privkey *tkey;
	static zc_pubkey *tpub;
	static zc_badge_cert *genuine;
	if (!tkey) {
		uint64_t rng = 0x7e41a1ULL;
		if (zc_privkey_generate_rng(fc_rng, &rng, &tkey) || zc_pubkey_from_priv(tkey, &tpub) ||
		    zc_badge_cert_parse(w->cert, w->cert_len, &genuine))
			abort();
		const char *dir = getenv("ZC_FUZZ_WRITE_SEEDS");
		if (dir)
			write_seeds(dir);
	}
	zc_simclock sc;
	sc.utc_ms = FC_NOW_MS;
	sc.mono_ms = 1;
	zc_clock clk = zc_clock_sim(&sc);
	fake f = {data,
		  data + size,
		  data,
		  {w->cert, w->cert_len, w->badge_key, w->uuid, {0}, 0, 0},
		  {w->imp, w->imp_len, w->imp_key, w->uuid, {0}, 0, 0},
		  NULL,
		  &sc,
		  0,
		  0};
	zc_reader rd = {ZC_READER_VERSION, &f, f_open, f_poll, f_transceive, f_present, f_nop, f_nop, f_nop};
	fb fbs = {-1, 0};
	zc_feedback fbk = {ZC_FEEDBACK_VERSION, &fbs, fb_show, NULL};
	zc_memfs *m = zc_memfs_new(0);
	zc_storage *st = NULL;
	zc_journal *j = NULL;
	zc_termlog *log = NULL;
	zc_terminal *t = NULL;
	zc_journal_cfg jc = {0, 0};
	zc_terminal_cfg tc = {480, 60, 1, 0};
	if (!m || zc_storage_mem_open(m, &st) || zc_journal_open(st, &jc, &j) ||
	    zc_termlog_open(j, tkey, "F01", &clk, "fuzz", &log) ||
	    zc_terminal_new(log, &rd, &clk, &fbk, w->ca, &tc, &t))
		abort();
	zc_terminal_set_lock(t, f_lock, f_unlock, &f);
	uint8_t buf[ZC_REC_MAX];
	int verbose = getenv("ZC_FUZZ_VERBOSE") != NULL;
	zc_rec *r = malloc(sizeof *r);
	if (!r)
		abort();
	for (int step = 0; step < 256 && f.p < f.end; step++) {
		uint64_t before = zc_journal_head(j, NULL);
		f.polled = 0;
		fbs.last = -1;
		if (zc_terminal_step(t))
			abort(); /* a card stopped the terminal */
		if (!f.polled)
			continue;
		uint64_t head = zc_journal_head(j, NULL);
		if (fbs.last == ZC_FB_ALREADY) {
			if (head != before)
				abort();
			continue;
		}
		if (head != before + 1)
			abort(); /* a tap without its record */
		size_t len, blen;
		if (zc_journal_read(j, head, buf, sizeof buf, &len) || zc_rec_decode(buf, len, r, &blen, NULL) ||
		    zc_rec_verify(tpub, buf, blen, r) || r->kind != ZC_KIND_TAP)
			abort();
		const zc_rec_tap *tp = &r->u.tap;
		if (verbose)
			fprintf(stderr, "tap %llu: %s kind %d sig %d\n", (unsigned long long)head,
				zc_tap_result_name(tp->result), tp->badge_kind, tp->badge_sig_len);
		if (tp->result == ZC_TAP_OK) {
			uint8_t ch[ZC_HASH_LEN];
			zc_rec_tap_challenge(r, ch);
			if (tp->badge_kind != ZC_BADGE_PIV || memcmp(tp->cert_fp, w->cert_fp, ZC_HASH_LEN) ||
			    tp->badge_id_len != 16 || memcmp(tp->badge_id, w->uuid, 16) ||
			    zc_badge_cert_verify(genuine, ch, tp->badge_sig, tp->badge_sig_len))
				abort(); /* accepted something that is not the genuine badge's tap */
		}
		if (zc_terminal_cache_check(t, sc.utc_ms) < 0)
			abort();
	}
	free(r);
	zc_terminal_free(t);
	zc_termlog_close(log);
	zc_journal_close(j);
	zc_storage_close(st);
	zc_memfs_free(m);
	return 0;
}
