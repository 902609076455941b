/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_journal.c: libFuzzer target for journal segment parsing: the header,
 * then entries as the journal reader walks them (valid, damaged, torn).
 * Invariants: no out-of-bounds access, progress on every step, and every
 * entry reported valid re-frames to the same bytes. The same input is then
 * written to a segment file and walked by the streaming reader (zc_jreader):
 * offsets only grow, every valid item is the bytes at its offset, and the
 * work stays linear (hashed bytes at most 6 times the file, plus one entry;
 * the read buffer fixed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/jreader.h"
#include "zc/record.h"

/* The input as a segment file, walked by zc_jreader. */
static void walk_file(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_journal.%d.zcj", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	size_t w = fwrite(data, 1, size, f);
	fclose(f);
	if (w != size)
		return;
	zc_jreader *r;
	if (zc_jreader_open(path, &r))
		return;
	zc_jitem it;
	uint64_t last = 0;
	int first = 1, rc;
	while ((rc = zc_jreader_next(r, &it)) == 1) {
		if (!first && it.offset <= last)
			abort(); /* no progress */
		first = 0;
		last = it.offset;
		if (it.status == 0) {
			uint8_t ent[ZC_REC_MAX + ZC_JENTRY_OVERHEAD];
			int n = zc_jentry_encode(it.rec, it.len, ent, sizeof ent);
			if (n <= 0 || it.offset + (uint64_t)n > size || memcmp(ent, data + it.offset, (size_t)n))
				abort(); /* a valid item that is not the file's bytes */
		}
	}
	zc_jreader_stats st;
	zc_jreader_stats_get(r, &st);
	if (st.hashed_bytes > 6 * (uint64_t)size + ZC_REC_MAX + ZC_JENTRY_OVERHEAD)
		abort(); /* resynchronisation no longer linear */
	zc_jreader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t first;
	size_t off = 0;
	if (!zc_jseg_parse_header(data, size, &first))
		off = ZC_JSEG_HEADER_LEN;
	while (off < size) {
		const uint8_t *rec;
		size_t len, next;
		int rc = zc_jentry_parse(data, size, off, &rec, &len, &next);
		if (rc) {
			off++; /* resynchronise byte by byte, as the reader does */
			continue;
		}
		if (next <= off || next > size)
			abort();
		uint8_t ent[ZC_REC_MAX + ZC_JENTRY_OVERHEAD];
		int n = zc_jentry_encode(rec, len, ent, sizeof ent);
		if (n != (int)(next - off) || memcmp(ent, data + off, (size_t)n))
			abort();
		zc_rec r;
		zc_rec_decode(rec, len, &r, NULL, NULL);
		off = next;
	}
	walk_file(data, size);
	return 0;
}
