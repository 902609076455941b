/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry.c: the registry in the host store (zc/registry.h): CSV
 * import (rows checked by registry_csv.c, then against the store), leave,
 * duty, corrections and inspections one at a time, the audit log, the badge
 * CAs and revocation lists trusted by the host, and loading everything into
 * engine-shaped arrays.
 *
 * Every table the import writes is described once (tables[]): its columns,
 * how many of the first ones form the key, and which are integers or
 * blobs. One generic upsert compares a row with the stored one by key and
 * inserts, updates or leaves it, writing the audit row (JSON of the
 * columns before and after) in the same transaction. An import is one
 * transaction: BEGIN IMMEDIATE, every row, the checks across rows
 * (overlapping assignments, a badge bound twice on one date), then COMMIT,
 * or ROLLBACK when any row was bad.
 */
#include "zc/registry.h"
#include "registry_csv.h"
#include "store_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/dates.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/i18n.h"

#define IMPORT_MAX_BYTES (64u << 20)

/* The message in the language lang (of the function using it). */
#define L(zh, en) (lang == ZC_LANG_EN ? (en) : (zh))

/* ---- helpers ---- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define set_err zc_errf

#define db_err zc_store_db_err

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(rc ? rc : SQLITE_ERROR);
}

static void db_fail(sqlite3 *db, int rc, zc_lang lang, char *err, size_t errlen)
{
	if (rc == ZC_EAGAIN)
		set_err(err, errlen, "%s", L("数据库被另一进程锁定", "the database is locked by another process"));
	else
		set_err(err, errlen, L("数据库错误：%s", "database error: %s"), sqlite3_errmsg(db));
}

/* BEGIN IMMEDIATE, explaining a failure. */
static int begin(sqlite3 *db, zc_lang lang, char *err, size_t errlen)
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

static int commit(sqlite3 *db, zc_lang lang, char *err, size_t errlen)
{
	int rc = db_err(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

const char *zc_registry_actor(void)
{
	const char *a = getenv("ZHUCUN_USER");
	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "unknown";
}

static const char *col_text(sqlite3_stmt *st, int i)
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

/* clang-format off */
static const tdesc tables[ZC_K_COUNT] = {
	[ZC_K_DISTRICTS] = {"districts", "districts", 2, 1, 0, {"id", "name"}, {0}},
	[ZC_K_TOWNSHIPS] = {"townships", "townships", 3, 1, 0, {"id", "name", "district_id"}, {0}},
	[ZC_K_VILLAGES] = {"villages", "villages", 4, 1, 0, {"id", "name", "township_id", "rate_fen"}, {0, 0, 0, C_INT}},
	[ZC_K_TERMINALS] = {"terminals", "registry_terminals", 2, 1, 0, {"id", "township_id"}, {0}},
	[ZC_K_CADRES] = {"cadres", "cadres", 6, 1, 0,
			 {"id", "name", "role", "party_since", "work_since", "unit"}, {0}},
	[ZC_K_ASSIGNMENTS] = {"assignments", "assignments", 4, 3, 0, {"cadre_id", "village_id", "start", "end"}, {0}},
	[ZC_K_BADGES] = {"badges", "badges", 7, 3, 0,
			 {"badge_id", "cadre_id", "bound_from", "bound_to", "kind", "uid", "cert_fp"},
			 {0, 0, 0, 0, 0, C_BLOB, C_BLOB}},
	[ZC_K_LEAVE] = {"leave", "leave", 7, 3, 1, {"cadre_id", "start", "end", "level", "ref", "type", "reason"}, {0}},
	[ZC_K_DUTY] = {"duty", "duty", 7, 4, 1,
		       {"cadre_id", "start", "end", "kind", "level", "place", "purpose"}, {0}},
	[ZC_K_CORRECTION] = {"correction", "corrections", 5, 2, 1,
			     {"cadre_id", "date", "level", "reason", "ref"}, {0}},
	[ZC_K_INSPECTION] = {"inspection", "inspections", 6, 3, 1,
			     {"village_id", "at_ms", "cadre_id", "inspector", "result", "note"}, {0, C_INT}},
	[ZC_K_CALENDAR] = {"calendar", "calendar", 3, 1, 0, {"date", "kind", "note"}, {0}},
	[ZC_K_POLICY] = {"policy", "policy", 2, 1, 0, {"name", "value"}, {0}},
};
/* clang-format on */

typedef struct tops {
	const tdesc *d;
	sqlite3_stmt *sel, *ins, *upd, *audit;
} tops;

static void tops_free(tops *t)
{
	sqlite3_finalize(t->sel);
	sqlite3_finalize(t->ins);
	sqlite3_finalize(t->upd);
	sqlite3_finalize(t->audit);
	memset(t, 0, sizeof *t);
}

static int tops_prepare(sqlite3 *db, const tdesc *d, tops *t)
{
	char sel[1024], ins[1024], upd[1024], where[512];
	size_t a, b, c, w = 0;
	memset(t, 0, sizeof *t);
	t->d = d;
	where[0] = 0;
	for (int i = 0; i < d->nkeys; i++)
		w += (size_t)snprintf(where + w, sizeof where - w, "%s\"%s\" = ?%d", i ? " AND " : "", d->cols[i],
				      i + 1);
	a = (size_t)snprintf(sel, sizeof sel, "SELECT ");
	b = (size_t)snprintf(ins, sizeof ins, "INSERT INTO \"%s\"(", d->table);
	c = (size_t)snprintf(upd, sizeof upd, "UPDATE \"%s\" SET ", d->table);
	for (int i = 0; i < d->ncols; i++) {
		a += (size_t)snprintf(sel + a, sizeof sel - a, "%s\"%s\"", i ? ", " : "", d->cols[i]);
		b += (size_t)snprintf(ins + b, sizeof ins - b, "%s\"%s\"", i ? ", " : "", d->cols[i]);
		if (i >= d->nkeys)
			c += (size_t)snprintf(upd + c, sizeof upd - c, "%s\"%s\" = ?%d", i > d->nkeys ? ", " : "",
					      d->cols[i], i + 1);
	}
	snprintf(sel + a, sizeof sel - a, "%s FROM \"%s\" WHERE %s", d->has_id ? ", id" : "", d->table, where);
	b += (size_t)snprintf(ins + b, sizeof ins - b, ") VALUES (");
	for (int i = 0; i < d->ncols; i++)
		b += (size_t)snprintf(ins + b, sizeof ins - b, "%s?%d", i ? ", " : "", i + 1);
	snprintf(ins + b, sizeof ins - b, ")");
	snprintf(upd + c, sizeof upd - c, " WHERE %s", where);
	int rc = sqlite3_prepare_v2(db, sel, -1, &t->sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, ins, -1, &t->ins, NULL);
	if (rc == SQLITE_OK && d->ncols > d->nkeys)
		rc = sqlite3_prepare_v2(db, upd, -1, &t->upd, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
					"INSERT INTO audit(at_ms, actor, action, entity, key, before_json, after_json, "
					"source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
					-1, &t->audit, NULL);
	if (rc != SQLITE_OK) {
		tops_free(t);
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	return 0;
}

static int bind_val(sqlite3_stmt *st, int idx, const dbval *v)
{
	switch (v->t) {
	case V_INT: return sqlite3_bind_int64(st, idx, v->i);
	case V_TEXT: return sqlite3_bind_text(st, idx, v->s, -1, SQLITE_TRANSIENT);
	case V_BLOB: return sqlite3_bind_blob(st, idx, v->b, (int)v->n, SQLITE_TRANSIENT);
	default: return sqlite3_bind_null(st, idx);
	}
}

static int col_equals(sqlite3_stmt *st, int i, const dbval *v)
{
	int t = sqlite3_column_type(st, i);
	switch (v->t) {
	case V_NULL: return t == SQLITE_NULL;
	case V_INT: return t == SQLITE_INTEGER && sqlite3_column_int64(st, i) == v->i;
	case V_TEXT: return t == SQLITE_TEXT && !strcmp(col_text(st, i), v->s);
	case V_BLOB:
		return t == SQLITE_BLOB && (size_t)sqlite3_column_bytes(st, i) == v->n &&
		       !memcmp(sqlite3_column_blob(st, i), v->b, v->n);
	}
	return 0;
}

static json_t *jtext(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_null();
}

static json_t *jblob(const uint8_t *b, size_t n)
{
	char *hex = malloc(n * 2 + 1);
	if (!hex)
		return json_null();
	zc_hex(b, n, hex);
	hex[n * 2] = 0;
	json_t *j = json_string(hex);
	free(hex);
	return j ? j : json_null();
}

/* JSON object of a row: from vals, or (vals NULL) from st's columns. */
static char *row_json(const tdesc *d, const dbval *vals, sqlite3_stmt *st, int64_t id)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (d->has_id)
		json_object_set_new(o, "id", json_integer(id));
	for (int i = 0; i < d->ncols; i++) {
		json_t *j;
		if (vals) {
			const dbval *v = &vals[i];
			j = v->t == V_INT    ? json_integer(v->i)
			    : v->t == V_TEXT ? jtext(v->s)
			    : v->t == V_BLOB ? jblob(v->b, v->n)
					     : json_null();
		} else {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER: j = json_integer(sqlite3_column_int64(st, i)); break;
			case SQLITE_TEXT: j = jtext(col_text(st, i)); break;
			case SQLITE_BLOB:
				j = jblob(sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
				break;
			case SQLITE_NULL: j = json_null(); break;
			default: j = jtext(col_text(st, i)); break;
			}
		}
		json_object_set_new(o, d->cols[i], j);
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* The key columns joined with ','. */
static void key_text(const tdesc *d, const dbval *vals, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (int i = 0; i < d->nkeys && n < cap; i++) {
		if (vals[i].t == V_INT)
			n += (size_t)snprintf(out + n, cap - n, "%s%" PRId64, i ? "," : "", vals[i].i);
		else
			n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "",
					      vals[i].t == V_TEXT ? vals[i].s : "");
	}
}

static int audit_write(sqlite3_stmt *st, int64_t at, const char *actor, const char *action, const char *entity,
		       const char *key, const char *before, const char *after, const char *source)
{
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
	if (before)
		sqlite3_bind_text(st, 6, before, -1, SQLITE_STATIC);
	if (after)
		sqlite3_bind_text(st, 7, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, source, -1, SQLITE_STATIC);
	return step_done(st);
}

enum { UP_INSERTED, UP_UPDATED, UP_UNCHANGED };

/* Insert, update or leave one row, audited. */
static int upsert(sqlite3 *db, tops *t, const dbval *vals, int64_t at, const char *actor, const char *source,
		  int *outcome, int64_t *id_out)
{
	const tdesc *d = t->d;
	char key[256];
	char *before = NULL, *after = NULL;
	int64_t id = 0;
	int rc = 0, found = 0, same = 1;

	for (int i = 0; i < d->nkeys; i++)
		bind_val(t->sel, i + 1, &vals[i]);
	int src = sqlite3_step(t->sel);
	if (src == SQLITE_ROW) {
		found = 1;
		for (int i = d->nkeys; i < d->ncols; i++)
			if (!col_equals(t->sel, i, &vals[i]))
				same = 0;
		if (d->has_id)
			id = sqlite3_column_int64(t->sel, d->ncols);
		if (!same)
			before = row_json(d, NULL, t->sel, id);
	} else if (src != SQLITE_DONE) {
		rc = db_err(src) ? db_err(src) : ZC_EDB;
	}
	sqlite3_reset(t->sel);
	sqlite3_clear_bindings(t->sel);
	if (rc)
		goto out;
	if (found && same) {
		*outcome = UP_UNCHANGED;
		goto out;
	}
	if (found && !before) {
		rc = ZC_ENOMEM;
		goto out;
	}
	sqlite3_stmt *w = found ? t->upd : t->ins;
	for (int i = 0; i < d->ncols; i++)
		bind_val(w, i + 1, &vals[i]);
	rc = step_done(w);
	if (rc)
		goto out;
	if (!found)
		id = sqlite3_last_insert_rowid(db);
	after = row_json(d, vals, NULL, id);
	if (!after) {
		rc = ZC_ENOMEM;
		goto out;
	}
	key_text(d, vals, key, sizeof key);
	rc = audit_write(t->audit, at, actor, found ? "update" : "insert", d->entity, key, before, after, source);
	*outcome = found ? UP_UPDATED : UP_INSERTED;
out:
	if (id_out)
		*id_out = id;
	free(before);
	free(after);
	return rc;
}

/* ---- keys seen in one file ---- */

typedef struct kentry {
	char *key;
	unsigned long line;
} kentry;

typedef struct keyset {
	kentry *e;
	size_t cap, n;
} keyset;

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 0 and *line = 0 if added, *line = the earlier line if present, ZC_ENOMEM. */
static int keyset_add(keyset *ks, const char *key, unsigned long line, unsigned long *prev)
{
	*prev = 0;
	if (ks->n * 2 >= ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 256;
		kentry *e = calloc(cap, sizeof *e);
		if (!e)
			return ZC_ENOMEM;
		for (size_t i = 0; i < ks->cap; i++) {
			if (!ks->e[i].key)
				continue;
			size_t j = fnv(ks->e[i].key) & (cap - 1);
			while (e[j].key)
				j = (j + 1) & (cap - 1);
			e[j] = ks->e[i];
		}
		free(ks->e);
		ks->e = e;
		ks->cap = cap;
	}
	size_t j = fnv(key) & (ks->cap - 1);
	while (ks->e[j].key) {
		if (!strcmp(ks->e[j].key, key)) {
			*prev = ks->e[j].line;
			return 0;
		}
		j = (j + 1) & (ks->cap - 1);
	}
	ks->e[j].key = strdup(key);
	if (!ks->e[j].key)
		return ZC_ENOMEM;
	ks->e[j].line = line;
	ks->n++;
	return 0;
}

static void keyset_free(keyset *ks)
{
	for (size_t i = 0; i < ks->cap; i++)
		free(ks->e[i].key);
	free(ks->e);
	memset(ks, 0, sizeof *ks);
}

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

/* Does id exist in the table of kind? 1, 0, or a negative error. */
static int ref_exists(imp *m, int kind, const char *id)
{
	if (!m->exists[kind]) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE id = ?1", tables[kind].table);
		int rc = sqlite3_prepare_v2(m->db, sql, -1, &m->exists[kind], NULL);
		if (rc != SQLITE_OK)
			return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	sqlite3_stmt *st = m->exists[kind];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_err(rc) ? db_err(rc) : ZC_EDB;
}

/* Check a reference; reports the error. 1 ok, 0 missing, < 0 failure. */
static int need_ref(imp *m, zc_csv_errors *errs, const zc_csv_row *row, int col, int kind)
{
	const zc_lang lang = errs->lang;
	int rc = ref_exists(m, kind, row->v[col]);
	if (rc == 0)
		zc_csv_error(errs, row->line, row->header[col],
			     L("'%s' 未登记（先导入 %s）", "unknown '%s' (import %s first)"), row->v[col],
			     tables[kind].entity);
	return rc;
}

static void text_val(dbval *v, const char *s)
{
	v->t = *s ? V_TEXT : V_NULL;
	v->s = s;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* Load a badge certificate named in a row and store it in badge_certs. */
static int row_cert(imp *m, zc_csv_errors *errs, const zc_csv_row *row, uint8_t fp[ZC_HASH_LEN])
{
	const char *name = row->v[BA_CERT];
	const zc_lang lang = errs->lang;
	char path[ZC_CSV_PATH_MAX * 2 + 8];
	if (name[0] == '/' || !m->dir || !*m->dir)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s", m->dir, name);
	zc_badge_cert *c = NULL;
	int rc = zc_badge_cert_load(path, &c);
	if (rc == ZC_ENOENT) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("证书文件 %s 不存在", "certificate file %s not found"), path);
		return 0;
	}
	if (rc == ZC_EIO) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("无法读取证书文件 %s", "cannot read certificate file %s"), path);
		return 0;
	}
	if (rc == ZC_ENOMEM)
		return rc;
	if (rc) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("%s 不是有效的工牌证书（DER、PEM 或卡文件）",
			       "%s is not a valid badge certificate (DER, PEM or card file)"),
			     path);
		return 0;
	}
	const char *ou = zc_badge_cert_badge(c);
	if (*ou && strcmp(ou, row->v[BA_BADGE])) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("证书 %s 属于工牌 %s，不是 %s", "certificate %s is for badge %s, not %s"), path, ou,
			     row->v[BA_BADGE]);
		zc_badge_cert_free(c);
		return 0;
	}
	size_t dlen;
	const uint8_t *der = zc_badge_cert_der(c, &dlen);
	zc_badge_cert_fingerprint(c, fp);
	if (!m->cert_ins) {
		rc = sqlite3_prepare_v2(m->db,
					"INSERT INTO badge_certs(fp, der, badge_id) VALUES (?1, ?2, ?3) "
					"ON CONFLICT(fp) DO NOTHING",
					-1, &m->cert_ins, NULL);
		if (rc != SQLITE_OK) {
			zc_badge_cert_free(c);
			return db_err(rc) ? db_err(rc) : ZC_EDB;
		}
	}
	sqlite3_bind_blob(m->cert_ins, 1, fp, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(m->cert_ins, 2, der, (int)dlen, SQLITE_STATIC);
	sqlite3_bind_text(m->cert_ins, 3, row->v[BA_BADGE], -1, SQLITE_STATIC);
	rc = step_done(m->cert_ins);
	zc_badge_cert_free(c);
	return rc ? rc : 1;
}

static int keep_row(imp *m, const zc_csv_row *row, int a, int b, int c, int d)
{
	if (m->nrows == m->caprows) {
		size_t cap = m->caprows ? m->caprows * 2 : 64;
		later *r = realloc(m->rows, cap * sizeof *r);
		if (!r)
			return ZC_ENOMEM;
		m->rows = r;
		m->caprows = cap;
	}
	later *l = &m->rows[m->nrows];
	int idx[4] = {a, b, c, d};
	memset(l, 0, sizeof *l);
	l->line = row->line;
	m->nrows++;
	for (int i = 0; i < 4; i++)
		if (!(l->v[i] = strdup(row->v[idx[i]])))
			return ZC_ENOMEM;
	if (!m->start_header && !(m->start_header = strdup(row->header[c])))
		return ZC_ENOMEM;
	return 0;
}

static int on_row(void *arg, const zc_csv_row *row, zc_csv_errors *errs)
{
	imp *m = arg;
	const char *const *v = row->v;
	dbval vals[8];
	uint8_t uid[8], fp[ZC_HASH_LEN];
	int rc = 0;

	memset(vals, 0, sizeof vals);
	for (int i = 0; i < m->t.d->ncols; i++)
		text_val(&vals[i], v[i]);
	switch (m->k->id) {
	case ZC_K_TOWNSHIPS: rc = need_ref(m, errs, row, TW_DISTRICT, ZC_K_DISTRICTS); break;
	case ZC_K_VILLAGES:
		rc = need_ref(m, errs, row, VI_TOWNSHIP, ZC_K_TOWNSHIPS);
		if (*v[VI_RATE]) {
			vals[VI_RATE].t = V_INT;
			vals[VI_RATE].i = strtoll(v[VI_RATE], NULL, 10);
		}
		break;
	case ZC_K_TERMINALS: rc = need_ref(m, errs, row, TE_TOWNSHIP, ZC_K_TOWNSHIPS); break;
	case ZC_K_ASSIGNMENTS:
		rc = need_ref(m, errs, row, AS_CADRE, ZC_K_CADRES);
		if (rc >= 0)
			rc = need_ref(m, errs, row, AS_VILLAGE, ZC_K_VILLAGES);
		break;
	case ZC_K_BADGES:
		rc = need_ref(m, errs, row, BA_CADRE, ZC_K_CADRES);
		if (*v[BA_UID]) {
			size_t n = strlen(v[BA_UID]) / 2;
			for (size_t i = 0; i < n; i++)
				uid[i] = (uint8_t)(hexval(v[BA_UID][2 * i]) << 4 | hexval(v[BA_UID][2 * i + 1]));
			vals[BA_UID].t = V_BLOB;
			vals[BA_UID].b = uid;
			vals[BA_UID].n = n;
		}
		vals[BA_CERT].t = V_NULL;
		if (rc >= 0 && *v[BA_CERT]) {
			rc = row_cert(m, errs, row, fp);
			if (rc == 1) {
				vals[BA_CERT].t = V_BLOB;
				vals[BA_CERT].b = fp;
				vals[BA_CERT].n = ZC_HASH_LEN;
			}
		}
		break;
	case ZC_K_LEAVE:
	case ZC_K_DUTY:
	case ZC_K_CORRECTION: rc = need_ref(m, errs, row, 0, ZC_K_CADRES); break;
	case ZC_K_INSPECTION:
		rc = need_ref(m, errs, row, IN_VILLAGE, ZC_K_VILLAGES);
		if (rc >= 0)
			rc = need_ref(m, errs, row, IN_CADRE, ZC_K_CADRES);
		vals[IN_TIME].t = V_INT; /* the reader checked the time */
		if (zc_time_parse_any(v[IN_TIME], m->tz, &vals[IN_TIME].i))
			return ZC_EARG;
		break;
	default: break;
	}
	if (rc < 0)
		return rc;
	/* the same key twice in one file (named by the row's values) */
	char key[256], shown[256];
	unsigned long prev;
	key_text(m->t.d, vals, key, sizeof key);
	rc = keyset_add(&m->seen, key, row->line, &prev);
	if (rc)
		return rc;
	if (prev) {
		const zc_lang lang = errs->lang;
		size_t n = 0;
		for (int i = 0; i < m->t.d->nkeys && n < sizeof shown; i++)
			n += (size_t)snprintf(shown + n, sizeof shown - n, "%s%s", i ? "," : "", v[i]);
		zc_csv_error(errs, row->line, row->header[0],
			     L("与第 %lu 行的键相同（%s）", "the same key as line %lu (%s)"), prev, shown);
	}
	if (errs->n)
		return 0; /* nothing will be committed: skip the writes */
	char source[1200];
	snprintf(source, sizeof source, "%s:%lu", m->label, row->line);
	int outcome = 0;
	rc = upsert(m->db, &m->t, vals, m->at, m->actor, source, &outcome, NULL);
	if (rc)
		return rc;
	m->counts[outcome]++;
	if (m->k->id == ZC_K_ASSIGNMENTS)
		rc = keep_row(m, row, AS_CADRE, AS_VILLAGE, AS_START, AS_END);
	else if (m->k->id == ZC_K_BADGES)
		rc = keep_row(m, row, BA_BADGE, BA_CADRE, BA_FROM, BA_TO);
	else if (m->k->id == ZC_K_LEAVE)
		rc = keep_row(m, row, LE_CADRE, LE_LEVEL, LE_START, LE_END);
	return rc;
}

/* After every row: no cadre in two assignments on one date, no badge bound
 * to two cadres on one date. */
static int check_overlaps(imp *m, zc_csv_errors *errs)
{
	const zc_lang lang = errs->lang;
	const char *sql;
	if (m->k->id == ZC_K_ASSIGNMENTS)
		sql = "SELECT village_id, start, \"end\" FROM assignments WHERE cadre_id = ?1 "
		      "AND NOT (village_id = ?2 AND start = ?3) AND start <= ?4 AND \"end\" >= ?3 "
		      "ORDER BY start LIMIT 1";
	else if (m->k->id == ZC_K_BADGES)
		sql = "SELECT cadre_id, bound_from, coalesce(bound_to, '') FROM badges WHERE badge_id = ?1 "
		      "AND NOT (cadre_id = ?2 AND bound_from = ?3) "
		      "AND bound_from <= coalesce(nullif(?4, ''), '9999-12-31') "
		      "AND coalesce(bound_to, '9999-12-31') >= ?3 ORDER BY bound_from LIMIT 1";
	else
		return 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(m->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	rc = 0;
	for (size_t i = 0; i < m->nrows && !zc_csv_errors_full(errs); i++) {
		later *l = &m->rows[i];
		for (int k = 0; k < 4; k++)
			sqlite3_bind_text(st, k + 1, l->v[k], -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			if (m->k->id == ZC_K_ASSIGNMENTS)
				zc_csv_error(
				    errs, l->line, m->start_header,
				    L("与 %s 在 %s 从 %s 到 %s 的派驻重叠（同一天只能派驻一个村）",
				      "overlaps %s's assignment to %s from %s to %s (one assignment on any date)"),
				    l->v[0], col_text(st, 0), col_text(st, 1), col_text(st, 2));
			else
				zc_csv_error(errs, l->line, m->start_header,
					     L("工牌 %s 在这些日期已绑定给 %s（自 %s 起）",
					       "badge %s is bound to %s on these dates too (from %s)"),
					     l->v[0], col_text(st, 0), col_text(st, 1));
		} else if (s != SQLITE_DONE) {
			rc = db_err(s) ? db_err(s) : ZC_EDB;
		}
		sqlite3_reset(st);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static size_t leave_warnings(const zc_leave_check *c, int joined, zc_lang lang, char (*lines)[512], size_t max);

/* After every leave row of a file: what zc_registry_leave_check finds about
 * each (the rows kept: cadre, level, start, end), as warnings. */
static int leave_import_warnings(imp *m, zc_store *s, zc_csv_errors *warns)
{
	zc_registry *r = NULL;
	const zc_lang lang = warns->lang;
	char err[256];
	int rc = zc_registry_load_l(s, lang, &r, err, sizeof err);
	for (size_t i = 0; !rc && i < m->nrows; i++) {
		later *l = &m->rows[i];
		zc_leave_check c;
		zc_day a, b;
		char lines[3][512];
		zc_day_parse(l->v[2], &a);
		zc_day_parse(l->v[3], &b);
		rc = zc_registry_leave_check(r, zc_registry_find(r, "cadres", l->v[0]), a, b, zc_level_parse(l->v[1]),
					     &c);
		if (!rc && c.level < c.required) {
			zc_registry_leave_refusal(&c, lang, lines[0], sizeof lines[0]);
			zc_csv_error(warns, l->line, NULL,
				     L("警告：%s，将记为审批级别不足",
				       "warning: %s: it will be reported as approved below its level"),
				     lines[0]);
		}
		size_t n = rc ? 0 : leave_warnings(&c, 0, lang, lines, 3);
		for (size_t k = 0; k < n; k++)
			zc_csv_error(warns, l->line, NULL, L("警告：%s", "warning: %s"), lines[k]);
	}
	zc_registry_free(r);
	return rc;
}

static const char *const kind_names[ZC_K_COUNT] = {
    "districts", "townships", "villages",   "terminals",  "cadres",   "assignments", "badges",
    "leave",	 "duty",      "correction", "inspection", "calendar", "policy",
};

/* The kinds joined with the language's list separator. */
static void kinds_joined(zc_lang lang, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (int k = 0; k < ZC_K_COUNT && n < cap; k++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? L("、", ", ") : "", kind_names[k]);
}

/* The time zone of the registry's policy: the stored "zone", else the
 * default (minutes east of UTC). */
static int store_zone(sqlite3 *db, int *tz)
{
	zc_policy p;
	sqlite3_stmt *st = NULL;
	zc_policy_default(&p);
	*tz = p.tz_offset_min;
	int rc = sqlite3_prepare_v2(db, "SELECT value FROM policy WHERE name = 'zone'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		zc_zone_parse(col_text(st, 0), tz); /* import checked it */
	rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_err(step) ? db_err(step) : ZC_EDB;
	sqlite3_finalize(st);
	return rc;
}

size_t zc_registry_kinds(const char *const **names)
{
	if (names)
		*names = kind_names;
	return ZC_K_COUNT;
}

void zc_import_result_free(zc_import_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nerrors; i++)
		free(res->errors[i]);
	free(res->errors);
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	memset(res, 0, sizeof *res);
}

/* Move the lines of e to *out (malloc'd), *n and *more. */
static void take_msgs(zc_csv_errors *e, char ***out, size_t *n, int *more)
{
	if (!e->n || !(*out = calloc(e->n, sizeof **out)))
		return;
	for (size_t i = 0; i < e->n; i++) {
		(*out)[i] = e->msg[i];
		e->msg[i] = NULL;
	}
	*n = e->n;
	*more = e->more;
}

int zc_registry_import_buf_l(zc_store *s, const char *kind, const uint8_t *buf, size_t len, const char *label,
			     const char *dir, const char *actor, zc_lang lang, zc_import_result *res, char *err,
			     size_t errlen)
{
	imp m;
	zc_csv_errors errs, warns;
	uint8_t *text = NULL; /* buf converted to UTF-8 */
	size_t textlen = 0;
	const char *encoding = NULL;
	int rc;

	memset(&m, 0, sizeof m);
	memset(&errs, 0, sizeof errs);
	memset(&warns, 0, sizeof warns);
	if (res)
		memset(res, 0, sizeof *res);
	if (err && errlen)
		err[0] = 0;
	m.k = zc_csv_kind_find(kind);
	if (!s || !m.k) {
		char list[256];
		kinds_joined(lang, list, sizeof list);
		set_err(err, errlen, L("未知的导入类型 '%s'（%s）", "unknown import kind '%s' (%s)"), kind ? kind : "",
			list);
		return ZC_EARG;
	}
	m.db = zc_store_db(s);
	m.label = label ? label : "-";
	m.dir = dir;
	m.actor = actor ? actor : zc_registry_actor();
	m.at = now_ms();
	errs.file = warns.file = m.label;
	errs.lang = warns.lang = lang;
	rc = tops_prepare(m.db, &tables[m.k->id], &m.t);
	if (rc) {
		db_fail(m.db, rc, lang, err, errlen);
		return rc;
	}
	rc = begin(m.db, lang, err, errlen);
	if (rc)
		goto out;
	rc = store_zone(m.db, &m.tz);
	if (!rc) {
		rc = zc_csv_decode(buf, len, &text, &textlen, &encoding, &errs);
		if (res)
			res->encoding = encoding;
		if (!rc)
			rc = zc_csv_read(m.k, text ? text : buf, text ? textlen : len, on_row, &m, &errs);
		else if (rc == ZC_EMALFORMED)
			rc = 0; /* neither UTF-8 nor GB18030: the one error says how to save it */
	}
	if (!rc && !errs.n)
		rc = check_overlaps(&m, &errs);
	if (!rc && !errs.n && m.k->id == ZC_K_LEAVE)
		rc = leave_import_warnings(&m, s, &warns);
	if (rc || errs.n) {
		rollback(m.db);
		if (rc == ZC_ENOMEM)
			set_err(err, errlen, "%s", L("内存不足", "out of memory"));
		else if (rc)
			db_fail(m.db, rc, lang, err, errlen);
		else if (!encoding)
			set_err(err, errlen, L("%s：未导入任何内容", "%s: nothing imported"), m.label);
		else
			set_err(err, errlen,
				L("%s：%zu%s 处错误，未导入任何内容", "%s: %zu%s bad rows or fields; nothing imported"),
				m.label, errs.n, errs.more ? "+" : "");
		if (!rc)
			rc = ZC_EMALFORMED;
		goto out;
	}
	rc = commit(m.db, lang, err, errlen);
	if (!rc && res) {
		res->inserted = m.counts[UP_INSERTED];
		res->updated = m.counts[UP_UPDATED];
		res->unchanged = m.counts[UP_UNCHANGED];
	}
out:
	if (res) {
		take_msgs(&errs, &res->errors, &res->nerrors, &res->more_errors);
		if (!rc)
			take_msgs(&warns, &res->warnings, &res->nwarnings, &res->more_warnings);
	}
	zc_csv_errors_clear(&errs);
	zc_csv_errors_clear(&warns);
	tops_free(&m.t);
	for (int i = 0; i < ZC_K_COUNT; i++)
		sqlite3_finalize(m.exists[i]);
	sqlite3_finalize(m.cert_ins);
	keyset_free(&m.seen);
	for (size_t i = 0; i < m.nrows; i++)
		for (int k = 0; k < 4; k++)
			free(m.rows[i].v[k]);
	free(m.rows);
	free(m.start_header);
	free(text);
	return rc;
}

int zc_registry_import_buf(zc_store *s, const char *kind, const uint8_t *buf, size_t len, const char *label,
			   const char *dir, const char *actor, zc_import_result *res, char *err, size_t errlen)
{
	return zc_registry_import_buf_l(s, kind, buf, len, label, dir, actor, ZC_LANG_ZH, res, err, errlen);
}

int zc_registry_import(zc_store *s, const char *kind, const char *csv_path, const char *actor, zc_lang lang,
		       zc_import_result *res, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	if (res)
		memset(res, 0, sizeof *res);
	if (!zc_csv_kind_find(kind))
		return zc_registry_import_buf_l(s, kind, NULL, 0, csv_path, NULL, actor, lang, res, err, errlen);
	int rc = zc_file_read(csv_path, IMPORT_MAX_BYTES, &buf, &len);
	if (rc) {
		if (rc == ZC_ENOENT)
			set_err(err, errlen, L("%s：文件不存在", "%s: no such file"), csv_path);
		else if (rc == ZC_EFULL)
			set_err(err, errlen, L("%s：文件太大（最多 64 MiB）", "%s: file too large (at most 64 MiB)"),
				csv_path);
		else
			set_err(err, errlen, L("%s：无法读取：%s", "%s: cannot read: %s"), csv_path, zc_strerror(rc));
		return rc;
	}
	/* certificate paths are relative to the CSV file's folder */
	char *dir = strdup(csv_path);
	if (!dir) {
		free(buf);
		return ZC_ENOMEM;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = 0) : (void)(*slash = 0);
	else
		strcpy(dir, ".");
	rc = zc_registry_import_buf_l(s, kind, buf, len, csv_path, dir, actor, lang, res, err, errlen);
	free(dir);
	free(buf);
	return rc;
}

/* ---- leave, duty, corrections and inspections, one at a time ---- */

/* How entries of a kind are listed: conditions of a date filter on ?2 (the
 * first date's start) and ?3 (the last date: its text, or for inspections
 * the end of it), and the order. */
typedef struct ekind {
	int k;
	const char *lo, *hi, *order;
} ekind;

static const ekind ekinds[] = {
    {ZC_K_LEAVE, "\"end\" >= ?2", "start <= ?3", "cadre_id, start, \"end\", id"},
    {ZC_K_DUTY, "\"end\" >= ?2", "start <= ?3", "cadre_id, start, \"end\", id"},
    {ZC_K_CORRECTION, "date >= ?2", "date <= ?3", "cadre_id, date, id"},
    {ZC_K_INSPECTION, "at_ms >= ?2", "at_ms < ?3", "at_ms, village_id, cadre_id, id"},
};

static const ekind *entry_kind(const char *entity, char *err, size_t errlen)
{
	for (size_t i = 0; entity && i < sizeof ekinds / sizeof ekinds[0]; i++)
		if (!strcmp(entity, tables[ekinds[i].k].entity))
			return &ekinds[i];
	set_err(err, errlen, "unknown entry kind '%s'", entity ? entity : "");
	return NULL;
}

/* The checks of one argument; each explains a failure in err and returns
 * ZC_EARG. what_zh / what_en name it. */
static int id_arg(const char *s, const char *what_zh, const char *what_en, zc_lang lang, char *err, size_t errlen)
{
	if (s && zc_csv_valid_id(s))
		return 0;
	set_err(err, errlen,
		L("%s '%s' 无效（1–32 个字符：A-Z a-z 0-9 . _ -）", "invalid %s '%s' (1-32 of A-Z a-z 0-9 . _ -)"),
		L(what_zh, what_en), s ? s : "");
	return ZC_EARG;
}

/* A date in any accepted form, into out as YYYY-MM-DD. */
static int date_arg(const char *s, const char *what_zh, const char *what_en, char out[11], zc_lang lang, char *err,
		    size_t errlen)
{
	zc_day d;
	if (s && !zc_day_parse_any(s, &d)) {
		zc_day_format(d, out);
		return 0;
	}
	set_err(err, errlen,
		L("%s '%s' 无效（可写作 " ZC_DAY_FORMS_ZH "）", "invalid %s '%s' (accepted: " ZC_DAY_FORMS_EN ")"),
		L(what_zh, what_en), s ? s : "");
	return ZC_EARG;
}

/* Free text: UTF-8 without control characters, at most ZC_CSV_TEXT_MAX
 * bytes, not blank when required (NULL and "" are absent). */
static int text_arg(const char *s, int required, const char *what_zh, const char *what_en, zc_lang lang, char *err,
		    size_t errlen)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || strspn(s, " \t") == n) {
		if (!required)
			return 0;
		set_err(err, errlen, L("%s不能为空", "the %s must not be empty"), L(what_zh, what_en));
		return ZC_EARG;
	}
	if (n <= ZC_CSV_TEXT_MAX && !zc_csv_valid_text(s, n))
		return 0;
	set_err(err, errlen,
		L("%s无效（UTF-8 文本，不含控制字符，最多 256 字节）",
		  "invalid %s (UTF-8 text without control characters, at most 256 bytes)"),
		L(what_zh, what_en));
	return ZC_EARG;
}

/* The canonical value of an enum argument, or NULL. */
static const char *enum_arg(const zc_csv_enum *values, const char *s, const char *what_zh, const char *what_en,
			    zc_lang lang, char *err, size_t errlen)
{
	const char *v = s ? zc_csv_enum_value(values, s) : NULL;
	if (!v) {
		char list[256];
		zc_csv_enum_list(values, lang, list, sizeof list);
		set_err(err, errlen, L("%s '%s' 无效，应为：%s", "invalid %s '%s', expected one of: %s"),
			L(what_zh, what_en), s ? s : "", list);
	}
	return v;
}

const char *zc_registry_label(const char *value, zc_lang lang)
{
	static const zc_csv_enum *const tables_[] = {zc_csv_levels, zc_csv_duty_kinds, zc_csv_leave_types,
						     zc_csv_results};
	if (!value)
		return "";
	for (size_t t = 0; t < sizeof tables_ / sizeof tables_[0]; t++) {
		const char *canon = zc_csv_enum_value(tables_[t], value);
		for (const zc_csv_enum *v = tables_[t]; canon && v->value; v++)
			if (v->value == canon)
				return lang == ZC_LANG_ZH ? v->alias[0] : v->value;
	}
	return value;
}

/* An entry's columns, checked, in the order of its table. */
typedef struct evals {
	dbval v[8];
	char d1[11], d2[11]; /* dates as stored */
} evals;

static int inspection_vals(const zc_registry_entry *e, int tz, evals *ev, zc_lang lang, char *err, size_t errlen)
{
	dbval *v = ev->v;
	const char *result;
	int rc;
	if ((rc = id_arg(e->village, "村编号", "village id", lang, err, errlen)))
		return rc;
	v[IN_TIME].t = V_INT;
	if (!e->time || zc_time_parse_any(e->time, tz, &v[IN_TIME].i)) {
		set_err(err, errlen,
			L("检查时间 '%s' 无效（" ZC_TIME_FORMS_ZH "）", "invalid time '%s' (" ZC_TIME_FORMS_EN ")"),
			e->time ? e->time : "");
		return ZC_EARG;
	}
	if ((rc = text_arg(e->inspector, 1, "检查人", "inspector", lang, err, errlen)) ||
	    (rc = text_arg(e->note, 0, "备注", "note", lang, err, errlen)))
		return rc;
	if (!(result = enum_arg(zc_csv_results, e->result, "检查结果", "result", lang, err, errlen)))
		return ZC_EARG;
	text_val(&v[IN_VILLAGE], e->village);
	text_val(&v[IN_CADRE], e->cadre);
	text_val(&v[IN_INSPECTOR], e->inspector);
	text_val(&v[IN_RESULT], result);
	text_val(&v[IN_NOTE], e->note ? e->note : "");
	return 0;
}

static int entry_vals(int k, const zc_registry_entry *e, int tz, evals *ev, zc_lang lang, char *err, size_t errlen)
{
	dbval *v = ev->v;
	const char *level, *kind;
	int rc;
	memset(ev, 0, sizeof *ev);
	if ((rc = id_arg(e->cadre, "干部编号", "cadre id", lang, err, errlen)))
		return rc;
	if (k == ZC_K_INSPECTION)
		return inspection_vals(e, tz, ev, lang, err, errlen);
	if (!(level = enum_arg(zc_csv_levels, e->level, "审批级别", "level", lang, err, errlen)))
		return ZC_EARG;
	text_val(&v[0], e->cadre);
	if (k == ZC_K_CORRECTION) {
		if ((rc = date_arg(e->date, "日期", "date", ev->d1, lang, err, errlen)) ||
		    (rc = text_arg(e->reason, 1, "事由", "reason", lang, err, errlen)) ||
		    (rc = text_arg(e->ref, 0, "批文号", "reference", lang, err, errlen)))
			return rc;
		text_val(&v[CO_DATE], ev->d1);
		text_val(&v[CO_LEVEL], level);
		text_val(&v[CO_REASON], e->reason);
		text_val(&v[CO_REF], e->ref ? e->ref : "");
		return 0;
	}
	if ((rc = date_arg(e->start, "开始日期", "start date", ev->d1, lang, err, errlen)) ||
	    (rc = date_arg(e->end, "结束日期", "end date", ev->d2, lang, err, errlen)))
		return rc;
	if (strcmp(ev->d1, ev->d2) > 0) {
		set_err(err, errlen, L("结束日期 %s 早于开始日期 %s", "end %s is before start %s"), ev->d2, ev->d1);
		return ZC_EARG;
	}
	text_val(&v[1], ev->d1);
	text_val(&v[2], ev->d2);
	if (k == ZC_K_DUTY) {
		if (!(kind = enum_arg(zc_csv_duty_kinds, e->kind, "公务类型", "duty kind", lang, err, errlen)))
			return ZC_EARG;
		if ((rc = text_arg(e->place, 0, "地点", "place", lang, err, errlen)) ||
		    (rc = text_arg(e->purpose, 0, "事由", "purpose", lang, err, errlen)))
			return rc;
		text_val(&v[DU_KIND], kind);
		text_val(&v[DU_LEVEL], level);
		text_val(&v[DU_PLACE], e->place ? e->place : "");
		text_val(&v[DU_PURPOSE], e->purpose ? e->purpose : "");
		return 0;
	}
	const char *type = "";
	if (e->type && *e->type &&
	    !(type = enum_arg(zc_csv_leave_types, e->type, "请假类型", "leave type", lang, err, errlen)))
		return ZC_EARG;
	if ((rc = text_arg(e->ref, 0, "批文号", "reference", lang, err, errlen)) ||
	    (rc = text_arg(e->reason, 0, "事由", "reason", lang, err, errlen)))
		return rc;
	text_val(&v[LE_LEVEL], level);
	text_val(&v[LE_REF], e->ref ? e->ref : "");
	text_val(&v[LE_TYPE], type);
	text_val(&v[LE_REASON], e->reason ? e->reason : "");
	return 0;
}

/* Inside the transaction: the references are registered and the key is
 * new (ZC_ENOENT, ZC_EEXIST with *id the stored one), explained in err. */
static int entry_new(imp *m, const zc_registry_entry *e, const dbval *vals, int64_t *id, zc_lang lang, char *err,
		     size_t errlen)
{
	tops *t = &m->t;
	int rc = ref_exists(m, ZC_K_CADRES, e->cadre);
	if (rc == 0)
		set_err(err, errlen, L("干部 %s 未登记", "unknown cadre %s"), e->cadre);
	if (rc > 0 && t->d == &tables[ZC_K_INSPECTION]) {
		rc = ref_exists(m, ZC_K_VILLAGES, e->village);
		if (rc == 0)
			set_err(err, errlen, L("村 %s 未登记", "unknown village %s"), e->village);
	}
	if (rc <= 0) {
		if (rc < 0)
			db_fail(m->db, rc, lang, err, errlen);
		return rc ? rc : ZC_ENOENT;
	}
	rc = 0;
	for (int i = 0; i < t->d->nkeys; i++)
		bind_val(t->sel, i + 1, &vals[i]);
	if (sqlite3_step(t->sel) == SQLITE_ROW) {
		int64_t old = sqlite3_column_int64(t->sel, t->d->ncols);
		if (id)
			*id = old;
		set_err(err, errlen,
			L("已有相同的记录（编号 %" PRId64 "）", "the same entry is stored already (id %" PRId64 ")"),
			old);
		rc = ZC_EEXIST;
	}
	sqlite3_reset(t->sel);
	sqlite3_clear_bindings(t->sel);
	return rc;
}

/* How entries are added: a leave checked against its block (leave_gate). */
typedef struct add_opts {
	zc_store *s;
	int check_leave, force;
	zc_leave_check *chk; /* may be NULL */
	zc_lang lang;	     /* of err */
} add_opts;

/* Inside the transaction, before a leave is written: the check against the
 * store as it is; ZC_ESTATE when it is approved below its block's level and
 * not forced. *source becomes "cli --force" when forced. */
static int leave_gate(const add_opts *o, const evals *ev, const char **source, char *err, size_t errlen)
{
	zc_registry *r = NULL;
	zc_leave_check chk;
	zc_day start, end;
	int rc = zc_registry_load_l(o->s, o->lang, &r, err, errlen);
	if (rc)
		return rc;
	zc_day_parse(ev->d1, &start);
	zc_day_parse(ev->d2, &end);
	rc = zc_registry_leave_check(r, zc_registry_find(r, "cadres", ev->v[LE_CADRE].s), start, end,
				     zc_level_parse(ev->v[LE_LEVEL].s), &chk);
	zc_registry_free(r);
	if (rc)
		return rc;
	if (chk.level < chk.required) {
		if (!o->force) {
			zc_registry_leave_refusal(&chk, o->lang, err, errlen);
			rc = ZC_ESTATE;
		} else {
			chk.forced = 1;
			*source = "cli --force";
		}
	}
	if (o->chk)
		*o->chk = chk;
	return rc;
}

static int add_entries(const add_opts *o, const ekind *ek, const zc_registry_entry *e, size_t n, const char *actor,
		       int64_t *ids, char *err, size_t errlen)
{
	imp m;
	const zc_lang lang = o->lang;
	int tz = 0, rc;

	memset(&m, 0, sizeof m);
	if (ids)
		memset(ids, 0, n * sizeof *ids);
	if (!ek || !o->s || !e || !n)
		return ZC_EARG;
	evals *ev = calloc(n, sizeof *ev);
	if (!ev)
		return ZC_ENOMEM;
	m.db = zc_store_db(o->s);
	rc = begin(m.db, lang, err, errlen);
	if (rc) {
		free(ev);
		return rc;
	}
	if ((rc = store_zone(m.db, &tz)) || (rc = tops_prepare(m.db, &tables[ek->k], &m.t)))
		db_fail(m.db, rc, lang, err, errlen);
	for (size_t i = 0; !rc && i < n; i++)
		rc = entry_vals(ek->k, &e[i], tz, &ev[i], lang, err, errlen);
	actor = actor ? actor : zc_registry_actor();
	for (size_t i = 0; !rc && i < n; i++) {
		const char *source = "cli";
		int outcome;
		int64_t *id = ids ? &ids[i] : NULL;
		rc = entry_new(&m, &e[i], ev[i].v, id, lang, err, errlen);
		if (!rc && o->check_leave)
			rc = leave_gate(o, &ev[i], &source, err, errlen);
		if (!rc && (rc = upsert(m.db, &m.t, ev[i].v, now_ms(), actor, source, &outcome, id)))
			db_fail(m.db, rc, lang, err, errlen);
	}
	if (!rc)
		rc = commit(m.db, lang, err, errlen);
	else
		rollback(m.db);
	tops_free(&m.t);
	for (int i = 0; i < ZC_K_COUNT; i++)
		sqlite3_finalize(m.exists[i]);
	free(ev);
	return rc;
}

int zc_registry_entries_add(zc_store *s, const char *entity, const zc_registry_entry *e, size_t n, const char *actor,
			    zc_lang lang, int64_t *ids, char *err, size_t errlen)
{
	add_opts o = {s, 0, 0, NULL, lang};
	return add_entries(&o, entry_kind(entity, err, errlen), e, n, actor, ids, err, errlen);
}

int zc_registry_entry_add(zc_store *s, const char *entity, const zc_registry_entry *e, const char *actor, zc_lang lang,
			  int64_t *id, char *err, size_t errlen)
{
	int64_t one = 0;
	int rc = zc_registry_entries_add(s, entity, e, 1, actor, lang, &one, err, errlen);
	if (id)
		*id = one;
	return rc;
}

int zc_registry_leave_add(zc_store *s, const zc_registry_entry *e, int force, const char *actor, zc_lang lang,
			  int64_t *id, zc_leave_check *chk, char *err, size_t errlen)
{
	add_opts o = {s, 1, force, chk, lang};
	if (chk)
		memset(chk, 0, sizeof *chk);
	return add_entries(&o, &ekinds[0], e, 1, actor, id, err, errlen);
}

/* The columns of d quoted and joined with ", ". */
static void col_list(const tdesc *d, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (int i = 0; i < d->ncols && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", i ? ", " : "", d->cols[i]);
}

/* Column i of a row as a dbval (valid until the next step). */
static void col_val(sqlite3_stmt *st, int i, dbval *v)
{
	memset(v, 0, sizeof *v);
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
		v->t = V_INT;
		v->i = sqlite3_column_int64(st, i);
	} else {
		text_val(v, col_text(st, i));
	}
}

int zc_registry_entry_remove(zc_store *s, const char *entity, int64_t id, const char *actor, zc_lang lang, char *err,
			     size_t errlen)
{
	const ekind *ek = entry_kind(entity, err, errlen);
	if (!ek || !s)
		return ZC_EARG;
	const tdesc *d = &tables[ek->k];
	sqlite3 *db = zc_store_db(s);
	sqlite3_stmt *sel = NULL, *del = NULL, *aud = NULL;
	char sql[512], cols[256], *before = NULL;
	int rc = begin(db, lang, err, errlen);
	if (rc)
		return rc;
	col_list(d, cols, sizeof cols);
	snprintf(sql, sizeof sql, "SELECT %s, id FROM \"%s\" WHERE id = ?1", cols, d->table);
	rc = sqlite3_prepare_v2(db, sql, -1, &sel, NULL);
	if (rc == SQLITE_OK) {
		snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE id = ?1", d->table);
		rc = sqlite3_prepare_v2(db, sql, -1, &del, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
					"INSERT INTO audit(at_ms, actor, action, entity, key, before_json, after_json, "
					"source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
					-1, &aud, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	sqlite3_bind_int64(sel, 1, id);
	rc = sqlite3_step(sel);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			set_err(err, errlen, L("没有编号为 %" PRId64 " 的记录", "no entry with id %" PRId64), id);
			rc = ZC_ENOENT;
		} else {
			rc = db_err(rc) ? db_err(rc) : ZC_EDB;
			db_fail(db, rc, lang, err, errlen);
		}
		goto fail;
	}
	char key[256];
	dbval kv[4];
	memset(kv, 0, sizeof kv);
	for (int i = 0; i < d->nkeys; i++)
		col_val(sel, i, &kv[i]);
	key_text(d, kv, key, sizeof key);
	before = row_json(d, NULL, sel, id);
	sqlite3_reset(sel);
	if (!before) {
		rc = ZC_ENOMEM;
		goto fail;
	}
	sqlite3_bind_int64(del, 1, id);
	rc = step_done(del);
	if (!rc)
		rc = audit_write(aud, now_ms(), actor ? actor : zc_registry_actor(), "delete", d->entity, key, before,
				 NULL, "cli");
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_finalize(aud);
	free(before);
	return commit(db, lang, err, errlen);
fail:
	rollback(db);
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_finalize(aud);
	free(before);
	return rc;
}

/* An entry of kind k from a row "id, the table's columns"; time (32 bytes)
 * holds an inspection's local time. */
static void entry_of_row(int k, sqlite3_stmt *st, int tz, zc_registry_entry *e, char *time)
{
#define COL(i) (sqlite3_column_type(st, (i) + 1) == SQLITE_NULL ? NULL : col_text(st, (i) + 1))
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->cadre = COL(k == ZC_K_INSPECTION ? IN_CADRE : 0);
	switch (k) {
	case ZC_K_LEAVE:
	case ZC_K_DUTY:
		e->start = COL(1);
		e->end = COL(2);
		e->level = COL(k == ZC_K_LEAVE ? LE_LEVEL : DU_LEVEL);
		if (k == ZC_K_DUTY) {
			e->kind = COL(DU_KIND);
			e->place = COL(DU_PLACE);
			e->purpose = COL(DU_PURPOSE);
		} else {
			e->ref = COL(LE_REF);
			e->type = COL(LE_TYPE);
			e->reason = COL(LE_REASON);
		}
		break;
	case ZC_K_CORRECTION:
		e->date = COL(CO_DATE);
		e->level = COL(CO_LEVEL);
		e->reason = COL(CO_REASON);
		e->ref = COL(CO_REF);
		break;
	default:
		e->village = COL(IN_VILLAGE);
		e->at_ms = sqlite3_column_int64(st, IN_TIME + 1);
		zc_time_format(e->at_ms, tz, time);
		e->time = time;
		e->inspector = COL(IN_INSPECTOR);
		e->result = COL(IN_RESULT);
		e->note = COL(IN_NOTE);
		break;
	}
#undef COL
}

/* Bind the date filter ?2 and ?3 of kind k: 0, or ZC_EARG. */
static int bind_span(sqlite3_stmt *st, int k, const zc_registry_filter *f, int tz, zc_lang lang, char *err,
		     size_t errlen)
{
	const char *days[2] = {f->from, f->to};
	for (int i = 0; i < 2; i++) {
		char text[11];
		zc_day d;
		if (!days[i])
			continue;
		if (date_arg(days[i], i ? "结束日期" : "开始日期", i ? "end date" : "start date", text, lang, err,
			     errlen))
			return ZC_EARG;
		zc_day_parse(text, &d);
		if (k == ZC_K_INSPECTION) /* from the start of the first date to the end of the last */
			sqlite3_bind_int64(st, i + 2, ((int64_t)(d + i) * 86400 - (int64_t)tz * 60) * 1000);
		else
			sqlite3_bind_text(st, i + 2, text, -1, SQLITE_TRANSIENT);
	}
	return 0;
}

int zc_registry_entries_where(zc_store *s, const char *entity, const zc_registry_filter *f, zc_registry_entry_fn fn,
			      void *arg, zc_lang lang, char *err, size_t errlen)
{
	const ekind *ek = entry_kind(entity, err, errlen);
	zc_registry_filter all = {0};
	if (!f)
		f = &all;
	if (!ek || !s || !fn || (f->village && ek->k != ZC_K_INSPECTION))
		return ZC_EARG;
	const tdesc *d = &tables[ek->k];
	sqlite3 *db = zc_store_db(s);
	char sql[1024], cols[256], time[32];
	int tz, rc = store_zone(db, &tz);
	if (rc)
		return rc;
	col_list(d, cols, sizeof cols);
	snprintf(sql, sizeof sql,
		 "SELECT id, %s FROM \"%s\" WHERE (?1 IS NULL OR cadre_id = ?1) AND (?2 IS NULL OR %s) "
		 "AND (?3 IS NULL OR %s) %s ORDER BY %s",
		 cols, d->table, ek->lo, ek->hi, ek->k == ZC_K_INSPECTION ? "AND (?4 IS NULL OR village_id = ?4)" : "",
		 ek->order);
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		return rc;
	}
	if (f->cadre)
		sqlite3_bind_text(st, 1, f->cadre, -1, SQLITE_STATIC);
	if (f->village)
		sqlite3_bind_text(st, 4, f->village, -1, SQLITE_STATIC);
	rc = bind_span(st, ek->k, f, tz, lang, err, errlen);
	int src = SQLITE_DONE;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		zc_registry_entry e;
		entry_of_row(ek->k, st, tz, &e, time);
		rc = fn(arg, &e);
	}
	if (!rc && src != SQLITE_DONE) {
		rc = db_err(src) ? db_err(src) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
	}
	sqlite3_finalize(st);
	return rc;
}

int zc_registry_entries(zc_store *s, const char *entity, const char *cadre, zc_registry_entry_fn fn, void *arg)
{
	zc_registry_filter f = {0};
	f.cadre = cadre;
	return zc_registry_entries_where(s, entity, &f, fn, arg, ZC_LANG_ZH, NULL, 0);
}

/* ---- audit ---- */

int zc_registry_audit(zc_store *s, const char *entity, zc_audit_fn fn, void *arg)
{
	if (!s || !fn)
		return ZC_EARG;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(zc_store_db(s),
				    "SELECT id, at_ms, actor, action, entity, key, before_json, after_json, source "
				    "FROM audit WHERE ?1 IS NULL OR entity = ?1 ORDER BY id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	if (entity)
		sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	rc = 0;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		zc_audit_row a;
		a.id = sqlite3_column_int64(st, 0);
		a.at_ms = sqlite3_column_int64(st, 1);
		a.actor = col_text(st, 2);
		a.action = col_text(st, 3);
		a.entity = col_text(st, 4);
		a.key = col_text(st, 5);
		a.before_json = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : col_text(st, 6);
		a.after_json = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : col_text(st, 7);
		a.source = col_text(st, 8);
		if ((rc = fn(arg, &a)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_err(src) ? db_err(src) : ZC_EDB;
	sqlite3_finalize(st);
	return rc;
}

/* ---- badge CAs and revocation lists ---- */

static int audit_one(sqlite3 *db, const char *actor, const char *entity, const char *key, const char *after)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT INTO audit(at_ms, actor, action, entity, key, before_json, after_json, "
				    "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	rc = audit_write(st, now_ms(), actor ? actor : zc_registry_actor(), "insert", entity, key, NULL, after, "cli");
	sqlite3_finalize(st);
	return rc;
}

int zc_registry_ca_add_l(zc_store *s, const uint8_t *buf, size_t len, const char *actor, zc_lang lang,
			 uint8_t fp[ZC_HASH_LEN], int *added, char *err, size_t errlen)
{
	zc_badge_ca *ca = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t f[ZC_HASH_LEN];
	char hex[2 * ZC_HASH_LEN + 1];
	int rc;

	if (added)
		*added = 0;
	if (!s || !buf) {
		set_err(err, errlen, "no certificate given");
		return ZC_EARG;
	}
	rc = zc_badge_ca_parse(buf, len, &ca);
	if (rc) {
		set_err(err, errlen, "%s",
			L("不是 CA 证书（需要 PEM 或 DER 格式、P-256 密钥、basicConstraints cA）",
			  "not a CA certificate (PEM or DER, a P-256 key, basicConstraints cA)"));
		return rc == ZC_ENOMEM ? rc : ZC_EMALFORMED;
	}
	zc_badge_ca_fingerprint(ca, f);
	if (fp)
		memcpy(fp, f, ZC_HASH_LEN);
	zc_hex(f, ZC_HASH_LEN, hex);
	hex[2 * ZC_HASH_LEN] = 0;
	size_t dlen;
	const uint8_t *der = zc_badge_ca_der(ca, &dlen);
	sqlite3 *db = zc_store_db(s);
	rc = begin(db, lang, err, errlen);
	if (rc)
		goto out;
	rc = sqlite3_prepare_v2(db,
				"INSERT INTO badge_cas(fp, der, added_ms) VALUES (?1, ?2, ?3) "
				"ON CONFLICT(fp) DO NOTHING",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, f, ZC_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, der, (int)dlen, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now_ms());
		rc = step_done(st);
	} else {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	if (!rc && sqlite3_changes(db) > 0) {
		if (added)
			*added = 1;
		json_t *o = json_pack("{s:s, s:s, s:s}", "fp", hex, "name", zc_badge_ca_name(ca), "district",
				      zc_badge_ca_district(ca));
		char *after = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		rc = after ? audit_one(db, actor, "ca", hex, after) : ZC_ENOMEM;
		free(after);
	}
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		rollback(db);
	} else {
		rc = commit(db, lang, err, errlen);
	}
out:
	sqlite3_finalize(st);
	zc_badge_ca_free(ca);
	return rc;
}

int zc_registry_ca_add(zc_store *s, const uint8_t *buf, size_t len, const char *actor, uint8_t fp[ZC_HASH_LEN],
		       int *added, char *err, size_t errlen)
{
	return zc_registry_ca_add_l(s, buf, len, actor, ZC_LANG_ZH, fp, added, err, errlen);
}

int zc_registry_revocations_install_l(zc_store *s, const uint8_t *buf, size_t len, const char *actor, zc_lang lang,
				      uint64_t *number, int *changed, char *err, size_t errlen)
{
	zc_revlist l;
	zc_revlist_error re;
	zc_badge_ca *ca = NULL;
	sqlite3_stmt *st = NULL;
	char hex[2 * ZC_HASH_LEN + 1];
	int rc;

	memset(&l, 0, sizeof l);
	memset(&re, 0, sizeof re);
	if (number)
		*number = 0;
	if (changed)
		*changed = 0;
	if (!s || !buf) {
		set_err(err, errlen, "no revocation list given");
		return ZC_EARG;
	}
	rc = zc_revlist_decode(buf, len, &l, NULL, &re);
	if (rc) {
		set_err(err, errlen,
			L("不是有效的吊销列表（ZRL1）：字段 %s，偏移 %zu：%s",
			  "not a valid revocation list (ZRL1): field %s at offset %zu: %s"),
			re.field ? re.field : "?", re.offset, re.why ? re.why : zc_strerror(rc));
		return rc;
	}
	if (number)
		*number = l.number;
	zc_hex(l.ca_fp, ZC_HASH_LEN, hex);
	hex[2 * ZC_HASH_LEN] = 0;
	sqlite3 *db = zc_store_db(s);
	rc = begin(db, lang, err, errlen);
	if (rc)
		goto out;
	rc = sqlite3_prepare_v2(db, "SELECT der FROM badge_cas WHERE fp = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	sqlite3_bind_blob(st, 1, l.ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		set_err(err, errlen,
			L("吊销列表由未受信任的 CA（%.16s…）签发；先用 zhucun ca add 添加该 CA",
			  "the list is signed by a CA this host does not trust (%.16s...); add it with zhucun ca add"),
			hex);
		rc = ZC_ENOENT;
		goto fail;
	}
	rc = zc_badge_ca_parse(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &ca);
	sqlite3_finalize(st);
	st = NULL;
	if (rc) {
		set_err(err, errlen, "%s", L("已存的 CA 证书已损坏", "the stored CA certificate is damaged"));
		rc = ZC_ECORRUPT;
		goto fail;
	}
	/* the installed list first, so that the CA object refuses rollbacks */
	uint64_t installed = 0;
	rc = sqlite3_prepare_v2(
	    db, "SELECT raw, number FROM revocation_lists WHERE ca_fp = ?1 ORDER BY number DESC LIMIT 1", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	sqlite3_bind_blob(st, 1, l.ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		installed = (uint64_t)sqlite3_column_int64(st, 1);
		if (zc_badge_ca_set_revocations(ca, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
						NULL)) {
			set_err(err, errlen, "%s",
				L("已安装的吊销列表已损坏", "the installed revocation list is damaged"));
			rc = ZC_ECORRUPT;
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = zc_badge_ca_set_revocations(ca, buf, len, &re);
	if (rc == ZC_ESIG) {
		set_err(err, errlen, "%s",
			L("吊销列表的签名无法用该 CA 验证", "the list's signature does not verify with its CA"));
		goto fail;
	}
	if (rc == ZC_ESTATE) {
		if (l.number < installed)
			set_err(err, errlen,
				L("拒绝回退：吊销列表 %llu 比已安装的 %llu 旧",
				  "refused: list %llu is older than the installed list %llu (a rollback)"),
				(unsigned long long)l.number, (unsigned long long)installed);
		else
			set_err(err, errlen,
				L("拒绝：已安装了另一份编号为 %llu 的吊销列表",
				  "refused: a different list numbered %llu is installed"),
				(unsigned long long)l.number);
		goto fail;
	}
	if (rc) {
		set_err(err, errlen, L("吊销列表无效：%s", "invalid revocation list: %s"),
			re.why ? re.why : zc_strerror(rc));
		goto fail;
	}
	if (l.number == installed) {
		rc = 0; /* the same list again */
		goto fail;
	}
	rc = sqlite3_prepare_v2(
	    db, "INSERT INTO revocation_lists(ca_fp, number, raw, installed_ms) VALUES (?1, ?2, ?3, ?4)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, l.ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)l.number);
		sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now_ms());
		rc = step_done(st);
	} else {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	if (!rc) {
		char key[96];
		snprintf(key, sizeof key, "%s,%llu", hex, (unsigned long long)l.number);
		json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "ca_fp", hex, "number", (json_int_t)l.number, "entries",
				      (json_int_t)l.count, "issued_ms", (json_int_t)l.issued_ms);
		char *after = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		rc = after ? audit_one(db, actor, "revocations", key, after) : ZC_ENOMEM;
		free(after);
	}
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	if (changed)
		*changed = 1;
	sqlite3_finalize(st);
	st = NULL;
	rc = commit(db, lang, err, errlen);
	goto out;
fail:
	rollback(db);
out:
	sqlite3_finalize(st);
	zc_badge_ca_free(ca);
	zc_revlist_clear(&l);
	return rc;
}

int zc_registry_revocations_install(zc_store *s, const uint8_t *buf, size_t len, const char *actor, uint64_t *number,
				    int *changed, char *err, size_t errlen)
{
	return zc_registry_revocations_install_l(s, buf, len, actor, ZC_LANG_ZH, number, changed, err, errlen);
}

int zc_registry_cas(zc_store *s, zc_registry_ca_fn fn, void *arg)
{
	if (!s || !fn)
		return ZC_EARG;
	sqlite3 *db = zc_store_db(s);
	sqlite3_stmt *st = NULL, *rl = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT fp, der, added_ms FROM badge_cas ORDER BY fp", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
					"SELECT number, raw, installed_ms FROM revocation_lists WHERE ca_fp = ?1 "
					"ORDER BY number DESC LIMIT 1",
					-1, &rl, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	rc = 0;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		zc_registry_ca_info ci;
		zc_badge_ca *ca = NULL;
		memset(&ci, 0, sizeof ci);
		if (sqlite3_column_bytes(st, 0) == ZC_HASH_LEN)
			memcpy(ci.fp, sqlite3_column_blob(st, 0), ZC_HASH_LEN);
		ci.added_ms = sqlite3_column_int64(st, 2);
		ci.name = ci.district = "";
		if (!zc_badge_ca_parse(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &ca)) {
			ci.name = zc_badge_ca_name(ca);
			ci.district = zc_badge_ca_district(ca);
			zc_badge_ca_validity(ca, &ci.valid_from_ms, &ci.valid_to_ms);
		}
		sqlite3_bind_blob(rl, 1, ci.fp, ZC_HASH_LEN, SQLITE_STATIC);
		if (sqlite3_step(rl) == SQLITE_ROW) {
			zc_revlist l;
			memset(&l, 0, sizeof l);
			ci.revlist_number = (uint64_t)sqlite3_column_int64(rl, 0);
			ci.revlist_installed_ms = sqlite3_column_int64(rl, 2);
			if (!zc_revlist_decode(sqlite3_column_blob(rl, 1), (size_t)sqlite3_column_bytes(rl, 1), &l,
					       NULL, NULL))
				ci.revoked = l.count;
			zc_revlist_clear(&l);
		}
		sqlite3_reset(rl);
		rc = fn(arg, &ci);
		zc_badge_ca_free(ca);
		if (rc)
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_err(src) ? db_err(src) : ZC_EDB;
	sqlite3_finalize(st);
	sqlite3_finalize(rl);
	return rc;
}

/* ---- load ---- */

typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} chunk;

typedef struct arena {
	chunk *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	if (!a->head || a->head->cap - a->head->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		chunk *c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

static void arena_free(arena *a)
{
	while (a && a->head) {
		chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

typedef struct loader {
	sqlite3 *db;
	arena *a;
	char *err;
	size_t errlen;
	zc_registry *r;
	zc_lang lang; /* of err */
} loader;

static const char *astr(loader *L, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	char *p = arena_alloc(L->a, (size_t)n + 1);
	if (!p)
		return NULL;
	memcpy(p, t ? (const char *)t : "", (size_t)n);
	p[n] = 0;
	return p;
}

static const uint8_t *ablob(loader *L, sqlite3_stmt *st, int i, size_t *len)
{
	int n = sqlite3_column_bytes(st, i);
	const void *b = sqlite3_column_blob(st, i);
	uint8_t *p = arena_alloc(L->a, (size_t)n);
	if (p && n)
		memcpy(p, b, (size_t)n);
	*len = (size_t)n;
	return p;
}

/* Prepare sql; count its rows with "SELECT count(*) FROM (sql)"; allocate
 * n * size bytes. */
static int open_query(loader *L, const char *sql, sqlite3_stmt **st, size_t size, void **arr, size_t *n)
{
	char csql[1024];
	sqlite3_stmt *c = NULL;
	*st = NULL;
	*arr = NULL;
	*n = 0;
	snprintf(csql, sizeof csql, "SELECT count(*) FROM (%s)", sql);
	int rc = sqlite3_prepare_v2(L->db, csql, -1, &c, NULL);
	if (rc == SQLITE_OK && sqlite3_step(c) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(c, 0);
	else if (rc == SQLITE_OK)
		rc = sqlite3_errcode(L->db);
	sqlite3_finalize(c);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(L->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		const zc_lang lang = L->lang;
		set_err(L->err, L->errlen, L("数据库错误：%s", "database error: %s"), sqlite3_errmsg(L->db));
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	*arr = arena_alloc(L->a, (*n ? *n : 1) * size);
	if (!*arr) {
		sqlite3_finalize(*st);
		*st = NULL;
		return ZC_ENOMEM;
	}
	memset(*arr, 0, (*n ? *n : 1) * size);
	return 0;
}

/* open_query, and an array for the n rows' ids. */
static int open_query_ids(loader *L, const char *sql, sqlite3_stmt **st, size_t size, void **arr, int64_t **ids,
			  size_t *n)
{
	int rc = open_query(L, sql, st, size, arr, n);
	if (rc)
		return rc;
	*ids = arena_alloc(L->a, (*n ? *n : 1) * sizeof **ids);
	if (!*ids) {
		sqlite3_finalize(*st);
		*st = NULL;
		return ZC_ENOMEM;
	}
	return 0;
}

/* Index of id in arr (sorted by its first member, a const char *id). */
static int find_id(const void *arr, size_t n, size_t stride, const char *id)
{
	size_t lo = 0, hi = n;
	if (!id)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = *(const char *const *)((const char *)arr + mid * stride);
		int c = strcmp(k, id);
		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int corrupt(loader *L, const char *what, const char *row, const char *detail)
{
	const zc_lang lang = L->lang;
	set_err(L->err, L->errlen, L("登记数据有误：%s %s：%s", "registry damaged: %s %s: %s"), what, row ? row : "",
		detail);
	return ZC_ECORRUPT;
}

static int day_col(loader *L, sqlite3_stmt *st, int i, zc_day *d, const char *what, const char *row)
{
	if (zc_day_parse(col_text(st, i), d))
		return corrupt(L, what, row, "bad date");
	return 0;
}

#define IDX(arr, n, id) find_id((arr), (n), sizeof *(arr), (id))

/* One step loop: rc from the step, the row count guard. */
#define ROWS(st, i, n) for (size_t i = 0; i < (n) && sqlite3_step(st) == SQLITE_ROW; i++)

static int load_corrections(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st;
	void *arr;
	size_t n;
	int rc = open_query_ids(L,
				"SELECT id, cadre_id, date, level, reason FROM corrections "
				"ORDER BY cadre_id, date, id",
				&st, sizeof(zc_r_correction), &arr, &r->correction_ids, &n);
	if (rc)
		return rc;
	r->corrections = arr;
	ROWS(st, i, n)
	{
		zc_r_correction *c = &r->corrections[i];
		c->cadre = IDX(r->cadres, r->ncadres, col_text(st, 1));
		if (c->cadre < 0) {
			rc = corrupt(L, "correction", col_text(st, 1), "unknown cadre");
			break;
		}
		if ((rc = day_col(L, st, 2, &c->day, "correction", col_text(st, 1))))
			break;
		c->level = zc_level_parse(col_text(st, 3));
		if (c->level < 0)
			c->level = ZC_LEVEL_NONE;
		if (!(c->reason = astr(L, st, 4))) {
			rc = ZC_ENOMEM;
			break;
		}
		r->correction_ids[i] = sqlite3_column_int64(st, 0);
		r->ncorrections++;
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_inspections(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st;
	void *arr;
	size_t n;
	int rc = open_query_ids(L,
				"SELECT id, cadre_id, village_id, at_ms, result, inspector FROM inspections "
				"ORDER BY cadre_id, at_ms, id",
				&st, sizeof(zc_r_inspection), &arr, &r->inspection_ids, &n);
	if (rc)
		return rc;
	r->inspections = arr;
	ROWS(st, i, n)
	{
		zc_r_inspection *x = &r->inspections[i];
		x->cadre = IDX(r->cadres, r->ncadres, col_text(st, 1));
		x->village = IDX(r->villages, r->nvillages, col_text(st, 2));
		if (x->cadre < 0 || x->village < 0) {
			rc = corrupt(L, "inspection", col_text(st, 1), "unknown cadre or village");
			break;
		}
		x->utc_ms = sqlite3_column_int64(st, 3);
		x->absent = !strcmp(col_text(st, 4), "absent");
		if (!(x->inspector = astr(L, st, 5))) {
			rc = ZC_ENOMEM;
			break;
		}
		r->inspection_ids[i] = sqlite3_column_int64(st, 0);
		r->ninspections++;
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_all(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

	/* policy */
	zc_policy_default(&r->policy);
	rc = open_query(L, "SELECT name, value FROM policy ORDER BY name", &st, 1, &arr, &n);
	if (rc)
		return rc;
	ROWS(st, i, n)
	{
		if (zc_policy_set(&r->policy, col_text(st, 0), col_text(st, 1))) {
			rc = corrupt(L, "policy", col_text(st, 0), col_text(st, 1));
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* calendar */
	for (int w = 0; w < 2; w++) {
		rc = open_query(L,
				w ? "SELECT date FROM calendar WHERE kind = 'workday' ORDER BY date"
				  : "SELECT date FROM calendar WHERE kind = 'holiday' ORDER BY date",
				&st, sizeof(zc_day), &arr, &n);
		if (rc)
			return rc;
		zc_day *days = arr;
		size_t got = 0;
		ROWS(st, i, n)
		{
			if ((rc = day_col(L, st, 0, &days[i], "calendar", col_text(st, 0))))
				break;
			got++;
		}
		sqlite3_finalize(st);
		if (rc)
			return rc;
		if (w) {
			r->workdays = days;
			r->nworkdays = got;
		} else {
			r->holidays = days;
			r->nholidays = got;
		}
	}
	/* districts */
	rc = open_query(L, "SELECT id, name FROM districts ORDER BY id", &st, sizeof(zc_r_district), &arr, &n);
	if (rc)
		return rc;
	r->districts = arr;
	ROWS(st, i, n)
	{
		r->districts[i].id = astr(L, st, 0);
		r->districts[i].name = astr(L, st, 1);
		if (!r->districts[i].id) {
			rc = ZC_ENOMEM;
			break;
		}
		r->ndistricts++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* townships */
	rc = open_query(L, "SELECT id, name, district_id FROM townships ORDER BY id", &st, sizeof(zc_r_township), &arr,
			&n);
	if (rc)
		return rc;
	r->townships = arr;
	ROWS(st, i, n)
	{
		zc_r_township *t = &r->townships[i];
		t->id = astr(L, st, 0);
		t->name = astr(L, st, 1);
		if (!t->id) {
			rc = ZC_ENOMEM;
			break;
		}
		t->district = IDX(r->districts, r->ndistricts, col_text(st, 2));
		if (t->district < 0) {
			rc = corrupt(L, "townships", t->id, "unknown district");
			break;
		}
		r->ntownships++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* villages */
	rc = open_query(L, "SELECT id, name, township_id, rate_fen FROM villages ORDER BY id", &st,
			sizeof(zc_r_village), &arr, &n);
	if (rc)
		return rc;
	r->villages = arr;
	ROWS(st, i, n)
	{
		zc_r_village *v = &r->villages[i];
		v->id = astr(L, st, 0);
		v->name = astr(L, st, 1);
		if (!v->id) {
			rc = ZC_ENOMEM;
			break;
		}
		v->township = IDX(r->townships, r->ntownships, col_text(st, 2));
		v->rate_fen =
		    sqlite3_column_type(st, 3) == SQLITE_NULL ? r->policy.daily_rate_fen : sqlite3_column_int64(st, 3);
		if (v->township < 0) {
			rc = corrupt(L, "villages", v->id, "unknown township");
			break;
		}
		r->nvillages++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* terminals */
	rc = open_query(L, "SELECT id, township_id FROM registry_terminals ORDER BY id", &st, sizeof(zc_r_terminal),
			&arr, &n);
	if (rc)
		return rc;
	r->terminals = arr;
	ROWS(st, i, n)
	{
		zc_r_terminal *t = &r->terminals[i];
		t->id = astr(L, st, 0);
		if (!t->id) {
			rc = ZC_ENOMEM;
			break;
		}
		t->township = IDX(r->townships, r->ntownships, col_text(st, 1));
		if (t->township < 0) {
			rc = corrupt(L, "terminals", t->id, "unknown township");
			break;
		}
		r->nterminals++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* cadres */
	rc = open_query(L, "SELECT id, name, role, party_since, work_since, unit FROM cadres ORDER BY id", &st,
			sizeof(zc_r_cadre), &arr, &n);
	if (rc)
		return rc;
	r->cadres = arr;
	ROWS(st, i, n)
	{
		zc_r_cadre *c = &r->cadres[i];
		c->id = astr(L, st, 0);
		c->name = astr(L, st, 1);
		c->unit = astr(L, st, 5);
		if (!c->id) {
			rc = ZC_ENOMEM;
			break;
		}
		c->role = !strcmp(col_text(st, 2), "first_secretary") ? ZC_ROLE_FIRST_SECRETARY : ZC_ROLE_MEMBER;
		c->has_party = sqlite3_column_type(st, 3) != SQLITE_NULL;
		if (c->has_party && (rc = day_col(L, st, 3, &c->party_since, "cadres", c->id)))
			break;
		if ((rc = day_col(L, st, 4, &c->work_since, "cadres", c->id)))
			break;
		r->ncadres++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* assignments */
	rc = open_query(
	    L, "SELECT cadre_id, village_id, start, \"end\" FROM assignments ORDER BY cadre_id, start, village_id", &st,
	    sizeof(zc_r_assignment), &arr, &n);
	if (rc)
		return rc;
	r->assignments = arr;
	ROWS(st, i, n)
	{
		zc_r_assignment *a = &r->assignments[i];
		a->cadre = IDX(r->cadres, r->ncadres, col_text(st, 0));
		a->village = IDX(r->villages, r->nvillages, col_text(st, 1));
		if (a->cadre < 0 || a->village < 0) {
			rc = corrupt(L, "assignments", col_text(st, 0), "unknown cadre or village");
			break;
		}
		if ((rc = day_col(L, st, 2, &a->start, "assignments", col_text(st, 0))) ||
		    (rc = day_col(L, st, 3, &a->end, "assignments", col_text(st, 0))))
			break;
		r->nassignments++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* leave and duty */
	for (int k = 0; k < 2; k++) {
		const char *sql = k ? "SELECT id, cadre_id, start, \"end\", kind, level FROM duty "
				      "ORDER BY cadre_id, start, \"end\", id"
				    : "SELECT id, cadre_id, start, \"end\", level, ref FROM leave "
				      "ORDER BY cadre_id, start, \"end\", id";
		int64_t *ids;
		rc = open_query_ids(L, sql, &st, k ? sizeof(zc_r_duty) : sizeof(zc_r_leave), &arr, &ids, &n);
		if (rc)
			return rc;
		size_t got = 0;
		ROWS(st, i, n)
		{
			int cadre = IDX(r->cadres, r->ncadres, col_text(st, 1));
			zc_day a, b;
			if (cadre < 0) {
				rc = corrupt(L, k ? "duty" : "leave", col_text(st, 1), "unknown cadre");
				break;
			}
			if ((rc = day_col(L, st, 2, &a, k ? "duty" : "leave", col_text(st, 1))) ||
			    (rc = day_col(L, st, 3, &b, k ? "duty" : "leave", col_text(st, 1))))
				break;
			ids[i] = sqlite3_column_int64(st, 0);
			if (k) {
				zc_r_duty *d = &((zc_r_duty *)arr)[i];
				const char *kind = col_text(st, 4);
				d->cadre = cadre;
				d->start = a;
				d->end = b;
				d->kind = !strcmp(kind, "trip")	     ? ZC_DUTY_TRIP
					  : !strcmp(kind, "meeting") ? ZC_DUTY_MEETING
								     : ZC_DUTY_TRAINING;
				d->level = zc_level_parse(col_text(st, 5));
				if (d->level < 0)
					d->level = ZC_LEVEL_NONE;
			} else {
				zc_r_leave *lv = &((zc_r_leave *)arr)[i];
				lv->cadre = cadre;
				lv->start = a;
				lv->end = b;
				lv->level = zc_level_parse(col_text(st, 4));
				if (lv->level < 0)
					lv->level = ZC_LEVEL_NONE;
				lv->ref = astr(L, st, 5);
			}
			got++;
		}
		sqlite3_finalize(st);
		if (rc)
			return rc;
		if (k) {
			r->duties = arr;
			r->duty_ids = ids;
			r->nduties = got;
		} else {
			r->leaves = arr;
			r->leave_ids = ids;
			r->nleaves = got;
		}
	}
	if ((rc = load_corrections(L)) || (rc = load_inspections(L)))
		return rc;
	/* badges */
	rc = open_query(L,
			"SELECT badge_id, cadre_id, bound_from, bound_to, kind, uid, cert_fp FROM badges "
			"ORDER BY badge_id, bound_from, cadre_id",
			&st, sizeof(zc_r_badge), &arr, &n);
	if (rc)
		return rc;
	r->badges = arr;
	r->badge_extra = arena_alloc(L->a, (n ? n : 1) * sizeof *r->badge_extra);
	if (!r->badge_extra) {
		sqlite3_finalize(st);
		return ZC_ENOMEM;
	}
	memset(r->badge_extra, 0, (n ? n : 1) * sizeof *r->badge_extra);
	ROWS(st, i, n)
	{
		zc_r_badge *b = &r->badges[i];
		zc_registry_badge_extra *x = &r->badge_extra[i];
		b->id = astr(L, st, 0);
		if (!b->id) {
			rc = ZC_ENOMEM;
			break;
		}
		b->cadre = IDX(r->cadres, r->ncadres, col_text(st, 1));
		if (b->cadre < 0) {
			rc = corrupt(L, "badges", b->id, "unknown cadre");
			break;
		}
		if ((rc = day_col(L, st, 2, &b->bound_from, "badges", b->id)))
			break;
		b->bound_to = ZC_DAY_NEVER;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL &&
		    (rc = day_col(L, st, 3, &b->bound_to, "badges", b->id)))
			break;
		x->kind_uid = !strcmp(col_text(st, 4), "uid");
		b->uid_only = x->kind_uid;
		b->revoked_at_ms = INT64_MAX;
		int ul = sqlite3_column_bytes(st, 5);
		if (ul > 0 && ul <= (int)sizeof x->uid) {
			memcpy(x->uid, sqlite3_column_blob(st, 5), (size_t)ul);
			x->uid_len = (size_t)ul;
		}
		if (sqlite3_column_bytes(st, 6) == ZC_HASH_LEN) {
			x->has_cert = 1;
			memcpy(x->cert_fp, sqlite3_column_blob(st, 6), ZC_HASH_LEN);
		}
		r->nbadges++;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* certificates and CAs */
	for (int k = 0; k < 2; k++) {
		rc = open_query(L,
				k ? "SELECT fp, der, NULL FROM badge_cas ORDER BY fp"
				  : "SELECT fp, der, badge_id FROM badge_certs ORDER BY fp",
				&st, sizeof(zc_registry_cert), &arr, &n);
		if (rc)
			return rc;
		zc_registry_cert *c = arr;
		size_t got = 0;
		ROWS(st, i, n)
		{
			if (sqlite3_column_bytes(st, 0) == ZC_HASH_LEN)
				memcpy(c[i].fp, sqlite3_column_blob(st, 0), ZC_HASH_LEN);
			c[i].der = ablob(L, st, 1, &c[i].len);
			c[i].badge = astr(L, st, 2);
			if (!c[i].der) {
				rc = ZC_ENOMEM;
				break;
			}
			got++;
		}
		sqlite3_finalize(st);
		if (rc)
			return rc;
		if (k) {
			r->cas = c;
			r->ncas = got;
		} else {
			r->certs = c;
			r->ncerts = got;
		}
	}
	/* the installed revocation list of each CA */
	rc = open_query(L,
			"SELECT ca_fp, number, raw, installed_ms FROM revocation_lists r WHERE number = "
			"(SELECT max(number) FROM revocation_lists WHERE ca_fp = r.ca_fp) ORDER BY ca_fp",
			&st, sizeof(zc_registry_revlist), &arr, &n);
	if (rc)
		return rc;
	r->revlists = arr;
	int64_t best = INT64_MIN;
	ROWS(st, i, n)
	{
		zc_registry_revlist *l = &r->revlists[i];
		if (sqlite3_column_bytes(st, 0) == ZC_HASH_LEN)
			memcpy(l->ca_fp, sqlite3_column_blob(st, 0), ZC_HASH_LEN);
		l->number = (uint64_t)sqlite3_column_int64(st, 1);
		l->raw = ablob(L, st, 2, &l->len);
		l->installed_ms = sqlite3_column_int64(st, 3);
		if (!l->raw) {
			rc = ZC_ENOMEM;
			break;
		}
		if (!r->revlist || l->installed_ms >= best) {
			best = l->installed_ms; /* the most recently installed list */
			r->revlist = l->raw;
			r->revlist_len = l->len;
		}
		r->nrevlists++;
	}
	sqlite3_finalize(st);
	return rc;
}

int zc_registry_load_l(zc_store *s, zc_lang lang, zc_registry **out, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (!s || !out)
		return ZC_EARG;
	*out = NULL;
	zc_registry *r = calloc(1, sizeof *r);
	arena *a = calloc(1, sizeof *a);
	if (!r || !a) {
		free(r);
		free(a);
		return ZC_ENOMEM;
	}
	r->arena_ = a;
	loader L = {zc_store_db(s), a, err, errlen, r, lang};
	int in_txn = !sqlite3_get_autocommit(L.db);
	int rc = in_txn ? 0 : db_err(sqlite3_exec(L.db, "BEGIN", NULL, NULL, NULL));
	if (!rc)
		rc = load_all(&L);
	if (!in_txn)
		sqlite3_exec(L.db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		if (rc == ZC_ENOMEM && err && errlen && !err[0])
			set_err(err, errlen, "%s", L("内存不足", "out of memory"));
		else if (err && errlen && !err[0])
			set_err(err, errlen, L("数据库错误：%s", "database error: %s"), sqlite3_errmsg(L.db));
		zc_registry_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int zc_registry_load(zc_store *s, zc_registry **out, char *err, size_t errlen)
{
	return zc_registry_load_l(s, ZC_LANG_ZH, out, err, errlen);
}

void zc_registry_free(zc_registry *r)
{
	if (!r)
		return;
	arena_free(r->arena_);
	free(r->arena_);
	free(r);
}

void zc_registry_fill_input(const zc_registry *r, zc_rules_input *in)
{
	in->policy = r->policy;
	in->holidays = r->holidays;
	in->nholidays = r->nholidays;
	in->workdays = r->workdays;
	in->nworkdays = r->nworkdays;
	in->districts = r->districts;
	in->ndistricts = r->ndistricts;
	in->townships = r->townships;
	in->ntownships = r->ntownships;
	in->villages = r->villages;
	in->nvillages = r->nvillages;
	in->terminals = r->terminals;
	in->nterminals = r->nterminals;
	in->cadres = r->cadres;
	in->ncadres = r->ncadres;
	in->assignments = r->assignments;
	in->nassignments = r->nassignments;
	in->leaves = r->leaves;
	in->nleaves = r->nleaves;
	in->duties = r->duties;
	in->nduties = r->nduties;
	in->corrections = r->corrections;
	in->ncorrections = r->ncorrections;
	in->inspections = r->inspections;
	in->ninspections = r->ninspections;
	in->badges = r->badges;
	in->nbadges = r->nbadges;
}

int zc_registry_find(const zc_registry *r, const char *entity, const char *id)
{
	if (!r || !entity || !id)
		return -1;
	if (!strcmp(entity, "districts"))
		return IDX(r->districts, r->ndistricts, id);
	if (!strcmp(entity, "townships"))
		return IDX(r->townships, r->ntownships, id);
	if (!strcmp(entity, "villages"))
		return IDX(r->villages, r->nvillages, id);
	if (!strcmp(entity, "terminals"))
		return IDX(r->terminals, r->nterminals, id);
	if (!strcmp(entity, "cadres"))
		return IDX(r->cadres, r->ncadres, id);
	return -1;
}

/* ---- a leave against the registry ---- */

/* The run [*lo, *hi) of the rows of cadre c in arr (n rows of stride
 * bytes, sorted by the cadre index at offset off of each row). */
static void cadre_run(const void *arr, size_t n, size_t stride, size_t off, int c, size_t *lo, size_t *hi)
{
#define CADRE_AT(i) (*(const int *)((const char *)arr + (i)*stride + off))
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (CADRE_AT(mid) < c)
			a = mid + 1;
		else
			b = mid;
	}
	for (b = a; b < n && CADRE_AT(b) == c; b++)
		;
#undef CADRE_AT
	*lo = a;
	*hi = b;
}

int zc_registry_leave_check(const zc_registry *r, int c, zc_day start, zc_day end, int level, zc_leave_check *out)
{
	zc_rules_input in;
	if (!r || !out || c < 0 || (size_t)c >= r->ncadres || end < start)
		return ZC_EARG;
	memset(out, 0, sizeof *out);
	memset(&in, 0, sizeof in);
	out->cadre = c;
	out->start = start;
	out->end = end;
	out->level = level < 0 ? ZC_LEVEL_NONE : level;
	size_t lo, hi, alo, ahi;
	cadre_run(r->leaves, r->nleaves, sizeof *r->leaves, offsetof(zc_r_leave, cadre), c, &lo, &hi);
	cadre_run(r->assignments, r->nassignments, sizeof *r->assignments, offsetof(zc_r_assignment, cadre), c, &alo,
		  &ahi);
	zc_registry_fill_input(r, &in);
	in.leaves = r->leaves + lo;
	in.nleaves = hi - lo;
	int rc = zc_rules_leave_block(&in, c, start, end, &out->bstart, &out->bend);
	if (rc < 0)
		return rc;
	out->required = rc;
	for (size_t i = lo; i < hi; i++) {
		const zc_r_leave *l = &r->leaves[i];
		if (l->start == start && l->end == end)
			continue; /* the leave itself */
		if (l->start <= out->bend && l->end >= out->bstart && out->njoined++ < ZC_LEAVE_JOINED_MAX) {
			out->joined[out->njoined - 1].id = r->leave_ids[i];
			out->joined[out->njoined - 1].start = l->start;
			out->joined[out->njoined - 1].end = l->end;
			out->joined[out->njoined - 1].level = l->level;
		}
		if (!out->overlap_id && l->start <= end && l->end >= start) {
			out->overlap_id = r->leave_ids[i];
			out->overlap_start = l->start;
			out->overlap_end = l->end;
		}
	}
	for (zc_day d = start; d <= end; d++) {
		size_t k = alo;
		while (k < ahi && !(r->assignments[k].start <= d && r->assignments[k].end >= d))
			k++;
		out->outside_days += k == ahi;
	}
	return 0;
}

const char *zc_registry_grade(int level, zc_lang lang)
{
	switch (level) {
	case ZC_LEVEL_TOWNSHIP: return L("乡镇", "township");
	case ZC_LEVEL_DISTRICT: return L("区级", "district");
	case ZC_LEVEL_CITY: return L("市级", "city");
	default: return L("未", "none");
	}
}

static size_t append_f(char *out, size_t cap, size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t append_f(char *out, size_t cap, size_t n, const char *fmt, ...)
{
	if (n >= cap)
		return n;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out + n, cap - n, fmt, ap);
	va_end(ap);
	return k < 0 ? n : n + (size_t)k;
}

void zc_registry_leave_refusal(const zc_leave_check *c, zc_lang lang, char *out, size_t cap)
{
	char a[11], b[11];
	size_t n = 0;
	if (!cap)
		return;
	out[0] = 0;
	zc_day_format(c->bstart, a);
	zc_day_format(c->bend, b);
	if (!c->njoined) {
		n = append_f(out, cap, n, L("该请假共 %d 天（%s 至 %s）", "the leave is %d days (%s to %s)"),
			     (int)(c->bend - c->bstart + 1), a, b);
	} else {
		n = append_f(
		    out, cap, n, "%s",
		    L("该请假与 ", c->njoined > 1 ? "the leave joins the leaves " : "the leave joins the leave "));
		for (size_t i = 0; i < c->njoined && i < ZC_LEAVE_JOINED_MAX; i++) {
			char x[11], y[11];
			zc_day_format(c->joined[i].start, x);
			zc_day_format(c->joined[i].end, y);
			n = append_f(out, cap, n, L("%s%s 至 %s", "%s%s to %s"), i ? L("、", ", ") : "", x, y);
		}
		if (c->njoined > ZC_LEAVE_JOINED_MAX)
			n = append_f(out, cap, n, L(" 等 %zu 项", " and %zu more"), c->njoined - ZC_LEAVE_JOINED_MAX);
		n = append_f(out, cap, n, L(" 的请假连成 %s 至 %s 共 %d 天", " into one leave %s to %s of %d days"), a,
			     b, (int)(c->bend - c->bstart + 1));
	}
	append_f(out, cap, n, L("，须%s审批；所填审批级别为%s", ", which needs %s approval; the level given is %s"),
		 zc_registry_grade(c->required, lang), zc_registry_label(zc_level_name(c->level), lang));
}

/* The warnings; joined: also about stored leaves of the block now approved
 * below its level. */
static size_t leave_warnings(const zc_leave_check *c, int joined, zc_lang lang, char (*lines)[512], size_t max)
{
	char a[11], b[11];
	size_t n = 0;
	if (c->outside_days && n < max)
		snprintf(lines[n++], 512,
			 L("该请假有 %d 天不在该干部的派驻期内", "the cadre has no assignment on %d days of the leave"),
			 c->outside_days);
	if (c->overlap_id && n < max) {
		zc_day_format(c->overlap_start, a);
		zc_day_format(c->overlap_end, b);
		snprintf(lines[n++], 512,
			 L("该请假与已登记的请假 #%" PRId64 "（%s 至 %s）日期重叠",
			   "the leave overlaps stored leave #%" PRId64 " (%s to %s)"),
			 c->overlap_id, a, b);
	}
	for (size_t i = 0; joined && i < c->njoined && i < ZC_LEAVE_JOINED_MAX && n < max; i++) {
		char x[11], y[11];
		if (c->joined[i].level >= c->required)
			continue;
		zc_day_format(c->joined[i].start, x);
		zc_day_format(c->joined[i].end, y);
		zc_day_format(c->bstart, a);
		zc_day_format(c->bend, b);
		snprintf(lines[n++], 512,
			 L("已登记的请假 #%" PRId64 "（%s 至 %s，%s审批）由此属于 %s 至 %s 共 %d 天的请假，须%s审批，"
			   "将记为审批级别不足",
			   "stored leave #%" PRId64
			   " (%s to %s, approved by %s) is now part of the leave %s to %s of %d "
			   "days, which needs %s approval: it will be reported as approved below its level"),
			 c->joined[i].id, x, y, zc_registry_grade(c->joined[i].level, lang), a, b,
			 (int)(c->bend - c->bstart + 1), zc_registry_grade(c->required, lang));
	}
	return n;
}

size_t zc_registry_leave_warnings(const zc_leave_check *c, zc_lang lang, char (*lines)[512], size_t max)
{
	return c && lines ? leave_warnings(c, 1, lang, lines, max) : 0;
}
