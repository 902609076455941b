/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_internal.h: what the files of the compliance engine (rules.c and
 * rules_*.c, one concern of ../shared/RULES.md each) share and nobody else
 * sees: the sorted calendar, the result under construction, the state of one
 * cadre's evaluation, and the steps one file calls in another. Include it
 * only from host/core/rules*.c; the engine's public API is zc/rules.h.
 *
 *   rules.c           entry point: input check, grouping by cadre, the order
 *                     of the steps, the result's life cycle and accessors
 *   rules_calendar.c  dates, working and rest days (section 1)
 *   rules_policy.c    policy settings and the names of levels and reasons
 *   rules_taps.c      tap verdicts, cloned badges, rejected taps, impossible
 *                     travel (sections 3 and 10)
 *   rules_leave.c     leave blocks and approval levels, corrections (5, 5a)
 *   rules_days.c      one cadre's day status (section 4)
 *   rules_tally.c     absence spells, yearly counts, allowance, recall (6-8)
 *   rules_registry.c  registry checks (section 9)
 *   rules_terminal.c  clock trust, overdue collections, integrity (3.4, 10)
 */
#ifndef ZC_RULES_INTERNAL_H
#define ZC_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "zc/rules.h"

/* ---- calendar (rules_calendar.c) ---- */

/* The input's holidays and adjusted working days, each sorted. */
typedef struct cal {
	zc_day *hol, *work;
	size_t nhol, nwork;
} cal;

/* Copy the input's calendar into c (whose arrays the caller allocated with
 * room for nholidays and nworkdays entries) and sort it. Allocates nothing
 * itself (qsort may). */
void rules_cal_fill(cal *c, const zc_rules_input *in);
/* 1 when d is a working day by c (section 1), else 0. */
int rules_cal_workday(const cal *c, zc_day d);
int rules_days_in_month(int y, int m);
/* The same month and day n years later (29 February: 28 February). */
zc_day rules_years_after(zc_day day, int n);
/* The end of local date d: the UTC instant of the next local midnight. */
int64_t rules_day_end_ms(zc_day d, int tz_offset_min);

/* ---- the result under construction (rules.c) ---- */

/* Indices of one kind of row grouped by cadre: rows of cadre c are
 * idx[off[c] .. off[c+1]). */
typedef struct bucket {
	int *off;
	int *idx;
} bucket;

typedef struct build {
	const zc_rules_input *in;
	bucket taps, leaves, duties, corrections, inspections;
	cal cal;
	/* per township: the earliest collected-until of its terminals
	 * (ZC_NEVER_COLLECTED if one was never collected, INT64_MAX if it has
	 * none): the evidence for a date is complete when this reaches the
	 * date's end (section 1) */
	int64_t *town_collected;
	zc_rules_result *r;
	size_t cap_find, cap_year, cap_month, cap_recall;
	int oom;
} build;

/* Append a finding (its details empty); NULL (and b->oom set) when out of
 * memory. */
zc_r_finding *rules_add_finding(build *b, const char *type, int sev, int kind, int subject, zc_day date);
/* Both details of a finding: the same arguments in the same order for the
 * Chinese and the English format. */
void rules_detail(zc_r_finding *f, const char *zh, const char *en, ...) __attribute__((format(printf, 3, 4)));

/* Make room for one more entry of arr (n used of cap); sets (b)->oom and
 * leaves arr as it was when out of memory. */
#define GROW(b, arr, n, cap)                                                                                           \
	do {                                                                                                           \
		if ((n) == (cap)) {                                                                                    \
			size_t nc_ = (cap) ? (cap)*2 : 64;                                                             \
			void *p_ = realloc((arr), nc_ * sizeof *(arr));                                                \
			if (!p_) {                                                                                     \
				(b)->oom = 1;                                                                          \
				break;                                                                                 \
			}                                                                                              \
			(arr) = p_;                                                                                    \
			(cap) = nc_;                                                                                   \
		}                                                                                                      \
	} while (0)

/* ---- one cadre (rules_days.c, rules_tally.c) ---- */

typedef struct cadre_ctx {
	int c;
	int *asg; /* assignment indices of this cadre, by start */
	int nasg;
	zc_day first, last;	   /* evaluated range (last <= as_of), first > last: none */
	uint16_t *taps;		   /* accepted post-terminal taps per day of [first, last] */
	uint8_t *foreign;	   /* a tap at another terminal that day */
	uint8_t *flags;		   /* DF_* per day */
	int *asg_of;		   /* assignment index per day, -1 outside */
	uint8_t *st;		   /* the day status per day (the result's status[c]) */
	const zc_day *tap_day;	   /* per input tap: its local date */
	const uint8_t *leave_ok;   /* per input leave: valid (section 5) */
	int had_consec, had_cumul; /* recall reasons found (section 7) */
} cadre_ctx;

enum {
	DF_CORRECTED = 1,   /* a valid correction of the day */
	DF_INSP_ABSENT = 2, /* an inspection found the cadre absent */
};

/* Whether assignment a covers date d. */
int rules_covers(const zc_r_assignment *a, zc_day d);

/* Sections 4 to 8 for cadre cc->c: day status, absence spells, yearly and
 * monthly counts, recall. The arrays it allocates in cc (but for st, which
 * the result owns) are the caller's to free; sets b->oom when out of
 * memory. */
void rules_eval_cadre(build *b, cadre_ctx *cc);
/* Section 7: absence spells of cc (consecutive_absence); sets cc->had_consec. */
void rules_absence_spells(build *b, cadre_ctx *cc);
/* Sections 6 to 8: the years and months of cc, then its recall entry. */
void rules_tally(build *b, cadre_ctx *cc);

/* ---- sections 5 and 5a (rules_leave.c) ---- */

int rules_correction_valid(const zc_policy *p, const zc_r_correction *k);
/* Validity of each leave of cadre c (valid[i] for in->leaves), with the
 * leave_approval_level findings. */
void rules_leave_validity(build *b, int c, uint8_t *valid);
void rules_correction_findings(build *b);

/* ---- sections 3 and 10 from taps (rules_taps.c) ---- */

/* The verdict on one tap (enum zc_tap_reject) and its local date. */
int rules_tap_verdict(const zc_rules_input *in, const zc_r_tap *t, zc_day *day);
void rules_tap_findings(build *b, const int *rej, const zc_day *day);
void rules_forged_findings(build *b, const zc_day *day);

/* ---- section 9 (rules_registry.c), section 10 (rules_terminal.c) ---- */

void rules_registry_checks(build *b);
void rules_collection_findings(build *b);
void rules_integrity_findings(build *b, const zc_rules_input *in);

#endif
