/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tamper.h: deliberate damage to a journal folder, for tests and the demo:
 * what an attacker with the file (but not the terminal key) can do.
 *   flip      change a byte of record SEQ's time, and fix the entry check
 *             (the host must report a bad signature)
 *   drop      remove record SEQ's entry (the host must report a gap)
 *   truncate  cut the journal in the middle of record SEQ (a torn entry)
 */
#ifndef ZC_TAMPER_H
#define ZC_TAMPER_H

#include <stdint.h>

int zc_tamper(const char *journal_dir, uint64_t seq, const char *how);

#endif
