/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry_csv.h: the CSV side of the registry import (host/doc/IMPORT.md),
 * kept apart from the store so that it can be fuzzed on its own
 * (tests/fuzz/fuzz_csv.c): the kinds and their columns, the CSV reader
 * (libcsv underneath) that maps a header row to a kind's columns, and the
 * checks every field and row must pass without looking at the store:
 * the file's encoding (UTF-8, else GB18030 converted), UTF-8, no control
 * characters, id charset, real dates in the forms of zc/dates.h (mapped to
 * YYYY-MM-DD), times, enum values (English or Chinese, mapped to the English
 * one), numbers, UID hex, start <= end, policy names and values. What needs
 * the store (references, certificate files, overlaps, the time zone) is
 * checked by store_registry.c.
 *
 * Not part of the public API: only store_registry.c and the fuzz target
 * include this.
 */
#ifndef ZC_REGISTRY_CSV_H
#define ZC_REGISTRY_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "zc/i18n.h"

#define ZC_CSV_MAX_COLS	  8
#define ZC_CSV_MAX_ERRORS 20  /* errors collected before a file is given up */
#define ZC_CSV_ID_MAX	  32  /* ids: 1-32 of A-Z a-z 0-9 . _ - */
#define ZC_CSV_TEXT_MAX	  256 /* bytes of a name, unit, reference or note */
#define ZC_CSV_PATH_MAX	  1024

/* The kinds, in the order a fresh registry is best imported. */
enum zc_csv_kind_id {
	ZC_K_DISTRICTS = 0,
	ZC_K_TOWNSHIPS,
	ZC_K_VILLAGES,
	ZC_K_TERMINALS,
	ZC_K_CADRES,
	ZC_K_ASSIGNMENTS,
	ZC_K_BADGES,
	ZC_K_LEAVE,
	ZC_K_DUTY,
	ZC_K_CORRECTION,
	ZC_K_INSPECTION,
	ZC_K_CALENDAR,
	ZC_K_POLICY,
	ZC_K_COUNT
};

/* Column indexes of each kind (zc_csv_row.v[]). */
enum { DI_ID, DI_NAME };
enum { TW_ID, TW_NAME, TW_DISTRICT };
enum { VI_ID, VI_NAME, VI_TOWNSHIP, VI_RATE };
enum { TE_ID, TE_TOWNSHIP, TE_KEYFP };
enum { CA_ID, CA_NAME, CA_ROLE, CA_PARTY, CA_WORK, CA_UNIT };
enum { AS_CADRE, AS_VILLAGE, AS_START, AS_END };
enum { BA_BADGE, BA_CADRE, BA_FROM, BA_TO, BA_KIND, BA_UID, BA_CERT };
enum { LE_CADRE, LE_START, LE_END, LE_LEVEL, LE_REF, LE_TYPE, LE_REASON };
enum { DU_CADRE, DU_START, DU_END, DU_KIND, DU_LEVEL, DU_PLACE, DU_PURPOSE };
enum { CO_CADRE, CO_DATE, CO_LEVEL, CO_REASON, CO_REF };
enum { IN_VILLAGE, IN_TIME, IN_CADRE, IN_INSPECTOR, IN_RESULT, IN_NOTE };
enum { CL_DATE, CL_KIND, CL_NOTE };
enum { PO_NAME, PO_VALUE };

/* Field types. */
enum zc_csv_type {
	ZC_CT_ID,     /* 1-32 of A-Z a-z 0-9 . _ - */
	ZC_CT_TEXT,   /* UTF-8, 1..ZC_CSV_TEXT_MAX bytes */
	ZC_CT_DATE,   /* a real date in a form of zc_day_parse_any (-> YYYY-MM-DD) */
	ZC_CT_PARTY,  /* a date, or empty / "none" / "无" (-> "") */
	ZC_CT_TIME,   /* a time zc_time_parse_any accepts (as written: the zone is the store's) */
	ZC_CT_ENUM,   /* one of the column's values or their aliases (-> the value) */
	ZC_CT_FEN,    /* integer 0..100000000 (-> decimal digits without leading zeros) */
	ZC_CT_UID,    /* 4 or 7 bytes of hex, ':' '-' ' ' between allowed (-> upper-case hex) */
	ZC_CT_PATH,   /* a file name, 1..ZC_CSV_PATH_MAX bytes */
	ZC_CT_POLICY, /* a policy name zc_policy_set knows */
	ZC_CT_VALUE,  /* a policy value (checked with the row's name) */
};

/* An enum value and its accepted spellings (ASCII case-insensitive). */
typedef struct zc_csv_enum {
	const char *value;
	const char *alias[4];
} zc_csv_enum;

typedef struct zc_csv_col {
	const char *name;	   /* English header */
	const char *zh;		   /* Chinese header */
	int type;		   /* enum zc_csv_type */
	int key;		   /* part of the row's key */
	int required;		   /* the column must be present and every value non-empty */
	const zc_csv_enum *values; /* ZC_CT_ENUM: terminated by {NULL} */
	const char *alias;	   /* another accepted header, or NULL */
} zc_csv_col;

typedef struct zc_csv_kind {
	int id;		  /* enum zc_csv_kind_id */
	const char *name; /* "districts", ... */
	int ncols;
	const zc_csv_col *cols;
} zc_csv_kind;

/* The kind named name (English, as IMPORT.md), or NULL. */
const zc_csv_kind *zc_csv_kind_find(const char *name);
const zc_csv_kind *zc_csv_kind_get(int id);

/* The enum tables, for the one-at-a-time commands. */
extern const zc_csv_enum zc_csv_levels[];
extern const zc_csv_enum zc_csv_duty_kinds[];
extern const zc_csv_enum zc_csv_leave_types[];
extern const zc_csv_enum zc_csv_results[];
/* The canonical value of s in values, or NULL. */
const char *zc_csv_enum_value(const zc_csv_enum *values, const char *s);
/* "township/乡镇, district/区, ..." (each value and its first alias,
 * joined with lang's list separator) into out. */
void zc_csv_enum_list(const zc_csv_enum *values, zc_lang lang, char *out, size_t cap);

/* Error list: "FILE:LINE:COLUMN: reason" lines, in the language lang.
 * At most ZC_CSV_MAX_ERRORS are kept; the reader stops then, and more is
 * set when the file went on after that (the rest was not checked). */
typedef struct zc_csv_errors {
	const char *file; /* label for messages (not copied) */
	zc_lang lang;	  /* of the messages, and of the column names in them */
	char *msg[ZC_CSV_MAX_ERRORS];
	size_t n;
	int more;
	int nomem;
} zc_csv_errors;

/* Add an error about line (0: the file as a whole) and column (NULL: the
 * row as a whole). */
void zc_csv_error(zc_csv_errors *e, unsigned long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int zc_csv_errors_full(const zc_csv_errors *e);
void zc_csv_errors_clear(zc_csv_errors *e);

/* One data row whose every field passed its checks. */
typedef struct zc_csv_row {
	unsigned long line;		     /* physical line where the row starts */
	const char *v[ZC_CSV_MAX_COLS];	     /* canonical values; "" when empty or absent */
	const char *header[ZC_CSV_MAX_COLS]; /* each column's name for messages: Chinese when the
					      * errors' lang is Chinese, else as the file's header
					      * spells it */
	int present[ZC_CSV_MAX_COLS];	     /* the file has this column */
} zc_csv_row;

/* Called for every valid data row; may add errors of its own (store
 * checks). Returns 0 to go on, a negative zc_err to stop (a store failure). */
typedef int (*zc_csv_row_fn)(void *arg, const zc_csv_row *row, zc_csv_errors *errs);

/* Bring a file image to UTF-8: a file with a UTF-8 BOM, or that is valid
 * UTF-8, is used as it is (*out NULL, *encoding "UTF-8"); any other is
 * converted from GB18030 (GBK's superset, what spreadsheets on Chinese
 * Windows save) with iconv into *out (malloc'd, *outlen bytes, *encoding
 * "GB18030"). A file that is neither gets one error (how to save it as
 * UTF-8) at the line of its first byte that is not UTF-8, and
 * ZC_EMALFORMED. ZC_ENOMEM. */
int zc_csv_decode(const uint8_t *buf, size_t len, uint8_t **out, size_t *outlen, const char **encoding,
		  zc_csv_errors *errs);

/* Read a whole CSV file image of kind k: BOM, header, rows. Every error
 * goes to errs (which must have its file label set); rows with errors are
 * not passed to fn. Returns 0 when the file was read to its end or the
 * error list filled up, ZC_ENOMEM, or what fn returned. */
int zc_csv_read(const zc_csv_kind *k, const uint8_t *buf, size_t len, zc_csv_row_fn fn, void *arg, zc_csv_errors *errs);

/* Checks shared with the one-at-a-time commands. */
int zc_csv_valid_id(const char *s);
/* Valid UTF-8 without control characters: 0, or -1. */
int zc_csv_valid_text(const char *s, size_t len);

#endif
