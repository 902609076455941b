/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store_fixture.h: what the store tests share (test_store_conformance.c,
 * over the public store API, and test_store_sqlite.c, the SQLite backend's
 * own): signed record chains, a fixture with one open store, terminal T1
 * registered and a chain rec[1..N] of it, and helpers to ingest and to
 * collect findings. Everything here goes through zc/store.h only.
 *
 * Not a test program of its own: tests/CMakeLists.txt links
 * test_store_fixture.c into the store tests.
 */
#ifndef ZC_TEST_STORE_FIXTURE_H
#define ZC_TEST_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/record.h"
#include "zc/store.h"

#define T0     1700000000000LL /* 2023-11-14T22:13:20Z */
#define MIN_MS 60000LL
#define N      8 /* records in a test chain, seq 1..N */

/* The terminal key of T1 and another key, made once per test program. */
extern zc_privkey *g_key, *g_other;
extern char g_pem[ZC_PEM_MAX], g_other_pem[ZC_PEM_MAX];

/* One encoded record and its hash. */
typedef struct enc {
	uint8_t b[ZC_REC_MAX];
	size_t len;
	uint8_t hash[ZC_HASH_LEN];
} enc;

/* Builds the URI (or path) of store name in the temporary directory dir;
 * returns a buffer valid until the next few calls. */
typedef const char *(*sfx_uri_fn)(const char *dir, const char *name);

/* One temporary store (uri, in dir) with terminal T1 registered and a chain
 * rec[1..N]: a boot record, then PIV taps a minute apart. kind[] and utc[]
 * say how each record is built (build, build_all). */
typedef struct fx {
	char *dir;
	char uri[4300];
	sfx_uri_fn uri_fn;
	zc_store *s;
	uint8_t kind[N + 2];
	int64_t utc[N + 2];
	enc rec[N + 2];
} fx;

/* ---- building records ---- */

/* Sign one record of terminal term into e: kind ZC_KIND_TAP (a PIV tap),
 * ZC_KIND_BOOT, ZC_KIND_CLOCK_SET (set back by ten minutes to utc) or
 * ZC_KIND_JOURNAL_LOST (naming seq - 1 and prev as the last written),
 * linked to prev (ignored for seq 1). */
void sfx_sign(enc *e, zc_privkey *k, const char *term, uint64_t seq, uint8_t kind, int64_t utc, const uint8_t *prev);
/* (Re)sign rec[seq] from kind[seq], utc[seq], linked to rec[seq-1]. */
void sfx_build(fx *f, uint64_t seq);
/* sfx_build for seq from..N. */
void sfx_build_all(fx *f, uint64_t from);

/* ---- findings ---- */

typedef struct fnd {
	int kind;
	uint64_t seq;
	int64_t id, created_ms;
	char terminal[40];
	char where[128];
	char detail[512];
} fnd;

typedef struct fnds {
	int n;
	int stop_after; /* 0: never; else fnds_collect stops after this many */
	fnd f[32];
} fnds;

/* A zc_finding_fn that copies each finding into the fnds at arg. */
int fnds_collect(void *arg, const zc_finding *f);
/* All findings of terminal (NULL: all). */
fnds sfx_findings_of(fx *f, const char *terminal);
/* All findings of T1. */
fnds sfx_findings(fx *f);
int fnds_count_kind(const fnds *c, int kind);
/* The finding (kind, seq), or NULL. */
const fnd *fnds_get(const fnds *c, int kind, uint64_t seq);
/* The detail of the finding (kind, seq), which must exist. */
const char *fnds_detail(const fnds *c, int kind, uint64_t seq);
/* Print them (to read a failure). */
void fnds_dump(const fnds *c);

/* ---- ingest ---- */

/* Ingest the records listed (pointers, NULL-terminated) in one batch of T1,
 * each read "at" test@INDEX; every call must succeed. */
zc_ingest_stats sfx_ingest_list(fx *f, const zc_ingest_opts *opts, const enc *const *list);
/* Ingest rec[from..to] except seq skip (0: none). */
zc_ingest_stats sfx_ingest_range(fx *f, uint64_t from, uint64_t to, uint64_t skip);
/* Ingest rec[1..N] in one batch with opts (may be NULL). */
zc_ingest_stats sfx_ingest_chain(fx *f, const zc_ingest_opts *opts);
/* Ingest one record into a batch of terminal; returns the stats. */
zc_ingest_stats sfx_ingest_one(zc_store *s, const char *terminal, const enc *e);

/* ---- scenarios both store tests check (each on a fresh fixture) ----
 * The conformance suite checks what the public API shows of them, the
 * SQLite file the rows behind it. Each returns the stats of its last batch. */

/* One batch of the whole chain, a malformed record and a note, aborted. */
void sfx_scenario_aborted(fx *f);
/* One batch with findings of several kinds: 1, 2 truncated, 3, 5, another
 * 5 (a fork), a 5 naming T2, 6, 7 with its signature damaged. */
zc_ingest_stats sfx_scenario_mixed(fx *f, const enc *const **list);
/* 1, 2, 3 with a bit of its utc changed (the record still decodes, its
 * signature fails, 4 no longer links to it), 4, 5. */
zc_ingest_stats sfx_scenario_tampered3(fx *f, enc *tampered);
/* 1, 2, 3 signed by another key (same body, so 4 still links), 4. */
zc_ingest_stats sfx_scenario_forged3(fx *f, enc *forged);
/* After sfx_scenario_forged3: a 4 signed by another key, alone. */
zc_ingest_stats sfx_scenario_forged4(fx *f, enc *forged);
/* 4 signed by the terminal with a wrong prev_hash (0x3F...), 5.. linked
 * to it; all of 1..N in one batch. */
zc_ingest_stats sfx_scenario_broken_link4(fx *f);
/* 1..3, then 5..N, then a 4 that is not the one 5 links to. */
zc_ingest_stats sfx_scenario_late_other4(fx *f, enc *other4);
/* 1, 2, 5..N in one batch (3 and 4 missing). */
zc_ingest_stats sfx_scenario_gap34(fx *f);
/* The whole chain, then another validly signed 3. */
zc_ingest_stats sfx_scenario_fork3(fx *f, enc *alt);
/* 5 sets the clock back ten minutes, stamped with the new time; the
 * records after it go on from there; all of 1..N in one batch. */
zc_ingest_stats sfx_scenario_clock_set5(fx *f);

/* Fail unless hay contains needle. */
void sfx_assert_contains(const char *hay, const char *needle);

/* ---- fixtures (cmocka) ---- */

int sfx_group_setup(void **state);
int sfx_group_teardown(void **state);
/* A fresh fx in *state whose store is uri_fn(dir, "zhucun"). */
int sfx_setup(void **state, sfx_uri_fn uri_fn);
int sfx_teardown(void **state);
/* Close f->s and open f->uri again; fails the test on an error. */
void sfx_reopen(fx *f);

#endif
