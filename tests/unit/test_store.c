/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store.c: the SQLite host store (zc/store.h) on real database files in
 * a temporary directory: opening, migration and refusal of foreign, newer or
 * damaged files; terminal registration; ingest of signed record chains,
 * idempotence, and one test per integrity finding kind, each building the
 * tampered chain itself and checking kind, seq and detail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testutil.h"
#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/store.h"

#define T0     1700000000000LL /* 2023-11-14T22:13:20Z */
#define MIN_MS 60000LL
#define N      8 /* records in a test chain, seq 1..N */

static zc_privkey *g_key, *g_other;
static char g_pem[ZC_PEM_MAX], g_other_pem[ZC_PEM_MAX];

typedef struct enc {
	uint8_t b[ZC_REC_MAX];
	size_t len;
	uint8_t hash[ZC_HASH_LEN];
} enc;

/* One temporary store with terminal T1 registered and a chain rec[1..N]:
 * a boot record, then PIV taps a minute apart. */
typedef struct fx {
	char *dir;
	char path[4200];
	zc_store *s;
	uint8_t kind[N + 2];
	int64_t utc[N + 2];
	enc rec[N + 2];
} fx;

/* ---- building records ---- */

static void sign_rec(enc *e, zc_privkey *k, const char *term, uint64_t seq, uint8_t kind, int64_t utc,
		     const uint8_t *prev)
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
	default: break;
	}
	assert_int_equal(zc_rec_sign(&r, k, e->b, sizeof e->b, &e->len, e->hash), 0);
}

/* (Re)sign rec[seq] from kind[seq], utc[seq], linked to rec[seq-1]. */
static void build(fx *f, uint64_t seq)
{
	sign_rec(&f->rec[seq], g_key, "T1", seq, f->kind[seq], f->utc[seq], f->rec[seq - 1].hash);
}

static void build_all(fx *f, uint64_t from)
{
	for (uint64_t i = from; i <= N; i++)
		build(f, i);
}

/* ---- direct look at the database ---- */

static int64_t q_int(fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void q_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

typedef struct rows {
	int64_t records, conflicts, findings;
} rows;

static rows count_rows(fx *f)
{
	rows r = {
	    q_int(f, "SELECT count(*) FROM records"),
	    q_int(f, "SELECT count(*) FROM record_conflicts"),
	    q_int(f, "SELECT count(*) FROM findings"),
	};
	return r;
}

/* ---- findings ---- */

typedef struct fnd {
	int kind;
	uint64_t seq;
	char terminal[40];
	char where[128];
	char detail[512];
} fnd;

typedef struct fnds {
	int n;
	fnd f[32];
} fnds;

static int collect(void *arg, const zc_finding *f)
{
	fnds *c = arg;
	if (c->n == 32)
		return 1;
	fnd *d = &c->f[c->n++];
	d->kind = f->kind;
	d->seq = f->seq;
	snprintf(d->terminal, sizeof d->terminal, "%s", f->terminal);
	snprintf(d->where, sizeof d->where, "%s", f->where);
	snprintf(d->detail, sizeof d->detail, "%s", f->detail);
	return 0;
}

static fnds all_findings(fx *f)
{
	fnds c;
	memset(&c, 0, sizeof c);
	assert_int_equal(zc_store_findings(f->s, "T1", collect, &c), 0);
	return c;
}

static int count_kind(const fnds *c, int kind)
{
	int n = 0;
	for (int i = 0; i < c->n; i++)
		n += c->f[i].kind == kind;
	return n;
}

static const fnd *get_finding(const fnds *c, int kind, uint64_t seq)
{
	for (int i = 0; i < c->n; i++)
		if (c->f[i].kind == kind && c->f[i].seq == seq)
			return &c->f[i];
	return NULL;
}

/* The detail of the finding (kind, seq), which must exist. */
static const char *detail_of(const fnds *c, int kind, uint64_t seq)
{
	const fnd *f = get_finding(c, kind, seq);
	if (!f) {
		print_error("no %s finding for seq %llu\n", zc_finding_name(kind), (unsigned long long)seq);
		fail();
	}
	return f ? f->detail : "";
}

static void dump(const fnds *c)
{
	for (int i = 0; i < c->n; i++)
		print_message("  finding %s seq %llu at %s: %s\n", zc_finding_name(c->f[i].kind),
			      (unsigned long long)c->f[i].seq, c->f[i].where, c->f[i].detail);
}

/* ---- ingest helpers ---- */

/* Ingest the records listed (pointers, NULL-terminated) in one batch. */
static zc_ingest_stats ingest_list(fx *f, const zc_ingest_opts *opts, const enc *const *list)
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

/* Ingest rec[from..to] except seq skip (0: none). */
static zc_ingest_stats ingest_range(fx *f, uint64_t from, uint64_t to, uint64_t skip)
{
	const enc *list[N + 2];
	int n = 0;
	for (uint64_t i = from; i <= to; i++)
		if (i != skip)
			list[n++] = &f->rec[i];
	list[n] = NULL;
	return ingest_list(f, NULL, list);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("'%s' does not contain '%s'\n", hay, needle);
		fail();
	}
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	if (zc_privkey_generate(&g_key) || zc_privkey_generate(&g_other))
		return -1;
	if (zc_privkey_public_pem(g_key, g_pem, sizeof g_pem) ||
	    zc_privkey_public_pem(g_other, g_other_pem, sizeof g_other_pem))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	zc_privkey_free(g_key);
	zc_privkey_free(g_other);
	return 0;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256];
	if (!f || !(f->dir = tu_tmpdir("store")))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/zhucun.db", f->dir);
	if (zc_store_open(f->path, &f->s, err, sizeof err)) {
		print_error("open: %s\n", err);
		return -1;
	}
	if (zc_store_terminal_add(f->s, "T1", g_pem))
		return -1;
	f->kind[1] = ZC_KIND_BOOT;
	f->utc[1] = T0;
	for (int i = 2; i <= N; i++) {
		f->kind[i] = ZC_KIND_TAP;
		f->utc[i] = T0 + (i - 1) * MIN_MS;
	}
	build_all(f, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	zc_store_close(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* ---- open, schema, refusal ---- */

static void test_open_creates_schema(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "PRAGMA user_version"), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(f, "PRAGMA application_id"), 0x5A48434E);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
				  "('terminals', 'records', 'record_conflicts', 'findings')"),
			 4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
				  "('records_kind_time', 'records_badge_time', 'records_terminal_time')"),
			 3);
	/* WAL is persistent in the file header (bytes 18 and 19 are 2). */
	size_t len = 0;
	uint8_t *b = tu_read_file(f->path, &len);
	assert_non_null(b);
	assert_true(len >= 100);
	assert_int_equal(b[18], 2);
	assert_int_equal(b[19], 2);
	free(b);
	assert_int_equal(zc_store_check(f->s, NULL, 0), 0);
}

static void test_reopen_keeps_data(void **state)
{
	fx *f = *state;
	char err[256];
	ingest_range(f, 1, N, 4); /* with a gap finding */
	zc_store_close(f->s);
	f->s = NULL;
	assert_int_equal(zc_store_open(f->path, &f->s, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(zc_store_schema_version(f->s), ZC_STORE_SCHEMA_VERSION);
	assert_int_equal(zc_store_record_count(f->s, "T1"), N - 1);
	assert_int_equal(zc_store_record_count(f->s, NULL), N - 1);
	fnds c = all_findings(f);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.f[0].kind, ZC_FIND_GAP);
	/* The same key registers again; the migration did not run twice. */
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_pem), 0);
	assert_int_equal(q_int(f, "PRAGMA user_version"), ZC_STORE_SCHEMA_VERSION);
}

static void test_newer_schema_refused(void **state)
{
	fx *f = *state;
	char err[256];
	zc_store *s = NULL;
	zc_store_close(f->s);
	f->s = NULL;
	q_exec(f->path, "PRAGMA user_version = 99");
	assert_int_equal(zc_store_open(f->path, &s, err, sizeof err), ZC_EVERSION);
	assert_null(s);
	assert_contains(err, "schema version 99 is newer than this program (4)");
	assert_null(strchr(err, '\n'));
	/* Nothing was changed by the refusal. */
	assert_int_equal(q_int(f, "PRAGMA user_version"), 99);
}

static void test_not_a_database(void **state)
{
	fx *f = *state;
	char path[4300], err[256];
	zc_store *s = NULL;
	char text[2048];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "this is a roster, not a database\n"[i % 33];
	snprintf(path, sizeof path, "%s/roster.csv", f->dir);
	assert_int_equal(tu_write_file(path, text, sizeof text), 0);
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	assert_null(s);
	assert_contains(err, "not a zhucun database");
	assert_contains(err, "not an SQLite database");
	assert_null(strchr(err, '\n'));
	/* The file is left exactly as it was. */
	size_t len = 0;
	uint8_t *b = tu_read_file(path, &len);
	assert_non_null(b);
	assert_int_equal(len, sizeof text);
	assert_memory_equal(b, text, sizeof text);
	free(b);
	snprintf(path, sizeof path, "%s/roster.csv-wal", f->dir);
	assert_null(fopen(path, "rb"));

	snprintf(path, sizeof path, "%s/no/such/dir/zhucun.db", f->dir);
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EIO);
	assert_contains(err, "cannot open database");
}

static void test_foreign_sqlite_refused(void **state)
{
	fx *f = *state;
	char path[4300], err[256];
	zc_store *s = NULL;
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	q_exec(path, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)");
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	assert_null(s);
	assert_contains(err, "not a zhucun database");
	assert_contains(err, "another application");

	snprintf(path, sizeof path, "%s/other2.db", f->dir);
	q_exec(path, "PRAGMA application_id = 1234; CREATE TABLE t(x)");
	assert_int_equal(zc_store_open(path, &s, err, sizeof err), ZC_EMALFORMED);
	assert_contains(err, "application_id 0x000004d2");
}

static void test_corrupt_database(void **state)
{
	fx *f = *state;
	char err[256];
	zc_store *s = NULL;
	ingest_range(f, 1, N, 0);
	zc_store_close(f->s);
	f->s = NULL;

	size_t len = 0;
	uint8_t *b = tu_read_file(f->path, &len);
	assert_non_null(b);
	assert_true(len > 4096);
	/* Page 1 after the 100-byte header holds the schema's b-tree page. */
	memset(b + 100, 0xFF, 200);
	assert_int_equal(tu_write_file(f->path, b, len), 0);
	free(b);
	assert_int_equal(zc_store_open(f->path, &s, err, sizeof err), ZC_ECORRUPT);
	assert_null(s);
	assert_contains(err, "database is corrupt");
	assert_null(strchr(err, '\n'));
}

static void test_corrupt_page_found_by_check(void **state)
{
	fx *f = *state;
	char err[256];
	ingest_range(f, 1, N, 0);
	zc_store_close(f->s);
	f->s = NULL;

	size_t len = 0;
	uint8_t *b = tu_read_file(f->path, &len);
	assert_non_null(b);
	uint32_t page = (uint32_t)b[16] << 8 | b[17];
	assert_true(len >= 3 * page);
	memset(b + page, 0xA5, page); /* all of page 2 */
	assert_int_equal(tu_write_file(f->path, b, len), 0);
	free(b);
	/* The schema is intact, so the cheap checks at open pass ... */
	assert_int_equal(zc_store_open(f->path, &f->s, err, sizeof err), 0);
	/* ... and the full check finds the damage. */
	assert_int_equal(zc_store_check(f->s, err, sizeof err), ZC_ECORRUPT);
	assert_contains(err, "corrupt");
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
	assert_int_equal(q_int(f, "SELECT count(*) FROM terminals"), 2);

	ingest_range(f, 1, N, 6);
	zc_store_terminal_info *ti = NULL;
	size_t n = 0;
	uint8_t fp[ZC_HASH_LEN];
	assert_int_equal(zc_store_terminals(f->s, &ti, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ti[0].id, "T1");
	assert_int_equal(ti[0].records, N - 1);
	assert_int_equal(ti[0].head, 5);
	assert_int_equal(zc_privkey_fingerprint(g_key, fp), 0);
	assert_memory_equal(ti[0].key_fp, fp, ZC_HASH_LEN);
	assert_string_equal(ti[1].id, "T2");
	assert_int_equal(ti[1].records, 0);
	assert_int_equal(ti[1].head, 0);
	assert_true(ti[1].added_ms > T0);
	zc_store_terminals_free(ti, n);
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
	assert_int_equal(zc_ingest_record(in, f->rec[1].b, f->rec[1].len, NULL), 0);
	zc_ingest_abort(in);
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in2), 0);
	assert_int_equal(zc_ingest_commit(in2, NULL), 0);
}

/* ---- ingest ---- */

static void test_ingest_clean_chain(void **state)
{
	fx *f = *state;
	zc_ingest_opts opts = {.source = "journal:/media/T1"};
	const enc *list[N + 1];
	for (int i = 0; i < N; i++)
		list[i] = &f->rec[i + 1];
	list[N] = NULL;
	zc_ingest_stats st = ingest_list(f, &opts, list);
	assert_int_equal(st.seen, N);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.duplicates, 0);
	assert_int_equal(st.findings, 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), N);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE sig_ok = 1 AND link_ok = 1"), N);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE kind = 1 AND badge_kind = 1 AND "
				  "length(badge_id) = 16 AND length(nonce) = 32 AND length(cert_fp) = 32 AND "
				  "length(badge_sig) = 8 AND tap_result = 0"),
			 N - 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE source = 'journal:/media/T1' "
				  "AND where_ LIKE 'test@%'"),
			 N);
	assert_int_equal(q_int(f, "SELECT utc_ms FROM records WHERE seq = 3"), T0 + 2 * MIN_MS);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM records WHERE seq = 3"), (int64_t)f->rec[3].len);
	assert_int_equal(all_findings(f).n, 0);

	uint64_t head = 0;
	uint8_t hash[ZC_HASH_LEN];
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, hash), 0);
	assert_int_equal(head, N);
	assert_memory_equal(hash, f->rec[N].hash, ZC_HASH_LEN);
}

static void test_ingest_twice_changes_nothing(void **state)
{
	fx *f = *state;
	ingest_range(f, 1, N, 0);
	rows before = count_rows(f);
	int64_t changes = q_int(f, "SELECT max(ingested_ms) FROM records");
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.seen, N);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.duplicates, N);
	assert_int_equal(st.findings, 0);
	rows after = count_rows(f);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(after.findings, 0);
	assert_int_equal(q_int(f, "SELECT max(ingested_ms) FROM records"), changes);
}

static void test_ingest_twice_with_findings(void **state)
{
	fx *f = *state;
	enc trunc = f->rec[2], alt, wrong;
	trunc.len -= 3;
	sign_rec(&alt, g_key, "T1", 5, ZC_KIND_TAP, f->utc[5] + 1000, f->rec[4].hash);
	sign_rec(&wrong, g_key, "T2", 5, ZC_KIND_TAP, f->utc[5], f->rec[4].hash);
	enc bad = f->rec[7];
	bad.b[bad.len - 5] ^= 0x01; /* inside the signature */
	const enc *list[] = {&f->rec[1], &trunc, &f->rec[3], &f->rec[5], &alt, &wrong, &f->rec[6], &bad, NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_true(st.findings >= 5);
	rows before = count_rows(f);
	st = ingest_list(f, NULL, list);
	assert_int_equal(st.seen, 8);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.findings, 0);
	assert_int_equal(st.duplicates, 8);
	rows after = count_rows(f);
	assert_memory_equal(&before, &after, sizeof before);
}

static void test_abort_leaves_nothing(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	enc trunc = f->rec[2];
	trunc.len = 20;
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	for (int i = 1; i <= N; i++)
		assert_int_equal(zc_ingest_record(in, f->rec[i].b, f->rec[i].len, NULL), 0);
	assert_int_equal(zc_ingest_record(in, trunc.b, trunc.len, NULL), 0);
	assert_int_equal(zc_ingest_note(in, ZC_FIND_MALFORMED, 0, "seg@16", "checksum mismatch"), 0);
	zc_ingest_abort(in);
	rows r = count_rows(f);
	assert_int_equal(r.records, 0);
	assert_int_equal(r.conflicts, 0);
	assert_int_equal(r.findings, 0);
	uint64_t head = 7;
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 0);
	/* And the store is usable afterwards. */
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
}

static void test_store_failure_rolls_back(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	ingest_range(f, 1, 2, 0);
	/* Make the store itself fail on seq 5, as a full disk would. */
	q_exec(f->path, "CREATE TRIGGER boom BEFORE INSERT ON records WHEN NEW.seq = 5 "
			"BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
	assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
	for (int i = 3; i <= 4; i++)
		assert_int_equal(zc_ingest_record(in, f->rec[i].b, f->rec[i].len, NULL), 0);
	assert_int_equal(zc_ingest_record(in, f->rec[5].b, f->rec[5].len, NULL), ZC_EDB);
	assert_contains(zc_store_errmsg(f->s), "disk on fire");
	/* The batch takes nothing more, and its commit rolls it all back. */
	assert_int_equal(zc_ingest_record(in, f->rec[6].b, f->rec[6].len, NULL), ZC_ESTATE);
	assert_int_equal(zc_ingest_note(in, ZC_FIND_GAP, 9, NULL, "x"), ZC_ESTATE);
	assert_int_equal(zc_ingest_commit(in, &st), ZC_EDB);
	assert_int_equal(st.stored, 0);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 2);
	q_exec(f->path, "DROP TRIGGER boom");
	st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N - 2);
	assert_int_equal(st.duplicates, 2);
}

static void test_note(void **state)
{
	fx *f = *state;
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(zc_ingest_begin(f->s, "T1", NULL, &in), 0);
		assert_int_equal(zc_ingest_note(in, ZC_FIND_MALFORMED, 0, "seg-000000000001.zcj@4096",
						"journal entry check bytes do not match (entry skipped, 212 bytes)"),
				 0);
		assert_int_equal(zc_ingest_commit(in, &st), 0);
		assert_int_equal(st.findings, round == 0 ? 1 : 0);
		assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], round == 0 ? 1 : 0);
	}
	fnds c = all_findings(f);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].where, "seg-000000000001.zcj@4096");
	assert_contains(c.f[0].detail, "check bytes");
}

/* ---- one test per finding kind ---- */

static void test_finding_malformed(void **state)
{
	fx *f = *state;
	enc trunc = f->rec[3];
	trunc.len -= 5; /* cut into the signature */
	const enc *list[] = {&f->rec[1], &f->rec[2], &trunc, NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_MALFORMED], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *m = get_finding(&c, ZC_FIND_MALFORMED, 0);
	assert_non_null(m);
	assert_string_equal(m->where, "test@2");
	char want[128];
	snprintf(want, sizeof want, "record of %zu bytes does not decode: field sig at offset", trunc.len);
	assert_contains(m->detail, want);
	assert_contains(m->detail, "input ends inside this field");
	assert_contains(m->detail, "claims terminal 'T1' seq 3");
	/* The bytes are kept with the finding. */
	assert_int_equal(q_int(f, "SELECT length(raw) FROM findings WHERE kind = 1"), (int64_t)trunc.len);
	assert_int_equal(zc_store_record_count(f->s, "T1"), 2);
}

static void test_finding_wrong_terminal(void **state)
{
	fx *f = *state;
	enc other;
	sign_rec(&other, g_key, "T2", 3, ZC_KIND_TAP, f->utc[3], f->rec[2].hash);
	const enc *list[] = {&f->rec[1], &f->rec[2], &other, NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.by_kind[ZC_FIND_WRONG_TERMINAL], 1);
	assert_int_equal(st.findings, 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *w = get_finding(&c, ZC_FIND_WRONG_TERMINAL, 3);
	assert_non_null(w);
	assert_string_equal(w->detail, "record names terminal 'T2' (seq 3); this batch is for 'T1'");
	assert_int_equal(q_int(f, "SELECT length(raw) FROM findings WHERE kind = 2"), (int64_t)other.len);
	assert_int_equal(zc_store_record_count(f->s, NULL), 2);
}

static void test_finding_bad_signature_body_changed(void **state)
{
	fx *f = *state;
	enc tampered = f->rec[3];
	/* utc_ms starts at 2 + 1 + 1 + 1 + 2 ("T1") + 8 + 4 = 19: move the tap
	 * by 256 ms; the record still decodes. */
	tampered.b[20] ^= 0x01;
	const enc *list[] = {&f->rec[1], &f->rec[2], &tampered, &f->rec[4], &f->rec[5], NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 5);
	assert_int_equal(st.by_kind[ZC_FIND_BAD_SIGNATURE], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *b = get_finding(&c, ZC_FIND_BAD_SIGNATURE, 3);
	assert_non_null(b);
	assert_contains(b->detail, "terminal signature does not verify with the registered key");
	/* The altered body no longer hashes to what seq 4 links to. */
	assert_non_null(get_finding(&c, ZC_FIND_BROKEN_LINK, 4));
	assert_int_equal(c.n, 2);
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 0);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 0);
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 2);

	/* The genuine record arriving later takes the slot; the tampered one
	 * is kept in record_conflicts. */
	const enc *later[] = {&f->rec[3], NULL};
	st = ingest_list(f, NULL, later);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.findings, 1);
	c = all_findings(f);
	dump(&c);
	assert_contains(detail_of(&c, ZC_FIND_FORK, 3),
			"whose terminal signature does not verify; this record has hash");
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 1);
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 3 AND sig_ok = 0 AND "
				  "reason = 'bad_signature'"),
			 1);
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 5);
}

static void test_finding_bad_signature_other_key(void **state)
{
	fx *f = *state;
	enc forged;
	sign_rec(&forged, g_other, "T1", 3, f->kind[3], f->utc[3], f->rec[2].hash);
	const enc *list[] = {&f->rec[1], &f->rec[2], &forged, &f->rec[4], NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.findings, 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *b = get_finding(&c, ZC_FIND_BAD_SIGNATURE, 3);
	assert_non_null(b);
	char fp_hex[12];
	uint8_t fp[ZC_HASH_LEN];
	assert_int_equal(zc_privkey_fingerprint(g_key, fp), 0);
	zc_hex(fp, 4, fp_hex);
	assert_contains(b->detail, fp_hex);
	/* Same body as the genuine record, so seq 4 still links. */
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 1);
	assert_int_equal(q_int(f, "SELECT sig_ok FROM records WHERE seq = 3"), 0);

	/* A forgery for a stored seq is kept as a conflict: a bad signature,
	 * and a fork whose detail says the terminal did not sign it. */
	enc forged2;
	sign_rec(&forged2, g_other, "T1", 4, f->kind[4], f->utc[4] + 7, f->rec[3].hash);
	const enc *later[] = {&forged2, NULL};
	st = ingest_list(f, NULL, later);
	assert_int_equal(st.by_kind[ZC_FIND_BAD_SIGNATURE], 1);
	assert_int_equal(st.by_kind[ZC_FIND_FORK], 1);
	assert_int_equal(st.findings, 2);
	c = all_findings(f);
	dump(&c);
	assert_contains(detail_of(&c, ZC_FIND_BAD_SIGNATURE, 4), "kept in record_conflicts");
	assert_contains(detail_of(&c, ZC_FIND_FORK, 4),
			"its terminal signature does not verify, the stored one's does");
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 5"), -1); /* not stored */
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE seq = 4 AND sig_ok = 1"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 4 AND reason = 'bad_signature'"),
			 1);
}

static void test_finding_broken_link(void **state)
{
	fx *f = *state;
	/* seq 4 re-signed by the terminal key with a wrong prev_hash; 5.. link
	 * to the new 4. */
	uint8_t wrong[ZC_HASH_LEN];
	memset(wrong, 0x3F, sizeof wrong);
	sign_rec(&f->rec[4], g_key, "T1", 4, f->kind[4], f->utc[4], wrong);
	build_all(f, 5);
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_BROKEN_LINK], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *l = get_finding(&c, ZC_FIND_BROKEN_LINK, 4);
	assert_non_null(l);
	char want[128], h[12];
	zc_hex(f->rec[3].hash, 4, h);
	snprintf(want, sizeof want, "prev_hash 3f3f3f3f.. != hash of seq 3 (%s..)", h);
	assert_string_equal(l->detail, want);
	assert_string_equal(l->where, "test@3");
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 4"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE link_ok = 1"), N - 1);
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 3);
}

static void test_finding_broken_link_found_from_successor(void **state)
{
	fx *f = *state;
	/* 5 is stored first; the 4 that arrives later is not the one 5 links
	 * to: the broken link is reported on 5. */
	ingest_range(f, 1, 3, 0);
	ingest_range(f, 5, N, 0);
	enc other4;
	sign_rec(&other4, g_key, "T1", 4, ZC_KIND_TAP, f->utc[4] + 1, f->rec[3].hash);
	const enc *list[] = {&other4, NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.by_kind[ZC_FIND_BROKEN_LINK], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *l = get_finding(&c, ZC_FIND_BROKEN_LINK, 5);
	assert_non_null(l);
	assert_string_equal(l->where, "test@0"); /* where 5 was read */
	assert_int_equal(q_int(f, "SELECT link_ok FROM records WHERE seq = 5"), 0);
}

static void test_finding_gap(void **state)
{
	fx *f = *state;
	const enc *list[] = {&f->rec[1], &f->rec[2], &f->rec[5], &f->rec[6], &f->rec[7], &f->rec[8], NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 6);
	assert_int_equal(st.findings, 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *g = get_finding(&c, ZC_FIND_GAP, 5);
	assert_non_null(g);
	assert_string_equal(g->detail, "seq 3-4 missing (2 records) between stored seq 2 and seq 5");
	assert_true(q_int(f, "SELECT link_ok IS NULL FROM records WHERE seq = 5"));
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, 2);

	/* The missing records arrive: they link both ways, nothing new is
	 * reported and the head moves to the end. */
	st = ingest_range(f, 3, 4, 0);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.findings, 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE sig_ok = 1 AND link_ok = 1"), N);
	assert_int_equal(zc_store_terminal_head(f->s, "T1", &head, NULL), 0);
	assert_int_equal(head, N);

	/* A chain that does not start at 1. */
	assert_int_equal(zc_store_terminal_add(f->s, "T2", g_pem), 0);
	enc r7;
	uint8_t prev[ZC_HASH_LEN] = {1};
	sign_rec(&r7, g_key, "T2", 7, ZC_KIND_TAP, T0, prev);
	zc_ingest *in = NULL;
	assert_int_equal(zc_ingest_begin(f->s, "T2", NULL, &in), 0);
	assert_int_equal(zc_ingest_record(in, r7.b, r7.len, "x"), 0);
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	assert_int_equal(st.by_kind[ZC_FIND_GAP], 1);
	memset(&c, 0, sizeof c);
	assert_int_equal(zc_store_findings(f->s, "T2", collect, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].detail, "seq 1-6 missing (6 records) before seq 7; nothing stored below it");
	assert_string_equal(c.f[0].terminal, "T2");
}

static void test_finding_fork(void **state)
{
	fx *f = *state;
	ingest_range(f, 1, N, 0);
	enc alt;
	sign_rec(&alt, g_key, "T1", 3, ZC_KIND_TAP, f->utc[3] + 1000, f->rec[2].hash);
	const enc *list[] = {&alt, NULL};
	zc_ingest_stats st = ingest_list(f, NULL, list);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_FORK], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *k = get_finding(&c, ZC_FIND_FORK, 3);
	assert_non_null(k);
	char h1[12], h2[12], want[160];
	zc_hex(f->rec[3].hash, 4, h1);
	zc_hex(alt.hash, 4, h2);
	snprintf(want, sizeof want, "seq 3 is stored with hash %s..; this record has hash %s..", h1, h2);
	assert_contains(k->detail, want);
	/* Both kept: the first in records, the second in record_conflicts. */
	assert_int_equal(zc_store_record_count(f->s, "T1"), N);
	assert_int_equal(q_int(f, "SELECT utc_ms FROM records WHERE seq = 3"), f->utc[3]);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts WHERE seq = 3 AND sig_ok = 1 AND "
				  "reason = 'fork'"),
			 1);
	assert_int_equal(q_int(f, "SELECT length(raw) FROM record_conflicts"), (int64_t)alt.len);

	st = ingest_list(f, NULL, list);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.findings, 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM record_conflicts"), 1);
}

static void test_finding_clock_rollback(void **state)
{
	fx *f = *state;
	/* 5 is ten minutes before 4 (nine before 3 ...); 6 goes on from 4. */
	f->utc[5] = f->utc[4] - 10 * MIN_MS;
	build_all(f, 5);
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 1);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	fnds c = all_findings(f);
	dump(&c);
	const fnd *r = get_finding(&c, ZC_FIND_CLOCK_ROLLBACK, 5);
	assert_non_null(r);
	assert_string_equal(r->detail, "utc 2023-11-14T22:06:20.000Z is 600.000 s earlier than seq 4 "
				       "(2023-11-14T22:16:20.000Z); tolerance 300.000 s");
}

static void test_clock_rollback_within_tolerance(void **state)
{
	fx *f = *state;
	f->utc[5] = f->utc[4] - 4 * MIN_MS;
	build_all(f, 5);
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.findings, 0);
	assert_int_equal(all_findings(f).n, 0);

	/* A stricter policy reports the same four minutes. */
	zc_store_close(f->s);
	f->s = NULL;
	remove(f->path);
	char err[256];
	assert_int_equal(zc_store_open(f->path, &f->s, err, sizeof err), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "T1", g_pem), 0);
	zc_ingest_opts strict = {.clock_rollback_tolerance_ms = 60000};
	const enc *list[N + 1];
	for (int i = 0; i < N; i++)
		list[i] = &f->rec[i + 1];
	list[N] = NULL;
	st = ingest_list(f, &strict, list);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	assert_contains(all_findings(f).f[0].detail, "240.000 s earlier than seq 4");
}

static void test_clock_rollback_not_for_clock_set(void **state)
{
	fx *f = *state;
	/* 5 sets the clock back ten minutes, stamped with the new time; the
	 * records after it go on from there. */
	f->kind[5] = ZC_KIND_CLOCK_SET;
	for (int i = 5; i <= N; i++)
		f->utc[i] = f->utc[4] - 10 * MIN_MS + (i - 5) * MIN_MS;
	build_all(f, 5);
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	assert_int_equal(st.stored, N);
	assert_int_equal(st.findings, 0);
	assert_int_equal(q_int(f, "SELECT clock_new_ms FROM records WHERE seq = 5"), f->utc[5]);
	assert_int_equal(q_int(f, "SELECT clock_old_ms FROM records WHERE seq = 5"), f->utc[5] + 10 * MIN_MS);
}

static void test_clock_rollback_after_clock_set_stamped_old(void **state)
{
	fx *f = *state;
	/* A clock_set stamped with the time before the change: the next
	 * record is compared with the new time it names, not its stamp. */
	f->kind[5] = ZC_KIND_CLOCK_SET;
	f->utc[5] = f->utc[4] + MIN_MS; /* old clock; sign_rec sets new = stamp */
	build(f, 5);
	zc_rec r;
	size_t body = 0;
	assert_int_equal(zc_rec_decode(f->rec[5].b, f->rec[5].len, &r, &body, NULL), 0);
	r.u.clock.old_utc_ms = f->utc[5];
	r.u.clock.new_utc_ms = f->utc[5] - 10 * MIN_MS;
	assert_int_equal(zc_rec_sign(&r, g_key, f->rec[5].b, sizeof f->rec[5].b, &f->rec[5].len, f->rec[5].hash), 0);
	for (int i = 6; i <= N; i++)
		f->utc[i] = f->utc[5] - 10 * MIN_MS + (i - 5) * MIN_MS;
	build_all(f, 6);
	zc_ingest_stats st = ingest_range(f, 1, N, 0);
	fnds c = all_findings(f);
	dump(&c);
	assert_int_equal(st.findings, 0);
}

static void test_clock_rollback_found_from_successor(void **state)
{
	fx *f = *state;
	/* 5 is stored while 4 is missing, and compared with 3; 4 arrives
	 * later, ten minutes after 5: the rollback is reported on 5. */
	f->utc[4] = f->utc[5] + 10 * MIN_MS;
	build_all(f, 4);
	ingest_range(f, 1, N, 4);
	fnds c = all_findings(f);
	assert_int_equal(count_kind(&c, ZC_FIND_CLOCK_ROLLBACK), 0);
	zc_ingest_stats st = ingest_range(f, 4, 4, 0);
	assert_int_equal(st.by_kind[ZC_FIND_CLOCK_ROLLBACK], 1);
	c = all_findings(f);
	dump(&c);
	assert_contains(detail_of(&c, ZC_FIND_CLOCK_ROLLBACK, 5), "earlier than seq 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_sqlite_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_page_found_by_check, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_terminal_add, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_batch_at_a_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_clean_chain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_changes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_twice_with_findings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_failure_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_note, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_wrong_terminal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_bad_signature_body_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_bad_signature_other_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_broken_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_broken_link_found_from_successor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_gap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_fork, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_finding_clock_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_within_tolerance, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_not_for_clock_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_after_clock_set_stamped_old, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_rollback_found_from_successor, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
