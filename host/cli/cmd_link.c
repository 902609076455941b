/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_link.c: the serial link: pull, provision, status, ports, revocations
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
#include "zc/provision.h"
#include "zc/recjson.h"
#include "zc/record.h"
#include "zc/store.h"
#include "zc/wire.h"
#include "cli.h"

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

/* --timeout MS: 0, or -1 (said). */
static int parse_timeout(const char *arg)
{
	long long v;
	if (zc_opt_int_in("--timeout", arg, 50, 600000, " 毫秒", " ms", &v))
		return -1;
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
		zc_cli_err(T("终端没有应答（请检查连线和终端电源）：%s",
			     "the terminal does not answer (check the cable and its power): %s"),
			   d);
		break;
	case ZC_EIO: zc_cli_err(T("串口连接中断：%s", "the serial link broke: %s"), d); break;
	case ZC_ECHECKSUM:
		zc_cli_err(T("线路干扰太大，数据帧反复损坏（请检查或更换串口线）：%s",
			     "the line is too noisy: frames keep arriving damaged (check or replace the cable): %s"),
			   d);
		break;
	case ZC_EVERSION:
		zc_cli_err(T("终端使用另一版本的通信协议，请升级 zhucun 或终端固件（%s）",
			     "the terminal speaks another protocol version; update zhucun or the firmware (%s)"),
			   d);
		break;
	case ZC_EMALFORMED:
		zc_cli_err(T("终端的应答无法解析：%s", "the terminal's answer does not parse: %s"), d);
		break;
	case ZC_ESTATE:
		zc_cli_err(T("终端拒绝了请求：%s（%s）", "the terminal refused: %s (%s)"),
			   result_label(zc_hostlink_last_result(h)), d);
		break;
	default: zc_cli_err(T("串口通信失败：%s", "serial link failed: %s"), *d ? d : zc_strerror(rc)); break;
	}
}

static zc_hostlink *open_link(const char *port)
{
	char msg[320];
	zc_hostlink *h = NULL;
	int rc = zc_hostlink_open_serial(port, &h, msg, sizeof msg);
	if (rc == ZC_ENOENT)
		zc_cli_err(T("找不到串口 %s：%s（zhucun ports 可列出本机串口）",
			     "no serial port %s: %s (zhucun ports lists them)"),
			   port, msg);
	else if (rc == ZC_ENOMEM)
		zc_cli_err(T("内存不足", "out of memory"));
	else if (rc)
		zc_cli_err(T("无法打开串口 %s：%s", "cannot open serial port %s: %s"), port, msg);
	if (h && link_timeout_ms)
		zc_hostlink_set_timeout(h, link_timeout_ms, 4);
	return h;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

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

/* pull's options. */
typedef struct {
	long long batch, tol_s, window, host_time;
	int reg;
} pull_args;

/* Parse pull's options into *a; 2 on bad usage (after saying why). */
static int pull_parse(int argc, char **argv, pull_args *a)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"time-tolerance", required_argument, 0, 'T'},
					     {"batch", required_argument, 0, 'b'},
					     {"register", no_argument, 0, 'r'},
					     {"timeout", required_argument, 0, 'w'},
					     {"window", required_argument, 0, 'W'},
					     {"host-time", required_argument, 0, 'H'},
					     {0, 0, 0, 0}};
	long long batch = ZC_COLLECT_BATCH_DEFAULT, tol_s = 120, window = 0, host_time = 0;
	int reg = 0, c, bad = 0;
	while ((c = getopt_long(argc, argv, "jT:b:rw:W:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': zc_cli_json_out = 1; break;
		case 'H': /* a simulation's clock: the host's time of this collection */
			bad = zc_opt_int_as("--host-time", optarg, 86400000LL, 32503680000000LL,
					    " 1970 年以来的毫秒数（UTC）", "milliseconds since 1970 (UTC)", &host_time);
			break;
		case 'r': reg = 1; break;
		case 'T':
			bad = zc_opt_int_in("--time-tolerance", optarg, 0, 86400 * 365, " 秒（0：从不校时）",
					    " seconds (0: never set the clock)", &tol_s);
			break;
		case 'b': bad = zc_opt_int("--batch", optarg, 1, 1000000, &batch); break;
		case 'w': bad = parse_timeout(optarg); break;
		case 'W': bad = zc_opt_int("--window", optarg, 1, 64, &window); break;
		default: return 2;
		}
		if (bad)
			return 2;
	}
	if (optind + 1 != argc) {
		zc_cli_err(T("用法：zhucun pull 串口 [--json] [--time-tolerance 秒] [--batch N] [--register]",
			     "usage: zhucun pull PORT [--json] [--time-tolerance SECONDS] [--batch N] [--register]"));
		return 2;
	}
	a->batch = batch;
	a->tol_s = tol_s;
	a->window = window;
	a->host_time = host_time;
	a->reg = reg;
	return 0;
}

/* Why pull failed (and a first-use warning), on stderr. */
static void pull_failure(zc_hostlink *h, int crc, const zc_collect_result *r, const char *msg)
{
	const zc_wire_hello *he = &r->hello;
	char f1[17];
	if (r->registered)
		fprintf(stderr,
			T("zhucun: 警告：终端 %s 此前未登记；已按 --register 信任它出示的公钥 %s…（首次使用即信任）。"
			  "请与终端上显示的公钥指纹核对！\n",
			  "zhucun: WARNING: terminal %s was not registered; trusting the key it presents, %s..., "
			  "as asked by --register (trust on first use). Compare it with the fingerprint the "
			  "terminal shows!\n"),
			he->terminal, zc_cli_fp_short(he->key_fp, f1));
	if (!crc)
		return;
	switch (r->error) {
	case ZC_COLLECT_LINK: link_error(h, crc); break;
	case ZC_COLLECT_UNPROVISIONED:
		zc_cli_err(T("终端尚未配置；请先运行 zhucun provision",
			     "the terminal is not provisioned; run zhucun provision first"));
		break;
	case ZC_COLLECT_BAD_HELLO:
		zc_cli_err(T("终端 %s 出示的公钥与其指纹不符；拒绝拉取",
			     "terminal %s presents a key that does not match its fingerprint; refusing"),
			   he->terminal);
		break;
	case ZC_COLLECT_UNKNOWN:
		zc_cli_err(T("终端 %s 未在本数据库登记（公钥 %s…）；请先用 zhucun provision 配置它，或用 "
			     "--register 信任它出示的公钥",
			     "terminal %s is not registered in this database (key %s...); provision it with "
			     "zhucun provision, or trust the key it presents with --register"),
			   he->terminal, zc_cli_fp_short(he->key_fp, f1));
		break;
	case ZC_COLLECT_KEY_MISMATCH: {
		zc_cli_err(T("终端 %s 出示的公钥与登记的不同；拒绝拉取（%s）",
			     "terminal %s presents another key than the registered one; refusing (%s)"),
			   he->terminal, msg);
		break;
	}
	case ZC_COLLECT_RESET:
		zc_cli_err(T("终端 %s 报告的最新序号 %llu 低于本机已核验的 %llu：它丢失了记录日志和序号标记，或是另一块"
			     "使用其密钥的主板。已记为完整性问题 terminal_reset，未拉取任何记录；请核查该终端，"
			     "并以新的终端编号重新配置它",
			     "terminal %s reports head seq %llu, below seq %llu verified here: it lost its journal "
			     "and its sequence mark, or is another board with its key. Recorded as terminal_reset; "
			     "nothing was pulled. Inspect the terminal and provision it again under a new id"),
			   he->terminal, (unsigned long long)he->head_seq, (unsigned long long)r->verified_head);
		break;
	case ZC_COLLECT_STOPPED:
		zc_cli_err(T("已中断：本次新存 %llu 条记录已保存；再次运行 zhucun pull 即可从序号 %llu 继续",
			     "interrupted: the %llu new records of this pull are stored; run zhucun pull again "
			     "to go on from seq %llu"),
			   (unsigned long long)r->ingest.stored, (unsigned long long)r->verified_head + 1);
		break;
	default:
		if (crc == ZC_EAGAIN)
			zc_cli_store_err("数据库写入失败", "storing failed", crc, msg);
		else
			zc_cli_err(T("数据库写入失败：%s", "storing failed: %s"), *msg ? msg : zc_strerror(crc));
		break;
	}
	if (r->error == ZC_COLLECT_LINK && r->ingest.stored)
		fprintf(stderr,
			T("zhucun: 本次已接收的 %llu 条新记录已保存；再次运行 zhucun pull 即可继续\n",
			  "zhucun: the %llu new records received are stored; run zhucun pull again to go on\n"),
			(unsigned long long)r->ingest.stored);
}

/* The signed commands' outcome, as warnings; 1 when one failed. */
static int pull_cmd_warnings(int crc, const zc_collect_result *r, const char *keypath)
{
	const zc_wire_hello *he = &r->hello;
	char f2[17];
	int cmd_failed = 0;
	const zc_collect_cmd_result *cmds[2] = {&r->ack, &r->set_time};
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
				all_zero(he->host_fp, ZC_HASH_LEN) ? "-" : zc_cli_fp_short(he->host_fp, f2),
				cmd_label[i]);
		else if (cr->state == ZC_COLLECT_CMD_REFUSED || cr->state == ZC_COLLECT_CMD_FAILED)
			cmd_failed = 1;
	}
	if (!crc && cmd_failed) {
		const zc_collect_cmd_result *cr = r->ack.state >= ZC_COLLECT_CMD_REFUSED ? &r->ack : &r->set_time;
		const char *what = cr == &r->ack ? T("确认收取", "ACK_COLLECTED") : T("校时", "SET_TIME");
		if (cr->state == ZC_COLLECT_CMD_REFUSED)
			zc_cli_err(T("终端拒绝了%s：%s（%s）；记录已保存",
				     "the terminal refused %s: %s (%s); the records are stored"),
				   what, result_label(cr->code), cr->text);
		else
			zc_cli_err(T("%s未完成：%s；记录已保存", "%s did not complete: %s; the records are stored"),
				   what, cr->text);
	}
	return cmd_failed;
}

/* What pull did, as JSON or text. */
static void pull_report(const zc_collect_result *r, const char *port, int crc, int cmd_failed, const char *msg)
{
	const zc_wire_hello *he = &r->hello;
	if (r->error == ZC_COLLECT_LINK || r->error == ZC_COLLECT_STOPPED || r->error == ZC_COLLECT_STORE || !crc) {
		double secs = (double)r->seconds_ms / 1000.0;
		uint64_t line = r->link.bytes_rx;
		double rate = secs > 0 ? (double)line / secs : 0;
		uint64_t received = r->pull.records + r->tail_records;
		if (zc_cli_json_out) {
			json_t *o = json_object();
			json_object_set_new(o, "ok", json_boolean(!crc && !cmd_failed));
			json_object_set_new(o, "terminal", json_string(he->terminal));
			json_object_set_new(o, "port", json_string(port));
			json_object_set_new(o, "registered_now", json_boolean(r->registered));
			json_object_set_new(o, "from_seq", json_integer((json_int_t)r->from_seq));
			json_object_set_new(o, "terminal_head", json_integer((json_int_t)r->pull.head_seq));
			json_object_set_new(o, "verified_head", json_integer((json_int_t)r->verified_head));
			json_object_set_new(o, "received", json_integer((json_int_t)received));
			json_object_set_new(o, "stored", json_integer((json_int_t)r->ingest.stored));
			json_object_set_new(o, "duplicates", json_integer((json_int_t)r->ingest.duplicates));
			json_object_set_new(o, "findings", json_integer((json_int_t)r->ingest.findings));
			json_object_set_new(o, "findings_by_kind", zc_cli_findings_by_kind_json(&r->ingest));
			json_object_set_new(o, "skipped_by_terminal", json_integer((json_int_t)r->pull.skipped));
			json_object_set_new(o, "pruned_from", json_integer((json_int_t)r->pruned_from));
			json_object_set_new(o, "pruned_to", json_integer((json_int_t)r->pruned_to));
			json_object_set_new(o, "bytes", json_integer((json_int_t)(r->pull.rec_bytes + r->tail_bytes)));
			json_object_set_new(o, "line_bytes", json_integer((json_int_t)line));
			json_object_set_new(o, "seconds", json_real(secs));
			json_object_set_new(o, "line_bytes_per_s", json_real(rate));
			json_object_set_new(o, "records_per_s", json_real(secs > 0 ? (double)received / secs : 0));
			json_object_set_new(o, "rerequests", json_integer((json_int_t)r->pull.rerequests));
			json_object_set_new(o, "frames_dropped", json_integer((json_int_t)r->link.frames_dropped));
			json_object_set_new(o, "clock_offset_ms", json_integer(r->clock_offset_ms));
			json_object_set_new(o, "ack", cmd_json(&r->ack));
			json_object_set_new(o, "acked_to", json_integer((json_int_t)r->acked_to));
			json_object_set_new(o, "collected_at_ms", json_integer((json_int_t)r->collected_at_ms));
			json_object_set_new(o, "set_time", cmd_json(&r->set_time));
			if (crc)
				json_object_set_new(o, "error", json_string(*msg ? msg : zc_strerror(crc)));
			zc_cli_print_json(o);
		} else {
			char b1[32], b2[32];
			fmt_bytes((double)(r->pull.rec_bytes + r->tail_bytes), b1, sizeof b1);
			fmt_bytes(rate, b2, sizeof b2);
			printf(
			    T("终端 %s：新存 %llu 条，重复 %llu 条，完整性问题 %llu 项；%s，用时 %.1f 秒（线路 %s/s）",
			      "terminal %s: %llu new records, %llu duplicates, %llu integrity findings; %s in %.1f s "
			      "(line %s/s)"),
			    he->terminal, (unsigned long long)r->ingest.stored,
			    (unsigned long long)r->ingest.duplicates, (unsigned long long)r->ingest.findings, b1, secs,
			    b2);
			if (r->ack.state == ZC_COLLECT_CMD_OK)
				printf(T("；已确认收取至 %llu", "; collection acknowledged up to %llu"),
				       (unsigned long long)r->acked_to);
			if (r->set_time.state == ZC_COLLECT_CMD_OK) {
				char dur[64];
				zc_duration_text(r->clock_offset_ms, zc_lang_get(), dur, sizeof dur);
				printf(T("；终端时钟已校正（原先%s本机 %s）",
					 "; terminal clock set (it was %s this host by %s)"),
				       r->clock_offset_ms < 0 ? T("慢于", "behind") : T("快于", "ahead of"), dur);
			}
			putchar('\n');
			zc_cli_print_findings_by_kind(&r->ingest);
			if (r->pull.skipped)
				printf(T("  终端无法读出 %llu 条记录（日志损坏），已记为缺号\n",
					 "  %llu records could not be read on the terminal (damaged journal): recorded "
					 "as a gap\n"),
				       (unsigned long long)r->pull.skipped);
			if (r->pruned_to)
				printf(T("  序号 %llu 至 %llu 已被其他主机收取并从终端删除；请导入其数据包（zhucun "
					 "bundle import）\n",
					 "  seq %llu to %llu were collected by another host and deleted from the "
					 "terminal; import its bundle (zhucun bundle import)\n"),
				       (unsigned long long)r->pruned_from, (unsigned long long)r->pruned_to);
		}
	}
}

int zc_cmd_pull(int argc, char **argv)
{
	pull_args pa;
	int prc = pull_parse(argc, argv, &pa);
	if (prc)
		return prc;
	const char *port = argv[optind];
	char keypath[4200];
	int absent = 0, rc = 1;
	zc_store *s = NULL;
	zc_hostlink *h = NULL;
	zc_privkey *key = NULL;
	zc_collect_result r;
	char msg[512];

	if (!(s = zc_cli_open_store()))
		goto out;
	key = zc_cli_host_key(0, keypath, sizeof keypath, &absent);
	if (!key && !absent)
		goto out;
	if (!(h = open_link(port)))
		goto out;
	catch_stop_signals();
	pull_ui ui = {.tty = zc_cli_progress_tty()};
	zc_collect_opts co = {.source = port,
			      .batch = (uint32_t)pa.batch,
			      .window = (uint16_t)pa.window,
			      .time_tolerance_ms = pa.tol_s ? pa.tol_s * 1000 : -1,
			      .clock_rollback_tolerance_ms = 300000,
			      .register_unknown = pa.reg,
			      .host_time_ms = pa.host_time,
			      .host_key = key,
			      .progress = pull_progress,
			      .arg = &ui,
			      .stop = &stop_flag};
	int crc = zc_collect(s, h, &co, &r, msg, sizeof msg);
	if (ui.shown)
		fputc('\n', stderr);
	pull_failure(h, crc, &r, msg);
	int cmd_failed = pull_cmd_warnings(crc, &r, keypath);
	pull_report(&r, port, crc, cmd_failed, msg);
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

/* provision's options. */
typedef struct {
	const char *tid, *township, *ca_path, *rev_path;
} provision_args;

/* Parse provision's options into *a; 2 on bad usage (after saying why). */
static int provision_parse(int argc, char **argv, provision_args *a)
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
		case 'j': zc_cli_json_out = 1; break;
		case 'w':
			if (parse_timeout(optarg))
				return 2;
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || !tid || !township || !ca_path) {
		zc_cli_err(
		    T("用法：zhucun provision 串口 --terminal 编号 --township 乡镇编号 --ca CA证书 [--revocations "
		      "吊销列表]",
		      "usage: zhucun provision PORT --terminal ID --township ID --ca CA.pem [--revocations FILE]"));
		return 2;
	}
	if (!zc_id_valid(tid)) {
		zc_cli_err(T("编号 '%s' 无效（1 到 32 个字母、数字、. _ -）",
			     "invalid id '%s' (1 to 32 of letters, digits, . _ -)"),
			   tid);
		return 2;
	}
	a->tid = tid;
	a->township = township;
	a->ca_path = ca_path;
	a->rev_path = rev_path;
	return 0;
}

/* The badge CA and revocation list to carry; prints why and returns
 * nonzero on failure. */
static int provision_load_ca(const char *ca_path, const char *rev_path, zc_provision_ca *ca)
{
	int error;
	const char *field;
	int lrc = zc_provision_ca_load(ca_path, rev_path, ca, &error, &field);
	switch (error) {
	case ZC_PROVISION_CA_OK: break;
	case ZC_PROVISION_CA_UNREADABLE:
		zc_cli_err(T("无法读取工牌 CA 证书 %s：%s", "cannot read the badge CA certificate %s: %s"), ca_path,
			   zc_strerror(lrc));
		break;
	case ZC_PROVISION_REV_UNREADABLE:
		zc_cli_err(T("无法读取吊销列表 %s：%s", "cannot read the revocation list %s: %s"), rev_path,
			   zc_strerror(lrc));
		break;
	case ZC_PROVISION_REV_INVALID:
		zc_cli_err(T("吊销列表 %s 无效：%s", "revocation list %s is not valid: %s"), rev_path,
			   lrc == ZC_ESIG ? T("不是该 CA 签发的", "not signed by this CA")
			   : field	  ? field
					  : zc_strerror(lrc));
		break;
	default: zc_cli_err(T("吊销列表过大（%zu 字节）", "revocation list too large (%zu bytes)"), ca->rev_len); break;
	}
	return lrc;
}

/* Why zc_provision failed, in one line. */
static void provision_failure(zc_hostlink *h, int lrc, const char *tid, const zc_provision_result *r)
{
	char f1[17], f2[17];
	switch (r->error) {
	case ZC_PROVISION_HOST_KEY: zc_cli_err(T("主机密钥无法使用", "the host key cannot be used")); break;
	case ZC_PROVISION_LINK: link_error(h, lrc); break;
	case ZC_PROVISION_ID_TAKEN:
		zc_cli_err(T("编号 %s 已登记给另一台终端（公钥 %s…，这台终端的公钥 %s…）；请换一个编号",
			     "id %s is registered to another terminal (key %s..., this terminal's %s...); choose "
			     "another id"),
			   tid, zc_cli_fp_short(r->taken_fp, f1), zc_cli_fp_short(r->hello.key_fp, f2));
		break;
	case ZC_PROVISION_REFUSED:
		zc_cli_err(T("终端拒绝配置：%s（%s）", "the terminal refused provisioning: %s (%s)"),
			   result_label(r->answer.code), r->answer.text);
		break;
	case ZC_PROVISION_NOT_TAKEN:
		zc_cli_err(T("终端应答成功，但随后报告的编号（%s）或主机密钥与配置的不同",
			     "the terminal said OK, but then reports another id (%s) or host key than provisioned"),
			   r->hello.terminal);
		break;
	case ZC_PROVISION_BAD_KEY:
		zc_cli_err(T("终端出示的公钥无法解析", "the terminal's public key does not parse"));
		break;
	case ZC_PROVISION_KEY_MISMATCH:
		zc_cli_err(
		    T("终端 %s 已配置，但本数据库中该编号已登记另一把公钥；未登记",
		      "terminal %s is provisioned, but this database has the id under another key; not registered"),
		    tid);
		break;
	default: zc_cli_err(T("登记终端 %s 失败：%s", "registering terminal %s failed: %s"), tid, r->msg); break;
	}
}

/* What provision did, as JSON or text. */
static void provision_report(const char *tid, const char *township, const zc_wire_hello *he,
			     const uint8_t our_fp[ZC_HASH_LEN], const char *keypath, const char *result)
{
	char f1[17], f2[17];
	if (zc_cli_json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "terminal", json_string(tid));
		json_object_set_new(o, "township", json_string(township));
		char hx[65];
		json_object_set_new(o, "terminal_key_fp", json_string(zc_hex(he->key_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(our_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_key", json_string(keypath));
		json_object_set_new(o, "result", json_string(result));
		zc_cli_print_json(o);
	} else {
		printf(T("终端 %s（乡镇 %s）已配置并登记：终端公钥 %s…，主机密钥 %s（%s…）\n",
			 "terminal %s (township %s) provisioned and registered: terminal key %s..., host key %s "
			 "(%s...)\n"),
		       tid, township, zc_cli_fp_short(he->key_fp, f1), keypath, zc_cli_fp_short(our_fp, f2));
	}
}

int zc_cmd_provision(int argc, char **argv)
{
	provision_args pa;
	int prc = provision_parse(argc, argv, &pa);
	if (prc)
		return prc;
	const char *port = argv[optind];
	zc_provision_ca ca = {0};
	zc_store *s = NULL;
	zc_privkey *key = NULL;
	zc_hostlink *h = NULL;
	char keypath[4200], township[64];
	zc_cli_names names = {0};
	zc_provision_result r;
	int rc = 1, lrc;

	if (provision_load_ca(pa.ca_path, pa.rev_path, &ca))
		goto out;
	if (!(s = zc_cli_open_store()))
		goto out;
	/* a township may be named; one not registered yet must be a valid id */
	zc_cli_names_init(&names, s);
	if (!zc_cli_resolve(&names, "townships", pa.township, 0, township, sizeof township)) {
		rc = 2;
		goto out;
	}
	if (!(key = zc_cli_host_key(0, keypath, sizeof keypath, NULL)))
		goto out;
	if (!(h = open_link(port)))
		goto out;
	zc_provision_params pp = {.terminal = pa.tid, .township = township, .ca = &ca};
	if ((lrc = zc_provision(h, s, key, &pp, &r))) {
		provision_failure(h, lrc, pa.tid, &r);
		goto out;
	}
	provision_report(pa.tid, township, &r.hello, r.host_fp, keypath, r.answer.text);
	rc = 0;
out:
	zc_cli_names_release(&names);
	zc_hostlink_close(h);
	zc_privkey_free(key);
	zc_store_close(s);
	zc_provision_ca_clear(&ca);
	return rc;
}

/* ---- status ---- */

/* status --json: registered -1 when there is no database. */
static void status_json(const zc_wire_hello *he, const zc_wire_status *st, int ours, int registered, uint64_t vhead,
			const char *t1, int64_t off)
{
	char hx[65];
	json_t *o = json_object();
	json_object_set_new(o, "terminal", json_string(he->terminal));
	json_object_set_new(o, "township", json_string(he->township));
	json_object_set_new(o, "provisioned", json_boolean(he->terminal[0] != 0));
	json_object_set_new(o, "firmware", json_string(he->firmware));
	json_object_set_new(o, "key_fp", json_string(zc_hex(he->key_fp, ZC_HASH_LEN, hx)));
	json_object_set_new(o, "host_fp", json_string(zc_hex(he->host_fp, ZC_HASH_LEN, hx)));
	json_object_set_new(o, "host_is_us", json_boolean(ours));
	json_object_set_new(o, "head_seq", json_integer((json_int_t)he->head_seq));
	json_object_set_new(o, "first_seq", json_integer((json_int_t)he->first_seq));
	json_object_set_new(o, "collected_seq", json_integer((json_int_t)he->collected_seq));
	json_object_set_new(o, "utc", json_string(t1));
	json_object_set_new(o, "clock_offset_ms", json_integer(off));
	json_object_set_new(o, "bytes_used", json_integer((json_int_t)st->bytes_used));
	json_object_set_new(o, "capacity_bytes", json_integer((json_int_t)st->capacity_bytes));
	json_object_set_new(o, "records", json_integer((json_int_t)st->records));
	json_object_set_new(o, "uncollected", json_integer((json_int_t)st->uncollected));
	json_object_set_new(o, "reader_ok", json_boolean(st->reader_ok));
	json_object_set_new(o, "taps", json_integer((json_int_t)st->taps));
	json_object_set_new(o, "faults", json_integer((json_int_t)st->faults));
	json_object_set_new(o, "last_fault", json_string(st->last_fault));
	if (registered >= 0) {
		json_object_set_new(o, "registered", json_boolean(registered));
		json_object_set_new(o, "stored_head", json_integer((json_int_t)vhead));
	}
	zc_cli_print_json(o);
}

/* status as text for a person. */
static void status_text(const zc_wire_hello *he, const zc_wire_status *st, int ours, int registered, uint64_t vhead,
			const char *t1, int64_t off)
{
	char f1[17], b1[32], b2[32];
	if (he->terminal[0])
		printf(T("终端 %s（乡镇 %s）  固件 %s\n", "terminal %s (township %s)  firmware %s\n"), he->terminal,
		       he->township, he->firmware);
	else
		printf(T("终端尚未配置  固件 %s\n", "terminal not provisioned  firmware %s\n"), he->firmware);
	printf(T("  终端公钥      %s…\n", "  terminal key   %s...\n"), zc_cli_fp_short(he->key_fp, f1));
	if (all_zero(he->host_fp, ZC_HASH_LEN))
		printf(T("  主机密钥      无\n", "  host key       none\n"));
	else
		printf(T("  主机密钥      %s…%s\n", "  host key       %s...%s\n"), zc_cli_fp_short(he->host_fp, f1),
		       ours ? T("（本机）", " (this host)") : T("（另一台主机）", " (another host)"));
	if (!he->head_seq)
		printf(T("  日志          空\n", "  journal        empty\n"));
	else
		printf(T("  日志          序号 %llu 至 %llu，已收取至 %llu，未收取 %llu 条\n",
			 "  journal        seq %llu to %llu, collected up to %llu, %llu uncollected\n"),
		       (unsigned long long)he->first_seq, (unsigned long long)he->head_seq,
		       (unsigned long long)he->collected_seq, (unsigned long long)st->uncollected);
	fmt_bytes((double)st->bytes_used, b1, sizeof b1);
	fmt_bytes((double)st->capacity_bytes, b2, sizeof b2);
	printf(T("  存储          已用 %s / %s（%llu 条记录）\n", "  storage        %s used of %s (%llu records)\n"),
	       b1, b2, (unsigned long long)st->records);
	char dur[64];
	zc_duration_text(off, zc_lang_get(), dur, sizeof dur);
	if (zc_lang_get() == ZC_LANG_EN)
		printf("  clock          %s (%s %s this host)\n", t1, dur, off < 0 ? "behind" : "ahead of");
	else
		printf("  时钟          %s（%s本机，相差 %s）\n", t1, off < 0 ? "慢于" : "快于", dur);
	printf(T("  读卡器        %s；刷卡 %llu 次，故障 %llu 次%s%s\n",
		 "  reader         %s; %llu taps, %llu faults%s%s\n"),
	       st->reader_ok ? T("正常", "ok") : T("故障", "FAULT"), (unsigned long long)st->taps,
	       (unsigned long long)st->faults, st->last_fault[0] ? T("，最近：", ", last: ") : "", st->last_fault);
	if (registered == 1)
		printf(T("  本机数据库    已登记，已存至序号 %llu\n",
			 "  this database  registered, stored up to seq %llu\n"),
		       (unsigned long long)vhead);
	else if (registered == 0 && he->terminal[0])
		printf(T("  本机数据库    未登记\n", "  this database  not registered\n"));
}

int zc_cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'}, {"timeout", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "jw:", opts, NULL)) != -1) {
		if (c == 'j')
			zc_cli_json_out = 1;
		else if (c == 'w') {
			if (parse_timeout(optarg))
				return 2;
		} else
			return 2;
	}
	if (optind + 1 != argc) {
		zc_cli_err(T("用法：zhucun status 串口 [--json]", "usage: zhucun status PORT [--json]"));
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
	if (!stat(zc_cli_db_path, &sb) && (s = zc_cli_open_store_read())) {
		char pem[ZC_PEM_MAX];
		registered = he.terminal[0] && !zc_store_terminal_key(s, he.terminal, pem, sizeof pem);
		if (registered)
			zc_store_terminal_head(s, he.terminal, &vhead, NULL);
	}
	uint8_t our_fp[ZC_HASH_LEN];
	if (zc_hostkey_path(zc_cli_db_path, keypath, sizeof keypath) || zc_hostkey_load(keypath, 0, &key, NULL))
		key = NULL; /* no (usable) host key: it is just not ours */
	int ours = key && !zc_privkey_fingerprint(key, our_fp) && !memcmp(our_fp, he.host_fp, ZC_HASH_LEN);
	char t1[48];
	int64_t off = he.utc_ms - local_ms;
	zc_iso8601_utc(he.utc_ms, t1);
	if (zc_cli_json_out)
		status_json(&he, &st, ours, registered, vhead, t1, off);
	else
		status_text(&he, &st, ours, registered, vhead, t1, off);
	rc = 0;
out:
	zc_privkey_free(key);
	zc_store_close(s);
	zc_hostlink_close(h);
	return rc;
}

/* ---- ports ---- */

int zc_cmd_ports(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"probe", no_argument, 0, 'p'},
					     {"timeout", required_argument, 0, 'w'},
					     {0, 0, 0, 0}};
	int c, probe = 0;
	while ((c = getopt_long(argc, argv, "jpw:", opts, NULL)) != -1) {
		if (c == 'j')
			zc_cli_json_out = 1;
		else if (c == 'p')
			probe = 1;
		else if (c == 'w') {
			if (parse_timeout(optarg))
				return 2;
		} else
			return 2;
	}
	if (optind != argc) {
		zc_cli_err(T("用法：zhucun ports [--json] [--probe]", "usage: zhucun ports [--json] [--probe]"));
		return 2;
	}
	zc_port_info *pi = NULL;
	size_t n = 0;
	int rc = zc_ports_list(&pi, &n);
	if (rc) {
		zc_cli_err(T("无法列出串口：%s", "cannot list the serial ports: %s"), zc_strerror(rc));
		return 1;
	}
	if (!n && !zc_cli_json_out)
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
		if (zc_cli_json_out) {
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
			zc_cli_print_json(o);
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

int zc_cmd_revocations(int argc, char **argv)
{
	static const struct option opts[] = {{"timeout", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		if (c != 'w' || parse_timeout(optarg))
			return 2;
	}
	if (optind + 2 != argc) {
		zc_cli_err(T("用法：zhucun revocations 串口 吊销列表", "usage: zhucun revocations PORT FILE"));
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
		zc_cli_err(T("无法读取吊销列表 %s：%s", "cannot read the revocation list %s: %s"), path,
			   zc_strerror(lrc));
		goto out;
	}
	if ((lrc = zc_revlist_decode(buf, len, &l, NULL, &re))) {
		zc_cli_err(T("%s 不是有效的吊销列表（%s）", "%s is not a valid revocation list (%s)"), path,
			   re.field ? re.field : zc_strerror(lrc));
		goto out;
	}
	if (!(key = zc_cli_host_key(0, keypath, sizeof keypath, &absent))) {
		if (absent)
			zc_cli_err(T("没有主机密钥 %s；终端只接受配置它的主机签名的命令",
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
		zc_cli_err(T("终端拒绝了吊销列表：%s（%s）", "the terminal refused the revocation list: %s (%s)"),
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
