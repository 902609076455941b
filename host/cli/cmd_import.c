/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_import.c: the registry commands of zhucun (cli.h): import KIND FILE,
 * leave, duty, correction and inspection add/list/remove (one table-driven
 * command: entity_cmds[]), the audit log, and the badge CA trusted by the
 * host (ca add, ca revocations, ca list). The work is in
 * store_registry.c (zc/registry.h); here are arguments, messages in Chinese
 * and English, and exit codes: 0 ok, 1 failure (bad rows, files, the
 * database), 2 bad usage or an invalid argument value.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "zc/bytes.h"
#include "zc/dates.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/i18n.h"
#include "zc/registry.h"
#include "cli.h"

#define CERT_MAX_BYTES (1u << 20)
#define ZRL_MAX_BYTES  (8u << 20)

static void print_json(json_t *o)
{
	char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (txt)
		puts(txt);
	free(txt);
	json_decref(o);
}

static const char *iso_ms(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (ms < 0 || !gmtime_r(&t, &tm))
		snprintf(out, 32, "-");
	else
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

/* Exit code for a zc_err from the registry. */
static int exit_code(int rc)
{
	return rc == 0 ? 0 : rc == ZC_EARG ? 2 : 1;
}

/* ---- import ---- */

int zc_cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
	int json = 0, c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return 2;
	}
	if (argc - optind != 2) {
		zc_cli_err(T("用法：zhucun import 类型 文件.csv [--json]（类型见 zhucun --help）",
			     "usage: zhucun import KIND FILE.csv [--json] (kinds: see zhucun --help)"));
		return 2;
	}
	const char *kind = argv[optind], *file = argv[optind + 1];
	const char *const *names;
	size_t nk = zc_registry_kinds(&names), k;
	for (k = 0; k < nk && strcmp(kind, names[k]); k++)
		;
	if (k == nk) {
		char list[256] = "";
		for (size_t i = 0, n = 0; i < nk && n < sizeof list; i++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? " " : "", names[i]);
		zc_cli_err(T("未知的导入类型 '%s'（可用：%s）", "unknown import kind '%s' (one of: %s)"), kind, list);
		return 2;
	}
	zc_store *s = zc_cli_open_store();
	if (!s)
		return 1;
	zc_import_result res;
	char err[512];
	int rc = zc_registry_import(s, kind, file, NULL, zc_lang_get(), &res, err, sizeof err);
	zc_store_close(s);
	if (rc) {
		for (size_t i = 0; i < res.nerrors; i++)
			fprintf(stderr, "%s\n", res.errors[i]);
		if (res.more_errors)
			fprintf(stderr, "%s\n", T("……（还有更多错误，未列出）", "... (more errors not listed)"));
		zc_cli_err("%s", err);
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:b}", "kind", kind, "file", file, "ok", 0);
			json_object_set_new(o, "encoding", res.encoding ? json_string(res.encoding) : json_null());
			json_t *a = json_array();
			for (size_t i = 0; i < res.nerrors; i++)
				json_array_append_new(a, json_string(res.errors[i]));
			json_object_set_new(o, "errors", a);
			json_object_set_new(o, "more_errors", json_boolean(res.more_errors));
			print_json(o);
		}
		zc_import_result_free(&res);
		return 1;
	}
	for (size_t i = 0; i < res.nwarnings; i++)
		fprintf(stderr, "%s\n", res.warnings[i]);
	if (res.more_warnings)
		fprintf(stderr, "%s\n", T("……（还有更多警告，未列出）", "... (more warnings not listed)"));
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:b, s:s, s:I, s:I, s:I}", "kind", kind, "file", file, "ok", 1,
				      "encoding", res.encoding, "inserted", (json_int_t)res.inserted, "updated",
				      (json_int_t)res.updated, "unchanged", (json_int_t)res.unchanged);
		json_t *w = json_array();
		for (size_t i = 0; i < res.nwarnings; i++)
			json_array_append_new(w, json_string(res.warnings[i]));
		json_object_set_new(o, "warnings", w);
		print_json(o);
	} else
		printf(T("已导入 %s（%s，%s 编码）：新增 %zu 行，更新 %zu 行，未变 %zu 行\n",
			 "imported %s (%s, %s): %zu inserted, %zu updated, %zu unchanged\n"),
		       file, kind, res.encoding, res.inserted, res.updated, res.unchanged);
	zc_import_result_free(&res);
	return 0;
}

/* ---- leave, duty, corrections and inspections ---- */

/* The options of the entry commands, as bits. */
enum {
	O_CADRE = 1 << 0,
	O_FROM = 1 << 1,
	O_TO = 1 << 2,
	O_LEVEL = 1 << 3,
	O_REF = 1 << 4,
	O_KIND = 1 << 5,
	O_DATE = 1 << 6,
	O_REASON = 1 << 7,
	O_VILLAGE = 1 << 8,
	O_TIME = 1 << 9,
	O_INSPECTOR = 1 << 10,
	O_RESULT = 1 << 11,
	O_NOTE = 1 << 12,
	O_JSON = 1 << 13,
	O_TYPE = 1 << 14,
	O_PLACE = 1 << 15,
	O_PURPOSE = 1 << 16,
	O_FORCE = 1 << 17,
};

/* The entities, as bits. */
enum { E_LEAVE = 1, E_DUTY = 2, E_CORRECTION = 4, E_INSPECTION = 8 };

/* One entity's command: what add needs and may have, what list may have. */
typedef struct entity_cmd {
	const char *entity;
	unsigned bit; /* E_* */
	unsigned add_need, add_may, list_may;
	const char *usage_zh, *usage_en;
	const char *none_zh, *none_en; /* list found nothing */
} entity_cmd;

#define LIST_MAY (O_CADRE | O_FROM | O_TO | O_JSON)
static const entity_cmd entity_cmds[] = {
    {"leave", E_LEAVE, O_CADRE | O_FROM | O_TO | O_LEVEL, O_REF | O_TYPE | O_REASON | O_FORCE, LIST_MAY,
     "用法：zhucun leave add --cadre 编号或姓名 --from 日期 --to 日期 --level 审批级别 [--type 事假|病假|探亲假|其他] "
     "[--reason 事由] [--ref 批文号] [--force] | leave list [--cadre 编号或姓名] [--from 日期] [--to 日期] [--json] | "
     "leave remove 编号",
     "usage: zhucun leave add --cadre ID|NAME --from DATE --to DATE --level LEVEL [--type "
     "personal|sick|family_visit|other] [--reason TEXT] [--ref REF] [--force] | leave list [--cadre ID|NAME] "
     "[--from DATE] [--to DATE] [--json] | leave remove ID",
     "没有请假记录", "no leave"},
    {"duty", E_DUTY, O_CADRE | O_FROM | O_TO | O_KIND | O_LEVEL, O_PLACE | O_PURPOSE, LIST_MAY,
     "用法：zhucun duty add --cadre 编号或姓名 --from 日期 --to 日期 --kind 出差|会议|培训 --level 级别 [--place 地点] "
     "[--purpose 事由] | duty list [--cadre 编号或姓名] [--from 日期] [--to 日期] [--json] | duty remove 编号",
     "usage: zhucun duty add --cadre ID|NAME --from DATE --to DATE --kind trip|meeting|training --level LEVEL "
     "[--place PLACE] [--purpose TEXT] | duty list [--cadre ID|NAME] [--from DATE] [--to DATE] [--json] | "
     "duty remove ID",
     "没有公务记录", "no duty entries"},
    {"correction", E_CORRECTION, O_CADRE | O_DATE | O_LEVEL | O_REASON, O_REF, LIST_MAY,
     "用法：zhucun correction add --cadre 编号或姓名 --date 日期 --level 审批级别 --reason 事由 [--ref 批文号] | "
     "correction list [--cadre 编号或姓名] [--from 日期] [--to 日期] [--json] | correction remove 编号",
     "usage: zhucun correction add --cadre ID|NAME --date DATE --level LEVEL --reason TEXT [--ref REF] | "
     "correction list [--cadre ID|NAME] [--from DATE] [--to DATE] [--json] | correction remove ID",
     "没有补卡记录", "no corrections"},
    {"inspection", E_INSPECTION, O_VILLAGE | O_TIME | O_INSPECTOR | O_CADRE | O_RESULT, O_NOTE, LIST_MAY | O_VILLAGE,
     "用法：zhucun inspection add --village 村编号或村名 --time 时间 --inspector 检查人 --cadre 编号或姓名 --result "
     "在岗|缺岗 [--cadre 编号或姓名 --result 结果]… [--note 备注] | inspection list [--cadre 编号或姓名] "
     "[--village 村编号或村名] [--from 日期] [--to 日期] [--json] | inspection remove 编号",
     "usage: zhucun inspection add --village ID|NAME --time TIME --inspector NAME --cadre ID|NAME --result "
     "present|absent [--cadre ID|NAME --result RESULT]... [--note TEXT] | inspection list [--cadre ID|NAME] "
     "[--village ID|NAME] [--from DATE] [--to DATE] [--json] | inspection remove ID",
     "没有抽查记录", "no inspections"},
};

/* The fields of the entries, in the order of the JSON objects and of the
 * list's columns (after id and cadre). */
typedef struct efield {
	const char *key, *zh, *en; /* JSON key; the column's heading */
	size_t off;		   /* the string in zc_registry_entry */
	unsigned ents;		   /* E_*: the entities that have it (null when absent) */
	int label;		   /* an enum value: zc_registry_label in a list */
} efield;

#define EF(key, zh, member, ents, label)                                                                               \
	{                                                                                                              \
		key, zh, key, offsetof(zc_registry_entry, member), ents, label                                         \
	}
static const efield efields[] = {
    EF("start", "开始日期", start, E_LEAVE | E_DUTY, 0),
    EF("end", "结束日期", end, E_LEAVE | E_DUTY, 0),
    EF("date", "日期", date, E_CORRECTION, 0),
    EF("kind", "类型", kind, E_DUTY, 1),
    EF("level", "审批级别", level, E_LEAVE | E_DUTY | E_CORRECTION, 1),
    EF("type", "类型", type, E_LEAVE, 1),
    EF("reason", "事由", reason, E_LEAVE | E_CORRECTION, 0),
    EF("place", "地点", place, E_DUTY, 0),
    EF("purpose", "事由", purpose, E_DUTY, 0),
    EF("ref", "批文号", ref, E_LEAVE | E_CORRECTION, 0),
    EF("village", "村", village, E_INSPECTION, 0),
    EF("time", "检查时间", time, E_INSPECTION, 0),
    EF("result", "结果", result, E_INSPECTION, 1),
    EF("inspector", "检查人", inspector, E_INSPECTION, 0),
    EF("note", "备注", note, E_INSPECTION, 0),
};
#define NFIELDS (sizeof efields / sizeof efields[0])

static const char *field(const zc_registry_entry *e, const efield *f)
{
	return *(const char *const *)((const char *)e + f->off);
}

/* ---- a list as a table: a heading row, columns as wide as their widest cell ---- */

typedef struct table {
	size_t ncols, ncells, cap;
	char **cells;
	int nomem;
} table;

/* Columns a cell takes on a terminal: 1 for ASCII, 2 for others (Chinese
 * characters and full-width punctuation, what the registry holds). */
static int cell_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += *p < 0x80 ? 1 : (*p & 0xC0) == 0xC0 ? 2 : 0;
	return w;
}

/* Add a cell (line breaks and tabs of free text become blanks). */
static void table_cell(table *t, const char *text)
{
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c = realloc(t->cells, cap * sizeof *c);
		if (!c) {
			t->nomem = 1;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	char *c = strdup(text ? text : "");
	if (!c)
		t->nomem = 1;
	for (char *p = c; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	t->cells[t->ncells++] = c;
}

static void table_print(const table *t)
{
	int *w = calloc(t->ncols, sizeof *w);
	if (!w)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i] && cell_width(t->cells[i]) > w[i % t->ncols])
			w[i % t->ncols] = cell_width(t->cells[i]);
	for (size_t r = 0; r < t->ncells / t->ncols; r++) {
		char *const *row = t->cells + r * t->ncols;
		size_t last = t->ncols;
		while (last > 1 && (!row[last - 1] || !*row[last - 1]))
			last--;
		for (size_t c = 0; c < last; c++)
			printf("%s%*s", row[c] ? row[c] : "",
			       c + 1 < last ? w[c] - cell_width(row[c] ? row[c] : "") + 2 : 0, "");
		putchar('\n');
	}
	free(w);
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

#define MAX_FOUND 64 /* cadres one inspection add may name */
#define ID_CAP	  64

/* The parsed options of an entry command. */
typedef struct entry_args {
	const entity_cmd *ec;
	unsigned seen;
	int json, force;
	zc_registry_entry e;
	const char *cadres[MAX_FOUND], *results[MAX_FOUND]; /* inspection add: pairs */
	size_t ncadres, nresults;
	size_t rows;					 /* list: rows found */
	char d1[11], d2[11];				 /* dates as stored, for messages */
	char ids[MAX_FOUND][ID_CAP], village_id[ID_CAP]; /* the ids the --cadre and --village options name */
	zc_store *s;
	zc_cli_names names; /* ids for names, and names for ids: the registry loaded once */
	table tab;
} entry_args;

static int entry_usage(const entity_cmd *ec)
{
	zc_cli_err("%s", T(ec->usage_zh, ec->usage_en));
	return 2;
}

/* A date option as the store keeps it (YYYY-MM-DD); a bad one is left for
 * the store to refuse. */
static const char *date_opt(const char *s, char out[11])
{
	zc_day d;
	if (zc_day_parse_any(s, &d))
		return s;
	zc_day_format(d, out);
	return out;
}

/* getopt over argv (argv[0] = the subcommand): 0, or -1 for bad usage. */
static int entry_parse(int argc, char **argv, entry_args *a)
{
	static const struct option opts[] = {{"cadre", required_argument, 0, O_CADRE},
					     {"from", required_argument, 0, O_FROM},
					     {"to", required_argument, 0, O_TO},
					     {"level", required_argument, 0, O_LEVEL},
					     {"ref", required_argument, 0, O_REF},
					     {"kind", required_argument, 0, O_KIND},
					     {"date", required_argument, 0, O_DATE},
					     {"reason", required_argument, 0, O_REASON},
					     {"village", required_argument, 0, O_VILLAGE},
					     {"time", required_argument, 0, O_TIME},
					     {"inspector", required_argument, 0, O_INSPECTOR},
					     {"result", required_argument, 0, O_RESULT},
					     {"note", required_argument, 0, O_NOTE},
					     {"json", no_argument, 0, O_JSON},
					     {"type", required_argument, 0, O_TYPE},
					     {"place", required_argument, 0, O_PLACE},
					     {"purpose", required_argument, 0, O_PURPOSE},
					     {"force", no_argument, 0, O_FORCE},
					     {0, 0, 0, 0}};
	zc_registry_entry *e = &a->e;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int again = (a->seen & (unsigned)c) != 0;
		a->seen |= (unsigned)c;
		switch (c) {
		case O_CADRE:
			if (a->ncadres == MAX_FOUND)
				return -1;
			e->cadre = a->cadres[a->ncadres++] = optarg;
			continue; /* may repeat (inspection add) */
		case O_RESULT:
			if (a->nresults == MAX_FOUND)
				return -1;
			e->result = a->results[a->nresults++] = optarg;
			continue;
		case O_FROM: e->start = date_opt(optarg, a->d1); break;
		case O_TO: e->end = date_opt(optarg, a->d2); break;
		case O_DATE: e->date = date_opt(optarg, a->d1); break;
		case O_LEVEL: e->level = optarg; break;
		case O_REF: e->ref = optarg; break;
		case O_KIND: e->kind = optarg; break;
		case O_REASON: e->reason = optarg; break;
		case O_VILLAGE: e->village = optarg; break;
		case O_TIME: e->time = optarg; break;
		case O_INSPECTOR: e->inspector = optarg; break;
		case O_NOTE: e->note = optarg; break;
		case O_TYPE: e->type = optarg; break;
		case O_PLACE: e->place = optarg; break;
		case O_PURPOSE: e->purpose = optarg; break;
		case O_JSON: a->json = 1; break;
		case O_FORCE: a->force = 1; break;
		default: return -1;
		}
		if (again)
			return -1;
	}
	return 0;
}

/* The ids of what --cadre and --village name (an id or a unique name):
 * 0, or 1 after saying why not. */
static int resolve_names(entry_args *a)
{
	for (size_t i = 0; i < a->ncadres; i++) {
		if (!(a->cadres[i] = zc_cli_resolve(&a->names, "cadres", a->cadres[i], 1, a->ids[i], ID_CAP)))
			return 1;
		a->e.cadre = a->cadres[i];
	}
	if (a->e.village &&
	    !(a->e.village = zc_cli_resolve(&a->names, "villages", a->e.village, 1, a->village_id, ID_CAP)))
		return 1;
	return 0;
}

/* The name of a cadre or village (entity "cadres", "villages"), or "". */
static const char *name_of(entry_args *a, const char *entity, const char *id)
{
	const zc_registry *r = zc_cli_names_registry(&a->names);
	int i = r ? zc_registry_find(r, entity, id) : -1;
	if (i < 0)
		return "";
	return !strcmp(entity, "cadres") ? r->cadres[i].name : r->villages[i].name;
}

/* "C001 张三" into out. */
static const char *id_name(entry_args *a, const char *entity, const char *id, char *out, size_t cap)
{
	const char *name = name_of(a, entity, id);
	snprintf(out, cap, "%s%s%s", id, *name ? " " : "", name);
	return out;
}

static int print_entry(void *arg, const zc_registry_entry *e)
{
	entry_args *a = arg;
	unsigned bit = a->ec->bit;
	a->rows++;
	if (a->json) {
		json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)e->id, "cadre", e->cadre);
		for (size_t i = 0; i < NFIELDS; i++)
			if (efields[i].ents & bit)
				json_object_set_new(o, efields[i].key,
						    field(e, &efields[i]) ? json_string(field(e, &efields[i]))
									  : json_null());
		if (bit == E_INSPECTION)
			json_object_set_new(o, "at_ms", json_integer(e->at_ms));
		print_json(o);
		return 0;
	}
	char id[32], who[512];
	snprintf(id, sizeof id, "%" PRId64, e->id);
	table_cell(&a->tab, id);
	table_cell(&a->tab, id_name(a, "cadres", e->cadre, who, sizeof who));
	for (size_t i = 0; i < NFIELDS; i++) {
		const efield *f = &efields[i];
		const char *v = field(e, f);
		if (!(f->ents & bit))
			continue;
		if (f->off == offsetof(zc_registry_entry, village))
			v = id_name(a, "villages", v, who, sizeof who);
		table_cell(&a->tab, f->label ? zc_registry_label(v, zc_lang_get()) : v);
	}
	return a->tab.nomem ? ZC_ENOMEM : 0;
}

/* The list's heading row. */
static void table_heading(entry_args *a)
{
	unsigned bit = a->ec->bit;
	a->tab.ncols = 2;
	table_cell(&a->tab, T("编号", "id"));
	table_cell(&a->tab, T("干部", "cadre"));
	for (size_t i = 0; i < NFIELDS; i++)
		if (efields[i].ents & bit) {
			a->tab.ncols++;
			table_cell(&a->tab, T(efields[i].zh, efields[i].en));
		}
}

static int entry_list(entry_args *a)
{
	zc_registry_filter f = {a->e.cadre, a->e.village, a->e.start, a->e.end};
	char err[512] = "";
	if (!a->json)
		table_heading(a);
	int rc = zc_registry_entries_where(a->s, a->ec->entity, &f, print_entry, a, zc_lang_get(), err, sizeof err);
	if (rc == ZC_ENOMEM)
		zc_cli_err("%s", T("内存不足", "out of memory"));
	else if (rc)
		zc_cli_err(T("查询失败：%s", "query failed: %s"), *err ? err : zc_store_errmsg(a->s));
	else if (!a->rows && !a->json)
		printf("%s\n", T(a->ec->none_zh, a->ec->none_en));
	else if (!a->json)
		table_print(&a->tab);
	return exit_code(rc);
}

/* "added ..." for the entry with id. */
static void print_added(const entry_args *a, const zc_registry_entry *e, int64_t id)
{
	const char *entity = a->ec->entity;
	const zc_lang lang = zc_lang_get();
	if (a->json)
		print_json(json_pack("{s:s, s:I}", "added", entity, "id", (json_int_t)id));
	else if (!strcmp(entity, "duty"))
		printf(T("已添加公务 #%" PRId64 "：%s %s 至 %s（%s，%s）\n",
			 "added duty #%" PRId64 ": %s %s to %s (%s, %s)\n"),
		       id, e->cadre, e->start, e->end, zc_registry_label(e->kind, lang),
		       zc_registry_label(e->level, lang));
	else if (!strcmp(entity, "correction"))
		printf(T("已添加补卡 #%" PRId64 "：%s %s（%s）\n", "added correction #%" PRId64 ": %s %s (%s)\n"), id,
		       e->cadre, e->date, zc_registry_label(e->level, lang));
	else
		printf(T("已添加抽查结果 #%" PRId64 "：%s %s %s %s\n",
			 "added inspection result #%" PRId64 ": %s %s %s %s\n"),
		       id, e->village, e->time, e->cadre, zc_registry_label(e->result, lang));
}

/* "已登记 张三（C001）请假 2025-03-03 至 2025-03-05（事假），须乡镇审批，已由乡镇审批 #12", the
 * warnings on stderr. */
static void print_leave_added(entry_args *a, const zc_leave_check *c, int64_t id)
{
	char lines[ZC_LEAVE_JOINED_MAX + 2][512], bs[11], be[11];
	const zc_lang lang = zc_lang_get();
	size_t nw = zc_registry_leave_warnings(c, lang, lines, ZC_LEAVE_JOINED_MAX + 2);
	zc_day_format(c->bstart, bs);
	zc_day_format(c->bend, be);
	for (size_t i = 0; i < nw; i++)
		fprintf(stderr, T("zhucun: 警告：%s\n", "zhucun: warning: %s\n"), lines[i]);
	if (a->json) {
		json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "added", "leave", "id", (json_int_t)id,
				      "cadre", a->e.cadre, "required_level", zc_level_name(c->required), "block_start",
				      bs, "block_end", be, "forced", c->forced);
		json_t *w = json_array();
		for (size_t i = 0; i < nw; i++)
			json_array_append_new(w, json_string(lines[i]));
		json_object_set_new(o, "warnings", w);
		print_json(o);
		return;
	}
	const zc_registry_entry *e = &a->e;
	const char *type = e->type && *e->type ? zc_registry_label(e->type, lang) : "";
	printf(T("已登记 %s（%s）请假 %s 至 %s%s%s%s", "entered leave of %s (%s) %s to %s%s%s%s"),
	       name_of(a, "cadres", e->cadre), e->cadre, a->d1, a->d2, *type ? T("（", " (") : "", type,
	       *type ? T("）", ")") : "");
	if (c->bstart != c->start || c->bend != c->end)
		printf(
		    T("，与已登记的请假连成 %s 至 %s 共 %d 天", ", one leave with stored leave from %s to %s, %d days"),
		    bs, be, (int)(c->bend - c->bstart + 1));
	printf(T("，须%s审批", ", needs %s approval"), zc_registry_grade(c->required, lang));
	if (c->forced)
		printf(
		    T("，所填为%s审批（按 --force 登记，将记为审批级别不足）",
		      ", approved by %s only (entered with --force: it will be reported as approved below its level)"),
		    zc_registry_grade(c->level, lang));
	else
		printf(T("，已由%s审批", ", approved by %s"), zc_registry_grade(c->level, lang));
	printf(" #%" PRId64 "\n", id);
}

static int leave_add(entry_args *a)
{
	zc_leave_check chk;
	char err[2048] = "";
	int64_t id = 0;
	int rc = zc_registry_leave_add(a->s, &a->e, a->force, NULL, zc_lang_get(), &id, &chk, err, sizeof err);
	if (rc == ZC_ESTATE && chk.required > chk.level)
		zc_cli_err("%s%s", err,
			   T("。确需按此登记请加 --force（将记为审批级别不足）",
			     ". To enter it as it is, add --force (it will be reported as approved below its level)"));
	else if (rc)
		zc_cli_err("%s", err);
	else
		print_leave_added(a, &chk, id);
	return exit_code(rc);
}

static int entry_add(entry_args *a)
{
	zc_registry_entry e[MAX_FOUND];
	int64_t ids[MAX_FOUND];
	char err[512] = "";
	size_t n = a->ncadres;
	if (a->ec->bit == E_LEAVE)
		return leave_add(a);
	memset(e, 0, sizeof e);
	for (size_t i = 0; i < n; i++) {
		e[i] = a->e;
		e[i].cadre = a->cadres[i];
		e[i].result = i < a->nresults ? a->results[i] : NULL;
	}
	int rc = zc_registry_entries_add(a->s, a->ec->entity, e, n, NULL, zc_lang_get(), ids, err, sizeof err);
	if (rc) {
		zc_cli_err("%s", err);
		return exit_code(rc);
	}
	for (size_t i = 0; i < n; i++)
		print_added(a, &e[i], ids[i]);
	return 0;
}

static int entry_remove(entry_args *a, int64_t id)
{
	char err[512] = "";
	int rc = zc_registry_entry_remove(a->s, a->ec->entity, id, NULL, zc_lang_get(), err, sizeof err);
	if (rc)
		zc_cli_err("%s", err);
	else if (a->json)
		print_json(json_pack("{s:s, s:I}", "removed", a->ec->entity, "id", (json_int_t)id));
	else
		printf(T("已删除 #%" PRId64 "\n", "removed #%" PRId64 "\n"), id);
	return exit_code(rc);
}

/* ENTITY add|list|remove: argv[0] is the entity. */
static int cmd_entry(int argc, char **argv, const entity_cmd *ec)
{
	entry_args a;
	memset(&a, 0, sizeof a);
	a.ec = ec;
	if (argc < 2)
		return entry_usage(ec);
	const char *sub = argv[1];
	int is_add = !strcmp(sub, "add"), is_list = !strcmp(sub, "list"), is_rm = !strcmp(sub, "remove");
	if ((!is_add && !is_list && !is_rm) || entry_parse(argc - 1, argv + 1, &a))
		return entry_usage(ec);
	int operands = argc - 1 - optind;
	unsigned opts = a.seen & ~(unsigned)O_JSON;
	int pairs = a.ncadres == a.nresults || !(ec->add_need & O_RESULT);
	if ((is_add && (operands || (a.seen & ec->add_need) != ec->add_need ||
			(a.seen & ~(ec->add_need | ec->add_may | O_JSON)) || !pairs ||
			(a.ncadres > 1 && !(ec->add_need & O_RESULT)))) ||
	    (is_list && (operands || (a.seen & ~ec->list_may) || a.ncadres > 1)) || (is_rm && (operands != 1 || opts)))
		return entry_usage(ec);
	int64_t id = 0;
	if (is_rm) {
		const char *arg = argv[1 + optind];
		char *end = NULL;
		long long v = strtoll(arg, &end, 10);
		if (!*arg || *end || v <= 0) {
			zc_cli_err(
			    T("编号 '%s' 无效（应为 %s list 列出的数字）", "invalid id '%s' (a number from %s list)"),
			    arg, ec->entity);
			return 2;
		}
		id = v;
	}
	if (!(a.s = is_list ? zc_cli_open_store_read() : zc_cli_open_store()))
		return 1;
	zc_cli_names_init(&a.names, a.s);
	int rc = is_rm ? entry_remove(&a, id) : resolve_names(&a) ? 1 : is_list ? entry_list(&a) : entry_add(&a);
	zc_cli_names_release(&a.names);
	table_free(&a.tab);
	zc_store_close(a.s);
	return rc;
}

int zc_cmd_leave(int argc, char **argv)
{
	return cmd_entry(argc, argv, &entity_cmds[0]);
}

int zc_cmd_duty(int argc, char **argv)
{
	return cmd_entry(argc, argv, &entity_cmds[1]);
}

int zc_cmd_correction(int argc, char **argv)
{
	return cmd_entry(argc, argv, &entity_cmds[2]);
}

int zc_cmd_inspection(int argc, char **argv)
{
	return cmd_entry(argc, argv, &entity_cmds[3]);
}

/* ---- audit ---- */

static int print_audit(void *arg, const zc_audit_row *a)
{
	int json = *(int *)arg;
	if (json) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "at_ms",
				      (json_int_t)a->at_ms, "actor", a->actor, "action", a->action, "entity", a->entity,
				      "key", a->key, "source", a->source);
		json_error_t je;
		json_t *b = a->before_json ? json_loads(a->before_json, 0, &je) : NULL;
		json_t *f = a->after_json ? json_loads(a->after_json, 0, &je) : NULL;
		json_object_set_new(o, "before", b ? b : json_null());
		json_object_set_new(o, "after", f ? f : json_null());
		print_json(o);
		return 0;
	}
	char t[32];
	printf("#%-5" PRId64 " %s %-10s %-6s %s %s  (%s)\n", a->id, iso_ms(a->at_ms, t), a->actor, a->action, a->entity,
	       a->key, a->source);
	if (a->before_json)
		printf(T("    之前 %s\n", "    before %s\n"), a->before_json);
	if (a->after_json)
		printf(T("    之后 %s\n", "    after  %s\n"), a->after_json);
	return 0;
}

int zc_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"entity", required_argument, 0, 'e'}, {"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
	const char *entity = NULL;
	int json = 0, c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': entity = optarg; break;
		case 'j': json = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	zc_store *s = zc_cli_open_store_read();
	if (!s)
		return 1;
	int rc = zc_registry_audit(s, entity, print_audit, &json);
	if (rc)
		zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
	zc_store_close(s);
	return rc ? 1 : 0;
usage:
	zc_cli_err(T("用法：zhucun audit [--entity 类型] [--json]", "usage: zhucun audit [--entity KIND] [--json]"));
	return 2;
}

/* ---- the badge CA ---- */

static int print_ca(void *arg, const zc_registry_ca_info *ci)
{
	int json = *(int *)arg;
	char fp[2 * ZC_HASH_LEN + 1], a[32], b[32];
	zc_hex(ci->fp, ZC_HASH_LEN, fp);
	fp[2 * ZC_HASH_LEN] = 0;
	if (json) {
		print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "fp", fp, "name", ci->name, "district",
				     ci->district, "valid_from", iso_ms(ci->valid_from_ms, a), "valid_to",
				     iso_ms(ci->valid_to_ms, b), "revocation_list", (json_int_t)ci->revlist_number,
				     "revoked", (json_int_t)ci->revoked));
		return 0;
	}
	printf(T("CA %s（%s）\n    指纹 %s\n    有效期 %s 至 ", "CA %s (%s)\n    fingerprint %s\n    valid %s to "),
	       ci->name, ci->district, fp, iso_ms(ci->valid_from_ms, a));
	printf("%s\n", iso_ms(ci->valid_to_ms, b));
	if (ci->revlist_number)
		printf(T("    吊销列表 %llu 号，吊销 %u 个工牌\n", "    revocation list %llu, %u badges revoked\n"),
		       (unsigned long long)ci->revlist_number, (unsigned)ci->revoked);
	else
		printf("%s\n", T("    未安装吊销列表", "    no revocation list installed"));
	return 0;
}

static int ca_usage(void)
{
	zc_cli_err(T("用法：zhucun ca add CA证书 | ca revocations 吊销列表.zrl | ca list [--json]",
		     "usage: zhucun ca add CA.pem | ca revocations FILE.zrl | ca list [--json]"));
	return 2;
}

static int read_input(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int rc = zc_file_read(path, max, buf, len);
	if (rc == ZC_ENOENT)
		zc_cli_err(T("%s：文件不存在", "%s: no such file"), path);
	else if (rc == ZC_EFULL)
		zc_cli_err(T("%s：文件太大", "%s: file too large"), path);
	else if (rc)
		zc_cli_err(T("%s：无法读取：%s", "%s: cannot read: %s"), path, zc_strerror(rc));
	return rc;
}

int zc_cmd_ca(int argc, char **argv)
{
	if (argc < 2)
		return ca_usage();
	const char *sub = argv[1];
	int json = 0;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			json = 1;
	int operands = argc - 2 - json;
	if (!strcmp(sub, "list")) {
		if (operands)
			return ca_usage();
		zc_store *s = zc_cli_open_store_read();
		if (!s)
			return 1;
		int rc = zc_registry_cas(s, print_ca, &json);
		if (rc)
			zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
		zc_store_close(s);
		return rc ? 1 : 0;
	}
	int add = !strcmp(sub, "add");
	if ((!add && strcmp(sub, "revocations")) || operands != 1 || json)
		return ca_usage();
	const char *path = argv[2];
	if (path[0] == '-')
		return ca_usage();
	uint8_t *buf = NULL;
	size_t len = 0;
	if (read_input(path, add ? CERT_MAX_BYTES : ZRL_MAX_BYTES, &buf, &len))
		return 1;
	zc_store *s = zc_cli_open_store();
	if (!s) {
		free(buf);
		return 1;
	}
	char err[512] = "";
	int rc;
	if (add) {
		uint8_t fp[ZC_HASH_LEN];
		char hex[2 * ZC_HASH_LEN + 1];
		int added = 0;
		rc = zc_registry_ca_add_l(s, buf, len, NULL, zc_lang_get(), fp, &added, err, sizeof err);
		if (!rc) {
			zc_hex(fp, ZC_HASH_LEN, hex);
			hex[2 * ZC_HASH_LEN] = 0;
			printf(added ? T("已信任工牌 CA %s\n", "trusted badge CA %s\n")
				     : T("工牌 CA %s 已经受信任\n", "badge CA %s was trusted already\n"),
			       hex);
		} else {
			zc_cli_err("%s: %s", path, err);
		}
	} else {
		uint64_t number = 0;
		int changed = 0;
		rc = zc_registry_revocations_install_l(s, buf, len, NULL, zc_lang_get(), &number, &changed, err,
						       sizeof err);
		if (!rc)
			printf(changed
				   ? T("已安装吊销列表 %llu 号\n", "installed revocation list %llu\n")
				   : T("吊销列表 %llu 号已经安装\n", "revocation list %llu was installed already\n"),
			       (unsigned long long)number);
		else
			zc_cli_err("%s: %s", path, err);
	}
	free(buf);
	zc_store_close(s);
	return rc ? 1 : 0;
}
