/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry_bulk.c: the bulk load of an empty registry (zc/registry.h,
 * "bulk load"): rows in their stored form, in one transaction, through one
 * prepared insert per table. No import checks and no audit row per row: it
 * refuses a registry that holds anything, so it can only ever build a
 * registry from nothing (a benchmark's province, a restore), never change
 * one; zc_registry_load checks what it built as it checks any store.
 */
#include <stdio.h>

#include "store_registry_internal.h"

struct zc_registry_bulk {
	zc_store *s;
	sqlite3_stmt *ins[ZC_K_COUNT];
	sqlite3_stmt *cert;
	int failed; /* a row failed: commit rolls back */
};

/* The import kind (ZC_K_*) named entity, or -1. */
static int kind_of(const char *entity)
{
	for (int k = 0; entity && k < ZC_K_COUNT; k++)
		if (!strcmp(tables[k].entity, entity))
			return k;
	return -1;
}

/* The public calls below: contracts in zc/registry.h ("bulk load"). */
size_t zc_registry_columns(const char *entity, const char *const **cols)
{
	int k = kind_of(entity);
	if (k < 0)
		return 0;
	if (cols)
		*cols = tables[k].cols;
	return (size_t)tables[k].ncols;
}

/* Whether any registry table (or the badge certificates) has a row: 1, 0,
 * or a negative zc_err. */
static int registry_has_rows(sqlite3 *db)
{
	char sql[160];
	for (int k = 0; k <= ZC_K_COUNT; k++) {
		sqlite3_stmt *st = NULL;
		snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1",
			 k < ZC_K_COUNT ? tables[k].table : "badge_certs");
		int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc != SQLITE_DONE)
			return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	return 0;
}

int zc_registry_bulk_begin(zc_store *s, zc_registry_bulk **out)
{
	if (!s || !out)
		return ZC_EARG;
	*out = NULL;
	if (SQ(s)->batch || !sqlite3_get_autocommit(SQ(s)->db))
		return ZC_ESTATE;
	zc_registry_bulk *b = calloc(1, sizeof *b);
	if (!b)
		return ZC_ENOMEM;
	b->s = s;
	int rc = db_err(sqlite3_exec(SQ(s)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
	if (!rc) {
		rc = registry_has_rows(SQ(s)->db);
		if (rc == 1)
			rc = ZC_ESTATE;
	}
	if (rc) {
		rollback(SQ(s)->db);
		free(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* The insert of kind k, prepared on first use. */
static int insert_of(zc_registry_bulk *b, int k, sqlite3_stmt **st)
{
	if (!b->ins[k]) {
		const tdesc *d = &tables[k];
		char sql[1024];
		size_t w = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\"(", d->table);
		for (int i = 0; i < d->ncols; i++)
			w += (size_t)snprintf(sql + w, sizeof sql - w, "%s\"%s\"", i ? ", " : "", d->cols[i]);
		w += (size_t)snprintf(sql + w, sizeof sql - w, ") VALUES (");
		for (int i = 0; i < d->ncols; i++)
			w += (size_t)snprintf(sql + w, sizeof sql - w, "%s?%d", i ? ", " : "", i + 1);
		snprintf(sql + w, sizeof sql - w, ")");
		int rc = sqlite3_prepare_v2(SQ(b->s)->db, sql, -1, &b->ins[k], NULL);
		if (rc != SQLITE_OK)
			return db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	*st = b->ins[k];
	return 0;
}

int zc_registry_bulk_row(zc_registry_bulk *b, const char *entity, const zc_registry_value *vals, size_t n)
{
	int k = kind_of(entity);
	if (!b || k < 0 || n > (size_t)tables[k].ncols || (n && !vals))
		return ZC_EARG;
	if (b->failed)
		return ZC_ESTATE;
	sqlite3_stmt *st;
	int rc = insert_of(b, k, &st);
	for (size_t i = 0; i < n && !rc; i++) {
		dbval v = {vals[i].type, vals[i].i, vals[i].s, vals[i].b, vals[i].n};
		if ((v.t == V_TEXT && !v.s) || (v.t == V_BLOB && !v.b && v.n) || v.t < V_NULL || v.t > V_BLOB)
			rc = ZC_EARG;
		else
			rc = db_err(bind_val(st, (int)i + 1, &v));
	}
	if (!rc)
		rc = step_done(st);
	else
		sqlite3_clear_bindings(st);
	if (rc && rc != ZC_EARG)
		b->failed = 1;
	return rc;
}

int zc_registry_bulk_cert(zc_registry_bulk *b, const uint8_t *der, size_t len, const char *badge,
			  uint8_t fp[ZC_HASH_LEN])
{
	if (!b || !der || !len || len > INT32_MAX)
		return ZC_EARG;
	if (b->failed)
		return ZC_ESTATE;
	uint8_t h[ZC_HASH_LEN];
	zc_sha256(der, len, h);
	int rc = 0;
	if (!b->cert)
		rc = db_err(sqlite3_prepare_v2(SQ(b->s)->db,
					       "INSERT INTO badge_certs(fp, der, badge_id) VALUES (?1, ?2, ?3)", -1,
					       &b->cert, NULL));
	if (!rc && !b->cert)
		rc = ZC_EDB;
	if (!rc) {
		sqlite3_bind_blob(b->cert, 1, h, ZC_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob(b->cert, 2, der, (int)len, SQLITE_TRANSIENT);
		if (badge)
			sqlite3_bind_text(b->cert, 3, badge, -1, SQLITE_TRANSIENT);
		rc = step_done(b->cert);
	}
	if (rc)
		b->failed = 1;
	else if (fp)
		memcpy(fp, h, ZC_HASH_LEN);
	return rc;
}

/* Finalize b's statements and free it (the transaction is the caller's). */
static void bulk_free(zc_registry_bulk *b)
{
	for (int k = 0; k < ZC_K_COUNT; k++)
		sqlite3_finalize(b->ins[k]);
	sqlite3_finalize(b->cert);
	free(b);
}

int zc_registry_bulk_commit(zc_registry_bulk *b)
{
	if (!b)
		return ZC_EARG;
	sqlite3 *db = SQ(b->s)->db;
	int rc = b->failed ? ZC_ESTATE : 0;
	bulk_free(b);
	if (!rc)
		rc = db_err(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
	if (rc)
		rollback(db);
	return rc;
}

void zc_registry_bulk_abort(zc_registry_bulk *b)
{
	if (!b)
		return;
	sqlite3 *db = SQ(b->s)->db;
	bulk_free(b);
	rollback(db);
}
