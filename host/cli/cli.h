/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h: what the parts of the zhucun command line share (main.c and the
 * cmd_*.c command files): the selected database, the error line, the
 * store opener. Not part of the zc_host library.
 */
#ifndef ZC_CLI_H
#define ZC_CLI_H

#include <stdint.h>

#include <jansson.h>

#include "zc/hostkey.h"
#include "zc/i18n.h"
#include "zc/registry.h"
#include "zc/rules.h"
#include "zc/store.h"

/* The message for the language the user chose (zc_tr). */
#define T(zh, en) zc_tr(zh, en)

/* --db (or $ZHUCUN_DB, else zhucun.db). */
extern const char *zc_cli_db_path;

/* One line on stderr: "zhucun: 错误：..." / "zhucun: error: ...". */
void zc_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --create: a missing store (and host key) may be created. */
extern int zc_cli_create;
/* Open the selected store to write (created only with --create); on
 * failure print why (zh or en) and return NULL. */
zc_store *zc_cli_open_store(void);
/* Open it to read: no migration, no write lock (a command that only reads;
 * the report's badge-verdict cache is written only if the lock is free). */
zc_store *zc_cli_open_store_read(void);
/* Print why a store call failed with rc: the busy message when another
 * command holds the write lock, else what (English, from the store). */
void zc_cli_store_err(const char *what_zh, const char *what_en, int rc, const char *msg);

/* Ids or names a person typed, resolved against the registry, which is
 * loaded once (at the first name) for all the names of a command. */
typedef struct zc_cli_names {
	zc_store *s;
	zc_registry *reg; /* NULL until loaded */
	int failed;	  /* loading failed: err says why */
	char err[2048];
} zc_cli_names;

/* Start resolving names in s (nothing is loaded yet). */
void zc_cli_names_init(zc_cli_names *n, zc_store *s);
/* The registry, loaded at the first call; NULL if it does not load (then
 * n->err says why; nothing is printed). */
const zc_registry *zc_cli_names_registry(zc_cli_names *n);
/* What a person typed for a cadre, village, township, district or terminal
 * (entity "cadres", ...): its id, or the id of the one it names
 * (zc/names.h), copied to buf. NULL after printing why (an ambiguous name
 * lists the candidates). must_exist 0: an unknown valid id is taken as it
 * is (the registry may come later). */
const char *zc_cli_resolve(zc_cli_names *n, const char *entity, const char *text, int must_exist, char *buf,
			   size_t cap);
/* Release the registry. */
void zc_cli_names_release(zc_cli_names *n);

/* ms (UTC) as "YYYY-MM-DD hh:mm" in the deployment's zone (policy `zone`). */
void zc_cli_local_time(zc_store *s, int64_t ms, char *out, size_t cap);

/* Shared by the command files (common.c). */
extern int zc_cli_json_out; /* --json given to the running command */
/* stderr is a terminal and --json is off: draw progress. */
int zc_cli_progress_tty(void);
/* Print o compactly with sorted keys on stdout, then release it. */
void zc_cli_print_json(json_t *o);
/* {"finding kind": count, ...} for the kinds st counted. */
json_t *zc_cli_findings_by_kind_json(const zc_ingest_stats *st);
/* "  label (kind): count" on stdout, a line for each kind st counted. */
void zc_cli_print_findings_by_kind(const zc_ingest_stats *st);
/* The first 8 bytes of a fingerprint in hex. */
char *zc_cli_fp_short(const uint8_t fp[ZC_HASH_LEN], char out[17]);
/* The host key: loaded, or created when create is set. On failure prints
 * the error (unless the key is merely absent and !create) and returns
 * NULL; *absent tells the absent case. path gets its file name. */
zc_privkey *zc_cli_host_key(int create, char *path, size_t cap, int *absent);

/* Option values (opt.c). Each stores the value of option opt (as typed,
 * "--batch") from arg and returns 0, or prints the option's one error line
 * and returns -1 (the command exits with 2). */
/* A whole decimal number from min to max: "OPT must be MIN to MAX". */
int zc_opt_int(const char *opt, const char *arg, long long min, long long max, long long *out);
/* The same, the range followed by unit_zh / unit_en (" ms"). */
int zc_opt_int_in(const char *opt, const char *arg, long long min, long long max, const char *unit_zh,
		  const char *unit_en, long long *out);
/* The same, the range said as what_zh / what_en: "OPT must be WHAT". */
int zc_opt_int_as(const char *opt, const char *arg, long long min, long long max, const char *what_zh,
		  const char *what_en, long long *out);
/* A date in any form zc_day_parse_any takes: "OPT must be a date (...)". */
int zc_opt_day(const char *opt, const char *arg, zc_day *out);
/* A month, YYYY-MM: its year and month (1-12). */
int zc_opt_month(const char *opt, const char *arg, int *year, int *month);

/* Commands in their own files; each gets argv[0] = its name. */
int zc_cmd_import(int argc, char **argv);	  /* cmd_import.c: import KIND FILE */
int zc_cmd_leave(int argc, char **argv);	  /* cmd_import.c: leave add|list|remove */
int zc_cmd_duty(int argc, char **argv);		  /* cmd_import.c: duty add|list|remove */
int zc_cmd_correction(int argc, char **argv);	  /* cmd_import.c: correction add|list|remove */
int zc_cmd_inspection(int argc, char **argv);	  /* cmd_import.c: inspection add|list|remove */
int zc_cmd_audit(int argc, char **argv);	  /* cmd_import.c: audit log */
int zc_cmd_ca(int argc, char **argv);		  /* cmd_import.c: ca add|revocations|show */
int zc_cmd_trust(int argc, char **argv);	  /* cmd_trust.c: trust add|list|remove */
int zc_cmd_report(int argc, char **argv);	  /* cmd_report.c: report --as-of ... */
int zc_cmd_cadres(int argc, char **argv);	  /* cmd_lists.c: cadres [--search TEXT] */
int zc_cmd_villages(int argc, char **argv);	  /* cmd_lists.c: villages|townships [--search TEXT] */
int zc_cmd_terminals(int argc, char **argv);	  /* cmd_lists.c: terminals [--search TEXT] */
int zc_cmd_init(int argc, char **argv);		  /* cmd_init.c: init */
int zc_cmd_ingest(int argc, char **argv);	  /* cmd_journal.c: ingest JOURNAL */
int zc_cmd_findings(int argc, char **argv);	  /* cmd_journal.c: findings */
int zc_cmd_journal_export(int argc, char **argv); /* cmd_journal.c: journal export */
int zc_cmd_journal_show(int argc, char **argv);	  /* cmd_journal.c: journal show */
int zc_cmd_bundle_export(int argc, char **argv);  /* cmd_journal.c: bundle export */
int zc_cmd_bundle_import(int argc, char **argv);  /* cmd_journal.c: bundle import */
int zc_cmd_pull(int argc, char **argv);		  /* cmd_link.c: pull */
int zc_cmd_provision(int argc, char **argv);	  /* cmd_link.c: provision */
int zc_cmd_status(int argc, char **argv);	  /* cmd_link.c: status */
int zc_cmd_ports(int argc, char **argv);	  /* cmd_link.c: ports */
int zc_cmd_revocations(int argc, char **argv);	  /* cmd_link.c: revocations */

#endif
