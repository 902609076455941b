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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/i18n.h"
#include "zc/jreader.h"
#include "zc/recjson.h"
#include "zc/record.h"
#include "zc/store.h"

#define ZC_VERSION "0.1.0"

static const char *db_path;
static int json_out;

static void err_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err_line(const char *fmt, ...)
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
		      "  terminals [--json]          registered terminals\n"
		      "  findings [--terminal ID] [--json]\n"
		      "      integrity findings (bad signature, broken link, gap, fork, clock rollback...)\n"
		      "\n"
		      "options:\n"
		      "  --db FILE     database (default $ZHUCUN_DB, else ./zhucun.db)\n"
		      "  --lang zh|en  language of messages (default Chinese; also ZHUCUN_LANG)\n"
		      "  --version     print the version\n"
		      "\n"
		      "exit status: 0 ok, 1 failure, 2 bad usage, 3 ingest found integrity problems\n",
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
		      "  terminals [--json]          已登记的终端\n"
		      "  findings [--terminal 编号] [--json]\n"
		      "      完整性问题（签名无效、链断裂、缺号、分叉、时钟回拨等）\n"
		      "\n"
		      "选项:\n"
		      "  --db 文件      数据库（默认 $ZHUCUN_DB，否则 ./zhucun.db）\n"
		      "  --lang zh|en   界面语言（默认中文；亦可设 ZHUCUN_LANG）\n"
		      "  --version      显示版本\n"
		      "\n"
		      "退出码: 0 成功，1 失败，2 用法错误，3 导入时发现完整性问题\n",
		      f);
}

static zc_store *open_store(void)
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
				printf("  %s (%s): %llu\n", zc_finding_label(k), zc_finding_name(k),
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
		       f->terminal, zc_finding_label(f->kind), zc_finding_name(f->kind), (unsigned long long)f->seq,
		       f->where ? f->where : "", f->detail ? f->detail : "");
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

static int cmd_terminals(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json_out = 1;
		else
			return 2;
	}
	zc_store *s = open_store();
	if (!s)
		return 1;
	int rc = 0;
	zc_store_terminal_info *ti = NULL;
	size_t n = 0;
	rc = zc_store_terminals(s, &ti, &n);
	if (rc) {
		err_line(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
		zc_store_close(s);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char fp[65];
		zc_hex(ti[i].key_fp, 8, fp);
		if (json_out)
			printf("{\"id\":\"%s\",\"key_fp\":\"%s\",\"records\":%lld,\"head\":%llu}\n", ti[i].id, fp,
			       (long long)ti[i].records, (unsigned long long)ti[i].head);
		else
			printf(T("%-10s 公钥 %s…  记录 %lld 条  最新序号 %llu\n",
				 "%-10s key %s…  %lld records  head %llu\n"),
			       ti[i].id, fp, (long long)ti[i].records, (unsigned long long)ti[i].head);
	}
	zc_store_terminals_free(ti, n);
	zc_store_close(s);
	return 0;
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
	if (!strcmp(cmd, "ingest"))
		return cmd_ingest(sargc, sargv);
	if (!strcmp(cmd, "journal")) {
		if (sargc < 2) {
			err_line(T("用法：zhucun journal export|show …", "usage: zhucun journal export|show ..."));
			return 2;
		}
		const char *sub = sargv[1];
		if (!strcmp(sub, "export"))
			return cmd_journal_export(sargc - 1, sargv + 1);
		if (!strcmp(sub, "show"))
			return cmd_journal_show(sargc - 1, sargv + 1);
		err_line(T("未知的 journal 子命令 '%s'", "unknown journal command '%s'"), sub);
		return 2;
	}
	if (!strcmp(cmd, "findings"))
		return cmd_findings(sargc, sargv);
	if (!strcmp(cmd, "terminals"))
		return cmd_terminals(sargc, sargv);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	err_line(T("未知命令 '%s'（见 zhucun --help）", "unknown command '%s' (see zhucun --help)"), cmd);
	return 2;
}
