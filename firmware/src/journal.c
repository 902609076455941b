/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.c: the terminal's append-only, crash-safe record journal
 * (zc/journal.h), over a zc_storage holding segment files (zc/jfile.h).
 *
 * In memory the journal keeps the list of segments and an index with one
 * slot per sequence number from the first record held to the head: where the
 * entry lies (offset and length in its segment), or that it is damaged.
 *
 * Open reads every segment in order and accepts an entry when it parses with
 * a good check, decodes, has the expected next seq and links to the previous
 * record's hash. At anything else it scans forward byte by byte for the next
 * entry that is valid and continues the sequence (a higher seq, or the
 * expected one linking to its predecessor). If one is found, the bytes in
 * between and the sequence numbers skipped stay as damaged slots: nothing
 * after an intact record is ever cut. If none is found in the last segment
 * the tail is torn and is cut off (truncate + sync); a last segment left with
 * no intact record (an empty file, a torn header) is removed. Open then
 * syncs the last segment and the directory, so that what it saw (perhaps
 * only in the page cache after a process crash) is durable before anything
 * builds on it.
 *
 * Append writes one entry and syncs (a new segment: header and entry in one
 * write, sync, sync_dir). If a write or sync fails, the segment is
 * truncated back (or a new one removed) and synced, so a later append can
 * reuse the seq with no trace of the failed one on disk. If that clean-up
 * fails too, the durable state is unknown: the journal enters a failed
 * state where every call returns ZC_EIO until it is reopened, and open
 * decides from what is on storage (a record that was never acknowledged may
 * then survive, and its seq is taken).
 *
 * The collected watermark lives in the file "collected": u64 seq, 32-byte
 * hash and a 4-byte check (first bytes of SHA-256 of the 40 before), written
 * to "collected.tmp", synced, renamed over, directory synced. A damaged one
 * reads as 0, which prunes nothing. If the watermark is above the head
 * (collected records lost to tail damage), the head is moved up to it so
 * that no seq a host already holds is ever reused.
 */
#include "zc/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/record.h"

#define DEFAULT_SEGMENT_BYTES (64u * 1024)
#define ENTRY_MAX	      (ZC_REC_MAX + ZC_JENTRY_OVERHEAD)
#define COLLECTED_NAME	      "collected"	    /* persisted */
#define COLLECTED_TMP	      "collected.tmp"	    /* persisted */
#define COLLECTED_LEN	      (8 + ZC_HASH_LEN + 4) /* persisted */
#define NO_TAIL		      UINT64_MAX

struct jseg {
	uint64_t first_seq; /* from the file name */
	uint64_t lo;	    /* lowest seq held here (first_seq unless overlapped) */
	uint64_t size;	    /* bytes, all valid after open */
	char name[ZC_JSEG_NAME_LEN + 1];
};

struct jent {
	uint64_t off; /* entry offset in its segment */
	uint16_t len; /* record length */
	uint8_t bad;  /* damaged or missing: reads give ZC_ECORRUPT */
};

struct zc_journal {
	zc_storage *s;
	uint64_t capacity;
	uint64_t seg_bytes;
	struct jseg *segs;
	size_t nsegs, segs_cap;
	struct jent *ents; /* ents[i] is seq base + i; the last one is the head */
	size_t nents, ents_cap;
	uint64_t base;
	uint64_t head;
	uint8_t head_hash[ZC_HASH_LEN];
	uint64_t collected;
	uint8_t collected_hash[ZC_HASH_LEN];
	uint64_t used; /* sum of segment sizes */
	int failed;
	zc_journal_repair repair;
	zc_rec rec; /* decode scratch */
	uint8_t buf[ZC_JSEG_HEADER_LEN + ENTRY_MAX];
};

/* An entry found while scanning a segment. */
struct found {
	uint64_t seq;
	uint64_t next;
	uint16_t len;
	uint8_t prev[ZC_HASH_LEN];
	uint8_t hash[ZC_HASH_LEN];
};

/* Per-segment outcome of the open scan. */
struct scanned {
	uint64_t good;	   /* intact records */
	uint64_t last_seq; /* the last of them */
	uint8_t last_hash[ZC_HASH_LEN];
	size_t ent_start;  /* index slot of the segment's first record */
	uint64_t tail_off; /* damage running to the end starts here; NO_TAIL */
	int tail_reason;
	uint64_t size;
};

/* Storage errors other than "full" become ZC_EIO for the journal's callers. */
static int io_err(int rc)
{
	return rc == ZC_ENOSPC ? ZC_ENOSPC : ZC_EIO;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return ZC_ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static int ent_push(zc_journal *j, uint64_t off, uint16_t len, int bad)
{
	if (grow((void **)&j->ents, &j->ents_cap, j->nents + 1, sizeof *j->ents))
		return ZC_ENOMEM;
	j->ents[j->nents].off = off;
	j->ents[j->nents].len = len;
	j->ents[j->nents].bad = (uint8_t)bad;
	j->nents++;
	return 0;
}

static struct jseg *last_seg(zc_journal *j)
{
	return j->nsegs ? &j->segs[j->nsegs - 1] : NULL;
}

/* The segment holding seq (the last one whose lo <= seq). */
static struct jseg *seg_of(zc_journal *j, uint64_t seq)
{
	size_t lo = 0, hi = j->nsegs;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (j->segs[mid].lo <= seq)
			lo = mid;
		else
			hi = mid;
	}
	return j->nsegs ? &j->segs[lo] : NULL;
}

/* Parse and decode the entry at off. 0 and *e filled, or why not. */
static int entry_at(zc_journal *j, const uint8_t *buf, size_t size, size_t off, struct found *e)
{
	const uint8_t *rec;
	size_t rec_len, next, body_len;
	int rc = zc_jentry_parse(buf, size, off, &rec, &rec_len, &next);
	if (rc)
		return rc;
	rc = zc_rec_decode(rec, rec_len, &j->rec, &body_len, NULL);
	if (rc)
		return rc;
	e->seq = j->rec.seq;
	e->next = next;
	e->len = (uint16_t)rec_len;
	memcpy(e->prev, j->rec.prev_hash, ZC_HASH_LEN);
	zc_rec_hash_body(rec, body_len, e->hash);
	return 0;
}

/* ---- open: scan, repair, index ---- */

static int seg_cmp(const void *a, const void *b)
{
	const struct jseg *x = a, *y = b;
	return x->first_seq < y->first_seq ? -1 : x->first_seq > y->first_seq;
}

static int list_segments(zc_journal *j)
{
	char **names = NULL;
	size_t n = 0;
	int rc = j->s->list(j->s->ctx, &names, &n);
	if (rc)
		return io_err(rc);
	for (size_t i = 0; i < n; i++) {
		uint64_t first;
		if (!zc_jseg_name_parse(names[i], &first))
			continue;
		rc = grow((void **)&j->segs, &j->segs_cap, j->nsegs + 1, sizeof *j->segs);
		if (rc)
			goto out;
		struct jseg *g = &j->segs[j->nsegs++];
		memset(g, 0, sizeof *g);
		g->first_seq = first;
		g->lo = first;
		zc_jseg_name(first, g->name);
	}
	if (j->nsegs)
		qsort(j->segs, j->nsegs, sizeof *j->segs, seg_cmp);
out:
	zc_storage_free_names(names, n);
	return rc;
}

static int read_whole(zc_journal *j, const char *name, uint8_t **buf, uint64_t *size)
{
	int64_t sz = j->s->size(j->s->ctx, name);
	if (sz < 0)
		return io_err((int)sz);
	*buf = malloc(sz ? (size_t)sz : 1);
	if (!*buf)
		return ZC_ENOMEM;
	int64_t n = sz ? j->s->pread(j->s->ctx, name, *buf, (size_t)sz, 0) : 0;
	if (n < 0) {
		free(*buf);
		*buf = NULL;
		return io_err((int)n);
	}
	*size = (uint64_t)n;
	return 0;
}

/* Chain state carried from one entry (and segment) to the next. */
struct chain {
	uint64_t expect;
	int have_prev;
	uint8_t prev[ZC_HASH_LEN];
};

static int accept(zc_journal *j, struct chain *c, struct scanned *sc, const struct found *e, uint64_t off)
{
	if (ent_push(j, off, e->len, 0))
		return ZC_ENOMEM;
	c->expect = e->seq + 1;
	c->have_prev = 1;
	memcpy(c->prev, e->hash, ZC_HASH_LEN);
	sc->good++;
	sc->last_seq = e->seq;
	memcpy(sc->last_hash, e->hash, ZC_HASH_LEN);
	return 0;
}

/* Slots expect..upto-1 are damaged (their bytes are missing or unreadable). */
static int mark_bad(zc_journal *j, struct chain *c, uint64_t upto)
{
	for (; c->expect < upto; c->expect++)
		if (ent_push(j, 0, 0, 1))
			return ZC_ENOMEM;
	c->have_prev = 0;
	return 0;
}

static int continues(const struct chain *c, const struct found *e)
{
	return e->seq == c->expect && (!c->have_prev || !memcmp(e->prev, c->prev, ZC_HASH_LEN));
}

/* Scan the entries of one segment buffer into the index. */
static int scan_segment(zc_journal *j, struct chain *c, const uint8_t *buf, uint64_t size, struct scanned *sc)
{
	uint64_t off = ZC_JSEG_HEADER_LEN;
	struct found e;
	int rc;
	while (off < size) {
		int why = entry_at(j, buf, (size_t)size, (size_t)off, &e);
		if (!why && continues(c, &e)) {
			if ((rc = accept(j, c, sc, &e, off)))
				return rc;
			off = e.next;
			continue;
		}
		if (!why)
			why = ZC_ECHAIN;
		/* Damage at off: look for where an intact continuation resumes. */
		uint64_t p;
		for (p = off; p < size; p++)
			if (!entry_at(j, buf, (size_t)size, (size_t)p, &e) && (e.seq > c->expect || continues(c, &e)))
				break;
		if (p >= size) {
			sc->tail_off = off;
			sc->tail_reason = why;
			return 0;
		}
		if ((rc = mark_bad(j, c, e.seq)))
			return rc;
		if ((rc = accept(j, c, sc, &e, p)))
			return rc;
		off = e.next;
	}
	return 0;
}

static void note_repair(zc_journal *j, const char *seg, uint64_t off, uint64_t dropped, int reason)
{
	zc_journal_repair *r = &j->repair;
	r->happened = 1;
	snprintf(r->segment, sizeof r->segment, "%s", seg);
	r->offset = off;
	r->dropped_bytes += dropped;
	r->reason = reason;
}

static int scan_all(zc_journal *j)
{
	struct scanned *sc = NULL;
	struct chain c = {0, 0, {0}};
	uint8_t *buf = NULL;
	int rc = 0;
	if (!j->nsegs)
		goto out;
	sc = calloc(j->nsegs, sizeof *sc);
	rc = ZC_ENOMEM;
	if (!sc)
		goto out;
	for (size_t i = 0; i < j->nsegs; i++) {
		struct jseg *g = &j->segs[i];
		if (i == 0) {
			c.expect = g->first_seq;
			c.have_prev = g->first_seq == 1; /* seq 1 links to zeros */
			j->base = g->first_seq;
		} else if (g->first_seq > c.expect) {
			if ((rc = mark_bad(j, &c, g->first_seq)))
				goto out;
		}
		g->lo = c.expect; /* above first_seq only if segments overlap */
		sc[i].ent_start = j->nents;
		sc[i].tail_off = NO_TAIL;
		if ((rc = read_whole(j, g->name, &buf, &g->size)))
			goto out;
		sc[i].size = g->size;
		uint64_t hdr_first = 0;
		int hrc = zc_jseg_parse_header(buf, (size_t)g->size, &hdr_first);
		if (!hrc && hdr_first != g->first_seq)
			hrc = ZC_EMALFORMED;
		if ((rc = scan_segment(j, &c, buf, g->size, &sc[i])))
			goto out;
		if (!sc[i].good && sc[i].tail_off == NO_TAIL)
			sc[i].tail_reason = hrc ? hrc : ZC_ETRUNC; /* empty, or a header alone */
		free(buf);
		buf = NULL;
	}
	/* A last segment without one intact record is removed, as often as
	 * needed; the slots it caused in its predecessor go with it. */
	while (j->nsegs && !sc[j->nsegs - 1].good) {
		struct jseg *g = last_seg(j);
		rc = j->s->remove(j->s->ctx, g->name);
		if (rc && rc != ZC_ENOENT) {
			rc = io_err(rc);
			goto out;
		}
		note_repair(j, g->name, 0, g->size, sc[j->nsegs - 1].tail_reason);
		j->nents = sc[j->nsegs - 1].ent_start;
		j->nsegs--;
	}
	rc = 0;
	if (!j->nsegs) {
		j->nents = 0;
		goto out;
	}
	while (j->nents && j->ents[j->nents - 1].bad)
		j->nents--;
	struct jseg *g = last_seg(j);
	struct scanned *ls = &sc[j->nsegs - 1];
	if (ls->tail_off != NO_TAIL) {
		rc = j->s->truncate(j->s->ctx, g->name, ls->tail_off);
		if (rc) {
			rc = io_err(rc);
			goto out;
		}
		note_repair(j, g->name, ls->tail_off, g->size - ls->tail_off, ls->tail_reason);
		g->size = ls->tail_off;
	}
	j->head = ls->last_seq;
	memcpy(j->head_hash, ls->last_hash, ZC_HASH_LEN);
out:
	free(buf);
	free(sc);
	return rc;
}

static void watermark_check(const uint8_t *p, uint8_t check[4])
{
	uint8_t h[ZC_HASH_LEN];
	zc_sha256(p, 8 + ZC_HASH_LEN, h);
	memcpy(check, h, 4);
}

static int read_into(zc_journal *j, uint64_t seq, uint8_t *buf, size_t cap, size_t *len);

static int load_watermark(zc_journal *j)
{
	uint8_t b[COLLECTED_LEN], check[4], h[ZC_HASH_LEN];
	int64_t sz = j->s->size(j->s->ctx, COLLECTED_NAME);
	if (sz == ZC_ENOENT)
		return 0;
	if (sz < 0)
		return io_err((int)sz);
	int64_t n = sz == COLLECTED_LEN ? j->s->pread(j->s->ctx, COLLECTED_NAME, b, sizeof b, 0) : 0;
	if (n < 0)
		return io_err((int)n);
	if (n != COLLECTED_LEN)
		goto damaged;
	watermark_check(b, check);
	if (memcmp(check, b + 8 + ZC_HASH_LEN, 4))
		goto damaged;
	uint64_t seq = zc_get_u64(b);
	/* A watermark naming an intact record we hold must carry its hash. */
	if (seq && j->nents && seq >= j->base && seq <= j->head && !j->ents[seq - j->base].bad) {
		size_t len;
		size_t body_len;
		uint8_t *rec = malloc(ZC_REC_MAX);
		if (!rec)
			return ZC_ENOMEM;
		int rc = read_into(j, seq, rec, ZC_REC_MAX, &len);
		if (!rc)
			rc = zc_rec_decode(rec, len, &j->rec, &body_len, NULL);
		if (!rc)
			zc_rec_hash_body(rec, body_len, h);
		free(rec);
		if (rc == ZC_EIO)
			return rc;
		if (rc || memcmp(h, b + 8, ZC_HASH_LEN))
			goto damaged;
	}
	j->collected = seq;
	memcpy(j->collected_hash, b + 8, ZC_HASH_LEN);
	return 0;
damaged:
	j->repair.watermark_reset = 1;
	return 0;
}

/* The host holds records up to the watermark; if the tail lost some of them,
 * continue above them (as damaged slots) rather than reuse their seqs. */
static int lift_head(zc_journal *j)
{
	if (j->collected <= j->head)
		return 0;
	if (!j->nents) {
		j->base = j->collected + 1;
	} else {
		struct chain c = {j->head + 1, 0, {0}};
		if (mark_bad(j, &c, j->collected + 1))
			return ZC_ENOMEM;
	}
	j->head = j->collected;
	memcpy(j->head_hash, j->collected_hash, ZC_HASH_LEN);
	return 0;
}

int zc_journal_open(zc_storage *s, const zc_journal_cfg *cfg, zc_journal **out)
{
	zc_journal *j = NULL;
	int rc = ZC_EARG;
	if (!s || !out)
		goto out;
	rc = ZC_ENOMEM;
	j = calloc(1, sizeof *j);
	if (!j)
		goto out;
	j->s = s;
	j->capacity = cfg ? cfg->capacity_bytes : 0;
	j->seg_bytes = cfg && cfg->segment_bytes ? cfg->segment_bytes : DEFAULT_SEGMENT_BYTES;
	j->base = 1;
	if ((rc = list_segments(j)))
		goto out;
	if ((rc = scan_all(j)))
		goto out;
	if (!j->nsegs)
		j->base = 1;
	for (size_t i = 0; i < j->nsegs; i++)
		j->used += j->segs[i].size;
	j->repair.last_good_seq = j->head;
	if ((rc = load_watermark(j)))
		goto out;
	if ((rc = lift_head(j)))
		goto out;
	for (size_t i = 0; i < j->nents; i++) {
		if (!j->ents[i].bad)
			continue;
		if (!j->repair.damaged_records++)
			j->repair.first_damaged_seq = j->base + i;
	}
	/* Make what we saw durable before building on it. */
	if (j->nsegs && (rc = s->sync(s->ctx, last_seg(j)->name)))
		goto out;
	if ((rc = s->sync_dir(s->ctx)))
		goto out;
	*out = j;
	j = NULL;
	rc = 0;
out:
	if (rc < 0 && rc != ZC_ENOMEM && rc != ZC_EARG)
		rc = rc == ZC_ENOSPC ? ZC_ENOSPC : ZC_EIO;
	zc_journal_close(j);
	return rc;
}

void zc_journal_close(zc_journal *j)
{
	if (!j)
		return;
	free(j->segs);
	free(j->ents);
	free(j);
}

const zc_journal_repair *zc_journal_repair_info(const zc_journal *j)
{
	return &j->repair;
}

uint64_t zc_journal_head(const zc_journal *j, uint8_t hash[ZC_HASH_LEN])
{
	if (hash)
		memcpy(hash, j->head_hash, ZC_HASH_LEN);
	return j->head;
}

uint64_t zc_journal_first(const zc_journal *j)
{
	return j->nents ? j->base : 0;
}

/* ---- reading ---- */

static int read_into(zc_journal *j, uint64_t seq, uint8_t *buf, size_t cap, size_t *len)
{
	if (!j->nents || seq < j->base || seq > j->head)
		return ZC_ENOENT;
	const struct jent *e = &j->ents[seq - j->base];
	if (e->bad)
		return ZC_ECORRUPT;
	if (cap < e->len)
		return ZC_EARG;
	const struct jseg *g = seg_of(j, seq);
	size_t want = (size_t)e->len + ZC_JENTRY_OVERHEAD;
	int64_t n = j->s->pread(j->s->ctx, g->name, j->buf, want, e->off);
	if (n < 0)
		return ZC_EIO;
	const uint8_t *rec;
	size_t rec_len, next, body_len;
	if (zc_jentry_parse(j->buf, (size_t)n, 0, &rec, &rec_len, &next) || rec_len != e->len)
		return ZC_ECORRUPT;
	if (zc_rec_decode(rec, rec_len, &j->rec, &body_len, NULL) || j->rec.seq != seq)
		return ZC_ECORRUPT;
	memcpy(buf, rec, rec_len);
	*len = rec_len;
	return 0;
}

int zc_journal_read(zc_journal *j, uint64_t seq, uint8_t *buf, size_t cap, size_t *len)
{
	if (!j || !buf || !len)
		return ZC_EARG;
	if (j->failed)
		return ZC_EIO;
	return read_into(j, seq, buf, cap, len);
}

int zc_journal_foreach(zc_journal *j, uint64_t from, uint64_t to, zc_journal_fn fn, void *arg)
{
	if (!j || !fn)
		return ZC_EARG;
	if (j->failed)
		return ZC_EIO;
	if (!j->nents)
		return 0;
	if (from < j->base)
		from = j->base;
	if (!to || to > j->head)
		to = j->head;
	uint8_t *buf = malloc(ZC_REC_MAX);
	if (!buf)
		return ZC_ENOMEM;
	int rc = 0;
	for (uint64_t seq = from; seq <= to && !rc; seq++) {
		size_t len;
		rc = j->failed ? ZC_EIO : read_into(j, seq, buf, ZC_REC_MAX, &len);
		if (!rc)
			rc = fn(arg, seq, buf, len);
	}
	free(buf);
	return rc;
}

/* ---- pruning ---- */

/* Remove the oldest segment if every record in it is collected and it is not
 * the last (which holds the head). 1 if removed, 0 if not allowed, or an
 * error. */
static int prune_one(zc_journal *j)
{
	if (j->nsegs < 2 || j->segs[1].lo - 1 > j->collected)
		return 0;
	int rc = j->s->remove(j->s->ctx, j->segs[0].name);
	if (rc && rc != ZC_ENOENT)
		return io_err(rc);
	uint64_t k = j->segs[1].lo - j->base;
	memmove(j->ents, j->ents + k, (j->nents - k) * sizeof *j->ents);
	j->nents -= k;
	j->base = j->segs[1].lo;
	j->used -= j->segs[0].size;
	memmove(j->segs, j->segs + 1, (j->nsegs - 1) * sizeof *j->segs);
	j->nsegs--;
	return 1;
}

/* Prune while the journal is over capacity with need more bytes. */
static int prune_for_capacity(zc_journal *j, uint64_t need)
{
	int rc = 0, removed = 0;
	while (j->used + need > j->capacity && (rc = prune_one(j)) == 1)
		removed = 1;
	if (rc < 0)
		return rc;
	if (removed && (rc = j->s->sync_dir(j->s->ctx)))
		return io_err(rc);
	return 0;
}

/* Storage said ENOSPC: prune at least one segment, more while the storage
 * reports less free space than need plus a whole segment. Returns the number
 * removed or an error. */
static int prune_for_space(zc_journal *j, uint64_t need)
{
	int rc, removed = 0;
	for (;;) {
		rc = prune_one(j);
		if (rc < 0)
			return rc;
		if (!rc)
			break;
		removed++;
		int64_t avail = j->s->available(j->s->ctx);
		if (avail < 0 || (uint64_t)avail >= need + j->seg_bytes)
			break;
	}
	if (removed && (rc = j->s->sync_dir(j->s->ctx)))
		return io_err(rc);
	return removed;
}

/* ---- appending ---- */

/* Undo a failed append so that nothing of it is on storage; failing that,
 * the journal can no longer tell what is durable. */
static void rollback(zc_journal *j, const char *name, int new_seg, uint64_t old_size)
{
	int rc;
	if (new_seg) {
		rc = j->s->remove(j->s->ctx, name);
		if (rc == ZC_ENOENT)
			rc = 0;
		if (!rc)
			rc = j->s->sync_dir(j->s->ctx);
	} else {
		rc = j->s->truncate(j->s->ctx, name, old_size);
		if (!rc)
			rc = j->s->sync(j->s->ctx, name);
	}
	if (rc)
		j->failed = 1;
}

/* One attempt at writing the entry for record seq (already in j->buf after
 * the header space, elen bytes). */
static int append_once(zc_journal *j, uint64_t seq, size_t elen, uint16_t rec_len)
{
	struct jseg *g = last_seg(j);
	int roll = !g || (g->size + elen > j->seg_bytes && g->size > ZC_JSEG_HEADER_LEN);
	uint64_t need = elen + (roll ? ZC_JSEG_HEADER_LEN : 0);
	uint64_t off;
	int rc;
	if (j->capacity) {
		if ((rc = prune_for_capacity(j, need)))
			return rc;
		if (j->used + need > j->capacity)
			return ZC_EFULL;
		g = last_seg(j);
	}
	if (roll) {
		char name[ZC_JSEG_NAME_LEN + 1];
		zc_jseg_name(seq, name);
		zc_jseg_header(j->buf, seq);
		rc = j->s->pwrite(j->s->ctx, name, j->buf, ZC_JSEG_HEADER_LEN + elen, 0);
		if (!rc)
			rc = j->s->sync(j->s->ctx, name);
		if (!rc)
			rc = j->s->sync_dir(j->s->ctx);
		if (rc) {
			rollback(j, name, 1, 0);
			return io_err(rc);
		}
		g = &j->segs[j->nsegs++]; /* room reserved by the caller */
		memset(g, 0, sizeof *g);
		g->first_seq = seq;
		g->lo = seq;
		g->size = ZC_JSEG_HEADER_LEN + elen;
		memcpy(g->name, name, sizeof name);
		off = ZC_JSEG_HEADER_LEN;
	} else {
		off = g->size;
		rc = j->s->pwrite(j->s->ctx, g->name, j->buf + ZC_JSEG_HEADER_LEN, elen, off);
		if (!rc)
			rc = j->s->sync(j->s->ctx, g->name);
		if (rc) {
			rollback(j, g->name, 0, off);
			return io_err(rc);
		}
		g->size += elen;
	}
	j->used += need;
	if (!j->nents)
		j->base = seq;
	return ent_push(j, off, rec_len, 0); /* room reserved by the caller */
}

int zc_journal_append(zc_journal *j, const uint8_t *rec, size_t len)
{
	size_t body_len;
	uint8_t hash[ZC_HASH_LEN];
	if (!j || !rec || !len || len > ZC_REC_MAX)
		return ZC_EARG;
	if (j->failed)
		return ZC_EIO;
	int rc = zc_rec_decode(rec, len, &j->rec, &body_len, NULL);
	if (rc)
		return rc;
	uint64_t seq = j->rec.seq;
	if (seq != j->head + 1 || memcmp(j->rec.prev_hash, j->head_hash, ZC_HASH_LEN))
		return ZC_ECHAIN;
	zc_rec_hash_body(rec, body_len, hash);
	/* Reserve memory first: once the entry is durable nothing may fail. */
	if (grow((void **)&j->segs, &j->segs_cap, j->nsegs + 1, sizeof *j->segs) ||
	    grow((void **)&j->ents, &j->ents_cap, j->nents + 1, sizeof *j->ents))
		return ZC_ENOMEM;
	int elen = zc_jentry_encode(rec, len, j->buf + ZC_JSEG_HEADER_LEN, ENTRY_MAX);
	if (elen < 0)
		return elen;
	rc = append_once(j, seq, (size_t)elen, (uint16_t)len);
	if (rc == ZC_ENOSPC && !j->failed) {
		int pruned = prune_for_space(j, (uint64_t)elen + ZC_JSEG_HEADER_LEN);
		if (pruned > 0)
			rc = append_once(j, seq, (size_t)elen, (uint16_t)len);
		else if (pruned < 0)
			rc = pruned;
	}
	if (rc)
		return j->failed ? ZC_EIO : rc;
	j->head = seq;
	memcpy(j->head_hash, hash, ZC_HASH_LEN);
	return 0;
}

/* ---- collected watermark ---- */

/* Write the 44-byte watermark b atomically: tmp file, sync, rename, sync_dir. */
static int persist_watermark(zc_journal *j, const uint8_t *b)
{
	zc_storage *s = j->s;
	int rc = s->pwrite(s->ctx, COLLECTED_TMP, b, COLLECTED_LEN, 0);
	if (!rc)
		rc = s->truncate(s->ctx, COLLECTED_TMP, COLLECTED_LEN);
	if (!rc)
		rc = s->sync(s->ctx, COLLECTED_TMP);
	if (!rc)
		rc = s->rename(s->ctx, COLLECTED_TMP, COLLECTED_NAME);
	if (!rc)
		rc = s->sync_dir(s->ctx);
	return rc;
}

int zc_journal_set_collected(zc_journal *j, uint64_t seq, const uint8_t hash[ZC_HASH_LEN])
{
	uint8_t b[COLLECTED_LEN], h[ZC_HASH_LEN];
	uint8_t *rec = NULL;
	size_t len, body_len;
	int rc = ZC_EARG;
	if (!j || !hash)
		goto out;
	rc = ZC_EIO;
	if (j->failed)
		goto out;
	rc = ZC_EARG;
	if (seq < j->collected)
		goto out;
	if (seq == j->collected) {
		rc = memcmp(hash, j->collected_hash, ZC_HASH_LEN) ? ZC_ECHAIN : 0;
		goto out;
	}
	rc = ZC_ENOENT;
	if (seq > j->head)
		goto out;
	if (seq == j->head) {
		memcpy(h, j->head_hash, ZC_HASH_LEN);
	} else {
		rc = ZC_ENOMEM;
		if (!(rec = malloc(ZC_REC_MAX)))
			goto out;
		if ((rc = read_into(j, seq, rec, ZC_REC_MAX, &len)))
			goto out;
		if ((rc = zc_rec_decode(rec, len, &j->rec, &body_len, NULL))) {
			rc = ZC_ECORRUPT;
			goto out;
		}
		zc_rec_hash_body(rec, body_len, h);
	}
	rc = ZC_ECHAIN;
	if (memcmp(h, hash, ZC_HASH_LEN))
		goto out;
	zc_put_u64(b, seq);
	memcpy(b + 8, hash, ZC_HASH_LEN);
	watermark_check(b, b + 8 + ZC_HASH_LEN);
	uint64_t old = j->collected;
	uint8_t old_hash[ZC_HASH_LEN];
	memcpy(old_hash, j->collected_hash, ZC_HASH_LEN);
	rc = persist_watermark(j, b);
	if (rc == ZC_ENOSPC) {
		/* Full storage must not block collection: the host has stored
		 * these records, so segments below seq may go now. */
		j->collected = seq;
		int pruned = prune_for_space(j, 2 * COLLECTED_LEN);
		rc = pruned > 0 ? persist_watermark(j, b) : pruned < 0 ? pruned : ZC_ENOSPC;
	}
	if (rc) {
		/* Keep the old value in memory: a lower watermark only prunes less. */
		j->collected = old;
		memcpy(j->collected_hash, old_hash, ZC_HASH_LEN);
		rc = io_err(rc);
		goto out;
	}
	j->collected = seq;
	memcpy(j->collected_hash, hash, ZC_HASH_LEN);
out:
	free(rec);
	return rc;
}

uint64_t zc_journal_collected(const zc_journal *j)
{
	return j->collected;
}

void zc_journal_stats_get(const zc_journal *j, zc_journal_stats *st)
{
	memset(st, 0, sizeof *st);
	st->bytes_used = j->used;
	st->capacity_bytes = j->capacity;
	st->records = j->nents;
	st->uncollected = j->head > j->collected ? j->head - j->collected : 0;
	st->segments = (uint32_t)j->nsegs;
}
