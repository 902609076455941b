/* SPDX-License-Identifier: Apache-2.0 */
/*
 * termstate.c: the state the tap loop and the link server share, its lock,
 * and provisioning (zc/termstate.h).
 *
 * Provisioning checks everything before it writes anything, writes the key
 * and CA files before the PROVISIONED record and identity.conf last, so a
 * power cut at any point leaves either the old provisioning or the new one
 * in effect (at worst a PROVISIONED record for a provisioning that is then
 * simply done again). The state keeps its own copy of the badge CA, used
 * only to check revocation lists; the tap loop has its own, reloaded from
 * the files when the generation changes, because CA objects are not safe
 * to share between threads (zc/badge.h).
 */
#include "zc/termstate.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zc/err.h"
#include "zc/fileio.h"

#define REVLIST_FILE_MAX (4u << 20)

struct zc_termstate {
	pthread_mutex_t lock;
	pthread_cond_t applied_cond; /* signalled when the tap loop applied a generation */
	char dir[1024];
	zc_journal *j;
	zc_privkey *key;
	zc_clock clk;
	char firmware[ZC_TEXT_MAX + 1];
	/* identity: changed under the lock */
	int provisioned;
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	char township[ZC_TERMINAL_ID_MAX + 1];
	zc_termlog *log;
	uint64_t generation;
	uint64_t applied; /* the generation the tap loop took into use */
	int follower;	  /* a tap loop calls zc_termstate_applied */
	/* provisioning side (the link server's thread) */
	zc_pubkey *host;
	uint8_t host_fp[ZC_HASH_LEN];
	zc_badge_ca *ca;
	uint8_t *rev; /* the installed list's bytes, or NULL */
	size_t rev_len;
	/* the tap loop's figures */
	int have_stats;
	zc_terminal_stats stats;
};

static void path_in(const char *dir, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

int zc_termstate_read_identity(const char *dir, char *terminal, char *township)
{
	char p[1200], line[256];
	char tid[ZC_TERMINAL_ID_MAX + 1] = "", town[ZC_TERMINAL_ID_MAX + 1] = "";
	path_in(dir, "identity.conf", p, sizeof p);
	FILE *f = fopen(p, "r");
	if (!f)
		return errno == ENOENT ? ZC_ENOENT : ZC_EIO;
	while (fgets(line, sizeof line, f)) {
		char k[64], v[ZC_TERMINAL_ID_MAX + 1];
		if (sscanf(line, " %63[a-z] = %32s", k, v) != 2)
			continue;
		if (!strcmp(k, "terminal"))
			snprintf(tid, sizeof tid, "%s", v);
		else if (!strcmp(k, "township"))
			snprintf(town, sizeof town, "%s", v);
	}
	fclose(f);
	if (!zc_id_valid(tid) || !zc_id_valid(town))
		return ZC_EMALFORMED;
	if (terminal)
		memcpy(terminal, tid, sizeof tid);
	if (township)
		memcpy(township, town, sizeof town);
	return 0;
}

/* A CA object from certificate bytes with the lists applied in order (each
 * may be NULL): the installed one, then a new one. */
static int ca_with_lists(const uint8_t *cert, size_t cert_len, const uint8_t *cur, size_t cur_len, const uint8_t *next,
			 size_t next_len, zc_badge_ca **out, char *why, size_t whylen)
{
	zc_badge_ca *ca = NULL;
	int rc = zc_badge_ca_parse(cert, cert_len, &ca);
	if (rc) {
		say(why, whylen, "badge CA certificate refused: %s", zc_strerror(rc));
		return rc == ZC_ENOMEM ? rc : ZC_EMALFORMED;
	}
	if (cur && (rc = zc_badge_ca_set_revocations(ca, cur, cur_len, NULL))) {
		say(why, whylen, "installed revocation list unusable: %s", zc_strerror(rc));
		goto out;
	}
	if (next && (rc = zc_badge_ca_set_revocations(ca, next, next_len, NULL))) {
		if (rc == ZC_ESIG)
			say(why, whylen, "revocation list not signed by the badge CA");
		else if (rc == ZC_ESTATE)
			say(why, whylen, "revocation list older than installed no. %llu",
			    (unsigned long long)zc_badge_ca_revocation_number(ca));
		else
			say(why, whylen, "revocation list malformed: %s", zc_strerror(rc));
		if (rc == ZC_ETRUNC)
			rc = ZC_EMALFORMED;
		goto out;
	}
	*out = ca;
	ca = NULL;
out:
	zc_badge_ca_free(ca);
	return rc;
}

int zc_termstate_open(const zc_termstate_cfg *cfg, zc_termstate **out, char *errbuf, size_t errlen)
{
	zc_termstate *ts = NULL;
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	char p[1200];
	int rc = ZC_EARG;
	if (!cfg || !cfg->dir || !cfg->j || !cfg->key || !cfg->clk || !out || strlen(cfg->dir) >= 1024) {
		say(errbuf, errlen, "bad arguments");
		goto out;
	}
	rc = ZC_ENOMEM;
	if (!(ts = calloc(1, sizeof *ts)))
		goto out;
	pthread_mutex_init(&ts->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ts->applied_cond, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(ts->dir, sizeof ts->dir, "%s", cfg->dir);
	snprintf(ts->firmware, sizeof ts->firmware, "%s", cfg->firmware ? cfg->firmware : "");
	ts->j = cfg->j;
	ts->key = cfg->key;
	ts->clk = *cfg->clk;
	rc = zc_termstate_read_identity(ts->dir, ts->terminal, ts->township);
	if (rc == ZC_ENOENT) {
		rc = 0; /* not provisioned: nothing to load */
		goto done;
	}
	if (rc) {
		say(errbuf, errlen, "%s/identity.conf is damaged", ts->dir);
		goto out;
	}
	path_in(ts->dir, "host.pub.pem", p, sizeof p);
	rc = zc_pubkey_load(p, &ts->host);
	if (rc == ZC_ENOENT) {
		ts->host = NULL;
	} else if (rc || zc_pubkey_fingerprint(ts->host, ts->host_fp)) {
		say(errbuf, errlen, "%s: not a usable host key", p);
		rc = ZC_EMALFORMED;
		goto out;
	}
	path_in(ts->dir, "ca.pem", p, sizeof p);
	if ((rc = zc_file_read(p, 1 << 20, &cert, &cert_len))) {
		say(errbuf, errlen, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	path_in(ts->dir, "revocations.zrl", p, sizeof p);
	rc = zc_file_read(p, REVLIST_FILE_MAX, &ts->rev, &ts->rev_len);
	if (rc == ZC_ENOENT) {
		ts->rev = NULL;
		ts->rev_len = 0;
	} else if (rc) {
		say(errbuf, errlen, "%s: %s", p, zc_strerror(rc));
		goto out;
	}
	char why[128];
	if ((rc = ca_with_lists(cert, cert_len, ts->rev, ts->rev_len, NULL, 0, &ts->ca, why, sizeof why))) {
		if (!ts->rev || rc == ZC_EMALFORMED) {
			say(errbuf, errlen, "%s/ca.pem: %s", ts->dir, why);
			goto out;
		}
		/* A damaged list: the tap loop reports it; keep the CA alone. */
		free(ts->rev);
		ts->rev = NULL;
		ts->rev_len = 0;
		if ((rc = ca_with_lists(cert, cert_len, NULL, 0, NULL, 0, &ts->ca, why, sizeof why)))
			goto out;
	}
	if ((rc = zc_termlog_open(ts->j, ts->key, ts->terminal, &ts->clk, ts->firmware, &ts->log))) {
		say(errbuf, errlen, "cannot write the journal: %s", zc_strerror(rc));
		goto out;
	}
	ts->provisioned = 1;
done:
	*out = ts;
	ts = NULL;
out:
	free(cert);
	zc_termstate_close(ts);
	return rc;
}

void zc_termstate_close(zc_termstate *ts)
{
	if (!ts)
		return;
	zc_termlog_close(ts->log);
	zc_pubkey_free(ts->host);
	zc_badge_ca_free(ts->ca);
	free(ts->rev);
	pthread_cond_destroy(&ts->applied_cond);
	pthread_mutex_destroy(&ts->lock);
	free(ts);
}

void zc_termstate_lock(zc_termstate *ts)
{
	pthread_mutex_lock(&ts->lock);
}

void zc_termstate_unlock(zc_termstate *ts)
{
	pthread_mutex_unlock(&ts->lock);
}

zc_journal *zc_termstate_journal(zc_termstate *ts)
{
	return ts->j;
}

const zc_clock *zc_termstate_clock(zc_termstate *ts)
{
	return &ts->clk;
}

zc_privkey *zc_termstate_key(zc_termstate *ts)
{
	return ts->key;
}

zc_termlog *zc_termstate_log(zc_termstate *ts)
{
	return ts->provisioned ? ts->log : NULL;
}

int zc_termstate_identity(zc_termstate *ts, char *terminal, char *township)
{
	if (terminal)
		snprintf(terminal, ZC_TERMINAL_ID_MAX + 1, "%s", ts->provisioned ? ts->terminal : "");
	if (township)
		snprintf(township, ZC_TERMINAL_ID_MAX + 1, "%s", ts->provisioned ? ts->township : "");
	return ts->provisioned;
}

uint64_t zc_termstate_generation(zc_termstate *ts)
{
	return ts->generation;
}

void zc_termstate_applied(zc_termstate *ts, uint64_t gen)
{
	if (gen > ts->applied) {
		ts->applied = gen;
		pthread_cond_broadcast(&ts->applied_cond);
	}
}

void zc_termstate_follow(zc_termstate *ts)
{
	zc_termstate_lock(ts);
	ts->follower = 1;
	zc_termstate_unlock(ts);
}

int zc_termstate_wait_applied(zc_termstate *ts, uint64_t gen, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int rc = 0;
	zc_termstate_lock(ts);
	while (ts->follower && ts->applied < gen && !rc)
		rc = pthread_cond_timedwait(&ts->applied_cond, &ts->lock, &until) ? ZC_EAGAIN : 0;
	if (ts->applied >= gen || !ts->follower)
		rc = 0;
	zc_termstate_unlock(ts);
	return rc;
}

void zc_termstate_set_stats(zc_termstate *ts, const zc_terminal_stats *st)
{
	ts->stats = *st;
	ts->have_stats = 1;
}

int zc_termstate_stats(zc_termstate *ts, zc_terminal_stats *st)
{
	if (!ts->have_stats) {
		memset(st, 0, sizeof *st);
		return 0;
	}
	*st = ts->stats;
	return 1;
}

zc_pubkey *zc_termstate_host_key(zc_termstate *ts, uint8_t fp[ZC_HASH_LEN])
{
	if (fp) {
		if (ts->host)
			memcpy(fp, ts->host_fp, ZC_HASH_LEN);
		else
			memset(fp, 0, ZC_HASH_LEN);
	}
	return ts->host;
}

uint64_t zc_termstate_revocation_number(zc_termstate *ts)
{
	return ts->ca ? zc_badge_ca_revocation_number(ts->ca) : 0;
}

/* ---- provisioning ---- */

static int write_file(const zc_termstate *ts, const char *name, const void *buf, size_t len)
{
	char p[1200];
	path_in(ts->dir, name, p, sizeof p);
	return zc_file_write_atomic(p, buf, len, 0644);
}

static int remove_file(const zc_termstate *ts, const char *name)
{
	char p[1200];
	path_in(ts->dir, name, p, sizeof p);
	return unlink(p) && errno != ENOENT ? ZC_EIO : 0;
}

/* What a provisioning builds before it takes effect. */
typedef struct prov {
	zc_pubkey *host;
	zc_badge_ca *ca;
	uint8_t host_fp[ZC_HASH_LEN], ca_fp[ZC_HASH_LEN];
	uint8_t *rev; /* the list to keep: the new one, or the installed one of the same CA */
	size_t rev_len;
	char old_tid[ZC_TERMINAL_ID_MAX + 1];
} prov;

static int prov_check(const zc_termstate_prov *pv, prov *x, char *why, size_t whylen)
{
	if (!pv->terminal || !zc_id_valid(pv->terminal)) {
		say(why, whylen, "terminal id must be 1-32 of A-Z a-z 0-9 . _ -");
		return ZC_EMALFORMED;
	}
	if (!pv->township || !zc_id_valid(pv->township)) {
		say(why, whylen, "township id must be 1-32 of A-Z a-z 0-9 . _ -");
		return ZC_EMALFORMED;
	}
	if (pv->host_pubkey_len && (zc_pubkey_parse(pv->host_pubkey, pv->host_pubkey_len, &x->host) ||
				    zc_pubkey_fingerprint(x->host, x->host_fp))) {
		say(why, whylen, "host key is not a P-256 public key");
		return ZC_EMALFORMED;
	}
	return 0;
}

/* The CA; the installed list carries over when the CA stays the same, so a
 * provisioning cannot roll revocations back. */
static int prov_ca(zc_termstate *ts, const zc_termstate_prov *pv, prov *x, char *why, size_t whylen)
{
	const uint8_t *cur = NULL, *rev = NULL;
	size_t cur_len = 0, rev_len = 0;
	uint8_t cur_fp[ZC_HASH_LEN];
	zc_badge_ca *probe = NULL;
	int rc = ca_with_lists(pv->ca_cert, pv->ca_cert_len, NULL, 0, NULL, 0, &probe, why, whylen);
	if (rc)
		return rc;
	zc_badge_ca_fingerprint(probe, x->ca_fp);
	zc_badge_ca_free(probe);
	if (ts->ca) {
		zc_badge_ca_fingerprint(ts->ca, cur_fp);
		if (!memcmp(cur_fp, x->ca_fp, ZC_HASH_LEN) && ts->rev) {
			cur = ts->rev;
			cur_len = ts->rev_len;
		}
	}
	if ((rc =
		 ca_with_lists(pv->ca_cert, pv->ca_cert_len, cur, cur_len, pv->revocations_len ? pv->revocations : NULL,
			       pv->revocations_len, &x->ca, why, whylen)))
		return rc;
	if (pv->revocations_len) {
		rev = pv->revocations;
		rev_len = pv->revocations_len;
	} else if (cur) {
		rev = cur;
		rev_len = cur_len;
	}
	if (rev) {
		if (!(x->rev = malloc(rev_len)))
			return ZC_ENOMEM;
		memcpy(x->rev, rev, rev_len);
		x->rev_len = rev_len;
	}
	return 0;
}

/* Files: keys and CA first. */
static int prov_files(zc_termstate *ts, prov *x, char *why, size_t whylen)
{
	size_t der_len;
	const uint8_t *der = zc_badge_ca_der(x->ca, &der_len);
	size_t pem_cap = der_len * 2 + ZC_PEM_MAX;
	char *pem = malloc(pem_cap);
	int rc = ZC_ENOMEM;
	if (!pem)
		return rc;
	if ((rc = zc_pem_encode("CERTIFICATE", der, der_len, pem, pem_cap)) ||
	    (rc = write_file(ts, "ca.pem", pem, strlen(pem)))) {
		say(why, whylen, "cannot save the badge CA: %s", zc_strerror(rc));
		goto out;
	}
	rc = x->rev ? write_file(ts, "revocations.zrl", x->rev, x->rev_len) : remove_file(ts, "revocations.zrl");
	if (rc) {
		say(why, whylen, "cannot save the revocation list: %s", zc_strerror(rc));
		goto out;
	}
	if (x->host) {
		if ((rc = zc_pubkey_pem(x->host, pem, pem_cap)) ||
		    (rc = write_file(ts, "host.pub.pem", pem, strlen(pem))))
			say(why, whylen, "cannot save the host key: %s", zc_strerror(rc));
	} else if ((rc = remove_file(ts, "host.pub.pem"))) {
		say(why, whylen, "cannot remove the old host key");
	}
out:
	free(pem);
	return rc;
}

/* The PROVISIONED record, under the new terminal id. On failure the old
 * identity stays in effect (its files are rewritten by the next
 * provisioning). */
static int prov_record(zc_termstate *ts, const zc_termstate_prov *pv, prov *x, char *why, size_t whylen)
{
	int rc, opened = 0;
	uint8_t key_fp[ZC_HASH_LEN];
	zc_termstate_lock(ts);
	memcpy(x->old_tid, ts->terminal, sizeof x->old_tid);
	if (!ts->log) {
		rc = zc_termlog_open(ts->j, ts->key, pv->terminal, &ts->clk, ts->firmware, &ts->log);
		opened = !rc;
	} else {
		rc = zc_termlog_set_terminal(ts->log, pv->terminal);
	}
	if (!rc) {
		zc_rec r;
		zc_termlog_prepare(ts->log, &r, ZC_KIND_PROVISIONED);
		snprintf(r.u.prov.township, sizeof r.u.prov.township, "%s", pv->township);
		memcpy(r.u.prov.host_fp, x->host_fp, ZC_HASH_LEN);
		memcpy(r.u.prov.ca_fp, x->ca_fp, ZC_HASH_LEN);
		rc = zc_privkey_fingerprint(ts->key, key_fp);
		memcpy(r.u.prov.key_fp, key_fp, ZC_HASH_LEN);
		if (!rc)
			rc = zc_termlog_commit(ts->log, &r, NULL);
	}
	if (rc) {
		say(why, whylen, "cannot write the journal: %s", zc_strerror(rc));
		if (opened) {
			zc_termlog_close(ts->log);
			ts->log = NULL;
		} else if (ts->log && *x->old_tid) {
			zc_termlog_set_terminal(ts->log, x->old_tid);
		}
	}
	zc_termstate_unlock(ts);
	return rc;
}

/* The identity file last: the terminal is provisioned once it exists. Then
 * the new host key, CA and list take effect. */
static int prov_adopt(zc_termstate *ts, const zc_termstate_prov *pv, prov *x, char *why, size_t whylen)
{
	char ident[256];
	snprintf(ident, sizeof ident, "terminal = %s\ntownship = %s\n", pv->terminal, pv->township);
	int rc = write_file(ts, "identity.conf", ident, strlen(ident));
	zc_termstate_lock(ts);
	if (rc) {
		say(why, whylen, "cannot save the identity: %s", zc_strerror(rc));
		if (ts->provisioned && strcmp(x->old_tid, pv->terminal))
			zc_termlog_set_terminal(ts->log, x->old_tid); /* the old identity stays */
		zc_termstate_unlock(ts);
		return rc;
	}
	snprintf(ts->terminal, sizeof ts->terminal, "%s", pv->terminal);
	snprintf(ts->township, sizeof ts->township, "%s", pv->township);
	ts->provisioned = 1;
	ts->generation++;
	zc_termstate_unlock(ts);
	zc_pubkey_free(ts->host);
	ts->host = x->host;
	memcpy(ts->host_fp, x->host_fp, ZC_HASH_LEN);
	x->host = NULL;
	zc_badge_ca_free(ts->ca);
	ts->ca = x->ca;
	x->ca = NULL;
	free(ts->rev);
	ts->rev = x->rev;
	ts->rev_len = x->rev_len;
	x->rev = NULL;
	return 0;
}

int zc_termstate_provision(zc_termstate *ts, const zc_termstate_prov *pv, char *why, size_t whylen)
{
	prov x;
	memset(&x, 0, sizeof x);
	if (!ts || !pv || !pv->ca_cert) {
		say(why, whylen, "bad arguments");
		return ZC_EARG;
	}
	int rc = prov_check(pv, &x, why, whylen);
	if (!rc)
		rc = prov_ca(ts, pv, &x, why, whylen);
	if (!rc)
		rc = prov_files(ts, &x, why, whylen);
	if (!rc)
		rc = prov_record(ts, pv, &x, why, whylen);
	if (!rc)
		rc = prov_adopt(ts, pv, &x, why, whylen);
	zc_pubkey_free(x.host);
	zc_badge_ca_free(x.ca);
	free(x.rev);
	return rc;
}

int zc_termstate_set_revocations(zc_termstate *ts, const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	zc_badge_ca *ca = NULL;
	uint8_t *copy = NULL;
	int rc = ZC_ESTATE;
	if (!ts->provisioned || !ts->ca) {
		say(why, whylen, "terminal not provisioned");
		goto out;
	}
	size_t der_len;
	const uint8_t *der = zc_badge_ca_der(ts->ca, &der_len);
	if ((rc = ca_with_lists(der, der_len, ts->rev, ts->rev_len, buf, len, &ca, why, whylen)))
		goto out;
	if (ts->rev && ts->rev_len == len && !memcmp(ts->rev, buf, len)) {
		say(why, whylen, "revocation list no. %llu already installed",
		    (unsigned long long)zc_badge_ca_revocation_number(ca));
		goto out; /* rc 0: the same list, nothing changes */
	}
	rc = ZC_ENOMEM;
	if (!(copy = malloc(len ? len : 1)))
		goto out;
	memcpy(copy, buf, len);
	if ((rc = write_file(ts, "revocations.zrl", copy, len))) {
		say(why, whylen, "cannot save the revocation list: %s", zc_strerror(rc));
		goto out;
	}
	say(why, whylen, "revocation list no. %llu installed", (unsigned long long)zc_badge_ca_revocation_number(ca));
	zc_badge_ca_free(ts->ca);
	ts->ca = ca;
	ca = NULL;
	free(ts->rev);
	ts->rev = copy;
	ts->rev_len = len;
	copy = NULL;
	zc_termstate_lock(ts);
	ts->generation++;
	zc_termstate_unlock(ts);
out:
	zc_badge_ca_free(ca);
	free(copy);
	return rc;
}
