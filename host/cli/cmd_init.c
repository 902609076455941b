/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_init.c: zhucun init, the one command that creates a store (besides
 * --create on any command): the database, migrated to this program's
 * schema, and the host key beside it. Run on an existing store it migrates
 * it and creates a missing host key; it says what it did and where.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "zc/err.h"
#include "zc/hostkey.h"
#include "zc/store.h"
#include "cli.h"

int zc_cmd_init(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		zc_cli_err(T("用法：zhucun [--db 文件] init", "usage: zhucun [--db FILE] init"));
		return 2;
	}
	struct stat sb;
	int existed = !stat(zc_cli_db_path, &sb);
	char msg[512] = "", keypath[4200];
	zc_store *s = NULL;
	int rc = zc_store_open_mode(zc_cli_db_path, ZC_STORE_CREATE, &s, msg, sizeof msg);
	if (rc) {
		if (rc == ZC_EAGAIN)
			zc_cli_err(T("无法打开数据库 %s：数据库忙：另一个 zhucun 命令正在写入；请稍后再试",
				     "cannot open database %s: the database is busy: another zhucun command is writing "
				     "to it; try again"),
				   zc_cli_db_path);
		else
			zc_cli_err(T("无法创建数据库 %s：%s", "cannot create database %s: %s"), zc_cli_db_path,
				   *msg ? msg : zc_strerror(rc));
		return 1;
	}
	zc_store_close(s);
	printf(existed ? T("数据库 %s 已存在（结构版本 %d）\n", "the store %s exists (schema version %d)\n")
		       : T("已创建数据库 %s（结构版本 %d）\n", "created the store %s (schema version %d)\n"),
	       zc_cli_db_path, ZC_STORE_SCHEMA_VERSION);
	int absent = 0;
	zc_privkey *key = zc_cli_host_key(0, keypath, sizeof keypath, &absent);
	if (!key && absent)
		key = zc_cli_host_key(1, keypath, sizeof keypath, NULL); /* says where */
	else if (key)
		printf(T("主机密钥 %s 已存在\n", "the host key %s exists\n"), keypath);
	if (!key)
		return 1;
	zc_privkey_free(key);
	return 0;
}
