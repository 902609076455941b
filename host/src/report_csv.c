/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_csv.c: the compliance report as CSV sheets for a spreadsheet
 * (zc/report.h): years, attendance (the monthly 考勤表 per village),
 * allowance, recall and findings. UTF-8 with a byte order mark so that
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

/* ---- names ---- */

#define L(zh, en) (en_ ? (en) : (zh))


/* The villages (or their townships) of cadre c's assignments that overlap
 * from..to and lie in scope, joined with "、" / "; ". */
static void cadre_places(const zc_rules_input *in, const zc_report_scope *sc, int c, zc_day from, zc_day to,
			 int townships, int en_, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	int seen[64], nseen = 0;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (a->cadre != c || a->end < from || a->start > to || !zc_report_scope_village(in, sc, a->village))
			continue;
		int key = townships ? in->villages[a->village].township : a->village;
		int dup = 0;
		for (int k = 0; k < nseen; k++)
			dup |= seen[k] == key;
		if (dup)
			continue;
		if (nseen < 64)
			seen[nseen++] = key;
		const char *s = townships ? zc_report_township_name(in, key) : zc_report_village_name(in, key);
		int w = snprintf(buf + used, len - used, "%s%s", used ? L("、", "; ") : "", s);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
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

static int mdays(int y, int m)
{
	zc_day a = zc_day_from_ymd(y, m, 1);
	zc_day b = m == 12 ? zc_day_from_ymd(y + 1, 1, 1) : zc_day_from_ymd(y, m + 1, 1);
	return (int)(b - a);
}

/* ---- sheets ---- */

static void sheet_years(csvw *w, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o, int en_)
{
	const char *h[] = {L("干部编号", "cadre id"),
			   L("姓名", "name"),
			   L("职务", "role"),
			   L("派出单位", "dispatching unit"),
			   L("乡镇（街道）", "township"),
			   L("驻村", "village"),
			   L("年度", "year"),
			   L("在岗天数", "present days"),
			   L("公务天数", "duty days"),
			   L("请假天数", "leave days"),
			   L("休息天数", "rest days"),
			   L("缺勤天数", "absent days"),
			   L("计入天数", "counted days"),
			   L("应驻天数", "required days"),
			   L("尚差天数", "days short"),
			   L("补助天数", "allowance days"),
			   L("补助金额（元）", "allowance (yuan)")};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		cell(w, h[i]);
	endrow(w);
	for (size_t i = 0; i < r->nyears; i++) {
		const zc_r_year *y = &r->years[i];
		if (!zc_report_scope_cadre(in, o->scope, y->cadre))
			continue;
		const zc_r_cadre *c = &in->cadres[y->cadre];
		char vil[512], tw[512];
		zc_day ys = zc_day_from_ymd(y->year, 1, 1), ye = zc_day_from_ymd(y->year, 12, 31);
		cadre_places(in, o->scope, y->cadre, ys, ye, 0, en_, vil, sizeof vil);
		cadre_places(in, o->scope, y->cadre, ys, ye, 1, en_, tw, sizeof tw);
		cell(w, c->id);
		cell(w, zc_report_cadre_name(in, y->cadre));
		cell(w, zc_report_role_label(c->role, en_));
		cell(w, c->unit);
		cell(w, tw);
		cell(w, vil);
		num(w, y->year);
		num(w, y->present_days);
		num(w, y->duty_days);
		num(w, y->leave_days);
		num(w, y->rest_days);
		num(w, y->absent_days);
		num(w, y->counted_days);
		num(w, y->required_days);
		num(w, y->counted_days < y->required_days ? y->required_days - y->counted_days : 0);
		num(w, y->allowance_days);
		money(w, y->allowance_fen);
		endrow(w);
	}
}

static void attendance_block(csvw *w, const zc_rules_input *in, const zc_report *r, int v, int y, int m, const int *cad,
			     size_t ncad, int en_)
{
	char t[256], mt[64], b[16];
	int nd = mdays(y, m);
	zc_day ms = zc_day_from_ymd(y, m, 1);
	month_title(y, m, en_, mt, sizeof mt);
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
	cell(w, L("在岗", "present"));
	cell(w, L("公务", "duty"));
	cell(w, L("请假", "leave"));
	cell(w, L("休息", "rest"));
	cell(w, L("缺勤", "absent"));
	endrow(w);
	for (size_t k = 0; k < ncad; k++) {
		int c = cad[k];
		num(w, (long long)k + 1);
		cell(w, zc_report_cadre_name(in, c));
		cell(w, zc_report_role_label(in->cadres[c].role, en_));
		for (int d = 0; d < nd; d++) {
			zc_day day = ms + d;
			cell(w, zc_report_village_on(in, r, c, day) == v ? zc_report_day_symbol(in, r, c, day, en_) : "");
		}
		int cnt[ZC_ST_COUNT];
		zc_report_count_days(in, r, c, v, ms, ms + nd - 1, cnt);
		num(w, cnt[ZC_ST_PRESENT]);
		num(w, cnt[ZC_ST_DUTY]);
		num(w, cnt[ZC_ST_LEAVE]);
		num(w, cnt[ZC_ST_REST]);
		num(w, cnt[ZC_ST_ABSENT]);
		endrow(w);
	}
	zc_day_format(r->as_of, b);
	if (en_)
		snprintf(t, sizeof t,
			 "Legend: P present, T trip, M meeting, TR training, D official duty, L leave, R rest, "
			 "X absent; blank: outside the assignment or after %s",
			 b);
	else
		snprintf(t, sizeof t,
			 "图例：√ 在岗  差 出差  会 会议  训 培训  公 公务  假 请假  休 休息  × 缺勤  "
			 "空白 不在驻村期内或晚于统计截止日 %s",
			 b);
	cell(w, t);
	endrow(w);
}

static int sheet_attendance(csvw *w, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o, int en_)
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
			size_t n = zc_report_sheet_cadres(in, (int)v, ms, ms + mdays(y, m) - 1, cad);
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

static int sheet_allowance(csvw *w, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o, int en_)
{
	zc_report_allowance_row *rows;
	size_t n;
	int rc = zc_report_allowance_rows(in, r, o, &rows, &n);
	if (rc)
		return rc;
	const char *h[] = {L("驻村", "village"),
			   L("月份", "month"),
			   L("干部编号", "cadre id"),
			   L("姓名", "name"),
			   L("补助天数", "days"),
			   L("标准（元/天）", "rate (yuan/day)"),
			   L("金额（元）", "amount (yuan)")};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		cell(w, h[i]);
	endrow(w);
	int64_t total = 0, sub = 0;
	int tdays = 0, sdays = 0;
	char mon[16];
	for (size_t i = 0; i < n; i++) {
		const zc_report_allowance_row *a = &rows[i];
		snprintf(mon, sizeof mon, "%04d-%02d", a->year, a->month);
		cell(w, zc_report_village_name(in, a->village));
		cell(w, mon);
		cell(w, in->cadres[a->cadre].id);
		cell(w, zc_report_cadre_name(in, a->cadre));
		num(w, a->days);
		money(w, a->rate_fen);
		money(w, a->amount_fen);
		endrow(w);
		sub += a->amount_fen;
		sdays += a->days;
		if (i + 1 == n || rows[i + 1].village != a->village) {
			char t[300];
			snprintf(t, sizeof t, "%s %s", zc_report_village_name(in, a->village), L("小计", "subtotal"));
			cell(w, t);
			cell(w, "");
			cell(w, "");
			cell(w, "");
			num(w, sdays);
			cell(w, "");
			money(w, sub);
			endrow(w);
			total += sub;
			tdays += sdays;
			sub = 0;
			sdays = 0;
		}
	}
	cell(w, L("合计", "total"));
	cell(w, "");
	cell(w, "");
	cell(w, "");
	num(w, tdays);
	cell(w, "");
	money(w, total);
	endrow(w);
	free(rows);
	return 0;
}

static void sheet_recall(csvw *w, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o, int en_)
{
	const char *h[] = {L("干部编号", "cadre id"), L("姓名", "name"),
			   L("驻村", "village"),      L("派出单位", "dispatching unit"),
			   L("召回原因", "reasons"),  L("首次违规日期", "first violation")};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		cell(w, h[i]);
	endrow(w);
	const zc_policy *p = &in->policy;
	for (size_t i = 0; i < r->nrecall; i++) {
		const zc_r_recall *rc = &r->recall[i];
		if (!zc_report_scope_cadre(in, o->scope, rc->cadre))
			continue;
		char vil[512], why[256] = "", a[120], b[120];
		cadre_places(in, o->scope, rc->cadre, INT32_MIN, INT32_MAX, 0, en_, vil, sizeof vil);
		if (en_) {
			snprintf(a, sizeof a, "absent more than %d consecutive days", p->max_consecutive_absence_days);
			snprintf(b, sizeof b, "more than %d absent days in a year", p->max_absent_days_per_year);
		} else {
			snprintf(a, sizeof a, "连续缺勤超过%d天", p->max_consecutive_absence_days);
			snprintf(b, sizeof b, "全年累计缺勤超过%d天", p->max_absent_days_per_year);
		}
		snprintf(why, sizeof why, "%s%s%s", rc->consecutive ? a : "",
			 rc->consecutive && rc->cumulative ? L("；", "; ") : "", rc->cumulative ? b : "");
		cell(w, in->cadres[rc->cadre].id);
		cell(w, zc_report_cadre_name(in, rc->cadre));
		cell(w, vil);
		cell(w, in->cadres[rc->cadre].unit);
		cell(w, why);
		date_cell(w, zc_report_recall_date(r, rc->cadre));
		endrow(w);
	}
}

static int sheet_findings(csvw *w, const zc_rules_input *in, const zc_report *r, const zc_report_opts *o, int en_)
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

const char *zc_report_sheet_name(int sheet)
{
	static const char *names[] = {"years", "attendance", "allowance", "recall", "findings"};
	return sheet >= 0 && sheet < ZC_SHEET_COUNT ? names[sheet] : NULL;
}

int zc_report_sheet_parse(const char *name)
{
	for (int i = 0; name && i < ZC_SHEET_COUNT; i++)
		if (!strcmp(name, zc_report_sheet_name(i)))
			return i;
	return -1;
}

int zc_report_csv(FILE *f, const zc_rules_input *in, const zc_report *r, int sheet, const zc_report_opts *o)
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
	case ZC_SHEET_YEARS: sheet_years(&w, in, r, o, en_); break;
	case ZC_SHEET_ATTENDANCE: rc = sheet_attendance(&w, in, r, o, en_); break;
	case ZC_SHEET_ALLOWANCE: rc = sheet_allowance(&w, in, r, o, en_); break;
	case ZC_SHEET_RECALL: sheet_recall(&w, in, r, o, en_); break;
	default: rc = sheet_findings(&w, in, r, o, en_); break;
	}
	if (!rc && (w.err || fflush(f) || ferror(f)))
		rc = ZC_EIO;
	return rc;
}
