/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_lists.c: `zhucun cadres|villages|townships|terminals [--search TEXT]
 * [--json]`: the registry as people know it, by name; terminals with their
 * township, their last collection and whether it is overdue (RULES.md 10).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/record.h"
#include "zc/names.h"
#include "zc/registry.h"
#include "zc/rules.h"

/* Display width of UTF-8 text: CJK and full-width forms count 2. */
static int text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned c = *p;
		int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		unsigned cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
		for (int k = 1; k < len && p[k]; k++)
			cp = cp << 6 | (p[k] & 0x3F);
		w += (cp >= 0x1100 &&
		      (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
		       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60)))
			 ? 2
			 : 1;
		for (int k = 0; k < len && *p; k++)
			p++;
	}
	return w;
}

/* Print cells padded to widths; the last cell is not padded. */
static void row(int n, const int *width, const char *const *cell)
{
	for (int i = 0; i < n; i++) {
		fputs(cell[i] ? cell[i] : "", stdout);
		if (i + 1 < n)
			for (int k = text_width(cell[i] ? cell[i] : ""); k < width[i]; k++)
				putchar(' ');
	}
	putchar('\n');
}

typedef struct opts {
	const char *search;
	int json;
} opts;

static int parse(int argc, char **argv, opts *o)
{
	static const struct option lo[] = {
	    {"search", required_argument, 0, 's'}, {"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "s:j", lo, NULL)) != -1) {
		if (c == 's')
			o->search = optarg;
		else if (c == 'j')
			o->json = 1;
		else
			return 2;
	}
	if (optind != argc) {
		zc_cli_err(T("用法：zhucun %s [--search 文字] [--json]", "usage: zhucun %s [--search TEXT] [--json]"),
			   argv[0]);
		return 2;
	}
	return 0;
}

static zc_registry *load(zc_store **s)
{
	char err[512];
	zc_registry *r = NULL;
	if (!(*s = zc_cli_open_store_read()))
		return NULL;
	if (zc_registry_load_l(*s, zc_lang_get(), &r, err, sizeof err)) {
		zc_cli_err(T("无法读取登记信息：%s", "cannot read the registry: %s"), err);
		zc_store_close(*s);
		*s = NULL;
	}
	return r;
}

static int hit(const opts *o, const char *a, const char *b, const char *c)
{
	return zc_name_matches(a, o->search) || zc_name_matches(b, o->search) || zc_name_matches(c, o->search);
}

static void finish(json_t *arr, size_t shown, int json)
{
	if (json) {
		char *txt = json_dumps(arr, JSON_INDENT(2));
		if (txt)
			puts(txt);
		free(txt);
	} else if (!shown) {
		puts(T("（没有符合条件的记录）", "(nothing matches)"));
	}
	json_decref(arr);
}

static zc_day today(const zc_registry *r)
{
	return zc_day_of_utc((int64_t)time(NULL) * 1000, r->policy.tz_offset_min);
}

static int list_cadres(const zc_registry *r, const opts *o)
{
	static const int w[] = {8, 10, 10, 18, 12, 0};
	const char *head[] = {T("编号", "id"),	     T("姓名", "name"),	   T("职务", "role"),
			      T("派出单位", "unit"), T("驻村", "village"), T("乡镇", "township")};
	json_t *arr = json_array();
	size_t shown = 0;
	zc_day now = today(r);
	for (size_t i = 0; i < r->ncadres; i++) {
		const zc_r_cadre *c = &r->cadres[i];
		int v = zc_name_cadre_village(r, (int)i, now);
		const char *vn = v >= 0 ? r->villages[v].name : "",
			   *tn = v >= 0 ? r->townships[r->villages[v].township].name : "";
		if (!hit(o, c->id, c->name, c->unit) && !zc_name_matches(vn, o->search))
			continue;
		const char *role =
		    c->role == ZC_ROLE_FIRST_SECRETARY ? T("第一书记", "first secretary") : T("队员", "member");
		if (o->json) {
			json_array_append_new(
			    arr, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "id", c->id, "name", c->name, "role",
					   c->role == ZC_ROLE_FIRST_SECRETARY ? "first_secretary" : "member", "unit",
					   c->unit ? c->unit : "", "village", v >= 0 ? r->villages[v].id : NULL,
					   "township", v >= 0 ? r->townships[r->villages[v].township].id : NULL));
		} else {
			if (!shown)
				row(6, w, head);
			const char *cell[] = {c->id, c->name, role, c->unit, vn, tn};
			row(6, w, cell);
		}
		shown++;
	}
	finish(arr, shown, o->json);
	return 0;
}

static int list_places(const zc_registry *r, const opts *o, int villages)
{
	static const int w[] = {8, 14, 14, 0};
	const char *head[] = {T("编号", "id"), T("名称", "name"),
			      villages ? T("乡镇", "township") : T("区", "district"),
			      villages ? T("日补助（元）", "daily allowance (yuan)") : T("村数", "villages")};
	json_t *arr = json_array();
	size_t shown = 0, n = villages ? r->nvillages : r->ntownships;
	for (size_t i = 0; i < n; i++) {
		const char *id, *name, *parent;
		char extra[32];
		if (villages) {
			const zc_r_village *v = &r->villages[i];
			id = v->id;
			name = v->name;
			parent = r->townships[v->township].name;
			snprintf(extra, sizeof extra, "%lld.%02lld", (long long)(v->rate_fen / 100),
				 (long long)(v->rate_fen % 100));
		} else {
			const zc_r_township *t = &r->townships[i];
			size_t nv = 0;
			for (size_t k = 0; k < r->nvillages; k++)
				nv += r->villages[k].township == (int)i;
			id = t->id;
			name = t->name;
			parent = t->district >= 0 ? r->districts[t->district].name : "";
			snprintf(extra, sizeof extra, "%zu", nv);
		}
		if (!hit(o, id, name, parent))
			continue;
		if (o->json) {
			json_t *j = json_pack("{s:s, s:s, s:s}", "id", id, "name", name ? name : "",
					      villages ? "township" : "district", parent ? parent : "");
			json_object_set_new(j, villages ? "rate_fen" : "villages",
					    json_integer(villages ? r->villages[i].rate_fen : atoll(extra)));
			json_array_append_new(arr, j);
		} else {
			if (!shown)
				row(4, w, head);
			const char *cell[] = {id, name, parent, extra};
			row(4, w, cell);
		}
		shown++;
	}
	finish(arr, shown, o->json);
	return 0;
}

/* Parse, load the registry, list, release. */
static int list_cmd(int argc, char **argv, int (*fn)(const zc_registry *r, const opts *o, int villages))
{
	opts o;
	zc_store *s;
	if (parse(argc, argv, &o))
		return 2;
	zc_registry *r = load(&s);
	if (!r)
		return 1;
	int rc = fn(r, &o, !strcmp(argv[0], "villages"));
	zc_registry_free(r);
	zc_store_close(s);
	return rc;
}

static int list_cadres_cmd(const zc_registry *r, const opts *o, int villages)
{
	(void)villages;
	return list_cadres(r, o);
}

int zc_cmd_cadres(int argc, char **argv)
{
	return list_cmd(argc, argv, list_cadres_cmd);
}

int zc_cmd_villages(int argc, char **argv)
{
	return list_cmd(argc, argv, list_places);
}

/* ---- terminals: registry and store together ---- */

typedef struct trow {
	const char *id;
	const char *township; /* name; NULL: not in the registry */
	const char *township_id;
	const zc_store_terminal_info *info; /* NULL: never registered a key */
	int64_t collected;		    /* ZC_NEVER_COLLECTED: never */
	int overdue;
} trow;

static void local_time(int64_t ms, int tz, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000) + (time_t)tz * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
}

static void terminal_row(const zc_registry *r, const opts *o, const trow *t, json_t *arr, size_t *shown)
{
	static const int w[] = {8, 14, 18, 10, 10, 0};
	char when[32] = "", recs[32] = "", head[32] = "", fp[65] = "";
	if (t->collected != ZC_NEVER_COLLECTED)
		local_time(t->collected, r->policy.tz_offset_min, when, sizeof when);
	if (t->info) {
		snprintf(recs, sizeof recs, "%lld", (long long)t->info->records);
		snprintf(head, sizeof head, "%llu", (unsigned long long)t->info->head);
		zc_hex(t->info->key_fp, 8, fp);
	}
	if (o->json) {
		json_t *j = json_pack("{s:s, s:s?, s:s?}", "id", t->id, "township", t->township_id, "township_name",
				      t->township);
		if (t->info) {
			json_object_set_new(j, "key_fp", json_string(fp));
			json_object_set_new(j, "records", json_integer(t->info->records));
			json_object_set_new(j, "head", json_integer((json_int_t)t->info->head));
		}
		json_object_set_new(j, "collected_until",
				    t->collected == ZC_NEVER_COLLECTED ? json_null() : json_string(when));
		json_object_set_new(j, "overdue", json_boolean(t->overdue));
		json_array_append_new(arr, j);
	} else {
		if (!*shown) {
			const char *h[] = {
			    T("编号", "id"),	    T("乡镇", "township"), T("最后收取", "last collection"),
			    T("记录数", "records"), T("最新序号", "head"), T("状态", "state")};
			row(6, w, h);
		}
		char state[128];
		snprintf(state, sizeof state, "%s%s%s",
			 t->overdue ? T("⚠ 逾期未收取", "! collection overdue") : T("正常", "ok"),
			 t->township ? "" : T("；未登记所属乡镇", "; no township registered"),
			 t->info ? "" : T("；尚未配置", "; not provisioned"));
		const char *cell[] = {t->id,
				      t->township ? t->township : "-",
				      t->collected == ZC_NEVER_COLLECTED ? T("从未收取", "never") : when,
				      t->info ? recs : "-",
				      t->info ? head : "-",
				      state};
		row(6, w, cell);
	}
	(*shown)++;
}

int zc_cmd_terminals(int argc, char **argv)
{
	opts o;
	zc_store *s;
	if (parse(argc, argv, &o))
		return 2;
	zc_registry *r = load(&s);
	if (!r)
		return 1;
	zc_store_terminal_info *ti = NULL;
	size_t nti = 0;
	if (zc_store_terminals(s, &ti, &nti)) {
		zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
		zc_registry_free(r);
		zc_store_close(s);
		return 1;
	}
	/* the registry's terminals by id, then keys nobody placed in a township */
	int64_t limit = ((int64_t)(today(r) + 1) * 86400 - (int64_t)r->policy.tz_offset_min * 60) * 1000 -
			(int64_t)r->policy.max_collection_lag_days * 86400000;
	json_t *arr = json_array();
	size_t shown = 0;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t n = pass ? nti : r->nterminals;
		for (size_t i = 0; i < n; i++) {
			trow t = {0};
			t.id = pass ? ti[i].id : r->terminals[i].id;
			if (pass && zc_registry_find(r, "terminals", t.id) >= 0)
				continue;
			if (!pass) {
				t.township = r->townships[r->terminals[i].township].name;
				t.township_id = r->townships[r->terminals[i].township].id;
			}
			for (size_t k = 0; k < nti; k++)
				if (!strcmp(ti[k].id, t.id))
					t.info = &ti[k];
			if (zc_store_collected_until(s, t.id, &t.collected))
				t.collected = ZC_NEVER_COLLECTED;
			t.overdue = t.township && (t.collected == ZC_NEVER_COLLECTED || t.collected < limit);
			if (hit(&o, t.id, t.township, NULL))
				terminal_row(r, &o, &t, arr, &shown);
		}
	}
	finish(arr, shown, o.json);
	zc_store_terminals_free(ti, nti);
	zc_registry_free(r);
	zc_store_close(s);
	return 0;
}

/* ---- times in the deployment's zone ---- */

void zc_cli_local_time(zc_store *s, int64_t ms, char *out, size_t cap)
{
	char err[256];
	zc_registry *r = NULL;
	int tz = 480;
	if (!zc_registry_load_l(s, zc_lang_get(), &r, err, sizeof err))
		tz = r->policy.tz_offset_min;
	zc_registry_free(r);
	local_time(ms, tz, out, cap);
}
