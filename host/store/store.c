/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.c: the public calls of zc/store.h, dispatched through the methods
 * of the handle (store_backend.h), and zc_store_open, which picks the
 * backend by the scheme of its URI: "sqlite:PATH", or a plain path (SQLite,
 * as before there were schemes). Nothing here knows a database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "store_backend.h"
#include "zc/err.h"

/* The backends built in, by scheme. */
static const struct zc_store_methods *const backends[] = {
    &zc_store_sqlite_methods,
};

/* Schemes that name a store backend this program does not have. */
static const char *const known_schemes[] = {"postgresql", "postgres", "pgsql", "mysql", "mariadb"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The length of uri's scheme (RFC 3986: a letter, then letters, digits,
 * "+", "-", "."), before its ':'; 0 when it has none. A one-letter scheme
 * is not one: "C:" is a drive. */
static size_t scheme_len(const char *uri)
{
	size_t n = 0;
	if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
		return 0;
	while (uri[n] && uri[n] != ':') {
		char c = uri[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
		      c == '-' || c == '.'))
			return 0;
		n++;
	}
	return uri[n] == ':' && n >= 2 ? n : 0;
}

/* Whether the n-byte scheme at uri is scheme (case-insensitive). */
static int scheme_is(const char *uri, size_t n, const char *scheme)
{
	return strlen(scheme) == n && !strncasecmp(uri, scheme, n);
}

/* Pick the backend of uri: its methods and where its location starts.
 * A plain path is SQLite's; so is a path that merely looks like
 * "word:rest" when a file of that name exists and the word is no store
 * scheme. Otherwise an unknown scheme: ZC_EARG, errbuf naming it. */
static int pick_backend(const char *uri, const struct zc_store_methods **m, const char **loc, char *errbuf,
			size_t errlen)
{
	size_t n = scheme_len(uri);
	*m = &zc_store_sqlite_methods;
	*loc = uri;
	if (!n)
		return 0;
	for (size_t i = 0; i < NELEM(backends); i++)
		if (scheme_is(uri, n, backends[i]->scheme)) {
			*m = backends[i];
			*loc = uri + n + 1;
			return 0;
		}
	int known = 0;
	for (size_t i = 0; i < NELEM(known_schemes); i++)
		known |= scheme_is(uri, n, known_schemes[i]);
	struct stat st;
	if (!known && !stat(uri, &st))
		return 0; /* an existing file named "word:rest" */
	zc_errf(errbuf, errlen, "store scheme \"%.*s:\" is %s (built in: sqlite:PATH, or a plain path)", (int)n, uri,
		known ? "not built in" : "unknown");
	return ZC_EARG;
}

/* The public calls: contracts in zc/store.h; each refuses a NULL handle
 * (ZC_EARG) and hands the rest to the handle's method of the same name. */
int zc_store_open(const char *path, zc_store **out, char *errbuf, size_t errlen)
{
	return zc_store_open_mode(path, ZC_STORE_CREATE, out, errbuf, errlen);
}

int zc_store_open_mode(const char *path, int mode, zc_store **out, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!path || !out) {
		zc_errf(errbuf, errlen, "no database path given");
		return ZC_EARG;
	}
	*out = NULL;
	const struct zc_store_methods *m;
	const char *loc;
	int rc = pick_backend(path, &m, &loc, errbuf, errlen);
	if (rc)
		return rc;
	if (!*loc) {
		zc_errf(errbuf, errlen, "no database path given after \"%s:\"", m->scheme);
		return ZC_EARG;
	}
	if (mode != ZC_STORE_READ && mode != ZC_STORE_WRITE && mode != ZC_STORE_CREATE) {
		zc_errf(errbuf, errlen, "unknown store open mode %d", mode);
		return ZC_EARG;
	}
	if (m->version >= 2)
		return m->open_mode(loc, mode, out, errbuf, errlen);
	if (mode == ZC_STORE_CREATE)
		return m->open(loc, out, errbuf, errlen);
	zc_errf(errbuf, errlen, "the %s store cannot be opened without creating it (not supported by this store)",
		m->scheme);
	return ZC_ESTATE;
}

void zc_store_close(zc_store *s)
{
	if (s)
		s->methods->close(s);
}

int zc_store_check(zc_store *s, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = 0;
	return s ? s->methods->check(s, errbuf, errlen) : ZC_EARG;
}

int zc_store_schema_version(zc_store *s)
{
	return s ? s->methods->schema_version(s) : ZC_EARG;
}

const char *zc_store_errmsg(zc_store *s)
{
	return s ? s->methods->errmsg(s) : "no store";
}

/* ---- terminals ---- */

int zc_store_terminal_add(zc_store *s, const char *id, const char *pubkey_pem)
{
	return s ? s->methods->terminal_add(s, id, pubkey_pem) : ZC_EARG;
}

int zc_store_terminal_key(zc_store *s, const char *id, char *buf, size_t cap)
{
	return s ? s->methods->terminal_key(s, id, buf, cap) : ZC_EARG;
}

int zc_store_terminal_head(zc_store *s, const char *id, uint64_t *seq, uint8_t hash[ZC_HASH_LEN])
{
	return s ? s->methods->terminal_head(s, id, seq, hash) : ZC_EARG;
}

int zc_store_terminals(zc_store *s, zc_store_terminal_info **out, size_t *n)
{
	return s ? s->methods->terminals(s, out, n) : ZC_EARG;
}

void zc_store_terminals_free(zc_store_terminal_info *ti, size_t n)
{
	(void)n;
	free(ti);
}

/* ---- ingest ---- */

int zc_ingest_begin(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out)
{
	return s ? s->methods->ingest_begin(s, terminal_id, opts, out) : ZC_EARG;
}

int zc_ingest_record(zc_ingest *in, const uint8_t *raw, size_t len, const char *where)
{
	return in ? in->store->methods->ingest_record(in, raw, len, where) : ZC_EARG;
}

int zc_ingest_note(zc_ingest *in, int kind, uint64_t seq, const char *where, const char *detail)
{
	return in ? in->store->methods->ingest_note(in, kind, seq, where, detail) : ZC_EARG;
}

int zc_ingest_commit(zc_ingest *in, zc_ingest_stats *stats)
{
	if (!in) {
		if (stats)
			memset(stats, 0, sizeof *stats);
		return ZC_EARG;
	}
	return in->store->methods->ingest_commit(in, stats);
}

void zc_ingest_abort(zc_ingest *in)
{
	if (in)
		in->store->methods->ingest_abort(in);
}

/* ---- collections ---- */

int zc_store_collection_add(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to_seq, const char *via,
			    const char *source, int *added)
{
	return s ? s->methods->collection_add(s, terminal, at_ms, up_to_seq, via, source, added) : ZC_EARG;
}

int zc_store_collections(zc_store *s, const char *terminal, zc_collection_fn fn, void *arg)
{
	return s ? s->methods->collections(s, terminal, fn, arg) : ZC_EARG;
}

int zc_store_collected_until(zc_store *s, const char *terminal, int64_t *at_ms)
{
	return s ? s->methods->collected_until(s, terminal, at_ms) : ZC_EARG;
}

/* ---- queries ---- */

int zc_store_findings(zc_store *s, const char *terminal, zc_finding_fn fn, void *arg)
{
	return s ? s->methods->findings(s, terminal, fn, arg) : ZC_EARG;
}

int64_t zc_store_record_count(zc_store *s, const char *terminal)
{
	return s ? s->methods->record_count(s, terminal) : ZC_EARG;
}

int zc_store_records(zc_store *s, const char *terminal, uint64_t from, uint64_t to, zc_store_record_fn fn, void *arg)
{
	return s ? s->methods->records(s, terminal, from, to, fn, arg) : ZC_EARG;
}

/* ---- reading for the compliance loader ---- */

int zc_store_scan_records(zc_store *s, const char *terminal, zc_store_rec_row_fn fn, void *arg)
{
	return s ? s->methods->scan_records(s, terminal, fn, arg) : ZC_EARG;
}

int zc_store_fork_points(zc_store *s, zc_store_fork_fn fn, void *arg)
{
	return s ? s->methods->fork_points(s, fn, arg) : ZC_EARG;
}

int zc_store_record_utc(zc_store *s, const char *terminal, uint64_t seq, int64_t *utc_ms)
{
	return s ? s->methods->record_utc(s, terminal, seq, utc_ms) : ZC_EARG;
}

int zc_store_badge_verdicts_set(zc_store *s, const zc_store_badge_verdict *v, size_t n)
{
	return s ? s->methods->badge_verdicts_set(s, v, n) : ZC_EARG;
}
