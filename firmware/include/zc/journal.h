/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/journal.h: the terminal's append-only, crash-safe record journal.
 *
 * A journal is a folder of segments (layout in zc/jfile.h and
 * shared/FORMAT.md) reached through a zc_storage. It holds encoded, signed
 * records with consecutive sequence numbers; each links to the previous by
 * hash. The journal checks that invariant on append but does not sign: the
 * caller (zc_termlog) builds and signs records.
 *
 * Durability: zc_journal_append returns 0 only after the record is written
 * and synced. On open, a torn or corrupt tail of the last segment is cut off;
 * the caller learns of it through zc_journal_repair_info() and records a
 * JOURNAL_REPAIR event. Damage followed by intact records is never cut.
 *
 * Space: the journal keeps at most cfg.capacity_bytes. When an append would
 * exceed it (or storage reports ENOSPC) whole segments whose records are all
 * at or below the collected watermark are removed, oldest first. If that is
 * not enough the append fails with ZC_EFULL and nothing is dropped.
 */
#ifndef ZC_JOURNAL_H
#define ZC_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/storage.h"

typedef struct zc_journal zc_journal;

typedef struct zc_journal_cfg {
	uint64_t capacity_bytes; /* 0: unlimited (storage space is the limit) */
	uint32_t segment_bytes;  /* roll to a new segment past this; 0: 64 KiB */
} zc_journal_cfg;

typedef struct zc_journal_repair {
	int happened;           /* 1 if open cut something off */
	char segment[32];       /* segment file that was cut */
	uint64_t offset;        /* offset in that segment where the damage began */
	uint64_t dropped_bytes; /* bytes removed */
	uint64_t last_good_seq; /* head after the cut */
	int reason;             /* ZC_ETRUNC, ZC_ECHECKSUM, ZC_EMALFORMED, ... */
} zc_journal_repair;

/* Open (creating if empty) the journal on storage s (not owned). */
int zc_journal_open(zc_storage *s, const zc_journal_cfg *cfg, zc_journal **out);
void zc_journal_close(zc_journal *j);

/* What open repaired, if anything. */
const zc_journal_repair *zc_journal_repair_info(const zc_journal *j);

/* The head: last sequence number (0 if empty) and its record hash (zeros
 * if empty). The next record must have seq head+1 and prev_hash = hash. */
uint64_t zc_journal_head(const zc_journal *j, uint8_t hash[ZC_HASH_LEN]);
/* The oldest record still held (0 if empty). */
uint64_t zc_journal_first(const zc_journal *j);

/* Append one encoded record. Checks it decodes, has seq head+1 and links to
 * the head (ZC_ECHAIN otherwise). Durable when it returns 0. Errors:
 * ZC_EFULL (uncollected records fill the space; nothing written), ZC_ENOSPC,
 * ZC_EIO (not appended; the journal stays consistent, or enters a failed
 * state in which every call returns ZC_EIO until reopened). */
int zc_journal_append(zc_journal *j, const uint8_t *rec, size_t len);

/* Read record seq into buf (ZC_REC_MAX bytes); *len gets its length.
 * ZC_ENOENT if not held (pruned or beyond head), ZC_ECORRUPT if damaged. */
int zc_journal_read(zc_journal *j, uint64_t seq, uint8_t *buf, size_t cap, size_t *len);

/* Call fn for each record with from <= seq <= to (to = 0: up to head), in
 * order. fn returns nonzero to stop; that value is returned. */
typedef int (*zc_journal_fn)(void *arg, uint64_t seq, const uint8_t *rec, size_t len);
int zc_journal_foreach(zc_journal *j, uint64_t from, uint64_t to, zc_journal_fn fn, void *arg);

/* Collected watermark: every record <= seq has been stored by a host.
 * Persisted atomically; never moves backwards (ZC_EARG); hash must be the
 * hash of record seq (ZC_ECHAIN otherwise). */
int zc_journal_set_collected(zc_journal *j, uint64_t seq, const uint8_t hash[ZC_HASH_LEN]);
uint64_t zc_journal_collected(const zc_journal *j);

/* Usage figures for STATUS. */
typedef struct zc_journal_stats {
	uint64_t bytes_used;
	uint64_t capacity_bytes;
	uint64_t records;       /* held */
	uint64_t uncollected;   /* head - collected */
	uint32_t segments;
} zc_journal_stats;
void zc_journal_stats_get(const zc_journal *j, zc_journal_stats *st);

#endif
