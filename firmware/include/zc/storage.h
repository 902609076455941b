/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/storage.h: the storage interface under the terminal journal.
 *
 * All journal file I/O goes through a zc_storage: one flat directory of named
 * files. The real implementation (zc_storage_posix) uses a directory on disk;
 * tests use an in-memory one (zc_storage_mem) that models what survives a
 * power cut (only fsynced bytes are durable) and can inject faults: a write
 * torn at any byte, fsync failing, ENOSPC, EIO, bit flips.
 *
 * Every operation returns 0 (or a byte count where stated) on success and a
 * negative zc_err on failure: ZC_ENOENT (no such file), ZC_ENOSPC (storage
 * full; nothing or a prefix of the data was written), ZC_EIO (anything else).
 * After a failed write or sync the file's durable contents are unknown; the
 * journal copes with that.
 */
#ifndef ZC_STORAGE_H
#define ZC_STORAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct zc_storage zc_storage;

struct zc_storage {
	int version; /* ZC_STORAGE_VERSION; lets the interface grow */
	void *ctx;
	/* Names of the files in the directory (malloc'd array of malloc'd
	 * strings, release with zc_storage_free_names). */
	int (*list)(void *ctx, char ***names, size_t *count);
	/* Size of a file in bytes, or ZC_ENOENT. */
	int64_t (*size)(void *ctx, const char *name);
	/* Read up to len bytes at off; returns bytes read (short only at EOF). */
	int64_t (*pread)(void *ctx, const char *name, void *buf, size_t len, uint64_t off);
	/* Write len bytes at off, creating the file if needed. Returns 0 when all
	 * bytes were written, or an error (a prefix may have been written). */
	int (*pwrite)(void *ctx, const char *name, const void *buf, size_t len, uint64_t off);
	/* Make the file's contents durable. */
	int (*sync)(void *ctx, const char *name);
	/* Make the directory's entries (creations, removals, renames) durable. */
	int (*sync_dir)(void *ctx);
	int (*truncate)(void *ctx, const char *name, uint64_t len);
	int (*remove)(void *ctx, const char *name);
	/* Atomically replace 'to' with 'from'. */
	int (*rename)(void *ctx, const char *from, const char *to);
	/* Bytes still available to this directory (free space), or -1 if unknown. */
	int64_t (*available)(void *ctx);
	void (*destroy)(void *ctx);
};

#define ZC_STORAGE_VERSION 1

void zc_storage_free_names(char **names, size_t count);

/* A directory on disk (created with mode 0700 if missing). */
int zc_storage_posix_open(const char *dir, zc_storage **out);
/* Free a storage object and its context. */
void zc_storage_close(zc_storage *s);

/* ---- in-memory storage with power-cut model and fault injection (tests) ---- */

typedef struct zc_memfs zc_memfs;

/* A new empty in-memory file system; capacity_bytes 0 means unlimited. */
zc_memfs *zc_memfs_new(uint64_t capacity_bytes);
void zc_memfs_free(zc_memfs *m);
/* A storage view of m (several may exist; they share m). */
int zc_storage_mem_open(zc_memfs *m, zc_storage **out);

/* Fault plan. Counters count calls made through any view of m. */
typedef struct zc_memfs_faults {
	/* Byte budget: after this many more bytes have been written the write in
	 * progress is torn there and the "power fails": every later operation
	 * returns ZC_EIO until zc_memfs_crash(). -1 disables. */
	int64_t crash_after_bytes;
	/* Fail the N-th (1-based) call of this kind from now with the error; 0
	 * disables. */
	int fail_write_nth;
	int fail_write_err; /* ZC_EIO or ZC_ENOSPC */
	int fail_sync_nth;
	int fail_sync_err;
} zc_memfs_faults;

void zc_memfs_set_faults(zc_memfs *m, const zc_memfs_faults *f);
/* Simulate a power cut: every file reverts to its durable contents (data
 * written but not synced is lost; keep_unsynced=1 keeps it, as a process
 * crash would). Directory changes not followed by sync_dir are undone unless
 * keep_unsynced. Clears the fault plan and the "failed" state. */
void zc_memfs_crash(zc_memfs *m, int keep_unsynced);
/* Flip one bit of a file's current and durable contents. */
int zc_memfs_flip_bit(zc_memfs *m, const char *name, uint64_t byte, int bit);
/* Direct access for checks: current contents (NULL if absent). */
const uint8_t *zc_memfs_data(zc_memfs *m, const char *name, size_t *len);
/* Bytes written through the storage so far (to plan crash points). */
uint64_t zc_memfs_bytes_written(zc_memfs *m);

#endif
