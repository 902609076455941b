/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_terminal.c: the terminal's tap loop on the in-process reader with
 * virtual cards issued by the real badge CA code: a good PIV badge (and its
 * badge signature checked against the certificate over the recomputed
 * challenge), the same badge within the minute, a clone, an unknown CA, a
 * revoked badge, a UID card, a card pulled away mid-authentication, the
 * reader vanishing and returning, a full journal. Also the board files,
 * feedback devices and the PIV TLV parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ca.h"
#include "testutil.h"
#include "vcard.h"
#include "vreader.h"
#include "zc/badge.h"
#include "zc/board.h"
#include "zc/err.h"
#include "zc/feedback.h"
#include "zc/journal.h"
#include "zc/piv.h"
#include "zc/record.h"
#include "zc/terminal.h"
#include "zc/termlog.h"

#define T0 1751330000000LL /* 2025-07-01T00:33:20Z */

typedef struct fx {
	char *dir;
	char ca[1024], ca2[1024];
	char good[1024], revoked[1024], clone[1024], foreign[1024];
	zc_vcard *c_good, *c_revoked, *c_clone, *c_foreign, *c_uid;
	zc_privkey *key;
	zc_storage *st;
	zc_journal *j;
	zc_simclock sc;
	zc_clock clk;
	zc_termlog *log;
	zc_reader *rd;
	zc_vreader *vr;
	zc_feedback *fb;
	char fblog[1024];
	zc_badge_ca *bca;
	zc_terminal *term;
} fx;

static void issue(fx *f, const char *dir, const char *badge, const char *cadre, const char *name, char *out)
{
	char err[256];
	snprintf(out, 1024, "%s/%s.card", f->dir, badge);
	zc_ca_issue_opts o = {.dir = dir, .badge = badge, .cadre = cadre, .name = name, .out = out};
	zc_ca_issued res;
	if (zc_ca_issue(&o, &res, err, sizeof err))
		fail_msg("issue %s: %s", badge, err);
}

static zc_vcard *card(const char *path)
{
	zc_vcard *c;
	char err[256];
	if (zc_vcard_piv_load(path, &c, err, sizeof err))
		fail_msg("card %s: %s", path, err);
	return c;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256], p[1100];
	f->dir = tu_tmpdir("terminal");
	snprintf(f->ca, sizeof f->ca, "%s/ca", f->dir);
	snprintf(f->ca2, sizeof f->ca2, "%s/ca2", f->dir);
	zc_ca_init_opts io = {.dir = f->ca, .name = "测试区工牌CA", .district = "测试区"};
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
	zc_ca_init_opts io2 = {.dir = f->ca2, .name = "别的区CA", .district = "别的区"};
	assert_int_equal(zc_ca_init(&io2, err, sizeof err), 0);
	issue(f, f->ca, "B001", "C001", "张三", f->good);
	issue(f, f->ca, "B002", "C002", "李四", f->revoked);
	issue(f, f->ca2, "X001", "C009", "王五", f->foreign);
	snprintf(f->clone, sizeof f->clone, "%s/B001X.card", f->dir);
	assert_int_equal(zc_ca_clone(f->good, f->clone, NULL, NULL, err, sizeof err), 0);
	uint64_t num;
	/* B002 revoked from 2025-06-01 */
	assert_int_equal(zc_ca_revoke(f->ca, "B002", 1748736000000LL, 0, &num, err, sizeof err), 0);
	f->c_good = card(f->good);
	f->c_revoked = card(f->revoked);
	f->c_clone = card(f->clone);
	f->c_foreign = card(f->foreign);
	const uint8_t uid[] = {0x04, 0xA2, 0x2B, 0x91};
	assert_int_equal(zc_vcard_uid_new(uid, sizeof uid, &f->c_uid), 0);

	snprintf(p, sizeof p, "%s/ca.pem", f->ca);
	assert_int_equal(zc_badge_ca_load(p, &f->bca), 0);
	snprintf(p, sizeof p, "%s/revocations.zrl", f->ca);
	assert_int_equal(zc_badge_ca_load_revocations(f->bca, p, NULL), 0);

	snprintf(p, sizeof p, "%s/journal", f->dir);
	assert_int_equal(zc_privkey_generate(&f->key), 0);
	assert_int_equal(zc_storage_posix_open(p, &f->st), 0);
	zc_journal_cfg jc = {0, 0};
	assert_int_equal(zc_journal_open(f->st, &jc, &f->j), 0);
	f->sc.utc_ms = T0;
	f->sc.mono_ms = 1;
	f->clk = zc_clock_sim(&f->sc);
	assert_int_equal(zc_termlog_open(f->j, f->key, "K01", &f->clk, "test", &f->log), 0);
	assert_int_equal(zc_vreader_new(&f->rd, &f->vr), 0);
	snprintf(f->fblog, sizeof f->fblog, "%s/feedback.log", f->dir);
	snprintf(p, sizeof p, "log:%s", f->fblog);
	assert_int_equal(zc_feedback_from_spec(p, &f->fb, err, sizeof err), 0);
	zc_terminal_cfg tc = {480, 60, 5, 0};
	assert_int_equal(zc_terminal_new(f->log, f->rd, &f->clk, f->fb, f->bca, &tc, &f->term), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_terminal_free(f->term);
	zc_feedback_free(f->fb);
	zc_reader_free(f->rd);
	zc_termlog_close(f->log);
	zc_journal_close(f->j);
	zc_storage_close(f->st);
	zc_privkey_free(f->key);
	zc_badge_ca_free(f->bca);
	zc_vcard_free(f->c_good);
	zc_vcard_free(f->c_revoked);
	zc_vcard_free(f->c_clone);
	zc_vcard_free(f->c_foreign);
	zc_vcard_free(f->c_uid);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Present a card, run the loop until it was handled, take it away. Returns
 * the number of records appended. */
static uint64_t tap(fx *f, zc_vcard *c)
{
	uint64_t before = zc_journal_head(f->j, NULL);
	zc_vreader_present(f->vr, c);
	assert_int_equal(zc_terminal_step(f->term), 0);
	zc_vreader_remove(f->vr);
	assert_int_equal(zc_terminal_step(f->term), 0); /* notices the removal */
	return zc_journal_head(f->j, NULL) - before;
}

static void last_record(fx *f, zc_rec *r, uint8_t *buf, size_t *len, size_t *blen)
{
	assert_int_equal(zc_journal_read(f->j, zc_journal_head(f->j, NULL), buf, ZC_REC_MAX, len), 0);
	assert_int_equal(zc_rec_decode(buf, *len, r, blen, NULL), 0);
}

static const char *last_feedback(fx *f)
{
	static char line[1024];
	size_t n;
	uint8_t *b = tu_read_file(f->fblog, &n);
	assert_non_null(b);
	char *s = (char *)b, *last = s;
	b[n ? n - 1 : 0] = 0;
	for (char *p = s; *p; p++)
		if (*p == '\n')
			last = p + 1;
	snprintf(line, sizeof line, "%s", last);
	free(b);
	return line;
}

static void test_good_badge_and_signature(void **state)
{
	fx *f = *state;
	assert_int_equal(tap(f, f->c_good), 1);
	zc_rec r;
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	last_record(f, &r, buf, &len, &blen);
	assert_int_equal(r.kind, ZC_KIND_TAP);
	assert_int_equal(r.u.tap.badge_kind, ZC_BADGE_PIV);
	assert_int_equal(r.u.tap.result, ZC_TAP_OK);
	assert_int_equal(r.utc_ms, T0);
	assert_int_equal(r.u.tap.badge_id_len, 16);
	/* the badge signature verifies against the certificate over the
	 * challenge recomputed from the record alone */
	char p[1100];
	snprintf(p, sizeof p, "%s/ca/issued.txt", f->dir);
	zc_target tg;
	zc_vcard_target(f->c_good, &tg);
	uint8_t cert[4096];
	size_t cl;
	zc_vreader_present(f->vr, f->c_good);
	zc_target t2;
	assert_int_equal(f->rd->poll(f->rd->ctx, 0, &t2), 1);
	assert_int_equal(zc_piv_select(f->rd), 0);
	assert_int_equal(zc_piv_read_cert(f->rd, cert, &cl), 0);
	zc_vreader_remove(f->vr);
	zc_badge_cert *bc;
	assert_int_equal(zc_badge_cert_parse(cert, cl, &bc), 0);
	uint8_t fp[ZC_HASH_LEN], ch[ZC_HASH_LEN];
	zc_badge_cert_fingerprint(bc, fp);
	assert_memory_equal(fp, r.u.tap.cert_fp, ZC_HASH_LEN);
	zc_rec_tap_challenge(&r, ch);
	assert_int_equal(zc_badge_cert_verify(bc, ch, r.u.tap.badge_sig, r.u.tap.badge_sig_len), 0);
	/* and the same signature does not fit another record position */
	r.seq++;
	zc_rec_tap_challenge(&r, ch);
	assert_int_equal(zc_badge_cert_verify(bc, ch, r.u.tap.badge_sig, r.u.tap.badge_sig_len), ZC_ESIG);
	zc_badge_cert_free(bc);
	const char *fbl = last_feedback(f);
	assert_non_null(strstr(fbl, " OK "));
	assert_non_null(strstr(fbl, "张三 签到成功 2025-07-01 08:33"));
}

static void test_second_tap_within_minute(void **state)
{
	fx *f = *state;
	assert_int_equal(tap(f, f->c_good), 1);
	zc_simclock_advance(&f->sc, 30000);
	assert_int_equal(tap(f, f->c_good), 0);
	assert_non_null(strstr(last_feedback(f), "ALREADY"));
	assert_non_null(strstr(last_feedback(f), "已签到"));
	zc_simclock_advance(&f->sc, 31000); /* 61 s after the first: a new tap */
	assert_int_equal(tap(f, f->c_good), 1);
	zc_terminal_stats st;
	zc_terminal_stats_get(f->term, &st);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.last_cached, 1); /* the certificate came from the cache */
}

static void expect_rejected(fx *f, zc_vcard *c, int result, const char *reason)
{
	assert_int_equal(tap(f, c), 1);
	zc_rec r;
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	last_record(f, &r, buf, &len, &blen);
	assert_int_equal(r.u.tap.result, result);
	const char *fbl = last_feedback(f);
	assert_non_null(strstr(fbl, "REJECTED"));
	assert_non_null(strstr(fbl, reason));
}

static void test_clone(void **state)
{
	fx *f = *state;
	expect_rejected(f, f->c_clone, ZC_TAP_BAD_SIGNATURE, "bad_signature");
	/* the real badge after the clone still works */
	zc_simclock_advance(&f->sc, 1000);
	assert_int_equal(tap(f, f->c_good), 1);
	assert_non_null(strstr(last_feedback(f), " OK "));
}

static void test_unknown_ca(void **state)
{
	expect_rejected(*state, ((fx *)*state)->c_foreign, ZC_TAP_UNKNOWN_CA, "unknown_ca");
}

static void test_revoked(void **state)
{
	fx *f = *state;
	expect_rejected(f, f->c_revoked, ZC_TAP_REVOKED, "revoked");
	/* before the revocation instant the same badge was fine */
	f->sc.utc_ms = 1748735000000LL; /* 2025-05-31 */
	assert_int_equal(tap(f, f->c_revoked), 1);
	assert_non_null(strstr(last_feedback(f), " OK "));
}

static void test_uid_card(void **state)
{
	fx *f = *state;
	assert_int_equal(tap(f, f->c_uid), 1);
	zc_rec r;
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	last_record(f, &r, buf, &len, &blen);
	assert_int_equal(r.u.tap.badge_kind, ZC_BADGE_UID);
	assert_int_equal(r.u.tap.result, ZC_TAP_WEAK);
	assert_int_equal(r.u.tap.badge_id_len, 4);
	assert_memory_equal(r.u.tap.badge_id, "\x04\xA2\x2B\x91", 4);
	/* recorded, but the policy (off by default) does not count it: said so, not a success */
	assert_non_null(strstr(last_feedback(f), "WEAK not_counted"));
	assert_non_null(strstr(last_feedback(f), "已记录，普通卡不计考勤"));
	assert_null(strstr(last_feedback(f), "成功"));
	/* a terminal whose board accepts UID cards says it was recorded as weak */
	zc_terminal_free(f->term);
	zc_terminal_cfg tc = {480, 60, 5, 1};
	assert_int_equal(zc_terminal_new(f->log, f->rd, &f->clk, f->fb, f->bca, &tc, &f->term), 0);
	zc_simclock_advance(&f->sc, 120000);
	assert_int_equal(tap(f, f->c_uid), 1);
	assert_non_null(strstr(last_feedback(f), "WEAK weak"));
	assert_non_null(strstr(last_feedback(f), "已记录（非加密卡，仅作参考）"));
}

static void test_removed_mid_authentication(void **state)
{
	fx *f = *state;
	/* every cut point: after the select, the CHUID, the certificate... */
	for (int n = 1; n <= 3; n++) {
		zc_simclock_advance(&f->sc, 120000);
		uint64_t before = zc_journal_head(f->j, NULL);
		zc_vreader_present(f->vr, f->c_revoked);
		zc_vreader_remove_after(f->vr, n);
		assert_int_equal(zc_terminal_step(f->term), 0);
		assert_int_equal(zc_terminal_step(f->term), 0);
		zc_rec r;
		uint8_t buf[ZC_REC_MAX];
		size_t len, blen;
		assert_int_equal(zc_journal_head(f->j, NULL), before + 1);
		last_record(f, &r, buf, &len, &blen);
		assert_int_equal(r.u.tap.result, ZC_TAP_REMOVED);
		assert_int_equal(r.u.tap.badge_sig_len, 0);
		assert_non_null(strstr(last_feedback(f), "removed"));
	}
}

static void test_reader_vanishes_and_returns(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_terminal_step(f->term), 0); /* opens the reader */
	uint64_t before = zc_journal_head(f->j, NULL);
	zc_vreader_unplug(f->vr, 1);
	for (int i = 0; i < 5; i++)
		assert_int_equal(zc_terminal_step(f->term), 0);
	/* one fault record for the outage, however many retries */
	assert_int_equal(zc_journal_head(f->j, NULL), before + 1);
	zc_rec r;
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	last_record(f, &r, buf, &len, &blen);
	assert_int_equal(r.kind, ZC_KIND_READER_FAULT);
	assert_int_not_equal(r.u.fault.code, 0);
	zc_terminal_stats st;
	zc_terminal_stats_get(f->term, &st);
	assert_int_equal(st.reader_ok, 0);
	zc_vreader_unplug(f->vr, 0);
	for (int i = 0; i < 400 && !st.reader_ok; i++) { /* back-off in real time */
		assert_int_equal(zc_terminal_step(f->term), 0);
		zc_terminal_stats_get(f->term, &st);
	}
	assert_int_equal(st.reader_ok, 1);
	last_record(f, &r, buf, &len, &blen);
	assert_int_equal(r.kind, ZC_KIND_READER_FAULT);
	assert_int_equal(r.u.fault.code, 0); /* restored */
	assert_int_equal(tap(f, f->c_good), 1);
}

static void test_journal_full(void **state)
{
	fx *f = *state;
	/* a second terminal on a tiny in-memory journal */
	zc_memfs *m = zc_memfs_new(0);
	zc_storage *st;
	zc_journal *j;
	zc_termlog *log;
	zc_terminal *term;
	assert_int_equal(zc_storage_mem_open(m, &st), 0);
	zc_journal_cfg jc = {2048, 1024};
	assert_int_equal(zc_journal_open(st, &jc, &j), 0);
	assert_int_equal(zc_termlog_open(j, f->key, "K02", &f->clk, "test", &log), 0);
	zc_terminal_cfg tc = {480, 0, 5, 0};
	assert_int_equal(zc_terminal_new(log, f->rd, &f->clk, f->fb, f->bca, &tc, &term), 0);
	int full = 0;
	for (int i = 0; i < 40 && !full; i++) {
		zc_simclock_advance(&f->sc, 1000);
		zc_vreader_present(f->vr, f->c_good);
		assert_int_equal(zc_terminal_step(term), 0);
		zc_vreader_remove(f->vr);
		assert_int_equal(zc_terminal_step(term), 0);
		full = strstr(last_feedback(f), "FULL") != NULL;
	}
	assert_true(full);
	assert_non_null(strstr(last_feedback(f), "存储已满"));
	/* nothing old was dropped: every record from 1 is still there */
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	for (uint64_t s = 1; s <= zc_journal_head(j, NULL); s++)
		assert_int_equal(zc_journal_read(j, s, buf, sizeof buf, &len), 0);
	zc_terminal_free(term);
	zc_termlog_close(log);
	zc_journal_close(j);
	zc_storage_close(st);
	zc_memfs_free(m);
}

/* ---- a hostile card (issue 10, items 12, 13, 15) ----
 *
 * A reader in front of the virtual reader that lets a test play a card
 * that lies: another GENERAL AUTHENTICATE answer, another card's CHUID, a
 * signature over the wrong challenge, a card that answers 61 00 slowly and
 * forever; and the link server appending a record while the card signs. */

typedef struct hostile {
	zc_reader r;
	zc_reader *inner;
	uint8_t ga[300]; /* GENERAL AUTHENTICATE answer instead of the card's */
	size_t ga_len;
	zc_vcard *chuid_from; /* answer GET DATA CHUID with this card's */
	int bad_challenge;    /* the card signs another challenge */
	int slow_ms;	      /* GA: 61 00 after this long, forever */
	int locked;	      /* the test lock's state */
	int lock_violations;  /* card round trips with the lock held */
	zc_termlog *log;      /* appends_left records go in during GA */
	int appends_left;
	unsigned ga_count;
} hostile;

static int h_open(void *c)
{
	hostile *h = c;
	return h->inner->open(h->inner->ctx);
}
static int h_poll(void *c, int ms, zc_target *t)
{
	hostile *h = c;
	return h->inner->poll(h->inner->ctx, ms, t);
}
static int h_present(void *c)
{
	hostile *h = c;
	return h->inner->present(h->inner->ctx);
}
static void h_release(void *c)
{
	hostile *h = c;
	h->inner->release(h->inner->ctx);
}
static void h_close(void *c)
{
	hostile *h = c;
	h->inner->close(h->inner->ctx);
}
static void h_destroy(void *c)
{
	(void)c;
}

static int h_transceive(void *c, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t rcap, int ms)
{
	hostile *h = c;
	uint8_t cmd[300];
	if (h->locked)
		h->lock_violations++;
	assert_true(clen <= sizeof cmd);
	memcpy(cmd, capdu, clen);
	int ga = clen > 1 && (cmd[1] == 0x87 || (cmd[1] == 0xC0 && h->slow_ms));
	if (ga) {
		h->ga_count++;
		if (h->appends_left > 0) { /* the link server writes a record meanwhile */
			zc_rec r;
			zc_termlog_prepare(h->log, &r, ZC_KIND_READER_FAULT);
			snprintf(r.u.fault.text, sizeof r.u.fault.text, "interleaved");
			assert_int_equal(zc_termlog_commit(h->log, &r, NULL), 0);
			h->appends_left--;
		}
		if (h->slow_ms) {
			struct timespec d = {0, (long)h->slow_ms * 1000000L};
			nanosleep(&d, NULL);
			rapdu[0] = 0x61;
			rapdu[1] = 0x00;
			return 2;
		}
		if (h->ga_len) {
			memcpy(rapdu, h->ga, h->ga_len);
			return (int)h->ga_len;
		}
		if (h->bad_challenge)
			cmd[20] ^= 0x01;
	}
	if (h->chuid_from && clen >= 10 && cmd[1] == 0xCB && cmd[9] == 0x02) {
		const uint8_t sel[] = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00};
		uint8_t junk[300];
		zc_vcard_reset(h->chuid_from);
		zc_vcard_transceive(h->chuid_from, sel, sizeof sel, junk, sizeof junk);
		return zc_vcard_transceive(h->chuid_from, cmd, clen, rapdu, rcap);
	}
	return h->inner->transceive(h->inner->ctx, cmd, clen, rapdu, rcap, ms);
}

static void h_lock(void *c)
{
	((hostile *)c)->locked = 1;
}
static void h_unlock(void *c)
{
	((hostile *)c)->locked = 0;
}

/* A terminal on a hostile reader in front of the fixture's reader. */
static void hostile_terminal(fx *f, hostile *h)
{
	memset(h, 0, sizeof *h);
	h->inner = f->rd;
	h->log = f->log;
	h->r =
	    (zc_reader){ZC_READER_VERSION, h, h_open, h_poll, h_transceive, h_present, h_release, h_close, h_destroy};
	zc_terminal_free(f->term);
	zc_terminal_cfg tc = {480, 60, 5, 0};
	assert_int_equal(zc_terminal_new(f->log, &h->r, &f->clk, f->fb, f->bca, &tc, &f->term), 0);
	zc_terminal_set_lock(f->term, h_lock, h_unlock, h);
}

static void last_tap(fx *f, zc_rec *r)
{
	uint8_t buf[ZC_REC_MAX];
	size_t len, blen;
	last_record(f, r, buf, &len, &blen);
	assert_int_equal(r->kind, ZC_KIND_TAP);
}

static void cert_fp_of(fx *f, zc_vcard *c, uint8_t fp[ZC_HASH_LEN], zc_badge_cert **out)
{
	uint8_t cert[ZC_PIV_CERT_MAX];
	size_t cl;
	zc_target tg;
	assert_int_equal(f->rd->open(f->rd->ctx), 0);
	zc_vreader_present(f->vr, c);
	assert_int_equal(f->rd->poll(f->rd->ctx, 0, &tg), 1);
	assert_int_equal(zc_piv_select(f->rd), 0);
	assert_int_equal(zc_piv_read_cert(f->rd, cert, &cl), 0);
	zc_vreader_remove(f->vr);
	zc_badge_cert *bc;
	assert_int_equal(zc_badge_cert_parse(cert, cl, &bc), 0);
	zc_badge_cert_fingerprint(bc, fp);
	if (out)
		*out = bc;
	else
		zc_badge_cert_free(bc);
}

/* Item 12: a card answering GENERAL AUTHENTICATE with 7C 0A 82 08 00..00
 * used to stop the terminal ("journal unwritable") and leave no record. */
static void test_hostile_signature_form(void **state)
{
	fx *f = *state;
	static hostile h; /* static: the terminal uses it until teardown */
	hostile_terminal(f, &h);
	static const uint8_t zeros[] = {0x7C, 0x0A, 0x82, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00};
	/* and other answers that are no DER ECDSA signature: padded INTEGERs,
	 * r = 0, a trailing byte, an INTEGER of 34 bytes */
	static const uint8_t padded[] = {0x7C, 0x0C, 0x82, 0x0A, 0x30, 0x08, 0x02, 0x02,
					 0x00, 0x01, 0x02, 0x02, 0x00, 0x01, 0x90, 0x00};
	static const uint8_t rzero[] = {0x7C, 0x0A, 0x82, 0x08, 0x30, 0x06, 0x02,
					0x01, 0x00, 0x02, 0x01, 0x01, 0x90, 0x00};
	const struct {
		const uint8_t *a;
		size_t n;
	} answers[] = {{zeros, sizeof zeros}, {padded, sizeof padded}, {rzero, sizeof rzero}};
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		memcpy(h.ga, answers[i].a, answers[i].n);
		h.ga_len = answers[i].n;
		zc_simclock_advance(&f->sc, 120000);
		expect_rejected(f, f->c_good, ZC_TAP_CARD_ERROR, "card_error");
		zc_rec r;
		last_tap(f, &r);
		assert_int_equal(r.u.tap.badge_sig_len, 0);
		assert_int_equal(r.u.tap.badge_id_len, ZC_PIV_UUID_LEN); /* the tap is attributable */
	}
	/* the terminal is still running: the genuine badge checks in */
	h.ga_len = 0;
	zc_simclock_advance(&f->sc, 120000);
	assert_int_equal(tap(f, f->c_good), 1);
	assert_non_null(strstr(last_feedback(f), " OK "));
	assert_int_equal(h.lock_violations, 0);
}

/* Item 13: a card claiming the victim's CHUID with another certificate
 * must not poison the cache, and a refusal by the CA is not turned into
 * "possible clone" by a failing signature. */
static void test_cache_poisoning(void **state)
{
	fx *f = *state;
	char other[1024];
	issue(f, f->ca, "B003", "C003", "赵六", other);
	zc_vcard *c_other = card(other);
	uint8_t fp_good[ZC_HASH_LEN], fp_other[ZC_HASH_LEN], fp_foreign[ZC_HASH_LEN];
	cert_fp_of(f, f->c_good, fp_good, NULL);
	cert_fp_of(f, c_other, fp_other, NULL);
	cert_fp_of(f, f->c_foreign, fp_foreign, NULL);
	uint8_t victim[ZC_PIV_UUID_LEN];
	static hostile h; /* static: the terminal uses it until teardown */
	hostile_terminal(f, &h);

	/* another district's certificate under the victim's UUID, and a bad
	 * signature too: UNKNOWN_CA stays */
	h.chuid_from = f->c_good;
	h.bad_challenge = 1;
	expect_rejected(f, f->c_foreign, ZC_TAP_UNKNOWN_CA, "unknown_ca");
	zc_rec r;
	last_tap(f, &r);
	memcpy(victim, r.u.tap.badge_id, ZC_PIV_UUID_LEN);
	assert_memory_equal(r.u.tap.cert_fp, fp_foreign, ZC_HASH_LEN);
	assert_int_equal(zc_terminal_cache_check(f->term, f->sc.utc_ms), 0); /* nothing cached */

	/* a genuine certificate of another badge under the victim's UUID */
	h.bad_challenge = 0;
	zc_simclock_advance(&f->sc, 1000);
	expect_rejected(f, c_other, ZC_TAP_CARD_ERROR, "card_error");
	last_tap(f, &r);
	assert_memory_equal(r.u.tap.badge_id, victim, ZC_PIV_UUID_LEN);
	assert_int_equal(zc_terminal_cache_check(f->term, f->sc.utc_ms), 0);

	/* a revoked certificate under the victim's UUID: REVOKED stands as the
	 * first reason, and it is not cached under that UUID */
	zc_simclock_advance(&f->sc, 1000);
	expect_rejected(f, f->c_revoked, ZC_TAP_REVOKED, "revoked");
	assert_int_equal(zc_terminal_cache_check(f->term, f->sc.utc_ms), 0);

	/* a revoked badge that also signs badly stays REVOKED */
	h.chuid_from = NULL;
	h.bad_challenge = 1;
	zc_simclock_advance(&f->sc, 1000);
	expect_rejected(f, f->c_revoked, ZC_TAP_REVOKED, "revoked");
	h.bad_challenge = 0;

	/* the victim's genuine badge: read afresh, its own fingerprint, OK */
	zc_simclock_advance(&f->sc, 1000);
	assert_int_equal(tap(f, f->c_good), 1);
	last_tap(f, &r);
	assert_int_equal(r.u.tap.result, ZC_TAP_OK);
	assert_memory_equal(r.u.tap.badge_id, victim, ZC_PIV_UUID_LEN);
	assert_memory_equal(r.u.tap.cert_fp, fp_good, ZC_HASH_LEN);
	zc_terminal_stats st;
	zc_terminal_stats_get(f->term, &st);
	assert_int_equal(st.last_cached, 0);
	assert_int_equal(zc_terminal_cache_check(f->term, f->sc.utc_ms), 2); /* the victim's and the revoked one */

	/* and the cached victim certificate is not used for the impostor either */
	h.chuid_from = f->c_good;
	zc_simclock_advance(&f->sc, 120000);
	expect_rejected(f, c_other, ZC_TAP_BAD_SIGNATURE, "bad_signature");
	last_tap(f, &r);
	assert_memory_equal(r.u.tap.cert_fp, fp_good, ZC_HASH_LEN);
	h.chuid_from = NULL;
	zc_simclock_advance(&f->sc, 120000);
	assert_int_equal(tap(f, f->c_good), 1);
	assert_non_null(strstr(last_feedback(f), " OK "));
	/* certificates the CA no longer takes (expired) leave the cache */
	f->sc.utc_ms = 4102444800000LL; /* 2100 */
	expect_rejected(f, f->c_good, ZC_TAP_UNKNOWN_CA, "unknown_ca");
	expect_rejected(f, f->c_revoked, ZC_TAP_UNKNOWN_CA, "unknown_ca");
	assert_int_equal(zc_terminal_cache_check(f->term, f->sc.utc_ms), 0);
	(void)fp_other;
	zc_vcard_free(c_other);
}

/* Item 15: a card answering 61 00 slowly for ever is cut off at the tap's
 * deadline, without the lock held meanwhile, and recorded. */
static void test_slow_card(void **state)
{
	fx *f = *state;
	static hostile h; /* static: the terminal uses it until teardown */
	hostile_terminal(f, &h);
	zc_terminal_set_card_timeout(f->term, 300);
	h.slow_ms = 40;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	expect_rejected(f, f->c_good, ZC_TAP_CARD_ERROR, "card_error");
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	assert_true(ms < 1500); /* not 64 round trips of a second */
	assert_true(h.ga_count >= 2);
	assert_int_equal(h.lock_violations, 0);
	h.slow_ms = 0;
	zc_simclock_advance(&f->sc, 120000);
	assert_int_equal(tap(f, f->c_good), 1);
	assert_non_null(strstr(last_feedback(f), " OK "));
	assert_int_equal(h.lock_violations, 0);
}

/* Item 15: the lock is free while the card signs, so the link server may
 * append meanwhile; the tap then asks the card again over its new place,
 * and its signature fits the record as stored. */
static void test_record_between_prepare_and_commit(void **state)
{
	fx *f = *state;
	static hostile h; /* static: the terminal uses it until teardown */
	hostile_terminal(f, &h);
	zc_badge_cert *bc;
	uint8_t fp[ZC_HASH_LEN], ch[ZC_HASH_LEN];
	cert_fp_of(f, f->c_good, fp, &bc);
	h.appends_left = 1;
	uint64_t before = zc_journal_head(f->j, NULL);
	zc_vreader_present(f->vr, f->c_good);
	assert_int_equal(zc_terminal_step(f->term), 0);
	zc_vreader_remove(f->vr);
	assert_int_equal(zc_terminal_step(f->term), 0);
	assert_int_equal(zc_journal_head(f->j, NULL), before + 2); /* the interleaved record and the tap */
	zc_rec r;
	last_tap(f, &r);
	assert_int_equal(r.u.tap.result, ZC_TAP_OK);
	assert_int_equal(h.ga_count, 2);
	zc_rec_tap_challenge(&r, ch);
	assert_int_equal(zc_badge_cert_verify(bc, ch, r.u.tap.badge_sig, r.u.tap.badge_sig_len), 0);

	/* a head that keeps moving: after a few tries the tap is recorded
	 * without the card's signature, and the terminal runs on */
	h.appends_left = 100;
	h.ga_count = 0;
	zc_simclock_advance(&f->sc, 120000);
	zc_vreader_present(f->vr, f->c_good);
	assert_int_equal(zc_terminal_step(f->term), 0);
	zc_vreader_remove(f->vr);
	assert_int_equal(zc_terminal_step(f->term), 0);
	last_tap(f, &r);
	assert_int_equal(r.u.tap.result, ZC_TAP_CARD_ERROR);
	assert_int_equal(r.u.tap.badge_sig_len, 0);
	assert_int_equal(h.ga_count, 3);
	assert_int_equal(h.lock_violations, 0);
	zc_badge_cert_free(bc);
}

/* ---- board files, feedback, TLV ---- */

static void test_board_files(void **state)
{
	(void)state;
	zc_board b;
	char err[512];
	setenv("ZHUCUN_SIM_DIR", "/tmp/zc-x", 1);
	assert_int_equal(zc_board_load(tu_src_path("boards/sim.conf"), &b, err, sizeof err), 0);
	assert_string_equal(b.reader, "pn532_uart:/tmp/zc-x/pn532");
	assert_string_equal(b.state, "/tmp/zc-x/state");
	assert_string_equal(b.clock, "sim");
	assert_int_equal(b.tz_offset_min, 480);
	unsetenv("ZHUCUN_SIM_DIR");
	assert_int_equal(zc_board_load(tu_src_path("boards/sim.conf"), &b, err, sizeof err), 0);
	assert_string_equal(b.state, "/tmp/zhucun-sim/state");
	assert_int_equal(zc_board_load(tu_src_path("boards/rpi-pn532.conf"), &b, err, sizeof err), 0);
	assert_string_equal(b.reader, "pn532_uart:/dev/serial0");
	assert_int_equal(zc_board_load(tu_src_path("boards/acr122u.conf"), &b, err, sizeof err), 0);
	assert_string_equal(b.reader, "acr122_usb");
	assert_int_equal(b.card_timeout_ms, 3000); /* a tap's card dialogue: 3 s by default */
	assert_int_equal(zc_board_set(&b, "card_timeout_ms", "1500", err, sizeof err), 0);
	assert_int_equal(b.card_timeout_ms, 1500);
	assert_int_equal(zc_board_set(&b, "card_timeout_ms", "60000", err, sizeof err), ZC_EMALFORMED);
	assert_int_equal(zc_board_set(&b, "tz", "-03:30", err, sizeof err), 0);
	assert_int_equal(b.tz_offset_min, -210);
	assert_int_equal(zc_board_set(&b, "journal_capacity", "3M", err, sizeof err), 0);
	assert_int_equal(b.journal_capacity, 3u << 20);
	assert_int_equal(zc_board_set(&b, "clock", "rtc", err, sizeof err), ZC_EMALFORMED);
	assert_int_equal(zc_board_set(&b, "colour", "red", err, sizeof err), ZC_EMALFORMED);
	assert_non_null(strstr(err, "unknown key 'colour'"));
	char *dir = tu_tmpdir("board");
	char p[1100];
	snprintf(p, sizeof p, "%s/bad.conf", dir);
	const char *txt = "name = x\nstate = /tmp\n\nreader pn532\n";
	tu_write_file(p, txt, strlen(txt));
	assert_int_equal(zc_board_load(p, &b, err, sizeof err), ZC_EMALFORMED);
	assert_non_null(strstr(err, "bad.conf:4:"));
	snprintf(p, sizeof p, "%s/none.conf", dir);
	assert_int_equal(zc_board_load(p, &b, err, sizeof err), ZC_ENOENT);
	tu_rmtree(dir);
	free(dir);
}

static void test_feedback_devices(void **state)
{
	(void)state;
	char *dir = tu_tmpdir("fb");
	char spec[2300], logp[1100], led[1100], err[256];
	snprintf(logp, sizeof logp, "%s/fb.log", dir);
	snprintf(led, sizeof led, "%s/led", dir);
	tu_write_file(led, "0\n", 2);
	snprintf(spec, sizeof spec, "log:%s, led:%s", logp, led);
	zc_feedback *fb;
	assert_int_equal(zc_feedback_from_spec(spec, &fb, err, sizeof err), 0);
	zc_fb_event ev = {ZC_FB_OK, "", "张三 签到成功", "Zhang San checked in", 5, 9};
	fb->show(fb->ctx, &ev);
	size_t n;
	uint8_t *b = tu_read_file(logp, &n);
	assert_non_null(b);
	assert_non_null(strstr((char *)b, "5 OK - 9 | 张三 签到成功 | Zhang San checked in"));
	free(b);
	b = tu_read_file(led, &n);
	assert_true(n >= 1 && b[0] == '0'); /* pulsed on, then off again */
	free(b);
	zc_feedback_free(fb);
	assert_int_equal(zc_feedback_from_spec("lamp:/x", &fb, err, sizeof err), ZC_EMALFORMED);
	assert_non_null(strstr(err, "lamp:/x"));
	tu_rmtree(dir);
	free(dir);
}

static void test_tlv(void **state)
{
	(void)state;
	const uint8_t *v;
	size_t l;
	const uint8_t a[] = {0x53, 0x05, 0x34, 0x01, 0xAA, 0xFE, 0x00, 0x5F, 0xC1, 0x01, 0x81, 0x01, 0x42};
	assert_int_equal(zc_tlv_find(a, sizeof a, 0x53, &v, &l), 0);
	assert_int_equal(l, 5);
	assert_int_equal(zc_tlv_find(v, l, 0x34, &v, &l), 0);
	assert_int_equal(l, 1);
	assert_int_equal(v[0], 0xAA);
	assert_int_equal(zc_tlv_find(a, sizeof a, 0x5FC101, &v, &l), 0);
	assert_int_equal(l, 1);
	assert_int_equal(v[0], 0x42);
	assert_int_equal(zc_tlv_find(a, sizeof a, 0x70, &v, &l), ZC_ENOENT);
	const uint8_t longlen[] = {0x53, 0x82, 0x01, 0x00};
	assert_int_equal(zc_tlv_find(longlen, sizeof longlen, 0x53, &v, &l), ZC_EMALFORMED);
	const uint8_t badlen[] = {0x53, 0x85, 0, 0, 0, 0, 1};
	assert_int_equal(zc_tlv_find(badlen, sizeof badlen, 0x53, &v, &l), ZC_EMALFORMED);
	const uint8_t tagrun[] = {0x5F, 0xC1};
	assert_int_equal(zc_tlv_find(tagrun, sizeof tagrun, 0x53, &v, &l), ZC_EMALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good_badge_and_signature, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_tap_within_minute, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_ca, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uid_card, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_removed_mid_authentication, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_vanishes_and_returns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_journal_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_signature_form, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cache_poisoning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_slow_card, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_record_between_prepare_and_commit, setup, teardown),
	    cmocka_unit_test(test_board_files),
	    cmocka_unit_test(test_feedback_devices),
	    cmocka_unit_test(test_tlv),
	};
	return cmocka_run_group_tests_name("terminal", tests, NULL, NULL);
}
