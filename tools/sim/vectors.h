/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vectors.h: the generator of the record-format test vectors checked in
 * under shared/vectors/ (see shared/FORMAT.md). Deterministic: the same keys
 * give byte-identical output (RFC 6979 signatures).
 */
#ifndef ZC_VECTORS_H
#define ZC_VECTORS_H

/* Write the vectors into out_dir using the terminal and badge private keys
 * at the given PEM paths. Returns 0 or a negative zc_err. */
int zc_vectors_write(const char *out_dir, const char *terminal_key, const char *badge_key);

#endif
