/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_trust.c: the host keys this host takes record bundles from
 * (zc/registry.h, "host keys trusted for bundles"; table trusted_hosts,
 * schema version 5) and the terminal key fingerprint the registry vouches
 * for (registry_terminals.key_fp). Every change of the trust list writes
 * its audit row (entity "trust") in the same transaction, as the registry
 * does. SQLite only, like the other registry calls (host/doc/STORE.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_registry_internal.h"
#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/registry.h"

#define NAME_MAX_BYTES 256

/* {"fp": hex, "name": name} as a JSON text (malloc'd), NULL without memory. */
static char *trust_json(const char *hex, const char *name)
{
	json_t *o = json_pack("{s:s, s:s}", "fp", hex, "name", name);
	char *t = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return t;
}

static int trust_audit(sqlite3 *db, const char *actor, const char *action, const char *hex, const char *before,
		       const char *after)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT INTO audit(at_ms, actor, action, entity, key, before_json, after_json, "
				    "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	rc = audit_write(st, now_ms(), actor ? actor : zc_registry_actor(), action, "trust", hex, before, after, "cli");
	sqlite3_finalize(st);
	return rc;
}

/* The stored name of fp into *name (malloc'd; NULL when not trusted). */
static int stored_name(sqlite3 *db, const uint8_t fp[ZC_HASH_LEN], char **name)
{
	sqlite3_stmt *st = NULL;
	*name = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM trusted_hosts WHERE fp = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_bind_blob(st, 1, fp, ZC_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = (*name = strdup(col_text(st, 0))) ? 0 : ZC_ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Insert or rename, inside the caller's transaction; *outcome as
 * zc_registry_trust_add. */
static int trust_write(sqlite3 *db, const uint8_t fp[ZC_HASH_LEN], const char *pem, const char *name, const char *actor,
		       int *outcome)
{
	char hex[2 * ZC_HASH_LEN + 1], *before_name = NULL, *before = NULL, *after = NULL;
	sqlite3_stmt *st = NULL;
	int rc = stored_name(db, fp, &before_name);
	if (rc)
		return rc;
	zc_hex(fp, ZC_HASH_LEN, hex);
	if (before_name && !strcmp(before_name, name)) {
		*outcome = 2;
		goto out;
	}
	rc = sqlite3_prepare_v2(db,
				before_name
				    ? "UPDATE trusted_hosts SET name = ?2, pubkey_pem = coalesce(?3, pubkey_pem) "
				      "WHERE fp = ?1"
				    : "INSERT INTO trusted_hosts(fp, name, pubkey_pem, added_ms) "
				      "VALUES (?1, ?2, ?3, ?4)",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		goto out;
	}
	sqlite3_bind_blob(st, 1, fp, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (pem)
		sqlite3_bind_text(st, 3, pem, -1, SQLITE_STATIC);
	if (!before_name)
		sqlite3_bind_int64(st, 4, now_ms());
	if ((rc = step_done(st)))
		goto out;
	after = trust_json(hex, name);
	before = before_name ? trust_json(hex, before_name) : NULL;
	if (!after || (before_name && !before)) {
		rc = ZC_ENOMEM;
		goto out;
	}
	rc = trust_audit(db, actor, before_name ? "update" : "insert", hex, before, after);
	*outcome = before_name ? 1 : 0;
out:
	sqlite3_finalize(st);
	free(before_name);
	free(before);
	free(after);
	return rc;
}

int zc_registry_trust_add(zc_store *s, const uint8_t fp[ZC_HASH_LEN], const char *pem, const char *name,
			  const char *actor, int *outcome, zc_lang lang, char *err, size_t errlen)
{
	int dummy;
	if (!outcome)
		outcome = &dummy;
	*outcome = 2;
	sqlite3 *db = s ? zc_store_db(s) : NULL;
	if (!db || !fp) {
		set_err(err, errlen, "%s", L("不支持此数据库", "not supported by this store"));
		return db ? ZC_EARG : ZC_ESTATE;
	}
	if (!name || !*name || strlen(name) > NAME_MAX_BYTES) {
		set_err(err, errlen, "%s",
			L("需要名称（--name，1 至 256 字节）", "a name is needed (--name, 1 to 256 bytes)"));
		return ZC_EARG;
	}
	int rc = begin(db, lang, err, errlen);
	if (rc)
		return rc;
	rc = trust_write(db, fp, pem, name, actor, outcome);
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		rollback(db);
		return rc;
	}
	return commit(db, lang, err, errlen);
}

int zc_registry_trust_remove(zc_store *s, const uint8_t fp[ZC_HASH_LEN], const char *actor, zc_lang lang, char *err,
			     size_t errlen)
{
	char hex[2 * ZC_HASH_LEN + 1], *name = NULL, *before = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = s ? zc_store_db(s) : NULL;
	if (!db || !fp) {
		set_err(err, errlen, "%s", L("不支持此数据库", "not supported by this store"));
		return db ? ZC_EARG : ZC_ESTATE;
	}
	zc_hex(fp, ZC_HASH_LEN, hex);
	int rc = begin(db, lang, err, errlen);
	if (rc)
		return rc;
	if ((rc = stored_name(db, fp, &name)))
		goto fail;
	if (!name) {
		rollback(db);
		set_err(err, errlen, L("主机密钥 %s 不在信任列表中", "host key %s is not trusted here"), hex);
		return ZC_ENOENT;
	}
	rc = sqlite3_prepare_v2(db, "DELETE FROM trusted_hosts WHERE fp = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		goto fail;
	}
	sqlite3_bind_blob(st, 1, fp, ZC_HASH_LEN, SQLITE_STATIC);
	if ((rc = step_done(st)))
		goto fail;
	if (!(before = trust_json(hex, name))) {
		rc = ZC_ENOMEM;
		goto fail;
	}
	if ((rc = trust_audit(db, actor, "delete", hex, before, NULL)))
		goto fail;
	sqlite3_finalize(st);
	free(name);
	free(before);
	return commit(db, lang, err, errlen);
fail:
	db_fail(db, rc, lang, err, errlen);
	rollback(db);
	sqlite3_finalize(st);
	free(name);
	free(before);
	return rc;
}

int zc_registry_trusted(zc_store *s, const uint8_t fp[ZC_HASH_LEN], char *name, size_t cap)
{
	sqlite3 *db = s ? zc_store_db(s) : NULL;
	char *n = NULL;
	if (!db || !fp)
		return db ? ZC_EARG : ZC_ESTATE;
	int rc = stored_name(db, fp, &n);
	if (!rc && !n)
		rc = ZC_ENOENT;
	if (!rc && name && cap)
		snprintf(name, cap, "%s", n);
	free(n);
	return rc;
}

int zc_registry_trust_list(zc_store *s, zc_trust_fn fn, void *arg)
{
	sqlite3 *db = s ? zc_store_db(s) : NULL;
	sqlite3_stmt *st = NULL;
	if (!db || !fn)
		return db ? ZC_EARG : ZC_ESTATE;
	int rc = sqlite3_prepare_v2(
	    db, "SELECT fp, name, pubkey_pem, added_ms FROM trusted_hosts ORDER BY added_ms, fp", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		zc_trusted_host h;
		memset(&h, 0, sizeof h);
		if (sqlite3_column_bytes(st, 0) == ZC_HASH_LEN)
			memcpy(h.fp, sqlite3_column_blob(st, 0), ZC_HASH_LEN);
		h.name = col_text(st, 1);
		h.pubkey_pem = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col_text(st, 2);
		h.added_ms = sqlite3_column_int64(st, 3);
		int r = fn(arg, &h);
		if (r) {
			sqlite3_finalize(st);
			return r;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_finalize(st);
	return rc;
}

int zc_registry_terminal_fp(zc_store *s, const char *terminal, uint8_t fp[ZC_HASH_LEN])
{
	sqlite3 *db = s ? zc_store_db(s) : NULL;
	sqlite3_stmt *st = NULL;
	if (!db || !terminal || !fp)
		return db ? ZC_EARG : ZC_ESTATE;
	int rc = sqlite3_prepare_v2(db, "SELECT key_fp FROM registry_terminals WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_type(st, 0) == SQLITE_NULL || zc_unhex(col_text(st, 0), fp, ZC_HASH_LEN) ? ZC_ENOENT
													     : 0;
	else
		rc = rc == SQLITE_DONE ? ZC_ENOENT : db_err(rc) ? db_err(rc) : ZC_EDB;
	sqlite3_finalize(st);
	return rc;
}
