/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_registry.c: the compliance engine's registry checks (section 9 of
 * ../shared/RULES.md): a first secretary's eligibility at appointment, term
 * length and rotation, training during the term, and each village's team on
 * as_of.
 */
#include <stdint.h>
#include <stdio.h>

#include "rules_internal.h"
#include "zc/rules.h"
#include "zc/utf8.h"

int rules_covers(const zc_r_assignment *a, zc_day d)
{
	return d >= a->start && d <= a->end;
}

/* first_secretary_eligibility: party standing and work experience at the
 * start of a first secretary's assignment that has started. */
static void eligibility(build *b, const zc_r_assignment *a)
{
	const zc_rules_input *in = b->in;
	zc_day as_of = in->as_of;
	const zc_r_cadre *cd = &in->cadres[a->cadre];
	if (cd->role == ZC_ROLE_FIRST_SECRETARY && a->start <= as_of) {
		int party_ok = cd->has_party && cd->party_since <= zc_day_years_before(a->start, 1);
		int work_ok = cd->work_since <= zc_day_years_before(a->start, 2);
		if (!party_ok || !work_ok) {
			zc_r_finding *f = rules_add_finding(b, "first_secretary_eligibility", ZC_SEV_VIOLATION,
							    ZC_SUBJ_CADRE, a->cadre, a->start);
			if (f) {
				zc_utf8_snprintf(f->detail, sizeof f->detail, "at the start of the assignment: %s%s%s",
						 party_ok ? "" : "party standing under 1 year",
						 !party_ok && !work_ok ? "; " : "",
						 work_ok ? "" : "work experience under 2 years");
				zc_utf8_snprintf(f->detail_zh, sizeof f->detail_zh, "选派时：%s%s%s",
						 party_ok ? "" : "党龄不满1年", !party_ok && !work_ok ? "；" : "",
						 work_ok ? "" : "工作经历不满2年");
			}
		}
	}
}

/* term_length and rotation_due of one assignment. */
static void term(build *b, const zc_r_assignment *a)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	zc_day as_of = in->as_of;
	char s1[11], s2[11];
	zc_day term_end = rules_years_after(a->start, p->term_years) - 1;
	if (a->end > term_end + p->handover_days) {
		zc_r_finding *f =
		    rules_add_finding(b, "term_length", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, a->cadre, a->start);
		if (f) {
			zc_day_format(a->start, s1);
			zc_day_format(a->end, s2);
			rules_detail(f, "驻村期 %s 至 %s 超过 %d 年任期加 %d 天交接期",
				     "assignment %s..%s is longer than %d years plus %d days of hand-over", s1, s2,
				     p->term_years, p->handover_days);
		}
	}
	zc_day due = a->end - p->handover_days;
	if (due <= as_of && as_of <= a->end) {
		zc_r_finding *f = rules_add_finding(b, "rotation_due", ZC_SEV_NOTICE, ZC_SUBJ_CADRE, a->cadre, due);
		if (f) {
			zc_day_format(a->end, s2);
			rules_detail(f, "任期 %s 届满", "term ends %s", s2);
		}
	}
}

/* training: none at district level or above during the term. */
static void training(build *b, const zc_r_assignment *a)
{
	const zc_rules_input *in = b->in;
	const zc_policy *p = &in->policy;
	zc_day as_of = in->as_of;
	int trained = 0;
	for (int ki = b->duties.off[a->cadre]; ki < b->duties.off[a->cadre + 1] && !trained; ki++) {
		const zc_r_duty *du = &in->duties[b->duties.idx[ki]];
		trained = du->kind == ZC_DUTY_TRAINING && du->level >= ZC_LEVEL_DISTRICT && du->start <= a->end &&
			  du->end >= a->start;
	}
	if (!trained) {
		int len = a->end - a->start + 1;
		zc_day warn = a->start + (zc_day)(((int64_t)len * p->training_warning_percent + 99) / 100) - 1;
		if (as_of >= a->end) {
			zc_r_finding *f =
			    rules_add_finding(b, "training", ZC_SEV_VIOLATION, ZC_SUBJ_CADRE, a->cadre, a->end);
			if (f)
				rules_detail(f, "任期内未参加区级及以上培训", "%s",
					     "no training at district level or above during the term");
		} else if (as_of >= warn) {
			zc_r_finding *f =
			    rules_add_finding(b, "training", ZC_SEV_WARNING, ZC_SUBJ_CADRE, a->cadre, warn);
			if (f)
				rules_detail(f, "任期已过 %d%%，尚未参加区级及以上培训",
					     "%d%% of the term has passed without training at district level or above",
					     p->training_warning_percent);
		}
	}
}

/* team_size and team_leader of every village on as_of. */
static void teams(build *b)
{
	const zc_rules_input *in = b->in;
	zc_day as_of = in->as_of;
	for (size_t v = 0; v < in->nvillages; v++) {
		int n = 0, fs = 0;
		for (size_t i = 0; i < in->nassignments; i++) {
			const zc_r_assignment *a = &in->assignments[i];
			if (a->village != (int)v || !rules_covers(a, as_of))
				continue;
			n++;
			fs += in->cadres[a->cadre].role == ZC_ROLE_FIRST_SECRETARY;
		}
		if (n < 3) {
			zc_r_finding *f =
			    rules_add_finding(b, "team_size", ZC_SEV_VIOLATION, ZC_SUBJ_VILLAGE, (int)v, as_of);
			if (f)
				rules_detail(f, "在驻干部 %d 人，至少须 3 人",
					     "%d cadres on assignment, at least 3 required", n);
		}
		if (fs != 1) {
			zc_r_finding *f =
			    rules_add_finding(b, "team_leader", ZC_SEV_VIOLATION, ZC_SUBJ_VILLAGE, (int)v, as_of);
			if (f)
				rules_detail(f, "第一书记 %d 人，须恰好 1 人",
					     "%d first secretaries on assignment, exactly 1 required", fs);
		}
	}
}

void rules_registry_checks(build *b)
{
	const zc_rules_input *in = b->in;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		eligibility(b, a);
		term(b, a);
		training(b, a);
	}
	teams(b);
}
