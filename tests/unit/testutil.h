/* SPDX-License-Identifier: Apache-2.0 */
/* testutil.h: small helpers shared by the unit tests. */
#ifndef ZC_TESTUTIL_H
#define ZC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh empty directory under $TMPDIR (or /tmp); returns a malloc'd path. */
char *tu_tmpdir(const char *tag);
/* rm -rf of a directory made by tu_tmpdir. */
void tu_rmtree(const char *path);
/* Read a whole file; malloc'd buffer, NULL on failure. */
uint8_t *tu_read_file(const char *path, size_t *len);
/* Write a whole file; 0 on success. */
int tu_write_file(const char *path, const void *buf, size_t len);
/* Path under the source tree (ZC_SOURCE_ROOT); static buffer. */
const char *tu_src_path(const char *rel);
/* The scenarios with expected reports: ../shared/scenarios beside the
 * source tree, else the copies in tests/scenario/data. */
const char *tu_scenario_dir(void);

/* ---- allocation failures (SQLite's test_malloc.c) ----
 * malloc, calloc and realloc of every unit test program are replaced (in
 * testutil.c) by ones that can fail the n-th call while counting; glibc's
 * allocator does the work (__libc_malloc and friends). Counting and failing
 * are for the calling thread only (code under test may run threads of its
 * own). Not under a sanitizer, whose allocator must see every call: there
 * ZC_TEST_OOM is 0 and the tests that need it skip. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ZC_TEST_OOM 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define ZC_TEST_OOM 0
#endif
#endif
#if !defined(ZC_TEST_OOM) && defined(__GLIBC__)
#define ZC_TEST_OOM 1
#endif
#ifndef ZC_TEST_OOM
#define ZC_TEST_OOM 0
#endif

#if ZC_TEST_OOM
/* Start counting this thread's allocations from 0; allocation fail_at (from
 * 0) returns NULL, once (-1: none fails). */
void tu_oom_start(long fail_at);
/* Stop counting; returns how many allocations were counted. */
long tu_oom_stop(void);
#endif

#endif
