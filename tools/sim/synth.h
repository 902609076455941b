/* SPDX-License-Identifier: Apache-2.0 */
/*
 * synth.h: synthetic terminal journals for tests, benchmarks and the format
 * checks: a terminal key, a journal and N PIV taps by a few synthetic badges,
 * each badge signing the real tap challenge.
 */
#ifndef ZC_SYNTH_H
#define ZC_SYNTH_H

#include <stdint.h>

typedef struct zc_synth_opts {
	const char *out_dir;  /* created if missing */
	const char *terminal; /* terminal id */
	uint64_t records;     /* taps to write */
	int64_t start_utc_ms; /* simulated time of the first record */
	uint32_t badges;      /* distinct synthetic badges */
	int quiet;
} zc_synth_opts;

/* Writes out_dir/terminal.key (0600), out_dir/terminal.pub.pem and the
 * journal folder out_dir/journal. Returns 0 or a negative zc_err and prints
 * a one-line error to stderr. */
int zc_synth_journal(const zc_synth_opts *o);

#endif
