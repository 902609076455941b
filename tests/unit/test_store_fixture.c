/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store_fixture.c: the record chains, fixture and helpers the store
 * tests share (test_store_fixture.h). Public store API only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_store_fixture.h"
#include "testutil.h"
#include "zc/err.h"

zc_privkey *g_key, *g_other;
char g_pem[ZC_PEM_MAX], g_other_pem[ZC_PEM_MAX];

/* ---- building records ---- */

void sfx_sign(enc *e, zc_privkey *k, const char *term, uint64_t seq, uint8_t kind, int64_t utc, const uint8_t *prev)
{
	static const uint8_t der_sig[8] = {0x30, 0x06, 0x02, 0x01, 0x11, 0x02, 0x01, 0x22};
	zc_rec r;
	zc_rec_init(&r, kind);
	snprintf(r.terminal, sizeof r.terminal, "%s", term);
	r.seq = seq;
	r.boot = 1;
	r.utc_ms = utc;
	r.mono_ms = 5000 + seq * 1000;
	if (seq > 1)
		memcpy(r.prev_hash, prev, ZC_HASH_LEN);
	switch (kind) {
	case ZC_KIND_TAP:
		r.u.tap.badge_kind = ZC_BADGE_PIV;
		r.u.tap.result = ZC_TAP_OK;
		r.u.tap.badge_id_len = 16;
		memset(r.u.tap.badge_id, 0xB0 + (int)(seq % 3), 16);
		memset(r.u.tap.cert_fp, 0xC1, ZC_HASH_LEN);
		memset(r.u.tap.nonce, (int)seq, ZC_NONCE_LEN);
		r.u.tap.badge_sig_len = sizeof der_sig;
		memcpy(r.u.tap.badge_sig, der_sig, sizeof der_sig);
		break;
	case ZC_KIND_BOOT: snprintf(r.u.boot.firmware, sizeof r.u.boot.firmware, "zhucun-test 0.1"); break;
	case ZC_KIND_CLOCK_SET:
		r.u.clock.old_utc_ms = utc + 10 * MIN_MS;
		r.u.clock.new_utc_ms = utc;
		break;
	case ZC_KIND_JOURNAL_LOST: /* everything up to seq - 1 was written */
		r.u.lost.last_seq = seq - 1;
		if (seq > 1)
			memcpy(r.u.lost.last_hash, prev, ZC_HASH_LEN);
		r.u.lost.found_head = 0;
		break;
	default: break;
	}
	assert_int_equal(zc_rec_sign(&r, k, e->b, sizeof e->b, &e->len, e->hash), 0);
}

void sfx_build(fx *f, uint64_t seq)
{
	sfx_sign(&f->rec[seq], g_key, "T1", seq, f->kind[seq], f->utc[seq], f->rec[seq - 1].hash);
}

void sfx_build_all(fx *f, uint64_t from)
{
	for (uint64_t i = from; i <= N; i++)
		sfx_build(f, i);
}

/* ---- findings ---- */

int fnds_collect(void *arg, const zc_finding *f)
{
	fnds *c = arg;
	if (c->n == 32 || (c->stop_after && c->n == c->stop_after))
		return 1;
	fnd *d = &c->f[c->n++];
	d->kind = f->kind;
	d->seq = f->seq;
	d->id = f->id;
	d->created_ms = f->created_ms;
	snprintf(d->terminal, sizeof d->terminal, "%s", f->terminal);
	snprintf(d->where, sizeof d->where, "%s", f->where);
	snprintf(d->detail, sizeof d->detail, "%s", f->detail);
	return 0;
}

fnds sfx_findings_of(fx *f, const char *terminal)
{
	fnds c;
	memset(&c, 0, sizeof c);
	assert_int_equal(zc_store_findings(f->s, terminal, fnds_collect, &c), 0);
	return c;
}

fnds sfx_findings(fx *f)
{
	return sfx_findings_of(f, "T1");
}

int fnds_count_kind(const fnds *c, int kind)
{
	int n = 0;
	for (int i = 0; i < c->n; i++)
		n += c->f[i].kind == kind;
	return n;
}

const fnd *fnds_get(const fnds *c, int kind, uint64_t seq)
{
	for (int i = 0; i < c->n; i++)
		if (c->f[i].kind == kind && c->f[i].seq == seq)
			return &c->f[i];
	return NULL;
}

const char *fnds_detail(const fnds *c, int kind, uint64_t seq)
{
	const fnd *f = fnds_get(c, kind, seq);
	if (!f) {
		print_error("no %s finding for seq %llu\n", zc_finding_name(kind), (unsigned long long)seq);
		fail();
	}
	return f ? f->detail : "";
}

void fnds_dump(const fnds *c)
{
	for (int i = 0; i < c->n; i++)
		print_message("  finding %s seq %llu at %s: %s\n", zc_finding_name(c->f[i].kind),
			      (unsigned long long)c->f[i].seq, c->f[i].where, c->f[i].detail);
}

/* ---- ingest ---- */

zc_ingest_stats sfx_ingest_list(fx *f, const zc_ingest_opts *opts, const enc *const *list)
{
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	char where[64];
	assert_int_equal(zc_ingest_begin(f->s, "T1", opts, &in), 0);
	for (int i = 0; list[i]; i++) {
		snprintf(where, sizeof where, "test@%d", i);
		assert_int_equal(zc_ingest_record(in, list[i]->b, list[i]->len, where), 0);
	}
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	return st;
}

zc_ingest_stats sfx_ingest_range(fx *f, uint64_t from, uint64_t to, uint64_t skip)
{
	const enc *list[N + 2];
	int n = 0;
	for (uint64_t i = from; i <= to; i++)
		if (i != skip)
			list[n++] = &f->rec[i];
	list[n] = NULL;
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_ingest_chain(fx *f, const zc_ingest_opts *opts)
{
	const enc *list[N + 1];
	for (int i = 0; i < N; i++)
		list[i] = &f->rec[i + 1];
	list[N] = NULL;
	return sfx_ingest_list(f, opts, list);
}

zc_ingest_stats sfx_ingest_one(zc_store *s, const char *terminal, const enc *e)
{
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	assert_int_equal(zc_ingest_begin(s, terminal, NULL, &in), 0);
	assert_int_equal(zc_ingest_record(in, e->b, e->len, "x"), 0);
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	return st;
}

/* ---- scenarios ---- */

void sfx_scenario_aborted(fx *f)
{
	zc_ingest *in = NULL;
	enc trunc = f->rec[2];
	trunc.len = 20;
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	for (int i = 1; i <= N; i++)
		assert_int_equal(zc_ingest_record(in, f->rec[i].b, f->rec[i].len, NULL), 0);
	assert_int_equal(zc_ingest_record(in, trunc.b, trunc.len, NULL), 0);
	assert_int_equal(zc_ingest_note(in, ZC_FIND_MALFORMED, 0, "seg@16", "checksum mismatch"), 0);
	zc_ingest_abort(in);
}

zc_ingest_stats sfx_scenario_mixed(fx *f, const enc *const **out)
{
	static enc trunc, alt, wrong, bad;
	static const enc *list[9];
	trunc = f->rec[2];
	trunc.len -= 3;
	sfx_sign(&alt, g_key, "T1", 5, ZC_KIND_TAP, f->utc[5] + 1000, f->rec[4].hash);
	sfx_sign(&wrong, g_key, "T2", 5, ZC_KIND_TAP, f->utc[5], f->rec[4].hash);
	bad = f->rec[7];
	bad.b[bad.len - 5] ^= 0x01; /* inside the signature */
	const enc *l[] = {&f->rec[1], &trunc, &f->rec[3], &f->rec[5], &alt, &wrong, &f->rec[6], &bad, NULL};
	memcpy(list, l, sizeof list);
	*out = list;
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_tampered3(fx *f, enc *tampered)
{
	*tampered = f->rec[3];
	/* utc_ms starts at 2 + 1 + 1 + 1 + 2 ("T1") + 8 + 4 = 19: move the tap
	 * by 256 ms; the record still decodes. */
	tampered->b[20] ^= 0x01;
	const enc *list[] = {&f->rec[1], &f->rec[2], tampered, &f->rec[4], &f->rec[5], NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_forged3(fx *f, enc *forged)
{
	sfx_sign(forged, g_other, "T1", 3, f->kind[3], f->utc[3], f->rec[2].hash);
	const enc *list[] = {&f->rec[1], &f->rec[2], forged, &f->rec[4], NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_forged4(fx *f, enc *forged)
{
	sfx_sign(forged, g_other, "T1", 4, f->kind[4], f->utc[4] + 7, f->rec[3].hash);
	const enc *list[] = {forged, NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_broken_link4(fx *f)
{
	uint8_t wrong[ZC_HASH_LEN];
	memset(wrong, 0x3F, sizeof wrong);
	sfx_sign(&f->rec[4], g_key, "T1", 4, f->kind[4], f->utc[4], wrong);
	sfx_build_all(f, 5);
	return sfx_ingest_range(f, 1, N, 0);
}

zc_ingest_stats sfx_scenario_late_other4(fx *f, enc *other4)
{
	sfx_ingest_range(f, 1, 3, 0);
	sfx_ingest_range(f, 5, N, 0);
	sfx_sign(other4, g_key, "T1", 4, ZC_KIND_TAP, f->utc[4] + 1, f->rec[3].hash);
	const enc *list[] = {other4, NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_gap34(fx *f)
{
	const enc *list[] = {&f->rec[1], &f->rec[2], &f->rec[5], &f->rec[6], &f->rec[7], &f->rec[8], NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_fork3(fx *f, enc *alt)
{
	sfx_ingest_range(f, 1, N, 0);
	sfx_sign(alt, g_key, "T1", 3, ZC_KIND_TAP, f->utc[3] + 1000, f->rec[2].hash);
	const enc *list[] = {alt, NULL};
	return sfx_ingest_list(f, NULL, list);
}

zc_ingest_stats sfx_scenario_clock_set5(fx *f)
{
	f->kind[5] = ZC_KIND_CLOCK_SET;
	for (int i = 5; i <= N; i++)
		f->utc[i] = f->utc[4] - 10 * MIN_MS + (i - 5) * MIN_MS;
	sfx_build_all(f, 5);
	return sfx_ingest_range(f, 1, N, 0);
}

void sfx_assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("'%s' does not contain '%s'\n", hay, needle);
		fail();
	}
}

/* ---- fixtures ---- */

int sfx_group_setup(void **state)
{
	(void)state;
	if (zc_privkey_generate(&g_key) || zc_privkey_generate(&g_other))
		return -1;
	if (zc_privkey_public_pem(g_key, g_pem, sizeof g_pem) ||
	    zc_privkey_public_pem(g_other, g_other_pem, sizeof g_other_pem))
		return -1;
	return 0;
}

int sfx_group_teardown(void **state)
{
	(void)state;
	zc_privkey_free(g_key);
	zc_privkey_free(g_other);
	return 0;
}

int sfx_setup(void **state, sfx_uri_fn uri_fn)
{
	fx *f = calloc(1, sizeof *f);
	char err[256];
	if (!f || !(f->dir = tu_tmpdir("store")))
		return -1;
	f->uri_fn = uri_fn;
	snprintf(f->uri, sizeof f->uri, "%s", uri_fn(f->dir, "zhucun"));
	if (zc_store_open(f->uri, &f->s, err, sizeof err) || zc_store_terminal_add(f->s, "T1", g_pem)) {
		print_error("store %s: %s\n", f->uri, f->s ? zc_store_errmsg(f->s) : err);
		*state = f;
		sfx_teardown(state);
		return -1;
	}
	f->kind[1] = ZC_KIND_BOOT;
	f->utc[1] = T0;
	for (int i = 2; i <= N; i++) {
		f->kind[i] = ZC_KIND_TAP;
		f->utc[i] = T0 + (i - 1) * MIN_MS;
	}
	sfx_build_all(f, 1);
	*state = f;
	return 0;
}

int sfx_teardown(void **state)
{
	fx *f = *state;
	zc_store_close(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

void sfx_reopen(fx *f)
{
	char err[256];
	zc_store_close(f->s);
	f->s = NULL;
	assert_int_equal(zc_store_open(f->uri, &f->s, err, sizeof err), 0);
	assert_string_equal(err, "");
}
