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
 * JOURNAL_REPAIR event. Damage followed by intact records is never cut: the
 * damaged records stay in the journal's sequence, reading them returns
 * ZC_ECORRUPT, and the repair info counts them (damaged_records).
 *
 * Not thread-safe: callers serialize all calls on one journal.
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
	uint32_t segment_bytes;	 /* roll to a new segment past this; 0: 64 KiB */
} zc_journal_cfg;

typedef struct zc_journal_repair {
	int happened;		/* 1 if open cut something off */
	char segment[32];	/* segment file that was cut (or removed) */
	uint64_t offset;	/* offset in that segment where the damage began */
	uint64_t dropped_bytes; /* bytes removed (all segments) */
	uint64_t last_good_seq; /* head after the cut */
	int reason;		/* ZC_ETRUNC, ZC_ECHECKSUM, ZC_EMALFORMED, ... */
	/* Found by open but not cut (intact records follow): records still in
	 * the sequence whose bytes are damaged or missing; read gives
	 * ZC_ECORRUPT for them. Independent of 'happened'. */
	uint64_t damaged_records;
	uint64_t first_damaged_seq; /* lowest of them, 0 if none */
	/* The persisted collected watermark was damaged (or did not match its
	 * record) and was reset to 0, which prunes nothing. */
	int watermark_reset;
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

/* Append one encoded record. Checks it decodes (the decoder's error
 * otherwise), has seq head+1 and links to the head (ZC_ECHAIN otherwise).
 * Durable when it returns 0. Errors:
 * ZC_EFULL (uncollected records fill the space; nothing written), ZC_ENOSPC
 * (storage full even after pruning collected segments), ZC_EIO (not
 * appended; the journal stays consistent, or enters a failed state in which
 * every call returns ZC_EIO until reopened). A record that was not
 * acknowledged may still be found after a crash; its seq is then taken. */
int zc_journal_append(zc_journal *j, const uint8_t *rec, size_t len);

/* Read record seq into buf (ZC_REC_MAX bytes); *len gets its length.
 * ZC_ENOENT if not held (pruned or beyond head), ZC_ECORRUPT if damaged. */
int zc_journal_read(zc_journal *j, uint64_t seq, uint8_t *buf, size_t cap, size_t *len);

/* Call fn for each record with from <= seq <= to (to = 0: up to head), in
 * order; from below the first record held starts there. fn returns nonzero
 * to stop; that value is returned. A damaged record stops the walk with
 * ZC_ECORRUPT after fn saw every record before it (resume past it). */
typedef int (*zc_journal_fn)(void *arg, uint64_t seq, const uint8_t *rec, size_t len);
int zc_journal_foreach(zc_journal *j, uint64_t from, uint64_t to, zc_journal_fn fn, void *arg);

/* Collected watermark: every record <= seq has been stored by a host.
 * Persisted atomically; never moves backwards (ZC_EARG); hash must be the
 * hash of record seq (ZC_ECHAIN otherwise; ZC_ENOENT if seq is beyond the
 * head, ZC_ECORRUPT if that record is damaged). Setting the current value
 * again is a no-op. */
int zc_journal_set_collected(zc_journal *j, uint64_t seq, const uint8_t hash[ZC_HASH_LEN]);
uint64_t zc_journal_collected(const zc_journal *j);

/* Usage figures for STATUS. */
typedef struct zc_journal_stats {
	uint64_t bytes_used;
	uint64_t capacity_bytes;
	uint64_t records;     /* held */
	uint64_t uncollected; /* head - collected */
	uint32_t segments;
} zc_journal_stats;
void zc_journal_stats_get(const zc_journal *j, zc_journal_stats *st);

#endif
