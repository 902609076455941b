/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_calc.c: the figures the views add to the engine's result
 * (zc/report.h), every one from the engine's day statuses and rows, none
 * recomputing a status: each terminal's collection state and the PENDING
 * days waiting for it, the pace of each year row (the days a cadre should
 * have by as_of), and the breakdown by district, township and dispatching
 * unit.
 */
#include "zc/report.h"

#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/record.h"
#include "zc/utf8.h"

#define L(zh, en) (lang == 1 ? (en) : (zh))

void zc_report_local_time(int64_t utc_ms, int tz_offset_min, int iso, char out[32])
{
	if (!zc_utc_ms_valid(utc_ms)) { /* never a record's time: refused when decoded */
		snprintf(out, 32, "invalid");
		return;
	}
	int64_t s = utc_ms / 1000 - (utc_ms % 1000 < 0) + (int64_t)tz_offset_min * 60;
	int64_t day = s / 86400 - (s % 86400 < 0);
	unsigned sod = (unsigned)(s - day * 86400), tz = (unsigned)(tz_offset_min < 0 ? -tz_offset_min : tz_offset_min);
	unsigned hh = sod / 3600 % 24, mm = sod / 60 % 60, ss = sod % 60;
	char d[11];
	zc_day_format((zc_day)day, d);
	if (iso)
		snprintf(out, 32, "%.10sT%02u:%02u:%02u%c%02u:%02u", d, hh, mm, ss, tz_offset_min < 0 ? '-' : '+',
			 tz / 60 % 24, tz % 60);
	else
		snprintf(out, 32, "%.10s %02u:%02u", d, hh, mm);
}

/* ---- collection state ---- */

/* The PENDING days of the scope's cadres, each added to the terminals of
 * its township (rows linked per township by head/next) that had not
 * delivered the day's evidence. */
static void count_pending(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			  zc_report_terminal_row *v, const int *head, const int *next)
{
	int64_t tz_ms = (int64_t)in->policy.tz_offset_min * 60000;
	for (size_t c = 0; c < in->ncadres && c < r->ncadres; c++) {
		if (!zc_report_scope_cadre(in, sc, (int)c) || !r->status[c])
			continue;
		zc_day last = r->first[c] + r->span[c] - 1;
		for (zc_day d = r->first[c]; d <= last && d <= r->as_of; d++) {
			if (zc_rules_day_status(r, (int)c, d) != ZC_ST_PENDING)
				continue;
			int vil = zc_report_village_on(in, r, (int)c, d);
			if (!zc_report_scope_village(in, sc, vil))
				continue;
			int64_t end = (int64_t)(d + 1) * 86400000 - tz_ms;
			for (int k = head[in->villages[vil].township]; k >= 0; k = next[k])
				if (v[k].collected_until_ms < end)
					v[k].pending_days++;
		}
	}
}

int zc_report_terminal_rows(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			    zc_report_terminal_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	zc_report_terminal_row *v = calloc(in->nterminals + 1, sizeof *v);
	int *head = malloc((in->ntownships + 1) * sizeof *head), *next = malloc((in->nterminals + 1) * sizeof *next);
	int *row_of = malloc((in->nterminals + 1) * sizeof *row_of);
	if (!v || !head || !next || !row_of) {
		free(v);
		free(head);
		free(next);
		free(row_of);
		return ZC_ENOMEM;
	}
	size_t nv = 0;
	for (size_t t = 0; t < in->ntownships; t++)
		head[t] = -1;
	for (size_t k = 0; k < in->nterminals; k++) {
		row_of[k] = -1;
		int t = in->terminals[k].township;
		if (!zc_report_scope_terminal(in, sc, (int)k) || t < 0 || (size_t)t >= in->ntownships)
			continue;
		v[nv] = (zc_report_terminal_row){.terminal = (int)k,
						 .collected_until_ms = in->terminals[k].collected_until_ms};
		next[nv] = head[t];
		head[t] = (int)nv;
		row_of[k] = (int)nv++;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const zc_r_finding *f = &r->findings[i];
		if (f->subject_kind == ZC_SUBJ_TERMINAL && f->subject >= 0 && (size_t)f->subject < in->nterminals &&
		    row_of[f->subject] >= 0 && !strcmp(f->type, "collection_overdue"))
			v[row_of[f->subject]].overdue = 1;
	}
	count_pending(in, r, sc, v, head, next);
	free(head);
	free(next);
	free(row_of);
	if (!nv) {
		free(v);
		v = NULL;
	}
	*rows = v;
	*n = nv;
	return 0;
}

void zc_report_overdue_text(const zc_rules_input *in, const zc_report_terminal_row *t, int lang, char *buf, size_t len)
{
	const zc_r_terminal *k = &in->terminals[t->terminal];
	const char *tw = zc_report_township_name(in, k->township);
	int days = in->policy.max_collection_lag_days;
	char when[32];
	if (t->collected_until_ms == ZC_NEVER_COLLECTED) {
		zc_utf8_snprintf(
		    buf, len,
		    L("终端 %s 从未收取，其所在乡镇（%s）的日期为未收取，不计缺勤",
		      "Terminal %s has never been collected: the dates of its township (%s) are pending, not absent"),
		    k->id, tw);
		return;
	}
	zc_report_local_time(t->collected_until_ms, in->policy.tz_offset_min, 0, when);
	zc_utf8_snprintf(
	    buf, len,
	    L("终端 %s 已超过 %d 天未收取，此后的日期为未收取，不计缺勤（%s，最后收取于 %s）",
	      "Terminal %s has not been collected for more than %d days: later dates are pending, not absent "
	      "(%s, last collected %s)"),
	    k->id, days, tw, when);
}

/* ---- pace ---- */

int zc_report_pace(const zc_rules_input *in, const zc_rules_result *r, int *expected)
{
	int *head = malloc((in->ncadres + 1) * sizeof *head), *next = malloc((r->nyears + 1) * sizeof *next);
	int64_t *cov = calloc(r->nyears + 1, sizeof *cov), *ela = calloc(r->nyears + 1, sizeof *ela);
	int rc = head && next && cov && ela ? 0 : ZC_ENOMEM;
	for (size_t c = 0; !rc && c < in->ncadres; c++)
		head[c] = -1;
	for (size_t i = 0; !rc && i < r->nyears; i++) {
		int c = r->years[i].cadre;
		next[i] = -1;
		if (c >= 0 && (size_t)c < in->ncadres) {
			next[i] = head[c];
			head[c] = (int)i;
		}
	}
	/* covered and elapsed dates of each row's year (one assignment a date) */
	for (size_t k = 0; !rc && k < in->nassignments; k++) {
		const zc_r_assignment *a = &in->assignments[k];
		if (a->cadre < 0 || (size_t)a->cadre >= in->ncadres)
			continue;
		for (int i = head[a->cadre]; i >= 0; i = next[i]) {
			int y = r->years[i].year;
			zc_day lo = zc_day_from_ymd(y, 1, 1), hi = zc_day_from_ymd(y, 12, 31);
			lo = a->start > lo ? a->start : lo;
			hi = a->end < hi ? a->end : hi;
			if (lo > hi)
				continue;
			cov[i] += hi - lo + 1;
			if (hi > r->as_of)
				hi = r->as_of;
			if (lo <= hi)
				ela[i] += hi - lo + 1;
		}
	}
	/* PENDING dates are not elapsed yet as far as anyone can know: a
	 * terminal not collected must not put its township behind pace */
	for (size_t i = 0; !rc && i < r->nyears; i++) {
		int64_t known = ela[i] - r->years[i].pending_days;
		if (known < 0)
			known = 0;
		expected[i] = cov[i] ? (int)(((int64_t)r->years[i].required_days * known + cov[i] - 1) / cov[i]) : 0;
	}
	free(head);
	free(next);
	free(cov);
	free(ela);
	return rc;
}

/* ---- breakdown ---- */

typedef struct unitkey {
	const char *unit;
	int cadre;
} unitkey;

static int unitkey_cmp(const void *a, const void *b)
{
	const unitkey *x = a, *y = b;
	int k = strcmp(x->unit, y->unit);
	return k ? k : (x->cadre > y->cadre) - (x->cadre < y->cadre);
}

static int group_cmp(const void *a, const void *b)
{
	const zc_report_group_row *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	long long sx = (long long)x->behind * y->cadres, sy = (long long)y->behind * x->cadres;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->recall != y->recall)
		return y->recall - x->recall;
	if (x->cadres != y->cadres)
		return y->cadres - x->cadres;
	return strcmp(x->name, y->name);
}

/* Per cadre in scope: the village of their current assignment in scope
 * (home), whether their latest year row is behind pace, on the recall list. */
typedef struct cadre_facts {
	int home, lastrow, behind, recall, unit;
} cadre_facts;

static int cadre_facts_fill(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			    cadre_facts *cf)
{
	int *expected = malloc((r->nyears + 1) * sizeof *expected);
	if (!expected || zc_report_pace(in, r, expected)) {
		free(expected);
		return ZC_ENOMEM;
	}
	for (size_t c = 0; c < in->ncadres; c++)
		cf[c] = (cadre_facts){.home = -1, .lastrow = -1, .unit = -1};
	for (size_t k = 0; k < in->nassignments; k++) {
		const zc_r_assignment *a = &in->assignments[k];
		if (a->cadre < 0 || (size_t)a->cadre >= in->ncadres || !zc_report_scope_village(in, sc, a->village))
			continue;
		cadre_facts *f = &cf[a->cadre];
		const zc_r_assignment *h = f->home >= 0 ? &in->assignments[f->home] : NULL;
		int started = a->start <= r->as_of, hstarted = h && h->start <= r->as_of;
		if (!h || (started && (!hstarted || a->start > h->start)) ||
		    (!started && !hstarted && a->start < h->start))
			f->home = (int)k;
	}
	for (size_t i = 0; i < r->nyears; i++) {
		cadre_facts *f = &cf[r->years[i].cadre];
		if (f->lastrow < 0 || r->years[f->lastrow].year < r->years[i].year)
			f->lastrow = (int)i;
	}
	for (size_t c = 0; c < in->ncadres; c++)
		if (cf[c].lastrow >= 0)
			cf[c].behind = r->years[cf[c].lastrow].counted_days < expected[cf[c].lastrow];
	for (size_t i = 0; i < r->nrecall; i++)
		cf[r->recall[i].cadre].recall = 1;
	free(expected);
	return 0;
}

/* Number the distinct dispatching units of the cadres in scope (cf[c].unit)
 * and name them into names; returns how many. */
static size_t number_units(const zc_rules_input *in, cadre_facts *cf, unitkey *keys, const char **names, int lang)
{
	size_t nk = 0, nu = 0;
	for (size_t c = 0; c < in->ncadres; c++)
		if (cf[c].home >= 0)
			keys[nk++] =
			    (unitkey){in->cadres[c].unit && *in->cadres[c].unit ? in->cadres[c].unit : "", (int)c};
	if (nk)
		qsort(keys, nk, sizeof *keys, unitkey_cmp);
	for (size_t i = 0; i < nk; i++) {
		if (!i || strcmp(keys[i].unit, keys[i - 1].unit))
			names[nu++] = *keys[i].unit ? keys[i].unit : L("（未填写）", "(not given)");
		cf[keys[i].cadre].unit = (int)nu - 1;
	}
	return nu;
}

/* Add a cadre's counts or an allowance to the three groups it falls in. */
static void group_add(zc_report_group_row *g, size_t base_tw, size_t base_unit, const zc_rules_input *in, int village,
		      int unit, const cadre_facts *f, int64_t fen)
{
	int t = in->villages[village].township, d = in->townships[t].district;
	size_t ix[3] = {d >= 0 && (size_t)d < in->ndistricts ? (size_t)d : in->ndistricts, base_tw + (size_t)t,
			base_unit + (size_t)unit};
	for (int k = 0; k < 3; k++) {
		if (k == 2 && unit < 0)
			continue;
		if (f) {
			g[ix[k]].cadres++;
			g[ix[k]].behind += f->behind;
			g[ix[k]].recall += f->recall;
		}
		g[ix[k]].allowance_fen += fen;
	}
}

static int breakdown_fill(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o, cadre_facts *cf,
			  zc_report_group_row *g, size_t base_unit, size_t nunits, const char **units)
{
	int lang = o->lang;
	size_t base_tw = in->ndistricts + 1;
	for (size_t d = 0; d <= in->ndistricts; d++)
		g[d] = (zc_report_group_row){
		    .kind = ZC_GROUP_DISTRICT,
		    .name = d < in->ndistricts ? zc_report_name_or_id(in->districts[d].name, in->districts[d].id)
					       : L("（未归属区）", "(no district)")};
	for (size_t t = 0; t < in->ntownships; t++)
		g[base_tw + t] =
		    (zc_report_group_row){.kind = ZC_GROUP_TOWNSHIP, .name = zc_report_township_name(in, (int)t)};
	for (size_t u = 0; u < nunits; u++)
		g[base_unit + u] = (zc_report_group_row){.kind = ZC_GROUP_UNIT, .name = units[u]};
	for (size_t c = 0; c < in->ncadres; c++)
		if (cf[c].home >= 0)
			group_add(g, base_tw, base_unit, in, in->assignments[cf[c].home].village, cf[c].unit, &cf[c],
				  0);
	zc_report_allowance_row *rows;
	size_t n;
	if (zc_report_allowance_rows(in, r, o, &rows, &n))
		return ZC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		group_add(g, base_tw, base_unit, in, rows[i].village, cf[rows[i].cadre].unit, NULL, rows[i].amount_fen);
	free(rows);
	return 0;
}

int zc_report_breakdown(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			zc_report_group_row **rows, size_t *n)
{
	zc_report_opts none = {0};
	if (!o)
		o = &none;
	*rows = NULL;
	*n = 0;
	size_t base_unit = in->ndistricts + 1 + in->ntownships, ng = base_unit + in->ncadres;
	cadre_facts *cf = malloc((in->ncadres + 1) * sizeof *cf);
	unitkey *keys = malloc((in->ncadres + 1) * sizeof *keys);
	const char **units = malloc((in->ncadres + 1) * sizeof *units);
	zc_report_group_row *g = calloc(ng + 1, sizeof *g);
	int rc = cf && keys && units && g ? cadre_facts_fill(in, r, o->scope, cf) : ZC_ENOMEM;
	if (!rc) {
		size_t nu = number_units(in, cf, keys, units, o->lang);
		rc = breakdown_fill(in, r, o, cf, g, base_unit, nu, units);
		ng = base_unit + nu;
	}
	size_t k = 0;
	for (size_t i = 0; !rc && i < ng; i++)
		if (g[i].cadres || g[i].allowance_fen)
			g[k++] = g[i];
	if (k)
		qsort(g, k, sizeof *g, group_cmp);
	free(cf);
	free(keys);
	free(units);
	if (rc || !k) {
		free(g);
		return rc;
	}
	*rows = g;
	*n = k;
	return 0;
}
