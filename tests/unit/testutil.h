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

#endif
