/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry_internal.h: what the files of the registry in the host store
 * (store_registry.c, store_registry_entries.c, store_registry_ca.c,
 * store_registry_load.c) share: the small helpers, the table descriptions,
 * the import state and the generic upsert. Nothing outside them includes this.
 */
#ifndef ZC_STORE_REGISTRY_INTERNAL_H
#define ZC_STORE_REGISTRY_INTERNAL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "registry_csv.h"
#include "store_internal.h"
#include "zc/err.h"
#include "zc/i18n.h"
#include "zc/registry.h"

/* The message in the language lang (of the function using it). */
#define L(zh, en) (lang == ZC_LANG_EN ? (en) : (zh))

/* ---- helpers ---- */

#define set_err zc_errf

static inline void db_fail(sqlite3 *db, int rc, zc_lang lang, char *err, size_t errlen)
{
	if (rc == ZC_EAGAIN)
		set_err(err, errlen, "%s", L("数据库被另一进程锁定", "the database is locked by another process"));
	else
		set_err(err, errlen, L("数据库错误：%s", "database error: %s"), sqlite3_errmsg(db));
}

/* BEGIN IMMEDIATE, explaining a failure. */
static inline int begin(sqlite3 *db, zc_lang lang, char *err, size_t errlen)
{
	if (!sqlite3_get_autocommit(db)) {
		set_err(
		    err, errlen, "%s",
		    L("数据库已有未结束的事务（如正在入库）", "the store has a transaction open (an ingest batch?)"));
		return ZC_ESTATE;
	}
	int rc = db_err(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
	if (rc)
		db_fail(db, rc, lang, err, errlen);
	return rc;
}

static inline int commit(sqlite3 *db, zc_lang lang, char *err, size_t errlen)
{
	int rc = db_err(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

static inline void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static inline const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* ---- the tables ---- */

enum { V_NULL, V_INT, V_TEXT, V_BLOB };
typedef struct dbval {
	int t;
	int64_t i;
	const char *s;
	const uint8_t *b;
	size_t n;
} dbval;

#define C_INT  1
#define C_BLOB 2
typedef struct tdesc {
	const char *entity, *table;
	int ncols, nkeys, has_id;
	const char *cols[8];
	int type[8]; /* 0 text, C_INT, C_BLOB */
} tdesc;

extern const tdesc tables[ZC_K_COUNT];

typedef struct tops {
	const tdesc *d;
	sqlite3_stmt *sel, *ins, *upd, *audit;
} tops;

/* ---- keys seen in one file ---- */

typedef struct kentry {
	char *key;
	unsigned long line;
} kentry;

typedef struct keyset {
	kentry *e;
	size_t cap, n;
} keyset;

/* ---- import ---- */

/* A row kept for the checks across rows. */
typedef struct later {
	unsigned long line;
	char *v[4];
} later;

typedef struct imp {
	sqlite3 *db;
	const zc_csv_kind *k;
	tops t;
	const char *label, *dir, *actor;
	int64_t at;
	sqlite3_stmt *exists[ZC_K_COUNT];
	sqlite3_stmt *cert_ins;
	keyset seen;
	later *rows;
	size_t nrows, caprows;
	char *start_header; /* the file's name of the start column */
	size_t counts[3];
	int tz; /* the registry's zone at import (minutes east of UTC): local times */
} imp;

/* Defined in store_registry.c. */
void tops_free(tops *t);
int tops_prepare(sqlite3 *db, const tdesc *d, tops *t);
int bind_val(sqlite3_stmt *st, int idx, const dbval *v);
char *row_json(const tdesc *d, const dbval *vals, sqlite3_stmt *st, int64_t id);
void key_text(const tdesc *d, const dbval *vals, char *out, size_t cap);
int audit_write(sqlite3_stmt *st, int64_t at, const char *actor, const char *action, const char *entity,
		const char *key, const char *before, const char *after, const char *source);
int upsert(sqlite3 *db, tops *t, const dbval *vals, int64_t at, const char *actor, const char *source, int *outcome,
	   int64_t *id_out);
int ref_exists(imp *m, int kind, const char *id);
void text_val(dbval *v, const char *s);
int store_zone(sqlite3 *db, int *tz);

#endif
