/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_table.c: what the CSV sheets and the HTML tables share
 * (zc/report.h): the headings of each table and the cells of its rows,
 * written through a zc_report_cells (a CSV cell or an HTML <td>), the
 * attendance legend and totals, the sign-off fields of printed sheets, and
 * small labels. host/doc/REPORTS.md lists the columns.
 */
#include "zc/report.h"

#include <string.h>

#define L(zh, en) (lang == 1 ? (en) : (zh))

/* ---- small labels ---- */

int zc_report_days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && zc_days_in_year(y) == 366 ? 29 : dm[m - 1];
}

void zc_report_month_title(int y, int m, int lang, char *buf, size_t len)
{
	static const char *mon[] = {"January", "February", "March",	"April",   "May",      "June",
				    "July",    "August",   "September", "October", "November", "December"};
	if (lang == 1)
		snprintf(buf, len, "%s %d", mon[(m + 11) % 12], y);
	else
		snprintf(buf, len, "%d年%d月", y, m);
}

void zc_report_cadre_places(const zc_rules_input *in, const zc_report_scope *sc, int c, zc_day from, zc_day to,
			    int townships, int lang, char *buf, size_t len)
{
	size_t used = 0;
	int seen[64], nseen = 0;
	buf[0] = 0;
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

const char *zc_report_group_label(int kind, int lang)
{
	switch (kind) {
	case ZC_GROUP_DISTRICT: return L("区", "district");
	case ZC_GROUP_TOWNSHIP: return L("乡镇（街道）", "township");
	default: return L("派出单位", "dispatching unit");
	}
}

int zc_report_is_forgery(const zc_r_finding *f)
{
	return f && f->type && !strcmp(f->type, "forged_badge");
}

/* ---- attendance marks ---- */

const int zc_report_sheet_totals[ZC_REPORT_NTOTALS] = {ZC_ST_PRESENT, ZC_ST_CORRECTED, ZC_ST_DUTY,   ZC_ST_LEAVE,
						       ZC_ST_REST,    ZC_ST_ABSENT,    ZC_ST_PENDING};

const char *zc_report_status_label(int status, int lang)
{
	switch (status) {
	case ZC_ST_PRESENT: return L("在岗", "present");
	case ZC_ST_CORRECTED: return L("补卡", "corrected");
	case ZC_ST_DUTY: return L("公务", "duty");
	case ZC_ST_LEAVE: return L("请假", "leave");
	case ZC_ST_REST: return L("休息", "rest");
	case ZC_ST_ABSENT: return L("缺勤", "absent");
	case ZC_ST_PENDING: return L("未收取", "pending");
	default: return "";
	}
}

static const zc_report_mark legend[] = {
    {ZC_ST_PRESENT, {"√", "P"}, {"在岗", "present"}},
    {ZC_ST_CORRECTED, {"补", "C"}, {"补卡（经批准的情况说明）", "corrected (approved correction)"}},
    {ZC_ST_DUTY, {"差", "T"}, {"出差", "trip"}},
    {ZC_ST_DUTY, {"会", "M"}, {"会议", "meeting"}},
    {ZC_ST_DUTY, {"训", "TR"}, {"培训", "training"}},
    {ZC_ST_DUTY, {"公", "D"}, {"公务", "official duty"}},
    {ZC_ST_LEAVE, {"假", "L"}, {"请假", "leave"}},
    {ZC_ST_REST, {"休", "R"}, {"休息", "rest"}},
    {ZC_ST_PENDING,
     {"未", "PD"},
     {"未收取（终端记录尚未收取，不计缺勤）", "pending (terminal log not yet collected; not absent)"}},
    {ZC_ST_ABSENT, {"×", "X"}, {"缺勤", "absent"}},
};

size_t zc_report_legend(const zc_report_mark **out)
{
	*out = legend;
	return sizeof legend / sizeof legend[0];
}

void zc_report_legend_text(int lang, zc_day as_of, char *buf, size_t len)
{
	int en = lang == 1;
	char d[11];
	size_t used = (size_t)snprintf(buf, len, "%s", L("图例：", "Legend: "));
	for (size_t i = 0; i < sizeof legend / sizeof legend[0] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s %s", i ? L("  ", ", ") : "", legend[i].sym[en],
					 legend[i].label[en]);
	zc_day_format(as_of, d);
	if (used < len)
		snprintf(buf + used, len - used, "%s%s",
			 L("  空白 不在驻村期内或晚于统计截止日 ", "; blank: outside the assignment or after "), d);
}

const char *zc_report_signoff(int i, int lang)
{
	switch (i) {
	case 0: return L("制表人：＿＿＿＿＿＿", "Prepared by: ____________");
	case 1: return L("审核人：＿＿＿＿＿＿", "Checked by: ____________");
	default: return L("日期：＿＿＿＿＿＿", "Date: ____________");
	}
}

/* ---- headings ---- */

typedef struct colname {
	const char *zh, *en;
} colname;

static const colname years_cols[] = {
    {"干部编号", "cadre id"},
    {"姓名", "name"},
    {"职务", "role"},
    {"派出单位", "dispatching unit"},
    {"乡镇（街道）", "township"},
    {"驻村", "village"},
    {"年度", "year"},
    {"在岗天数", "present days"},
    {"补卡天数", "corrected days"},
    {"公务天数", "duty days"},
    {"请假天数", "leave days"},
    {"休息天数", "rest days"},
    {"未收取天数", "pending days"},
    {"缺勤天数", "absent days"},
    {"计入天数", "counted days"},
    {"截至目前应有天数", "expected by now"},
    {"进度", "pace"},
    {"应驻天数", "required days"},
    {"尚差天数", "days short"},
    {"补助天数", "allowance days"},
    {"补助金额（元）", "allowance (yuan)"},
};
static const colname allowance_cols[] = {
    {"驻村", "village"},
    {"月份", "month"},
    {"干部编号", "cadre id"},
    {"姓名", "name"},
    {"补助天数", "days"},
    {"标准（元/天）", "rate (yuan/day)"},
    {"金额（元）", "amount (yuan)"},
    {"签领", "signature"},
};
static const colname recall_cols[] = {
    {"干部编号", "cadre id"},	      {"姓名", "name"},	       {"驻村", "village"},
    {"派出单位", "dispatching unit"}, {"召回原因", "reasons"}, {"首次违规日期", "first violation"},
};
static const colname collection_cols[] = {
    {"终端编号", "terminal"},	    {"乡镇（街道）", "township"}, {"最后收取时间", "last collected"},
    {"未收取天数", "pending days"}, {"逾期未收取", "overdue"},
};
static const colname breakdown_cols[] = {
    {"分组", "group by"},
    {"名称", "name"},
    {"干部人数", "cadres"},
    {"进度落后人数", "behind pace"},
    {"落后比例（%）", "behind (%)"},
    {"应召回人数", "to recall"},
    {"补助金额（元）", "allowance (yuan)"},
};

size_t zc_report_columns(int table, int lang, const char **out)
{
	static const struct {
		const colname *c;
		size_t n;
	} t[ZC_TABLE_COUNT] = {
	    {years_cols, sizeof years_cols / sizeof years_cols[0]},
	    {allowance_cols, sizeof allowance_cols / sizeof allowance_cols[0]},
	    {recall_cols, sizeof recall_cols / sizeof recall_cols[0]},
	    {collection_cols, sizeof collection_cols / sizeof collection_cols[0]},
	    {breakdown_cols, sizeof breakdown_cols / sizeof breakdown_cols[0]},
	};
	if (table < 0 || table >= ZC_TABLE_COUNT)
		return 0;
	for (size_t i = 0; i < t[table].n && i < ZC_REPORT_MAX_COLUMNS; i++)
		out[i] = lang == 1 ? t[table].c[i].en : t[table].c[i].zh;
	return t[table].n;
}

/* ---- rows ---- */

void zc_report_years_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_scope *sc,
			   const zc_r_year *y, int expected, int lang)
{
	const zc_r_cadre *c = &in->cadres[y->cadre];
	char vil[512], tw[512];
	zc_day ys = zc_day_from_ymd(y->year, 1, 1), ye = zc_day_from_ymd(y->year, 12, 31);
	zc_report_cadre_places(in, sc, y->cadre, ys, ye, 0, lang, vil, sizeof vil);
	zc_report_cadre_places(in, sc, y->cadre, ys, ye, 1, lang, tw, sizeof tw);
	w->text(w->ctx, c->id);
	w->text(w->ctx, zc_report_cadre_name(in, y->cadre));
	w->text(w->ctx, zc_report_role_label(c->role, lang));
	w->text(w->ctx, c->unit);
	w->text(w->ctx, tw);
	w->text(w->ctx, vil);
	w->num(w->ctx, y->year);
	w->num(w->ctx, y->present_days);
	w->num(w->ctx, y->corrected_days);
	w->num(w->ctx, y->duty_days);
	w->num(w->ctx, y->leave_days);
	w->num(w->ctx, y->rest_days);
	w->num(w->ctx, y->pending_days);
	w->num(w->ctx, y->absent_days);
	w->num(w->ctx, y->counted_days);
	w->num(w->ctx, expected);
	w->text(w->ctx, y->counted_days < expected ? L("落后", "behind") : L("正常", "on pace"));
	w->num(w->ctx, y->required_days);
	w->num(w->ctx, y->counted_days < y->required_days ? y->required_days - y->counted_days : 0);
	w->num(w->ctx, y->allowance_days);
	w->money(w->ctx, y->allowance_fen);
}

void zc_report_allowance_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_allowance_row *a)
{
	char mon[16];
	snprintf(mon, sizeof mon, "%04d-%02d", a->year, a->month);
	w->text(w->ctx, zc_report_village_name(in, a->village));
	w->text(w->ctx, mon);
	w->text(w->ctx, in->cadres[a->cadre].id);
	w->text(w->ctx, zc_report_cadre_name(in, a->cadre));
	w->num(w->ctx, a->days);
	w->money(w->ctx, a->rate_fen);
	w->money(w->ctx, a->amount_fen);
	w->text(w->ctx, ""); /* 签领: signed by hand */
}

void zc_report_recall_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_rules_result *r,
			    const zc_report_scope *sc, const zc_r_recall *rc, int lang)
{
	const zc_policy *p = &in->policy;
	char vil[512], why[256], a[120], b[120], d[11] = "";
	zc_report_cadre_places(in, sc, rc->cadre, INT32_MIN, INT32_MAX, 0, lang, vil, sizeof vil);
	if (lang == 1) {
		snprintf(a, sizeof a, "absent more than %d consecutive days", p->max_consecutive_absence_days);
		snprintf(b, sizeof b, "more than %d absent days in a year", p->max_absent_days_per_year);
	} else {
		snprintf(a, sizeof a, "连续缺勤超过%d天", p->max_consecutive_absence_days);
		snprintf(b, sizeof b, "全年累计缺勤超过%d天", p->max_absent_days_per_year);
	}
	snprintf(why, sizeof why, "%s%s%s", rc->consecutive ? a : "",
		 rc->consecutive && rc->cumulative ? L("；", "; ") : "", rc->cumulative ? b : "");
	zc_day first = zc_report_recall_date(r, rc->cadre);
	if (first >= 0)
		zc_day_format(first, d);
	w->text(w->ctx, in->cadres[rc->cadre].id);
	w->text(w->ctx, zc_report_cadre_name(in, rc->cadre));
	w->text(w->ctx, vil);
	w->text(w->ctx, in->cadres[rc->cadre].unit);
	w->text(w->ctx, why);
	w->text(w->ctx, d);
}

void zc_report_terminal_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_terminal_row *t,
			      int lang)
{
	const zc_r_terminal *k = &in->terminals[t->terminal];
	char when[32];
	if (t->collected_until_ms == ZC_NEVER_COLLECTED)
		snprintf(when, sizeof when, "%s", L("从未收取", "never"));
	else
		zc_report_local_time(t->collected_until_ms, in->policy.tz_offset_min, 0, when);
	w->text(w->ctx, k->id);
	w->text(w->ctx, zc_report_township_name(in, k->township));
	w->text(w->ctx, when);
	w->num(w->ctx, t->pending_days);
	w->text(w->ctx, t->overdue ? L("是", "yes") : L("否", "no"));
}

void zc_report_group_cells(const zc_report_cells *w, const zc_report_group_row *g)
{
	char pct[48];
	/* the share behind pace in per mille, rounded, shown as a percentage */
	long long pm = g->cadres ? ((long long)g->behind * 1000 + g->cadres / 2) / g->cadres : 0;
	snprintf(pct, sizeof pct, "%lld.%lld", pm / 10, pm % 10);
	w->text(w->ctx, g->name);
	w->num(w->ctx, g->cadres);
	w->num(w->ctx, g->behind);
	w->dec(w->ctx, pct);
	w->num(w->ctx, g->recall);
	w->money(w->ctx, g->allowance_fen);
}
