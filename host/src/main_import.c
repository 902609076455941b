/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main_import.c: the registry commands of zhucun (cli.h): import KIND FILE,
 * leave, duty, correction and inspection add/list/remove (one table-driven
 * command: entity_cmds[]), the audit log, and the badge CA trusted by the
 * host (ca add, ca revocations, ca list). The work is in
 * store_registry.c (zc/registry.h); here are arguments, messages in Chinese
 * and English, and exit codes: 0 ok, 1 failure (bad rows, files, the
 * database), 2 bad usage or an invalid argument value.
 */
#include <getopt.h>
#include <inttypes.h>
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
	int rc = zc_registry_import(s, kind, file, NULL, &res, err, sizeof err);
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
	if (json)
		print_json(json_pack("{s:s, s:s, s:b, s:s, s:I, s:I, s:I}", "kind", kind, "file", file, "ok", 1,
				     "encoding", res.encoding, "inserted", (json_int_t)res.inserted, "updated",
				     (json_int_t)res.updated, "unchanged", (json_int_t)res.unchanged));
	else
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
};

/* One entity's command: what add needs and may have, what list may have. */
typedef struct entity_cmd {
	const char *entity;
	unsigned add_need, add_may, list_may;
	const char *usage_zh, *usage_en;
	const char *none_zh, *none_en; /* list found nothing */
} entity_cmd;

#define LIST_MAY (O_CADRE | O_FROM | O_TO | O_JSON)
static const entity_cmd entity_cmds[] = {
    {"leave", O_CADRE | O_FROM | O_TO | O_LEVEL, O_REF, LIST_MAY,
     "用法：zhucun leave add --cadre 编号 --from 日期 --to 日期 --level 审批级别 [--ref 批文号] | "
     "leave list [--cadre 编号] [--from 日期] [--to 日期] [--json] | leave remove 编号",
     "usage: zhucun leave add --cadre ID --from DATE --to DATE --level LEVEL [--ref REF] | "
     "leave list [--cadre ID] [--from DATE] [--to DATE] [--json] | leave remove ID",
     "没有请假记录", "no leave"},
    {"duty", O_CADRE | O_FROM | O_TO | O_KIND | O_LEVEL, 0, LIST_MAY,
     "用法：zhucun duty add --cadre 编号 --from 日期 --to 日期 --kind trip|meeting|training --level 级别 | "
     "duty list [--cadre 编号] [--from 日期] [--to 日期] [--json] | duty remove 编号",
     "usage: zhucun duty add --cadre ID --from DATE --to DATE --kind trip|meeting|training --level LEVEL | "
     "duty list [--cadre ID] [--from DATE] [--to DATE] [--json] | duty remove ID",
     "没有公务记录", "no duty entries"},
    {"correction", O_CADRE | O_DATE | O_LEVEL | O_REASON, O_REF, LIST_MAY,
     "用法：zhucun correction add --cadre 编号 --date 日期 --level 审批级别 --reason 事由 [--ref 批文号] | "
     "correction list [--cadre 编号] [--from 日期] [--to 日期] [--json] | correction remove 编号",
     "usage: zhucun correction add --cadre ID --date DATE --level LEVEL --reason TEXT [--ref REF] | "
     "correction list [--cadre ID] [--from DATE] [--to DATE] [--json] | correction remove ID",
     "没有补卡记录", "no corrections"},
    {"inspection", O_VILLAGE | O_TIME | O_INSPECTOR | O_CADRE | O_RESULT, O_NOTE, LIST_MAY | O_VILLAGE,
     "用法：zhucun inspection add --village 村编号 --time 时间 --inspector 检查人 --cadre 编号 --result "
     "present|absent [--cadre 编号 --result 结果]… [--note 备注] | inspection list [--cadre 编号] "
     "[--village 村编号] [--from 日期] [--to 日期] [--json] | inspection remove 编号",
     "usage: zhucun inspection add --village ID --time TIME --inspector NAME --cadre ID --result "
     "present|absent [--cadre ID --result RESULT]... [--note TEXT] | inspection list [--cadre ID] "
     "[--village ID] [--from DATE] [--to DATE] [--json] | inspection remove ID",
     "没有抽查记录", "no inspections"},
};

#define MAX_FOUND 64 /* cadres one inspection add may name */

/* The parsed options of an entry command. */
typedef struct entry_args {
	const entity_cmd *ec;
	unsigned seen;
	int json;
	zc_registry_entry e;
	const char *cadres[MAX_FOUND], *results[MAX_FOUND]; /* inspection add: pairs */
	size_t ncadres, nresults;
	size_t rows; /* list: rows printed */
	char d1[11], d2[11]; /* dates as stored, for messages */
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
	static const struct option opts[] = {
	    {"cadre", required_argument, 0, O_CADRE},	  {"from", required_argument, 0, O_FROM},
	    {"to", required_argument, 0, O_TO},		  {"level", required_argument, 0, O_LEVEL},
	    {"ref", required_argument, 0, O_REF},	  {"kind", required_argument, 0, O_KIND},
	    {"date", required_argument, 0, O_DATE},	  {"reason", required_argument, 0, O_REASON},
	    {"village", required_argument, 0, O_VILLAGE}, {"time", required_argument, 0, O_TIME},
	    {"inspector", required_argument, 0, O_INSPECTOR}, {"result", required_argument, 0, O_RESULT},
	    {"note", required_argument, 0, O_NOTE},	  {"json", no_argument, 0, O_JSON},
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
		case O_JSON: a->json = 1; break;
		default: return -1;
		}
		if (again)
			return -1;
	}
	return 0;
}

static int print_entry(void *arg, const zc_registry_entry *e)
{
	entry_args *a = arg;
	const char *entity = a->ec->entity;
	/* the optional value that is null when absent */
	const char *opt = !strcmp(entity, "inspection") ? "note" : strcmp(entity, "duty") ? "ref" : "";
	a->rows++;
	if (a->json) {
		json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)e->id, "cadre", e->cadre);
		const char *keys[] = {"start", "end", "date", "kind", "level", "reason", "ref",
				      "village", "time", "result", "inspector", "note"};
		const char *vals[] = {e->start, e->end,	 e->date,   e->kind,   e->level,     e->reason, e->ref,
				      e->village, e->time, e->result, e->inspector, e->note};
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (vals[i] || !strcmp(keys[i], opt))
				json_object_set_new(o, keys[i], vals[i] ? json_string(vals[i]) : json_null());
		if (e->village)
			json_object_set_new(o, "at_ms", json_integer(e->at_ms));
		print_json(o);
	} else if (e->village) {
		printf("%-6" PRId64 " %s %-10s %-10s %-7s %s %s\n", e->id, e->time, e->village, e->cadre, e->result,
		       e->inspector, e->note ? e->note : "");
	} else if (e->date) {
		printf("%-6" PRId64 " %-10s %s %-9s %s %s\n", e->id, e->cadre, e->date, e->level, e->reason,
		       e->ref ? e->ref : "");
	} else {
		printf("%-6" PRId64 " %-10s %s %s %-9s %s\n", e->id, e->cadre, e->start, e->end,
		       e->kind ? e->kind : e->level, e->kind ? e->level : e->ref ? e->ref : "");
	}
	return 0;
}

/* "added ..." for the entry with id. */
static void print_added(const entry_args *a, const zc_registry_entry *e, int64_t id)
{
	const char *entity = a->ec->entity;
	if (a->json)
		print_json(json_pack("{s:s, s:I}", "added", entity, "id", (json_int_t)id));
	else if (!strcmp(entity, "duty"))
		printf(T("已添加公务 #%" PRId64 "：%s %s 至 %s（%s，%s）\n", "added duty #%" PRId64 ": %s %s to %s (%s, %s)\n"),
		       id, e->cadre, e->start, e->end, e->kind, e->level);
	else if (!strcmp(entity, "leave"))
		printf(T("已添加请假 #%" PRId64 "：%s %s 至 %s（%s）\n", "added leave #%" PRId64 ": %s %s to %s (%s)\n"), id,
		       e->cadre, e->start, e->end, e->level);
	else if (!strcmp(entity, "correction"))
		printf(T("已添加补卡 #%" PRId64 "：%s %s（%s）\n", "added correction #%" PRId64 ": %s %s (%s)\n"), id,
		       e->cadre, e->date, e->level);
	else
		printf(T("已添加抽查结果 #%" PRId64 "：%s %s %s %s\n", "added inspection result #%" PRId64 ": %s %s %s %s\n"),
		       id, e->village, e->time, e->cadre, e->result);
}

static int entry_add(zc_store *s, entry_args *a)
{
	zc_registry_entry e[MAX_FOUND];
	int64_t ids[MAX_FOUND];
	char err[512] = "";
	size_t n = a->ncadres;
	for (size_t i = 0; i < n; i++) {
		e[i] = a->e;
		e[i].cadre = a->cadres[i];
		e[i].result = i < a->nresults ? a->results[i] : NULL;
	}
	int rc = zc_registry_entries_add(s, a->ec->entity, e, n, NULL, ids, err, sizeof err);
	if (rc) {
		zc_cli_err("%s", err);
		return exit_code(rc);
	}
	for (size_t i = 0; i < n; i++)
		print_added(a, &e[i], ids[i]);
	return 0;
}

static int entry_list(zc_store *s, entry_args *a)
{
	zc_registry_filter f = {a->e.cadre, a->e.village, a->e.start, a->e.end};
	char err[512] = "";
	int rc = zc_registry_entries_where(s, a->ec->entity, &f, print_entry, a, err, sizeof err);
	if (rc)
		zc_cli_err(T("查询失败：%s", "query failed: %s"), *err ? err : zc_store_errmsg(s));
	else if (!a->rows && !a->json)
		printf("%s\n", T(a->ec->none_zh, a->ec->none_en));
	return exit_code(rc);
}

static int entry_remove(zc_store *s, entry_args *a, int64_t id)
{
	char err[512] = "";
	int rc = zc_registry_entry_remove(s, a->ec->entity, id, NULL, err, sizeof err);
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
			zc_cli_err(T("编号 '%s' 无效（应为 %s list 列出的数字）", "invalid id '%s' (a number from %s list)"),
				   arg, ec->entity);
			return 2;
		}
		id = v;
	}
	zc_store *s = zc_cli_open_store();
	if (!s)
		return 1;
	int rc = is_list ? entry_list(s, &a) : is_add ? entry_add(s, &a) : entry_remove(s, &a, id);
	zc_store_close(s);
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
	zc_store *s = zc_cli_open_store();
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
		zc_store *s = zc_cli_open_store();
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
		rc = zc_registry_ca_add(s, buf, len, NULL, fp, &added, err, sizeof err);
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
		rc = zc_registry_revocations_install(s, buf, len, NULL, &number, &changed, err, sizeof err);
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
