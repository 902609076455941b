/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_registry.c: the registry in the host store (zc/registry.h): CSV
 * import (rows checked by registry_csv.c, then against the store), leave,
 * duty, corrections and inspections one at a time, the audit log, the badge
 * CAs and revocation lists trusted by the host, and loading everything into
 * engine-shaped arrays. What needs no database (who the actor is, a leave
 * checked against a loaded registry) is in core/registry.c.
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
#include "registry_leave.h"
#include "store_registry_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "zc/badge.h"
#include "zc/bytes.h"
#include "zc/dates.h"
#include "zc/err.h"
#include "zc/fileio.h"
#include "zc/i18n.h"

#define IMPORT_MAX_BYTES (64u << 20)
#define CERT_FILE_MAX	 (64 * 1024) /* a badge certificate file, at most (a card file included) */

/* ---- helpers ---- */

/* ---- the tables ---- */

/* clang-format off */
const tdesc tables[ZC_K_COUNT] = {
	[ZC_K_DISTRICTS] = {"districts", "districts", 2, 1, 0, {"id", "name"}, {0}},
	[ZC_K_TOWNSHIPS] = {"townships", "townships", 3, 1, 0, {"id", "name", "district_id"}, {0}},
	[ZC_K_VILLAGES] = {"villages", "villages", 4, 1, 0, {"id", "name", "township_id", "rate_fen"}, {0, 0, 0, C_INT}},
	[ZC_K_TERMINALS] = {"terminals", "registry_terminals", 3, 1, 0, {"id", "township_id", "key_fp"}, {0}},
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

void tops_free(tops *t)
{
	sqlite3_finalize(t->sel);
	sqlite3_finalize(t->ins);
	sqlite3_finalize(t->upd);
	sqlite3_finalize(t->audit);
	memset(t, 0, sizeof *t);
}

int tops_prepare(sqlite3 *db, const tdesc *d, tops *t)
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

int bind_val(sqlite3_stmt *st, int idx, const dbval *v)
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
char *row_json(const tdesc *d, const dbval *vals, sqlite3_stmt *st, int64_t id)
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
void key_text(const tdesc *d, const dbval *vals, char *out, size_t cap)
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

int audit_write(sqlite3_stmt *st, int64_t at, const char *actor, const char *action, const char *entity,
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
int upsert(sqlite3 *db, tops *t, const dbval *vals, int64_t at, const char *actor, const char *source, int *outcome,
	   int64_t *id_out)
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

/* Does id exist in the table of kind? 1, 0, or a negative error. */
int ref_exists(imp *m, int kind, const char *id)
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

void text_val(dbval *v, const char *s)
{
	v->t = *s ? V_TEXT : V_NULL;
	v->s = s;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* Read a certificate file named in a CSV without trusting the name: opened
 * without following a final symlink and without blocking (a FIFO or a
 * device never holds the import), only a regular file, at most
 * CERT_FILE_MAX bytes, then parsed as PEM (the first CERTIFICATE block, as
 * in a card file) or DER. 0 and *out, ZC_ENOMEM, or ZC_EMALFORMED for
 * every other failure: the caller says one thing for all of them, so that
 * the import does not tell what exists where (issue 10, item 7). */
static int cert_file_load(const char *path, zc_badge_cert **out)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----";
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat sb;
	int rc = ZC_EMALFORMED;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ZC_EMALFORMED;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size <= 0 || sb.st_size > CERT_FILE_MAX)
		goto out;
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		rc = ZC_ENOMEM;
		goto out;
	}
	while (len < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)sb.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank while read, or unreadable */
		len += (size_t)n;
	}
	if (len != (size_t)sb.st_size)
		goto out;
	buf[len] = 0;
	const char *at = strlen((char *)buf) == len ? strstr((char *)buf, head) : NULL;
	if (at) {
		uint8_t *der = NULL;
		size_t dl = 0;
		rc = zc_pem_decode(at, "CERTIFICATE", &der, &dl, NULL);
		if (!rc)
			rc = zc_badge_cert_parse(der, dl, out);
		free(der);
	} else {
		rc = zc_badge_cert_parse(buf, len, out);
	}
	if (rc && rc != ZC_ENOMEM)
		rc = ZC_EMALFORMED;
out:
	free(buf);
	close(fd);
	return rc;
}

/* The certificate's subject against the row: its badge (OU) and its cadre
 * (serialNumber), when it names them, must be the row's. 1 ok, 0 reported. */
static int cert_names_row(zc_csv_errors *errs, const zc_csv_row *row, const char *path, const zc_badge_cert *c)
{
	const zc_lang lang = errs->lang;
	const char *ou = zc_badge_cert_badge(c);
	if (*ou && strcmp(ou, row->v[BA_BADGE])) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("证书 %s 属于工牌 %s，不是 %s", "certificate %s is for badge %s, not %s"), path, ou,
			     row->v[BA_BADGE]);
		return 0;
	}
	const char *cadre = zc_badge_cert_cadre(c);
	if (*cadre && strcmp(cadre, row->v[BA_CADRE])) {
		zc_csv_error(errs, row->line, row->header[BA_CERT],
			     L("证书 %s 属于干部 %s，不是本行的干部 %s", "certificate %s is for cadre %s, not %s"),
			     path, cadre, row->v[BA_CADRE]);
		return 0;
	}
	return 1;
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
	int rc = cert_file_load(path, &c);
	if (rc == ZC_ENOMEM)
		return rc;
	if (rc) {
		zc_csv_error(
		    errs, row->line, row->header[BA_CERT],
		    L("%s 不是可用的证书文件（须为不超过 64 KiB 的普通文件：DER、PEM 或卡文件，含有效的工牌证书）",
		      "%s is not a usable certificate file (a regular file of at most 64 KiB: DER, PEM or "
		      "card file, holding a valid badge certificate)"),
		    path);
		return 0;
	}
	if (!cert_names_row(errs, row, path, c)) {
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

/* A terminal key fingerprint as the terminals CSV may give it: 64 hex
 * digits (':' or blanks between them ignored), into out in lower case.
 * 1 ok, 0 reported. */
static int terminal_fp(zc_csv_errors *errs, const zc_csv_row *row, char out[2 * ZC_HASH_LEN + 1])
{
	const zc_lang lang = errs->lang;
	const char *p = row->v[TE_KEYFP];
	size_t n = 0;
	for (; *p; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (n == 2 * ZC_HASH_LEN ||
		    !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))) {
			n = 0;
			break;
		}
		out[n++] = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	}
	out[n] = 0;
	if (n == 2 * ZC_HASH_LEN)
		return 1;
	out[0] = 0;
	zc_csv_error(errs, row->line, row->header[TE_KEYFP],
		     L("无效的密钥指纹 '%s'（64 位十六进制：终端公钥的 SHA-256）",
		       "invalid key fingerprint '%s' (64 hex digits: SHA-256 of the terminal's public key)"),
		     row->v[TE_KEYFP]);
	return 0;
}

static int on_row(void *arg, const zc_csv_row *row, zc_csv_errors *errs)
{
	imp *m = arg;
	const char *const *v = row->v;
	dbval vals[8];
	uint8_t uid[8], fp[ZC_HASH_LEN];
	char keyfp[2 * ZC_HASH_LEN + 1] = "";
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
	case ZC_K_TERMINALS:
		rc = need_ref(m, errs, row, TE_TOWNSHIP, ZC_K_TOWNSHIPS);
		if (*v[TE_KEYFP] && !terminal_fp(errs, row, keyfp))
			break;
		text_val(&vals[TE_KEYFP], keyfp);
		break;
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
		size_t n = rc ? 0 : zc_registry_leave_own_warnings(&c, lang, lines, 3);
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
int store_zone(sqlite3 *db, int *tz)
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
