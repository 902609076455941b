/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_report.c: the report renderers (zc/report.h) on the township-quarter
 * scenario of ../shared/scenarios: the CSV sheets (byte order mark, CRLF,
 * the attendance symbols of known days, totals against the year rows, the
 * allowance sums, formula injection), the HTML page (self-contained, A4,
 * escaped), and the scope filter.
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
#include "zc/scenario.h"

typedef struct world {
	zc_scenario *s;
	zc_rules_input in;
	zc_report *r;
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

/* Load township-quarter (the handbook copy, else tests/scenario/data). */
static int load(world *w)
{
	memset(w, 0, sizeof *w);
	char path[4200];
	snprintf(path, sizeof path, "%s/township-quarter.scn", tu_scenario_dir());
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

static void eval(world *w)
{
	if (w->r)
		zc_report_free(w->r);
	w->r = NULL;
	assert_int_equal(zc_rules_evaluate(&w->in, &w->r), 0);
}

static void load_eval(world *w)
{
	if (load(w))
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
	zc_report_free(w->r);
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
	assert_int_equal(feb->n, 3 + 28 + 5);
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
			for (int d = 3; d < r->n - 5; d++)
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

static void test_sheet_names(void **state)
{
	(void)state;
	for (int i = 0; i < ZC_SHEET_COUNT; i++)
		assert_int_equal(zc_report_sheet_parse(zc_report_sheet_name(i)), i);
	assert_int_equal(zc_report_sheet_parse("nope"), -1);
	assert_null(zc_report_sheet_name(ZC_SHEET_COUNT));
	assert_string_equal(zc_report_finding_label("consecutive_absence", 0), "连续缺勤超限");
	assert_string_equal(zc_report_finding_label("something_new", 0), "something_new");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_years),	  cmocka_unit_test(test_csv_attendance),
	    cmocka_unit_test(test_csv_allowance), cmocka_unit_test(test_csv_recall_findings),
	    cmocka_unit_test(test_csv_injection), cmocka_unit_test(test_html),
	    cmocka_unit_test(test_scope),	  cmocka_unit_test(test_sheet_names),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
