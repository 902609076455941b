/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_revlist.c: libFuzzer target for the ZRL1 revocation-list decoder.
 * Invariants: no out-of-bounds access (ASan); whatever it accepts
 * re-encodes to exactly the input (canonical form), with strictly ascending
 * serials each found where it stands; a rejection names a field at an offset
 * inside the input and reports the code it returns.
 *
 * The seed corpus is the record vectors, which are no lists at all, so each
 * input is also tried behind the magic "ZRL1" (the decoder then gets past
 * its first check), and is used as a recipe for a list built with
 * zc_revlist_add and encoded, which the decoder must then accept: so the
 * accepting path runs in the replay build too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zc/badge.h"
#include "zc/err.h"

/* Decode; returns whether the input was accepted. */
static int one(const uint8_t *data, size_t size)
{
	zc_revlist l;
	zc_revlist_error e = {0};
	size_t blen = 0;
	int rc = zc_revlist_decode(data, size, &l, &blen, &e);
	if (rc) {
		if (!e.field || !e.why || e.offset > size || e.code != rc || (rc != ZC_ETRUNC && rc != ZC_EMALFORMED))
			abort();
		if (l.count || l.entries)
			abort();
		return 0;
	}
	size_t cap = zc_revlist_encoded_max(&l);
	uint8_t *out = malloc(cap);
	if (!out)
		abort();
	int n = zc_revlist_encode(&l, out, cap);
	if (n != (int)size || memcmp(out, data, size) || blen >= size)
		abort();
	for (uint32_t i = 0; i < l.count; i++)
		if (zc_revlist_find(&l, l.entries[i].serial, l.entries[i].serial_len) != (int)i)
			abort();
	free(out);
	zc_revlist_clear(&l);
	return 1;
}

/* A canonical list from the input bytes: entries of 1-20 bytes (made
 * positive and minimal), added in input order. */
static void built(const uint8_t *data, size_t size)
{
	zc_revlist l = {.number = 1 + (size ? data[0] : 0), .issued_ms = (int64_t)size * 1000};
	for (size_t i = 1; i < size && l.count < 64;) {
		size_t n = 1 + data[i] % 20;
		uint8_t s[20] = {0};
		for (size_t k = 0; k < n; k++)
			s[k] = i + 1 + k < size ? data[i + 1 + k] : (uint8_t)k;
		s[0] &= 0x7F;
		if (!s[0])
			s[0] = 1;
		int rc = zc_revlist_add(&l, s, n, -(int64_t)i);
		if (rc && rc != ZC_EEXIST)
			abort();
		i += 1 + n;
	}
	static const uint8_t sig[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	memcpy(l.sig, sig, sizeof sig);
	l.sig_len = sizeof sig;
	size_t cap = zc_revlist_encoded_max(&l);
	uint8_t *out = malloc(cap);
	int n = out ? zc_revlist_encode(&l, out, cap) : -1;
	if (n <= 0 || !one(out, (size_t)n))
		abort();
	free(out);
	zc_revlist_clear(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size);
	uint8_t *framed = malloc(size + 4);
	if (!framed)
		return 0;
	memcpy(framed, ZC_REVLIST_MAGIC, 4);
	if (size)
		memcpy(framed + 4, data, size);
	one(framed, size + 4);
	free(framed);
	built(data, size);
	return 0;
}
