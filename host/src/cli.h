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

/* The message for the language the user chose (zc_tr). */
#define T(zh, en) zc_tr(zh, en)

/* --db (or $ZHUCUN_DB, else zhucun.db). */
extern const char *zc_cli_db_path;

/* One line on stderr: "zhucun: 错误：..." / "zhucun: error: ...". */
void zc_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Open the selected store; on failure print why and return NULL. */
zc_store *zc_cli_open_store(void);

/* What a person typed for a cadre, village, township, district or terminal
 * (entity "cadres", ...): its id, or the id of the one it names
 * (zc/names.h), copied to buf. NULL after printing why (an ambiguous name
 * lists the candidates). must_exist 0: an unknown valid id is taken as it
 * is (the registry may come later). */
const char *zc_cli_resolve(zc_store *s, const char *entity, const char *text, int must_exist, char *buf, size_t cap);

/* ms (UTC) as "YYYY-MM-DD hh:mm" in the deployment's zone (policy `zone`). */
void zc_cli_local_time(zc_store *s, int64_t ms, char *out, size_t cap);

/* Commands in their own files; each gets argv[0] = its name. */
int zc_cmd_import(int argc, char **argv);   /* main_import.c: import KIND FILE */
int zc_cmd_leave(int argc, char **argv);    /* main_import.c: leave add|list|remove */
int zc_cmd_duty(int argc, char **argv);     /* main_import.c: duty add|list|remove */
int zc_cmd_correction(int argc, char **argv); /* main_import.c: correction add|list|remove */
int zc_cmd_inspection(int argc, char **argv); /* main_import.c: inspection add|list|remove */
int zc_cmd_audit(int argc, char **argv);    /* main_import.c: audit log */
int zc_cmd_ca(int argc, char **argv);       /* main_import.c: ca add|revocations|show */
int zc_cmd_report(int argc, char **argv);   /* main_report.c: report --as-of ... */
int zc_cmd_cadres(int argc, char **argv);    /* main_lists.c: cadres [--search TEXT] */
int zc_cmd_villages(int argc, char **argv);  /* main_lists.c: villages|townships [--search TEXT] */
int zc_cmd_terminals(int argc, char **argv); /* main_lists.c: terminals [--search TEXT] */

#endif
