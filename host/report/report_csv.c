/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_csv.c: the compliance report as CSV sheets for a spreadsheet
 * (zc/report.h): years, attendance (the monthly 考勤表 per village),
 * allowance, recall, findings, collection (each terminal's last pull) and
 * breakdown (by district, township and dispatching unit). UTF-8 with a byte order mark so that
 * Excel reads the Chinese text, CRLF line ends, RFC 4180 quoting, and no
 * text cell that a spreadsheet would run as a formula. The columns of each
 * sheet are the table descriptors of report_columns.c.
 */
#include "zc/report.h"

#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/utf8.h"

/* ---- the writer ---- */

typedef struct csvw {
	FILE *f;
	int col; /* cells written in the current row */
	int err;
} csvw;

static void put(csvw *w, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, w->f) != n)
		w->err = 1;
}

/* A text cell: quoted when it holds " , CR or LF (or starts or ends with a
 * space); prefixed with ' when it starts with = + - @ TAB or CR. */
static void cell(csvw *w, const char *s)
{
	if (!s)
		s = "";
	if (w->col++)
		put(w, ",", 1);
	size_t n = strlen(s);
	int guard = n && strchr("=+-@\t\r", s[0]);
	int quote = strpbrk(s, "\",\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
	if (quote)
		put(w, "\"", 1);
	if (guard)
		put(w, "'", 1);
	if (!quote) {
		put(w, s, n);
		return;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			put(w, "\"\"", 2);
		else
			put(w, p, 1);
	}
	put(w, "\"", 1);
}

/* A number cell (never guarded: a negative number stays a number). */
static void num(csvw *w, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	if (w->col++)
		put(w, ",", 1);
	put(w, b, strlen(b));
}

/* fen as yuan with 2 decimals. */
static void money(csvw *w, int64_t fen)
{
	char b[32];
	zc_report_yuan(fen, b);
	if (w->col++)
		put(w, ",", 1);
	put(w, b, strlen(b));
}

static void date_cell(csvw *w, zc_day d)
{
	char b[11];
	if (d < 0) {
		cell(w, "");
		return;
	}
	zc_day_format(d, b);
	cell(w, b);
}

static void endrow(csvw *w)
{
	put(w, "\r\n", 2);
	w->col = 0;
}

/* ---- tables: the columns of zc_report_table_get ---- */

#define L(zh, en) (en_ ? (en) : (zh))

static int in_csv(const zc_report_column *c)
{
	return c->heading[0] && !(c->flags & ZC_COL_NO_CSV);
}

/* A value as a cell of its type. */
static void value_cell(csvw *w, const zc_report_value *v)
{
	switch (v->type) {
	case ZC_V_INT: num(w, v->n); break;
	case ZC_V_MONEY: money(w, v->n); break;
	case ZC_V_DATE: date_cell(w, (zc_day)v->n); break;
	default: cell(w, v->s); break;
	}
}

/* The heading row of a table; days: the month's days for a ZC_COL_DAYS column. */
static void heads(csvw *w, int table, int en_, int days)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		if (!in_csv(c))
			continue;
		if (c->flags & ZC_COL_DAYS)
			for (int d = 1; d <= days; d++)
				num(w, d);
		else
			cell(w, zc_report_heading(c, en_));
	}
	endrow(w);
}

/* One row of a table: each column's cell (ZC_COL_DAYS: one per day from ms). */
static void row(csvw *w, int table, zc_report_row *rw, zc_day ms, int days)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	zc_report_value v;
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		if (!in_csv(c))
			continue;
		for (int d = 0; d < ((c->flags & ZC_COL_DAYS) ? days : 1); d++) {
			rw->day = ms + d;
			zc_report_get(c, rw, 0, &v);
			value_cell(w, &v);
		}
	}
	endrow(w);
}

/* A subtotal or total line: the label in the first column, the sums in the
 * ZC_COL_SUM columns, the others empty. */
static void sum_row(csvw *w, int table, const char *label, const zc_report_sums *s)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		zc_report_value v = {.type = c->type, .s = "", .n = s->n[i]};
		if (!in_csv(c))
			continue;
		if (!w->col)
			cell(w, label);
		else if (c->flags & ZC_COL_SUM)
			value_cell(w, &v);
		else
			cell(w, "");
	}
	endrow(w);
}

/* The closing row of a printed sheet: 制表人 审核人 日期. */
static void signoff_row(csvw *w, int en_)
{
	for (int i = 0; i < ZC_REPORT_NSIGNOFF; i++)
		cell(w, zc_report_signoff(i, en_));
	endrow(w);
}

static zc_report_row row_of(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_,
			    const void *item)
{
	return (zc_report_row){.in = in, .r = r, .sc = o->scope, .lang = en_, .item = item};
}

/* ---- sheets ---- */

static int sheet_years(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	int *expected = malloc((r->nyears + 1) * sizeof *expected);
	if (!expected || zc_report_pace(in, r, expected)) {
		free(expected);
		return ZC_ENOMEM;
	}
	heads(w, ZC_TABLE_YEARS, en_, 0);
	for (size_t i = 0; i < r->nyears; i++) {
		if (!zc_report_scope_cadre(in, o->scope, r->years[i].cadre))
			continue;
		zc_report_row rw = row_of(in, r, o, en_, &r->years[i]);
		rw.expected = expected[i];
		row(w, ZC_TABLE_YEARS, &rw, 0, 0);
	}
	free(expected);
	return 0;
}

static void attendance_block(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			     int v, int y, int m, const int *cad, size_t ncad, int en_)
{
	char t[1024], mt[64];
	int nd = zc_report_days_in_month(y, m);
	zc_day ms = zc_day_from_ymd(y, m, 1);
	zc_report_month_title(y, m, en_, mt, sizeof mt);
	if (en_)
		zc_utf8_snprintf(t, sizeof t, "%s %s attendance sheet of stationed cadres",
				 zc_report_village_name(in, v), mt);
	else
		zc_utf8_snprintf(t, sizeof t, "%s %s 驻村干部考勤表", zc_report_village_name(in, v), mt);
	cell(w, t);
	endrow(w);
	heads(w, ZC_TABLE_ATTENDANCE, en_, nd);
	for (size_t k = 0; k < ncad; k++) {
		zc_report_sheet_row s = {.cadre = cad[k], .village = v, .index = k, .month_start = ms, .days = nd};
		zc_report_count_days(in, r, cad[k], v, ms, ms + nd - 1, s.counts);
		zc_report_row rw = row_of(in, r, o, en_, &s);
		row(w, ZC_TABLE_ATTENDANCE, &rw, ms, nd);
	}
	zc_report_legend_text(en_, r->as_of, t, sizeof t);
	cell(w, t);
	endrow(w);
	signoff_row(w, en_);
}

static int sheet_attendance(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			    int en_)
{
	int *cad = malloc((in->ncadres ? in->ncadres : 1) * sizeof *cad);
	if (!cad)
		return ZC_ENOMEM;
	int blocks = 0;
	for (size_t v = 0; v < in->nvillages; v++) {
		zc_day first, last;
		if (!zc_report_scope_village(in, o->scope, (int)v) ||
		    zc_report_village_span(in, r, (int)v, &first, &last))
			continue;
		int y, m, d, y1, m1;
		zc_day_to_ymd(first, &y, &m, &d);
		zc_day_to_ymd(last, &y1, &m1, &d);
		for (; y < y1 || (y == y1 && m <= m1); m == 12 ? (y++, m = 1) : m++) {
			if (o->month && (y != o->year || m != o->month))
				continue;
			zc_day ms = zc_day_from_ymd(y, m, 1);
			size_t n = zc_report_sheet_cadres(in, (int)v, ms, ms + zc_report_days_in_month(y, m) - 1, cad);
			if (!n)
				continue;
			if (blocks++)
				endrow(w); /* a blank row between sheets */
			attendance_block(w, in, r, o, (int)v, y, m, cad, n, en_);
		}
	}
	free(cad);
	return 0;
}

static int sheet_allowance(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			   int en_)
{
	zc_report_allowance_row *rows;
	size_t n;
	int rc = zc_report_allowance_rows(in, r, o, &rows, &n);
	if (rc)
		return rc;
	heads(w, ZC_TABLE_ALLOWANCE, en_, 0);
	zc_report_sums total = {{0}}, sub = {{0}};
	for (size_t i = 0; i < n; i++) {
		const zc_report_allowance_row *a = &rows[i];
		zc_report_row rw = row_of(in, r, o, en_, a);
		row(w, ZC_TABLE_ALLOWANCE, &rw, 0, 0);
		zc_report_sums_add(ZC_TABLE_ALLOWANCE, &rw, &sub);
		zc_report_sums_add(ZC_TABLE_ALLOWANCE, &rw, &total);
		if (i + 1 == n || rows[i + 1].village != a->village) {
			char t[300];
			zc_utf8_snprintf(t, sizeof t, "%s %s", zc_report_village_name(in, a->village),
					 L("小计", "subtotal"));
			sum_row(w, ZC_TABLE_ALLOWANCE, t, &sub);
			sub = (zc_report_sums){{0}};
		}
	}
	sum_row(w, ZC_TABLE_ALLOWANCE, L("合计", "total"), &total);
	signoff_row(w, en_);
	free(rows);
	return 0;
}

static void sheet_recall(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	heads(w, ZC_TABLE_RECALL, en_, 0);
	for (size_t i = 0; i < r->nrecall; i++) {
		if (!zc_report_scope_cadre(in, o->scope, r->recall[i].cadre))
			continue;
		zc_report_row rw = row_of(in, r, o, en_, &r->recall[i]);
		row(w, ZC_TABLE_RECALL, &rw, 0, 0);
	}
}

static int sheet_findings(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	const zc_r_finding **fs;
	size_t n;
	if (zc_report_findings_grouped(in, r, o->scope, &fs, &n))
		return ZC_ENOMEM;
	heads(w, ZC_TABLE_FINDINGS, en_, 0);
	for (size_t k = 0; k < n; k++) {
		zc_report_row rw = row_of(in, r, o, en_, fs[k]);
		row(w, ZC_TABLE_FINDINGS, &rw, 0, 0);
	}
	free(fs);
	return 0;
}

static int sheet_collection(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			    int en_)
{
	zc_report_terminal_row *rows;
	size_t n;
	if (zc_report_terminal_rows(in, r, o->scope, &rows, &n))
		return ZC_ENOMEM;
	heads(w, ZC_TABLE_COLLECTION, en_, 0);
	for (size_t i = 0; i < n; i++) {
		zc_report_row rw = row_of(in, r, o, en_, &rows[i]);
		row(w, ZC_TABLE_COLLECTION, &rw, 0, 0);
	}
	free(rows);
	return 0;
}

static int sheet_breakdown(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			   int en_)
{
	zc_report_group_row *rows;
	size_t n;
	if (zc_report_breakdown(in, r, o, &rows, &n))
		return ZC_ENOMEM;
	heads(w, ZC_TABLE_BREAKDOWN, en_, 0);
	for (size_t i = 0; i < n; i++) {
		zc_report_row rw = row_of(in, r, o, en_, &rows[i]);
		row(w, ZC_TABLE_BREAKDOWN, &rw, 0, 0);
	}
	free(rows);
	return 0;
}

const char *zc_report_sheet_name(int sheet)
{
	static const char *names[] = {"years",	  "attendance", "allowance", "recall",
				      "findings", "collection", "breakdown"};
	return sheet >= 0 && sheet < ZC_SHEET_COUNT ? names[sheet] : NULL;
}

int zc_report_sheet_parse(const char *name)
{
	for (int i = 0; name && i < ZC_SHEET_COUNT; i++)
		if (!strcmp(name, zc_report_sheet_name(i)))
			return i;
	return -1;
}

int zc_report_csv(FILE *f, const zc_rules_input *in, const zc_rules_result *r, int sheet, const zc_report_opts *o)
{
	zc_report_opts none = {0};
	if (!f || !in || !r || sheet < 0 || sheet >= ZC_SHEET_COUNT)
		return ZC_EARG;
	if (!o)
		o = &none;
	int en_ = o->lang == 1, rc = 0;
	csvw w = {.f = f};
	put(&w, "\xEF\xBB\xBF", 3);
	switch (sheet) {
	case ZC_SHEET_YEARS: rc = sheet_years(&w, in, r, o, en_); break;
	case ZC_SHEET_ATTENDANCE: rc = sheet_attendance(&w, in, r, o, en_); break;
	case ZC_SHEET_ALLOWANCE: rc = sheet_allowance(&w, in, r, o, en_); break;
	case ZC_SHEET_RECALL: sheet_recall(&w, in, r, o, en_); break;
	case ZC_SHEET_FINDINGS: rc = sheet_findings(&w, in, r, o, en_); break;
	case ZC_SHEET_COLLECTION: rc = sheet_collection(&w, in, r, o, en_); break;
	default: rc = sheet_breakdown(&w, in, r, o, en_); break;
	}
	if (!rc && (w.err || fflush(f) || ferror(f)))
		rc = ZC_EIO;
	return rc;
}
