/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_trust.c: trust add|list|remove, the host keys this host takes record
 * bundles from (shared/FORMAT.md section 5, trust rules). A key is named by
 * its public key PEM file (zhucun-host.pub.pem of the exporting host) or by
 * its fingerprint (64 hex digits, as a refused import prints it); every
 * change is audited (zhucun audit --entity trust).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/registry.h"
#include "cli.h"

static int trust_usage(void)
{
	zc_cli_err(
	    T("用法：zhucun trust add 公钥PEM|指纹 --name 名称 | trust list [--json] | trust remove 公钥PEM|指纹",
	      "usage: zhucun trust add KEYFILE|FINGERPRINT --name NAME | trust list [--json] | trust remove "
	      "KEYFILE|FINGERPRINT"));
	return 2;
}

/* A fingerprint typed (64 hex digits, ':' or blanks between them allowed). */
static int parse_fp(const char *text, uint8_t fp[ZC_HASH_LEN])
{
	char hex[2 * ZC_HASH_LEN + 1];
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (n == 2 * ZC_HASH_LEN)
			return -1;
		hex[n++] = *p;
	}
	hex[n] = 0;
	return n == 2 * ZC_HASH_LEN && !zc_unhex(hex, fp, ZC_HASH_LEN) ? 0 : -1;
}

/* KEYFILE or FINGERPRINT into fp; *pem (malloc'd) the key's PEM for a
 * file, else NULL. Prints why not and returns -1. */
static int key_arg(const char *arg, uint8_t fp[ZC_HASH_LEN], char **pem)
{
	*pem = NULL;
	if (!parse_fp(arg, fp))
		return 0;
	zc_pubkey *k = NULL;
	char buf[ZC_PEM_MAX];
	if (zc_pubkey_load(arg, &k) || zc_pubkey_fingerprint(k, fp) || zc_pubkey_pem(k, buf, sizeof buf)) {
		zc_pubkey_free(k);
		zc_cli_err(T("%s 既不是 P-256 公钥 PEM 文件，也不是密钥指纹（64 位十六进制）",
			     "%s is neither a P-256 public key PEM file nor a key fingerprint (64 hex digits)"),
			   arg);
		return -1;
	}
	zc_pubkey_free(k);
	if (!(*pem = strdup(buf))) {
		zc_cli_err("%s", zc_strerror(ZC_ENOMEM));
		return -1;
	}
	return 0;
}

static int trust_add(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, 0, 'n'}, {0, 0, 0, 0}};
	const char *name = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c != 'n')
			return 2;
		name = optarg;
	}
	if (optind + 1 != argc || !name)
		return trust_usage();
	uint8_t fp[ZC_HASH_LEN];
	char *pem = NULL, err[512] = "", hx[65];
	if (key_arg(argv[optind], fp, &pem))
		return 1;
	zc_store *s = zc_cli_open_store();
	int rc = 1, outcome = 2;
	if (!s)
		goto out;
	if (zc_registry_trust_add(s, fp, pem, name, NULL, &outcome, zc_lang_get(), err, sizeof err)) {
		zc_cli_err("%s", err);
		goto out;
	}
	zc_hex(fp, ZC_HASH_LEN, hx);
	if (outcome == 0)
		printf(T("已信任主机密钥 %s（%s）：接受其导出的数据包\n",
			 "trusted host key %s (%s): bundles it exports are accepted\n"),
		       hx, name);
	else if (outcome == 1)
		printf(T("主机密钥 %s 已改名为 %s\n", "host key %s renamed to %s\n"), hx, name);
	else
		printf(T("主机密钥 %s（%s）此前已受信任\n", "host key %s (%s) was trusted already\n"), hx, name);
	rc = 0;
out:
	free(pem);
	zc_store_close(s);
	return rc;
}

static int trust_remove(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return trust_usage();
	uint8_t fp[ZC_HASH_LEN];
	char *pem = NULL, err[512] = "", hx[65];
	if (key_arg(argv[1], fp, &pem))
		return 1;
	free(pem);
	zc_store *s = zc_cli_open_store();
	if (!s)
		return 1;
	int rc = zc_registry_trust_remove(s, fp, NULL, zc_lang_get(), err, sizeof err);
	if (rc)
		zc_cli_err("%s", err);
	else
		printf(T("已不再信任主机密钥 %s（已导入的记录保留）\n",
			 "host key %s is no longer trusted (records already imported stay)\n"),
		       zc_hex(fp, ZC_HASH_LEN, hx));
	zc_store_close(s);
	return rc ? 1 : 0;
}

typedef struct list_ctx {
	zc_store *s;
	json_t *arr; /* --json: the rows; else NULL */
} list_ctx;

static int print_trusted(void *arg, const zc_trusted_host *h)
{
	list_ctx *l = arg;
	json_t *arr = l->arr;
	char hx[65], when[40];
	zc_hex(h->fp, ZC_HASH_LEN, hx);
	if (arr) {
		json_t *o = json_pack("{s:s, s:s, s:b, s:I}", "fp", hx, "name", h->name, "has_key",
				      h->pubkey_pem != NULL, "added_ms", (json_int_t)h->added_ms);
		return o ? json_array_append_new(arr, o) : ZC_ENOMEM;
	}
	zc_cli_local_time(l->s, h->added_ms, when, sizeof when);
	printf("%s  %s  (%s)\n", hx, h->name, when);
	return 0;
}

static int trust_list(int argc, char **argv)
{
	int json = argc == 2 && !strcmp(argv[1], "--json");
	if (argc > 2 || (argc == 2 && !json))
		return trust_usage();
	zc_store *s = zc_cli_open_store();
	if (!s)
		return 1;
	json_t *arr = json ? json_array() : NULL;
	list_ctx l = {s, arr};
	int rc = zc_registry_trust_list(s, print_trusted, &l);
	if (rc)
		zc_cli_err(T("查询失败：%s", "query failed: %s"), zc_store_errmsg(s));
	else if (arr)
		zc_cli_print_json(json_pack("{s:O}", "trusted_hosts", arr));
	json_decref(arr);
	zc_store_close(s);
	return rc ? 1 : 0;
}

int zc_cmd_trust(int argc, char **argv)
{
	if (argc < 2)
		return trust_usage();
	if (!strcmp(argv[1], "add"))
		return trust_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return trust_remove(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return trust_list(argc - 1, argv + 1);
	return trust_usage();
}
