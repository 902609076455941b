/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/jreader.h: read-only iteration over a terminal journal as found on disk
 * (a journal folder, or one segment file), for the host and for tools. It
 * never modifies the journal. Damaged entries are reported as items with a
 * nonzero status and skipped (by their length when it is plausible, otherwise
 * by scanning forward to the next plausible entry whose check matches), so
 * one bad entry never hides the records after it.
 *
 * Reading streams each segment through a fixed-size buffer and takes time
 * linear in the segment's size whatever it holds: while resynchronising, only
 * offsets whose framing is plausible (zc_rec_framed) are hashed, and one whose
 * check fails is skipped whole (shared/FORMAT.md section 2).
 */
#ifndef ZC_JREADER_H
#define ZC_JREADER_H

#include <stddef.h>
#include <stdint.h>

typedef struct zc_jreader zc_jreader;

typedef struct zc_jitem {
	const char *segment; /* file name of the segment */
	uint64_t offset;     /* byte offset of the entry in the segment */
	int status;	     /* 0: rec/len valid; else ZC_ECHECKSUM, ZC_ETRUNC, ZC_EMALFORMED */
	const uint8_t *rec;  /* record bytes (status 0, or ZC_ECHECKSUM with a plausible length) */
	size_t len;
	uint64_t skipped; /* bytes covered by a damaged item */
} zc_jitem;

/* Open a folder of seg-*.zcj files (sorted by first sequence number) or a
 * single segment file. ZC_ENOENT if the path does not exist or holds no
 * segment; ZC_EIO if unreadable. */
int zc_jreader_open(const char *path, zc_jreader **out);
/* Next item: 1 with *it filled (valid until the next call), 0 at the end,
 * negative zc_err on an I/O error. */
int zc_jreader_next(zc_jreader *r, zc_jitem *it);
/* What a reader has done so far, for tests and benchmarks. */
typedef struct zc_jreader_stats {
	uint64_t bytes_read;   /* bytes read from segment files */
	uint64_t checks;       /* entry checks computed (one SHA-256 each) */
	uint64_t hashed_bytes; /* bytes those checks covered */
	uint64_t resync_bytes; /* offsets examined while resynchronising */
	size_t buffer_bytes;   /* the read buffer's fixed size */
} zc_jreader_stats;

/* Copy r's counters into *st. */
void zc_jreader_stats_get(const zc_jreader *r, zc_jreader_stats *st);
/* Number of segment files. */
size_t zc_jreader_segments(const zc_jreader *r);
void zc_jreader_close(zc_jreader *r);

#endif
