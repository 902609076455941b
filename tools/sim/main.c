/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun-sim, the simulator. Subcommands:
 *   journal  write a synthetic signed terminal journal
 *   vectors  regenerate the record-format test vectors
 *   wire-vectors  regenerate the serial-protocol test vectors (wirevec.h)
 *   relay    a serial line between a terminal and a host, paced, with
 *            noise, dropped bytes and a pulled cable (relay.h)
 *   reader   a virtual PN532 reader on a pseudo-terminal (pn532srv.h)
 *   vicc     the virtual PIV card behind pcscd through vsmartcard's vpcd (vicc.h)
 * run and compare: scenarios played through the real parts (run.h, compare.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pn532.h"
#include "pn532srv.h"
#include "relay.h"
#include "synth.h"
#include "tamper.h"
#include "vectors.h"
#include "vicc.h"
#include "linkcli.h"
#include "compare.h"
#include "run.h"
#include "wirevec.h"
#include "zc/fileio.h"
#include "zc/report.h"
#include "scenario.h"
#include "zc/err.h"
#include "zc/record.h"

static void usage(FILE *f)
{
	fputs("用法 / usage: zhucun-sim COMMAND [options]\n"
	      "\n"
	      "  journal --out DIR --records N [--terminal ID] [--badges N] [--start YYYY-MM-DD]\n"
	      "      写一个合成的已签名终端日志 / write a synthetic signed terminal journal:\n"
	      "      DIR/terminal.key (0600), DIR/terminal.pub.pem, DIR/journal/\n"
	      "  link --port PATH hello | set-time MS | ack SEQ HASH [--key PEM] [--nonce HEX]\n"
	      "      裸串口客户端，可伪造或重放命令（测试用）/ a bare link client that can forge\n"
	      "      or replay commands (tests)\n"
	      "  run FILE.scn --dir DIR [--bin BINDIR] [--board FILE] [--libnfc-taps N] [-v]\n"
	      "      在真实部件上播放场景 / play a scenario through the real parts: badge CA, terminals\n"
	      "      (the first N taps of each badge per terminal via libnfc, the rest in-process),\n"
	      "      pulls over the serial link, registry import, DIR/report.json\n"
	      "  compare REPORT.json EXPECTED.json\n"
	      "      对照预期报告 / check a report against a scenario's expected report\n"
	      "      (exit 0 match, 1 mismatch, 2 bad input)\n"
	      "  evaluate FILE.scn [--out report.json]\n"
	      "      用场景自身的数据直接计算考勤报告（不经终端与串口）/ the compliance report of\n"
	      "      a scenario computed on its own data (no terminals, no serial link)\n"
	      "  tamper JOURNAL --seq N --how flip|drop|truncate\n"
	      "      故意损坏日志（测试用）/ damage a journal on purpose (tests, demo)\n"
	      "  vectors --out DIR --terminal-key PEM --badge-key PEM\n"
	      "      重新生成记录格式测试向量 / regenerate the record-format test vectors\n"
	      "  wire-vectors --out DIR --host-key PEM\n"
	      "      重新生成串口协议测试向量 / regenerate the serial-protocol test vectors\n"
	      "  relay --terminal PATH --link PATH [--rate BYTES_PER_S] [--noise P] [--drop P]\n"
	      "        [--cut-after BYTES] [--seed N] [--verbose]\n"
	      "        [--attack hello-clock|forge-result] [--hold-ms MS]\n"
	      "      终端与主机之间的测试串口线 / a test serial line: opens the terminal's port PATH,\n"
	      "      makes a pty for the host at --link, copies both ways paced to BYTES_PER_S each\n"
	      "      way (115200 baud 8N1: 11520), flips a bit in a byte with probability P (--noise),\n"
	      "      loses a byte with probability P (--drop), stops after BYTES in all (--cut-after,\n"
	      "      a pulled cable); prints 'ready /dev/pts/N', stops on SIGTERM\n"
	      "  reader --link PATH [--card SPEC]... [--control SOCKET] [--latency MS|model] [--verbose]\n"
	      "      虚拟 PN532 读卡器 / a virtual PN532 on a pty, for pn532_uart:PATH;\n"
	      "      SPEC is uid:HEX or piv:CARDFILE, the first card is in the field at start;\n"
	      "      control socket (default PATH.ctl) takes: present SPEC|N [remove-after N], remove, status,\n"
	      "      unplug, plug, latency MS|model, quit\n"
	      "  reader --link PATH --send 'COMMAND'   (or --control SOCKET --send ...)\n"
	      "      向运行中的读卡器发命令 / send one command to a running reader, print its answer\n"
	      "  vicc --card piv:CARDFILE [--host 127.0.0.1] [--port 35963] [--verbose]\n"
	      "      经 vpcd 接入 pcscd 的虚拟 PIV 卡 / the virtual PIV card behind pcscd, as a client of\n"
	      "      vsmartcard's vpcd reader driver; prints 'ready HOST:PORT' when connected,\n"
	      "      reconnects when vpcd restarts, stops on SIGTERM\n"
	      "\n"
	      "  -h, --help   本帮助 / this help\n",
	      f);
}

static int parse_date_ms(const char *s, int64_t *out)
{
	struct tm tm = {0};
	char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return -1;
	/* 08:00 local time in UTC+8 is 00:00 UTC. */
	*out = (int64_t)timegm(&tm) * 1000;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int cmd_journal(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, 0, 'o'},	     {"records", required_argument, 0, 'n'},
	    {"terminal", required_argument, 0, 't'}, {"badges", required_argument, 0, 'b'},
	    {"start", required_argument, 0, 's'},    {"quiet", no_argument, 0, 'q'},
	    {"help", no_argument, 0, 'h'},	     {0, 0, 0, 0}};
	zc_synth_opts o = {.terminal = "K01", .records = 0, .badges = 5, .start_utc_ms = 1735776000000};
	int have_n = 0, c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "o:n:t:b:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'n':
			if (parse_u64(optarg, &o.records)) {
				fprintf(stderr, "zhucun-sim journal: --records needs a whole number, not '%s'\n",
					optarg);
				return 2;
			}
			have_n = 1;
			break;
		case 't': o.terminal = optarg; break;
		case 'b':
			if (parse_u64(optarg, &v) || v == 0 || v > 100000) {
				fprintf(stderr, "zhucun-sim journal: --badges needs 1-100000, not '%s'\n", optarg);
				return 2;
			}
			o.badges = (uint32_t)v;
			break;
		case 's':
			if (parse_date_ms(optarg, &o.start_utc_ms)) {
				fprintf(stderr, "zhucun-sim journal: --start needs YYYY-MM-DD, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'q': o.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.out_dir || !have_n || optind != argc) {
		fprintf(stderr, "zhucun-sim journal: needs --out DIR and --records N (see zhucun-sim --help)\n");
		return 2;
	}
	if (!zc_id_valid(o.terminal)) {
		fprintf(stderr, "zhucun-sim journal: terminal id '%s' must be 1-32 of A-Z a-z 0-9 . _ -\n", o.terminal);
		return 2;
	}
	int rc = zc_synth_journal(&o);
	if (rc)
		return 1;
	if (!o.quiet)
		printf("wrote %llu records to %s/journal (key %s/terminal.pub.pem)\n", (unsigned long long)o.records,
		       o.out_dir, o.out_dir);
	return 0;
}

static int cmd_vectors(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
					     {"terminal-key", required_argument, 0, 't'},
					     {"badge-key", required_argument, 0, 'b'},
					     {0, 0, 0, 0}};
	const char *out = NULL, *tk = NULL, *bk = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:t:b:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': tk = optarg; break;
		case 'b': bk = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (!out || !tk || !bk) {
		fprintf(stderr, "zhucun-sim vectors: needs --out, --terminal-key and --badge-key\n");
		return 2;
	}
	int rc = zc_vectors_write(out, tk, bk);
	if (rc) {
		fprintf(stderr, "zhucun-sim vectors: %s\n", zc_strerror(rc));
		return 1;
	}
	return 0;
}

static int cmd_wire_vectors(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, 0, 'o'}, {"host-key", required_argument, 0, 'k'}, {0, 0, 0, 0}};
	const char *out = NULL, *key = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'k': key = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (!out || !key || optind != argc) {
		fprintf(stderr, "zhucun-sim wire-vectors: needs --out DIR and --host-key PEM\n");
		return 2;
	}
	int rc = zc_wirevec_write(out, key);
	if (rc) {
		fprintf(stderr, "zhucun-sim wire-vectors: %s\n", zc_strerror(rc));
		return 1;
	}
	return 0;
}

static int parse_prob(const char *s, double *out)
{
	char *end;
	if (!*s)
		return -1;
	double v = strtod(s, &end);
	if (*end || !(v >= 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

static int cmd_relay(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"terminal", required_argument, 0, 't'}, {"link", required_argument, 0, 'l'},
	    {"rate", required_argument, 0, 'r'},     {"noise", required_argument, 0, 'n'},
	    {"drop", required_argument, 0, 'd'},     {"cut-after", required_argument, 0, 'c'},
	    {"seed", required_argument, 0, 's'},     {"verbose", no_argument, 0, 'v'},
	    {"attack", required_argument, 0, 'a'},   {"hold-ms", required_argument, 0, 'H'},
	    {"help", no_argument, 0, 'h'},	     {0, 0, 0, 0}};
	zc_relay_opts o = {.seed = 1, .hold_ms = 5000};
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "t:l:r:n:d:c:s:va:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': o.terminal = optarg; break;
		case 'l': o.link = optarg; break;
		case 'r':
			if (parse_u64(optarg, &v) || v > 100000000) {
				fprintf(stderr,
					"zhucun-sim relay: --rate needs 0-100000000 (bytes per second), not '%s'\n",
					optarg);
				return 2;
			}
			o.rate = (uint32_t)v;
			break;
		case 'n':
			if (parse_prob(optarg, &o.noise)) {
				fprintf(stderr, "zhucun-sim relay: --noise needs a probability 0-1, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			if (parse_prob(optarg, &o.drop)) {
				fprintf(stderr, "zhucun-sim relay: --drop needs a probability 0-1, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			if (parse_u64(optarg, &o.cut_after) || !o.cut_after) {
				fprintf(stderr,
					"zhucun-sim relay: --cut-after needs a positive number of bytes, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			if (parse_u64(optarg, &o.seed)) {
				fprintf(stderr, "zhucun-sim relay: --seed needs a whole number, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v': o.verbose = 1; break;
		case 'a': o.attack = optarg; break;
		case 'H':
			if (parse_u64(optarg, &v) || v > 600000) {
				fprintf(stderr, "zhucun-sim relay: --hold-ms needs 0-600000, not '%s'\n", optarg);
				return 2;
			}
			o.hold_ms = (uint32_t)v;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !o.terminal || !o.link) {
		fprintf(stderr, "zhucun-sim relay: needs --terminal PATH and --link PATH (see zhucun-sim --help)\n");
		return 2;
	}
	return zc_relay_run(&o);
}

static int cmd_tamper(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"seq", required_argument, 0, 's'}, {"how", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	uint64_t seq = 0;
	const char *how = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "s:w:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_u64(optarg, &seq) || !seq) {
				fprintf(stderr, "zhucun-sim tamper: --seq needs a positive number\n");
				return 2;
			}
			break;
		case 'w': how = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || !seq || !how) {
		fprintf(stderr, "zhucun-sim tamper: needs JOURNAL --seq N --how flip|drop|truncate\n");
		return 2;
	}
	int rc = zc_tamper(argv[optind], seq, how);
	if (rc) {
		fprintf(stderr, "zhucun-sim tamper: %s: %s\n", argv[optind],
			rc == ZC_EARG ? "--how must be flip, drop or truncate" : zc_strerror(rc));
		return 1;
	}
	return 0;
}

static int cmd_reader(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"link", required_argument, 0, 'l'},    {"card", required_argument, 0, 'c'},
	    {"control", required_argument, 0, 'C'}, {"latency", required_argument, 0, 'L'},
	    {"send", required_argument, 0, 's'},    {"verbose", no_argument, 0, 'v'},
	    {"help", no_argument, 0, 'h'},	    {0, 0, 0, 0}};
	enum { MAX_CARDS = 64 };
	const char *cards[MAX_CARDS];
	zc_simreader_opts o = {.cards = cards};
	const char *send = NULL;
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "l:c:C:L:s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.link = optarg; break;
		case 'c':
			if (o.ncards == MAX_CARDS) {
				fprintf(stderr, "zhucun-sim reader: at most %d --card\n", MAX_CARDS);
				return 2;
			}
			cards[o.ncards++] = optarg;
			break;
		case 'C': o.control = optarg; break;
		case 'L':
			if (!strcmp(optarg, "model")) {
				o.latency_ms = ZC_PN532_LATENCY_MODEL;
			} else if (parse_u64(optarg, &v) || v > 60000) {
				fprintf(stderr,
					"zhucun-sim reader: --latency needs 0-60000 (ms) or 'model', not '%s'\n",
					optarg);
				return 2;
			} else {
				o.latency_ms = (int)v;
			}
			break;
		case 's': send = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (!o.link && !(send && o.control))) {
		fprintf(stderr, "zhucun-sim reader: needs --link PATH (see zhucun-sim --help)\n");
		return 2;
	}
	if (send) {
		char ctl[4096], answer[1024];
		if (o.control)
			snprintf(ctl, sizeof ctl, "%s", o.control);
		else
			snprintf(ctl, sizeof ctl, "%s.ctl", o.link);
		int rc = zc_simreader_send(ctl, send, answer, sizeof answer);
		if (rc == 2) {
			fprintf(stderr, "zhucun-sim reader: %s\n", answer);
			return 1;
		}
		printf("%s\n", answer);
		return rc;
	}
	return zc_simreader_run(&o);
}

static int cmd_vicc(int argc, char **argv)
{
	static const struct option opts[] = {{"card", required_argument, 0, 'c'}, {"host", required_argument, 0, 'H'},
					     {"port", required_argument, 0, 'p'}, {"verbose", no_argument, 0, 'v'},
					     {"help", no_argument, 0, 'h'},	  {0, 0, 0, 0}};
	zc_vicc_opts o = {0};
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "c:H:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.card = optarg; break;
		case 'H': o.host = optarg; break;
		case 'p':
			if (parse_u64(optarg, &v) || v == 0 || v > 65535) {
				fprintf(stderr, "zhucun-sim vicc: --port needs 1-65535, not '%s'\n", optarg);
				return 2;
			}
			o.port = (uint16_t)v;
			break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !o.card) {
		fprintf(stderr, "zhucun-sim vicc: needs --card piv:CARDFILE (see zhucun-sim --help)\n");
		return 2;
	}
	return zc_vicc_run(&o);
}

/* The engine on a scenario's own data (no terminals, no link): what the
 * report must say once the scenario is played through the real parts. */
static int cmd_evaluate(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, 0, 'o'}, {0, 0, 0, 0}};
	const char *out = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "zhucun-sim evaluate: needs FILE.scn [--out report.json]\n");
		return 2;
	}
	uint8_t *text;
	size_t len;
	int rc = zc_file_read(argv[optind], 16 << 20, &text, &len);
	if (rc) {
		fprintf(stderr, "zhucun-sim evaluate: %s: %s\n", argv[optind], zc_strerror(rc));
		return 1;
	}
	zc_scenario *s = NULL;
	char err[512];
	rc = zc_scenario_parse((char *)text, len, argv[optind], &s, err, sizeof err);
	free(text);
	if (rc) {
		fprintf(stderr, "zhucun-sim evaluate: %s\n", err);
		return 1;
	}
	zc_rules_input in;
	zc_rules_result *r = NULL;
	if (zc_scenario_rules_input(s, &in) || zc_rules_evaluate(&in, &r)) {
		fprintf(stderr, "zhucun-sim evaluate: the engine failed\n");
		zc_scenario_free(s);
		return 1;
	}
	json_t *j = zc_report_json(&in, r);
	rc = out ? json_dump_file(j, out, JSON_INDENT(1) | JSON_SORT_KEYS)
		 : json_dumpf(j, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (!out)
		putchar('\n');
	json_decref(j);
	zc_rules_result_free(r);
	zc_scenario_rules_input_free(&in);
	zc_scenario_free(s);
	if (rc) {
		fprintf(stderr, "zhucun-sim evaluate: cannot write %s\n", out ? out : "stdout");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	argv[1] = argv[0];
	argc--;
	argv++;
	if (!strcmp(cmd, "journal"))
		return cmd_journal(argc, argv);
	if (!strcmp(cmd, "evaluate"))
		return cmd_evaluate(argc, argv);
	if (!strcmp(cmd, "run"))
		return zc_sim_run_main(argc, argv);
	if (!strcmp(cmd, "compare"))
		return zc_sim_compare_main(argc, argv);
	if (!strcmp(cmd, "tamper"))
		return cmd_tamper(argc, argv);
	if (!strcmp(cmd, "vectors"))
		return cmd_vectors(argc, argv);
	if (!strcmp(cmd, "wire-vectors"))
		return cmd_wire_vectors(argc, argv);
	if (!strcmp(cmd, "link"))
		return zc_linkcli_main(argc, argv);
	if (!strcmp(cmd, "relay"))
		return cmd_relay(argc, argv);
	if (!strcmp(cmd, "reader"))
		return cmd_reader(argc, argv);
	if (!strcmp(cmd, "vicc"))
		return cmd_vicc(argc, argv);
	fprintf(stderr, "zhucun-sim: unknown command '%s' (see zhucun-sim --help)\n", cmd);
	return 2;
}
