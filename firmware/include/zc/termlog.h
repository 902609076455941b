/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/termlog.h: the terminal's event log: builds records (sequence, boot
 * counter, clocks, chain link), signs them with the terminal key and appends
 * them durably to the journal. Every event the terminal records goes through
 * here, so the chain has one writer.
 *
 * The key: zc_termkey_load_or_create() generates the terminal's P-256 key on
 * first start and stores it readable only by its owner (0600), with the
 * public key beside it as PEM (<key>.pub.pem... see the function).
 */
#ifndef ZC_TERMLOG_H
#define ZC_TERMLOG_H

#include <stdint.h>

#include "zc/clock.h"
#include "zc/crypto.h"
#include "zc/journal.h"
#include "zc/record.h"

/* Load the private key at key_path, or generate and save one (0600) if the
 * file does not exist. Also writes the public key as PEM to pub_path (if not
 * NULL). *created is set to 1 when a new key was made. */
int zc_termkey_load_or_create(const char *key_path, const char *pub_path, zc_privkey **out, int *created);

typedef struct zc_termlog zc_termlog;

/* Start logging for terminal_id on journal j with key and clock (none owned,
 * all must outlive the log). The boot counter is the head record's plus one
 * (1 for an empty journal). Appends a JOURNAL_REPAIR record if open repaired
 * the journal, then a BOOT record naming firmware. */
int zc_termlog_open(zc_journal *j, zc_privkey *key, const char *terminal_id, const zc_clock *clk, const char *firmware,
		    zc_termlog **out);
void zc_termlog_close(zc_termlog *t);

/* Fill r's header for the next record: version, kind, terminal, seq,
 * boot, utc_ms, mono_ms, prev_hash. The caller fills the payload (for a tap,
 * the challenge is zc_rec_tap_challenge(r) after setting the nonce). */
void zc_termlog_prepare(zc_termlog *t, zc_rec *r, uint8_t kind);
/* Sign r and append it. Returns 0 when durable; ZC_ECHAIN if another record
 * was appended since prepare; journal errors (ZC_EFULL, ZC_EIO...) as is.
 * hash (may be NULL) receives the new record's hash. */
int zc_termlog_commit(zc_termlog *t, zc_rec *r, uint8_t hash[ZC_HASH_LEN]);

uint32_t zc_termlog_boot(const zc_termlog *t);

/* The terminal id records are prepared with. Set: 0 or ZC_EARG for an
 * invalid id (a re-provisioning that renames the terminal; the PROVISIONED
 * record under the new id marks the change in the chain). */
const char *zc_termlog_terminal(const zc_termlog *t);
int zc_termlog_set_terminal(zc_termlog *t, const char *terminal_id);

#endif
