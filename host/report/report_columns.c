/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_columns.c: the columns of every table of the report, each defined
 * once (zc/report.h): {JSON key, heading zh, heading en, getter, JSON
 * getter, flags}. The JSON report (report_json.c), the CSV sheets
 * (report_csv.c) and the HTML tables (report_html.c) all iterate these
 * arrays; a new column is one line here (and its getter). Where a format
 * deliberately differs the descriptor says how: the value's type (money is
 * yuan in a cell and fen in JSON), a JSON getter (an id where the cell
 * shows a name, a code where it shows a label), a flag (not in the CSV,
 * not in the HTML, summed on subtotal lines), an HTML class in the value.
 * host/doc/REPORTS.md shows the same columns for readers.
 */
#include "zc/report.h"
#include "zc/utf8.h"

#include <inttypes.h>
#include <string.h>

#define L(zh, en) (row->lang == 1 ? (en) : (zh))

/* Getters fill the value; its type is the column's (zc_report_get). */
static void text(zc_report_value *v, const char *s)
{
	v->s = s ? s : "";
}

/* an id as it is (NULL stays NULL: an empty cell, no JSON member) */
static void ident(zc_report_value *v, const char *s)
{
	v->s = s;
}

static void integer(zc_report_value *v, long long n)
{
	v->n = n;
}

static void money(zc_report_value *v, int64_t fen)
{
	v->n = fen;
}

static void date(zc_report_value *v, zc_day d)
{
	v->n = d;
}

/* ---- years: one row per cadre and year (zc_r_year) ---- */

#define YEAR(row) ((const zc_r_year *)(row)->item)
#define YEAR_INT(name, field)                                                                                          \
	static void name(const zc_report_row *row, zc_report_value *v)                                                 \
	{                                                                                                              \
		integer(v, YEAR(row)->field);                                                                          \
	}

static void y_id(const zc_report_row *row, zc_report_value *v)
{
	ident(v, row->in->cadres[YEAR(row)->cadre].id);
}

static void y_name(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_cadre_name(row->in, YEAR(row)->cadre));
}

static void y_role(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_role_label(row->in->cadres[YEAR(row)->cadre].role, row->lang));
}

static void y_unit(const zc_report_row *row, zc_report_value *v)
{
	text(v, row->in->cadres[YEAR(row)->cadre].unit);
}

/* the townships (townships 1) or villages of the year's assignments in scope */
static void y_places(const zc_report_row *row, zc_report_value *v, int townships)
{
	const zc_r_year *y = YEAR(row);
	zc_report_cadre_places(row->in, row->sc, y->cadre, zc_day_from_ymd(y->year, 1, 1),
			       zc_day_from_ymd(y->year, 12, 31), townships, row->lang, v->buf, sizeof v->buf);
	text(v, v->buf);
}

static void y_township(const zc_report_row *row, zc_report_value *v)
{
	y_places(row, v, 1);
}

static void y_village(const zc_report_row *row, zc_report_value *v)
{
	y_places(row, v, 0);
}

YEAR_INT(y_year, year)
YEAR_INT(y_present, present_days)
YEAR_INT(y_corrected, corrected_days)
YEAR_INT(y_duty, duty_days)
YEAR_INT(y_leave, leave_days)
YEAR_INT(y_rest, rest_days)
YEAR_INT(y_pending, pending_days)
YEAR_INT(y_absent, absent_days)
YEAR_INT(y_counted, counted_days)
YEAR_INT(y_required, required_days)
YEAR_INT(y_allowance_days, allowance_days)

static void y_expected(const zc_report_row *row, zc_report_value *v)
{
	integer(v, row->expected);
}

static void y_pace(const zc_report_row *row, zc_report_value *v)
{
	text(v, YEAR(row)->counted_days < row->expected ? L("落后", "behind") : L("正常", "on pace"));
}

static void y_short(const zc_report_row *row, zc_report_value *v)
{
	const zc_r_year *y = YEAR(row);
	integer(v, y->counted_days < y->required_days ? y->required_days - y->counted_days : 0);
}

static void y_allowance(const zc_report_row *row, zc_report_value *v)
{
	money(v, YEAR(row)->allowance_fen);
}

/* behind pace: counted below the days expected by now */
static const char *y_class(const zc_report_row *row)
{
	return YEAR(row)->counted_days < row->expected ? "short" : NULL;
}

static const zc_report_column years_cols[] = {
    {"cadre", {"干部编号", "cadre id"}, ZC_V_TEXT, y_id, NULL, 0},
    {NULL, {"姓名", "name"}, ZC_V_TEXT, y_name, NULL, 0},
    {NULL, {"职务", "role"}, ZC_V_TEXT, y_role, NULL, 0},
    {NULL, {"派出单位", "dispatching unit"}, ZC_V_TEXT, y_unit, NULL, 0},
    {NULL, {"乡镇（街道）", "township"}, ZC_V_TEXT, y_township, NULL, 0},
    {NULL, {"驻村", "village"}, ZC_V_TEXT, y_village, NULL, 0},
    {"year", {"年度", "year"}, ZC_V_INT, y_year, NULL, 0},
    {"present_days", {"在岗天数", "present days"}, ZC_V_INT, y_present, NULL, 0},
    {"corrected_days", {"补卡天数", "corrected days"}, ZC_V_INT, y_corrected, NULL, 0},
    {"duty_days", {"公务天数", "duty days"}, ZC_V_INT, y_duty, NULL, 0},
    {"leave_days", {"请假天数", "leave days"}, ZC_V_INT, y_leave, NULL, 0},
    {"rest_days", {"休息天数", "rest days"}, ZC_V_INT, y_rest, NULL, 0},
    {"pending_days", {"未收取天数", "pending days"}, ZC_V_INT, y_pending, NULL, 0},
    {"absent_days", {"缺勤天数", "absent days"}, ZC_V_INT, y_absent, NULL, 0},
    {"counted_days", {"计入天数", "counted days"}, ZC_V_INT, y_counted, NULL, 0},
    {NULL, {"截至目前应有天数", "expected by now"}, ZC_V_INT, y_expected, NULL, 0},
    {NULL, {"进度", "pace"}, ZC_V_TEXT, y_pace, NULL, 0},
    {"required_days", {"应驻天数", "required days"}, ZC_V_INT, y_required, NULL, 0},
    {NULL, {"尚差天数", "days short"}, ZC_V_INT, y_short, NULL, 0},
    {"allowance_days", {"补助天数", "allowance days"}, ZC_V_INT, y_allowance_days, NULL, 0},
    {"allowance_fen", {"补助金额（元）", "allowance (yuan)"}, ZC_V_MONEY, y_allowance, NULL, 0},
};

/* ---- allowance: a cadre's month in a village (zc_report_allowance_row) ---- */

#define ALLOW(row) ((const zc_report_allowance_row *)(row)->item)

static void a_village(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_village_name(row->in, ALLOW(row)->village));
}

static void a_month(const zc_report_row *row, zc_report_value *v)
{
	snprintf(v->buf, sizeof v->buf, "%04d-%02d", ALLOW(row)->year, ALLOW(row)->month);
	text(v, v->buf);
}

static void a_id(const zc_report_row *row, zc_report_value *v)
{
	ident(v, row->in->cadres[ALLOW(row)->cadre].id);
}

static void a_name(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_cadre_name(row->in, ALLOW(row)->cadre));
}

static void a_days(const zc_report_row *row, zc_report_value *v)
{
	integer(v, ALLOW(row)->days);
}

static void a_rate(const zc_report_row *row, zc_report_value *v)
{
	money(v, ALLOW(row)->rate_fen);
}

static void a_amount(const zc_report_row *row, zc_report_value *v)
{
	money(v, ALLOW(row)->amount_fen);
}

/* 签领: signed by hand on the printed statement */
static void a_sign(const zc_report_row *row, zc_report_value *v)
{
	(void)row;
	text(v, "");
}

static const zc_report_column allowance_cols[] = {
    {NULL, {"驻村", "village"}, ZC_V_TEXT, a_village, NULL, 0},
    {NULL, {"月份", "month"}, ZC_V_TEXT, a_month, NULL, 0},
    {NULL, {"干部编号", "cadre id"}, ZC_V_TEXT, a_id, NULL, 0},
    {NULL, {"姓名", "name"}, ZC_V_TEXT, a_name, NULL, 0},
    {NULL, {"补助天数", "days"}, ZC_V_INT, a_days, NULL, ZC_COL_SUM},
    {NULL, {"标准（元/天）", "rate (yuan/day)"}, ZC_V_MONEY, a_rate, NULL, 0},
    {NULL, {"金额（元）", "amount (yuan)"}, ZC_V_MONEY, a_amount, NULL, ZC_COL_SUM},
    {NULL, {"签领", "signature"}, ZC_V_TEXT, a_sign, NULL, 0},
};

/* ---- recall (zc_r_recall) ---- */

#define RECALL(row) ((const zc_r_recall *)(row)->item)

static void r_id(const zc_report_row *row, zc_report_value *v)
{
	ident(v, row->in->cadres[RECALL(row)->cadre].id);
}

static void r_name(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_cadre_name(row->in, RECALL(row)->cadre));
}

/* JSON: the name as registered, "" when none (the cell falls back to the id) */
static void r_name_json(const zc_report_row *row, zc_report_value *v)
{
	text(v, row->in->cadres[RECALL(row)->cadre].name);
}

static void r_village(const zc_report_row *row, zc_report_value *v)
{
	zc_report_cadre_places(row->in, row->sc, RECALL(row)->cadre, INT32_MIN, INT32_MAX, 0, row->lang, v->buf,
			       sizeof v->buf);
	text(v, v->buf);
}

static void r_unit(const zc_report_row *row, zc_report_value *v)
{
	text(v, row->in->cadres[RECALL(row)->cadre].unit);
}

static void r_reasons(const zc_report_row *row, zc_report_value *v)
{
	const zc_policy *p = &row->in->policy;
	const zc_r_recall *rc = RECALL(row);
	char a[120], b[120];
	if (row->lang == 1) {
		snprintf(a, sizeof a, "absent more than %d consecutive days", p->max_consecutive_absence_days);
		snprintf(b, sizeof b, "more than %d absent days in a year", p->max_absent_days_per_year);
	} else {
		snprintf(a, sizeof a, "连续缺勤超过%d天", p->max_consecutive_absence_days);
		snprintf(b, sizeof b, "全年累计缺勤超过%d天", p->max_absent_days_per_year);
	}
	snprintf(v->buf, sizeof v->buf, "%s%s%s", rc->consecutive ? a : "",
		 rc->consecutive && rc->cumulative ? L("；", "; ") : "", rc->cumulative ? b : "");
	text(v, v->buf);
}

/* JSON: the finding types, a list */
static void r_reasons_json(const zc_report_row *row, zc_report_value *v)
{
	v->type = ZC_V_LIST;
	if (RECALL(row)->consecutive)
		v->list[v->nlist++] = "consecutive_absence";
	if (RECALL(row)->cumulative)
		v->list[v->nlist++] = "cumulative_absence";
}

static void r_first(const zc_report_row *row, zc_report_value *v)
{
	date(v, zc_report_recall_date(row->r, RECALL(row)->cadre));
}

static const zc_report_column recall_cols[] = {
    {"cadre", {"干部编号", "cadre id"}, ZC_V_TEXT, r_id, NULL, 0},
    {"name", {"姓名", "name"}, ZC_V_TEXT, r_name, r_name_json, 0},
    {NULL, {"驻村", "village"}, ZC_V_TEXT, r_village, NULL, 0},
    {"unit", {"派出单位", "dispatching unit"}, ZC_V_TEXT, r_unit, NULL, 0},
    {"reasons", {"召回原因", "reasons"}, ZC_V_TEXT, r_reasons, r_reasons_json, 0},
    {NULL, {"首次违规日期", "first violation"}, ZC_V_DATE, r_first, NULL, 0},
};

/* ---- collection: a terminal (zc_report_terminal_row) ---- */

#define TERM(row)     ((const zc_report_terminal_row *)(row)->item)
#define TERMINAL(row) (&(row)->in->terminals[TERM(row)->terminal])

static void t_id(const zc_report_row *row, zc_report_value *v)
{
	ident(v, TERMINAL(row)->id);
}

static void t_township(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_township_name(row->in, TERMINAL(row)->township));
}

/* JSON: the township's id */
static void t_township_json(const zc_report_row *row, zc_report_value *v)
{
	ident(v, row->in->townships[TERMINAL(row)->township].id);
}

static void t_collected(const zc_report_row *row, zc_report_value *v)
{
	if (TERM(row)->collected_until_ms == ZC_NEVER_COLLECTED) {
		text(v, L("从未收取", "never"));
		return;
	}
	zc_report_local_time(TERM(row)->collected_until_ms, row->in->policy.tz_offset_min, 0, v->buf);
	text(v, v->buf);
}

/* JSON: ISO 8601 with the zone's offset, null when never collected */
static void t_collected_json(const zc_report_row *row, zc_report_value *v)
{
	if (TERM(row)->collected_until_ms == ZC_NEVER_COLLECTED) {
		v->type = ZC_V_NULL;
		return;
	}
	zc_report_local_time(TERM(row)->collected_until_ms, row->in->policy.tz_offset_min, 1, v->buf);
	text(v, v->buf);
}

static void t_pending(const zc_report_row *row, zc_report_value *v)
{
	integer(v, TERM(row)->pending_days);
}

static void t_overdue(const zc_report_row *row, zc_report_value *v)
{
	text(v, TERM(row)->overdue ? L("是", "yes") : L("否", "no"));
}

static void t_overdue_json(const zc_report_row *row, zc_report_value *v)
{
	v->type = ZC_V_BOOL;
	v->n = TERM(row)->overdue;
}

static const char *t_class(const zc_report_row *row)
{
	return TERM(row)->overdue ? "overdue" : NULL;
}

static const zc_report_column collection_cols[] = {
    {"terminal", {"终端编号", "terminal"}, ZC_V_TEXT, t_id, NULL, 0},
    {"township", {"乡镇（街道）", "township"}, ZC_V_TEXT, t_township, t_township_json, 0},
    {"collected_until", {"最后收取时间", "last collected"}, ZC_V_TEXT, t_collected, t_collected_json, 0},
    {"pending_days", {"未收取天数", "pending days"}, ZC_V_INT, t_pending, NULL, 0},
    {"overdue", {"逾期未收取", "overdue"}, ZC_V_TEXT, t_overdue, t_overdue_json, 0},
};

/* ---- breakdown: a group (zc_report_group_row) ---- */

#define GROUP(row) ((const zc_report_group_row *)(row)->item)

static void g_kind(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_group_label(GROUP(row)->kind, row->lang));
}

static void g_name(const zc_report_row *row, zc_report_value *v)
{
	text(v, GROUP(row)->name);
}

static void g_cadres(const zc_report_row *row, zc_report_value *v)
{
	integer(v, GROUP(row)->cadres);
}

static void g_behind(const zc_report_row *row, zc_report_value *v)
{
	integer(v, GROUP(row)->behind);
}

/* the share behind pace in per mille, rounded, shown as a percentage */
static void g_share(const zc_report_row *row, zc_report_value *v)
{
	const zc_report_group_row *g = GROUP(row);
	long long pm = g->cadres ? ((long long)g->behind * 1000 + g->cadres / 2) / g->cadres : 0;
	snprintf(v->buf, sizeof v->buf, "%lld.%lld", pm / 10, pm % 10);
	v->s = v->buf;
}

static void g_recall(const zc_report_row *row, zc_report_value *v)
{
	integer(v, GROUP(row)->recall);
}

static void g_allowance(const zc_report_row *row, zc_report_value *v)
{
	money(v, GROUP(row)->allowance_fen);
}

static const char *g_class(const zc_report_row *row)
{
	return GROUP(row)->behind ? "short" : NULL;
}

static const zc_report_column breakdown_cols[] = {
    {NULL, {"分组", "group by"}, ZC_V_TEXT, g_kind, NULL, ZC_COL_GROUPBY},
    {NULL, {"名称", "name"}, ZC_V_TEXT, g_name, NULL, 0},
    {NULL, {"干部人数", "cadres"}, ZC_V_INT, g_cadres, NULL, 0},
    {NULL, {"进度落后人数", "behind pace"}, ZC_V_INT, g_behind, NULL, 0},
    {NULL, {"落后比例（%）", "behind (%)"}, ZC_V_DEC, g_share, NULL, 0},
    {NULL, {"应召回人数", "to recall"}, ZC_V_INT, g_recall, NULL, 0},
    {NULL, {"补助金额（元）", "allowance (yuan)"}, ZC_V_MONEY, g_allowance, NULL, 0},
};

/* ---- findings (zc_r_finding) ---- */

#define FINDING(row) ((const zc_r_finding *)(row)->item)

/* 马力（C011）, 新地村（V01）, 终端 K01（千里山镇） */
static void f_subject(const zc_report_row *row, zc_report_value *v)
{
	const zc_rules_input *in = row->in;
	const zc_r_finding *f = FINDING(row);
	switch (f->subject_kind) {
	case ZC_SUBJ_CADRE:
		zc_utf8_snprintf(v->buf, sizeof v->buf, "%s（%s）", zc_report_cadre_name(in, f->subject),
				 in->cadres[f->subject].id ? in->cadres[f->subject].id : "");
		break;
	case ZC_SUBJ_VILLAGE:
		zc_utf8_snprintf(v->buf, sizeof v->buf, "%s（%s）", zc_report_village_name(in, f->subject),
				 in->villages[f->subject].id ? in->villages[f->subject].id : "");
		break;
	default:
		zc_utf8_snprintf(v->buf, sizeof v->buf, "%s%s（%s）", L("终端 ", "terminal "),
				 in->terminals[f->subject].id ? in->terminals[f->subject].id : "",
				 zc_report_township_name(in, in->terminals[f->subject].township));
		break;
	}
	text(v, v->buf);
}

static void f_type(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_finding_label(FINDING(row)->type, row->lang));
}

/* JSON, and the sheet's last column: the RULES.md section 11 type */
static void f_type_code(const zc_report_row *row, zc_report_value *v)
{
	v->s = FINDING(row)->type;
}

static void f_severity(const zc_report_row *row, zc_report_value *v)
{
	int s = FINDING(row)->severity;
	text(v, zc_report_severity_label(s, row->lang));
	snprintf(v->buf, sizeof v->buf, "sev-%s", zc_severity_name(s));
	v->cls = v->buf;
}

static void f_severity_json(const zc_report_row *row, zc_report_value *v)
{
	v->s = zc_severity_name(FINDING(row)->severity);
}

static void f_kind(const zc_report_row *row, zc_report_value *v)
{
	switch (FINDING(row)->subject_kind) {
	case ZC_SUBJ_CADRE: text(v, L("干部", "cadre")); break;
	case ZC_SUBJ_VILLAGE: text(v, L("村", "village")); break;
	default: text(v, L("终端", "terminal")); break;
	}
}

static void f_id(const zc_report_row *row, zc_report_value *v)
{
	const zc_r_finding *f = FINDING(row);
	switch (f->subject_kind) {
	case ZC_SUBJ_CADRE: v->s = row->in->cadres[f->subject].id; break;
	case ZC_SUBJ_VILLAGE: v->s = row->in->villages[f->subject].id; break;
	default: v->s = row->in->terminals[f->subject].id; break;
	}
}

/* JSON: the subject's id under the key of its kind */
static void f_id_json(const zc_report_row *row, zc_report_value *v)
{
	f_id(row, v);
	switch (FINDING(row)->subject_kind) {
	case ZC_SUBJ_CADRE: v->key = "cadre"; break;
	case ZC_SUBJ_VILLAGE: v->key = "village"; break;
	default: v->key = "terminal"; break;
	}
}

static void f_name(const zc_report_row *row, zc_report_value *v)
{
	const zc_rules_input *in = row->in;
	const zc_r_finding *f = FINDING(row);
	switch (f->subject_kind) {
	case ZC_SUBJ_CADRE: text(v, zc_report_cadre_name(in, f->subject)); break;
	case ZC_SUBJ_VILLAGE: text(v, zc_report_village_name(in, f->subject)); break;
	default: text(v, zc_report_township_name(in, in->terminals[f->subject].township)); break;
	}
}

static void f_date(const zc_report_row *row, zc_report_value *v)
{
	date(v, FINDING(row)->date);
}

static void f_detail(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_finding_detail(FINDING(row), row->lang));
}

/* JSON: "detail" is English, "detail_zh" Chinese, whatever the language */
static void f_detail_en(const zc_report_row *row, zc_report_value *v)
{
	v->s = FINDING(row)->detail;
}

static void f_detail_zh(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_finding_detail(FINDING(row), 0));
}

static const char *f_class(const zc_report_row *row)
{
	return zc_report_is_forgery(FINDING(row)) ? "forged" : NULL;
}

static const zc_report_column findings_cols[] = {
    {NULL, {"对象", "subject"}, ZC_V_TEXT, f_subject, NULL, ZC_COL_NO_CSV | ZC_COL_SUBJECT},
    {"type", {"类型", "type"}, ZC_V_TEXT, f_type, f_type_code, 0},
    {"severity", {"级别", "severity"}, ZC_V_TEXT, f_severity, f_severity_json, 0},
    {NULL, {"对象类别", "subject kind"}, ZC_V_TEXT, f_kind, NULL, ZC_COL_NO_HTML},
    {"subject", {"对象编号", "subject id"}, ZC_V_TEXT, f_id, f_id_json, ZC_COL_NO_HTML},
    {NULL, {"对象名称", "subject name"}, ZC_V_TEXT, f_name, NULL, ZC_COL_NO_HTML},
    {"date", {"日期", "date"}, ZC_V_DATE, f_date, NULL, 0},
    {"detail", {"详情", "detail"}, ZC_V_TEXT, f_detail, f_detail_en, 0},
    {"detail_zh", {NULL, NULL}, ZC_V_TEXT, f_detail_zh, NULL, ZC_COL_NO_CSV | ZC_COL_NO_HTML},
    {NULL, {"类型代码", "type code"}, ZC_V_TEXT, f_type_code, NULL, ZC_COL_NO_HTML},
};

/* ---- attendance: a cadre's row of a monthly sheet (zc_report_sheet_row) ---- */

#define SHEET(row) ((const zc_report_sheet_row *)(row)->item)

const char *zc_report_status_class(int st)
{
	switch (st) {
	case ZC_ST_DUTY: return "s-d";
	case ZC_ST_LEAVE: return "s-l";
	case ZC_ST_REST: return "s-r";
	case ZC_ST_ABSENT: return "s-x";
	case ZC_ST_CORRECTED: return "s-c";
	case ZC_ST_PENDING: return "s-pd";
	default: return NULL;
	}
}

/* 序号: a label, not a quantity (plain in the HTML) */
static void s_no(const zc_report_row *row, zc_report_value *v)
{
	snprintf(v->buf, sizeof v->buf, "%zu", SHEET(row)->index + 1);
	text(v, v->buf);
}

static void s_name(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_cadre_name(row->in, SHEET(row)->cadre));
	v->cls = "l";
}

static void s_role(const zc_report_row *row, zc_report_value *v)
{
	text(v, zc_report_role_label(row->in->cadres[SHEET(row)->cadre].role, row->lang));
	v->cls = "l";
}

/* the day's symbol, blank outside the cadre's assignment to this village */
static void s_day(const zc_report_row *row, zc_report_value *v)
{
	const zc_report_sheet_row *s = SHEET(row);
	int here = zc_report_village_on(row->in, row->r, s->cadre, row->day) == s->village;
	text(v, here ? zc_report_day_symbol(row->in, row->r, s->cadre, row->day, row->lang) : "");
	if (*v->s)
		v->cls = zc_report_status_class(zc_rules_day_status(row->r, s->cadre, row->day));
}

#define SHEET_TOTAL(name, st)                                                                                          \
	static void name(const zc_report_row *row, zc_report_value *v)                                                 \
	{                                                                                                              \
		integer(v, SHEET(row)->counts[st]);                                                                    \
	}
SHEET_TOTAL(s_present, ZC_ST_PRESENT)
SHEET_TOTAL(s_corrected, ZC_ST_CORRECTED)
SHEET_TOTAL(s_duty, ZC_ST_DUTY)
SHEET_TOTAL(s_leave, ZC_ST_LEAVE)
SHEET_TOTAL(s_rest, ZC_ST_REST)
SHEET_TOTAL(s_absent, ZC_ST_ABSENT)
SHEET_TOTAL(s_pending, ZC_ST_PENDING)

static const zc_report_column attendance_cols[] = {
    {NULL, {"序号", "no."}, ZC_V_TEXT, s_no, NULL, 0},
    {NULL, {"姓名", "name"}, ZC_V_TEXT, s_name, NULL, 0},
    {NULL, {"职务", "role"}, ZC_V_TEXT, s_role, NULL, 0},
    {NULL, {"", ""}, ZC_V_TEXT, s_day, NULL, ZC_COL_DAYS},
    {NULL, {"在岗", "present"}, ZC_V_INT, s_present, NULL, 0},
    {NULL, {"补卡", "corrected"}, ZC_V_INT, s_corrected, NULL, 0},
    {NULL, {"公务", "duty"}, ZC_V_INT, s_duty, NULL, 0},
    {NULL, {"请假", "leave"}, ZC_V_INT, s_leave, NULL, 0},
    {NULL, {"休息", "rest"}, ZC_V_INT, s_rest, NULL, 0},
    {NULL, {"缺勤", "absent"}, ZC_V_INT, s_absent, NULL, 0},
    {NULL, {"未收取", "pending"}, ZC_V_INT, s_pending, NULL, 0},
};

/* ---- the tables ---- */

#define TABLE(name, cols, cls)                                                                                         \
	{                                                                                                              \
		name, cols, sizeof cols / sizeof cols[0], cls                                                          \
	}

static const zc_report_table_desc tables[ZC_TABLE_COUNT] = {
    [ZC_TABLE_YEARS] = TABLE("years", years_cols, y_class),
    [ZC_TABLE_ALLOWANCE] = TABLE("allowance", allowance_cols, NULL),
    [ZC_TABLE_RECALL] = TABLE("recall", recall_cols, NULL),
    [ZC_TABLE_COLLECTION] = TABLE("terminals", collection_cols, t_class),
    [ZC_TABLE_BREAKDOWN] = TABLE("breakdown", breakdown_cols, g_class),
    [ZC_TABLE_FINDINGS] = TABLE("findings", findings_cols, f_class),
    [ZC_TABLE_ATTENDANCE] = TABLE("attendance", attendance_cols, NULL),
};

const zc_report_table_desc *zc_report_table_get(int table)
{
	return table >= 0 && table < ZC_TABLE_COUNT ? &tables[table] : NULL;
}

const char *zc_report_heading(const zc_report_column *c, int lang)
{
	return c->heading[lang == 1 ? 1 : 0];
}

void zc_report_get(const zc_report_column *c, const zc_report_row *row, int json, zc_report_value *v)
{
	v->type = c->type;
	v->s = "";
	v->n = 0;
	v->nlist = 0;
	v->cls = NULL;
	v->key = NULL;
	v->buf[0] = 0;
	(json && c->json ? c->json : c->get)(row, v);
}

void zc_report_sums_add(int table, const zc_report_row *row, zc_report_sums *s)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	for (size_t i = 0; t && i < t->ncols && i < ZC_REPORT_MAX_COLUMNS; i++) {
		zc_report_value v;
		if (!(t->cols[i].flags & ZC_COL_SUM))
			continue;
		zc_report_get(&t->cols[i], row, 0, &v);
		s->n[i] += v.n;
	}
}

void zc_report_yuan(int64_t fen, char out[32])
{
	int64_t a = fen < 0 ? -fen : fen;
	snprintf(out, 32, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "", a / 100, a % 100);
}

json_t *zc_report_row_json(int table, const zc_report_row *row)
{
	const zc_report_table_desc *t = zc_report_table_get(table);
	json_t *j = t ? json_object() : NULL;
	if (!j)
		return NULL;
	for (size_t i = 0; i < t->ncols; i++) {
		const zc_report_column *c = &t->cols[i];
		zc_report_value v;
		json_t *x;
		char d[11];
		if (!c->key)
			continue;
		zc_report_get(c, row, 1, &v);
		switch (v.type) {
		case ZC_V_INT:
		case ZC_V_MONEY: x = json_integer(v.n); break;
		case ZC_V_DATE:
			zc_day_format((zc_day)v.n, d);
			x = json_string(d);
			break;
		case ZC_V_BOOL: x = json_boolean(v.n); break;
		case ZC_V_NULL: x = json_null(); break;
		case ZC_V_LIST:
			x = json_array();
			for (size_t k = 0; k < v.nlist; k++)
				json_array_append_new(x, json_string(v.list[k]));
			break;
		default: x = json_string(v.s); break;
		}
		json_object_set_new(j, v.key ? v.key : c->key, x);
	}
	return j;
}
