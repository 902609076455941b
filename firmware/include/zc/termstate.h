/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/termstate.h: what the tap loop and the link server share, and the one
 * lock that guards it: the journal and the event log that writes it, the
 * terminal's identity and provisioning (the files of the state folder), the
 * host key registered at provisioning, and the tap loop's latest figures
 * for STATUS.
 *
 * State folder (persisted names):
 *   identity.conf    "terminal = K01" and "township = T01" lines; a terminal
 *                    is provisioned exactly when this file is valid, and it
 *                    is written last
 *   host.pub.pem     the registered host key (absent: none registered, as
 *                    after a local provision without --host-key)
 *   ca.pem           the badge CA certificate
 *   revocations.zrl  its signed revocation list (absent: none)
 *
 * Locking: the journal, the event log and the clock's readers are not
 * thread-safe; every use of them from either thread sits between
 * zc_termstate_lock and _unlock, and each such section is short (a tap's
 * prepare, then its commit: never while the card is talked to; one frame's
 * worth of record reads, one command's records), so neither side waits
 * longer than one of them. Functions marked
 * "lock held" expect the caller to hold it; provision and set_revocations
 * take it themselves around their records and must not run concurrently
 * with each other (the link server, or the one-shot local provision, is
 * their only caller).
 */
#ifndef ZC_TERMSTATE_H
#define ZC_TERMSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "zc/badge.h"
#include "zc/clock.h"
#include "zc/crypto.h"
#include "zc/journal.h"
#include "zc/record.h"
#include "zc/terminal.h"
#include "zc/termlog.h"

typedef struct zc_termstate zc_termstate;

typedef struct zc_termstate_cfg {
	const char *dir;      /* the state folder (must exist) */
	zc_journal *j;	      /* not owned; must outlive the state */
	zc_privkey *key;      /* the terminal key; not owned */
	const zc_clock *clk;  /* copied (its ctx must outlive the state) */
	const char *firmware; /* named in BOOT records */
} zc_termstate_cfg;

/* Read the identity of a state folder without opening anything: 0 with
 * terminal and township filled (ZC_TERMINAL_ID_MAX + 1 bytes each),
 * ZC_ENOENT if not provisioned, ZC_EMALFORMED if the file is damaged. */
int zc_termstate_read_identity(const char *dir, char *terminal, char *township);

/* Open the shared state. A provisioned folder: load the host key (if any)
 * and the CA (with its revocation list), and open the event log, which
 * appends a BOOT record (after a JOURNAL_REPAIR record if the journal was
 * repaired). Not provisioned: nothing is written and the event log stays
 * NULL until zc_termstate_provision. Errors (reason in errbuf): ZC_EMALFORMED
 * (a damaged identity, host key or CA file), ZC_ENOENT (provisioned but no
 * ca.pem), journal errors. */
int zc_termstate_open(const zc_termstate_cfg *cfg, zc_termstate **out, char *errbuf, size_t errlen);
/* Close the event log and free everything (NULL allowed). */
void zc_termstate_close(zc_termstate *ts);

void zc_termstate_lock(zc_termstate *ts);
void zc_termstate_unlock(zc_termstate *ts);

/* ---- lock held ---- */

zc_journal *zc_termstate_journal(zc_termstate *ts);
const zc_clock *zc_termstate_clock(zc_termstate *ts);
zc_privkey *zc_termstate_key(zc_termstate *ts);
/* The event log; NULL while the terminal is not provisioned. */
zc_termlog *zc_termstate_log(zc_termstate *ts);
/* 1 if provisioned (terminal and township copied, each may be NULL), 0 if
 * not (both set to ""). */
int zc_termstate_identity(zc_termstate *ts, char *terminal, char *township);
/* Changes whenever the identity, the host key, the CA or its revocation
 * list change: a reader of those files (the tap loop) reloads then, and
 * says so with zc_termstate_applied. */
uint64_t zc_termstate_generation(zc_termstate *ts);
/* The tap loop has taken generation gen into use (its CA, its event log). */
void zc_termstate_applied(zc_termstate *ts, uint64_t gen);
/* The tap loop's latest figures (published after every step) for STATUS;
 * get returns 0 and zeros if none were published yet. */
void zc_termstate_set_stats(zc_termstate *ts, const zc_terminal_stats *st);
int zc_termstate_stats(zc_termstate *ts, zc_terminal_stats *st);

/* ---- without the lock ---- */

/* Declare that a tap loop follows the state (calls zc_termstate_applied
 * after every change). Until then zc_termstate_wait_applied returns at
 * once: a test, or the one-shot local provision, has no tap loop. */
void zc_termstate_follow(zc_termstate *ts);
/* Wait up to timeout_ms until the tap loop applied generation gen, so that
 * "provisioned" or "revocation list installed" reported to a host means the
 * very next tap uses it. 0, or ZC_EAGAIN on timeout (the change is durable
 * all the same and the tap loop picks it up later). */
int zc_termstate_wait_applied(zc_termstate *ts, uint64_t gen, int timeout_ms);

/* ---- the provisioning side (link server thread, or local provision) ---- */

/* The registered host key and its fingerprint; NULL (and fp zeros) if
 * none. Owned by the state; valid until the next provision. */
zc_pubkey *zc_termstate_host_key(zc_termstate *ts, uint8_t fp[ZC_HASH_LEN]);

/* What a provisioning gives the terminal. Keys and certificates may be DER
 * or PEM; host_pubkey may be absent (len 0: no host key registered, as a
 * local provision without one), revocations too (len 0: keep the installed
 * list if the CA is the same one, else none). */
typedef struct zc_termstate_prov {
	const char *terminal, *township;
	const uint8_t *host_pubkey;
	size_t host_pubkey_len;
	const uint8_t *ca_cert;
	size_t ca_cert_len;
	const uint8_t *revocations;
	size_t revocations_len;
} zc_termstate_prov;

/* Provision (or re-provision) the terminal: check everything first (ids,
 * host key, CA, revocation list signed by that CA and not older than the
 * installed one when the CA stays), then write host.pub.pem, ca.pem and
 * revocations.zrl atomically, open the event log if there is none (BOOT
 * record), rename it if the terminal id changes, append a PROVISIONED
 * record (host_fp, ca_fp, key_fp), and write identity.conf last. Takes the
 * lock itself around the records. Errors, with an English reason of at
 * most ZC_TEXT_MAX characters in why: ZC_EMALFORMED (an id, key,
 * certificate or list that does not parse), ZC_ESIG (the list is not
 * signed by the CA), ZC_ESTATE (the list is older than the installed
 * one), ZC_EIO, journal errors (ZC_EFULL...). On a refusal nothing
 * changed. */
int zc_termstate_provision(zc_termstate *ts, const zc_termstate_prov *p, char *why, size_t whylen);

/* Install a newer revocation list for the current CA and save it. Errors as
 * zc_badge_ca_set_revocations (ZC_EMALFORMED, ZC_ETRUNC, ZC_ESIG, ZC_ESTATE:
 * older or conflicting), ZC_ESTATE also when not provisioned, ZC_EIO; why
 * says which. The same list again is accepted and changes nothing. */
int zc_termstate_set_revocations(zc_termstate *ts, const uint8_t *buf, size_t len, char *why, size_t whylen);

/* Number of the installed revocation list (0: none). */
uint64_t zc_termstate_revocation_number(zc_termstate *ts);

#endif
