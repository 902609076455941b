/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_ingest.c: the ingest batch of the host store (zc/store.h) and its
 * checks; split from store_sqlite.c.
 *
 * Ingest keeps every byte it is given: a record that decodes is stored in
 * records (signature failures too, with sig_ok = 0), a second different
 * record for a stored seq goes to record_conflicts, and input that does not
 * decode or names another terminal is kept in its finding. Each finding has a
 * uniqueness key, so ingesting the same input again adds nothing. A stored
 * record is looked up before its signature is verified, so re-ingesting a
 * journal costs no verification.
 */
#include "zc/store.h"
#include "store_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/record.h"

#define DEFAULT_ROLLBACK_TOLERANCE_MS 300000
#define DETAIL_MAX		      512
#define UKEY_MAX		      160
/* The times a record may carry to be stored: 0001-01-01T00:00:00.000Z to
 * 9999-12-31T23:59:59.999Z. Inside it every difference of two times fits
 * an int64 with room to spare, and every time prints as a date. */
#define UTC_MIN_MS (-62135596800000LL)
#define UTC_MAX_MS 253402300799999LL

/* Statements of an ingest batch. */
enum {
	Q_AT,		/* the record at (terminal, seq) */
	Q_SIGNED_BELOW, /* nearest validly signed record below seq */
	Q_SIGNED_ABOVE, /* nearest validly signed record above seq */
	Q_MAX_BELOW,	/* highest stored seq below seq */
	Q_CONF_HAS,	/* is this raw already in record_conflicts */
	Q_INS_REC,
	Q_DEL_REC,
	Q_SET_LINK,
	Q_INS_CONF,
	Q_INS_FIND,
	Q_COUNT
};

#define ROW_COLS "seq, hash, prev_hash, sig_ok, utc_ms, kind, clock_new_ms, source, where_, ingested_ms, raw"

/* clang-format off */
static const char *const ingest_sql[Q_COUNT] = {
	[Q_AT] = "SELECT " ROW_COLS " FROM records WHERE terminal_id = ?1 AND seq = ?2",
	[Q_SIGNED_BELOW] = "SELECT " ROW_COLS " FROM records WHERE terminal_id = ?1 AND seq < ?2 AND sig_ok = 1 "
			   "ORDER BY seq DESC LIMIT 1",
	[Q_SIGNED_ABOVE] = "SELECT " ROW_COLS " FROM records WHERE terminal_id = ?1 AND seq > ?2 AND sig_ok = 1 "
			   "ORDER BY seq LIMIT 1",
	[Q_MAX_BELOW] = "SELECT max(seq) FROM records WHERE terminal_id = ?1 AND seq < ?2",
	[Q_CONF_HAS] = "SELECT 1 FROM record_conflicts WHERE terminal_id = ?1 AND seq = ?2 AND raw_sha = ?3",
	[Q_INS_REC] = "INSERT INTO records(terminal_id, seq, hash, prev_hash, version, kind, boot, utc_ms, "
		      "mono_ms, raw, sig_ok, link_ok, badge_kind, badge_id, cert_fp, tap_result, nonce, "
		      "badge_sig, clock_old_ms, clock_new_ms, source, where_, ingested_ms) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		      "?19, ?20, ?21, ?22, ?23)",
	[Q_DEL_REC] = "DELETE FROM records WHERE terminal_id = ?1 AND seq = ?2",
	[Q_SET_LINK] = "UPDATE records SET link_ok = ?3 WHERE terminal_id = ?1 AND seq = ?2",
	[Q_INS_CONF] = "INSERT INTO record_conflicts(terminal_id, seq, hash, raw_sha, raw, sig_ok, reason, "
		       "source, where_, ingested_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		       "ON CONFLICT(terminal_id, seq, raw_sha) DO NOTHING",
	[Q_INS_FIND] = "INSERT INTO findings(terminal_id, kind, seq, ukey, where_, detail, source, raw, "
		       "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		       "ON CONFLICT(terminal_id, kind, seq, ukey) DO NOTHING",
};
/* clang-format on */

typedef struct sq_ingest {
	zc_ingest base; /* first: the generic handle (base.store) */
	zc_store *s;
	char terminal[ZC_TERMINAL_ID_MAX + 1];
	zc_pubkey *key; /* parsed once per batch: verification is the cost */
	uint8_t key_fp[ZC_HASH_LEN];
	int64_t tolerance_ms;
	char *source;
	int64_t now_ms; /* one timestamp for everything the batch writes */
	int failed;	/* the store error that ended the batch, 0 if none */
	sqlite3_stmt *q[Q_COUNT];
	zc_ingest_stats st;
	zc_rec rec; /* scratch for the record being ingested */
} sq_ingest;

/* A stored record as the ingest checks see it. */
typedef struct row {
	int found;
	uint64_t seq;
	uint8_t hash[ZC_HASH_LEN];
	uint8_t prev_hash[ZC_HASH_LEN];
	int sig_ok;
	int64_t utc_ms;
	int kind;
	int has_clock_new;
	int64_t clock_new_ms;
	char where[256];
} row;

/* ---- helpers ---- */

static char *short_hex(const uint8_t *h, char out[12])
{
	zc_hex(h, 4, out);
	memcpy(out + 8, "..", 3);
	return out;
}

static int utc_storable(int64_t ms)
{
	return ms >= UTC_MIN_MS && ms <= UTC_MAX_MS;
}

static void iso_utc(int64_t ms, char out[64])
{
	if (!utc_storable(ms)) { /* an older store may hold one */
		snprintf(out, 64, "out of range (%" PRId64 ")", ms);
		return;
	}
	int64_t s = ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1;
	int frac = (int)(ms - s * 1000);
	time_t t = (time_t)s;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) {
		snprintf(out, 64, "out of range");
		return;
	}
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

/* ---- ingest: findings and lookups ---- */

/* Record a finding; *added (may be NULL) tells whether it is new. */
static int add_finding(sq_ingest *in, int kind, uint64_t seq, const char *ukey, const char *where, const char *detail,
		       const uint8_t *raw, size_t raw_len, int *added)
{
	sqlite3_stmt *st = in->q[Q_INS_FIND];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	sqlite3_bind_text(st, 4, ukey, -1, SQLITE_STATIC);
	if (where)
		sqlite3_bind_text(st, 5, where, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
	if (in->source)
		sqlite3_bind_text(st, 7, in->source, -1, SQLITE_STATIC);
	if (raw)
		sqlite3_bind_blob64(st, 8, raw, raw_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, in->now_ms);
	int rc = step_done(st);
	if (rc)
		return rc;
	int n = sqlite3_changes(SQ(in->s)->db);
	if (n) {
		in->st.findings++;
		if (kind >= 0 && kind < (int)(sizeof in->st.by_kind / sizeof in->st.by_kind[0]))
			in->st.by_kind[kind]++;
	}
	if (added)
		*added = n;
	return 0;
}

/* Input kept only in its finding (malformed, wrong terminal): seeing it
 * again is a duplicate. */
static int reject(sq_ingest *in, int kind, uint64_t seq, const uint8_t raw_sha[ZC_HASH_LEN], const char *where,
		  const char *detail, const uint8_t *raw, size_t len)
{
	char ukey[UKEY_MAX], hex[2 * ZC_HASH_LEN + 1];
	int added = 0;
	snprintf(ukey, sizeof ukey, "raw:%s", zc_hex(raw_sha, ZC_HASH_LEN, hex));
	int rc = add_finding(in, kind, seq, ukey, where, detail, raw, len, &added);
	if (!rc && !added)
		in->st.duplicates++;
	return rc;
}

/* Run a ROW_COLS query for (terminal, seq). If raw is given, *same_raw
 * tells whether the stored raw equals it. */
static int load_row(sq_ingest *in, int q, uint64_t seq, row *out, const uint8_t *raw, size_t len, int *same_raw)
{
	sqlite3_stmt *st = in->q[q];
	memset(out, 0, sizeof *out);
	if (same_raw)
		*same_raw = 0;
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->found = 1;
		out->seq = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == ZC_HASH_LEN)
			memcpy(out->hash, sqlite3_column_blob(st, 1), ZC_HASH_LEN);
		if (sqlite3_column_bytes(st, 2) == ZC_HASH_LEN)
			memcpy(out->prev_hash, sqlite3_column_blob(st, 2), ZC_HASH_LEN);
		out->sig_ok = sqlite3_column_int(st, 3);
		out->utc_ms = sqlite3_column_int64(st, 4);
		out->kind = sqlite3_column_int(st, 5);
		out->has_clock_new = sqlite3_column_type(st, 6) != SQLITE_NULL;
		out->clock_new_ms = sqlite3_column_int64(st, 6);
		const char *w = (const char *)sqlite3_column_text(st, 8);
		snprintf(out->where, sizeof out->where, "%s", w ? w : "");
		if (raw && same_raw) {
			const void *b = sqlite3_column_blob(st, 10);
			*same_raw = (size_t)sqlite3_column_bytes(st, 10) == len && (!len || !memcmp(b, raw, len));
		}
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(rc);
}

static int conflict_has(sq_ingest *in, uint64_t seq, const uint8_t raw_sha[ZC_HASH_LEN], int *has)
{
	sqlite3_stmt *st = in->q[Q_CONF_HAS];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_blob(st, 3, raw_sha, ZC_HASH_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*has = rc == SQLITE_ROW;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(rc);
}

static int add_conflict(sq_ingest *in, uint64_t seq, const uint8_t hash[ZC_HASH_LEN], const uint8_t *raw, size_t len,
			int sig_ok, const char *reason, const char *source, const char *where, int64_t ingested_ms)
{
	uint8_t raw_sha[ZC_HASH_LEN];
	sqlite3_stmt *st = in->q[Q_INS_CONF];
	zc_sha256(raw, len, raw_sha);
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_blob(st, 3, hash, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, raw_sha, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 5, raw, len, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, sig_ok);
	sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
	if (source)
		sqlite3_bind_text(st, 8, source, -1, SQLITE_STATIC);
	if (where)
		sqlite3_bind_text(st, 9, where, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, ingested_ms);
	return step_done(st);
}

/* Move the stored row at seq (a record whose signature failed) to
 * record_conflicts, to make room for a validly signed one. */
static int displace(sq_ingest *in, uint64_t seq)
{
	sqlite3_stmt *st = in->q[Q_AT];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return db_err(rc == SQLITE_DONE ? SQLITE_INTERNAL : rc);
	}
	/* Copy out: the columns are reused by add_conflict's statement. */
	uint8_t hash[ZC_HASH_LEN] = {0};
	size_t len = (size_t)sqlite3_column_bytes(st, 10);
	uint8_t *raw = malloc(len ? len : 1);
	const char *src = (const char *)sqlite3_column_text(st, 7);
	const char *wh = (const char *)sqlite3_column_text(st, 8);
	char *source = src ? strdup(src) : NULL, *where = wh ? strdup(wh) : NULL;
	int64_t ingested = sqlite3_column_int64(st, 9);
	if (sqlite3_column_bytes(st, 1) == ZC_HASH_LEN)
		memcpy(hash, sqlite3_column_blob(st, 1), ZC_HASH_LEN);
	if (raw && len)
		memcpy(raw, sqlite3_column_blob(st, 10), len);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!raw || (src && !source) || (wh && !where)) {
		rc = ZC_ENOMEM;
		goto out;
	}
	rc = add_conflict(in, seq, hash, raw, len, 0, "bad_signature", source, where, ingested);
	if (rc)
		goto out;
	st = in->q[Q_DEL_REC];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	rc = step_done(st);
out:
	free(raw);
	free(source);
	free(where);
	return rc;
}

/* The utc a later record is compared with: a clock_set record's new time
 * (whichever time the terminal stamped it with), otherwise its utc_ms. */
static int64_t clock_base(const row *r)
{
	return r->kind == ZC_KIND_CLOCK_SET && r->has_clock_new ? r->clock_new_ms : r->utc_ms;
}

/* Clock rollback of the record (seq, utc_ms, hash) against the earlier
 * validly signed record e. Only signed records that are not clock_set
 * events are checked. */
static int check_clock(sq_ingest *in, uint64_t seq, int64_t utc_ms, const uint8_t hash[ZC_HASH_LEN], const row *e,
		       const char *where)
{
	int64_t base = clock_base(e);
	if (utc_ms >= base || (uint64_t)base - (uint64_t)utc_ms <= (uint64_t)in->tolerance_ms)
		return 0;
	uint64_t back = (uint64_t)base - (uint64_t)utc_ms;
	char detail[DETAIL_MAX], ukey[UKEY_MAX], t1[64], t2[64], h1[2 * ZC_HASH_LEN + 1], h2[2 * ZC_HASH_LEN + 1];
	iso_utc(utc_ms, t1);
	iso_utc(base, t2);
	snprintf(detail, sizeof detail,
		 "utc %s is %" PRIu64 ".%03u s earlier than seq %" PRIu64 "%s (%s); tolerance %" PRId64 ".%03u s", t1,
		 back / 1000, (unsigned)(back % 1000), e->seq,
		 e->kind == ZC_KIND_CLOCK_SET && e->has_clock_new ? ", a clock_set to" : "", t2,
		 in->tolerance_ms / 1000, (unsigned)(in->tolerance_ms % 1000));
	snprintf(ukey, sizeof ukey, "clock:%s:%s", zc_hex(hash, ZC_HASH_LEN, h1), zc_hex(e->hash, ZC_HASH_LEN, h2));
	return add_finding(in, ZC_FIND_CLOCK_ROLLBACK, seq, ukey, where, detail, NULL, 0, NULL);
}

/* Broken link: record seq (hash h, prev_hash p) after seq - 1 (hash ph). */
static int broken_link(sq_ingest *in, uint64_t seq, const uint8_t h[ZC_HASH_LEN], const uint8_t p[ZC_HASH_LEN],
		       const uint8_t ph[ZC_HASH_LEN], const char *where)
{
	char detail[DETAIL_MAX], ukey[UKEY_MAX], s1[12], s2[12], h1[2 * ZC_HASH_LEN + 1], h2[2 * ZC_HASH_LEN + 1];
	snprintf(detail, sizeof detail, "prev_hash %s != hash of seq %" PRIu64 " (%s)", short_hex(p, s1), seq - 1,
		 short_hex(ph, s2));
	snprintf(ukey, sizeof ukey, "link:%s:%s", zc_hex(h, ZC_HASH_LEN, h1), zc_hex(ph, ZC_HASH_LEN, h2));
	return add_finding(in, ZC_FIND_BROKEN_LINK, seq, ukey, where, detail, NULL, 0, NULL);
}

/* Gap: seq - 1 is not stored; name the range from the highest stored seq
 * below + 1 to seq - 1. */
static int gap(sq_ingest *in, uint64_t seq, const char *where)
{
	char detail[DETAIL_MAX], ukey[UKEY_MAX];
	sqlite3_stmt *st = in->q[Q_MAX_BELOW];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	int step = sqlite3_step(st);
	uint64_t below = step == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (step != SQLITE_ROW)
		return db_err(step);

	uint64_t lo = below + 1, hi = seq - 1;
	int m;
	if (lo == hi)
		m = snprintf(detail, sizeof detail, "seq %" PRIu64 " missing", lo);
	else
		m = snprintf(detail, sizeof detail, "seq %" PRIu64 "-%" PRIu64 " missing (%" PRIu64 " records)", lo, hi,
			     hi - lo + 1);
	if (below)
		snprintf(detail + m, sizeof detail - (size_t)m, " between stored seq %" PRIu64 " and seq %" PRIu64,
			 below, seq);
	else
		snprintf(detail + m, sizeof detail - (size_t)m, " before seq %" PRIu64 "; nothing stored below it",
			 seq);
	snprintf(ukey, sizeof ukey, "gap:%" PRIu64 "-%" PRIu64, lo, hi);
	return add_finding(in, ZC_FIND_GAP, seq, ukey, where, detail, NULL, 0, NULL);
}

/* The terminal says, under its own key, that it restarted with a journal
 * behind the sequence mark it keeps beside its key: what it had written up
 * to last_seq and not delivered is gone (a gap below shows how much). */
static int journal_lost(sq_ingest *in, const zc_rec *r, const uint8_t hash[ZC_HASH_LEN], const char *where)
{
	char detail[DETAIL_MAX], ukey[UKEY_MAX], s1[12], hex[2 * ZC_HASH_LEN + 1];
	const zc_rec_lost *l = &r->u.lost;
	int m = snprintf(detail, sizeof detail,
			 "the terminal restarted without its journal: it had written up to seq %" PRIu64
			 " (hash %s), its journal then held ",
			 l->last_seq, short_hex(l->last_hash, s1));
	if (l->found_head)
		snprintf(detail + m, sizeof detail - (size_t)m,
			 "records only up to seq %" PRIu64 "; numbering goes on at seq %" PRIu64, l->found_head,
			 r->seq);
	else
		snprintf(detail + m, sizeof detail - (size_t)m, "nothing; numbering goes on at seq %" PRIu64, r->seq);
	snprintf(ukey, sizeof ukey, "lost:%s", zc_hex(hash, ZC_HASH_LEN, hex));
	return add_finding(in, ZC_FIND_JOURNAL_LOST, r->seq, ukey, where, detail, NULL, 0, NULL);
}

/* Store a record whose seq has no row, with its link and clock checks in
 * both directions (a predecessor or successor may already be stored). */
static int store_new(sq_ingest *in, const zc_rec *r, const uint8_t *raw, size_t len, const uint8_t hash[ZC_HASH_LEN],
		     int sig_ok, const uint8_t raw_sha[ZC_HASH_LEN], const char *where)
{
	char detail[DETAIL_MAX], ukey[UKEY_MAX], s1[12], s2[12], hex[2 * ZC_HASH_LEN + 1];
	int link = -1; /* unknown */
	row p, n;
	int rc;

	if (r->seq == 1) {
		link = 1; /* the decoder checked prev_hash is zero */
	} else {
		rc = load_row(in, Q_AT, r->seq - 1, &p, NULL, 0, NULL);
		if (rc)
			return rc;
		if (p.found) {
			link = !memcmp(p.hash, r->prev_hash, ZC_HASH_LEN);
			if (!link && (rc = broken_link(in, r->seq, hash, r->prev_hash, p.hash, where)))
				return rc;
		} else if ((rc = gap(in, r->seq, where))) {
			return rc;
		}
	}

	if (!sig_ok) {
		snprintf(detail, sizeof detail,
			 "terminal signature does not verify with the registered key %s (record hash %s)",
			 short_hex(in->key_fp, s1), short_hex(hash, s2));
		snprintf(ukey, sizeof ukey, "raw:%s", zc_hex(raw_sha, ZC_HASH_LEN, hex));
		if ((rc = add_finding(in, ZC_FIND_BAD_SIGNATURE, r->seq, ukey, where, detail, NULL, 0, NULL)))
			return rc;
	} else if (r->kind != ZC_KIND_CLOCK_SET) {
		rc = load_row(in, Q_SIGNED_BELOW, r->seq, &p, NULL, 0, NULL);
		if (!rc && p.found)
			rc = check_clock(in, r->seq, r->utc_ms, hash, &p, where);
		if (rc)
			return rc;
	}

	sqlite3_stmt *st = in->q[Q_INS_REC];
	sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->seq);
	sqlite3_bind_blob(st, 3, hash, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->prev_hash, ZC_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, r->version);
	sqlite3_bind_int(st, 6, r->kind);
	sqlite3_bind_int64(st, 7, r->boot);
	sqlite3_bind_int64(st, 8, r->utc_ms);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)r->mono_ms); /* two's complement above 2^63 */
	sqlite3_bind_blob64(st, 10, raw, len, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, sig_ok);
	if (link >= 0)
		sqlite3_bind_int(st, 12, link);
	if (r->kind == ZC_KIND_TAP) {
		const zc_rec_tap *t = &r->u.tap;
		sqlite3_bind_int(st, 13, t->badge_kind);
		sqlite3_bind_blob(st, 14, t->badge_id, t->badge_id_len, SQLITE_STATIC);
		if (t->badge_kind == ZC_BADGE_PIV)
			sqlite3_bind_blob(st, 15, t->cert_fp, ZC_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int(st, 16, t->result);
		sqlite3_bind_blob(st, 17, t->nonce, ZC_NONCE_LEN, SQLITE_STATIC);
		if (t->badge_sig_len)
			sqlite3_bind_blob(st, 18, t->badge_sig, t->badge_sig_len, SQLITE_STATIC);
	} else if (r->kind == ZC_KIND_CLOCK_SET) {
		sqlite3_bind_int64(st, 19, r->u.clock.old_utc_ms);
		sqlite3_bind_int64(st, 20, r->u.clock.new_utc_ms);
	}
	if (in->source)
		sqlite3_bind_text(st, 21, in->source, -1, SQLITE_STATIC);
	if (where)
		sqlite3_bind_text(st, 22, where, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 23, in->now_ms);
	if ((rc = step_done(st)))
		return rc;
	if (sig_ok && r->kind == ZC_KIND_JOURNAL_LOST && (rc = journal_lost(in, r, hash, where)))
		return rc;

	/* A successor stored earlier links to this record or not. */
	if (r->seq < (uint64_t)INT64_MAX) {
		if ((rc = load_row(in, Q_AT, r->seq + 1, &n, NULL, 0, NULL)))
			return rc;
		if (n.found) {
			int ok = !memcmp(n.prev_hash, hash, ZC_HASH_LEN);
			st = in->q[Q_SET_LINK];
			sqlite3_bind_text(st, 1, in->terminal, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)n.seq);
			sqlite3_bind_int(st, 3, ok);
			if ((rc = step_done(st)))
				return rc;
			if (!ok &&
			    (rc = broken_link(in, n.seq, n.hash, n.prev_hash, hash, n.where[0] ? n.where : NULL)))
				return rc;
		}
	}
	/* The next signed record above is now compared with this one. */
	if (sig_ok) {
		rc = load_row(in, Q_SIGNED_ABOVE, r->seq, &n, NULL, 0, NULL);
		if (!rc && n.found && n.kind != ZC_KIND_CLOCK_SET) {
			row self = {.found = 1, .seq = r->seq, .utc_ms = r->utc_ms, .kind = r->kind};
			memcpy(self.hash, hash, ZC_HASH_LEN);
			if (r->kind == ZC_KIND_CLOCK_SET) {
				self.has_clock_new = 1;
				self.clock_new_ms = r->u.clock.new_utc_ms;
			}
			rc = check_clock(in, n.seq, n.utc_ms, n.hash, &self, n.where[0] ? n.where : NULL);
		}
		if (rc)
			return rc;
	}
	in->st.stored++;
	return 0;
}

/* ---- ingest: the batch ---- */

int sq_ingest_begin(zc_store *s, const char *terminal_id, const zc_ingest_opts *opts, zc_ingest **out)
{
	sq_ingest *in = NULL;
	sqlite3_stmt *st = NULL;
	int rc, in_txn = 0;

	if (!s || !terminal_id || !out)
		return ZC_EARG;
	*out = NULL;
	if (opts && opts->clock_rollback_tolerance_ms < 0)
		return ZC_EARG;
	if (SQ(s)->batch)
		return ZC_ESTATE;
	if (!zc_id_valid(terminal_id))
		return ZC_ENOENT; /* could never have been registered */
	in = calloc(1, sizeof *in);
	if (!in)
		return ZC_ENOMEM;
	in->base.store = s;
	in->s = s;
	snprintf(in->terminal, sizeof in->terminal, "%s", terminal_id);
	in->tolerance_ms = opts && opts->clock_rollback_tolerance_ms ? opts->clock_rollback_tolerance_ms
								     : DEFAULT_ROLLBACK_TOLERANCE_MS;
	if (opts && opts->source && !(in->source = strdup(opts->source))) {
		rc = ZC_ENOMEM;
		goto out;
	}
	in->now_ms = opts && opts->now_ms > 0 ? opts->now_ms : now_ms();
	sq_clear_err(s);

	/* The commit of a batch is made durable (see the top of the file). */
	if ((rc = exec(SQ(s)->db, "PRAGMA synchronous = FULL")))
		goto out;
	if ((rc = exec(SQ(s)->db, "BEGIN IMMEDIATE")))
		goto out;
	in_txn = 1;

	rc = db_err(sqlite3_prepare_v2(SQ(s)->db, "SELECT pubkey_pem FROM terminals WHERE id = ?1", -1, &st, NULL));
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, terminal_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? ZC_ENOENT : db_err(step);
		goto out;
	}
	rc = zc_pubkey_parse(sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), &in->key);
	if (!rc)
		rc = zc_pubkey_fingerprint(in->key, in->key_fp);
	if (rc) {
		rc = rc == ZC_ENOMEM ? rc : ZC_ECORRUPT; /* terminal_add stored a valid key */
		goto out;
	}
	for (int i = 0; i < Q_COUNT; i++) {
		rc = db_err(sqlite3_prepare_v2(SQ(s)->db, ingest_sql[i], -1, &in->q[i], NULL));
		if (rc)
			goto out;
	}
	SQ(s)->batch = &in->base;
	*out = &in->base;
	in = NULL;
out:
	sqlite3_finalize(st);
	if (in) {
		sq_keep_err(s, rc);
		if (in_txn)
			exec(SQ(s)->db, "ROLLBACK");
		exec(SQ(s)->db, "PRAGMA synchronous = NORMAL");
		for (int i = 0; i < Q_COUNT; i++)
			sqlite3_finalize(in->q[i]);
		zc_pubkey_free(in->key);
		free(in->source);
		free(in);
	}
	return rc;
}

/* Whether r's times are in the storable range; if not, detail says which
 * one is not (the decoder checks too, but the store relies on nobody). */
static int times_storable(const zc_rec *r, char *detail, size_t cap)
{
	const char *field = NULL;
	int64_t v = 0;
	if (!utc_storable(r->utc_ms))
		field = "utc_ms", v = r->utc_ms;
	else if (r->kind == ZC_KIND_CLOCK_SET && !utc_storable(r->u.clock.old_utc_ms))
		field = "old_utc_ms", v = r->u.clock.old_utc_ms;
	else if (r->kind == ZC_KIND_CLOCK_SET && !utc_storable(r->u.clock.new_utc_ms))
		field = "new_utc_ms", v = r->u.clock.new_utc_ms;
	if (!field)
		return 1;
	snprintf(detail, cap,
		 "seq %" PRIu64 ": %s %" PRId64 " is outside the storable range (years 0001 to 9999, %lld to %lld)",
		 r->seq, field, v, UTC_MIN_MS, UTC_MAX_MS);
	return 0;
}

static int ingest_one(sq_ingest *in, const uint8_t *raw, size_t len, const char *where)
{
	zc_rec *r = &in->rec;
	zc_rec_error e = {0};
	size_t body_len = 0;
	uint8_t raw_sha[ZC_HASH_LEN], hash[ZC_HASH_LEN];
	char detail[DETAIL_MAX], s1[12], s2[12], s3[12];
	row cur;
	int rc, same_raw = 0, has = 0;

	zc_sha256(raw, len, raw_sha);
	if (zc_rec_decode(raw, len, r, &body_len, &e)) {
		int m =
		    snprintf(detail, sizeof detail, "record of %zu bytes does not decode: field %s at offset %zu: %s",
			     len, e.field ? e.field : "?", e.offset, e.why ? e.why : zc_strerror(e.code));
		if (r->seq && r->terminal[0])
			snprintf(detail + m, sizeof detail - (size_t)m, " (it claims terminal '%s' seq %" PRIu64 ")",
				 r->terminal, r->seq);
		return reject(in, ZC_FIND_MALFORMED, 0, raw_sha, where, detail, raw, len);
	}
	if (strcmp(r->terminal, in->terminal)) {
		snprintf(detail, sizeof detail, "record names terminal '%s' (seq %" PRIu64 "); this batch is for '%s'",
			 r->terminal, r->seq, in->terminal);
		return reject(in, ZC_FIND_WRONG_TERMINAL, r->seq, raw_sha, where, detail, raw, len);
	}
	if (r->seq > (uint64_t)INT64_MAX) {
		snprintf(detail, sizeof detail, "seq %" PRIu64 " is beyond the largest storable (2^63-1)", r->seq);
		return reject(in, ZC_FIND_MALFORMED, 0, raw_sha, where, detail, raw, len);
	}
	if (!times_storable(r, detail, sizeof detail))
		return reject(in, ZC_FIND_MALFORMED, 0, raw_sha, where, detail, raw, len);
	zc_rec_hash_body(raw, body_len, hash);

	/* Seen before, byte for byte: nothing to do, and no verification. */
	if ((rc = load_row(in, Q_AT, r->seq, &cur, raw, len, &same_raw)))
		return rc;
	if (cur.found && same_raw) {
		in->st.duplicates++;
		return 0;
	}
	if (cur.found) {
		if ((rc = conflict_has(in, r->seq, raw_sha, &has)))
			return rc;
		if (has) {
			in->st.duplicates++;
			return 0;
		}
	}

	int sig_ok = zc_rec_verify(in->key, raw, body_len, r) == 0;
	if (!cur.found)
		return store_new(in, r, raw, len, hash, sig_ok, raw_sha, where);

	int same_body = !memcmp(cur.hash, hash, ZC_HASH_LEN);
	if (same_body && (cur.sig_ok || !sig_ok)) {
		/* The same body with other signature bytes: nothing new. */
		in->st.duplicates++;
		return 0;
	}

	/* Two different records claim one seq: a fork, whoever signed them.
	 * The detail tells whether the terminal signed both. */
	char ukey[UKEY_MAX], h1[2 * ZC_HASH_LEN + 1];
	snprintf(ukey, sizeof ukey, "raw:%s", zc_hex(raw_sha, ZC_HASH_LEN, h1));
	if (!cur.sig_ok && sig_ok) {
		/* The stored one failed its signature (and has its finding);
		 * the terminal's own record takes its place. */
		if (!same_body) {
			snprintf(detail, sizeof detail,
				 "seq %" PRIu64 " was stored with hash %s, whose terminal signature does not verify; "
				 "this record has hash %s and is signed by the terminal: it takes the place, the other "
				 "is kept in record_conflicts",
				 r->seq, short_hex(cur.hash, s1), short_hex(hash, s2));
			if ((rc = add_finding(in, ZC_FIND_FORK, r->seq, ukey, where, detail, NULL, 0, NULL)))
				return rc;
		}
		if ((rc = displace(in, r->seq)))
			return rc;
		return store_new(in, r, raw, len, hash, sig_ok, raw_sha, where);
	}

	/* The stored record keeps its place; this one is kept beside it. */
	rc = add_conflict(in, r->seq, hash, raw, len, sig_ok, sig_ok ? "fork" : "bad_signature", in->source, where,
			  in->now_ms);
	if (!rc && !sig_ok) {
		snprintf(detail, sizeof detail,
			 "terminal signature does not verify with the registered key %s (record hash %s); seq %" PRIu64
			 " is already stored with hash %s; kept in record_conflicts",
			 short_hex(in->key_fp, s1), short_hex(hash, s2), r->seq, short_hex(cur.hash, s3));
		rc = add_finding(in, ZC_FIND_BAD_SIGNATURE, r->seq, ukey, where, detail, NULL, 0, NULL);
	}
	if (!rc) {
		snprintf(detail, sizeof detail,
			 "seq %" PRIu64
			 " is stored with hash %s; this record has hash %s; %s; kept in record_conflicts",
			 r->seq, short_hex(cur.hash, s1), short_hex(hash, s2),
			 sig_ok	      ? "both are signed by the terminal"
			 : cur.sig_ok ? "its terminal signature does not verify, the stored one's does"
				      : "neither terminal signature verifies");
		rc = add_finding(in, ZC_FIND_FORK, r->seq, ukey, where, detail, NULL, 0, NULL);
	}
	return rc;
}

int sq_ingest_record(zc_ingest *in_, const uint8_t *raw, size_t len, const char *where)
{
	sq_ingest *in = (sq_ingest *)in_;
	if (!in || (!raw && len))
		return ZC_EARG;
	if (in->failed)
		return ZC_ESTATE;
	in->st.seen++;
	int rc = ingest_one(in, raw ? raw : (const uint8_t *)"", len, where);
	if (rc) {
		sq_keep_err(in->s, rc);
		in->failed = rc;
	}
	return rc;
}

int sq_ingest_note(zc_ingest *in_, int kind, uint64_t seq, const char *where, const char *detail)
{
	sq_ingest *in = (sq_ingest *)in_;
	uint8_t h[ZC_HASH_LEN];
	char ukey[UKEY_MAX], hex[2 * ZC_HASH_LEN + 1];
	zc_sha256_ctx c;
	if (!in || !detail || kind < ZC_FIND_MALFORMED || kind > ZC_FIND_LAST || seq > (uint64_t)INT64_MAX)
		return ZC_EARG;
	if (in->failed)
		return ZC_ESTATE;
	zc_sha256_start(&c);
	zc_sha256_update(&c, where ? where : "", where ? strlen(where) + 1 : 0);
	zc_sha256_update(&c, detail, strlen(detail));
	zc_sha256_finish(&c, h);
	snprintf(ukey, sizeof ukey, "note:%s", zc_hex(h, ZC_HASH_LEN, hex));
	int rc = add_finding(in, kind, seq, ukey, where, detail, NULL, 0, NULL);
	if (rc) {
		sq_keep_err(in->s, rc);
		in->failed = rc;
	}
	return rc;
}

static void ingest_free(sq_ingest *in)
{
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(in->q[i]);
	exec(SQ(in->s)->db, "PRAGMA synchronous = NORMAL");
	SQ(in->s)->batch = NULL;
	zc_pubkey_free(in->key);
	free(in->source);
	free(in);
}

int sq_ingest_commit(zc_ingest *in_, zc_ingest_stats *stats)
{
	sq_ingest *in = (sq_ingest *)in_;
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (!in)
		return ZC_EARG;
	int rc = in->failed;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_reset(in->q[i]);
	if (!rc)
		rc = exec(SQ(in->s)->db, "COMMIT");
	if (rc) {
		sq_keep_err(in->s, rc); /* the first error stays: the ROLLBACK's is "not an error" */
		exec(SQ(in->s)->db, "ROLLBACK");
	} else if (stats)
		*stats = in->st;
	ingest_free(in);
	return rc;
}

void sq_ingest_abort(zc_ingest *in_)
{
	sq_ingest *in = (sq_ingest *)in_;
	if (!in)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_reset(in->q[i]);
	exec(SQ(in->s)->db, "ROLLBACK");
	ingest_free(in);
}
