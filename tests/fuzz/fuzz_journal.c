/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_journal.c: libFuzzer target for journal segment parsing: the header,
 * then entries as the journal reader walks them (valid, damaged, torn).
 * Invariants: no out-of-bounds access, progress on every step, and every
 * entry reported valid re-frames to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/jfile.h"
#include "zc/record.h"

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
	return 0;
}
