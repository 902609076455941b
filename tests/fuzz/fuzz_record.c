/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_record.c: libFuzzer target for the record decoder. Invariants: the
 * decoder never reads out of bounds (ASan), and whatever it accepts
 * re-encodes to exactly the input (canonical form). The error it reports
 * always names a field inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zc/err.h"
#include "zc/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zc_rec r;
	zc_rec_error e = {0};
	size_t blen = 0;
	int rc = zc_rec_decode(data, size, &r, &blen, &e);
	if (rc) {
		if (!e.field || e.offset > size || e.code != rc)
			abort();
		return 0;
	}
	uint8_t out[ZC_REC_MAX];
	int n = zc_rec_encode(&r, out, sizeof out);
	if (n != (int)size || memcmp(out, data, size) || blen >= size)
		abort();
	if (r.kind == ZC_KIND_TAP) {
		uint8_t ch[ZC_HASH_LEN];
		zc_rec_tap_challenge(&r, ch);
	}
	return 0;
}
