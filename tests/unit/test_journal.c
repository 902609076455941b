/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_journal.c: the terminal journal, its storage layers and the event log.
 *
 * The heart is the crash matrix: a run of appends (with segment rolls) is
 * cut by a power failure after every possible number of bytes written, with
 * and without the unsynced data surviving, and after each cut the reopened
 * journal must hold every acknowledged record byte for byte, nothing that was
 * never attempted, report any cut it made, and accept the next record (which
 * must then survive another power cut). Fault runs fail each write and each
 * sync in turn, fill the storage, flip bits, and check the watermark,
 * pruning, the terminal key and the event log.
 *
 * Records are signed once per run (one key) and reused by encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "zc/clock.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/journal.h"
#include "zc/record.h"
#include "zc/storage.h"
#include "zc/termlog.h"

#define NREC	 48
#define TERMINAL "T-001"

static struct {
	zc_privkey *key;
	uint8_t enc[NREC + 2][ZC_REC_MAX]; /* enc[seq], seq 1..NREC+1 */
	size_t len[NREC + 2];
	uint8_t hash[NREC + 2][ZC_HASH_LEN];
	uint8_t fork[ZC_REC_MAX]; /* seq 2 linking to the wrong hash */
	size_t fork_len;
	uint8_t alt4[ZC_REC_MAX]; /* another, shorter record 4 (a BOOT) */
	size_t alt4_len;
} g;

/* Small segments so that a handful of records spans several of them. */
static const zc_journal_cfg small_cfg = {0, 600};

static void make_rec(zc_rec *r, uint64_t seq, const uint8_t prev[ZC_HASH_LEN])
{
	zc_rec_init(r, seq % 3 == 0 ? ZC_KIND_BOOT : ZC_KIND_TAP);
	strcpy(r->terminal, TERMINAL);
	r->seq = seq;
	r->boot = 1;
	r->utc_ms = 1700000000000 + (int64_t)seq * 1000;
	r->mono_ms = seq * 1000;
	memcpy(r->prev_hash, prev, ZC_HASH_LEN);
	if (r->kind == ZC_KIND_BOOT) {
		snprintf(r->u.boot.firmware, sizeof r->u.boot.firmware, "fw-%llu", (unsigned long long)seq);
	} else {
		r->u.tap.badge_kind = ZC_BADGE_UID;
		r->u.tap.result = ZC_TAP_WEAK;
		r->u.tap.badge_id_len = 7;
		memset(r->u.tap.badge_id, (int)seq, 7);
		memset(r->u.tap.nonce, (int)(seq * 7), ZC_NONCE_LEN);
	}
}

static int setup(void **state)
{
	(void)state;
	zc_rec r;
	uint8_t prev[ZC_HASH_LEN] = {0};
	if (zc_privkey_generate(&g.key))
		return -1;
	for (uint64_t seq = 1; seq <= NREC + 1; seq++) {
		make_rec(&r, seq, prev);
		if (zc_rec_sign(&r, g.key, g.enc[seq], ZC_REC_MAX, &g.len[seq], g.hash[seq]))
			return -1;
		memcpy(prev, g.hash[seq], ZC_HASH_LEN);
	}
	make_rec(&r, 3, g.hash[3]); /* a BOOT record ... */
	r.seq = 4;		    /* ... as seq 4 */
	if (zc_rec_sign(&r, g.key, g.alt4, sizeof g.alt4, &g.alt4_len, NULL) || g.alt4_len >= g.len[4])
		return -1;
	memset(prev, 0x5A, sizeof prev);
	make_rec(&r, 2, prev);
	return zc_rec_sign(&r, g.key, g.fork, sizeof g.fork, &g.fork_len, NULL) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	zc_privkey_free(g.key);
	return 0;
}

/* ---- helpers ---- */

/* A journal on an in-memory file system. */
struct mj {
	zc_memfs *m;
	zc_storage *s;
	zc_journal *j;
	zc_journal_cfg cfg;
};

static void mj_new(struct mj *x, uint64_t fs_capacity, const zc_journal_cfg *cfg)
{
	memset(x, 0, sizeof *x);
	x->cfg = *cfg;
	x->m = zc_memfs_new(fs_capacity);
	assert_non_null(x->m);
	assert_int_equal(zc_storage_mem_open(x->m, &x->s), 0);
	assert_int_equal(zc_journal_open(x->s, &x->cfg, &x->j), 0);
}

static int mj_reopen(struct mj *x)
{
	zc_journal_close(x->j);
	x->j = NULL;
	return zc_journal_open(x->s, &x->cfg, &x->j);
}

static void mj_free(struct mj *x)
{
	zc_journal_close(x->j);
	zc_storage_close(x->s);
	zc_memfs_free(x->m);
}

static int app(zc_journal *j, uint64_t seq)
{
	return zc_journal_append(j, g.enc[seq], g.len[seq]);
}

static void append_range(zc_journal *j, uint64_t from, uint64_t to)
{
	for (uint64_t seq = from; seq <= to; seq++)
		assert_int_equal(app(j, seq), 0);
}

/* 1 if record seq reads back byte-identical to what was appended. */
static int rec_ok(zc_journal *j, uint64_t seq)
{
	uint8_t buf[ZC_REC_MAX];
	size_t len = 0;
	return zc_journal_read(j, seq, buf, sizeof buf, &len) == 0 && len == g.len[seq] &&
	       !memcmp(buf, g.enc[seq], len);
}

static void assert_records(zc_journal *j, uint64_t from, uint64_t to)
{
	for (uint64_t seq = from; seq <= to; seq++)
		if (!rec_ok(j, seq)) {
			print_error("record %llu does not read back\n", (unsigned long long)seq);
			fail();
		}
}

static uint64_t head(zc_journal *j)
{
	uint8_t h[ZC_HASH_LEN];
	uint64_t seq = zc_journal_head(j, h);
	/* the head hash always belongs to the head record */
	if (seq && memcmp(h, g.hash[seq], ZC_HASH_LEN)) {
		print_error("head hash is not record %llu's\n", (unsigned long long)seq);
		fail();
	}
	return seq;
}

/* Total bytes of segment files (current contents), and how many there are. */
static uint64_t seg_bytes(zc_storage *s, int *count)
{
	char **names;
	size_t n;
	uint64_t total = 0, first;
	int c = 0;
	assert_int_equal(s->list(s->ctx, &names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (!zc_jseg_name_parse(names[i], &first))
			continue;
		int64_t sz = s->size(s->ctx, names[i]);
		assert_true(sz >= 0);
		total += (uint64_t)sz;
		c++;
	}
	zc_storage_free_names(names, n);
	if (count)
		*count = c;
	return total;
}

/* Name of the newest segment file. */
static void last_segment(zc_storage *s, char *name)
{
	char **names;
	size_t n;
	uint64_t best = 0, first;
	assert_int_equal(s->list(s->ctx, &names, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (zc_jseg_name_parse(names[i], &first) && first > best)
			best = first;
	zc_storage_free_names(names, n);
	assert_true(best > 0);
	zc_jseg_name(best, name);
}

/* Offset of record seq's entry in its segment file, found by parsing. */
static int find_entry(zc_memfs *m, uint64_t seq, char *name, size_t *off, size_t *elen)
{
	for (uint64_t first = seq; first >= 1; first--) {
		size_t len;
		zc_jseg_name(first, name);
		const uint8_t *d = zc_memfs_data(m, name, &len);
		if (!d)
			continue;
		size_t o = ZC_JSEG_HEADER_LEN, next, rl;
		const uint8_t *rec;
		while (!zc_jentry_parse(d, len, o, &rec, &rl, &next)) {
			if (rl == g.len[seq] && !memcmp(rec, g.enc[seq], rl)) {
				*off = o;
				*elen = next - o;
				return 0;
			}
			o = next;
		}
		return -1;
	}
	return -1;
}

/* ---- the in-memory storage model itself ---- */

static void test_memfs_model(void **state)
{
	(void)state;
	zc_memfs *m = zc_memfs_new(100);
	zc_storage *s;
	uint8_t buf[64];
	size_t len;
	assert_int_equal(zc_storage_mem_open(m, &s), 0);

	/* written, not synced: gone after a power cut, kept after a crash */
	assert_int_equal(s->pwrite(s->ctx, "a", "hello", 5, 0), 0);
	assert_int_equal(s->size(s->ctx, "a"), 5);
	zc_memfs_crash(m, 1);
	assert_int_equal(s->size(s->ctx, "a"), 5);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->size(s->ctx, "a"), ZC_ENOENT);

	/* file synced but directory not: the name is lost */
	assert_int_equal(s->pwrite(s->ctx, "a", "hello", 5, 0), 0);
	assert_int_equal(s->sync(s->ctx, "a"), 0);
	zc_memfs_crash(m, 0);
	assert_null(zc_memfs_data(m, "a", &len));

	/* both synced: stays; later unsynced data reverts */
	assert_int_equal(s->pwrite(s->ctx, "a", "hello", 5, 0), 0);
	assert_int_equal(s->sync(s->ctx, "a"), 0);
	assert_int_equal(s->sync_dir(s->ctx), 0);
	assert_int_equal(s->pwrite(s->ctx, "a", " world", 6, 5), 0);
	assert_int_equal(s->truncate(s->ctx, "a", 2), 0);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->pread(s->ctx, "a", buf, sizeof buf, 0), 5);
	assert_memory_equal(buf, "hello", 5);

	/* rename and remove are undone without sync_dir */
	assert_int_equal(s->rename(s->ctx, "a", "b"), 0);
	assert_int_equal(s->size(s->ctx, "a"), ZC_ENOENT);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->size(s->ctx, "a"), 5);
	assert_int_equal(s->size(s->ctx, "b"), ZC_ENOENT);
	assert_int_equal(s->remove(s->ctx, "a"), 0);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->size(s->ctx, "a"), 5);
	assert_int_equal(s->rename(s->ctx, "a", "b"), 0);
	assert_int_equal(s->sync_dir(s->ctx), 0);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->size(s->ctx, "b"), 5);
	assert_int_equal(s->remove(s->ctx, "nope"), ZC_ENOENT);

	/* capacity: the prefix that fits is written */
	uint8_t big[200];
	memset(big, 7, sizeof big);
	assert_int_equal(s->available(s->ctx), 95);
	assert_int_equal(s->pwrite(s->ctx, "c", big, sizeof big, 0), ZC_ENOSPC);
	assert_int_equal(s->size(s->ctx, "c"), 95);
	assert_int_equal(s->available(s->ctx), 0);
	assert_int_equal(s->remove(s->ctx, "c"), 0);

	/* torn write at the byte budget, then the power is out */
	zc_memfs_faults f = {.crash_after_bytes = 3};
	zc_memfs_set_faults(m, &f);
	assert_int_equal(s->pwrite(s->ctx, "d", "abcdef", 6, 0), ZC_EIO);
	assert_int_equal(s->size(s->ctx, "d"), ZC_EIO);
	assert_int_equal(s->sync_dir(s->ctx), ZC_EIO);
	zc_memfs_crash(m, 1);
	assert_non_null(zc_memfs_data(m, "d", &len));
	assert_int_equal(len, 3);
	zc_memfs_crash(m, 0);
	assert_null(zc_memfs_data(m, "d", &len));

	/* nth write and nth sync faults */
	zc_memfs_faults f2 = {
	    .crash_after_bytes = -1, .fail_write_nth = 2, .fail_write_err = ZC_ENOSPC, .fail_sync_nth = 1};
	zc_memfs_set_faults(m, &f2);
	assert_int_equal(s->pwrite(s->ctx, "e", "1234", 4, 0), 0);
	assert_int_equal(s->pwrite(s->ctx, "e", "5678", 4, 4), ZC_ENOSPC);
	assert_int_equal(s->size(s->ctx, "e"), 6); /* half of it */
	assert_int_equal(s->sync(s->ctx, "e"), ZC_EIO);
	assert_int_equal(s->sync(s->ctx, "e"), 0);
	assert_int_equal(zc_memfs_bytes_written(m), 5 + 5 + 5 + 6 + 95 + 3 + 4 + 2);

	/* bit flips reach both contents */
	assert_int_equal(zc_memfs_flip_bit(m, "b", 0, 0), 0);
	zc_memfs_crash(m, 0);
	assert_int_equal(s->pread(s->ctx, "b", buf, 1, 0), 1);
	assert_int_equal(buf[0], 'h' ^ 1);
	assert_int_equal(zc_memfs_flip_bit(m, "b", 99, 0), ZC_EARG);
	assert_int_equal(zc_memfs_flip_bit(m, "zz", 0, 0), ZC_ENOENT);

	zc_storage_close(s);
	zc_memfs_free(m);
}

/* ---- round trips ---- */

struct walk {
	uint64_t next;
	uint64_t stop_at;
};

static int walk_fn(void *arg, uint64_t seq, const uint8_t *rec, size_t len)
{
	struct walk *w = arg;
	assert_int_equal(seq, w->next);
	assert_int_equal(len, g.len[seq]);
	assert_memory_equal(rec, g.enc[seq], len);
	w->next++;
	return seq == w->stop_at ? 42 : 0;
}

static void round_trip(zc_storage *s)
{
	zc_journal *j;
	zc_journal_stats st;
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	assert_int_equal(zc_journal_open(s, &small_cfg, &j), 0);
	assert_int_equal(head(j), 0);
	assert_int_equal(zc_journal_first(j), 0);
	assert_int_equal(zc_journal_read(j, 1, buf, sizeof buf, &len), ZC_ENOENT);
	append_range(j, 1, 10);
	assert_int_equal(head(j), 10);
	assert_int_equal(zc_journal_first(j), 1);
	assert_records(j, 1, 10);
	assert_int_equal(zc_journal_read(j, 11, buf, sizeof buf, &len), ZC_ENOENT);
	assert_int_equal(zc_journal_read(j, 0, buf, sizeof buf, &len), ZC_ENOENT);
	assert_int_equal(zc_journal_read(j, 5, buf, 10, &len), ZC_EARG);

	struct walk w = {1, 0};
	assert_int_equal(zc_journal_foreach(j, 0, 0, walk_fn, &w), 0);
	assert_int_equal(w.next, 11);
	w = (struct walk){3, 6};
	assert_int_equal(zc_journal_foreach(j, 3, 8, walk_fn, &w), 42);
	assert_int_equal(w.next, 7);
	w = (struct walk){4, 0};
	assert_int_equal(zc_journal_foreach(j, 4, 5, walk_fn, &w), 0);
	assert_int_equal(w.next, 6);

	zc_journal_stats_get(j, &st);
	int nseg;
	assert_int_equal(st.bytes_used, seg_bytes(s, &nseg));
	assert_int_equal(st.segments, (uint32_t)nseg);
	assert_true(st.segments >= 4); /* ~2 records per 600-byte segment */
	assert_int_equal(st.records, 10);
	assert_int_equal(st.uncollected, 10);

	/* reopen: same head, same records, nothing repaired */
	zc_journal_close(j);
	assert_int_equal(zc_journal_open(s, &small_cfg, &j), 0);
	assert_int_equal(head(j), 10);
	assert_false(zc_journal_repair_info(j)->happened);
	assert_int_equal(zc_journal_repair_info(j)->damaged_records, 0);
	assert_records(j, 1, 10);
	append_range(j, 11, 12);
	assert_records(j, 1, 12);
	zc_journal_close(j);
}

static void test_round_trip_mem(void **state)
{
	(void)state;
	zc_memfs *m = zc_memfs_new(0);
	zc_storage *s;
	assert_int_equal(zc_storage_mem_open(m, &s), 0);
	round_trip(s);
	/* and everything acknowledged survives a power cut */
	zc_memfs_crash(m, 0);
	zc_journal *j;
	assert_int_equal(zc_journal_open(s, &small_cfg, &j), 0);
	assert_int_equal(head(j), 12);
	assert_records(j, 1, 12);
	zc_journal_close(j);
	zc_storage_close(s);
	zc_memfs_free(m);
}

static void test_round_trip_posix(void **state)
{
	(void)state;
	char *tmp = tu_tmpdir("journal");
	char dir[4096], path[4200];
	zc_storage *s;
	struct stat st;
	assert_non_null(tmp);
	snprintf(dir, sizeof dir, "%s/j", tmp);
	assert_int_equal(zc_storage_posix_open(dir, &s), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* a stray file in the folder is ignored */
	snprintf(path, sizeof path, "%s/README", dir);
	assert_int_equal(tu_write_file(path, "x", 1), 0);
	round_trip(s);

	/* plain storage operations and their errors */
	uint8_t buf[16];
	assert_int_equal(s->size(s->ctx, "nope"), ZC_ENOENT);
	assert_int_equal(s->pread(s->ctx, "nope", buf, 1, 0), ZC_ENOENT);
	assert_int_equal(s->sync(s->ctx, "nope"), ZC_ENOENT);
	assert_int_equal(s->remove(s->ctx, "nope"), ZC_ENOENT);
	assert_int_equal(s->rename(s->ctx, "nope", "x"), ZC_ENOENT);
	assert_int_equal(s->pwrite(s->ctx, "../x", "a", 1, 0), ZC_EARG);
	assert_true(s->available(s->ctx) > 0);
	for (int i = 0; i < 10; i++) { /* more files than the fd cache holds */
		char n[16];
		snprintf(n, sizeof n, "f%d", i);
		assert_int_equal(s->pwrite(s->ctx, n, "abc", 3, (uint64_t)i), 0);
	}
	for (int i = 0; i < 10; i++) {
		char n[16];
		snprintf(n, sizeof n, "f%d", i);
		assert_int_equal(s->pread(s->ctx, n, buf, sizeof buf, 0), i + 3);
		assert_int_equal(s->sync(s->ctx, n), 0);
		assert_int_equal(s->remove(s->ctx, n), 0);
	}
	assert_int_equal(s->sync_dir(s->ctx), 0);

	/* a torn tail on disk: cut on reopen, reported */
	char seg[ZC_JSEG_NAME_LEN + 1];
	zc_journal *j;
	last_segment(s, seg);
	int64_t before = s->size(s->ctx, seg);
	assert_true(before > 5);
	snprintf(path, sizeof path, "%s/%s", dir, seg);
	assert_int_equal(truncate(path, before - 5), 0);
	assert_int_equal(zc_journal_open(s, &small_cfg, &j), 0);
	const zc_journal_repair *rep = zc_journal_repair_info(j);
	int64_t after = s->size(s->ctx, seg);
	assert_true(rep->happened);
	assert_string_equal(rep->segment, seg);
	assert_int_equal(rep->reason, ZC_ETRUNC);
	assert_int_equal(head(j), 11);
	assert_int_equal(rep->last_good_seq, 11);
	assert_int_equal(rep->dropped_bytes, (uint64_t)(before - 5 - (after < 0 ? 0 : after)));
	assert_int_equal(app(j, 12), 0);
	assert_records(j, 1, 12);
	assert_int_equal(zc_journal_set_collected(j, 12, g.hash[12]), 0);
	zc_journal_close(j);
	zc_storage_close(s);

	/* a second storage object on the same folder sees it all */
	assert_int_equal(zc_storage_posix_open(dir, &s), 0);
	assert_int_equal(zc_journal_open(s, &small_cfg, &j), 0);
	assert_int_equal(head(j), 12);
	assert_int_equal(zc_journal_collected(j), 12);
	assert_records(j, 1, 12);
	zc_journal_close(j);
	zc_storage_close(s);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_chain_checks(void **state)
{
	(void)state;
	struct mj x;
	mj_new(&x, 0, &small_cfg);
	assert_int_equal(app(x.j, 2), ZC_ECHAIN); /* seq must be 1 */
	assert_int_equal(app(x.j, 1), 0);
	assert_int_equal(app(x.j, 1), ZC_ECHAIN);				 /* again */
	assert_int_equal(app(x.j, 3), ZC_ECHAIN);				 /* gap */
	assert_int_equal(zc_journal_append(x.j, g.fork, g.fork_len), ZC_ECHAIN); /* wrong prev */
	uint8_t junk[64] = {1, 2, 3};
	assert_int_equal(zc_journal_append(x.j, junk, sizeof junk), ZC_EMALFORMED);
	assert_int_equal(zc_journal_append(x.j, g.enc[2], g.len[2] - 1), ZC_ETRUNC);
	assert_int_equal(zc_journal_append(x.j, g.enc[2], 0), ZC_EARG);
	assert_int_equal(app(x.j, 2), 0);
	assert_int_equal(head(x.j), 2);
	assert_int_equal(mj_reopen(&x), 0);
	assert_records(x.j, 1, 2);
	mj_free(&x);
}

/* ---- the crash matrix ---- */

#define CRASH_RECS 6

static uint64_t ctx_k;
static int ctx_keep;

#define CHECK(c)                                                                                                       \
	do {                                                                                                           \
		if (!(c)) {                                                                                            \
			print_error("crash at byte %llu (keep_unsynced=%d): %s\n", (unsigned long long)ctx_k,          \
				    ctx_keep, #c);                                                                     \
			fail();                                                                                        \
		}                                                                                                      \
	} while (0)

/* Append CRASH_RECS records with the power failing after k bytes; check the
 * journal after the cut. Returns 1 if the power failed at all. */
static int crash_once(uint64_t k, int keep, int *repaired)
{
	struct mj x;
	uint64_t acked = 0, attempted = 0;
	ctx_k = k;
	ctx_keep = keep;
	mj_new(&x, 0, &small_cfg);
	zc_memfs_faults f = {.crash_after_bytes = (int64_t)k};
	zc_memfs_set_faults(x.m, &f);
	for (uint64_t seq = 1; seq <= CRASH_RECS; seq++) {
		attempted = seq;
		int rc = app(x.j, seq);
		if (rc) {
			CHECK(rc == ZC_EIO);
			/* the journal saw its clean-up fail: it must refuse service */
			CHECK(app(x.j, seq) == ZC_EIO);
			break;
		}
		acked = seq;
	}
	int crashed = acked < CRASH_RECS;
	zc_journal_close(x.j);
	x.j = NULL;
	zc_memfs_crash(x.m, keep);
	int nbefore, nafter;
	uint64_t before = seg_bytes(x.s, &nbefore);

	CHECK(zc_journal_open(x.s, &x.cfg, &x.j) == 0);
	uint64_t h = head(x.j);
	CHECK(h >= acked);     /* nothing acknowledged is lost */
	CHECK(h <= attempted); /* nothing invented */
	for (uint64_t seq = 1; seq <= h; seq++)
		CHECK(rec_ok(x.j, seq)); /* byte-identical, seq continuous */
	CHECK(zc_journal_first(x.j) == (h ? 1 : 0));
	const zc_journal_repair *rep = zc_journal_repair_info(x.j);
	uint64_t after = seg_bytes(x.s, &nafter);
	CHECK(rep->damaged_records == 0);
	if (after != before || nafter != nbefore) {
		CHECK(rep->happened);
		CHECK(rep->dropped_bytes == before - after);
		CHECK(rep->last_good_seq == h);
		*repaired += 1;
	} else {
		CHECK(!rep->happened);
	}
	zc_journal_stats st;
	zc_journal_stats_get(x.j, &st);
	CHECK(st.bytes_used == after);

	/* the next record goes in and links, and survives another power cut */
	CHECK(app(x.j, h + 1) == 0);
	CHECK(head(x.j) == h + 1);
	zc_memfs_crash(x.m, 0);
	CHECK(mj_reopen(&x) == 0);
	CHECK(head(x.j) == h + 1);
	CHECK(!zc_journal_repair_info(x.j)->happened);
	for (uint64_t seq = 1; seq <= h + 1; seq++)
		CHECK(rec_ok(x.j, seq));
	mj_free(&x);
	return crashed;
}

static void crash_matrix(int keep)
{
	/* how many bytes a clean run writes */
	struct mj x;
	mj_new(&x, 0, &small_cfg);
	append_range(x.j, 1, CRASH_RECS);
	int nseg;
	seg_bytes(x.s, &nseg);
	assert_true(nseg >= 3); /* the run rolls segments */
	uint64_t total = zc_memfs_bytes_written(x.m);
	mj_free(&x);

	int repaired = 0, crashed = 0;
	for (uint64_t k = 0; k <= total + 1; k++)
		crashed += crash_once(k, keep, &repaired);
	assert_int_equal(crashed, (int)total + 1); /* every k <= total cuts the power */
	/* A power cut loses everything unsynced, so a torn write never
	 * survives it; when the unsynced bytes stay, torn tails are found and
	 * cut (checked in detail in crash_once). */
	if (keep)
		assert_true(repaired > 0);
	else
		assert_int_equal(repaired, 0);
	print_message("crash matrix keep_unsynced=%d: %llu cut points, %d repairs\n", keep,
		      (unsigned long long)total + 2, repaired);
}

static void test_crash_matrix_power_cut(void **state)
{
	(void)state;
	crash_matrix(0);
}

static void test_crash_matrix_keep_unsynced(void **state)
{
	(void)state;
	crash_matrix(1);
}

/* The same with pruning and watermark updates in the run: a journal of
 * limited capacity whose appends must remove collected segments. */
static const zc_journal_cfg prune_cfg = {1300, 600};

/* op > 0: append that seq; op < 0: set the watermark to -op. */
static const int prune_ops[] = {6, -5, 7, 8, -7, 9, 10, -9, 11};
#define NPRUNE_OPS ((int)(sizeof prune_ops / sizeof prune_ops[0]))

static void prune_setup(struct mj *x)
{
	mj_new(x, 0, &prune_cfg);
	append_range(x->j, 1, 5);
	assert_int_equal(zc_journal_set_collected(x->j, 3, g.hash[3]), 0);
}

static int prune_crash_once(uint64_t k, int keep)
{
	struct mj x;
	uint64_t acked = 5, attempted = 5, c_acked = 3, c_attempted = 3;
	ctx_k = k;
	ctx_keep = keep;
	prune_setup(&x);
	zc_memfs_faults f = {.crash_after_bytes = (int64_t)k};
	zc_memfs_set_faults(x.m, &f);
	int crashed = 0;
	for (int i = 0; i < NPRUNE_OPS && !crashed; i++) {
		int op = prune_ops[i], rc;
		if (op > 0) {
			attempted = (uint64_t)op;
			rc = app(x.j, (uint64_t)op);
			if (!rc)
				acked = (uint64_t)op;
		} else {
			c_attempted = (uint64_t)-op;
			rc = zc_journal_set_collected(x.j, (uint64_t)-op, g.hash[-op]);
			if (!rc)
				c_acked = (uint64_t)-op;
		}
		CHECK(rc == 0 || rc == ZC_EIO);
		crashed = rc != 0;
	}
	zc_journal_close(x.j);
	x.j = NULL;
	zc_memfs_crash(x.m, keep);

	CHECK(zc_journal_open(x.s, &x.cfg, &x.j) == 0);
	uint64_t h = head(x.j), c = zc_journal_collected(x.j), first = zc_journal_first(x.j);
	CHECK(h >= acked && h <= attempted);
	CHECK(c == c_acked || c == c_attempted); /* old or new, never damaged */
	CHECK(!zc_journal_repair_info(x.j)->watermark_reset);
	CHECK(zc_journal_repair_info(x.j)->damaged_records == 0);
	CHECK(first >= 1 && first - 1 <= c); /* only collected records went */
	for (uint64_t seq = first; seq <= h; seq++)
		CHECK(rec_ok(x.j, seq));
	zc_journal_stats st;
	zc_journal_stats_get(x.j, &st);
	CHECK(st.bytes_used <= prune_cfg.capacity_bytes);
	CHECK(zc_journal_set_collected(x.j, h, g.hash[h]) == 0);
	CHECK(app(x.j, h + 1) == 0);
	zc_memfs_crash(x.m, 0);
	CHECK(mj_reopen(&x) == 0);
	CHECK(head(x.j) == h + 1);
	CHECK(zc_journal_collected(x.j) == h);
	mj_free(&x);
	return crashed;
}

static void test_crash_matrix_pruning(void **state)
{
	(void)state;
	struct mj x;
	prune_setup(&x);
	uint64_t start = zc_memfs_bytes_written(x.m), first = zc_journal_first(x.j);
	for (int i = 0; i < NPRUNE_OPS; i++) {
		int op = prune_ops[i];
		if (op > 0)
			assert_int_equal(app(x.j, (uint64_t)op), 0);
		else
			assert_int_equal(zc_journal_set_collected(x.j, (uint64_t)-op, g.hash[-op]), 0);
	}
	assert_true(zc_journal_first(x.j) > first + 2); /* the run prunes, more than once */
	uint64_t total = zc_memfs_bytes_written(x.m) - start;
	mj_free(&x);
	for (int keep = 0; keep <= 1; keep++) {
		int crashed = 0;
		for (uint64_t k = 0; k <= total + 1; k++)
			crashed += prune_crash_once(k, keep);
		assert_int_equal(crashed, (int)total + 1);
	}
}

/* Open fails while repairing (its sync fails); the next open repairs. */
static void test_open_repair_fails(void **state)
{
	(void)state;
	for (int n = 1; n <= 2; n++) {
		for (int keep = 0; keep <= 1; keep++) {
			struct mj x;
			char name[ZC_JSEG_NAME_LEN + 1];
			mj_new(&x, 0, &small_cfg);
			append_range(x.j, 1, 3);
			last_segment(x.s, name);
			int64_t size = x.s->size(x.s->ctx, name);
			/* a torn fourth entry, durable */
			assert_int_equal(x.s->pwrite(x.s->ctx, name, g.enc[4], 50, (uint64_t)size), 0);
			assert_int_equal(x.s->sync(x.s->ctx, name), 0);
			zc_memfs_faults f = {.crash_after_bytes = -1, .fail_sync_nth = n};
			zc_memfs_set_faults(x.m, &f);
			assert_int_equal(mj_reopen(&x), ZC_EIO);
			zc_memfs_crash(x.m, keep);
			assert_int_equal(mj_reopen(&x), 0);
			assert_int_equal(head(x.j), 3);
			assert_records(x.j, 1, 3);
			/* repaired now or by the failed open (if its cut was kept) */
			assert_int_equal(x.s->size(x.s->ctx, name), size);
			assert_int_equal(app(x.j, 4), 0);
			mj_free(&x);
		}
	}
}

/* ---- failing writes and syncs ---- */

/* Fail the n-th write or sync (for every n) during a run of appends into a
 * journal that already holds records; each failed append must leave the
 * journal as it was, and retrying must succeed. */
static void fault_matrix(int sync_kind, int err)
{
	int n, faults = 0;
	for (n = 1;; n++) {
		struct mj x;
		int failed_here = 0;
		mj_new(&x, 0, &small_cfg);
		append_range(x.j, 1, 3);
		zc_memfs_faults f = {.crash_after_bytes = -1};
		if (sync_kind) {
			f.fail_sync_nth = n;
			f.fail_sync_err = err;
		} else {
			f.fail_write_nth = n;
			f.fail_write_err = err;
		}
		zc_memfs_set_faults(x.m, &f);
		for (uint64_t seq = 4; seq <= 9; seq++) {
			int rc = app(x.j, seq);
			if (!rc)
				continue;
			failed_here = 1;
			assert_int_equal(rc, err == ZC_ENOSPC ? ZC_ENOSPC : ZC_EIO);
			/* not acknowledged, journal as before */
			assert_int_equal(head(x.j), seq - 1);
			assert_records(x.j, 1, seq - 1);
			assert_int_equal(app(x.j, seq), 0); /* the retry */
		}
		assert_int_equal(head(x.j), 9);
		assert_records(x.j, 1, 9);
		/* everything acknowledged is durable, and nothing is left over */
		zc_memfs_crash(x.m, 0);
		assert_int_equal(mj_reopen(&x), 0);
		assert_int_equal(head(x.j), 9);
		assert_false(zc_journal_repair_info(x.j)->happened);
		assert_records(x.j, 1, 9);
		mj_free(&x);
		if (!failed_here)
			break;
		faults++;
	}
	assert_true(faults >= 6);
}

static void test_fail_each_sync(void **state)
{
	(void)state;
	fault_matrix(1, ZC_EIO);
}

static void test_fail_each_write(void **state)
{
	(void)state;
	fault_matrix(0, ZC_EIO);
	fault_matrix(0, ZC_ENOSPC);
}

/* An append that failed leaves nothing behind: the caller may put another
 * (here shorter) record in its place, and only that one is found later. */
static void test_retry_other_record(void **state)
{
	(void)state;
	for (int n = 1; n <= 2; n++) {
		for (int keep = 0; keep <= 1; keep++) {
			struct mj x;
			uint8_t buf[ZC_REC_MAX];
			size_t len;
			/* n = 2: segments [1] [2 3], record 4 starts a new one */
			zc_journal_cfg cfg = {0, n == 1 ? 0 : 400};
			mj_new(&x, 0, &cfg);
			append_range(x.j, 1, 3);
			int nseg;
			seg_bytes(x.s, &nseg);
			assert_int_equal(nseg, n);
			zc_memfs_faults f = {.crash_after_bytes = -1, .fail_sync_nth = 1};
			zc_memfs_set_faults(x.m, &f);
			assert_int_equal(app(x.j, 4), ZC_EIO);
			assert_int_equal(zc_journal_append(x.j, g.alt4, g.alt4_len), 0);
			zc_memfs_crash(x.m, keep);
			assert_int_equal(mj_reopen(&x), 0);
			assert_false(zc_journal_repair_info(x.j)->happened);
			assert_int_equal(zc_journal_head(x.j, NULL), 4);
			assert_int_equal(zc_journal_read(x.j, 4, buf, sizeof buf, &len), 0);
			assert_int_equal(len, g.alt4_len);
			assert_memory_equal(buf, g.alt4, len);
			assert_records(x.j, 1, 3);
			mj_free(&x);
		}
	}
}

/* The write fails and so does the clean-up: failed state until reopened. */
static void test_failed_state(void **state)
{
	(void)state;
	for (int keep = 0; keep <= 1; keep++) {
		struct mj x;
		uint8_t buf[ZC_REC_MAX];
		size_t len;
		mj_new(&x, 0, &small_cfg);
		append_range(x.j, 1, 4);
		/* write 5 fails; the rollback's sync fails too */
		zc_memfs_faults f = {.crash_after_bytes = -1, .fail_sync_nth = 1, .fail_write_nth = 1};
		zc_memfs_set_faults(x.m, &f);
		assert_int_equal(app(x.j, 5), ZC_EIO);
		assert_int_equal(app(x.j, 5), ZC_EIO);
		assert_int_equal(zc_journal_read(x.j, 1, buf, sizeof buf, &len), ZC_EIO);
		assert_int_equal(zc_journal_set_collected(x.j, 1, g.hash[1]), ZC_EIO);
		assert_int_equal(head(x.j), 4);
		zc_memfs_crash(x.m, keep);
		assert_int_equal(mj_reopen(&x), 0);
		uint64_t h = head(x.j);
		assert_true(h == 4 || h == 5);
		assert_records(x.j, 1, h);
		assert_int_equal(app(x.j, h + 1), 0);
		assert_records(x.j, 1, h + 1);
		mj_free(&x);
	}
	/* a sync failing during a roll, then its clean-up failing */
	struct mj x;
	mj_new(&x, 0, &small_cfg);
	append_range(x.j, 1, 2); /* segment 1 is full: record 3 rolls */
	zc_memfs_faults f = {.crash_after_bytes = -1, .fail_sync_nth = 2};
	zc_memfs_set_faults(x.m, &f);
	assert_int_equal(app(x.j, 3), ZC_EIO); /* sync_dir of the new segment */
	assert_int_equal(head(x.j), 2);
	assert_int_equal(app(x.j, 3), 0);
	mj_free(&x);
}

/* ---- running out of space ---- */

static void test_enospc_storage(void **state)
{
	(void)state;
	struct mj x;
	uint64_t seq;
	int rc = 0;
	mj_new(&x, 1200, &small_cfg);
	for (seq = 1; seq <= NREC && !(rc = app(x.j, seq)); seq++)
		;
	assert_int_equal(rc, ZC_ENOSPC);
	uint64_t full = seq - 1;
	assert_true(full >= 3);
	assert_int_equal(head(x.j), full);
	assert_records(x.j, 1, full);
	assert_int_equal(app(x.j, full + 1), ZC_ENOSPC); /* nothing collected: no room */

	/* collect up to the head: older segments may go, the head's stays */
	assert_int_equal(zc_journal_set_collected(x.j, full, g.hash[full]), 0);
	assert_int_equal(app(x.j, full + 1), 0);
	assert_true(zc_journal_first(x.j) > 1);
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	assert_int_equal(zc_journal_read(x.j, 1, buf, sizeof buf, &len), ZC_ENOENT);
	assert_records(x.j, zc_journal_first(x.j), full + 1);
	zc_memfs_crash(x.m, 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(head(x.j), full + 1);
	assert_records(x.j, zc_journal_first(x.j), full + 1);
	mj_free(&x);

	/* ENOSPC reported by one write: pruning makes room for the retry */
	mj_new(&x, 0, &small_cfg);
	append_range(x.j, 1, 6);
	zc_memfs_faults f = {.crash_after_bytes = -1, .fail_write_nth = 1, .fail_write_err = ZC_ENOSPC};
	zc_memfs_set_faults(x.m, &f);
	assert_int_equal(app(x.j, 7), ZC_ENOSPC); /* nothing collected yet */
	assert_int_equal(head(x.j), 6);
	assert_int_equal(zc_journal_set_collected(x.j, 4, g.hash[4]), 0);
	zc_memfs_set_faults(x.m, &f);
	assert_int_equal(app(x.j, 7), 0);
	assert_int_equal(zc_journal_first(x.j), 3); /* only the oldest segment went */
	assert_records(x.j, 3, 7);
	mj_free(&x);
}

static void test_capacity_and_pruning(void **state)
{
	(void)state;
	struct mj x;
	zc_journal_cfg cfg = {1400, 600};
	uint64_t seq;
	int rc = 0;
	zc_journal_stats st;
	mj_new(&x, 0, &cfg);
	for (seq = 1; seq <= NREC && !(rc = app(x.j, seq)); seq++)
		;
	assert_int_equal(rc, ZC_EFULL);
	uint64_t full = seq - 1;
	assert_true(full >= 4);
	assert_records(x.j, 1, full); /* nothing was dropped */
	zc_journal_stats_get(x.j, &st);
	assert_true(st.bytes_used <= 1400);
	assert_int_equal(st.uncollected, full);
	assert_int_equal(app(x.j, full + 1), ZC_EFULL);

	/* watermark rules */
	assert_int_equal(zc_journal_set_collected(x.j, 2, g.hash[3]), ZC_ECHAIN);
	assert_int_equal(zc_journal_set_collected(x.j, full + 1, g.hash[full + 1]), ZC_ENOENT);
	assert_int_equal(zc_journal_set_collected(x.j, 3, g.hash[3]), 0);
	assert_int_equal(zc_journal_set_collected(x.j, 2, g.hash[2]), ZC_EARG);
	assert_int_equal(zc_journal_set_collected(x.j, 3, g.hash[3]), 0);
	assert_int_equal(zc_journal_set_collected(x.j, 3, g.hash[2]), ZC_ECHAIN);
	assert_int_equal(zc_journal_collected(x.j), 3);

	/* segment 1 holds 1-2 (collected), segment 2 holds 3-4 (not all) */
	assert_int_equal(app(x.j, full + 1), 0);
	assert_int_equal(zc_journal_first(x.j), 3);
	assert_records(x.j, 3, full + 1);
	for (seq = full + 2; seq <= NREC && !(rc = app(x.j, seq)); seq++)
		;
	assert_int_equal(rc, ZC_EFULL);
	full = seq - 1;
	assert_int_equal(zc_journal_first(x.j), 3); /* 3-4 not all collected: kept */
	assert_records(x.j, 3, full);

	/* keep collecting, two records behind the head: old segments go
	 * oldest first, only collected ones, never the head's */
	for (seq = full + 1; seq <= NREC; seq++) {
		uint64_t first = zc_journal_first(x.j);
		assert_int_equal(zc_journal_set_collected(x.j, seq - 2, g.hash[seq - 2]), 0);
		assert_int_equal(app(x.j, seq), 0);
		assert_true(zc_journal_first(x.j) >= first);
		assert_true(zc_journal_first(x.j) - 1 <= zc_journal_collected(x.j));
		zc_journal_stats_get(x.j, &st);
		assert_true(st.bytes_used <= 1400);
		assert_int_equal(st.uncollected, 2);
		assert_records(x.j, zc_journal_first(x.j), seq);
	}
	uint64_t first = zc_journal_first(x.j);
	assert_true(first > full);

	/* persisted watermark, after a power cut */
	zc_memfs_crash(x.m, 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(zc_journal_collected(x.j), NREC - 2);
	assert_int_equal(zc_journal_first(x.j), first);
	assert_int_equal(head(x.j), NREC);
	assert_false(zc_journal_repair_info(x.j)->watermark_reset);

	/* a damaged watermark file reads as 0 and prunes nothing */
	assert_int_equal(zc_memfs_flip_bit(x.m, "collected", 9, 3), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(zc_journal_collected(x.j), 0);
	assert_true(zc_journal_repair_info(x.j)->watermark_reset);
	rc = app(x.j, NREC + 1);
	assert_true(rc == 0 || rc == ZC_EFULL);
	assert_int_equal(zc_journal_first(x.j), first);
	if (rc) {
		assert_int_equal(zc_journal_set_collected(x.j, NREC, g.hash[NREC]), 0);
		assert_int_equal(app(x.j, NREC + 1), 0);
	}
	assert_records(x.j, zc_journal_first(x.j), NREC + 1);
	mj_free(&x);
}

/* ---- damaged bytes ---- */

static void test_bitflip_tail(void **state)
{
	(void)state;
	struct mj x;
	char name[ZC_JSEG_NAME_LEN + 1];
	size_t off = 0, elen = 0;
	zc_journal_cfg cfg = {0, 0};
	mj_new(&x, 0, &cfg);
	append_range(x.j, 1, 4);
	assert_int_equal(find_entry(x.m, 4, name, &off, &elen), 0);
	assert_int_equal(zc_memfs_flip_bit(x.m, name, off + elen / 2, 5), 0);
	/* reading it now already notices */
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	assert_int_equal(zc_journal_read(x.j, 4, buf, sizeof buf, &len), ZC_ECORRUPT);
	assert_int_equal(mj_reopen(&x), 0);
	const zc_journal_repair *rep = zc_journal_repair_info(x.j);
	assert_true(rep->happened);
	assert_string_equal(rep->segment, name);
	assert_int_equal(rep->offset, off);
	assert_int_equal(rep->dropped_bytes, elen);
	assert_int_equal(rep->last_good_seq, 3);
	assert_int_equal(rep->reason, ZC_ECHECKSUM);
	assert_int_equal(head(x.j), 3);
	assert_records(x.j, 1, 3);
	assert_int_equal(app(x.j, 4), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_false(zc_journal_repair_info(x.j)->happened);
	assert_records(x.j, 1, 4);
	mj_free(&x);
}

struct seen {
	uint64_t last;
};

static int seen_fn(void *arg, uint64_t seq, const uint8_t *rec, size_t len)
{
	struct seen *s = arg;
	assert_int_equal(len, g.len[seq]);
	assert_memory_equal(rec, g.enc[seq], len);
	s->last = seq;
	return 0;
}

/* Damage to record 'victim' (byte at entry offset + at) followed by intact
 * records: nothing is cut, the victim reads as corrupt, the rest is fine. */
static void middle_damage(const zc_journal_cfg *cfg, uint64_t victim, int at)
{
	struct mj x;
	char name[ZC_JSEG_NAME_LEN + 1];
	size_t off = 0, elen = 0;
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	mj_new(&x, 0, cfg);
	append_range(x.j, 1, 6);
	uint64_t before = seg_bytes(x.s, NULL);
	assert_int_equal(find_entry(x.m, victim, name, &off, &elen), 0);
	assert_int_equal(zc_memfs_flip_bit(x.m, name, off + (size_t)(at < 0 ? (int)elen + at : at), 2), 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(mj_reopen(&x), 0);
		const zc_journal_repair *rep = zc_journal_repair_info(x.j);
		assert_false(rep->happened);
		assert_int_equal(rep->damaged_records, 1);
		assert_int_equal(rep->first_damaged_seq, victim);
		assert_int_equal(head(x.j), 6 + round);
		assert_int_equal(seg_bytes(x.s, NULL), before);
		assert_int_equal(zc_journal_read(x.j, victim, buf, sizeof buf, &len), ZC_ECORRUPT);
		assert_records(x.j, 1, victim - 1);
		assert_records(x.j, victim + 1, 6 + round);
		struct seen s = {0};
		assert_int_equal(zc_journal_foreach(x.j, 1, 0, seen_fn, &s), ZC_ECORRUPT);
		assert_int_equal(s.last, victim - 1);
		assert_int_equal(zc_journal_foreach(x.j, victim + 1, 0, seen_fn, &s), 0);
		assert_int_equal(s.last, 6 + round);
		zc_journal_stats st;
		zc_journal_stats_get(x.j, &st);
		assert_int_equal(st.records, 6 + round);
		if (!round) {
			assert_int_equal(app(x.j, 7), 0); /* links to 6, not to the damage */
			before = seg_bytes(x.s, NULL);
		}
	}
	mj_free(&x);
}

static void test_bitflip_middle(void **state)
{
	(void)state;
	zc_journal_cfg one_seg = {0, 0};
	middle_damage(&one_seg, 3, 20);	  /* inside the record */
	middle_damage(&one_seg, 3, 0);	  /* its length field */
	middle_damage(&one_seg, 3, -2);	  /* its check */
	middle_damage(&one_seg, 1, 10);	  /* the very first record */
	middle_damage(&small_cfg, 2, 30); /* the last record of a segment that is not the last */
	middle_damage(&small_cfg, 3, 0);  /* the first record of a segment */
	middle_damage(&small_cfg, 5, 1);
}

/* A whole middle segment lost: its records are damaged, nothing else. */
static void test_missing_segment(void **state)
{
	(void)state;
	struct mj x;
	char name[ZC_JSEG_NAME_LEN + 1];
	uint8_t buf[ZC_REC_MAX];
	size_t len;
	mj_new(&x, 0, &small_cfg);
	append_range(x.j, 1, 6);
	zc_jseg_name(3, name);
	assert_int_equal(x.s->remove(x.s->ctx, name), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(head(x.j), 6);
	assert_int_equal(zc_journal_repair_info(x.j)->damaged_records, 2);
	assert_int_equal(zc_journal_read(x.j, 3, buf, sizeof buf, &len), ZC_ECORRUPT);
	assert_int_equal(zc_journal_read(x.j, 4, buf, sizeof buf, &len), ZC_ECORRUPT);
	assert_records(x.j, 1, 2);
	assert_records(x.j, 5, 6);
	assert_int_equal(app(x.j, 7), 0);
	mj_free(&x);
}

/* A torn or empty last segment is removed. */
static void test_torn_header(void **state)
{
	(void)state;
	struct mj x;
	char name[ZC_JSEG_NAME_LEN + 1];
	uint8_t hdr[ZC_JSEG_HEADER_LEN];
	mj_new(&x, 0, &small_cfg);
	append_range(x.j, 1, 2);
	zc_jseg_name(3, name);
	zc_jseg_header(hdr, 3);
	for (size_t n = 0; n <= ZC_JSEG_HEADER_LEN; n++) {
		assert_int_equal(x.s->pwrite(x.s->ctx, name, hdr, n, 0), 0);
		assert_int_equal(mj_reopen(&x), 0);
		const zc_journal_repair *rep = zc_journal_repair_info(x.j);
		assert_true(rep->happened);
		assert_string_equal(rep->segment, name);
		assert_int_equal(rep->dropped_bytes, n);
		assert_int_equal(head(x.j), 2);
		assert_null(zc_memfs_data(x.m, name, NULL));
	}
	assert_int_equal(app(x.j, 3), 0);
	assert_records(x.j, 1, 3);
	mj_free(&x);
}

/* The watermark is above what survived: seqs the host holds are not reused. */
static void test_collected_tail_lost(void **state)
{
	(void)state;
	struct mj x;
	char name[ZC_JSEG_NAME_LEN + 1];
	size_t off = 0, elen = 0;
	zc_journal_cfg cfg = {0, 0};
	mj_new(&x, 0, &cfg);
	append_range(x.j, 1, 5);
	assert_int_equal(zc_journal_set_collected(x.j, 5, g.hash[5]), 0);
	assert_int_equal(find_entry(x.m, 5, name, &off, &elen), 0);
	assert_int_equal(zc_memfs_flip_bit(x.m, name, off + 40, 0), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_true(zc_journal_repair_info(x.j)->happened);
	assert_int_equal(zc_journal_repair_info(x.j)->last_good_seq, 4);
	assert_int_equal(head(x.j), 5); /* lifted to the watermark */
	assert_int_equal(app(x.j, 6), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(head(x.j), 6);
	assert_records(x.j, 1, 4);
	assert_records(x.j, 6, 6);
	assert_int_equal(zc_journal_repair_info(x.j)->damaged_records, 1);
	mj_free(&x);
}

/* ---- the terminal key and the event log ---- */

static void test_termkey(void **state)
{
	(void)state;
	char *dir = tu_tmpdir("termkey");
	char key_path[4200], pub_path[4200], bad_path[4200];
	zc_privkey *k1 = NULL, *k2 = NULL, *k3 = NULL;
	zc_pubkey *pub = NULL;
	uint8_t fp1[ZC_HASH_LEN], fp2[ZC_HASH_LEN], fpp[ZC_HASH_LEN];
	int created = -1;
	struct stat st;
	size_t len;
	snprintf(key_path, sizeof key_path, "%s/terminal.key", dir);
	snprintf(pub_path, sizeof pub_path, "%s/terminal.pub.pem", dir);
	snprintf(bad_path, sizeof bad_path, "%s/bad.key", dir);

	assert_int_equal(zc_termkey_load_or_create(key_path, pub_path, &k1, &created), 0);
	assert_int_equal(created, 1);
	assert_int_equal(stat(key_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	uint8_t *pem = tu_read_file(pub_path, &len);
	assert_non_null(pem);
	assert_int_equal(zc_pubkey_parse(pem, len, &pub), 0);
	free(pem);
	assert_int_equal(zc_privkey_fingerprint(k1, fp1), 0);
	assert_int_equal(zc_pubkey_fingerprint(pub, fpp), 0);
	assert_memory_equal(fp1, fpp, ZC_HASH_LEN);

	assert_int_equal(zc_termkey_load_or_create(key_path, NULL, &k2, &created), 0);
	assert_int_equal(created, 0);
	assert_int_equal(zc_privkey_fingerprint(k2, fp2), 0);
	assert_memory_equal(fp1, fp2, ZC_HASH_LEN);

	/* a damaged key is an error, never silently replaced */
	assert_int_equal(tu_write_file(bad_path, "garbage", 7), 0);
	assert_true(zc_termkey_load_or_create(bad_path, NULL, &k3, &created) < 0);
	assert_null(k3);
	uint8_t *b = tu_read_file(bad_path, &len);
	assert_int_equal(len, 7);
	free(b);

	zc_pubkey_free(pub);
	zc_privkey_free(k1);
	zc_privkey_free(k2);
	tu_rmtree(dir);
	free(dir);
}

static void read_rec(zc_journal *j, uint64_t seq, zc_rec *r, zc_pubkey *pub)
{
	uint8_t buf[ZC_REC_MAX];
	size_t len, body_len;
	assert_int_equal(zc_journal_read(j, seq, buf, sizeof buf, &len), 0);
	assert_int_equal(zc_rec_decode(buf, len, r, &body_len, NULL), 0);
	assert_int_equal(zc_rec_verify(pub, buf, body_len, r), 0);
}

static void test_termlog(void **state)
{
	(void)state;
	struct mj x;
	zc_termlog *t;
	zc_rec r, r2, *rd = malloc(sizeof *rd);
	zc_pubkey *pub;
	zc_simclock sc = {1700000000000, 5};
	zc_clock clk = zc_clock_sim(&sc);
	uint8_t h[ZC_HASH_LEN], hh[ZC_HASH_LEN];
	assert_non_null(rd);
	assert_int_equal(zc_pubkey_from_priv(g.key, &pub), 0);
	mj_new(&x, 0, &small_cfg);

	assert_int_equal(zc_termlog_open(x.j, g.key, "bad id!", &clk, "fw", &t), ZC_EARG);
	assert_int_equal(zc_termlog_open(x.j, g.key, TERMINAL, &clk, "fw-1.0", &t), 0);
	assert_int_equal(zc_termlog_boot(t), 1);
	assert_int_equal(zc_journal_head(x.j, NULL), 1);
	read_rec(x.j, 1, rd, pub);
	assert_int_equal(rd->kind, ZC_KIND_BOOT);
	assert_int_equal(rd->boot, 1);
	assert_string_equal(rd->u.boot.firmware, "fw-1.0");
	assert_string_equal(rd->terminal, TERMINAL);
	assert_int_equal(rd->utc_ms, 1700000000000);
	assert_int_equal(rd->mono_ms, 5);

	zc_simclock_advance(&sc, 1000);
	zc_termlog_prepare(t, &r, ZC_KIND_TAP);
	assert_int_equal(r.seq, 2);
	zc_journal_head(x.j, hh);
	assert_memory_equal(r.prev_hash, hh, ZC_HASH_LEN);
	r.u.tap.badge_kind = ZC_BADGE_UID;
	r.u.tap.result = ZC_TAP_WEAK;
	r.u.tap.badge_id_len = 4;
	memcpy(r.u.tap.badge_id, "\x01\x02\x03\x04", 4);
	zc_termlog_prepare(t, &r2, ZC_KIND_READER_FAULT);
	strcpy(r2.u.fault.text, "antenna");
	assert_int_equal(zc_termlog_commit(t, &r, h), 0);
	zc_journal_head(x.j, hh);
	assert_memory_equal(h, hh, ZC_HASH_LEN);
	assert_int_equal(zc_termlog_commit(t, &r2, NULL), ZC_ECHAIN); /* head moved */
	zc_termlog_prepare(t, &r2, ZC_KIND_READER_FAULT);
	strcpy(r2.u.fault.text, "antenna");
	assert_int_equal(zc_termlog_commit(t, &r2, NULL), 0);
	read_rec(x.j, 2, rd, pub);
	assert_int_equal(rd->kind, ZC_KIND_TAP);
	assert_int_equal(rd->utc_ms, 1700000001000);
	assert_int_equal(rd->mono_ms, 1005);
	zc_termlog_close(t);

	/* next boot */
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(zc_termlog_open(x.j, g.key, TERMINAL, &clk, "fw-1.1", &t), 0);
	assert_int_equal(zc_termlog_boot(t), 2);
	read_rec(x.j, 4, rd, pub);
	assert_int_equal(rd->kind, ZC_KIND_BOOT);
	assert_int_equal(rd->boot, 2);
	zc_termlog_close(t);

	/* a torn tail (the boot-2 record): the next boot records the repair */
	char name[ZC_JSEG_NAME_LEN + 1];
	uint8_t buf[ZC_REC_MAX];
	size_t len, len4;
	last_segment(x.s, name);
	assert_int_equal(zc_journal_read(x.j, 4, buf, sizeof buf, &len4), 0);
	assert_non_null(zc_memfs_data(x.m, name, &len));
	assert_int_equal(x.s->truncate(x.s->ctx, name, len - 3), 0);
	assert_int_equal(mj_reopen(&x), 0);
	assert_int_equal(zc_termlog_open(x.j, g.key, TERMINAL, &clk, "fw-1.1", &t), 0);
	assert_int_equal(zc_termlog_boot(t), 2); /* from record 3 (boot 1) */
	read_rec(x.j, 4, rd, pub);
	assert_int_equal(rd->kind, ZC_KIND_JOURNAL_REPAIR);
	assert_int_equal(rd->u.repair.last_good_seq, 3);
	if (len == ZC_JSEG_HEADER_LEN + len4 + ZC_JENTRY_OVERHEAD) /* the segment went */
		assert_int_equal(rd->u.repair.dropped_bytes, len - 3);
	else
		assert_int_equal(rd->u.repair.dropped_bytes, len4 + ZC_JENTRY_OVERHEAD - 3);
	assert_int_equal(rd->boot, 2);
	read_rec(x.j, 5, rd, pub);
	assert_int_equal(rd->kind, ZC_KIND_BOOT);
	zc_termlog_close(t);

	zc_pubkey_free(pub);
	free(rd);
	mj_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memfs_model),
	    cmocka_unit_test(test_round_trip_mem),
	    cmocka_unit_test(test_round_trip_posix),
	    cmocka_unit_test(test_chain_checks),
	    cmocka_unit_test(test_crash_matrix_power_cut),
	    cmocka_unit_test(test_crash_matrix_keep_unsynced),
	    cmocka_unit_test(test_crash_matrix_pruning),
	    cmocka_unit_test(test_open_repair_fails),
	    cmocka_unit_test(test_fail_each_sync),
	    cmocka_unit_test(test_fail_each_write),
	    cmocka_unit_test(test_retry_other_record),
	    cmocka_unit_test(test_failed_state),
	    cmocka_unit_test(test_enospc_storage),
	    cmocka_unit_test(test_capacity_and_pruning),
	    cmocka_unit_test(test_bitflip_tail),
	    cmocka_unit_test(test_bitflip_middle),
	    cmocka_unit_test(test_missing_segment),
	    cmocka_unit_test(test_torn_header),
	    cmocka_unit_test(test_collected_tail_lost),
	    cmocka_unit_test(test_termkey),
	    cmocka_unit_test(test_termlog),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
