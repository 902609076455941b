/* SPDX-License-Identifier: Apache-2.0 */
/* tamper.c: deliberate journal damage for tests and the demo (tamper.h). */
#include "tamper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zc/bytes.h"
#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/jreader.h"
#include "zc/record.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int spit(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return ZC_EIO;
	int ok = fwrite(b, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : ZC_EIO;
}

int zc_tamper(const char *journal_dir, uint64_t seq, const char *how)
{
	zc_jreader *jr;
	int rc = zc_jreader_open(journal_dir, &jr);
	if (rc)
		return rc;
	zc_jitem it;
	char seg[64] = "";
	uint64_t off = 0;
	size_t len = 0;
	while (zc_jreader_next(jr, &it) > 0) {
		zc_rec r;
		if (!it.status && !zc_rec_decode(it.rec, it.len, &r, NULL, NULL) && r.seq == seq) {
			snprintf(seg, sizeof seg, "%s", it.segment);
			off = it.offset;
			len = it.len;
			break;
		}
	}
	zc_jreader_close(jr);
	if (!*seg)
		return ZC_ENOENT;
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", journal_dir, seg);
	size_t n;
	uint8_t *b = slurp(path, &n);
	if (!b)
		return ZC_EIO;
	size_t ent = len + ZC_JENTRY_OVERHEAD;
	if (!strcmp(how, "flip")) {
		uint8_t *rec = b + off + 2;
		size_t tl = rec[4];
		rec[5 + tl + 12 + 1] ^= 0x40; /* utc_ms, second byte */
		zc_jentry_encode(rec, len, b + off, ent);
		rc = spit(path, b, n);
	} else if (!strcmp(how, "drop")) {
		memmove(b + off, b + off + ent, n - off - ent);
		rc = spit(path, b, n - ent);
	} else if (!strcmp(how, "truncate")) {
		rc = spit(path, b, off + ent / 2);
	} else {
		rc = ZC_EARG;
	}
	free(b);
	return rc;
}
