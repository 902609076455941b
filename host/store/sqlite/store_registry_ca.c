/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry_ca.c: the badge CAs and revocation lists trusted by the host
 * (zc/registry.h); split from store_registry.c.
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

/* Inside the transaction of an install: the trusted CA of the list l (into
 * *ca, which the caller frees) with the installed list of that CA set, and
 * that list's number (0 if none). */
static int revlist_ca(sqlite3 *db, const zc_revlist *l, const char *hex, zc_lang lang, zc_badge_ca **ca,
		      uint64_t *installed, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*installed = 0;
	rc = sqlite3_prepare_v2(db, "SELECT der FROM badge_cas WHERE fp = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		goto done;
	}
	sqlite3_bind_blob(st, 1, l->ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		set_err(err, errlen,
			L("吊销列表由未受信任的 CA（%.16s…）签发；先用 zhucun ca add 添加该 CA",
			  "the list is signed by a CA this host does not trust (%.16s...); add it with zhucun ca add"),
			hex);
		rc = ZC_ENOENT;
		goto done;
	}
	rc = zc_badge_ca_parse(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), ca);
	sqlite3_finalize(st);
	st = NULL;
	if (rc) {
		set_err(err, errlen, "%s", L("已存的 CA 证书已损坏", "the stored CA certificate is damaged"));
		rc = ZC_ECORRUPT;
		goto done;
	}
	/* the installed list first, so that the CA object refuses rollbacks */
	rc = sqlite3_prepare_v2(
	    db, "SELECT raw, number FROM revocation_lists WHERE ca_fp = ?1 ORDER BY number DESC LIMIT 1", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
		db_fail(db, rc, lang, err, errlen);
		goto done;
	}
	sqlite3_bind_blob(st, 1, l->ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*installed = (uint64_t)sqlite3_column_int64(st, 1);
		if (zc_badge_ca_set_revocations(*ca, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
						NULL)) {
			set_err(err, errlen, "%s",
				L("已安装的吊销列表已损坏", "the installed revocation list is damaged"));
			rc = ZC_ECORRUPT;
			goto done;
		}
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Inside the transaction of an install: store the list l (buf, len) and
 * audit it. */
static int revlist_insert(sqlite3 *db, const zc_revlist *l, const uint8_t *buf, size_t len, const char *hex,
			  const char *actor)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    db, "INSERT INTO revocation_lists(ca_fp, number, raw, installed_ms) VALUES (?1, ?2, ?3, ?4)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, l->ca_fp, ZC_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)l->number);
		sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now_ms());
		rc = step_done(st);
	} else {
		rc = db_err(rc) ? db_err(rc) : ZC_EDB;
	}
	if (!rc) {
		char key[96];
		snprintf(key, sizeof key, "%s,%llu", hex, (unsigned long long)l->number);
		json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "ca_fp", hex, "number", (json_int_t)l->number, "entries",
				      (json_int_t)l->count, "issued_ms", (json_int_t)l->issued_ms);
		char *after = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		rc = after ? audit_one(db, actor, "revocations", key, after) : ZC_ENOMEM;
		free(after);
	}
	sqlite3_finalize(st);
	return rc;
}

int zc_registry_revocations_install_l(zc_store *s, const uint8_t *buf, size_t len, const char *actor, zc_lang lang,
				      uint64_t *number, int *changed, char *err, size_t errlen)
{
	zc_revlist l;
	zc_revlist_error re;
	zc_badge_ca *ca = NULL;
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
	uint64_t installed;
	rc = revlist_ca(db, &l, hex, lang, &ca, &installed, err, errlen);
	if (rc)
		goto fail;
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
	rc = revlist_insert(db, &l, buf, len, hex, actor);
	if (rc) {
		db_fail(db, rc, lang, err, errlen);
		goto fail;
	}
	if (changed)
		*changed = 1;
	rc = commit(db, lang, err, errlen);
	goto out;
fail:
	rollback(db);
out:
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
