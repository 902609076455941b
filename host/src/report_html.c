/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_html.c: the compliance report as one self-contained HTML page
 * (zc/report.h) for the district office to read on screen and print on A4:
 * a summary, the year table, two inline SVG charts (days on post against
 * the required days; absence per month), the recall list, the allowance
 * statement, the monthly attendance sheet of every village, and the
 * findings per terminal, village and cadre. Inline CSS, no script, no
 * external resource; every text is escaped. host/doc/REPORTS.md describes
 * the sections.
 */
#include "zc/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"

#define L(zh, en) (en_ ? (en) : (zh))

typedef struct hw {
	FILE *f;
	const zc_rules_input *in;
	const zc_report *r;
	const zc_report_opts *o;
	int en_;
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
	int64_t a = fen < 0 ? -fen : fen;
	rawf(w, "<td class=\"n\">%s%" PRId64 ".%02" PRId64 "</td>", fen < 0 ? "-" : "", a / 100, a % 100);
}

static void tdd(hw *w, zc_day d)
{
	char b[11] = "";
	if (d >= 0)
		zc_day_format(d, b);
	td(w, b);
}

static void thead(hw *w, const char *const *h, size_t n)
{
	raw(w, "<thead><tr>");
	for (size_t i = 0; i < n; i++)
		tag(w, "<th>", h[i], "</th>");
	raw(w, "</tr></thead>\n<tbody>\n");
}


static int mdays(int y, int m)
{
	zc_day a = zc_day_from_ymd(y, m, 1);
	zc_day b = m == 12 ? zc_day_from_ymd(y + 1, 1, 1) : zc_day_from_ymd(y, m + 1, 1);
	return (int)(b - a);
}

static void month_title(int y, int m, int en_, char *buf, size_t len)
{
	static const char *mon[] = {"January", "February", "March",	"April",   "May",      "June",
				    "July",    "August",   "September", "October", "November", "December"};
	if (en_)
		snprintf(buf, len, "%s %d", mon[(m - 1) % 12], y);
	else
		snprintf(buf, len, "%d年%d月", y, m);
}

/* The villages of cadre c's assignments in scope overlapping from..to. */
static void cadre_villages(hw *w, int c, zc_day from, zc_day to, char *buf, size_t len)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_;
	size_t used = 0;
	int seen[64], nseen = 0;
	buf[0] = 0;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (a->cadre != c || a->end < from || a->start > to ||
		    !zc_report_scope_village(in, w->o->scope, a->village))
			continue;
		int dup = 0;
		for (int k = 0; k < nseen; k++)
			dup |= seen[k] == a->village;
		if (dup)
			continue;
		if (nseen < 64)
			seen[nseen++] = a->village;
		int n =
		    snprintf(buf + used, len - used, "%s%s", used ? L("、", "; ") : "", zc_report_village_name(in, a->village));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
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
    "table{border-collapse:collapse;width:100%;margin:6px 0 14px}\n"
    "th,td{border:1px solid #999;padding:2px 5px;vertical-align:top}\n"
    "th{background:#eee;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.short td{background:#fff4e5}tr.sum td{font-weight:600;background:#f4f4f4}\n"
    ".sev-violation{color:#b00000;font-weight:600}.sev-warning{color:#b36b00}.sev-notice{color:#555}\n"
    "table.att th,table.att td{text-align:center;padding:1px 2px;font-size:9pt;min-width:1.2em}\n"
    "table.att td.l{text-align:left;white-space:nowrap}\n"
    "td.s-x{color:#c00000;font-weight:700}td.s-d{color:#1f5fa8}td.s-l{color:#7a4b00}td.s-r{color:#888}\n"
    ".legend{font-size:9pt;color:#444}\n"
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
    "figure{page-break-inside:avoid;break-inside:avoid}}\n";

/* ---- sections ---- */

static void section_summary(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_report *r = w->r;
	int en_ = w->en_;
	size_t ncad = 0, nvil = 0, nrec = 0, sev[3] = {0, 0, 0};
	long long present = 0, duty = 0, absent = 0;
	int64_t fen = 0;
	for (size_t c = 0; c < in->ncadres; c++)
		ncad += (size_t)zc_report_scope_cadre(in, w->o->scope, (int)c);
	for (size_t v = 0; v < in->nvillages; v++)
		nvil += (size_t)zc_report_scope_village(in, w->o->scope, (int)v);
	for (size_t i = 0; i < r->nrecall; i++)
		nrec += (size_t)zc_report_scope_cadre(in, w->o->scope, r->recall[i].cadre);
	for (size_t i = 0; i < r->nfindings; i++)
		if (zc_report_scope_finding(in, w->o->scope, &r->findings[i]) && r->findings[i].severity >= 0 &&
		    r->findings[i].severity <= 2)
			sev[r->findings[i].severity]++;
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		if (!zc_report_scope_cadre(in, w->o->scope, y->cadre))
			continue;
		present += y->present_days;
		duty += y->duty_days;
		absent += y->absent_days;
		fen += y->allowance_fen;
	}
	raw(w, "<section id=\"summary\">\n");
	tag(w, "<h2>", L("一、概况", "1. Summary"), "</h2>\n");
	raw(w, "<dl class=\"sum\">\n");
	rawf(w, "<dt>%s</dt><dd>%zu</dd>\n", L("村数", "villages"), nvil);
	rawf(w, "<dt>%s</dt><dd>%zu</dd>\n", L("驻村干部人数", "stationed cadres"), ncad);
	rawf(w, "<dt>%s</dt><dd>%lld</dd>\n", L("在岗天数合计", "days present, total"), present);
	rawf(w, "<dt>%s</dt><dd>%lld</dd>\n", L("公务天数合计", "days on official duty, total"), duty);
	rawf(w, "<dt>%s</dt><dd>%lld</dd>\n", L("缺勤天数合计", "days absent, total"), absent);
	rawf(w, "<dt>%s</dt><dd>%zu</dd>\n", L("应召回人数", "cadres to recall"), nrec);
	rawf(w,
	     "<dt>%s</dt><dd><span class=\"sev-violation\">%zu</span> / <span class=\"sev-warning\">%zu</span> / "
	     "<span class=\"sev-notice\">%zu</span></dd>\n",
	     L("违规 / 预警 / 提示", "violations / warnings / notices"), sev[2], sev[1], sev[0]);
	int64_t a = fen < 0 ? -fen : fen;
	rawf(w, "<dt>%s</dt><dd>%s%" PRId64 ".%02" PRId64 "</dd>\n",
	     L("生活补助合计（元）", "living allowance, total (yuan)"), fen < 0 ? "-" : "", a / 100, a % 100);
	raw(w, "</dl>\n</section>\n");
}

static void section_years(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_report *r = w->r;
	int en_ = w->en_;
	const char *h[] = {L("干部编号", "cadre id"),
			   L("姓名", "name"),
			   L("职务", "role"),
			   L("派出单位", "unit"),
			   L("驻村", "village"),
			   L("年度", "year"),
			   L("在岗", "present"),
			   L("公务", "duty"),
			   L("请假", "leave"),
			   L("休息", "rest"),
			   L("缺勤", "absent"),
			   L("计入天数", "counted"),
			   L("应驻天数", "required"),
			   L("尚差", "short"),
			   L("补助天数", "allowance days"),
			   L("补助金额（元）", "allowance (yuan)")};
	raw(w, "<section id=\"years\">\n");
	tag(w, "<h2>", L("二、年度驻村情况", "2. Days on post by year"), "</h2>\n");
	raw(w, "<table>\n");
	thead(w, h, sizeof h / sizeof h[0]);
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		if (!zc_report_scope_cadre(in, w->o->scope, y->cadre))
			continue;
		const zc_r_cadre *c = &in->cadres[y->cadre];
		char vil[512];
		cadre_villages(w, y->cadre, zc_day_from_ymd(y->year, 1, 1), zc_day_from_ymd(y->year, 12, 31), vil,
			       sizeof vil);
		raw(w, y->counted_days < y->required_days ? "<tr class=\"short\">" : "<tr>");
		td(w, c->id);
		td(w, zc_report_cadre_name(in, y->cadre));
		td(w, zc_report_role_label(c->role, en_));
		td(w, c->unit);
		td(w, vil);
		tdn(w, y->year);
		tdn(w, y->present_days);
		tdn(w, y->duty_days);
		tdn(w, y->leave_days);
		tdn(w, y->rest_days);
		tdn(w, y->absent_days);
		tdn(w, y->counted_days);
		tdn(w, y->required_days);
		tdn(w, y->counted_days < y->required_days ? y->required_days - y->counted_days : 0);
		tdn(w, y->allowance_days);
		tdm(w, y->allowance_fen);
		raw(w, "</tr>\n");
	}
	raw(w, "</tbody></table>\n</section>\n");
}

/* Horizontal bars: counted days per cadre and year, a tick at each row's
 * required days and a dashed line at the policy's yearly minimum. */
static void chart_days(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_report *r = w->r;
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
		snprintf(title, sizeof title, "3. Days on post against the %d-day rule", in->policy.min_days_per_year);
	else
		snprintf(title, sizeof title, "三、驻村天数与%d天要求", in->policy.min_days_per_year);
	raw(w, "<section id=\"chart-days\">\n");
	tag(w, "<h2>", title, "</h2>\n");
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
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		if (!zc_report_scope_cadre(in, w->o->scope, y->cadre))
			continue;
		int yy = top + k * rh;
		int bw = (int)((long)pw * y->counted_days / max);
		int rx = lx + (int)((long)pw * y->required_days / max);
		rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lx - 6, yy + 15);
		esc(w, zc_report_cadre_name(in, y->cadre));
		rawf(w, " %d</text>", y->year);
		rawf(w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", lx, yy + 4, bw, rh - 8,
		     y->counted_days >= y->required_days ? "#3a8d3a" : "#d9822b");
		rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a31515\" stroke-width=\"2\"/>", rx,
		     yy + 1, rx, yy + rh - 1);
		rawf(w, "<text x=\"%d\" y=\"%d\">%d / %d</text>\n", (rx > lx + bw ? rx : lx + bw) + 5, yy + 15,
		     y->counted_days, y->required_days);
		k++;
	}
	int dx = lx + (int)((long)pw * in->policy.min_days_per_year / max);
	rawf(w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a31515\" stroke-dasharray=\"5,3\"/>", dx,
	     top - 8, dx, top + rows * rh);
	rawf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#a31515\">", dx, top - 10);
	if (en_)
		rawf(w, "%d days", in->policy.min_days_per_year);
	else
		rawf(w, "%d天", in->policy.min_days_per_year);
	raw(w, "</text>\n</svg>\n<figcaption class=\"legend\">");
	esc(w, L("柱长为计入天数（在岗＋公务），红色竖线为应驻天数（未驻满全年的按比例折算），虚线为年度最低天数。"
		 "橙色表示尚未达到应驻天数。",
		 "Bar: counted days (present + official duty); red tick: required days (prorated for part of a "
		 "year); dashed line: the yearly minimum. Orange: below the required days."));
	raw(w, "</figcaption></figure>\n</section>\n");
}

/* Vertical bars: ABSENT days per month over the cadres in scope. */
static int chart_absence(hw *w)
{
	const zc_rules_input *in = w->in;
	const zc_report *r = w->r;
	int en_ = w->en_;
	int lo, hi;
	raw(w, "<section id=\"chart-absence\">\n");
	tag(w, "<h2>", L("四、每月缺勤天数", "4. Absence per month"), "</h2>\n");
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
		zc_day ms = zc_day_from_ymd(y, m, 1), me = ms + mdays(y, m) - 1;
		for (size_t c = 0; c < in->ncadres; c++) {
			if (!zc_report_scope_cadre(in, w->o->scope, (int)c))
				continue;
			for (zc_day d = ms; d <= me && d <= r->as_of; d++)
				if (zc_report_status(r, (int)c, d) == ZC_ST_ABSENT &&
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
	const zc_report *r = w->r;
	const zc_policy *p = &in->policy;
	int en_ = w->en_, any = 0;
	const char *h[] = {L("干部编号", "cadre id"), L("姓名", "name"),
			   L("驻村", "village"),      L("派出单位", "dispatching unit"),
			   L("召回原因", "reasons"),  L("首次违规日期", "first violation")};
	raw(w, "<section id=\"recall\">\n");
	tag(w, "<h2>", L("五、应召回人员名单", "5. Cadres to recall and replace"), "</h2>\n");
	for (size_t i = 0; i < r->nrecall; i++) {
		const zc_r_recall *rc = &r->recall[i];
		if (!zc_report_scope_cadre(in, w->o->scope, rc->cadre))
			continue;
		if (!any++) {
			raw(w, "<table>\n");
			thead(w, h, sizeof h / sizeof h[0]);
		}
		char vil[512], why[256], a[120], b[120];
		cadre_villages(w, rc->cadre, INT32_MIN, INT32_MAX, vil, sizeof vil);
		if (en_) {
			snprintf(a, sizeof a, "absent more than %d consecutive days", p->max_consecutive_absence_days);
			snprintf(b, sizeof b, "more than %d absent days in a year", p->max_absent_days_per_year);
		} else {
			snprintf(a, sizeof a, "连续缺勤超过%d天", p->max_consecutive_absence_days);
			snprintf(b, sizeof b, "全年累计缺勤超过%d天", p->max_absent_days_per_year);
		}
		snprintf(why, sizeof why, "%s%s%s", rc->consecutive ? a : "",
			 rc->consecutive && rc->cumulative ? L("；", "; ") : "", rc->cumulative ? b : "");
		raw(w, "<tr>");
		td(w, in->cadres[rc->cadre].id);
		td(w, zc_report_cadre_name(in, rc->cadre));
		td(w, vil);
		td(w, in->cadres[rc->cadre].unit);
		td(w, why);
		tdd(w, zc_report_recall_date(r, rc->cadre));
		raw(w, "</tr>\n");
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
	const char *h[] = {L("驻村", "village"),
			   L("月份", "month"),
			   L("干部编号", "cadre id"),
			   L("姓名", "name"),
			   L("补助天数", "days"),
			   L("标准（元/天）", "rate (yuan/day)"),
			   L("金额（元）", "amount (yuan)")};
	raw(w, "<section id=\"allowance\">\n");
	tag(w, "<h2>", L("六、生活补助发放表", "6. Living allowance statement"), "</h2>\n<table>\n");
	thead(w, h, sizeof h / sizeof h[0]);
	int64_t total = 0, sub = 0;
	int tdays = 0, sdays = 0;
	char mon[16];
	for (size_t i = 0; i < n; i++) {
		const zc_report_allowance_row *a = &rows[i];
		snprintf(mon, sizeof mon, "%04d-%02d", a->year, a->month);
		raw(w, "<tr>");
		td(w, zc_report_village_name(in, a->village));
		td(w, mon);
		td(w, in->cadres[a->cadre].id);
		td(w, zc_report_cadre_name(in, a->cadre));
		tdn(w, a->days);
		tdm(w, a->rate_fen);
		tdm(w, a->amount_fen);
		raw(w, "</tr>\n");
		sub += a->amount_fen;
		sdays += a->days;
		if (i + 1 == n || rows[i + 1].village != a->village) {
			raw(w, "<tr class=\"sum\"><td colspan=\"4\">");
			esc(w, zc_report_village_name(in, a->village));
			raw(w, " ");
			esc(w, L("小计", "subtotal"));
			raw(w, "</td>");
			tdn(w, sdays);
			td(w, "");
			tdm(w, sub);
			raw(w, "</tr>\n");
			total += sub;
			tdays += sdays;
			sub = 0;
			sdays = 0;
		}
	}
	raw(w, "<tr class=\"sum\"><td colspan=\"4\">");
	esc(w, L("合计", "total"));
	raw(w, "</td>");
	tdn(w, tdays);
	td(w, "");
	tdm(w, total);
	raw(w, "</tr>\n</tbody></table>\n</section>\n");
	free(rows);
	return 0;
}

static const char *sym_class(const char *s)
{
	if (!strcmp(s, "×") || !strcmp(s, "X"))
		return " class=\"s-x\"";
	if (!strcmp(s, "假") || !strcmp(s, "L"))
		return " class=\"s-l\"";
	if (!strcmp(s, "休") || !strcmp(s, "R"))
		return " class=\"s-r\"";
	if (!strcmp(s, "差") || !strcmp(s, "会") || !strcmp(s, "训") || !strcmp(s, "公") || !strcmp(s, "T") ||
	    !strcmp(s, "M") || !strcmp(s, "TR") || !strcmp(s, "D"))
		return " class=\"s-d\"";
	return "";
}

static void sheet(hw *w, int v, int y, int m, const int *cad, size_t ncad)
{
	const zc_rules_input *in = w->in;
	const zc_report *r = w->r;
	int en_ = w->en_;
	char mt[64], b[11];
	int nd = mdays(y, m);
	zc_day ms = zc_day_from_ymd(y, m, 1);
	month_title(y, m, en_, mt, sizeof mt);
	raw(w, "<section class=\"sheet\">\n<h3>");
	esc(w, zc_report_township_name(in, in->villages[v].township));
	raw(w, " ");
	esc(w, zc_report_village_name(in, v));
	raw(w, " ");
	esc(w, mt);
	raw(w, " ");
	esc(w, L("驻村干部考勤表", "attendance sheet of stationed cadres"));
	raw(w, "</h3>\n<table class=\"att\">\n<thead><tr>");
	tag(w, "<th>", L("序号", "no."), "</th>");
	tag(w, "<th>", L("姓名", "name"), "</th>");
	tag(w, "<th>", L("职务", "role"), "</th>");
	for (int d = 1; d <= nd; d++) {
		int work = zc_rules_is_workday(in, ms + d - 1);
		rawf(w, "<th%s>%d</th>", work ? "" : " class=\"s-r\"", d);
	}
	tag(w, "<th>", L("在岗", "present"), "</th>");
	tag(w, "<th>", L("公务", "duty"), "</th>");
	tag(w, "<th>", L("请假", "leave"), "</th>");
	tag(w, "<th>", L("休息", "rest"), "</th>");
	tag(w, "<th>", L("缺勤", "absent"), "</th>");
	raw(w, "</tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < ncad; k++) {
		int c = cad[k];
		rawf(w, "<tr><td>%zu</td>", k + 1);
		raw(w, "<td class=\"l\">");
		esc(w, zc_report_cadre_name(in, c));
		raw(w, "</td><td class=\"l\">");
		esc(w, zc_report_role_label(in->cadres[c].role, en_));
		raw(w, "</td>");
		for (int d = 0; d < nd; d++) {
			zc_day day = ms + d;
			const char *s =
			    zc_report_village_on(in, r, c, day) == v ? zc_report_day_symbol(in, r, c, day, en_) : "";
			rawf(w, "<td%s>", sym_class(s));
			esc(w, s);
			raw(w, "</td>");
		}
		int cnt[ZC_ST_COUNT];
		zc_report_count_days(in, r, c, v, ms, ms + nd - 1, cnt);
		for (int st = ZC_ST_PRESENT; st <= ZC_ST_ABSENT; st++)
			tdn(w, cnt[st]);
		raw(w, "</tr>\n");
	}
	raw(w, "</tbody></table>\n<p class=\"legend\">");
	zc_day_format(r->as_of, b);
	esc(w, L("图例：√ 在岗　差 出差　会 会议　训 培训　公 公务　假 请假　休 休息　× 缺勤　空白 "
		 "不在驻村期内或晚于统计截止日 ",
		 "Legend: P present, T trip, M meeting, TR training, D official duty, L leave, R rest, X absent; "
		 "blank: outside the assignment or after "));
	esc(w, b);
	raw(w, "</p>\n</section>\n");
}

static int section_sheets(hw *w)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_, any = 0;
	int *cad = malloc((in->ncadres ? in->ncadres : 1) * sizeof *cad);
	if (!cad)
		return ZC_ENOMEM;
	raw(w, "<section id=\"attendance\">\n");
	tag(w, "<h2>", L("七、月度考勤表", "7. Monthly attendance sheets"), "</h2>\n");
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
			zc_day ms = zc_day_from_ymd(y, m, 1), me = ms + mdays(y, m) - 1;
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

static void findings_table(hw *w, const zc_r_finding *const *fs, size_t n)
{
	int en_ = w->en_;
	const char *h[] = {L("类型", "type"), L("级别", "severity"), L("日期", "date"), L("详情", "detail")};
	raw(w, "<table>\n");
	thead(w, h, sizeof h / sizeof h[0]);
	for (size_t i = 0; i < n; i++) {
		const zc_r_finding *f = fs[i];
		raw(w, "<tr>");
		td(w, zc_report_finding_label(f->type, en_));
		rawf(w, "<td class=\"sev-%s\">", zc_severity_name(f->severity));
		esc(w, zc_report_severity_label(f->severity, en_));
		raw(w, "</td>");
		tdd(w, f->date);
		td(w, zc_report_finding_detail(f, en_));
		raw(w, "</tr>\n");
	}
	raw(w, "</tbody></table>\n");
}

static int section_findings(hw *w)
{
	const zc_rules_input *in = w->in;
	int en_ = w->en_;
	const zc_r_finding **fs;
	size_t n;
	if (zc_report_findings_grouped(in, w->r, w->o->scope, &fs, &n))
		return ZC_ENOMEM;
	raw(w, "<section id=\"findings\">\n");
	tag(w, "<h2>", L("八、问题清单", "8. Findings"), "</h2>\n");
	if (!n)
		tag(w, "<p class=\"empty\">", L("无", "none"), "</p>\n");
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
		switch (f->subject_kind) {
		case ZC_SUBJ_CADRE:
			esc(w, zc_report_cadre_name(in, f->subject));
			raw(w, "（");
			esc(w, in->cadres[f->subject].id);
			raw(w, "）");
			break;
		case ZC_SUBJ_VILLAGE:
			esc(w, zc_report_village_name(in, f->subject));
			raw(w, "（");
			esc(w, in->villages[f->subject].id);
			raw(w, "）");
			break;
		default:
			esc(w, L("终端 ", "terminal "));
			esc(w, in->terminals[f->subject].id);
			raw(w, "（");
			esc(w, zc_report_township_name(in, in->terminals[f->subject].township));
			raw(w, "）");
			break;
		}
		raw(w, "</h4>\n");
		findings_table(w, fs + i, j - i);
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
		snprintf(buf, len, "%s", L("全部", "all"));
	else if (sc->kind == ZC_SCOPE_DISTRICT)
		snprintf(buf, len, "%s", zc_report_name_or_id(in->districts[sc->index].name, in->districts[sc->index].id));
	else if (sc->kind == ZC_SCOPE_TOWNSHIP)
		snprintf(buf, len, "%s", zc_report_township_name(in, sc->index));
	else
		snprintf(buf, len, "%s %s", zc_report_township_name(in, in->villages[sc->index].township),
			 zc_report_village_name(in, sc->index));
}

int zc_report_html(FILE *f, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o)
{
	zc_report_opts none = {0};
	if (!f || !in || !r)
		return ZC_EARG;
	if (!o)
		o = &none;
	hw w = {.f = f, .in = in, .r = r, .o = o, .en_ = o->lang == 1};
	int en_ = w.en_, rc;
	char asof[11], sc[512];
	zc_day_format(r->as_of, asof);
	scope_text(&w, sc, sizeof sc);
	rawf(&w, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", en_ ? "en" : "zh-CN");
	raw(&w, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(&w, L("驻村干部考勤与履职报告", "Attendance and compliance report of stationed cadres"));
	raw(&w, " ");
	esc(&w, sc);
	raw(&w, " ");
	esc(&w, asof);
	raw(&w, "</title>\n<style>\n");
	raw(&w, style);
	raw(&w, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(&w, L("驻村干部考勤与履职报告", "Attendance and compliance report of stationed cadres"));
	raw(&w, "</h1>\n<p class=\"meta\">");
	esc(&w, L("范围：", "Scope: "));
	esc(&w, sc);
	raw(&w, "　");
	esc(&w, L("统计截止日期：", "As of: "));
	esc(&w, asof);
	if (o->month)
		rawf(&w, "　%s%04d-%02d", L("考勤与补助月份：", "Month of sheets and allowance: "), o->year, o->month);
	raw(&w, "</p>\n</header>\n");
	section_summary(&w);
	section_years(&w);
	chart_days(&w);
	if ((rc = chart_absence(&w)))
		return rc;
	section_recall(&w);
	if ((rc = section_allowance(&w)) || (rc = section_sheets(&w)) || (rc = section_findings(&w)))
		return rc;
	raw(&w, "</body>\n</html>\n");
	if (fflush(f) || ferror(f))
		return ZC_EIO;
	return 0;
}
