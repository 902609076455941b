/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry_entries.c: leave, duty, corrections and inspections added,
 * removed and listed one at a time (zc/registry.h); split from
 * store_registry.c.
 */
#include "zc/registry.h"
#include "registry_csv.h"
#include "store_registry_internal.h"

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
