/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_rules.c: the compliance engine against RULES.md: dates, every worked
 * example, the boundaries (15/16 and 30/31 days, 3/4/7/8-day leave, leap
 * years, adjusted workdays, local midnight in UTC+8), the registry checks,
 * and every scenario in ../shared/scenarios/ with an expected report
 * (evaluated on the scenario's data directly; the end-to-end run through
 * terminals and the serial link is the scenario suite's job).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>

#include "testutil.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/report.h"
#include "zc/rules.h"
#include "scenario.h"

static zc_day D(const char *s)
{
	zc_day d;
	if (zc_day_parse(s, &d))
		fail_msg("bad date %s", s);
	return d;
}

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(zc_weekday(D("2025-01-01")), 2); /* Wednesday */
	assert_int_equal(zc_weekday(D("2025-03-03")), 0); /* Monday */
	assert_int_equal(zc_days_in_year(2024), 366);
	assert_int_equal(zc_days_in_year(2100), 365);
	assert_int_equal(zc_days_in_year(2000), 366);
	for (zc_day d = D("1999-12-01"); d < D("2030-02-01"); d++) {
		int y, m, dd;
		char s[11];
		zc_day_to_ymd(d, &y, &m, &dd);
		assert_int_equal(zc_day_from_ymd(y, m, dd), d);
		zc_day_format(d, s);
		assert_int_equal(D(s), d);
	}
	zc_day x;
	assert_int_equal(zc_day_parse("2025-02-29", &x), -1);
	assert_int_equal(zc_day_parse("2024-02-29", &x), 0);
	assert_int_equal(zc_day_parse("2025-1-01", &x), -1);
	assert_int_equal(zc_day_parse("2025-13-01", &x), -1);
	/* N years before: 29 February maps to 28 February */
	assert_int_equal(zc_day_years_before(D("2024-02-29"), 1), D("2023-02-28"));
	assert_int_equal(zc_day_years_before(D("2028-02-29"), 4), D("2024-02-29"));
	assert_int_equal(zc_day_years_before(D("2025-07-01"), 2), D("2023-07-01"));
	/* local midnight in UTC+8 */
	assert_int_equal(zc_day_of_utc(1735747199000LL, 480), D("2025-01-01")); /* 15:59:59Z */
	assert_int_equal(zc_day_of_utc(1735747200000LL, 480), D("2025-01-02")); /* 16:00:00Z */
	assert_int_equal(zc_day_of_utc(1735747200000LL, 0), D("2025-01-01"));
	assert_int_equal(zc_day_of_utc(-1, 0), D("1969-12-31"));
}

/* ---- a small world: one township, one village, one terminal ---- */

typedef struct world {
	zc_rules_input in;
	zc_r_township tw[2];
	zc_r_village vi[2];
	zc_r_terminal te[2];
	zc_r_cadre ca[4];
	zc_r_assignment as[4];
	zc_r_badge ba[4];
	zc_r_leave le[16];
	zc_r_duty du[8];
	zc_r_tap *taps;
	size_t ntaps, cap;
	zc_day hol[8], wd[8];
} world;

static void world_init(world *w, const char *start, const char *end, const char *as_of)
{
	memset(w, 0, sizeof *w);
	zc_policy_default(&w->in.policy);
	w->tw[0].id = "T01";
	w->tw[1].id = "T02";
	w->vi[0] = (zc_r_village){.id = "V01", .township = 0, .rate_fen = 10000};
	w->vi[1] = (zc_r_village){.id = "V02", .township = 1, .rate_fen = 12000};
	w->te[0] = (zc_r_terminal){"K01", 0, INT64_MAX};
	w->te[1] = (zc_r_terminal){"K02", 1, INT64_MAX};
	w->ca[0] =
	    (zc_r_cadre){"C001", "张三", ZC_ROLE_FIRST_SECRETARY, 1, D("2015-07-01"), D("2010-09-01"), "市乡村振兴局"};
	w->as[0] = (zc_r_assignment){0, 0, D(start), D(end)};
	w->ba[0] =
	    (zc_r_badge){.id = "B001", .cadre = 0, .bound_from = D(start), .uid_only = 0, .revoked_at_ms = INT64_MAX};
	w->in.as_of = D(as_of);
	w->in.townships = w->tw;
	w->in.ntownships = 2;
	w->in.villages = w->vi;
	w->in.nvillages = 2;
	w->in.terminals = w->te;
	w->in.nterminals = 2;
	w->in.cadres = w->ca;
	w->in.ncadres = 1;
	w->in.assignments = w->as;
	w->in.nassignments = 1;
	w->in.badges = w->ba;
	w->in.nbadges = 1;
	w->in.leaves = w->le;
	w->in.duties = w->du;
	w->in.holidays = w->hol;
	w->in.workdays = w->wd;
}

static void tap_at(world *w, int terminal, int64_t utc_ms)
{
	if (w->ntaps == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->taps = realloc(w->taps, w->cap * sizeof *w->taps);
	}
	w->taps[w->ntaps++] = (zc_r_tap){0, terminal, utc_ms, 1, 1, 1, w->ntaps + 1, 0};
	w->in.taps = w->taps;
	w->in.ntaps = w->ntaps;
}

/* one tap at 08:30 local on every working day from..to (inclusive) */
static void present_workdays(world *w, const char *from, const char *to)
{
	for (zc_day d = D(from); d <= D(to); d++)
		if (zc_rules_is_workday(&w->in, d))
			tap_at(w, 0, ((int64_t)d * 86400 + 30 * 60) * 1000); /* 00:30Z = 08:30 local */
}

static zc_rules_result *eval(world *w)
{
	zc_rules_result *r = NULL;
	assert_int_equal(zc_rules_evaluate(&w->in, &r), 0);
	return r;
}

static int count_findings(const zc_rules_result *r, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		n += !strcmp(r->findings[i].type, type);
	return n;
}

static const zc_r_finding *finding(const zc_rules_result *r, const char *type, int k)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].type, type) && k-- == 0)
			return &r->findings[i];
	return NULL;
}

static const zc_r_year *year_row(const zc_rules_result *r, int cadre, int year)
{
	for (size_t i = 0; i < r->nyears; i++)
		if (r->years[i].cadre == cadre && r->years[i].year == year)
			return &r->years[i];
	return NULL;
}

static void world_free(world *w, zc_rules_result *r)
{
	zc_rules_result_free(r);
	free(w->taps);
}

/* Worked example 1: absent 3..19 March, present 20 March. */
static void test_example1_consecutive(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	present_workdays(&w, "2025-01-01", "2025-03-02");
	present_workdays(&w, "2025-03-20", "2025-12-31");
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-18"));
	assert_int_equal(finding(r, "consecutive_absence", 0)->severity, ZC_SEV_VIOLATION);
	/* every finding explains itself in both languages */
	assert_string_equal(finding(r, "consecutive_absence", 0)->detail,
			    "absent 2025-03-03..2025-03-19: 17 consecutive days (more than 15)");
	assert_string_equal(finding(r, "consecutive_absence", 0)->detail_zh,
			    "2025-03-03 至 2025-03-19 连续缺勤 17 天（超过 15 天）");
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->absent_days, 13);
	assert_int_equal(y->present_days, 248);
	assert_int_equal(r->nrecall, 1);
	assert_int_equal(r->recall[0].consecutive, 1);
	world_free(&w, r);
}

/* Boundary: a 15-day spell is allowed, 16 is not. */
static void test_spell_15_vs_16(void **state)
{
	(void)state;
	/* Mon 3 March .. Mon 17 March = 15 days; present Tue 18 */
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-03-02");
	present_workdays(&w, "2025-03-18", "2025-06-30");
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 0);
	world_free(&w, r);
	/* ... to Tue 18 March = 16 days: reported on the 16th day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-03-02");
	present_workdays(&w, "2025-03-19", "2025-06-30");
	r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-18"));
	world_free(&w, r);
}

/* A spell is trimmed to ABSENT dates (rest days at the edges do not count),
 * ends at as_of and at an assignment's edge, and runs across a year end. */
static void test_spell_edges(void **state)
{
	(void)state;
	world w;
	/* absent Mon 3 .. Fri 14 March and rest Sat 15/Sun 16, present Mon 17:
	 * trimmed to 3..14 = 12 days */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	present_workdays(&w, "2025-01-01", "2025-03-02");
	present_workdays(&w, "2025-03-17", "2025-12-31");
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 0);
	world_free(&w, r);
	/* absent from 15 Dec 2025 to 9 Jan 2026: one spell across the year end */
	world_init(&w, "2025-01-01", "2026-12-31", "2026-03-31");
	present_workdays(&w, "2025-01-01", "2025-12-12");
	present_workdays(&w, "2026-01-12", "2026-03-31");
	r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-12-30"));
	world_free(&w, r);
	/* as_of ends a spell: absent since 3 March, as_of 20 March */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-20");
	present_workdays(&w, "2025-01-01", "2025-03-02");
	r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-18"));
	world_free(&w, r);
	/* an assignment edge ends it even when the next starts the next day */
	world_init(&w, "2025-01-01", "2025-03-10", "2025-06-30");
	w.as[1] = (zc_r_assignment){0, 0, D("2025-03-11"), D("2026-12-31")};
	w.in.nassignments = 2;
	present_workdays(&w, "2025-01-01", "2025-02-28");
	present_workdays(&w, "2025-03-20", "2025-06-30");
	r = eval(&w);
	/* 3..10 March (8 days) and 11..19 March (9 days): no violation */
	assert_int_equal(count_findings(r, "consecutive_absence"), 0);
	world_free(&w, r);
}

/* Worked example 2 and the 30/31 boundary of cumulative absence. */
static void test_cumulative_30_vs_31(void **state)
{
	(void)state;
	world w;
	/* six absent weeks spread out: 5 absent days each, with presence between */
	const char *weeks[] = {"2025-02-03", "2025-03-03", "2025-04-07", "2025-05-05",
			       "2025-06-02", "2025-07-07", "2025-08-04"};
	for (int nweeks = 6; nweeks <= 7; nweeks++) {
		world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
		zc_day prev = D("2025-01-01");
		for (int k = 0; k < nweeks; k++) {
			zc_day s = D(weeks[k]);
			for (zc_day d = prev; d < s; d++)
				if (zc_rules_is_workday(&w.in, d))
					tap_at(&w, 0, ((int64_t)d * 86400 + 1800) * 1000);
			prev = s + 5;
		}
		for (zc_day d = prev; d <= D("2025-12-31"); d++)
			if (zc_rules_is_workday(&w.in, d))
				tap_at(&w, 0, ((int64_t)d * 86400 + 1800) * 1000);
		zc_rules_result *r = eval(&w);
		assert_int_equal(year_row(r, 0, 2025)->absent_days, nweeks * 5);
		assert_int_equal(count_findings(r, "consecutive_absence"), 0);
		if (nweeks == 6) { /* exactly 30: allowed */
			assert_int_equal(count_findings(r, "cumulative_absence"), 0);
			assert_int_equal(r->nrecall, 0);
		} else { /* 35: reported on the 31st absent date, Mon 4 August */
			assert_int_equal(count_findings(r, "cumulative_absence"), 1);
			assert_int_equal(finding(r, "cumulative_absence", 0)->date, D("2025-08-04"));
			assert_int_equal(r->nrecall, 1);
			assert_int_equal(r->recall[0].cumulative, 1);
		}
		world_free(&w, r);
	}
}

/* Worked example 3: touching township leaves form a 5-day block. */
static void test_example3_leave_block(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	present_workdays(&w, "2025-01-01", "2025-05-11");
	present_workdays(&w, "2025-05-19", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-05-12"), D("2025-05-14"), ZC_LEVEL_TOWNSHIP, "L1"};
	w.le[1] = (zc_r_leave){0, D("2025-05-15"), D("2025-05-16"), ZC_LEVEL_TOWNSHIP, "L2"};
	w.in.nleaves = 2;
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 2);
	assert_int_equal(finding(r, "leave_approval_level", 0)->date, D("2025-05-12"));
	assert_int_equal(finding(r, "leave_approval_level", 1)->date, D("2025-05-15"));
	assert_non_null(strstr(finding(r, "leave_approval_level", 0)->detail, "requires district"));
	assert_int_equal(year_row(r, 0, 2025)->absent_days, 5);
	assert_int_equal(year_row(r, 0, 2025)->leave_days, 0);
	world_free(&w, r);
}

/* Leave lengths 3/4/7/8 and blocks joined across rest days only. */
static void test_leave_levels(void **state)
{
	(void)state;
	struct {
		const char *s, *e;
		int level, valid;
	} cases[] = {
	    {"2025-03-03", "2025-03-05", ZC_LEVEL_TOWNSHIP, 1}, /* 3 days */
	    {"2025-03-03", "2025-03-06", ZC_LEVEL_TOWNSHIP, 0}, /* 4 days */
	    {"2025-03-03", "2025-03-06", ZC_LEVEL_DISTRICT, 1},
	    {"2025-03-03", "2025-03-09", ZC_LEVEL_DISTRICT, 1}, /* 7 */
	    {"2025-03-03", "2025-03-10", ZC_LEVEL_DISTRICT, 0}, /* 8 */
	    {"2025-03-03", "2025-03-10", ZC_LEVEL_CITY, 1},
	    {"2025-03-03", "2025-03-03", ZC_LEVEL_NONE, 0},	/* not approved */
	    {"2025-03-07", "2025-03-10", ZC_LEVEL_DISTRICT, 1}, /* example 4: Fri..Mon */
	    {"2025-04-01", "2025-04-10", ZC_LEVEL_DISTRICT, 0}, /* example 4: 10 days */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		world w;
		world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
		w.le[0] = (zc_r_leave){0, D(cases[i].s), D(cases[i].e), cases[i].level, ""};
		w.in.nleaves = 1;
		zc_rules_result *r = eval(&w);
		assert_int_equal(count_findings(r, "leave_approval_level"), !cases[i].valid);
		int st = zc_rules_day_status(r, 0, D(cases[i].s));
		assert_int_equal(st, cases[i].valid
					 ? ZC_ST_LEAVE
					 : (zc_rules_is_workday(&w.in, D(cases[i].s)) ? ZC_ST_ABSENT : ZC_ST_REST));
		world_free(&w, r);
	}
	/* Fri + Mon leaves, a weekend between: one 4-day block -> district */
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-07"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, ""};
	w.in.nleaves = 2;
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 2);
	world_free(&w, r);
	/* ... but a working Tuesday between two leaves keeps them apart */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-03"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-05"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, ""};
	w.in.nleaves = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 0);
	world_free(&w, r);
	/* an adjusted working Saturday between leaves also keeps them apart */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.wd[0] = D("2025-03-08");
	w.in.nworkdays = 1;
	w.le[0] = (zc_r_leave){0, D("2025-03-05"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-09"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, ""};
	w.in.nleaves = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 0);
	world_free(&w, r);
	/* an invalid leave after as_of is still reported */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	w.le[0] = (zc_r_leave){0, D("2025-09-01"), D("2025-09-10"), ZC_LEVEL_DISTRICT, ""};
	w.in.nleaves = 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 1);
	world_free(&w, r);
}

/* Worked example 5: a half-year assignment; required days prorated; and
 * the unreachable warning / min_days violation. */
static void test_example5_required_days(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-07-01", "2027-06-30", "2025-12-31");
	present_workdays(&w, "2025-07-01", "2025-12-31");
	zc_rules_result *r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->required_days, 101);
	assert_int_equal(count_findings(r, "min_days"), 0);
	world_free(&w, r);
	/* a whole leap year: 200; half of it: ceil(200*182/366) = 100 */
	world_init(&w, "2024-01-01", "2025-12-31", "2024-12-31");
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2024)->required_days, 200);
	assert_int_equal(count_findings(r, "min_days"), 1); /* never present */
	assert_int_equal(finding(r, "min_days", 0)->date, D("2024-12-31"));
	world_free(&w, r);
	world_init(&w, "2024-07-03", "2026-06-30", "2024-12-31");
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2024)->required_days, 100);
	world_free(&w, r);
	/* unreachable: by 30 June with 0 counted and 184 days left < 200 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 1);
	assert_int_equal(finding(r, "min_days_unreachable", 0)->date, D("2025-06-30"));
	assert_int_equal(finding(r, "min_days_unreachable", 0)->severity, ZC_SEV_WARNING);
	world_free(&w, r);
	/* reachable: 130 days present by 30 June + 184 left */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-06-30");
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
}

/* Worked example 6: district training counts as DUTY and satisfies the
 * per-term rule; without it the term ends with a violation. */
static void test_example6_training(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2024-01-01", "2025-12-31", "2025-12-31");
	w.du[0] = (zc_r_duty){0, D("2025-10-13"), D("2025-10-15"), ZC_DUTY_TRAINING, ZC_LEVEL_DISTRICT};
	w.in.nduties = 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->duty_days, 3);
	assert_int_equal(year_row(r, 0, 2025)->counted_days, 3);
	assert_int_equal(count_findings(r, "training"), 0);
	world_free(&w, r);
	world_init(&w, "2024-01-01", "2025-12-31", "2025-12-31");
	w.du[0] = (zc_r_duty){0, D("2025-10-13"), D("2025-10-15"), ZC_DUTY_TRAINING, ZC_LEVEL_TOWNSHIP};
	w.in.nduties = 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 1);
	assert_int_equal(finding(r, "training", 0)->severity, ZC_SEV_VIOLATION);
	assert_int_equal(finding(r, "training", 0)->date, D("2025-12-31"));
	world_free(&w, r);
	/* at 80% of the term: a warning */
	world_init(&w, "2024-01-01", "2025-12-31", "2025-08-01");
	r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 1);
	assert_int_equal(finding(r, "training", 0)->severity, ZC_SEV_WARNING);
	world_free(&w, r);
}

/* Local midnight: a tap at 23:59 local counts that day, 00:00 the next;
 * a tap at another township's terminal is a notice, not presence. */
static void test_local_midnight_and_foreign(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	tap_at(&w, 0, 1735747140000LL); /* 2025-01-01T15:59:00Z = 23:59 on the 1st */
	tap_at(&w, 0, 1735747200000LL); /* 16:00Z = 00:00 on the 2nd */
	tap_at(&w, 1, 1736150400000LL); /* 2025-01-06T08:00Z, at T02 */
	zc_rules_result *r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-02")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-03")), ZC_ST_ABSENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-04")), ZC_ST_REST);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-06")), ZC_ST_ABSENT);
	assert_int_equal(count_findings(r, "foreign_terminal"), 1);
	assert_int_equal(finding(r, "foreign_terminal", 0)->date, D("2025-01-06"));
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-11")), ZC_ST_NONE); /* after as_of: unknown */
	world_free(&w, r);
	/* holiday and adjusted working day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	w.hol[0] = D("2025-01-01");
	w.in.nholidays = 1;
	w.wd[0] = D("2025-01-26"); /* a working Sunday */
	w.in.nworkdays = 1;
	r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-01")), ZC_ST_REST);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-26")), ZC_ST_ABSENT);
	world_free(&w, r);
	/* min_taps_per_day = 2 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-02");
	w.in.policy.min_taps_per_day = 2;
	tap_at(&w, 0, 1735691400000LL); /* 2025-01-01 08:30 local */
	tap_at(&w, 0, 1735713000000LL); /* 14:30 local */
	tap_at(&w, 0, 1735777800000LL); /* 2025-01-02 08:30 local, only one */
	r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-02")), ZC_ST_ABSENT);
	world_free(&w, r);
}

/* Section 3: revoked, UID, unbound, unverified and untrusted-clock taps do
 * not count and are reported; allowance counts working days at the rate. */
static void test_tap_acceptance_and_allowance(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	w.ba[0].revoked_at_ms = 1735777800000LL; /* from 2025-01-02 08:30 local */
	w.ba[1] = (zc_r_badge){.id = "B002",
			       .cadre = 0,
			       .bound_from = D("2025-01-01"),
			       .uid_only = 1,
			       .revoked_at_ms = INT64_MAX}; /* UID */
	w.in.nbadges = 2;
	tap_at(&w, 0, 1735691400000LL); /* Jan 1: ok */
	tap_at(&w, 0, 1735777800000LL); /* Jan 2: at the revocation instant: rejected */
	w.taps[w.ntaps - 1].seq = 2;
	tap_at(&w, 0, 1735864200000LL); /* Jan 3 via the UID badge */
	w.taps[w.ntaps - 1].badge = 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-02")), ZC_ST_ABSENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-03")), ZC_ST_ABSENT);
	assert_int_equal(r->tap_reject[1], ZC_REJ_REVOKED);
	assert_int_equal(r->tap_reject[2], ZC_REJ_UID);
	assert_int_equal(count_findings(r, "rejected_tap"), 2);
	assert_int_equal(year_row(r, 0, 2025)->allowance_days, 1);
	assert_int_equal(year_row(r, 0, 2025)->allowance_fen, 10000);
	world_free(&w, r);
	w.in.policy.accept_uid_badges = 1;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	w.in.policy.accept_uid_badges = 1;
	w.ba[1] = (zc_r_badge){
	    .id = "B002", .cadre = 0, .bound_from = D("2025-01-01"), .uid_only = 1, .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	w.as[0].village = 1;		/* V02, 12000 fen, township T02 */
	tap_at(&w, 1, 1735864200000LL); /* Jan 3, UID, accepted now */
	w.taps[0].badge = 1;
	tap_at(&w, 1, 1736037000000LL); /* Sat 4 Jan: present, no allowance */
	tap_at(&w, 1, 1736123400000LL); /* bad record */
	w.taps[2].record_ok = 0;
	r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-03")), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "weak_tap"), 1);
	assert_int_equal(year_row(r, 0, 2025)->present_days, 2);
	assert_int_equal(year_row(r, 0, 2025)->allowance_days, 1);
	assert_int_equal(year_row(r, 0, 2025)->allowance_fen, 12000);
	assert_int_equal(r->tap_reject[2], ZC_REJ_RECORD);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	w.in.policy.allowance_on_rest_days = 1;
	tap_at(&w, 0, 1736037000000LL); /* Saturday */
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->allowance_days, 1);
	world_free(&w, r);
}

/* Section 9: first secretary eligibility, team size and leader, term length. */
static void test_registry(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-07-01", "2027-06-30", "2025-12-31");
	w.ca[0].party_since = D("2024-07-01"); /* exactly one year: eligible */
	w.ca[0].work_since = D("2023-07-01");  /* exactly two years */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 0);
	assert_int_equal(count_findings(r, "team_size"), 2);   /* V01 has 1, V02 has 0 */
	assert_int_equal(count_findings(r, "team_leader"), 1); /* V02 */
	assert_int_equal(count_findings(r, "term_length"), 0);
	world_free(&w, r);
	world_init(&w, "2025-07-01", "2027-06-30", "2025-12-31");
	w.ca[0].party_since = D("2024-07-02"); /* a day short */
	r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 1);
	assert_int_equal(finding(r, "first_secretary_eligibility", 0)->date, D("2025-07-01"));
	world_free(&w, r);
	world_init(&w, "2025-07-01", "2027-06-30", "2025-12-31");
	w.ca[0].has_party = 0;
	r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 1);
	world_free(&w, r);
	/* a term of 2 years + 61 days is too long; + 60 is fine */
	world_init(&w, "2025-01-01", "2027-03-01", "2025-12-31");
	r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2027-03-02", "2025-12-31");
	r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 1);
	world_free(&w, r);
}

/* ---- the shared scenarios, on their data ---- */

static int compared(json_t *types, const char *t)
{
	size_t i;
	json_t *v;
	json_array_foreach(types, i, v) if (!strcmp(json_string_value(v), t)) return 1;
	return 0;
}

static char *finding_key(json_t *f)
{
	static char buf[256];
	const char *subj = json_string_value(json_object_get(f, "cadre"));
	const char *kind = "cadre";
	if (!subj) {
		subj = json_string_value(json_object_get(f, "village"));
		kind = "village";
	}
	if (!subj) {
		subj = json_string_value(json_object_get(f, "terminal"));
		kind = "terminal";
	}
	snprintf(buf, sizeof buf, "%s %s=%s %s", json_string_value(json_object_get(f, "type")), kind, subj ? subj : "?",
		 json_string_value(json_object_get(f, "date")));
	return strdup(buf);
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_scenario(const char *scn, const char *expected)
{
	size_t len;
	uint8_t *text = tu_read_file(scn, &len);
	assert_non_null(text);
	zc_scenario *s;
	char err[512];
	if (zc_scenario_parse((char *)text, len, scn, &s, err, sizeof err))
		fail_msg("%s", err);
	free(text);
	zc_rules_input in;
	assert_int_equal(zc_scenario_rules_input(s, &in), 0);
	zc_rules_result *r;
	assert_int_equal(zc_rules_evaluate(&in, &r), 0);
	json_t *got = zc_report_json(&in, r);
	json_error_t je;
	json_t *want = json_load_file(expected, 0, &je);
	if (!want)
		fail_msg("%s: %s", expected, je.text);
	/* years: exactly these rows */
	json_t *gy = json_object_get(got, "years"), *wy = json_object_get(want, "years");
	assert_int_equal(json_array_size(gy), json_array_size(wy));
	size_t i, k;
	json_t *row;
	json_array_foreach(wy, i, row)
	{
		int found = 0;
		json_t *g;
		json_array_foreach(gy, k, g)
		{
			if (json_equal(json_object_get(g, "cadre"), json_object_get(row, "cadre")) &&
			    json_equal(json_object_get(g, "year"), json_object_get(row, "year"))) {
				found = 1;
				if (!json_equal(g, row)) {
					char *a = json_dumps(g, JSON_SORT_KEYS), *b = json_dumps(row, JSON_SORT_KEYS);
					fail_msg("%s: years row differs\n got  %s\n want %s", scn, a, b);
				}
			}
		}
		if (!found)
			fail_msg("%s: no years row for %s", scn, json_string_value(json_object_get(row, "cadre")));
	}
	/* findings: exactly these among the compared types */
	json_t *types = json_object_get(want, "compared_finding_types");
	char *gk[512], *wk[512];
	size_t ng = 0, nw = 0;
	json_t *f;
	json_array_foreach(json_object_get(got, "findings"), i, f)
	{
		const char *t = json_string_value(json_object_get(f, "type"));
		if (!compared(types, t))
			continue;
		if (!strcmp(t, "training") && strcmp(json_string_value(json_object_get(f, "severity")), "violation"))
			continue;
		if (ng < 512)
			gk[ng++] = finding_key(f);
	}
	json_array_foreach(json_object_get(want, "findings"), i, f) if (nw < 512) wk[nw++] = finding_key(f);
	qsort(gk, ng, sizeof *gk, strp_cmp);
	qsort(wk, nw, sizeof *wk, strp_cmp);
	int same = ng == nw;
	for (size_t j = 0; same && j < ng; j++)
		same = !strcmp(gk[j], wk[j]);
	if (!same) {
		fprintf(stderr, "%s: findings differ\n got:\n", scn);
		for (size_t j = 0; j < ng; j++)
			fprintf(stderr, "   %s\n", gk[j]);
		fprintf(stderr, " want:\n");
		for (size_t j = 0; j < nw; j++)
			fprintf(stderr, "   %s\n", wk[j]);
		fail();
	}
	for (size_t j = 0; j < ng; j++)
		free(gk[j]);
	for (size_t j = 0; j < nw; j++)
		free(wk[j]);
	json_decref(got);
	json_decref(want);
	zc_rules_result_free(r);
	zc_scenario_rules_input_free(&in);
	zc_scenario_free(s);
}

static void test_shared_scenarios(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", tu_scenario_dir());
	DIR *d = opendir(dir);
	if (!d)
		skip(); /* the handbook is not beside this checkout */
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".scn"))
			continue;
		char scn[4400], exp[4400];
		snprintf(scn, sizeof scn, "%s/%s", dir, e->d_name);
		snprintf(exp, sizeof exp, "%s/%.*s.expected.json", dir, (int)(l - 4), e->d_name);
		FILE *f = fopen(exp, "r");
		if (!f)
			continue;
		fclose(f);
		check_scenario(scn, exp);
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
}

static void test_scenario_parse_errors(void **state)
{
	(void)state;
	struct {
		const char *text, *want;
	} cases[] = {
	    {"district D01 \"x\"\n", "no 'as-of DATE'"},
	    {"as-of 2025-13-01\n", "t.scn:1: as-of: expected a date"},
	    {"as-of 2025-01-01\nzone Europe/Paris\n", "t.scn:2: zone: only"},
	    {"as-of 2025-01-01\ntownship T01 \"x\" district D09\n", "t.scn:2: district D09 is not declared"},
	    {"as-of 2025-01-01\nfrobnicate\n", "t.scn:2: unknown statement 'frobnicate'"},
	    {"as-of 2025-01-01\ndistrict D01 \"unclosed\n", "t.scn:2: a quote"},
	    {"as-of 2025-01-01\npolicy nonsense 3\n", "t.scn:2: policy: unknown name"},
	    {"as-of 2025-01-01\ndistrict D01 \"a\"\ndistrict D01 \"b\"\n", "t.scn:3: district D01 is declared twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		zc_scenario *s = NULL;
		char err[256] = "";
		assert_int_equal(zc_scenario_parse(cases[i].text, strlen(cases[i].text), "t.scn", &s, err, sizeof err),
				 ZC_EMALFORMED);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
	}
	/* times: local (the zone), Z and offsets */
	const char *t =
	    "zone UTC+05:30\nas-of 2025-01-31\ndistrict D \"d\"\ntownship T \"t\" district D\n"
	    "terminal K township T\ncadre C \"c\" role member party_since none work_since 2020-01-01 unit \"u\"\n"
	    "badge B C piv 2025-01-01\ntap B K 2025-01-02T08:00:00\ntap B K 2025-01-02T08:00:00Z\n"
	    "taps B K 2025-01-06 2025-01-12 workdays 09:00 # five\n";
	zc_scenario *s;
	char err[256];
	assert_int_equal(zc_scenario_parse(t, strlen(t), "t.scn", &s, err, sizeof err), 0);
	assert_int_equal(s->ntaps, 7);
	assert_int_equal(s->taps[0].utc_ms, 1735785000000LL); /* 02:30Z */
	assert_int_equal(s->taps[1].utc_ms, 1735804800000LL); /* 08:00Z */
	assert_int_equal(s->tz_offset_min, 330);
	zc_scenario_free(s);
}

/* Section 3 rule 4: the clock is trusted from provisioning until the host
 * collected the record, except inside a rollback window. */
static void test_clock_trust(void **state)
{
	(void)state;
	const int64_t H = 3600000, tol = 300000;
	/* seq: 1 boot before provisioning, 2 provisioned, 3 tap, 4 tap rolled
	 * back by 2 h, 5 tap still behind the old high-water mark, 6 tap past
	 * it, 7 tap dated after its collection, 8 tap within the tolerance */
	zc_r_clockrec r[] = {
	    {1, ZC_KIND_BOOT, 10 * H, 0, 0, 100 * H},	    {2, ZC_KIND_PROVISIONED, 11 * H, 0, 0, 100 * H},
	    {3, ZC_KIND_TAP, 12 * H, 0, 0, 100 * H},	    {4, ZC_KIND_TAP, 10 * H + H / 2, 0, 0, 100 * H},
	    {5, ZC_KIND_TAP, 12 * H - 1000, 0, 0, 100 * H}, {6, ZC_KIND_TAP, 12 * H + 1000, 0, 0, 100 * H},
	    {7, ZC_KIND_TAP, 101 * H, 0, 0, 100 * H},	    {8, ZC_KIND_TAP, 12 * H + 1000 - tol, 0, 0, 100 * H},
	};
	uint8_t v[8];
	zc_rules_clock_trust(r, 8, tol, v);
	assert_int_equal(v[0], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[1], ZC_CLOCK_OK);
	assert_int_equal(v[2], ZC_CLOCK_OK);
	/* 10:30 is before provisioning (11:00) as well as rolled back */
	assert_int_equal(v[3], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[4], ZC_CLOCK_ROLLBACK_WINDOW);
	assert_int_equal(v[5], ZC_CLOCK_OK);
	assert_int_equal(v[6], ZC_CLOCK_AFTER_COLLECTION);
	assert_int_equal(v[7], ZC_CLOCK_OK); /* exactly at the tolerance: not a rollback */
	assert_string_equal(zc_clock_verdict_name(v[6]), "tap_after_collection");

	/* a rollback well after provisioning, then a host clock set: trusted again */
	zc_r_clockrec q[] = {
	    {1, ZC_KIND_PROVISIONED, 1 * H, 0, 0, 0},
	    {2, ZC_KIND_TAP, 50 * H, 0, 0, 0},
	    {3, ZC_KIND_TAP, 20 * H, 0, 0, 0},
	    {4, ZC_KIND_CLOCK_SET, 20 * H, 1, 21 * H, 0},
	    {5, ZC_KIND_TAP, 21 * H, 0, 0, 0},
	    {6, ZC_KIND_CLOCK_SET, 21 * H, 0, 5 * H, 0}, /* set locally, backwards */
	    {7, ZC_KIND_TAP, 5 * H, 0, 0, 0},
	};
	uint8_t w[7];
	zc_rules_clock_trust(q, 7, tol, w);
	assert_int_equal(w[1], ZC_CLOCK_OK);
	assert_int_equal(w[2], ZC_CLOCK_ROLLBACK_WINDOW);
	assert_int_equal(w[4], ZC_CLOCK_OK);
	assert_int_equal(w[6], ZC_CLOCK_ROLLBACK_WINDOW);
}

/* Integrity findings from outside the engine are violations about their
 * terminal; a badge binding ends on its bound_to date. */
static void test_integrity_and_binding_end(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2025-12-31", "2025-03-31");
	w.ba[0].bound_to = D("2025-03-14");
	present_workdays(&w, "2025-03-10", "2025-03-21");
	zc_r_integrity g[] = {{0, "gap", D("2025-03-05"), 17, "K01: records 12-16 missing", "终端 K01：记录缺号"},
			      {1, "fork", D("2025-04-02"), 3, "after as_of", NULL}};
	w.in.integrity = g;
	w.in.nintegrity = 2;
	zc_rules_result *r = eval(&w);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-03-14")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-03-17")), ZC_ST_ABSENT);
	int gaps = 0, forks = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (!strcmp(r->findings[i].type, "gap")) {
			gaps++;
			assert_int_equal(r->findings[i].severity, ZC_SEV_VIOLATION);
			assert_int_equal(r->findings[i].subject_kind, ZC_SUBJ_TERMINAL);
			assert_int_equal(r->findings[i].date, D("2025-03-05"));
			assert_string_equal(r->findings[i].detail, "K01: records 12-16 missing");
			assert_string_equal(r->findings[i].detail_zh, "终端 K01：记录缺号");
		}
		forks += !strcmp(r->findings[i].type, "fork");
	}
	assert_int_equal(gaps, 1);
	assert_int_equal(forks, 0); /* dated after as_of */
	world_free(&w, r);
}

/* RULES.md 10, clock_set_back (issue 10, item 1): a host's SET_TIME that
 * moves the clock back by more than the tolerance gets the verdict
 * ZC_CLOCK_SET_BACK and still ends a rollback window; within the tolerance,
 * forward, or set locally it does not; reported by the engine as a warning
 * about the terminal, dated the change's local date, with both times. */
static void test_clock_set_back(void **state)
{
	(void)state;
	const int64_t H = 3600000, tol = 300000;
	zc_r_clockrec q[] = {
	    {1, ZC_KIND_PROVISIONED, 1 * H, 0, 0, 0},
	    {2, ZC_KIND_TAP, 30 * H, 0, 0, 0},
	    {3, ZC_KIND_TAP, 20 * H, 0, 0, 0},			/* rolled back: a window */
	    {4, ZC_KIND_CLOCK_SET, 20 * H, 1, 27 * H, 0},	/* a host sets it 3 h behind the mark */
	    {5, ZC_KIND_TAP, 27 * H, 0, 0, 0},			/* trusted: the window ended */
	    {6, ZC_KIND_CLOCK_SET, 27 * H, 1, 27 * H - tol, 0}, /* back by the tolerance exactly */
	    {7, ZC_KIND_CLOCK_SET, 27 * H, 1, 28 * H, 0},	/* forward */
	    {8, ZC_KIND_CLOCK_SET, 28 * H, 0, 2 * H, 0},	/* set locally: a rollback, not this */
	    {9, ZC_KIND_CLOCK_SET, 40 * H, 1, 39 * H, 0},	/* the record's own reading counts too */
	    {10, ZC_KIND_CLOCK_SET, 39 * H, 1, INT64_MIN, 0},	/* no overflow */
	};
	uint8_t v[10];
	zc_rules_clock_trust(q, 10, tol, v);
	assert_int_equal(v[2], ZC_CLOCK_ROLLBACK_WINDOW);
	assert_int_equal(v[3], ZC_CLOCK_SET_BACK);
	assert_string_equal(zc_clock_verdict_name(v[3]), "clock_set_back");
	assert_int_equal(v[4], ZC_CLOCK_OK);
	assert_int_equal(v[5], ZC_CLOCK_OK);
	assert_int_equal(v[6], ZC_CLOCK_OK);
	assert_int_not_equal(v[7], ZC_CLOCK_SET_BACK);
	assert_int_equal(v[8], ZC_CLOCK_SET_BACK);
	assert_int_equal(v[9], ZC_CLOCK_SET_BACK);

	/* the finding: both times, the local date of the time set */
	char en[200], zh[200];
	int64_t old_ms = 1741003260000LL, new_ms = 1740992400000LL; /* 2025-03-03 20:01 -> 17:00 +08:00 */
	zc_day d = zc_rules_clock_set_back_finding("K01", 4, old_ms, new_ms, 480, en, sizeof en, zh, sizeof zh);
	assert_int_equal(d, D("2025-03-03"));
	assert_string_equal(en,
			    "K01: record 4: a host set the clock back from 2025-03-03 20:01:00 to 2025-03-03 17:00:00");
	assert_non_null(strstr(zh, "2025-03-03 20:01:00"));
	assert_non_null(strstr(zh, "2025-03-03 17:00:00"));
	world w;
	world_init(&w, "2025-01-01", "2025-12-31", "2025-03-31");
	zc_r_integrity g[] = {{0, "clock_set_back", d, 4, en, zh}};
	w.in.integrity = g;
	w.in.nintegrity = 1;
	zc_rules_result *r = eval(&w);
	int n = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].type, "clock_set_back"))
			continue;
		n++;
		assert_int_equal(r->findings[i].severity, ZC_SEV_WARNING);
		assert_int_equal(r->findings[i].subject_kind, ZC_SUBJ_TERMINAL);
		assert_int_equal(r->findings[i].date, D("2025-03-03"));
		assert_string_equal(r->findings[i].detail, en);
	}
	assert_int_equal(n, 1);
	world_free(&w, r);
}

/* Review fixes: findings stop at as_of; a clone's taps are its original's
 * for impossible travel; "policy zone" is the zone; rate 0 pays nothing;
 * times before 1970 are refused; a wrong clock before provisioning does not
 * distrust what follows. */
typedef struct scn_eval {
	zc_scenario *s;
	zc_rules_input in;
	zc_rules_result *r;
} scn_eval;

static void scn_run(scn_eval *e, const char *text)
{
	char err[256];
	memset(e, 0, sizeof *e);
	if (zc_scenario_parse(text, strlen(text), "t.scn", &e->s, err, sizeof err))
		fail_msg("%s", err);
	assert_int_equal(zc_scenario_rules_input(e->s, &e->in), 0);
	assert_int_equal(zc_rules_evaluate(&e->in, &e->r), 0);
}

static void scn_free(scn_eval *e)
{
	zc_rules_result_free(e->r);
	zc_scenario_rules_input_free(&e->in);
	zc_scenario_free(e->s);
}

static int scn_count(const scn_eval *e, const char *type, const char *date)
{
	int n = 0;
	for (size_t i = 0; i < e->r->nfindings; i++) {
		char d[11];
		zc_day_format(e->r->findings[i].date, d);
		n += !strcmp(e->r->findings[i].type, type) && (!date || !strcmp(d, date));
	}
	return n;
}

#define SCN_HEAD                                                                                                       \
	"district D01 \"d\"\ntownship T01 \"t1\" district D01\ntownship T02 \"t2\" district D01\n"                     \
	"village V01 \"v1\" township T01\nvillage V02 \"v2\" township T02 rate 0\n"                                    \
	"terminal K01 township T01\nterminal K02 township T02\n"                                                       \
	"cadre C1 \"a\" role member party_since none work_since 2020-01-01 unit \"u\"\n"                               \
	"cadre C2 \"b\" role member party_since none work_since 2020-01-01 unit \"u\"\n"                               \
	"assign C1 V01 2025-01-01 2025-12-31\nassign C2 V02 2025-01-01 2025-12-31\n"                                   \
	"badge B1 C1 piv 2025-01-01\nbadge B2 C2 piv 2025-01-01\n"

static void test_review_fixes(void **state)
{
	(void)state;
	scn_eval e;
	/* travel and rejected taps after as_of are not reported */
	scn_run(&e, SCN_HEAD "as-of 2025-01-10\nrevoke B1 2025-01-20T00:00:00\n"
			     "tap B1 K01 2025-03-03T08:00:00\ntap B1 K02 2025-03-03T08:05:00\n"
			     "tap B1 K01 2025-01-06T08:00:00\ntap B1 K02 2025-01-06T08:05:00\n");
	assert_int_equal(scn_count(&e, "impossible_travel", NULL), 1);
	assert_int_equal(scn_count(&e, "impossible_travel", "2025-01-06"), 1);
	assert_int_equal(scn_count(&e, "rejected_tap", NULL), 0);
	scn_free(&e);

	/* a clone at the other township ten minutes after the original */
	scn_run(&e, SCN_HEAD "as-of 2025-01-31\nclone B1 B1X\n"
			     "tap B1 K01 2025-01-06T08:00:00\ntap B1X K02 2025-01-06T08:10:00\n");
	assert_int_equal(scn_count(&e, "impossible_travel", "2025-01-06"), 1);
	assert_int_equal(scn_count(&e, "rejected_tap", "2025-01-06"), 1);
	scn_free(&e);

	/* policy zone UTC: 20:00Z and 01:00Z fall on two local dates */
	scn_run(&e, SCN_HEAD "as-of 2025-01-07\npolicy zone UTC\n"
			     "tap B1 K01 2025-01-06T20:00:00Z\ntap B1 K01 2025-01-07T01:00:00Z\n");
	assert_int_equal(zc_rules_day_status(e.r, 0, D("2025-01-06")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(e.r, 0, D("2025-01-07")), ZC_ST_PRESENT);
	scn_free(&e);

	/* rate 0 pays nothing; the default village pays the policy rate */
	scn_run(&e, SCN_HEAD "as-of 2025-01-31\ntaps B1 K01 2025-01-02 2025-01-31 workdays 08:00\n"
			     "taps B2 K02 2025-01-02 2025-01-31 workdays 08:00\n");
	for (size_t i = 0; i < e.r->nyears; i++) {
		const zc_r_year *y = &e.r->years[i];
		assert_int_equal(y->allowance_days, 22);
		assert_int_equal(y->allowance_fen, y->cadre == 0 ? 220000 : 0);
	}
	scn_free(&e);

	/* before 1970 */
	zc_scenario *s = NULL;
	char err[256];
	const char *old = SCN_HEAD "as-of 2025-01-31\ntap B1 K01 1969-12-29T09:00:00\n";
	assert_int_equal(zc_scenario_parse(old, strlen(old), "t.scn", &s, err, sizeof err), ZC_EMALFORMED);
	assert_non_null(strstr(err, "before 1970"));

	/* a clock far in the future before provisioning does not distrust later records */
	const int64_t H = 3600000;
	zc_r_clockrec q[] = {
	    {1, ZC_KIND_BOOT, 900 * H, 0, 0, 0},
	    {2, ZC_KIND_PROVISIONED, 10 * H, 0, 0, 0},
	    {3, ZC_KIND_TAP, 11 * H, 0, 0, 0},
	};
	uint8_t v[3];
	zc_rules_clock_trust(q, 3, 300000, v);
	assert_int_equal(v[0], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[1], ZC_CLOCK_OK);
	assert_int_equal(v[2], ZC_CLOCK_OK);
}

/* ---- RULES.md v2: collection, corrections, inspections, forged badges ---- */

/* Local time (UTC+8) of date ds at hh:mm, in UTC ms. */
static int64_t LT(const char *ds, int hh, int mm)
{
	return ((int64_t)D(ds) * 86400 + (int64_t)(hh * 60 + mm - 480) * 60) * 1000;
}

static int status_of(const zc_rules_result *r, const char *ds)
{
	return zc_rules_day_status(r, 0, D(ds));
}

/* taps at 08:30 on working days from..to that were taken before cutoff */
static void present_until(world *w, const char *from, const char *to, int64_t cutoff)
{
	for (zc_day d = D(from); d <= D(to); d++) {
		int64_t t = ((int64_t)d * 86400 + 30 * 60) * 1000;
		if (zc_rules_is_workday(&w->in, d) && t < cutoff)
			tap_at(w, 0, t);
	}
}

/* Worked example 7: the only terminal last pulled Friday 28 November 18:00. */
static void test_example7_pending(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	int64_t pull = LT("2025-11-28", 18, 0);
	w.te[0].collected_until_ms = pull;
	w.te[1].collected_until_ms = ZC_NEVER_COLLECTED;
	present_until(&w, "2025-01-01", "2025-12-03", pull);
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-11-24"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-11-28"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-11-29"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-11-30"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_PENDING);
	assert_int_equal(status_of(r, "2025-12-03"), ZC_ST_PENDING);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->pending_days, 3);
	assert_int_equal(y->absent_days, 0);
	assert_int_equal(count_findings(r, "consecutive_absence") + count_findings(r, "cumulative_absence"), 0);
	assert_int_equal(r->nrecall, 0);
	/* K02 (township T02, no assignment here) was never collected: overdue; K01 is not */
	assert_int_equal(count_findings(r, "collection_overdue"), 1);
	assert_int_equal(finding(r, "collection_overdue", 0)->subject, 1);
	assert_int_equal(finding(r, "collection_overdue", 0)->date, D("2025-12-03"));
	assert_int_equal(finding(r, "collection_overdue", 0)->severity, ZC_SEV_WARNING);
	world_free(&w, r);
	/* pulled again at 09:00 on 4 December: the taps of 1-3 December count */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	w.te[0].collected_until_ms = LT("2025-12-04", 9, 0);
	present_until(&w, "2025-01-01", "2025-12-03", LT("2025-12-04", 9, 0));
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_PRESENT);
	assert_int_equal(year_row(r, 0, 2025)->pending_days, 0);
	world_free(&w, r);
}

/* A pull one minute before local midnight leaves that day PENDING; one
 * minute after completes it. The evidence of a township is its least
 * collected terminal's; a township without terminals is never PENDING. */
static void test_collection_boundaries(void **state)
{
	(void)state;
	world w;
	/* no taps on Monday 1 December; pulled Mon 23:59 / Tue 00:01 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-02");
	w.te[0].collected_until_ms = LT("2025-12-01", 23, 59);
	present_until(&w, "2025-01-01", "2025-11-28", INT64_MAX);
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-11-28"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_PENDING);
	assert_int_equal(status_of(r, "2025-12-02"), ZC_ST_PENDING);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-02");
	w.te[0].collected_until_ms = LT("2025-12-02", 0, 1);
	present_until(&w, "2025-01-01", "2025-11-28", INT64_MAX);
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-12-02"), ZC_ST_PENDING);
	/* exactly at the end of the day is complete */
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-02");
	w.te[0].collected_until_ms = LT("2025-12-02", 0, 0);
	present_until(&w, "2025-01-01", "2025-11-28", INT64_MAX);
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_ABSENT);
	world_free(&w, r);
	/* two terminals in T01: K01 pulled 5 December, K02 (moved to T01) on
	 * 1 December at noon: dates from 1 December wait for K02 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	w.te[1].township = 0;
	w.te[0].collected_until_ms = LT("2025-12-05", 9, 0);
	w.te[1].collected_until_ms = LT("2025-12-01", 12, 0);
	present_until(&w, "2025-01-01", "2025-11-28", INT64_MAX);
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-11-28"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_PENDING);
	assert_int_equal(year_row(r, 0, 2025)->pending_days, 3);
	world_free(&w, r);
	/* a township without terminals: complete on every date */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	w.te[0].township = 1; /* both terminals in T02 now; C001's village is in T01 */
	w.te[0].collected_until_ms = ZC_NEVER_COLLECTED;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_ABSENT);
	assert_int_equal(year_row(r, 0, 2025)->pending_days, 0);
	assert_int_equal(count_findings(r, "collection_overdue"), 1); /* K01, never collected */
	world_free(&w, r);
}

/* collection_overdue: collected-until < end of as_of - 31 days. */
static void test_collection_overdue(void **state)
{
	(void)state;
	world w;
	int64_t end = LT("2025-12-04", 0, 0); /* end of as_of 2025-12-03 */
	int64_t lag = 31LL * 86400000;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	w.te[0].collected_until_ms = end - lag;
	w.te[1].collected_until_ms = end - lag - 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "collection_overdue"), 1);
	assert_int_equal(finding(r, "collection_overdue", 0)->subject, 1);
	assert_non_null(strstr(finding(r, "collection_overdue", 0)->detail_zh, "最后收取于 2025-11-02"));
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	assert_int_equal(zc_policy_set(&w.in.policy, "max_collection_lag_days", "40"), 0);
	w.te[1].collected_until_ms = end - lag - 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "collection_overdue"), 0);
	world_free(&w, r);
}

/* PENDING days end a spell and hold min_days back (RULES.md 6, 7). */
static void test_pending_spells_and_min_days(void **state)
{
	(void)state;
	world w;
	/* absent 3..14 November (12 days with rest), then PENDING from 17 November:
	 * no spell of 16 even though the terminal is silent for weeks */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.te[0].collected_until_ms = LT("2025-11-17", 0, 0);
	present_until(&w, "2025-01-01", "2025-10-31", INT64_MAX);
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-11-14"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-11-17"), ZC_ST_PENDING);
	assert_int_equal(count_findings(r, "consecutive_absence"), 0);
	/* the year has ended but PENDING dates remain: no min_days yet, but the
	 * target is out of reach only if counted + pending < required */
	assert_int_equal(count_findings(r, "min_days"), 0);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->pending_days, 33);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
	/* counted + pending < required: unreachable, dated as_of */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.te[0].collected_until_ms = LT("2025-12-01", 0, 0);
	present_until(&w, "2025-01-01", "2025-06-30", INT64_MAX);
	r = eval(&w);
	y = year_row(r, 0, 2025);
	assert_int_equal(y->pending_days, 23);
	assert_true(y->counted_days + y->pending_days < y->required_days);
	assert_int_equal(count_findings(r, "min_days"), 0);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 1);
	assert_int_equal(finding(r, "min_days_unreachable", 0)->date, D("2025-12-31"));
	world_free(&w, r);
	/* everything collected: min_days, dated the year's last date */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	present_until(&w, "2025-01-01", "2025-06-30", INT64_MAX);
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days"), 1);
	world_free(&w, r);
}

/* Worked example 8: corrections. */
static void test_example8_corrections(void **state)
{
	(void)state;
	world w;
	zc_r_correction k[6];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	present_workdays(&w, "2025-01-01", "2025-03-03");
	present_workdays(&w, "2025-03-10", "2025-03-31");
	k[0] = (zc_r_correction){0, D("2025-03-04"), ZC_LEVEL_DISTRICT, "忘带工牌"};
	k[1] = (zc_r_correction){0, D("2025-03-05"), ZC_LEVEL_CITY, "读卡器故障"};
	k[2] = (zc_r_correction){0, D("2025-03-06"), ZC_LEVEL_DISTRICT, "工牌损坏"};
	k[3] = (zc_r_correction){0, D("2025-03-07"), ZC_LEVEL_TOWNSHIP, "忘带工牌"};
	k[4] = (zc_r_correction){0, D("2025-07-01"), ZC_LEVEL_NONE, "after as_of"};
	k[5] = (zc_r_correction){0, D("2024-12-31"), ZC_LEVEL_NONE, "outside the assignment"};
	w.in.corrections = k;
	w.in.ncorrections = 4;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-03-06"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-03-07"), ZC_ST_ABSENT);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->corrected_days, 3);
	assert_int_equal(y->counted_days, y->present_days + 3);
	assert_int_equal(y->allowance_days, y->present_days + 3); /* paid like PRESENT */
	assert_int_equal(count_findings(r, "frequent_corrections"), 1);
	assert_int_equal(finding(r, "frequent_corrections", 0)->date, D("2025-03-06"));
	assert_int_equal(finding(r, "frequent_corrections", 0)->severity, ZC_SEV_WARNING);
	assert_int_equal(count_findings(r, "correction_approval_level"), 1);
	assert_int_equal(finding(r, "correction_approval_level", 0)->date, D("2025-03-07"));
	assert_int_equal(finding(r, "correction_approval_level", 0)->severity, ZC_SEV_VIOLATION);
	assert_string_equal(finding(r, "correction_approval_level", 0)->detail,
			    "correction requires district approval; approved: township");
	world_free(&w, r);
	/* invalid ones after as_of and outside the assignment are reported too;
	 * a valid one outside the assignment changes nothing */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	k[3] = (zc_r_correction){0, D("2024-12-30"), ZC_LEVEL_CITY, "outside, valid"};
	w.in.corrections = k;
	w.in.ncorrections = 6;
	r = eval(&w);
	assert_int_equal(count_findings(r, "correction_approval_level"), 2);
	assert_int_equal(finding(r, "correction_approval_level", 0)->date, D("2024-12-31"));
	assert_int_equal(finding(r, "correction_approval_level", 1)->date, D("2025-07-01"));
	assert_int_equal(zc_rules_day_status(r, 0, D("2024-12-30")), ZC_ST_NONE);
	/* a correction of a PRESENT day is no CORRECTED date; the policy sets the level */
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	assert_int_equal(zc_policy_set(&w.in.policy, "correction_level", "township"), 0);
	assert_int_equal(zc_policy_set(&w.in.policy, "correction_level", "none"), -1);
	present_workdays(&w, "2025-03-04", "2025-03-04");
	k[0] = (zc_r_correction){0, D("2025-03-04"), ZC_LEVEL_TOWNSHIP, "x"};
	k[1] = (zc_r_correction){0, D("2025-03-05"), ZC_LEVEL_TOWNSHIP, "x"};
	w.in.corrections = k;
	w.in.ncorrections = 2;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_CORRECTED);
	assert_int_equal(count_findings(r, "correction_approval_level"), 0);
	assert_int_equal(year_row(r, 0, 2025)->corrected_days, 1);
	world_free(&w, r);
}

/* Worked example 9 and inspections on PENDING, DUTY, LEAVE and rest days. */
static void test_example9_inspections(void **state)
{
	(void)state;
	world w;
	zc_r_inspection x[6];
	zc_r_correction k[1];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-03");
	w.te[0].collected_until_ms = LT("2025-11-28", 18, 0);
	present_until(&w, "2025-01-01", "2025-12-03", LT("2025-11-28", 18, 0));
	w.le[0] = (zc_r_leave){0, D("2025-06-02"), D("2025-06-03"), ZC_LEVEL_TOWNSHIP, NULL};
	w.in.nleaves = 1;
	w.du[0] = (zc_r_duty){0, D("2025-07-01"), D("2025-07-01"), ZC_DUTY_MEETING, ZC_LEVEL_DISTRICT};
	w.in.nduties = 1;
	k[0] = (zc_r_correction){0, D("2025-08-05"), ZC_LEVEL_CITY, "忘带工牌"};
	w.in.corrections = k;
	w.in.ncorrections = 1;
	x[0] = (zc_r_inspection){0, 0, LT("2025-05-14", 10, 0), 1, "市督查组"};	 /* tapped 08:30 */
	x[1] = (zc_r_inspection){0, 0, LT("2025-06-02", 15, 0), 1, "区驻村办"};	 /* leave */
	x[2] = (zc_r_inspection){0, 0, LT("2025-06-07", 10, 0), 1, "区驻村办"};	 /* Saturday */
	x[3] = (zc_r_inspection){0, 0, LT("2025-12-02", 10, 30), 1, "市督查组"}; /* PENDING */
	x[4] = (zc_r_inspection){0, 0, LT("2025-07-01", 10, 0), 1, "市督查组"};	 /* duty */
	x[5] = (zc_r_inspection){0, 0, LT("2025-08-05", 10, 0), 1, "市督查组"};	 /* corrected */
	w.in.inspections = x;
	w.in.ninspections = 6;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-05-14"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-06-02"), ZC_ST_LEAVE);
	assert_int_equal(status_of(r, "2025-06-07"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-12-02"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-12-01"), ZC_ST_PENDING);
	assert_int_equal(status_of(r, "2025-07-01"), ZC_ST_DUTY);
	assert_int_equal(status_of(r, "2025-08-05"), ZC_ST_ABSENT);
	assert_int_equal(count_findings(r, "inspection_absent"), 3);
	const zc_r_finding *f = finding(r, "inspection_absent", 0);
	assert_int_equal(f->date, D("2025-05-14"));
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_non_null(strstr(f->detail_zh, "市督查组"));
	assert_non_null(strstr(f->detail, "although 1 tap(s)"));
	assert_int_equal(finding(r, "inspection_absent", 1)->date, D("2025-08-05"));
	assert_non_null(strstr(finding(r, "inspection_absent", 1)->detail, "although 1 tap(s)"));
	assert_non_null(strstr(finding(r, "inspection_absent", 2)->detail, "no tap"));
	assert_int_equal(finding(r, "inspection_absent", 2)->date, D("2025-12-02"));
	world_free(&w, r);
	/* a present result changes nothing */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-06-30");
	x[0].absent = 0;
	w.in.inspections = x;
	w.in.ninspections = 1;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-05-14"), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "inspection_absent"), 0);
	world_free(&w, r);
}

/* Section 3: a clone's tap is forged_badge against whose badge it copies. */
static void test_forged_badge(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	w.ba[0].bound_from = D("2025-02-01");
	w.ba[0].revoked_at_ms = LT("2025-04-01", 0, 0);
	present_workdays(&w, "2025-02-03", "2025-03-31");
	size_t first = w.ntaps;
	tap_at(&w, 0, LT("2025-01-20", 8, 0));	/* before the binding */
	tap_at(&w, 0, LT("2025-03-03", 12, 0)); /* twice on 3 March */
	tap_at(&w, 0, LT("2025-03-03", 13, 0));
	tap_at(&w, 0, LT("2025-04-02", 8, 0)); /* after the revocation */
	tap_at(&w, 0, LT("2025-07-02", 8, 0)); /* after as_of */
	for (size_t i = first; i < w.ntaps; i++) {
		w.taps[i].badge_ok = 0;
		w.taps[i].badge_forged = 1;
	}
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "forged_badge"), 2);
	const zc_r_finding *f = finding(r, "forged_badge", 0);
	assert_int_equal(f->date, D("2025-03-03"));
	assert_int_equal(f->subject_kind, ZC_SUBJ_CADRE);
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_non_null(strstr(f->detail_zh, "疑似弄虚作假：2 次"));
	assert_int_equal(finding(r, "forged_badge", 1)->date, D("2025-04-02"));
	/* rejected all the same */
	assert_int_equal(r->tap_reject[first], ZC_REJ_BADGE_AUTH);
	/* and collapsed to one notice per cadre and reason, not one per tap */
	assert_int_equal(count_findings(r, "rejected_tap"), 1);
	assert_int_equal(finding(r, "rejected_tap", 0)->date, D("2025-01-20"));
	assert_string_equal(
	    finding(r, "rejected_tap", 0)->detail,
	    "4 taps from 2025-01-20 to 2025-04-02 not counted: badge_not_authenticated (first: K01 record "
	    "43)");
	world_free(&w, r);
}

/* Clock trust: a record exactly at the collection plus its tolerance is
 * trusted, a millisecond later it is not. */
static void test_collection_instant(void **state)
{
	(void)state;
	const int64_t H = 3600000, tol = 300000;
	zc_r_clockrec q[] = {
	    {1, ZC_KIND_PROVISIONED, 10 * H, 0, 0, 20 * H},
	    {2, ZC_KIND_TAP, 20 * H + tol, 0, 0, 20 * H},
	    {3, ZC_KIND_TAP, 20 * H + tol + 1, 0, 0, 20 * H},
	};
	uint8_t v[3];
	zc_rules_clock_trust(q, 3, tol, v);
	assert_int_equal(v[1], ZC_CLOCK_OK);
	assert_int_equal(v[2], ZC_CLOCK_AFTER_COLLECTION);
}

/* ---- boundaries no test pinned before (the mutation run of tools/mutate.sh) ---- */

/* taps at 08:30 on the first n working days from `from` on */
static void present_n(world *w, const char *from, int n)
{
	for (zc_day d = D(from); n > 0; d++)
		if (zc_rules_is_workday(&w->in, d)) {
			tap_at(w, 0, ((int64_t)d * 86400 + 30 * 60) * 1000);
			n--;
		}
}

/* RULES.md 2, 6: an assignment's end is inclusive, also when it ended
 * before as_of; 73 days of 2025 need exactly 200 * 73 / 365 = 40 days (the
 * ceiling of a whole number is that number), and counted = required is no
 * violation. */
static void test_end_date_and_exact_ceiling(void **state)
{
	(void)state;
	world w;
	/* 2025-01-01 .. Fri 14 March: 73 days; as_of long after */
	world_init(&w, "2025-01-01", "2025-03-14", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-03-14");
	zc_rules_result *r = eval(&w);
	assert_int_equal(r->first[0], D("2025-01-01"));
	assert_int_equal(r->span[0], 73);
	assert_int_equal(status_of(r, "2025-03-14"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-03-15"), ZC_ST_NONE);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->present_days, 53);
	assert_int_equal(y->rest_days, 20);
	assert_int_equal(y->required_days, 40);
	assert_int_equal(count_findings(r, "min_days"), 0);
	world_free(&w, r);
	/* the last day without a tap is ABSENT, not outside */
	world_init(&w, "2025-01-01", "2025-03-14", "2025-06-30");
	present_workdays(&w, "2025-01-01", "2025-03-13");
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-14"), ZC_ST_ABSENT);
	assert_int_equal(year_row(r, 0, 2025)->absent_days, 1);
	world_free(&w, r);
	/* exactly 40 counted: no violation; 39: min_days on the assignment's last day */
	world_init(&w, "2025-01-01", "2025-03-14", "2025-06-30");
	present_n(&w, "2025-01-01", 40);
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->counted_days, 40);
	assert_int_equal(count_findings(r, "min_days"), 0);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2025-03-14", "2025-06-30");
	present_n(&w, "2025-01-01", 39);
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days"), 1);
	const zc_r_finding *f = finding(r, "min_days", 0);
	assert_int_equal(f->date, D("2025-03-14"));
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_string_equal(f->detail, "39 counted days in 2025, 40 required");
	assert_string_equal(f->detail_zh, "计入天数 39 天（2025 年），应驻 40 天");
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
	/* as_of on the last date itself is the end of the year's assignments */
	world_init(&w, "2025-01-01", "2025-03-14", "2025-03-14");
	present_n(&w, "2025-01-01", 39);
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days"), 1);
	world_free(&w, r);
}

/* RULES.md 6: the target is out of reach when counted + the dates of Y
 * after as_of (as_of excluded) + PENDING < required; equal is reachable. */
static void test_unreachable_threshold(void **state)
{
	(void)state;
	world w;
	/* as_of Thu 31 July: 153 dates after it; 47 + 153 = 200 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-07-31");
	present_n(&w, "2025-01-01", 47);
	zc_rules_result *r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->counted_days, 47);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	assert_int_equal(count_findings(r, "min_days"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-07-31");
	present_n(&w, "2025-01-01", 46);
	r = eval(&w);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 1);
	const zc_r_finding *f = finding(r, "min_days_unreachable", 0);
	assert_int_equal(f->date, D("2025-07-31"));
	assert_int_equal(f->severity, ZC_SEV_WARNING);
	assert_string_equal(
	    f->detail, "46 counted days in 2025, 153 days left and 0 pending: 200 required can no longer be reached");
	assert_non_null(strstr(f->detail_zh, "已计入 46 天（2025 年），剩余 153 天、未收取 0 天"));
	world_free(&w, r);
	/* the tap on as_of itself is counted, not left */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-07-31");
	present_n(&w, "2025-01-01", 46);
	tap_at(&w, 0, LT("2025-07-31", 9, 0));
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-07-31"), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
	/* PENDING dates count as reachable: 46 counted + 153 left + 1 pending */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-07-31");
	present_n(&w, "2025-01-01", 46);
	w.te[0].collected_until_ms = LT("2025-07-31", 12, 0);
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-07-31"), ZC_ST_PENDING);
	assert_int_equal(year_row(r, 0, 2025)->pending_days, 1);
	assert_int_equal(count_findings(r, "min_days_unreachable"), 0);
	world_free(&w, r);
	/* as_of the day before the year's last date: still the warning branch */
	for (int n = 198; n <= 199; n++) {
		world_init(&w, "2025-01-01", "2026-12-31", "2025-12-30");
		present_n(&w, "2025-01-01", n);
		r = eval(&w);
		assert_int_equal(count_findings(r, "min_days_unreachable"), n == 198); /* n + 1 left */
		assert_int_equal(count_findings(r, "min_days"), 0);
		world_free(&w, r);
	}
}

/* RULES.md 7: a spell of exactly max + 1 days that ends at an assignment's
 * edge or at as_of is reported, dated its last (16th) day; max days are not. */
static void test_spell_exact_at_edges(void **state)
{
	(void)state;
	world w;
	/* absent Mon 3 .. Tue 18 March (16 days), the first assignment ends on the 18th */
	for (int days = 15; days <= 16; days++) {
		world_init(&w, "2025-01-01", "2025-03-18", "2025-06-30");
		w.as[1] = (zc_r_assignment){0, 0, D("2025-03-19"), D("2026-12-31")};
		w.in.nassignments = 2;
		present_workdays(&w, "2025-01-01", days == 16 ? "2025-02-28" : "2025-03-03");
		present_workdays(&w, "2025-03-19", "2025-06-30");
		zc_rules_result *r = eval(&w);
		assert_int_equal(status_of(r, "2025-03-18"), ZC_ST_ABSENT);
		assert_int_equal(count_findings(r, "consecutive_absence"), days == 16);
		if (days == 16) {
			const zc_r_finding *f = finding(r, "consecutive_absence", 0);
			assert_int_equal(f->date, D("2025-03-18"));
			assert_string_equal(f->detail,
					    "absent 2025-03-03..2025-03-18: 16 consecutive days (more than 15)");
			assert_int_equal(r->nrecall, 1);
			assert_int_equal(r->recall[0].consecutive, 1);
			assert_int_equal(r->recall[0].cumulative, 0);
		} else {
			assert_int_equal(r->nrecall, 0);
		}
		world_free(&w, r);
	}
	/* the same spell ending at as_of */
	for (int days = 15; days <= 16; days++) {
		world_init(&w, "2025-01-01", "2026-12-31", days == 16 ? "2025-03-18" : "2025-03-17");
		present_workdays(&w, "2025-01-01", "2025-02-28");
		zc_rules_result *r = eval(&w);
		assert_int_equal(count_findings(r, "consecutive_absence"), days == 16);
		if (days == 16)
			assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-18"));
		world_free(&w, r);
	}
	/* the policy sets max: 3 -> a 4-day spell, dated its 4th day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	assert_int_equal(zc_policy_set(&w.in.policy, "max_consecutive_absence_days", "3"), 0);
	present_workdays(&w, "2025-01-01", "2025-03-02");
	present_workdays(&w, "2025-03-07", "2025-03-31"); /* absent Mon 3 .. Thu 6 */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-06"));
	world_free(&w, r);
}

/* RULES.md 9: the eligibility of an assignment that starts on as_of. */
static void test_eligibility_on_as_of(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-07-01", "2027-06-30", "2025-07-01");
	w.ca[0].work_since = D("2023-07-02"); /* a day short of 2 years */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 1);
	const zc_r_finding *f = finding(r, "first_secretary_eligibility", 0);
	assert_int_equal(f->date, D("2025-07-01"));
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_string_equal(f->detail, "at the start of the assignment: work experience under 2 years");
	assert_string_equal(f->detail_zh, "选派时：工作经历不满2年");
	assert_int_equal(r->span[0], 1);
	world_free(&w, r);
	/* the day before it starts: not yet */
	world_init(&w, "2025-07-01", "2027-06-30", "2025-06-30");
	w.ca[0].work_since = D("2023-07-02");
	r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 0);
	assert_int_equal(r->span[0], 0);
	assert_int_equal(r->nyears, 0);
	world_free(&w, r);
	/* both short, and a member is never checked */
	world_init(&w, "2025-07-01", "2027-06-30", "2025-07-01");
	w.ca[0].party_since = D("2025-01-01");
	w.ca[0].work_since = D("2024-01-01");
	r = eval(&w);
	assert_string_equal(
	    finding(r, "first_secretary_eligibility", 0)->detail,
	    "at the start of the assignment: party standing under 1 year; work experience under 2 years");
	assert_string_equal(finding(r, "first_secretary_eligibility", 0)->detail_zh,
			    "选派时：党龄不满1年；工作经历不满2年");
	world_free(&w, r);
	world_init(&w, "2025-07-01", "2027-06-30", "2025-07-01");
	w.ca[0].role = ZC_ROLE_MEMBER;
	w.ca[0].has_party = 0;
	r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 0);
	world_free(&w, r);
}

/* RULES.md 1, 3, 10: findings dated as_of are in the report, those of the
 * next day are not: rejected and weak taps, impossible travel, integrity. */
static void test_findings_on_as_of(void **state)
{
	(void)state;
	world w;
	/* a rejected tap at 23:59 on as_of (Wed 5 March) and one at 00:00 the next day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	tap_at(&w, 0, LT("2025-03-05", 23, 59));
	tap_at(&w, 0, LT("2025-03-06", 0, 0));
	w.taps[0].record_ok = w.taps[1].record_ok = 0;
	w.taps[0].seq = 7;
	w.taps[1].seq = 8;
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "rejected_tap"), 1);
	const zc_r_finding *f = finding(r, "rejected_tap", 0);
	assert_int_equal(f->date, D("2025-03-05"));
	assert_int_equal(f->severity, ZC_SEV_NOTICE);
	assert_int_equal(f->subject_kind, ZC_SUBJ_CADRE);
	assert_string_equal(f->detail, "tap at K01 (record 7) not counted: record_not_verified");
	assert_string_equal(f->detail_zh, "终端 K01 第 7 条刷卡记录不计入：记录签名或哈希链未通过校验");
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_ABSENT);
	world_free(&w, r);
	/* weak taps: the one on as_of is reported, the next day's is not */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	w.in.policy.accept_uid_badges = 1;
	w.ba[0].uid_only = 1;
	tap_at(&w, 0, LT("2025-03-04", 9, 0));
	tap_at(&w, 0, LT("2025-03-05", 23, 59));
	tap_at(&w, 0, LT("2025-03-06", 0, 0));
	r = eval(&w);
	assert_int_equal(count_findings(r, "weak_tap"), 1);
	f = finding(r, "weak_tap", 0);
	assert_int_equal(f->date, D("2025-03-04"));
	assert_string_equal(f->detail,
			    "UID-only badge B001 counted (policy accept_uid_badges): 2025-03-04..2025-03-05, 2 tap(s)");
	world_free(&w, r);
	/* impossible travel on as_of (23:30 at K01, 23:40 at K02), not the next day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	tap_at(&w, 0, LT("2025-03-05", 23, 30));
	tap_at(&w, 1, LT("2025-03-05", 23, 40));
	tap_at(&w, 0, LT("2025-03-06", 0, 10));
	r = eval(&w);
	assert_int_equal(count_findings(r, "impossible_travel"), 1);
	f = finding(r, "impossible_travel", 0);
	assert_int_equal(f->date, D("2025-03-05"));
	assert_int_equal(f->subject_kind, ZC_SUBJ_TERMINAL);
	assert_int_equal(f->subject, 1);
	world_free(&w, r);
	/* integrity findings: dated as_of in, the next day out */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	zc_r_integrity g[] = {{0, "gap", D("2025-03-05"), 3, NULL, NULL}, {0, "fork", D("2025-03-06"), 4, NULL, NULL}};
	w.in.integrity = g;
	w.in.nintegrity = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "gap"), 1);
	assert_int_equal(count_findings(r, "fork"), 0);
	assert_string_equal(finding(r, "gap", 0)->detail, "gap"); /* no detail: the type */
	assert_string_equal(finding(r, "gap", 0)->detail_zh, "gap");
	world_free(&w, r);
}

/* RULES.md 9: rotation_due exactly handover_days before the end, up to the end. */
static void test_rotation_due_boundaries(void **state)
{
	(void)state;
	const char *as_of[] = {"2026-10-31", "2026-11-01", "2026-12-31", "2027-01-01"};
	int want[] = {0, 1, 1, 0};
	for (int i = 0; i < 4; i++) {
		world w;
		world_init(&w, "2025-01-01", "2026-12-31", as_of[i]);
		w.du[0] = (zc_r_duty){0, D("2025-05-06"), D("2025-05-06"), ZC_DUTY_TRAINING, ZC_LEVEL_CITY};
		w.in.nduties = 1;
		zc_rules_result *r = eval(&w);
		assert_int_equal(count_findings(r, "rotation_due"), want[i]);
		if (want[i]) {
			const zc_r_finding *f = finding(r, "rotation_due", 0);
			assert_int_equal(f->date, D("2026-11-01"));
			assert_int_equal(f->severity, ZC_SEV_NOTICE);
			assert_string_equal(f->detail, "term ends 2026-12-31");
		}
		assert_int_equal(count_findings(r, "training"), 0); /* city training in the term */
		world_free(&w, r);
	}
}

/* RULES.md 9: the training warning from the exact day 75% of the term has
 * passed; trainings that overlap the term by one day count. */
static void test_training_boundaries(void **state)
{
	(void)state;
	world w;
	/* a 100-day term, 1 January .. 10 April: 75 days have passed on 16 March */
	const char *as_of[] = {"2025-03-15", "2025-03-16", "2025-04-09", "2025-04-10"};
	int want[] = {-1, ZC_SEV_WARNING, ZC_SEV_WARNING, ZC_SEV_VIOLATION};
	for (int i = 0; i < 4; i++) {
		world_init(&w, "2025-01-01", "2025-04-10", as_of[i]);
		zc_rules_result *r = eval(&w);
		assert_int_equal(count_findings(r, "training"), want[i] >= 0);
		if (want[i] >= 0) {
			const zc_r_finding *f = finding(r, "training", 0);
			assert_int_equal(f->severity, want[i]);
			assert_int_equal(f->date, want[i] == ZC_SEV_WARNING ? D("2025-03-16") : D("2025-04-10"));
			assert_string_equal(
			    f->detail, want[i] == ZC_SEV_WARNING
					   ? "75% of the term has passed without training at district level or above"
					   : "no training at district level or above during the term");
		}
		world_free(&w, r);
	}
	/* a 730-day term: 547.5 days are 75%, so the warning comes on day 548 */
	world_init(&w, "2025-01-01", "2026-12-31", "2026-07-01");
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2026-07-02");
	r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 1);
	assert_int_equal(finding(r, "training", 0)->date, D("2026-07-02"));
	world_free(&w, r);
	/* 1% of a 101-day term is 1.01 days: the warning from the 2nd day */
	world_init(&w, "2025-01-01", "2025-04-11", "2025-01-01");
	w.in.policy.training_warning_percent = 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2025-04-11", "2025-01-02");
	w.in.policy.training_warning_percent = 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "training"), 1);
	world_free(&w, r);
	/* trainings touching the term by one day count; the day before or after does not */
	struct {
		const char *s, *e;
		int kind, level, ok;
	} t[] = {
	    {"2024-12-30", "2025-01-01", ZC_DUTY_TRAINING, ZC_LEVEL_DISTRICT, 1},
	    {"2025-04-10", "2025-04-12", ZC_DUTY_TRAINING, ZC_LEVEL_DISTRICT, 1},
	    {"2024-12-30", "2024-12-31", ZC_DUTY_TRAINING, ZC_LEVEL_CITY, 0},
	    {"2025-04-11", "2025-04-12", ZC_DUTY_TRAINING, ZC_LEVEL_CITY, 0},
	    {"2025-02-03", "2025-02-04", ZC_DUTY_MEETING, ZC_LEVEL_CITY, 0},
	    {"2025-02-03", "2025-02-04", ZC_DUTY_TRAINING, ZC_LEVEL_TOWNSHIP, 0},
	    {"2025-02-03", "2025-02-04", ZC_DUTY_TRAINING, ZC_LEVEL_CITY, 1},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		world_init(&w, "2025-01-01", "2025-04-10", "2025-04-10");
		w.du[0] = (zc_r_duty){0, D(t[i].s), D(t[i].e), t[i].kind, t[i].level};
		w.in.nduties = 1;
		r = eval(&w);
		if (count_findings(r, "training") != !t[i].ok)
			fail_msg("training case %zu", i);
		world_free(&w, r);
	}
}

/* RULES.md 10: impossible travel under min_travel_minutes, not at it. */
static void test_travel_threshold(void **state)
{
	(void)state;
	const int64_t M = 60000;
	struct {
		int64_t gap;
		int t2, want;
	} c[] = {{30 * M, 1, 0}, {30 * M - 1, 1, 1}, {1, 1, 1}, {1 * M, 0, 0}};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		world w;
		world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
		if (!c[i].t2)
			w.te[1].township = 0; /* two terminals of one township */
		int64_t t0 = LT("2025-03-04", 9, 0);
		tap_at(&w, 0, t0);
		tap_at(&w, 1, t0 + c[i].gap);
		zc_rules_result *r = eval(&w);
		if (count_findings(r, "impossible_travel") != c[i].want)
			fail_msg("travel case %zu", i);
		if (c[i].want) {
			const zc_r_finding *f = finding(r, "impossible_travel", 0);
			assert_int_equal(f->severity, ZC_SEV_VIOLATION);
			assert_int_equal(f->date, D("2025-03-04"));
			assert_int_equal(f->subject, 1);
			char want[128];
			snprintf(want, sizeof want, "badge B001 within %d minutes at K01 and K02", (int)(c[i].gap / M));
			assert_string_equal(f->detail, want);
		}
		world_free(&w, r);
	}
	/* the policy's minutes; and a second badge's taps do not pair with the first's */
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.in.policy.min_travel_minutes = 90;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 0, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	tap_at(&w, 0, LT("2025-03-04", 9, 0));
	tap_at(&w, 1, LT("2025-03-04", 10, 0)); /* 60 minutes < 90 */
	tap_at(&w, 1, LT("2025-03-05", 9, 0));
	tap_at(&w, 0, LT("2025-03-05", 9, 5));
	w.taps[3].badge = 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "impossible_travel"), 1);
	assert_int_equal(finding(r, "impossible_travel", 0)->date, D("2025-03-04"));
	world_free(&w, r);
	/* B001 at K01, B002 earlier, B001 at K02 five minutes later; and two
	 * taps of no known badge: one finding, for B001 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 0, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	tap_at(&w, 0, LT("2025-03-04", 9, 0));
	tap_at(&w, 0, LT("2025-03-04", 8, 0));
	tap_at(&w, 1, LT("2025-03-04", 9, 5));
	tap_at(&w, 0, LT("2025-03-05", 9, 0));
	tap_at(&w, 1, LT("2025-03-05", 9, 1));
	w.taps[1].badge = 1;
	w.taps[3].badge = w.taps[4].badge = -1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "impossible_travel"), 1);
	assert_string_equal(finding(r, "impossible_travel", 0)->detail, "badge B001 within 5 minutes at K01 and K02");
	world_free(&w, r);
	/* whole minutes: 20 apart is "20 minutes" */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	tap_at(&w, 1, LT("2025-03-04", 9, 0));
	tap_at(&w, 0, LT("2025-03-04", 9, 20));
	r = eval(&w);
	assert_string_equal(finding(r, "impossible_travel", 0)->detail, "badge B001 within 20 minutes at K02 and K01");
	assert_int_equal(finding(r, "impossible_travel", 0)->subject, 0);
	world_free(&w, r);
}

/* RULES.md 3: a tap whose terminal clock was not trusted is rejected and
 * never counts; reasons are checked in order. */
static void test_untrusted_clock_tap(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	tap_at(&w, 0, LT("2025-03-04", 8, 30));
	w.taps[0].clock_ok = 0;
	w.taps[0].seq = 12;
	tap_at(&w, 0, LT("2025-03-05", 8, 30));
	zc_rules_result *r = eval(&w);
	assert_int_equal(r->tap_reject[0], ZC_REJ_CLOCK);
	assert_int_equal(r->tap_reject[1], ZC_REJ_NONE);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "rejected_tap"), 1);
	const zc_r_finding *f = finding(r, "rejected_tap", 0);
	assert_int_equal(f->date, D("2025-03-04"));
	assert_int_equal(f->subject_kind, ZC_SUBJ_CADRE);
	assert_int_equal(f->subject, 0);
	assert_string_equal(f->detail, "tap at K01 (record 12) not counted: clock_not_trusted");
	assert_string_equal(f->detail_zh, "终端 K01 第 12 条刷卡记录不计入：终端时钟当时不可信");
	assert_int_equal(year_row(r, 0, 2025)->present_days, 1);
	world_free(&w, r);
	/* the first failing rule names the reason */
	struct {
		int record_ok, badge_ok, clock_ok, uid, accept_uid, badge, revoked, unbound, want;
	} c[] = {
	    {0, 0, 0, 0, 0, 0, 0, 0, ZC_REJ_RECORD},	 {1, 0, 0, 0, 0, -1, 0, 0, ZC_REJ_UNBOUND},
	    {1, 0, 0, 0, 0, 0, 1, 1, ZC_REJ_BADGE_AUTH}, {1, 1, 0, 1, 0, 0, 1, 1, ZC_REJ_UID},
	    {1, 0, 0, 1, 1, 0, 1, 1, ZC_REJ_REVOKED},	 {1, 1, 0, 0, 0, 0, 0, 1, ZC_REJ_UNBOUND},
	    {1, 1, 0, 0, 0, 0, 0, 0, ZC_REJ_CLOCK},	 {1, 0, 1, 1, 1, 0, 0, 0, ZC_REJ_NONE},
	    {1, 1, 1, 0, 0, 0, 0, 2, ZC_REJ_UNBOUND}, /* the badge is bound to nobody */
	    {1, 1, 1, 0, 0, 0, 0, 3, ZC_REJ_UNBOUND}, /* bound until 2 January 1970 */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
		w.in.policy.accept_uid_badges = c[i].accept_uid;
		w.ba[0].uid_only = c[i].uid;
		if (c[i].revoked)
			w.ba[0].revoked_at_ms = LT("2025-03-01", 0, 0);
		if (c[i].unbound == 1)
			w.ba[0].bound_from = D("2025-03-10");
		if (c[i].unbound == 2)
			w.ba[0].cadre = -1;
		if (c[i].unbound == 3) {
			w.ba[0].bound_from = 0;
			w.ba[0].bound_to = 1;
		}
		tap_at(&w, 0, LT("2025-03-04", 8, 30));
		w.taps[0] = (zc_r_tap){
		    c[i].badge, 0, LT("2025-03-04", 8, 30), c[i].record_ok, c[i].badge_ok, c[i].clock_ok, 1, 0};
		r = eval(&w);
		if (r->tap_reject[0] != c[i].want)
			fail_msg("case %zu: %s, wanted %s", i, zc_tap_reject_name(r->tap_reject[0]),
				 zc_tap_reject_name(c[i].want));
		assert_int_equal(status_of(r, "2025-03-04"), c[i].want == ZC_REJ_NONE ? ZC_ST_PRESENT : ZC_ST_ABSENT);
		world_free(&w, r);
	}
}

/* RULES.md 3: taps of a UID badge, accepted by the policy, are reported as
 * weak, once per cadre, with the first and last date and the count; a PKI
 * tap of the same cadre is not weak. */
static void test_weak_taps_reported(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.in.policy.accept_uid_badges = 1;
	w.ba[1] = (zc_r_badge){
	    .id = "U77", .cadre = 0, .bound_from = D("2025-01-01"), .uid_only = 1, .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	tap_at(&w, 0, LT("2025-03-03", 8, 30)); /* PKI */
	tap_at(&w, 0, LT("2025-03-04", 8, 30));
	tap_at(&w, 0, LT("2025-03-06", 8, 30));
	tap_at(&w, 0, LT("2025-03-05", 8, 30));
	w.taps[1].badge = w.taps[2].badge = w.taps[3].badge = 1;
	zc_rules_result *r = eval(&w);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r->tap_reject[i], ZC_REJ_NONE);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "weak_tap"), 1);
	assert_int_equal(count_findings(r, "rejected_tap"), 0);
	const zc_r_finding *f = finding(r, "weak_tap", 0);
	assert_int_equal(f->severity, ZC_SEV_NOTICE);
	assert_int_equal(f->subject_kind, ZC_SUBJ_CADRE);
	assert_int_equal(f->subject, 0);
	assert_int_equal(f->date, D("2025-03-04"));
	assert_string_equal(f->detail,
			    "UID-only badge U77 counted (policy accept_uid_badges): 2025-03-04..2025-03-06, 3 tap(s)");
	assert_string_equal(f->detail_zh,
			    "仅UID卡 U77 按政策计入（accept_uid_badges）：2025-03-04 至 2025-03-06 共 3 次");
	world_free(&w, r);
	/* without the policy they are rejected, not weak */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.ba[0].uid_only = 1;
	tap_at(&w, 0, LT("2025-03-04", 8, 30));
	tap_at(&w, 0, LT("2025-03-05", 8, 30));
	w.taps[0].seq = 1;
	w.taps[1].seq = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "weak_tap"), 0);
	assert_int_equal(count_findings(r, "rejected_tap"), 1);
	assert_string_equal(
	    finding(r, "rejected_tap", 0)->detail,
	    "2 taps from 2025-03-04 to 2025-03-05 not counted: uid_badge_not_accepted (first: K01 record 1)");
	assert_string_equal(finding(r, "rejected_tap", 0)->detail_zh,
			    "2025-03-04 至 2025-03-05 共 2 次刷卡不计入：不接受仅UID卡（首次：终端 K01 第 1 条）");
	world_free(&w, r);
}

/* RULES.md: every default policy number is the named default. */
static void test_policy_defaults(void **state)
{
	(void)state;
	zc_policy p;
	memset(&p, 0x5a, sizeof p);
	zc_policy_default(&p);
	assert_int_equal(p.min_taps_per_day, 1);
	assert_int_equal(p.township_max_leave_days, 3);
	assert_int_equal(p.district_max_leave_days, 7);
	assert_int_equal(p.min_days_per_year, 200);
	assert_int_equal(p.max_consecutive_absence_days, 15);
	assert_int_equal(p.max_absent_days_per_year, 30);
	assert_int_equal(p.allowance_on_rest_days, 0);
	assert_int_equal(p.accept_uid_badges, 0);
	assert_int_equal(p.handover_days, 60);
	assert_int_equal(p.clock_rollback_tolerance_s, 300);
	assert_int_equal(p.min_travel_minutes, 30);
	assert_int_equal(p.daily_rate_fen, 10000);
	assert_int_equal(p.tz_offset_min, 480);
	assert_int_equal(p.term_years, 2);
	assert_int_equal(p.training_warning_percent, 75);
	assert_int_equal(p.correction_level, ZC_LEVEL_DISTRICT);
	assert_int_equal(p.max_corrections_per_month, 2);
	assert_int_equal(p.max_collection_lag_days, 31);
}

/* zc_policy_set: every number at the ends of its range and one beyond;
 * decimal only; booleans; the zone; the correction level; the rate. */
static void test_policy_set_ranges(void **state)
{
	(void)state;
	zc_policy p;
	zc_policy_default(&p);
	struct {
		const char *name;
		int *field;
		long lo, hi;
	} c[] = {
	    {"min_taps_per_day", &p.min_taps_per_day, 1, 100},
	    {"township_max_leave_days", &p.township_max_leave_days, 0, 366},
	    {"district_max_leave_days", &p.district_max_leave_days, 0, 366},
	    {"min_days_per_year", &p.min_days_per_year, 0, 366},
	    {"max_consecutive_absence_days", &p.max_consecutive_absence_days, 0, 366},
	    {"max_absent_days_per_year", &p.max_absent_days_per_year, 0, 366},
	    {"handover_days", &p.handover_days, 0, 3660},
	    {"min_travel_minutes", &p.min_travel_minutes, 0, 10080},
	    {"term_years", &p.term_years, 1, 50},
	    {"training_warning_percent", &p.training_warning_percent, 0, 100},
	    {"max_corrections_per_month", &p.max_corrections_per_month, 0, 31},
	    {"max_collection_lag_days", &p.max_collection_lag_days, 0, 3660},
	};
	char v[32];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(v, sizeof v, "%ld", c[i].lo);
		if (zc_policy_set(&p, c[i].name, v) || *c[i].field != c[i].lo)
			fail_msg("%s = %s refused", c[i].name, v);
		snprintf(v, sizeof v, "%ld", c[i].hi);
		if (zc_policy_set(&p, c[i].name, v) || *c[i].field != c[i].hi)
			fail_msg("%s = %s refused", c[i].name, v);
		snprintf(v, sizeof v, "%ld", c[i].lo - 1);
		if (zc_policy_set(&p, c[i].name, v) != -1 || *c[i].field != c[i].hi)
			fail_msg("%s = %s accepted", c[i].name, v);
		snprintf(v, sizeof v, "%ld", c[i].hi + 1);
		if (zc_policy_set(&p, c[i].name, v) != -1 || *c[i].field != c[i].hi)
			fail_msg("%s = %s accepted", c[i].name, v);
	}
	/* decimal, whole, nothing after it */
	assert_int_equal(zc_policy_set(&p, "handover_days", "10"), 0);
	assert_int_equal(p.handover_days, 10);
	assert_int_equal(zc_policy_set(&p, "handover_days", "9"), 0);
	assert_int_equal(p.handover_days, 9);
	assert_int_equal(zc_policy_set(&p, "handover_days", "019"), 0);
	assert_int_equal(p.handover_days, 19);
	assert_int_equal(zc_policy_set(&p, "handover_days", "1a"), -1);
	assert_int_equal(zc_policy_set(&p, "handover_days", ""), -1);
	assert_int_equal(zc_policy_set(&p, "handover_days", NULL), -1);
	assert_int_equal(zc_policy_set(&p, "handover_days", "3 "), -1);
	assert_int_equal(p.handover_days, 19);
	/* the 64-bit ones */
	assert_int_equal(zc_policy_set(&p, "clock_rollback_tolerance_s", "0"), 0);
	assert_int_equal(p.clock_rollback_tolerance_s, 0);
	assert_int_equal(zc_policy_set(&p, "clock_rollback_tolerance_s", "31536000"), 0);
	assert_int_equal(p.clock_rollback_tolerance_s, 31536000);
	assert_int_equal(zc_policy_set(&p, "clock_rollback_tolerance_s", "31536001"), -1);
	assert_int_equal(zc_policy_set(&p, "clock_rollback_tolerance_s", "-1"), -1);
	assert_int_equal(p.clock_rollback_tolerance_s, 31536000);
	assert_int_equal(zc_policy_set(&p, "daily_rate_fen", "0"), 0);
	assert_int_equal(p.daily_rate_fen, 0);
	assert_int_equal(zc_policy_set(&p, "daily_rate_fen", "100000000"), 0);
	assert_int_equal(p.daily_rate_fen, 100000000);
	assert_int_equal(zc_policy_set(&p, "default_rate_fen", "12000"), 0);
	assert_int_equal(p.daily_rate_fen, 12000);
	assert_int_equal(zc_policy_set(&p, "daily_rate_fen", "100000001"), -1);
	assert_int_equal(zc_policy_set(&p, "daily_rate_fen", "-1"), -1);
	assert_int_equal(p.daily_rate_fen, 12000);
	/* booleans */
	const char *on[] = {"on", "true", "yes", "1"}, *off[] = {"off", "false", "no", "0"};
	for (int i = 0; i < 4; i++) {
		p.accept_uid_badges = 0;
		assert_int_equal(zc_policy_set(&p, "accept_uid_badges", on[i]), 0);
		assert_int_equal(p.accept_uid_badges, 1);
		assert_int_equal(zc_policy_set(&p, "accept_uid_badges", off[i]), 0);
		assert_int_equal(p.accept_uid_badges, 0);
		p.allowance_on_rest_days = 0;
		assert_int_equal(zc_policy_set(&p, "allowance_on_rest_days", on[i]), 0);
		assert_int_equal(p.allowance_on_rest_days, 1);
		assert_int_equal(zc_policy_set(&p, "allowance_on_rest_days", off[i]), 0);
		assert_int_equal(p.allowance_on_rest_days, 0);
	}
	p.accept_uid_badges = 7;
	assert_int_equal(zc_policy_set(&p, "accept_uid_badges", "maybe"), -1);
	assert_int_equal(zc_policy_set(&p, "accept_uid_badges", "2"), -1);
	assert_int_equal(p.accept_uid_badges, 7);
	/* zone, correction level, unknown names */
	assert_int_equal(zc_policy_set(&p, "zone", "UTC+05:30"), 0);
	assert_int_equal(p.tz_offset_min, 330);
	assert_int_equal(zc_policy_set(&p, "zone", "Mars/Base"), -1);
	assert_int_equal(zc_policy_set(&p, "correction_level", "city"), 0);
	assert_int_equal(p.correction_level, ZC_LEVEL_CITY);
	assert_int_equal(zc_policy_set(&p, "correction_level", "township"), 0);
	assert_int_equal(p.correction_level, ZC_LEVEL_TOWNSHIP);
	assert_int_equal(zc_policy_set(&p, "correction_level", "none"), -1);
	assert_int_equal(zc_policy_set(&p, "correction_level", "province"), -1);
	assert_int_equal(p.correction_level, ZC_LEVEL_TOWNSHIP);
	assert_int_equal(zc_policy_set(&p, "no_such_policy", "1"), -1);
	assert_int_equal(zc_policy_set(&p, "min_taps", "1"), -1);
}

static void test_zone_parse(void **state)
{
	(void)state;
	struct {
		const char *s;
		int rc, off;
	} c[] = {
	    {"Asia/Shanghai", 0, 480},
	    {"UTC", 0, 0},
	    {"UTC+05:30", 0, 330},
	    {"UTC-03:00", 0, -180},
	    {"UTC+12:34", 0, 754},
	    {"UTC-01:02", 0, -62},
	    {"UTC+14:59", 0, 899},
	    {"UTC+00:00", 0, 0},
	    {"UTC+15:00", -1, 0},
	    {"UTC+00:60", -1, 0},
	    {"UTC*05:30", -1, 0},
	    {"UTC+5:30", -1, 0},
	    {"UTC+05-30", -1, 0},
	    {"UTC+05:30x", -1, 0},
	    {"XTC+05:30", -1, 0},
	    {"UTC+/1:00", -1, 0},
	    {"UTC+0::00", -1, 0},
	    {"UTC+00:/0", -1, 0},
	    {"UTC+00:0:", -1, 0},
	    {"UTC+0a:00", -1, 0},
	    {"utc", -1, 0},
	    {"", -1, 0},
	    {"UTC+", -1, 0},
	    {"Asia/Shanghai ", -1, 0},
	    {"UTX+05:30", -1, 0},
	    {"UXC+05:30", -1, 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int off = 12345;
		int rc = zc_zone_parse(c[i].s, &off);
		if (rc != c[i].rc || (!rc && off != c[i].off) || (rc && off != 12345))
			fail_msg("zone '%s': %d %d", c[i].s, rc, off);
	}
}

/* Dates: every month's last day, the digits and separators of YYYY-MM-DD,
 * weekdays and local dates before 1970, N years after 29 February. */
static void test_dates_more(void **state)
{
	(void)state;
	zc_day x;
	for (int y = 2024; y <= 2025; y++)
		for (int m = 1; m <= 12; m++) {
			static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
			int last = dm[m - 1] + (m == 2 && y == 2024);
			char s[48];
			snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, last);
			if (zc_day_parse(s, &x) || x != zc_day_from_ymd(y, m, last))
				fail_msg("%s refused", s);
			snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, last + 1);
			if (zc_day_parse(s, &x) != -1)
				fail_msg("%s accepted", s);
		}
	const char *bad[] = {"2025-00-10", "2025-13-01", "2025-01-00", "2025/01/01", "2025-01/01", "2025-01-01 ",
			     "2025-01-1",  "a025-01-01", "20x5-01-01", "2025-0:-01", "2025-0/-01", "2025-01-0a",
			     "2025-01-0:", "2025-10-3/", "",	       "2025-02-30", " 025-01-01", "+025-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		x = 4242;
		if (zc_day_parse(bad[i], &x) != -1 || x != 4242)
			fail_msg("'%s' accepted", bad[i]);
	}
	assert_int_equal(zc_day_parse(NULL, &x), -1);
	assert_int_equal(zc_day_parse("2025-12-01", &x), 0);
	assert_int_equal(x, zc_day_from_ymd(2025, 12, 1));
	assert_int_equal(zc_day_parse("2000-02-29", &x), 0);
	assert_int_equal(zc_day_parse("2100-02-29", &x), -1);
	/* weekdays on both sides of 1970 */
	assert_int_equal(zc_weekday(-1), 2); /* Wednesday 1969-12-31 */
	assert_int_equal(zc_weekday(-3), 0); /* Monday 1969-12-29 */
	assert_int_equal(zc_weekday(-7), 3);
	assert_int_equal(zc_weekday(-8), 2);
	for (zc_day d = -30; d < 30; d++)
		assert_int_equal(zc_weekday(d), ((d + 3) % 7 + 7) % 7);
	/* local dates of UTC times: the second and the day edges */
	assert_int_equal(zc_day_of_utc(-1000, 0), -1);
	assert_int_equal(zc_day_of_utc(-999, 0), -1);
	assert_int_equal(zc_day_of_utc(-86400000LL, 0), -1);
	assert_int_equal(zc_day_of_utc(-86400001LL, 0), -2);
	assert_int_equal(zc_day_of_utc(-86399999LL, 0), -1);
	assert_int_equal(zc_day_of_utc(86399999LL, 0), 0);
	assert_int_equal(zc_day_of_utc(86400000LL, 0), 1);
	assert_int_equal(zc_day_of_utc(0, -480), -1);
	assert_int_equal(zc_day_of_utc(0, 480), 0);
	assert_int_equal(zc_day_of_utc(57599999LL, 480), 0);
	assert_int_equal(zc_day_of_utc(57600000LL, 480), 1);
	assert_int_equal(zc_day_of_utc(-28800001LL, 480), -1);
	assert_int_equal(zc_day_of_utc(-28800000LL, 480), 0);
	assert_int_equal(zc_day_of_utc(-172800000LL - 1, 0), -3);
	/* N years after: 29 February to 28 February; and before */
	assert_int_equal(zc_day_years_before(D("2024-02-29"), -2), D("2026-02-28"));
	assert_int_equal(zc_day_years_before(D("2024-02-29"), -4), D("2028-02-29"));
	assert_int_equal(zc_day_years_before(D("2024-02-28"), 1), D("2023-02-28"));
	assert_int_equal(zc_day_years_before(D("2024-03-01"), 1), D("2023-03-01"));
	assert_int_equal(zc_day_years_before(D("2025-03-01"), 0), D("2025-03-01"));
	assert_int_equal(zc_days_in_year(1900), 365);
	assert_int_equal(zc_days_in_year(2023), 365);
	assert_int_equal(zc_days_in_year(1600), 366);
}

/* Names of levels, severities, reasons and clock verdicts. */
static void test_names(void **state)
{
	(void)state;
	const char *lv[] = {"none", "township", "district", "city"}, *zh[] = {"无", "乡镇", "区", "市"};
	for (int i = 0; i < 4; i++) {
		assert_string_equal(zc_level_name(i), lv[i]);
		assert_string_equal(zc_level_label_zh(i), zh[i]);
		assert_int_equal(zc_level_parse(lv[i]), i);
	}
	assert_string_equal(zc_level_name(9), "none");
	assert_string_equal(zc_level_label_zh(-1), "无");
	assert_int_equal(zc_level_parse("province"), -1);
	assert_int_equal(zc_level_parse("City"), -1);
	assert_string_equal(zc_severity_name(ZC_SEV_NOTICE), "notice");
	assert_string_equal(zc_severity_name(ZC_SEV_WARNING), "warning");
	assert_string_equal(zc_severity_name(ZC_SEV_VIOLATION), "violation");
	const char *rj[] = {"accepted",
			    "record_not_verified",
			    "badge_not_authenticated",
			    "badge_revoked",
			    "uid_badge_not_accepted",
			    "badge_not_bound",
			    "clock_not_trusted",
			    "rejected"};
	const char *rz[] = {"有效",
			    "记录签名或哈希链未通过校验",
			    "工牌认证失败（签名或证书无效，疑似复制卡）",
			    "工牌已吊销",
			    "不接受仅UID卡",
			    "工牌当时未绑定干部",
			    "终端时钟当时不可信",
			    "未计入"};
	for (int i = 0; i < 8; i++) {
		assert_string_equal(zc_tap_reject_name(i), rj[i]);
		assert_string_equal(zc_tap_reject_label_zh(i), rz[i]);
	}
	assert_string_equal(zc_clock_verdict_name(ZC_CLOCK_OK), "");
	assert_string_equal(zc_clock_verdict_name(ZC_CLOCK_BEFORE_PROVISIONING), "tap_before_provisioning");
	assert_string_equal(zc_clock_verdict_name(ZC_CLOCK_AFTER_COLLECTION), "tap_after_collection");
	assert_string_equal(zc_clock_verdict_name(ZC_CLOCK_ROLLBACK_WINDOW), "clock_rollback_window");
	assert_string_equal(zc_clock_verdict_name(99), "");
}

/* The calendar: adjusted workdays win over holidays; many dates, in any
 * order, are all found. */
static void test_calendar_lookup(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	const char *hol[] = {"2025-01-29", "2025-01-01", "2025-01-28", "2025-01-30",
			     "2025-01-31", "2025-01-15", "2025-01-08", "2025-01-26"};
	for (int i = 0; i < 8; i++)
		w.hol[i] = D(hol[i]);
	w.in.nholidays = 8;
	const char *wd[] = {"2025-01-26", "2025-02-08", "2025-01-25"};
	for (int i = 0; i < 3; i++)
		w.wd[i] = D(wd[i]);
	w.in.nworkdays = 3;
	zc_rules_result *r = eval(&w);
	for (int i = 0; i < 8; i++)
		if (i != 7 && zc_rules_day_status(r, 0, w.hol[i]) != ZC_ST_REST)
			fail_msg("holiday %s", hol[i]);
	/* 26 January is both: the working day wins, as in zc_rules_is_workday */
	assert_int_equal(status_of(r, "2025-01-26"), ZC_ST_ABSENT);
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-01-26")), 1);
	assert_int_equal(status_of(r, "2025-01-25"), ZC_ST_ABSENT);
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-01-25")), 1);
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-01-31")), 0);
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-01-29")), 0); /* the first holiday given */
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-02-08")), 1); /* a working Saturday */
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-02-09")), 0);
	assert_int_equal(status_of(r, "2025-01-02"), ZC_ST_ABSENT);
	assert_int_equal(zc_rules_is_workday(&w.in, D("2025-01-02")), 1);
	assert_int_equal(status_of(r, "2025-01-07"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-01-09"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-01-27"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-01-04"), ZC_ST_REST);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->absent_days, 23 - 7 + 2);
	assert_int_equal(y->rest_days, 31 - 18);
	world_free(&w, r);
}

static int eval_rc(world *w)
{
	zc_rules_result *r = NULL;
	int rc = zc_rules_evaluate(&w->in, &r);
	zc_rules_result_free(r);
	return rc;
}

/* zc_rules_evaluate refuses an index out of range and a range backwards,
 * one past the end as well as -1; the last index and one-day ranges pass. */
static void test_check_input(void **state)
{
	(void)state;
	world w;
	zc_r_district dist[1] = {{"D01", "d"}};
	zc_r_correction k[1];
	zc_r_inspection x[1];
	zc_r_integrity g[1];
	struct {
		int what, v, want;
	} c[] = {
	    {0, 1, 0},	      {0, 2, ZC_EARG},	{0, -1, ZC_EARG},		      /* village's township */
	    {1, 1, 0},	      {1, 2, ZC_EARG},	{1, -1, ZC_EARG},		      /* terminal's township */
	    {2, 0, 0},	      {2, 1, ZC_EARG},	{2, -1, ZC_EARG},		      /* assignment's cadre */
	    {3, 1, 0},	      {3, 2, ZC_EARG},	{3, -1, ZC_EARG},		      /* assignment's village */
	    {4, 0, 0},	      {4, -1, ZC_EARG},					      /* assignment end - start */
	    {5, 0, 0},	      {5, 1, ZC_EARG},	{5, -1, ZC_EARG},		      /* leave's cadre */
	    {6, 0, 0},	      {6, -1, ZC_EARG},					      /* leave end - start */
	    {7, 0, 0},	      {7, 1, ZC_EARG},	{7, -1, ZC_EARG},		      /* duty's cadre */
	    {8, 0, 0},	      {8, -1, ZC_EARG},					      /* duty end - start */
	    {9, -1, 0},	      {9, 0, 0},	{9, 1, ZC_EARG},   {9, -2, ZC_EARG},  /* badge's cadre */
	    {10, -1, 0},      {10, 0, 0},	{10, 1, ZC_EARG},  {10, -2, ZC_EARG}, /* tap's badge */
	    {11, 1, 0},	      {11, 2, ZC_EARG}, {11, -1, ZC_EARG},		      /* tap's terminal */
	    {12, 1, 0},	      {12, 2, ZC_EARG}, {12, -1, ZC_EARG},		      /* integrity's terminal */
	    {13, 0, ZC_EARG},							      /* integrity without a type */
	    {14, 0, 0},	      {14, 1, ZC_EARG}, {14, -1, ZC_EARG},		      /* correction's cadre */
	    {15, 0, 0},	      {15, 1, ZC_EARG}, {15, -1, ZC_EARG},		      /* inspection's cadre */
	    {16, -1, 0},      {16, 1, 0},	{16, 2, ZC_EARG},  {16, -2, ZC_EARG}, /* inspection's village */
	    {17, -1, 0},      {17, 0, 0},	{17, 1, ZC_EARG},  {17, -2, ZC_EARG}, /* township's district */
	    {18, 5, 0},								      /* no districts: not checked */
	    {19, 2, ZC_EARG}, {20, 2, ZC_EARG}, {21, 2, ZC_EARG}, /* index 0 of villages, terminals, townships */
	    {22, 5, 0},						  /* a badge slot past nbadges is not looked at */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
		w.le[0] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-03"), ZC_LEVEL_TOWNSHIP, NULL};
		w.du[0] = (zc_r_duty){0, D("2025-03-04"), D("2025-03-04"), ZC_DUTY_TRIP, ZC_LEVEL_DISTRICT};
		k[0] = (zc_r_correction){0, D("2025-03-05"), ZC_LEVEL_CITY, NULL};
		x[0] = (zc_r_inspection){0, 0, LT("2025-03-06", 10, 0), 1, "x"};
		g[0] = (zc_r_integrity){0, "gap", D("2025-03-07"), 1, NULL, NULL};
		w.in.nleaves = w.in.nduties = 1;
		w.in.corrections = k;
		w.in.ncorrections = 1;
		w.in.inspections = x;
		w.in.ninspections = 1;
		w.in.integrity = g;
		w.in.nintegrity = 1;
		w.in.districts = dist;
		w.in.ndistricts = 1;
		tap_at(&w, 0, LT("2025-03-10", 8, 0));
		int v = c[i].v;
		switch (c[i].what) {
		case 0: w.vi[1].township = v; break;
		case 1: w.te[1].township = v; break;
		case 2: w.as[0].cadre = v; break;
		case 3: w.as[0].village = v; break;
		case 4: w.as[0].end = w.as[0].start + v; break;
		case 5: w.le[0].cadre = v; break;
		case 6: w.le[0].end = w.le[0].start + v; break;
		case 7: w.du[0].cadre = v; break;
		case 8: w.du[0].end = w.du[0].start + v; break;
		case 9: w.ba[0].cadre = v; break;
		case 10: w.taps[0].badge = v; break;
		case 11: w.taps[0].terminal = v; break;
		case 12: g[0].terminal = v; break;
		case 13: g[0].type = NULL; break;
		case 14: k[0].cadre = v; break;
		case 15: x[0].cadre = v; break;
		case 16: x[0].village = v; break;
		case 17: w.tw[1].district = v; break;
		case 18:
			w.tw[1].district = v;
			w.in.ndistricts = 0;
			break;
		case 19: w.vi[0].township = v; break;
		case 20: w.te[0].township = v; break;
		case 21: w.tw[0].district = v; break;
		case 22: w.ba[1].cadre = v; break;
		}
		if (eval_rc(&w) != c[i].want)
			fail_msg("check_input case %zu (what %d, %d): wanted %d", i, c[i].what, v, c[i].want);
		world_free(&w, NULL);
	}
}

/* The report's day lookups: a gap between two assignments, the edges of
 * the evaluated range, a cadre without an assignment; the allowance at each
 * date's village rate; one month row per month with evaluated dates. */
static void test_report_lookups_and_rates(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2025-01-10", "2025-01-31");
	w.as[1] = (zc_r_assignment){0, 1, D("2025-01-20"), D("2026-12-31")}; /* V02 (T02), 12000 fen */
	w.in.nassignments = 2;
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	for (zc_day d = D("2025-01-01"); d <= D("2025-01-31"); d++)
		if (zc_rules_is_workday(&w.in, d))
			tap_at(&w, d < D("2025-01-20") ? 0 : 1, ((int64_t)d * 86400 + 1800) * 1000);
	zc_rules_result *r = eval(&w);
	assert_int_equal(r->as_of, D("2025-01-31"));
	assert_int_equal(r->ncadres, 2);
	assert_int_equal(r->first[0], D("2025-01-01"));
	assert_int_equal(r->span[0], 31);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-01")), 0);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-10")), 0);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-11")), -1);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-19")), -1);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-20")), 1);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-01-31")), 1);
	assert_int_equal(zc_rules_assignment(r, 0, D("2025-02-01")), -1);
	assert_int_equal(zc_rules_assignment(r, 0, D("2024-12-31")), -1);
	assert_int_equal(zc_rules_assignment(r, -1, D("2025-01-02")), -1);
	assert_int_equal(zc_rules_assignment(r, 1, D("2025-01-02")), -1);
	assert_int_equal(zc_rules_assignment(r, 2, D("2025-01-02")), -1);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-13")), ZC_ST_NONE); /* a Monday between */
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-01-31")), ZC_ST_PRESENT);
	assert_int_equal(zc_rules_day_status(r, 0, D("2025-02-01")), ZC_ST_NONE);
	assert_int_equal(zc_rules_day_status(r, 0, D("2024-12-31")), ZC_ST_NONE);
	assert_int_equal(zc_rules_day_status(r, -1, D("2025-01-02")), ZC_ST_NONE);
	assert_int_equal(zc_rules_day_status(r, 1, D("2025-01-02")), ZC_ST_NONE);
	assert_int_equal(zc_rules_day_status(r, 2, D("2025-01-02")), ZC_ST_NONE);
	assert_int_equal(count_findings(r, "foreign_terminal"), 0);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->present_days, 18);
	assert_int_equal(y->absent_days, 0);
	assert_int_equal(y->rest_days, 4);
	assert_int_equal(y->allowance_days, 18);
	assert_int_equal(y->allowance_fen, 8 * 10000 + 10 * 12000);
	assert_int_equal(r->nyears, 1);
	assert_int_equal(r->nmonths, 1);
	assert_int_equal(r->months[0].cadre, 0);
	assert_int_equal(r->months[0].year, 2025);
	assert_int_equal(r->months[0].month, 1);
	assert_int_equal(r->months[0].allowance_days, 18);
	assert_int_equal(r->months[0].allowance_fen, 200000);
	world_free(&w, r);
	/* a village without its own rate pays the policy's */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	w.vi[0].rate_fen = -1;
	w.in.policy.daily_rate_fen = 12345;
	present_workdays(&w, "2025-01-01", "2025-01-10");
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->allowance_fen, 8 * 12345);
	world_free(&w, r);
}

/* One row per year with evaluated dates (none for a year between two
 * assignments), one per month; the 200 days of each year apart; the
 * cumulative count starts again each year. */
static void test_years_and_months(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2024-07-01", "2025-06-30", "2025-03-31");
	zc_rules_result *r = eval(&w);
	assert_int_equal(r->nyears, 2);
	assert_int_equal(r->nmonths, 9);
	assert_int_equal(r->months[0].year, 2024);
	assert_int_equal(r->months[0].month, 7);
	assert_int_equal(r->months[8].year, 2025);
	assert_int_equal(r->months[8].month, 3);
	assert_int_equal(year_row(r, 0, 2024)->required_days, 101); /* ceil(200 * 184 / 366) */
	assert_int_equal(year_row(r, 0, 2025)->required_days, 100); /* ceil(200 * 181 / 365) */
	assert_int_equal(count_findings(r, "min_days"), 1);
	assert_int_equal(finding(r, "min_days", 0)->date, D("2024-12-31"));
	assert_int_equal(count_findings(r, "min_days_unreachable"), 1);
	assert_string_equal(
	    finding(r, "min_days_unreachable", 0)->detail,
	    "0 counted days in 2025, 91 days left and 0 pending: 100 required can no longer be reached");
	world_free(&w, r);
	/* 2023 and 2025, nothing in 2024 */
	world_init(&w, "2023-11-01", "2023-12-31", "2025-01-31");
	w.as[1] = (zc_r_assignment){0, 0, D("2025-01-01"), D("2025-01-31")};
	w.in.nassignments = 2;
	r = eval(&w);
	assert_int_equal(r->nyears, 2);
	assert_non_null(year_row(r, 0, 2023));
	assert_null(year_row(r, 0, 2024));
	assert_int_equal(year_row(r, 0, 2025)->absent_days, 23);
	assert_int_equal(r->nmonths, 3);
	world_free(&w, r);
	/* two assignments in one year: covered counts both, min_days on the later end */
	world_init(&w, "2025-01-01", "2025-03-31", "2025-10-15");
	w.as[1] = (zc_r_assignment){0, 0, D("2025-07-01"), D("2025-09-30")};
	w.in.nassignments = 2;
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->required_days, 100); /* ceil(200 * 182 / 365) */
	assert_int_equal(count_findings(r, "min_days"), 1);
	assert_int_equal(finding(r, "min_days", 0)->date, D("2025-09-30"));
	world_free(&w, r);
	/* max_absent_days_per_year = 2: the 3rd absent date of 2025; 2026 starts at 0 */
	world_init(&w, "2025-01-01", "2026-12-31", "2026-01-02");
	assert_int_equal(zc_policy_set(&w.in.policy, "max_absent_days_per_year", "2"), 0);
	present_workdays(&w, "2025-01-01", "2025-12-26");
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->absent_days, 3);
	assert_int_equal(year_row(r, 0, 2026)->absent_days, 2);
	assert_int_equal(count_findings(r, "cumulative_absence"), 1);
	const zc_r_finding *f = finding(r, "cumulative_absence", 0);
	assert_int_equal(f->date, D("2025-12-31"));
	assert_string_equal(f->detail, "more than 2 absent days in 2025");
	assert_string_equal(f->detail_zh, "全年缺勤超过 2 天（2025 年）");
	assert_int_equal(r->nrecall, 1);
	assert_int_equal(r->recall[0].cadre, 0);
	assert_int_equal(r->recall[0].cumulative, 1);
	assert_int_equal(r->recall[0].consecutive, 0);
	world_free(&w, r);
}

/* RULES.md 4: the first status that holds. */
static void test_status_order(void **state)
{
	(void)state;
	world w;
	zc_r_correction k[2];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.te[0].collected_until_ms = LT("2025-03-20", 0, 0);
	/* Mon 3 - Sun 9 March: leave (valid, district); a tap on Tue 4, a trip Wed 5 */
	w.le[0] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-09"), ZC_LEVEL_DISTRICT, "L"};
	w.du[0] = (zc_r_duty){0, D("2025-03-05"), D("2025-03-05"), ZC_DUTY_TRIP, ZC_LEVEL_DISTRICT};
	w.du[1] = (zc_r_duty){0, D("2025-03-16"), D("2025-03-16"), ZC_DUTY_MEETING, ZC_LEVEL_CITY}; /* a Sunday */
	w.in.nleaves = 1;
	w.in.nduties = 2;
	tap_at(&w, 0, LT("2025-03-04", 9, 0));
	k[0] = (zc_r_correction){0, D("2025-03-06"), ZC_LEVEL_DISTRICT, NULL}; /* in the leave */
	k[1] = (zc_r_correction){0, D("2025-03-16"), ZC_LEVEL_DISTRICT, NULL}; /* the meeting Sunday */
	w.in.corrections = k;
	w.in.ncorrections = 2;
	w.hol[0] = D("2025-03-24"); /* a holiday Monday, not collected yet */
	w.in.nholidays = 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-03"), ZC_ST_LEAVE);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_DUTY);
	assert_int_equal(status_of(r, "2025-03-06"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-03-08"), ZC_ST_LEAVE); /* a Saturday in the leave */
	assert_int_equal(status_of(r, "2025-03-10"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-15"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-03-16"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-03-19"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-20"), ZC_ST_PENDING);
	assert_int_equal(status_of(r, "2025-03-22"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-03-24"), ZC_ST_REST);
	assert_int_equal(status_of(r, "2025-03-25"), ZC_ST_PENDING);
	const zc_r_year *y = year_row(r, 0, 2025);
	assert_int_equal(y->leave_days, 4);
	assert_int_equal(y->duty_days, 1);
	assert_int_equal(y->corrected_days, 2);
	assert_int_equal(y->present_days, 1);
	assert_int_equal(y->pending_days, 7);
	assert_int_equal(y->counted_days, 4);
	/* a corrected Sunday is not paid unless rest days are */
	assert_int_equal(y->allowance_days, 2);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.in.policy.allowance_on_rest_days = 1;
	k[0] = (zc_r_correction){0, D("2025-03-16"), ZC_LEVEL_DISTRICT, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 1;
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->allowance_days, 1);
	world_free(&w, r);
}

/* RULES.md 5: the block's span and levels in the finding; a leave inside a
 * longer one; leaves given in any order. */
static void test_leave_blocks_more(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-05-12"), D("2025-05-14"), ZC_LEVEL_TOWNSHIP, "L1"};
	w.le[1] = (zc_r_leave){0, D("2025-05-15"), D("2025-05-16"), ZC_LEVEL_NONE, NULL};
	w.in.nleaves = 2;
	zc_rules_result *r = eval(&w);
	const zc_r_finding *f = finding(r, "leave_approval_level", 0);
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_int_equal(f->subject_kind, ZC_SUBJ_CADRE);
	assert_string_equal(
	    f->detail,
	    "leave block 2025-05-12..2025-05-16 (5 days) requires district approval; approved: township, ref L1");
	assert_string_equal(f->detail_zh,
			    "请假连续 2025-05-12 至 2025-05-16 共 5 天，须区审批；实际审批：乡镇，批文 L1");
	assert_string_equal(finding(r, "leave_approval_level", 1)->detail,
			    "leave block 2025-05-12..2025-05-16 (5 days) requires district approval; approved: none");
	world_free(&w, r);
	/* a township leave inside a 10-day city one: the block needs the city */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-05"), D("2025-03-06"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-12"), ZC_LEVEL_CITY, ""};
	w.in.nleaves = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 1);
	f = finding(r, "leave_approval_level", 0);
	assert_int_equal(f->date, D("2025-03-05"));
	assert_string_equal(f->detail,
			    "leave block 2025-03-03..2025-03-12 (10 days) requires city approval; approved: township");
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_LEAVE);
	assert_int_equal(status_of(r, "2025-03-12"), ZC_ST_LEAVE);
	assert_int_equal(status_of(r, "2025-03-13"), ZC_ST_ABSENT);
	world_free(&w, r);
	/* out of order: Mon 10, Mon 3, Thu 6 - Fri 7 (township each): 3 March
	 * alone; 6-10 March across the weekend is one 5-day block */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-03"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[2] = (zc_r_leave){0, D("2025-03-06"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, ""};
	w.in.nleaves = 3;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 2);
	assert_int_equal(finding(r, "leave_approval_level", 0)->date, D("2025-03-06"));
	assert_int_equal(finding(r, "leave_approval_level", 1)->date, D("2025-03-10"));
	assert_int_equal(status_of(r, "2025-03-03"), ZC_ST_LEAVE);
	assert_int_equal(status_of(r, "2025-03-07"), ZC_ST_ABSENT);
	world_free(&w, r);
	/* two leaves with one start: their findings keep the order they were given in */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-06"), ZC_LEVEL_TOWNSHIP, "first"};
	w.le[1] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-04"), ZC_LEVEL_NONE, "second"};
	w.in.nleaves = 2;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 2);
	assert_non_null(strstr(finding(r, "leave_approval_level", 0)->detail, "ref first"));
	assert_non_null(strstr(finding(r, "leave_approval_level", 1)->detail, "ref second"));
	world_free(&w, r);
	/* the policy's day limits */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	assert_int_equal(zc_policy_set(&w.in.policy, "township_max_leave_days", "1"), 0);
	assert_int_equal(zc_policy_set(&w.in.policy, "district_max_leave_days", "2"), 0);
	w.le[0] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-03"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-05"), D("2025-03-06"), ZC_LEVEL_DISTRICT, ""};
	w.le[2] = (zc_r_leave){0, D("2025-03-11"), D("2025-03-13"), ZC_LEVEL_DISTRICT, ""};
	w.in.nleaves = 3;
	r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 1);
	assert_int_equal(finding(r, "leave_approval_level", 0)->date, D("2025-03-11"));
	world_free(&w, r);
}

/* RULES.md 5a: frequent_corrections at exactly max + 1, once per month;
 * a correction not approved is invalid whatever the policy says. */
static void test_corrections_more(void **state)
{
	(void)state;
	world w;
	zc_r_correction k[8];
	const char *days[] = {"2025-03-03", "2025-03-04", "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-07"};
	world_init(&w, "2025-01-01", "2026-12-31", "2025-04-30");
	for (int i = 0; i < 6; i++)
		k[i] = (zc_r_correction){0, D(days[i]), ZC_LEVEL_DISTRICT, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 6;
	zc_rules_result *r = eval(&w);
	/* March: 2 = max, nothing; April: the 3rd on 3 April, once */
	assert_int_equal(count_findings(r, "frequent_corrections"), 1);
	const zc_r_finding *f = finding(r, "frequent_corrections", 0);
	assert_int_equal(f->date, D("2025-04-03"));
	assert_string_equal(f->detail, "more than 2 corrected days in 2025-04");
	assert_string_equal(f->detail_zh, "补卡超过 2 天（2025 年 4 月）");
	world_free(&w, r);
	/* max 0: the first corrected date of each month */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-04-30");
	assert_int_equal(zc_policy_set(&w.in.policy, "max_corrections_per_month", "0"), 0);
	w.in.corrections = k;
	w.in.ncorrections = 6;
	r = eval(&w);
	assert_int_equal(count_findings(r, "frequent_corrections"), 2);
	assert_int_equal(finding(r, "frequent_corrections", 0)->date, D("2025-03-03"));
	assert_int_equal(finding(r, "frequent_corrections", 1)->date, D("2025-04-01"));
	world_free(&w, r);
	/* a policy without a level still needs an approval */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-04-30");
	w.in.policy.correction_level = ZC_LEVEL_NONE;
	k[0] = (zc_r_correction){0, D("2025-03-03"), ZC_LEVEL_NONE, NULL};
	k[1] = (zc_r_correction){0, D("2025-03-04"), ZC_LEVEL_TOWNSHIP, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 2;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-03"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_CORRECTED);
	assert_int_equal(count_findings(r, "correction_approval_level"), 1);
	assert_string_equal(finding(r, "correction_approval_level", 0)->detail_zh, "补卡须无审批；实际审批：无");
	world_free(&w, r);
	/* the level itself passes, one below does not */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-04-30");
	w.in.policy.correction_level = ZC_LEVEL_CITY;
	k[0] = (zc_r_correction){0, D("2025-03-03"), ZC_LEVEL_CITY, NULL};
	k[1] = (zc_r_correction){0, D("2025-03-04"), ZC_LEVEL_DISTRICT, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 2;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-03"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	assert_string_equal(finding(r, "correction_approval_level", 0)->detail,
			    "correction requires city approval; approved: district");
	assert_string_equal(finding(r, "correction_approval_level", 0)->detail_zh, "补卡须市审批；实际审批：区");
	world_free(&w, r);
}

/* RULES.md 5b: the local date of an inspection; other cadres, other days
 * and days outside the evaluation are untouched; the detail counts post taps. */
static void test_inspections_more(void **state)
{
	(void)state;
	world w;
	zc_r_inspection x[6];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	present_workdays(&w, "2025-01-01", "2025-03-31");
	tap_at(&w, 0, LT("2025-03-05", 9, 0)); /* a second tap on the 5th */
	tap_at(&w, 1, LT("2025-03-06", 7, 0)); /* at the other township */
	x[0] = (zc_r_inspection){0, 0, LT("2025-03-04", 23, 59), 1, NULL};
	x[1] = (zc_r_inspection){0, -1, LT("2025-03-05", 0, 0), 1, "督查组"};
	x[2] = (zc_r_inspection){1, 0, LT("2025-03-10", 10, 0), 1, "督查组"};	/* another cadre */
	x[3] = (zc_r_inspection){0, 0, LT("2025-04-01", 10, 0), 1, "督查组"};	/* after as_of */
	x[4] = (zc_r_inspection){0, 0, LT("2025-03-04", 10, 0), 1, "区驻村办"}; /* same day, named */
	x[5] = (zc_r_inspection){0, 0, LT("2025-03-11", 10, 0), 0, "督查组"};	/* present */
	w.in.inspections = x;
	w.in.ninspections = 6;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-06"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-03-10"), ZC_ST_PRESENT);
	assert_int_equal(status_of(r, "2025-03-11"), ZC_ST_PRESENT);
	assert_int_equal(count_findings(r, "inspection_absent"), 2);
	const zc_r_finding *f = finding(r, "inspection_absent", 0);
	assert_int_equal(f->date, D("2025-03-04"));
	assert_string_equal(
	    f->detail, "an inspection (区驻村办) found the cadre absent although 1 tap(s) at a post terminal that day");
	assert_string_equal(f->detail_zh, "检查（区驻村办）发现不在岗，尽管当天已在驻地终端刷卡 1 次");
	f = finding(r, "inspection_absent", 1);
	assert_int_equal(f->date, D("2025-03-05"));
	assert_non_null(strstr(f->detail, "although 2 tap(s)"));
	assert_int_equal(year_row(r, 0, 2025)->absent_days, 2);
	world_free(&w, r);
	/* only a foreign tap: "no tap at a post terminal" */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	tap_at(&w, 1, LT("2025-03-06", 9, 0));
	x[0] = (zc_r_inspection){0, 0, LT("2025-03-06", 10, 0), 1, "督查组"};
	w.in.inspections = x;
	w.in.ninspections = 1;
	r = eval(&w);
	assert_string_equal(finding(r, "inspection_absent", 0)->detail,
			    "an inspection (督查组) found the cadre absent; no tap at a post terminal that day");
	assert_string_equal(finding(r, "inspection_absent", 0)->detail_zh,
			    "检查（督查组）发现不在岗，当天无驻地终端刷卡");
	world_free(&w, r);
}

/* RULES.md 4: a tap at another township's terminal: one notice per date. */
static void test_foreign_terminal_more(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	tap_at(&w, 1, LT("2025-03-04", 9, 0));
	tap_at(&w, 1, LT("2025-03-04", 15, 0));
	tap_at(&w, 1, LT("2025-03-05", 9, 0));
	tap_at(&w, 1, LT("2024-12-31", 9, 0)); /* before the assignment */
	tap_at(&w, 1, LT("2025-04-01", 9, 0)); /* after as_of */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "foreign_terminal"), 2);
	const zc_r_finding *f = finding(r, "foreign_terminal", 0);
	assert_int_equal(f->date, D("2025-03-04"));
	assert_int_equal(f->severity, ZC_SEV_NOTICE);
	assert_string_equal(f->detail, "tap at terminal K02, not a terminal of the assigned village's township");
	assert_string_equal(f->detail_zh, "在终端 K02 刷卡，该终端不属于驻村所在乡镇");
	assert_int_equal(finding(r, "foreign_terminal", 1)->date, D("2025-03-05"));
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	world_free(&w, r);
}

/* Section 3 rule 4 in zc_rules_clock_trust: no provisioning, the instant of
 * provisioning, a later second provisioning, the end of a window, a host's
 * clock set backwards, an unknown collection time. */
static void test_clock_trust_more(void **state)
{
	(void)state;
	const int64_t H = 3600000, tol = 300000;
	zc_r_clockrec a[] = {
	    {1, ZC_KIND_BOOT, 10 * H, 0, 0, 0},
	    {2, ZC_KIND_TAP, 11 * H, 0, 0, 0},
	};
	uint8_t v[8];
	zc_rules_clock_trust(a, 2, tol, v);
	assert_int_equal(v[0], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[1], ZC_CLOCK_BEFORE_PROVISIONING);
	zc_r_clockrec b[] = {
	    {1, ZC_KIND_PROVISIONED, 10 * H, 0, 0, 0}, {2, ZC_KIND_TAP, 10 * H, 0, 0, 0}, /* at provisioning */
	    {3, ZC_KIND_PROVISIONED, 9 * H, 0, 0, 0}, /* a second one does not move it */
	    {4, ZC_KIND_TAP, 10 * H - 1, 0, 0, 0},    /* before the first */
	    {5, ZC_KIND_TAP, 20 * H, 0, 0, 0},	       {6, ZC_KIND_TAP, 19 * H, 0, 0, 0}, /* rolled back an hour */
	    {7, ZC_KIND_TAP, 20 * H, 0, 0, 0},	     /* back at the mark: trusted */
	    {8, ZC_KIND_TAP, 20 * H - tol, 0, 0, 0}, /* within the tolerance of it */
	};
	zc_rules_clock_trust(b, 8, tol, v);
	assert_int_equal(v[0], ZC_CLOCK_OK);
	assert_int_equal(v[1], ZC_CLOCK_OK);
	assert_int_equal(v[2], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[3], ZC_CLOCK_BEFORE_PROVISIONING);
	assert_int_equal(v[4], ZC_CLOCK_OK);
	assert_int_equal(v[5], ZC_CLOCK_ROLLBACK_WINDOW);
	assert_int_equal(v[6], ZC_CLOCK_OK);
	assert_int_equal(v[7], ZC_CLOCK_OK);
	/* a host sets the clock back: the new time is the mark */
	zc_r_clockrec c[] = {
	    {1, ZC_KIND_PROVISIONED, 1 * H, 0, 0, 0},	  {2, ZC_KIND_TAP, 50 * H, 0, 0, 0},
	    {3, ZC_KIND_CLOCK_SET, 50 * H, 1, 10 * H, 0}, {4, ZC_KIND_TAP, 10 * H, 0, 0, 0},
	    {5, ZC_KIND_TAP, 10 * H - tol - 1, 0, 0, 0},  {6, ZC_KIND_TAP, 10 * H + 1, 0, 0, 0},
	};
	zc_rules_clock_trust(c, 6, tol, v);
	assert_int_equal(v[3], ZC_CLOCK_OK);
	assert_int_equal(v[4], ZC_CLOCK_ROLLBACK_WINDOW);
	assert_int_equal(v[5], ZC_CLOCK_OK);
	/* a record dated after its collection does not raise the mark */
	zc_r_clockrec d[] = {
	    {1, ZC_KIND_PROVISIONED, 1 * H, 0, 0, 30 * H},
	    {2, ZC_KIND_TAP, 90 * H, 0, 0, 30 * H},
	    {3, ZC_KIND_TAP, 20 * H, 0, 0, 30 * H},
	    {4, ZC_KIND_TAP, 95 * H, 0, 0, 0}, /* collection time unknown */
	};
	zc_rules_clock_trust(d, 4, tol, v);
	zc_r_clockrec e[] = {
	    {1, ZC_KIND_PROVISIONED, 0, 0, 0, 1},
	    {2, ZC_KIND_TAP, 1 + tol + 1, 0, 0, 1},
	};
	uint8_t ve[2];
	zc_rules_clock_trust(e, 2, tol, ve);
	assert_int_equal(ve[0], ZC_CLOCK_OK);
	assert_int_equal(ve[1], ZC_CLOCK_AFTER_COLLECTION);
	assert_int_equal(v[1], ZC_CLOCK_AFTER_COLLECTION);
	assert_int_equal(v[2], ZC_CLOCK_OK);
	assert_int_equal(v[3], ZC_CLOCK_OK);
}

/* RULES.md 9: teams on as_of: exactly 3 and exactly one first secretary. */
static void test_team_checks(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	for (int i = 1; i < 4; i++)
		w.ca[i] = (zc_r_cadre){
		    i == 1 ? "C002" : i == 2 ? "C003" : "C004", "x", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 4;
	w.as[1] = (zc_r_assignment){1, 0, D("2025-06-30"), D("2026-12-31")}; /* starts on as_of */
	w.as[2] = (zc_r_assignment){2, 0, D("2025-01-01"), D("2025-06-30")}; /* ends on as_of */
	w.as[3] = (zc_r_assignment){3, 1, D("2025-01-01"), D("2025-06-29")}; /* V02: ended the day before */
	w.in.nassignments = 4;
	zc_rules_result *r = eval(&w);
	/* V01: 3 cadres, 1 first secretary; V02: nobody */
	assert_int_equal(count_findings(r, "team_size"), 1);
	const zc_r_finding *f = finding(r, "team_size", 0);
	assert_int_equal(f->subject_kind, ZC_SUBJ_VILLAGE);
	assert_int_equal(f->subject, 1);
	assert_int_equal(f->date, D("2025-06-30"));
	assert_string_equal(f->detail, "0 cadres on assignment, at least 3 required");
	assert_int_equal(count_findings(r, "team_leader"), 1);
	assert_int_equal(finding(r, "team_leader", 0)->subject, 1);
	assert_string_equal(finding(r, "team_leader", 0)->detail,
			    "0 first secretaries on assignment, exactly 1 required");
	world_free(&w, r);
	/* two first secretaries in V01, two cadres in V02 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-06-30");
	for (int i = 1; i < 4; i++)
		w.ca[i] = (zc_r_cadre){
		    "C00x",	     "x", i == 1 ? ZC_ROLE_FIRST_SECRETARY : ZC_ROLE_MEMBER, 1, D("2000-01-01"),
		    D("2000-01-01"), "u"};
	w.in.ncadres = 4;
	w.as[1] = (zc_r_assignment){1, 0, D("2025-01-01"), D("2026-12-31")};
	w.as[2] = (zc_r_assignment){2, 1, D("2025-01-01"), D("2026-12-31")};
	w.as[3] = (zc_r_assignment){3, 1, D("2025-01-01"), D("2026-12-31")};
	w.in.nassignments = 4;
	r = eval(&w);
	assert_int_equal(count_findings(r, "team_size"), 2);
	assert_string_equal(finding(r, "team_size", 0)->detail_zh, "在驻干部 2 人，至少须 3 人");
	assert_int_equal(count_findings(r, "team_leader"), 2);
	assert_string_equal(finding(r, "team_leader", 0)->detail,
			    "2 first secretaries on assignment, exactly 1 required");
	assert_string_equal(finding(r, "team_leader", 0)->detail_zh, "第一书记 2 人，须恰好 1 人");
	world_free(&w, r);
}

/* RULES.md 9: the term from a 29 February start, and the finding's words. */
static void test_term_length_more(void **state)
{
	(void)state;
	world w;
	/* 2024-02-29 + 2 years = 2026-02-28: the term ends 2026-02-27, + 60 days = 28 April */
	world_init(&w, "2024-02-29", "2026-04-28", "2025-12-31");
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 0);
	world_free(&w, r);
	world_init(&w, "2024-02-29", "2026-04-29", "2025-12-31");
	r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 1);
	const zc_r_finding *f = finding(r, "term_length", 0);
	assert_int_equal(f->date, D("2024-02-29"));
	assert_int_equal(f->severity, ZC_SEV_VIOLATION);
	assert_string_equal(f->detail,
			    "assignment 2024-02-29..2026-04-29 is longer than 2 years plus 60 days of hand-over");
	assert_string_equal(f->detail_zh, "驻村期 2024-02-29 至 2026-04-29 超过 2 年任期加 60 天交接期");
	world_free(&w, r);
	/* the policy's term and hand-over */
	world_init(&w, "2025-01-01", "2026-01-10", "2025-12-31");
	w.in.policy.term_years = 1;
	w.in.policy.handover_days = 10;
	r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 0);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-01-11", "2025-12-31");
	w.in.policy.term_years = 1;
	w.in.policy.handover_days = 10;
	r = eval(&w);
	assert_int_equal(count_findings(r, "term_length"), 1);
	world_free(&w, r);
}

/* Section 3: forged_badge only for a binding in force on the tap's date and
 * a verified record, up to as_of. */
static void test_forged_badge_more(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-20");
	w.ba[0].bound_from = D("2025-03-03");
	w.ba[0].bound_to = D("2025-03-10");
	w.ba[1] = (zc_r_badge){
	    .id = "U1", .cadre = 0, .bound_from = D("2025-01-01"), .uid_only = 1, .revoked_at_ms = INT64_MAX};
	w.ba[2] = (zc_r_badge){.id = "B9", .cadre = -1, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.ba[3] = (zc_r_badge){.id = "B001", .cadre = 0, .bound_from = D("2025-03-15"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 4;
	const char *days[] = {"2025-03-02", "2025-03-03", "2025-03-10", "2025-03-11", "2025-03-05",
			      "2025-03-06", "2025-03-07", "2025-03-20", "2025-03-21"};
	for (int i = 0; i < 9; i++) {
		tap_at(&w, 0, LT(days[i], 9, 0));
		w.taps[i].badge_ok = 0;
		w.taps[i].badge_forged = 1;
	}
	w.taps[4].record_ok = 0;	       /* 5 March: a record that does not verify */
	w.taps[5].badge = 1;		       /* 6 March: a UID badge */
	w.taps[6].badge = 2;		       /* 7 March: a badge bound to nobody */
	w.taps[7].badge = w.taps[8].badge = 3; /* B001 again from 15 March: as_of in, the next day out */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "forged_badge"), 3);
	assert_int_equal(finding(r, "forged_badge", 0)->date, D("2025-03-03"));
	assert_int_equal(finding(r, "forged_badge", 1)->date, D("2025-03-10"));
	assert_int_equal(finding(r, "forged_badge", 2)->date, D("2025-03-20"));
	assert_string_equal(
	    finding(r, "forged_badge", 0)->detail,
	    "suspected forgery: 1 tap(s) with a copy of this cadre's badge certificate (the signature does not match)");
	world_free(&w, r);
	/* a clone of no known badge, and of a binding that ended on 2 January 1970: nothing */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-20");
	w.ba[1] = (zc_r_badge){.id = "B1970", .cadre = 0, .bound_from = 0, .bound_to = 1, .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	for (int i = 0; i < 2; i++) {
		tap_at(&w, 0, LT("2025-03-05", 9, i));
		w.taps[i].badge = i ? 1 : -1;
		w.taps[i].badge_ok = 0;
		w.taps[i].badge_forged = 1;
	}
	r = eval(&w);
	assert_int_equal(count_findings(r, "forged_badge"), 0);
	assert_int_equal(r->tap_reject[0], ZC_REJ_UNBOUND);
	world_free(&w, r);
	/* clones of two cadres' badges, interleaved, on one date: one finding each */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-20");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 1, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	for (int i = 0; i < 3; i++) {
		tap_at(&w, 0, LT("2025-03-05", 9, i));
		w.taps[i].badge = i == 1 ? 0 : 1;
		w.taps[i].badge_ok = 0;
		w.taps[i].badge_forged = 1;
	}
	r = eval(&w);
	assert_int_equal(count_findings(r, "forged_badge"), 2);
	assert_int_equal(finding(r, "forged_badge", 0)->subject, 0);
	assert_int_equal(finding(r, "forged_badge", 1)->subject, 1);
	assert_non_null(strstr(finding(r, "forged_badge", 1)->detail, "2 tap(s)"));
	world_free(&w, r);
}

/* RULES.md 10: collection_overdue's words; a terminal never collected keeps
 * its township PENDING; the lag can be 0. */
static void test_collection_more(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	w.te[1].township = 0;
	w.te[1].collected_until_ms = ZC_NEVER_COLLECTED;
	tap_at(&w, 0, LT("2025-01-03", 9, 0)); /* a tap collected from K01 still counts */
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-01-02"), ZC_ST_PENDING);
	assert_int_equal(status_of(r, "2025-01-03"), ZC_ST_PRESENT);
	assert_int_equal(year_row(r, 0, 2025)->pending_days, 45);
	assert_int_equal(count_findings(r, "collection_overdue"), 1);
	const zc_r_finding *f = finding(r, "collection_overdue", 0);
	assert_int_equal(f->subject_kind, ZC_SUBJ_TERMINAL);
	assert_int_equal(f->subject, 1);
	assert_string_equal(f->detail, "the terminal's log has never been collected");
	assert_string_equal(f->detail_zh, "终端记录从未收取");
	world_free(&w, r);
	/* lag 0: collected exactly at the end of as_of is on time, a millisecond before is not */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	assert_int_equal(zc_policy_set(&w.in.policy, "max_collection_lag_days", "0"), 0);
	w.te[0].collected_until_ms = LT("2025-03-06", 0, 0);
	w.te[1].collected_until_ms = LT("2025-03-06", 0, 0) - 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "collection_overdue"), 1);
	f = finding(r, "collection_overdue", 0);
	assert_int_equal(f->subject, 1);
	assert_string_equal(
	    f->detail,
	    "the terminal's log was last collected on 2025-03-05, more than 0 days ago; later dates are pending");
	world_free(&w, r);
	/* the end of a date in another zone: UTC */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	assert_int_equal(zc_policy_set(&w.in.policy, "zone", "UTC"), 0);
	w.te[0].collected_until_ms = (int64_t)D("2025-03-05") * 86400000;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_PENDING);
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-05");
	assert_int_equal(zc_policy_set(&w.in.policy, "zone", "UTC"), 0);
	w.te[0].collected_until_ms = (int64_t)D("2025-03-05") * 86400000 - 1;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_PENDING);
	world_free(&w, r);
}

/* Rejected taps: one notice per subject and reason; a tap of no badge is
 * the terminal's. */
static void test_rejected_tap_notes(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 1, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	tap_at(&w, 0, LT("2025-03-04", 9, 0)); /* C001, record */
	tap_at(&w, 0, LT("2025-03-05", 9, 0)); /* C001, clock */
	tap_at(&w, 0, LT("2025-03-06", 9, 0)); /* C001, record */
	tap_at(&w, 0, LT("2025-03-04", 9, 5)); /* C002, record */
	tap_at(&w, 0, LT("2025-03-07", 9, 0)); /* no badge */
	w.taps[0].record_ok = w.taps[2].record_ok = w.taps[3].record_ok = 0;
	w.taps[1].clock_ok = 0;
	w.taps[3].badge = 1;
	w.taps[4].badge = -1;
	for (int i = 0; i < 5; i++)
		w.taps[i].seq = (uint64_t)(i + 1);
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "rejected_tap"), 4);
	int cadre0 = 0, cadre1 = 0, term = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		const zc_r_finding *f = &r->findings[i];
		if (strcmp(f->type, "rejected_tap"))
			continue;
		if (f->subject_kind == ZC_SUBJ_TERMINAL) {
			term++;
			assert_int_equal(f->subject, 0);
			assert_string_equal(f->detail, "tap at K01 (record 5) not counted: badge_not_bound");
		} else if (f->subject == 0) {
			cadre0++;
		} else {
			cadre1++;
			assert_string_equal(f->detail, "tap at K01 (record 4) not counted: record_not_verified");
		}
	}
	assert_int_equal(cadre0, 2);
	assert_int_equal(cadre1, 1);
	assert_int_equal(term, 1);
	world_free(&w, r);
	/* notes are grouped whatever the order of the taps: C002, C001, C002;
	 * a group's first and last dates and its first record are by date, then
	 * record; C001's tap at the other township is still C001's */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 1, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	tap_at(&w, 0, LT("2025-03-06", 9, 0)); /* C002 */
	tap_at(&w, 1, LT("2025-03-06", 9, 0)); /* C001, at K02 */
	tap_at(&w, 0, LT("2025-03-04", 9, 0)); /* C002 */
	tap_at(&w, 0, LT("2025-03-05", 9, 0)); /* C001 */
	tap_at(&w, 0, LT("2025-03-05", 8, 0)); /* C001, same date, lower record */
	uint64_t seq[] = {3, 9, 4, 7, 5};
	for (int i = 0; i < 5; i++) {
		w.taps[i].record_ok = 0;
		w.taps[i].seq = seq[i];
	}
	w.taps[0].badge = w.taps[2].badge = 1;
	r = eval(&w);
	assert_int_equal(count_findings(r, "rejected_tap"), 2);
	const zc_r_finding *f0 = finding(r, "rejected_tap", 0), *f1 = finding(r, "rejected_tap", 1);
	assert_int_equal(f0->date, D("2025-03-04"));
	assert_int_equal(f0->subject, 1);
	assert_string_equal(
	    f0->detail, "2 taps from 2025-03-04 to 2025-03-06 not counted: record_not_verified (first: K01 record 4)");
	assert_int_equal(f1->date, D("2025-03-05"));
	assert_int_equal(f1->subject_kind, ZC_SUBJ_CADRE);
	assert_int_equal(f1->subject, 0);
	assert_string_equal(
	    f1->detail, "3 taps from 2025-03-05 to 2025-03-06 not counted: record_not_verified (first: K01 record 5)");
	world_free(&w, r);
}

/* zc_rules_leave_block: the block a leave would join, grown until no
 * leave of the cadre joins it any more; the same block as the engine's. */
static void test_leave_block_api(void **state)
{
	(void)state;
	world w;
	zc_day b0 = 0, b1 = 0;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	w.le[0] = (zc_r_leave){0, D("2025-03-12"), D("2025-03-12"), ZC_LEVEL_TOWNSHIP, "A"}; /* Wed */
	w.le[1] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-05"), ZC_LEVEL_TOWNSHIP, "B"}; /* Mon-Wed */
	w.le[2] = (zc_r_leave){0, D("2025-03-06"), D("2025-03-06"), ZC_LEVEL_TOWNSHIP, "C"}; /* Thu */
	w.le[3] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, "D"}; /* Mon */
	w.le[4] = (zc_r_leave){1, D("2025-03-07"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, "E"}; /* another cadre's Fri */
	w.in.nleaves = 5;
	w.le[5] = (zc_r_leave){0, D("2025-03-11"), D("2025-03-11"), ZC_LEVEL_TOWNSHIP, "not given"}; /* past nleaves */
	/* Fri 7 March: C touches it, D across the weekend, then B touches C: 3-10 March */
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_LEVEL_CITY);
	assert_int_equal(b0, D("2025-03-03"));
	assert_int_equal(b1, D("2025-03-10"));
	/* inside B: B and C (Fri 7 March is a working day between C and D) */
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-04"), D("2025-03-04"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, D("2025-03-03"));
	assert_int_equal(b1, D("2025-03-06"));
	/* Thu 13 March: A touches it, Tue 11 (a working day) keeps D apart */
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-13"), D("2025-03-13"), &b0, &b1), ZC_LEVEL_TOWNSHIP);
	assert_int_equal(b0, D("2025-03-12"));
	assert_int_equal(b1, D("2025-03-13"));
	/* far from all: itself; 4 days alone: district; 8: city */
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-06-02"), D("2025-06-04"), &b0, &b1), ZC_LEVEL_TOWNSHIP);
	assert_int_equal(b0, D("2025-06-02"));
	assert_int_equal(b1, D("2025-06-04"));
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-06-02"), D("2025-06-05"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-06-02"), D("2025-06-08"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-06-02"), D("2025-06-09"), &b0, &b1), ZC_LEVEL_CITY);
	/* the other cadre: E and Mon 10 March across the weekend */
	assert_int_equal(zc_rules_leave_block(&w.in, 1, D("2025-03-10"), D("2025-03-10"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, D("2025-03-07"));
	assert_int_equal(b1, D("2025-03-10"));
	/* the engine sees the same block for B and C */
	zc_rules_result *r = eval(&w);
	assert_int_equal(count_findings(r, "leave_approval_level"), 2);
	assert_non_null(
	    strstr(finding(r, "leave_approval_level", 0)->detail, "leave block 2025-03-03..2025-03-06 (4 days)"));
	world_free(&w, r);
	/* the calendar: a holiday on Tue 11 March joins A; a working Sunday 9 March parts D */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-12"), D("2025-03-12"), ZC_LEVEL_TOWNSHIP, "A"};
	w.le[1] = (zc_r_leave){0, D("2025-03-03"), D("2025-03-05"), ZC_LEVEL_TOWNSHIP, "B"};
	w.le[2] = (zc_r_leave){0, D("2025-03-06"), D("2025-03-06"), ZC_LEVEL_TOWNSHIP, "C"};
	w.le[3] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, "D"};
	w.in.nleaves = 4;
	w.hol[0] = D("2025-03-11");
	w.in.nholidays = 1;
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_LEVEL_CITY);
	assert_int_equal(b0, D("2025-03-03"));
	assert_int_equal(b1, D("2025-03-12"));
	w.wd[0] = D("2025-03-09");
	w.in.nworkdays = 1;
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(b0, D("2025-03-03"));
	assert_int_equal(b1, D("2025-03-07"));
	/* several holidays and working days, given in any order */
	w.hol[0] = D("2025-12-25");
	w.hol[1] = D("2025-03-11");
	w.hol[2] = D("2025-01-01");
	w.in.nholidays = 3;
	w.wd[0] = D("2025-12-28");
	w.wd[1] = D("2025-03-09");
	w.wd[2] = D("2025-01-05");
	w.in.nworkdays = 3;
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_LEVEL_DISTRICT);
	assert_int_equal(b1, D("2025-03-07")); /* the working Sunday parts D */
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-10"), D("2025-03-10"), &b0, &b1), ZC_LEVEL_TOWNSHIP);
	assert_int_equal(b0, D("2025-03-10"));
	assert_int_equal(b1, D("2025-03-12")); /* the holiday Tuesday joins A */
	/* bad arguments */
	assert_int_equal(zc_rules_leave_block(NULL, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_EARG);
	assert_int_equal(zc_rules_leave_block(&w.in, -1, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_EARG);
	assert_int_equal(zc_rules_leave_block(&w.in, 1, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_EARG);
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-06"), &b0, &b1), ZC_EARG);
	assert_int_equal(zc_rules_leave_block(&w.in, 0, D("2025-03-07"), D("2025-03-07"), &b0, &b1), ZC_LEVEL_DISTRICT);
	world_free(&w, NULL);
}

/* Taps counted per day are the cadre's accepted ones only, whatever the
 * rejected taps around them (min_taps_per_day = 2). */
static void test_rejected_taps_not_counted(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-03-31");
	w.in.policy.min_taps_per_day = 2;
	tap_at(&w, 0, LT("2025-03-04", 9, 0));
	for (int i = 0; i < 6; i++) {
		tap_at(&w, 0, LT("2025-03-05", 9, i));
		w.taps[w.ntaps - 1].record_ok = 0;
	}
	tap_at(&w, 0, LT("2025-03-06", 9, 0));
	tap_at(&w, 0, LT("2025-03-06", 9, 1));
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-03-04"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-05"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-03-06"), ZC_ST_PRESENT);
	world_free(&w, r);
}

/* The evaluated range: from the first assignment's start to the last date
 * on or before as_of inside one; an assignment not started by as_of adds
 * nothing, and dates before 1970 are dates like any other. */
static void test_evaluated_range(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2025-03-14", "2025-06-30");
	w.as[1] = (zc_r_assignment){0, 0, D("2025-07-01"), D("2026-12-31")};
	w.in.nassignments = 2;
	zc_rules_result *r = eval(&w);
	assert_int_equal(r->first[0], D("2025-01-01"));
	assert_int_equal(r->span[0], 73);
	world_free(&w, r);
	world_init(&w, "1969-01-01", "1969-12-31", "1969-12-31");
	r = eval(&w);
	assert_int_equal(r->first[0], D("1969-01-01"));
	assert_int_equal(r->span[0], 365);
	assert_int_equal(r->nyears, 1);
	assert_int_equal(year_row(r, 0, 1969)->absent_days, 261);
	world_free(&w, r);
	/* the ceiling of a remainder of 1: 1 day of 1 required per year is 1 */
	world_init(&w, "2025-06-02", "2025-06-02", "2025-06-30");
	assert_int_equal(zc_policy_set(&w.in.policy, "min_days_per_year", "1"), 0);
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->required_days, 1);
	assert_int_equal(count_findings(r, "min_days"), 1);
	world_free(&w, r);
	/* 73 days of 2025 after December 2024: still 40 required in 2025 */
	world_init(&w, "2024-12-01", "2025-03-14", "2025-06-30");
	r = eval(&w);
	assert_int_equal(year_row(r, 0, 2025)->required_days, 40);
	assert_int_equal(year_row(r, 0, 2024)->required_days, 17); /* ceil(200 * 31 / 366) */
	world_free(&w, r);
}

/* Corrections and inspections on the first evaluated date and on as_of;
 * the inspector named is the one of this cadre's inspection. */
static void test_first_and_last_evaluated_day(void **state)
{
	(void)state;
	world w;
	zc_r_correction k[2];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	k[0] = (zc_r_correction){0, D("2025-01-01"), ZC_LEVEL_DISTRICT, NULL};
	k[1] = (zc_r_correction){0, D("2025-01-31"), ZC_LEVEL_DISTRICT, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 2;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-01-01"), ZC_ST_CORRECTED);
	assert_int_equal(status_of(r, "2025-01-31"), ZC_ST_CORRECTED);
	world_free(&w, r);
	zc_r_inspection x[3];
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	present_workdays(&w, "2025-01-01", "2025-01-31");
	x[0] = (zc_r_inspection){0, 0, LT("2025-01-01", 10, 0), 1, NULL};
	x[1] = (zc_r_inspection){1, 0, LT("2025-01-01", 10, 0), 1, "别人的检查"}; /* the next cadre's */
	x[2] = (zc_r_inspection){0, 0, LT("2025-01-31", 10, 0), 1, "督查组"};
	w.in.inspections = x;
	w.in.ninspections = 3;
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-01-01"), ZC_ST_ABSENT);
	assert_int_equal(status_of(r, "2025-01-31"), ZC_ST_ABSENT);
	assert_int_equal(count_findings(r, "inspection_absent"), 2);
	assert_string_equal(finding(r, "inspection_absent", 0)->detail,
			    "an inspection () found the cadre absent although 1 tap(s) at a post terminal that day");
	assert_int_equal(finding(r, "inspection_absent", 1)->date, D("2025-01-31"));
	world_free(&w, r);
}

/* The day's tap count saturates at 65535 (uint16_t): 65536 taps are still
 * a PRESENT day. */
static void test_many_taps_one_day(void **state)
{
	(void)state;
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	zc_r_inspection x[1] = {{0, 0, LT("2025-01-06", 23, 0), 1, "督查组"}};
	for (int i = 0; i < 65536; i++)
		tap_at(&w, 0, LT("2025-01-06", 8, 0) + i);
	w.in.inspections = x;
	w.in.ninspections = 1;
	zc_rules_result *r = eval(&w);
	assert_int_equal(status_of(r, "2025-01-06"), ZC_ST_ABSENT);
	assert_non_null(strstr(finding(r, "inspection_absent", 0)->detail, "although 65535 tap(s)"));
	world_free(&w, r);
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	for (int i = 0; i < 65536; i++)
		tap_at(&w, 0, LT("2025-01-06", 8, 0) + i);
	r = eval(&w);
	assert_int_equal(status_of(r, "2025-01-06"), ZC_ST_PRESENT);
	world_free(&w, r);
}

/* ---- allocation failures: each allocation of an evaluation fails once ----
 * (the injector is testutil.h's tu_oom_start / tu_oom_stop) */
#if ZC_TEST_OOM
static void report_equal(const zc_rules_input *in, const zc_rules_result *a, const zc_rules_result *b)
{
	assert_int_equal(a->nfindings, b->nfindings);
	for (size_t i = 0; i < a->nfindings; i++) {
		const zc_r_finding *x = &a->findings[i], *y = &b->findings[i];
		assert_string_equal(x->type, y->type);
		assert_int_equal(x->severity, y->severity);
		assert_int_equal(x->subject_kind, y->subject_kind);
		assert_int_equal(x->subject, y->subject);
		assert_int_equal(x->date, y->date);
		assert_string_equal(x->detail, y->detail);
		assert_string_equal(x->detail_zh, y->detail_zh);
	}
	assert_int_equal(a->nyears, b->nyears);
	assert_memory_equal(a->years, b->years, a->nyears * sizeof *a->years);
	assert_int_equal(a->nmonths, b->nmonths);
	assert_memory_equal(a->months, b->months, a->nmonths * sizeof *a->months);
	assert_int_equal(a->nrecall, b->nrecall);
	assert_memory_equal(a->recall, b->recall, a->nrecall * sizeof *a->recall);
	assert_memory_equal(a->tap_reject, b->tap_reject, in->ntaps * sizeof *a->tap_reject);
	for (size_t c = 0; c < in->ncadres; c++) {
		assert_int_equal(a->first[c], b->first[c]);
		assert_int_equal(a->span[c], b->span[c]);
		if (a->span[c]) {
			assert_memory_equal(a->status[c], b->status[c], (size_t)a->span[c]);
			assert_memory_equal(a->asg_of[c], b->asg_of[c], (size_t)a->span[c] * sizeof(int));
		}
	}
}
#endif

/* The engine returns ZC_ENOMEM (and no report) whichever allocation fails,
 * or, when it could do without it, the same report. The world uses every
 * kind of input and outgrows the first capacity of the findings (64), the
 * months (64) and the rejected-tap notes (64). */
static void test_allocation_failures(void **state)
{
	(void)state;
#if !ZC_TEST_OOM
	skip();
#else
	world w;
	zc_r_correction k[3];
	zc_r_inspection x[2];
	zc_r_integrity g[1] = {{0, "gap", D("2024-03-05"), 9, "K01: gap", NULL}};
	world_init(&w, "2020-01-01", "2025-12-31", "2025-12-31");
	w.ca[1] = (zc_r_cadre){"C002", "李四", ZC_ROLE_MEMBER, 0, 0, D("2010-01-01"), "u"};
	w.in.ncadres = 2;
	w.as[1] = (zc_r_assignment){1, 1, D("2025-01-01"), D("2025-12-31")};
	w.in.nassignments = 2;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 1, .bound_from = D("2025-01-01"), .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	present_workdays(&w, "2025-01-01", "2025-12-31");
	tap_at(&w, 1, LT("2025-01-02", 8, 40));			    /* impossible travel: K01 at 08:30, K02 at 08:40 */
	for (zc_day d = D("2025-01-01"); d <= D("2025-12-31"); d++) /* B002 at its post, 08:35 */
		if (zc_rules_is_workday(&w.in, d)) {
			tap_at(&w, 1, ((int64_t)d * 86400 + 35 * 60) * 1000);
			w.taps[w.ntaps - 1].badge = 1;
		}
	for (int i = 0; i < 65; i++) /* clones of both badges on 65 dates, B001's twice */
		for (int j = 0; j < 3; j++) {
			tap_at(&w, 0, LT("2025-06-02", 12, j) + (int64_t)i * 86400000);
			w.taps[w.ntaps - 1].badge = j == 1;
			w.taps[w.ntaps - 1].badge_ok = 0;
			w.taps[w.ntaps - 1].badge_forged = 1;
		}
	for (int i = 0; i < 5; i++) { /* five rejected taps on one date, records from 900 down */
		tap_at(&w, 0, LT("2025-03-31", 9, i));
		w.taps[w.ntaps - 1].record_ok = 0;
		w.taps[w.ntaps - 1].seq = (uint64_t)(900 - 100 * i);
	}
	for (int i = 0; i < 70; i++) {
		tap_at(&w, 1, LT("2025-04-01", 9, 0) + (int64_t)i * 86400000); /* foreign: 70 notices */
		tap_at(&w, 0, LT("2025-04-01", 10, 0) + (int64_t)i * 86400000);
		w.taps[w.ntaps - 1].record_ok = 0; /* rejected */
		w.taps[w.ntaps - 1].badge = i % 2;
	}
	tap_at(&w, 0, LT("2025-03-03", 12, 0)); /* a clone */
	w.taps[w.ntaps - 1].badge_ok = 0;
	w.taps[w.ntaps - 1].badge_forged = 1;
	tap_at(&w, 1, LT("2025-03-04", 9, 0)); /* B002 at its own post */
	w.taps[w.ntaps - 1].badge = 1;
	w.le[0] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-12"), ZC_LEVEL_TOWNSHIP, "L1"};
	w.le[1] = (zc_r_leave){0, D("2025-03-13"), D("2025-03-14"), ZC_LEVEL_TOWNSHIP, "L2"};
	w.in.nleaves = 2;
	w.du[0] = (zc_r_duty){0, D("2025-03-17"), D("2025-03-18"), ZC_DUTY_TRAINING, ZC_LEVEL_CITY};
	w.in.nduties = 1;
	k[0] = (zc_r_correction){0, D("2025-03-19"), ZC_LEVEL_CITY, NULL};
	k[1] = (zc_r_correction){1, D("2025-03-19"), ZC_LEVEL_TOWNSHIP, NULL};
	k[2] = (zc_r_correction){0, D("2025-03-20"), ZC_LEVEL_CITY, NULL};
	w.in.corrections = k;
	w.in.ncorrections = 3;
	x[0] = (zc_r_inspection){0, 0, LT("2025-02-05", 10, 0), 1, "督查组"};
	x[1] = (zc_r_inspection){1, 1, LT("2025-02-05", 10, 0), 1, "督查组"};
	w.in.inspections = x;
	w.in.ninspections = 2;
	w.in.integrity = g;
	w.in.nintegrity = 1;
	/* every Wednesday of 2020-2025 a holiday, latest first: 313 dates, so
	 * that qsort asks malloc for its buffer (and sorts in place without it) */
	zc_day *hol = calloc(400, sizeof *hol);
	size_t nhol = 0;
	for (zc_day d = D("2025-12-31"); d >= D("2020-01-01"); d--)
		if (zc_weekday(d) == 2)
			hol[nhol++] = d;
	hol[nhol++] = D("2025-05-01");
	w.in.holidays = hol;
	w.in.nholidays = nhol;
	w.wd[0] = D("2025-04-27");
	w.in.nworkdays = 1;
	w.te[0].collected_until_ms = LT("2025-11-20", 9, 0);
	zc_rules_result *ref = eval(&w);
	assert_true(ref->nfindings > 64);
	assert_true(ref->nmonths > 64);
	assert_int_equal(count_findings(ref, "rejected_tap"), 4);
	int first500 = 0;
	for (int i = 0; i < 4; i++)
		first500 += strstr(finding(ref, "rejected_tap", i)->detail,
				   "record_not_verified (first: K01 record 500)") != NULL;
	assert_int_equal(first500, 1);
	assert_true(ref->nrecall >= 1);
	assert_int_equal(count_findings(ref, "impossible_travel"), 1);
	assert_int_equal(count_findings(ref, "forged_badge"), 131);

	zc_rules_result *r = NULL;
	tu_oom_start(-1);
	int rc = zc_rules_evaluate(&w.in, &r);
	long n = tu_oom_stop();
	assert_int_equal(rc, 0);
	report_equal(&w.in, ref, r);
	zc_rules_result_free(r);
	assert_true(n > 30);
	int failed = 0;
	for (long i = 0; i < n; i++) {
		r = NULL;
		tu_oom_start(i);
		rc = zc_rules_evaluate(&w.in, &r);
		tu_oom_stop();
		if (rc == 0) {
			report_equal(&w.in, ref, r);
			zc_rules_result_free(r);
		} else {
			if (rc != ZC_ENOMEM)
				fail_msg("allocation %ld of %ld failed: rc %d", i, n, rc);
			assert_null(r);
			failed++;
		}
	}
	assert_true(failed > 0);
	world_free(&w, ref);
	free(hol);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_example1_consecutive),
	    cmocka_unit_test(test_spell_15_vs_16),
	    cmocka_unit_test(test_spell_edges),
	    cmocka_unit_test(test_cumulative_30_vs_31),
	    cmocka_unit_test(test_example3_leave_block),
	    cmocka_unit_test(test_leave_levels),
	    cmocka_unit_test(test_example5_required_days),
	    cmocka_unit_test(test_example6_training),
	    cmocka_unit_test(test_local_midnight_and_foreign),
	    cmocka_unit_test(test_tap_acceptance_and_allowance),
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_shared_scenarios),
	    cmocka_unit_test(test_scenario_parse_errors),
	    cmocka_unit_test(test_clock_trust),
	    cmocka_unit_test(test_clock_set_back),
	    cmocka_unit_test(test_integrity_and_binding_end),
	    cmocka_unit_test(test_review_fixes),
	    cmocka_unit_test(test_example7_pending),
	    cmocka_unit_test(test_collection_boundaries),
	    cmocka_unit_test(test_collection_overdue),
	    cmocka_unit_test(test_pending_spells_and_min_days),
	    cmocka_unit_test(test_example8_corrections),
	    cmocka_unit_test(test_example9_inspections),
	    cmocka_unit_test(test_forged_badge),
	    cmocka_unit_test(test_collection_instant),
	    cmocka_unit_test(test_end_date_and_exact_ceiling),
	    cmocka_unit_test(test_unreachable_threshold),
	    cmocka_unit_test(test_spell_exact_at_edges),
	    cmocka_unit_test(test_eligibility_on_as_of),
	    cmocka_unit_test(test_findings_on_as_of),
	    cmocka_unit_test(test_rotation_due_boundaries),
	    cmocka_unit_test(test_training_boundaries),
	    cmocka_unit_test(test_travel_threshold),
	    cmocka_unit_test(test_untrusted_clock_tap),
	    cmocka_unit_test(test_weak_taps_reported),
	    cmocka_unit_test(test_policy_defaults),
	    cmocka_unit_test(test_policy_set_ranges),
	    cmocka_unit_test(test_zone_parse),
	    cmocka_unit_test(test_dates_more),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_calendar_lookup),
	    cmocka_unit_test(test_check_input),
	    cmocka_unit_test(test_report_lookups_and_rates),
	    cmocka_unit_test(test_years_and_months),
	    cmocka_unit_test(test_status_order),
	    cmocka_unit_test(test_leave_blocks_more),
	    cmocka_unit_test(test_corrections_more),
	    cmocka_unit_test(test_inspections_more),
	    cmocka_unit_test(test_foreign_terminal_more),
	    cmocka_unit_test(test_clock_trust_more),
	    cmocka_unit_test(test_team_checks),
	    cmocka_unit_test(test_term_length_more),
	    cmocka_unit_test(test_forged_badge_more),
	    cmocka_unit_test(test_collection_more),
	    cmocka_unit_test(test_rejected_tap_notes),
	    cmocka_unit_test(test_leave_block_api),
	    cmocka_unit_test(test_rejected_taps_not_counted),
	    cmocka_unit_test(test_evaluated_range),
	    cmocka_unit_test(test_first_and_last_evaluated_day),
	    cmocka_unit_test(test_many_taps_one_day),
	    cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
