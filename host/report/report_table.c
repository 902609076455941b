/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_table.c: small pieces the CSV sheets and the HTML page share
 * (zc/report.h): labels, month titles, the places of a cadre, the
 * attendance legend and the sign-off fields of printed sheets. The columns
 * of every table are in report_columns.c.
 */
#include "zc/report.h"
#include "zc/utf8.h"

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
	zc_utf8_list l;
	zc_utf8_list_init(&l, buf, len, L("、", "; "));
	int *seen = NULL;
	size_t nseen = 0, capseen = 0;
	for (size_t i = 0; i < in->nassignments; i++) {
		const zc_r_assignment *a = &in->assignments[i];
		if (a->cadre != c || a->end < from || a->start > to || !zc_report_scope_village(in, sc, a->village))
			continue;
		int key = townships ? in->villages[a->village].township : a->village;
		int dup = 0;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == key;
		if (dup)
			continue;
		if (nseen == capseen) {
			size_t nc = capseen ? 2 * capseen : 16;
			int *ns = realloc(seen, nc * sizeof *ns);
			if (ns) {
				seen = ns;
				capseen = nc;
			}
		}
		if (nseen < capseen)
			seen[nseen++] = key; /* out of memory: a place may repeat, none is lost */
		zc_utf8_list_add(&l, townships ? zc_report_township_name(in, key) : zc_report_village_name(in, key));
	}
	free(seen);
	/* "…等12个" counts them all, "… and 9 more" those left out */
	zc_utf8_list_end(&l, L("…等%zu个", "… and %zu more"), lang != 1);
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
