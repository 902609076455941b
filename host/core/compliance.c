/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compliance.c: the engine's input from the store (zc/compliance.h).
 *
 * Taps are read through the store (zc_store_scan_records: no SQL here) in
 * (terminal, seq) order with what ingest decided (terminal signature,
 * chain position) and the host's own badge verdict, cached in the store
 * (zc_store_badge_verdicts_set, ZC_STORE_BADGE_*):
 *   NULL  not checked yet (or its certificate was unknown when last seen)
 *   1     the badge signature over the recomputed challenge verifies with the
 *         certificate, and the certificate chains to a trusted badge CA and is
 *         valid at the tap's time
 *   0     the signature does not verify (a clone, a forgery): permanent
 *   2     the certificate does not chain to a trusted CA at that time
 * A check that could not be made (out of memory, a failure inside the
 * crypto library) is no verdict: the load fails and nothing is cached.
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

#include "zc/badge.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/registry.h"
#include "zc/utf8.h"

/* the badge verdicts, as cached in the store */
#define CHECK_OK      ZC_STORE_BADGE_OK
#define CHECK_BAD_SIG ZC_STORE_BADGE_BAD_SIG
#define CHECK_NO_CA   ZC_STORE_BADGE_NO_CA
#define CHECK_ERR     (-2) /* the check could not be made: never cached */

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

/* Verify the badge's signature over the tap's challenge with certificate
 * c: 0 (it verifies), ZC_ESIG (it does not match), or another negative
 * zc_err when the check itself failed (out of memory, say), which must
 * never be taken for a forgery nor cached. */
static int sig_verdict(zc_badge_cert *c, const zc_rec *rec)
{
	uint8_t ch[ZC_HASH_LEN];
	if (!rec->u.tap.badge_sig_len)
		return ZC_ESIG; /* no signature at all */
	zc_rec_tap_challenge(rec, ch);
	int rc = zc_badge_cert_verify(c, ch, rec->u.tap.badge_sig, rec->u.tap.badge_sig_len);
	if (rc != ZC_ESIG)
		return rc < 0 ? rc : 0;
	/* Not every failure inside mbedTLS is told apart from a mismatch (an
	 * allocation failing deep in the point arithmetic can come back as a
	 * failed verification): a mismatch is deterministic, so it is
	 * confirmed by a second verification; a failure that goes away was no
	 * verdict. */
	rc = zc_badge_cert_verify(c, ch, rec->u.tap.badge_sig, rec->u.tap.badge_sig_len);
	return rc == ZC_ESIG ? ZC_ESIG : rc < 0 ? rc : ZC_ECRYPTO;
}

/* Check a PIV tap's badge: CHECK_*, -1 when its certificate is unknown, or
 * CHECK_ERR when the check could not be made (*err then holds the
 * negative zc_err; nothing may be concluded or cached). */
static int badge_verdict(const zc_registry *r, certs *cs, const zc_rec *rec, int *err)
{
	int ci = cert_index(r, rec->u.tap.cert_fp);
	if (ci < 0)
		return -1;
	if (!cs->cert[ci]) {
		int prc = zc_badge_cert_parse(r->certs[ci].der, r->certs[ci].len, &cs->cert[ci]);
		if (prc == ZC_ENOMEM) {
			*err = prc;
			return CHECK_ERR;
		}
		if (prc)
			return CHECK_NO_CA;
	}
	int src = sig_verdict(cs->cert[ci], rec);
	if (src == ZC_ESIG)
		return CHECK_BAD_SIG;
	if (src) {
		*err = src;
		return CHECK_ERR;
	}
	for (size_t k = 0; k < cs->ncas; k++) {
		int res = 0;
		int crc = zc_badge_cert_check(cs->cas[k], cs->cert[ci], rec->utc_ms, &res);
		if (crc < 0) {
			*err = crc;
			return CHECK_ERR;
		}
		if (res == ZC_TAP_OK || res == ZC_TAP_REVOKED)
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
	int verdict; /* CHECK_*, -1: certificate unknown, CHECK_ERR: not checked */
	int err;     /* CHECK_ERR: why (a negative zc_err) */
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

/* A thread's share of the jobs: first, first + step, ... */
static void *vwork_run(void *arg)
{
	vwork *w = arg;
	certs cs;
	int ok = !certs_init(&cs, w->r);
	for (size_t i = w->first; i < w->njobs; i += w->step) {
		vjob *j = &w->jobs[i];
		zc_rec rec;
		if (!ok) {
			j->verdict = CHECK_ERR; /* out of memory: not checked, not cached */
			j->err = ZC_ENOMEM;
		} else if (zc_rec_decode(j->raw, j->len, &rec, NULL, NULL)) {
			j->verdict = CHECK_BAD_SIG; /* ingest stored it, so this does not happen */
		} else {
			j->verdict = badge_verdict(w->r, &cs, &rec, &j->err);
		}
	}
	if (ok)
		certs_free(&cs, w->r->ncerts);
	return NULL;
}

/* Check jobs[0..n) on every core (at most 8 threads; a share whose thread
 * cannot start is checked here). */
static void check_jobs(const zc_registry *r, vjob *jobs, size_t n)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (size_t)ncpu;
	if (nt > n)
		nt = n ? n : 1;
	vwork w[8];
	pthread_t th[8];
	int started[8] = {0};
	for (size_t k = 0; k < nt; k++)
		w[k] = (vwork){r, jobs, n, k, nt};
	for (size_t k = 1; k < nt; k++)
		started[k] = !pthread_create(&th[k], NULL, vwork_run, &w[k]);
	vwork_run(&w[0]);
	for (size_t k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			vwork_run(&w[k]);
	}
}

/* ---- loading ---- */

typedef struct trec {
	zc_r_clockrec c;
	int64_t old_utc_ms; /* clock_set: the clock before the change */
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
		if (v[i] == ZC_CLOCK_SET_BACK) {
			char d[200], z[200];
			zc_day day = zc_rules_clock_set_back_finding(tid, cr[i].seq, tr[i].old_utc_ms, cr[i].new_utc_ms,
								     tz, d, sizeof d, z, sizeof z);
			rc = push_integ(p, term, "clock_set_back", day, cr[i].seq, d, z);
			continue;
		}
		if (!tr[i].is_tap)
			continue;
		zc_r_tap *t = &p->taps[tr[i].tap_index];
		t->clock_ok = v[i] == ZC_CLOCK_OK;
		if (v[i] == ZC_CLOCK_BEFORE_PROVISIONING || v[i] == ZC_CLOCK_AFTER_COLLECTION) {
			int before = v[i] == ZC_CLOCK_BEFORE_PROVISIONING;
			char d[160], z[200];
			zc_utf8_snprintf(d, sizeof d, "%s: tap record %" PRIu64 " is dated %s", tid, cr[i].seq,
					 before ? "before the terminal was provisioned"
						: "after the host collected it");
			zc_utf8_snprintf(z, sizeof z, "终端 %s 第 %" PRIu64 " 条刷卡记录的时间%s", tid, cr[i].seq,
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
	case ZC_FIND_JOURNAL_LOST: return "终端记录日志丢失，此前未收取的记录已不可取回";
	case ZC_FIND_TERMINAL_RESET: return "终端记录序号低于本机已核验的序号（日志与序号标记被重置或更换）";
	default: return "完整性问题";
	}
}

/* ---- the loader's steps ---- */

/* What the steps of zc_compliance_load share. */
typedef struct loader {
	zc_store *s;
	priv *p;
	const zc_registry *r;
	int tz;		/* the registry's zone, minutes east of UTC */
	int64_t tol_ms; /* the clock rollback tolerance */
	certs cs;	/* trusted CAs and badge certificates, parsed */
	zc_revlist *rl;
	size_t nrl;
	bkey *keys; /* badge bindings by key, sorted */
	size_t nkeys;
	uint64_t *fork_at, *head; /* per registry terminal: lowest forked seq, verified head */
	trec *tr;		  /* the current terminal's records */
	size_t ntr, captr;
	char cur[ZC_TERMINAL_ID_MAX + 1]; /* the current terminal's id */
	int term;			  /* its index in the registry, or -1 */
	vjob *jobs;			  /* badge checks queued */
	size_t njobs;
	zc_store_badge_verdict *verdicts; /* to cache once the taps are read */
	size_t nverdicts, capverdicts;
	int rc;		  /* the loader's own failure inside a store callback */
	int check_failed; /* rc is a badge check that could not be made */
	char *err;
	size_t errlen;
} loader;

/* Release what the steps allocated (the result, in L->p, is the caller's). */
static void loader_free(loader *L)
{
	certs_free(&L->cs, L->r ? L->r->ncerts : 0);
	for (size_t i = 0; i < L->nrl; i++)
		zc_revlist_clear(&L->rl[i]);
	free(L->rl);
	free(L->keys);
	free(L->fork_at);
	free(L->head);
	free(L->tr);
	for (size_t i = 0; i < L->njobs; i++)
		free(L->jobs[i].raw);
	free(L->jobs);
	free(L->verdicts);
}

/* Step 1: each terminal's collected-until (RULES.md section 1). 0, or an
 * error with its sentence in L->err. */
static int load_collected_until(loader *L)
{
	for (size_t t = 0; t < L->r->nterminals; t++) {
		int64_t cu;
		const char *id = L->r->terminals[t].id;
		int crc = zc_store_collected_until(L->s, id, &cu);
		if (crc && crc != ZC_ENOENT) {
			set_err(L->err, L->errlen, "cannot read the collections of terminal %s: %s", id,
				zc_store_errmsg(L->s));
			return crc;
		}
		L->p->reg->terminals[t].collected_until_ms = crc ? ZC_NEVER_COLLECTED : cu;
	}
	return 0;
}

/* Step 2: the trusted CAs, the installed revocation lists, the badges with
 * their revocation, and the table of badge keys. 0 or ZC_ENOMEM. */
static int load_badges(loader *L)
{
	const zc_registry *r = L->r;
	int rc = certs_init(&L->cs, r);
	if (rc)
		return rc;
	if (!(L->rl = calloc(r->nrevlists + 1, sizeof *L->rl)))
		return ZC_ENOMEM;
	for (size_t i = 0; i < r->nrevlists; i++)
		if (!zc_revlist_decode(r->revlists[i].raw, r->revlists[i].len, &L->rl[L->nrl], NULL, NULL))
			L->nrl++;
	priv *p = L->p;
	p->badges = calloc(r->nbadges + 1, sizeof *p->badges);
	L->keys = calloc(r->nbadges + 1, sizeof *L->keys);
	if (!p->badges || !L->keys)
		return ZC_ENOMEM;
	for (size_t i = 0; i < r->nbadges; i++) {
		const zc_registry_badge_extra *x = &r->badge_extra[i];
		bkey *k = &L->keys[L->nkeys];
		p->badges[i] = r->badges[i];
		p->badges[i].revoked_at_ms = INT64_MAX;
		if (x->kind_uid) {
			uid_key(x->uid, x->uid_len, k->key);
			k->badge = (int)i;
			L->nkeys++;
		} else if (x->has_cert) {
			memcpy(k->key, x->cert_fp, ZC_HASH_LEN);
			k->badge = (int)i;
			L->nkeys++;
			p->badges[i].revoked_at_ms = cert_revoked_at(L->rl, L->nrl, &L->cs, r, x->cert_fp);
		}
	}
	if (L->nkeys)
		qsort(L->keys, L->nkeys, sizeof *L->keys, bkey_cmp);
	return 0;
}

/* zc_store_fork_points' callback: the fork point of a registered terminal. */
static int on_fork(void *arg, const char *terminal, uint64_t seq)
{
	loader *L = arg;
	int t = find_terminal(L->r, terminal);
	if (t >= 0)
		L->fork_at[t] = seq;
	return 0;
}

/* Step 3: how far each terminal's chain is trusted: the lowest forked seq
 * (nothing from there on is trusted: two validly signed records claim that
 * place) and the verified head. 0, or an error with its sentence. */
static int load_chain_limits(loader *L)
{
	const zc_registry *r = L->r;
	L->fork_at = calloc(r->nterminals + 1, sizeof *L->fork_at);
	L->head = calloc(r->nterminals + 1, sizeof *L->head);
	if (!L->fork_at || !L->head)
		return ZC_ENOMEM;
	int rc = zc_store_fork_points(L->s, on_fork, L);
	if (rc) {
		set_err(L->err, L->errlen, "cannot read the store: %s", zc_store_errmsg(L->s));
		return rc;
	}
	for (size_t t = 0; t < r->nterminals; t++) {
		uint8_t h[ZC_HASH_LEN];
		if (zc_store_terminal_head(L->s, r->terminals[t].id, &L->head[t], h))
			L->head[t] = 0;
	}
	return 0;
}

/* Keep a verdict to cache once the taps are read. 0 or ZC_ENOMEM. */
static int keep_verdict(loader *L, const vjob *j)
{
	if (L->nverdicts == L->capverdicts) {
		size_t nc = L->capverdicts ? L->capverdicts * 2 : 256;
		zc_store_badge_verdict *n = realloc(L->verdicts, nc * sizeof *n);
		if (!n)
			return ZC_ENOMEM;
		L->verdicts = n;
		L->capverdicts = nc;
	}
	L->verdicts[L->nverdicts++] = (zc_store_badge_verdict){L->r->terminals[j->term].id, j->seq, j->verdict};
	return 0;
}

/* Check the queued badges, apply their verdicts to the taps and keep the
 * definite ones (OK, a bad signature) to cache. A check that could not be
 * made fails the load: its error is returned and nothing of it is kept. */
static int run_jobs(loader *L)
{
	check_jobs(L->r, L->jobs, L->njobs);
	int rc = 0;
	for (size_t i = 0; i < L->njobs; i++) {
		vjob *j = &L->jobs[i];
		free(j->raw);
		j->raw = NULL;
		if (rc)
			continue;
		if (j->verdict == CHECK_ERR) {
			rc = j->err ? j->err : ZC_ECRYPTO;
			L->check_failed = 1;
			continue;
		}
		L->p->taps[j->tap].badge_ok = j->verdict == CHECK_OK;
		L->p->taps[j->tap].badge_forged = j->verdict == CHECK_BAD_SIG;
		if (j->verdict == CHECK_OK || j->verdict == CHECK_BAD_SIG)
			rc = keep_verdict(L, j);
	}
	L->njobs = 0;
	return rc;
}

/* Queue the badge check of the tap about to be pushed (row has its raw
 * bytes). 0 or ZC_ENOMEM. */
static int queue_job(loader *L, const zc_store_rec_row *row)
{
	if (!L->jobs && !(L->jobs = calloc(JOB_BATCH, sizeof *L->jobs)))
		return ZC_ENOMEM;
	vjob *j = &L->jobs[L->njobs];
	memset(j, 0, sizeof *j);
	j->len = row->raw_len;
	if (!(j->raw = malloc(j->len ? j->len : 1)))
		return ZC_ENOMEM;
	memcpy(j->raw, row->raw, j->len);
	j->tap = L->p->ntaps;
	j->term = L->term;
	j->seq = row->seq;
	L->njobs++;
	return 0;
}

/* A tap of a registered terminal: its acceptance inputs, its badge (from
 * the cached verdict, or queued for a check), pushed to the taps. */
static int add_tap(loader *L, trec *x, const zc_store_rec_row *row)
{
	zc_r_tap t = {0};
	const int term = L->term;
	t.terminal = term;
	t.utc_ms = x->c.utc_ms;
	t.seq = x->c.seq;
	t.record_ok = row->sig_ok && t.seq <= L->head[term] && (!L->fork_at[term] || t.seq < L->fork_at[term]);
	t.clock_ok = 1;
	zc_day day = zc_day_of_utc(t.utc_ms, L->tz);
	uint8_t key[ZC_HASH_LEN];
	int rc = 0;
	if (row->badge_kind == ZC_BADGE_UID) {
		uid_key(row->badge_id, row->badge_id_len, key);
		t.badge = find_badge(L->keys, L->nkeys, L->p->badges, key, day);
		t.badge_ok = 0;
	} else {
		if (row->cert_fp)
			memcpy(key, row->cert_fp, ZC_HASH_LEN);
		else
			memset(key, 0, sizeof key);
		t.badge = find_badge(L->keys, L->nkeys, L->p->badges, key, day);
		t.badge_ok = row->badge_check == CHECK_OK;
		t.badge_forged = row->badge_check == CHECK_BAD_SIG;
		if (row->badge_check < 0 && row->raw)
			rc = queue_job(L, row); /* not checked yet */
	}
	if (rc)
		return rc;
	x->is_tap = 1;
	x->tap_index = (int64_t)L->p->ntaps;
	rc = push_tap(L->p, &t);
	if (!rc && L->njobs == JOB_BATCH)
		rc = run_jobs(L);
	return rc;
}

/* The store's callback for every record: a new terminal finishes the
 * previous one; records of terminals the registry does not know are not
 * evaluated. Returns the loader's error (kept in L->rc) or 0. */
static int on_record(void *arg, const zc_store_rec_row *row)
{
	loader *L = arg;
	if (strcmp(row->terminal, L->cur)) {
		if (L->term >= 0 && (L->rc = finish_terminal(L->p, L->term, L->cur, L->tr, L->ntr, L->tol_ms, L->tz)))
			return L->rc;
		L->ntr = 0;
		snprintf(L->cur, sizeof L->cur, "%s", row->terminal);
		L->term = find_terminal(L->r, row->terminal);
	}
	if (L->term < 0)
		return 0;
	if (L->ntr == L->captr) {
		size_t nc = L->captr ? L->captr * 2 : 4096;
		trec *n = realloc(L->tr, nc * sizeof *n);
		if (!n)
			return L->rc = ZC_ENOMEM;
		L->tr = n;
		L->captr = nc;
	}
	trec *x = &L->tr[L->ntr++];
	memset(x, 0, sizeof *x);
	x->c.seq = row->seq;
	x->c.kind = row->kind;
	x->c.utc_ms = row->utc_ms;
	x->c.collected_ms = row->ingested_ms;
	zc_rec rec;
	if (x->c.kind == ZC_KIND_CLOCK_SET && row->raw && !zc_rec_decode(row->raw, row->raw_len, &rec, NULL, NULL)) {
		static const uint8_t zero[ZC_HASH_LEN];
		x->c.host_set = memcmp(rec.u.clock.by_fp, zero, ZC_HASH_LEN) != 0;
		x->c.new_utc_ms = rec.u.clock.new_utc_ms;
		x->old_utc_ms = rec.u.clock.old_utc_ms;
	}
	if (x->c.kind != ZC_KIND_TAP)
		return 0;
	return L->rc = add_tap(L, x, row);
}

/* Step 4: every record, terminal by terminal: the taps with their
 * acceptance inputs, each terminal's clock verdicts; then the new badge
 * verdicts cached in one batch. 0, or an error with its sentence. */
static int load_taps(loader *L)
{
	L->term = -1;
	L->cur[0] = 0;
	int rc = zc_store_scan_records(L->s, NULL, on_record, L);
	if (rc && !L->rc) {
		set_err(L->err, L->errlen, "cannot read the store: %s", zc_store_errmsg(L->s));
		return rc;
	}
	if (!rc && L->njobs)
		rc = run_jobs(L);
	if (!rc && L->term >= 0)
		rc = finish_terminal(L->p, L->term, L->cur, L->tr, L->ntr, L->tol_ms, L->tz);
	if (rc) {
		set_err(L->err, L->errlen,
			L->check_failed ? "cannot check a badge signature: %s" : "cannot load the taps: %s",
			zc_strerror(rc));
		return rc;
	}
	/* a cache: when it cannot be written, the badges are checked again
	 * next time, and the report is the same */
	(void)zc_store_badge_verdicts_set(L->s, L->verdicts, L->nverdicts);
	return 0;
}

typedef struct fctx {
	priv *p;
	zc_store *s;
	int tz;
	int rc;
} fctx;

/* zc_store_findings' callback: one finding of a registered terminal as an
 * integrity entry of the report, dated by its record. 0 or the error (kept
 * in x->rc). */
static int on_finding(void *arg, const zc_finding *f)
{
	fctx *x = arg;
	int term = find_terminal(x->p->reg, f->terminal);
	if (term < 0)
		return 0;
	/* dated by the record it is about, else by when it was found */
	int64_t ms = f->created_ms;
	if (f->seq) {
		int64_t at;
		int rc = zc_store_record_utc(x->s, f->terminal, f->seq, &at);
		if (!rc)
			ms = at;
		else if (rc != ZC_ENOENT)
			return x->rc = rc;
	}
	char d[400];
	zc_utf8_snprintf(d, sizeof d, "%s: %s%s%s", f->terminal, f->detail ? f->detail : "", f->where ? " at " : "",
			 f->where ? f->where : "");
	char z[480];
	zc_utf8_snprintf(z, sizeof z, "终端 %s：%s（%s）", f->terminal, finding_zh(f->kind),
			 f->detail ? f->detail : "");
	x->rc = push_integ(x->p, term, zc_finding_name(f->kind), zc_day_of_utc(ms, x->tz), f->seq, d, z);
	return x->rc;
}

/* Step 5: the store's integrity findings, passed through. */
static int load_findings(loader *L)
{
	fctx fx = {L->p, L->s, L->tz, 0};
	int rc = zc_store_findings(L->s, NULL, on_finding, &fx);
	if (fx.rc)
		rc = fx.rc;
	if (rc)
		set_err(L->err, L->errlen, "cannot read the integrity findings: %s", zc_strerror(rc));
	return rc;
}

/* Step 6: the engine's input, and the engine at as_of. */
static int evaluate(loader *L, zc_compliance *c, zc_day as_of)
{
	zc_rules_input *in = &c->in;
	zc_registry_fill_input(L->r, in);
	in->as_of = as_of;
	in->badges = L->p->badges;
	in->nbadges = L->r->nbadges;
	in->taps = L->p->taps;
	in->ntaps = L->p->ntaps;
	in->integrity = L->p->integ;
	in->nintegrity = L->p->ninteg;
	int rc = zc_rules_evaluate(in, &c->report);
	if (rc)
		set_err(L->err, L->errlen, "the rules engine refused the data: %s", zc_strerror(rc));
	return rc;
}

int zc_compliance_load_l(zc_store *s, zc_day as_of, zc_lang lang, zc_compliance **out, char *err, size_t errlen)
{
	loader L = {.s = s, .term = -1, .err = err, .errlen = errlen};
	zc_compliance *c = NULL;
	int rc = 0;

	if (err && errlen)
		err[0] = 0;
	*out = NULL;
	if (!(c = calloc(1, sizeof *c)) || !(L.p = calloc(1, sizeof *L.p)))
		rc = ZC_ENOMEM;
	else
		c->priv = L.p;
	if (!rc)
		rc = zc_registry_load_l(s, lang, &L.p->reg, err, errlen);
	if (!rc) {
		L.r = L.p->reg;
		L.tz = L.r->policy.tz_offset_min;
		L.tol_ms = L.r->policy.clock_rollback_tolerance_s * 1000;
		rc = load_collected_until(&L);
	}
	if (!rc)
		rc = load_badges(&L);
	if (!rc)
		rc = load_chain_limits(&L);
	if (!rc)
		rc = load_taps(&L);
	if (!rc)
		rc = load_findings(&L);
	if (!rc)
		rc = evaluate(&L, c, as_of);
	if (rc && err && errlen && !err[0])
		set_err(err, errlen, "cannot load the compliance data: %s", zc_strerror(rc));
	loader_free(&L);
	if (!rc) {
		*out = c;
		return 0;
	}
	zc_compliance_free(c); /* with L.p, its priv */
	return rc;
}

int zc_compliance_load(zc_store *s, zc_day as_of, zc_compliance **out, char *err, size_t errlen)
{
	return zc_compliance_load_l(s, as_of, ZC_LANG_ZH, out, err, errlen);
}
