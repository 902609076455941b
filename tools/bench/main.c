/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun-bench, the benchmark program. Each benchmark prints
 * "key: value" lines, with baselines measured in the same run so that ratios
 * are meaningful on a noisy machine. Not a test: it asserts nothing, except
 * that report checks its report is real (every tap accepted, findings, a
 * recall list) and fails otherwise.
 *
 *   zhucun-bench journal [--records N] [--dir DIR]
 *   zhucun-bench ingest  [--records N] [--dir DIR]
 *   zhucun-bench tap     [--records N] [--dir DIR] [--latency MS|model]
 *   zhucun-bench link    [--records N] [--dir DIR]
 *   zhucun-bench report  [--records N] [--dir DIR]
 */
#include <errno.h>
#include <libgen.h>
#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ca.h"
#include "pn532srv.h"
#include "synth.h"
#include "vcard.h"
#include "vreader.h"
#include "pn532.h"
#include "zc/badge.h"
#include "zc/clock.h"
#include "zc/compliance.h"
#include "zc/crypto.h"
#include "zc/feedback.h"
#include "zc/terminal.h"
#include "zc/err.h"
#include "zc/jreader.h"
#include "zc/journal.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/report.h"
#include "zc/rules.h"
#include "zc/store.h"
#include "zc/termlog.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *make_dir(const char *base, const char *tag)
{
	char buf[4096];
	if (base) {
		snprintf(buf, sizeof buf, "%s/%s", base, tag);
		if (mkdir(buf, 0755) && errno != EEXIST)
			return NULL;
		return strdup(buf);
	}
	const char *t = getenv("TMPDIR");
	snprintf(buf, sizeof buf, "%s/zc-bench-%s-XXXXXX", t && *t ? t : "/tmp", tag);
	return mkdtemp(buf) ? strdup(buf) : NULL;
}

static void rm_rf(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "zhucun-bench: could not remove %s\n", dir);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- journal: durable appends ---- */

static int bench_journal(uint64_t n, const char *base)
{
	char *dir = make_dir(base, "journal");
	if (!dir) {
		fprintf(stderr, "zhucun-bench: cannot create a work folder\n");
		return 1;
	}
	zc_privkey *key = NULL;
	zc_storage *st = NULL;
	zc_journal *j = NULL;
	zc_termlog *log = NULL;
	uint8_t(*recs)[ZC_REC_MAX] = NULL;
	size_t *lens = NULL;
	double *lat = NULL;
	int rc = 1;
	if (zc_privkey_generate(&key) || zc_storage_posix_open(dir, &st))
		goto out;
	zc_journal_cfg cfg = {0, 0};
	if (zc_journal_open(st, &cfg, &j))
		goto out;
	zc_simclock sc = {1735776000000, 0};
	zc_clock clk = zc_clock_sim(&sc);
	if (zc_termlog_open(j, key, "BENCH", &clk, "bench", &log))
		goto out;

	/* Sign all records first (the chain), then time only the appends. */
	recs = malloc(n * sizeof *recs);
	lens = malloc(n * sizeof *lens);
	lat = malloc(n * sizeof *lat);
	if (!recs || !lens || !lat)
		goto out;
	uint8_t prev[ZC_HASH_LEN];
	uint64_t head = zc_journal_head(j, prev);
	double t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		zc_rec r;
		zc_rec_init(&r, ZC_KIND_TAP);
		strcpy(r.terminal, "BENCH");
		r.seq = head + 1 + i;
		r.boot = zc_termlog_boot(log);
		r.utc_ms = sc.utc_ms + (int64_t)i * 1000;
		r.mono_ms = i * 1000;
		memcpy(r.prev_hash, prev, ZC_HASH_LEN);
		r.u.tap.badge_kind = ZC_BADGE_UID;
		r.u.tap.result = ZC_TAP_WEAK;
		r.u.tap.badge_id_len = 7;
		memset(r.u.tap.badge_id, 0x42, 7);
		zc_random(r.u.tap.nonce, ZC_NONCE_LEN);
		if (zc_rec_sign(&r, key, recs[i], ZC_REC_MAX, &lens[i], prev))
			goto out;
	}
	double sign_s = now_s() - t0;
	/* Baseline: raw write + fsync of the same sizes to one file. */
	char path[4200];
	snprintf(path, sizeof path, "%s/baseline.bin", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		goto out;
	t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		if (write(fd, recs[i], lens[i] + 6) < 0 || fdatasync(fd)) {
			close(fd);
			goto out;
		}
	}
	double base_s = now_s() - t0;
	close(fd);
	t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		double a = now_s();
		if (zc_journal_append(j, recs[i], lens[i])) {
			fprintf(stderr, "zhucun-bench: append %llu failed\n", (unsigned long long)i);
			goto out;
		}
		lat[i] = now_s() - a;
	}
	double app_s = now_s() - t0;
	qsort(lat, n, sizeof *lat, cmp_double);
	printf("records: %llu\n", (unsigned long long)n);
	printf("record_bytes: %zu\n", lens[0]);
	printf("append_per_s: %.0f\n", (double)n / app_s);
	printf("append_median_us: %.0f\n", lat[n / 2] * 1e6);
	printf("append_p99_us: %.0f\n", lat[(n * 99) / 100] * 1e6);
	printf("fsync_baseline_per_s: %.0f\n", (double)n / base_s);
	printf("sign_per_s: %.0f\n", (double)n / sign_s);
	printf("append_vs_baseline: %.2f\n", base_s / app_s);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "zhucun-bench journal: failed\n");
	zc_termlog_close(log);
	zc_journal_close(j);
	zc_storage_close(st);
	zc_privkey_free(key);
	free(recs);
	free(lens);
	free(lat);
	if (!base)
		rm_rf(dir);
	free(dir);
	return rc;
}

/* ---- ingest: verify + store ---- */

static double verify_baseline(const char *pem_path, const uint8_t *rec, size_t len, int iters)
{
	/* The raw backend (zc_crypto_backend()): parse the key once, verify the
	 * digest with it, nothing of the record or ingest layers around it. */
	zc_pubkey *pk = NULL;
	double rate = 0;
	if (zc_pubkey_load(pem_path, &pk))
		goto out;
	zc_rec r;
	size_t blen;
	if (zc_rec_decode(rec, len, &r, &blen, NULL))
		goto out;
	uint8_t h[32];
	zc_sha256(rec, blen, h);
	double t0 = now_s();
	for (int i = 0; i < iters; i++)
		if (zc_pubkey_verify(pk, h, r.sig, r.sig_len))
			goto out;
	rate = iters / (now_s() - t0);
out:
	zc_pubkey_free(pk);
	return rate;
}

static double insert_baseline(const char *dir, uint64_t n)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/baseline.db", dir);
	unlink(path);
	sqlite3 *db;
	double rate = 0;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     "CREATE TABLE t(terminal TEXT, seq INTEGER, raw BLOB, UNIQUE(terminal, seq));",
		     NULL, NULL, NULL);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES('K01', ?, ?)", -1, &st, NULL) == SQLITE_OK) {
		uint8_t row[200];
		memset(row, 0x5a, sizeof row);
		double t0 = now_s();
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (uint64_t i = 0; i < n; i++) {
			sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
			sqlite3_bind_blob(st, 2, row, sizeof row, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		rate = (double)n / (now_s() - t0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rate;
}

static int bench_ingest(uint64_t n, const char *base)
{
	char *dir = make_dir(base, "ingest");
	if (!dir)
		return 1;
	int rc = 1;
	zc_store *s = NULL;
	zc_jreader *jr = NULL;
	uint8_t **raw = NULL;
	size_t *lens = NULL;
	uint64_t count = 0;
	char pem_path[4200], jpath[4200], dbpath[4200];
	zc_synth_opts o = {
	    .out_dir = dir, .terminal = "K01", .records = n, .start_utc_ms = 1735776000000, .badges = 5, .quiet = 1};
	double t0 = now_s();
	if (zc_synth_journal(&o))
		goto out;
	double synth_s = now_s() - t0;
	snprintf(pem_path, sizeof pem_path, "%s/terminal.pub.pem", dir);
	snprintf(jpath, sizeof jpath, "%s/journal", dir);
	snprintf(dbpath, sizeof dbpath, "%s/host.db", dir);

	/* Read the journal into memory so the timing is verify + store. */
	if (zc_jreader_open(jpath, &jr))
		goto out;
	raw = calloc(n + 16, sizeof *raw);
	lens = calloc(n + 16, sizeof *lens);
	zc_jitem it;
	while (raw && zc_jreader_next(jr, &it) > 0 && count < n + 16) {
		if (it.status)
			goto out;
		raw[count] = malloc(it.len);
		memcpy(raw[count], it.rec, it.len);
		lens[count++] = it.len;
	}
	FILE *f = fopen(pem_path, "r");
	char pem[2048] = "";
	if (!f)
		goto out;
	size_t pl = fread(pem, 1, sizeof pem - 1, f);
	fclose(f);
	pem[pl] = 0;

	char msg[256];
	if (zc_store_open(dbpath, &s, msg, sizeof msg) || zc_store_terminal_add(s, "K01", pem))
		goto out;
	zc_ingest_opts io = {.clock_rollback_tolerance_ms = 300000, .source = "bench"};
	zc_ingest *in = NULL;
	t0 = now_s();
	for (uint64_t i = 0; i < count; i++) {
		if (!in && zc_ingest_begin(s, "K01", &io, &in))
			goto out;
		if (zc_ingest_record(in, raw[i], lens[i], "bench"))
			goto out;
		if ((i + 1) % 1000 == 0 || i + 1 == count) {
			zc_ingest_stats st;
			if (zc_ingest_commit(in, &st))
				goto out;
			in = NULL;
		}
	}
	double ing_s = now_s() - t0;
	/* Idempotence costs: the same records again. */
	t0 = now_s();
	for (uint64_t i = 0; i < count; i++) {
		if (!in && zc_ingest_begin(s, "K01", &io, &in))
			goto out;
		zc_ingest_record(in, raw[i], lens[i], "bench");
		if ((i + 1) % 1000 == 0 || i + 1 == count) {
			zc_ingest_commit(in, NULL);
			in = NULL;
		}
	}
	double dup_s = now_s() - t0;
	int viters = count < 2000 ? (int)count : 2000;
	double vrate = verify_baseline(pem_path, raw[count / 2], lens[count / 2], viters);
	double irate = insert_baseline(dir, count);
	double ingest_rate = (double)count / ing_s;
	printf("records: %llu\n", (unsigned long long)count);
	printf("synth_records_per_s: %.0f\n", (double)n / synth_s);
	printf("ingest_per_s: %.0f\n", ingest_rate);
	printf("reingest_duplicates_per_s: %.0f\n", (double)count / dup_s);
	printf("verify_baseline_per_s: %.0f\n", vrate);
	printf("insert_baseline_per_s: %.0f\n", irate);
	if (vrate > 0)
		printf("ingest_vs_verify_baseline: %.2f\n", ingest_rate / vrate);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "zhucun-bench ingest: failed\n");
	zc_store_close(s);
	zc_jreader_close(jr);
	for (uint64_t i = 0; raw && i < count; i++)
		free(raw[i]);
	free(raw);
	free(lens);
	if (!base)
		rm_rf(dir);
	free(dir);
	return rc;
}

/* ---- tap: one badge tap, split into reader, crypto and append ---- */

typedef struct tap_split {
	double total, reader, crypto, append;
	unsigned trips;
} tap_split;

static int cmp_split(const void *a, const void *b)
{
	return cmp_double(&((const tap_split *)a)->total, &((const tap_split *)b)->total);
}

typedef struct tap_env {
	zc_privkey *key;
	zc_storage *st;
	zc_journal *j;
	zc_simclock sc;
	zc_clock clk;
	zc_termlog *log;
	zc_feedback *fb;
	zc_badge_ca *ca;
} tap_env;

/* Present (via fn) and run one tap on a terminal; returns the split. */
typedef int (*present_fn)(void *arg, int on);

static int one_tap(tap_env *e, zc_terminal *term, present_fn present, void *arg, tap_split *out)
{
	zc_terminal_stats st;
	zc_terminal_stats_get(term, &st);
	uint64_t before = st.taps;
	if (present(arg, 1))
		return -1;
	double t0 = now_s();
	for (int i = 0; i < 200 && st.taps == before; i++) {
		if (zc_terminal_step(term))
			return -1;
		zc_terminal_stats_get(term, &st);
	}
	double total = now_s() - t0;
	present(arg, 0);
	zc_terminal_step(term); /* it notices the removal */
	if (st.taps == before)
		return -1;
	e->sc.utc_ms += 120000;
	out->total = total * 1e3;
	/* reader: everything but the cryptography and the append, that is the
	 * card's selection and every APDU round trip */
	out->crypto = st.last_crypto_ms;
	out->append = st.last_append_ms;
	out->reader = out->total - out->crypto - out->append;
	out->trips = st.last_round_trips;
	return 0;
}

/* first: n taps each on a fresh terminal (empty certificate cache);
 * cached: n taps on one terminal. */
static int tap_series(tap_env *e, zc_reader *rd, present_fn present, void *arg, int n, tap_split *first,
		      tap_split *cached)
{
	zc_terminal_cfg tc = {480, 0, 50, 0};
	zc_terminal *term = NULL;
	for (int i = 0; i < n; i++) {
		if (zc_terminal_new(e->log, rd, &e->clk, e->fb, e->ca, &tc, &term))
			return -1;
		zc_terminal_step(term); /* opens the reader: not part of a tap */
		int rc = one_tap(e, term, present, arg, &first[i]);
		zc_terminal_free(term);
		if (rc)
			return -1;
	}
	if (zc_terminal_new(e->log, rd, &e->clk, e->fb, e->ca, &tc, &term))
		return -1;
	tap_split warm;
	int rc = one_tap(e, term, present, arg, &warm);
	for (int i = 0; !rc && i < n; i++)
		rc = one_tap(e, term, present, arg, &cached[i]);
	zc_terminal_free(term);
	return rc;
}

static void print_split(const char *prefix, tap_split *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_split);
	tap_split m = v[n / 2];
	printf("%s: %.2f\n", prefix, m.total);
	printf("%s_reader: %.2f\n", prefix, m.reader);
	printf("%s_crypto: %.2f\n", prefix, m.crypto);
	printf("%s_append: %.2f\n", prefix, m.append);
	printf("%s_round_trips: %u\n", prefix, m.trips);
}

typedef struct nfc_arg {
	char ctl[4300];
	char spec[4300];
} nfc_arg;

static int nfc_present(void *a, int on)
{
	nfc_arg *x = a;
	char line[4400], reply[256];
	snprintf(line, sizeof line, on ? "present %s" : "remove", x->spec);
	return zc_simreader_send(x->ctl, line, reply, sizeof reply) ? -1 : 0;
}

typedef struct vr_arg {
	zc_vreader *vr;
	zc_vcard *card;
} vr_arg;

static int vr_present(void *a, int on)
{
	vr_arg *x = a;
	if (on)
		zc_vreader_present(x->vr, x->card);
	else
		zc_vreader_remove(x->vr);
	return 0;
}

static int bench_tap(int n, const char *base, const char *latency)
{
	char *dir = make_dir(base, "tap");
	if (!dir)
		return 1;
	char cadir[4200], card[4200], p[4300], link[4200], err[256];
	tap_env e;
	memset(&e, 0, sizeof e);
	zc_reader *nrd = NULL, *vrd = NULL;
	zc_vreader *vr = NULL;
	zc_vcard *vc = NULL;
	pid_t child = -1;
	int rc = 1;
	tap_split *first = calloc((size_t)n, sizeof *first), *cached = calloc((size_t)n, sizeof *cached);
	snprintf(cadir, sizeof cadir, "%s/ca", dir);
	snprintf(card, sizeof card, "%s/b001.card", dir);
	zc_ca_init_opts io = {.dir = cadir, .name = "Bench CA", .district = "Bench"};
	zc_ca_issue_opts is = {.dir = cadir, .badge = "B001", .cadre = "C001", .name = "张三", .out = card};
	zc_ca_issued res;
	if (!first || !cached || zc_ca_init(&io, err, sizeof err) || zc_ca_issue(&is, &res, err, sizeof err)) {
		fprintf(stderr, "zhucun-bench tap: CA: %s\n", err);
		goto out;
	}
	snprintf(p, sizeof p, "%s/ca.pem", cadir);
	if (zc_badge_ca_load(p, &e.ca) || zc_privkey_generate(&e.key))
		goto out;
	snprintf(p, sizeof p, "%s/journal", dir);
	zc_journal_cfg jc = {0, 0};
	if (zc_storage_posix_open(p, &e.st) || zc_journal_open(e.st, &jc, &e.j))
		goto out;
	e.sc.utc_ms = 1751330000000LL;
	e.sc.mono_ms = 1;
	e.clk = zc_clock_sim(&e.sc);
	snprintf(p, sizeof p, "log:%s/feedback.log", dir);
	if (zc_termlog_open(e.j, e.key, "BENCH", &e.clk, "bench", &e.log) ||
	    zc_feedback_from_spec(p, &e.fb, err, sizeof err))
		goto out;

	/* libnfc path: a real zhucun-sim reader process on a pty */
	snprintf(link, sizeof link, "%s/pn532", dir);
	child = fork();
	if (child == 0) {
		zc_simreader_opts ro = {.link = link};
		ro.latency_ms = strcmp(latency, "model") ? atoi(latency) : ZC_PN532_LATENCY_MODEL;
		if (!freopen("/dev/null", "w", stdout)) {
			/* the ready line is not needed: we poll for the socket */
		}
		_exit(zc_simreader_run(&ro));
	}
	nfc_arg na;
	snprintf(na.ctl, sizeof na.ctl, "%s.ctl", link);
	snprintf(na.spec, sizeof na.spec, "piv:%s", card);
	char reply[256];
	int up = 0;
	for (int i = 0; i < 100 && !up; i++) {
		up = zc_simreader_send(na.ctl, "status", reply, sizeof reply) == 0;
		if (!up)
			usleep(50000);
	}
	snprintf(p, sizeof p, "pn532_uart:%s", link);
	if (!up || zc_reader_nfc_new(p, &nrd)) {
		fprintf(stderr, "zhucun-bench tap: the virtual reader did not start\n");
		goto out;
	}
	if (tap_series(&e, nrd, nfc_present, &na, n, first, cached)) {
		fprintf(stderr, "zhucun-bench tap: a libnfc tap failed\n");
		goto out;
	}
	printf("taps: %d\n", n);
	printf("reader_latency: %s\n", latency);
	print_split("tap_ms_first", first, n);
	print_split("tap_ms_cached", cached, n);

	/* in-process path: the same loop on the virtual reader */
	if (zc_vreader_new(&vrd, &vr) || zc_vcard_piv_load(card, &vc, err, sizeof err))
		goto out;
	vr_arg va = {vr, vc};
	if (tap_series(&e, vrd, vr_present, &va, n, first, cached)) {
		fprintf(stderr, "zhucun-bench tap: an in-process tap failed\n");
		goto out;
	}
	print_split("inproc_tap_ms_first", first, n);
	print_split("inproc_tap_ms_cached", cached, n);
	rc = 0;
out:
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	zc_reader_free(nrd);
	zc_reader_free(vrd);
	zc_vcard_free(vc);
	zc_termlog_close(e.log);
	zc_feedback_free(e.fb);
	zc_journal_close(e.j);
	zc_storage_close(e.st);
	zc_privkey_free(e.key);
	zc_badge_ca_free(e.ca);
	free(first);
	free(cached);
	if (!base)
		rm_rf(dir);
	free(dir);
	return rc;
}

/* ---- report: the full compliance report of a synthetic province ---- */

/* The in-memory baseline: the engine alone over a province built as arrays
 * (villages of 5, townships of 10 villages; a year of taps on working days
 * with a spread of absences, leave and duty); no store. */
static int engine_in_memory(int ncadres, double *secs, size_t *ntaps)
{
	int nvill = (ncadres + 4) / 5, ntown = (nvill + 9) / 10;
	zc_rules_input in;
	memset(&in, 0, sizeof in);
	zc_policy_default(&in.policy);
	in.as_of = zc_day_from_ymd(2025, 12, 31);
	zc_r_township *tw = calloc((size_t)ntown, sizeof *tw);
	zc_r_village *vi = calloc((size_t)nvill, sizeof *vi);
	zc_r_terminal *te = calloc((size_t)ntown, sizeof *te);
	zc_r_cadre *ca = calloc((size_t)ncadres, sizeof *ca);
	zc_r_assignment *as = calloc((size_t)ncadres, sizeof *as);
	zc_r_badge *ba = calloc((size_t)ncadres, sizeof *ba);
	zc_r_leave *le = calloc((size_t)ncadres, sizeof *le);
	zc_r_duty *du = calloc((size_t)ncadres, sizeof *du);
	size_t cap = (size_t)ncadres * 262, nt = 0;
	zc_r_tap *ta = malloc(cap * sizeof *ta);
	char(*ids)[16] = calloc((size_t)(ncadres + nvill + ntown) * 2, sizeof *ids);
	int rc = ZC_ENOMEM;
	if (!tw || !vi || !te || !ca || !as || !ba || !le || !du || !ta || !ids)
		goto out;
	int k = 0;
	for (int i = 0; i < ntown; i++) {
		snprintf(ids[k], 16, "T%04d", i);
		tw[i].id = ids[k++];
		snprintf(ids[k], 16, "K%04d", i);
		te[i] = (zc_r_terminal){ids[k++], i, INT64_MAX};
	}
	for (int i = 0; i < nvill; i++) {
		snprintf(ids[k], 16, "V%05d", i);
		vi[i] = (zc_r_village){.id = ids[k++], .township = i / 10, .rate_fen = i % 7 ? 10000 : 12000};
	}
	zc_day y0 = zc_day_from_ymd(2025, 1, 1), y1 = zc_day_from_ymd(2025, 12, 31);
	uint32_t rnd = 12345;
	for (int c = 0; c < ncadres; c++) {
		snprintf(ids[k], 16, "C%05d", c);
		ca[c] = (zc_r_cadre){
		    ids[k++], "cadre", c % 5 == 0, 1, zc_day_from_ymd(2010, 1, 1), zc_day_from_ymd(2005, 1, 1), "unit"};
		as[c] = (zc_r_assignment){c, c / 5, y0, zc_day_from_ymd(2026, 12, 31)};
		ba[c] = (zc_r_badge){
		    .id = ca[c].id, .cadre = c, .bound_from = y0, .uid_only = 0, .revoked_at_ms = INT64_MAX};
		le[c] = (zc_r_leave){c, y0 + 40 + c % 200, y0 + 42 + c % 200 + c % 9, c % 3 + 1, ""};
		du[c] = (zc_r_duty){c, y0 + 250 + c % 50, y0 + 252 + c % 50, ZC_DUTY_TRAINING, ZC_LEVEL_DISTRICT};
		int away = c % 11 == 0 ? 20 : 0; /* some are away for a spell */
		for (zc_day d = y0; d <= y1; d++) {
			if (zc_weekday(d) >= 5)
				continue;
			rnd = rnd * 1103515245u + 12345u;
			if ((rnd >> 16) % 100 < 3 || (away && d >= y0 + 100 && d < y0 + 100 + away))
				continue;
			ta[nt] = (zc_r_tap){
			    c, (c / 5) / 10, ((int64_t)d * 86400 + 1800 + (rnd >> 20) % 3600) * 1000, 1, 1, 1, nt + 1,
			    0};
			nt++;
		}
	}
	in.townships = tw;
	in.ntownships = (size_t)ntown;
	in.villages = vi;
	in.nvillages = (size_t)nvill;
	in.terminals = te;
	in.nterminals = (size_t)ntown;
	in.cadres = ca;
	in.ncadres = (size_t)ncadres;
	in.assignments = as;
	in.nassignments = (size_t)ncadres;
	in.badges = ba;
	in.nbadges = (size_t)ncadres;
	in.leaves = le;
	in.nleaves = (size_t)ncadres;
	in.duties = du;
	in.nduties = (size_t)ncadres;
	in.taps = ta;
	in.ntaps = nt;
	zc_rules_result *r = NULL;
	double t0 = now_s();
	rc = zc_rules_evaluate(&in, &r);
	*secs = now_s() - t0;
	*ntaps = nt;
	zc_rules_result_free(r);
out:
	free(tw);
	free(vi);
	free(te);
	free(ca);
	free(as);
	free(ba);
	free(le);
	free(du);
	free(ta);
	free(ids);
	return rc;
}

/* The synthetic province (its registry through the store) and the raw
 * SQLite fixture of its records: see the two files. */
#include "province.c"
#include "fixture_sqlite.c"

static volatile uint64_t scan_sink;

/* Step through every row of sql, touching each column as a reader would. */
static double scan_s(sqlite3 *db, const char *sql, uint64_t *rows)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	uint64_t n = 0, sum = 0;
	double t0 = now_s();
	int cols = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < cols; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_BLOB || sqlite3_column_type(st, i) == SQLITE_TEXT)
				sum += (uint64_t)sqlite3_column_bytes(st, i);
			else
				sum += (uint64_t)sqlite3_column_int64(st, i);
		}
		n++;
	}
	double el = now_s() - t0;
	sqlite3_finalize(st);
	scan_sink += sum;
	*rows = n;
	return el;
}

/* zc_store_scan_records' callback: count the row, touch what it carries. */
static int count_row(void *arg, const zc_store_rec_row *r)
{
	uint64_t *n = arg;
	scan_sink += (uint64_t)r->utc_ms + r->raw_len;
	(*n)++;
	return 0;
}

/* zc_store_scan_records over every record, as the compliance loader reads
 * them: seconds, or -1 when the store cannot be read. */
static double store_scan_s(zc_store *s, uint64_t *rows)
{
	*rows = 0;
	double t0 = now_s();
	if (zc_store_scan_records(s, NULL, count_row, rows))
		return -1;
	return now_s() - t0;
}

typedef struct report_run {
	double load_s, json_s;
	size_t json_bytes;
	zc_compliance *c;
} report_run;

/* zc_compliance_load (store -> engine input -> zc_rules_evaluate), then
 * the full report as JSON text, as `zhucun report` (--format json) makes it. */
static int province_report(zc_store *s, zc_day as_of, report_run *o)
{
	char err[256];
	memset(o, 0, sizeof *o);
	double t0 = now_s();
	if (zc_compliance_load(s, as_of, &o->c, err, sizeof err)) {
		fprintf(stderr, "zhucun-bench report: %s\n", err);
		return -1;
	}
	double t1 = now_s();
	json_t *j = zc_report_json(&o->c->in, o->c->report);
	char *txt = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	o->json_s = now_s() - t1;
	o->load_s = t1 - t0;
	if (!txt) {
		fprintf(stderr, "zhucun-bench report: the JSON report failed\n");
		return -1;
	}
	o->json_bytes = strlen(txt);
	free(txt);
	return 0;
}

static int bench_report(int ncadres, const char *base)
{
	char *dir = make_dir(base, "report");
	if (!dir) {
		fprintf(stderr, "zhucun-bench: cannot create a work folder\n");
		return 1;
	}
	char dbpath[4200], p2[4300], err[256];
	prov pv;
	zc_privkey *key = NULL;
	zc_store *s = NULL;
	sqlite3 *db = NULL;
	report_run cold = {0}, warm = {0};
	zc_registry *reg = NULL;
	zc_rules_result *eo = NULL;
	int rc = 1;
	snprintf(dbpath, sizeof dbpath, "%s/host.db", dir);
	unlink(dbpath); /* a fresh store, also in a kept --dir */
	snprintf(p2, sizeof p2, "%s-wal", dbpath);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", dbpath);
	unlink(p2);
	prov_rng = 0x9E3779B97F4A7C15ull;
	if (prov_init(&pv, ncadres))
		goto out;

	/* 1. build: the schema, the terminals' keys and the registry through
	 * the store; the records by the raw SQLite fixture (fixture_sqlite.c) */
	double t0 = now_s();
	char pem[1024];
	if (zc_store_open(dbpath, &s, err, sizeof err)) {
		fprintf(stderr, "zhucun-bench report: %s\n", err);
		goto out;
	}
	if (zc_privkey_generate(&key) || zc_privkey_public_pem(key, pem, sizeof pem))
		goto out;
	for (int t = 0; t < pv.ntown; t++) {
		char tid[16];
		snprintf(tid, sizeof tid, "K%03d", t + 1);
		if (zc_store_terminal_add(s, tid, pem))
			goto out;
	}
	if (prov_registry(s, &pv))
		goto out;
	zc_store_close(s);
	s = NULL;
	uint64_t ntaps = 0, nrec = 0;
	size_t tap_bytes = 0;
	if (prov_records_write(dbpath, &pv, key, &ntaps, &nrec, &tap_bytes))
		goto out;
	double build_s = now_s() - t0;
	struct stat sb;
	double db_mb = stat(dbpath, &sb) ? 0 : (double)sb.st_size / (1024.0 * 1024.0);

	/* 3. the report: first (cold: a fresh connection) and second run */
	if (zc_store_open(dbpath, &s, err, sizeof err)) {
		fprintf(stderr, "zhucun-bench report: %s\n", err);
		goto out;
	}
	if (prov_collections(s, &pv) || province_report(s, pv.as_of, &cold) || province_report(s, pv.as_of, &warm))
		goto out;

	/* baselines and splits, on the same data */
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	uint64_t raw_rows = 0, scan_rows = 0;
	double raw_scan = scan_s(db,
				 "SELECT terminal_id, seq, kind, utc_ms, sig_ok, badge_kind, badge_id, cert_fp, "
				 "badge_check, ingested_ms FROM records ORDER BY terminal_id, seq",
				 &raw_rows);
	/* the loader's own read: the store call it makes */
	double load_scan = store_scan_s(s, &scan_rows);
	t0 = now_s();
	if (zc_registry_load_l(s, ZC_LANG_EN, &reg, err, sizeof err)) {
		fprintf(stderr, "zhucun-bench report: %s\n", err);
		goto out;
	}
	double reg_s = now_s() - t0;
	t0 = now_s();
	for (size_t t = 0; t < reg->nterminals; t++) {
		uint64_t hseq;
		uint8_t h[ZC_HASH_LEN];
		if (zc_store_terminal_head(s, reg->terminals[t].id, &hseq, h) || !hseq)
			goto out;
	}
	double heads_s = now_s() - t0;
	t0 = now_s();
	if (zc_rules_evaluate(&warm.c->in, &eo))
		goto out;
	double engine_s = now_s() - t0;
	double mem_s = 0;
	size_t mem_taps = 0;
	if (engine_in_memory(ncadres, &mem_s, &mem_taps))
		goto out;

	const zc_rules_result *r = warm.c->report;
	size_t accepted = 0;
	for (size_t i = 0; i < warm.c->in.ntaps; i++)
		accepted += r->tap_reject[i] == ZC_REJ_NONE;
	double cold_total = cold.load_s + cold.json_s, total = warm.load_s + warm.json_s;
	printf("cadres: %d\n", ncadres);
	printf("villages: %d\n", pv.nvill);
	printf("townships: %d\n", pv.ntown);
	printf("terminals: %zu\n", reg->nterminals);
	printf("taps: %llu\n", (unsigned long long)ntaps);
	printf("records: %llu\n", (unsigned long long)nrec);
	printf("record_bytes: %zu\n", tap_bytes);
	printf("db_mb: %.0f\n", db_mb);
	printf("province_build_s: %.2f\n", build_s);
	printf("raw_scan_s: %.3f\n", raw_scan);
	printf("loader_scan_s: %.3f\n", load_scan);
	printf("registry_load_s: %.3f\n", reg_s);
	printf("terminal_heads_s: %.4f\n", heads_s);
	printf("engine_only_s: %.3f\n", engine_s);
	printf("province_load_cold_s: %.3f\n", cold.load_s);
	printf("report_json_cold_s: %.3f\n", cold.json_s);
	printf("province_report_cold_s: %.3f\n", cold_total);
	printf("province_load_s: %.3f\n", warm.load_s);
	printf("report_json_s: %.3f\n", warm.json_s);
	printf("province_report_s: %.3f\n", total);
	printf("province_report_vs_raw_scan: %.2f\n", raw_scan > 0 ? total / raw_scan : 0);
	printf("report_json_mb: %.1f\n", (double)warm.json_bytes / (1024.0 * 1024.0));
	printf("taps_loaded: %zu\n", warm.c->in.ntaps);
	printf("taps_accepted: %zu\n", accepted);
	printf("findings: %zu\n", r->nfindings);
	printf("recall: %zu\n", r->nrecall);
	printf("years: %zu\n", r->nyears);
	printf("engine_report_s: %.3f\n", mem_s);
	printf("engine_report_taps: %zu\n", mem_taps);
	/* the report must be real: every tap loaded and accepted, findings,
	 * a recall list and a year row per cadre */
	if (raw_rows != nrec || scan_rows != nrec || warm.c->in.ntaps != ntaps || accepted != ntaps || !r->nfindings ||
	    !r->nrecall || r->nyears < (size_t)ncadres || eo->nfindings != r->nfindings ||
	    cold.c->report->nfindings != r->nfindings) {
		fprintf(stderr, "zhucun-bench report: the report is not what the province should give\n");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "zhucun-bench report: failed\n");
	zc_rules_result_free(eo);
	zc_registry_free(reg);
	zc_compliance_free(cold.c);
	zc_compliance_free(warm.c);
	sqlite3_close(db);
	zc_store_close(s);
	zc_privkey_free(key);
	prov_free(&pv);
	if (!base)
		rm_rf(dir);
	free(dir);
	return rc;
}

/* ---- link: a pull through a relay at 115,200 baud ---- */

static char exe_dir[4096];

/* Start a program (argv[0] is a name beside zhucun-bench), stdout to a
 * file; returns its pid. */
static pid_t spawn(char *const argv[], const char *out, const char *preload)
{
	pid_t pid = fork();
	if (pid == 0) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", exe_dir, argv[0]);
		if (out && !freopen(out, "w", stdout))
			_exit(127);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

static int run_wait(char *const argv[], const char *out, const char *preload)
{
	pid_t pid = spawn(argv, out, preload);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int wait_file_has(const char *path, const char *needle, int tenths)
{
	for (int i = 0; i < tenths; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			char buf[4096];
			size_t n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[n] = 0;
			if (strstr(buf, needle))
				return 0;
		}
		usleep(100000);
	}
	return -1;
}

/* One pull through a relay at rate (0: unthrottled) into a fresh database;
 * fills bytes, seconds, records. */
static int link_pull(const char *dir, int n, const char *rate, double *bytes, double *secs, double *recs)
{
	char db[4200], link[4200], rout[4200], pout[4200], tlink[4200], shim[4300];
	snprintf(db, sizeof db, "%s/host-%s/host.db", dir, rate);
	snprintf(link, sizeof link, "%s/hostlink-%s", dir, rate);
	snprintf(rout, sizeof rout, "%s/relay-%s.out", dir, rate);
	snprintf(pout, sizeof pout, "%s/pull-%s.json", dir, rate);
	snprintf(tlink, sizeof tlink, "%s/link", dir);
	snprintf(shim, sizeof shim, "%s/../lib/libzc_sp_pty_shim.so", exe_dir);
	char hd[4200];
	snprintf(hd, sizeof hd, "%s/host-%s", dir, rate);
	mkdir(hd, 0700);
	char *rargv[] = {"zhucun-sim", "relay", "--terminal", tlink, "--link", link, "--rate", (char *)rate, NULL};
	if (!strcmp(rate, "0"))
		rargv[6] = NULL;
	pid_t relay = spawn(rargv, rout, NULL);
	if (relay < 0 || wait_file_has(rout, "ready", 100)) {
		fprintf(stderr, "zhucun-bench link: the relay did not start\n");
		return -1;
	}
	char *pargv[] = {"zhucun", "--db", db, "pull", link, "--register", "--json", "--time-tolerance", "0", NULL};
	int rc = run_wait(pargv, pout, shim);
	kill(relay, SIGTERM);
	waitpid(relay, NULL, 0);
	json_error_t je;
	json_t *j = json_load_file(pout, 0, &je);
	if (!j || rc != 0) {
		fprintf(stderr, "zhucun-bench link: the pull failed (exit %d), see %s\n", rc, pout);
		json_decref(j);
		return -1;
	}
	*bytes = (double)json_integer_value(json_object_get(j, "bytes"));
	*secs = json_real_value(json_object_get(j, "seconds"));
	*recs = (double)json_integer_value(json_object_get(j, "received"));
	json_decref(j);
	(void)n;
	return 0;
}

static int bench_link(int n, const char *base)
{
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0)
		return 1;
	self[sl] = 0;
	snprintf(exe_dir, sizeof exe_dir, "%s", dirname(self));
	char *dir = make_dir(base, "link");
	if (!dir)
		return 1;
	int rc = 1;
	pid_t term = -1;
	char t[4200], ca[4200], hostd[4200], board[4200], tout[4200], pem[1024];
	snprintf(t, sizeof t, "%s/t", dir);
	snprintf(ca, sizeof ca, "%s/ca", dir);
	snprintf(hostd, sizeof hostd, "%s/host", dir);
	snprintf(board, sizeof board, "%s/bench.conf", dir);
	snprintf(tout, sizeof tout, "%s/terminal.out", dir);
	mkdir(hostd, 0700);
	char nrec[32];
	snprintf(nrec, sizeof nrec, "%d", n);
	char *jargv[] = {"zhucun-sim", "journal", "--out", t, "--records", nrec, "--terminal", "K01", "--quiet", NULL};
	char *cargv[] = {"zhucun-ca", "init", "--dir", ca, "--name", "Bench CA", "--district", "Bench", NULL};
	if (run_wait(jargv, "/dev/null", NULL) || run_wait(cargv, "/dev/null", NULL)) {
		fprintf(stderr, "zhucun-bench link: could not make the journal or the CA\n");
		goto out;
	}
	/* the host key the terminal will know */
	zc_privkey *hk = NULL;
	char kp[4300], pp[4300], cap[4300];
	snprintf(kp, sizeof kp, "%s/zhucun-host.key", hostd);
	snprintf(pp, sizeof pp, "%s/zhucun-host.pub.pem", hostd);
	snprintf(cap, sizeof cap, "%s/ca.pem", ca);
	if (zc_privkey_generate(&hk) || zc_privkey_save(hk, kp) || zc_privkey_public_pem(hk, pem, sizeof pem)) {
		zc_privkey_free(hk);
		goto out;
	}
	zc_privkey_free(hk);
	setenv("ZHUCUN_HOST_KEY", kp, 1); /* the pulls sign with it */
	FILE *f = fopen(pp, "w");
	if (!f)
		goto out;
	fputs(pem, f);
	fclose(f);
	f = fopen(board, "w");
	if (!f)
		goto out;
	fprintf(f,
		"name = bench\nreader = pn532_uart:%s/no-reader\nstate = %s\nclock = sim\n"
		"serial = pty:%s/link\nfeedback = log:%s/feedback.log\njournal_capacity = 1G\n",
		dir, t, dir, dir);
	fclose(f);
	char *vargv[] = {
	    "zhucun-terminal", "--board", board, "provision", "--terminal", "K01", "--township", "T01", "--ca", cap,
	    "--host-key",      pp,	  NULL};
	if (run_wait(vargv, "/dev/null", NULL)) {
		fprintf(stderr, "zhucun-bench link: provisioning the terminal failed\n");
		goto out;
	}
	char *targv[] = {"zhucun-terminal", "--board", board, NULL};
	term = spawn(targv, tout, NULL);
	if (term < 0 || wait_file_has(tout, "ready", 100)) {
		fprintf(stderr, "zhucun-bench link: the terminal did not start\n");
		goto out;
	}
	double b1, s1, r1, b2, s2, r2;
	if (link_pull(dir, n, "0", &b2, &s2, &r2))
		goto out;
	if (link_pull(dir, n, "11520", &b1, &s1, &r1))
		goto out;
	printf("records: %.0f\n", r1);
	printf("record_bytes: %.0f\n", b1);
	printf("line_rate_bytes_per_s: 11520\n");
	printf("throttled_seconds: %.2f\n", s1);
	printf("record_bytes_per_s: %.0f\n", b1 / s1);
	printf("line_efficiency: %.3f\n", b1 / s1 / 11520.0);
	printf("throttled_records_per_s: %.0f\n", r1 / s1);
	printf("unthrottled_seconds: %.2f\n", s2);
	printf("unthrottled_records_per_s: %.0f\n", r2 / s2);
	rc = 0;
out:
	if (term > 0) {
		kill(term, SIGTERM);
		waitpid(term, NULL, 0);
	}
	if (!base)
		rm_rf(dir);
	free(dir);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: zhucun-bench BENCHMARK [--records N] [--dir DIR]\n"
	      "  journal   durable appends per second (append_per_s), vs raw write+fdatasync\n"
	      "  ingest    records verified and stored per second (ingest_per_s), vs raw\n"
	      "            ECDSA P-256 verifies with the crypto backend (verify_baseline_per_s)\n"
	      "            and raw SQLite inserts in one transaction (insert_baseline_per_s)\n"
	      "  tap       time per badge tap, first (certificate read) and cached, split into\n"
	      "            reader round trips, cryptography and the durable append, over real\n"
	      "            libnfc to a zhucun-sim reader process and over the in-process reader\n"
	      "            (--records N taps each, default 15; --latency MS|model, default model)\n"
	      "  link      a pull of --records N (default 10,000) through zhucun-sim relay at\n"
	      "            115,200 baud (11,520 B/s): line_efficiency = record bytes per second\n"
	      "            over the line rate; and unthrottled_records_per_s\n"
	      "  report    builds a synthetic province straight into a fresh store (--records N\n"
	      "            cadres, default 10,000, at most 100,000; villages of 3, 100 cadres per\n"
	      "            township and terminal; a year of taps: 2.5 million records at 10,000) and\n"
	      "            times the full report: province_report_s = zc_compliance_load (store\n"
	      "            -> engine input -> rules) + the JSON report, cold and second run;\n"
	      "            baselines raw_scan_s (a plain SQLite scan of the records), engine_only_s\n"
	      "            (the engine on the loaded input) and engine_report_s (the engine on an\n"
	      "            in-memory province); province_build_s; goal: under 10 s\n"
	      "Output is 'key: value' lines. --dir keeps the work files there.\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *which = argv[1];
	if (!strcmp(which, "-h") || !strcmp(which, "--help")) {
		usage(stdout);
		return 0;
	}
	static const struct option opts[] = {{"records", required_argument, 0, 'n'},
					     {"dir", required_argument, 0, 'd'},
					     {"latency", required_argument, 0, 'l'},
					     {0, 0, 0, 0}};
	const char *latency = "model";
	uint64_t n = 0;
	const char *dir = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "n:d:l:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': {
			char *end;
			n = strtoull(optarg, &end, 10);
			if (*end || !n) {
				fprintf(stderr, "zhucun-bench: --records needs a positive number\n");
				return 2;
			}
			break;
		}
		case 'd': dir = optarg; break;
		case 'l': latency = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(which, "journal"))
		return bench_journal(n ? n : 2000, dir);
	if (!strcmp(which, "ingest"))
		return bench_ingest(n ? n : 2000, dir);
	if (!strcmp(which, "link"))
		return bench_link(n ? (int)(n > 1000000 ? 1000000 : n) : 10000, dir);
	if (!strcmp(which, "report"))
		return bench_report(n ? (int)(n > 100000 ? 100000 : n) : 10000, dir);
	if (!strcmp(which, "tap"))
		return bench_tap(n ? (int)(n > 1000 ? 1000 : n) : 15, dir, latency);
	fprintf(stderr, "zhucun-bench: unknown benchmark '%s'\n", which);
	usage(stderr);
	return 2;
}
