/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun, the host command line. It selects the database, dispatches
 * subcommands and turns every failure into one clear line on stderr and a
 * non-zero exit. The work itself lives in the zc_host library.
 *
 * Exit status: 0 success; 1 the operation failed (file, database, I/O);
 * 2 bad usage; 3 ingest succeeded but found integrity problems.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "zc/badge.h"
#include "zc/bundle.h"
#include "zc/bytes.h"
#include "zc/collect.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/hostkey.h"
#include "zc/hostlink.h"
#include "zc/i18n.h"
#include "zc/jreader.h"
#include "zc/recjson.h"
#include "zc/record.h"
#include "zc/store.h"
#include "zc/wire.h"
#include "cli.h"

#define err_line zc_cli_err
#define open_store zc_cli_open_store

#define ZC_VERSION "0.1.0"

const char *zc_cli_db_path;
#define db_path zc_cli_db_path
static int json_out;

void zc_cli_err(const char *fmt, ...)
{
	va_list ap;
	fputs(T("zhucun: 错误：", "zhucun: error: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	if (zc_lang_get() == ZC_LANG_EN)
		fputs("usage: zhucun [--db FILE] [--lang zh|en] COMMAND [options]\n"
		      "\n"
		      "commands:\n"
		      "  ingest JOURNAL --terminal-key PEM [--terminal ID] [--json]\n"
		      "      verify a terminal journal (folder or segment file) and store it\n"
		      "  journal export JOURNAL --out DIR [--terminal-key PEM]\n"
		      "      write N.body, N.sig per record and terminal.pub.pem, checkable with openssl\n"
		      "  journal show JOURNAL [--json] [--cert CERT|CARDFILE]...\n"
		      "      list the records of a journal without storing them; with --cert, check\n"
		      "      each PIV tap's badge signature over its recomputed challenge\n"
		      "  terminals [--search TEXT] [--json]\n"
		      "      terminals: township, last collection, records, whether collection is overdue\n"
		      "  cadres | villages | townships [--search TEXT] [--json]\n"
		      "      the registry by name (any command that takes an id also takes a unique name)\n"
		      "  findings [--terminal ID] [--json]\n"
		      "      integrity findings (bad signature, broken link, gap, fork, clock rollback...)\n"
		      "  report [--as-of DATE] [--format json|csv|html] [--district|--township|--village ID]\n"
		      "         [--sheet NAME] [--month YYYY-MM] [--out PATH]\n"
		      "      the compliance report: days on post, attendance sheets, allowance, recall list,\n"
		      "      findings (see zhucun report --help)\n"
		      "\n"
		      "serial link (115200 8N1; PORT such as /dev/ttyUSB0, /dev/ttyACM0, /dev/zhucun-link):\n"
		      "  pull PORT [--json] [--time-tolerance SECONDS] [--batch N] [--register]\n"
		      "      fetch every record after the last stored one, verify and store it, then\n"
		      "      acknowledge the collection and set the terminal's clock if it is off by more\n"
		      "      than SECONDS (default 120; 0: never). Interrupted, run it again: it goes on.\n"
		      "      --register trusts the key of a terminal this database does not know;\n"
		      "      --host-time MS takes MS (ms since 1970, UTC) as the host's clock (simulations).\n"
		      "      Each completed pull is kept as the terminal's collection (collected-until)\n"
		      "  provision PORT --terminal ID --township ID --ca CA.pem [--revocations FILE]\n"
		      "      give a new terminal its id, badge CA and this host's key; register it\n"
		      "  status PORT [--json]        the terminal's identity, journal, clock and reader\n"
		      "  ports [--json] [--probe]    serial ports; --probe asks each for a terminal\n"
		      "  revocations PORT FILE       install a newer badge revocation list on a terminal\n"
		      "  bundle export --terminal ID --out FILE [--from SEQ]\n"
		      "      the stored records of a terminal as a bundle signed by this host\n"
		      "  bundle import FILE [--host-key PEM] [--json]\n"
		      "      verify a bundle and store its records (each record verified again)\n"
		      "  (--timeout MS: how long to wait for the terminal, default 3000)\n"
		      "\n"
		      "registry (host/doc/IMPORT.md; changes are audited as $ZHUCUN_USER, else $USER):\n"
		      "  import KIND FILE.csv [--json]\n"
		      "      import a CSV file (UTF-8, or GBK as Excel saves it), all or nothing; KIND: districts\n"
		      "      townships villages terminals cadres assignments badges leave duty correction\n"
		      "      inspection calendar policy\n"
		      "  leave add --cadre ID|NAME --from DATE --to DATE --level LEVEL [--type personal|sick|\n"
		      "      family_visit|other] [--reason TEXT] [--ref REF] [--force]\n"
		      "      refused when LEVEL is below what the whole leave block needs (RULES.md 5)\n"
		      "      unless --force (then reported as leave_approval_level)\n"
		      "  duty add --cadre ID|NAME --from DATE --to DATE --kind trip|meeting|training --level LEVEL\n"
		      "      [--place TEXT] [--purpose TEXT]\n"
		      "  correction add --cadre ID --date DATE --level LEVEL --reason TEXT [--ref REF]\n"
		      "  inspection add --village ID --time TIME --inspector NAME --cadre ID --result present|absent\n"
		      "      [--cadre ID --result present|absent]... [--note TEXT]\n"
		      "  leave|duty|correction|inspection list [--cadre ID] [--village ID (inspection)]\n"
		      "      [--from DATE] [--to DATE] [--json]\n"
		      "  leave|duty|correction|inspection remove ID\n"
		      "      DATE: 2025-06-03, 2025/6/3, 2025.6.3 or 2025年6月3日; TIME: 2025-06-03 09:30,\n"
		      "      local in the zone policy unless it ends in +08:00 or Z\n"
		      "  audit [--entity KIND] [--json]   who changed the registry, when, before and after\n"
		      "  ca add CA.pem                trust a badge CA certificate on this host\n"
		      "  ca revocations FILE.zrl      install its signed revocation list (no rollback)\n"
		      "  ca list [--json]             trusted badge CAs and their revocation lists\n"
		      "\n"
		      "options:\n"
		      "  --db FILE     database (default $ZHUCUN_DB, else ./zhucun.db)\n"
		      "                the host key is $ZHUCUN_HOST_KEY, else zhucun-host.key beside it\n"
		      "  --lang zh|en  language of messages (default Chinese; also ZHUCUN_LANG)\n"
		      "  --version     print the version\n"
		      "\n"
		      "exit status: 0 ok, 1 failure (what was stored stays stored), 2 bad usage,\n"
		      "3 ingest, pull or import found integrity problems\n",
		      f);
	else
		fputs("用法: zhucun [--db 文件] [--lang zh|en] 命令 [选项]\n"
		      "\n"
		      "命令:\n"
		      "  ingest 日志 --terminal-key 公钥PEM [--terminal 编号] [--json]\n"
		      "      校验终端日志（目录或段文件）并存入数据库\n"
		      "  journal export 日志 --out 目录 [--terminal-key 公钥PEM]\n"
		      "      每条记录写出 N.body、N.sig 及 terminal.pub.pem，可用 openssl 独立验证\n"
		      "  journal show 日志 [--json] [--cert 证书或卡文件]…\n"
		      "      列出日志中的记录（不入库）；给出 --cert 时按重算的挑战值验证工牌签名\n"
		      "  terminals [--search 文字] [--json]\n"
		      "      终端：所属乡镇、最后收取时间、记录数、是否逾期未收取\n"
		      "  cadres | villages | townships [--search 文字] [--json]\n"
		      "      按名称查看干部、村、乡镇（凡需编号之处也可写唯一的名称）\n"
		      "  findings [--terminal 编号] [--json]\n"
		      "      完整性问题（签名无效、链断裂、缺号、分叉、时钟回拨等）\n"
		      "  report [--as-of 日期] [--format json|csv|html] [--district|--township|--village 编号]\n"
		      "         [--sheet 表名] [--month 年-月] [--out 路径]\n"
		      "      考勤与履职报告：驻村天数、月度考勤表、生活补助、召回名单、问题清单\n"
		      "      （见 zhucun report --help）\n"
		      "\n"
		      "串口连接（115200 8N1；串口如 /dev/ttyUSB0、/dev/ttyACM0、/dev/zhucun-link）:\n"
		      "  pull 串口 [--json] [--time-tolerance 秒] [--batch N] [--register]\n"
		      "      拉取上次之后的全部记录，校验并入库，然后确认收取；终端时钟偏差超过\n"
		      "      指定秒数（默认 120；0 为不校时）时校正时钟。中断后重新运行即可继续。\n"
		      "      --register：信任本数据库未登记的终端出示的公钥；--host-time 毫秒：以该时刻\n"
		      "      （1970 年以来的毫秒数，UTC）为主机时钟（仿真用）。每次完整拉取都记为该终端的收取时间\n"
		      "  provision 串口 --terminal 编号 --township 乡镇编号 --ca CA证书 [--revocations 吊销列表]\n"
		      "      为新终端配置编号、工牌 CA 和本机主机密钥，并登记该终端\n"
		      "  status 串口 [--json]        终端的身份、日志、时钟和读卡器状态\n"
		      "  ports [--json] [--probe]    列出串口；--probe 逐个询问是否连着终端\n"
		      "  revocations 串口 吊销列表   向终端安装更新的工牌吊销列表\n"
		      "  bundle export --terminal 编号 --out 文件 [--from 序号]\n"
		      "      把某终端已入库的记录导出为由本机签名的数据包\n"
		      "  bundle import 文件 [--host-key 公钥PEM] [--json]\n"
		      "      校验数据包并入库（每条记录重新校验）\n"
		      "  （--timeout 毫秒：等待终端应答的时间，默认 3000）\n"
		      "\n"
		      "登记数据（见 host/doc/IMPORT.md；每次修改以 $ZHUCUN_USER 或 $USER 记入审计日志）:\n"
		      "  import 类型 文件.csv [--json]\n"
		      "      导入 CSV 文件（UTF-8，或 Excel 保存的 GBK），有错则整个文件不导入；类型：districts\n"
		      "      townships villages terminals cadres assignments badges leave duty correction\n"
		      "      inspection calendar policy\n"
		      "  leave add --cadre 编号或姓名 --from 日期 --to 日期 --level 审批级别 [--type 事假|病假|探亲假|其他]\n"
		      "      [--reason 事由] [--ref 批文号] [--force]\n"
		      "      审批级别低于整段连续请假所需级别时拒绝登记，除非加 --force（报告中记为审批级别不足）\n"
		      "  duty add --cadre 编号或姓名 --from 日期 --to 日期 --kind trip|meeting|training --level 级别\n"
		      "      [--place 地点] [--purpose 事由]\n"
		      "  correction add --cadre 编号 --date 日期 --level 审批级别 --reason 事由 [--ref 批文号]   补卡\n"
		      "  inspection add --village 村编号 --time 时间 --inspector 检查人 --cadre 编号 --result 在岗|缺岗\n"
		      "      [--cadre 编号 --result 在岗|缺岗]… [--note 备注]   抽查结果，一次检查可记多名干部\n"
		      "  leave|duty|correction|inspection list [--cadre 编号] [--village 村编号（仅抽查）]\n"
		      "      [--from 日期] [--to 日期] [--json]\n"
		      "  leave|duty|correction|inspection remove 编号\n"
		      "      日期：2025-06-03、2025/6/3、2025.6.3 或 2025年6月3日；时间：2025-06-03 09:30，\n"
		      "      按 zone 规则参数的时区理解，除非以 +08:00 或 Z 结尾\n"
		      "  audit [--entity 类型] [--json]   登记数据的修改记录（谁、何时、修改前后）\n"
		      "  ca add CA证书               在本机信任工牌 CA 证书\n"
		      "  ca revocations 吊销列表.zrl  安装其签名的吊销列表（不可回退）\n"
		      "  ca list [--json]             受信任的工牌 CA 及其吊销列表\n"
		      "\n"
		      "选项:\n"
		      "  --db 文件      数据库（默认 $ZHUCUN_DB，否则 ./zhucun.db）\n"
		      "                 主机密钥为 $ZHUCUN_HOST_KEY，否则为数据库旁的 zhucun-host.key\n"
		      "  --lang zh|en   界面语言（默认中文；亦可设 ZHUCUN_LANG）\n"
		      "  --version      显示版本\n"
		      "\n"
		      "退出码: 0 成功，1 失败（已入库的记录保留），2 用法错误，3 导入或拉取时发现完整性问题\n",
		      f);
}

zc_store *zc_cli_open_store(void)
{
	char msg[512] = "";
	zc_store *s = NULL;
	int rc = zc_store_open(db_path, &s, msg, sizeof msg);
	if (rc) {
		err_line(T("无法打开数据库 %s：%s", "cannot open database %s: %s"), db_path,
			 *msg ? msg : zc_strerror(rc));
		return NULL;
	}
	return s;
}

static char *read_text(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno;
		return NULL;
	}
	char *b = malloc(65537);
	size_t n = b ? fread(b, 1, 65536, f) : 0;
	fclose(f);
	if (!b) {
		*err = ENOMEM;
		return NULL;
	}
	b[n] = 0;
	*len = n;
	return b;
}

/* Load a PEM public key file; on failure print one line and return NULL. */
static char *load_pubkey_pem(const char *path, zc_pubkey **key)
{
	size_t len;
	int e = 0;
	char *pem = read_text(path, &len, &e);
	if (!pem) {
		err_line(T("无法读取终端公钥 %s：%s", "cannot read terminal key %s: %s"), path, strerror(e));
		return NULL;
	}
	if (zc_pubkey_parse((const uint8_t *)pem, len, key)) {
		err_line(T("%s 不是 P-256 公钥 PEM 文件", "%s is not a P-256 public key PEM file"), path);
		free(pem);
		return NULL;
	}
	return pem;
}

static int journal_open(const char *path, zc_jreader **jr)
{
	int rc = zc_jreader_open(path, jr);
	if (rc == ZC_ENOENT)
		err_line(T("找不到日志 %s（应为日志目录或 seg-*.zcj 段文件）",
			   "no journal at %s (expected a journal folder or a seg-*.zcj segment file)"),
			 path);
	else if (rc)
		err_line(T("无法读取日志 %s：%s", "cannot read journal %s: %s"), path, zc_strerror(rc));
	return rc;
}

static const char *status_name(int status)
{
	switch (status) {
	case ZC_ECHECKSUM: return T("校验和不符", "checksum mismatch");
	case ZC_ETRUNC: return T("条目被截断", "entry truncated");
	default: return T("条目格式错误", "malformed entry");
	}
}

/* ---- ingest ---- */

static int progress_tty(void)
{
	return isatty(2) && !json_out;
}

/* Commit the open batch *in (and clear it), adding its counts to *total.
 * Prints the error and returns nonzero on failure. */
static int commit_batch(zc_store *s, zc_ingest **in, zc_ingest_stats *total)
{
	zc_ingest_stats st;
	int rc = zc_ingest_commit(*in, &st);
	*in = NULL;
	if (rc) {
		err_line(T("提交事务失败：%s", "commit failed: %s"), zc_store_errmsg(s));
		return rc;
	}
	total->seen += st.seen;
	total->stored += st.stored;
	total->duplicates += st.duplicates;
	total->findings += st.findings;
	for (int k = 0; k < 16; k++)
		total->by_kind[k] += st.by_kind[k];
	return 0;
}

static int cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal-key", required_argument, 0, 'k'},
					     {"terminal", required_argument, 0, 't'},
					     {"json", no_argument, 0, 'j'},
					     {"batch", required_argument, 0, 'b'},
					     {0, 0, 0, 0}};
	const char *keyfile = NULL, *tid = NULL;
	long batch = 1000;
	int c;
	while ((c = getopt_long(argc, argv, "k:t:jb:", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 't': tid = optarg; break;
		case 'j': json_out = 1; break;
		case 'b':
			batch = strtol(optarg, NULL, 10);
			if (batch < 1 || batch > 1000000) {
				err_line(T("--batch 须为 1 到 1000000", "--batch must be 1 to 1000000"));
				return 2;
			}
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || !keyfile) {
		err_line(T("用法：zhucun ingest 日志 --terminal-key 公钥PEM",
			   "usage: zhucun ingest JOURNAL --terminal-key PEM"));
		return 2;
	}
	const char *jpath = argv[optind];
	if (tid && !zc_id_valid(tid)) {
		err_line(T("终端编号 '%s' 无效", "invalid terminal id '%s'"), tid);
		return 2;
	}
	zc_pubkey *key = NULL;
	zc_jreader *jr = NULL;
	zc_store *s = NULL;
	zc_ingest *in = NULL;
	char *pem = NULL;
	int rc = 1;
	char terminal[ZC_TERMINAL_ID_MAX + 1] = "";
	zc_ingest_stats total = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (!(pem = load_pubkey_pem(keyfile, &key)))
		goto out;
	if (journal_open(jpath, &jr))
		goto out;
	/* The terminal id: --terminal, else the first record that decodes. */
	if (tid) {
		snprintf(terminal, sizeof terminal, "%s", tid);
	} else {
		zc_jitem it;
		int n;
		while (!*terminal && (n = zc_jreader_next(jr, &it)) > 0) {
			zc_rec r;
			if (it.rec && !zc_rec_decode(it.rec, it.len, &r, NULL, NULL))
				snprintf(terminal, sizeof terminal, "%s", r.terminal);
		}
		zc_jreader_close(jr);
		jr = NULL;
		if (!*terminal) {
			err_line(T("日志 %s 中没有可解码的记录；请用 --terminal 指定终端编号",
				   "journal %s holds no decodable record; name the terminal with --terminal"),
				 jpath);
			goto out;
		}
		if (journal_open(jpath, &jr))
			goto out;
	}
	if (!(s = open_store()))
		goto out;
	int arc = zc_store_terminal_add(s, terminal, pem);
	if (arc == ZC_EEXIST) {
		err_line(T("终端 %s 已用另一把公钥登记；拒绝导入（%s 与登记的公钥不同）",
			   "terminal %s is registered with another key; refusing (%s differs from the registered key)"),
			 terminal, keyfile);
		goto out;
	} else if (arc) {
		err_line(T("登记终端 %s 失败：%s", "registering terminal %s failed: %s"), terminal,
			 zc_store_errmsg(s));
		goto out;
	}
	zc_ingest_opts io = {.clock_rollback_tolerance_ms = 300000, .source = jpath};
	long in_batch = 0;
	uint64_t items = 0;
	zc_jitem it;
	int n;
	while ((n = zc_jreader_next(jr, &it)) > 0) {
		if (!in && zc_ingest_begin(s, terminal, &io, &in)) {
			err_line(T("数据库事务失败：%s", "database transaction failed: %s"), zc_store_errmsg(s));
			goto out;
		}
		char where[96];
		snprintf(where, sizeof where, "%s@%llu", it.segment, (unsigned long long)it.offset);
		int irc = 0;
		if (it.status) {
			char detail[160];
			snprintf(detail, sizeof detail, "journal entry: %s (%llu bytes)", zc_strerror(it.status),
				 (unsigned long long)it.skipped);
			irc = zc_ingest_note(in, ZC_FIND_MALFORMED, 0, where, detail);
			if (!json_out)
				fprintf(stderr, T("zhucun: 警告：%s：%s\n", "zhucun: warning: %s: %s\n"), where,
					status_name(it.status));
		}
		if (!irc && it.rec)
			irc = zc_ingest_record(in, it.rec, it.len, where);
		if (irc) {
			err_line(T("写入数据库失败（%s）：%s", "storing failed (%s): %s"), where, zc_store_errmsg(s));
			goto out;
		}
		items++;
		if (++in_batch >= batch) {
			if (commit_batch(s, &in, &total))
				goto out;
			in_batch = 0;
			if (progress_tty())
				fprintf(stderr, T("\r已处理 %llu 条", "\r%llu processed"), (unsigned long long)items);
		}
	}
	if (n < 0) {
		err_line(T("读取日志 %s 失败：%s", "reading journal %s failed: %s"), jpath, zc_strerror(n));
		goto out;
	}
	if (in && commit_batch(s, &in, &total))
		goto out;
	if (progress_tty() && items >= (uint64_t)batch)
		fputc('\n', stderr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "terminal", json_string(terminal));
		json_object_set_new(o, "journal", json_string(jpath));
		json_object_set_new(o, "seen", json_integer((json_int_t)total.seen));
		json_object_set_new(o, "stored", json_integer((json_int_t)total.stored));
		json_object_set_new(o, "duplicates", json_integer((json_int_t)total.duplicates));
		json_object_set_new(o, "findings", json_integer((json_int_t)total.findings));
		json_t *bk = json_object();
		for (int k = 1; k < 16; k++)
			if (total.by_kind[k])
				json_object_set_new(bk, zc_finding_name(k), json_integer((json_int_t)total.by_kind[k]));
		json_object_set_new(o, "findings_by_kind", bk);
		json_object_set_new(o, "seconds", json_real(secs));
		char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		puts(txt);
		free(txt);
		json_decref(o);
	} else {
		printf(T("终端 %s：读取 %llu 条，新存 %llu 条，重复 %llu 条，完整性问题 %llu 项（%.2f 秒）\n",
			 "terminal %s: %llu read, %llu stored, %llu duplicate, %llu integrity findings (%.2f s)\n"),
		       terminal, (unsigned long long)total.seen, (unsigned long long)total.stored,
		       (unsigned long long)total.duplicates, (unsigned long long)total.findings, secs);
		for (int k = 1; k < 16; k++)
			if (total.by_kind[k])
				printf("  %s (%s): %llu\n", zc_finding_label(k, zc_lang_get()), zc_finding_name(k),
				       (unsigned long long)total.by_kind[k]);
	}
	rc = total.findings ? 3 : 0;
out:
	if (in)
		zc_ingest_abort(in);
	zc_store_close(s);
	zc_jreader_close(jr);
	zc_pubkey_free(key);
	free(pem);
	return rc;
}

/* ---- journal export / show ---- */

static int write_all(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The terminal key beside a journal: JOURNAL/terminal.pub.pem or
 * JOURNAL/../terminal.pub.pem. */
static int find_key_beside(const char *jpath, char *out, size_t cap)
{
	struct stat st;
	snprintf(out, cap, "%s/terminal.pub.pem", jpath);
	if (!stat(out, &st))
		return 0;
	snprintf(out, cap, "%s/../terminal.pub.pem", jpath);
	if (!stat(out, &st))
		return 0;
	return -1;
}

static int cmd_journal_export(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
					     {"terminal-key", required_argument, 0, 'k'},
					     {0, 0, 0, 0}};
	const char *out = NULL, *keyfile = NULL;
	char keybuf[4096];
	int c;
	while ((c = getopt_long(argc, argv, "o:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'k': keyfile = optarg; break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || !out) {
		err_line(T("用法：zhucun journal export 日志 --out 目录 [--terminal-key 公钥PEM]",
			   "usage: zhucun journal export JOURNAL --out DIR [--terminal-key PEM]"));
		return 2;
	}
	const char *jpath = argv[optind];
	if (!keyfile) {
		if (find_key_beside(jpath, keybuf, sizeof keybuf)) {
			err_line(T("日志旁没有 terminal.pub.pem；请用 --terminal-key 指定终端公钥",
				   "no terminal.pub.pem beside the journal; give the terminal key with --terminal-key"));
			return 2;
		}
		keyfile = keybuf;
	}
	zc_pubkey *key = NULL;
	zc_jreader *jr = NULL;
	char *pem = NULL;
	int rc = 1;
	uint64_t written = 0, bad = 0, unverified = 0;
	if (!(pem = load_pubkey_pem(keyfile, &key)))
		goto out;
	if (journal_open(jpath, &jr))
		goto out;
	if (mkdir(out, 0755) && errno != EEXIST) {
		err_line(T("无法创建目录 %s：%s", "cannot create folder %s: %s"), out, strerror(errno));
		goto out;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/terminal.pub.pem", out);
	if (write_all(path, pem, strlen(pem))) {
		err_line(T("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	zc_jitem it;
	int n;
	while ((n = zc_jreader_next(jr, &it)) > 0) {
		zc_rec r;
		size_t blen;
		zc_rec_error e;
		if (it.status || zc_rec_decode(it.rec, it.len, &r, &blen, &e)) {
			fprintf(stderr, T("zhucun: 警告：%s@%llu：无法解码，已跳过\n",
					  "zhucun: warning: %s@%llu: does not decode, skipped\n"),
				it.segment, (unsigned long long)it.offset);
			bad++;
			continue;
		}
		if (zc_rec_verify(key, it.rec, blen, &r))
			unverified++;
		snprintf(path, sizeof path, "%s/%llu.body", out, (unsigned long long)r.seq);
		int w1 = write_all(path, it.rec, blen);
		snprintf(path, sizeof path, "%s/%llu.sig", out, (unsigned long long)r.seq);
		int w2 = write_all(path, r.sig, r.sig_len);
		if (w1 || w2) {
			err_line(T("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(errno));
			goto out;
		}
		written++;
	}
	if (n < 0) {
		err_line(T("读取日志 %s 失败：%s", "reading journal %s failed: %s"), jpath, zc_strerror(n));
		goto out;
	}
	printf(T("已导出 %llu 条记录到 %s（无法解码 %llu 条，签名不符 %llu 条）\n",
		 "exported %llu records to %s (%llu undecodable, %llu failing signature)\n"),
	       (unsigned long long)written, out, (unsigned long long)bad, (unsigned long long)unverified);
	rc = 0;
out:
	zc_jreader_close(jr);
	zc_pubkey_free(key);
	free(pem);
	return rc;
}

#define MAX_CERTS 256

/* The badge signature of a PIV tap checked against the certificate whose
 * fingerprint the record names: 1 verifies, 0 does not, -1 no such
 * certificate among those given. */
static int badge_sig_state(zc_badge_cert **certs, int ncerts, const zc_rec *r)
{
	for (int i = 0; i < ncerts; i++) {
		uint8_t fp[ZC_HASH_LEN], ch[ZC_HASH_LEN];
		zc_badge_cert_fingerprint(certs[i], fp);
		if (memcmp(fp, r->u.tap.cert_fp, ZC_HASH_LEN))
			continue;
		zc_rec_tap_challenge(r, ch);
		return zc_badge_cert_verify(certs[i], ch, r->u.tap.badge_sig, r->u.tap.badge_sig_len) == 0;
	}
	return -1;
}

static int cmd_journal_show(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"cert", required_argument, 0, 'c'},
					     {0, 0, 0, 0}};
	zc_badge_cert *certs[MAX_CERTS];
	int ncerts = 0, c, rc = 1;
	while ((c = getopt_long(argc, argv, "jc:", opts, NULL)) != -1) {
		if (c == 'j') {
			json_out = 1;
		} else if (c == 'c') {
			if (ncerts == MAX_CERTS) {
				err_line(T("--cert 最多 %d 个", "at most %d --cert"), MAX_CERTS);
				goto out;
			}
			int lrc = zc_badge_cert_load(optarg, &certs[ncerts]);
			if (lrc) {
				err_line(T("无法读取工牌证书 %s：%s", "cannot read badge certificate %s: %s"), optarg,
					 zc_strerror(lrc));
				goto out;
			}
			ncerts++;
		} else {
			rc = 2;
			goto out;
		}
	}
	if (optind + 1 != argc) {
		err_line(T("用法：zhucun journal show 日志 [--json] [--cert 证书或卡文件]…",
			   "usage: zhucun journal show JOURNAL [--json] [--cert CERT|CARDFILE]..."));
		rc = 2;
		goto out;
	}
	zc_jreader *jr = NULL;
	if (journal_open(argv[optind], &jr))
		goto out;
	zc_jitem it;
	int n;
	while ((n = zc_jreader_next(jr, &it)) > 0) {
		zc_rec r;
		size_t blen;
		zc_rec_error e = {0};
		int drc = it.status ? it.status : zc_rec_decode(it.rec, it.len, &r, &blen, &e);
		if (drc) {
			if (json_out)
				printf("{\"segment\":\"%s\",\"offset\":%llu,\"error\":\"%s\",\"field\":\"%s\"}\n",
				       it.segment, (unsigned long long)it.offset, zc_strerror(drc),
				       e.field ? e.field : "");
			else
				printf(T("%s@%llu  损坏：%s %s\n", "%s@%llu  damaged: %s %s\n"), it.segment,
				       (unsigned long long)it.offset, zc_strerror(drc), e.field ? e.field : "");
			continue;
		}
		uint8_t h[ZC_HASH_LEN];
		zc_rec_hash_body(it.rec, blen, h);
		int piv = r.kind == ZC_KIND_TAP && r.u.tap.badge_kind == ZC_BADGE_PIV && r.u.tap.badge_sig_len;
		int sig = piv && ncerts ? badge_sig_state(certs, ncerts, &r) : -2;
		if (json_out) {
			json_t *o = zc_rec_to_json(&r, h);
			if (sig >= -1)
				json_object_set_new(json_object_get(o, "payload"), "badge_sig_ok",
						    sig < 0 ? json_null() : json_boolean(sig));
			char *txt = json_dumps(o, JSON_COMPACT);
			puts(txt);
			free(txt);
			json_decref(o);
		} else {
			char iso[48], hx[65];
			zc_iso8601_utc(r.utc_ms, iso);
			printf("%6llu  %s  %-14s %s", (unsigned long long)r.seq, iso, zc_kind_name(r.kind),
			       zc_hex(h, 8, hx));
			if (r.kind == ZC_KIND_TAP) {
				char id[2 * ZC_BADGE_ID_MAX + 1];
				printf("  %s %s %s", zc_badge_kind_name(r.u.tap.badge_kind),
				       zc_hex(r.u.tap.badge_id, r.u.tap.badge_id_len, id),
				       zc_tap_result_name(r.u.tap.result));
				if (sig >= -1)
					printf("  %s", sig == 1   ? T("工牌签名有效", "badge signature ok")
						       : sig == 0 ? T("工牌签名无效", "badge signature BAD")
								  : T("无对应证书", "no certificate given"));
			} else if (r.kind == ZC_KIND_READER_FAULT) {
				printf("  %d %s", r.u.fault.code, r.u.fault.text);
			}
			putchar('\n');
		}
	}
	zc_jreader_close(jr);
	rc = n < 0 ? 1 : 0;
out:
	for (int i = 0; i < ncerts; i++)
		zc_badge_cert_free(certs[i]);
	return rc;
}

/* ---- terminals / findings ---- */

static int print_finding(void *arg, const zc_finding *f)
{
	(void)arg;
	if (json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(f->id));
		json_object_set_new(o, "terminal", json_string(f->terminal));
		json_object_set_new(o, "type", json_string(zc_finding_name(f->kind)));
		json_object_set_new(o, "severity", json_string("violation"));
		json_object_set_new(o, "seq", json_integer((json_int_t)f->seq));
		json_object_set_new(o, "where", json_string(f->where ? f->where : ""));
		json_object_set_new(o, "detail", json_string(f->detail ? f->detail : ""));
		char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		puts(txt);
		free(txt);
		json_decref(o);
	} else {
		printf(T("%-8s %s（%s） 序号 %llu  位置 %s\n    %s\n", "%-8s %s (%s) seq %llu  at %s\n    %s\n"),
		       f->terminal, zc_finding_label(f->kind, zc_lang_get()), zc_finding_name(f->kind),
		       (unsigned long long)f->seq, f->where ? f->where : "", f->detail ? f->detail : "");
	}
	return 0;
}

static int cmd_findings(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal", required_argument, 0, 't'},
					     {"json", no_argument, 0, 'j'},
					     {0, 0, 0, 0}};
	const char *tid = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "t:j", opts, NULL)) != -1) {
		switch (c) {
		case 't': tid = optarg; break;
		case 'j': json_out = 1; break;
		default: return 2;
		}
	}
	if (optind != argc) {
		err_line(T("用法：zhucun findings [--terminal 编号] [--json]",
			   "usage: zhucun findings [--terminal ID] [--json]"));
		return 2;
	}
	zc_store *s = open_store();
	if (!s)
		return 1;
	int rc = zc_store_findings(s, tid, print_finding, NULL);
	if (rc)
		err_line(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
	zc_store_close(s);
	return rc ? 1 : 0;
}

/* ---- the serial link: pull, provision, status, ports, revocations ---- */

static unsigned link_timeout_ms; /* --timeout; 0: the hostlink default */
static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Ctrl-C (or SIGTERM) during a pull: stop after the current record, commit
 * what arrived and say so. A second Ctrl-C ends the process at once (the
 * open batch is rolled back by SQLite; a rerun goes on from what is stored). */
static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int64_t mono_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_timeout(const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 50 || v > 600000) {
		err_line(T("--timeout 须为 50 到 600000 毫秒", "--timeout must be 50 to 600000 ms"));
		return -1;
	}
	link_timeout_ms = (unsigned)v;
	return 0;
}

static const char *result_label(int code)
{
	switch (code) {
	case ZC_WIRE_OK: return T("成功", "ok");
	case ZC_WIRE_E_SIGNATURE:
		return T("签名无效（不是终端登记的主机密钥）",
			 "bad signature (not the host key the terminal registered)");
	case ZC_WIRE_E_NONCE: return T("随机数已失效（重放）", "stale nonce (a replay)");
	case ZC_WIRE_E_HASH: return T("哈希与终端记录不符", "hash differs from the terminal's record");
	case ZC_WIRE_E_RANGE: return T("序号或时间超出范围", "sequence or time out of range");
	case ZC_WIRE_E_PROVISIONED: return T("终端已由另一台主机配置", "already provisioned by another host");
	case ZC_WIRE_E_UNPROVISIONED: return T("终端尚未配置", "terminal not provisioned");
	case ZC_WIRE_E_MALFORMED: return T("请求格式错误", "malformed request");
	case ZC_WIRE_E_UNSUPPORTED: return T("终端不支持该请求", "not supported by the terminal");
	case ZC_WIRE_E_INTERNAL: return T("终端内部错误", "terminal internal error");
	default: return T("未知错误", "unknown error");
	}
}

/* One error line for a failed link operation. */
static void link_error(zc_hostlink *h, int rc)
{
	const char *d = zc_hostlink_errmsg(h);
	switch (rc) {
	case ZC_EAGAIN:
		err_line(T("终端没有应答（请检查连线和终端电源）：%s",
			   "the terminal does not answer (check the cable and its power): %s"),
			 d);
		break;
	case ZC_EIO: err_line(T("串口连接中断：%s", "the serial link broke: %s"), d); break;
	case ZC_ECHECKSUM:
		err_line(T("线路干扰太大，数据帧反复损坏（请检查或更换串口线）：%s",
			   "the line is too noisy: frames keep arriving damaged (check or replace the cable): %s"),
			 d);
		break;
	case ZC_EVERSION:
		err_line(T("终端使用另一版本的通信协议，请升级 zhucun 或终端固件（%s）",
			   "the terminal speaks another protocol version; update zhucun or the firmware (%s)"),
			 d);
		break;
	case ZC_EMALFORMED: err_line(T("终端的应答无法解析：%s", "the terminal's answer does not parse: %s"), d); break;
	case ZC_ESTATE:
		err_line(T("终端拒绝了请求：%s（%s）", "the terminal refused: %s (%s)"),
			 result_label(zc_hostlink_last_result(h)), d);
		break;
	default: err_line(T("串口通信失败：%s", "serial link failed: %s"), *d ? d : zc_strerror(rc)); break;
	}
}

static zc_hostlink *open_link(const char *port)
{
	char msg[320];
	zc_hostlink *h = NULL;
	int rc = zc_hostlink_open_serial(port, &h, msg, sizeof msg);
	if (rc == ZC_ENOENT)
		err_line(T("找不到串口 %s：%s（zhucun ports 可列出本机串口）",
			   "no serial port %s: %s (zhucun ports lists them)"),
			 port, msg);
	else if (rc == ZC_ENOMEM)
		err_line(T("内存不足", "out of memory"));
	else if (rc)
		err_line(T("无法打开串口 %s：%s", "cannot open serial port %s: %s"), port, msg);
	if (h && link_timeout_ms)
		zc_hostlink_set_timeout(h, link_timeout_ms, 4);
	return h;
}

static char *fp_short(const uint8_t fp[ZC_HASH_LEN], char out[17])
{
	return zc_hex(fp, 8, out);
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The host key: loaded, or created when create is set. On failure prints
 * the error (unless the key is merely absent and !create) and returns
 * NULL; *absent tells the absent case. */
static zc_privkey *host_key(int create, char *path, size_t cap, int *absent)
{
	zc_privkey *k = NULL;
	int created = 0;
	if (absent)
		*absent = 0;
	if (zc_hostkey_path(db_path, path, cap)) {
		err_line(T("主机密钥路径过长", "host key path too long"));
		return NULL;
	}
	int rc = zc_hostkey_load(path, create, &k, &created);
	if (rc == ZC_ENOENT && !create) {
		if (absent)
			*absent = 1;
		return NULL;
	}
	if (rc == ZC_EMALFORMED) {
		err_line(T("%s 不是 P-256 私钥", "%s is not a P-256 private key"), path);
		return NULL;
	}
	if (rc) {
		err_line(T("无法%s主机密钥 %s：%s", "cannot %s the host key %s: %s"),
			 create ? T("读取或创建", "read or create") : T("读取", "read"), path, zc_strerror(rc));
		return NULL;
	}
	if (created) {
		char pub[4200];
		zc_hostkey_pub_path(path, pub, sizeof pub);
		fprintf(stderr,
			T("zhucun: 已生成主机密钥 %s（仅本用户可读，公钥 %s）。请备份：终端只接受它签名的命令。\n",
			  "zhucun: created the host key %s (owner only; public key %s). Back it up: terminals obey "
			  "only commands signed with it.\n"),
			path, pub);
	}
	return k;
}

static void print_json(json_t *o)
{
	char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	puts(txt);
	free(txt);
	json_decref(o);
}

static json_t *findings_by_kind_json(const zc_ingest_stats *st)
{
	json_t *bk = json_object();
	for (int k = 1; k < 16; k++)
		if (st->by_kind[k])
			json_object_set_new(bk, zc_finding_name(k), json_integer((json_int_t)st->by_kind[k]));
	return bk;
}

/* Human-readable byte count. */
static void fmt_bytes(double b, char *out, size_t cap)
{
	if (b < 1024)
		snprintf(out, cap, "%.0f B", b);
	else if (b < 1024 * 1024)
		snprintf(out, cap, "%.1f KB", b / 1024);
	else
		snprintf(out, cap, "%.1f MB", b / (1024 * 1024));
}

static void fmt_eta(double s, char *out, size_t cap)
{
	if (s < 0)
		snprintf(out, cap, "--:--");
	else if (s < 3600)
		snprintf(out, cap, "%d:%02d", (int)s / 60, (int)s % 60);
	else
		snprintf(out, cap, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
}

typedef struct pull_ui {
	int tty;
	int shown;
	int64_t last_ms;
	uint64_t total; /* records expected, from HELLO */
} pull_ui;

static void pull_progress(void *arg, const zc_pull_progress *p)
{
	pull_ui *u = arg;
	if (!u->tty)
		return;
	int64_t now = mono_now_ms();
	if (u->shown && now - u->last_ms < 250)
		return;
	u->last_ms = now;
	u->shown = 1;
	double bps, rps, eta;
	char b1[32], b2[32], e[32];
	zc_pull_rates(p, &bps, &rps, &eta);
	uint64_t total = p->head_seq >= p->from_seq ? p->head_seq - p->from_seq + 1 : 0;
	fmt_bytes((double)p->line_bytes, b1, sizeof b1);
	fmt_bytes(bps, b2, sizeof b2);
	fmt_eta(eta, e, sizeof e);
	fprintf(stderr,
		T("\r已接收 %llu/%llu 条  %s  %s/s  %.1f 条/秒  剩余 %s   ",
		  "\rreceived %llu/%llu records  %s  %s/s  %.1f records/s  ETA %s   "),
		(unsigned long long)p->records, (unsigned long long)total, b1, b2, rps, e);
	fflush(stderr);
}

static const char *cmd_state_name(int st)
{
	switch (st) {
	case ZC_COLLECT_CMD_NOT_NEEDED: return "not_needed";
	case ZC_COLLECT_CMD_NO_KEY: return "no_host_key";
	case ZC_COLLECT_CMD_OTHER_HOST: return "other_host";
	case ZC_COLLECT_CMD_OK: return "ok";
	case ZC_COLLECT_CMD_REFUSED: return "refused";
	default: return "failed";
	}
}

static json_t *cmd_json(const zc_collect_cmd_result *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "state", json_string(cmd_state_name(c->state)));
	if (c->state == ZC_COLLECT_CMD_OK || c->state == ZC_COLLECT_CMD_REFUSED) {
		json_object_set_new(o, "code", json_integer(c->code));
		json_object_set_new(o, "result", json_string(zc_wire_result_name((uint8_t)c->code)));
	}
	json_object_set_new(o, "text", json_string(c->text));
	return o;
}

static int cmd_pull(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"time-tolerance", required_argument, 0, 'T'},
					     {"batch", required_argument, 0, 'b'},
					     {"register", no_argument, 0, 'r'},
					     {"timeout", required_argument, 0, 'w'},
					     {"window", required_argument, 0, 'W'},
					     {"host-time", required_argument, 0, 'H'},
					     {0, 0, 0, 0}};
	long batch = ZC_COLLECT_BATCH_DEFAULT, tol_s = 120, window = 0;
	long long host_time = 0;
	int reg = 0, c;
	char *end;
	while ((c = getopt_long(argc, argv, "jT:b:rw:W:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_out = 1; break;
		case 'H':
			/* a simulation's clock: the host's time of this collection */
			host_time = strtoll(optarg, &end, 10);
			if (*end || host_time < 86400000LL || host_time > 32503680000000LL) {
				err_line(T("--host-time 须为 1970 年以来的毫秒数（UTC）",
					   "--host-time must be milliseconds since 1970 (UTC)"));
				return 2;
			}
			break;
		case 'r': reg = 1; break;
		case 'T':
			tol_s = strtol(optarg, &end, 10);
			if (*end || tol_s < 0 || tol_s > 86400 * 365) {
				err_line(T("--time-tolerance 须为 0 到 31536000 秒（0：从不校时）",
					   "--time-tolerance must be 0 to 31536000 seconds (0: never set the clock)"));
				return 2;
			}
			break;
		case 'b':
			batch = strtol(optarg, &end, 10);
			if (*end || batch < 1 || batch > 1000000) {
				err_line(T("--batch 须为 1 到 1000000", "--batch must be 1 to 1000000"));
				return 2;
			}
			break;
		case 'w':
			if (parse_timeout(optarg))
				return 2;
			break;
		case 'W':
			window = strtol(optarg, &end, 10);
			if (*end || window < 1 || window > 64) {
				err_line(T("--window 须为 1 到 64", "--window must be 1 to 64"));
				return 2;
			}
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		err_line(T("用法：zhucun pull 串口 [--json] [--time-tolerance 秒] [--batch N] [--register]",
			   "usage: zhucun pull PORT [--json] [--time-tolerance SECONDS] [--batch N] [--register]"));
		return 2;
	}
	const char *port = argv[optind];
	char keypath[4200];
	int absent = 0, rc = 1;
	zc_store *s = NULL;
	zc_hostlink *h = NULL;
	zc_privkey *key = NULL;
	zc_collect_result r;
	char msg[512];

	if (!(s = open_store()))
		goto out;
	key = host_key(0, keypath, sizeof keypath, &absent);
	if (!key && !absent)
		goto out;
	if (!(h = open_link(port)))
		goto out;
	catch_stop_signals();
	pull_ui ui = {.tty = progress_tty()};
	zc_collect_opts co = {.source = port,
			      .batch = (uint32_t)batch,
			      .window = (uint16_t)window,
			      .time_tolerance_ms = tol_s ? tol_s * 1000 : -1,
			      .clock_rollback_tolerance_ms = 300000,
			      .register_unknown = reg,
			      .host_time_ms = host_time,
			      .host_key = key,
			      .progress = pull_progress,
			      .arg = &ui,
			      .stop = &stop_flag};
	int crc = zc_collect(s, h, &co, &r, msg, sizeof msg);
	if (ui.shown)
		fputc('\n', stderr);
	const zc_wire_hello *he = &r.hello;
	char f1[17], f2[17];
	if (r.registered)
		fprintf(stderr,
			T("zhucun: 警告：终端 %s 此前未登记；已按 --register 信任它出示的公钥 %s…（首次使用即信任）。"
			  "请与终端上显示的公钥指纹核对！\n",
			  "zhucun: WARNING: terminal %s was not registered; trusting the key it presents, %s..., "
			  "as asked by --register (trust on first use). Compare it with the fingerprint the "
			  "terminal shows!\n"),
			he->terminal, fp_short(he->key_fp, f1));
	if (crc) {
		switch (r.error) {
		case ZC_COLLECT_LINK: link_error(h, crc); break;
		case ZC_COLLECT_UNPROVISIONED:
			err_line(T("终端尚未配置；请先运行 zhucun provision",
				   "the terminal is not provisioned; run zhucun provision first"));
			break;
		case ZC_COLLECT_BAD_HELLO:
			err_line(T("终端 %s 出示的公钥与其指纹不符；拒绝拉取",
				   "terminal %s presents a key that does not match its fingerprint; refusing"),
				 he->terminal);
			break;
		case ZC_COLLECT_UNKNOWN:
			err_line(T("终端 %s 未在本数据库登记（公钥 %s…）；请先用 zhucun provision 配置它，或用 "
				   "--register 信任它出示的公钥",
				   "terminal %s is not registered in this database (key %s...); provision it with "
				   "zhucun provision, or trust the key it presents with --register"),
				 he->terminal, fp_short(he->key_fp, f1));
			break;
		case ZC_COLLECT_KEY_MISMATCH: {
			err_line(T("终端 %s 出示的公钥与登记的不同；拒绝拉取（%s）",
				   "terminal %s presents another key than the registered one; refusing (%s)"),
				 he->terminal, msg);
			break;
		}
		case ZC_COLLECT_STOPPED:
			err_line(T("已中断：本次新存 %llu 条记录已保存；再次运行 zhucun pull 即可从序号 %llu 继续",
				   "interrupted: the %llu new records of this pull are stored; run zhucun pull again "
				   "to go on from seq %llu"),
				 (unsigned long long)r.ingest.stored, (unsigned long long)r.verified_head + 1);
			break;
		default: err_line(T("数据库写入失败：%s", "storing failed: %s"), *msg ? msg : zc_strerror(crc)); break;
		}
		if (r.error == ZC_COLLECT_LINK && r.ingest.stored)
			fprintf(stderr,
				T("zhucun: 本次已接收的 %llu 条新记录已保存；再次运行 zhucun pull 即可继续\n",
				  "zhucun: the %llu new records received are stored; run zhucun pull again to go on\n"),
				(unsigned long long)r.ingest.stored);
	}
	/* The signed commands' outcome, as warnings. */
	int cmd_failed = 0;
	const zc_collect_cmd_result *cmds[2] = {&r.ack, &r.set_time};
	const char *cmd_label[2] = {T("确认收取", "ACK_COLLECTED"), T("校时", "SET_TIME")};
	for (int i = 0; i < 2; i++) {
		const zc_collect_cmd_result *cr = cmds[i];
		if (cr->state == ZC_COLLECT_CMD_NO_KEY)
			fprintf(stderr,
				T("zhucun: 警告：没有主机密钥（%s），未发送%s；记录已保存\n",
				  "zhucun: warning: no host key (%s): %s not sent; the records are stored\n"),
				keypath, cmd_label[i]);
		else if (cr->state == ZC_COLLECT_CMD_OTHER_HOST)
			fprintf(stderr,
				T("zhucun: 警告：终端登记的是另一台主机的密钥（%s…），未发送%s；记录已保存\n",
				  "zhucun: warning: the terminal obeys another host's key (%s...): %s not sent; the "
				  "records are stored\n"),
				all_zero(he->host_fp, ZC_HASH_LEN) ? "-" : fp_short(he->host_fp, f2), cmd_label[i]);
		else if (cr->state == ZC_COLLECT_CMD_REFUSED || cr->state == ZC_COLLECT_CMD_FAILED)
			cmd_failed = 1;
	}
	if (!crc && cmd_failed) {
		const zc_collect_cmd_result *cr = r.ack.state >= ZC_COLLECT_CMD_REFUSED ? &r.ack : &r.set_time;
		const char *what = cr == &r.ack ? T("确认收取", "ACK_COLLECTED") : T("校时", "SET_TIME");
		if (cr->state == ZC_COLLECT_CMD_REFUSED)
			err_line(T("终端拒绝了%s：%s（%s）；记录已保存",
				   "the terminal refused %s: %s (%s); the records are stored"),
				 what, result_label(cr->code), cr->text);
		else
			err_line(T("%s未完成：%s；记录已保存", "%s did not complete: %s; the records are stored"), what,
				 cr->text);
	}
	if (r.error == ZC_COLLECT_LINK || r.error == ZC_COLLECT_STOPPED || r.error == ZC_COLLECT_STORE || !crc) {
		double secs = (double)r.seconds_ms / 1000.0;
		uint64_t line = r.link.bytes_rx;
		double rate = secs > 0 ? (double)line / secs : 0;
		uint64_t received = r.pull.records + r.tail_records;
		if (json_out) {
			json_t *o = json_object();
			json_object_set_new(o, "ok", json_boolean(!crc && !cmd_failed));
			json_object_set_new(o, "terminal", json_string(he->terminal));
			json_object_set_new(o, "port", json_string(port));
			json_object_set_new(o, "registered_now", json_boolean(r.registered));
			json_object_set_new(o, "from_seq", json_integer((json_int_t)r.from_seq));
			json_object_set_new(o, "terminal_head", json_integer((json_int_t)r.pull.head_seq));
			json_object_set_new(o, "verified_head", json_integer((json_int_t)r.verified_head));
			json_object_set_new(o, "received", json_integer((json_int_t)received));
			json_object_set_new(o, "stored", json_integer((json_int_t)r.ingest.stored));
			json_object_set_new(o, "duplicates", json_integer((json_int_t)r.ingest.duplicates));
			json_object_set_new(o, "findings", json_integer((json_int_t)r.ingest.findings));
			json_object_set_new(o, "findings_by_kind", findings_by_kind_json(&r.ingest));
			json_object_set_new(o, "skipped_by_terminal", json_integer((json_int_t)r.pull.skipped));
			json_object_set_new(o, "pruned_from", json_integer((json_int_t)r.pruned_from));
			json_object_set_new(o, "pruned_to", json_integer((json_int_t)r.pruned_to));
			json_object_set_new(o, "bytes", json_integer((json_int_t)(r.pull.rec_bytes + r.tail_bytes)));
			json_object_set_new(o, "line_bytes", json_integer((json_int_t)line));
			json_object_set_new(o, "seconds", json_real(secs));
			json_object_set_new(o, "line_bytes_per_s", json_real(rate));
			json_object_set_new(o, "records_per_s", json_real(secs > 0 ? (double)received / secs : 0));
			json_object_set_new(o, "rerequests", json_integer((json_int_t)r.pull.rerequests));
			json_object_set_new(o, "frames_dropped", json_integer((json_int_t)r.link.frames_dropped));
			json_object_set_new(o, "clock_offset_ms", json_integer(r.clock_offset_ms));
			json_object_set_new(o, "ack", cmd_json(&r.ack));
			json_object_set_new(o, "acked_to", json_integer((json_int_t)r.acked_to));
			json_object_set_new(o, "collected_at_ms", json_integer((json_int_t)r.collected_at_ms));
			json_object_set_new(o, "set_time", cmd_json(&r.set_time));
			if (crc)
				json_object_set_new(o, "error", json_string(*msg ? msg : zc_strerror(crc)));
			print_json(o);
		} else {
			char b1[32], b2[32];
			fmt_bytes((double)(r.pull.rec_bytes + r.tail_bytes), b1, sizeof b1);
			fmt_bytes(rate, b2, sizeof b2);
			printf(
			    T("终端 %s：新存 %llu 条，重复 %llu 条，完整性问题 %llu 项；%s，用时 %.1f 秒（线路 %s/s）",
			      "terminal %s: %llu new records, %llu duplicates, %llu integrity findings; %s in %.1f s "
			      "(line %s/s)"),
			    he->terminal, (unsigned long long)r.ingest.stored, (unsigned long long)r.ingest.duplicates,
			    (unsigned long long)r.ingest.findings, b1, secs, b2);
			if (r.ack.state == ZC_COLLECT_CMD_OK)
				printf(T("；已确认收取至 %llu", "; collection acknowledged up to %llu"),
				       (unsigned long long)r.acked_to);
			if (r.set_time.state == ZC_COLLECT_CMD_OK) {
				char dur[64];
				zc_duration_text(r.clock_offset_ms, zc_lang_get(), dur, sizeof dur);
				printf(T("；终端时钟已校正（原先%s本机 %s）", "; terminal clock set (it was %s this host by %s)"),
				       r.clock_offset_ms < 0 ? T("慢于", "behind") : T("快于", "ahead of"), dur);
			}
			putchar('\n');
			for (int k = 1; k < 16; k++)
				if (r.ingest.by_kind[k])
					printf("  %s (%s): %llu\n", zc_finding_label(k, zc_lang_get()),
					       zc_finding_name(k), (unsigned long long)r.ingest.by_kind[k]);
			if (r.pull.skipped)
				printf(T("  终端无法读出 %llu 条记录（日志损坏），已记为缺号\n",
					 "  %llu records could not be read on the terminal (damaged journal): recorded "
					 "as a gap\n"),
				       (unsigned long long)r.pull.skipped);
			if (r.pruned_to)
				printf(T("  序号 %llu 至 %llu 已被其他主机收取并从终端删除；请导入其数据包（zhucun "
					 "bundle import）\n",
					 "  seq %llu to %llu were collected by another host and deleted from the "
					 "terminal; import its bundle (zhucun bundle import)\n"),
				       (unsigned long long)r.pruned_from, (unsigned long long)r.pruned_to);
		}
	}
	if (crc || cmd_failed)
		rc = 1;
	else
		rc = r.ingest.findings ? 3 : 0;
out:
	zc_hostlink_close(h);
	zc_privkey_free(key);
	zc_store_close(s);
	return rc;
}

/* ---- provision ---- */

static int cmd_provision(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal", required_argument, 0, 't'},
					     {"township", required_argument, 0, 'p'},
					     {"ca", required_argument, 0, 'c'},
					     {"revocations", required_argument, 0, 'r'},
					     {"timeout", required_argument, 0, 'w'},
					     {"json", no_argument, 0, 'j'},
					     {0, 0, 0, 0}};
	const char *tid = NULL, *township = NULL, *ca_path = NULL, *rev_path = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "t:p:c:r:w:j", opts, NULL)) != -1) {
		switch (c) {
		case 't': tid = optarg; break;
		case 'p': township = optarg; break;
		case 'c': ca_path = optarg; break;
		case 'r': rev_path = optarg; break;
		case 'j': json_out = 1; break;
		case 'w':
			if (parse_timeout(optarg))
				return 2;
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || !tid || !township || !ca_path) {
		err_line(
		    T("用法：zhucun provision 串口 --terminal 编号 --township 乡镇编号 --ca CA证书 [--revocations "
		      "吊销列表]",
		      "usage: zhucun provision PORT --terminal ID --township ID --ca CA.pem [--revocations FILE]"));
		return 2;
	}
	if (!zc_id_valid(tid)) {
		err_line(T("编号 '%s' 无效（1 到 32 个字母、数字、. _ -）",
			   "invalid id '%s' (1 to 32 of letters, digits, . _ -)"),
			 tid);
		return 2;
	}
	char township_id[64];
	const char *port = argv[optind];
	zc_badge_ca *ca = NULL;
	zc_store *s = NULL;
	zc_privkey *key = NULL;
	zc_hostlink *h = NULL;
	zc_pubkey *tkey = NULL;
	uint8_t *rev = NULL;
	size_t rev_len = 0;
	char keypath[4200], pem[ZC_PEM_MAX], f1[17], f2[17];
	uint8_t hder[ZC_BUNDLE_KEY_MAX], our_fp[ZC_HASH_LEN];
	int rc = 1, lrc;

	if ((lrc = zc_badge_ca_load(ca_path, &ca))) {
		err_line(T("无法读取工牌 CA 证书 %s：%s", "cannot read the badge CA certificate %s: %s"), ca_path,
			 zc_strerror(lrc));
		goto out;
	}
	if (rev_path) {
		zc_revlist_error re = {0};
		if ((lrc = zc_file_read(rev_path, 1u << 22, &rev, &rev_len))) {
			err_line(T("无法读取吊销列表 %s：%s", "cannot read the revocation list %s: %s"), rev_path,
				 zc_strerror(lrc));
			goto out;
		}
		if ((lrc = zc_badge_ca_set_revocations(ca, rev, rev_len, &re))) {
			err_line(T("吊销列表 %s 无效：%s", "revocation list %s is not valid: %s"), rev_path,
				 lrc == ZC_ESIG ? T("不是该 CA 签发的", "not signed by this CA")
				 : re.field	? re.field
						: zc_strerror(lrc));
			goto out;
		}
		if (rev_len > UINT16_MAX) {
			err_line(T("吊销列表过大（%zu 字节）", "revocation list too large (%zu bytes)"), rev_len);
			goto out;
		}
	}
	if (!(s = open_store()))
		goto out;
	/* a township may be named; one not registered yet must be a valid id */
	if (!(township = zc_cli_resolve(s, "townships", township, 0, township_id, sizeof township_id))) {
		rc = 2;
		goto out;
	}
	if (!(key = host_key(1, keypath, sizeof keypath, NULL)))
		goto out;
	int hlen;
	if (zc_privkey_public_pem(key, pem, sizeof pem) || (hlen = zc_pem_to_der(pem, hder, sizeof hder)) < 0 ||
	    zc_privkey_fingerprint(key, our_fp)) {
		err_line(T("主机密钥无法使用", "the host key cannot be used"));
		goto out;
	}
	if (!(h = open_link(port)))
		goto out;
	zc_wire_hello he;
	if ((lrc = zc_hostlink_hello(h, &he, NULL))) {
		link_error(h, lrc);
		goto out;
	}
	/* The id must not belong to another terminal in this store. */
	char have[ZC_PEM_MAX];
	if (!zc_store_terminal_key(s, tid, have, sizeof have)) {
		zc_pubkey *k = NULL;
		uint8_t fp[ZC_HASH_LEN];
		if (!zc_pubkey_parse((const uint8_t *)have, strlen(have), &k) && !zc_pubkey_fingerprint(k, fp) &&
		    memcmp(fp, he.key_fp, ZC_HASH_LEN)) {
			zc_pubkey_free(k);
			err_line(T("编号 %s 已登记给另一台终端（公钥 %s…，这台终端的公钥 %s…）；请换一个编号",
				   "id %s is registered to another terminal (key %s..., this terminal's %s...); choose "
				   "another id"),
				 tid, fp_short(fp, f1), fp_short(he.key_fp, f2));
			goto out;
		}
		zc_pubkey_free(k);
	}
	size_t ca_len;
	const uint8_t *ca_der = zc_badge_ca_der(ca, &ca_len);
	zc_wire_provision pv = {.host_pubkey = hder,
				.host_pubkey_len = (uint16_t)hlen,
				.ca_cert = ca_der,
				.ca_cert_len = (uint16_t)ca_len,
				.revocations = rev,
				.revocations_len = (uint16_t)rev_len};
	snprintf(pv.terminal, sizeof pv.terminal, "%s", tid);
	snprintf(pv.township, sizeof pv.township, "%s", township);
	zc_wire_result_msg res;
	if ((lrc = zc_hostlink_provision(h, &pv, key, &res))) {
		link_error(h, lrc);
		goto out;
	}
	if (res.code != ZC_WIRE_OK) {
		err_line(T("终端拒绝配置：%s（%s）", "the terminal refused provisioning: %s (%s)"),
			 result_label(res.code), res.text);
		goto out;
	}
	/* Ask again: the key it signs with from now on, and the proof it took. */
	if ((lrc = zc_hostlink_hello(h, &he, NULL))) {
		link_error(h, lrc);
		goto out;
	}
	if (strcmp(he.terminal, tid) || memcmp(he.host_fp, our_fp, ZC_HASH_LEN)) {
		err_line(T("终端应答成功，但随后报告的编号（%s）或主机密钥与配置的不同",
			   "the terminal said OK, but then reports another id (%s) or host key than provisioned"),
			 he.terminal);
		goto out;
	}
	if (zc_pubkey_parse(he.pubkey, he.pubkey_len, &tkey) || zc_pubkey_pem(tkey, pem, sizeof pem)) {
		err_line(T("终端出示的公钥无法解析", "the terminal's public key does not parse"));
		goto out;
	}
	lrc = zc_store_terminal_add(s, tid, pem);
	if (lrc == ZC_EEXIST) {
		err_line(
		    T("终端 %s 已配置，但本数据库中该编号已登记另一把公钥；未登记",
		      "terminal %s is provisioned, but this database has the id under another key; not registered"),
		    tid);
		goto out;
	} else if (lrc) {
		err_line(T("登记终端 %s 失败：%s", "registering terminal %s failed: %s"), tid, zc_store_errmsg(s));
		goto out;
	}
	if (json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "terminal", json_string(tid));
		json_object_set_new(o, "township", json_string(township));
		char hx[65];
		json_object_set_new(o, "terminal_key_fp", json_string(zc_hex(he.key_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(our_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_key", json_string(keypath));
		json_object_set_new(o, "result", json_string(res.text));
		print_json(o);
	} else {
		printf(T("终端 %s（乡镇 %s）已配置并登记：终端公钥 %s…，主机密钥 %s（%s…）\n",
			 "terminal %s (township %s) provisioned and registered: terminal key %s..., host key %s "
			 "(%s...)\n"),
		       tid, township, fp_short(he.key_fp, f1), keypath, fp_short(our_fp, f2));
	}
	rc = 0;
out:
	zc_pubkey_free(tkey);
	zc_hostlink_close(h);
	zc_privkey_free(key);
	zc_store_close(s);
	zc_badge_ca_free(ca);
	free(rev);
	return rc;
}

/* ---- status ---- */

static int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'}, {"timeout", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "jw:", opts, NULL)) != -1) {
		if (c == 'j')
			json_out = 1;
		else if (c == 'w') {
			if (parse_timeout(optarg))
				return 2;
		} else
			return 2;
	}
	if (optind + 1 != argc) {
		err_line(T("用法：zhucun status 串口 [--json]", "usage: zhucun status PORT [--json]"));
		return 2;
	}
	const char *port = argv[optind];
	zc_hostlink *h = NULL;
	zc_store *s = NULL;
	zc_privkey *key = NULL;
	int rc = 1, lrc;
	char keypath[4200];
	zc_wire_hello he;
	zc_wire_status st;
	int64_t local_ms;

	if (!(h = open_link(port)))
		goto out;
	if ((lrc = zc_hostlink_hello(h, &he, &local_ms)) || (lrc = zc_hostlink_status(h, &st))) {
		link_error(h, lrc);
		goto out;
	}
	/* What this host knows of it (optional: status works without a store). */
	struct stat sb;
	int registered = -1; /* unknown: no database */
	uint64_t vhead = 0;
	if (!stat(db_path, &sb) && (s = open_store())) {
		char pem[ZC_PEM_MAX];
		registered = he.terminal[0] && !zc_store_terminal_key(s, he.terminal, pem, sizeof pem);
		if (registered)
			zc_store_terminal_head(s, he.terminal, &vhead, NULL);
	}
	uint8_t our_fp[ZC_HASH_LEN];
	if (zc_hostkey_path(db_path, keypath, sizeof keypath) || zc_hostkey_load(keypath, 0, &key, NULL))
		key = NULL; /* no (usable) host key: it is just not ours */
	int ours = key && !zc_privkey_fingerprint(key, our_fp) && !memcmp(our_fp, he.host_fp, ZC_HASH_LEN);
	char t1[48], hx[65];
	int64_t off = he.utc_ms - local_ms;
	zc_iso8601_utc(he.utc_ms, t1);
	if (json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "terminal", json_string(he.terminal));
		json_object_set_new(o, "township", json_string(he.township));
		json_object_set_new(o, "provisioned", json_boolean(he.terminal[0] != 0));
		json_object_set_new(o, "firmware", json_string(he.firmware));
		json_object_set_new(o, "key_fp", json_string(zc_hex(he.key_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_fp", json_string(zc_hex(he.host_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_is_us", json_boolean(ours));
		json_object_set_new(o, "head_seq", json_integer((json_int_t)he.head_seq));
		json_object_set_new(o, "first_seq", json_integer((json_int_t)he.first_seq));
		json_object_set_new(o, "collected_seq", json_integer((json_int_t)he.collected_seq));
		json_object_set_new(o, "utc", json_string(t1));
		json_object_set_new(o, "clock_offset_ms", json_integer(off));
		json_object_set_new(o, "bytes_used", json_integer((json_int_t)st.bytes_used));
		json_object_set_new(o, "capacity_bytes", json_integer((json_int_t)st.capacity_bytes));
		json_object_set_new(o, "records", json_integer((json_int_t)st.records));
		json_object_set_new(o, "uncollected", json_integer((json_int_t)st.uncollected));
		json_object_set_new(o, "reader_ok", json_boolean(st.reader_ok));
		json_object_set_new(o, "taps", json_integer((json_int_t)st.taps));
		json_object_set_new(o, "faults", json_integer((json_int_t)st.faults));
		json_object_set_new(o, "last_fault", json_string(st.last_fault));
		if (registered >= 0) {
			json_object_set_new(o, "registered", json_boolean(registered));
			json_object_set_new(o, "stored_head", json_integer((json_int_t)vhead));
		}
		print_json(o);
	} else {
		char f1[17], b1[32], b2[32];
		if (he.terminal[0])
			printf(T("终端 %s（乡镇 %s）  固件 %s\n", "terminal %s (township %s)  firmware %s\n"),
			       he.terminal, he.township, he.firmware);
		else
			printf(T("终端尚未配置  固件 %s\n", "terminal not provisioned  firmware %s\n"), he.firmware);
		printf(T("  终端公钥      %s…\n", "  terminal key   %s...\n"), fp_short(he.key_fp, f1));
		if (all_zero(he.host_fp, ZC_HASH_LEN))
			printf(T("  主机密钥      无\n", "  host key       none\n"));
		else
			printf(T("  主机密钥      %s…%s\n", "  host key       %s...%s\n"), fp_short(he.host_fp, f1),
			       ours ? T("（本机）", " (this host)") : T("（另一台主机）", " (another host)"));
		if (!he.head_seq)
			printf(T("  日志          空\n", "  journal        empty\n"));
		else
			printf(T("  日志          序号 %llu 至 %llu，已收取至 %llu，未收取 %llu 条\n",
				 "  journal        seq %llu to %llu, collected up to %llu, %llu uncollected\n"),
			       (unsigned long long)he.first_seq, (unsigned long long)he.head_seq,
			       (unsigned long long)he.collected_seq, (unsigned long long)st.uncollected);
		fmt_bytes((double)st.bytes_used, b1, sizeof b1);
		fmt_bytes((double)st.capacity_bytes, b2, sizeof b2);
		printf(T("  存储          已用 %s / %s（%llu 条记录）\n",
			 "  storage        %s used of %s (%llu records)\n"),
		       b1, b2, (unsigned long long)st.records);
		char dur[64];
		zc_duration_text(off, zc_lang_get(), dur, sizeof dur);
		if (zc_lang_get() == ZC_LANG_EN)
			printf("  clock          %s (%s %s this host)\n", t1, dur, off < 0 ? "behind" : "ahead of");
		else
			printf("  时钟          %s（%s本机，相差 %s）\n", t1, off < 0 ? "慢于" : "快于", dur);
		printf(T("  读卡器        %s；刷卡 %llu 次，故障 %llu 次%s%s\n",
			 "  reader         %s; %llu taps, %llu faults%s%s\n"),
		       st.reader_ok ? T("正常", "ok") : T("故障", "FAULT"), (unsigned long long)st.taps,
		       (unsigned long long)st.faults, st.last_fault[0] ? T("，最近：", ", last: ") : "", st.last_fault);
		if (registered == 1)
			printf(T("  本机数据库    已登记，已存至序号 %llu\n",
				 "  this database  registered, stored up to seq %llu\n"),
			       (unsigned long long)vhead);
		else if (registered == 0 && he.terminal[0])
			printf(T("  本机数据库    未登记\n", "  this database  not registered\n"));
	}
	rc = 0;
out:
	zc_privkey_free(key);
	zc_store_close(s);
	zc_hostlink_close(h);
	return rc;
}

/* ---- ports ---- */

static int cmd_ports(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"probe", no_argument, 0, 'p'},
					     {"timeout", required_argument, 0, 'w'},
					     {0, 0, 0, 0}};
	int c, probe = 0;
	while ((c = getopt_long(argc, argv, "jpw:", opts, NULL)) != -1) {
		if (c == 'j')
			json_out = 1;
		else if (c == 'p')
			probe = 1;
		else if (c == 'w') {
			if (parse_timeout(optarg))
				return 2;
		} else
			return 2;
	}
	if (optind != argc) {
		err_line(T("用法：zhucun ports [--json] [--probe]", "usage: zhucun ports [--json] [--probe]"));
		return 2;
	}
	zc_port_info *pi = NULL;
	size_t n = 0;
	int rc = zc_ports_list(&pi, &n);
	if (rc) {
		err_line(T("无法列出串口：%s", "cannot list the serial ports: %s"), zc_strerror(rc));
		return 1;
	}
	if (!n && !json_out)
		printf(T("没有找到串口\n", "no serial ports found\n"));
	for (size_t i = 0; i < n; i++) {
		char term[ZC_TERMINAL_ID_MAX + 1] = "", fw[ZC_TEXT_MAX + 1] = "";
		int answered = 0;
		if (probe) {
			char msg[256];
			zc_hostlink *h = NULL;
			if (!zc_hostlink_open_serial(pi[i].name, &h, msg, sizeof msg)) {
				zc_wire_hello he;
				zc_hostlink_set_timeout(h, link_timeout_ms ? link_timeout_ms : 700, 0);
				if (!zc_hostlink_hello(h, &he, NULL)) {
					answered = 1;
					snprintf(term, sizeof term, "%s", he.terminal);
					snprintf(fw, sizeof fw, "%s", he.firmware);
				}
				zc_hostlink_close(h);
			}
		}
		if (json_out) {
			json_t *o = json_object();
			json_object_set_new(o, "port", json_string(pi[i].name));
			json_object_set_new(o, "description", json_string(pi[i].description));
			json_object_set_new(o, "usb", json_boolean(pi[i].usb));
			if (pi[i].usb) {
				char id[16];
				snprintf(id, sizeof id, "%04x:%04x", pi[i].vid & 0xffff, pi[i].pid & 0xffff);
				json_object_set_new(o, "usb_id", pi[i].vid >= 0 ? json_string(id) : json_null());
				json_object_set_new(o, "manufacturer", json_string(pi[i].manufacturer));
				json_object_set_new(o, "product", json_string(pi[i].product));
				json_object_set_new(o, "serial", json_string(pi[i].serial));
			}
			json_object_set_new(o, "likely_terminal", json_boolean(pi[i].likely || answered));
			if (probe) {
				json_object_set_new(o, "answered", json_boolean(answered));
				if (answered) {
					json_object_set_new(o, "terminal", json_string(term));
					json_object_set_new(o, "firmware", json_string(fw));
				}
			}
			print_json(o);
		} else {
			printf("%-16s %-28s", pi[i].name, pi[i].description);
			if (pi[i].usb && pi[i].vid >= 0)
				printf("  USB %04x:%04x", pi[i].vid & 0xffff, pi[i].pid & 0xffff);
			if (pi[i].likely)
				printf(T("  可能是终端的串口线", "  likely a terminal's cable"));
			if (probe) {
				if (!answered)
					printf(T("  无应答", "  no answer"));
				else if (term[0])
					printf(T("  终端 %s（固件 %s）", "  terminal %s (firmware %s)"), term, fw);
				else
					printf(T("  未配置的终端（固件 %s）", "  unprovisioned terminal (firmware %s)"),
					       fw);
			}
			putchar('\n');
		}
	}
	free(pi);
	return 0;
}

/* ---- revocations ---- */

static int cmd_revocations(int argc, char **argv)
{
	static const struct option opts[] = {{"timeout", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		if (c != 'w' || parse_timeout(optarg))
			return 2;
	}
	if (optind + 2 != argc) {
		err_line(T("用法：zhucun revocations 串口 吊销列表", "usage: zhucun revocations PORT FILE"));
		return 2;
	}
	const char *port = argv[optind], *path = argv[optind + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	zc_privkey *key = NULL;
	zc_hostlink *h = NULL;
	zc_revlist l = {0};
	zc_revlist_error re = {0};
	char keypath[4200];
	int rc = 1, lrc, absent;

	if ((lrc = zc_file_read(path, 1u << 22, &buf, &len))) {
		err_line(T("无法读取吊销列表 %s：%s", "cannot read the revocation list %s: %s"), path,
			 zc_strerror(lrc));
		goto out;
	}
	if ((lrc = zc_revlist_decode(buf, len, &l, NULL, &re))) {
		err_line(T("%s 不是有效的吊销列表（%s）", "%s is not a valid revocation list (%s)"), path,
			 re.field ? re.field : zc_strerror(lrc));
		goto out;
	}
	if (!(key = host_key(0, keypath, sizeof keypath, &absent))) {
		if (absent)
			err_line(T("没有主机密钥 %s；终端只接受配置它的主机签名的命令",
				   "no host key %s; terminals obey only the host that provisioned them"),
				 keypath);
		goto out;
	}
	if (!(h = open_link(port)))
		goto out;
	zc_wire_hello he;
	zc_wire_result_msg res;
	if ((lrc = zc_hostlink_hello(h, &he, NULL)) ||
	    (lrc = zc_hostlink_revocations(h, he.terminal, buf, len, key, &res))) {
		link_error(h, lrc);
		goto out;
	}
	if (res.code != ZC_WIRE_OK) {
		err_line(T("终端拒绝了吊销列表：%s（%s）", "the terminal refused the revocation list: %s (%s)"),
			 result_label(res.code), res.text);
		goto out;
	}
	printf(T("终端 %s 已安装第 %llu 号吊销列表（%u 项）\n",
		 "terminal %s installed revocation list number %llu (%u entries)\n"),
	       he.terminal, (unsigned long long)l.number, l.count);
	rc = 0;
out:
	zc_revlist_clear(&l);
	zc_hostlink_close(h);
	zc_privkey_free(key);
	free(buf);
	return rc;
}

/* ---- bundles ---- */

static int cmd_bundle_export(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal", required_argument, 0, 't'},
					     {"out", required_argument, 0, 'o'},
					     {"from", required_argument, 0, 'f'},
					     {"json", no_argument, 0, 'j'},
					     {0, 0, 0, 0}};
	const char *tid = NULL, *outp = NULL;
	unsigned long long from = 1;
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "t:o:f:j", opts, NULL)) != -1) {
		switch (c) {
		case 't': tid = optarg; break;
		case 'o': outp = optarg; break;
		case 'j': json_out = 1; break;
		case 'f':
			from = strtoull(optarg, &end, 10);
			if (*end || !from) {
				err_line(T("--from 须为正整数序号", "--from must be a sequence number >= 1"));
				return 2;
			}
			break;
		default: return 2;
		}
	}
	if (optind != argc || !tid || !outp) {
		err_line(T("用法：zhucun bundle export --terminal 编号 --out 文件 [--from 序号]",
			   "usage: zhucun bundle export --terminal ID --out FILE [--from SEQ]"));
		return 2;
	}
	zc_store *s = NULL;
	zc_privkey *key = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char keypath[4200], f1[17];
	zc_bundle_info bi;
	int rc = 1, lrc;

	if (!(s = open_store()))
		goto out;
	if (!(key = host_key(1, keypath, sizeof keypath, NULL)))
		goto out;
	lrc = zc_bundle_export(s, tid, from, key, &buf, &len, &bi);
	if (lrc == ZC_ENOENT) {
		err_line(T("终端 %s 未在本数据库登记", "terminal %s is not registered in this database"), tid);
		goto out;
	} else if (lrc) {
		err_line(T("导出失败：%s", "export failed: %s"), lrc == ZC_EDB ? zc_store_errmsg(s) : zc_strerror(lrc));
		goto out;
	}
	if ((lrc = zc_file_write_atomic(outp, buf, len, 0644))) {
		err_line(T("无法写入 %s：%s", "cannot write %s: %s"), outp, zc_strerror(lrc));
		goto out;
	}
	if (json_out) {
		json_t *o = json_object();
		char hx[65];
		json_object_set_new(o, "terminal", json_string(tid));
		json_object_set_new(o, "out", json_string(outp));
		json_object_set_new(o, "records", json_integer(bi.count));
		json_object_set_new(o, "first_seq", json_integer((json_int_t)bi.first_seq));
		json_object_set_new(o, "last_seq", json_integer((json_int_t)bi.last_seq));
		json_object_set_new(o, "bytes", json_integer((json_int_t)len));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(bi.host_fp, ZC_HASH_LEN, hx)));
		print_json(o);
	} else {
		printf(T("终端 %s：已将 %u 条记录（序号 %llu 至 %llu，%zu 字节）导出到 %s，由主机密钥 %s… 签名\n",
			 "terminal %s: exported %u records (seq %llu to %llu, %zu bytes) to %s, signed by host key "
			 "%s...\n"),
		       tid, bi.count, (unsigned long long)bi.first_seq, (unsigned long long)bi.last_seq, len, outp,
		       fp_short(bi.host_fp, f1));
	}
	rc = 0;
out:
	free(buf);
	zc_privkey_free(key);
	zc_store_close(s);
	return rc;
}

static void bundle_progress(void *arg, uint32_t done, uint32_t total)
{
	(void)arg;
	if (progress_tty())
		fprintf(stderr, T("\r已导入 %u/%u 条", "\r%u/%u imported"), done, total);
}

static int cmd_bundle_import(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"host-key", required_argument, 0, 'k'},
					     {"batch", required_argument, 0, 'b'},
					     {0, 0, 0, 0}};
	const char *expect = NULL;
	long batch = ZC_COLLECT_BATCH_DEFAULT;
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "jk:b:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_out = 1; break;
		case 'k': expect = optarg; break;
		case 'b':
			batch = strtol(optarg, &end, 10);
			if (*end || batch < 1 || batch > 1000000) {
				err_line(T("--batch 须为 1 到 1000000", "--batch must be 1 to 1000000"));
				return 2;
			}
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		err_line(T("用法：zhucun bundle import 文件 [--host-key 公钥PEM] [--json]",
			   "usage: zhucun bundle import FILE [--host-key PEM] [--json]"));
		return 2;
	}
	const char *path = argv[optind];
	zc_store *s = NULL;
	zc_pubkey *ek = NULL;
	uint8_t *buf = NULL, efp[ZC_HASH_LEN];
	size_t len = 0;
	char msg[512], f1[17];
	zc_bundle_info bi;
	zc_ingest_stats st;
	int rc = 1, lrc, registered = 0;

	if (expect && (zc_pubkey_load(expect, &ek) || zc_pubkey_fingerprint(ek, efp))) {
		err_line(T("%s 不是可读的 P-256 公钥 PEM 文件", "%s is not a readable P-256 public key PEM file"),
			 expect);
		goto out;
	}
	lrc = zc_file_read(path, ZC_BUNDLE_MAX_SIZE, &buf, &len);
	if (lrc) {
		err_line(T("无法读取数据包 %s：%s", "cannot read bundle %s: %s"), path, zc_strerror(lrc));
		goto out;
	}
	if (!(s = open_store()))
		goto out;
	zc_bundle_import_opts io = {.source = path,
				    .batch = (uint32_t)batch,
				    .clock_rollback_tolerance_ms = 300000,
				    .expect_host_fp = expect ? efp : NULL,
				    .progress = bundle_progress};
	lrc = zc_bundle_import(s, buf, len, &io, &bi, &st, &registered, msg, sizeof msg);
	if (progress_tty() && bi.count >= (uint32_t)batch)
		fputc('\n', stderr);
	if (lrc == ZC_ESIG) {
		err_line(T("数据包 %s 的签名无效：导出后被改动过；拒绝导入",
			   "bundle %s: its signature does not verify: it was changed after export; refused"),
			 path);
		goto out;
	} else if (lrc == ZC_ETRUNC || lrc == ZC_EMALFORMED) {
		err_line(T("%s 不是有效的数据包（%s）", "%s is not a valid bundle (%s)"), path, msg);
		goto out;
	} else if (lrc == ZC_ESTATE) {
		err_line(T("数据包不是由指定的主机导出的（%s）；拒绝导入",
			   "the bundle was not exported by the given host (%s); refused"),
			 msg);
		goto out;
	} else if (lrc == ZC_EEXIST) {
		err_line(T("终端 %s 已用另一把公钥登记，与数据包中的公钥 %s… 冲突；拒绝导入",
			   "terminal %s is registered with another key; the bundle's key %s... conflicts; refused"),
			 bi.terminal, fp_short(bi.terminal_fp, f1));
		goto out;
	} else if (lrc) {
		err_line(T("导入失败：%s", "import failed: %s"), *msg ? msg : zc_strerror(lrc));
		goto out;
	}
	if (registered)
		fprintf(stderr,
			T("zhucun: 注意：终端 %s 此前未登记，已按数据包登记其公钥 %s…\n",
			  "zhucun: note: terminal %s was not registered; registered its key %s... from the bundle\n"),
			bi.terminal, fp_short(bi.terminal_fp, f1));
	if (json_out) {
		json_t *o = json_object();
		char hx[65];
		json_object_set_new(o, "terminal", json_string(bi.terminal));
		json_object_set_new(o, "bundle", json_string(path));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(bi.host_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "registered_now", json_boolean(registered));
		json_object_set_new(o, "seen", json_integer((json_int_t)st.seen));
		json_object_set_new(o, "stored", json_integer((json_int_t)st.stored));
		json_object_set_new(o, "duplicates", json_integer((json_int_t)st.duplicates));
		json_object_set_new(o, "findings", json_integer((json_int_t)st.findings));
		json_object_set_new(o, "findings_by_kind", findings_by_kind_json(&st));
		json_object_set_new(o, "collections", json_integer(bi.ncollections));
		int64_t cu;
		json_object_set_new(o, "collected_until_ms",
				    zc_store_collected_until(s, bi.terminal, &cu) ? json_null() : json_integer(cu));
		print_json(o);
	} else {
		char f2[17];
		printf(
		    T("数据包 %s（终端 %s，主机密钥 %s…）：%llu 条，新存 %llu 条，重复 %llu 条，完整性问题 %llu 项\n",
		      "bundle %s (terminal %s, host key %s...): %llu records, %llu stored, %llu duplicates, %llu "
		      "integrity findings\n"),
		    path, bi.terminal, fp_short(bi.host_fp, f2), (unsigned long long)st.seen,
		    (unsigned long long)st.stored, (unsigned long long)st.duplicates, (unsigned long long)st.findings);
		for (int k = 1; k < 16; k++)
			if (st.by_kind[k])
				printf("  %s (%s): %llu\n", zc_finding_label(k, zc_lang_get()), zc_finding_name(k),
				       (unsigned long long)st.by_kind[k]);
		int64_t cu;
		if (!zc_store_collected_until(s, bi.terminal, &cu)) {
			char when[40];
			zc_cli_local_time(s, cu, when, sizeof when);
			printf(T("  终端 %s 的记录已收取至 %s（此前的日期证据完整）\n",
				 "  terminal %s collected until %s (dates before it have complete evidence)\n"),
			       bi.terminal, when);
		} else {
			printf(T("  终端 %s 尚无收取记录：其所属乡镇的日期为未收取\n",
				 "  terminal %s has no collection yet: its township's dates are pending\n"),
			       bi.terminal);
		}
	}
	rc = st.findings ? 3 : 0;
out:
	free(buf);
	zc_pubkey_free(ek);
	zc_store_close(s);
	return rc;
}

int main(int argc, char **argv)
{
	zc_lang_init();
	db_path = getenv("ZHUCUN_DB");
	if (!db_path || !*db_path)
		db_path = "zhucun.db";
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--db") && i + 1 < argc) {
			db_path = argv[++i];
		} else if (!strncmp(a, "--db=", 5)) {
			db_path = a + 5;
		} else if (!strcmp(a, "--lang") && i + 1 < argc) {
			if (zc_lang_set(argv[++i])) {
				err_line("--lang: zh | en");
				return 2;
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("zhucun %s\n", ZC_VERSION);
			return 0;
		} else {
			err_line(T("未知选项 '%s'（见 zhucun --help）", "unknown option '%s' (see zhucun --help)"), a);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!*db_path) {
		err_line(T("--db 不能为空", "--db must not be empty"));
		return 2;
	}
	const char *cmd = argv[i];
	/* Let getopt see the subcommand's arguments with the command as argv[0]. */
	int sargc = argc - i;
	char **sargv = argv + i;
	optind = 1;
	opterr = 1;
	/* Commands, and "GROUP SUB" commands (journal, bundle). */
	static const struct {
		const char *group, *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {NULL, "ingest", cmd_ingest},
	    {NULL, "findings", cmd_findings},
	    {NULL, "terminals", zc_cmd_terminals},
	    {NULL, "cadres", zc_cmd_cadres},
	    {NULL, "villages", zc_cmd_villages},
	    {NULL, "townships", zc_cmd_villages},
	    {NULL, "pull", cmd_pull},
	    {NULL, "provision", cmd_provision},
	    {NULL, "status", cmd_status},
	    {NULL, "ports", cmd_ports},
	    {NULL, "revocations", cmd_revocations},
	    {NULL, "import", zc_cmd_import},
	    {NULL, "leave", zc_cmd_leave},
	    {NULL, "duty", zc_cmd_duty},
	    {NULL, "correction", zc_cmd_correction},
	    {NULL, "inspection", zc_cmd_inspection},
	    {NULL, "audit", zc_cmd_audit},
	    {NULL, "ca", zc_cmd_ca},
	    {NULL, "report", zc_cmd_report},
	    {"journal", "export", cmd_journal_export},
	    {"journal", "show", cmd_journal_show},
	    {"bundle", "export", cmd_bundle_export},
	    {"bundle", "import", cmd_bundle_import},
	};
	int is_group = 0;
	for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
		if (!cmds[k].group) {
			if (!strcmp(cmd, cmds[k].name))
				return cmds[k].fn(sargc, sargv);
			continue;
		}
		if (strcmp(cmd, cmds[k].group))
			continue;
		is_group = 1;
		if (sargc >= 2 && !strcmp(sargv[1], cmds[k].name))
			return cmds[k].fn(sargc - 1, sargv + 1);
	}
	if (is_group) {
		if (sargc < 2)
			err_line(T("用法：zhucun %s 子命令 …（见 zhucun --help）", "usage: zhucun %s COMMAND ... (see zhucun --help)"),
				 cmd);
		else
			err_line(T("未知的 %s 子命令 '%s'（见 zhucun --help）", "unknown %s command '%s' (see zhucun --help)"),
				 cmd, sargv[1]);
		return 2;
	}
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	err_line(T("未知命令 '%s'（见 zhucun --help）", "unknown command '%s' (see zhucun --help)"), cmd);
	return 2;
}
