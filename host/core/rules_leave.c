/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_leave.c: leave and corrections in the compliance engine (sections 5
 * and 5a of ../shared/RULES.md): leave blocks (leaves that overlap, touch or
 * are separated only by rest days), the approval level a block's span
 * requires, which leaves are valid, and the approval-level violations of
 * leaves and corrections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "zc/err.h"
#include "zc/rules.h"
#include "zc/utf8.h"

int rules_correction_valid(const zc_policy *p, const zc_r_correction *k)
{
	return k->level != ZC_LEVEL_NONE && k->level >= p->correction_level;
}

static int leave_required_level(const zc_policy *p, int len)
{
	if (len <= p->township_max_leave_days)
		return ZC_LEVEL_TOWNSHIP;
	if (len <= p->district_max_leave_days)
		return ZC_LEVEL_DISTRICT;
	return ZC_LEVEL_CITY;
}

/* Section 5: a leave starting on s joins a block ending on bend when they
 * overlap, touch, or only rest days lie between. */
static int leave_joins(const cal *c, zc_day bend, zc_day s)
{
	for (zc_day d = bend + 1; d < s; d++)
		if (rules_cal_workday(c, d))
			return 0;
	return 1;
}

int zc_rules_leave_block(const zc_rules_input *in, int cadre, zc_day start, zc_day end, zc_day *bstart, zc_day *bend)
{
	cal c = {0};
	int rc = ZC_ENOMEM;
	if (!in || end < start || cadre < 0 || (size_t)cadre >= in->ncadres)
		return ZC_EARG;
	c.hol = malloc((in->nholidays + 1) * sizeof(zc_day));
	c.work = malloc((in->nworkdays + 1) * sizeof(zc_day));
	if (!c.hol || !c.work)
		goto out;
	rules_cal_fill(&c, in);
	/* grow [start, end] by every leave that joins it, until none does */
	zc_day s = start, e = end;
	for (int grown = 1; grown;) {
		grown = 0;
		for (size_t i = 0; i < in->nleaves; i++) {
			const zc_r_leave *l = &in->leaves[i];
			if (l->cadre != cadre || (l->start >= s && l->end <= e))
				continue;
			int joins = l->start <= s ? leave_joins(&c, l->end, s) : leave_joins(&c, e, l->start);
			if (joins) {
				s = l->start < s ? l->start : s;
				e = l->end > e ? l->end : e;
				grown = 1;
			}
		}
	}
	*bstart = s;
	*bend = e;
	rc = leave_required_level(&in->policy, e - s + 1);
out:
	free(c.hol);
	free(c.work);
	return rc;
}

/* leave_approval_level for leave l of cadre c, in the block [bstart, bend]
 * of span days that needs level need. */
static void leave_finding(build *b, int c, const zc_r_leave *l, zc_day bstart, zc_day bend, int span, int need)
{
	zc_r_finding *f = rules_add_finding(b, "leave_approval_level", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, c, l->start);
	if (f) {
		char s1[11], s2[11];
		zc_day_format(bstart, s1);
		zc_day_format(bend, s2);
		const char *ref = l->ref ? l->ref : "";
		rules_detail(f, "请假连续 %s 至 %s 共 %d 天，须%s审批；实际审批：%s%s%s",
			     "leave block %s..%s (%d days) requires %s approval; approved: %s%s%s", s1, s2, span,
			     zc_level_label_zh(need), zc_level_label_zh(l->level), *ref ? "，批文 " : "", ref);
		/* English names the levels as RULES.md does */
		zc_utf8_snprintf(f->detail, sizeof f->detail,
				 "leave block %s..%s (%d days) requires %s approval; approved: %s%s%s", s1, s2, span,
				 zc_level_name(need), zc_level_name(l->level), *ref ? ", ref " : "", ref);
	}
}

/* Section 5: validity of each leave of cadre c (valid[i] for in->leaves). */
void rules_leave_validity(build *b, int c, uint8_t *valid)
{
	const zc_rules_input *in = b->in;
	int n = b->leaves.off[c + 1] - b->leaves.off[c];
	int *idx = malloc(((size_t)n + 1) * sizeof *idx);
	if (!idx) {
		b->oom = 1;
		return;
	}
	memcpy(idx, b->leaves.idx + b->leaves.off[c], (size_t)n * sizeof *idx);
	/* insertion sort by start (few leaves per cadre) */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && in->leaves[idx[k]].start < in->leaves[idx[k - 1]].start; k--) {
			int t = idx[k];
			idx[k] = idx[k - 1];
			idx[k - 1] = t;
		}
	int i = 0;
	while (i < n) {
		zc_day bstart = in->leaves[idx[i]].start, bend = in->leaves[idx[i]].end;
		int j = i + 1;
		for (; j < n; j++) {
			if (!leave_joins(&b->cal, bend, in->leaves[idx[j]].start))
				break;
			if (in->leaves[idx[j]].end > bend)
				bend = in->leaves[idx[j]].end;
		}
		int span = bend - bstart + 1;
		int need = leave_required_level(&in->policy, span);
		for (int k = i; k < j; k++) {
			const zc_r_leave *l = &in->leaves[idx[k]];
			valid[idx[k]] = l->level != ZC_LEVEL_NONE && l->level >= need;
			if (!valid[idx[k]])
				leave_finding(b, c, l, bstart, bend, span, need);
		}
		i = j;
	}
	free(idx);
}

/* ---- section 5a: corrections approved below their level ---- */

void rules_correction_findings(build *b)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	for (size_t i = 0; i < in->ncorrections; i++) {
		const zc_r_correction *k = &in->corrections[i];
		if (rules_correction_valid(p, k))
			continue;
		zc_r_finding *f = rules_add_finding(b, "correction_approval_level", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE,
						    k->cadre, k->day);
		if (f) {
			rules_detail(f, "补卡须%s审批；实际审批：%s", "correction requires %s approval; approved: %s",
				     zc_level_label_zh(p->correction_level), zc_level_label_zh(k->level));
			zc_utf8_snprintf(f->detail, sizeof f->detail, "correction requires %s approval; approved: %s",
					 zc_level_name(p->correction_level), zc_level_name(k->level));
		}
	}
}
