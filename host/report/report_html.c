/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_html.c: the compliance report as one self-contained HTML page
 * (zc/report.h) for the district office to read on screen and print on A4:
 * a warning for every terminal overdue for collection, a summary, each
 * terminal's collection state, the year table, two inline SVG charts (days
 * on post against the required days and the pace; absence per month), the
 * breakdown by district, township and dispatching unit, the recall list,
 * the allowance statement, the monthly attendance sheet of every village,
 * and the findings (suspected forgery first, then per terminal, village and
 * cadre). Inline CSS, no script, no
 * external resource; every text is escaped. The tables' columns are the
 * descriptors of report_columns.c; host/doc/REPORTS.md describes the
 * sections.
 */
#include "zc/report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/utf8.h"

#define L(zh, en) (en_ ? (en) : (zh))

typedef struct hw {
	FILE *f;
	const zc_rules_input *in;
	const zc_rules_result *r;
	const zc_report_opts *o;
	int en_;
	int sec;		       /* sections opened so far, for their numbers */
	int *expected;		       /* zc_report_pace: per year row */
	zc_report_terminal_row *terms; /* zc_report_terminal_rows */
	size_t nterms;
} hw;

static void raw(hw *w, const char *s)
{
	fputs(s, w->f);
}

static void __attribute__((format(printf, 2, 3))) rawf(hw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
}

/* Text with & < > " ' escaped (safe in content and in quoted attributes). */
static void esc(hw *w, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': raw(w, "&amp;"); break;
		case '<': raw(w, "&lt;"); break;
		case '>': raw(w, "&gt;"); break;
		case '"': raw(w, "&quot;"); break;
		case '\'': raw(w, "&#39;"); break;
		default: fputc(*s, w->f); break;
		}
	}
}

/* <tag>escaped text</tag> */
static void tag(hw *w, const char *open, const char *text, const char *close)
{
	raw(w, open);
	esc(w, text);
	raw(w, close);
}

static void td(hw *w, const char *text)
{
	tag(w, "<td>", text, "</td>");
}

static void tdn(hw *w, long long v)
{
	rawf(w, "<td class=\"n\">%lld</td>", v);
}

static void tdm(hw *w, int64_t fen)
{
	char b[32];
	zc_report_yuan(fen, b);
	rawf(w, "<td class=\"n\">%s</td>", b);
}

static void tdd(hw *w, zc_day d)
{
	char b[11] = "";
	if (d >= 0)
		zc_day_format(d, b);
	td(w, b);
}

/* ---- tables: the columns of zc_report_table_get ---- */

static int in_html(const zc_report_column *c, unsigned skip)
{
	return c->heading[0] && !(c->flags & (ZC_COL_NO_HTML | ZC_COL_GROUPBY | skip));
}

/* The <thead> of a table without the columns flagged skip; a ZC_COL_DAYS
 * column is one heading per day of the month from ms, rest days shaded. */
static void heads(hw *w, int table, unsigned skip, zc_day ms, int days)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	raw(w, "<thead><tr>");
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		if (!in_html(c, skip))
			continue;
		if (!(c->flags & ZC_COL_DAYS)) {
			tag(w, "<th>", zc_report_heading(c, w->en_), "</th>");
			continue;
		}
		for (int d = 1; d <= days; d++)
			rawf(w, "<th%s>%d</th>", zc_rules_is_workday(w->in, ms + d - 1) ? "" : " class=\"s-r\"", d);
	}
	raw(w, "</tr></thead>\n<tbody>\n");
}

/* A value as a <td> of its type (numbers right-aligned, the value's class). */
static void value_td(hw *w, const zc_report_value *v)
{
	switch (v->type) {
	case ZC_V_INT: tdn(w, v->n); break;
	case ZC_V_MONEY: tdm(w, v->n); break;
	case ZC_V_DATE: tdd(w, (zc_day)v->n); break;
	case ZC_V_DEC: tag(w, "<td class=\"n\">", v->s, "</td>"); break;
	default:
		if (!v->cls) {
			td(w, v->s);
			break;
		}
		raw(w, "<td class=\"");
		esc(w, v->cls);
		raw(w, "\">");
		esc(w, v->s);
		raw(w, "</td>");
		break;
	}
}

/* One <tr> of a table (its class from the table's row_class) without the
 * columns flagged skip; a ZC_COL_DAYS column gives one cell per day from ms. */
static void row(hw *w, int table, zc_report_row *rw, unsigned skip, zc_day ms, int days)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	const char *cl = t->row_class ? t->row_class(rw) : NULL;
	zc_report_value v;
	if (cl)
		rawf(w, "<tr class=\"%s\">", cl);
	else
		raw(w, "<tr>");
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		if (!in_html(c, skip))
			continue;
		for (int d = 0; d < ((c->flags & ZC_COL_DAYS) ? days : 1); d++) {
			rw->day = ms + d;
			zc_report_get(c, rw, 0, &v);
			value_td(w, &v);
		}
	}
	raw(w, "</tr>\n");
}

/* A subtotal or total line: the label across the columns before the first
 * ZC_COL_SUM one, the sums in the ZC_COL_SUM columns, the others empty. */
static void sum_row(hw *w, int table, const char *label, const zc_report_sums *s)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	size_t i, span = 0;
	for (i = 0; i < t->ncols && !(t->cols[i].flags & ZC_COL_SUM); i++)
		span += (size_t)in_html(&t->cols[i], 0);
	rawf(w, "<tr class=\"sum\"><td colspan=\"%zu\">", span);
	esc(w, label);
	raw(w, "</td>");
	for (; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		zc_report_value v = {.type = c->type, .s = "", .n = s->n[i]};
		if (!in_html(c, 0))
			continue;
		if (c->flags & ZC_COL_SUM)
			value_td(w, &v);
		else
			td(w, "");
	}
	raw(w, "</tr>\n");
}

static zc_report_row row_of(hw *w, const void *item)
{
	return (zc_report_row){.in = w->in, .r = w->r, .sc = w->o->scope, .lang = w->en_, .item = item};
}

/* <section id=ID><h2>N、title</h2> with the next section number. */
static void section_open(hw *w, const char *id, const char *title)
{
	static const char *zh[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"};
	int n = ++w->sec;
	rawf(w, "<section id=\"%s\">\n<h2>", id);
	if (w->en_ || n > 12)
		rawf(w, "%d. ", n);
	else
		rawf(w, "%s、", zh[n - 1]);
	esc(w, title);
	raw(w, "</h2>\n");
}

/* The sign-off line of a printed sheet: 制表人 审核人 日期. */
static void signoff(hw *w)
{
	raw(w, "<p class=\"signoff\">");
	for (int i = 0; i < ZC_REPORT_NSIGNOFF; i++)
		tag(w, "<span>", zc_report_signoff(i, w->en_), "</span>");
	raw(w, "</p>\n");
}

/* The evaluated months of the villages in scope: first and last as y*12+m-1, or -1. */
static int month_range(hw *w, int *lo, int *hi)
{
	*lo = INT32_MAX;
	*hi = -1;
	for (size_t v = 0; v < w->in->nvillages; v++) {
		zc_day a, b;
		int y, m, d;
		if (!zc_report_scope_village(w->in, w->o->scope, (int)v) ||
		    zc_report_village_span(w->in, w->r, (int)v, &a, &b))
			continue;
		zc_day_to_ymd(a, &y, &m, &d);
		if (y * 12 + m - 1 < *lo)
			*lo = y * 12 + m - 1;
		zc_day_to_ymd(b, &y, &m, &d);
		if (y * 12 + m - 1 > *hi)
			*hi = y * 12 + m - 1;
	}
	return *hi < 0 ? -1 : 0;
}

/* ---- style ---- */

static const char style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",\"PingFang SC\",SimSun,"
    "sans-serif;font-size:10.5pt;color:#222;max-width:1120px;margin:0 auto;padding:12px}\n"
    "h1{font-size:18pt;margin:4px 0}h2{font-size:14pt;border-bottom:2px solid #a31515;padding-bottom:2px;"
    "margin-top:22px}h3{font-size:11.5pt;margin:12px 0 4px}\n"
    ".meta{color:#555}\n"
    ".alert{border:2px solid #b36b00;background:#fff8e1;padding:4px 10px;margin:8px 0}"
    ".alert p{margin:3px 0;font-weight:600;color:#7a4500}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 14px}\n"
    "th,td{border:1px solid #999;padding:2px 5px;vertical-align:top}\n"
    "th{background:#eee;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.wide{font-size:9pt}table.wide th,table.wide td{padding:1px 3px}\n"
    "tr.short td{background:#fff4e5}tr.sum td{font-weight:600;background:#f4f4f4}\n"
    "tr.overdue td{background:#fff0d6}\n"
    ".sev-violation{color:#b00000;font-weight:600}.sev-warning{color:#b36b00}.sev-notice{color:#555}\n"
    ".forgery{border:2px solid #b00000;background:#fff0f0;padding:2px 10px;margin:8px 0}"
    ".forgery h3{color:#b00000}tr.forged td{background:#ffe3e3}\n"
    "table.att th,table.att td{text-align:center;padding:1px 2px;font-size:9pt;min-width:1.2em}\n"
    "table.att td.l{text-align:left;white-space:nowrap}\n"
    ".s-x{color:#c00000;font-weight:700}.s-d{color:#1f5fa8}.s-l{color:#7a4b00}.s-r{color:#888}\n"
    ".s-c{color:#1d6b32;font-weight:600}.s-pd{color:#3d4f9f;background:#e8ecf8}\n"
    ".legend{font-size:9pt;color:#444}.legend span{padding:0 2px}\n"
    "table.allow td:last-child{min-width:6em}\n"
    ".signoff{display:flex;justify-content:space-between;gap:24px;margin:16px 4px 8px}\n"
    "dl.sum{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dl.sum dt{color:#555}"
    "dl.sum dd{margin:0;font-weight:600}\n"
    "svg{display:block;max-width:100%;height:auto}\n"
    "svg text{font-size:11px;fill:#222}\n"
    ".empty{color:#777;font-style:italic}\n"
    "thead{display:table-header-group}\n"
    "tr{page-break-inside:avoid;break-inside:avoid}\n"
    "@page { size: A4; margin: 15mm }\n"
    "@page sheet { size: A4 landscape; margin: 15mm }\n"
    "@media print{body{max-width:none;padding:0;font-size:9.5pt}"
    "h2,h3{page-break-after:avoid;break-after:avoid}"
    "section.sheet{page:sheet;page-break-before:always;break-before:page}"
    ".signoff{page-break-inside:avoid;break-inside:avoid;page-break-before:avoid;break-before:avoid;"
    "margin-top:28px}"
    ".alert,.forgery,.s-pd{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "figure{page-break-inside:avoid;break-inside:avoid}}\n";

/* ---- sections ---- */

/* The summary's day counts and allowance: of o->month when set (the days
 * at villages in scope, the allowance statement's total), else of the
 * year rows up to as_of. */
static int summary_totals(hw *w, long long cnt[ZC_ST_COUNT], int64_t *fen)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	const zc_report_opts *o = w->o;
	for (int k = 0; k < ZC_ST_COUNT; k++)
		cnt[k] = 0;
	*fen = 0;
	if (!o->month) {
		for (size_t i = 0; i < r->nyears; i++) {
			const zc_r_year *y = &r->years[i];
			if (!zc_report_scope_cadre(in, o->scope, y->cadre))
				continue;
			cnt[ZC_ST_PRESENT] += y->present_days;
			cnt[ZC_ST_CORRECTED] += y->corrected_days;
			cnt[ZC_ST_DUTY] += y->duty_days;
			cnt[ZC_ST_ABSENT] += y->absent_days;
			cnt[ZC_ST_PENDING] += y->pending_days;
			*fen += y->allowance_fen;
		}
		return 0;
	}
	zc_day ms = zc_day_from_ymd(o->year, o->month, 1), me = ms + zc_report_days_in_month(o->year, o->month) - 1;
	for (size_t c = 0; c < in->ncadres; c++) {
		if (!zc_report_scope_cadre(in, o->scope, (int)c))
			continue;
		for (zc_day d = ms; d <= me && d <= r->as_of; d++) {
			int st = zc_rules_day_status(r, (int)c, d);
			if (st > ZC_ST_NONE && st < ZC_ST_COUNT &&
			    zc_report_scope_village(in, o->scope, zc_report_village_on(in, r, (int)c, d)))
				cnt[st]++;
		}
	}
	zc_report_allowance_row *rows;
	size_t n;
	if (zc_report_allowance_rows(in, r, o, &rows, &n))
		return ZC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		*fen += rows[i].amount_fen;
	free(rows);
	return 0;
}

static void dt_num(hw *w, const char *label, long long v)
{
	tag(w, "<dt>", label, "</dt>");
	rawf(w, "<dd>%lld</dd>\n", v);
}

static int section_summary(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	int en_ = w->en_;
	size_t ncad = 0, nvil = 0, nrec = 0, nforged = 0, sev[3] = {0, 0, 0};
	long long cnt[ZC_ST_COUNT];
	int64_t fen;
	if (summary_totals(w, cnt, &fen))
		return ZC_ENOMEM;
	for (size_t c = 0; c < in->ncadres; c++)
		ncad += (size_t)zc_report_scope_cadre(in, w->o->scope, (int)c);
	for (size_t v = 0; v < in->nvillages; v++)
		nvil += (size_t)zc_report_scope_village(in, w->o->scope, (int)v);
	for (size_t i = 0; i < r->nrecall; i++)
		nrec += (size_t)zc_report_scope_cadre(in, w->o->scope, r->recall[i].cadre);
	for (size_t i = 0; i < r->nfindings; i++) {
		const zc_r_finding *f = &r->findings[i];
		if (!zc_report_scope_finding(in, w->o->scope, f))
			continue;
		if (f->severity >= 0 && f->severity <= 2)
			sev[f->severity]++;
		nforged += (size_t)zc_report_is_forgery(f);
	}
	char title[128] = "", mt[64];
	snprintf(title, sizeof title, "%s", L("概况", "Summary"));
	if (w->o->month) {
		zc_report_month_title(w->o->year, w->o->month, en_, mt, sizeof mt);
		snprintf(title, sizeof title, en_ ? "Summary, %s" : "概况（%s）", mt);
	}
	section_open(w, "summary", title);
	if (w->o->month)
		tag(w, "<p class=\"meta\">",
		    L("天数与生活补助为该月数字；人数、应召回与问题截至统计截止日。",
		      "Days and allowance are the month's; cadres, recall and findings are as of the report's date."),
		    "</p>\n");
	raw(w, "<dl class=\"sum\">\n");
	dt_num(w, L("村数", "villages"), (long long)nvil);
	dt_num(w, L("驻村干部人数", "stationed cadres"), (long long)ncad);
	dt_num(w, L("在岗天数合计", "days present, total"), cnt[ZC_ST_PRESENT]);
	dt_num(w, L("补卡天数合计", "days corrected, total"), cnt[ZC_ST_CORRECTED]);
	dt_num(w, L("公务天数合计", "days on official duty, total"), cnt[ZC_ST_DUTY]);
	dt_num(w, L("缺勤天数合计", "days absent, total"), cnt[ZC_ST_ABSENT]);
	dt_num(w, L("未收取天数合计（不计缺勤）", "days pending collection, total (not absent)"), cnt[ZC_ST_PENDING]);
	dt_num(w, L("应召回人数", "cadres to recall"), (long long)nrec);
	tag(w, "<dt>", zc_report_finding_label("forged_badge", en_), "</dt>");
	rawf(w, "<dd%s>%zu</dd>\n", nforged ? " class=\"sev-violation\"" : "", nforged);
	rawf(w,
	     "<dt>%s</dt><dd><span class=\"sev-violation\">%zu</span> / <span class=\"sev-warning\">%zu</span> / "
	     "<span class=\"sev-notice\">%zu</span></dd>\n",
	     L("违规 / 预警 / 提示", "violations / warnings / notices"), sev[2], sev[1], sev[0]);
	char yuan[32];
	zc_report_yuan(fen, yuan);
	rawf(w, "<dt>%s</dt><dd>%s</dd>\n", L("生活补助合计（元）", "living allowance, total (yuan)"), yuan);
	raw(w, "</dl>\n</section>\n");
	return 0;
}

/* The warning lines of the overdue terminals, at the top of the page. */
static void overdue_alert(hw *w)
{
	size_t any = 0;
	for (size_t i = 0; i < w->nterms; i++) {
		char t[512];
		if (!w->terms[i].overdue)
			continue;
		if (!any++)
			raw(w, "<div class=\"alert\" id=\"overdue\">\n");
		zc_report_overdue_text(w->in, &w->terms[i], w->en_, t, sizeof t);
		tag(w, "<p>", t, "</p>\n");
	}
	if (any)
		raw(w, "</div>\n");
}

static void section_collection(hw *w)
{
	int en_ = w->en_;
	const zc_report_terminal_row *rows = w->terms;
	size_t n = w->nterms;
	section_open(w, "collection", L("终端收取情况", "Collection of terminal logs"));
	if (!n)
		tag(w, "<p class=\"empty\">", L("无终端", "no terminals"), "</p>\n");
	else {
		raw(w, "<table>\n");
		heads(w, ZC_TABLE_COLLECTION, 0, 0, 0);
		for (size_t i = 0; i < n; i++) {
			zc_report_row rw = row_of(w, &rows[i]);
			row(w, ZC_TABLE_COLLECTION, &rw, 0, 0, 0);
		}
		raw(w, "</tbody></table>\n");
		tag(w, "<p class=\"legend\">",
		    L("未收取天数：终端记录尚未收取到主机、因而既不计入也不算缺勤的天数（该终端最后收取之后的日期）。",
		      "Pending days: days whose terminal log has not reached the host yet (after the terminal's last "
		      "collection); they count neither as days on post nor as absence."),
		    "</p>\n");
	}
	raw(w, "</section>\n");
}

static void section_years(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	int en_ = w->en_;
	section_open(w, "years", L("年度驻村情况", "Days on post by year"));
	raw(w, "<table class=\"wide\">\n");
	heads(w, ZC_TABLE_YEARS, 0, 0, 0);
	for (size_t i = 0; i < r->nyears; i++) {
		if (!zc_report_scope_cadre(in, w->o->scope, r->years[i].cadre))
			continue;
		zc_report_row rw = row_of(w, &r->years[i]);
		rw.expected = w->expected[i];
		row(w, ZC_TABLE_YEARS, &rw, 0, 0, 0);
	}
	raw(w, "</tbody></table>\n");
	tag(w, "<p class=\"legend\">",
	    L("截至目前应有天数 = 应驻天数 × 截至统计截止日的驻村日数 ÷ 全年驻村日数（向上取整）；"
	      "计入天数低于此数的行（进度落后）加底色。",
	      "Expected by now = required days x the assigned dates up to the report's date / the assigned dates of "
	      "the year (rounded up); rows below it (behind pace) are shaded."),
	    "</p>\n</section>\n");
}

/* One bar of chart_days: counted days, a red tick at the required days and
 * a grey one at the days expected by now. */
static void chart_bar(hw *w, const zc_r_year *y, int expected, int yy, int max)
{
	const int lx = 170, pw = 560, rh = 22;
	int bw = (int)((long)pw * y->counted_days / max);
	int rx = lx + (int)((long)pw * y->required_days / max), ex = lx + (int)((long)pw * expected / max);
	rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lx - 6, yy + 15);
	esc(w, zc_report_cadre_name(w->in, y->cadre));
	rawf(w, " %d</text>", y->year);
	rawf(w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", lx, yy + 4, bw, rh - 8,
	     y->counted_days >= expected ? "#3a8d3a" : "#d9822b");
	if (expected < y->required_days)
		rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-width=\"2\"/>", ex,
		     yy + 3, ex, yy + rh - 3);
	rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a31515\" stroke-width=\"2\"/>", rx, yy + 1, rx,
	     yy + rh - 1);
	rawf(w, "<text x=\"%d\" y=\"%d\">%d / %d</text>\n", (rx > lx + bw ? rx : lx + bw) + 5, yy + 15, y->counted_days,
	     y->required_days);
}

/* Horizontal bars: counted days per cadre and year, a tick at each row's
 * required days and a dashed line at the policy's yearly minimum. */
static void chart_days(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	int en_ = w->en_;
	int rows = 0, max = in->policy.min_days_per_year > 0 ? in->policy.min_days_per_year : 200;
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		if (!zc_report_scope_cadre(in, w->o->scope, y->cadre))
			continue;
		rows++;
		if (y->counted_days > max)
			max = y->counted_days;
		if (y->required_days > max)
			max = y->required_days;
	}
	max = (max + 49) / 50 * 50;
	char title[128];
	if (en_)
		snprintf(title, sizeof title, "Days on post against the %d-day rule", in->policy.min_days_per_year);
	else
		snprintf(title, sizeof title, "驻村天数与%d天要求", in->policy.min_days_per_year);
	section_open(w, "chart-days", title);
	if (!rows) {
		tag(w, "<p class=\"empty\">", L("无数据", "no data"), "</p>\n</section>\n");
		return;
	}
	const int lx = 170, pw = 560, rh = 22, top = 24;
	int height = top + rows * rh + 30;
	rawf(w, "<figure><svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
	     lx + pw + 90, height, lx + pw + 90, height);
	esc(w, L("驻村天数与应驻天数", "days on post against the required days"));
	raw(w, "\">\n");
	/* grid and axis */
	for (int t = 0; t <= max; t += 50) {
		int x = lx + (int)((long)pw * t / max);
		rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", x, top - 4, x,
		     top + rows * rh);
		rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x, top + rows * rh + 14, t);
	}
	int k = 0;
	for (size_t i = 0; i < r->nyears; i++)
		if (zc_report_scope_cadre(in, w->o->scope, r->years[i].cadre))
			chart_bar(w, &r->years[i], w->expected[i], top + rh * k++, max);
	int dx = lx + (int)((long)pw * in->policy.min_days_per_year / max);
	rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a31515\" stroke-dasharray=\"5,3\"/>", dx,
	     top - 8, dx, top + rows * rh);
	rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#a31515\">", dx, top - 10);
	if (en_)
		rawf(w, "%d days", in->policy.min_days_per_year);
	else
		rawf(w, "%d天", in->policy.min_days_per_year);
	raw(w, "</text>\n</svg>\n<figcaption class=\"legend\">");
	esc(w, L("柱长为计入天数（在岗＋补卡＋公务），红色竖线为应驻天数（未驻满全年的按比例折算），灰色竖线为截至目前"
		 "应有天数，"
		 "虚线为年度最低天数。橙色表示进度落后（计入天数低于截至目前应有天数）。",
		 "Bar: counted days (present + corrected + official duty); red tick: required days (prorated for part "
		 "of a year); grey tick: days expected by now; dashed line: the yearly minimum. Orange: behind pace "
		 "(below the days expected by now)."));
	raw(w, "</figcaption></figure>\n</section>\n");
}

static int section_breakdown(hw *w)
{
	int en_ = w->en_;
	zc_report_group_row *rows;
	size_t n;
	if (zc_report_breakdown(w->in, w->r, w->o, &rows, &n))
		return ZC_ENOMEM;
	section_open(w, "breakdown", L("分组统计", "Breakdown"));
	if (!n)
		tag(w, "<p class=\"empty\">", L("无", "none"), "</p>\n");
	for (size_t i = 0; i < n; i++) {
		if (!i || rows[i].kind != rows[i - 1].kind) {
			char t[64];
			snprintf(t, sizeof t, "%s%s", L("按", "By "), zc_report_group_label(rows[i].kind, en_));
			tag(w, "<h3>", t, "</h3>\n<table>\n");
			heads(w, ZC_TABLE_BREAKDOWN, 0, 0, 0);
		}
		zc_report_row rw = row_of(w, &rows[i]);
		row(w, ZC_TABLE_BREAKDOWN, &rw, 0, 0, 0);
		if (i + 1 == n || rows[i + 1].kind != rows[i].kind)
			raw(w, "</tbody></table>\n");
	}
	if (n)
		tag(w, "<p class=\"legend\">",
		    L("干部按当前驻村归入区和乡镇（街道）；进度落后：最近年度计入天数低于截至目前应有天数；"
		      "按落后比例、应召回人数排序。补助金额为生活补助发放表中的金额。",
		      "Cadres count in the district and township of their current village; behind pace: the latest "
		      "year's counted days below the days expected by now; ranked by the share behind pace, then the "
		      "cadres to recall. Allowance: the amounts of the allowance statement."),
		    "</p>\n");
	raw(w, "</section>\n");
	free(rows);
	return 0;
}

/* Vertical bars: ABSENT days per month over the cadres in scope. */
static int chart_absence(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	int en_ = w->en_;
	int lo, hi;
	section_open(w, "chart-absence", L("每月缺勤天数", "Absence per month"));
	if (month_range(w, &lo, &hi)) {
		tag(w, "<p class=\"empty\">", L("无数据", "no data"), "</p>\n</section>\n");
		return 0;
	}
	int nm_ = hi - lo + 1;
	int *cnt = calloc((size_t)nm_, sizeof *cnt);
	if (!cnt)
		return ZC_ENOMEM;
	int max = 0;
	for (int k = 0; k < nm_; k++) {
		int y = (lo + k) / 12, m = (lo + k) % 12 + 1;
		zc_day ms = zc_day_from_ymd(y, m, 1), me = ms + zc_report_days_in_month(y, m) - 1;
		for (size_t c = 0; c < in->ncadres; c++) {
			if (!zc_report_scope_cadre(in, w->o->scope, (int)c))
				continue;
			for (zc_day d = ms; d <= me && d <= r->as_of; d++)
				if (zc_rules_day_status(r, (int)c, d) == ZC_ST_ABSENT &&
				    zc_report_scope_village(in, w->o->scope, zc_report_village_on(in, w->r, (int)c, d)))
					cnt[k]++;
		}
		if (cnt[k] > max)
			max = cnt[k];
	}
	int scale = max < 10 ? 10 : (max + 9) / 10 * 10;
	const int lx = 40, ph = 180, top = 16;
	int bw = nm_ > 24 ? 18 : 36, gap = bw / 2;
	int width = lx + nm_ * (bw + gap) + 20, height = top + ph + 40;
	rawf(w, "<figure><svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", width,
	     height, width, height);
	esc(w, L("每月缺勤天数", "absent days per month"));
	raw(w, "\">\n");
	for (int t = 0; t <= scale; t += scale / 5) {
		int yy = top + ph - ph * t / scale;
		rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", lx, yy, width - 10, yy);
		rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", lx - 4, yy + 4, t);
	}
	for (int k = 0; k < nm_; k++) {
		int y = (lo + k) / 12, m = (lo + k) % 12 + 1;
		int x = lx + gap / 2 + k * (bw + gap), h = ph * cnt[k] / scale;
		rawf(w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#c0392b\"/>", x, top + ph - h, bw,
		     h);
		rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>", x + bw / 2, top + ph - h - 3,
		     cnt[k]);
		rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%04d-%02d</text>\n", x + bw / 2, top + ph + 14,
		     y, m);
	}
	raw(w, "</svg>\n<figcaption class=\"legend\">");
	esc(w, L("各月无故缺勤（工作日未在岗、未公务、未准假）天数之和，不含休息日。",
		 "Sum of unexcused absent working days per month (not present, not on duty, no valid leave); rest "
		 "days excluded."));
	raw(w, "</figcaption></figure>\n</section>\n");
	free(cnt);
	return 0;
}

static void section_recall(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_rules_result *r = w->r;
	int en_ = w->en_, any = 0;
	section_open(w, "recall", L("应召回人员名单", "Cadres to recall and replace"));
	for (size_t i = 0; i < r->nrecall; i++) {
		const zc_r_recall *rc = &r->recall[i];
		if (!zc_report_scope_cadre(in, w->o->scope, rc->cadre))
			continue;
		if (!any++) {
			raw(w, "<table>\n");
			heads(w, ZC_TABLE_RECALL, 0, 0, 0);
		}
		zc_report_row rw = row_of(w, rc);
		row(w, ZC_TABLE_RECALL, &rw, 0, 0, 0);
	}
	if (any)
		raw(w, "</tbody></table>\n");
	else
		tag(w, "<p class=\"empty\">", L("无", "none"), "</p>\n");
	raw(w, "</section>\n");
}

static int section_allowance(hw *w)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_;
	zc_report_allowance_row *rows;
	size_t n;
	int rc = zc_report_allowance_rows(in, w->r, w->o, &rows, &n);
	if (rc)
		return rc;
	section_open(w, "allowance", L("生活补助发放表", "Living allowance statement"));
	raw(w, "<table class=\"allow\">\n");
	heads(w, ZC_TABLE_ALLOWANCE, 0, 0, 0);
	zc_report_sums total = {{0}}, sub = {{0}};
	for (size_t i = 0; i < n; i++) {
		const zc_report_allowance_row *a = &rows[i];
		zc_report_row rw = row_of(w, a);
		row(w, ZC_TABLE_ALLOWANCE, &rw, 0, 0, 0);
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
	raw(w, "</tbody></table>\n");
	signoff(w);
	raw(w, "</section>\n");
	free(rows);
	return 0;
}

static void sheet_legend(hw *w)
{
	const zc_report_mark *m;
	size_t n = zc_report_legend(&m);
	char b[11];
	zc_day_format(w->r->as_of, b);
	raw(w, "<p class=\"legend\">");
	esc(w, w->en_ ? "Legend: " : "图例：");
	for (size_t i = 0; i < n; i++) {
		const char *cl = zc_report_status_class(m[i].status);
		rawf(w, "%s<span%s%s%s>", i ? (w->en_ ? ", " : "　") : "", cl ? " class=\"" : "", cl ? cl : "",
		     cl ? "\"" : "");
		esc(w, m[i].sym[w->en_]);
		raw(w, "</span> ");
		esc(w, m[i].label[w->en_]);
	}
	esc(w, w->en_ ? "; blank: outside the assignment or after " : "　空白 不在驻村期内或晚于统计截止日 ");
	esc(w, b);
	raw(w, "</p>\n");
}

static void sheet(hw *w, int v, int y, int m, const int *cad, size_t ncad)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_;
	char mt[64];
	int nd = zc_report_days_in_month(y, m);
	zc_day ms = zc_day_from_ymd(y, m, 1);
	zc_report_month_title(y, m, en_, mt, sizeof mt);
	raw(w, "<section class=\"sheet\">\n<h3>");
	esc(w, zc_report_township_name(in, in->villages[v].township));
	raw(w, " ");
	esc(w, zc_report_village_name(in, v));
	raw(w, " ");
	esc(w, mt);
	raw(w, " ");
	esc(w, L("驻村干部考勤表", "attendance sheet of stationed cadres"));
	raw(w, "</h3>\n<table class=\"att\">\n");
	heads(w, ZC_TABLE_ATTENDANCE, 0, ms, nd);
	for (size_t k = 0; k < ncad; k++) {
		zc_report_sheet_row s = {.cadre = cad[k], .village = v, .index = k, .month_start = ms, .days = nd};
		zc_report_count_days(in, w->r, cad[k], v, ms, ms + nd - 1, s.counts);
		zc_report_row rw = row_of(w, &s);
		row(w, ZC_TABLE_ATTENDANCE, &rw, 0, ms, nd);
	}
	raw(w, "</tbody></table>\n");
	sheet_legend(w);
	signoff(w);
	raw(w, "</section>\n");
}

static int section_sheets(hw *w)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_, any = 0;
	int *cad = malloc((in->ncadres ? in->ncadres : 1) * sizeof *cad);
	if (!cad)
		return ZC_ENOMEM;
	section_open(w, "attendance", L("月度考勤表", "Monthly attendance sheets"));
	for (size_t v = 0; v < in->nvillages; v++) {
		zc_day first, last;
		if (!zc_report_scope_village(in, w->o->scope, (int)v) ||
		    zc_report_village_span(in, w->r, (int)v, &first, &last))
			continue;
		int y, m, d, y1, m1;
		zc_day_to_ymd(first, &y, &m, &d);
		zc_day_to_ymd(last, &y1, &m1, &d);
		for (; y < y1 || (y == y1 && m <= m1); m == 12 ? (y++, m = 1) : m++) {
			if (w->o->month && (y != w->o->year || m != w->o->month))
				continue;
			zc_day ms = zc_day_from_ymd(y, m, 1), me = ms + zc_report_days_in_month(y, m) - 1;
			size_t n = zc_report_sheet_cadres(in, (int)v, ms, me, cad);
			if (!n)
				continue;
			any = 1;
			sheet(w, (int)v, y, m, cad, n);
		}
	}
	if (!any)
		tag(w, "<p class=\"empty\">", L("无", "none"), "</p>\n");
	raw(w, "</section>\n");
	free(cad);
	return 0;
}

/* The subject of a finding: 马力（C011）, 新地村（V01）, 终端 K01（千里山镇）
 * (the findings table's ZC_COL_SUBJECT column). */
static void subject_text(hw *w, const zc_r_finding *f)
{
	const zc_report_table_desc *t = zc_report_table_get(ZC_TABLE_FINDINGS);
	zc_report_row rw = row_of(w, f);
	zc_report_value v;
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].flags & ZC_COL_SUBJECT) {
			zc_report_get(&t->cols[i], &rw, 0, &v);
			esc(w, v.s);
		}
}

/* A table of findings; with_subject: a first column naming the subject. */
static void findings_table(hw *w, const zc_r_finding *const *fs, size_t n, int with_subject)
{
	unsigned skip = with_subject ? 0 : ZC_COL_SUBJECT;
	raw(w, "<table>\n");
	heads(w, ZC_TABLE_FINDINGS, skip, 0, 0);
	for (size_t i = 0; i < n; i++) {
		zc_report_row rw = row_of(w, fs[i]);
		row(w, ZC_TABLE_FINDINGS, &rw, skip, 0, 0);
	}
	raw(w, "</tbody></table>\n");
}

/* forged_badge first, in a box of its own: a violation to look into. */
static void forgery_box(hw *w, const zc_r_finding **fs, size_t n)
{
	int en_ = w->en_;
	size_t k = 0;
	const zc_r_finding **v = malloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		if (zc_report_is_forgery(fs[i]))
			v[k++] = fs[i];
	if (k) {
		raw(w, "<div class=\"forgery\" id=\"forgery\">\n");
		tag(w, "<h3>", zc_report_finding_label("forged_badge", en_), "</h3>\n");
		tag(w, "<p>",
		    L("有人使用复制了该干部工牌证书的卡片刷卡（签名不符），按违规处理，须核查。",
		      "Someone tapped with a card copying this cadre's badge certificate (the signature does not "
		      "match): a violation to look into."),
		    "</p>\n");
		findings_table(w, v, k, 1);
		raw(w, "</div>\n");
	}
	free(v);
}

static int section_findings(hw *w)
{
	int en_ = w->en_;
	const zc_r_finding **fs;
	size_t n;
	if (zc_report_findings_grouped(w->in, w->r, w->o->scope, &fs, &n))
		return ZC_ENOMEM;
	section_open(w, "findings", L("问题清单", "Findings"));
	if (!n)
		tag(w, "<p class=\"empty\">", L("无", "none"), "</p>\n");
	forgery_box(w, fs, n);
	int kind = -1;
	for (size_t i = 0; i < n;) {
		const zc_r_finding *f = fs[i];
		size_t j = i + 1;
		while (j < n && fs[j]->subject_kind == f->subject_kind && fs[j]->subject == f->subject)
			j++;
		if (f->subject_kind != kind) {
			kind = f->subject_kind;
			const char *t = kind == ZC_SUBJ_TERMINAL ? L("终端与数据完整性", "Terminals and data integrity")
					: kind == ZC_SUBJ_VILLAGE ? L("村工作队", "Village work teams")
								  : L("驻村干部", "Cadres");
			tag(w, "<h3>", t, "</h3>\n");
		}
		raw(w, "<h4>");
		subject_text(w, f);
		raw(w, "</h4>\n");
		findings_table(w, fs + i, j - i, 0);
		i = j;
	}
	raw(w, "</section>\n");
	free(fs);
	return 0;
}

static void scope_text(hw *w, char *buf, size_t len)
{
	const zc_rules_input *in = w->in;
	const zc_report_scope *sc = w->o->scope;
	int en_ = w->en_;
	if (!sc || sc->kind == ZC_SCOPE_ALL)
		zc_utf8_snprintf(buf, len, "%s", L("全部", "all"));
	else if (sc->kind == ZC_SCOPE_DISTRICT)
		zc_utf8_snprintf(buf, len, "%s",
				 zc_report_name_or_id(in->districts[sc->index].name, in->districts[sc->index].id));
	else if (sc->kind == ZC_SCOPE_TOWNSHIP)
		zc_utf8_snprintf(buf, len, "%s", zc_report_township_name(in, sc->index));
	else
		zc_utf8_snprintf(buf, len, "%s %s", zc_report_township_name(in, in->villages[sc->index].township),
				 zc_report_village_name(in, sc->index));
}

static void page_head(hw *w)
{
	int en_ = w->en_;
	char asof[11], sc[512];
	zc_day_format(w->r->as_of, asof);
	scope_text(w, sc, sizeof sc);
	rawf(w, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", en_ ? "en" : "zh-CN");
	raw(w, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(w, L("驻村干部考勤与履职报告", "Attendance and compliance report of stationed cadres"));
	raw(w, " ");
	esc(w, sc);
	raw(w, " ");
	esc(w, asof);
	raw(w, "</title>\n<style>\n");
	raw(w, style);
	raw(w, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(w, L("驻村干部考勤与履职报告", "Attendance and compliance report of stationed cadres"));
	raw(w, "</h1>\n<p class=\"meta\">");
	esc(w, L("范围：", "Scope: "));
	esc(w, sc);
	raw(w, "　");
	esc(w, L("统计截止日期：", "As of: "));
	esc(w, asof);
	if (w->o->month)
		rawf(w, "　%s%04d-%02d", L("考勤、补助与概况月份：", "Month of the sheets, allowance and summary: "),
		     w->o->year, w->o->month);
	raw(w, "</p>\n");
}

int zc_report_html(FILE *f, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o)
{
	zc_report_opts none = {0};
	if (!f || !in || !r)
		return ZC_EARG;
	if (!o)
		o = &none;
	hw w = {.f = f, .in = in, .r = r, .o = o, .en_ = o->lang == 1};
	int rc = ZC_ENOMEM;
	w.expected = malloc((r->nyears + 1) * sizeof *w.expected);
	if (!w.expected || zc_report_pace(in, r, w.expected) ||
	    zc_report_terminal_rows(in, r, o->scope, &w.terms, &w.nterms)) {
		free(w.expected);
		return rc;
	}
	page_head(&w);
	overdue_alert(&w);
	raw(&w, "</header>\n");
	if (!(rc = section_summary(&w))) {
		section_collection(&w);
		section_years(&w);
		chart_days(&w);
		rc = section_breakdown(&w);
	}
	if (!rc && !(rc = chart_absence(&w))) {
		section_recall(&w);
		if (!(rc = section_allowance(&w)) && !(rc = section_sheets(&w)))
			rc = section_findings(&w);
	}
	free(w.expected);
	free(w.terms);
	if (rc)
		return rc;
	raw(&w, "</body>\n</html>\n");
	if (fflush(f) || ferror(f))
		return ZC_EIO;
	return 0;
}
