/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main_import.c: the registry commands of zhucun (cli.h): import KIND FILE,
 * leave and duty add/list/remove, the audit log, and the badge CA trusted by
 * the host (ca add, ca revocations, ca list). The work is in
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
		zc_cli_err(T("未知的导入类型 '%s'（可用：districts townships villages terminals cadres assignments "
			     "badges leave duty calendar policy）",
			     "unknown import kind '%s' (one of: districts townships villages terminals cadres "
			     "assignments badges leave duty calendar policy)"),
			   kind);
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
		print_json(json_pack("{s:s, s:s, s:b, s:I, s:I, s:I}", "kind", kind, "file", file, "ok", 1, "inserted",
				     (json_int_t)res.inserted, "updated", (json_int_t)res.updated, "unchanged",
				     (json_int_t)res.unchanged));
	else
		printf(T("已导入 %s（%s）：新增 %zu 行，更新 %zu 行，未变 %zu 行\n",
			 "imported %s (%s): %zu inserted, %zu updated, %zu unchanged\n"),
		       file, kind, res.inserted, res.updated, res.unchanged);
	zc_import_result_free(&res);
	return 0;
}

/* ---- leave and duty ---- */

typedef struct list_ctx {
	int json;
	int duty;
	size_t n;
} list_ctx;

static int print_entry(void *arg, const zc_registry_entry *e)
{
	list_ctx *lc = arg;
	lc->n++;
	if (lc->json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e->id, "cadre", e->cadre, "start",
				      e->start, "end", e->end);
		if (lc->duty)
			json_object_set_new(o, "kind", json_string(e->kind));
		json_object_set_new(o, "level", json_string(e->level));
		if (!lc->duty)
			json_object_set_new(o, "ref", e->ref ? json_string(e->ref) : json_null());
		print_json(o);
	} else if (lc->duty) {
		printf("%-6" PRId64 " %-10s %s %s %-9s %s\n", e->id, e->cadre, e->start, e->end, e->kind, e->level);
	} else {
		printf("%-6" PRId64 " %-10s %s %s %-9s %s\n", e->id, e->cadre, e->start, e->end, e->level,
		       e->ref ? e->ref : "");
	}
	return 0;
}

static int entry_usage(int duty)
{
	if (duty)
		zc_cli_err(T("用法：zhucun duty add --cadre 编号 --from 日期 --to 日期 --kind trip|meeting|training "
			     "--level 级别 | duty list [--cadre 编号] [--json] | duty remove 编号",
			     "usage: zhucun duty add --cadre ID --from DATE --to DATE --kind trip|meeting|training "
			     "--level LEVEL | duty list [--cadre ID] [--json] | duty remove ID"));
	else
		zc_cli_err(T("用法：zhucun leave add --cadre 编号 --from 日期 --to 日期 --level 级别 [--ref 批文号] | "
			     "leave list [--cadre 编号] [--json] | leave remove 编号",
			     "usage: zhucun leave add --cadre ID --from DATE --to DATE --level LEVEL [--ref REF] | "
			     "leave list [--cadre ID] [--json] | leave remove ID"));
	return 2;
}

static int cmd_entry(int argc, char **argv, int duty)
{
	static const struct option opts[] = {{"cadre", required_argument, 0, 'c'}, {"from", required_argument, 0, 'f'},
					     {"to", required_argument, 0, 't'},	   {"level", required_argument, 0, 'l'},
					     {"ref", required_argument, 0, 'r'},   {"kind", required_argument, 0, 'k'},
					     {"json", no_argument, 0, 'j'},	   {0, 0, 0, 0}};
	const char *entity = duty ? "duty" : "leave";
	if (argc < 2)
		return entry_usage(duty);
	const char *sub = argv[1];
	int is_add = !strcmp(sub, "add"), is_list = !strcmp(sub, "list"), is_rm = !strcmp(sub, "remove");
	if (!is_add && !is_list && !is_rm)
		return entry_usage(duty);
	zc_registry_entry e;
	memset(&e, 0, sizeof e);
	int json = 0, c;
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': e.cadre = optarg; break;
		case 'f': e.start = optarg; break;
		case 't': e.end = optarg; break;
		case 'l': e.level = optarg; break;
		case 'r': e.ref = optarg; break;
		case 'k': e.kind = optarg; break;
		case 'j': json = 1; break;
		default: return entry_usage(duty);
		}
	}
	int operands = argc - optind;
	if ((is_add && (operands || !e.cadre || !e.start || !e.end || !e.level || (duty && !e.kind) ||
			(!duty && e.kind) || (duty && e.ref))) ||
	    (is_list && (operands || e.start || e.end || e.level || e.kind || e.ref)) ||
	    (is_rm && (operands != 1 || e.cadre || e.start || e.end || e.level || e.kind || e.ref)))
		return entry_usage(duty);
	int64_t id = 0;
	if (is_rm) {
		char *end = NULL;
		long long v = strtoll(argv[optind], &end, 10);
		if (!*argv[optind] || *end || v <= 0) {
			zc_cli_err(
			    T("编号 '%s' 无效（应为 %s list 列出的数字）", "invalid id '%s' (a number from %s list)"),
			    argv[optind], entity);
			return 2;
		}
		id = v;
	}
	zc_store *s = zc_cli_open_store();
	if (!s)
		return 1;
	char err[512] = "";
	int rc;
	if (is_list) {
		list_ctx lc = {json, duty, 0};
		rc = zc_registry_entries(s, entity, e.cadre, print_entry, &lc);
		if (rc)
			zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
		else if (!lc.n && !json)
			printf("%s\n", duty ? T("没有公务记录", "no duty entries") : T("没有请假记录", "no leave"));
		zc_store_close(s);
		return rc ? 1 : 0;
	}
	if (is_add) {
		rc = zc_registry_entry_add(s, entity, &e, NULL, &id, err, sizeof err);
		if (!rc) {
			if (json)
				print_json(json_pack("{s:s, s:I}", "added", entity, "id", (json_int_t)id));
			else if (duty)
				printf(T("已添加公务 #%" PRId64 "：%s %s 至 %s（%s，%s）\n",
					 "added duty #%" PRId64 ": %s %s to %s (%s, %s)\n"),
				       id, e.cadre, e.start, e.end, e.kind, e.level);
			else
				printf(T("已添加请假 #%" PRId64 "：%s %s 至 %s（%s）\n",
					 "added leave #%" PRId64 ": %s %s to %s (%s)\n"),
				       id, e.cadre, e.start, e.end, e.level);
		}
	} else {
		rc = zc_registry_entry_remove(s, entity, id, NULL, err, sizeof err);
		if (!rc) {
			if (json)
				print_json(json_pack("{s:s, s:I}", "removed", entity, "id", (json_int_t)id));
			else
				printf(T("已删除 #%" PRId64 "\n", "removed #%" PRId64 "\n"), id);
		}
	}
	if (rc)
		zc_cli_err("%s", err);
	zc_store_close(s);
	return exit_code(rc);
}

int zc_cmd_leave(int argc, char **argv)
{
	return cmd_entry(argc, argv, 0);
}

int zc_cmd_duty(int argc, char **argv)
{
	return cmd_entry(argc, argv, 1);
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
