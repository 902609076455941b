/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store_conformance.c: what every store backend must do, through the
 * public store API only (zc/store.h, and the registry entries and audit log
 * of zc/registry.h): open, create and reopen; terminals and their keys;
 * verified heads; ingest of signed record chains, idempotence, and one test
 * per integrity finding kind, each building the tampered chain itself and
 * checking kind, seq, where and detail; collections and collected-until;
 * iterating findings and records; counts.
 *
 * It never looks inside the database: the same tests are to run against
 * every backend. Which one: the store URI prefix given as the first
 * argument, else in $ZC_TEST_STORE; by default (none given) each test gets a
 * fresh SQLite file in a temporary directory (store_uri). What only the
 * SQLite backend can show (its files, pragmas, tables) is in
 * test_store_sqlite.c.
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
#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/store.h"

/* ---- which backend ---- */

static const char *g_prefix = ""; /* argv[1], else $ZC_TEST_STORE, else "" */

/* The URI of a fresh store called name for a test whose temporary directory
 * is dir. Without a prefix: the plain path DIR/NAME.db (SQLite). A prefix
 * that names a file backend ("sqlite:") is followed by that path; one that
 * names a server ("postgresql://host/db?..."; it contains "://") by a name
 * unique to the test: the directory's last component, '_' and name. */
static const char *store_uri(const char *dir, const char *name)
{
	static char buf[4][4400];
	static int k;
	char *b = buf[k++ % 4];
	if (strstr(g_prefix, "://")) {
		const char *slash = strrchr(dir, '/');
		snprintf(b, sizeof buf[0], "%s%s_%s", g_prefix, slash ? slash + 1 : dir, name);
	} else {
		snprintf(b, sizeof buf[0], "%s%s/%s.db", g_prefix, dir, name);
	}
	return b;
}

static int setup(void **state)
{
	return sfx_setup(state, store_uri);
}

/* ---- reading records back ---- */

/* What zc_store_records gave: the seqs in order, and whether each record's
 * bytes are those of want[seq] (when want is set). Stops with 99 at
 * stop_at. */
typedef struct recs {
	int n;
	uint64_t seq[64];
	int differ; /* records whose bytes are not want[seq]'s */
	uint64_t stop_at;
	const enc *const *want;
} recs;

static int on_record(void *arg, uint64_t seq, const uint8_t *raw, size_t len)
{
	recs *r = arg;
	if (r->n == 64)
		return 98;
	r->seq[r->n++] = seq;
	if (r->want) {
		const enc *e = seq <= N + 1 ? r->want[seq] : NULL;
		r->differ += !e || e->len != len || memcmp(e->b, raw, len);
	}
	return seq == r->stop_at ? 99 : 0;
}

/* The records of T1 from..to (to 0: all), checked against want (may be
 * NULL). */
static recs records_of(fx *f, uint64_t from, uint64_t to, const enc *const *want)
{
	recs r;
	memset(&r, 0, sizeof r);
	r.want = want;
	assert_int_equal(zc_store_records(f->s, "T1", from, to, on_record, &r), 0);
	return r;
}

/* want[] pointing at f->rec[1..N]. */
static void chain_table(fx *f, const enc *want[N + 2])
{
	want[0] = NULL;
	for (int i = 1; i <= N; i++)
		want[i] = &f->rec[i];
	want[N + 1] = NULL;
}

/* The record of T1 stored for seq is exactly e. */
static void assert_stored_as(fx *f, uint64_t seq, const enc *e)
{
	const enc *want[N + 2] = {NULL};
	want[seq] = e;
	recs r = records_of(f, seq, seq, want);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.seq[0], seq);
	assert_int_equal(r.differ, 0);
}

static uint64_t head_of(fx *f, const char *terminal)
{
	uint64_t head = 99;
	assert_int_equal(zc_store_terminal_head(f->s, terminal, &head, NULL), 0);
	return head;
}

/* ---- open, create, reopen ---- */

static void test_open_creates_store(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(zc_store_check(f->s, NULL, 0), 0);
	char err[64] = "x";
	assert_int_equal(zc_store_check(f->s, err, sizeof err), 0);
	assert_string_equal(err, "");
	/* Empty but for T1. */
	assert_int_equal(zc_store_record_count(f->s, NULL), 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 0);
	assert_int_equal(sfx_findings_of(f, NULL).n, 0);
	assert_int_equal(records_of(f, 1, 0, NULL).n, 0);
	assert_int_equal(head_of(f, "T1"), 0);
	assert_non_null(zc_store_errmsg(f->s));

	zc_store *s = (zc_store *)f;
	assert_int_equal(zc_store_open(NULL, &s, err, sizeof err), ZC_EARG);
	assert_true(err[0] != 0);
	zc_store_close(NULL);
}

static void test_reopen_keeps_data(void **state)
{
	fx *f = *state;
	char pem[ZC_PEM_MAX];
	sfx_ingest_range(f, 1, N, 4); /* with a gap finding */
	sfx_reopen(f);
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(zc_store_record_count(f->s, "T1"), N - 1);
	assert_int_equal(zc_store_record_count(f->s, NULL), N - 1);
	fnds c = sfx_findings(f);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.f[0].kind, ZC_FIND_GAP);
	/* The same key registers again. */
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_pem), 0);
	assert_int_equal(zc_store_terminal_key(f->s, "T1", pem, sizeof pem), 0);
	assert_string_equal(pem, g_pem);
	assert_int_equal(head_of(f, "T1"), 3);
	const enc *want[N + 2];
	chain_table(f, want);
	recs r = records_of(f, 1, 0, want);
	assert_int_equal(r.n, N - 1);
	assert_int_equal(r.differ, 0);
	/* And the store still takes records: the missing one closes the gap. */
	zc_ingest_stats st = sfx_ingest_range(f, 4, 4, 0);
	assert_int_equal(st.stored, 1);
	assert_int_equal(head_of(f, "T1"), N);
}

/* ---- terminals ---- */

static void test_terminal_add(void **state)
{
	fx *f = *state;
	char pem[ZC_PEM_MAX];
	zc_ingest *in = NULL;
	uint64_t seq = 99;
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_pem), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_other_pem), ZC_EEXIST);
	assert_int_equal(zc_store_terminal_key(f->s, "T1", pem, sizeof pem), 0);
	assert_string_equal(pem, g_pem); /* the other key did not replace it */
	assert_int_equal(zc_store_terminal_key(f->s, "T1", pem, 10), ZC_EARG);
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_other_pem), 0);
	assert_int_equal(zc_store_terminal_key(f->s, "T2", pem, sizeof pem), 0);
	assert_string_equal(pem, g_other_pem);
	assert_int_equal(zc_store_terminal_key(f->s, "T9", pem, sizeof pem), ZC_ENOENT);
	assert_int_equal(zc_store_terminal_add(f->s, "bad id", g_pem), ZC_EARG);
	assert_int_equal(
	    zc_store_terminal_add(f->s, "T3", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
	    ZC_EMALFORMED);
	assert_int_equal(zc_store_terminal_head(f->s, "T9", &seq, NULL), ZC_ENOENT);
	assert_int_equal(zc_store_terminal_head(f->s, "T2", &seq, NULL), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(zc_ingest_begin(f->s, "T9", NULL, &in), ZC_ENOENT);
	assert_null(in);

	sfx_ingest_range(f, 1, N, 6);
	zc_store_terminal_info *ti = NULL;
	size_t n = 0;
	uint8_t fp[ZC_HASH_LEN];
	assert_int_equal(zc_store_terminals(f->s, &ti, &n), 0);
	assert_int_equal(n, 2); /* T3 and "bad id" were not added */
	assert_string_equal(ti[0].id, "T1");
	assert_int_equal(ti[0].records, N - 1);
	assert_int_equal(ti[0].head, 5);
	assert_int_equal(zc_privkey_fingerprint(g_key, fp), 0);
	assert_memory_equal(ti[0].key_fp, fp, ZC_HASH_LEN);
	assert_string_equal(ti[1].id, "T2");
	assert_int_equal(ti[1].records, 0);
	assert_int_equal(ti[1].head, 0);
	assert_int_equal(zc_privkey_fingerprint(g_other, fp), 0);
	assert_memory_equal(ti[1].key_fp, fp, ZC_HASH_LEN);
	assert_true(ti[1].added_ms > T0);
	zc_store_terminals_free(ti, n);
}

static void test_terminal_head_hash(void **state)
{
	fx *f = *state;
	uint64_t head = 99;
	uint8_t hash[ZC_HASH_LEN], zero[ZC_HASH_LEN] = {0};
	memset(hash, 0xEE, sizeof hash);
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, hash), 0);
	assert_int_equal(head, 0);
	assert_memory_equal(hash, zero, ZC_HASH_LEN); /* nothing stored: zeros */
	sfx_ingest_range(f, 1, 5, 3);
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, hash), 0);
	assert_int_equal(head, 2); /* not above the gap */
	assert_memory_equal(hash, f->rec[2].hash, ZC_HASH_LEN);
}

static void test_one_batch_at_a_time(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL, *in2 = NULL;
	zc_ingest_opts bad = {.clock_rollback_tolerance_ms = -1};
	assert_int_equal(zc_ingest_begin(f->s, "T1", &bad, &in), ZC_EARG);
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in2), ZC_ESTATE);
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_other_pem), ZC_ESTATE);
	assert_int_equal(zc_ingest_note(in, 99, 0, NULL, "x"), ZC_EARG);
	assert_int_equal(zc_ingest_note(in, ZC_FIND_GAP, 0, NULL, NULL), ZC_EARG);
	assert_int_equal(zc_ingest_record(in, f->rec[1].b, f->rec[1].len, NULL), 0);
	zc_ingest_abort(in);
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in2), 0);
	assert_int_equal(zc_ingest_commit(in2, NULL), 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 0); /* aborted */
}

static void test_close_rolls_back_open_batch(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	for (int i = 1; i <= N; i++)
		assert_int_equal(zc_ingest_record(in, f->rec[i].b, f->rec[i].len, NULL), 0);
	zc_store_close(f->s); /* frees the batch */
	f->s = NULL;
	sfx_reopen(f);
	assert_int_equal(zc_store_record_count(f->s, NULL), 0);
	assert_int_equal(head_of(f, "T1"), 0);
}

/* ---- ingest ---- */

static void test_ingest_clean_chain(void **state)
{
	fx *f = *state;
	zc_ingest_opts opts = {.source = "journal:/media/T1"};
	zc_ingest_stats st = sfx_ingest_chain(f, &opts);
	assert_int_equal(st.seen, N);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.duplicates, 0);
	assert_int_equal(st.findings, 0);
	for (size_t k = 0; k < sizeof st.by_kind / sizeof st.by_kind[0]; k++)
		assert_int_equal(st.by_kind[k], 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), N);
	assert_int_equal(sfx_findings(f).n, 0);

	uint64_t head = 0;
	uint8_t hash[ZC_HASH_LEN];
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, hash), 0);
	assert_int_equal(head, N);
	assert_memory_equal(hash, f->rec[N].hash, ZC_HASH_LEN);
	/* Every record comes back byte for byte, in order. */
	const enc *want[N + 2];
	chain_table(f, want);
	recs r = records_of(f, 1, 0, want);
	assert_int_equal(r.n, N);
	assert_int_equal(r.differ, 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(r.seq[i], i + 1);
}

static void test_ingest_twice_changes_nothing(void **state)
{
	fx *f = *state;
	sfx_ingest_range(f, 1, N, 0);
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.seen, N);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.duplicates, N);
	assert_int_equal(st.findings, 0);
	assert_int_equal(zc_store_record_count(f->s, NULL), N);
	assert_int_equal(sfx_findings(f).n, 0);
	assert_int_equal(head_of(f, "T1"), N);
	const enc *want[N + 2];
	chain_table(f, want);
	recs r = records_of(f, 1, 0, want);
	assert_int_equal(r.n, N);
	assert_int_equal(r.differ, 0);
}

static void test_ingest_twice_with_findings(void **state)
{
	fx *f = *state;
	const enc *const *list;
	zc_ingest_stats st = sfx_scenario_mixed(f, &list);
	assert_true(st.findings >= 5);
	int64_t records = zc_store_record_count(f->s, NULL);
	fnds before = sfx_findings(f);
	assert_int_equal(before.n, (int)st.findings);
	st = sfx_ingest_list(f, NULL, list);
	assert_int_equal(st.seen, 8);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.findings, 0);
	assert_int_equal(st.duplicates, 8);
	assert_int_equal(zc_store_record_count(f->s, NULL), records);
	fnds after = sfx_findings(f);
	assert_int_equal(after.n, before.n);
	for (int i = 0; i < before.n; i++) {
		assert_int_equal(after.f[i].id, before.f[i].id);
		assert_string_equal(after.f[i].detail, before.f[i].detail);
	}
}

static void test_abort_leaves_nothing(void **state)
{
	fx *f = *state;
	sfx_scenario_aborted(f);
	assert_int_equal(zc_store_record_count(f->s, NULL), 0);
	assert_int_equal(sfx_findings_of(f, NULL).n, 0);
	assert_int_equal(records_of(f, 1, 0, NULL).n, 0);
	uint64_t head = 7;
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 0);
	/* And the store is usable afterwards. */
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
}

static void test_note(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	zc_ingest_opts opts = {.now_ms = T0 + 5};
	for (int round = 0; round < 2; round++) {
		assert_int_equal(zc_ingest_begin(f->s, "T1", &opts, &in), 0);
		assert_int_equal(zc_ingest_note(in, ZC_FIND_MALFORMED, 0, "seg-000000000001.zcj@4096",
						"journal entry check bytes do not match (entry skipped, 212 bytes)"),
				 0);
		assert_int_equal(zc_ingest_commit(in, &st), 0);
		assert_int_equal(st.findings, round == 0 ? 1 : 0);
		assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], round == 0 ? 1 : 0);
		opts.now_ms += 1000;
	}
	fnds c = sfx_findings(f);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.f[0].kind, ZC_FIND_MALFORMED);
	assert_int_equal(c.f[0].seq, 0);
	assert_string_equal(c.f[0].terminal, "T1");
	assert_string_equal(c.f[0].where, "seg-000000000001.zcj@4096");
	sfx_assert_contains(c.f[0].detail, "check bytes");
	assert_int_equal(c.f[0].created_ms, T0 + 5); /* the batch's time, from the first round */
	assert_int_equal(zc_store_record_count(f->s, NULL), 0);
}

/* ---- one test per finding kind ---- */

static void test_finding_malformed(void **state)
{
	fx *f = *state;
	enc trunc = f->rec[3];
	trunc.len -= 5; /* cut into the signature */
	const enc *list[] = {&f->rec[1], &f->rec[2], &trunc, NULL};
	zc_ingest_stats st = sfx_ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *m = fnds_get(&c, ZC_FIND_MALFORMED, 0);
	assert_non_null(m);
	assert_string_equal(m->where, "test@2");
	char want[128];
	snprintf(want, sizeof want, "record of %zu bytes does not decode: field sig at offset", trunc.len);
	sfx_assert_contains(m->detail, want);
	sfx_assert_contains(m->detail, "input ends inside this field");
	sfx_assert_contains(m->detail, "claims terminal 'T1' seq 3");
	assert_int_equal(zc_store_record_count(f->s, "T1"), 2);
	assert_int_equal(head_of(f, "T1"), 2);
}

static void test_finding_wrong_terminal(void **state)
{
	fx *f = *state;
	enc other;
	sfx_sign(&other, g_key, "T2", 3, ZC_KIND_TAP, f->utc[3], f->rec[2].hash);
	const enc *list[] = {&f->rec[1], &f->rec[2], &other, NULL};
	zc_ingest_stats st = sfx_ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.by_kind[ZC_FIND_WRONG_TERMINAL], 1);
	assert_int_equal(st.findings, 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *w = fnds_get(&c, ZC_FIND_WRONG_TERMINAL, 3);
	assert_non_null(w);
	assert_string_equal(w->detail, "record names terminal 'T2' (seq 3); this batch is for 'T1'");
	assert_string_equal(w->terminal, "T1"); /* kept with the batch's terminal */
	assert_int_equal(zc_store_record_count(f->s, NULL), 2);
}

static void test_finding_bad_signature_body_changed(void **state)
{
	fx *f = *state;
	enc tampered;
	zc_ingest_stats st = sfx_scenario_tampered3(f, &tampered);
	assert_int_equal(st.stored, 5);
	assert_int_equal(st.by_kind[ZC_FIND_BAD_SIGNATURE], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *b = fnds_get(&c, ZC_FIND_BAD_SIGNATURE, 3);
	assert_non_null(b);
	sfx_assert_contains(b->detail, "terminal signature does not verify with the registered key");
	/* The altered body no longer hashes to what seq 4 links to. */
	assert_non_null(fnds_get(&c, ZC_FIND_BROKEN_LINK, 4));
	assert_int_equal(c.n, 2);
	assert_int_equal(head_of(f, "T1"), 2);
	/* Records whose signature failed are stored and listed as they came. */
	assert_stored_as(f, 3, &tampered);

	/* The genuine record arriving later takes the slot; the tampered one
	 * is kept aside as a conflict. */
	const enc *later[] = {&f->rec[3], NULL};
	st = sfx_ingest_list(f, NULL, later);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.findings, 1);
	c = sfx_findings(f);
	fnds_dump(&c);
	sfx_assert_contains(fnds_detail(&c, ZC_FIND_FORK, 3),
			    "whose terminal signature does not verify; this record has hash");
	assert_stored_as(f, 3, &f->rec[3]);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 5);
	assert_int_equal(head_of(f, "T1"), 5);
}

static void test_finding_bad_signature_other_key(void **state)
{
	fx *f = *state;
	enc forged, forged2;
	zc_ingest_stats st = sfx_scenario_forged3(f, &forged);
	assert_int_equal(st.findings, 1); /* same body as the genuine record: seq 4 still links */
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *b = fnds_get(&c, ZC_FIND_BAD_SIGNATURE, 3);
	assert_non_null(b);
	char fp_hex[12];
	uint8_t fp[ZC_HASH_LEN];
	assert_int_equal(zc_privkey_fingerprint(g_key, fp), 0);
	zc_hex(fp, 4, fp_hex);
	sfx_assert_contains(b->detail, fp_hex);
	assert_int_equal(head_of(f, "T1"), 2);
	assert_stored_as(f, 3, &forged);

	/* A forgery for a stored seq is kept as a conflict: a bad signature,
	 * and a fork whose detail says the terminal did not sign it. */
	st = sfx_scenario_forged4(f, &forged2);
	assert_int_equal(st.by_kind[ZC_FIND_BAD_SIGNATURE], 1);
	assert_int_equal(st.by_kind[ZC_FIND_FORK], 1);
	assert_int_equal(st.findings, 2);
	assert_int_equal(st.stored, 0);
	c = sfx_findings(f);
	fnds_dump(&c);
	sfx_assert_contains(fnds_detail(&c, ZC_FIND_BAD_SIGNATURE, 4), "kept in record_conflicts");
	sfx_assert_contains(fnds_detail(&c, ZC_FIND_FORK, 4),
			    "its terminal signature does not verify, the stored one's does");
	/* seq 4 is still the genuine record, and nothing came above it. */
	assert_stored_as(f, 4, &f->rec[4]);
	assert_int_equal(records_of(f, 5, 0, NULL).n, 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 4);
}

static void test_finding_broken_link(void **state)
{
	fx *f = *state;
	/* seq 4 re-signed by the terminal key with a wrong prev_hash; 5.. link
	 * to the new 4. */
	zc_ingest_stats st = sfx_scenario_broken_link4(f);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_BROKEN_LINK], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *l = fnds_get(&c, ZC_FIND_BROKEN_LINK, 4);
	assert_non_null(l);
	char want[128], h[12];
	zc_hex(f->rec[3].hash, 4, h);
	snprintf(want, sizeof want, "prev_hash 3f3f3f3f.. != hash of seq 3 (%s..)", h);
	assert_string_equal(l->detail, want);
	assert_string_equal(l->where, "test@3");
	assert_int_equal(head_of(f, "T1"), 3);
}

static void test_finding_broken_link_found_from_successor(void **state)
{
	fx *f = *state;
	/* 5 is stored first; the 4 that arrives later is not the one 5 links
	 * to: the broken link is reported on 5. */
	enc other4;
	zc_ingest_stats st = sfx_scenario_late_other4(f, &other4);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.by_kind[ZC_FIND_BROKEN_LINK], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *l = fnds_get(&c, ZC_FIND_BROKEN_LINK, 5);
	assert_non_null(l);
	assert_string_equal(l->where, "test@0"); /* where 5 was read */
	assert_int_equal(head_of(f, "T1"), 4);	 /* 4 links to 3; 5 does not link to 4 */
}

static void test_finding_gap(void **state)
{
	fx *f = *state;
	zc_ingest_stats st = sfx_scenario_gap34(f);
	assert_int_equal(st.stored, 6);
	assert_int_equal(st.findings, 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *g = fnds_get(&c, ZC_FIND_GAP, 5);
	assert_non_null(g);
	assert_string_equal(g->detail, "seq 3-4 missing (2 records) between stored seq 2 and seq 5");
	assert_int_equal(head_of(f, "T1"), 2);

	/* The missing records arrive: they link both ways, nothing new is
	 * reported and the head moves to the end. */
	st = sfx_ingest_range(f, 3, 4, 0);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.findings, 0);
	assert_int_equal(head_of(f, "T1"), N);

	/* A chain that does not start at 1. */
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	enc r7;
	uint8_t prev[ZC_HASH_LEN] = {1};
	sfx_sign(&r7, g_key, "T2", 7, ZC_KIND_TAP, T0, prev);
	st = sfx_ingest_one(f->s, "T2", &r7);
	assert_int_equal(st.by_kind[ZC_FIND_GAP], 1);
	c = sfx_findings_of(f, "T2");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].detail, "seq 1-6 missing (6 records) before seq 7; nothing stored below it");
	assert_string_equal(c.f[0].terminal, "T2");
	assert_int_equal(head_of(f, "T2"), 0);
}

/* A terminal's journal_lost record is reported as such (naming what it had
 * written); when the host had not collected all of it, the gap too. */
static void test_finding_journal_lost(void **state)
{
	fx *f = *state;
	sfx_ingest_range(f, 1, 3, 0);
	enc lost;
	sfx_sign(&lost, g_key, "T1", 4, ZC_KIND_JOURNAL_LOST, T0 + 60 * MIN_MS, f->rec[3].hash);
	zc_ingest_stats st = sfx_ingest_one(f->s, "T1", &lost);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_JOURNAL_LOST], 1);
	fnds c = sfx_findings(f);
	const char *d = fnds_detail(&c, ZC_FIND_JOURNAL_LOST, 4);
	assert_non_null(strstr(d, "it had written up to seq 3"));
	assert_non_null(strstr(d, "numbering goes on at seq 4"));
	/* it links: the head goes on through it; the same record again adds nothing */
	assert_int_equal(head_of(f, "T1"), 4);
	st = sfx_ingest_one(f->s, "T1", &lost);
	assert_int_equal(st.findings, 0);

	/* T2 lost records the host never saw (4..6): the gap and the loss */
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	enc t2[4];
	uint8_t zero[ZC_HASH_LEN] = {0};
	for (uint64_t i = 1; i <= 3; i++) {
		sfx_sign(&t2[i], g_key, "T2", i, ZC_KIND_TAP, T0 + (int64_t)i * MIN_MS, i > 1 ? t2[i - 1].hash : zero);
		sfx_ingest_one(f->s, "T2", &t2[i]);
	}
	uint8_t h6[ZC_HASH_LEN];
	memset(h6, 0x66, sizeof h6);
	sfx_sign(&lost, g_key, "T2", 7, ZC_KIND_JOURNAL_LOST, T0 + 90 * MIN_MS, h6);
	st = sfx_ingest_one(f->s, "T2", &lost);
	assert_int_equal(st.by_kind[ZC_FIND_GAP], 1);
	assert_int_equal(st.by_kind[ZC_FIND_JOURNAL_LOST], 1);
	c = sfx_findings_of(f, "T2");
	assert_non_null(strstr(fnds_detail(&c, ZC_FIND_JOURNAL_LOST, 7), "up to seq 6 (hash 66666666..)"));
	assert_string_equal(fnds_detail(&c, ZC_FIND_GAP, 7),
			    "seq 4-6 missing (3 records) between stored seq 3 and seq 7");
	assert_int_equal(head_of(f, "T2"), 3);
}

static void test_finding_fork(void **state)
{
	fx *f = *state;
	enc alt;
	zc_ingest_stats st = sfx_scenario_fork3(f, &alt);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_FORK], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *k = fnds_get(&c, ZC_FIND_FORK, 3);
	assert_non_null(k);
	char h1[12], h2[12], want[160];
	zc_hex(f->rec[3].hash, 4, h1);
	zc_hex(alt.hash, 4, h2);
	snprintf(want, sizeof want, "seq 3 is stored with hash %s..; this record has hash %s..", h1, h2);
	sfx_assert_contains(k->detail, want);
	/* The first stays the record of seq 3; the other is not listed. */
	assert_int_equal(zc_store_record_count(f->s, "T1"), N);
	assert_stored_as(f, 3, &f->rec[3]);
	assert_int_equal(head_of(f, "T1"), N);

	const enc *again[] = {&alt, NULL};
	st = sfx_ingest_list(f, NULL, again);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.findings, 0);
	assert_int_equal(sfx_findings(f).n, 1);
}

static void test_finding_clock_rollback(void **state)
{
	fx *f = *state;
	/* 5 is ten minutes before 4 (nine before 3 ...); 6 goes on from 4. */
	f->utc[5] = f->utc[4] - 10 * MIN_MS;
	sfx_build_all(f, 5);
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	const fnd *r = fnds_get(&c, ZC_FIND_CLOCK_ROLLBACK, 5);
	assert_non_null(r);
	assert_string_equal(r->detail, "utc 2023-11-14T22:06:20.000Z is 600.000 s earlier than seq 4 "
				       "(2023-11-14T22:16:20.000Z); tolerance 300.000 s");
	assert_int_equal(head_of(f, "T1"), N); /* a finding, not a break in the chain */
}

static void test_clock_rollback_within_tolerance(void **state)
{
	fx *f = *state;
	f->utc[5] = f->utc[4] - 4 * MIN_MS;
	sfx_build_all(f, 5);
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(st.findings, 0);
	assert_int_equal(sfx_findings(f).n, 0);

	/* A stricter policy reports the same four minutes (in a fresh store). */
	char err[256];
	zc_store_close(f->s);
	f->s = NULL;
	snprintf(f->uri, sizeof f->uri, "%s", f->uri_fn(f->dir, "strict"));
	assert_int_equal(zc_store_open(f->uri, &f->s, err, sizeof err), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_pem), 0);
	zc_ingest_opts strict = {.clock_rollback_tolerance_ms = 60000};
	st = sfx_ingest_chain(f, &strict);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	sfx_assert_contains(sfx_findings(f).f[0].detail, "240.000 s earlier than seq 4");
}

static void test_clock_rollback_not_for_clock_set(void **state)
{
	fx *f = *state;
	/* 5 sets the clock back ten minutes, stamped with the new time; the
	 * records after it go on from there. */
	zc_ingest_stats st = sfx_scenario_clock_set5(f);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 0);
	assert_stored_as(f, 5, &f->rec[5]);
}

static void test_clock_rollback_after_clock_set_stamped_old(void **state)
{
	fx *f = *state;
	/* A clock_set stamped with the time before the change: the next
	 * record is compared with the new time it names, not its stamp. */
	f->kind[5] = ZC_KIND_CLOCK_SET;
	f->utc[5] = f->utc[4] + MIN_MS; /* old clock; sfx_sign sets new = stamp */
	sfx_build(f, 5);
	zc_rec r;
	size_t body = 0;
	assert_int_equal(zc_rec_decode(f->rec[5].b, f->rec[5].len, &r, &body, NULL), 0);
	r.u.clock.old_utc_ms = f->utc[5];
	r.u.clock.new_utc_ms = f->utc[5] - 10 * MIN_MS;
	assert_int_equal(zc_rec_sign(&r, g_key, f->rec[5].b, sizeof f->rec[5].b, &f->rec[5].len, f->rec[5].hash), 0);
	for (int i = 6; i <= N; i++)
		f->utc[i] = f->utc[5] - 10 * MIN_MS + (i - 5) * MIN_MS;
	sfx_build_all(f, 6);
	zc_ingest_stats st = sfx_ingest_range(f, 1, N, 0);
	fnds c = sfx_findings(f);
	fnds_dump(&c);
	assert_int_equal(st.findings, 0);
	assert_int_equal(st.stored, N);
}

static void test_clock_rollback_found_from_successor(void **state)
{
	fx *f = *state;
	/* 5 is stored while 4 is missing, and compared with 3; 4 arrives
	 * later, ten minutes after 5: the rollback is reported on 5. */
	f->utc[4] = f->utc[5] + 10 * MIN_MS;
	sfx_build_all(f, 4);
	sfx_ingest_range(f, 1, N, 4);
	fnds c = sfx_findings(f);
	assert_int_equal(fnds_count_kind(&c, ZC_FIND_CLOCK_ROLLBACK), 0);
	zc_ingest_stats st = sfx_ingest_range(f, 4, 4, 0);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	c = sfx_findings(f);
	fnds_dump(&c);
	sfx_assert_contains(fnds_detail(&c, ZC_FIND_CLOCK_ROLLBACK, 5), "earlier than seq 4");
}

/* ---- collections and collected-until ---- */

typedef struct colls {
	int n;
	char terminal[8][40], via[8][16], source[8][64];
	zc_collection c[8];
} colls;

static int on_collection(void *arg, const char *terminal, const zc_collection *c)
{
	colls *k = arg;
	if (k->n == 8)
		return 1;
	snprintf(k->terminal[k->n], sizeof k->terminal[0], "%s", terminal);
	snprintf(k->via[k->n], sizeof k->via[0], "%s", c->via);
	snprintf(k->source[k->n], sizeof k->source[0], "%s", c->source ? c->source : "(null)");
	k->c[k->n++] = *c;
	return 0;
}

static void test_collections(void **state)
{
	fx *f = *state;
	int64_t cu = 0;
	int added = -1;
	const int64_t h = 3600000;
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_other_pem), 0);
	assert_int_equal(zc_store_collected_until(f->s, "T1", &cu), ZC_ENOENT);
	assert_int_equal(zc_store_collected_until(f->s, "T9", &cu), ZC_ENOENT);
	assert_int_equal(zc_store_collection_add(f->s, "T9", T0, 1, "link", NULL, NULL), ZC_ENOENT);
	assert_int_equal(zc_store_collection_add(f->s, "T1", 0, 1, "link", NULL, &added), ZC_EARG);
	assert_int_equal(added, 0);
	assert_int_equal(zc_store_collection_add(f->s, "T1", -5, 1, "link", NULL, NULL), ZC_EARG);
	assert_int_equal(zc_store_collection_add(f->s, "T1", T0, 1, "carried", NULL, NULL), ZC_EARG);

	assert_int_equal(zc_store_collection_add(f->s, "T1", T0 + 3 * h, 5, "link", "/dev/ttyUSB0", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(zc_store_collection_add(f->s, "T1", T0 + 3 * h, 5, "link", "/dev/ttyUSB0", &added), 0);
	assert_int_equal(added, 0); /* kept once */
	assert_int_equal(zc_store_collection_add(f->s, "T1", T0 + h, 2, "bundle", "k.zcb", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(zc_store_collection_add(f->s, "T1", T0 + 3 * h, 6, "link", NULL, &added), 0);
	assert_int_equal(added, 1); /* another seq at the same time is another collection */
	assert_int_equal(zc_store_collection_add(f->s, "T2", T0 + 9 * h, 0, "link", NULL, NULL), 0);

	assert_int_equal(zc_store_collected_until(f->s, "T1", &cu), 0);
	assert_int_equal(cu, T0 + 3 * h);
	assert_int_equal(zc_store_collected_until(f->s, "T2", &cu), 0);
	assert_int_equal(cu, T0 + 9 * h);

	colls k;
	memset(&k, 0, sizeof k);
	assert_int_equal(zc_store_collections(f->s, "T1", on_collection, &k), 0);
	assert_int_equal(k.n, 3); /* T1's only, oldest first */
	assert_int_equal(k.c[0].at_ms, T0 + h);
	assert_int_equal(k.c[0].up_to_seq, 2);
	assert_string_equal(k.via[0], "bundle");
	assert_string_equal(k.source[0], "k.zcb");
	assert_int_equal(k.c[1].at_ms, T0 + 3 * h);
	assert_int_equal(k.c[2].at_ms, T0 + 3 * h);
	assert_true(k.c[1].up_to_seq + k.c[2].up_to_seq == 11);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(k.terminal[i], "T1");
		assert_true(k.c[i].recorded_ms > T0);
	}
	int port = k.c[1].up_to_seq == 5 ? 1 : 2;
	assert_string_equal(k.via[port], "link");
	assert_string_equal(k.source[port], "/dev/ttyUSB0");
	assert_string_equal(k.source[3 - port], "(null)");

	/* Collections are kept across a reopen. */
	sfx_reopen(f);
	assert_int_equal(zc_store_collected_until(f->s, "T1", &cu), 0);
	assert_int_equal(cu, T0 + 3 * h);
}

/* ---- iterating records and findings, counts ---- */

static void test_records_iteration(void **state)
{
	fx *f = *state;
	const enc *want[N + 2];
	chain_table(f, want);
	sfx_ingest_range(f, 1, 3, 0);
	sfx_ingest_range(f, 6, N, 0); /* a gap 4..5 */
	recs r = records_of(f, 2, 7, want);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.seq[0], 2);
	assert_int_equal(r.seq[1], 3);
	assert_int_equal(r.seq[2], 6);
	assert_int_equal(r.seq[3], 7);
	assert_int_equal(r.differ, 0);
	assert_int_equal(records_of(f, 1, 0, want).n, N - 2);  /* to 0: no upper bound */
	assert_int_equal(records_of(f, 4, 5, want).n, 0);      /* inside the gap */
	assert_int_equal(records_of(f, N + 1, 0, want).n, 0);  /* above the end */
	assert_int_equal(records_of(f, 0, 1, want).seq[0], 1); /* from 0 reads from 1 */

	/* fn stops the iteration with its value. */
	memset(&r, 0, sizeof r);
	r.stop_at = 6;
	assert_int_equal(zc_store_records(f->s, "T1", 1, 0, on_record, &r), 99);
	assert_int_equal(r.n, 4); /* 1, 2, 3 and 6, where it stopped */
	assert_int_equal(r.seq[3], 6);
	assert_int_equal(zc_store_records(f->s, "T9", 1, 0, on_record, &r), ZC_ENOENT);

	/* Another terminal's records are apart. */
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(zc_store_records(f->s, "T2", 1, 0, on_record, &r), 0);
	assert_int_equal(r.n, 0);
}

static void test_findings_iteration(void **state)
{
	fx *f = *state;
	zc_ingest_opts opts = {.now_ms = T0 + 42, .source = "test"};
	const enc *list[] = {&f->rec[1], &f->rec[3], &f->rec[6], NULL}; /* two gaps */
	zc_ingest_stats st = sfx_ingest_list(f, &opts, list);
	assert_int_equal(st.by_kind[ZC_FIND_GAP], 2);
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	enc r7;
	uint8_t prev[ZC_HASH_LEN] = {1};
	sfx_sign(&r7, g_key, "T2", 7, ZC_KIND_TAP, T0, prev);
	sfx_ingest_one(f->s, "T2", &r7);

	fnds all = sfx_findings_of(f, NULL);
	assert_int_equal(all.n, 3);
	for (int i = 1; i < all.n; i++)
		assert_true(all.f[i].id > all.f[i - 1].id); /* oldest first */
	assert_string_equal(all.f[2].terminal, "T2");
	fnds t1 = sfx_findings(f);
	assert_int_equal(t1.n, 2);
	assert_int_equal(t1.f[0].seq, 3);
	assert_int_equal(t1.f[1].seq, 6);
	for (int i = 0; i < t1.n; i++) {
		assert_string_equal(t1.f[i].terminal, "T1");
		assert_int_equal(t1.f[i].kind, ZC_FIND_GAP);
		assert_int_equal(t1.f[i].created_ms, T0 + 42); /* the batch's time */
	}
	assert_int_equal(sfx_findings_of(f, "T9").n, 0);

	/* fn stops the iteration. */
	fnds one;
	memset(&one, 0, sizeof one);
	one.stop_after = 1;
	assert_true(zc_store_findings(f->s, NULL, fnds_collect, &one) >= 0);
	assert_int_equal(one.n, 1);
	assert_int_equal(one.f[0].id, all.f[0].id);
}

static void test_record_counts(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	enc r1;
	sfx_sign(&r1, g_key, "T2", 1, ZC_KIND_BOOT, T0, NULL);
	sfx_ingest_one(f->s, "T2", &r1);
	sfx_ingest_range(f, 1, N, 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), N);
	assert_int_equal(zc_store_record_count(f->s, "T2"), 1);
	assert_int_equal(zc_store_record_count(f->s, NULL), N + 1);
	assert_int_equal(zc_store_record_count(f->s, "T9"), 0);
	assert_int_equal(head_of(f, "T2"), 1);
}

/* ---- registry entries and the audit log ---- */

/* Import a small CSV of kind; every row must be inserted. */
static void import_rows(fx *f, const char *kind, const char *csv, size_t rows)
{
	zc_import_result res;
	char err[256], label[64];
	snprintf(label, sizeof label, "%s.csv", kind);
	int rc = zc_registry_import_buf_l(f->s, kind, (const uint8_t *)csv, strlen(csv), label, f->dir, "importer",
					  ZC_LANG_EN, &res, err, sizeof err);
	if (rc)
		print_error("%s: %s (%s)\n", kind, err, res.nerrors ? res.errors[0] : "");
	assert_int_equal(rc, 0);
	assert_int_equal(res.inserted, rows);
	zc_import_result_free(&res);
}

typedef struct audits {
	int n;
	char line[16][512]; /* action|entity|key|actor|source|before|after */
} audits;

static int on_audit(void *arg, const zc_audit_row *a)
{
	audits *x = arg;
	if (x->n == 16)
		return 1;
	snprintf(x->line[x->n++], sizeof x->line[0], "%s|%s|%s|%s|%s|%s|%s", a->action, a->entity, a->key, a->actor,
		 a->source, a->before_json ? a->before_json : "NULL", a->after_json ? a->after_json : "NULL");
	return 0;
}

static audits audit_of(fx *f, const char *entity)
{
	audits x;
	memset(&x, 0, sizeof x);
	assert_int_equal(zc_registry_audit(f->s, entity, on_audit, &x), 0);
	return x;
}

typedef struct entries {
	int n;
	int64_t id[4];
	char line[4][256]; /* cadre|start|end|level|ref|type|reason */
} entries;

static int on_entry(void *arg, const zc_registry_entry *e)
{
	entries *x = arg;
	if (x->n == 4)
		return 1;
	x->id[x->n] = e->id;
	snprintf(x->line[x->n++], sizeof x->line[0], "%s|%s|%s|%s|%s|%s|%s", e->cadre, e->start, e->end, e->level,
		 e->ref ? e->ref : "NULL", e->type ? e->type : "NULL", e->reason ? e->reason : "NULL");
	return 0;
}

static void test_registry_entries_and_audit(void **state)
{
	fx *f = *state;
	char err[256];
	import_rows(f, "districts", "id,name\nD1,城关区\n", 1);
	import_rows(f, "townships", "id,name,district\nS1,一镇,D1\n", 1);
	import_rows(f, "villages", "id,name,township,rate_fen\nV1,一村,S1,\n", 1);
	import_rows(f, "cadres", "id,name,role,party_since,work_since,unit\nC1,张三,member,,2015-03-01,市财政局\n", 1);
	audits a = audit_of(f, "cadres");
	assert_int_equal(a.n, 1);
	sfx_assert_contains(a.line[0], "insert|cadres|C1|importer|cadres.csv:2|NULL|{");
	sfx_assert_contains(a.line[0], "\"name\":\"张三\"");

	zc_registry_entry e = {.cadre = "C1",
			       .start = "2024/11/4",
			       .end = "2024-11-05",
			       .level = "township",
			       .ref = "R-1",
			       .type = "sick",
			       .reason = "flu"};
	int64_t id = 0, id2 = 0;
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, &id, err, sizeof err), 0);
	assert_true(id > 0);
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &e, "clerk", ZC_LANG_EN, &id2, err, sizeof err),
			 ZC_EEXIST);
	assert_int_equal(id2, id);
	zc_registry_entry bad = e;
	bad.cadre = "C9";
	assert_int_equal(zc_registry_entry_add(f->s, "leave", &bad, "clerk", ZC_LANG_EN, NULL, err, sizeof err),
			 ZC_ENOENT);

	/* Round trip: listed as stored, after a reopen too. */
	sfx_reopen(f);
	entries x;
	memset(&x, 0, sizeof x);
	assert_int_equal(zc_registry_entries(f->s, "leave", "C1", on_entry, &x), 0);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.id[0], id);
	assert_string_equal(x.line[0], "C1|2024-11-04|2024-11-05|township|R-1|sick|flu");
	memset(&x, 0, sizeof x);
	assert_int_equal(zc_registry_entries(f->s, "leave", "C2", on_entry, &x), 0);
	assert_int_equal(x.n, 0);

	assert_int_equal(zc_registry_entry_remove(f->s, "leave", id, "clerk", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(zc_registry_entry_remove(f->s, "leave", id, "clerk", ZC_LANG_EN, err, sizeof err), ZC_ENOENT);
	memset(&x, 0, sizeof x);
	assert_int_equal(zc_registry_entries(f->s, "leave", NULL, on_entry, &x), 0);
	assert_int_equal(x.n, 0);

	/* The audit log: one insert and one delete, oldest first; nothing for
	 * the refused additions. */
	a = audit_of(f, "leave");
	assert_int_equal(a.n, 2);
	sfx_assert_contains(a.line[0], "insert|leave|");
	sfx_assert_contains(a.line[0], "|clerk|cli|NULL|{");
	sfx_assert_contains(a.line[1], "delete|leave|");
	sfx_assert_contains(a.line[1], "\"level\":\"township\"");
	assert_true(strlen(a.line[1]) > 5 && !strcmp(a.line[1] + strlen(a.line[1]) - 5, "|NULL"));
	assert_int_equal(audit_of(f, NULL).n, 6);
}

int main(int argc, char **argv)
{
	const char *env = getenv("ZC_TEST_STORE");
	if (argc > 1)
		g_prefix = argv[1];
	else if (env)
		g_prefix = env;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_store, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_terminal_add, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_terminal_head_hash, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_one_batch_at_a_time, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_close_rolls_back_open_batch, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_clean_chain, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_changes_nothing, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_with_findings, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_note, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_malformed, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_wrong_terminal, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_bad_signature_body_changed, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_bad_signature_other_key, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_broken_link, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_broken_link_found_from_successor, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_gap, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_journal_lost, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_fork, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_finding_clock_rollback, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_within_tolerance, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_not_for_clock_set, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_after_clock_set_stamped_old, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_found_from_successor, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_collections, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_records_iteration, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_findings_iteration, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_record_counts, setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_registry_entries_and_audit, setup, sfx_teardown),
	};
	return cmocka_run_group_tests_name("store_conformance", tests, sfx_group_setup, sfx_group_teardown);
}
