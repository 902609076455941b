/* SPDX-License-Identifier: Apache-2.0 */
/*
 * names.c: ids or names for cadres, villages, townships and districts
 * (zc/names.h).
 */
#include "zc/names.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "zc/err.h"

#define MAX_LISTED 8

typedef struct ent {
	size_t n;
	const char *(*id)(const zc_registry *r, size_t i);
	const char *(*name)(const zc_registry *r, size_t i);
	const char *zh, *en; /* 干部 / cadre */
} ent;

static const char *d_id(const zc_registry *r, size_t i)
{
	return r->districts[i].id;
}
static const char *d_name(const zc_registry *r, size_t i)
{
	return r->districts[i].name;
}
static const char *t_id(const zc_registry *r, size_t i)
{
	return r->townships[i].id;
}
static const char *t_name(const zc_registry *r, size_t i)
{
	return r->townships[i].name;
}
static const char *v_id(const zc_registry *r, size_t i)
{
	return r->villages[i].id;
}
static const char *v_name(const zc_registry *r, size_t i)
{
	return r->villages[i].name;
}
static const char *c_id(const zc_registry *r, size_t i)
{
	return r->cadres[i].id;
}
static const char *c_name(const zc_registry *r, size_t i)
{
	return r->cadres[i].name;
}
static const char *k_id(const zc_registry *r, size_t i)
{
	return r->terminals[i].id;
}
static const char *k_name(const zc_registry *r, size_t i)
{
	(void)r;
	(void)i;
	return NULL;
}

static int entity_of(const zc_registry *r, const char *entity, ent *e)
{
	if (!strcmp(entity, "districts"))
		*e = (ent){r->ndistricts, d_id, d_name, "区", "district"};
	else if (!strcmp(entity, "townships"))
		*e = (ent){r->ntownships, t_id, t_name, "乡镇", "township"};
	else if (!strcmp(entity, "villages"))
		*e = (ent){r->nvillages, v_id, v_name, "村", "village"};
	else if (!strcmp(entity, "cadres"))
		*e = (ent){r->ncadres, c_id, c_name, "干部", "cadre"};
	else if (!strcmp(entity, "terminals"))
		*e = (ent){r->nterminals, k_id, k_name, "终端", "terminal"};
	else
		return ZC_EARG;
	return 0;
}

int zc_name_matches(const char *name, const char *needle)
{
	if (!needle || !*needle)
		return 1;
	if (!name)
		return 0;
	size_t n = strlen(needle);
	for (const char *p = name; *p; p++) {
		size_t k = 0;
		while (k < n && p[k]) {
			char a = p[k], b = needle[k];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			k++;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

static zc_day today(int tz_offset_min)
{
	return zc_day_of_utc((int64_t)time(NULL) * 1000, tz_offset_min);
}

int zc_name_cadre_village(const zc_registry *r, int c, zc_day day)
{
	int latest = -1;
	for (size_t i = 0; i < r->nassignments; i++) {
		const zc_r_assignment *a = &r->assignments[i];
		if (a->cadre != c)
			continue;
		if (day >= a->start && day <= a->end)
			return a->village;
		if (latest < 0 || a->start > r->assignments[latest].start)
			latest = (int)i;
	}
	return latest < 0 ? -1 : r->assignments[latest].village;
}

/* "C012 王强（市林草局，新地村）", "V01 新地村（千里山镇）", "T01 千里山镇（海勃湾区）" */
static void describe(const zc_registry *r, const char *entity, const ent *e, size_t i, zc_lang lang, char *out,
		     size_t cap)
{
	const char *name = e->name(r, i);
	const char *open = lang == ZC_LANG_EN ? " (" : "（", *close = lang == ZC_LANG_EN ? ")" : "）";
	const char *sep = lang == ZC_LANG_EN ? ", " : "，";
	if (!strcmp(entity, "cadres")) {
		int v = zc_name_cadre_village(r, (int)i, today(r->policy.tz_offset_min));
		snprintf(out, cap, "%s %s%s%s%s%s%s", e->id(r, i), name, open,
			 r->cadres[i].unit ? r->cadres[i].unit : "", v >= 0 ? sep : "",
			 v >= 0 ? r->villages[v].name : "", close);
	} else if (!strcmp(entity, "villages")) {
		snprintf(out, cap, "%s %s%s%s%s", e->id(r, i), name, open, r->townships[r->villages[i].township].name,
			 close);
	} else if (!strcmp(entity, "townships") && r->townships[i].district >= 0) {
		snprintf(out, cap, "%s %s%s%s%s", e->id(r, i), name, open, r->districts[r->townships[i].district].name,
			 close);
	} else {
		snprintf(out, cap, "%s%s%s", e->id(r, i), name ? " " : "", name ? name : "");
	}
}

static void append(char *err, size_t errlen, const char *s)
{
	size_t n = strlen(err);
	if (n < errlen)
		snprintf(err + n, errlen - n, "%s", s);
}

/* err gets the head line, then each listed candidate on a line of its own. */
static int list_candidates(const zc_registry *r, const char *entity, const ent *e, const char *text, int exact,
			   zc_lang lang, char *err, size_t errlen)
{
	char line[512];
	size_t shown = 0, total = 0;
	for (size_t i = 0; i < e->n; i++) {
		const char *nm = e->name(r, i);
		int hit =
		    exact ? nm && !strcmp(nm, text) : zc_name_matches(nm, text) || zc_name_matches(e->id(r, i), text);
		if (!hit)
			continue;
		total++;
		if (shown++ >= MAX_LISTED)
			continue;
		describe(r, entity, e, i, lang, line, sizeof line);
		append(err, errlen, "\n  ");
		append(err, errlen, line);
	}
	if (total > MAX_LISTED) {
		snprintf(line, sizeof line, lang == ZC_LANG_EN ? "\n  ... and %zu more" : "\n  ……另有 %zu 个",
			 total - MAX_LISTED);
		append(err, errlen, line);
	}
	return (int)total;
}

int zc_name_resolve(const zc_registry *r, const char *entity, const char *text, zc_lang lang, int *index, char *err,
		    size_t errlen)
{
	ent e;
	int en = lang == ZC_LANG_EN;
	if (err && errlen)
		err[0] = 0;
	if (!r || !entity || !text || !index || entity_of(r, entity, &e))
		return ZC_EARG;
	for (size_t i = 0; i < e.n; i++)
		if (!strcmp(e.id(r, i), text)) {
			*index = (int)i;
			return 0;
		}
	int found = -1, count = 0;
	for (size_t i = 0; i < e.n; i++) {
		const char *nm = e.name(r, i);
		if (nm && !strcmp(nm, text)) {
			found = (int)i;
			count++;
		}
	}
	if (count == 1) {
		*index = found;
		return 0;
	}
	if (count > 1) {
		snprintf(err, errlen,
			 en ? "%d %ss are named %s; give the id of the one you mean:"
			    : "有 %d 个%s名为 %s，请用编号指明：",
			 count, en ? e.en : e.zh, text);
		list_candidates(r, entity, &e, text, 1, lang, err, errlen);
		return ZC_EEXIST;
	}
	snprintf(err, errlen, en ? "no %s has the id or name %s" : "没有编号或名称为 %s 的%s", en ? e.en : text,
		 en ? text : e.zh);
	size_t at = strlen(err);
	if (list_candidates(r, entity, &e, text, 0, lang, err, errlen) > 0 && at < errlen) {
		char tail[1024];
		snprintf(tail, sizeof tail, "%s", err + at);
		snprintf(err + at, errlen - at, "%s%s", en ? "; did you mean:" : "；是否要找：", tail);
	}
	return ZC_ENOENT;
}
