/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c: zhucun-ca, the district badge CA. Subcommands:
 *   init    create the CA (key, self-signed certificate, empty list 1)
 *   issue   issue a PIV badge: certificate and virtual card file
 *   revoke  put a badge on the revocation list from a given time
 *   clone   copy a card file with a different key (a forgery, for tests)
 *   show    print a card file, certificate, revocation list or CA folder
 * The work is done by zc_calib (ca.c); this file parses arguments. Exit
 * status: 0 done, 1 failed, 2 bad usage or bad input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ca.h"
#include "zc/bytes.h"
#include "zc/err.h"

static void usage(FILE *f)
{
	fputs("用法 / usage: zhucun-ca COMMAND [options]\n"
	      "\n"
	      "  init --dir CADIR --name NAME [--district D] [--valid-from T] [--valid-to T]\n"
	      "      建立工牌CA / create the badge CA: CADIR/ca.key (0600), CADIR/ca.pem,\n"
	      "      CADIR/revocations.zrl (empty list 1), CADIR/issued.txt\n"
	      "  issue --dir CADIR --badge B001 --cadre C001 --name NAME --out CARDFILE\n"
	      "        [--uuid HEX32] [--uid HEX] [--cert-out FILE.der] [--valid-from T] [--valid-to T]\n"
	      "      签发PIV工牌：证书与虚拟卡文件 / issue a PIV badge: certificate and virtual card file\n"
	      "  revoke --dir CADIR --badge B001 [--at T]\n"
	      "      吊销工牌，自T起生效（默认现在）/ revoke a badge from time T (default: now)\n"
	      "  clone CARDFILE --out CARDFILE2\n"
	      "      复制卡但换一把新密钥（测试用伪卡）/ same certificate, a different key (a forgery, for tests)\n"
	      "  show PATH [--ca CA.pem] [--at T]\n"
	      "      显示卡文件、证书、吊销列表或CA目录 / print a card file, certificate,\n"
	      "      revocation list or CA folder (certificates checked at T, default now)\n"
	      "\n"
	      "  T: 2025-06-01T00:00:00Z, 2025-06-01T08:00:00+08:00, or a date 2025-06-01\n"
	      "     (UTC; --valid-to takes the end of that day)\n"
	      "  -h, --help   本帮助 / this help\n",
	      f);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A time: full ISO 8601 with zone, or YYYY-MM-DD (UTC; start or end of day). */
static int parse_when(const char *s, int end_of_day, int64_t *ms)
{
	if (strlen(s) == 10) {
		char full[32];
		snprintf(full, sizeof full, "%sT%s", s, end_of_day ? "23:59:59Z" : "00:00:00Z");
		return zc_ca_parse_time(full, ms);
	}
	return zc_ca_parse_time(s, ms);
}

static int bad_time(const char *cmd, const char *opt, const char *v)
{
	fprintf(stderr,
		"zhucun-ca %s: %s needs a time like 2025-06-01T00:00:00Z or 2025-06-01T08:00:00+08:00, not '%s'\n", cmd,
		opt, v);
	return 2;
}

/* getopt is quiet (opterr = 0); say which argument was wrong, in one line. */
static int bad_option(char **argv)
{
	fprintf(stderr, "zhucun-ca %s: bad option or missing value '%s' (see zhucun-ca --help)\n", argv[0],
		argv[optind - 1]);
	return 2;
}

static int failed(const char *cmd, int rc, const char *err)
{
	fprintf(stderr, "zhucun-ca %s: %s\n", cmd, err);
	return rc == ZC_EARG ? 2 : 1;
}

static int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"name", required_argument, 0, 'n'},
					     {"district", required_argument, 0, 'D'},
					     {"valid-from", required_argument, 0, 'f'},
					     {"valid-to", required_argument, 0, 't'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	zc_ca_init_opts o = {0};
	int c;
	while ((c = getopt_long(argc, argv, "d:n:D:f:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'n': o.name = optarg; break;
		case 'D': o.district = optarg; break;
		case 'f':
			if (parse_when(optarg, 0, &o.from_ms))
				return bad_time("init", "--valid-from", optarg);
			break;
		case 't':
			if (parse_when(optarg, 1, &o.to_ms))
				return bad_time("init", "--valid-to", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: return bad_option(argv);
		}
	}
	if (!o.dir || !o.name || optind != argc) {
		fprintf(stderr, "zhucun-ca init: needs --dir CADIR and --name NAME (see zhucun-ca --help)\n");
		return 2;
	}
	char err[512];
	int rc = zc_ca_init(&o, err, sizeof err);
	if (rc)
		return failed("init", rc, err);
	printf("created badge CA '%s' in %s (%s/ca.pem, revocation list 1)\n", o.name, o.dir, o.dir);
	return 0;
}

static int cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"badge", required_argument, 0, 'b'},
					     {"cadre", required_argument, 0, 'c'},
					     {"name", required_argument, 0, 'n'},
					     {"uuid", required_argument, 0, 'u'},
					     {"uid", required_argument, 0, 'U'},
					     {"out", required_argument, 0, 'o'},
					     {"cert-out", required_argument, 0, 'C'},
					     {"valid-from", required_argument, 0, 'f'},
					     {"valid-to", required_argument, 0, 't'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	zc_ca_issue_opts o = {0};
	uint8_t uuid[ZC_BADGE_UUID_LEN], uid[ZC_CA_UID_MAX];
	int c;
	while ((c = getopt_long(argc, argv, "d:b:c:n:u:U:o:C:f:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.badge = optarg; break;
		case 'c': o.cadre = optarg; break;
		case 'n': o.name = optarg; break;
		case 'o': o.out = optarg; break;
		case 'C': o.cert_out = optarg; break;
		case 'u':
			if (zc_unhex(optarg, uuid, sizeof uuid)) {
				fprintf(stderr, "zhucun-ca issue: --uuid needs 32 hex digits, not '%s'\n", optarg);
				return 2;
			}
			o.uuid = uuid;
			break;
		case 'U': {
			size_t n = strlen(optarg) / 2;
			if ((n != 4 && n != 7) || zc_unhex(optarg, uid, n)) {
				fprintf(stderr,
					"zhucun-ca issue: --uid needs 8 or 14 hex digits (4 or 7 bytes), not '%s'\n",
					optarg);
				return 2;
			}
			o.uid = uid;
			o.uid_len = n;
			break;
		}
		case 'f':
			if (parse_when(optarg, 0, &o.from_ms))
				return bad_time("issue", "--valid-from", optarg);
			break;
		case 't':
			if (parse_when(optarg, 1, &o.to_ms))
				return bad_time("issue", "--valid-to", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: return bad_option(argv);
		}
	}
	if (!o.dir || !o.badge || !o.cadre || !o.name || !o.out || optind != argc) {
		fprintf(stderr,
			"zhucun-ca issue: needs --dir, --badge, --cadre, --name and --out (see zhucun-ca --help)\n");
		return 2;
	}
	char err[512], sh[2 * ZC_BADGE_SERIAL_MAX + 1], fh[2 * ZC_HASH_LEN + 1];
	zc_ca_issued res;
	int rc = zc_ca_issue(&o, &res, err, sizeof err);
	if (rc)
		return failed("issue", rc, err);
	printf("issued badge %s to %s (%s): serial %s, fingerprint %s, card file %s\n", o.badge, o.cadre, o.name,
	       zc_hex(res.serial, res.serial_len, sh), zc_hex(res.fp, sizeof res.fp, fh), o.out);
	return 0;
}

static int cmd_revoke(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"badge", required_argument, 0, 'b'},
					     {"at", required_argument, 0, 'a'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *badge = NULL;
	int64_t at = 0;
	int have_at = 0, c;
	while ((c = getopt_long(argc, argv, "d:b:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'b': badge = optarg; break;
		case 'a':
			if (parse_when(optarg, 0, &at))
				return bad_time("revoke", "--at", optarg);
			have_at = 1;
			break;
		case 'h': usage(stdout); return 0;
		default: return bad_option(argv);
		}
	}
	if (!dir || !badge || optind != argc) {
		fprintf(stderr, "zhucun-ca revoke: needs --dir CADIR and --badge ID (see zhucun-ca --help)\n");
		return 2;
	}
	int64_t now = now_ms();
	if (!have_at)
		at = now;
	char err[512], t[40];
	uint64_t number = 0;
	int rc = zc_ca_revoke(dir, badge, at, now, &number, err, sizeof err);
	if (rc)
		return failed("revoke", rc, err);
	printf("revoked badge %s from %s: %s/revocations.zrl is now list %llu\n", badge,
	       zc_ca_format_time(at, t, sizeof t), dir, (unsigned long long)number);
	return 0;
}

static int cmd_clone(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *out = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return bad_option(argv);
		}
	}
	if (!out || optind + 1 != argc) {
		fprintf(stderr, "zhucun-ca clone: needs CARDFILE --out CARDFILE2 (see zhucun-ca --help)\n");
		return 2;
	}
	char err[512];
	int rc = zc_ca_clone(argv[optind], out, NULL, NULL, err, sizeof err);
	if (rc)
		return failed("clone", rc, err);
	printf("cloned %s to %s (same certificate and UUID, another key)\n", argv[optind], out);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {{"ca", required_argument, 0, 'c'},
					     {"at", required_argument, 0, 'a'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *ca = NULL;
	int64_t at = now_ms();
	int c;
	while ((c = getopt_long(argc, argv, "c:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ca = optarg; break;
		case 'a':
			if (parse_when(optarg, 0, &at))
				return bad_time("show", "--at", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: return bad_option(argv);
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "zhucun-ca show: needs one PATH (see zhucun-ca --help)\n");
		return 2;
	}
	char err[512];
	int rc = zc_ca_show(argv[optind], ca, at, stdout, err, sizeof err);
	if (rc)
		return failed("show", rc, err);
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
	/* Each subcommand sees argv[0] = its own name (for messages). */
	argc--;
	argv++;
	opterr = 0;
	if (!strcmp(cmd, "init"))
		return cmd_init(argc, argv);
	if (!strcmp(cmd, "issue"))
		return cmd_issue(argc, argv);
	if (!strcmp(cmd, "revoke"))
		return cmd_revoke(argc, argv);
	if (!strcmp(cmd, "clone"))
		return cmd_clone(argc, argv);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc, argv);
	fprintf(stderr, "zhucun-ca: unknown command '%s' (see zhucun-ca --help)\n", cmd);
	return 2;
}
