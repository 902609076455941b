/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_compliance.c: the store-to-engine loader (zc/compliance.h) on real
 * SQLite files in a temporary directory, with a real badge CA, real badge
 * cards (their private keys sign the recomputed tap challenge) and a real
 * terminal key signing hash-chained records that go through ingest. Each
 * test builds its own store and chain and checks the engine's verdict per
 * tap (tap_reject), day status, findings and the badge verdict cached in
 * records.badge_check: clean PIV taps, a clone and a damaged badge
 * signature, revocation from an instant, a certificate the registry does
 * not know (then imported), an untrusted CA (then trusted) and an expired
 * certificate, a badge rebound to another cadre, UID cards under the
 * policy, clock trust (before provisioning, after collection), a gap, a
 * bad terminal signature and a fork, and terminals the registry does not
 * know.
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

#include "ca.h"
#include "testutil.h"
#include "zc/badge.h"
#include "zc/compliance.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/i18n.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/rules.h"
#include "zc/store.h"

#define TZ_MIN	480 /* Asia/Shanghai, the default policy zone */
#define MAXREC	160
#define PATHMAX 4400

/* ---- group state: one CA, its cards, the terminal keys ---- */

typedef struct card {
	zc_ca_card c;
	zc_privkey *key;
	uint8_t fp[ZC_HASH_LEN]; /* SHA-256 of the certificate DER */
	char cert[PATHMAX];	 /* the certificate as DER (import reads it) */
} card;

typedef struct group {
	char *dir;
	char cadir[PATHMAX];
	card b1, b2, b3;       /* B1 (C1), B2 (C2), B3 (C3, not in the base registry) */
	card clone1;	       /* B1's certificate and UUID with another key */
	card r1;	       /* R1 (C3), issued by another CA the host does not trust at first */
	card b5;	       /* B5 (C3), a certificate valid only until 2025-03-04T00:00+08:00 */
	card b1c2, b1c3, b2c3; /* B1 issued again to C2 and to C3, B2 to C3 (a certificate names its cadre) */
	char rogue[PATHMAX];
	zc_privkey *term_key, *other_key;
	char term_pem[ZC_PEM_MAX];
	uint64_t rng;
} group;

static group g;

static int seeded_rng(void *ctx, uint8_t *buf, size_t n)
{
	uint64_t *s = ctx;
	for (size_t i = 0; i < n; i++) {
		/* splitmix64, one byte per step: plenty for a test */
		uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		buf[i] = (uint8_t)(z ^ (z >> 31));
	}
	return 0;
}

static void load_card(card *cd, const char *path)
{
	char err[256];
	assert_int_equal(zc_ca_card_read(path, &cd->c, err, sizeof err), 0);
	assert_int_equal(zc_privkey_parse((const uint8_t *)cd->c.key_pem, strlen(cd->c.key_pem), &cd->key), 0);
	zc_sha256(cd->c.cert_der, cd->c.cert_len, cd->fp);
}

/* Issue badge to cadre; its card and certificate files are named file. */
static void issue_file(card *cd, const char *cadir, const char *badge, const char *cadre, int64_t to_ms,
		       const char *file)
{
	char path[PATHMAX + 64], err[256];
	zc_ca_issue_opts o;
	memset(&o, 0, sizeof o);
	snprintf(path, sizeof path, "%s/%s.card", cadir, file);
	snprintf(cd->cert, sizeof cd->cert, "%s/%s.der", g.dir, file);
	o.dir = cadir;
	o.badge = badge;
	o.cadre = cadre;
	o.name = "测试干部";
	o.out = path;
	o.cert_out = cd->cert;
	o.to_ms = to_ms;
	o.rng = seeded_rng;
	o.rng_ctx = &g.rng;
	zc_ca_issued res;
	assert_int_equal(zc_ca_issue(&o, &res, err, sizeof err), 0);
	load_card(cd, path);
	assert_memory_equal(cd->fp, res.fp, ZC_HASH_LEN);
}

static void issue_ex(card *cd, const char *cadir, const char *badge, const char *cadre, int64_t to_ms)
{
	issue_file(cd, cadir, badge, cadre, to_ms, badge);
}

static void issue(card *cd, const char *badge, const char *cadre)
{
	issue_ex(cd, g.cadir, badge, cadre, 0);
}

static void make_ca(const char *dir, const char *name)
{
	char err[256];
	zc_ca_init_opts io;
	memset(&io, 0, sizeof io);
	io.dir = dir;
	io.name = name;
	io.district = "测试区";
	io.now_ms = 1735689600000LL; /* 2025-01-01T00:00:00Z */
	io.rng = seeded_rng;
	io.rng_ctx = &g.rng;
	assert_int_equal(zc_ca_init(&io, err, sizeof err), 0);
}

static int group_setup(void **state)
{
	(void)state;
	char err[256], path[PATHMAX + 64], out[PATHMAX + 64];
	zc_lang_set("en");
	setenv("ZHUCUN_USER", "tester", 1);
	memset(&g, 0, sizeof g);
	g.rng = 0x5A4855434E554Eull;
	g.dir = tu_tmpdir("compliance-ca");
	assert_non_null(g.dir);
	snprintf(g.cadir, sizeof g.cadir, "%s/ca", g.dir);
	snprintf(g.rogue, sizeof g.rogue, "%s/rogue", g.dir);
	make_ca(g.cadir, "测试区工牌 CA");
	make_ca(g.rogue, "另一个 CA");
	/* two copies of the CA before it issues anything, to issue badge B1
	 * again to other cadres (one CA folder issues a badge id once) */
	char cmd[4 * PATHMAX];
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s/ca-c2' && cp -r '%s' '%s/ca-c3'", g.cadir, g.dir, g.cadir, g.dir);
	assert_int_equal(system(cmd), 0);
	issue(&g.b1, "B1", "C1");
	issue(&g.b2, "B2", "C2");
	issue(&g.b3, "B3", "C3");
	issue_ex(&g.r1, g.rogue, "R1", "C3", 0);
	issue_ex(&g.b5, g.cadir, "B5", "C3", 1741017600000LL); /* 2025-03-03T16:00:00Z */
	snprintf(path, sizeof path, "%s/B1.card", g.cadir);
	snprintf(out, sizeof out, "%s/B1-clone.card", g.dir);
	assert_int_equal(zc_ca_clone(path, out, seeded_rng, &g.rng, err, sizeof err), 0);
	load_card(&g.clone1, out);
	/* the clone really is another key behind the same certificate */
	assert_memory_equal(g.clone1.fp, g.b1.fp, ZC_HASH_LEN);
	assert_string_not_equal(g.clone1.c.key_pem, g.b1.c.key_pem);
	snprintf(path, sizeof path, "%s/ca-c2", g.dir);
	issue_file(&g.b1c2, path, "B1", "C2", 0, "B1-C2");
	snprintf(path, sizeof path, "%s/ca-c3", g.dir);
	issue_file(&g.b1c3, path, "B1", "C3", 0, "B1-C3");
	issue_file(&g.b2c3, path, "B2", "C3", 0, "B2-C3");
	assert_int_equal(zc_privkey_generate(&g.term_key), 0);
	assert_int_equal(zc_privkey_generate(&g.other_key), 0);
	assert_int_equal(zc_privkey_public_pem(g.term_key, g.term_pem, sizeof g.term_pem), 0);
	return 0;
}

static void free_card(card *cd)
{
	zc_privkey_free(cd->key);
	zc_ca_card_free(&cd->c);
}

static int group_teardown(void **state)
{
	(void)state;
	free_card(&g.b1);
	free_card(&g.b2);
	free_card(&g.b3);
	free_card(&g.clone1);
	free_card(&g.r1);
	free_card(&g.b5);
	free_card(&g.b1c2);
	free_card(&g.b1c3);
	free_card(&g.b2c3);
	zc_privkey_free(g.term_key);
	zc_privkey_free(g.other_key);
	tu_rmtree(g.dir);
	free(g.dir);
	return 0;
}

/* ---- per test: a store with the base registry ---- */

typedef struct fx {
	char *dir;
	char db[PATHMAX];
	zc_store *s;
} fx;

static void import_ok(fx *f, const char *kind, const char *text)
{
	zc_import_result res;
	char err[512];
	int rc = zc_registry_import_buf(f->s, kind, (const uint8_t *)text, strlen(text), kind, g.dir, NULL, &res, err,
					sizeof err);
	if (rc) {
		for (size_t i = 0; i < res.nerrors; i++)
			fprintf(stderr, "%s\n", res.errors[i]);
		fprintf(stderr, "%s\n", err);
	}
	zc_import_result_free(&res);
	assert_int_equal(rc, 0);
}

/* A badges CSV of PIV rows "BADGE,CADRE,FROM,TO" with their certificate
 * from the group's folder. */
static void import_badge(fx *f, const card *cd, const char *badge, const char *cadre, const char *from, const char *to)
{
	char csv[PATHMAX + 256];
	snprintf(csv, sizeof csv, "badge,cadre,bound_from,bound_to,kind,uid,certificate\n%s,%s,%s,%s,piv,,%s\n", badge,
		 cadre, from, to ? to : "", cd->cert);
	import_ok(f, "badges", csv);
}

static void trust_ca(fx *f, const char *cadir)
{
	char err[256], ca[PATHMAX + 16];
	snprintf(ca, sizeof ca, "%s/ca.pem", cadir);
	size_t calen = 0;
	uint8_t *pem = tu_read_file(ca, &calen);
	assert_non_null(pem);
	assert_int_equal(zc_registry_ca_add(f->s, pem, calen, NULL, NULL, NULL, err, sizeof err), 0);
	free(pem);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char err[256];
	assert_non_null(f);
	f->dir = tu_tmpdir("compliance");
	assert_non_null(f->dir);
	snprintf(f->db, sizeof f->db, "%s/h.db", f->dir);
	assert_int_equal(zc_store_open(f->db, &f->s, err, sizeof err), 0);
	import_ok(f, "districts", "id,name\nD1,城关区\n");
	import_ok(f, "townships", "id,name,district\nTS1,一镇,D1\nTS2,二镇,D1\n");
	import_ok(f, "villages", "id,name,township\nV1,一村,TS1\nV2,二村,TS1\nV3,三村,TS1\n");
	import_ok(f, "terminals", "id,township\nK1,TS1\n");
	import_ok(f, "cadres",
		  "id,name,role,party_since,work_since,unit\n"
		  "C1,张三,first_secretary,2010-07-01,2008-09-01,市财政局\n"
		  "C2,李四,member,none,2015-03-01,市教育局\n"
		  "C3,王五,member,none,2016-03-01,市卫健委\n");
	import_ok(f, "assignments",
		  "cadre,village,start,end\nC1,V1,2025-03-01,2025-12-31\nC2,V2,2025-03-01,2025-12-31\n"
		  "C3,V3,2025-03-01,2025-12-31\n");
	import_badge(f, &g.b1, "B1", "C1", "2025-03-01", NULL);
	import_badge(f, &g.b2, "B2", "C2", "2025-03-01", NULL);
	trust_ca(f, g.cadir);
	assert_int_equal(zc_store_terminal_add(f->s, "K1", g.term_pem), 0);
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

/* ---- time: local (UTC+8) wall clock to UTC ms ---- */

static int64_t at(int y, int m, int d, int hh, int mm)
{
	int64_t day = zc_day_from_ymd(y, m, d);
	return ((day * 86400 + hh * 3600 + mm * 60) - (int64_t)TZ_MIN * 60) * 1000;
}

static zc_day D(int y, int m, int d)
{
	return zc_day_from_ymd(y, m, d);
}

/* ---- a terminal's chain ---- */

typedef struct enc {
	uint64_t seq;
	uint8_t b[ZC_REC_MAX];
	size_t len;
} enc;

typedef struct chain {
	char tid[ZC_TERMINAL_ID_MAX + 1];
	uint64_t seq;
	uint8_t prev[ZC_HASH_LEN];
	size_t n;
	enc rec[MAXREC];
} chain;

static void chain_init(chain *ch, const char *tid)
{
	memset(ch, 0, sizeof *ch);
	snprintf(ch->tid, sizeof ch->tid, "%s", tid);
}

static void rec_start(chain *ch, zc_rec *r, uint8_t kind, int64_t utc)
{
	zc_rec_init(r, kind);
	snprintf(r->terminal, sizeof r->terminal, "%s", ch->tid);
	r->seq = ++ch->seq;
	r->boot = 1;
	r->utc_ms = utc;
	r->mono_ms = 1000 + r->seq * 1000;
	memcpy(r->prev_hash, ch->prev, ZC_HASH_LEN);
}

/* Sign with the terminal's key (or another one: a bad terminal signature;
 * the hash link does not depend on the signature). */
static uint64_t rec_finish(chain *ch, zc_rec *r, zc_privkey *signer)
{
	assert_true(ch->n < MAXREC);
	enc *e = &ch->rec[ch->n++];
	e->seq = r->seq;
	assert_int_equal(zc_rec_sign(r, signer ? signer : g.term_key, e->b, sizeof e->b, &e->len, ch->prev), 0);
	return r->seq;
}

static uint64_t add_prov(chain *ch, int64_t utc)
{
	zc_rec r;
	rec_start(ch, &r, ZC_KIND_PROVISIONED, utc);
	snprintf(r.u.prov.township, sizeof r.u.prov.township, "TS1");
	memset(r.u.prov.host_fp, 0x11, ZC_HASH_LEN);
	memset(r.u.prov.ca_fp, 0x22, ZC_HASH_LEN);
	assert_int_equal(zc_privkey_fingerprint(g.term_key, r.u.prov.key_fp), 0);
	return rec_finish(ch, &r, NULL);
}

enum { SIG_GOOD = 0, SIG_FLIP = 1 };

/* A PIV tap the terminal judged OK, signed by the card's key over the
 * recomputed challenge (how = SIG_FLIP: one byte of it changed). */
static uint64_t add_piv_ex(chain *ch, const card *cd, int64_t utc, int how, zc_privkey *term_signer)
{
	zc_rec r;
	rec_start(ch, &r, ZC_KIND_TAP, utc);
	zc_rec_tap *t = &r.u.tap;
	t->badge_kind = ZC_BADGE_PIV;
	t->result = ZC_TAP_OK;
	t->badge_id_len = ZC_BADGE_UUID_LEN;
	memcpy(t->badge_id, cd->c.uuid, ZC_BADGE_UUID_LEN);
	memcpy(t->cert_fp, cd->fp, ZC_HASH_LEN);
	for (int i = 0; i < ZC_NONCE_LEN; i++)
		t->nonce[i] = (uint8_t)(r.seq * 31 + (uint64_t)i);
	uint8_t ch_[ZC_HASH_LEN];
	zc_rec_tap_challenge(&r, ch_);
	size_t sl = sizeof t->badge_sig;
	assert_int_equal(zc_privkey_sign(cd->key, ch_, t->badge_sig, &sl), 0);
	t->badge_sig_len = (uint8_t)sl;
	if (how == SIG_FLIP)
		t->badge_sig[sl - 1] ^= 0x01; /* last byte of s: still DER, wrong value */
	return rec_finish(ch, &r, term_signer);
}

static uint64_t add_piv(chain *ch, const card *cd, int64_t utc)
{
	return add_piv_ex(ch, cd, utc, SIG_GOOD, NULL);
}

static uint64_t add_uid(chain *ch, const uint8_t *uid, size_t len, int64_t utc)
{
	zc_rec r;
	rec_start(ch, &r, ZC_KIND_TAP, utc);
	r.u.tap.badge_kind = ZC_BADGE_UID;
	r.u.tap.result = ZC_TAP_WEAK;
	r.u.tap.badge_id_len = (uint8_t)len;
	memcpy(r.u.tap.badge_id, uid, len);
	for (int i = 0; i < ZC_NONCE_LEN; i++)
		r.u.tap.nonce[i] = (uint8_t)(r.seq + (uint64_t)i);
	return rec_finish(ch, &r, NULL);
}

/* Ingest the chain's records with seq in [from, to] (to 0: all), except skip
 * (0: none). */
static void ingest_range(fx *f, const chain *ch, uint64_t from, uint64_t to, uint64_t skip)
{
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	assert_int_equal(zc_ingest_begin(f->s, ch->tid, NULL, &in), 0);
	for (size_t i = 0; i < ch->n; i++) {
		const enc *e = &ch->rec[i];
		if (e->seq < from || (to && e->seq > to) || e->seq == skip)
			continue;
		assert_int_equal(zc_ingest_record(in, e->b, e->len, "test"), 0);
	}
	assert_int_equal(zc_ingest_commit(in, &st), 0);
}

static void ingest(fx *f, const chain *ch)
{
	ingest_range(f, ch, 1, 0, 0);
}

/* ---- the database file directly ---- */

static void q_exec(fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

/* records.badge_check of (tid, seq): -1 for NULL, -2 for no such row. */
static int badge_check(fx *f, const char *tid, uint64_t seq)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -2;
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT badge_check FROM records WHERE terminal_id = ?1 AND seq = ?2",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The host's collection time is the wall clock at ingest: pin it so that
 * clock trust does not depend on when the test runs; and record it as the
 * terminal's collection (its collected-until, RULES.md 1). */
static void set_collected(fx *f, const char *tid, int64_t ms)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE records SET ingested_ms = %lld WHERE terminal_id = '%s'", (long long)ms, tid);
	q_exec(f, sql);
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, tid, &head, NULL), 0);
	assert_int_equal(zc_store_collection_add(f->s, tid, ms, head, "link", "test", NULL), 0);
}

/* ---- the loader and its report ---- */

static zc_compliance *load(fx *f, zc_day as_of)
{
	zc_compliance *c = NULL;
	char err[512] = "";
	int rc = zc_compliance_load(f->s, as_of, &c, err, sizeof err);
	if (rc)
		fprintf(stderr, "zc_compliance_load: %d %s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	assert_non_null(c->report);
	return c;
}

static int term_index(const zc_compliance *c, const char *tid)
{
	for (size_t i = 0; i < c->in.nterminals; i++)
		if (!strcmp(c->in.terminals[i].id, tid))
			return (int)i;
	return -1;
}

static int cadre_index(const zc_compliance *c, const char *id)
{
	for (size_t i = 0; i < c->in.ncadres; i++)
		if (!strcmp(c->in.cadres[i].id, id))
			return (int)i;
	print_error("no cadre %s\n", id);
	fail();
	return -1;
}

/* The index in c->in.taps of (tid, seq), which must be there. */
static size_t tap_at(const zc_compliance *c, const char *tid, uint64_t seq)
{
	int t = term_index(c, tid);
	for (size_t i = 0; i < c->in.ntaps; i++)
		if (c->in.taps[i].terminal == t && c->in.taps[i].seq == seq)
			return i;
	print_error("no tap %s/%llu in the engine's input\n", tid, (unsigned long long)seq);
	fail();
	return 0;
}

/* The badge id of the binding a tap was mapped to, which must exist. */
static const char *tap_badge(const zc_compliance *c, const char *tid, uint64_t seq)
{
	int b = c->in.taps[tap_at(c, tid, seq)].badge;
	if (b < 0) {
		print_error("tap %s/%llu maps to no badge\n", tid, (unsigned long long)seq);
		fail();
		return "";
	}
	return c->in.badges[b].id;
}

/* The cadre of that binding. */
static int tap_cadre(const zc_compliance *c, const char *tid, uint64_t seq)
{
	int b = c->in.taps[tap_at(c, tid, seq)].badge;
	assert_true(b >= 0);
	return c->in.badges[b].cadre;
}

static int rej(const zc_compliance *c, const char *tid, uint64_t seq)
{
	return c->report->tap_reject[tap_at(c, tid, seq)];
}

#define assert_rej(c, tid, seq, want)                                                                                  \
	do {                                                                                                           \
		int got_ = rej((c), (tid), (seq));                                                                     \
		if (got_ != (want))                                                                                    \
			print_error("tap %s/%llu: %s, wanted %s\n", (tid), (unsigned long long)(seq),                  \
				    zc_tap_reject_name(got_), zc_tap_reject_name(want));                               \
		assert_int_equal(got_, (want));                                                                        \
	} while (0)

static int status(const zc_compliance *c, const char *cadre, zc_day day)
{
	return zc_rules_day_status(c->report, cadre_index(c, cadre), day);
}

/* Findings of type about (subject_kind, subject); subject -1: any. */
static size_t count_findings(const zc_compliance *c, const char *type, int subject_kind, int subject)
{
	size_t n = 0;
	for (size_t i = 0; i < c->report->nfindings; i++) {
		const zc_r_finding *x = &c->report->findings[i];
		if (!strcmp(x->type, type) && x->subject_kind == subject_kind && (subject < 0 || x->subject == subject))
			n++;
	}
	return n;
}

static const zc_r_finding *get_finding(const zc_compliance *c, const char *type)
{
	for (size_t i = 0; i < c->report->nfindings; i++)
		if (!strcmp(c->report->findings[i].type, type))
			return &c->report->findings[i];
	print_error("no %s finding in the report\n", type);
	fail();
	return NULL;
}

/* ---- 1. a clean terminal ---- */

static void test_clean_terminal(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s1 = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0)); /* Monday */
	uint64_t s2 = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 5));
	uint64_t s3 = add_piv(&ch, &g.b1, at(2025, 3, 4, 8, 55));
	uint64_t s4 = add_piv(&ch, &g.b2, at(2025, 3, 5, 9, 10));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	for (uint64_t s = s1; s <= s4; s++)
		assert_int_equal(badge_check(f, "K1", s), -1); /* not checked yet */

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(c->in.ntaps, 4);
	for (uint64_t s = s1; s <= s4; s++) {
		assert_rej(c, "K1", s, ZC_REJ_NONE);
		assert_int_equal(badge_check(f, "K1", s), 1);
	}
	/* each tap is bound to its own badge's binding */
	assert_string_equal(tap_badge(c, "K1", s1), "B1");
	assert_string_equal(tap_badge(c, "K1", s2), "B2");
	assert_string_equal(tap_badge(c, "K1", s3), "B1");
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 5)), ZC_ST_PRESENT);
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_CADRE, -1), 0);
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_TERMINAL, -1), 0);

	/* again, from the cached verdicts: the same result */
	zc_compliance *c2 = load(f, D(2025, 3, 7));
	assert_int_equal(c2->in.ntaps, c->in.ntaps);
	for (size_t i = 0; i < c->in.ntaps; i++) {
		assert_int_equal(c2->in.taps[i].seq, c->in.taps[i].seq);
		assert_int_equal(c2->in.taps[i].badge, c->in.taps[i].badge);
		assert_int_equal(c2->in.taps[i].badge_ok, c->in.taps[i].badge_ok);
		assert_int_equal(c2->in.taps[i].record_ok, c->in.taps[i].record_ok);
		assert_int_equal(c2->in.taps[i].clock_ok, c->in.taps[i].clock_ok);
		assert_int_equal(c2->report->tap_reject[i], c->report->tap_reject[i]);
	}
	assert_int_equal(c2->report->nfindings, c->report->nfindings);
	for (size_t i = 0; i < c->report->nfindings; i++) {
		assert_string_equal(c2->report->findings[i].type, c->report->findings[i].type);
		assert_string_equal(c2->report->findings[i].detail, c->report->findings[i].detail);
	}
	for (zc_day d = D(2025, 3, 1); d <= D(2025, 3, 7); d++) {
		assert_int_equal(status(c2, "C1", d), status(c, "C1", d));
		assert_int_equal(status(c2, "C2", d), status(c, "C2", d));
	}
	for (uint64_t s = s1; s <= s4; s++)
		assert_int_equal(badge_check(f, "K1", s), 1);
	zc_compliance_free(c2);
	zc_compliance_free(c);
}

/* ---- 2. the terminal said OK, the badge signature says otherwise ---- */

static void test_bad_badge_signature(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t clone = add_piv(&ch, &g.clone1, at(2025, 3, 3, 9, 0)); /* B1's certificate, another key */
	uint64_t flip = add_piv_ex(&ch, &g.b2, at(2025, 3, 3, 9, 5), SIG_FLIP, NULL); /* one byte changed */
	uint64_t good = add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", clone, ZC_REJ_BADGE_AUTH);
	assert_rej(c, "K1", flip, ZC_REJ_BADGE_AUTH);
	assert_rej(c, "K1", good, ZC_REJ_NONE);
	assert_int_equal(badge_check(f, "K1", clone), 0);
	assert_int_equal(badge_check(f, "K1", flip), 0);
	assert_int_equal(badge_check(f, "K1", good), 1);
	/* a forged tap never counts, and is reported against the cadre */
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_PRESENT);
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_CADRE, cadre_index(c, "C1")), 1);
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_CADRE, cadre_index(c, "C2")), 1);
	zc_compliance_free(c);

	/* the verdict 0 is permanent: a second load says the same */
	c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", clone, ZC_REJ_BADGE_AUTH);
	assert_rej(c, "K1", flip, ZC_REJ_BADGE_AUTH);
	assert_int_equal(badge_check(f, "K1", clone), 0);
	zc_compliance_free(c);
}

/* ---- 3. revocation from an instant ---- */

static void test_revocation(void **state)
{
	fx *f = *state;
	char err[256], zrl[PATHMAX + 32];
	const int64_t T = at(2025, 3, 4, 12, 0);
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t before1 = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 0));
	uint64_t before2 = add_piv(&ch, &g.b2, T - 1);
	uint64_t at_t = add_piv(&ch, &g.b2, T);
	uint64_t after = add_piv(&ch, &g.b2, at(2025, 3, 5, 9, 0));
	uint64_t other = add_piv(&ch, &g.b1, at(2025, 3, 5, 9, 1)); /* B1 is not revoked */
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	/* before the list is installed, every tap counts */
	zc_compliance *c = load(f, D(2025, 3, 7));
	for (uint64_t s = before1; s <= other; s++)
		assert_rej(c, "K1", s, ZC_REJ_NONE);
	zc_compliance_free(c);

	uint64_t num = 0;
	assert_int_equal(zc_ca_revoke(g.cadir, "B2", T, at(2025, 3, 6, 0, 0), &num, err, sizeof err), 0);
	snprintf(zrl, sizeof zrl, "%s/revocations.zrl", g.cadir);
	size_t len = 0;
	uint8_t *list = tu_read_file(zrl, &len);
	assert_non_null(list);
	assert_int_equal(zc_registry_revocations_install(f->s, list, len, NULL, NULL, NULL, err, sizeof err), 0);
	free(list);

	c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", before1, ZC_REJ_NONE);
	assert_rej(c, "K1", before2, ZC_REJ_NONE);
	assert_rej(c, "K1", at_t, ZC_REJ_REVOKED);
	assert_rej(c, "K1", after, ZC_REJ_REVOKED);
	assert_rej(c, "K1", other, ZC_REJ_NONE);
	/* revocation is not a badge verdict: the signature is still good */
	assert_int_equal(badge_check(f, "K1", at_t), 1);
	assert_int_equal(badge_check(f, "K1", after), 1);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_PRESENT); /* the 11:59:59.999 tap */
	assert_int_equal(status(c, "C2", D(2025, 3, 5)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* ---- 4. a certificate the registry does not know ---- */

static void test_unknown_certificate(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s = add_piv(&ch, &g.b3, at(2025, 3, 3, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(c->in.taps[tap_at(c, "K1", s)].badge, -1);
	assert_rej(c, "K1", s, ZC_REJ_UNBOUND);
	assert_int_equal(badge_check(f, "K1", s), -1); /* nothing to check it with: left for later */
	/* a tap of no known badge is reported against the terminal */
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_TERMINAL, term_index(c, "K1")), 1);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_ABSENT);
	zc_compliance_free(c);

	import_badge(f, &g.b3, "B3", "C3", "2025-03-01", NULL);
	c = load(f, D(2025, 3, 7));
	assert_string_equal(tap_badge(c, "K1", s), "B3");
	assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_int_equal(badge_check(f, "K1", s), 1);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* ---- 4b. the certificate's chain: a CA not trusted, a certificate expired ---- */

static void test_certificate_chain(void **state)
{
	fx *f = *state;
	/* R1's CA is not trusted (yet); B5 expired at the end of 2025-03-03 */
	import_badge(f, &g.r1, "R1", "C3", "2025-03-01", "2025-03-04");
	import_badge(f, &g.b5, "B5", "C3", "2025-03-05", NULL);
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t rogue = add_piv(&ch, &g.r1, at(2025, 3, 3, 9, 0));
	uint64_t expired = add_piv(&ch, &g.b5, at(2025, 3, 5, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_string_equal(tap_badge(c, "K1", rogue), "R1");
	assert_string_equal(tap_badge(c, "K1", expired), "B5");
	assert_rej(c, "K1", rogue, ZC_REJ_BADGE_AUTH);
	assert_rej(c, "K1", expired, ZC_REJ_BADGE_AUTH);
	/* a good signature without a chain is not cached as a verdict */
	assert_int_equal(badge_check(f, "K1", rogue), -1);
	assert_int_equal(badge_check(f, "K1", expired), -1);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_ABSENT);
	zc_compliance_free(c);

	/* the host comes to trust R1's CA: the tap is checked again and counts */
	trust_ca(f, g.rogue);
	c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", rogue, ZC_REJ_NONE);
	assert_rej(c, "K1", expired, ZC_REJ_BADGE_AUTH);
	assert_int_equal(badge_check(f, "K1", rogue), 1);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C3", D(2025, 3, 5)), ZC_ST_ABSENT);
	zc_compliance_free(c);
}

/* ---- 5. one badge, two cadres over time ---- */

static void test_binding_over_time(void **state)
{
	fx *f = *state;
	/* B1 is C1's until 2025-03-04, then C3's with a certificate issued to
	 * C3 (one file: never two bindings on one date) */
	char csv[2 * PATHMAX + 256];
	snprintf(csv, sizeof csv,
		 "badge,cadre,bound_from,bound_to,kind,uid,certificate\n"
		 "B1,C1,2025-03-01,2025-03-04,piv,,%s\nB1,C3,2025-03-05,,piv,,%s\n",
		 g.b1.cert, g.b1c3.cert);
	import_ok(f, "badges", csv);

	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t a = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	uint64_t b = add_piv(&ch, &g.b1, at(2025, 3, 4, 23, 59)); /* the last local minute of D */
	uint64_t x = add_piv(&ch, &g.b1c3, at(2025, 3, 5, 0, 1)); /* the first of D+1 (still 3-04 in UTC) */
	uint64_t y = add_piv(&ch, &g.b1c3, at(2025, 3, 6, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	int c1 = cadre_index(c, "C1"), c3 = cadre_index(c, "C3");
	assert_int_equal(tap_cadre(c, "K1", a), c1);
	assert_int_equal(tap_cadre(c, "K1", b), c1);
	assert_int_equal(tap_cadre(c, "K1", x), c3);
	assert_int_equal(tap_cadre(c, "K1", y), c3);
	for (uint64_t s = a; s <= y; s++)
		assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 6)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C3", D(2025, 3, 4)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C3", D(2025, 3, 5)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C3", D(2025, 3, 6)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* ---- 6. UID cards and the policy ---- */

static void test_uid_badge(void **state)
{
	fx *f = *state;
	static const uint8_t uid[7] = {0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6};
	static const uint8_t stranger[7] = {0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
	import_ok(
	    f, "badges",
	    "badge,cadre,bound_from,bound_to,kind,uid,certificate\nU1,C3,2025-03-01,,uid,04:A1:B2:C3:D4:E5:F6,\n");
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s = add_uid(&ch, uid, sizeof uid, at(2025, 3, 3, 9, 0));
	uint64_t u = add_uid(&ch, stranger, sizeof stranger, at(2025, 3, 3, 9, 1));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_string_equal(tap_badge(c, "K1", s), "U1");
	assert_rej(c, "K1", s, ZC_REJ_UID);
	assert_rej(c, "K1", u, ZC_REJ_UNBOUND);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(count_findings(c, "weak_tap", ZC_SUBJ_CADRE, -1), 0);
	zc_compliance_free(c);

	import_ok(f, "policy", "name,value\naccept_uid_badges,on\n");
	c = load(f, D(2025, 3, 7));
	assert_int_equal(c->in.policy.accept_uid_badges, 1);
	assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_rej(c, "K1", u, ZC_REJ_UNBOUND);
	assert_int_equal(status(c, "C3", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(count_findings(c, "weak_tap", ZC_SUBJ_CADRE, cadre_index(c, "C3")), 1);
	const zc_r_finding *w = get_finding(c, "weak_tap");
	assert_int_equal(w->severity, ZC_SEV_NOTICE);
	assert_int_equal(w->date, D(2025, 3, 3));
	/* a UID tap has no badge signature to check */
	assert_int_equal(badge_check(f, "K1", s), -1);
	zc_compliance_free(c);
}

/* ---- 7. clock trust ---- */

static void test_clock(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 3, 8, 0));
	uint64_t early = add_piv(&ch, &g.b1, at(2025, 3, 2, 9, 0)); /* before provisioning */
	uint64_t ok = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 0));
	uint64_t late = add_piv(&ch, &g.b1, at(2025, 3, 6, 9, 0)); /* after the host collected it */
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 5, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_rej(c, "K1", early, ZC_REJ_CLOCK);
	assert_rej(c, "K1", ok, ZC_REJ_NONE);
	assert_rej(c, "K1", late, ZC_REJ_CLOCK);
	/* the badge was fine on both: only the clock is at fault */
	assert_int_equal(badge_check(f, "K1", early), 1);
	assert_int_equal(badge_check(f, "K1", late), 1);

	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *b = get_finding(c, "tap_before_provisioning");
	assert_int_equal(b->severity, ZC_SEV_VIOLATION);
	assert_int_equal(b->date, D(2025, 3, 2));
	assert_non_null(strstr(b->detail, "K1"));
	assert_int_equal(count_findings(c, "tap_after_collection", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *a = get_finding(c, "tap_after_collection");
	assert_int_equal(a->severity, ZC_SEV_VIOLATION);
	assert_int_equal(a->date, D(2025, 3, 6));
	/* collected on 5 March: the 6th is not known yet (RULES.md v2: PENDING, not ABSENT) */
	assert_int_equal(status(c, "C1", D(2025, 3, 6)), ZC_ST_PENDING);
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_PENDING); /* collected at 18:00 */
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_PRESENT);
	zc_compliance_free(c);

	/* a report as of before the late tap's day leaves its finding out */
	c = load(f, D(2025, 3, 5));
	assert_int_equal(count_findings(c, "tap_after_collection", ZC_SUBJ_TERMINAL, -1), 0);
	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, k1), 1);
	zc_compliance_free(c);
}

/* ---- 8. integrity: a gap, a bad terminal signature, a fork ---- */

static void test_gap(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s2 = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	uint64_t s3 = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 5)); /* lost on the way */
	uint64_t s4 = add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0));
	uint64_t s5 = add_piv(&ch, &g.b2, at(2025, 3, 5, 9, 0));
	ingest_range(f, &ch, 1, 0, s3);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_int_equal(c->in.ntaps, 3);
	assert_rej(c, "K1", s2, ZC_REJ_NONE);
	assert_rej(c, "K1", s4, ZC_REJ_RECORD);
	assert_rej(c, "K1", s5, ZC_REJ_RECORD);
	assert_int_equal(count_findings(c, "gap", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *gp = get_finding(c, "gap");
	assert_int_equal(gp->severity, ZC_SEV_VIOLATION);
	assert_int_equal(gp->date, D(2025, 3, 4)); /* dated by the record after the gap */
	assert_non_null(strstr(gp->detail, "K1"));
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_ABSENT);
	zc_compliance_free(c);

	/* the missing record arrives: the head covers everything, and the gap
	 * stays on record (never silently repaired) */
	ingest_range(f, &ch, s3, s3, 0);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	c = load(f, D(2025, 3, 7));
	for (uint64_t s = s2; s <= s5; s++)
		assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_int_equal(count_findings(c, "gap", ZC_SUBJ_TERMINAL, k1), 1);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

static void test_bad_terminal_signature(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s2 = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	uint64_t bad = add_piv_ex(&ch, &g.b2, at(2025, 3, 3, 9, 5), SIG_GOOD, g.other_key);
	uint64_t s4 = add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0)); /* linked, but above the bad one */
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_rej(c, "K1", s2, ZC_REJ_NONE);
	assert_rej(c, "K1", bad, ZC_REJ_RECORD);
	assert_rej(c, "K1", s4, ZC_REJ_RECORD);
	assert_int_equal(count_findings(c, "bad_signature", ZC_SUBJ_TERMINAL, k1), 1);
	assert_int_equal(get_finding(c, "bad_signature")->date, D(2025, 3, 3));
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_ABSENT);
	zc_compliance_free(c);
}

static void test_fork(void **state)
{
	fx *f = *state;
	chain ch, alt;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s2 = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	alt = ch; /* the same history up to seq 2 */
	uint64_t s3 = add_piv(&ch, &g.b2, at(2025, 3, 4, 9, 0));
	uint64_t s4 = add_piv(&ch, &g.b1, at(2025, 3, 5, 9, 0));
	add_piv(&alt, &g.b1, at(2025, 3, 4, 9, 30)); /* another validly signed seq 3 */
	ingest(f, &ch);
	ingest_range(f, &alt, 3, 3, 0);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_int_equal(c->in.ntaps, 3); /* the other seq 3 is kept aside, not a tap */
	assert_rej(c, "K1", s2, ZC_REJ_NONE);
	assert_rej(c, "K1", s3, ZC_REJ_RECORD);
	assert_rej(c, "K1", s4, ZC_REJ_RECORD);
	assert_int_equal(count_findings(c, "fork", ZC_SUBJ_TERMINAL, k1), 1);
	assert_int_equal(get_finding(c, "fork")->date, D(2025, 3, 4));
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_ABSENT);
	zc_compliance_free(c);
}

/* ---- 9. terminals the registry does not know ---- */

static void test_unregistered_terminals(void **state)
{
	fx *f = *state;
	/* K0 sorts before K1 and K9 after it: the loader passes from an
	 * unknown terminal to a known one and back */
	assert_int_equal(zc_store_terminal_add(f->s, "K0", g.term_pem), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "K9", g.term_pem), 0);
	chain k0, k1, k9;
	chain_init(&k0, "K0");
	add_prov(&k0, at(2025, 3, 1, 8, 0));
	add_piv(&k0, &g.b1, at(2025, 3, 3, 9, 0));
	uint64_t k0gap = add_piv(&k0, &g.b1, at(2025, 3, 3, 9, 10));
	add_piv(&k0, &g.b1, at(2025, 3, 3, 9, 20));
	add_piv(&k0, &g.clone1, at(2025, 3, 3, 9, 30));
	ingest_range(f, &k0, 1, 0, k0gap); /* a gap finding about K0 */

	chain_init(&k1, "K1");
	add_prov(&k1, at(2025, 3, 1, 8, 0));
	uint64_t s2 = add_piv(&k1, &g.b2, at(2025, 3, 3, 9, 0));
	uint64_t late = add_piv(&k1, &g.b2, at(2025, 3, 6, 9, 0));
	ingest(f, &k1);

	chain_init(&k9, "K9");
	add_piv(&k9, &g.b2, at(2025, 3, 4, 9, 0)); /* no provisioned record at all */
	add_piv(&k9, &g.b1, at(2025, 3, 4, 9, 1));
	ingest(f, &k9);
	set_collected(f, "K0", at(2025, 3, 5, 18, 0));
	set_collected(f, "K1", at(2025, 3, 5, 18, 0));
	set_collected(f, "K9", at(2025, 3, 5, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(c->in.nterminals, 1);
	int k1i = term_index(c, "K1");
	assert_int_equal(k1i, 0);
	/* only K1's taps are evaluated */
	assert_int_equal(c->in.ntaps, 2);
	for (size_t i = 0; i < c->in.ntaps; i++)
		assert_int_equal(c->in.taps[i].terminal, k1i);
	assert_rej(c, "K1", s2, ZC_REJ_NONE);
	/* K1's clock was still judged though K9 came after it */
	assert_rej(c, "K1", late, ZC_REJ_CLOCK);
	assert_int_equal(count_findings(c, "tap_after_collection", ZC_SUBJ_TERMINAL, k1i), 1);
	/* nothing about K0 or K9 reaches the report */
	assert_int_equal(count_findings(c, "gap", ZC_SUBJ_TERMINAL, -1), 0);
	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, -1), 0);
	for (size_t i = 0; i < c->report->nfindings; i++) {
		assert_null(strstr(c->report->findings[i].detail, "K0"));
		assert_null(strstr(c->report->findings[i].detail, "K9"));
	}
	/* K0's taps for C1 do not count */
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_PRESENT);
	/* and their badges were not checked */
	assert_int_equal(badge_check(f, "K0", 2), -1);
	assert_int_equal(badge_check(f, "K9", 1), -1);
	zc_compliance_free(c);
}

/* ---- 10. boundaries the mutation run (tools/mutate.sh) asked for ---- */

/* A clock_set record: by_host gives it a host's fingerprint (a SET_TIME
 * the host ordered), else it was set on the terminal itself. */
static uint64_t add_clock_set(chain *ch, int64_t utc, int64_t new_utc, int by_host)
{
	zc_rec r;
	rec_start(ch, &r, ZC_KIND_CLOCK_SET, utc);
	r.u.clock.old_utc_ms = utc;
	r.u.clock.new_utc_ms = new_utc;
	if (by_host)
		memset(r.u.clock.by_fp, 0x11, ZC_HASH_LEN);
	return rec_finish(ch, &r, NULL);
}

/* RULES.md 3 rule 4: a record exactly at the moment of the collection that
 * brought it plus clock_rollback_tolerance_s is trusted; a millisecond
 * later it is not, and is reported as tap_after_collection. */
static void test_collection_tolerance(void **state)
{
	fx *f = *state;
	const int64_t C = at(2025, 3, 5, 18, 0), tol = 300000;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t edge = add_piv(&ch, &g.b1, C + tol);
	uint64_t late = add_piv(&ch, &g.b2, C + tol + 1);
	ingest(f, &ch);
	set_collected(f, "K1", C);

	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_rej(c, "K1", edge, ZC_REJ_NONE);
	assert_rej(c, "K1", late, ZC_REJ_CLOCK);
	assert_int_equal(c->in.taps[tap_at(c, "K1", edge)].clock_ok, 1);
	assert_int_equal(c->in.taps[tap_at(c, "K1", late)].clock_ok, 0);
	assert_int_equal(count_findings(c, "tap_after_collection", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *a = get_finding(c, "tap_after_collection");
	assert_int_equal(a->date, D(2025, 3, 5));
	assert_string_equal(a->detail, "K1: tap record 3 is dated after the host collected it");
	assert_string_equal(a->detail_zh, "终端 K1 第 3 条刷卡记录的时间晚于主机收取记录的时间");
	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, -1), 0);
	/* the collected tap makes its day PRESENT; the rejected one does not, and
	 * the evidence for 5 March is not complete (collected at 18:00) */
	assert_int_equal(status(c, "C1", D(2025, 3, 5)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 5)), ZC_ST_PENDING);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_ABSENT);
	assert_int_equal(c->in.terminals[k1].collected_until_ms, C);
	zc_compliance_free(c);

	/* the tolerance is the policy's: 0 rejects the edge too */
	import_ok(f, "policy", "name,value\nclock_rollback_tolerance_s,0\n");
	c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", edge, ZC_REJ_CLOCK);
	assert_int_equal(count_findings(c, "tap_after_collection", ZC_SUBJ_TERMINAL, k1), 2);
	zc_compliance_free(c);
}

/* RULES.md 3 rule 4: a record inside a clock-rollback window is rejected
 * (clock_ok = 0) until the clock passes its old mark again. */
static void test_rollback_window(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s2 = add_piv(&ch, &g.b1, at(2025, 3, 3, 10, 0));
	uint64_t back = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 0)); /* an hour earlier */
	uint64_t past = add_piv(&ch, &g.b2, at(2025, 3, 4, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", s2, ZC_REJ_NONE);
	assert_rej(c, "K1", back, ZC_REJ_CLOCK);
	assert_rej(c, "K1", past, ZC_REJ_NONE);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_PRESENT);
	/* the store's finding, dated by the record it is about */
	int k1 = term_index(c, "K1");
	assert_int_equal(count_findings(c, "clock_rollback", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *r = get_finding(c, "clock_rollback");
	assert_int_equal(r->date, D(2025, 3, 3));
	assert_int_equal(r->severity, ZC_SEV_VIOLATION);
	assert_non_null(strstr(r->detail, "K1: "));
	assert_non_null(strstr(r->detail_zh, "终端 K1：终端时钟回拨"));
	/* a rejected tap is reported against its cadre */
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_CADRE, cadre_index(c, "C2")), 1);
	assert_non_null(strstr(get_finding(c, "rejected_tap")->detail, "clock_not_trusted"));
	zc_compliance_free(c);
}

/* A clock set ordered by a host is the truth from then on; one set on the
 * terminal itself opens a rollback window. */
static void test_host_clock_set(void **state)
{
	fx *f = *state;
	import_ok(f, "terminals", "id,township\nK2,TS1\n");
	assert_int_equal(zc_store_terminal_add(f->s, "K2", g.term_pem), 0);
	chain h, l;
	chain_init(&h, "K1");
	add_prov(&h, at(2025, 3, 1, 8, 0));
	add_piv(&h, &g.b1, at(2025, 3, 3, 12, 0));
	add_clock_set(&h, at(2025, 3, 3, 12, 1), at(2025, 3, 3, 9, 0), 1);
	uint64_t hb = add_piv(&h, &g.b2, at(2025, 3, 3, 8, 50)); /* before the time the host set */
	uint64_t hs = add_piv(&h, &g.b2, at(2025, 3, 3, 9, 30));
	ingest(f, &h);
	chain_init(&l, "K2");
	add_prov(&l, at(2025, 3, 1, 8, 0));
	add_piv(&l, &g.b1, at(2025, 3, 4, 12, 0));
	add_clock_set(&l, at(2025, 3, 4, 12, 1), at(2025, 3, 4, 9, 0), 0);
	uint64_t ls = add_piv(&l, &g.b2, at(2025, 3, 4, 9, 30));
	ingest(f, &l);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	set_collected(f, "K2", at(2025, 3, 7, 18, 0));

	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", hs, ZC_REJ_NONE);
	assert_rej(c, "K1", hb, ZC_REJ_CLOCK);
	assert_rej(c, "K2", ls, ZC_REJ_CLOCK);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_ABSENT);
	zc_compliance_free(c);
}

/* RULES.md 10: a host's SET_TIME that moves the clock back by more than
 * clock_rollback_tolerance_s is reported as clock_set_back (warning,
 * subject the terminal, dated the change's local date), with both times.
 */
static void test_clock_set_back(void **state)
{
	fx *f = *state;
	chain h;
	chain_init(&h, "K1");
	add_prov(&h, at(2025, 3, 1, 8, 0));
	add_piv(&h, &g.b1, at(2025, 3, 3, 12, 0));
	add_clock_set(&h, at(2025, 3, 3, 12, 1), at(2025, 3, 3, 9, 0), 1); /* back 3 h */
	add_clock_set(&h, at(2025, 3, 3, 9, 10), at(2025, 3, 3, 9, 6), 1); /* back 4 min: within the tolerance */
	ingest(f, &h);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_int_equal(count_findings(c, "clock_set_back", ZC_SUBJ_TERMINAL, k1), 1);
	const zc_r_finding *b = get_finding(c, "clock_set_back");
	assert_int_equal(b->severity, ZC_SEV_WARNING);
	assert_int_equal(b->date, D(2025, 3, 3));
	zc_compliance_free(c);
}

/* Many badges: each tap finds its own binding in the key table (PIV by
 * certificate fingerprint, UID by UID), whatever the order they sort in. */
static void test_many_badges(void **state)
{
	fx *f = *state;
	static const uint8_t u1[4] = {0x01, 0x02, 0x03, 0x04}, u2[7] = {0x04, 0xFF, 0x10, 0x20, 0x30, 0x40, 0x50};
	static const uint8_t u3[4] = {0x99, 0x88, 0x77, 0x66};
	import_badge(f, &g.b3, "B3", "C3", "2025-03-01", NULL);
	import_badge(f, &g.b5, "B5", "C3", "2025-03-01", NULL);
	import_badge(f, &g.r1, "R1", "C3", "2025-03-01", NULL);
	import_ok(f, "badges",
		  "badge,cadre,bound_from,bound_to,kind,uid,certificate\n"
		  "U1,C1,2025-03-01,,uid,01:02:03:04,\nU2,C2,2025-03-01,,uid,04:FF:10:20:30:40:50,\n"
		  "U3,C3,2025-03-01,,uid,99:88:77:66,\n");
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s[8];
	s[0] = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	s[1] = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 1));
	s[2] = add_piv(&ch, &g.b3, at(2025, 3, 3, 9, 2));
	s[3] = add_piv(&ch, &g.b5, at(2025, 3, 3, 9, 3));
	s[4] = add_piv(&ch, &g.r1, at(2025, 3, 3, 9, 4));
	s[5] = add_uid(&ch, u1, sizeof u1, at(2025, 3, 3, 9, 5));
	s[6] = add_uid(&ch, u2, sizeof u2, at(2025, 3, 3, 9, 6));
	s[7] = add_uid(&ch, u3, sizeof u3, at(2025, 3, 3, 9, 7));
	for (int i = 0; i < 6; i++) /* more signatures to check than threads (at most 8) */
		add_piv(&ch, i % 2 ? &g.b1 : &g.b2, at(2025, 3, 4, 9, i));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	const char *want[] = {"B1", "B2", "B3", "B5", "R1", "U1", "U2", "U3"};
	for (int i = 0; i < 8; i++)
		assert_string_equal(tap_badge(c, "K1", s[i]), want[i]);
	for (int i = 0; i < 4; i++) {
		assert_rej(c, "K1", s[i], ZC_REJ_NONE);
		assert_int_equal(badge_check(f, "K1", s[i]), 1);
	}
	assert_rej(c, "K1", s[4], ZC_REJ_BADGE_AUTH); /* R1's CA is not trusted */
	for (int i = 5; i < 8; i++)
		assert_rej(c, "K1", s[i], ZC_REJ_UID);
	zc_compliance_free(c);
}

static uint64_t add_boot(chain *ch, int64_t utc)
{
	zc_rec r;
	rec_start(ch, &r, ZC_KIND_BOOT, utc);
	snprintf(r.u.boot.firmware, sizeof r.u.boot.firmware, "zc-test");
	return rec_finish(ch, &r, NULL);
}

/* A load that fails: an error, a sentence naming the cause, no result. */
static void load_fails(fx *f, zc_day as_of, const char *want)
{
	zc_compliance *c = (zc_compliance *)&g; /* not NULL: the load must clear it */
	char err[512] = "";
	int rc = zc_compliance_load(f->s, as_of, &c, err, sizeof err);
	assert_int_equal(rc, ZC_EDB);
	assert_null(c);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
}

static void chain_with_taps(fx *f)
{
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
}

/* A damaged store: the load says which part it could not read. */
static void test_damaged_store_collections(void **state)
{
	fx *f = *state;
	chain_with_taps(f);
	q_exec(f, "DROP TABLE collections");
	load_fails(f, D(2025, 3, 7), "cannot read the collections of terminal K1");
}

static void test_damaged_store_conflicts(void **state)
{
	fx *f = *state;
	chain_with_taps(f);
	q_exec(f, "DROP TABLE record_conflicts");
	load_fails(f, D(2025, 3, 7), "cannot read the store: no such table: record_conflicts");
}

static void test_damaged_store_findings(void **state)
{
	fx *f = *state;
	chain_with_taps(f);
	q_exec(f, "DROP TABLE findings");
	load_fails(f, D(2025, 3, 7), "cannot read the integrity findings");
}

static void test_damaged_store_records(void **state)
{
	fx *f = *state;
	chain_with_taps(f);
	q_exec(f, "DROP TABLE record_conflicts; DROP TABLE records");
	q_exec(f, "CREATE TABLE record_conflicts(terminal_id TEXT, seq INTEGER, reason TEXT)");
	load_fails(f, D(2025, 3, 7), "cannot read the store: no such table: records");
}

/* A registered terminal never collected: its township's days are PENDING
 * and it is overdue; zc_compliance_free(NULL) does nothing. */
static void test_never_collected(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	ingest(f, &ch);
	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_true(c->in.terminals[k1].collected_until_ms == ZC_NEVER_COLLECTED);
	assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_PRESENT);
	assert_int_equal(status(c, "C1", D(2025, 3, 4)), ZC_ST_PENDING);
	assert_int_equal(count_findings(c, "collection_overdue", ZC_SUBJ_TERMINAL, k1), 1);
	assert_int_equal(c->report->as_of, D(2025, 3, 7));
	zc_compliance_free(c);
	zc_compliance_free(NULL);
}

/* A terminal's first record is a tap (no provisioning yet), and a boot
 * before provisioning: only the tap is a tap_before_provisioning. */
static void test_records_before_provisioning(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	uint64_t first = add_piv(&ch, &g.b1, at(2025, 3, 3, 7, 0));
	add_boot(&ch, at(2025, 3, 3, 7, 30));
	add_prov(&ch, at(2025, 3, 3, 8, 0));
	uint64_t ok = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_rej(c, "K1", first, ZC_REJ_CLOCK);
	assert_rej(c, "K1", ok, ZC_REJ_NONE);
	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, k1), 1);
	assert_string_equal(get_finding(c, "tap_before_provisioning")->detail,
			    "K1: tap record 1 is dated before the terminal was provisioned");
	assert_string_equal(get_finding(c, "tap_before_provisioning")->detail_zh,
			    "终端 K1 第 1 条刷卡记录的时间早于终端初始化");
	assert_int_equal(status(c, "C1", D(2025, 3, 3)), ZC_ST_ABSENT);
	assert_int_equal(status(c, "C2", D(2025, 3, 3)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* The store's findings, each dated by its own record; one about a
 * terminal the registry does not know does not hide the others. */
static void test_findings_dated_by_record(void **state)
{
	fx *f = *state;
	assert_int_equal(zc_store_terminal_add(f->s, "K0", g.term_pem), 0);
	chain k0, ch;
	chain_init(&k0, "K0");
	add_prov(&k0, at(2025, 3, 1, 8, 0));
	uint64_t k0gap = add_piv(&k0, &g.b1, at(2025, 3, 2, 9, 0));
	add_piv(&k0, &g.b1, at(2025, 3, 2, 9, 10));
	ingest_range(f, &k0, 1, 0, k0gap);
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	uint64_t lost1 = add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 4, 10, 0)); /* dated 4 March */
	uint64_t lost2 = add_piv(&ch, &g.b1, at(2025, 3, 5, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 6, 9, 0)); /* dated 6 March */
	ingest_range(f, &ch, 1, lost1 - 1, 0);
	ingest_range(f, &ch, lost1 + 1, lost2 - 1, 0);
	ingest_range(f, &ch, lost2 + 1, 0, 0);
	set_collected(f, "K0", at(2025, 3, 7, 18, 0));
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	int k1 = term_index(c, "K1");
	assert_int_equal(count_findings(c, "gap", ZC_SUBJ_TERMINAL, k1), 2);
	int d4 = 0, d6 = 0;
	for (size_t i = 0; i < c->report->nfindings; i++) {
		const zc_r_finding *x = &c->report->findings[i];
		if (strcmp(x->type, "gap"))
			continue;
		d4 += x->date == D(2025, 3, 4);
		d6 += x->date == D(2025, 3, 6);
		assert_non_null(strstr(x->detail_zh, "终端 K1：记录缺号"));
	}
	assert_int_equal(d4, 1);
	assert_int_equal(d6, 1);
	zc_compliance_free(c);
}

/* A terminal id of the longest length allowed is one terminal, not one
 * per record. */
static void test_longest_terminal_id(void **state)
{
	fx *f = *state;
	const char *id = "K234567890123456789012345678901X"; /* ZC_TERMINAL_ID_MAX = 32 */
	assert_int_equal(strlen(id), ZC_TERMINAL_ID_MAX);
	char csv[128];
	snprintf(csv, sizeof csv, "id,township\n%s,TS1\n", id);
	import_ok(f, "terminals", csv);
	assert_int_equal(zc_store_terminal_add(f->s, id, g.term_pem), 0);
	chain ch;
	chain_init(&ch, id);
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t a = add_piv(&ch, &g.b1, at(2025, 3, 3, 10, 0));
	uint64_t b = add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 0)); /* an hour back: a rollback */
	ingest(f, &ch);
	set_collected(f, id, at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, id, a, ZC_REJ_NONE);
	assert_rej(c, id, b, ZC_REJ_CLOCK);
	assert_int_equal(count_findings(c, "tap_before_provisioning", ZC_SUBJ_TERMINAL, -1), 0);
	zc_compliance_free(c);
}

/* Two terminals: each is judged on its own records (K2's clock is earlier
 * than K1's, and that is no rollback), and the badge verdicts of K2's taps
 * are cached on K2's records. */
static void test_terminals_apart(void **state)
{
	fx *f = *state;
	import_ok(f, "terminals", "id,township\nK2,TS1\n");
	assert_int_equal(zc_store_terminal_add(f->s, "K2", g.term_pem), 0);
	chain k1, k2;
	chain_init(&k1, "K1");
	add_prov(&k1, at(2025, 3, 1, 8, 0));
	uint64_t a = add_piv(&k1, &g.b1, at(2025, 3, 6, 9, 0));
	ingest(f, &k1);
	chain_init(&k2, "K2");
	add_prov(&k2, at(2025, 3, 1, 8, 0));
	uint64_t b = add_piv(&k2, &g.b2, at(2025, 3, 4, 9, 0));
	uint64_t x = add_piv(&k2, &g.clone1, at(2025, 3, 4, 9, 30));
	ingest(f, &k2);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	set_collected(f, "K2", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", a, ZC_REJ_NONE);
	assert_rej(c, "K2", b, ZC_REJ_NONE);
	assert_rej(c, "K2", x, ZC_REJ_BADGE_AUTH);
	assert_int_equal(c->in.taps[tap_at(c, "K2", b)].terminal, term_index(c, "K2"));
	assert_int_equal(badge_check(f, "K2", b), 1);
	assert_int_equal(badge_check(f, "K2", x), 0);
	assert_int_equal(badge_check(f, "K1", a), 1);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_PRESENT);
	assert_int_equal(count_findings(c, "forged_badge", ZC_SUBJ_CADRE, cadre_index(c, "C1")), 1);
	zc_compliance_free(c);
	/* from the cached verdicts: the clone is still a clone */
	c = load(f, D(2025, 3, 7));
	assert_rej(c, "K2", x, ZC_REJ_BADGE_AUTH);
	assert_int_equal(c->in.taps[tap_at(c, "K2", x)].badge_forged, 1);
	assert_int_equal(count_findings(c, "forged_badge", ZC_SUBJ_CADRE, cadre_index(c, "C1")), 1);
	zc_compliance_free(c);
}

/* A tap record without a certificate fingerprint maps to no badge; a tap
 * of a badge on a date no binding covers maps to its first binding; a
 * binding's last date is its own. */
static void test_badge_lookup_edges(void **state)
{
	fx *f = *state;
	char csv[4 * PATHMAX + 256];
	snprintf(csv, sizeof csv,
		 "badge,cadre,bound_from,bound_to,kind,uid,certificate\n"
		 "B1,C1,2025-03-01,2025-03-02,piv,,%s\nB1,C2,2025-03-03,2025-03-04,piv,,%s\nB1,C3,2025-03-05,,piv,,%s\n"
		 "B2,C3,1970-01-01,1970-01-02,piv,,%s\n",
		 g.b1.cert, g.b1c2.cert, g.b1c3.cert, g.b2c3.cert);
	import_ok(f, "badges", csv);
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 2, 20, 8, 0));
	uint64_t early = add_piv(&ch, &g.b1, at(2025, 2, 27, 9, 0));
	uint64_t last = add_piv(&ch, &g.b1c2, at(2025, 3, 4, 9, 0));
	uint64_t nofp = add_piv(&ch, &g.b2, at(2025, 3, 4, 9, 5));
	uint64_t b2tap = add_piv(&ch, &g.b2, at(2025, 3, 4, 9, 10));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE records SET cert_fp = NULL WHERE terminal_id = 'K1' AND seq = %llu",
		 (unsigned long long)nofp);
	q_exec(f, sql);
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(tap_cadre(c, "K1", early), cadre_index(c, "C1"));
	assert_rej(c, "K1", early, ZC_REJ_UNBOUND);
	assert_int_equal(count_findings(c, "rejected_tap", ZC_SUBJ_CADRE, cadre_index(c, "C1")), 1);
	assert_int_equal(tap_cadre(c, "K1", last), cadre_index(c, "C2"));
	assert_rej(c, "K1", last, ZC_REJ_NONE);
	assert_int_equal(c->in.taps[tap_at(c, "K1", nofp)].badge, -1);
	assert_int_equal(tap_cadre(c, "K1", b2tap), cadre_index(c, "C2")); /* not the binding that ended in 1970 */
	assert_rej(c, "K1", nofp, ZC_REJ_UNBOUND);
	assert_int_equal(status(c, "C2", D(2025, 3, 4)), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* More records than the loader's first capacity (4096): 5000 taps put
 * straight into the store, with their badge verdicts cached. */
static void test_many_records(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	ingest(f, &ch);
	char fp[2 * ZC_HASH_LEN + 1], uuid[2 * ZC_BADGE_UUID_LEN + 1];
	for (int i = 0; i < ZC_HASH_LEN; i++)
		snprintf(fp + 2 * i, 3, "%02x", g.b1.fp[i]);
	for (int i = 0; i < ZC_BADGE_UUID_LEN; i++)
		snprintf(uuid + 2 * i, 3, "%02x", g.b1.c.uuid[i]);
	char sql[1024];
	snprintf(
	    sql, sizeof sql,
	    "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 5001) "
	    "INSERT INTO records(terminal_id, seq, hash, prev_hash, version, kind, boot, utc_ms, mono_ms, raw, sig_ok, "
	    "link_ok, badge_kind, badge_id, cert_fp, tap_result, badge_check, ingested_ms) "
	    "SELECT 'K1', i, randomblob(32), randomblob(32), 1, %d, 1, %lld + i * 60000, i, x'00', 1, 1, %d, x'%s', "
	    "x'%s', %d, 1, 0 FROM n",
	    ZC_KIND_TAP, (long long)at(2025, 3, 3, 0, 0), ZC_BADGE_PIV, uuid, fp, ZC_TAP_OK);
	q_exec(f, sql);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(c->in.ntaps, 5000);
	for (uint64_t s = 2; s <= 5001; s += 999)
		assert_rej(c, "K1", s, ZC_REJ_NONE);
	assert_rej(c, "K1", 5001, ZC_REJ_NONE);
	for (zc_day d = D(2025, 3, 3); d <= D(2025, 3, 6); d++)
		assert_int_equal(status(c, "C1", d), ZC_ST_PRESENT);
	zc_compliance_free(c);
}

/* Revocation lists of two CAs, each applied to its own CA's certificates
 * only, from its instant; every registered certificate is revoked here. */
static void install_list(fx *f, const char *cadir)
{
	char err[256], zrl[PATHMAX + 32];
	snprintf(zrl, sizeof zrl, "%s/revocations.zrl", cadir);
	size_t len = 0;
	uint8_t *list = tu_read_file(zrl, &len);
	assert_non_null(list);
	assert_int_equal(zc_registry_revocations_install(f->s, list, len, NULL, NULL, NULL, err, sizeof err), 0);
	free(list);
}

static void test_revocation_lists(void **state)
{
	fx *f = *state;
	char dir3[PATHMAX + 16], err[256];
	uint64_t num = 0;
	card b7, b8;
	snprintf(dir3, sizeof dir3, "%s/ca3-%p", g.dir, (void *)f);
	make_ca(dir3, "第三个 CA");
	issue_ex(&b7, dir3, "B7", "C1", 0);
	issue_ex(&b8, dir3, "B8", "C2", 0);
	q_exec(f, "DELETE FROM badges; DELETE FROM badge_certs");
	trust_ca(f, dir3);
	trust_ca(f, g.rogue);
	import_badge(f, &b7, "B7", "C1", "2025-03-01", NULL);
	import_badge(f, &b8, "B8", "C2", "2025-03-01", NULL);
	import_badge(f, &g.r1, "R1", "C3", "2025-03-01", NULL);
	const int64_t T = at(2025, 3, 4, 12, 0), T2 = at(2025, 3, 5, 12, 0);
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t r0 = add_piv(&ch, &g.r1, T - 60000);
	uint64_t a = add_piv(&ch, &b7, T - 1);
	uint64_t b = add_piv(&ch, &b7, T);
	uint64_t r1 = add_piv(&ch, &g.r1, T + 60000);
	uint64_t c8 = add_piv(&ch, &b8, T2 - 60000);
	uint64_t d8 = add_piv(&ch, &b8, T2 + 60000);
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	assert_int_equal(zc_ca_revoke(dir3, "B7", T, at(2025, 3, 6, 0, 0), &num, err, sizeof err), 0);
	assert_int_equal(zc_ca_revoke(dir3, "B8", T2, at(2025, 3, 6, 0, 0), &num, err, sizeof err), 0);
	assert_int_equal(zc_ca_revoke(g.rogue, "R1", T, at(2025, 3, 6, 0, 0), &num, err, sizeof err), 0);
	install_list(f, dir3);
	install_list(f, g.rogue);
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_rej(c, "K1", a, ZC_REJ_NONE);
	assert_rej(c, "K1", b, ZC_REJ_REVOKED);
	assert_rej(c, "K1", c8, ZC_REJ_NONE);
	assert_rej(c, "K1", d8, ZC_REJ_REVOKED);
	assert_rej(c, "K1", r0, ZC_REJ_NONE);
	assert_rej(c, "K1", r1, ZC_REJ_REVOKED);
	for (size_t i = 0; i < c->in.nbadges; i++)
		assert_true(c->in.badges[i].revoked_at_ms == (!strcmp(c->in.badges[i].id, "B8") ? T2 : T));
	zc_compliance_free(c);
	free_card(&b7);
	free_card(&b8);
}

/* More integrity findings than the loader's first capacities (64 findings,
 * 64 strings): 70 gaps, each dated by the record after it. */
static void test_many_findings(void **state)
{
	fx *f = *state;
	static const uint8_t uid[4] = {0x01, 0x02, 0x03, 0x04};
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	for (int i = 0; i < 140; i++)
		add_uid(&ch, uid, sizeof uid, at(2025, 3, 3, 8, 0) + (int64_t)i * 60000);
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	assert_int_equal(zc_ingest_begin(f->s, ch.tid, NULL, &in), 0);
	for (size_t i = 0; i < ch.n; i++)
		if (ch.rec[i].seq == 1 || ch.rec[i].seq % 2 == 1) /* every even seq is lost */
			assert_int_equal(zc_ingest_record(in, ch.rec[i].b, ch.rec[i].len, "test"), 0);
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7));
	assert_int_equal(count_findings(c, "gap", ZC_SUBJ_TERMINAL, term_index(c, "K1")), 70);
	assert_int_equal(c->in.nintegrity, 70);
	for (size_t i = 0; i < c->in.nintegrity; i++) {
		assert_string_equal(c->in.integrity[i].type, "gap");
		assert_non_null(strstr(c->in.integrity[i].detail, "K1: "));
		assert_non_null(strstr(c->in.integrity[i].detail_zh, "终端 K1：记录缺号"));
	}
	zc_compliance_free(c);
}

/* ---- allocation failures ----
 * (the injector is testutil.h's tu_oom_start / tu_oom_stop; it counts and
 * fails on this thread only: the badge checks run on threads of their own) */
#if ZC_TEST_OOM
/* A store with a bit of everything: two registered terminals (K1, and K2
 * never collected), one unknown (K0); PIV taps, a clone, a UID tap, a
 * gap, a rollback, a host's clock set, a tap after its collection. */
static void oom_store(fx *f)
{
	static const uint8_t uid[7] = {0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6};
	import_ok(
	    f, "badges",
	    "badge,cadre,bound_from,bound_to,kind,uid,certificate\nU1,C3,2025-03-01,,uid,04:A1:B2:C3:D4:E5:F6,\n");
	import_ok(f, "policy", "name,value\naccept_uid_badges,on\n");
	import_ok(f, "terminals", "id,township\nK2,TS1\n");
	assert_int_equal(zc_store_terminal_add(f->s, "K2", g.term_pem), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "K0", g.term_pem), 0);
	chain k0, ch;
	chain_init(&k0, "K0");
	add_prov(&k0, at(2025, 3, 1, 8, 0));
	add_piv(&k0, &g.b1, at(2025, 3, 3, 9, 0));
	ingest(f, &k0);
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	add_piv(&ch, &g.b2, at(2025, 3, 3, 9, 5));
	add_piv(&ch, &g.clone1, at(2025, 3, 3, 9, 10));
	add_uid(&ch, uid, sizeof uid, at(2025, 3, 3, 9, 15));
	uint64_t lost = add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 4, 12, 0));
	add_piv(&ch, &g.b2, at(2025, 3, 4, 11, 0)); /* rolled back */
	add_clock_set(&ch, at(2025, 3, 4, 12, 5), at(2025, 3, 4, 10, 0), 1);
	add_piv(&ch, &g.b2, at(2025, 3, 5, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 7, 19, 0)); /* after the collection */
	ingest_range(f, &ch, 1, 0, lost);
	set_collected(f, "K0", at(2025, 3, 7, 18, 0));
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
}

/* The allocations of one load, counted. */
static long oom_allocations(fx *f, zc_day as_of)
{
	zc_compliance *c = NULL;
	char err[512];
	tu_oom_start(-1);
	int rc = zc_compliance_load(f->s, as_of, &c, err, sizeof err);
	long n = tu_oom_stop();
	assert_int_equal(rc, 0);
	zc_compliance_free(c);
	return n;
}

/* Which allocations of a load the allocation-failure tests make fail: every
 * ZC_TEST_OOM_STRIDE-th (default 8; 1: every one, about 19,000 loads and a
 * minute here). A badge check's allocations (mbedTLS's MPIs) come by the
 * hundred in a row, so any stride up to 16 makes several of them fail. */
static long oom_stride(void)
{
	const char *e = getenv("ZC_TEST_OOM_STRIDE");
	long k = e ? strtol(e, NULL, 10) : 8;
	return k >= 1 ? k : 8;
}

/* Load with allocation i failing: 0 and the result, or an error and no
 * result (strict: and a sentence saying why, as zc/compliance.h promises). */
static int oom_load(fx *f, zc_day as_of, long i, zc_compliance **c, int strict)
{
	char err[512] = "";
	*c = (zc_compliance *)&g;
	tu_oom_start(i);
	int rc = zc_compliance_load(f->s, as_of, c, err, sizeof err);
	tu_oom_stop();
	if (rc) {
		if (*c || ((strict || rc != ZC_ENOMEM) && !err[0]))
			fail_msg("allocation %ld: rc %d, result %p, error '%s'", i, rc, (void *)*c, err);
	} else if (!*c || !(*c)->report) {
		fail_msg("allocation %ld: rc 0 without a result", i);
	}
	return rc;
}
#endif

/* Whichever allocation of a load fails: an error with its sentence and no
 * result, or a result; never a crash, never 0 without a result. (The badge
 * verdicts are cached first, so no signature is checked here.) */
static void test_allocation_failures(void **state)
{
#if !ZC_TEST_OOM
	(void)state;
	skip();
#else
	fx *f = *state;
	oom_store(f);
	zc_compliance *ref = load(f, D(2025, 3, 7));
	assert_int_equal(count_findings(ref, "forged_badge", ZC_SUBJ_CADRE, -1), 1);
	assert_int_equal(count_findings(ref, "gap", ZC_SUBJ_TERMINAL, -1), 1);
	assert_int_equal(count_findings(ref, "tap_after_collection", ZC_SUBJ_TERMINAL, -1), 1);
	long n = oom_allocations(f, D(2025, 3, 7));
	assert_true(n > 100);
	int failed = 0;
	for (long i = 0; i < n; i += oom_stride()) {
		zc_compliance *c;
		if (oom_load(f, D(2025, 3, 7), i, &c, 0))
			failed++;
		else
			zc_compliance_free(c);
	}
	assert_true(failed > 0);
	zc_compliance_free(ref);
#endif
}

/* Found by the mutation run: zc/compliance.h
 * promises "a negative zc_err with one English sentence in err"; when the
 * very first allocation of a load fails, it returns ZC_ENOMEM with err
 * left empty (the ZC_ENOMEM paths of zc_compliance_load set no message). */
static void test_enomem_has_a_sentence(void **state)
{
#if !ZC_TEST_OOM
	(void)state;
	skip();
#else
	fx *f = *state;
	chain_with_taps(f);
	zc_compliance *c = NULL;
	char err[512] = "";
	tu_oom_start(0); /* the loader's own first calloc */
	int rc = zc_compliance_load(f->s, D(2025, 3, 7), &c, err, sizeof err);
	tu_oom_stop();
	assert_int_equal(rc, ZC_ENOMEM);
	assert_null(c);
	assert_true(err[0] != 0);
#endif
}

/* Found by the mutation run: an allocation that fails while a badge
 * signature is checked is taken for a signature that does not verify: the
 * tap is cached as a clone (records.badge_check = 0, for good) and
 * reported as forged_badge. Whichever allocation fails, a load that
 * returns 0 must not have cached 0 for B1's genuine tap. */
static void test_allocation_failure_is_no_clone(void **state)
{
#if !ZC_TEST_OOM
	(void)state;
	skip();
#else
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	uint64_t s1 = add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	long n = oom_allocations(f, D(2025, 3, 7));
	for (long i = 0; i < n; i += oom_stride()) {
		zc_compliance *c;
		q_exec(f, "UPDATE records SET badge_check = NULL");
		if (oom_load(f, D(2025, 3, 7), i, &c, 0))
			continue;
		if (badge_check(f, "K1", s1) == 0 || count_findings(c, "forged_badge", ZC_SUBJ_CADRE, -1))
			fail_msg("allocation %ld of %ld failed: B1's genuine tap cached as a clone (badge_check %d)", i,
				 n, badge_check(f, "K1", s1));
		zc_compliance_free(c);
	}
#endif
}

/* Found by the mutation run: an error while stepping through the
 * records (here: a row whose reading fails, through a view standing for
 * the table) is taken for the end of the records: the load returns 0 and
 * the taps after that row are silently missing. It must fail instead (or
 * read them all). */
static void test_records_read_error(void **state)
{
	fx *f = *state;
	chain ch;
	chain_init(&ch, "K1");
	add_prov(&ch, at(2025, 3, 1, 8, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 3, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 4, 9, 0));
	add_piv(&ch, &g.b1, at(2025, 3, 5, 9, 0));
	ingest(f, &ch);
	set_collected(f, "K1", at(2025, 3, 7, 18, 0));
	zc_compliance *c = load(f, D(2025, 3, 7)); /* verdicts cached */
	assert_int_equal(c->in.ntaps, 3);
	zc_compliance_free(c);
	/* seq 3 cannot be read: its utc_ms overflows while the row is computed */
	q_exec(
	    f,
	    "ALTER TABLE records RENAME TO records_t;"
	    "CREATE VIEW records AS SELECT terminal_id, seq, kind, sig_ok, badge_kind, badge_id, cert_fp, badge_check, "
	    "ingested_ms, raw, CASE WHEN seq = 3 THEN abs(-9223372036854775807 - 1) ELSE utc_ms END AS utc_ms "
	    "FROM records_t;"
	    "CREATE TRIGGER records_upd INSTEAD OF UPDATE ON records BEGIN SELECT 1; END;");
	char err[512] = "";
	c = NULL;
	int rc = zc_compliance_load(f->s, D(2025, 3, 7), &c, err, sizeof err);
	if (!rc) {
		assert_int_equal(c->in.ntaps, 3);
		zc_compliance_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_clean_terminal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_badge_signature, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revocation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_certificate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_certificate_chain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_binding_over_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uid_badge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_terminal_signature, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unregistered_terminals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_collection_tolerance, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_clock_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_badges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_store_collections, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_store_conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_store_findings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_store_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_collected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_records_before_provisioning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_findings_dated_by_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_longest_terminal_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_terminals_apart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_badge_lookup_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revocation_lists, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_findings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enomem_has_a_sentence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_allocation_failure_is_no_clone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_records_read_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_set_back, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
