/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compliance.c: the engine's input from the store (zc/compliance.h).
 *
 * Taps are read from the records table in (terminal, seq) order with what
 * ingest decided (terminal signature, chain position) and the host's own
 * badge verdict, cached in records.badge_check:
 *   NULL  not checked yet (or its certificate was unknown when last seen)
 *   1     the badge signature over the recomputed challenge verifies with the
 *         certificate, and the certificate chains to a trusted badge CA and is
 *         valid at the tap's time
 *   0     the signature does not verify (a clone, a forgery): permanent
 *   2     the certificate does not chain to a trusted CA at that time
 * Revocation is not cached: it comes from the installed list each time, as
 * the badge's revoked_at_ms (the engine compares it with the tap's time).
 * Clock trust is decided per terminal by zc_rules_clock_trust over every
 * record; the store's integrity findings are passed to the report as they
 * are, with taps made before provisioning or after collection beside them.
 */
#include "zc/compliance.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sqlite/store_internal.h"
#include "zc/badge.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/registry.h"

#define CHECK_OK      1
#define CHECK_BAD_SIG 0
#define CHECK_NO_CA   2

typedef struct integ {
	int terminal;
	const char *type;
	zc_day date;
	uint64_t seq;
	char *detail;
} integ;

typedef struct priv {
	zc_registry *reg;
	zc_r_tap *taps;
	size_t ntaps, cap;
	zc_r_badge *badges; /* the registry's, with revocation filled in */
	zc_r_integrity *integ;
	size_t ninteg, capinteg;
	char **strs; /* details owned */
	size_t nstrs, capstrs;
} priv;

#define set_err zc_errf

static int push_tap(priv *p, const zc_r_tap *t)
{
	if (p->ntaps == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4096;
		zc_r_tap *n = realloc(p->taps, nc * sizeof *n);
		if (!n)
			return ZC_ENOMEM;
		p->taps = n;
		p->cap = nc;
	}
	p->taps[p->ntaps++] = *t;
	return 0;
}

static char *keep(priv *p, const char *text)
{
	if (p->nstrs == p->capstrs) {
		size_t nc = p->capstrs ? p->capstrs * 2 : 64;
		char **n = realloc(p->strs, nc * sizeof *n);
		if (!n)
			return NULL;
		p->strs = n;
		p->capstrs = nc;
	}
	char *d = strdup(text);
	if (d)
		p->strs[p->nstrs++] = d;
	return d;
}

static int push_integ(priv *p, int terminal, const char *type, zc_day date, uint64_t seq, const char *detail,
		      const char *detail_zh)
{
	if (p->ninteg == p->capinteg) {
		size_t nc = p->capinteg ? p->capinteg * 2 : 64;
		zc_r_integrity *n = realloc(p->integ, nc * sizeof *n);
		if (!n)
			return ZC_ENOMEM;
		p->integ = n;
		p->capinteg = nc;
	}
	char *d = keep(p, detail ? detail : type);
	char *z = keep(p, detail_zh ? detail_zh : (detail ? detail : type));
	if (!d || !z)
		return ZC_ENOMEM;
	p->integ[p->ninteg++] = (zc_r_integrity){terminal, type, date, seq, d, z};
	return 0;
}

/* ---- lookups over the registry ---- */

static int find_terminal(const zc_registry *r, const char *id)
{
	return zc_registry_find(r, "terminals", id);
}

/* Badge bindings by key (certificate fingerprint or UID), sorted, for
 * binary search: each entry an index into the registry's badges. */
typedef struct bkey {
	uint8_t key[ZC_HASH_LEN];
	int badge;
} bkey;

static int bkey_cmp(const void *a, const void *b)
{
	const bkey *x = a, *y = b;
	int c = memcmp(x->key, y->key, ZC_HASH_LEN);
	if (c)
		return c;
	return x->badge - y->badge;
}

static void uid_key(const uint8_t *uid, size_t len, uint8_t key[ZC_HASH_LEN])
{
	/* UIDs and certificate fingerprints share one table: hash the UID
	 * with a prefix so that the two never collide. */
	zc_sha256_ctx c;
	zc_sha256_start(&c);
	zc_sha256_update(&c, "uid:", 4);
	zc_sha256_update(&c, uid, len);
	zc_sha256_finish(&c, key);
}

/* The binding of key in force on day (else the first one; -1 if none). */
static int find_badge(const bkey *keys, size_t n, const zc_r_badge *badges, const uint8_t key[ZC_HASH_LEN], zc_day day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (memcmp(keys[mid].key, key, ZC_HASH_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int first = -1;
	for (size_t i = lo; i < n && !memcmp(keys[i].key, key, ZC_HASH_LEN); i++) {
		const zc_r_badge *b = &badges[keys[i].badge];
		if (first < 0)
			first = keys[i].badge;
		if (day >= b->bound_from && (b->bound_to <= 0 || day <= b->bound_to))
			return keys[i].badge;
	}
	return first;
}

/* ---- the badge verdict ---- */

typedef struct certs {
	zc_badge_ca **cas;
	size_t ncas;
	zc_badge_cert **cert; /* parsed lazily, parallel to reg->certs */
} certs;

static int cert_index(const zc_registry *r, const uint8_t fp[ZC_HASH_LEN])
{
	size_t lo = 0, hi = r->ncerts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(r->certs[mid].fp, fp, ZC_HASH_LEN);
		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Check a PIV tap's badge: CHECK_*, or -1 when its certificate is unknown. */
static int badge_verdict(const zc_registry *r, certs *cs, const zc_rec *rec)
{
	int ci = cert_index(r, rec->u.tap.cert_fp);
	if (ci < 0)
		return -1;
	if (!cs->cert[ci] && zc_badge_cert_parse(r->certs[ci].der, r->certs[ci].len, &cs->cert[ci]))
		return CHECK_NO_CA;
	uint8_t ch[ZC_HASH_LEN];
	zc_rec_tap_challenge(rec, ch);
	if (!rec->u.tap.badge_sig_len ||
	    zc_badge_cert_verify(cs->cert[ci], ch, rec->u.tap.badge_sig, rec->u.tap.badge_sig_len))
		return CHECK_BAD_SIG;
	for (size_t k = 0; k < cs->ncas; k++) {
		int res = 0;
		if (!zc_badge_cert_check(cs->cas[k], cs->cert[ci], rec->utc_ms, &res) &&
		    (res == ZC_TAP_OK || res == ZC_TAP_REVOKED))
			return CHECK_OK;
	}
	return CHECK_NO_CA;
}

/* Whether the trusted CA with fingerprint ca_fp signed c (serials are
 * unique only per issuer, so a list applies to its own CA's certificates). */
static int issued_by(certs *cs, zc_badge_cert *c, const uint8_t ca_fp[ZC_HASH_LEN])
{
	for (size_t k = 0; k < cs->ncas; k++) {
		uint8_t fp[ZC_HASH_LEN];
		zc_badge_ca_fingerprint(cs->cas[k], fp);
		if (memcmp(fp, ca_fp, ZC_HASH_LEN))
			continue;
		int64_t from = 0, to = 0;
		int res = ZC_TAP_UNKNOWN_CA;
		zc_badge_cert_validity(c, &from, &to);
		return !zc_badge_cert_check(cs->cas[k], c, from, &res) && res != ZC_TAP_UNKNOWN_CA;
	}
	return 0;
}

/* Revocation from the installed lists: the certificate's revoked_from. */
static int64_t cert_revoked_at(const zc_revlist *ls, size_t nl, certs *cs, const zc_registry *r,
			       const uint8_t fp[ZC_HASH_LEN])
{
	if (!nl)
		return INT64_MAX;
	int ci = cert_index(r, fp);
	if (ci < 0)
		return INT64_MAX;
	if (!cs->cert[ci] && zc_badge_cert_parse(r->certs[ci].der, r->certs[ci].len, &cs->cert[ci]))
		return INT64_MAX;
	size_t slen = 0;
	const uint8_t *serial = zc_badge_cert_serial(cs->cert[ci], &slen);
	int64_t from = INT64_MAX;
	for (size_t k = 0; k < nl; k++) {
		int at = zc_revlist_find(&ls[k], serial, slen);
		if (at >= 0 && ls[k].entries[at].revoked_from_ms < from && issued_by(cs, cs->cert[ci], ls[k].ca_fp))
			from = ls[k].entries[at].revoked_from_ms;
	}
	return from;
}

/* ---- badge checks in parallel ----
 * A first report after a pull checks every new PIV tap's badge signature:
 * one ECDSA verification each, the whole cost of the report with mbedTLS
 * (MEASURED.md: ~620/s per core). The checks are independent, so they run
 * on every core; each thread has its own parsed CAs and certificates, since
 * mbedTLS contexts (and their cached fixed-point tables) are not shared. */

#define JOB_BATCH 16384

typedef struct vjob {
	size_t tap; /* index into priv.taps */
	int term;
	uint64_t seq;
	uint8_t *raw;
	size_t len;
	int verdict; /* CHECK_*, or -1: certificate unknown */
} vjob;

typedef struct vwork {
	const zc_registry *r;
	vjob *jobs;
	size_t njobs, first, step;
} vwork;

static void certs_free(certs *cs, size_t ncerts)
{
	for (size_t i = 0; i < cs->ncas; i++)
		zc_badge_ca_free(cs->cas[i]);
	free(cs->cas);
	if (cs->cert)
		for (size_t i = 0; i < ncerts; i++)
			zc_badge_cert_free(cs->cert[i]);
	free(cs->cert);
	memset(cs, 0, sizeof *cs);
}

static int certs_init(certs *cs, const zc_registry *r)
{
	memset(cs, 0, sizeof *cs);
	cs->cas = calloc(r->ncas + 1, sizeof *cs->cas);
	cs->cert = calloc(r->ncerts + 1, sizeof *cs->cert);
	if (!cs->cas || !cs->cert) {
		certs_free(cs, r->ncerts);
		return ZC_ENOMEM;
	}
	for (size_t i = 0; i < r->ncas; i++)
		if (!zc_badge_ca_parse(r->cas[i].der, r->cas[i].len, &cs->cas[cs->ncas]))
			cs->ncas++;
	return 0;
}

static void *vwork_run(void *arg)
{
	vwork *w = arg;
	certs cs;
	int ok = !certs_init(&cs, w->r);
	for (size_t i = w->first; i < w->njobs; i += w->step) {
		vjob *j = &w->jobs[i];
		zc_rec rec;
		if (!ok)
			j->verdict = -1; /* out of memory: left unchecked, not cached */
		else if (zc_rec_decode(j->raw, j->len, &rec, NULL, NULL))
			j->verdict = CHECK_BAD_SIG; /* ingest stored it, so this does not happen */
		else
			j->verdict = badge_verdict(w->r, &cs, &rec);
	}
	if (ok)
		certs_free(&cs, w->r->ncerts);
	return NULL;
}

/* Check the pending jobs on every core, apply and cache the verdicts. */
static void run_jobs(priv *p, sqlite3_stmt *upd, vjob *jobs, size_t n)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (size_t)ncpu;
	if (nt > n)
		nt = n ? n : 1;
	vwork w[8];
	pthread_t th[8];
	int started[8] = {0};
	for (size_t k = 0; k < nt; k++)
		w[k] = (vwork){p->reg, jobs, n, k, nt};
	for (size_t k = 1; k < nt; k++)
		started[k] = !pthread_create(&th[k], NULL, vwork_run, &w[k]);
	vwork_run(&w[0]);
	/* a share whose thread could not start is done here */
	for (size_t k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			vwork_run(&w[k]);
	}
	for (size_t i = 0; i < n; i++) {
		vjob *j = &jobs[i];
		p->taps[j->tap].badge_ok = j->verdict == CHECK_OK;
		p->taps[j->tap].badge_forged = j->verdict == CHECK_BAD_SIG;
		if (j->verdict == CHECK_OK || j->verdict == CHECK_BAD_SIG) {
			sqlite3_reset(upd);
			sqlite3_bind_text(upd, 1, p->reg->terminals[j->term].id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(upd, 2, (int64_t)j->seq);
			sqlite3_bind_int(upd, 3, j->verdict);
			sqlite3_step(upd);
		}
		free(j->raw);
		j->raw = NULL;
	}
}

/* ---- loading ---- */

typedef struct trec {
	zc_r_clockrec c;
	int is_tap;
	int64_t tap_index; /* into priv.taps */
} trec;

static void free_priv(priv *p)
{
	if (!p)
		return;
	zc_registry_free(p->reg);
	free(p->taps);
	free(p->badges);
	free(p->integ);
	for (size_t i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p->strs);
	free(p);
}

void zc_compliance_free(zc_compliance *c)
{
	if (!c)
		return;
	zc_rules_result_free(c->report);
	free_priv(c->priv);
	free(c);
}

/* Finish one terminal: clock verdicts for its records, findings for taps
 * made outside the trusted window. */
static int finish_terminal(priv *p, int term, const char *tid, trec *tr, size_t n, int64_t tol_ms, int tz)
{
	if (!n)
		return 0;
	zc_r_clockrec *cr = calloc(n, sizeof *cr);
	uint8_t *v = malloc(n);
	if (!cr || !v) {
		free(cr);
		free(v);
		return ZC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		cr[i] = tr[i].c;
	zc_rules_clock_trust(cr, n, tol_ms, v);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!tr[i].is_tap)
			continue;
		zc_r_tap *t = &p->taps[tr[i].tap_index];
		t->clock_ok = v[i] == ZC_CLOCK_OK;
		if (v[i] == ZC_CLOCK_BEFORE_PROVISIONING || v[i] == ZC_CLOCK_AFTER_COLLECTION) {
			int before = v[i] == ZC_CLOCK_BEFORE_PROVISIONING;
			char d[160], z[200];
			snprintf(d, sizeof d, "%s: tap record %" PRIu64 " is dated %s", tid, cr[i].seq,
				 before ? "before the terminal was provisioned" : "after the host collected it");
			snprintf(z, sizeof z, "终端 %s 第 %" PRIu64 " 条刷卡记录的时间%s", tid, cr[i].seq,
				 before ? "早于终端初始化" : "晚于主机收取记录的时间");
			rc = push_integ(p, term, zc_clock_verdict_name(v[i]), zc_day_of_utc(cr[i].utc_ms, tz),
					cr[i].seq, d, z);
		}
	}
	free(cr);
	free(v);
	return rc;
}

/* The store's finding kinds in Chinese (the report's language does not
 * depend on the process's). */
static const char *finding_zh(int kind)
{
	switch (kind) {
	case ZC_FIND_MALFORMED: return "记录无法解码";
	case ZC_FIND_WRONG_TERMINAL: return "记录属于其他终端";
	case ZC_FIND_BAD_SIGNATURE: return "终端签名无效";
	case ZC_FIND_BROKEN_LINK: return "哈希链断裂";
	case ZC_FIND_GAP: return "记录缺号";
	case ZC_FIND_FORK: return "同一序号出现两条不同记录（分叉）";
	case ZC_FIND_CLOCK_ROLLBACK: return "终端时钟回拨";
	default: return "完整性问题";
	}
}

typedef struct fctx {
	priv *p;
	sqlite3_stmt *at;
	int tz;
	int rc;
} fctx;

static int on_finding(void *arg, const zc_finding *f)
{
	fctx *x = arg;
	int term = find_terminal(x->p->reg, f->terminal);
	if (term < 0)
		return 0;
	/* dated by the record it is about, else by when it was found */
	int64_t ms = f->created_ms;
	if (f->seq) {
		sqlite3_reset(x->at);
		sqlite3_bind_text(x->at, 1, f->terminal, -1, SQLITE_STATIC);
		sqlite3_bind_int64(x->at, 2, (int64_t)f->seq);
		if (sqlite3_step(x->at) == SQLITE_ROW)
			ms = sqlite3_column_int64(x->at, 0);
	}
	char d[400];
	snprintf(d, sizeof d, "%s: %s%s%s", f->terminal, f->detail ? f->detail : "", f->where ? " at " : "",
		 f->where ? f->where : "");
	char z[480];
	snprintf(z, sizeof z, "终端 %s：%s（%s）", f->terminal, finding_zh(f->kind), f->detail ? f->detail : "");
	x->rc = push_integ(x->p, term, zc_finding_name(f->kind), zc_day_of_utc(ms, x->tz), f->seq, d, z);
	return x->rc;
}

int zc_compliance_load(zc_store *s, zc_day as_of, zc_compliance **out, char *err, size_t errlen)
{
	sqlite3 *db = zc_store_db(s);
	sqlite3_stmt *q = NULL, *upd = NULL, *forks = NULL;
	zc_compliance *c = NULL;
	priv *p = NULL;
	certs cs = {0};
	bkey *keys = NULL;
	trec *tr = NULL;
	size_t ntr = 0, captr = 0, nkeys = 0;
	vjob *jobs = NULL;
	size_t njobs = 0;
	zc_revlist *rl = NULL;
	size_t nrl = 0;
	int rc;

	*out = NULL;
	if (!(c = calloc(1, sizeof *c)) || !(p = calloc(1, sizeof *p))) {
		rc = ZC_ENOMEM;
		goto out;
	}
	c->priv = p;
	if ((rc = zc_registry_load(s, &p->reg, err, errlen)))
		goto out;
	const zc_registry *r = p->reg;
	const int tz = r->policy.tz_offset_min;
	/* each terminal's collected-until (RULES.md section 1) */
	for (size_t t = 0; t < r->nterminals; t++) {
		int64_t cu;
		int crc = zc_store_collected_until(s, r->terminals[t].id, &cu);
		if (crc && crc != ZC_ENOENT) {
			set_err(err, errlen, "cannot read the collections of terminal %s: %s", r->terminals[t].id,
				zc_store_errmsg(s));
			rc = crc;
			goto out;
		}
		p->reg->terminals[t].collected_until_ms = crc ? ZC_NEVER_COLLECTED : cu;
	}
	const int64_t tol_ms = r->policy.clock_rollback_tolerance_s * 1000;

	/* trusted CAs, the installed revocation list, certificates */
	if ((rc = certs_init(&cs, r)))
		goto out;
	rl = calloc(r->nrevlists + 1, sizeof *rl);
	if (!rl) {
		rc = ZC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->nrevlists; i++)
		if (!zc_revlist_decode(r->revlists[i].raw, r->revlists[i].len, &rl[nrl], NULL, NULL))
			nrl++;

	/* badges with their revocation; the key table */
	p->badges = calloc(r->nbadges + 1, sizeof *p->badges);
	keys = calloc(r->nbadges + 1, sizeof *keys);
	if (!p->badges || !keys) {
		rc = ZC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->nbadges; i++) {
		const zc_registry_badge_extra *x = &r->badge_extra[i];
		p->badges[i] = r->badges[i];
		p->badges[i].revoked_at_ms = INT64_MAX;
		if (x->kind_uid) {
			uid_key(x->uid, x->uid_len, keys[nkeys].key);
			keys[nkeys++].badge = (int)i;
		} else if (x->has_cert) {
			memcpy(keys[nkeys].key, x->cert_fp, ZC_HASH_LEN);
			keys[nkeys++].badge = (int)i;
			p->badges[i].revoked_at_ms = cert_revoked_at(rl, nrl, &cs, r, x->cert_fp);
		}
	}
	if (nkeys)
		qsort(keys, nkeys, sizeof *keys, bkey_cmp);

	/* the lowest forked seq per terminal: nothing from there on is
	 * trusted (two validly signed records claim that place) */
	rc = sqlite3_prepare_v2(db,
				"SELECT terminal_id, min(seq) FROM record_conflicts WHERE reason = 'fork' "
				"GROUP BY terminal_id",
				-1, &forks, NULL);
	if (rc != SQLITE_OK) {
		set_err(err, errlen, "cannot read the store: %s", sqlite3_errmsg(db));
		rc = ZC_EDB;
		goto out;
	}
	uint64_t *fork_at = calloc(r->nterminals + 1, sizeof *fork_at);
	uint64_t *head = calloc(r->nterminals + 1, sizeof *head);
	if (!fork_at || !head) {
		free(fork_at);
		free(head);
		rc = ZC_ENOMEM;
		goto out;
	}
	while (sqlite3_step(forks) == SQLITE_ROW) {
		int t = find_terminal(r, (const char *)sqlite3_column_text(forks, 0));
		if (t >= 0)
			fork_at[t] = (uint64_t)sqlite3_column_int64(forks, 1);
	}
	for (size_t t = 0; t < r->nterminals; t++) {
		uint8_t h[ZC_HASH_LEN];
		if (zc_store_terminal_head(s, r->terminals[t].id, &head[t], h))
			head[t] = 0;
	}

	rc = sqlite3_prepare_v2(
	    db,
	    "SELECT terminal_id, seq, kind, utc_ms, sig_ok, badge_kind, badge_id, cert_fp, "
	    "badge_check, ingested_ms, CASE WHEN (kind = 1 AND badge_kind = 1 AND badge_check IS NULL) "
	    "OR kind = 3 THEN raw END FROM records ORDER BY terminal_id, seq",
	    -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "UPDATE records SET badge_check = ?3 WHERE terminal_id = ?1 AND seq = ?2",
					-1, &upd, NULL);
	if (rc != SQLITE_OK) {
		free(fork_at);
		free(head);
		set_err(err, errlen, "cannot read the store: %s", sqlite3_errmsg(db));
		rc = ZC_EDB;
		goto out;
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	char cur[ZC_TERMINAL_ID_MAX + 1] = "";
	int term = -1;
	rc = 0;
	int step;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *tid = (const char *)sqlite3_column_text(q, 0);
		if (strcmp(tid, cur)) {
			if (term >= 0 && (rc = finish_terminal(p, term, cur, tr, ntr, tol_ms, tz)))
				break;
			ntr = 0;
			snprintf(cur, sizeof cur, "%s", tid);
			term = find_terminal(r, tid);
		}
		if (term < 0)
			continue; /* a terminal the registry does not know: not evaluated */
		if (ntr == captr) {
			size_t nc = captr ? captr * 2 : 4096;
			trec *n = realloc(tr, nc * sizeof *n);
			if (!n) {
				rc = ZC_ENOMEM;
				break;
			}
			tr = n;
			captr = nc;
		}
		trec *x = &tr[ntr++];
		memset(x, 0, sizeof *x);
		x->c.seq = (uint64_t)sqlite3_column_int64(q, 1);
		x->c.kind = sqlite3_column_int(q, 2);
		x->c.utc_ms = sqlite3_column_int64(q, 3);
		x->c.collected_ms = sqlite3_column_int64(q, 9);
		zc_rec rec;
		int have_rec = 0;
		if (x->c.kind == ZC_KIND_CLOCK_SET && sqlite3_column_type(q, 10) == SQLITE_BLOB) {
			const uint8_t *raw = sqlite3_column_blob(q, 10);
			size_t rlen = (size_t)sqlite3_column_bytes(q, 10);
			have_rec = !zc_rec_decode(raw, rlen, &rec, NULL, NULL);
		}
		if (x->c.kind == ZC_KIND_CLOCK_SET && have_rec) {
			static const uint8_t zero[ZC_HASH_LEN];
			x->c.host_set = memcmp(rec.u.clock.by_fp, zero, ZC_HASH_LEN) != 0;
			x->c.new_utc_ms = rec.u.clock.new_utc_ms;
		}
		if (x->c.kind != ZC_KIND_TAP)
			continue;
		zc_r_tap t = {0};
		t.terminal = term;
		t.utc_ms = x->c.utc_ms;
		t.seq = x->c.seq;
		t.record_ok = sqlite3_column_int(q, 4) == 1 && x->c.seq <= head[term] &&
			      (!fork_at[term] || x->c.seq < fork_at[term]);
		t.clock_ok = 1;
		int bkind = sqlite3_column_int(q, 5);
		zc_day day = zc_day_of_utc(t.utc_ms, tz);
		uint8_t key[ZC_HASH_LEN];
		if (bkind == ZC_BADGE_UID) {
			uid_key(sqlite3_column_blob(q, 6), (size_t)sqlite3_column_bytes(q, 6), key);
			t.badge = find_badge(keys, nkeys, p->badges, key, day);
			t.badge_ok = 0;
		} else {
			const void *fp = sqlite3_column_blob(q, 7);
			if (fp && sqlite3_column_bytes(q, 7) == ZC_HASH_LEN)
				memcpy(key, fp, ZC_HASH_LEN);
			else
				memset(key, 0, sizeof key);
			t.badge = find_badge(keys, nkeys, p->badges, key, day);
			int chk = sqlite3_column_type(q, 8) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 8);
			t.badge_ok = chk == CHECK_OK;
			t.badge_forged = chk == CHECK_BAD_SIG;
			if (chk < 0 && sqlite3_column_type(q, 10) == SQLITE_BLOB) {
				/* not checked yet: queued for the parallel check */
				if (!jobs && !(jobs = calloc(JOB_BATCH, sizeof *jobs))) {
					rc = ZC_ENOMEM;
					break;
				}
				vjob *j = &jobs[njobs];
				j->len = (size_t)sqlite3_column_bytes(q, 10);
				if (!(j->raw = malloc(j->len ? j->len : 1))) {
					rc = ZC_ENOMEM;
					break;
				}
				memcpy(j->raw, sqlite3_column_blob(q, 10), j->len);
				j->tap = p->ntaps;
				j->term = term;
				j->seq = t.seq;
				njobs++;
			}
		}
		x->is_tap = 1;
		x->tap_index = (int64_t)p->ntaps;
		rc = push_tap(p, &t);
		if (!rc && njobs == JOB_BATCH) {
			run_jobs(p, upd, jobs, njobs);
			njobs = 0;
		}
	}
	if (!rc && njobs) {
		run_jobs(p, upd, jobs, njobs);
		njobs = 0;
	}
	for (size_t i = 0; i < njobs; i++)
		free(jobs[i].raw);
	free(jobs);
	jobs = NULL;
	if (!rc && term >= 0)
		rc = finish_terminal(p, term, cur, tr, ntr, tol_ms, tz);
	sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	free(fork_at);
	free(head);
	if (rc) {
		set_err(err, errlen, "cannot load the taps: %s", zc_strerror(rc));
		goto out;
	}

	/* the store's integrity findings */
	{
		fctx fx = {p, NULL, tz, 0};
		if (sqlite3_prepare_v2(db, "SELECT utc_ms FROM records WHERE terminal_id = ?1 AND seq = ?2", -1, &fx.at,
				       NULL) != SQLITE_OK) {
			rc = ZC_EDB;
			set_err(err, errlen, "cannot read the store: %s", sqlite3_errmsg(db));
			goto out;
		}
		rc = zc_store_findings(s, NULL, on_finding, &fx);
		sqlite3_finalize(fx.at);
		if (fx.rc)
			rc = fx.rc;
		if (rc) {
			set_err(err, errlen, "cannot read the integrity findings: %s", zc_strerror(rc));
			goto out;
		}
	}

	zc_rules_input *in = &c->in;
	zc_registry_fill_input(r, in);
	in->as_of = as_of;
	in->badges = p->badges;
	in->nbadges = r->nbadges;
	in->taps = p->taps;
	in->ntaps = p->ntaps;
	in->integrity = p->integ;
	in->nintegrity = p->ninteg;
	if ((rc = zc_rules_evaluate(in, &c->report))) {
		set_err(err, errlen, "the rules engine refused the data: %s", zc_strerror(rc));
		goto out;
	}
	*out = c;
	c = NULL;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(upd);
	sqlite3_finalize(forks);
	certs_free(&cs, p && p->reg ? p->reg->ncerts : 0);
	for (size_t i = 0; i < nrl; i++)
		zc_revlist_clear(&rl[i]);
	free(rl);
	free(keys);
	free(tr);
	if (c)
		zc_compliance_free(c);
	else if (!*out)
		free_priv(p);
	return rc;
}
