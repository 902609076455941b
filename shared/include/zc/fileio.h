/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/fileio.h: whole-file helpers on the POSIX file system, for keys,
 * certificates and small state files (not the journal, which has its own
 * storage interface).
 */
#ifndef ZC_FILEIO_H
#define ZC_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Replace path atomically with len bytes: write path.tmp (created with
 * mode), fsync it, rename it over path, fsync the folder. On failure path is
 * untouched and path.tmp removed. 0, ZC_EARG or ZC_EIO. */
int zc_file_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);

/* As zc_file_write_atomic, but path must not exist yet: the file is put in
 * place with link(), which never replaces an existing one (ZC_EEXIST). */
int zc_file_write_new(const char *path, const void *buf, size_t len, mode_t mode);

/* Read a whole file of at most max bytes into a malloc'd buffer with a
 * terminating NUL (not counted in *len). 0, ZC_ENOENT, ZC_EIO, ZC_ENOMEM,
 * or ZC_EFULL if the file is larger than max. */
int zc_file_read(const char *path, size_t max, uint8_t **buf, size_t *len);

#endif
