/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_tally.c: what the compliance engine counts from one cadre's day
 * status (sections 6 to 8 of ../shared/RULES.md): absence spells and
 * consecutive_absence, the yearly rows (days by status, counted and required
 * days, cumulative_absence, min_days, min_days_unreachable,
 * frequent_corrections), the monthly living allowance, and the recall entry.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/rules.h"

/* ---- section 7: absence spells ---- */

/* Per assignment (its edges end a spell): runs of ABSENT dates with only
 * REST between them; a spell longer than the maximum raises
 * consecutive_absence, dated its (max + 1)-th day. */
void rules_absence_spells(build *b, cadre_ctx *cc)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	const uint8_t *st = cc->st;
	int c = cc->c;

	int max_consec = p->max_consecutive_absence_days;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		zc_day end = a->end < cc->last ? a->end : cc->last;
		zc_day sp_first = 0, sp_last = 0;
		int in_spell = 0;
		for (zc_day d = a->start; d <= end + 1; d++) {
			int s = d <= end ? st[d - cc->first] : ZC_ST_NONE;
			if (s == ZC_ST_ABSENT) {
				if (!in_spell) {
					in_spell = 1;
					sp_first = d;
				}
				sp_last = d;
			} else if (s == ZC_ST_REST && in_spell) {
				continue;
			} else if (in_spell) {
				int len = sp_last - sp_first + 1;
				if (len > max_consec) {
					cc->had_consec = 1;
					zc_r_finding *f = rules_add_finding(b, "consecutive_absence", ZC_SEV_VIOLATION,
									    ZC_SUBJ_CADRE, c, sp_first + max_consec);
					if (f) {
						char s1[11], s2[11];
						zc_day_format(sp_first, s1);
						zc_day_format(sp_last, s2);
						rules_detail(f, "%s 至 %s 连续缺勤 %d 天（超过 %d 天）",
							     "absent %s..%s: %d consecutive days (more than %d)", s1,
							     s2, len, max_consec);
					}
				}
				in_spell = 0;
			}
		}
	}
}

/* ---- sections 6 and 8: years and months ---- */

/* One year of one cadre under construction. */
typedef struct tally {
	zc_r_year yr;	 /* the year's row */
	int absent_seen; /* ABSENT dates of the year so far */
	int any;	 /* the year has an evaluated date */
} tally;

/* Count evaluated date d (status s, in month mo) into the year. The
 * (max + 1)-th CORRECTED date of the month (*mcorr counts them) raises
 * frequent_corrections, the (max + 1)-th ABSENT date of the year
 * cumulative_absence. */
static void count_day(build *b, cadre_ctx *cc, tally *t, zc_day d, int s, int mo, int *mcorr)
{
	const zc_policy *p = &b->in->policy;
	zc_r_year *yr = &t->yr;
	int c = cc->c, y = yr->year;

	switch (s) {
	case ZC_ST_PRESENT: yr->present_days++; break;
	case ZC_ST_CORRECTED:
		yr->corrected_days++;
		if (++*mcorr == p->max_corrections_per_month + 1) {
			zc_r_finding *f =
			    rules_add_finding(b, "frequent_corrections", ZC_SEV_WARNING, ZC_SUBJ_CADRE, c, d);
			if (f)
				rules_detail(f, "补卡超过 %d 天（%d 年 %d 月）",
					     "more than %d corrected days in %d-%02d", p->max_corrections_per_month, y,
					     mo);
		}
		break;
	case ZC_ST_PENDING: yr->pending_days++; break;
	case ZC_ST_DUTY: yr->duty_days++; break;
	case ZC_ST_LEAVE: yr->leave_days++; break;
	case ZC_ST_REST: yr->rest_days++; break;
	case ZC_ST_ABSENT:
		yr->absent_days++;
		if (++t->absent_seen == p->max_absent_days_per_year + 1) {
			cc->had_cumul = 1;
			zc_r_finding *f =
			    rules_add_finding(b, "cumulative_absence", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, d);
			if (f)
				rules_detail(f, "全年缺勤超过 %d 天（%d 年）", "more than %d absent days in %d",
					     p->max_absent_days_per_year, y);
		}
		break;
	}
}

/* Month mo of the year: its evaluated dates counted, and its allowance row
 * (section 8) when it has one. Returns -1 when out of memory. */
static int tally_month(build *b, cadre_ctx *cc, tally *t, int mo)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	zc_rules_result *r = b->r;
	int c = cc->c, y = t->yr.year;

	zc_day ms = zc_day_from_ymd(y, mo, 1), me = ms + rules_days_in_month(y, mo) - 1;
	int mdays = 0, many = 0, mcorr = 0;
	int64_t mfen = 0;
	for (zc_day d = ms; d <= me; d++) {
		if (d < cc->first || d > cc->last || cc->asg_of[d - cc->first] < 0)
			continue;
		int s = cc->st[d - cc->first];
		t->any = many = 1;
		count_day(b, cc, t, d, s, mo, &mcorr);
		if ((s == ZC_ST_PRESENT || s == ZC_ST_CORRECTED) &&
		    (p->allowance_on_rest_days || rules_cal_workday(&b->cal, d))) {
			const zc_r_assignment *a = &in->assignments[cc->asg_of[d - cc->first]];
			int64_t rate = in->villages[a->village].rate_fen;
			mdays++;
			mfen += rate >= 0 ? rate : p->daily_rate_fen;
		}
	}
	if (many) {
		t->yr.allowance_days += mdays;
		t->yr.allowance_fen += mfen;
		GROW(b, r->months, r->nmonths, b->cap_month);
		if (b->oom)
			return -1;
		zc_r_month *mr = &r->months[r->nmonths++];
		mr->cadre = c;
		mr->year = y;
		mr->month = mo;
		mr->allowance_days = mdays;
		mr->allowance_fen = mfen;
	}
	return 0;
}

/* Section 6: the required days over the whole year's assignments, then
 * min_days once the year is over for the cadre (and nothing PENDING), or
 * min_days_unreachable before. */
static void required_days(build *b, cadre_ctx *cc, zc_r_year *yr)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int c = cc->c, y = yr->year;
	zc_day as_of = in->as_of;

	zc_day ys = zc_day_from_ymd(y, 1, 1), ye = zc_day_from_ymd(y, 12, 31);
	int covered = 0, after = 0;
	zc_day lastd = INT32_MIN;
	for (zc_day d = ys; d <= ye; d++) {
		int cov = 0;
		for (int k = 0; k < cc->nasg && !cov; k++)
			cov = rules_covers(&in->assignments[cc->asg[k]], d);
		if (!cov)
			continue;
		covered++;
		lastd = d;
		if (d > as_of)
			after++;
	}
	int diy = zc_days_in_year(y);
	int64_t minreq = p->min_days_per_year;
	yr->required_days = covered == diy ? (int)minreq : (int)((minreq * covered + diy - 1) / diy);
	if (as_of >= lastd && !yr->pending_days) {
		if (yr->counted_days < yr->required_days) {
			zc_r_finding *f = rules_add_finding(b, "min_days", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, lastd);
			if (f)
				rules_detail(f, "计入天数 %d 天（%d 年），应驻 %d 天",
					     "%d counted days in %d, %d required", yr->counted_days, y,
					     yr->required_days);
		}
	} else if (yr->counted_days + after + yr->pending_days < yr->required_days) {
		zc_r_finding *f = rules_add_finding(b, "min_days_unreachable", ZC_SEV_WARNING, ZC_SUBJ_CADRE, c, as_of);
		if (f)
			rules_detail(f, "已计入 %d 天（%d 年），剩余 %d 天、未收取 %d 天，已无法达到应驻 %d 天",
				     "%d counted days in %d, %d days left and %d pending: %d required can no longer be "
				     "reached",
				     yr->counted_days, y, after, yr->pending_days, yr->required_days);
	}
}

/* Year y of the cadre: its months, then its row when it has an evaluated
 * date. Returns -1 when out of memory. */
static int tally_year(build *b, cadre_ctx *cc, int y)
{
	zc_rules_result *r = b->r;
	tally t;
	memset(&t, 0, sizeof t);
	t.yr.cadre = cc->c;
	t.yr.year = y;
	for (int mo = 1; mo <= 12; mo++)
		if (tally_month(b, cc, &t, mo))
			return -1;
	if (!t.any)
		return 0;
	t.yr.counted_days = t.yr.present_days + t.yr.corrected_days + t.yr.duty_days;
	required_days(b, cc, &t.yr);
	GROW(b, r->years, r->nyears, b->cap_year);
	if (b->oom)
		return -1;
	r->years[r->nyears++] = t.yr;
	return 0;
}

void rules_tally(build *b, cadre_ctx *cc)
{
	zc_rules_result *r = b->r;
	int y0, y1, m_, d_;
	zc_day_to_ymd(cc->first, &y0, &m_, &d_);
	zc_day_to_ymd(cc->last, &y1, &m_, &d_);
	for (int y = y0; y <= y1; y++)
		if (tally_year(b, cc, y))
			return;
	/* section 7: the recall list */
	if (cc->had_consec || cc->had_cumul) {
		GROW(b, r->recall, r->nrecall, b->cap_recall);
		if (b->oom)
			return;
		zc_r_recall *rc = &r->recall[r->nrecall++];
		rc->cadre = cc->c;
		rc->consecutive = cc->had_consec;
		rc->cumulative = cc->had_cumul;
	}
}
