/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/report.h: the compliance report of RULES.md section 11, from the
 * engine's input and result: as JSON (jansson), as CSV sheets for a
 * spreadsheet and as one self-contained HTML file to read and print. Every
 * renderer can be limited to a scope (a district, a township or a village).
 * Nothing here reads a clock, a store or the environment: the language and
 * the scope come in zc_report_opts. The columns of every table are defined
 * once, as descriptors (zc_report_table_get); host/doc/REPORTS.md describes
 * them for readers, and the HTML sections.
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
void zc_report_count_days(const zc_rules_input *in, const zc_rules_result *r, int cadre, int village, zc_day from,
			  zc_day to, int counts[ZC_ST_COUNT]);
/* The evaluated dates of a village: the first assignment start to the last
 * assignment end or as_of, whichever is earlier. 0, or -1 when none. */
int zc_report_village_span(const zc_rules_input *in, const zc_rules_result *r, int village, zc_day *first,
			   zc_day *last);
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
 * "; ", into buf. Never half a name: when they do not all fit, the first
 * ones are followed by "…等N个" (N: all of them) / "… and N more". */
void zc_report_cadre_places(const zc_rules_input *in, const zc_report_scope *sc, int c, zc_day from, zc_day to,
			    int townships, int lang, char *buf, size_t len);
/* A time as local time at the offset: "2025-11-28 18:00" (iso 0) or
 * "2025-11-28T18:00:00+08:00" (iso 1). */
void zc_report_local_time(int64_t utc_ms, int tz_offset_min, int iso, char out[32]);

/* ---- attendance marks ---- */

/* The attendance sheet's columns (the days, then the totals per status:
 * 在岗 补卡 公务 请假 休息 缺勤 未收取) are the table ZC_TABLE_ATTENDANCE
 * below. */
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

/* ---- tables: columns defined once ---- */

/* Every table of the report is one array of column descriptors, the single
 * source of its columns: the JSON key, the headings in Chinese and English
 * and a getter that gives a row's cell as a typed value. The JSON report,
 * the CSV sheets and the HTML tables (and later the dashboard) iterate the
 * same array, so a new column is added in one place. Where a format
 * deliberately differs the descriptor says so: the value's type (a number,
 * money in fen, a date), a JSON getter for a column whose JSON value is not
 * its cell (an id instead of a name, a code instead of a label), and flags
 * (not in the CSV, not in the HTML, summed on subtotal lines); HTML
 * styling travels with the value (a cell's class) and the table (a row's
 * class). A JSON value never depends on the language; a cell may.
 * host/doc/REPORTS.md shows the columns; these arrays are the truth. */

enum zc_report_table {
	ZC_TABLE_YEARS = 0,  /* year rows (JSON "years", sheet years) */
	ZC_TABLE_ALLOWANCE,  /* allowance statement lines (sheet allowance) */
	ZC_TABLE_RECALL,     /* recall list (JSON "recall", sheet recall) */
	ZC_TABLE_COLLECTION, /* terminals (JSON "terminals", sheet collection) */
	ZC_TABLE_BREAKDOWN,  /* groups (sheet breakdown) */
	ZC_TABLE_FINDINGS,   /* findings (JSON "findings", sheet findings, HTML tables) */
	ZC_TABLE_ATTENDANCE, /* a row of a monthly attendance sheet (考勤表) */
	ZC_TABLE_COUNT
};

/* The type of a value: how each format writes it. */
enum zc_report_vtype {
	ZC_V_TEXT = 0, /* s; CSV: a guarded text cell; JSON: a string */
	ZC_V_INT,      /* n; CSV bare; HTML right-aligned; JSON an integer */
	ZC_V_DEC,      /* s, a decimal number as text; CSV as text; HTML right-aligned */
	ZC_V_MONEY,    /* n fen; CSV/HTML yuan with two decimals; JSON integer fen */
	ZC_V_DATE,     /* n a zc_day; CSV/HTML YYYY-MM-DD, empty when negative; JSON always the date */
	ZC_V_BOOL,     /* n (JSON only: true / false) */
	ZC_V_NULL,     /* JSON only: null */
	ZC_V_LIST      /* list[0..nlist) (JSON only: an array of strings) */
};

/* One cell's value, filled by a getter (zc_report_get clears it and sets
 * the column's type first). */
typedef struct zc_report_value {
	int type; /* enum zc_report_vtype */
	const char *s;
	long long n;
	const char *list[4];
	size_t nlist;
	const char *cls; /* HTML: the cell's class (NULL: by type) */
	const char *key; /* JSON: a key that replaces the column's (a finding's subject) */
	char buf[512];	 /* room for a text the getter composes (s may point here) */
} zc_report_value;

/* One attendance sheet row: a cadre in a village in a month. */
typedef struct zc_report_sheet_row {
	int cadre, village;
	size_t index;		 /* 0-based position on the sheet (序号 is index + 1) */
	zc_day month_start;	 /* the first of the month */
	int days;		 /* days of the month */
	int counts[ZC_ST_COUNT]; /* zc_report_count_days of the month in the village */
} zc_report_sheet_row;

/* What a getter reads: the data, the language and one row of a table. */
typedef struct zc_report_row {
	const zc_rules_input *in;
	const zc_rules_result *r;
	const zc_report_scope *sc;
	int lang;
	/* the row: years zc_r_year; allowance zc_report_allowance_row; recall
	 * zc_r_recall; collection zc_report_terminal_row; breakdown
	 * zc_report_group_row; findings zc_r_finding; attendance
	 * zc_report_sheet_row */
	const void *item;
	int expected; /* years: the days expected by now (zc_report_pace) */
	zc_day day;   /* attendance, the ZC_COL_DAYS column: the date */
} zc_report_row;

typedef void (*zc_report_getter)(const zc_report_row *row, zc_report_value *v);

enum zc_report_col_flag {
	ZC_COL_NO_CSV = 1,   /* not a column of the CSV sheet */
	ZC_COL_NO_HTML = 2,  /* not a column of the HTML table */
	ZC_COL_SUM = 4,	     /* summed on subtotal and total lines; the others are blank */
	ZC_COL_SUBJECT = 8,  /* HTML: left out of a table under its subject's heading */
	ZC_COL_DAYS = 16,    /* one column per day of the month, headed by the day's number */
	ZC_COL_GROUPBY = 32, /* HTML: the table is split by it, one table per value */
};

typedef struct zc_report_column {
	const char *key;	/* JSON key; NULL: not in the JSON */
	const char *heading[2]; /* [0] Chinese, [1] English; NULL: JSON only */
	int type;		/* enum zc_report_vtype of the cell (a JSON getter may change it) */
	zc_report_getter get;	/* the cell */
	zc_report_getter json;	/* the JSON value when it differs from the cell; NULL: the cell's */
	unsigned flags;		/* enum zc_report_col_flag */
} zc_report_column;

typedef struct zc_report_table_desc {
	const char *name; /* "years", ...: the JSON array, or the sheet */
	const zc_report_column *cols;
	size_t ncols;
	/* HTML: the class of a row's <tr> (NULL: none), e.g. shaded when behind pace */
	const char *(*row_class)(const zc_report_row *row);
} zc_report_table_desc;

#define ZC_REPORT_MAX_COLUMNS 24
/* The totals of a table's ZC_COL_SUM columns, by column index. */
typedef struct zc_report_sums {
	long long n[ZC_REPORT_MAX_COLUMNS];
} zc_report_sums;
/* Add a row's ZC_COL_SUM cells to s (zeroed by the caller). */
void zc_report_sums_add(int table, const zc_report_row *row, zc_report_sums *s);

/* The descriptor of a table (enum zc_report_table), NULL if out of range. */
const zc_report_table_desc *zc_report_table_get(int table);
/* The heading of a column in the language. */
const char *zc_report_heading(const zc_report_column *c, int lang);
/* A cell (json 0) or JSON value (json 1) of a row: v zeroed, then filled. */
void zc_report_get(const zc_report_column *c, const zc_report_row *row, int json, zc_report_value *v);
/* A row as a JSON object of the keyed columns, in column order. New
 * reference, NULL when out of memory. */
json_t *zc_report_row_json(int table, const zc_report_row *row);
/* fen as yuan with two decimals ("-12.30") into out. */
void zc_report_yuan(int64_t fen, char out[32]);
/* The CSS class of a day status on the attendance sheet and in its legend
 * (s-x absent, s-pd pending, ...), NULL for PRESENT. */
const char *zc_report_status_class(int status);

/* forged_badge: a violation shown on its own, labelled 疑似弄虚作假. */
int zc_report_is_forgery(const zc_r_finding *f);

#endif
