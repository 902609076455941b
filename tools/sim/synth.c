/* SPDX-License-Identifier: Apache-2.0 */
/* synth.c: synthetic signed journals (synth.h). */
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zc/clock.h"
#include "zc/err.h"
#include "zc/journal.h"
#include "zc/record.h"
#include "zc/termlog.h"

int zc_synth_journal(const zc_synth_opts *o)
{
	char kpath[4096], ppath[4096], jpath[4096];
	zc_privkey *tkey = NULL;
	zc_privkey **badges = NULL;
	zc_storage *st = NULL;
	zc_journal *j = NULL;
	zc_termlog *log = NULL;
	int rc, created = 0;
	uint32_t nb = o->badges ? o->badges : 5;

	if (mkdir(o->out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "zhucun-sim: cannot create %s: %s\n", o->out_dir, strerror(errno));
		return ZC_EIO;
	}
	snprintf(kpath, sizeof kpath, "%s/terminal.key", o->out_dir);
	snprintf(ppath, sizeof ppath, "%s/terminal.pub.pem", o->out_dir);
	snprintf(jpath, sizeof jpath, "%s/journal", o->out_dir);
	rc = zc_termkey_load_or_create(kpath, ppath, &tkey, &created);
	if (rc) {
		fprintf(stderr, "zhucun-sim: terminal key %s: %s\n", kpath, zc_strerror(rc));
		goto out;
	}
	badges = calloc(nb, sizeof *badges);
	rc = badges ? 0 : ZC_ENOMEM;
	for (uint32_t i = 0; !rc && i < nb; i++)
		rc = zc_privkey_generate(&badges[i]);
	if (rc)
		goto out;
	rc = zc_storage_posix_open(jpath, &st);
	if (rc) {
		fprintf(stderr, "zhucun-sim: journal folder %s: %s\n", jpath, zc_strerror(rc));
		goto out;
	}
	zc_journal_cfg cfg = {0, 0};
	rc = zc_journal_open(st, &cfg, &j);
	if (rc) {
		fprintf(stderr, "zhucun-sim: journal %s: %s\n", jpath, zc_strerror(rc));
		goto out;
	}
	zc_simclock sc = {o->start_utc_ms, 1000};
	zc_clock clk = zc_clock_sim(&sc);
	rc = zc_termlog_open(j, tkey, o->terminal, &clk,
			     "zhucun-sim "
			     "0.1.0",
			     &log);
	if (rc) {
		fprintf(stderr, "zhucun-sim: starting the log: %s\n", zc_strerror(rc));
		goto out;
	}
	for (uint64_t i = 0; i < o->records; i++) {
		zc_simclock_advance(&sc, 37000 + (i % 7) * 1000);
		zc_rec r;
		zc_termlog_prepare(log, &r, ZC_KIND_TAP);
		uint32_t b = (uint32_t)(i % nb);
		r.u.tap.badge_kind = ZC_BADGE_PIV;
		r.u.tap.result = ZC_TAP_OK;
		r.u.tap.badge_id_len = 16;
		memset(r.u.tap.badge_id, 0, 16);
		r.u.tap.badge_id[0] = 0xB0;
		r.u.tap.badge_id[15] = (uint8_t)b;
		zc_privkey_fingerprint(badges[b], r.u.tap.cert_fp);
		if ((rc = zc_random(r.u.tap.nonce, ZC_NONCE_LEN)))
			goto out;
		uint8_t ch[ZC_HASH_LEN];
		zc_rec_tap_challenge(&r, ch);
		size_t sl;
		if ((rc = zc_privkey_sign(badges[b], ch, r.u.tap.badge_sig, &sl)))
			goto out;
		r.u.tap.badge_sig_len = (uint8_t)sl;
		rc = zc_termlog_commit(log, &r, NULL);
		if (rc) {
			fprintf(stderr, "zhucun-sim: appending record %llu: %s\n", (unsigned long long)r.seq,
				zc_strerror(rc));
			goto out;
		}
		if (!o->quiet && o->records >= 10000 && (i + 1) % 10000 == 0)
			fprintf(stderr, "\r%llu / %llu records", (unsigned long long)(i + 1),
				(unsigned long long)o->records);
	}
	if (!o->quiet && o->records >= 10000)
		fprintf(stderr, "\n");
out:
	zc_termlog_close(log);
	zc_journal_close(j);
	zc_storage_close(st);
	for (uint32_t i = 0; badges && i < nb; i++)
		zc_privkey_free(badges[i]);
	free(badges);
	zc_privkey_free(tkey);
	return rc;
}
