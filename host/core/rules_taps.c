/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_taps.c: the compliance engine's judgement of taps (sections 3 and
 * 10 of ../shared/RULES.md): whether a tap is accepted and why not, the
 * forged_badge violations of cloned badges, the collapsed notices of rejected
 * and weak taps, and impossible travel of one badge between townships.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/rules.h"
#include "zc/utf8.h"

/* ---- section 3: accepted taps ---- */

int rules_tap_verdict(const zc_rules_input *in, const zc_r_tap *t, zc_day *day)
{
	*day = zc_day_of_utc(t->utc_ms, in->policy.tz_offset_min);
	if (!t->record_ok)
		return ZC_REJ_RECORD;
	if (t->badge < 0)
		return ZC_REJ_UNBOUND;
	const zc_r_badge *bg = &in->badges[t->badge];
	if (bg->uid_only) {
		if (!in->policy.accept_uid_badges)
			return ZC_REJ_UID;
	} else if (!t->badge_ok) {
		return ZC_REJ_BADGE_AUTH;
	}
	if (t->utc_ms >= bg->revoked_at_ms)
		return ZC_REJ_REVOKED;
	if (bg->cadre < 0 || *day < bg->bound_from || (bg->bound_to > 0 && *day > bg->bound_to))
		return ZC_REJ_UNBOUND;
	if (!t->clock_ok)
		return ZC_REJ_CLOCK;
	return ZC_REJ_NONE;
}

/* ---- section 10 (from taps): impossible travel; rejected and weak taps ---- */

static int tap_time_cmp(const void *a, const void *b, void *ctx)
{
	const zc_rules_input *in = ctx;
	const zc_r_tap *x = &in->taps[*(const int *)a], *y = &in->taps[*(const int *)b];
	if (x->badge != y->badge)
		return x->badge < y->badge ? -1 : 1;
	return x->utc_ms < y->utc_ms ? -1 : x->utc_ms > y->utc_ms;
}

/* A rejected or weak tap, for the collapsed notices. */
typedef struct tapnote {
	int kind, subject, why; /* why: enum zc_tap_reject, or -1 for a weak tap */
	zc_day day;
	int terminal, badge;
	uint64_t seq;
} tapnote;

static int tapnote_cmp(const void *a, const void *b)
{
	const tapnote *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->subject != y->subject)
		return x->subject < y->subject ? -1 : 1;
	if (x->why != y->why)
		return x->why - y->why;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One notice per subject and reason (the count, the first and the last
 * date), dated the first date: a cadre with a revoked badge gets one line,
 * not one per working day. */
static void tapnote_emit(build *b, const tapnote *v, size_t n)
{
	const zc_rules_input *in = b->in;
	const tapnote *x = &v[0], *y = &v[n - 1];
	const char *term = in->terminals[x->terminal].id;
	char s1[11], s2[11];
	zc_day_format(x->day, s1);
	zc_day_format(y->day, s2);
	if (x->why < 0) {
		zc_r_finding *f = rules_add_finding(b, "weak_tap", ZC_SEV_NOTICE, x->kind, x->subject, x->day);
		if (f)
			rules_detail(f, "仅UID卡 %s 按政策计入（accept_uid_badges）：%s 至 %s 共 %d 次",
				     "UID-only badge %s counted (policy accept_uid_badges): %s..%s, %d tap(s)",
				     in->badges[x->badge].id, s1, s2, (int)n);
		return;
	}
	zc_r_finding *f = rules_add_finding(b, "rejected_tap", ZC_SEV_NOTICE, x->kind, x->subject, x->day);
	if (!f)
		return;
	if (n == 1) {
		zc_utf8_snprintf(f->detail, sizeof f->detail, "tap at %s (record %llu) not counted: %s", term,
				 (unsigned long long)x->seq, zc_tap_reject_name(x->why));
		zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh, "终端 %s 第 %llu 条刷卡记录不计入：%s", term,
				 (unsigned long long)x->seq, zc_tap_reject_label_zh(x->why));
	} else {
		zc_utf8_snprintf(f->detail, sizeof f->detail,
				 "%zu taps from %s to %s not counted: %s (first: %s record %llu)", n, s1, s2,
				 zc_tap_reject_name(x->why), term, (unsigned long long)x->seq);
		zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh,
				 "%s 至 %s 共 %zu 次刷卡不计入：%s（首次：终端 %s 第 %llu 条）", s1, s2, n,
				 zc_tap_reject_label_zh(x->why), term, (unsigned long long)x->seq);
	}
}

/* The rejected and weak taps up to as_of, one notice per subject and
 * reason. Returns -1 when out of memory. */
static int tap_notes(build *b, const int *rej, const zc_day *day)
{
	const zc_rules_input *in = b->in;
	tapnote *v = NULL;
	size_t nv = 0, capv = 0;
	for (size_t t = 0; t < in->ntaps; t++) {
		const zc_r_tap *tp = &in->taps[t];
		int cadre = tp->badge >= 0 ? in->badges[tp->badge].cadre : -1;
		if (day[t] > in->as_of)
			continue; /* RULES.md 1: days after as_of are unknown */
		if (rej[t] == ZC_REJ_NONE && !in->badges[tp->badge].uid_only)
			continue;
		GROW(b, v, nv, capv);
		if (b->oom) {
			free(v);
			return -1;
		}
		v[nv++] = (tapnote){cadre >= 0 ? ZC_SUBJ_CADRE : ZC_SUBJ_TERMINAL,
				    cadre >= 0 ? cadre : tp->terminal,
				    rej[t] != ZC_REJ_NONE ? rej[t] : -1,
				    day[t],
				    tp->terminal,
				    tp->badge,
				    tp->seq};
	}
	if (nv)
		qsort(v, nv, sizeof *v, tapnote_cmp);
	for (size_t i = 0; i < nv;) {
		size_t k = i + 1;
		while (k < nv && v[k].kind == v[i].kind && v[k].subject == v[i].subject && v[k].why == v[i].why)
			k++;
		tapnote_emit(b, v + i, k - i);
		i = k;
	}
	free(v);
	return 0;
}

/* Impossible travel: one badge at two townships too close in time. */
static void travel_findings(build *b, const zc_day *day)
{
	const zc_rules_input *in = b->in;
	int *idx = malloc((in->ntaps + 1) * sizeof *idx);
	if (!idx) {
		b->oom = 1;
		return;
	}
	size_t n = 0;
	for (size_t t = 0; t < in->ntaps; t++)
		if (in->taps[t].badge >= 0 && in->taps[t].record_ok && day[t] <= in->as_of)
			idx[n++] = (int)t;
	qsort_r(idx, n, sizeof *idx, tap_time_cmp, (void *)in);
	int64_t gap = (int64_t)in->policy.min_travel_minutes * 60000;
	for (size_t i = 1; i < n; i++) {
		const zc_r_tap *x = &in->taps[idx[i - 1]], *y = &in->taps[idx[i]];
		if (x->badge != y->badge)
			continue; /* (one entry per binding: a rebinding between two taps is hours apart) */
		if (in->terminals[x->terminal].township == in->terminals[y->terminal].township)
			continue;
		if (y->utc_ms - x->utc_ms < gap) {
			zc_r_finding *f = rules_add_finding(b, "impossible_travel", ZC_SEV_VIOLATION, ZC_SUBJ_TERMINAL,
							    y->terminal, day[idx[i]]);
			if (f)
				rules_detail(f, "工牌 %s 在 %lld 分钟内先后出现于 %s 和 %s",
					     "badge %s within %lld minutes at %s and %s", in->badges[y->badge].id,
					     (long long)((y->utc_ms - x->utc_ms) / 60000),
					     in->terminals[x->terminal].id, in->terminals[y->terminal].id);
		}
	}
	free(idx);
}

void rules_tap_findings(build *b, const int *rej, const zc_day *day)
{
	if (tap_notes(b, rej, day))
		return;
	travel_findings(b, day);
}

/* ---- section 3: taps with a cloned badge ---- */

typedef struct cday {
	int cadre;
	zc_day day;
} cday;

static int cday_cmp(const void *a, const void *b)
{
	const cday *x = a, *y = b;
	if (x->cadre != y->cadre)
		return x->cadre < y->cadre ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

/* forged_badge: once per cadre and date, against whom the copied badge is
 * bound to on the tap's date (revocation aside). */
void rules_forged_findings(build *b, const zc_day *day)
{
	const zc_rules_input *in = b->in;
	cday *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t t = 0; t < in->ntaps; t++) {
		const zc_r_tap *tp = &in->taps[t];
		if (!tp->badge_forged || !tp->record_ok || tp->badge < 0 || day[t] > in->as_of)
			continue;
		const zc_r_badge *bg = &in->badges[tp->badge];
		if (bg->uid_only || bg->cadre < 0 || day[t] < bg->bound_from ||
		    (bg->bound_to > 0 && day[t] > bg->bound_to))
			continue;
		GROW(b, v, n, cap);
		if (b->oom) {
			free(v);
			return;
		}
		v[n++] = (cday){bg->cadre, day[t]};
	}
	if (n)
		qsort(v, n, sizeof *v, cday_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && !cday_cmp(&v[i], &v[i - 1]))
			continue;
		size_t k = i;
		while (k + 1 < n && !cday_cmp(&v[k + 1], &v[i]))
			k++;
		zc_r_finding *f =
		    rules_add_finding(b, "forged_badge", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, v[i].cadre, v[i].day);
		if (f)
			rules_detail(
			    f, "疑似弄虚作假：%d 次刷卡使用了该干部工牌证书的复制卡（签名不符）",
			    "suspected forgery: %d tap(s) with a copy of this cadre's badge certificate (the signature "
			    "does not match)",
			    (int)(k - i + 1));
	}
	free(v);
}
