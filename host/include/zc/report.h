/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/report.h: the compliance report of RULES.md section 11, from the
 * engine's input and result: as JSON (jansson), as CSV sheets for a
 * spreadsheet and as one self-contained HTML file to read and print. Every
 * renderer can be limited to a scope (a district, a township or a village).
 * Nothing here reads a clock, a store or the environment: the language and
 * the scope come in zc_report_opts. host/doc/REPORTS.md describes every
 * sheet's columns and the HTML sections.
 */
#ifndef ZC_REPORT_H
#define ZC_REPORT_H

#include <stdio.h>

#include <stdint.h>

#include <jansson.h>

#include "zc/rules.h"

/* ---- scope ---- */

enum zc_scope_kind { ZC_SCOPE_ALL = 0, ZC_SCOPE_DISTRICT = 1, ZC_SCOPE_TOWNSHIP = 2, ZC_SCOPE_VILLAGE = 3 };

typedef struct zc_report_scope {
	int kind;	 /* enum zc_scope_kind */
	int index;	 /* into in->districts / townships / villages; unused for ALL */
	uint8_t *cadres; /* zc_report_scope_prepare: cadre membership, one byte each */
} zc_report_scope;

/* Resolve a scope by id (kind ALL ignores id). 0, or ZC_ENOENT when no
 * district / township / village has that id, ZC_EARG for a bad kind. */
int zc_report_scope_find(const zc_rules_input *in, int kind, const char *id, zc_report_scope *out);
/* Compute cadre membership once (a province has 10,000 cadres and as many
 * assignments; without it every zc_report_scope_cadre scans them). 0 or
 * ZC_ENOMEM. Release with zc_report_scope_release. */
int zc_report_scope_prepare(const zc_rules_input *in, zc_report_scope *sc);
void zc_report_scope_release(zc_report_scope *sc);
/* The cadres serving village v on some date from..to, first secretaries
 * first, each once, ascending within each role; out has room for
 * in->ncadres. Returns how many. */
size_t zc_report_sheet_cadres(const zc_rules_input *in, int v, zc_day from, zc_day to, int *out);
/* Membership, 1 or 0; a NULL scope is the whole report.
 * A village is in scope when it is, or lies in, the scoped unit. */
int zc_report_scope_village(const zc_rules_input *in, const zc_report_scope *sc, int village);
/* A cadre is in scope when any of their assignments' villages is. */
int zc_report_scope_cadre(const zc_rules_input *in, const zc_report_scope *sc, int cadre);
/* A terminal is in scope when its township holds a village in scope (for a
 * district or township scope: when its township lies in the scope). */
int zc_report_scope_terminal(const zc_rules_input *in, const zc_report_scope *sc, int terminal);
/* A finding is in scope when its subject (cadre, village, terminal) is. */
int zc_report_scope_finding(const zc_rules_input *in, const zc_report_scope *sc, const zc_r_finding *f);

/* ---- options shared by the renderers ---- */

typedef struct zc_report_opts {
	const zc_report_scope *scope; /* NULL: the whole report */
	int lang;		      /* zc_lang of zc/i18n.h: 0 Chinese, 1 English */
	int year, month;	      /* month 1..12: attendance and allowance of that month only; 0: all */
} zc_report_opts;

/* ---- JSON ---- */

/* {"as_of", "years": [...], "findings": [...], "recall": [...],
 * "terminals": [...]} of the whole report ("terminals": each terminal's
 * collection state, zc_report_terminal_rows). New reference owned by the
 * caller; NULL when out of memory. */
json_t *zc_report_json(const zc_rules_input *in, const zc_rules_result *r);
/* The same limited to a scope (NULL: everything). */
json_t *zc_report_json_scoped(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc);

/* ---- CSV ---- */

enum zc_report_sheet {
	ZC_SHEET_YEARS = 0,
	ZC_SHEET_ATTENDANCE,
	ZC_SHEET_ALLOWANCE,
	ZC_SHEET_RECALL,
	ZC_SHEET_FINDINGS,
	ZC_SHEET_COLLECTION, /* 收取情况: each terminal's last collection and PENDING days */
	ZC_SHEET_BREAKDOWN,  /* 分组统计: by district, township and dispatching unit */
	ZC_SHEET_COUNT
};
/* "years", "attendance", "allowance", "recall", "findings", "collection",
 * "breakdown"; NULL if out of range. */
const char *zc_report_sheet_name(int sheet);
/* The sheet of a name above, or -1. */
int zc_report_sheet_parse(const char *name);

/* Write one sheet to f: UTF-8 with a byte order mark, CRLF line ends,
 * RFC 4180 quoting, and every cell starting with = + - @ (or a tab or CR)
 * prefixed with ' so that a spreadsheet never runs it as a formula.
 * 0, ZC_EARG (bad sheet, NULL argument), ZC_ENOMEM or ZC_EIO (a write failed). */
int zc_report_csv(FILE *f, const zc_rules_input *in, const zc_rules_result *r, int sheet, const zc_report_opts *o);

/* ---- HTML ---- */

/* Write one self-contained HTML page to f: inline CSS and SVG, no script,
 * no external resource; A4 print layout. 0, ZC_EARG, ZC_ENOMEM or ZC_EIO. */
int zc_report_html(FILE *f, const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o);

/* ---- helpers shared by the renderers (also useful to callers) ---- */

/* The village of cadre c's assignment on an evaluated date (up to as_of), or -1. */
int zc_report_village_on(const zc_rules_input *in, const zc_rules_result *r, int cadre, zc_day day);
/* The attendance symbol of cadre c on a date: Chinese "√" present, "补"
 * corrected, "差" trip, "会" meeting, "训" training ("公" duty of unknown
 * kind), "假" leave, "休" rest, "未" pending, "×" absent; English "P", "C",
 * "T", "M", "TR", "D", "L", "R", "PD", "X";
 * "" when not evaluated (outside the assignments or after as_of). DUTY is
 * told apart by the kind of the duty entry covering the date. */
const char *zc_report_day_symbol(const zc_rules_input *in, const zc_rules_result *r, int cadre, zc_day day, int lang);
/* Count cadre c's evaluated dates from..to (inclusive, never after as_of)
 * on which c is assigned to village (-1: any village) by status:
 * counts[ZC_ST_PRESENT] .. counts[ZC_ST_PENDING] (counts[0] unused). */
void zc_report_count_days(const zc_rules_input *in, const zc_rules_result *r, int cadre, int village, zc_day from, zc_day to,
			  int counts[ZC_ST_COUNT]);
/* The evaluated dates of a village: the first assignment start to the last
 * assignment end or as_of, whichever is earlier. 0, or -1 when none. */
int zc_report_village_span(const zc_rules_input *in, const zc_rules_result *r, int village, zc_day *first, zc_day *last);
/* The daily allowance rate of a village (its own, else the policy's). */
int64_t zc_report_rate_fen(const zc_rules_input *in, int village);
/* The earliest date of cadre c's consecutive_absence or cumulative_absence
 * findings (the first violation that puts c on the recall list), or -1. */
zc_day zc_report_recall_date(const zc_rules_result *r, int cadre);

/* The findings in scope grouped by subject: terminals (integrity) first,
 * then villages, then cadres; by subject index, then date. *out is a
 * malloc'd array of pointers into r->findings (free it). 0 or ZC_ENOMEM. */
int zc_report_findings_grouped(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			       const zc_r_finding ***out, size_t *n);

/* One line of the allowance statement: a cadre's month in one village. */
typedef struct zc_report_allowance_row {
	int cadre, village;
	int year, month;
	int days;	    /* allowance days */
	int64_t rate_fen;   /* daily rate */
	int64_t amount_fen; /* days x rate */
} zc_report_allowance_row;
/* The statement's lines in scope (and of o->year/o->month when set),
 * ordered by village, month, cadre; a month in which the cadre served two
 * villages gives one line per village. *rows is malloc'd (free it; NULL
 * when *n is 0). 0 or ZC_ENOMEM. */
int zc_report_allowance_rows(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			     zc_report_allowance_row **rows, size_t *n);
/* Names for display: the name, else the id ("" for an index out of range). */
const char *zc_report_name_or_id(const char *name, const char *id);
const char *zc_report_cadre_name(const zc_rules_input *in, int c);
const char *zc_report_village_name(const zc_rules_input *in, int v);
const char *zc_report_township_name(const zc_rules_input *in, int t);
/* 第一书记 / 工作队员 (lang 1: English). */
const char *zc_report_role_label(int role, int lang);
/* Label of a finding type in the language (unknown types: the type itself). */
const char *zc_report_finding_label(const char *type, int lang);
/* A finding's detail in the language (Chinese falls back to English). */
const char *zc_report_finding_detail(const zc_r_finding *f, int lang);
/* Label of a severity in the language. */
const char *zc_report_severity_label(int severity, int lang);
/* The days of a month (1..12). */
int zc_report_days_in_month(int y, int m);
/* "2025年3月" / "March 2025" into buf. */
void zc_report_month_title(int y, int m, int lang, char *buf, size_t len);
/* The villages (townships != 0: their townships) of cadre c's assignments
 * that overlap from..to and lie in scope, each once, joined with "、" /
 * "; ", into buf. */
void zc_report_cadre_places(const zc_rules_input *in, const zc_report_scope *sc, int c, zc_day from, zc_day to,
			    int townships, int lang, char *buf, size_t len);
/* A time as local time at the offset: "2025-11-28 18:00" (iso 0) or
 * "2025-11-28T18:00:00+08:00" (iso 1). */
void zc_report_local_time(int64_t utc_ms, int tz_offset_min, int iso, char out[32]);

/* ---- attendance marks ---- */

/* The columns of totals after the days of an attendance sheet, in order:
 * PRESENT, CORRECTED, DUTY, LEAVE, REST, ABSENT, PENDING. */
#define ZC_REPORT_NTOTALS 7
extern const int zc_report_sheet_totals[ZC_REPORT_NTOTALS];
/* 在岗 补卡 公务 请假 休息 缺勤 未收取 (lang 1: English). */
const char *zc_report_status_label(int status, int lang);
/* One entry of the attendance legend: a symbol and its meaning, [0]
 * Chinese, [1] English; DUTY has one entry per kind. */
typedef struct zc_report_mark {
	int status;
	const char *sym[2];
	const char *label[2];
} zc_report_mark;
/* The legend's entries in order; returns how many. */
size_t zc_report_legend(const zc_report_mark **out);
/* The whole legend as one line ("图例：√ 在岗  补 补卡 ... 空白 ... as_of"). */
void zc_report_legend_text(int lang, zc_day as_of, char *buf, size_t len);
/* The sign-off fields of a printed sheet, i = 0..2: "制表人：＿＿＿＿",
 * "审核人：＿＿＿＿", "日期：＿＿＿＿" (English: prepared by, checked by, date). */
#define ZC_REPORT_NSIGNOFF 3
const char *zc_report_signoff(int i, int lang);

/* ---- collection state (RULES.md sections 1 and 10) ---- */

/* A terminal in scope: its last collection and the PENDING days waiting for
 * its log: the dates d (of the scope's cadres, at villages in scope of the
 * terminal's township) that are PENDING while the terminal's collected-until
 * is before the end of d. With one terminal per township that is every
 * PENDING day of the township. */
typedef struct zc_report_terminal_row {
	int terminal;		    /* index into in->terminals */
	int64_t collected_until_ms; /* ZC_NEVER_COLLECTED: never */
	int pending_days;
	int overdue; /* a collection_overdue finding names it */
} zc_report_terminal_row;
/* The terminals in scope in input order. *rows is malloc'd (free it; NULL
 * when *n is 0). 0 or ZC_ENOMEM. */
int zc_report_terminal_rows(const zc_rules_input *in, const zc_rules_result *r, const zc_report_scope *sc,
			    zc_report_terminal_row **rows, size_t *n);
/* The warning line of an overdue terminal ("终端 K03 已超过 31 天未收取，
 * 此后的日期为未收取，不计缺勤") into buf. */
void zc_report_overdue_text(const zc_rules_input *in, const zc_report_terminal_row *t, int lang, char *buf, size_t len);

/* ---- pace ---- */

/* For every year row i of r, expected[i]: the counted days the cadre should
 * have by as_of, ceil(required x elapsed / covered), where covered is the
 * dates of the year inside the cadre's assignments (RULES.md 6) and
 * elapsed those up to as_of. A row is behind pace when counted_days <
 * expected. expected has room for r->nyears. 0 or ZC_ENOMEM. */
int zc_report_pace(const zc_rules_input *in, const zc_rules_result *r, int *expected);

/* ---- breakdown (分组统计) ---- */

enum zc_group_kind { ZC_GROUP_DISTRICT = 0, ZC_GROUP_TOWNSHIP = 1, ZC_GROUP_UNIT = 2 };
/* One group: a cadre belongs to the district and township of their current
 * village in scope (the assignment in scope with the latest start up to
 * as_of, else the first one) and to their dispatching unit; behind is
 * cadres whose latest year row is behind pace; recall cadres on the recall
 * list; allowance_fen the allowance statement's amounts (zc_report_allowance_rows
 * with the same opts, so one month with o->month) at the group's villages,
 * or of the unit's cadres. */
typedef struct zc_report_group_row {
	int kind;	  /* enum zc_group_kind */
	const char *name; /* the district's, township's or unit's name */
	int cadres, behind, recall;
	int64_t allowance_fen;
} zc_report_group_row;
/* The groups with any cadre or allowance, by kind, then ranked: the share
 * behind pace (highest first), then the recall count, then more cadres,
 * then name. *rows is malloc'd (free it). 0 or ZC_ENOMEM. */
int zc_report_breakdown(const zc_rules_input *in, const zc_rules_result *r, const zc_report_opts *o,
			zc_report_group_row **rows, size_t *n);
/* 区 / 乡镇（街道） / 派出单位 (lang 1: English). */
const char *zc_report_group_label(int kind, int lang);

/* ---- tables shared by the CSV sheets and the HTML tables ---- */

/* Where a row's cells go: a CSV cell, an HTML <td>. num() is an integer,
 * dec() a decimal number given as text, money() fen shown as yuan. */
typedef struct zc_report_cells {
	void *ctx;
	void (*text)(void *ctx, const char *s);
	void (*num)(void *ctx, long long v);
	void (*dec)(void *ctx, const char *s);
	void (*money)(void *ctx, int64_t fen);
} zc_report_cells;

enum zc_report_table {
	ZC_TABLE_YEARS = 0,
	ZC_TABLE_ALLOWANCE,
	ZC_TABLE_RECALL,
	ZC_TABLE_COLLECTION,
	ZC_TABLE_BREAKDOWN,
	ZC_TABLE_COUNT
};
#define ZC_REPORT_MAX_COLUMNS 24
/* The headings of a table in the language into out (room for
 * ZC_REPORT_MAX_COLUMNS); returns how many. */
size_t zc_report_columns(int table, int lang, const char **out);
/* The cells of one row of each table, in the order of its headings. */
void zc_report_years_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_scope *sc,
			   const zc_r_year *y, int expected, int lang);
void zc_report_allowance_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_allowance_row *a);
void zc_report_recall_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_rules_result *r,
			    const zc_report_scope *sc, const zc_r_recall *rc, int lang);
void zc_report_terminal_cells(const zc_report_cells *w, const zc_rules_input *in, const zc_report_terminal_row *t,
			      int lang);
/* from the second heading on (the kind is the first) */
void zc_report_group_cells(const zc_report_cells *w, const zc_report_group_row *g);
/* forged_badge: a violation shown on its own, labelled 疑似弄虚作假. */
int zc_report_is_forgery(const zc_r_finding *f);

#endif
