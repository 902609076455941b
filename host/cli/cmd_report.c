/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_report.c: `zhucun report`, the district office's compliance report
 * (RULES.md section 11) from the store at a date: JSON, CSV sheets for a
 * spreadsheet or one printable HTML page, for everything or one district,
 * township or village. The work is done by zc_compliance_load (the engine
 * on the store's data) and the renderers of zc/report.h; this file parses
 * the options and writes the result. The output is rendered in memory
 * first, so a failure never leaves half a file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "zc/compliance.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/i18n.h"
#include "zc/registry.h"
#include "zc/report.h"
#include "zc/rules.h"
#include "cli.h"
#include "zc/dates.h"

enum { FMT_JSON, FMT_CSV, FMT_HTML };

static void report_usage(FILE *f)
{
	if (zc_lang_get() == ZC_LANG_EN)
		fputs(
		    "usage: zhucun report [--as-of DATE] [--format json|csv|html]\n"
		    "                     [--district ID | --township ID | --village ID]\n"
		    "                     [--sheet years|attendance|allowance|recall|findings|\n"
		    "                              collection|breakdown]\n"
		    "                     [--month YYYY-MM] [--out PATH]\n"
		    "\n"
		    "The compliance report evaluated at DATE (default: today, UTC+8).\n"
		    "  --format json   the RULES.md section 11 report (default)\n"
		    "  --format csv    one sheet to standard output (default sheet: years; --sheet\n"
		    "                  alone implies csv); with --out DIR every sheet as\n"
		    "                  DIR/<sheet>.csv (only the --sheet one if given)\n"
		    "  --format html   one self-contained printable page (A4); --out FILE\n"
		    "  --district/--township/--village ID: (or its unique name) only the cadres assigned there, their\n"
		    "                  villages and the terminals of their townships\n"
		    "  --month YYYY-MM the attendance sheets, the allowance and the summary's (and\n"
		    "                  the breakdown's) totals of that month only\n"
		    "  --out PATH      write to PATH instead of standard output\n"
		    "Sheets and sections: see host/doc/REPORTS.md.\n"
		    "exit status: 0 ok, 1 failure, 2 bad usage or unknown id\n",
		    f);
	else
		fputs(
		    "用法: zhucun report [--as-of 日期] [--format json|csv|html]\n"
		    "                    [--district 编号 | --township 编号 | --village 编号]\n"
		    "                    [--sheet years|attendance|allowance|recall|findings|\n"
		    "                             collection|breakdown]\n"
		    "                    [--month 年-月] [--out 路径]\n"
		    "\n"
		    "按统计截止日期（默认今天，北京时间）生成驻村干部考勤与履职报告。\n"
		    "  --format json   规则第 11 节的报告（默认）\n"
		    "  --format csv    把一张表输出到标准输出（默认 years 年度表；只给 --sheet 时即为 csv）；\n"
		    "                  给出 --out 目录时把每张表写为 目录/<表名>.csv（给出 --sheet 时只写该表）\n"
		    "  --format html   一个可直接打印（A4）的独立网页；--out 文件\n"
		    "  --district/--township/--village 编号（或唯一的名称）：只含派驻到该区、乡镇（街道）或村的干部、\n"
		    "                  这些村以及所在乡镇的终端\n"
		    "  --month 年-月   考勤表、生活补助以及概况（和分组统计）的合计只含该月，如 2025-03\n"
		    "  --out 路径      写入文件（或目录）而不是标准输出\n"
		    "各表的列和网页各部分见 host/doc/REPORTS.md。\n"
		    "退出码: 0 成功，1 失败，2 用法错误或编号不存在\n",
		    f);
}

/* Render into a malloc'd buffer. */
typedef struct membuf {
	char *p;
	size_t n;
} membuf;

static int render(int fmt, int sheet, const zc_compliance *c, const zc_report_opts *o, membuf *out)
{
	out->p = NULL;
	out->n = 0;
	if (fmt == FMT_JSON) {
		json_t *j = zc_report_json_scoped(&c->in, c->report, o->scope);
		char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
		if (!s)
			return ZC_ENOMEM;
		out->n = strlen(s);
		out->p = malloc(out->n + 2);
		if (out->p) {
			memcpy(out->p, s, out->n);
			out->p[out->n++] = '\n';
		}
		free(s);
		return out->p ? 0 : ZC_ENOMEM;
	}
	FILE *f = open_memstream(&out->p, &out->n);
	if (!f)
		return ZC_ENOMEM;
	int rc =
	    fmt == FMT_CSV ? zc_report_csv(f, &c->in, c->report, sheet, o) : zc_report_html(f, &c->in, c->report, o);
	if (fclose(f) && !rc)
		rc = ZC_ENOMEM;
	if (rc) {
		free(out->p);
		out->p = NULL;
		out->n = 0;
	}
	return rc;
}

static int emit(const membuf *b, const char *path)
{
	if (!path) {
		if (fwrite(b->p, 1, b->n, stdout) != b->n || fflush(stdout)) {
			zc_cli_err(T("写入标准输出失败：%s", "cannot write to standard output: %s"), strerror(errno));
			return 1;
		}
		return 0;
	}
	int rc = zc_file_write_atomic(path, b->p, b->n, 0644);
	if (rc) {
		zc_cli_err(T("无法写入 %s：%s", "cannot write %s: %s"), path, zc_strerror(rc));
		return 1;
	}
	return 0;
}

/* A line naming the ids that exist, for an unknown scope id. */
static void known_ids(const zc_rules_input *in, int kind)
{
	size_t n = kind == ZC_SCOPE_DISTRICT   ? in->ndistricts
		   : kind == ZC_SCOPE_TOWNSHIP ? in->ntownships
					       : in->nvillages;
	fputs(T("zhucun: 已有的编号：", "zhucun: known ids: "), stderr);
	for (size_t i = 0; i < n && i < 40; i++) {
		const char *id = kind == ZC_SCOPE_DISTRICT   ? in->districts[i].id
				 : kind == ZC_SCOPE_TOWNSHIP ? in->townships[i].id
							     : in->villages[i].id;
		fprintf(stderr, "%s%s", i ? " " : "", id);
	}
	if (n > 40)
		fputs(" ...", stderr);
	if (!n)
		fputs(T("（无）", "(none)"), stderr);
	fputc('\n', stderr);
}

/* --format: FMT_*, or -1 (reported). */
static int parse_format(const char *arg)
{
	if (!strcmp(arg, "json"))
		return FMT_JSON;
	if (!strcmp(arg, "csv"))
		return FMT_CSV;
	if (!strcmp(arg, "html"))
		return FMT_HTML;
	zc_cli_err(T("--format 须为 json、csv 或 html", "--format must be json, csv or html"));
	return -1;
}

/* Every sheet (or the one asked for) as DIR/<sheet>.csv, each path printed.
 * The exit status: 0, 1 failure, 2 DIR is not a folder. */
static int write_csv_dir(const char *dir, int sheet, const zc_compliance *cp, const zc_report_opts *o)
{
	struct stat st;
	membuf b = {0};
	int lrc;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		zc_cli_err(T("无法创建目录 %s：%s", "cannot create the folder %s: %s"), dir, strerror(errno));
		return 1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		zc_cli_err(T("%s 不是目录（--format csv --out 需要目录）",
			     "%s is not a folder (--format csv --out takes a folder)"),
			   dir);
		return 2;
	}
	for (int k = 0; k < ZC_SHEET_COUNT; k++) {
		if (sheet >= 0 && k != sheet)
			continue;
		char path[4096];
		if (snprintf(path, sizeof path, "%s/%s.csv", dir, zc_report_sheet_name(k)) >= (int)sizeof path) {
			zc_cli_err(T("路径太长：%s", "path too long: %s"), dir);
			return 1;
		}
		if ((lrc = render(FMT_CSV, k, cp, o, &b))) {
			zc_cli_err(T("生成报表失败：%s", "cannot render the report: %s"), zc_strerror(lrc));
			return 1;
		}
		int bad = emit(&b, path);
		free(b.p);
		b.p = NULL;
		if (bad)
			return 1;
		printf("%s\n", path);
	}
	return 0;
}

/* Why zc_compliance_load failed (rc, err), in the user's language. Its
 * first step, zc_registry_load, explains a registry that does not load in
 * Chinese: in English the registry is loaded again to say why. */
static const char *load_failure(zc_store *s, int rc, char *err, size_t cap)
{
	zc_registry *r = NULL;
	char why[512] = "";
	if (zc_lang_get() != ZC_LANG_ZH && zc_registry_load_l(s, zc_lang_get(), &r, why, sizeof why) && *why)
		snprintf(err, cap, "%s", why);
	zc_registry_free(r);
	return *err ? err : zc_strerror(rc);
}

/* The report's scope: everything, or a district, township or village by id
 * or unique name. 0, 2 (an unknown or ambiguous one, said), or 1. */
static int scope_select(zc_store *s, zc_compliance *cp, int kind, const char *scope_id, zc_report_scope *sc)
{
	char buf[64];
	if (scope_id) {
		const char *entity = kind == ZC_SCOPE_DISTRICT	 ? "districts"
				     : kind == ZC_SCOPE_TOWNSHIP ? "townships"
								 : "villages";
		zc_cli_names names;
		zc_cli_names_init(&names, s);
		const char *id = zc_cli_resolve(&names, entity, scope_id, 1, buf, sizeof buf);
		zc_cli_names_release(&names);
		if (!id) {
			known_ids(&cp->in, kind);
			return 2;
		}
		scope_id = id;
	}
	if (zc_report_scope_find(&cp->in, kind, scope_id, sc)) {
		const char *what = kind == ZC_SCOPE_DISTRICT   ? T("区", "district")
				   : kind == ZC_SCOPE_TOWNSHIP ? T("乡镇（街道）", "township")
							       : T("村", "village");
		zc_cli_err(T("没有这个%s编号：'%s'", "no %s with the id '%s'"), what, scope_id);
		known_ids(&cp->in, kind);
		return 2;
	}
	if (zc_report_scope_prepare(&cp->in, sc)) {
		zc_cli_err(T("内存不足，无法按范围筛选报告", "out of memory while selecting the report's scope"));
		return 1;
	}
	return 0;
}

int zc_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"as-of", required_argument, 0, 'a'},    {"format", required_argument, 0, 'f'},
	    {"district", required_argument, 0, 'D'}, {"township", required_argument, 0, 'T'},
	    {"village", required_argument, 0, 'V'},  {"sheet", required_argument, 0, 's'},
	    {"month", required_argument, 0, 'm'},    {"out", required_argument, 0, 'o'},
	    {"help", no_argument, 0, 'h'},	     {0, 0, 0, 0}};
	const char *outp = NULL, *scope_id = NULL, *sheet_name = NULL;
	int fmt = -1, scope_kind = ZC_SCOPE_ALL, sheet = -1, year = 0, month = 0, have_as_of = 0;
	zc_day as_of = 0;
	zc_report_scope *scope_ready = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "a:f:D:T:V:s:m:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (zc_opt_day("--as-of", optarg, &as_of))
				return 2;
			have_as_of = 1;
			break;
		case 'f':
			if ((fmt = parse_format(optarg)) < 0)
				return 2;
			break;
		case 'D':
		case 'T':
		case 'V':
			if (scope_id) {
				zc_cli_err(T("--district、--township、--village 只能给出一个",
					     "give only one of --district, --township, --village"));
				return 2;
			}
			scope_id = optarg;
			scope_kind = c == 'D' ? ZC_SCOPE_DISTRICT : c == 'T' ? ZC_SCOPE_TOWNSHIP : ZC_SCOPE_VILLAGE;
			break;
		case 's':
			sheet_name = optarg;
			if ((sheet = zc_report_sheet_parse(optarg)) < 0) {
				zc_cli_err(
				    T("--sheet 须为 years、attendance、allowance、recall、findings、collection "
				      "或 breakdown",
				      "--sheet must be years, attendance, allowance, recall, findings, collection "
				      "or breakdown"));
				return 2;
			}
			break;
		case 'm':
			if (zc_opt_month("--month", optarg, &year, &month))
				return 2;
			break;
		case 'o': outp = optarg; break;
		case 'h': report_usage(stdout); return 0;
		default: report_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		zc_cli_err(T("多余的参数 '%s'（见 zhucun report --help）",
			     "unexpected argument '%s' (see zhucun report --help)"),
			   argv[optind]);
		return 2;
	}
	if (fmt < 0) /* --sheet alone means CSV */
		fmt = sheet_name ? FMT_CSV : FMT_JSON;
	if (sheet_name && fmt != FMT_CSV) {
		zc_cli_err(T("--sheet 只用于 --format csv", "--sheet goes with --format csv only"));
		return 2;
	}
	if (outp && !*outp) {
		zc_cli_err(T("--out 不能为空", "--out must not be empty"));
		return 2;
	}
	if (!have_as_of)
		as_of = zc_day_of_utc((int64_t)time(NULL) * 1000, 480);

	zc_store *s = NULL;
	zc_compliance *cp = NULL;
	membuf b = {0};
	char err[512] = "";
	int rc = 1, lrc;
	if (!(s = zc_cli_open_store_read()))
		goto out;
	if ((lrc = zc_compliance_load(s, as_of, &cp, err, sizeof err))) {
		zc_cli_err(T("无法计算考勤结果：%s", "cannot evaluate attendance: %s"),
			   load_failure(s, lrc, err, sizeof err));
		goto out;
	}
	zc_report_scope sc;
	if ((rc = scope_select(s, cp, scope_kind, scope_id, &sc)))
		goto out;
	rc = 1;
	scope_ready = &sc;
	zc_report_opts o = {.scope = &sc, .lang = zc_lang_get() == ZC_LANG_EN, .year = year, .month = month};

	if (fmt == FMT_CSV && outp) {
		rc = write_csv_dir(outp, sheet, cp, &o);
		goto out;
	}
	if ((lrc = render(fmt, sheet >= 0 ? sheet : ZC_SHEET_YEARS, cp, &o, &b))) {
		zc_cli_err(T("生成报表失败：%s", "cannot render the report: %s"), zc_strerror(lrc));
		goto out;
	}
	rc = emit(&b, outp);
out:
	zc_report_scope_release(scope_ready);
	free(b.p);
	if (cp)
		zc_compliance_free(cp);
	if (s)
		zc_store_close(s);
	return rc;
}
