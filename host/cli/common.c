/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.c: what several command files share: the database path, the error line, the store, --json output, the
 * host key
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
#include "zc/names.h"
#include "zc/recjson.h"
#include "zc/record.h"
#include "zc/store.h"
#include "zc/wire.h"
#include "cli.h"

const char *zc_cli_db_path;
int zc_cli_json_out;

void zc_cli_err(const char *fmt, ...)
{
	va_list ap;
	fputs(T("zhucun: 错误：", "zhucun: error: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int zc_cli_create;

void zc_cli_store_err(const char *what_zh, const char *what_en, int rc, const char *msg)
{
	if (rc == ZC_EAGAIN)
		zc_cli_err(T("%s：数据库忙：另一个 zhucun 命令正在写入；请稍后再试",
			     "%s: the database is busy: another zhucun command is writing to it; try again"),
			   T(what_zh, what_en));
	else
		zc_cli_err("%s: %s", T(what_zh, what_en), msg && *msg ? msg : zc_strerror(rc));
}

static zc_store *open_store(int mode)
{
	char msg[512] = "";
	zc_store *s = NULL;
	if (zc_cli_create)
		mode = ZC_STORE_CREATE;
	int rc = zc_store_open_mode(zc_cli_db_path, mode, &s, msg, sizeof msg);
	if (rc == ZC_ENOENT)
		zc_cli_err(T("数据库 %s 不存在（用 zhucun init 创建，或加 --create）",
			     "no database %s (create it with `zhucun init`, or add --create)"),
			   zc_cli_db_path);
	else if (rc == ZC_EAGAIN)
		zc_cli_err(T("无法打开数据库 %s：数据库忙：另一个 zhucun 命令正在写入；请稍后再试",
			     "cannot open database %s: the database is busy: another zhucun command is writing to it; "
			     "try again"),
			   zc_cli_db_path);
	else if (rc == ZC_ESTATE && mode == ZC_STORE_READ)
		zc_cli_err(T("数据库 %s 的结构版本旧于本程序：请先运行一个写入的命令或 zhucun init 升级（%s）",
			     "database %s has an older schema than this program: run a command that writes, or "
			     "`zhucun init`, to migrate it (%s)"),
			   zc_cli_db_path, msg);
	else if (rc)
		zc_cli_err(T("无法打开数据库 %s：%s", "cannot open database %s: %s"), zc_cli_db_path,
			   *msg ? msg : zc_strerror(rc));
	return rc ? NULL : s;
}

zc_store *zc_cli_open_store(void)
{
	return open_store(ZC_STORE_WRITE);
}

zc_store *zc_cli_open_store_read(void)
{
	return open_store(ZC_STORE_READ);
}

int zc_cli_progress_tty(void)
{
	return isatty(2) && !zc_cli_json_out;
}

char *zc_cli_fp_short(const uint8_t fp[ZC_HASH_LEN], char out[17])
{
	return zc_hex(fp, 8, out);
}

/* The host key: loaded, or created when create is set. On failure prints
 * the error (unless the key is merely absent and !create) and returns
 * NULL; *absent tells the absent case. */
zc_privkey *zc_cli_host_key(int create, char *path, size_t cap, int *absent)
{
	zc_privkey *k = NULL;
	int created = 0;
	if (absent)
		*absent = 0;
	if (zc_hostkey_path(zc_cli_db_path, path, cap)) {
		zc_cli_err(T("主机密钥路径过长", "host key path too long"));
		return NULL;
	}
	create |= zc_cli_create;
	int rc = zc_hostkey_load(path, create, &k, &created);
	if (rc == ZC_ENOENT && !create) {
		if (absent)
			*absent = 1;
		else
			zc_cli_err(T("主机密钥 %s 不存在（用 zhucun init 创建，或加 --create）",
				     "no host key %s (create it with `zhucun init`, or add --create)"),
				   path);
		return NULL;
	}
	if (rc == ZC_EMALFORMED) {
		zc_cli_err(T("%s 不是 P-256 私钥", "%s is not a P-256 private key"), path);
		return NULL;
	}
	if (rc) {
		zc_cli_err(T("无法%s主机密钥 %s：%s", "cannot %s the host key %s: %s"),
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

void zc_cli_print_json(json_t *o)
{
	char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	puts(txt);
	free(txt);
	json_decref(o);
}

json_t *zc_cli_findings_by_kind_json(const zc_ingest_stats *st)
{
	json_t *bk = json_object();
	for (int k = 1; k < 16; k++)
		if (st->by_kind[k])
			json_object_set_new(bk, zc_finding_name(k), json_integer((json_int_t)st->by_kind[k]));
	return bk;
}

void zc_cli_print_findings_by_kind(const zc_ingest_stats *st)
{
	for (int k = 1; k < 16; k++)
		if (st->by_kind[k])
			printf("  %s (%s): %llu\n", zc_finding_label(k, zc_lang_get()), zc_finding_name(k),
			       (unsigned long long)st->by_kind[k]);
}

/* ---- ids or names in any command ---- */

void zc_cli_names_init(zc_cli_names *n, zc_store *s)
{
	memset(n, 0, sizeof *n);
	n->s = s;
}

const zc_registry *zc_cli_names_registry(zc_cli_names *n)
{
	if (!n->reg && !n->failed && zc_registry_load_l(n->s, zc_lang_get(), &n->reg, n->err, sizeof n->err)) {
		zc_registry_free(n->reg);
		n->reg = NULL;
		n->failed = 1;
	}
	return n->reg;
}

const char *zc_cli_resolve(zc_cli_names *n, const char *entity, const char *text, int must_exist, char *buf, size_t cap)
{
	char err[2048];
	int idx;
	const zc_registry *r = zc_cli_names_registry(n);
	if (!r) {
		zc_cli_err(T("无法读取登记信息：%s", "cannot read the registry: %s"), n->err);
		return NULL;
	}
	int rc = zc_name_resolve(r, entity, text, zc_lang_get(), &idx, err, sizeof err);
	if (!rc) {
		const char *id = !strcmp(entity, "cadres")	? r->cadres[idx].id
				 : !strcmp(entity, "villages")	? r->villages[idx].id
				 : !strcmp(entity, "townships") ? r->townships[idx].id
				 : !strcmp(entity, "districts") ? r->districts[idx].id
								: r->terminals[idx].id;
		snprintf(buf, cap, "%s", id);
		return buf;
	}
	if (rc == ZC_ENOENT && !must_exist && zc_id_valid(text)) {
		snprintf(buf, cap, "%s", text); /* not registered yet: taken as an id */
		return buf;
	}
	zc_cli_err("%s", err);
	return NULL;
}

void zc_cli_names_release(zc_cli_names *n)
{
	zc_registry_free(n->reg);
	n->reg = NULL;
}
