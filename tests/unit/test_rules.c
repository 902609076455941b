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
	w->ca[0] = (zc_r_cadre){"C001", "张三", ZC_ROLE_FIRST_SECRETARY, 1, D("2015-07-01"), D("2010-09-01"), "市乡村振兴局"};
	w->as[0] = (zc_r_assignment){0, 0, D(start), D(end)};
	w->ba[0] = (zc_r_badge){.id = "B001", .cadre = 0, .bound_from = D(start), .uid_only = 0, .revoked_at_ms = INT64_MAX};
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

static zc_report *eval(world *w)
{
	zc_report *r = NULL;
	assert_int_equal(zc_rules_evaluate(&w->in, &r), 0);
	return r;
}

static int count_findings(const zc_report *r, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		n += !strcmp(r->findings[i].type, type);
	return n;
}

static const zc_r_finding *finding(const zc_report *r, const char *type, int k)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].type, type) && k-- == 0)
			return &r->findings[i];
	return NULL;
}

static const zc_r_year *year_row(const zc_report *r, int cadre, int year)
{
	for (size_t i = 0; i < r->nyears; i++)
		if (r->years[i].cadre == cadre && r->years[i].year == year)
			return &r->years[i];
	return NULL;
}

static void world_free(world *w, zc_report *r)
{
	zc_report_free(r);
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
	zc_report *r = eval(&w);
	assert_int_equal(count_findings(r, "consecutive_absence"), 1);
	assert_int_equal(finding(r, "consecutive_absence", 0)->date, D("2025-03-18"));
	assert_int_equal(finding(r, "consecutive_absence", 0)->severity, ZC_SEV_VIOLATION);
	/* every finding explains itself in both languages */
	assert_string_equal(finding(r, "consecutive_absence", 0)->detail, "absent 2025-03-03..2025-03-19: 17 consecutive days (more than 15)");
	assert_string_equal(finding(r, "consecutive_absence", 0)->detail_zh, "2025-03-03 至 2025-03-19 连续缺勤 17 天（超过 15 天）");
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	const char *weeks[] = {"2025-02-03", "2025-03-03", "2025-04-07", "2025-05-05", "2025-06-02", "2025-07-07",
			       "2025-08-04"};
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
		zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	    {"2025-03-03", "2025-03-03", ZC_LEVEL_NONE, 0},     /* not approved */
	    {"2025-03-07", "2025-03-10", ZC_LEVEL_DISTRICT, 1}, /* example 4: Fri..Mon */
	    {"2025-04-01", "2025-04-10", ZC_LEVEL_DISTRICT, 0}, /* example 4: 10 days */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		world w;
		world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
		w.le[0] = (zc_r_leave){0, D(cases[i].s), D(cases[i].e), cases[i].level, ""};
		w.in.nleaves = 1;
		zc_report *r = eval(&w);
		assert_int_equal(count_findings(r, "leave_approval_level"), !cases[i].valid);
		int st = zc_report_status(r, 0, D(cases[i].s));
		assert_int_equal(st, cases[i].valid ? ZC_ST_LEAVE : (zc_rules_is_workday(&w.in, D(cases[i].s)) ? ZC_ST_ABSENT : ZC_ST_REST));
		world_free(&w, r);
	}
	/* Fri + Mon leaves, a weekend between: one 4-day block -> district */
	world w;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-12-31");
	w.le[0] = (zc_r_leave){0, D("2025-03-07"), D("2025-03-07"), ZC_LEVEL_TOWNSHIP, ""};
	w.le[1] = (zc_r_leave){0, D("2025-03-10"), D("2025-03-10"), ZC_LEVEL_TOWNSHIP, ""};
	w.in.nleaves = 2;
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-02")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-03")), ZC_ST_ABSENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-04")), ZC_ST_REST);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-06")), ZC_ST_ABSENT);
	assert_int_equal(count_findings(r, "foreign_terminal"), 1);
	assert_int_equal(finding(r, "foreign_terminal", 0)->date, D("2025-01-06"));
	assert_int_equal(zc_report_status(r, 0, D("2025-01-11")), ZC_ST_NONE); /* after as_of: unknown */
	world_free(&w, r);
	/* holiday and adjusted working day */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-31");
	w.hol[0] = D("2025-01-01");
	w.in.nholidays = 1;
	w.wd[0] = D("2025-01-26"); /* a working Sunday */
	w.in.nworkdays = 1;
	r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-01")), ZC_ST_REST);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-26")), ZC_ST_ABSENT);
	world_free(&w, r);
	/* min_taps_per_day = 2 */
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-02");
	w.in.policy.min_taps_per_day = 2;
	tap_at(&w, 0, 1735691400000LL); /* 2025-01-01 08:30 local */
	tap_at(&w, 0, 1735713000000LL); /* 14:30 local */
	tap_at(&w, 0, 1735777800000LL); /* 2025-01-02 08:30 local, only one */
	r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-02")), ZC_ST_ABSENT);
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
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 0, .bound_from = D("2025-01-01"), .uid_only = 1, .revoked_at_ms = INT64_MAX}; /* UID */
	w.in.nbadges = 2;
	tap_at(&w, 0, 1735691400000LL); /* Jan 1: ok */
	tap_at(&w, 0, 1735777800000LL); /* Jan 2: at the revocation instant: rejected */
	w.taps[w.ntaps - 1].seq = 2;
	tap_at(&w, 0, 1735864200000LL); /* Jan 3 via the UID badge */
	w.taps[w.ntaps - 1].badge = 1;
	zc_report *r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-01")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-02")), ZC_ST_ABSENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-03")), ZC_ST_ABSENT);
	assert_int_equal(r->tap_reject[1], ZC_REJ_REVOKED);
	assert_int_equal(r->tap_reject[2], ZC_REJ_UID);
	assert_int_equal(count_findings(r, "rejected_tap"), 2);
	assert_int_equal(year_row(r, 0, 2025)->allowance_days, 1);
	assert_int_equal(year_row(r, 0, 2025)->allowance_fen, 10000);
	world_free(&w, r);
	w.in.policy.accept_uid_badges = 1;
	world_init(&w, "2025-01-01", "2026-12-31", "2025-01-10");
	w.in.policy.accept_uid_badges = 1;
	w.ba[1] = (zc_r_badge){.id = "B002", .cadre = 0, .bound_from = D("2025-01-01"), .uid_only = 1, .revoked_at_ms = INT64_MAX};
	w.in.nbadges = 2;
	w.as[0].village = 1; /* V02, 12000 fen, township T02 */
	tap_at(&w, 1, 1735864200000LL); /* Jan 3, UID, accepted now */
	w.taps[0].badge = 1;
	tap_at(&w, 1, 1736037000000LL); /* Sat 4 Jan: present, no allowance */
	tap_at(&w, 1, 1736123400000LL); /* bad record */
	w.taps[2].record_ok = 0;
	r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-01-03")), ZC_ST_PRESENT);
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
	zc_report *r = eval(&w);
	assert_int_equal(count_findings(r, "first_secretary_eligibility"), 0);
	assert_int_equal(count_findings(r, "team_size"), 2); /* V01 has 1, V02 has 0 */
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
	snprintf(buf, sizeof buf, "%s %s=%s %s", json_string_value(json_object_get(f, "type")), kind,
		 subj ? subj : "?", json_string_value(json_object_get(f, "date")));
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
	zc_report *r;
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
	json_array_foreach(wy, i, row) {
		int found = 0;
		json_t *g;
		json_array_foreach(gy, k, g) {
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
	json_array_foreach(json_object_get(got, "findings"), i, f) {
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
	zc_report_free(r);
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
	const char *t = "zone UTC+05:30\nas-of 2025-01-31\ndistrict D \"d\"\ntownship T \"t\" district D\n"
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
	    {1, ZC_KIND_BOOT, 10 * H, 0, 0, 100 * H},
	    {2, ZC_KIND_PROVISIONED, 11 * H, 0, 0, 100 * H},
	    {3, ZC_KIND_TAP, 12 * H, 0, 0, 100 * H},
	    {4, ZC_KIND_TAP, 10 * H + H / 2, 0, 0, 100 * H},
	    {5, ZC_KIND_TAP, 12 * H - 1000, 0, 0, 100 * H},
	    {6, ZC_KIND_TAP, 12 * H + 1000, 0, 0, 100 * H},
	    {7, ZC_KIND_TAP, 101 * H, 0, 0, 100 * H},
	    {8, ZC_KIND_TAP, 12 * H + 1000 - tol, 0, 0, 100 * H},
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
	zc_report *r = eval(&w);
	assert_int_equal(zc_report_status(r, 0, D("2025-03-14")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(r, 0, D("2025-03-17")), ZC_ST_ABSENT);
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

/* Review fixes: findings stop at as_of; a clone's taps are its original's
 * for impossible travel; "policy zone" is the zone; rate 0 pays nothing;
 * times before 1970 are refused; a wrong clock before provisioning does not
 * distrust what follows. */
typedef struct scn_eval {
	zc_scenario *s;
	zc_rules_input in;
	zc_report *r;
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
	zc_report_free(e->r);
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

#define SCN_HEAD                                                                                                     \
	"district D01 \"d\"\ntownship T01 \"t1\" district D01\ntownship T02 \"t2\" district D01\n"                  \
	"village V01 \"v1\" township T01\nvillage V02 \"v2\" township T02 rate 0\n"                                   \
	"terminal K01 township T01\nterminal K02 township T02\n"                                                      \
	"cadre C1 \"a\" role member party_since none work_since 2020-01-01 unit \"u\"\n"                           \
	"cadre C2 \"b\" role member party_since none work_since 2020-01-01 unit \"u\"\n"                           \
	"assign C1 V01 2025-01-01 2025-12-31\nassign C2 V02 2025-01-01 2025-12-31\n"                                 \
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
	assert_int_equal(zc_report_status(e.r, 0, D("2025-01-06")), ZC_ST_PRESENT);
	assert_int_equal(zc_report_status(e.r, 0, D("2025-01-07")), ZC_ST_PRESENT);
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

static int status_of(const zc_report *r, const char *ds)
{
	return zc_report_status(r, 0, D(ds));
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	zc_report *r = eval(&w);
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
	assert_int_equal(zc_report_status(r, 0, D("2024-12-30")), ZC_ST_NONE);
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
	x[0] = (zc_r_inspection){0, 0, LT("2025-05-14", 10, 0), 1, "市督查组"}; /* tapped 08:30 */
	x[1] = (zc_r_inspection){0, 0, LT("2025-06-02", 15, 0), 1, "区驻村办"}; /* leave */
	x[2] = (zc_r_inspection){0, 0, LT("2025-06-07", 10, 0), 1, "区驻村办"}; /* Saturday */
	x[3] = (zc_r_inspection){0, 0, LT("2025-12-02", 10, 30), 1, "市督查组"}; /* PENDING */
	x[4] = (zc_r_inspection){0, 0, LT("2025-07-01", 10, 0), 1, "市督查组"}; /* duty */
	x[5] = (zc_r_inspection){0, 0, LT("2025-08-05", 10, 0), 1, "市督查组"}; /* corrected */
	w.in.inspections = x;
	w.in.ninspections = 6;
	zc_report *r = eval(&w);
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
	tap_at(&w, 0, LT("2025-01-20", 8, 0)); /* before the binding */
	tap_at(&w, 0, LT("2025-03-03", 12, 0)); /* twice on 3 March */
	tap_at(&w, 0, LT("2025-03-03", 13, 0));
	tap_at(&w, 0, LT("2025-04-02", 8, 0)); /* after the revocation */
	tap_at(&w, 0, LT("2025-07-02", 8, 0)); /* after as_of */
	for (size_t i = first; i < w.ntaps; i++) {
		w.taps[i].badge_ok = 0;
		w.taps[i].badge_forged = 1;
	}
	zc_report *r = eval(&w);
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
	assert_string_equal(finding(r, "rejected_tap", 0)->detail,
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
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
