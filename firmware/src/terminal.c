/* SPDX-License-Identifier: Apache-2.0 */
/*
 * terminal.c: the tap loop (zc/terminal.h).
 *
 * A tap, in order: select the PIV application, read the card UUID, take the
 * certificate from the cache (by UUID) or read it, check it against the CA
 * at the terminal's time and check that it names the UUID the card claims,
 * prepare the record (which fixes seq, time and prev_hash), compute the
 * challenge from it, have the card sign, verify, append durably, and only
 * then signal success. A rejected badge is still recorded with its reason
 * (the first reason found: a certificate refused by the CA stays so even if
 * the signature fails too); a card that leaves early is recorded as
 * removed. A card left on the reader is handled once, not again on every
 * poll.
 *
 * The card is hostile until proven otherwise. Its whole dialogue runs
 * against one deadline (zc_piv_set_budget); the certificate cache holds only
 * certificates that chained to the CA and whose UUID is the card's, so a
 * card claiming another badge's UUID cannot plant its certificate there; a
 * tap record the encoder refuses anyway is recorded without the card's data
 * as a card error, so no answer of a card stops the terminal.
 *
 * Sharing: the event log (and the journal under it) may be shared with the
 * link server's thread. With a lock set (zc_terminal_set_lock) it is held
 * only to prepare a record (read the head) and to commit it, never while
 * waiting on the card. The challenge binds the record's place in the chain,
 * so if another record went in while the card was signing, the commit sees
 * the head moved (ZC_ECHAIN) and the card is asked again over the new
 * place, a few times within the tap's deadline; after that the tap is
 * recorded without the card's signature. Without an event log (not
 * provisioned yet) taps are refused with a message and nothing is recorded.
 */
#include "zc/terminal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zc/err.h"
#include "zc/piv.h"
#include "zc/record.h"

#define CERT_CACHE     64
#define SEEN_MAX       256
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000
#define SIGN_ATTEMPTS  3 /* card signatures per tap when the head keeps moving */

typedef struct cached_cert {
	uint8_t uuid[ZC_PIV_UUID_LEN];
	zc_badge_cert *cert;
	uint64_t used; /* LRU stamp */
} cached_cert;

typedef struct seen {
	uint8_t id[ZC_BADGE_ID_MAX];
	uint8_t id_len;
	int64_t utc_ms;
} seen;

struct zc_terminal {
	zc_termlog *log;
	zc_reader *reader;
	zc_clock clk;
	zc_feedback *fb;
	zc_badge_ca *ca;
	zc_terminal_cfg cfg;
	void (*lock)(void *);
	void (*unlock)(void *);
	void *lock_ctx;
	int reader_open;
	int in_fault;	     /* a fault record was written for this outage */
	double next_open_ms; /* real monotonic time of the next reopen attempt */
	int backoff_ms;
	int holding; /* a handled card is still in the field */
	int card_timeout_ms;
	cached_cert cache[CERT_CACHE];
	uint64_t lru;
	seen seen[SEEN_MAX];
	int nseen;
	zc_terminal_stats st;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int zc_terminal_new(zc_termlog *log, zc_reader *reader, const zc_clock *clk, zc_feedback *fb, zc_badge_ca *ca,
		    const zc_terminal_cfg *cfg, zc_terminal **out)
{
	if (!reader || !clk || !fb || !cfg)
		return ZC_EARG;
	zc_terminal *t = calloc(1, sizeof *t);
	if (!t)
		return ZC_ENOMEM;
	t->log = log;
	t->reader = reader;
	t->clk = *clk;
	t->fb = fb;
	t->ca = ca;
	t->cfg = *cfg;
	t->backoff_ms = BACKOFF_MIN_MS;
	t->card_timeout_ms = ZC_TERMINAL_CARD_TIMEOUT_MS;
	*out = t;
	return 0;
}

void zc_terminal_free(zc_terminal *t)
{
	if (!t)
		return;
	for (int i = 0; i < CERT_CACHE; i++)
		zc_badge_cert_free(t->cache[i].cert);
	if (t->reader_open)
		t->reader->close(t->reader->ctx);
	free(t);
}

static void cache_flush(zc_terminal *t)
{
	for (int i = 0; i < CERT_CACHE; i++) {
		zc_badge_cert_free(t->cache[i].cert);
		t->cache[i].cert = NULL;
		t->cache[i].used = 0;
	}
}

void zc_terminal_set_ca(zc_terminal *t, zc_badge_ca *ca)
{
	/* the cache holds what chained to the old CA only */
	if (ca != t->ca)
		cache_flush(t);
	t->ca = ca;
}

void zc_terminal_set_card_timeout(zc_terminal *t, int ms)
{
	t->card_timeout_ms = ms > 0 ? ms : ZC_TERMINAL_CARD_TIMEOUT_MS;
}

int zc_terminal_cache_check(zc_terminal *t, int64_t utc_ms)
{
	int n = 0;
	for (int i = 0; i < CERT_CACHE; i++) {
		zc_badge_cert *c = t->cache[i].cert;
		if (!c)
			continue;
		uint8_t u[ZC_BADGE_UUID_LEN];
		int res;
		if (!t->ca || zc_badge_cert_check(t->ca, c, utc_ms, &res) || res == ZC_TAP_UNKNOWN_CA ||
		    zc_badge_cert_uuid(c, u) || memcmp(u, t->cache[i].uuid, ZC_PIV_UUID_LEN))
			return -1;
		n++;
	}
	return n;
}

void zc_terminal_set_log(zc_terminal *t, zc_termlog *log)
{
	t->log = log;
}

void zc_terminal_set_lock(zc_terminal *t, void (*lock)(void *), void (*unlock)(void *), void *ctx)
{
	t->lock = lock;
	t->unlock = unlock;
	t->lock_ctx = ctx;
}

static void lock(zc_terminal *t)
{
	if (t->lock)
		t->lock(t->lock_ctx);
}

static void unlock(zc_terminal *t)
{
	if (t->unlock)
		t->unlock(t->lock_ctx);
}

void zc_terminal_stats_get(const zc_terminal *t, zc_terminal_stats *st)
{
	*st = t->st;
	st->reader_ok = t->reader_open && !t->in_fault;
}

/* ---- feedback ---- */

static void local_time(const zc_terminal *t, int64_t utc_ms, char *out, size_t cap, int with_date)
{
	time_t s = (time_t)(utc_ms / 1000) + (time_t)t->cfg.tz_offset_min * 60;
	struct tm tm;
	gmtime_r(&s, &tm);
	if (with_date)
		snprintf(out, cap, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min);
	else
		snprintf(out, cap, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static void feedback(zc_terminal *t, zc_fb_kind kind, const char *reason, const char *zh, const char *en,
		     int64_t utc_ms, uint64_t seq)
{
	zc_fb_event ev = {kind, reason, zh, en, utc_ms, seq};
	t->fb->show(t->fb->ctx, &ev);
}

static const char *reject_zh(int result)
{
	switch (result) {
	case ZC_TAP_UNKNOWN_CA: return "工牌无效：非本区签发";
	case ZC_TAP_REVOKED: return "工牌已吊销，请联系区驻村办";
	case ZC_TAP_BAD_SIGNATURE: return "工牌验证失败（疑似复制卡）";
	case ZC_TAP_REMOVED: return "卡片移开过早，请重新刷卡";
	default: return "无法读取工牌，请重新刷卡";
	}
}

static const char *reject_en(int result)
{
	switch (result) {
	case ZC_TAP_UNKNOWN_CA: return "badge refused: not issued by this district";
	case ZC_TAP_REVOKED: return "badge revoked: contact the district office";
	case ZC_TAP_BAD_SIGNATURE: return "badge failed authentication (possible clone)";
	case ZC_TAP_REMOVED: return "card removed too early: tap again";
	default: return "cannot read the badge: tap again";
	}
}

/* ---- reader faults ---- */

static int log_fault(zc_terminal *t, int32_t code, const char *text)
{
	zc_rec r;
	if (!t->log)
		return 0; /* not provisioned: nothing is recorded */
	lock(t);
	zc_termlog_prepare(t->log, &r, ZC_KIND_READER_FAULT);
	r.u.fault.code = code;
	snprintf(r.u.fault.text, sizeof r.u.fault.text, "%s", text);
	int rc = zc_termlog_commit(t->log, &r, NULL);
	unlock(t);
	return rc;
}

static void reader_failed(zc_terminal *t, const char *what)
{
	int64_t now = t->clk.utc_ms(t->clk.ctx);
	if (t->reader_open)
		t->reader->close(t->reader->ctx);
	t->reader_open = 0;
	t->holding = 0;
	t->st.faults++;
	snprintf(t->st.last_fault, sizeof t->st.last_fault, "%s", what);
	if (!t->in_fault) {
		/* One record per outage, not one per retry. */
		t->in_fault = 1;
		log_fault(t, ZC_EIO, what);
		feedback(t, ZC_FB_FAULT, "reader", "读卡器故障，正在重试", "reader fault, retrying", now, 0);
	}
	t->next_open_ms = now_ms() + t->backoff_ms;
	t->backoff_ms = t->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : t->backoff_ms * 2;
}

/* Open the reader if it is closed and the back-off (in real time: the
 * simulated clock may stand still) has passed. */
static int ensure_reader(zc_terminal *t)
{
	if (t->reader_open)
		return 1;
	if (now_ms() < t->next_open_ms) {
		struct timespec d = {0, 20 * 1000000L};
		nanosleep(&d, NULL);
		return 0;
	}
	if (t->reader->open(t->reader->ctx)) {
		reader_failed(t, "reader cannot be opened");
		return 0;
	}
	t->reader_open = 1;
	t->backoff_ms = BACKOFF_MIN_MS;
	if (t->in_fault) {
		t->in_fault = 0;
		log_fault(t, 0, "reader restored");
		feedback(t, ZC_FB_READY, "", "读卡器已恢复，请刷卡", "reader restored: tap your badge",
			 t->clk.utc_ms(t->clk.ctx), 0);
	}
	return 1;
}

/* ---- duplicates and certificate cache ---- */

static seen *find_seen(zc_terminal *t, const uint8_t *id, uint8_t len)
{
	for (int i = 0; i < t->nseen; i++)
		if (t->seen[i].id_len == len && !memcmp(t->seen[i].id, id, len))
			return &t->seen[i];
	return NULL;
}

static int is_duplicate(zc_terminal *t, const uint8_t *id, uint8_t len, int64_t now, int64_t *when)
{
	seen *s = find_seen(t, id, len);
	if (!s || t->cfg.duplicate_window_s <= 0)
		return 0;
	int64_t d = now - s->utc_ms;
	if (d >= 0 && d < (int64_t)t->cfg.duplicate_window_s * 1000) {
		*when = s->utc_ms;
		return 1;
	}
	return 0;
}

static void remember(zc_terminal *t, const uint8_t *id, uint8_t len, int64_t now)
{
	seen *s = find_seen(t, id, len);
	if (!s) {
		if (t->nseen < SEEN_MAX) {
			s = &t->seen[t->nseen++];
		} else { /* replace the oldest */
			s = &t->seen[0];
			for (int i = 1; i < SEEN_MAX; i++)
				if (t->seen[i].utc_ms < s->utc_ms)
					s = &t->seen[i];
		}
		memcpy(s->id, id, len);
		s->id_len = len;
	}
	s->utc_ms = now;
}

static zc_badge_cert *cache_get(zc_terminal *t, const uint8_t uuid[ZC_PIV_UUID_LEN])
{
	for (int i = 0; i < CERT_CACHE; i++)
		if (t->cache[i].cert && !memcmp(t->cache[i].uuid, uuid, ZC_PIV_UUID_LEN)) {
			t->cache[i].used = ++t->lru;
			return t->cache[i].cert;
		}
	return NULL;
}

/* Take c out of the cache (the caller owns it then). */
static void cache_take(zc_terminal *t, const zc_badge_cert *c)
{
	for (int i = 0; i < CERT_CACHE; i++)
		if (t->cache[i].cert == c) {
			t->cache[i].cert = NULL;
			t->cache[i].used = 0;
		}
}

static void cache_put(zc_terminal *t, const uint8_t uuid[ZC_PIV_UUID_LEN], zc_badge_cert *c)
{
	cached_cert *slot = &t->cache[0];
	for (int i = 0; i < CERT_CACHE; i++) {
		if (!t->cache[i].cert) {
			slot = &t->cache[i];
			break;
		}
		if (t->cache[i].used < slot->used)
			slot = &t->cache[i];
	}
	zc_badge_cert_free(slot->cert);
	memcpy(slot->uuid, uuid, ZC_PIV_UUID_LEN);
	slot->cert = c;
	slot->used = ++t->lru;
}

/* ---- taps ---- */

static int tap_done(zc_terminal *t, zc_rec *r, const char *name, int rc);

/* Append a prepared tap record (the lock held). If the record encoder
 * refuses it (ZC_EARG: something the card or reader gave is not
 * recordable; piv.c should have refused it already), record the tap
 * anyway as a card error without the card's data: a card can neither stop
 * the terminal nor erase the record of its own rejection. */
static int append_tap(zc_terminal *t, zc_rec *r)
{
	double a = now_ms();
	int rc = zc_termlog_commit(t->log, r, NULL);
	if ((rc == ZC_EARG || rc == ZC_EMALFORMED) && r->kind == ZC_KIND_TAP) {
		zc_rec_tap *tp = &r->u.tap;
		tp->badge_sig_len = 0;
		memset(tp->badge_sig, 0, sizeof tp->badge_sig);
		if (tp->badge_kind != ZC_BADGE_PIV && tp->badge_kind != ZC_BADGE_UID)
			tp->badge_kind = ZC_BADGE_PIV;
		if (tp->badge_kind == ZC_BADGE_UID)
			memset(tp->cert_fp, 0, sizeof tp->cert_fp);
		if (tp->badge_id_len < 1 || tp->badge_id_len > ZC_BADGE_ID_MAX) {
			memset(tp->badge_id, 0, sizeof tp->badge_id);
			tp->badge_id_len = 1;
		}
		if (tp->result != ZC_TAP_UNKNOWN_CA && tp->result != ZC_TAP_REVOKED && tp->result != ZC_TAP_REMOVED)
			tp->result = ZC_TAP_CARD_ERROR;
		rc = zc_termlog_commit(t->log, r, NULL);
	}
	t->st.last_append_ms = now_ms() - a;
	return rc;
}

/* Append a prepared tap record (the lock is held since prepare; released
 * here) and report the outcome. */
static int commit_tap(zc_terminal *t, zc_rec *r, const char *name)
{
	int rc = append_tap(t, r);
	unlock(t);
	return tap_done(t, r, name, rc);
}

/* Feedback for a tap record whose append returned rc. */
static int tap_done(zc_terminal *t, zc_rec *r, const char *name, int rc)
{
	char hm[64], zh[256], en[256];
	local_time(t, r->utc_ms, hm, sizeof hm, 1);
	const zc_rec_tap *tp = &r->u.tap;
	if (rc == ZC_EFULL || rc == ZC_ENOSPC) {
		feedback(t, ZC_FB_FULL, "journal_full", "存储已满，本次刷卡未记录，请联系文书导出记录",
			 "storage full: tap NOT recorded, ask the clerk to collect the log", r->utc_ms, 0);
		return 0;
	}
	if (rc) {
		feedback(t, ZC_FB_FAULT, "journal", "存储故障，本次刷卡未记录", "storage fault: tap NOT recorded",
			 r->utc_ms, 0);
		return rc;
	}
	t->st.taps++;
	if (tp->result == ZC_TAP_OK) {
		remember(t, tp->badge_id, tp->badge_id_len, r->utc_ms);
		snprintf(zh, sizeof zh, "%s 签到成功 %s", name, hm);
		snprintf(en, sizeof en, "%s checked in %s", name, hm);
		feedback(t, ZC_FB_OK, "", zh, en, r->utc_ms, r->seq);
	} else if (tp->result == ZC_TAP_WEAK && t->cfg.accept_uid_badges) {
		remember(t, tp->badge_id, tp->badge_id_len, r->utc_ms);
		snprintf(zh, sizeof zh, "已记录（非加密卡，仅作参考）%s", hm);
		snprintf(en, sizeof en, "recorded (UID-only card, weak) %s", hm);
		feedback(t, ZC_FB_WEAK, "weak", zh, en, r->utc_ms, r->seq);
	} else if (tp->result == ZC_TAP_WEAK) {
		/* recorded, but the policy does not count it: never sound like a success */
		remember(t, tp->badge_id, tp->badge_id_len, r->utc_ms);
		snprintf(zh, sizeof zh, "已记录，普通卡不计考勤 %s", hm);
		snprintf(en, sizeof en, "recorded; a plain card does not count for attendance %s", hm);
		feedback(t, ZC_FB_WEAK, "not_counted", zh, en, r->utc_ms, r->seq);
	} else {
		t->st.rejected++;
		feedback(t, ZC_FB_REJECTED, zc_tap_result_name(tp->result), reject_zh(tp->result),
			 reject_en(tp->result), r->utc_ms, r->seq);
	}
	return 0;
}

static int already(zc_terminal *t, const char *name, int64_t when, int64_t now)
{
	char hm[64], zh[256], en[256];
	local_time(t, when, hm, sizeof hm, 0);
	snprintf(zh, sizeof zh, "%s 已签到（%s），无需重复刷卡", name, hm);
	snprintf(en, sizeof en, "%s already recorded at %s", name, hm);
	t->st.duplicates++;
	feedback(t, ZC_FB_ALREADY, "already", zh, en, now, 0);
	return 0;
}

static int tap_uid(zc_terminal *t, const zc_target *tg)
{
	int64_t now = t->clk.utc_ms(t->clk.ctx), when;
	if (is_duplicate(t, tg->uid, (uint8_t)tg->uid_len, now, &when))
		return already(t, "UID", when, now);
	zc_rec r;
	uint8_t nonce[ZC_NONCE_LEN];
	if (zc_random(nonce, ZC_NONCE_LEN))
		return ZC_ECRYPTO;
	lock(t);
	zc_termlog_prepare(t->log, &r, ZC_KIND_TAP);
	r.u.tap.badge_kind = ZC_BADGE_UID;
	r.u.tap.result = ZC_TAP_WEAK;
	r.u.tap.badge_id_len = (uint8_t)tg->uid_len;
	memcpy(r.u.tap.badge_id, tg->uid, tg->uid_len);
	memcpy(r.u.tap.nonce, nonce, ZC_NONCE_LEN);
	return commit_tap(t, &r, "UID");
}

/* Have the card sign the challenge of r (prepared) and judge the answer:
 * the tap result given the certificate's verdict so far (result). Fills
 * r's signature. ZC_EIO for a reader failure, else 0 with *out set. */
static int card_sign(zc_terminal *t, zc_rec *r, zc_badge_cert *bc, int result, int *out, double *crypto,
		     unsigned *trips)
{
	zc_rec_tap *tp = &r->u.tap;
	uint8_t ch[ZC_HASH_LEN];
	size_t sl = 0;
	zc_rec_tap_challenge(r, ch);
	int rc = zc_piv_sign(t->reader, ch, tp->badge_sig, &sl);
	*trips += zc_piv_round_trips();
	if (rc == ZC_EIO)
		return rc;
	int sres = ZC_TAP_OK;
	if (rc == ZC_ENOENT) {
		sres = ZC_TAP_REMOVED;
	} else if (rc) {
		sres = ZC_TAP_CARD_ERROR; /* refused, malformed, or too slow */
	} else {
		tp->badge_sig_len = (uint8_t)sl;
		double c0 = now_ms();
		if (zc_badge_cert_verify(bc, ch, tp->badge_sig, sl))
			sres = ZC_TAP_BAD_SIGNATURE;
		*crypto += now_ms() - c0;
	}
	/* the first reason stands: a certificate the CA refused stays refused */
	*out = result == ZC_TAP_OK ? sres : result;
	return 0;
}

/* A PIV badge; returns ZC_EIO for a reader failure, else 0 or a journal
 * error. */
/* Write a PIV tap's record: the card signs the challenge of the record's
 * place (unless rc, an earlier failure of the dialogue, says it cannot);
 * the termlog lock is held only to prepare and to commit, never while the
 * card works. When another record takes the place meanwhile, the card is
 * asked again (SIGN_ATTEMPTS in all), then the tap is recorded unsigned.
 * 0 with *crc the commit's result, or the reader's failure (nothing
 * written; the lock is not held). */
static int tap_piv_write(zc_terminal *t, const zc_rec_tap *tap, zc_badge_cert *bc, int result, int rc, double *crypto,
			 unsigned *trips, zc_rec *r, int *crc)
{
	for (int attempt = 1;; attempt++) {
		/* The lock only to read the head: not while the card signs. */
		lock(t);
		zc_termlog_prepare(t->log, r, ZC_KIND_TAP);
		unlock(t);
		r->u.tap = *tap;
		int res = result;
		if (!rc && (rc = card_sign(t, r, bc, result, &res, crypto, trips)))
			return rc; /* the reader failed */
		r->u.tap.result = (uint8_t)res;
		lock(t);
		*crc = append_tap(t, r);
		if (*crc != ZC_ECHAIN)
			break;
		/* Another record went in while the card signed: the challenge
		 * names a stale place. Ask the card again over the new one. */
		if (!rc && attempt < SIGN_ATTEMPTS) {
			unlock(t);
			continue;
		}
		/* Give up asking: record the tap without the card's signature,
		 * prepared and committed under the one lock. */
		zc_termlog_prepare(t->log, r, ZC_KIND_TAP);
		r->u.tap = *tap;
		r->u.tap.result = (uint8_t)(result == ZC_TAP_OK ? ZC_TAP_CARD_ERROR : result);
		*crc = append_tap(t, r);
		break;
	}
	unlock(t);
	return 0;
}

static int tap_piv(zc_terminal *t, const zc_target *tg)
{
	uint8_t uuid[ZC_PIV_UUID_LEN], cert[ZC_PIV_CERT_MAX];
	size_t cert_len;
	int known_uuid = 0, rc, result = ZC_TAP_CARD_ERROR;
	zc_badge_cert *bc = NULL, *fresh = NULL; /* fresh: read now, ours until cached */
	const char *name = "";
	double t0 = now_ms(), crypto = 0;
	unsigned trips = 0;

	zc_piv_set_budget((unsigned)t->card_timeout_ms);
	rc = zc_piv_select(t->reader);
	trips += zc_piv_round_trips();
	if (rc == ZC_ESTATE || rc == ZC_EMALFORMED) { /* no PIV application: a plain card */
		zc_piv_set_budget(0);
		return tap_uid(t, tg);
	}
	if (!rc) {
		rc = zc_piv_read_uuid(t->reader, uuid);
		trips += zc_piv_round_trips();
		known_uuid = !rc;
	}
	int cached = 0;
	if (!rc) {
		bc = cache_get(t, uuid);
		cached = bc != NULL;
		if (!bc) {
			rc = zc_piv_read_cert(t->reader, cert, &cert_len);
			trips += zc_piv_round_trips();
			if (!rc) {
				double c0 = now_ms();
				if (zc_badge_cert_parse(cert, cert_len, &fresh))
					rc = ZC_EMALFORMED;
				bc = fresh;
				crypto += now_ms() - c0;
			}
		}
	}
	if (rc == ZC_EIO)
		goto out;
	int64_t now = t->clk.utc_ms(t->clk.ctx), when;
	if (!rc) {
		name = zc_badge_cert_name(bc);
		double c0 = now_ms();
		if (!t->ca || zc_badge_cert_check(t->ca, bc, now, &result))
			result = ZC_TAP_UNKNOWN_CA;
		crypto += now_ms() - c0;
		/* The certificate must be this card's: its subjectAltName UUID
		 * is the CHUID the card answered (a refusal by the CA stands
		 * as the first reason). */
		uint8_t cu[ZC_BADGE_UUID_LEN];
		int own = !zc_badge_cert_uuid(bc, cu) && !memcmp(cu, uuid, ZC_PIV_UUID_LEN);
		if (result == ZC_TAP_OK && !own)
			result = ZC_TAP_CARD_ERROR;
		/* A cached certificate the CA no longer takes (expired, a
		 * new CA) leaves the cache; it is freed after this tap. */
		if (cached && result == ZC_TAP_UNKNOWN_CA) {
			cache_take(t, bc);
			fresh = bc;
		}
		/* Cache only what chained to the CA under its own UUID. */
		if (fresh && !cached && own && (result == ZC_TAP_OK || result == ZC_TAP_REVOKED)) {
			cache_put(t, uuid, fresh);
			fresh = NULL;
		}
		if (result == ZC_TAP_OK && is_duplicate(t, uuid, ZC_PIV_UUID_LEN, now, &when)) {
			rc = already(t, name, when, now);
			goto out;
		}
	} else if (rc == ZC_ENOENT) {
		result = ZC_TAP_REMOVED;
	}

	zc_rec r;
	zc_rec_tap tap;
	memset(&tap, 0, sizeof tap);
	if (zc_random(tap.nonce, ZC_NONCE_LEN)) {
		rc = ZC_ECRYPTO;
		goto out;
	}
	tap.badge_kind = ZC_BADGE_PIV;
	if (known_uuid) {
		tap.badge_id_len = ZC_PIV_UUID_LEN;
		memcpy(tap.badge_id, uuid, ZC_PIV_UUID_LEN);
	} else {
		tap.badge_id_len = (uint8_t)tg->uid_len;
		memcpy(tap.badge_id, tg->uid, tg->uid_len);
	}
	if (bc)
		zc_badge_cert_fingerprint(bc, tap.cert_fp);
	int crc;
	if ((rc = tap_piv_write(t, &tap, bc, result, rc, &crypto, &trips, &r, &crc)))
		goto out; /* the reader failed */
	t->st.last_crypto_ms = crypto;
	t->st.last_reader_ms = now_ms() - t0 - crypto;
	t->st.last_round_trips = trips;
	t->st.last_cached = cached;
	rc = tap_done(t, &r, *name ? name : "?", crc);
out:
	zc_piv_set_budget(0);
	zc_badge_cert_free(fresh);
	return rc;
}

int zc_terminal_step(zc_terminal *t)
{
	if (!ensure_reader(t))
		return 0;
	zc_reader *rd = t->reader;
	if (t->holding) {
		/* The card we handled is still there: wait for it to leave. */
		int p = rd->present(rd->ctx);
		if (p < 0) {
			reader_failed(t, "presence check failed");
			return 0;
		}
		if (p == 1) {
			struct timespec d = {0, (long)t->cfg.poll_timeout_ms * 1000000L};
			nanosleep(&d, NULL);
			return 0;
		}
		t->holding = 0;
		rd->release(rd->ctx);
	}
	zc_target tg;
	int n = rd->poll(rd->ctx, t->cfg.poll_timeout_ms, &tg);
	if (n < 0) {
		reader_failed(t, "reader stopped answering");
		return 0;
	}
	if (n == 0)
		return 0;
	if (!t->log) {
		/* Not provisioned: no identity to sign for, nothing recorded. */
		feedback(t, ZC_FB_REJECTED, "unprovisioned", "终端尚未初始化，本次刷卡未记录，请联系文书",
			 "terminal not provisioned: tap NOT recorded, ask the clerk", t->clk.utc_ms(t->clk.ctx), 0);
		t->holding = 1;
		return 0;
	}
	int rc = tg.iso14443_4 ? tap_piv(t, &tg) : tap_uid(t, &tg);
	if (rc == ZC_EIO) {
		reader_failed(t, "reader failed during a tap");
		return 0;
	}
	t->holding = 1;
	return rc;
}
