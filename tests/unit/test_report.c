/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_report.c: the report renderers (zc/report.h) on the township-quarter
 * and collection-and-corrections scenarios of ../shared/scenarios: the CSV
 * sheets (byte order mark, CRLF, the attendance symbols of known days,
 * totals against the year rows, the allowance sums, formula injection), the
 * HTML page (self-contained, A4, escaped), the scope filter, and the views
 * of RULES.md v2: each terminal's collection state and overdue warnings,
 * the PENDING and CORRECTED marks, forged_badge and collapsed rejected_tap
 * findings, a summary that follows --month, the pace, the breakdown, and the
 * sign-off lines of printed sheets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"
#include "zc/err.h"
#include "zc/report.h"
#include "zc/rules.h"
#include "zc/utf8.h"
#include "scenario.h"

typedef struct world {
	zc_scenario *s;
	zc_rules_input in;
	zc_rules_result *r;
	zc_r_cadre *cadres; /* a private copy when the test changes cadres */
	zc_r_assignment *asg;
} world;

static zc_day D(const char *s)
{
	zc_day d;
	if (zc_day_parse(s, &d))
		fail_msg("bad date %s", s);
	return d;
}

/* Load a scenario (the handbook copy, else tests/scenario/data). */
static int load_named(world *w, const char *name)
{
	memset(w, 0, sizeof *w);
	char path[4200];
	snprintf(path, sizeof path, "%s/%s.scn", tu_scenario_dir(), name);
	size_t len;
	uint8_t *text = tu_read_file(path, &len);
	if (!text)
		return -1;
	char err[512];
	if (zc_scenario_parse((char *)text, len, path, &w->s, err, sizeof err))
		fail_msg("%s", err);
	free(text);
	assert_int_equal(zc_scenario_rules_input(w->s, &w->in), 0);
	return 0;
}

/* township-quarter */
static int load(world *w)
{
	return load_named(w, "township-quarter");
}

static void eval(world *w)
{
	if (w->r)
		zc_rules_result_free(w->r);
	w->r = NULL;
	assert_int_equal(zc_rules_evaluate(&w->in, &w->r), 0);
}

static void load_eval(world *w)
{
	if (load(w))
		skip();
	eval(w);
}

/* collection-and-corrections: pulls, PENDING days, corrections, clones */
static void load_eval_cc(world *w)
{
	if (load_named(w, "collection-and-corrections"))
		skip();
	eval(w);
}

/* Give the test its own cadre (and assignment) arrays with room for extra. */
static void own_cadres(world *w, size_t extra)
{
	w->cadres = calloc(w->in.ncadres + extra, sizeof *w->cadres);
	w->asg = calloc(w->in.nassignments + extra, sizeof *w->asg);
	assert_non_null(w->cadres);
	assert_non_null(w->asg);
	memcpy(w->cadres, w->in.cadres, w->in.ncadres * sizeof *w->cadres);
	memcpy(w->asg, w->in.assignments, w->in.nassignments * sizeof *w->asg);
	w->in.cadres = w->cadres;
	w->in.assignments = w->asg;
}

static void world_free(world *w)
{
	zc_rules_result_free(w->r);
	if (w->cadres) {
		w->in.cadres = w->s->cadres;
		w->in.assignments = w->s->assignments;
	}
	free(w->cadres);
	free(w->asg);
	zc_scenario_rules_input_free(&w->in);
	zc_scenario_free(w->s);
}

static int cadre_ix(const world *w, const char *id)
{
	for (size_t i = 0; i < w->in.ncadres; i++)
		if (!strcmp(w->in.cadres[i].id, id))
			return (int)i;
	fail_msg("no cadre %s", id);
	return -1;
}

static const zc_r_year *year_row(const world *w, const char *id, int year)
{
	int c = cadre_ix(w, id);
	for (size_t i = 0; i < w->r->nyears; i++)
		if (w->r->years[i].cadre == c && w->r->years[i].year == year)
			return &w->r->years[i];
	fail_msg("no year row %s %d", id, year);
	return NULL;
}

/* Render to a NUL-terminated malloc'd string. */
static char *csv(const world *w, int sheet, const zc_report_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(zc_report_csv(f, &w->in, w->r, sheet, o), 0);
	fclose(f);
	return buf;
}

static char *html(const world *w, const zc_report_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(zc_report_html(f, &w->in, w->r, o), 0);
	fclose(f);
	return buf;
}

/* ---- a tiny CSV reader for the checks (RFC 4180) ---- */

typedef struct row {
	char *cell[64];
	int n;
} row;

typedef struct table {
	row *rows;
	int n;
} table;

static table parse_csv(const char *text)
{
	table t = {0};
	const char *p = text;
	assert_memory_equal(p, "\xEF\xBB\xBF", 3);
	p += 3;
	while (*p) {
		t.rows = realloc(t.rows, (size_t)(t.n + 1) * sizeof *t.rows);
		row *r = &t.rows[t.n++];
		memset(r, 0, sizeof *r);
		for (;;) {
			char buf[4096];
			size_t k = 0;
			if (*p == '"') {
				for (p++; *p; p++) {
					if (*p == '"' && p[1] == '"')
						buf[k++] = *p++;
					else if (*p == '"')
						break;
					else
						buf[k++] = *p;
				}
				assert_int_equal(*p, '"');
				p++;
			} else {
				while (*p && *p != ',' && *p != '\r' && *p != '\n')
					buf[k++] = *p++;
			}
			buf[k] = 0;
			assert_true(r->n < 64);
			r->cell[r->n++] = strdup(buf);
			if (*p == ',') {
				p++;
				continue;
			}
			/* every line ends with CRLF */
			assert_int_equal(p[0], '\r');
			assert_int_equal(p[1], '\n');
			p += 2;
			break;
		}
	}
	return t;
}

static void table_free(table *t)
{
	for (int i = 0; i < t->n; i++)
		for (int k = 0; k < t->rows[i].n; k++)
			free(t->rows[i].cell[k]);
	free(t->rows);
}

static int col(const row *r, const char *name)
{
	for (int k = 0; k < r->n; k++)
		if (!strcmp(r->cell[k], name))
			return k;
	fail_msg("no column %s", name);
	return -1;
}

/* ---- years ---- */

static void test_csv_years(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_memory_equal(s, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(s, "\r\n"));
	table t = parse_csv(s);
	assert_int_equal(t.n, 1 + 5); /* heading and five cadres */
	row *h = &t.rows[0];
	int cid = col(h, "干部编号"), cname = col(h, "姓名"), cvil = col(h, "驻村"), cunit = col(h, "派出单位"),
	    cpres = col(h, "在岗天数"), ccount = col(h, "计入天数"), creq = col(h, "应驻天数"),
	    cfen = col(h, "补助金额（元）");
	int found = 0;
	for (int i = 1; i < t.n; i++) {
		row *r = &t.rows[i];
		if (strcmp(r->cell[cid], "C011"))
			continue;
		found = 1;
		assert_string_equal(r->cell[cname], "马力");
		assert_string_equal(r->cell[cvil], "新地村");
		assert_string_equal(r->cell[cunit], "市乡村振兴局");
		assert_string_equal(r->cell[cpres], "56");
		assert_string_equal(r->cell[ccount], "59");
		assert_string_equal(r->cell[creq], "200");
		assert_string_equal(r->cell[cfen], "5600.00");
	}
	assert_true(found);
	table_free(&t);
	free(s);
	/* English headings */
	o.lang = 1;
	s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_non_null(strstr(s, "cadre id,name,role,dispatching unit"));
	assert_null(strstr(s, "干部编号"));
	free(s);
	world_free(&w);
}

/* ---- attendance ---- */

/* The row of a cadre (by name) in the block titled title; NULL if none. */
static row *sheet_row(table *t, const char *title, const char *name, row **head)
{
	for (int i = 0; i < t->n; i++) {
		if (t->rows[i].n != 1 || strcmp(t->rows[i].cell[0], title))
			continue;
		*head = &t->rows[i + 1];
		for (int k = i + 2; k < t->n && t->rows[k].n > 3; k++)
			if (!strcmp(t->rows[k].cell[1], name))
				return &t->rows[k];
	}
	return NULL;
}

static const char *day_cell(row *head, row *r, int day)
{
	char b[8];
	snprintf(b, sizeof b, "%d", day);
	return r->cell[col(head, b)];
}

static void test_csv_attendance(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {.year = 2025, .month = 3};
	char *s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	table t = parse_csv(s);
	row *h, *ma = sheet_row(&t, "新地村 2025年3月 驻村干部考勤表", "马力", &h);
	assert_non_null(ma);
	assert_string_equal(ma->cell[0], "1"); /* the first secretary first */
	assert_string_equal(ma->cell[2], "第一书记");
	assert_int_equal(col(h, "31"), 3 + 30);
	assert_string_equal(day_cell(h, ma, 3), "√");	/* Monday, tapped */
	assert_string_equal(day_cell(h, ma, 8), "休");	/* Saturday */
	assert_string_equal(day_cell(h, ma, 10), "会"); /* district meeting 10-12 March */
	assert_string_equal(day_cell(h, ma, 12), "会");
	assert_string_equal(day_cell(h, ma, 13), "√");
	row *zhu = sheet_row(&t, "新地村 2025年3月 驻村干部考勤表", "朱琳", &h);
	assert_non_null(zhu);
	assert_string_equal(day_cell(h, zhu, 3), "×"); /* UID card only: absent */
	/* only March, and a legend */
	assert_null(strstr(s, "2025年2月"));
	assert_non_null(strstr(s, "图例：√ 在岗"));
	table_free(&t);
	free(s);

	/* all months: holidays are rest days, an adjusted Sunday is a working
	 * day; each month's totals add up to the year row */
	o.month = 0;
	s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	t = parse_csv(s);
	ma = sheet_row(&t, "新地村 2025年1月 驻村干部考勤表", "马力", &h);
	assert_non_null(ma);
	assert_string_equal(day_cell(h, ma, 1), "休");	/* New Year holiday */
	assert_string_equal(day_cell(h, ma, 26), "√");	/* an adjusted working Sunday, tapped */
	assert_string_equal(day_cell(h, ma, 25), "休"); /* the Saturday before */
	assert_string_equal(day_cell(h, ma, 28), "休"); /* Spring Festival */
	row *feb = sheet_row(&t, "新地村 2025年2月 驻村干部考勤表", "马力", &h);
	assert_non_null(feb);
	assert_int_equal(feb->n, 3 + 28 + 7); /* days, then 7 totals */
	const char *ids[] = {"C011", "C012", "C013", "C014", "C015"};
	for (size_t i = 0; i < 5; i++) {
		const char *name = w.in.cadres[cadre_ix(&w, ids[i])].name;
		int sum[5] = {0};
		const char *months[] = {"新地村 2025年1月 驻村干部考勤表", "新地村 2025年2月 驻村干部考勤表",
					"新地村 2025年3月 驻村干部考勤表"};
		for (int m = 0; m < 3; m++) {
			row *r = sheet_row(&t, months[m], name, &h);
			assert_non_null(r);
			const char *tc[] = {"在岗", "公务", "请假", "休息", "缺勤"};
			for (int k = 0; k < 5; k++)
				sum[k] += atoi(r->cell[col(h, tc[k])]);
			/* the totals count the symbols of the row */
			int n_absent = 0;
			for (int d = 3; d < r->n - 7; d++)
				n_absent += !strcmp(r->cell[d], "×");
			assert_int_equal(n_absent, atoi(r->cell[col(h, "缺勤")]));
		}
		const zc_r_year *y = year_row(&w, ids[i], 2025);
		assert_int_equal(sum[0], y->present_days);
		assert_int_equal(sum[1], y->duty_days);
		assert_int_equal(sum[2], y->leave_days);
		assert_int_equal(sum[3], y->rest_days);
		assert_int_equal(sum[4], y->absent_days);
	}
	table_free(&t);
	free(s);

	/* days after as_of are blank, never absent */
	w.in.as_of = D("2025-03-20");
	eval(&w);
	o.month = 3;
	s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	t = parse_csv(s);
	zhu = sheet_row(&t, "新地村 2025年3月 驻村干部考勤表", "朱琳", &h);
	assert_non_null(zhu);
	assert_string_equal(day_cell(h, zhu, 20), "×");
	assert_string_equal(day_cell(h, zhu, 21), "");
	assert_string_equal(day_cell(h, zhu, 31), "");
	table_free(&t);
	free(s);
	world_free(&w);
}

/* ---- allowance ---- */

static int64_t fen_of(const char *s)
{
	long long y = 0, f = 0;
	assert_int_equal(sscanf(s, "%lld.%2lld", &y, &f), 2);
	return y * 100 + f;
}

static void test_csv_allowance(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_ALLOWANCE, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0];
	int cv = col(h, "驻村"), cm = col(h, "月份"), cid = col(h, "干部编号"), cd = col(h, "补助天数"),
	    cr = col(h, "标准（元/天）"), ca = col(h, "金额（元）");
	int64_t sum = 0, want = 0, sub = -1, total = -1;
	int lines = 0;
	for (int i = 1; i < t.n; i++) {
		row *r = &t.rows[i];
		if (strstr(r->cell[cv], "小计")) {
			sub = fen_of(r->cell[ca]);
			continue;
		}
		if (!strcmp(r->cell[cv], "合计")) {
			total = fen_of(r->cell[ca]);
			continue;
		}
		if (!strncmp(r->cell[cv], "制表人", strlen("制表人")))
			continue; /* the sign-off row */
		lines++;
		assert_string_equal(r->cell[cr], "100.00");
		assert_int_equal(fen_of(r->cell[ca]), (int64_t)atoi(r->cell[cd]) * 10000);
		sum += fen_of(r->cell[ca]);
		if (!strcmp(r->cell[cid], "C011") && !strcmp(r->cell[cm], "2025-03")) {
			/* 21 working days in March, three of them at the meeting */
			assert_string_equal(r->cell[cd], "18");
			assert_string_equal(r->cell[ca], "1800.00");
		}
	}
	for (size_t i = 0; i < w.r->nyears; i++)
		want += w.r->years[i].allowance_fen;
	assert_int_equal(lines, 15); /* five cadres, three months */
	assert_int_equal(sum, want);
	assert_int_equal(want, 1520000);
	assert_int_equal(sub, want);
	assert_int_equal(total, want);
	table_free(&t);
	free(s);
	/* one month only */
	o.year = 2025;
	o.month = 2;
	s = csv(&w, ZC_SHEET_ALLOWANCE, &o);
	assert_null(strstr(s, "2025-03"));
	assert_non_null(strstr(s, "2025-02"));
	free(s);
	world_free(&w);
}

/* ---- recall and findings ---- */

static void test_csv_recall_findings(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_RECALL, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0];
	int cid = col(h, "干部编号"), cwhy = col(h, "召回原因"), cdate = col(h, "首次违规日期"),
	    cunit = col(h, "派出单位");
	int seen = 0;
	for (int i = 1; i < t.n; i++) {
		row *r = &t.rows[i];
		if (!strcmp(r->cell[cid], "C013")) {
			seen = 1;
			assert_string_equal(r->cell[cwhy], "连续缺勤超过15天；全年累计缺勤超过30天");
			assert_string_equal(r->cell[cdate], "2025-01-17");
			assert_string_equal(r->cell[cunit], "区司法局");
		}
		assert_string_not_equal(r->cell[cid], "C011");
	}
	assert_true(seen);
	assert_int_equal(t.n, 1 + 4); /* C012, C013, C014, C015 */
	table_free(&t);
	free(s);

	s = csv(&w, ZC_SHEET_FINDINGS, &o);
	t = parse_csv(s);
	h = &t.rows[0];
	int ctype = col(h, "类型"), csev = col(h, "级别"), ckind = col(h, "对象类别"), cname = col(h, "对象名称"),
	    ccode = col(h, "类型代码");
	int last_kind = 3, consecutive = 0;
	for (int i = 1; i < t.n; i++) {
		row *r = &t.rows[i];
		int kind = !strcmp(r->cell[ckind], "终端") ? 2 : !strcmp(r->cell[ckind], "村") ? 1 : 0;
		assert_true(kind <= last_kind); /* terminals, then villages, then cadres */
		last_kind = kind;
		if (!strcmp(r->cell[ccode], "consecutive_absence")) {
			consecutive++;
			assert_string_equal(r->cell[ctype], "连续缺勤超限");
			assert_string_equal(r->cell[csev], "违规");
		}
		if (!strcmp(r->cell[ccode], "team_size"))
			assert_string_equal(r->cell[cname], "团结村");
	}
	assert_int_equal(consecutive, 4);
	table_free(&t);
	free(s);
	world_free(&w);
}

/* ---- formula injection ---- */

static void test_csv_injection(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	own_cadres(&w, 0);
	w.cadres[cadre_ix(&w, "C011")].name = "=HYPERLINK(\"http://x\",\"y\")";
	w.cadres[cadre_ix(&w, "C012")].name = "+1+2";
	w.cadres[cadre_ix(&w, "C013")].name = "-3";
	w.cadres[cadre_ix(&w, "C014")].name = "@SUM(A1)";
	w.cadres[cadre_ix(&w, "C015")].unit = "\t=1";
	zc_report_opts o = {0};
	for (int sheet = 0; sheet < ZC_SHEET_COUNT; sheet++) {
		char *s = csv(&w, sheet, &o);
		table t = parse_csv(s);
		for (int i = 0; i < t.n; i++)
			for (int k = 0; k < t.rows[i].n; k++) {
				const char *c = t.rows[i].cell[k];
				if (*c && strchr("=+@\t\r", *c))
					fail_msg("sheet %s: cell '%s' would run as a formula",
						 zc_report_sheet_name(sheet), c);
				if (*c == '-' && strcmp(c, "-") &&
				    !(c[1] >= '0' && c[1] <= '9' && strspn(c + 1, "0123456789.") == strlen(c + 1)))
					fail_msg("sheet %s: cell '%s'", zc_report_sheet_name(sheet), c);
			}
		if (sheet == ZC_SHEET_YEARS) {
			assert_non_null(strstr(s, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""));
			assert_non_null(strstr(s, ",'+1+2,"));
			assert_non_null(strstr(s, ",'@SUM(A1),"));
			assert_non_null(strstr(s, ",'\t=1,"));
		}
		if (sheet == ZC_SHEET_RECALL) /* -3 is a name here, not a number */
			assert_non_null(strstr(s, ",'-3,"));
		table_free(&t);
		free(s);
	}
	world_free(&w);
}

/* ---- HTML ---- */

static void test_html(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	own_cadres(&w, 0);
	w.cadres[cadre_ix(&w, "C013")].name = "<script>alert('x')</script>&\"";
	zc_r_integrity gap = {
	    .terminal = 0, .type = "gap", .date = D("2025-02-03"), .seq = 7, .detail = "records 5 to 6 missing"};
	w.in.integrity = &gap;
	w.in.nintegrity = 1;
	eval(&w);
	zc_report_opts o = {0};
	char *s = html(&w, &o);
	assert_true(!strncmp(s, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(s, "@page { size: A4; margin: 15mm }"));
	assert_non_null(strstr(s, "thead{display:table-header-group}"));
	assert_non_null(strstr(s, "page-break-inside:avoid"));
	assert_non_null(strstr(s, "section.sheet{page:sheet;page-break-before:always"));
	/* self-contained: nothing fetched, nothing run */
	assert_null(strstr(s, "http"));
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "url("));
	assert_null(strstr(s, "<link"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
	/* the sections */
	const char *ids[] = {"id=\"summary\"", "id=\"years\"",	   "id=\"chart-days\"", "id=\"chart-absence\"",
			     "id=\"recall\"",  "id=\"allowance\"", "id=\"attendance\"", "id=\"findings\""};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (!strstr(s, ids[i]))
			fail_msg("no %s", ids[i]);
	assert_non_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "200天"));
	assert_non_null(strstr(s, "千里山镇 新地村 2025年3月 驻村干部考勤表"));
	assert_non_null(strstr(s, "一、概况"));
	assert_non_null(strstr(s, "终端与数据完整性"));
	assert_non_null(strstr(s, "日志序号缺失"));
	assert_true(strstr(s, "终端与数据完整性") < strstr(s, "驻村干部</h3>")); /* terminals first */
	/* three monthly sheets, each on its own page */
	int sheets = 0;
	for (const char *p = s; (p = strstr(p, "<section class=\"sheet\">")); p++)
		sheets++;
	assert_int_equal(sheets, 3);
	/* 59 counted of 200 required for 马力 */
	assert_non_null(strstr(s, ">59 / 200</text>"));
	free(s);
	/* English */
	o.lang = 1;
	s = html(&w, &o);
	assert_non_null(strstr(s, "<html lang=\"en\">"));
	assert_non_null(strstr(s, "1. Summary"));
	assert_non_null(strstr(s, "March 2025"));
	assert_null(strstr(s, "概况"));
	free(s);
	world_free(&w);
}

/* ---- scope ---- */

static void test_scope(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	/* a team member in 团结村 (V02, township T02) */
	own_cadres(&w, 1);
	w.cadres[w.in.ncadres] = (zc_r_cadre){.id = "C021",
					      .name = "韩梅",
					      .role = ZC_ROLE_MEMBER,
					      .has_party = 1,
					      .party_since = D("2018-07-01"),
					      .work_since = D("2016-07-01"),
					      .unit = "区教育局"};
	w.asg[w.in.nassignments] = (zc_r_assignment){
	    .cadre = (int)w.in.ncadres, .village = 1, .start = D("2025-02-01"), .end = D("2026-12-31")};
	w.in.ncadres++;
	w.in.nassignments++;
	assert_string_equal(w.in.villages[1].id, "V02");
	eval(&w);

	zc_report_scope sc;
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, "V99", &sc), ZC_ENOENT);
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_TOWNSHIP, "V01", &sc), ZC_ENOENT);
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_DISTRICT, "D02", &sc), ZC_ENOENT);

	zc_report_opts o = {.scope = &sc};
	/* village V01: its five cadres, not 韩梅 */
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, "V01", &sc), 0);
	for (int sheet = 0; sheet < ZC_SHEET_COUNT; sheet++) {
		char *s = csv(&w, sheet, &o);
		assert_null(strstr(s, "韩梅"));
		assert_null(strstr(s, "团结村"));
		free(s);
	}
	char *s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_non_null(strstr(s, "马力"));
	free(s);
	s = html(&w, &o);
	assert_null(strstr(s, "韩梅"));
	assert_non_null(strstr(s, "马力"));
	free(s);
	assert_false(zc_report_scope_terminal(&w.in, &sc, 1)); /* K02 is at T02 */
	assert_true(zc_report_scope_terminal(&w.in, &sc, 0));

	/* village V02: only 韩梅, and V02's team findings */
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, "V02", &sc), 0);
	s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_non_null(strstr(s, "韩梅"));
	assert_null(strstr(s, "马力"));
	free(s);
	s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	assert_non_null(strstr(s, "团结村 2025年2月 驻村干部考勤表"));
	assert_null(strstr(s, "2025年1月")); /* assigned from February */
	assert_null(strstr(s, "新地村"));
	free(s);
	s = csv(&w, ZC_SHEET_FINDINGS, &o);
	assert_non_null(strstr(s, "team_size"));
	assert_null(strstr(s, "马力"));
	free(s);

	/* township T02 as V02; district D01: everyone */
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_TOWNSHIP, "T02", &sc), 0);
	s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_non_null(strstr(s, "韩梅"));
	assert_null(strstr(s, "马力"));
	free(s);
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_DISTRICT, "D01", &sc), 0);
	s = csv(&w, ZC_SHEET_YEARS, &o);
	assert_non_null(strstr(s, "韩梅"));
	assert_non_null(strstr(s, "马力"));
	free(s);

	/* JSON: the scoped report keeps the section 11 keys */
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, "V02", &sc), 0);
	json_t *j = zc_report_json_scoped(&w.in, w.r, &sc);
	json_t *years = json_object_get(j, "years");
	assert_int_equal(json_array_size(years), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(years, 0), "cadre")), "C021");
	assert_non_null(json_object_get(json_array_get(years, 0), "counted_days"));
	json_decref(j);
	json_t *a = zc_report_json(&w.in, w.r), *b = zc_report_json_scoped(&w.in, w.r, NULL);
	assert_true(json_equal(a, b));
	assert_int_equal(json_array_size(json_object_get(a, "years")), 6);
	json_decref(a);
	json_decref(b);

	/* a prepared scope (cadre membership computed once) answers as the
	 * plain one, and renders the same */
	const char *ids[] = {"V01", "V02"};
	for (int k = 0; k < 2; k++) {
		zc_report_scope plain, prep;
		assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, ids[k], &plain), 0);
		assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_VILLAGE, ids[k], &prep), 0);
		assert_int_equal(zc_report_scope_prepare(&w.in, &prep), 0);
		assert_non_null(prep.cadres);
		for (size_t c = 0; c < w.in.ncadres; c++)
			assert_int_equal(zc_report_scope_cadre(&w.in, &plain, (int)c),
					 zc_report_scope_cadre(&w.in, &prep, (int)c));
		zc_report_opts op = {.scope = &plain}, oq = {.scope = &prep};
		char *x = html(&w, &op), *y = html(&w, &oq);
		assert_string_equal(x, y);
		free(x);
		free(y);
		zc_report_scope_release(&prep);
		assert_null(prep.cadres);
	}

	/* the sheet's cadres: first secretaries first, each once, ascending */
	int cad[16];
	size_t n = zc_report_sheet_cadres(&w.in, 0, D("2025-03-01"), D("2025-03-31"), cad);
	assert_int_equal(n, 5);
	assert_int_equal(w.in.cadres[cad[0]].role, ZC_ROLE_FIRST_SECRETARY);
	for (size_t i = 2; i < n; i++)
		assert_true(cad[i - 1] < cad[i]);
	assert_int_equal(zc_report_sheet_cadres(&w.in, 1, D("2025-01-01"), D("2025-01-31"), cad), 0);
	assert_int_equal(zc_report_sheet_cadres(&w.in, 1, D("2025-02-01"), D("2025-02-28"), cad), 1);
	world_free(&w);
}

/* ---- helpers for the views of RULES.md v2 ---- */

/* The text of s from the first `from` to the next "</section>" (malloc'd). */
__attribute__((noinline)) static char *part(const char *s, const char *from)
{
	const char *a = strstr(s, from);
	if (!a)
		fail_msg("no %s", from);
	const char *b = strstr(a, "</section>");
	assert_non_null(b);
	return strndup(a, (size_t)(b - a));
}

/* The first row whose column c holds v (from row 1), or NULL. */
static row *find_row(table *t, int c, const char *v)
{
	for (int i = 1; i < t->n; i++)
		if (c < t->rows[i].n && !strcmp(t->rows[i].cell[c], v))
			return &t->rows[i];
	return NULL;
}

static json_t *json_terminal(json_t *j, const char *id)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "terminals"), i,
			   t) if (!strcmp(json_string_value(json_object_get(t, "terminal")), id)) return t;
	fail_msg("no terminal %s", id);
	return NULL;
}

static int pending_of(const world *w, const char *const *ids, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += year_row(w, ids[i], 2025)->pending_days;
	return sum;
}

/* ---- 1. collection state ---- */

static void test_collection(void **state)
{
	(void)state;
	world w;
	load_eval_cc(&w);
	const char *t01[] = {"C001", "C002", "C003"}, *t02[] = {"C004", "C005", "C006"},
		   *t03[] = {"C007", "C008", "C009"};
	json_t *j = zc_report_json(&w.in, w.r);
	/* every section 11 key stays; "terminals" is added */
	const char *top[] = {"as_of", "years", "findings", "recall", "terminals"};
	assert_int_equal(json_object_size(j), 5);
	for (size_t i = 0; i < 5; i++)
		assert_non_null(json_object_get(j, top[i]));
	assert_int_equal(json_object_size(json_array_get(json_object_get(j, "years"), 0)), 13);
	assert_int_equal(json_array_size(json_object_get(j, "terminals")), 3);
	json_t *k1 = json_terminal(j, "K01"), *k2 = json_terminal(j, "K02"), *k3 = json_terminal(j, "K03");
	assert_string_equal(json_string_value(json_object_get(k1, "township")), "T01");
	assert_string_equal(json_string_value(json_object_get(k1, "collected_until")), "2025-11-28T18:00:00+08:00");
	assert_true(json_is_false(json_object_get(k1, "overdue")));
	/* 1-3 December for C001 and C002; C003 was found absent on the 2nd */
	assert_int_equal(json_integer_value(json_object_get(k1, "pending_days")), 8);
	assert_int_equal(pending_of(&w, t01, 3), 8);
	assert_string_equal(json_string_value(json_object_get(k3, "collected_until")), "2025-10-15T12:00:00+08:00");
	assert_true(json_is_true(json_object_get(k3, "overdue")));
	assert_int_equal(json_integer_value(json_object_get(k3, "pending_days")), pending_of(&w, t03, 3));
	assert_true(pending_of(&w, t03, 3) > 100);
	assert_int_equal(json_integer_value(json_object_get(k2, "pending_days")), 0);
	json_decref(j);

	/* the CSV sheet and the HTML warning at the top */
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_COLLECTION, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0], *r3 = find_row(&t, col(h, "终端编号"), "K03");
	assert_non_null(r3);
	assert_string_equal(r3->cell[col(h, "乡镇（街道）")], "巴音陶亥镇");
	assert_string_equal(r3->cell[col(h, "最后收取时间")], "2025-10-15 12:00");
	assert_int_equal(atoi(r3->cell[col(h, "未收取天数")]), pending_of(&w, t03, 3));
	assert_string_equal(r3->cell[col(h, "逾期未收取")], "是");
	assert_string_equal(find_row(&t, 0, "K01")->cell[col(h, "逾期未收取")], "否");
	table_free(&t);
	free(s);
	s = html(&w, &o);
	const char *warn = strstr(s, "终端 K03 已超过 31 天未收取，此后的日期为未收取，不计缺勤");
	assert_non_null(warn);
	assert_true(warn < strstr(s, "id=\"summary\""));
	assert_null(strstr(s, "终端 K01 已超过"));
	assert_true(strstr(s, "id=\"collection\"") < strstr(s, "id=\"years\""));
	free(s);

	/* a terminal never collected: null, 从未收取, overdue; its township's
	 * days without an accepted tap are PENDING, not absent */
	((zc_r_terminal *)w.in.terminals)[1].collected_until_ms = ZC_NEVER_COLLECTED;
	eval(&w);
	j = zc_report_json(&w.in, w.r);
	k2 = json_terminal(j, "K02");
	assert_true(json_is_null(json_object_get(k2, "collected_until")));
	assert_true(json_is_true(json_object_get(k2, "overdue")));
	assert_int_equal(json_integer_value(json_object_get(k2, "pending_days")), pending_of(&w, t02, 3));
	assert_true(pending_of(&w, t02, 3) > 0);
	json_decref(j);
	s = csv(&w, ZC_SHEET_COLLECTION, &o);
	assert_non_null(strstr(s, "K02,乌达镇,从未收取,"));
	free(s);
	s = html(&w, &o);
	assert_non_null(strstr(s, "终端 K02 从未收取"));
	free(s);
	o.lang = 1;
	s = html(&w, &o);
	assert_non_null(strstr(s, "Terminal K03 has not been collected for more than 31 days"));
	free(s);
	s = csv(&w, ZC_SHEET_COLLECTION, &o);
	assert_non_null(strstr(s, "K02,乌达镇,never,"));
	free(s);

	/* scope: a township's report names its own terminals only */
	zc_report_scope sc;
	assert_int_equal(zc_report_scope_find(&w.in, ZC_SCOPE_TOWNSHIP, "T01", &sc), 0);
	j = zc_report_json_scoped(&w.in, w.r, &sc);
	assert_int_equal(json_array_size(json_object_get(j, "terminals")), 1);
	json_terminal(j, "K01");
	json_decref(j);
	o.scope = &sc;
	o.lang = 0;
	s = html(&w, &o);
	assert_null(strstr(s, "K03"));
	free(s);
	world_free(&w);
}

/* ---- 2. PENDING and CORRECTED marks ---- */

static void test_pending_marks(void **state)
{
	(void)state;
	world w;
	load_eval_cc(&w);
	zc_report_opts o = {.year = 2025, .month = 12};
	char *s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	table t = parse_csv(s);
	row *h, *zs = sheet_row(&t, "新地村 2025年12月 驻村干部考勤表", "张三", &h);
	assert_non_null(zs);
	for (int d = 1; d <= 3; d++)
		assert_string_equal(day_cell(h, zs, d), "未");
	assert_string_equal(zs->cell[col(h, "未收取")], "3");
	assert_string_equal(zs->cell[col(h, "缺勤")], "0");
	row *ww = sheet_row(&t, "新地村 2025年12月 驻村干部考勤表", "王五", &h);
	assert_string_equal(day_cell(h, ww, 2), "×"); /* found absent by an inspection */
	assert_string_equal(ww->cell[col(h, "未收取")], "2");
	assert_non_null(strstr(s, "补 补卡"));
	assert_non_null(strstr(s, "未 未收取"));
	table_free(&t);
	free(s);

	/* corrections: three approved (补), one approved by the township only (×) */
	o.month = 3;
	s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	t = parse_csv(s);
	row *ls = sheet_row(&t, "新地村 2025年3月 驻村干部考勤表", "李四", &h);
	for (int d = 4; d <= 6; d++)
		assert_string_equal(day_cell(h, ls, d), "补");
	assert_string_equal(day_cell(h, ls, 7), "×");
	assert_string_equal(ls->cell[col(h, "补卡")], "3");
	table_free(&t);
	free(s);

	/* every month's totals add up to the year rows, corrected and pending included */
	o.month = 0;
	s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	t = parse_csv(s);
	const char *ids[] = {"C001", "C002", "C003", "C007", "C009"};
	const char *vil[] = {"新地村", "新地村", "新地村", "红旗村", "红旗村"};
	for (size_t i = 0; i < 5; i++) {
		const char *name = w.in.cadres[cadre_ix(&w, ids[i])].name;
		int cor = 0, pend = 0;
		for (int m = 1; m <= 12; m++) {
			char title[128];
			snprintf(title, sizeof title, "%s 2025年%d月 驻村干部考勤表", vil[i], m);
			row *r = sheet_row(&t, title, name, &h);
			assert_non_null(r);
			cor += atoi(r->cell[col(h, "补卡")]);
			pend += atoi(r->cell[col(h, "未收取")]);
		}
		const zc_r_year *y = year_row(&w, ids[i], 2025);
		assert_int_equal(cor, y->corrected_days);
		assert_int_equal(pend, y->pending_days);
	}
	row *wj = sheet_row(&t, "红旗村 2025年11月 驻村干部考勤表", "吴九", &h);
	assert_string_equal(day_cell(h, wj, 3), "未"); /* K03 not pulled since 15 October */
	table_free(&t);
	free(s);

	/* the years sheet carries both; pending days never make a recall */
	s = csv(&w, ZC_SHEET_YEARS, &o);
	t = parse_csv(s);
	h = &t.rows[0];
	for (size_t i = 0; i < w.r->nyears; i++) {
		const zc_r_year *y = &w.r->years[i];
		row *r = find_row(&t, col(h, "干部编号"), w.in.cadres[y->cadre].id);
		assert_int_equal(atoi(r->cell[col(h, "补卡天数")]), y->corrected_days);
		assert_int_equal(atoi(r->cell[col(h, "未收取天数")]), y->pending_days);
	}
	table_free(&t);
	free(s);
	assert_true(year_row(&w, "C007", 2025)->pending_days > w.in.policy.max_absent_days_per_year);
	s = csv(&w, ZC_SHEET_RECALL, &o);
	assert_null(strstr(s, "C007"));
	assert_null(strstr(s, "C009"));
	assert_non_null(strstr(s, "C008")); /* really away since September */
	free(s);

	/* HTML: their own classes, never the absence's, and in the legend */
	o.month = 12;
	s = html(&w, &o);
	assert_non_null(strstr(s, "<td class=\"s-pd\">未</td>"));
	assert_null(strstr(s, "<td class=\"s-x\">未</td>"));
	assert_non_null(strstr(s, ".s-pd{"));
	assert_non_null(strstr(s, "<span class=\"s-pd\">未</span> 未收取"));
	assert_non_null(strstr(s, "<span class=\"s-c\">补</span> 补卡"));
	free(s);
	o.month = 3;
	s = html(&w, &o);
	assert_non_null(strstr(s, "<td class=\"s-c\">补</td>"));
	free(s);
	world_free(&w);
}

/* ---- 3. findings ---- */

static void test_findings_views(void **state)
{
	(void)state;
	const char *labels[][2] = {
	    {"forged_badge", "疑似弄虚作假（复制工牌）"}, {"correction_approval_level", "补卡审批级别不足"},
	    {"frequent_corrections", "补卡过于频繁"},	  {"inspection_absent", "抽查不在岗"},
	    {"collection_overdue", "终端逾期未收取"},	  {"clock_set_back", "主机校时回拨"}};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(zc_report_finding_label(labels[i][0], 0), labels[i][1]);
		assert_string_not_equal(zc_report_finding_label(labels[i][0], 1), labels[i][0]);
	}
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_FINDINGS, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0];
	int ccode = col(h, "类型代码"), cid = col(h, "对象编号"), ctype = col(h, "类型"), csev = col(h, "级别"),
	    cdet = col(h, "详情"), cdate = col(h, "日期");
	int forged = 0, rejected_c014 = 0;
	for (int i = 1; i < t.n; i++) {
		row *r = &t.rows[i];
		if (!strcmp(r->cell[ccode], "forged_badge")) {
			forged++;
			assert_string_equal(r->cell[ctype], "疑似弄虚作假（复制工牌）");
			assert_string_equal(r->cell[csev], "违规");
			assert_string_equal(r->cell[cid], "C012");
		}
		if (!strcmp(r->cell[ccode], "rejected_tap") && !strcmp(r->cell[cid], "C014")) {
			/* one line for the revoked badge: the count, first and last date */
			rejected_c014++;
			assert_string_equal(r->cell[cdate], "2025-03-03");
			assert_non_null(strstr(r->cell[cdet], "2025-03-03 至 2025-03-14 共 10 次"));
		}
	}
	assert_int_equal(forged, 19);
	assert_int_equal(rejected_c014, 1);
	table_free(&t);
	free(s);

	/* HTML: a box of its own at the top of the findings */
	s = html(&w, &o);
	char *f = part(s, "id=\"findings\"");
	const char *box = strstr(f, "<div class=\"forgery\"");
	assert_non_null(box);
	assert_true(box < strstr(f, "终端与数据完整性") || !strstr(f, "终端与数据完整性"));
	assert_true(box < strstr(f, "驻村干部</h3>"));
	assert_non_null(strstr(box, "<h3>疑似弄虚作假（复制工牌）</h3>"));
	assert_non_null(strstr(box, "<tr class=\"forged\"><td>杨帆（C012）</td>"));
	free(f);
	assert_non_null(strstr(s, "<dt>疑似弄虚作假（复制工牌）</dt><dd class=\"sev-violation\">19</dd>"));
	free(s);
	o.lang = 1;
	s = html(&w, &o);
	assert_non_null(strstr(s, "suspected forgery (copied badge)"));
	free(s);
	world_free(&w);
}

/* ---- 4. the summary follows --month ---- */

static void test_month_summary(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = html(&w, &o), *p = part(s, "id=\"summary\"");
	assert_non_null(strstr(p, "<dd>15200.00</dd>"));
	free(p);
	free(s);
	o.year = 2025;
	o.month = 2;
	zc_report_allowance_row *rows;
	size_t n;
	assert_int_equal(zc_report_allowance_rows(&w.in, w.r, &o, &rows, &n), 0);
	int64_t fen = 0;
	for (size_t i = 0; i < n; i++)
		fen += rows[i].amount_fen;
	free(rows);
	long long present = 0, absent = 0;
	for (size_t c = 0; c < w.in.ncadres; c++) {
		int cnt[ZC_ST_COUNT];
		zc_report_count_days(&w.in, w.r, (int)c, -1, D("2025-02-01"), D("2025-02-28"), cnt);
		present += cnt[ZC_ST_PRESENT];
		absent += cnt[ZC_ST_ABSENT];
	}
	char want[64];
	s = html(&w, &o);
	p = part(s, "id=\"summary\"");
	assert_non_null(strstr(p, "概况（2025年2月）"));
	assert_null(strstr(p, "15200.00"));
	snprintf(want, sizeof want, "<dd>%lld.%02lld</dd>", (long long)fen / 100, (long long)fen % 100);
	assert_non_null(strstr(p, want));
	snprintf(want, sizeof want, "<dt>在岗天数合计</dt><dd>%lld</dd>", present);
	assert_non_null(strstr(p, want));
	snprintf(want, sizeof want, "<dt>缺勤天数合计</dt><dd>%lld</dd>", absent);
	assert_non_null(strstr(p, want));
	assert_true(fen > 0 && fen < 1520000);
	free(p);
	free(s);
	world_free(&w);
}

/* ---- 5. pace ---- */

/* The HTML <tr ...> opening the years row of a cadre. */
static const char *years_tr(const char *years, const char *id)
{
	char key[32];
	snprintf(key, sizeof key, "<td>%s</td>", id);
	const char *p = strstr(years, key);
	assert_non_null(p);
	while (p > years && strncmp(p, "<tr", 3))
		p--;
	return p;
}

static void test_pace(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	int expected[16];
	assert_true(w.r->nyears <= 16);
	assert_int_equal(zc_report_pace(&w.in, w.r, expected), 0);
	for (size_t i = 0; i < w.r->nyears; i++) {
		const char *id = w.in.cadres[w.r->years[i].cadre].id;
		/* 90 of 365 days: ceil(200 x 90 / 365) = 50; C015 is assigned 120
		 * days (required 66): ceil(66 x 90 / 120) = 50 */
		assert_int_equal(expected[i], 50);
		if (!strcmp(id, "C015"))
			assert_int_equal(w.r->years[i].required_days, 66);
	}
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_YEARS, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0];
	int cid = col(h, "干部编号"), cexp = col(h, "截至目前应有天数"), cpace = col(h, "进度");
	assert_int_equal(cexp, col(h, "计入天数") + 1); /* beside the counted days */
	assert_string_equal(find_row(&t, cid, "C011")->cell[cexp], "50");
	assert_string_equal(find_row(&t, cid, "C011")->cell[cpace], "正常"); /* 59 of 200, but on pace */
	assert_string_equal(find_row(&t, cid, "C013")->cell[cpace], "落后");
	assert_string_equal(find_row(&t, cid, "C012")->cell[cpace], "落后");
	table_free(&t);
	free(s);
	s = html(&w, &o);
	char *y = part(s, "id=\"years\"");
	assert_false(!strncmp(years_tr(y, "C011"), "<tr class=\"short\">", 18));
	assert_true(!strncmp(years_tr(y, "C013"), "<tr class=\"short\">", 18));
	assert_true(!strncmp(years_tr(y, "C015"), "<tr class=\"short\">", 18));
	free(y);
	free(s);
	/* at the end of the year the pace is the target, once everything is
	 * collected; PENDING dates are not counted as elapsed */
	w.in.as_of = D("2025-12-31");
	eval(&w);
	assert_int_equal(zc_report_pace(&w.in, w.r, expected), 0);
	for (size_t i = 0; i < w.r->nyears; i++) {
		if (!w.r->years[i].pending_days)
			assert_int_equal(expected[i], w.r->years[i].required_days);
		else
			assert_true(expected[i] < w.r->years[i].required_days);
	}
	world_free(&w);
}

/* ---- 6. breakdown ---- */

static void test_breakdown(void **state)
{
	(void)state;
	world w;
	load_eval_cc(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_BREAKDOWN, &o);
	table t = parse_csv(s);
	row *h = &t.rows[0];
	int ckind = col(h, "分组"), cname = col(h, "名称"), ccad = col(h, "干部人数"), cbeh = col(h, "进度落后人数"),
	    cpct = col(h, "落后比例（%）"), crec = col(h, "应召回人数"), cfen = col(h, "补助金额（元）");
	row *d = find_row(&t, cname, "海勃湾区");
	assert_non_null(d);
	assert_string_equal(d->cell[ckind], "区");
	assert_string_equal(d->cell[ccad], "9");
	/* C008, away since September, still has more counted days than the
	 * pace up to K03's last collection (15 October): behind nobody */
	assert_string_equal(d->cell[cbeh], "0");
	assert_string_equal(d->cell[crec], "1");
	int64_t all = 0;
	for (size_t i = 0; i < w.r->nyears; i++)
		all += w.r->years[i].allowance_fen;
	assert_int_equal(fen_of(d->cell[cfen]), all);
	/* townships ranked: nobody behind pace, so the one with a recall first */
	assert_string_equal(t.rows[2].cell[ckind], "乡镇（街道）");
	assert_string_equal(t.rows[2].cell[cname], "巴音陶亥镇");
	assert_string_equal(t.rows[2].cell[cpct], "0.0");
	assert_string_equal(t.rows[2].cell[crec], "1");
	int64_t tw = 0;
	int units = 0;
	for (int i = 1; i < t.n; i++) {
		if (!strcmp(t.rows[i].cell[ckind], "乡镇（街道）"))
			tw += fen_of(t.rows[i].cell[cfen]);
		units += !strcmp(t.rows[i].cell[ckind], "派出单位");
	}
	assert_int_equal(tw, all);
	assert_int_equal(units, 9);
	assert_string_equal(find_row(&t, ckind, "派出单位")->cell[cname], "市住建局");
	table_free(&t);
	free(s);
	/* one month: the allowance of that month */
	o.year = 2025;
	o.month = 12;
	s = csv(&w, ZC_SHEET_BREAKDOWN, &o);
	t = parse_csv(s);
	assert_string_equal(find_row(&t, 1, "海勃湾区")->cell[6], "900.00");
	table_free(&t);
	free(s);
	s = html(&w, &o);
	char *p = part(s, "id=\"breakdown\"");
	assert_non_null(strstr(p, "<h3>按区</h3>"));
	assert_non_null(strstr(p, "<h3>按乡镇（街道）</h3>"));
	assert_non_null(strstr(p, "<h3>按派出单位</h3>"));
	free(p);
	free(s);
	world_free(&w);
}

/* ---- 7. printed sheets ---- */

static void test_signoff(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	zc_report_opts o = {0};
	char *s = csv(&w, ZC_SHEET_ATTENDANCE, &o);
	table t = parse_csv(s);
	int blocks = 0, signoffs = 0;
	for (int i = 0; i < t.n; i++) {
		if (t.rows[i].n == 1 && strstr(t.rows[i].cell[0], "驻村干部考勤表"))
			blocks++;
		if (!strcmp(t.rows[i].cell[0], "制表人：＿＿＿＿＿＿")) {
			signoffs++;
			assert_int_equal(t.rows[i].n, 3);
			assert_non_null(strstr(t.rows[i - 1].cell[0], "图例：")); /* after the legend */
			assert_string_equal(t.rows[i].cell[1], "审核人：＿＿＿＿＿＿");
			assert_string_equal(t.rows[i].cell[2], "日期：＿＿＿＿＿＿");
		}
	}
	assert_int_equal(blocks, 3);
	assert_int_equal(signoffs, 3);
	table_free(&t);
	free(s);
	s = csv(&w, ZC_SHEET_ALLOWANCE, &o);
	t = parse_csv(s);
	assert_int_equal(col(&t.rows[0], "签领"), 7);
	for (int i = 0; i + 1 < t.n; i++)
		assert_int_equal(t.rows[i].n, 8);
	assert_string_equal(t.rows[t.n - 2].cell[0], "合计");
	assert_string_equal(t.rows[t.n - 1].cell[0], "制表人：＿＿＿＿＿＿");
	table_free(&t);
	free(s);
	s = html(&w, &o);
	int n = 0;
	for (const char *p = s; (p = strstr(p, "<p class=\"signoff\">")); p++)
		n++;
	assert_int_equal(n, 3 + 1); /* three sheets and the allowance statement */
	assert_non_null(strstr(s, ".signoff{page-break-inside:avoid"));
	assert_non_null(strstr(s, "<th>签领</th>"));
	char *y = part(s, "id=\"years\"");
	assert_non_null(strstr(y, "<th>乡镇（街道）</th>"));
	assert_non_null(strstr(y, "<td>千里山镇</td>"));
	free(y);
	free(s);
	o.lang = 1;
	s = csv(&w, ZC_SHEET_ALLOWANCE, &o);
	assert_non_null(strstr(s, "Prepared by: "));
	assert_non_null(strstr(s, ",signature\r\n"));
	free(s);
	world_free(&w);
}

static void test_sheet_names(void **state)
{
	(void)state;
	for (int i = 0; i < ZC_SHEET_COUNT; i++)
		assert_int_equal(zc_report_sheet_parse(zc_report_sheet_name(i)), i);
	assert_int_equal(zc_report_sheet_parse("nope"), -1);
	assert_null(zc_report_sheet_name(ZC_SHEET_COUNT));
	assert_string_equal(zc_report_finding_label("consecutive_absence", 0), "连续缺勤超限");
	assert_string_equal(zc_report_finding_label("something_new", 0), "something_new");
	assert_string_equal(zc_report_sheet_name(ZC_SHEET_COLLECTION), "collection");
	assert_string_equal(zc_report_sheet_name(ZC_SHEET_BREAKDOWN), "breakdown");
}

/* The column descriptors are the one source of every table's columns: the
 * CSV heading rows, the HTML headings and the JSON keys follow them. */
static void test_columns(void **state)
{
	(void)state;
	static const struct {
		int table, sheet;
	} sheets[] = {
	    {ZC_TABLE_YEARS, ZC_SHEET_YEARS},		{ZC_TABLE_ALLOWANCE, ZC_SHEET_ALLOWANCE},
	    {ZC_TABLE_RECALL, ZC_SHEET_RECALL},		{ZC_TABLE_FINDINGS, ZC_SHEET_FINDINGS},
	    {ZC_TABLE_COLLECTION, ZC_SHEET_COLLECTION}, {ZC_TABLE_BREAKDOWN, ZC_SHEET_BREAKDOWN},
	};
	world w;
	load_eval_cc(&w);
	assert_null(zc_report_table_get(ZC_TABLE_COUNT));
	for (int t = 0; t < ZC_TABLE_COUNT; t++) {
		const zc_report_table_desc *d = zc_report_table_get(t);
		assert_non_null(d);
		assert_true(d->ncols > 0 && d->ncols <= ZC_REPORT_MAX_COLUMNS);
		for (size_t i = 0; i < d->ncols; i++) {
			const zc_report_column *c = &d->cols[i];
			assert_non_null(c->get);
			assert_true(c->key || c->heading[0]);	       /* in some format */
			assert_true(!c->heading[0] == !c->heading[1]); /* both languages or none */
			for (size_t k = 0; c->key && k < i; k++)       /* keys once */
				assert_false(d->cols[k].key && !strcmp(d->cols[k].key, c->key));
		}
	}
	for (int lang = 0; lang < 2; lang++) {
		zc_report_opts o = {.lang = lang};
		for (size_t k = 0; k < sizeof sheets / sizeof sheets[0]; k++) {
			const zc_report_table_desc *d = zc_report_table_get(sheets[k].table);
			char *s = csv(&w, sheets[k].sheet, &o);
			table t = parse_csv(s);
			int n = 0;
			for (size_t i = 0; i < d->ncols; i++) {
				if (!d->cols[i].heading[0] || (d->cols[i].flags & ZC_COL_NO_CSV))
					continue;
				assert_true(n < t.rows[0].n);
				assert_string_equal(t.rows[0].cell[n], zc_report_heading(&d->cols[i], lang));
				n++;
			}
			assert_int_equal(t.rows[0].n, n);
			table_free(&t);
			free(s);
		}
		/* the years table of the HTML page: the same headings */
		char *s = html(&w, &o), *y = part(s, "id=\"years\"");
		const zc_report_table_desc *d = zc_report_table_get(ZC_TABLE_YEARS);
		const char *p = y;
		for (size_t i = 0; i < d->ncols; i++) {
			char th[128];
			snprintf(th, sizeof th, "<th>%s</th>", zc_report_heading(&d->cols[i], lang));
			assert_non_null(p = strstr(p, th));
		}
		free(y);
		free(s);
	}
	/* JSON: each row's members are the keyed columns, in column order */
	json_t *j = zc_report_json(&w.in, w.r);
	const zc_report_table_desc *d = zc_report_table_get(ZC_TABLE_COLLECTION);
	json_t *rowj = json_array_get(json_object_get(j, d->name), 0);
	assert_non_null(rowj);
	void *it = json_object_iter(rowj);
	for (size_t i = 0; i < d->ncols; i++, it = json_object_iter_next(rowj, it)) {
		assert_non_null(it);
		assert_string_equal(json_object_iter_key(it), d->cols[i].key);
	}
	assert_null(it);
	json_decref(j);
	/* a JSON value never depends on the reader's language */
	for (size_t i = 0; i < w.r->nfindings; i++) {
		zc_report_row zh = {.in = &w.in, .r = w.r, .item = &w.r->findings[i]}, en = zh;
		en.lang = 1;
		json_t *a = zc_report_row_json(ZC_TABLE_FINDINGS, &zh), *b = zc_report_row_json(ZC_TABLE_FINDINGS, &en);
		assert_true(json_equal(a, b));
		assert_non_null(json_object_get(a, "detail_zh"));
		json_decref(a);
		json_decref(b);
	}
	world_free(&w);
}

/* Many long Chinese village names for one cadre: the joined list in the years
 * sheet stays valid UTF-8, lists villages whole and in order, and names the
 * count ("…等N个" / "… and N more") instead of dropping villages silently. A
 * long integrity detail becomes a finding detail cut between characters and
 * marked "…". */
static void test_long_names(void **state)
{
	(void)state;
	world w;
	load_eval(&w);
	enum { EXTRA = 40 };
	own_cadres(&w, EXTRA);
	int c = cadre_ix(&w, "C011");
	int year = 0;
	for (size_t i = 0; i < w.r->nyears && !year; i++)
		if (w.r->years[i].cadre == c)
			year = w.r->years[i].year;
	assert_true(year > 0);
	size_t nv0 = w.in.nvillages;
	zc_r_village *vs = realloc((void *)w.in.villages, (nv0 + EXTRA) * sizeof *vs);
	assert_non_null(vs);
	w.in.villages = vs;
	static char names[EXTRA][128];
	int home = -1;
	for (size_t i = 0; i < w.in.nassignments; i++)
		if (w.in.assignments[i].cadre == c)
			home = w.in.assignments[i].village;
	assert_true(home >= 0);
	for (int i = 0; i < EXTRA; i++) {
		snprintf(names[i], sizeof names[i], "第%02d号乡村振兴示范村青山绿水新农村建设先行区", i + 1);
		vs[nv0 + i] = vs[home];
		vs[nv0 + i].id = "VX";
		vs[nv0 + i].name = names[i];
		w.asg[w.in.nassignments + (size_t)i] =
		    (zc_r_assignment){c, (int)(nv0 + (size_t)i), zc_day_from_ymd(year, 3, 1 + i % 28),
				      zc_day_from_ymd(year, 3, 1 + i % 28)};
	}
	w.in.nvillages = nv0 + EXTRA;
	w.in.nassignments += EXTRA;
	/* how many distinct villages the cadre had that year */
	size_t total = 0;
	for (size_t v = 0; v < w.in.nvillages; v++)
		for (size_t i = 0; i < w.in.nassignments; i++) {
			const zc_r_assignment *a = &w.in.assignments[i];
			if (a->cadre == c && (size_t)a->village == v && a->end >= zc_day_from_ymd(year, 1, 1) &&
			    a->start <= zc_day_from_ymd(year, 12, 31)) {
				total++;
				break;
			}
		}
	assert_true(total > EXTRA);

	for (int lang = 0; lang < 2; lang++) {
		zc_report_opts o = {0};
		o.lang = lang;
		char *text = csv(&w, ZC_SHEET_YEARS, &o);
		assert_true(zc_utf8_valid(text, strlen(text)));
		table t = parse_csv(text);
		int cid = col(&t.rows[0], lang ? "cadre id" : "干部编号"),
		    cvil = col(&t.rows[0], lang ? "village" : "驻村");
		const char *cell = NULL;
		for (int i = 1; i < t.n; i++)
			if (!strcmp(t.rows[i].cell[cid], "C011"))
				cell = t.rows[i].cell[cvil];
		assert_non_null(cell);
		assert_true(zc_utf8_valid(cell, strlen(cell)));
		assert_non_null(strstr(cell, "第01号乡村振兴示范村青山绿水新农村建设先行区"));
		const char *sep = lang ? "; " : "、";
		size_t kept = 1;
		for (const char *p = cell; (p = strstr(p, sep)); p += strlen(sep))
			kept++;
		/* every listed village is whole: the last one before the note too */
		char want[64];
		if (lang)
			snprintf(want, sizeof want, "… and %zu more", total - kept);
		else
			snprintf(want, sizeof want, "…等%zu个", total);
		assert_non_null(strstr(cell, want));
		const char *last = strstr(cell, "…");
		assert_true(last > cell);
		assert_memory_equal(last - strlen("先行区"), "先行区", strlen("先行区"));
		table_free(&t);
		free(text);
	}

	/* a detail longer than the finding's buffers */
	static char zh[1200], en[1200];
	strcpy(zh, "T1 "); /* so a byte limit falls inside a character */
	en[0] = 0;
	for (int i = 0; i < 60; i++) {
		strcat(zh, "记录链断裂");
		strcat(en, "broken chain ");
	}
	zc_r_integrity g = {0, "fork", w.in.as_of, 7, en, zh};
	w.in.integrity = &g;
	w.in.nintegrity = 1;
	eval(&w);
	int seen = 0;
	for (size_t i = 0; i < w.r->nfindings; i++) {
		const zc_r_finding *f = &w.r->findings[i];
		assert_true(zc_utf8_valid(f->detail, strlen(f->detail)));
		assert_true(zc_utf8_valid(f->detail_zh, strlen(f->detail_zh)));
		if (strcmp(f->type, "fork"))
			continue;
		seen = 1;
		size_t n = strlen(f->detail_zh);
		assert_memory_equal(f->detail_zh + n - 3, ZC_UTF8_ELLIPSIS, 3);
		assert_memory_equal(f->detail + strlen(f->detail) - 3, ZC_UTF8_ELLIPSIS, 3);
	}
	assert_true(seen);
	w.in.integrity = NULL;
	w.in.nintegrity = 0;
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_years),	   cmocka_unit_test(test_csv_attendance),
	    cmocka_unit_test(test_csv_allowance),  cmocka_unit_test(test_csv_recall_findings),
	    cmocka_unit_test(test_csv_injection),  cmocka_unit_test(test_html),
	    cmocka_unit_test(test_scope),	   cmocka_unit_test(test_sheet_names),
	    cmocka_unit_test(test_collection),	   cmocka_unit_test(test_pending_marks),
	    cmocka_unit_test(test_findings_views), cmocka_unit_test(test_month_summary),
	    cmocka_unit_test(test_pace),	   cmocka_unit_test(test_breakdown),
	    cmocka_unit_test(test_signoff),	   cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_long_names),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
