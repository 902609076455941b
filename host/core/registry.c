/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry.c: the parts of the registry (zc/registry.h) that need no
 * database: who is changing it, the engine's input pointed at a loaded
 * registry, enum values as people read them, and a leave checked against a loaded registry (RULES.md
 * section 5) with its refusal and warnings in the caller's language. The
 * store backend (store/sqlite/store_registry*.c) keeps the data operations.
 */
#include "zc/registry.h"
#include "registry_csv.h"
#include "registry_leave.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/dates.h"
#include "zc/err.h"

/* The message in the language lang (of the function using it). */
#define L(zh, en) (lang == ZC_LANG_EN ? (en) : (zh))

const char *zc_registry_actor(void)
{
	const char *a = getenv("ZHUCUN_USER");
	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "unknown";
}

void zc_registry_fill_input(const zc_registry *r, zc_rules_input *in)
{
	in->policy = r->policy;
	in->holidays = r->holidays;
	in->nholidays = r->nholidays;
	in->workdays = r->workdays;
	in->nworkdays = r->nworkdays;
	in->districts = r->districts;
	in->ndistricts = r->ndistricts;
	in->townships = r->townships;
	in->ntownships = r->ntownships;
	in->villages = r->villages;
	in->nvillages = r->nvillages;
	in->terminals = r->terminals;
	in->nterminals = r->nterminals;
	in->cadres = r->cadres;
	in->ncadres = r->ncadres;
	in->assignments = r->assignments;
	in->nassignments = r->nassignments;
	in->leaves = r->leaves;
	in->nleaves = r->nleaves;
	in->duties = r->duties;
	in->nduties = r->nduties;
	in->corrections = r->corrections;
	in->ncorrections = r->ncorrections;
	in->inspections = r->inspections;
	in->ninspections = r->ninspections;
	in->badges = r->badges;
	in->nbadges = r->nbadges;
}

const char *zc_registry_label(const char *value, zc_lang lang)
{
	static const zc_csv_enum *const tables_[] = {zc_csv_levels, zc_csv_duty_kinds, zc_csv_leave_types,
						     zc_csv_results};
	if (!value)
		return "";
	for (size_t t = 0; t < sizeof tables_ / sizeof tables_[0]; t++) {
		const char *canon = zc_csv_enum_value(tables_[t], value);
		for (const zc_csv_enum *v = tables_[t]; canon && v->value; v++)
			if (v->value == canon)
				return lang == ZC_LANG_ZH ? v->alias[0] : v->value;
	}
	return value;
}

/* ---- a leave against the registry ---- */

/* The run [*lo, *hi) of the rows of cadre c in arr (n rows of stride
 * bytes, sorted by the cadre index at offset off of each row). */
static void cadre_run(const void *arr, size_t n, size_t stride, size_t off, int c, size_t *lo, size_t *hi)
{
#define CADRE_AT(i) (*(const int *)((const char *)arr + (i)*stride + off))
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (CADRE_AT(mid) < c)
			a = mid + 1;
		else
			b = mid;
	}
	for (b = a; b < n && CADRE_AT(b) == c; b++)
		;
#undef CADRE_AT
	*lo = a;
	*hi = b;
}

int zc_registry_leave_check(const zc_registry *r, int c, zc_day start, zc_day end, int level, zc_leave_check *out)
{
	zc_rules_input in;
	if (!r || !out || c < 0 || (size_t)c >= r->ncadres || end < start)
		return ZC_EARG;
	memset(out, 0, sizeof *out);
	memset(&in, 0, sizeof in);
	out->cadre = c;
	out->start = start;
	out->end = end;
	out->level = level < 0 ? ZC_LEVEL_NONE : level;
	size_t lo, hi, alo, ahi;
	cadre_run(r->leaves, r->nleaves, sizeof *r->leaves, offsetof(zc_r_leave, cadre), c, &lo, &hi);
	cadre_run(r->assignments, r->nassignments, sizeof *r->assignments, offsetof(zc_r_assignment, cadre), c, &alo,
		  &ahi);
	zc_registry_fill_input(r, &in);
	in.leaves = r->leaves + lo;
	in.nleaves = hi - lo;
	int rc = zc_rules_leave_block(&in, c, start, end, &out->bstart, &out->bend);
	if (rc < 0)
		return rc;
	out->required = rc;
	for (size_t i = lo; i < hi; i++) {
		const zc_r_leave *l = &r->leaves[i];
		if (l->start == start && l->end == end)
			continue; /* the leave itself */
		if (l->start <= out->bend && l->end >= out->bstart && out->njoined++ < ZC_LEAVE_JOINED_MAX) {
			out->joined[out->njoined - 1].id = r->leave_ids[i];
			out->joined[out->njoined - 1].start = l->start;
			out->joined[out->njoined - 1].end = l->end;
			out->joined[out->njoined - 1].level = l->level;
		}
		if (!out->overlap_id && l->start <= end && l->end >= start) {
			out->overlap_id = r->leave_ids[i];
			out->overlap_start = l->start;
			out->overlap_end = l->end;
		}
	}
	for (zc_day d = start; d <= end; d++) {
		size_t k = alo;
		while (k < ahi && !(r->assignments[k].start <= d && r->assignments[k].end >= d))
			k++;
		out->outside_days += k == ahi;
	}
	return 0;
}

const char *zc_registry_grade(int level, zc_lang lang)
{
	switch (level) {
	case ZC_LEVEL_TOWNSHIP: return L("乡镇", "township");
	case ZC_LEVEL_DISTRICT: return L("区级", "district");
	case ZC_LEVEL_CITY: return L("市级", "city");
	default: return L("未", "none");
	}
}

static size_t append_f(char *out, size_t cap, size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t append_f(char *out, size_t cap, size_t n, const char *fmt, ...)
{
	if (n >= cap)
		return n;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out + n, cap - n, fmt, ap);
	va_end(ap);
	return k < 0 ? n : n + (size_t)k;
}

void zc_registry_leave_refusal(const zc_leave_check *c, zc_lang lang, char *out, size_t cap)
{
	char a[11], b[11];
	size_t n = 0;
	if (!cap)
		return;
	out[0] = 0;
	zc_day_format(c->bstart, a);
	zc_day_format(c->bend, b);
	if (!c->njoined) {
		n = append_f(out, cap, n, L("该请假共 %d 天（%s 至 %s）", "the leave is %d days (%s to %s)"),
			     (int)(c->bend - c->bstart + 1), a, b);
	} else {
		n = append_f(
		    out, cap, n, "%s",
		    L("该请假与 ", c->njoined > 1 ? "the leave joins the leaves " : "the leave joins the leave "));
		for (size_t i = 0; i < c->njoined && i < ZC_LEAVE_JOINED_MAX; i++) {
			char x[11], y[11];
			zc_day_format(c->joined[i].start, x);
			zc_day_format(c->joined[i].end, y);
			n = append_f(out, cap, n, L("%s%s 至 %s", "%s%s to %s"), i ? L("、", ", ") : "", x, y);
		}
		if (c->njoined > ZC_LEAVE_JOINED_MAX)
			n = append_f(out, cap, n, L(" 等 %zu 项", " and %zu more"), c->njoined - ZC_LEAVE_JOINED_MAX);
		n = append_f(out, cap, n, L(" 的请假连成 %s 至 %s 共 %d 天", " into one leave %s to %s of %d days"), a,
			     b, (int)(c->bend - c->bstart + 1));
	}
	append_f(out, cap, n, L("，须%s审批；所填审批级别为%s", ", which needs %s approval; the level given is %s"),
		 zc_registry_grade(c->required, lang), zc_registry_label(zc_level_name(c->level), lang));
}

/* The warnings; joined: also about stored leaves of the block now approved
 * below its level. */
static size_t leave_warnings(const zc_leave_check *c, int joined, zc_lang lang, char (*lines)[512], size_t max)
{
	char a[11], b[11];
	size_t n = 0;
	if (c->outside_days && n < max)
		snprintf(lines[n++], 512,
			 L("该请假有 %d 天不在该干部的派驻期内", "the cadre has no assignment on %d days of the leave"),
			 c->outside_days);
	if (c->overlap_id && n < max) {
		zc_day_format(c->overlap_start, a);
		zc_day_format(c->overlap_end, b);
		snprintf(lines[n++], 512,
			 L("该请假与已登记的请假 #%" PRId64 "（%s 至 %s）日期重叠",
			   "the leave overlaps stored leave #%" PRId64 " (%s to %s)"),
			 c->overlap_id, a, b);
	}
	for (size_t i = 0; joined && i < c->njoined && i < ZC_LEAVE_JOINED_MAX && n < max; i++) {
		char x[11], y[11];
		if (c->joined[i].level >= c->required)
			continue;
		zc_day_format(c->joined[i].start, x);
		zc_day_format(c->joined[i].end, y);
		zc_day_format(c->bstart, a);
		zc_day_format(c->bend, b);
		snprintf(lines[n++], 512,
			 L("已登记的请假 #%" PRId64 "（%s 至 %s，%s审批）由此属于 %s 至 %s 共 %d 天的请假，须%s审批，"
			   "将记为审批级别不足",
			   "stored leave #%" PRId64
			   " (%s to %s, approved by %s) is now part of the leave %s to %s of %d "
			   "days, which needs %s approval: it will be reported as approved below its level"),
			 c->joined[i].id, x, y, zc_registry_grade(c->joined[i].level, lang), a, b,
			 (int)(c->bend - c->bstart + 1), zc_registry_grade(c->required, lang));
	}
	return n;
}

size_t zc_registry_leave_warnings(const zc_leave_check *c, zc_lang lang, char (*lines)[512], size_t max)
{
	return c && lines ? leave_warnings(c, 1, lang, lines, max) : 0;
}

size_t zc_registry_leave_own_warnings(const zc_leave_check *c, zc_lang lang, char (*lines)[512], size_t max)
{
	return c && lines ? leave_warnings(c, 0, lang, lines, max) : 0;
}
