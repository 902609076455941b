/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h: what the parts of the zhucun command line share (main.c and the
 * main_*.c command files): the selected database, the error line, the
 * store opener. Not part of the zc_host library.
 */
#ifndef ZC_CLI_H
#define ZC_CLI_H

#include "zc/i18n.h"
#include "zc/store.h"

/* --db (or $ZHUCUN_DB, else zhucun.db). */
extern const char *zc_cli_db_path;

/* One line on stderr: "zhucun: 错误：..." / "zhucun: error: ...". */
void zc_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Open the selected store; on failure print why and return NULL. */
zc_store *zc_cli_open_store(void);

/* Commands in their own files; each gets argv[0] = its name. */
int zc_cmd_import(int argc, char **argv);   /* main_import.c: import KIND FILE */
int zc_cmd_leave(int argc, char **argv);    /* main_import.c: leave add|list|remove */
int zc_cmd_duty(int argc, char **argv);     /* main_import.c: duty add|list|remove */
int zc_cmd_audit(int argc, char **argv);    /* main_import.c: audit log */
int zc_cmd_ca(int argc, char **argv);       /* main_import.c: ca add|revocations|show */
int zc_cmd_report(int argc, char **argv);   /* main_report.c: report --as-of ... */

#endif
