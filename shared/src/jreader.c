/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jreader.c: read-only journal iteration with damage reporting (zc/jreader.h).
 *
 * A segment is read through a fixed window (WIN_CAP bytes), never whole, so
 * memory stays bounded whatever the file size. Entries are parsed where the
 * previous one ended; after damage the reader resynchronises by scanning
 * forward. A candidate offset is hashed only when its framing is plausible
 * (zc_rec_framed: the record magic, a version this code decodes and header
 * lengths that add up to the entry length), which every entry a terminal
 * writes passes and random damage almost never does. A plausible candidate
 * whose check fails is passed by one byte while the hashing stays within
 * RESYNC_FACTOR times the bytes scanned; beyond that budget (a crafted file
 * packed with plausible headers) it claims its bytes and the scan resumes
 * after it. Hashing is thus bounded by a small multiple of the file size and
 * reading is linear whatever the file holds.
 */
#include "zc/jreader.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/record.h"

/* Largest entry, and the window: room for two whole entries past the current
 * offset (an entry and the one after it) plus slack so refills are rare. */
#define ENT_MAX (ZC_REC_MAX + ZC_JENTRY_OVERHEAD)
#define WIN_CAP (64 * 1024)
/* While resynchronising, a plausible candidate whose check fails is passed
 * by one byte, exactly as checking every offset would, as long as the bytes
 * hashed so far in the segment stay under this many times the offset; past
 * that (only a crafted file gets there) the candidate is skipped whole. */
#define RESYNC_FACTOR 4

typedef struct seg {
	uint64_t first;
	char *path;
	char *name;
} seg;

struct zc_jreader {
	seg *segs;
	size_t nsegs;
	size_t cur; /* index of the open segment */
	FILE *f;    /* the open segment, NULL before it is opened */
	uint8_t *buf;
	uint64_t base;		/* file offset of buf[0] */
	size_t wlen;		/* valid bytes in buf */
	int eof;		/* buf reaches the end of the file */
	uint64_t off;		/* file offset of the next entry */
	uint64_t resync_hashed; /* bytes hashed while resynchronising in this segment */
	zc_jreader_stats st;
};

static int seg_cmp(const void *a, const void *b)
{
	const seg *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int add_seg(zc_jreader *r, const char *dir, const char *name, uint64_t first)
{
	seg *n = realloc(r->segs, (r->nsegs + 1) * sizeof *n);
	if (!n)
		return ZC_ENOMEM;
	r->segs = n;
	size_t plen = strlen(dir) + strlen(name) + 2;
	char *path = malloc(plen);
	char *nm = strdup(name);
	if (!path || !nm) {
		free(path);
		free(nm);
		return ZC_ENOMEM;
	}
	if (*dir)
		snprintf(path, plen, "%s/%s", dir, name);
	else
		snprintf(path, plen, "%s", name);
	r->segs[r->nsegs].first = first;
	r->segs[r->nsegs].path = path;
	r->segs[r->nsegs].name = nm;
	r->nsegs++;
	return 0;
}

int zc_jreader_open(const char *path, zc_jreader **out)
{
	struct stat st;
	if (stat(path, &st))
		return errno == ENOENT ? ZC_ENOENT : ZC_EIO;
	zc_jreader *r = calloc(1, sizeof *r);
	if (!r)
		return ZC_ENOMEM;
	int rc = 0;
	r->buf = malloc(WIN_CAP);
	if (!r->buf) {
		rc = ZC_ENOMEM;
		goto out;
	}
	r->st.buffer_bytes = WIN_CAP;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			rc = ZC_EIO;
			goto out;
		}
		struct dirent *e;
		while (!rc && (e = readdir(d))) {
			uint64_t first;
			if (zc_jseg_name_parse(e->d_name, &first))
				rc = add_seg(r, path, e->d_name, first);
		}
		closedir(d);
		if (rc)
			goto out;
		qsort(r->segs, r->nsegs, sizeof *r->segs, seg_cmp);
	} else {
		const char *base = strrchr(path, '/');
		rc = add_seg(r, "", path, 0);
		if (!rc) {
			free(r->segs[0].name);
			r->segs[0].name = strdup(base ? base + 1 : path);
			if (!r->segs[0].name)
				rc = ZC_ENOMEM;
		}
	}
	if (!rc && !r->nsegs)
		rc = ZC_ENOENT;
out:
	if (rc)
		zc_jreader_close(r);
	else
		*out = r;
	return rc;
}

/* Make the window hold file bytes [pos, pos + need), or everything from pos
 * to the end of the file. pos is never before the window's start. */
static int ensure(zc_jreader *r, uint64_t pos, size_t need)
{
	if (pos + need <= r->base + r->wlen || r->eof)
		return 0;
	size_t keep = pos < r->base + r->wlen ? (size_t)(r->base + r->wlen - pos) : 0;
	if (keep && pos > r->base)
		memmove(r->buf, r->buf + (pos - r->base), keep);
	if (!keep && pos > r->base + r->wlen && fseeko(r->f, (off_t)pos, SEEK_SET))
		return ZC_EIO;
	r->base = pos;
	r->wlen = keep;
	while (r->wlen < WIN_CAP) {
		size_t n = fread(r->buf + r->wlen, 1, WIN_CAP - r->wlen, r->f);
		r->wlen += n;
		r->st.bytes_read += n;
		if (n == 0) {
			if (ferror(r->f))
				return ZC_EIO;
			r->eof = 1;
			break;
		}
	}
	return 0;
}

static uint64_t win_end(const zc_jreader *r)
{
	return r->base + r->wlen;
}

/* zc_jentry_parse at file offset o (inside the window), counting the checks
 * it computes. */
static int parse_at(zc_jreader *r, uint64_t o, const uint8_t **rec, size_t *rl, uint64_t *next)
{
	if (o > win_end(r))
		return ZC_ETRUNC;
	size_t rel = (size_t)(o - r->base), n, nx;
	if (r->wlen - rel >= 2) {
		n = zc_get_u16(r->buf + rel);
		if (n && n <= ZC_REC_MAX && r->wlen - rel >= n + ZC_JENTRY_OVERHEAD) {
			r->st.checks++;
			r->st.hashed_bytes += n + 2;
		}
	}
	int rc = zc_jentry_parse(r->buf, r->wlen, rel, rec, rl, &nx);
	if (!rc)
		*next = r->base + nx;
	return rc;
}

/* Find the first offset > from where a plausible entry with a matching check
 * starts; *found is the end of the segment if there is none. */
static int resync(zc_jreader *r, uint64_t from, uint64_t *found)
{
	uint64_t o = from + 1;
	for (;;) {
		int rc = ensure(r, o, ENT_MAX);
		if (rc)
			return rc;
		if (o + ZC_JENTRY_OVERHEAD >= win_end(r)) {
			*found = win_end(r); /* ensure() reached the end of the file */
			return 0;
		}
		r->st.resync_bytes++;
		const uint8_t *p = r->buf + (o - r->base);
		size_t n = zc_get_u16(p);
		/* Cheap framing first; an entry running past the end of the
		 * file (torn) is no candidate either. */
		if (!n || n > ZC_REC_MAX || o + n + ZC_JENTRY_OVERHEAD > win_end(r) || !zc_rec_framed(p + 2, n)) {
			o++;
			continue;
		}
		const uint8_t *rec;
		size_t rl;
		uint64_t next;
		if (!parse_at(r, o, &rec, &rl, &next)) {
			*found = o;
			return 0;
		}
		/* Its check failed: the next offset, or past all it claims when a
		 * crafted file has made scanning too costly. */
		r->resync_hashed += n + 2;
		o += r->resync_hashed <= RESYNC_FACTOR * o ? 1 : n + ZC_JENTRY_OVERHEAD;
	}
}

static int open_segment(zc_jreader *r, zc_jitem *it, int *reported)
{
	*reported = 0;
	r->f = fopen(r->segs[r->cur].path, "rb");
	if (!r->f)
		return ZC_EIO;
	r->base = 0;
	r->wlen = 0;
	r->eof = 0;
	r->resync_hashed = 0;
	int rc = ensure(r, 0, ZC_JSEG_HEADER_LEN + 2 * ENT_MAX);
	if (rc)
		return rc;
	uint64_t first;
	int hr = zc_jseg_parse_header(r->buf, r->wlen, &first);
	if (!hr) {
		r->off = ZC_JSEG_HEADER_LEN;
		return 0;
	}
	/* Header damaged: report and resynchronise on entries. */
	uint64_t o;
	uint64_t from = r->wlen >= ZC_JSEG_HEADER_LEN ? ZC_JSEG_HEADER_LEN - 1 : r->wlen;
	if ((rc = resync(r, from, &o)))
		return rc;
	memset(it, 0, sizeof *it);
	it->segment = r->segs[r->cur].name;
	it->status = hr;
	it->offset = 0;
	it->skipped = o;
	r->off = o;
	*reported = 1;
	return 0;
}

static void close_segment(zc_jreader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	r->cur++;
}

int zc_jreader_next(zc_jreader *r, zc_jitem *it)
{
	for (;;) {
		if (r->cur >= r->nsegs)
			return 0;
		if (!r->f) {
			int reported, rc = open_segment(r, it, &reported);
			if (rc)
				return rc;
			if (reported)
				return 1;
		}
		int rc = ensure(r, r->off, 2 * ENT_MAX);
		if (rc)
			return rc;
		if (r->off >= win_end(r)) {
			close_segment(r);
			continue;
		}
		memset(it, 0, sizeof *it);
		it->segment = r->segs[r->cur].name;
		it->offset = r->off;
		const uint8_t *rec;
		size_t rl;
		uint64_t next;
		rc = parse_at(r, r->off, &rec, &rl, &next);
		if (!rc) {
			it->rec = rec;
			it->len = rl;
			r->off = next;
			return 1;
		}
		it->status = rc;
		if (rc == ZC_ECHECKSUM) {
			/* Length plausible: hand the bytes on, and check whether the
			 * next entry really starts after it. The window holds both. */
			const uint8_t *p = r->buf + (r->off - r->base);
			size_t n = zc_get_u16(p);
			uint64_t after = r->off + n + ZC_JENTRY_OVERHEAD, n2;
			const uint8_t *r2;
			size_t l2;
			if (after == win_end(r) || !parse_at(r, after, &r2, &l2, &n2)) {
				it->rec = p + 2;
				it->len = n;
				it->skipped = n + ZC_JENTRY_OVERHEAD;
				r->off = after;
				return 1;
			}
		}
		uint64_t o;
		if ((rc = resync(r, r->off, &o)))
			return rc;
		it->skipped = o - r->off;
		r->off = o;
		return 1;
	}
}

size_t zc_jreader_segments(const zc_jreader *r)
{
	return r->nsegs;
}

void zc_jreader_stats_get(const zc_jreader *r, zc_jreader_stats *st)
{
	*st = r->st;
}

void zc_jreader_close(zc_jreader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	for (size_t i = 0; i < r->nsegs; i++) {
		free(r->segs[i].path);
		free(r->segs[i].name);
	}
	free(r->segs);
	free(r->buf);
	free(r);
}
