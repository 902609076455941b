/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_journal_ingest.c: a terminal's journal files into the store
 * (zc/journal_ingest.h), the call behind `zhucun ingest`. Real journals
 * written by the simulator's journal writer (synth.h) and damaged by its
 * tamper tool, a real store file. Covered: the terminal taken from the
 * first record or given; batches and the progress after each full one; a
 * second run stores nothing twice; no journal, no decodable record, an
 * invalid id; a damaged entry noted as a finding and reported to the
 * caller; a tampered record; a second key for a registered terminal
 * refused with nothing stored; a handle runs once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synth.h"
#include "tamper.h"
#include "testutil.h"
#include "zc/err.h"
#include "zc/journal_ingest.h"
#include "zc/store.h"

#define RECORDS 30

typedef struct fx {
	char *dir;
	char kdir[1024], jdir[1024], db[1024];
	char *pem;
	zc_store *s;
	/* what the callbacks saw */
	unsigned progress_calls, damaged_calls;
	uint64_t last_progress;
	int last_status;
} fx;

/* A journal of n taps by terminal tid in dir/sub; its public key PEM. */
static char *make_journal(const char *dir, const char *sub, const char *tid, uint64_t n, char *jdir, size_t cap)
{
	char out[900], p[1100];
	snprintf(out, sizeof out, "%s/%s", dir, sub);
	zc_synth_opts o = {
	    .out_dir = out, .terminal = tid, .records = n, .badges = 3, .start_utc_ms = 1735776000000, .quiet = 1};
	assert_int_equal(zc_synth_journal(&o), 0);
	snprintf(jdir, cap, "%s/journal", out);
	snprintf(p, sizeof p, "%s/terminal.pub.pem", out);
	size_t len;
	uint8_t *pem = tu_read_file(p, &len);
	assert_non_null(pem);
	char *txt = realloc(pem, len + 1);
	assert_non_null(txt);
	txt[len] = 0;
	return txt;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char msg[256];
	f->dir = tu_tmpdir("jingest");
	f->pem = make_journal(f->dir, "k01", "K01", RECORDS, f->jdir, sizeof f->jdir);
	snprintf(f->db, sizeof f->db, "%s/host.db", f->dir);
	assert_int_equal(zc_store_open(f->db, &f->s, msg, sizeof msg), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_store_close(f->s);
	free(f->pem);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void on_progress(void *arg, uint64_t entries)
{
	fx *f = arg;
	f->progress_calls++;
	assert_true(entries > f->last_progress);
	f->last_progress = entries;
}

static void on_damaged(void *arg, const char *where, int status)
{
	fx *f = arg;
	f->damaged_calls++;
	f->last_status = status;
	assert_non_null(strstr(where, ".zcj@"));
}

static zc_jingest_opts opts(fx *f, uint32_t batch)
{
	zc_jingest_opts o = {.pubkey_pem = f->pem,
			     .batch = batch,
			     .clock_rollback_tolerance_ms = 300000,
			     .progress = on_progress,
			     .damaged = on_damaged,
			     .arg = f};
	return o;
}

/* Open path (for terminal, may be NULL), run with o, close: the run's rc. */
static int ingest(fx *f, const char *path, const char *terminal, const zc_jingest_opts *o, zc_jingest_result *r)
{
	zc_jingest *j = NULL;
	assert_int_equal(zc_jingest_open(path, terminal, &j), 0);
	int rc = zc_jingest_run(j, f->s, o, r);
	zc_jingest_close(j);
	return rc;
}

static void test_clean_journal_in_batches(void **state)
{
	fx *f = *state;
	zc_jingest *j = NULL;
	zc_jingest_result r;
	zc_jingest_opts o = opts(f, 7);
	assert_int_equal(zc_jingest_open(f->jdir, NULL, &j), 0);
	assert_string_equal(zc_jingest_terminal(j), "K01"); /* from its first record */
	assert_int_equal(zc_jingest_run(j, f->s, &o, &r), 0);
	assert_int_equal(r.error, ZC_JINGEST_OK);
	assert_true(r.entries >= RECORDS);
	assert_int_equal(r.stats.seen, r.entries);
	assert_int_equal(r.stats.stored, r.entries);
	assert_int_equal(r.stats.duplicates, 0);
	assert_int_equal(r.stats.findings, 0);
	/* progress after each full batch only */
	assert_int_equal(f->progress_calls, r.entries / 7);
	assert_int_equal(f->last_progress, r.entries / 7 * 7);
	assert_int_equal(f->damaged_calls, 0);
	/* a handle runs once */
	zc_jingest_result r2;
	assert_int_equal(zc_jingest_run(j, f->s, &o, &r2), ZC_ESTATE);
	zc_jingest_close(j);

	/* the store holds it all, under the key given */
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "K01", &head, NULL), 0);
	assert_int_equal(head, r.entries);
	char pem[2048];
	assert_int_equal(zc_store_terminal_key(f->s, "K01", pem, sizeof pem), 0);

	/* again, one batch: nothing new */
	f->progress_calls = 0;
	f->last_progress = 0;
	o.batch = 0; /* the default, larger than the journal */
	assert_int_equal(ingest(f, f->jdir, "K01", &o, &r2), 0);
	assert_int_equal(r2.entries, r.entries);
	assert_int_equal(r2.stats.stored, 0);
	assert_int_equal(r2.stats.duplicates, r.entries);
	assert_int_equal(f->progress_calls, 0);
}

static void test_open_failures(void **state)
{
	fx *f = *state;
	zc_jingest *j = (zc_jingest *)f; /* must be cleared */
	char p[1100];
	snprintf(p, sizeof p, "%s/missing", f->dir);
	assert_int_equal(zc_jingest_open(p, NULL, &j), ZC_ENOENT);
	assert_null(j);
	assert_int_equal(zc_jingest_open(f->jdir, "bad id!", &j), ZC_EARG);
	assert_null(j);
	zc_jingest_close(NULL);

	/* a segment file holding nothing that decodes */
	char seg[1200];
	snprintf(p, sizeof p, "%s/junk", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(seg, sizeof seg, "%s/seg-000000000001.zcj", p);
	uint8_t junk[600];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(tu_write_file(seg, junk, sizeof junk), 0);
	assert_int_equal(zc_jingest_open(p, NULL, &j), ZC_EMALFORMED);
	assert_null(j);

	/* with the terminal named it is read: damaged entries become findings */
	zc_jingest_result r;
	zc_jingest_opts o = opts(f, 0);
	assert_int_equal(ingest(f, p, "K01", &o, &r), 0);
	assert_int_equal(r.stats.stored, 0);
	assert_true(r.stats.findings >= 1);
	assert_true(r.stats.by_kind[ZC_FIND_MALFORMED] >= 1);
	assert_true(f->damaged_calls >= 1);
	assert_true(f->last_status == ZC_ECHECKSUM || f->last_status == ZC_ETRUNC || f->last_status == ZC_EMALFORMED);
}

static void test_damaged_and_tampered(void **state)
{
	fx *f = *state;
	zc_jingest_result r;
	zc_jingest_opts o = opts(f, 5);
	/* a record changed after signing, and a torn last entry */
	assert_int_equal(zc_tamper(f->jdir, 4, "flip"), 0);
	assert_int_equal(zc_tamper(f->jdir, RECORDS, "truncate"), 0);
	assert_int_equal(ingest(f, f->jdir, NULL, &o, &r), 0);
	assert_int_equal(r.error, ZC_JINGEST_OK);
	assert_true(r.stats.findings >= 2);
	assert_true(r.stats.by_kind[ZC_FIND_MALFORMED] >= 1); /* the torn entry */
	assert_true(r.stats.findings > r.stats.by_kind[ZC_FIND_MALFORMED]);
	assert_int_equal(f->damaged_calls, 1);
	assert_int_equal(f->last_status, ZC_ETRUNC);
}

static void test_second_key_refused(void **state)
{
	fx *f = *state;
	zc_jingest_result r;
	zc_jingest_opts o = opts(f, 0);
	assert_int_equal(ingest(f, f->jdir, NULL, &o, &r), 0);
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "K01", &head, NULL), 0);

	/* another terminal calling itself K01, with a key of its own */
	char other[1024];
	char *pem2 = make_journal(f->dir, "other", "K01", RECORDS + 5, other, sizeof other);
	o.pubkey_pem = pem2;
	assert_int_equal(ingest(f, other, NULL, &o, &r), ZC_EEXIST);
	assert_int_equal(r.error, ZC_JINGEST_KEY_MISMATCH);
	assert_int_equal(r.entries, 0);
	uint64_t head2 = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "K01", &head2, NULL), 0);
	assert_int_equal(head2, head); /* nothing of it stored */

	/* under its own id it goes in */
	assert_int_equal(ingest(f, other, "K02", &o, &r), 0);
	assert_int_equal(r.stats.stored, 0); /* its records name K01: none is K02's */
	assert_true(r.stats.findings >= 1);
	free(pem2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_clean_journal_in_batches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_and_tampered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_key_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
