/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry_load.c: loading the registry from the host store into
 * engine-shaped arrays (zc_registry_load); split from store_registry.c.
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
/* Step st to its next row: 1 on a row; 0 at the end or on an error, which
 * is then set in *rc (with a sentence in L->err). A read error is never
 * taken for the end of the rows: an allocation failure inside SQLite would
 * otherwise leave a table (the policy, say) half loaded while the load
 * returns 0. */
static int next_row(loader *L, sqlite3_stmt *st, int *rc)
{
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		return 1;
	if (s != SQLITE_DONE && !*rc) {
		const zc_lang lang = L->lang;
		*rc = db_err(s) ? db_err(s) : ZC_EDB;
		if (*rc != ZC_ENOMEM)
			set_err(L->err, L->errlen, L("数据库错误：%s", "database error: %s"), sqlite3_errmsg(L->db));
	}
	return 0;
}

#define ROWS(st, i, n) for (size_t i = 0; i < (n) && next_row(L, st, &rc); i++)

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

/* policy */
static int load_policy(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* calendar */
static int load_calendar(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return 0;
}

/* districts */
static int load_districts(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* townships */
static int load_townships(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* villages */
static int load_villages(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* terminals */
static int load_terminals(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* cadres */
static int load_cadres(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* assignments */
static int load_assignments(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* leave and duty */
static int load_leave_and_duty(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return 0;
}

/* badges */
static int load_badges(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return rc;
}

/* certificates and CAs */
static int load_certs_and_cas(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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
	return 0;
}

/* the installed revocation list of each CA */
static int load_revlists(loader *L)
{
	zc_registry *r = L->r;
	sqlite3_stmt *st = NULL;
	void *arr;
	size_t n;
	int rc;

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

/* The tables in the order they are loaded: each may refer to the ones before. */
/* clang-format off */
static int (*const loaders[])(loader *L) = {
	load_policy, load_calendar, load_districts, load_townships, load_villages, load_terminals,
	load_cadres, load_assignments, load_leave_and_duty, load_corrections, load_inspections,
	load_badges, load_certs_and_cas, load_revlists,
};
/* clang-format on */

static int load_all(loader *L)
{
	for (size_t i = 0; i < sizeof loaders / sizeof *loaders; i++) {
		int rc = loaders[i](L);
		if (rc)
			return rc;
	}
	return 0;
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
