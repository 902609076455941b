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
	    cmocka_unit_test(test_board_files),
	    cmocka_unit_test(test_feedback_devices),
	    cmocka_unit_test(test_tlv),
	};
	return cmocka_run_group_tests_name("terminal", tests, NULL, NULL);
}
