/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_bundle_trust.c: the trust rules of record bundles (shared/FORMAT.md
 * section 5, issue 10 item 2). Each attack that worked against the landed
 * code is reproduced here and must now be refused with nothing stored: a
 * bundle from a host key this host does not trust, a bundle registering a
 * new terminal id under an attacker's key, a bundle with one bad-signature
 * record at a real terminal's next sequence number. The trusted paths
 * (provisioning by a trusted host in the bundle, the registry's key_fp)
 * still import, idempotently; the trust list is audited.
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
#include "zc/bundle.h"
#include "zc/bytes.h"
#include "zc/crypto.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/store.h"

#define T0   1751277600000LL
#define NREC 12

static zc_privkey *g_term, *g_clerk, *g_evil_host, *g_evil_term;

typedef struct enc {
	uint8_t b[ZC_REC_MAX];
	size_t len;
	uint8_t hash[ZC_HASH_LEN];
} enc;

/* A terminal's journal: rec[1..n]. */
typedef struct journal {
	char tid[ZC_TERMINAL_ID_MAX + 1];
	zc_privkey *key;
	enc rec[400];
	uint64_t n;
} journal;

static void append(journal *j, zc_rec *r, zc_privkey *signer)
{
	uint64_t seq = j->n + 1;
	snprintf(r->terminal, sizeof r->terminal, "%s", j->tid);
	r->seq = seq;
	r->boot = 1;
	r->utc_ms = T0 + (int64_t)seq * 60000;
	r->mono_ms = 1000 * seq;
	if (seq > 1)
		memcpy(r->prev_hash, j->rec[seq - 1].hash, ZC_HASH_LEN);
	enc *e = &j->rec[seq];
	assert_int_equal(zc_rec_sign(r, signer, e->b, sizeof e->b, &e->len, e->hash), 0);
	j->n = seq;
}

static void add_boot(journal *j)
{
	zc_rec r;
	zc_rec_init(&r, ZC_KIND_BOOT);
	snprintf(r.u.boot.firmware, sizeof r.u.boot.firmware, "test 1.0");
	append(j, &r, j->key);
}

/* The provisioning record: by host key hk, of the journal's own key. */
static void add_provisioned(journal *j, zc_privkey *hk)
{
	zc_rec r;
	zc_rec_init(&r, ZC_KIND_PROVISIONED);
	snprintf(r.u.prov.township, sizeof r.u.prov.township, "TS1");
	assert_int_equal(zc_privkey_fingerprint(hk, r.u.prov.host_fp), 0);
	assert_int_equal(zc_privkey_fingerprint(j->key, r.u.prov.key_fp), 0);
	append(j, &r, j->key);
}

static void add_tap(journal *j, zc_privkey *signer)
{
	zc_rec r;
	zc_rec_init(&r, ZC_KIND_TAP);
	r.u.tap.badge_kind = ZC_BADGE_UID;
	r.u.tap.result = ZC_TAP_WEAK;
	r.u.tap.badge_id_len = 4;
	zc_put_u32(r.u.tap.badge_id, (uint32_t)(0x04A10000u + j->n));
	memset(r.u.tap.nonce, (int)(j->n & 0xff), ZC_NONCE_LEN);
	append(j, &r, signer);
}

/* boot, provisioned by hk (unless NULL), then taps up to n records. */
static void journal_init(journal *j, const char *tid, zc_privkey *key, zc_privkey *hk, uint64_t n)
{
	memset(j, 0, sizeof *j);
	snprintf(j->tid, sizeof j->tid, "%s", tid);
	j->key = key;
	add_boot(j);
	if (hk)
		add_provisioned(j, hk);
	while (j->n < n)
		add_tap(j, key);
}

/* ---- a bundle written field by field (FORMAT.md 5), any content ---- */

typedef struct out {
	uint8_t *p;
	size_t len;
} out;

static void put(out *o, const void *src, size_t n)
{
	o->p = realloc(o->p, o->len + n);
	assert_non_null(o->p);
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void put_u(out *o, uint64_t v, int bytes)
{
	uint8_t b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(o, b, (size_t)bytes);
}

/* A collection a bundle carries: at at_ms the terminal's head was up_to. */
typedef struct coll {
	int64_t at_ms;
	uint64_t up_to;
} coll;

/* Records from..to of j, claiming tkey as the terminal key, with the
 * collections c[0..nc), signed by hk. */
static out make_bundle_c(const journal *j, uint64_t from, uint64_t to, zc_privkey *tkey, zc_privkey *hk, const coll *c,
			 uint16_t nc)
{
	out o = {0};
	uint8_t der[256], digest[ZC_HASH_LEN], sig[ZC_SIG_MAX];
	size_t dl, sl;
	put(&o, "ZCB2", 4);
	put_u(&o, strlen(j->tid), 1);
	put(&o, j->tid, strlen(j->tid));
	assert_int_equal(zc_privkey_public_der(tkey, der, sizeof der, &dl), 0);
	put_u(&o, dl, 2);
	put(&o, der, dl);
	put_u(&o, (uint64_t)T0, 8);
	put_u(&o, from, 8);
	put_u(&o, to, 8);
	put_u(&o, to - from + 1, 4);
	for (uint64_t s = from; s <= to; s++) {
		put_u(&o, j->rec[s].len, 2);
		put(&o, j->rec[s].b, j->rec[s].len);
	}
	put_u(&o, nc, 2);
	for (uint16_t i = 0; i < nc; i++) {
		put_u(&o, (uint64_t)c[i].at_ms, 8);
		put_u(&o, c[i].up_to, 8);
	}
	assert_int_equal(zc_privkey_public_der(hk, der, sizeof der, &dl), 0);
	put_u(&o, dl, 2);
	put(&o, der, dl);
	zc_sha256(o.p, o.len, digest);
	assert_int_equal(zc_privkey_sign(hk, digest, sig, &sl), 0);
	put_u(&o, sl, 1);
	put(&o, sig, sl);
	return o;
}

/* The same without collections. */
static out make_bundle(const journal *j, uint64_t from, uint64_t to, zc_privkey *tkey, zc_privkey *hk)
{
	return make_bundle_c(j, from, to, tkey, hk, NULL, 0);
}

/* ---- the district host's store ---- */

typedef struct fx {
	char *dir;
	char path[4200];
	zc_store *s;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir("bundle-trust");
	snprintf(f->path, sizeof f->path, "%s/district.db", f->dir);
	char msg[256];
	assert_int_equal(zc_store_open(f->path, &f->s, msg, sizeof msg), 0);
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

static void trust(fx *f, zc_privkey *hk, const char *name)
{
	uint8_t fp[ZC_HASH_LEN];
	char err[256];
	assert_int_equal(zc_privkey_fingerprint(hk, fp), 0);
	assert_int_equal(zc_registry_trust_add(f->s, fp, NULL, name, "tester", NULL, ZC_LANG_EN, err, sizeof err), 0);
}

static void import_csv(fx *f, const char *kind, const char *text)
{
	zc_import_result res;
	char err[256];
	int rc = zc_registry_import_buf_l(f->s, kind, (const uint8_t *)text, strlen(text), kind, NULL, "tester",
					  ZC_LANG_EN, &res, err, sizeof err);
	for (size_t i = 0; rc && i < res.nerrors; i++)
		print_error("%s\n", res.errors[i]);
	assert_int_equal(rc, 0);
	zc_import_result_free(&res);
}

/* The registry knows terminal tid in township TS1 with key k's fingerprint
 * (the optional key_fp column of the terminals CSV). */
static void registry_vouch(fx *f, const char *tid, zc_privkey *k)
{
	uint8_t fp[ZC_HASH_LEN];
	char hx[65], csv[256];
	assert_int_equal(zc_privkey_fingerprint(k, fp), 0);
	import_csv(f, "districts", "id,name\nD1,城关区\n");
	import_csv(f, "townships", "id,name,district\nTS1,一镇,D1\n");
	snprintf(csv, sizeof csv, "编号,所属乡镇,密钥指纹\n%s,TS1,%s\n", tid, zc_hex(fp, ZC_HASH_LEN, hx));
	import_csv(f, "terminals", csv);
}

typedef struct result {
	int rc;
	zc_bundle_info bi;
	zc_ingest_stats st;
	int registered;
	char msg[512];
} result;

static result import(fx *f, const out *b)
{
	result r;
	memset(&r, 0, sizeof r);
	zc_bundle_import_opts io = {.source = "b.zcb", .batch = 5};
	r.rc = zc_bundle_import(f->s, b->p, b->len, &io, &r.bi, &r.st, &r.registered, r.msg, sizeof r.msg);
	return r;
}

static void contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("'%s' does not contain '%s'\n", hay, needle);
		fail();
	}
}

static void nothing_stored(fx *f)
{
	assert_int_equal(q_int(f, "SELECT count(*) FROM records"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM findings"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM terminals"), 0);
}

/* ---- the attacks ---- */

/* A forged bundle: the attacker's own host key, never trusted here. */
static void test_attack_untrusted_host_key(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, NREC);
	trust(f, g_clerk, "一镇文书笔记本");
	out b = make_bundle(&j, 1, NREC, g_term, g_evil_host);
	result r = import(f, &b);
	assert_int_equal(r.rc, ZC_ESTATE);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNTRUSTED_HOST);
	uint8_t fp[ZC_HASH_LEN];
	char hx[65];
	assert_int_equal(zc_privkey_fingerprint(g_evil_host, fp), 0);
	contains(r.msg, zc_hex(fp, ZC_HASH_LEN, hx)); /* names the key */
	contains(r.msg, "zhucun trust add");	      /* and how to trust it */
	nothing_stored(f);
	free(b.p);
}

/* A new terminal id under the attacker's terminal key, 365 fake UID taps:
 * refused from an untrusted host, and from a trusted one too unless the
 * registry or a trusted host's provisioning vouches for that key. */
static void test_attack_new_terminal_attacker_key(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K99", g_evil_term, NULL, 366);
	trust(f, g_clerk, "一镇文书笔记本");
	out b = make_bundle(&j, 1, 366, g_evil_term, g_evil_host);
	result r = import(f, &b);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNTRUSTED_HOST);
	nothing_stored(f);
	free(b.p);
	/* even carried by a trusted laptop: nothing vouches for the key */
	b = make_bundle(&j, 1, 366, g_evil_term, g_clerk);
	r = import(f, &b);
	assert_int_equal(r.rc, ZC_ESTATE);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNKNOWN_TERMINAL);
	contains(r.msg, "K99");
	nothing_stored(f);
	free(b.p);
	/* provisioned (says the terminal) by the attacker's host: no better */
	static journal p;
	journal_init(&p, "K99", g_evil_term, g_evil_host, 20);
	b = make_bundle(&p, 1, 20, g_evil_term, g_clerk);
	r = import(f, &b);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNKNOWN_TERMINAL);
	nothing_stored(f);
	free(b.p);
	/* the registry knows K99 with the real key: the attacker's conflicts */
	registry_vouch(f, "K99", g_term);
	b = make_bundle(&j, 1, 366, g_evil_term, g_clerk);
	r = import(f, &b);
	assert_int_equal(r.rc, ZC_EEXIST);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_KEY_CONFLICT);
	nothing_stored(f);
	free(b.p);
}

/* One record at the real terminal's next seq, signed by another key: the
 * bundle is refused as tampered, naming (terminal, seq); no bad_signature
 * and no fork finding against the terminal. */
static void test_attack_bad_signature_at_next_seq(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, NREC);
	trust(f, g_clerk, "一镇文书笔记本");
	out b = make_bundle(&j, 1, NREC, g_term, g_clerk);
	result r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.stored, NREC);
	free(b.p);
	int64_t audits = q_int(f, "SELECT count(*) FROM audit");

	add_tap(&j, g_evil_term); /* seq NREC+1, the real key's name on it */
	uint64_t bad = j.n;
	add_tap(&j, g_term);
	/* from the attacker's host: not trusted */
	b = make_bundle(&j, bad, j.n, g_term, g_evil_host);
	r = import(f, &b);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNTRUSTED_HOST);
	free(b.p);
	/* from a trusted laptop (compromised, or carrying a doctored file) */
	b = make_bundle(&j, 1, j.n, g_term, g_clerk);
	r = import(f, &b);
	assert_int_equal(r.rc, ZC_ESIG);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_TAMPERED);
	assert_int_equal(r.bi.bad_seq, bad);
	assert_int_equal(r.bi.bad_index, bad - 1);
	contains(r.msg, "terminal K01, seq 13");
	assert_int_equal(q_int(f, "SELECT count(*) FROM records"), NREC);
	assert_int_equal(q_int(f, "SELECT count(*) FROM findings"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit"), audits);
	uint64_t head = 0;
	assert_int_equal(zc_store_terminal_head(f->s, "K01", &head, NULL), 0);
	assert_int_equal(head, NREC);
	free(b.p);
	/* a record of another terminal inside K01's bundle: tampered too */
	static journal o;
	journal_init(&o, "K02", g_term, NULL, 3);
	memcpy(&j.rec[bad], &o.rec[3], sizeof j.rec[bad]);
	b = make_bundle(&j, bad, bad, g_term, g_clerk);
	r = import(f, &b);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_TAMPERED);
	assert_int_equal(q_int(f, "SELECT count(*) FROM findings"), 0);
	free(b.p);
}

/* ---- the trusted paths ---- */

/* Provisioned by a trusted host (the record in the bundle): registered,
 * stored; again: all duplicates. */
static void test_trusted_provisioning_imports_idempotently(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, NREC);
	trust(f, g_clerk, "一镇文书笔记本");
	out b = make_bundle(&j, 1, NREC, g_term, g_clerk);
	result r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_true(r.registered);
	assert_int_equal(r.st.stored, NREC);
	assert_int_equal(r.st.findings, 0);
	assert_string_equal(r.bi.host_name, "一镇文书笔记本");
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_false(r.registered);
	assert_int_equal(r.st.stored, 0);
	assert_int_equal(r.st.duplicates, NREC);
	assert_int_equal(q_int(f, "SELECT count(*) FROM records"), NREC);
	free(b.p);
}

/* A clerk's laptop collected K01 at 12 records; a later collection (by
 * another laptop that had never seen it) found its head at 4: the board
 * lost its journal and its sequence mark. The import records
 * terminal_reset once, dated at that collection, and stores what it can. */
static void test_bundle_terminal_reset(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, NREC);
	trust(f, g_clerk, "一镇文书笔记本");
	coll c1 = {T0 + 3600000, NREC};
	out b = make_bundle_c(&j, 1, NREC, g_term, g_clerk, &c1, 1);
	result r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.findings, 0);
	free(b.p);
	assert_int_equal(q_int(f, "SELECT count(*) FROM collections"), 1);

	journal_init(&j, "K01", g_term, g_clerk, 4);
	coll c2[] = {{T0 + 2 * 3600000, 4}};
	b = make_bundle_c(&j, 1, 4, g_term, g_clerk, c2, 1);
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.findings, 1);
	assert_int_equal(r.st.by_kind[ZC_FIND_TERMINAL_RESET], 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM findings WHERE kind = 9 AND terminal_id = 'K01'"), 1);
	assert_int_equal(q_int(f, "SELECT created_ms FROM findings WHERE kind = 9"), T0 + 2 * 3600000);
	/* the same bundle again: reported already */
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.findings, 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM findings"), 1);
	free(b.p);
	/* an old collection arriving late is no reset */
	coll c0 = {T0 + 1800000, 6};
	b = make_bundle_c(&j, 1, 4, g_term, g_clerk, &c0, 1);
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.findings, 0);
	free(b.p);
}

/* The registry's key_fp vouches for a terminal whose bundle holds no
 * provisioning record (exported from seq 3). */
static void test_registry_fingerprint_imports(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, NREC);
	trust(f, g_clerk, "一镇文书笔记本");
	out b = make_bundle(&j, 3, NREC, g_term, g_clerk);
	result r = import(f, &b);
	assert_int_equal(r.bi.refused, ZC_BUNDLE_UNKNOWN_TERMINAL);
	nothing_stored(f);
	registry_vouch(f, "K01", g_term);
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_true(r.registered);
	assert_int_equal(r.st.stored, NREC - 2);
	r = import(f, &b);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.duplicates, NREC - 2);
	free(b.p);
	/* a malformed fingerprint in the CSV is a row error */
	zc_import_result res;
	char err[256];
	const char *bad = "id,township,key_fp\nK05,TS1,12ab\n";
	assert_int_equal(zc_registry_import_buf_l(f->s, "terminals", (const uint8_t *)bad, strlen(bad), "t.csv", NULL,
						  "tester", ZC_LANG_EN, &res, err, sizeof err),
			 ZC_EMALFORMED);
	contains(res.errors[0], "t.csv:2:key_fp: invalid key fingerprint '12ab'");
	zc_import_result_free(&res);
}

typedef struct listed {
	int n;
	char name[64];
} listed;

static int on_trusted(void *arg, const zc_trusted_host *h)
{
	listed *l = arg;
	l->n++;
	snprintf(l->name, sizeof l->name, "%s", h->name);
	return 0;
}

/* Add, rename, add again, list, remove: every change audited. */
static void test_trust_list_audited(void **state)
{
	fx *f = *state;
	uint8_t fp[ZC_HASH_LEN];
	char err[256], name[64];
	int outcome = -1;
	assert_int_equal(zc_privkey_fingerprint(g_clerk, fp), 0);
	assert_int_equal(zc_registry_trusted(f->s, fp, name, sizeof name), ZC_ENOENT);
	assert_int_equal(zc_registry_trust_add(f->s, fp, NULL, "", "a", &outcome, ZC_LANG_EN, err, sizeof err),
			 ZC_EARG);
	assert_int_equal(zc_registry_trust_add(f->s, fp, NULL, "一镇", "a", &outcome, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(outcome, 0);
	assert_int_equal(zc_registry_trust_add(f->s, fp, NULL, "一镇", "a", &outcome, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(outcome, 2);
	assert_int_equal(
	    zc_registry_trust_add(f->s, fp, NULL, "一镇文书笔记本", "b", &outcome, ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(outcome, 1);
	assert_int_equal(zc_registry_trusted(f->s, fp, name, sizeof name), 0);
	assert_string_equal(name, "一镇文书笔记本");
	listed l = {0};
	assert_int_equal(zc_registry_trust_list(f->s, on_trusted, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.name, "一镇文书笔记本");
	assert_int_equal(zc_registry_trust_remove(f->s, fp, "c", ZC_LANG_EN, err, sizeof err), 0);
	assert_int_equal(zc_registry_trust_remove(f->s, fp, "c", ZC_LANG_EN, err, sizeof err), ZC_ENOENT);
	assert_int_equal(zc_registry_trusted(f->s, fp, NULL, 0), ZC_ENOENT);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'trust'"), 3);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'trust' AND action = 'insert' AND "
				  "actor = 'a'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'trust' AND action = 'update' AND "
				  "actor = 'b' AND before_json LIKE '%一镇%'"),
			 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE entity = 'trust' AND action = 'delete' AND "
				  "actor = 'c'"),
			 1);
}

/* Export leaves out stored records that fail their terminal signature, so
 * that a laptop that pulled a damaged journal can still hand on the rest. */
static void test_export_skips_bad_records(void **state)
{
	fx *f = *state;
	static journal j;
	journal_init(&j, "K01", g_term, g_clerk, 5);
	add_tap(&j, g_evil_term);
	char pem[ZC_PEM_MAX];
	assert_int_equal(zc_privkey_public_pem(g_term, pem, sizeof pem), 0);
	assert_int_equal(zc_store_terminal_add(f->s, "K01", pem), 0);
	zc_ingest *in = NULL;
	zc_ingest_stats st;
	assert_int_equal(zc_ingest_begin(f->s, "K01", NULL, &in), 0);
	for (uint64_t s = 1; s <= j.n; s++)
		assert_int_equal(zc_ingest_record(in, j.rec[s].b, j.rec[s].len, "test"), 0);
	assert_int_equal(zc_ingest_commit(in, &st), 0);
	uint8_t *buf = NULL;
	size_t len = 0;
	zc_bundle_info bi;
	assert_int_equal(zc_bundle_export(f->s, "K01", 1, g_clerk, &buf, &len, &bi), 0);
	assert_int_equal(bi.count + bi.skipped, (uint32_t)q_int(f, "SELECT count(*) FROM records"));
	assert_int_equal(bi.count, 5);
	free(buf);
}

static int group_setup(void **state)
{
	(void)state;
	assert_int_equal(zc_privkey_generate(&g_term), 0);
	assert_int_equal(zc_privkey_generate(&g_clerk), 0);
	assert_int_equal(zc_privkey_generate(&g_evil_host), 0);
	assert_int_equal(zc_privkey_generate(&g_evil_term), 0);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	zc_privkey_free(g_term);
	zc_privkey_free(g_clerk);
	zc_privkey_free(g_evil_host);
	zc_privkey_free(g_evil_term);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_attack_untrusted_host_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attack_new_terminal_attacker_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attack_bad_signature_at_next_seq, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bundle_terminal_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trusted_provisioning_imports_idempotently, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry_fingerprint_imports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trust_list_audited, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_export_skips_bad_records, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
