/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_journal.c: journals and bundles: ingest, findings, journal show|export, bundle export|import
 */
#include <errno.h>
#include <limits.h>
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
#include "zc/journal_ingest.h"
#include "zc/recjson.h"
#include "zc/record.h"
#include "zc/store.h"
#include "zc/wire.h"
#include "cli.h"

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
		zc_cli_err(T("无法读取终端公钥 %s：%s", "cannot read terminal key %s: %s"), path, strerror(e));
		return NULL;
	}
	if (zc_pubkey_parse((const uint8_t *)pem, len, key)) {
		zc_cli_err(T("%s 不是 P-256 公钥 PEM 文件", "%s is not a P-256 public key PEM file"), path);
		free(pem);
		return NULL;
	}
	return pem;
}

/* Why the journal at path does not open (rc), in one line. */
static void journal_error(const char *path, int rc)
{
	if (rc == ZC_ENOENT)
		zc_cli_err(T("找不到日志 %s（应为日志目录或 seg-*.zcj 段文件）",
			     "no journal at %s (expected a journal folder or a seg-*.zcj segment file)"),
			   path);
	else if (rc)
		zc_cli_err(T("无法读取日志 %s：%s", "cannot read journal %s: %s"), path, zc_strerror(rc));
}

static int journal_open(const char *path, zc_jreader **jr)
{
	int rc = zc_jreader_open(path, jr);
	journal_error(path, rc);
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

/* What ingest stored, as JSON or text. */
static void ingest_report(const char *terminal, const char *jpath, const zc_ingest_stats *total, double secs)
{
	if (zc_cli_json_out) {
		json_t *o = json_object();
		json_object_set_new(o, "terminal", json_string(terminal));
		json_object_set_new(o, "journal", json_string(jpath));
		json_object_set_new(o, "seen", json_integer((json_int_t)total->seen));
		json_object_set_new(o, "stored", json_integer((json_int_t)total->stored));
		json_object_set_new(o, "duplicates", json_integer((json_int_t)total->duplicates));
		json_object_set_new(o, "findings", json_integer((json_int_t)total->findings));
		json_object_set_new(o, "findings_by_kind", zc_cli_findings_by_kind_json(total));
		json_object_set_new(o, "seconds", json_real(secs));
		zc_cli_print_json(o);
	} else {
		printf(T("终端 %s：读取 %llu 条，新存 %llu 条，重复 %llu 条，完整性问题 %llu 项（%.2f 秒）\n",
			 "terminal %s: %llu read, %llu stored, %llu duplicate, %llu integrity findings (%.2f s)\n"),
		       terminal, (unsigned long long)total->seen, (unsigned long long)total->stored,
		       (unsigned long long)total->duplicates, (unsigned long long)total->findings, secs);
		zc_cli_print_findings_by_kind(total);
	}
}

/* A damaged journal entry, as a warning (not with --json). */
static void ingest_damaged(void *arg, const char *where, int status)
{
	(void)arg;
	if (!zc_cli_json_out)
		fprintf(stderr, T("zhucun: 警告：%s：%s\n", "zhucun: warning: %s: %s\n"), where, status_name(status));
}

static void ingest_progress(void *arg, uint64_t entries)
{
	(void)arg;
	if (zc_cli_progress_tty())
		fprintf(stderr, T("\r已处理 %llu 条", "\r%llu processed"), (unsigned long long)entries);
}

/* Open the journal for ingest (the terminal: tid, else its first record);
 * prints why and returns nonzero on failure. */
static int ingest_open(const char *jpath, const char *tid, zc_jingest **j)
{
	int rc = zc_jingest_open(jpath, tid, j);
	if (rc == ZC_EMALFORMED)
		zc_cli_err(T("日志 %s 中没有可解码的记录；请用 --terminal 指定终端编号",
			     "journal %s holds no decodable record; name the terminal with --terminal"),
			   jpath);
	else
		journal_error(jpath, rc);
	return rc;
}

/* Why zc_jingest_run failed, in one line. */
static void ingest_failure(const zc_jingest_result *r, int rc, const char *terminal, const char *jpath,
			   const char *keyfile)
{
	switch (r->error) {
	case ZC_JINGEST_KEY_MISMATCH:
		zc_cli_err(
		    T("终端 %s 已用另一把公钥登记；拒绝导入（%s 与登记的公钥不同）",
		      "terminal %s is registered with another key; refusing (%s differs from the registered key)"),
		    terminal, keyfile);
		break;
	case ZC_JINGEST_REGISTER:
		zc_cli_err(T("登记终端 %s 失败：%s", "registering terminal %s failed: %s"), terminal, r->msg);
		break;
	case ZC_JINGEST_BEGIN: zc_cli_err(T("数据库事务失败：%s", "database transaction failed: %s"), r->msg); break;
	case ZC_JINGEST_STORE:
		zc_cli_err(T("写入数据库失败（%s）：%s", "storing failed (%s): %s"), r->where, r->msg);
		break;
	case ZC_JINGEST_COMMIT: zc_cli_err(T("提交事务失败：%s", "commit failed: %s"), r->msg); break;
	default: zc_cli_err(T("读取日志 %s 失败：%s", "reading journal %s failed: %s"), jpath, zc_strerror(rc)); break;
	}
}

int zc_cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal-key", required_argument, 0, 'k'},
					     {"terminal", required_argument, 0, 't'},
					     {"json", no_argument, 0, 'j'},
					     {"batch", required_argument, 0, 'b'},
					     {0, 0, 0, 0}};
	const char *keyfile = NULL, *tid = NULL;
	long long batch = ZC_JINGEST_BATCH_DEFAULT;
	int c;
	while ((c = getopt_long(argc, argv, "k:t:jb:", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 't': tid = optarg; break;
		case 'j': zc_cli_json_out = 1; break;
		case 'b':
			if (zc_opt_int("--batch", optarg, 1, 1000000, &batch))
				return 2;
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || !keyfile) {
		zc_cli_err(T("用法：zhucun ingest 日志 --terminal-key 公钥PEM",
			     "usage: zhucun ingest JOURNAL --terminal-key PEM"));
		return 2;
	}
	const char *jpath = argv[optind];
	if (tid && !zc_id_valid(tid)) {
		zc_cli_err(T("终端编号 '%s' 无效", "invalid terminal id '%s'"), tid);
		return 2;
	}
	zc_pubkey *key = NULL;
	zc_jingest *j = NULL;
	zc_store *s = NULL;
	char *pem = NULL;
	int rc = 1, lrc;
	zc_jingest_result r;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (!(pem = load_pubkey_pem(keyfile, &key)))
		goto out;
	if (ingest_open(jpath, tid, &j))
		goto out;
	if (!(s = zc_cli_open_store()))
		goto out;
	zc_jingest_opts io = {.pubkey_pem = pem,
			      .batch = (uint32_t)batch,
			      .clock_rollback_tolerance_ms = 300000,
			      .source = jpath,
			      .progress = ingest_progress,
			      .damaged = ingest_damaged};
	if ((lrc = zc_jingest_run(j, s, &io, &r))) {
		ingest_failure(&r, lrc, zc_jingest_terminal(j), jpath, keyfile);
		goto out;
	}
	if (zc_cli_progress_tty() && r.entries >= (uint64_t)batch)
		fputc('\n', stderr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ingest_report(zc_jingest_terminal(j), jpath, &r.stats, secs);
	rc = r.stats.findings ? 3 : 0;
out:
	zc_store_close(s);
	zc_jingest_close(j);
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

int zc_cmd_journal_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, 0, 'o'}, {"terminal-key", required_argument, 0, 'k'}, {0, 0, 0, 0}};
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
		zc_cli_err(T("用法：zhucun journal export 日志 --out 目录 [--terminal-key 公钥PEM]",
			     "usage: zhucun journal export JOURNAL --out DIR [--terminal-key PEM]"));
		return 2;
	}
	const char *jpath = argv[optind];
	if (!keyfile) {
		if (find_key_beside(jpath, keybuf, sizeof keybuf)) {
			zc_cli_err(
			    T("日志旁没有 terminal.pub.pem；请用 --terminal-key 指定终端公钥",
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
		zc_cli_err(T("无法创建目录 %s：%s", "cannot create folder %s: %s"), out, strerror(errno));
		goto out;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/terminal.pub.pem", out);
	if (write_all(path, pem, strlen(pem))) {
		zc_cli_err(T("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	zc_jitem it;
	int n;
	while ((n = zc_jreader_next(jr, &it)) > 0) {
		zc_rec r;
		size_t blen;
		zc_rec_error e;
		if (it.status || zc_rec_decode(it.rec, it.len, &r, &blen, &e)) {
			fprintf(stderr,
				T("zhucun: 警告：%s@%llu：无法解码，已跳过\n",
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
			zc_cli_err(T("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(errno));
			goto out;
		}
		written++;
	}
	if (n < 0) {
		zc_cli_err(T("读取日志 %s 失败：%s", "reading journal %s failed: %s"), jpath, zc_strerror(n));
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

int zc_cmd_journal_show(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'}, {"cert", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	zc_badge_cert *certs[MAX_CERTS];
	int ncerts = 0, c, rc = 1;
	while ((c = getopt_long(argc, argv, "jc:", opts, NULL)) != -1) {
		if (c == 'j') {
			zc_cli_json_out = 1;
		} else if (c == 'c') {
			if (ncerts == MAX_CERTS) {
				zc_cli_err(T("--cert 最多 %d 个", "at most %d --cert"), MAX_CERTS);
				goto out;
			}
			int lrc = zc_badge_cert_load(optarg, &certs[ncerts]);
			if (lrc) {
				zc_cli_err(T("无法读取工牌证书 %s：%s", "cannot read badge certificate %s: %s"), optarg,
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
		zc_cli_err(T("用法：zhucun journal show 日志 [--json] [--cert 证书或卡文件]…",
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
			if (zc_cli_json_out)
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
		if (zc_cli_json_out) {
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
					printf("  %s", sig == 1	  ? T("工牌签名有效", "badge signature ok")
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
	if (zc_cli_json_out) {
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

int zc_cmd_findings(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"terminal", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
	const char *tid = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "t:j", opts, NULL)) != -1) {
		switch (c) {
		case 't': tid = optarg; break;
		case 'j': zc_cli_json_out = 1; break;
		default: return 2;
		}
	}
	if (optind != argc) {
		zc_cli_err(T("用法：zhucun findings [--terminal 编号] [--json]",
			     "usage: zhucun findings [--terminal ID] [--json]"));
		return 2;
	}
	zc_store *s = zc_cli_open_store_read();
	if (!s)
		return 1;
	int rc = zc_store_findings(s, tid, print_finding, NULL);
	if (rc)
		zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
	zc_store_close(s);
	return rc ? 1 : 0;
}

int zc_cmd_bundle_export(int argc, char **argv)
{
	static const struct option opts[] = {{"terminal", required_argument, 0, 't'},
					     {"out", required_argument, 0, 'o'},
					     {"from", required_argument, 0, 'f'},
					     {"json", no_argument, 0, 'j'},
					     {0, 0, 0, 0}};
	const char *tid = NULL, *outp = NULL;
	long long from = 1;
	int c;
	while ((c = getopt_long(argc, argv, "t:o:f:j", opts, NULL)) != -1) {
		switch (c) {
		case 't': tid = optarg; break;
		case 'o': outp = optarg; break;
		case 'j': zc_cli_json_out = 1; break;
		case 'f':
			if (zc_opt_int_as("--from", optarg, 1, LLONG_MAX, "正整数序号", "a sequence number >= 1",
					  &from))
				return 2;
			break;
		default: return 2;
		}
	}
	if (optind != argc || !tid || !outp) {
		zc_cli_err(T("用法：zhucun bundle export --terminal 编号 --out 文件 [--from 序号]",
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

	if (!(s = zc_cli_open_store_read()))
		goto out;
	if (!(key = zc_cli_host_key(0, keypath, sizeof keypath, NULL)))
		goto out;
	lrc = zc_bundle_export(s, tid, (uint64_t)from, key, &buf, &len, &bi);
	if (lrc == ZC_ENOENT) {
		zc_cli_err(T("终端 %s 未在本数据库登记", "terminal %s is not registered in this database"), tid);
		goto out;
	} else if (lrc) {
		zc_cli_err(T("导出失败：%s", "export failed: %s"),
			   lrc == ZC_EDB ? zc_store_errmsg(s) : zc_strerror(lrc));
		goto out;
	}
	if ((lrc = zc_file_write_atomic(outp, buf, len, 0644))) {
		zc_cli_err(T("无法写入 %s：%s", "cannot write %s: %s"), outp, zc_strerror(lrc));
		goto out;
	}
	if (bi.skipped)
		fprintf(stderr,
			T("zhucun: 注意：%u 条已存记录的终端签名无效，未导出（见 zhucun findings）\n",
			  "zhucun: note: %u stored records fail their terminal signature and were left out (see "
			  "zhucun findings)\n"),
			bi.skipped);
	if (zc_cli_json_out) {
		json_t *o = json_object();
		char hx[65];
		json_object_set_new(o, "terminal", json_string(tid));
		json_object_set_new(o, "out", json_string(outp));
		json_object_set_new(o, "skipped", json_integer(bi.skipped));
		json_object_set_new(o, "records", json_integer(bi.count));
		json_object_set_new(o, "first_seq", json_integer((json_int_t)bi.first_seq));
		json_object_set_new(o, "last_seq", json_integer((json_int_t)bi.last_seq));
		json_object_set_new(o, "bytes", json_integer((json_int_t)len));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(bi.host_fp, ZC_HASH_LEN, hx)));
		zc_cli_print_json(o);
	} else {
		printf(T("终端 %s：已将 %u 条记录（序号 %llu 至 %llu，%zu 字节）导出到 %s，由主机密钥 %s… 签名\n",
			 "terminal %s: exported %u records (seq %llu to %llu, %zu bytes) to %s, signed by host key "
			 "%s...\n"),
		       tid, bi.count, (unsigned long long)bi.first_seq, (unsigned long long)bi.last_seq, len, outp,
		       zc_cli_fp_short(bi.host_fp, f1));
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
	if (zc_cli_progress_tty())
		fprintf(stderr, T("\r已导入 %u/%u 条", "\r%u/%u imported"), done, total);
}

/* What bundle import stored, as JSON or text. */
static void bundle_import_report(zc_store *s, const char *path, const zc_bundle_info *bi, const zc_ingest_stats *st,
				 int registered)
{
	if (zc_cli_json_out) {
		json_t *o = json_object();
		char hx[65];
		json_object_set_new(o, "terminal", json_string(bi->terminal));
		json_object_set_new(o, "bundle", json_string(path));
		json_object_set_new(o, "host_key_fp", json_string(zc_hex(bi->host_fp, ZC_HASH_LEN, hx)));
		json_object_set_new(o, "host_name", json_string(bi->host_name));
		json_object_set_new(o, "registered_now", json_boolean(registered));
		json_object_set_new(o, "seen", json_integer((json_int_t)st->seen));
		json_object_set_new(o, "stored", json_integer((json_int_t)st->stored));
		json_object_set_new(o, "duplicates", json_integer((json_int_t)st->duplicates));
		json_object_set_new(o, "findings", json_integer((json_int_t)st->findings));
		json_object_set_new(o, "findings_by_kind", zc_cli_findings_by_kind_json(st));
		json_object_set_new(o, "collections", json_integer(bi->ncollections));
		int64_t cu;
		json_object_set_new(o, "collected_until_ms",
				    zc_store_collected_until(s, bi->terminal, &cu) ? json_null() : json_integer(cu));
		zc_cli_print_json(o);
	} else {
		char f2[17];
		printf(
		    T("数据包 %s（终端 %s，主机密钥 %s…）：%llu 条，新存 %llu 条，重复 %llu 条，完整性问题 %llu 项\n",
		      "bundle %s (terminal %s, host key %s...): %llu records, %llu stored, %llu duplicates, %llu "
		      "integrity findings\n"),
		    path, bi->terminal, zc_cli_fp_short(bi->host_fp, f2), (unsigned long long)st->seen,
		    (unsigned long long)st->stored, (unsigned long long)st->duplicates,
		    (unsigned long long)st->findings);
		zc_cli_print_findings_by_kind(st);
		int64_t cu;
		if (!zc_store_collected_until(s, bi->terminal, &cu)) {
			char when[40];
			zc_cli_local_time(s, cu, when, sizeof when);
			printf(T("  终端 %s 的记录已收取至 %s（此前的日期证据完整）\n",
				 "  terminal %s collected until %s (dates before it have complete evidence)\n"),
			       bi->terminal, when);
		} else {
			printf(T("  终端 %s 尚无收取记录：其所属乡镇的日期为未收取\n",
				 "  terminal %s has no collection yet: its township's dates are pending\n"),
			       bi->terminal);
		}
	}
}

/* Why bundle import stored nothing (or stopped), one line in the user's
 * language; msg is the library's English line. */
static void bundle_import_refused(const char *path, int lrc, const zc_bundle_info *bi, const char *msg)
{
	char f1[17], hx[65];
	switch (bi->refused) {
	case ZC_BUNDLE_BAD_SIGNATURE:
		zc_cli_err(T("数据包 %s 的签名无效：导出后被改动过；拒绝导入",
			     "bundle %s: its signature does not verify: it was changed after export; refused"),
			   path);
		return;
	case ZC_BUNDLE_UNTRUSTED_HOST:
		zc_hex(bi->host_fp, ZC_HASH_LEN, hx);
		zc_cli_err(T("数据包 %s 由本机不信任的主机密钥 %s 导出；拒绝导入。若确认该密钥属于本区的文书电脑："
			     "zhucun trust add %s --name 名称",
			     "bundle %s was exported by host key %s, which this host does not trust; refused. If the "
			     "key is one of the district's (a clerk's laptop): zhucun trust add %s --name NAME"),
			   path, hx, hx);
		return;
	case ZC_BUNDLE_OTHER_HOST:
		zc_cli_err(T("数据包不是由指定的主机导出的（%s）；拒绝导入",
			     "the bundle was not exported by the given host (%s); refused"),
			   msg);
		return;
	case ZC_BUNDLE_UNKNOWN_TERMINAL:
		zc_cli_err(T("终端 %s 未在本机登记，且没有依据证明其公钥 %s 属实（登记数据 terminals 的 key_fp "
			     "列，或数据包中由受信任主机完成的配置记录）；拒绝导入",
			     "terminal %s is not registered here and nothing vouches for its key %s (the key_fp "
			     "column of the terminals registry, or its provisioning by a trusted host in the "
			     "bundle); refused"),
			   bi->terminal, zc_hex(bi->terminal_fp, ZC_HASH_LEN, hx));
		return;
	case ZC_BUNDLE_KEY_CONFLICT:
		zc_cli_err(T("终端 %s 已用另一把公钥登记，与数据包中的公钥 %s… 冲突；拒绝导入",
			     "terminal %s is registered with another key; the bundle's key %s... conflicts; refused"),
			   bi->terminal, zc_cli_fp_short(bi->terminal_fp, f1));
		return;
	case ZC_BUNDLE_TAMPERED:
		if (bi->bad_seq)
			zc_cli_err(
			    T("数据包 %s 被篡改：记录（终端 %s，序号 %llu）的终端签名无效；整包拒收，未导入任何内容",
			      "bundle %s was tampered with: record (terminal %s, seq %llu) fails its terminal "
			      "signature; refused, nothing imported"),
			    path, bi->terminal, (unsigned long long)bi->bad_seq);
		else
			zc_cli_err(T("数据包 %s 被篡改：第 %u 条记录（终端 %s）无法解析；整包拒收，未导入任何内容",
				     "bundle %s was tampered with: its record #%u (terminal %s) does not decode; "
				     "refused, nothing imported"),
				   path, bi->bad_index, bi->terminal);
		return;
	default: break;
	}
	if (lrc == ZC_ETRUNC || lrc == ZC_EMALFORMED)
		zc_cli_err(T("%s 不是有效的数据包（%s）", "%s is not a valid bundle (%s)"), path, msg);
	else if (lrc == ZC_EAGAIN)
		zc_cli_store_err("导入失败", "import failed", lrc, msg);
	else
		zc_cli_err(T("导入失败：%s", "import failed: %s"), *msg ? msg : zc_strerror(lrc));
}

int zc_cmd_bundle_import(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"host-key", required_argument, 0, 'k'},
					     {"batch", required_argument, 0, 'b'},
					     {0, 0, 0, 0}};
	const char *expect = NULL;
	long long batch = ZC_COLLECT_BATCH_DEFAULT;
	int c;
	while ((c = getopt_long(argc, argv, "jk:b:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': zc_cli_json_out = 1; break;
		case 'k': expect = optarg; break;
		case 'b':
			if (zc_opt_int("--batch", optarg, 1, 1000000, &batch))
				return 2;
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		zc_cli_err(T("用法：zhucun bundle import 文件 [--host-key 公钥PEM] [--json]",
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
		zc_cli_err(T("%s 不是可读的 P-256 公钥 PEM 文件", "%s is not a readable P-256 public key PEM file"),
			   expect);
		goto out;
	}
	lrc = zc_file_read(path, ZC_BUNDLE_MAX_SIZE, &buf, &len);
	if (lrc) {
		zc_cli_err(T("无法读取数据包 %s：%s", "cannot read bundle %s: %s"), path, zc_strerror(lrc));
		goto out;
	}
	if (!(s = zc_cli_open_store()))
		goto out;
	zc_bundle_import_opts io = {.source = path,
				    .batch = (uint32_t)batch,
				    .clock_rollback_tolerance_ms = 300000,
				    .expect_host_fp = expect ? efp : NULL,
				    .progress = bundle_progress};
	lrc = zc_bundle_import(s, buf, len, &io, &bi, &st, &registered, msg, sizeof msg);
	if (zc_cli_progress_tty() && bi.count >= (uint32_t)batch)
		fputc('\n', stderr);
	if (lrc) {
		bundle_import_refused(path, lrc, &bi, msg);
		goto out;
	}
	if (registered)
		fprintf(stderr,
			T("zhucun: 注意：终端 %s 此前未登记，已按数据包登记其公钥 %s…\n",
			  "zhucun: note: terminal %s was not registered; registered its key %s... from the bundle\n"),
			bi.terminal, zc_cli_fp_short(bi.terminal_fp, f1));
	bundle_import_report(s, path, &bi, &st, registered);
	rc = st.findings ? 3 : 0;
out:
	free(buf);
	zc_pubkey_free(ek);
	zc_store_close(s);
	return rc;
}
