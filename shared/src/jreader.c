/* SPDX-License-Identifier: Apache-2.0 */
/* jreader.c: read-only journal iteration with damage reporting (zc/jreader.h). */
#include "zc/jreader.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zc/err.h"
#include "zc/jfile.h"

typedef struct seg {
	uint64_t first;
	char *path;
	char *name;
} seg;

struct zc_jreader {
	seg *segs;
	size_t nsegs;
	size_t cur;   /* index of the loaded segment */
	uint8_t *buf; /* its contents */
	size_t len;
	size_t off;
	int loaded;
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

static int load(zc_jreader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
	FILE *f = fopen(r->segs[r->cur].path, "rb");
	if (!f)
		return ZC_EIO;
	struct stat st;
	if (fstat(fileno(f), &st)) {
		fclose(f);
		return ZC_EIO;
	}
	size_t n = (size_t)st.st_size;
	r->buf = malloc(n ? n : 1);
	if (!r->buf) {
		fclose(f);
		return ZC_ENOMEM;
	}
	r->len = fread(r->buf, 1, n, f);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return ZC_EIO;
	r->off = 0;
	r->loaded = 1;
	return 0;
}

/* Find the next offset > from where a valid entry starts, or len. */
static size_t resync(const zc_jreader *r, size_t from)
{
	for (size_t o = from + 1; o + ZC_JENTRY_OVERHEAD < r->len; o++) {
		const uint8_t *rec;
		size_t rl, next;
		if (!zc_jentry_parse(r->buf, r->len, o, &rec, &rl, &next))
			return o;
	}
	return r->len;
}

int zc_jreader_next(zc_jreader *r, zc_jitem *it)
{
	for (;;) {
		if (r->cur >= r->nsegs)
			return 0;
		if (!r->loaded) {
			int rc = load(r);
			if (rc)
				return rc;
			uint64_t first;
			int hr = zc_jseg_parse_header(r->buf, r->len, &first);
			memset(it, 0, sizeof *it);
			it->segment = r->segs[r->cur].name;
			if (hr) {
				/* Header damaged: report and resynchronise on entries. */
				size_t o = resync(r, r->len >= ZC_JSEG_HEADER_LEN ? ZC_JSEG_HEADER_LEN - 1 : r->len);
				it->status = hr;
				it->offset = 0;
				it->skipped = o;
				r->off = o;
				return 1;
			}
			r->off = ZC_JSEG_HEADER_LEN;
		}
		if (r->off >= r->len) {
			r->cur++;
			r->loaded = 0;
			continue;
		}
		memset(it, 0, sizeof *it);
		it->segment = r->segs[r->cur].name;
		it->offset = r->off;
		const uint8_t *rec;
		size_t rl, next;
		int rc = zc_jentry_parse(r->buf, r->len, r->off, &rec, &rl, &next);
		if (!rc) {
			it->rec = rec;
			it->len = rl;
			r->off = next;
			return 1;
		}
		it->status = rc;
		if (rc == ZC_ECHECKSUM) {
			/* Length plausible: hand the bytes on, and check whether the
			 * next entry really starts after it. */
			size_t n = (size_t)r->buf[r->off] | (size_t)r->buf[r->off + 1] << 8;
			const uint8_t *r2;
			size_t l2, n2;
			size_t after = r->off + n + ZC_JENTRY_OVERHEAD;
			if (after == r->len || !zc_jentry_parse(r->buf, r->len, after, &r2, &l2, &n2)) {
				it->rec = r->buf + r->off + 2;
				it->len = n;
				it->skipped = n + ZC_JENTRY_OVERHEAD;
				r->off = after;
				return 1;
			}
		}
		size_t o = resync(r, r->off);
		it->skipped = o - r->off;
		r->off = o;
		return 1;
	}
}

size_t zc_jreader_segments(const zc_jreader *r)
{
	return r->nsegs;
}

void zc_jreader_close(zc_jreader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsegs; i++) {
		free(r->segs[i].path);
		free(r->segs[i].name);
	}
	free(r->segs);
	free(r->buf);
	free(r);
}
