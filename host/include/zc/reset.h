/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/reset.h: noticing a terminal whose head went down (terminal_reset,
 * host/doc/COMPLIANCE.md).
 *
 * A terminal never reuses a sequence number: it keeps a sequence mark
 * beside its key, and a lost journal is recorded as a journal_lost record
 * that continues the numbering. A terminal whose head is nevertheless below
 * what a host already verified, or below what an earlier collection saw,
 * lost its journal and its mark (or was replaced by another board with its
 * key). The host records a terminal_reset finding about it, once per
 * distinct event, and does not pull from it: its records would reuse
 * numbers the host holds (forks).
 */
#ifndef ZC_RESET_H
#define ZC_RESET_H

#include <stdint.h>

#include "zc/store.h"

/* What *reset says: no reset, one already recorded, one recorded now. */
enum { ZC_RESET_NONE = 0, ZC_RESET_SEEN = 1, ZC_RESET_NEW = 2 };

/* At a collection (a pull) at host time at_ms: the terminal reports head
 * (and its hash). *reset is set (ZC_RESET_SEEN or _NEW) when head is below the terminal's
 * verified head here, or equal to it with another hash; the finding is then
 * recorded (source names the port), and *verified receives the verified
 * head (may be NULL). 0, or a store error (zc_store_errmsg says why). */
int zc_reset_check_head(zc_store *s, const char *terminal, uint64_t head, const uint8_t head_hash[ZC_HASH_LEN],
			int64_t at_ms, const char *source, int *reset, uint64_t *verified);

/* A collection another host made (a bundle's): at at_ms the terminal's head
 * was up_to. *reset is set (ZC_RESET_SEEN or _NEW) when a collection stored here from an
 * earlier time saw a higher head; the finding is then recorded, dated
 * at_ms. 0 or a store error. */
int zc_reset_check_collection(zc_store *s, const char *terminal, int64_t at_ms, uint64_t up_to, const char *source,
			      int *reset);

#endif
