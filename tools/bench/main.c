/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun-bench, the benchmark program. Each benchmark prints
 * "key: value" lines, with baselines measured in the same run so that ratios
 * are meaningful on a noisy machine. Not a test: it asserts nothing.
 *
 *   zhucun-bench journal [--records N] [--dir DIR]
 *   zhucun-bench ingest  [--records N] [--dir DIR]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>
#include <sqlite3.h>

#include "synth.h"
#include "zc/clock.h"
#include "zc/err.h"
#include "zc/jreader.h"
#include "zc/journal.h"
#include "zc/record.h"
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
	uint8_t (*recs)[ZC_REC_MAX] = NULL;
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
	/* Raw mbedTLS: parse the key once, verify with the ECDSA functions. */
	mbedtls_pk_context pk;
	mbedtls_pk_init(&pk);
	double rate = 0;
	if (mbedtls_pk_parse_public_keyfile(&pk, pem_path))
		goto out;
	zc_rec r;
	size_t blen;
	if (zc_rec_decode(rec, len, &r, &blen, NULL))
		goto out;
	uint8_t h[32];
	zc_sha256(rec, blen, h);
	double t0 = now_s();
	for (int i = 0; i < iters; i++)
		if (mbedtls_ecdsa_read_signature(mbedtls_pk_ec(pk), h, 32, r.sig, r.sig_len))
			goto out;
	rate = iters / (now_s() - t0);
out:
	mbedtls_pk_free(&pk);
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
	zc_synth_opts o = {.out_dir = dir, .terminal = "K01", .records = n, .start_utc_ms = 1735776000000,
			   .badges = 5, .quiet = 1};
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

static void usage(FILE *f)
{
	fputs("usage: zhucun-bench BENCHMARK [--records N] [--dir DIR]\n"
	      "  journal   durable appends per second (append_per_s), vs raw write+fdatasync\n"
	      "  ingest    records verified and stored per second (ingest_per_s), vs raw\n"
	      "            mbedTLS ECDSA P-256 verifies (verify_baseline_per_s) and raw SQLite\n"
	      "            inserts in one transaction (insert_baseline_per_s)\n"
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
					     {0, 0, 0, 0}};
	uint64_t n = 0;
	const char *dir = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "n:d:", opts, NULL)) != -1) {
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
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(which, "journal"))
		return bench_journal(n ? n : 2000, dir);
	if (!strcmp(which, "ingest"))
		return bench_ingest(n ? n : 2000, dir);
	fprintf(stderr, "zhucun-bench: unknown benchmark '%s'\n", which);
	usage(stderr);
	return 2;
}
