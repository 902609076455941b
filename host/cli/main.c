/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun, the host command line. It selects the database, dispatches
 * subcommands and turns every failure into one clear line on stderr and a
 * non-zero exit. It holds the command table and the usage text only; the
 * commands live in cmd_*.c (cli.h), the work itself in the zc_host library.
 *
 * Exit status: 0 success; 1 the operation failed (file, database, I/O);
 * 2 bad usage; 3 ingest succeeded but found integrity problems.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/i18n.h"
#include "cli.h"

#define ZC_VERSION "0.1.0"

static void usage_en(FILE *f)
{
	fputs("usage: zhucun [--db FILE] [--create] [--lang zh|en] COMMAND [options]\n"
	      "\n"
	      "commands:\n"
	      "  init          create the store (--db) and the host key beside it, and say where;\n"
	      "                on an existing store: migrate it, create a missing host key\n"
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
	      "      verify a bundle from a trusted host key and store its records (each verified\n"
	      "      first: one bad record refuses the bundle); --host-key also pins the exporter\n"
	      "  trust add KEYFILE|FINGERPRINT --name NAME | trust list [--json] | trust remove KEY\n"
	      "      the host keys whose bundles this host imports (audited)\n"
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
	      "  --db FILE     database (default $ZHUCUN_DB, else ./zhucun.db); it must exist\n"
	      "  --create      create a missing database and host key (as zhucun init does)\n"
	      "                the host key is $ZHUCUN_HOST_KEY, else zhucun-host.key beside it\n"
	      "  --lang zh|en  language of messages (default Chinese; also ZHUCUN_LANG)\n"
	      "  --version     print the version\n"
	      "\n"
	      "exit status: 0 ok, 1 failure (what was stored stays stored), 2 bad usage,\n"
	      "3 ingest, pull or import found integrity problems\n",
	      f);
}

static void usage_zh(FILE *f)
{
	fputs("用法: zhucun [--db 文件] [--create] [--lang zh|en] 命令 [选项]\n"
	      "\n"
	      "命令:\n"
	      "  init          创建数据库（--db）及其旁的主机密钥，并显示位置；\n"
	      "                数据库已存在时：升级其结构，补建缺少的主机密钥\n"
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
	      "      校验受信任主机导出的数据包并入库（先逐条校验：一条不符即整包拒收）；\n"
	      "      --host-key 另外限定导出主机\n"
	      "  trust add 公钥PEM|指纹 --name 名称 | trust list [--json] | trust remove 公钥PEM|指纹\n"
	      "      本机接受哪些主机密钥导出的数据包（记入审计日志）\n"
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
	      "  --db 文件      数据库（默认 $ZHUCUN_DB，否则 ./zhucun.db）；须已存在\n"
	      "  --create       数据库或主机密钥不存在时创建（同 zhucun init）\n"
	      "                 主机密钥为 $ZHUCUN_HOST_KEY，否则为数据库旁的 zhucun-host.key\n"
	      "  --lang zh|en   界面语言（默认中文；亦可设 ZHUCUN_LANG）\n"
	      "  --version      显示版本\n"
	      "\n"
	      "退出码: 0 成功，1 失败（已入库的记录保留），2 用法错误，3 导入或拉取时发现完整性问题\n",
	      f);
}

static void usage(FILE *f)
{
	if (zc_lang_get() == ZC_LANG_EN)
		usage_en(f);
	else
		usage_zh(f);
}

int main(int argc, char **argv)
{
	zc_lang_init();
	zc_cli_db_path = getenv("ZHUCUN_DB");
	if (!zc_cli_db_path || !*zc_cli_db_path)
		zc_cli_db_path = "zhucun.db";
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--db") && i + 1 < argc) {
			zc_cli_db_path = argv[++i];
		} else if (!strncmp(a, "--db=", 5)) {
			zc_cli_db_path = a + 5;
		} else if (!strcmp(a, "--lang") && i + 1 < argc) {
			if (zc_lang_set(argv[++i])) {
				zc_cli_err("--lang: zh | en");
				return 2;
			}
		} else if (!strcmp(a, "--create")) {
			zc_cli_create = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("zhucun %s\n", ZC_VERSION);
			return 0;
		} else {
			zc_cli_err(T("未知选项 '%s'（见 zhucun --help）", "unknown option '%s' (see zhucun --help)"),
				   a);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!*zc_cli_db_path) {
		zc_cli_err(T("--db 不能为空", "--db must not be empty"));
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
	    {NULL, "init", zc_cmd_init},
	    {NULL, "ingest", zc_cmd_ingest},
	    {NULL, "findings", zc_cmd_findings},
	    {NULL, "terminals", zc_cmd_terminals},
	    {NULL, "cadres", zc_cmd_cadres},
	    {NULL, "villages", zc_cmd_villages},
	    {NULL, "townships", zc_cmd_villages},
	    {NULL, "pull", zc_cmd_pull},
	    {NULL, "provision", zc_cmd_provision},
	    {NULL, "status", zc_cmd_status},
	    {NULL, "ports", zc_cmd_ports},
	    {NULL, "revocations", zc_cmd_revocations},
	    {NULL, "import", zc_cmd_import},
	    {NULL, "leave", zc_cmd_leave},
	    {NULL, "duty", zc_cmd_duty},
	    {NULL, "correction", zc_cmd_correction},
	    {NULL, "inspection", zc_cmd_inspection},
	    {NULL, "audit", zc_cmd_audit},
	    {NULL, "ca", zc_cmd_ca},
	    {NULL, "trust", zc_cmd_trust},
	    {NULL, "report", zc_cmd_report},
	    {"journal", "export", zc_cmd_journal_export},
	    {"journal", "show", zc_cmd_journal_show},
	    {"bundle", "export", zc_cmd_bundle_export},
	    {"bundle", "import", zc_cmd_bundle_import},
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
			zc_cli_err(T("用法：zhucun %s 子命令 …（见 zhucun --help）",
				     "usage: zhucun %s COMMAND ... (see zhucun --help)"),
				   cmd);
		else
			zc_cli_err(T("未知的 %s 子命令 '%s'（见 zhucun --help）",
				     "unknown %s command '%s' (see zhucun --help)"),
				   cmd, sargv[1]);
		return 2;
	}
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	zc_cli_err(T("未知命令 '%s'（见 zhucun --help）", "unknown command '%s' (see zhucun --help)"), cmd);
	return 2;
}
