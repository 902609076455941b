/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_csv.c: the compliance report as CSV sheets for a spreadsheet
 * (zc/report.h): years, attendance (the monthly 考勤表 per village),
 * allowance, recall, findings, collection (each terminal's last pull) and
 * breakdown (by district, township and dispatching unit). UTF-8 with a byte order mark so that
 * Excel reads the Chinese text, CRLF line ends, RFC 4180 quoting, and no
 * text cell that a spreadsheet would run as a formula. host/doc/REPORTS.md
 * lists the columns.
 */
#include "zc/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"

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
	char b[40];
	int64_t a = fen < 0 ? -fen : fen;
	snprintf(b, sizeof b, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "", a / 100, a % 100);
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

/* ---- shared tables (zc_report_cells) ---- */

#define L(zh, en) (en_ ? (en) : (zh))

static void c_text(void *ctx, const char *s)
{
	cell(ctx, s);
}

static void c_num(void *ctx, long long v)
{
	num(ctx, v);
}

static void c_money(void *ctx, int64_t fen)
{
	money(ctx, fen);
}

static zc_report_cells cells_of(csvw *w)
{
	return (zc_report_cells){.ctx = w, .text = c_text, .num = c_num, .dec = c_text, .money = c_money};
}

static void heads(csvw *w, int table, int en_)
{
	const char *h[ZC_REPORT_MAX_COLUMNS];
	size_t n = zc_report_columns(table, en_, h);
	for (size_t i = 0; i < n; i++)
		cell(w, h[i]);
	endrow(w);
}

/* The closing row of a printed sheet: 制表人 审核人 日期. */
static void signoff_row(csvw *w, int en_)
{
	for (int i = 0; i < ZC_REPORT_NSIGNOFF; i++)
		cell(w, zc_report_signoff(i, en_));
	endrow(w);
}

/* ---- sheets ---- */

static int sheet_years(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	int *expected = malloc((r->nyears + 1) * sizeof *expected);
	if (!expected || zc_report_pace(in, r, expected)) {
		free(expected);
		return ZC_ENOMEM;
	}
	zc_report_cells cw = cells_of(w);
	heads(w, ZC_TABLE_YEARS, en_);
	for (size_t i = 0; i < r->nyears; i++) {
		if (!zc_report_scope_cadre(in, o->scope, r->years[i].cadre))
			continue;
		zc_report_years_cells(&cw, in, o->scope, &r->years[i], expected[i], en_);
		endrow(w);
	}
	free(expected);
	return 0;
}

static void attendance_block(csvw *w, const zc_rules_input *in, const zc_rules_result *r, int v, int y, int m, const int *cad,
			     size_t ncad, int en_)
{
	char t[1024], mt[64];
	int nd = zc_report_days_in_month(y, m);
	zc_day ms = zc_day_from_ymd(y, m, 1);
	zc_report_month_title(y, m, en_, mt, sizeof mt);
	if (en_)
		snprintf(t, sizeof t, "%s %s attendance sheet of stationed cadres", zc_report_village_name(in, v), mt);
	else
		snprintf(t, sizeof t, "%s %s 驻村干部考勤表", zc_report_village_name(in, v), mt);
	cell(w, t);
	endrow(w);
	cell(w, L("序号", "no."));
	cell(w, L("姓名", "name"));
	cell(w, L("职务", "role"));
	for (int d = 1; d <= nd; d++)
		num(w, d);
	for (int k = 0; k < ZC_REPORT_NTOTALS; k++)
		cell(w, zc_report_status_label(zc_report_sheet_totals[k], en_));
	endrow(w);
	for (size_t k = 0; k < ncad; k++) {
		int c = cad[k];
		num(w, (long long)k + 1);
		cell(w, zc_report_cadre_name(in, c));
		cell(w, zc_report_role_label(in->cadres[c].role, en_));
		for (int d = 0; d < nd; d++) {
			zc_day day = ms + d;
			cell(w,
			     zc_report_village_on(in, r, c, day) == v ? zc_report_day_symbol(in, r, c, day, en_) : "");
		}
		int cnt[ZC_ST_COUNT];
		zc_report_count_days(in, r, c, v, ms, ms + nd - 1, cnt);
		for (int st = 0; st < ZC_REPORT_NTOTALS; st++)
			num(w, cnt[zc_report_sheet_totals[st]]);
		endrow(w);
	}
	zc_report_legend_text(en_, r->as_of, t, sizeof t);
	cell(w, t);
	endrow(w);
	signoff_row(w, en_);
}

static int sheet_attendance(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
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
			attendance_block(w, in, r, (int)v, y, m, cad, n, en_);
		}
	}
	free(cad);
	return 0;
}

/* A subtotal or total line of the allowance statement. */
static void allowance_sum(csvw *w, const char *label, int days, int64_t fen)
{
	cell(w, label);
	cell(w, "");
	cell(w, "");
	cell(w, "");
	num(w, days);
	cell(w, "");
	money(w, fen);
	cell(w, "");
	endrow(w);
}

static int sheet_allowance(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	zc_report_allowance_row *rows;
	size_t n;
	int rc = zc_report_allowance_rows(in, r, o, &rows, &n);
	if (rc)
		return rc;
	zc_report_cells cw = cells_of(w);
	heads(w, ZC_TABLE_ALLOWANCE, en_);
	int64_t total = 0, sub = 0;
	int tdays = 0, sdays = 0;
	for (size_t i = 0; i < n; i++) {
		const zc_report_allowance_row *a = &rows[i];
		zc_report_allowance_cells(&cw, in, a);
		endrow(w);
		sub += a->amount_fen;
		sdays += a->days;
		if (i + 1 == n || rows[i + 1].village != a->village) {
			char t[300];
			snprintf(t, sizeof t, "%s %s", zc_report_village_name(in, a->village), L("小计", "subtotal"));
			allowance_sum(w, t, sdays, sub);
			total += sub;
			tdays += sdays;
			sub = 0;
			sdays = 0;
		}
	}
	allowance_sum(w, L("合计", "total"), tdays, total);
	signoff_row(w, en_);
	free(rows);
	return 0;
}

static void sheet_recall(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	zc_report_cells cw = cells_of(w);
	heads(w, ZC_TABLE_RECALL, en_);
	for (size_t i = 0; i < r->nrecall; i++) {
		if (!zc_report_scope_cadre(in, o->scope, r->recall[i].cadre))
			continue;
		zc_report_recall_cells(&cw, in, r, o->scope, &r->recall[i], en_);
		endrow(w);
	}
}

static int sheet_findings(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	const zc_r_finding **fs;
	size_t n;
	if (zc_report_findings_grouped(in, r, o->scope, &fs, &n))
		return ZC_ENOMEM;
	const char *h[] = {L("类型", "type"),		L("级别", "severity"),	       L("对象类别", "subject kind"),
			   L("对象编号", "subject id"), L("对象名称", "subject name"), L("日期", "date"),
			   L("详情", "detail"),		L("类型代码", "type code")};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		cell(w, h[i]);
	endrow(w);
	for (size_t k = 0; k < n; k++) {
		const zc_r_finding *f = fs[k];
		cell(w, zc_report_finding_label(f->type, en_));
		cell(w, zc_report_severity_label(f->severity, en_));
		switch (f->subject_kind) {
		case ZC_SUBJ_CADRE:
			cell(w, L("干部", "cadre"));
			cell(w, in->cadres[f->subject].id);
			cell(w, zc_report_cadre_name(in, f->subject));
			break;
		case ZC_SUBJ_VILLAGE:
			cell(w, L("村", "village"));
			cell(w, in->villages[f->subject].id);
			cell(w, zc_report_village_name(in, f->subject));
			break;
		default:
			cell(w, L("终端", "terminal"));
			cell(w, in->terminals[f->subject].id);
			cell(w, zc_report_township_name(in, in->terminals[f->subject].township));
			break;
		}
		date_cell(w, f->date);
		cell(w, zc_report_finding_detail(f, en_));
		cell(w, f->type);
		endrow(w);
	}
	free(fs);
	return 0;
}

static int sheet_collection(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	zc_report_terminal_row *rows;
	size_t n;
	if (zc_report_terminal_rows(in, r, o->scope, &rows, &n))
		return ZC_ENOMEM;
	zc_report_cells cw = cells_of(w);
	heads(w, ZC_TABLE_COLLECTION, en_);
	for (size_t i = 0; i < n; i++) {
		zc_report_terminal_cells(&cw, in, &rows[i], en_);
		endrow(w);
	}
	free(rows);
	return 0;
}

static int sheet_breakdown(csvw *w, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, int en_)
{
	zc_report_group_row *rows;
	size_t n;
	if (zc_report_breakdown(in, r, o, &rows, &n))
		return ZC_ENOMEM;
	zc_report_cells cw = cells_of(w);
	heads(w, ZC_TABLE_BREAKDOWN, en_);
	for (size_t i = 0; i < n; i++) {
		cell(w, zc_report_group_label(rows[i].kind, en_));
		zc_report_group_cells(&cw, &rows[i]);
		endrow(w);
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
