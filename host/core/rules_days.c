/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_days.c: one cadre's evaluation in the compliance engine, and in it
 * the day status of section 4 of ../shared/RULES.md: the evaluated range,
 * the assignment of each date, the accepted taps at post terminals (and
 * foreign_terminal notices), valid corrections and absent inspections, then
 * PRESENT, CORRECTED, DUTY, LEAVE, REST, PENDING or ABSENT for each date, with
 * inspection_absent. The counts that follow are rules_tally.c's.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rules_internal.h"
#include "zc/rules.h"

/* The evaluated range: from the earliest start of an assignment that has
 * started to the latest end (or as_of). Returns its length in days (0: no
 * date is evaluated). */
static int cadre_range(build *b, cadre_ctx *cc)
{
	const zc_rules_input *in = b->in;
	zc_rules_result *r = b->r;
	int c = cc->c;
	zc_day as_of = in->as_of;

	cc->first = INT32_MAX;
	cc->last = INT32_MIN;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		if (a->start > as_of)
			continue;
		if (a->start < cc->first)
			cc->first = a->start;
		zc_day e = a->end < as_of ? a->end : as_of;
		if (e > cc->last)
			cc->last = e;
	}
	int span = cc->first <= cc->last ? cc->last - cc->first + 1 : 0;
	r->first[c] = cc->first;
	r->span[c] = span;
	return span;
}

/* The per-day arrays over the range (the status array goes to the result
 * at once) and the assignment of each date. Returns -1 when out of memory. */
static int cadre_days(build *b, cadre_ctx *cc, int span)
{
	const zc_rules_input *in = b->in;
	zc_rules_result *r = b->r;
	int c = cc->c;

	uint8_t *st = calloc((size_t)span, 1);
	cc->taps = calloc((size_t)span, sizeof *cc->taps);
	cc->foreign = calloc((size_t)span, 1);
	cc->flags = calloc((size_t)span, 1);
	cc->asg_of = malloc((size_t)span * sizeof *cc->asg_of);
	r->status[c] = st;
	cc->st = st;
	if (!st || !cc->taps || !cc->foreign || !cc->flags || !cc->asg_of) {
		b->oom = 1;
		return -1;
	}
	for (int i = 0; i < span; i++)
		cc->asg_of[i] = -1;
	for (int k = 0; k < cc->nasg; k++) {
		const zc_r_assignment *a = &in->assignments[cc->asg[k]];
		for (zc_day d = a->start; d <= a->end && d <= cc->last; d++)
			if (d >= cc->first)
				cc->asg_of[d - cc->first] = cc->asg[k];
	}
	return 0;
}

/* The cadre's accepted taps per evaluated date: at a post terminal they
 * count; at another terminal they raise foreign_terminal, once a date. */
static void cadre_taps(build *b, cadre_ctx *cc)
{
	const zc_rules_input *in = b->in;
	int c = cc->c;
	const zc_day *tap_day = cc->tap_day;

	for (int ti = b->taps.off[c]; ti < b->taps.off[c + 1]; ti++) {
		int t = b->taps.idx[ti];
		const zc_r_tap *tp = &in->taps[t];
		zc_day d = tap_day[t];
		if (d < cc->first || d > cc->last || cc->asg_of[d - cc->first] < 0)
			continue;
		const zc_r_assignment *a = &in->assignments[cc->asg_of[d - cc->first]];
		int post = in->terminals[tp->terminal].township == in->villages[a->village].township;
		if (post) {
			if (cc->taps[d - cc->first] < UINT16_MAX)
				cc->taps[d - cc->first]++;
		} else if (!cc->foreign[d - cc->first]) {
			cc->foreign[d - cc->first] = 1;
			zc_r_finding *f = rules_add_finding(b, "foreign_terminal", ZC_SEV_NOTICE, ZC_SUBJ_CADRE, c, d);
			if (f)
				rules_detail(f, "在终端 %s 刷卡，该终端不属于驻村所在乡镇",
					     "tap at terminal %s, not a terminal of the assigned village's township",
					     in->terminals[tp->terminal].id);
		}
	}
}

/* Sections 5a, 5b: the dates with a valid correction and those on which an
 * inspection found the cadre absent. */
static void cadre_flags(build *b, cadre_ctx *cc)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int c = cc->c;

	for (int ki = b->corrections.off[c]; ki < b->corrections.off[c + 1]; ki++) {
		const zc_r_correction *k = &in->corrections[b->corrections.idx[ki]];
		if (k->day >= cc->first && k->day <= cc->last && rules_correction_valid(p, k))
			cc->flags[k->day - cc->first] |= DF_CORRECTED;
	}
	for (int ki = b->inspections.off[c]; ki < b->inspections.off[c + 1]; ki++) {
		const zc_r_inspection *x = &in->inspections[b->inspections.idx[ki]];
		zc_day d = zc_day_of_utc(x->utc_ms, p->tz_offset_min);
		if (x->absent && d >= cc->first && d <= cc->last)
			cc->flags[d - cc->first] |= DF_INSP_ABSENT;
	}
}

/* Section 4: the status of evaluated day i (a date inside an assignment),
 * the first that holds. */
static int day_status(build *b, const cadre_ctx *cc, int i)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int c = cc->c;
	zc_day d = cc->first + i;

	int s;
	int insp_absent = cc->flags[i] & DF_INSP_ABSENT;
	if (cc->taps[i] >= p->min_taps_per_day && !insp_absent) {
		s = ZC_ST_PRESENT;
	} else if ((cc->flags[i] & DF_CORRECTED) && !insp_absent) {
		s = ZC_ST_CORRECTED;
	} else {
		s = 0;
		for (int ki = b->duties.off[c]; ki < b->duties.off[c + 1] && !s; ki++) {
			const zc_r_duty *du = &in->duties[b->duties.idx[ki]];
			if (d >= du->start && d <= du->end)
				s = ZC_ST_DUTY;
		}
		for (int ki = b->leaves.off[c]; ki < b->leaves.off[c + 1] && !s; ki++) {
			int k = b->leaves.idx[ki];
			if (cc->leave_ok[k] && d >= in->leaves[k].start && d <= in->leaves[k].end)
				s = ZC_ST_LEAVE;
		}
		if (!s && !rules_cal_workday(&b->cal, d))
			s = ZC_ST_REST;
		if (!s && !insp_absent) {
			int town = in->villages[in->assignments[cc->asg_of[i]].village].township;
			if (b->town_collected[town] < rules_day_end_ms(d, p->tz_offset_min))
				s = ZC_ST_PENDING;
		}
		if (!s)
			s = ZC_ST_ABSENT;
	}
	return s;
}

/* Section 5b: inspection_absent on day i (date d), naming the first
 * inspector who found the cadre absent that date. */
static void inspection_finding(build *b, const cadre_ctx *cc, int i, zc_day d)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	int c = cc->c;

	zc_r_finding *f = rules_add_finding(b, "inspection_absent", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, d);
	if (f) {
		const char *who = "";
		for (int ki = b->inspections.off[c]; ki < b->inspections.off[c + 1] && !*who; ki++) {
			const zc_r_inspection *x = &in->inspections[b->inspections.idx[ki]];
			if (x->absent && zc_day_of_utc(x->utc_ms, p->tz_offset_min) == d && x->inspector)
				who = x->inspector;
		}
		if (cc->taps[i])
			rules_detail(f, "检查（%s）发现不在岗，尽管当天已在驻地终端刷卡 %d 次",
				     "an inspection (%s) found the cadre absent although %d tap(s) at a post "
				     "terminal that day",
				     who, (int)cc->taps[i]);
		else
			rules_detail(f, "检查（%s）发现不在岗，当天无驻地终端刷卡",
				     "an inspection (%s) found the cadre absent; no tap at a post terminal "
				     "that day",
				     who);
	}
}

/* Section 4 over the range: each date's status into the result. */
static void cadre_status(build *b, cadre_ctx *cc, int span)
{
	uint8_t *st = cc->st;
	for (int i = 0; i < span; i++) {
		zc_day d = cc->first + i;
		if (cc->asg_of[i] < 0)
			continue;
		int insp_absent = cc->flags[i] & DF_INSP_ABSENT;
		int s = day_status(b, cc, i);
		st[i] = (uint8_t)s;
		if (insp_absent && s == ZC_ST_ABSENT)
			inspection_finding(b, cc, i, d);
	}
}

void rules_eval_cadre(build *b, cadre_ctx *cc)
{
	int span = cadre_range(b, cc);
	if (!span)
		return;
	if (cadre_days(b, cc, span))
		return;
	cadre_taps(b, cc);
	cadre_flags(b, cc);
	cadre_status(b, cc, span);
	rules_absence_spells(b, cc);
	rules_tally(b, cc);
}
