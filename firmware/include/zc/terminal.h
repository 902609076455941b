/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/terminal.h: the terminal's tap loop, independent of hardware. It polls
 * the reader, authenticates the badge (PIV PKI-CAK: certificate cached by
 * card UUID, challenge bound to the journal, signature and chain and
 * revocation checked), appends the tap record durably, then gives feedback.
 * Reader failures are logged as reader_fault records, and the reader is
 * re-opened with back-off until it returns.
 *
 * Everything it touches is an interface: reader, clock, feedback, and the
 * journal (through the event log), so the same loop runs with libnfc on a
 * pty and with an in-process virtual card.
 */
#ifndef ZC_TERMINAL_H
#define ZC_TERMINAL_H

#include <stdint.h>

#include "zc/badge.h"
#include "zc/clock.h"
#include "zc/feedback.h"
#include "zc/reader.h"
#include "zc/termlog.h"

typedef struct zc_terminal_cfg {
	int tz_offset_min;	/* display time zone (UTC+8: 480) */
	int duplicate_window_s; /* same badge again within this: already recorded */
	int poll_timeout_ms;	/* how long one step waits for a card */
	int accept_uid_badges;	/* UID-only cards count (the host's policy); 0: say they do not */
} zc_terminal_cfg;

typedef struct zc_terminal zc_terminal;

/* None of the objects passed are owned; all must outlive the terminal.
 * ca may be NULL (every PIV badge is then refused as unknown CA). log may
 * be NULL while the terminal is not provisioned: every tap is then refused
 * with a message ("终端尚未初始化") and nothing is recorded. */
int zc_terminal_new(zc_termlog *log, zc_reader *reader, const zc_clock *clk, zc_feedback *fb, zc_badge_ca *ca,
		    const zc_terminal_cfg *cfg, zc_terminal **out);
void zc_terminal_free(zc_terminal *t);
/* Replace the badge CA (provisioning, a new revocation list). */
void zc_terminal_set_ca(zc_terminal *t, zc_badge_ca *ca);
/* The time a whole tap's card dialogue may take, all APDUs together (the
 * board's card_timeout_ms; default ZC_TERMINAL_CARD_TIMEOUT_MS). A card
 * that takes longer is recorded as a card error. */
#define ZC_TERMINAL_CARD_TIMEOUT_MS 3000
void zc_terminal_set_card_timeout(zc_terminal *t, int ms);
/* Set the event log once the terminal is provisioned (not owned). */
void zc_terminal_set_log(zc_terminal *t, zc_termlog *log);
/* Share the event log with another thread: lock(ctx) / unlock(ctx) are
 * called around reading the journal head (prepare) and around appending a
 * record (commit), never while the terminal waits on the card, on feedback
 * or on reader polling. A PIV tap prepares its record, releases the lock
 * while the card signs the challenge, and commits only if the head has not
 * moved meanwhile (else it asks the card again, within the tap's time).
 * NULL callbacks: no locking (the default). */
void zc_terminal_set_lock(zc_terminal *t, void (*lock)(void *), void (*unlock)(void *), void *ctx);

/* One turn of the loop: (re)open the reader when due, wait up to
 * poll_timeout_ms for a card, handle it. Returns 0, or a negative zc_err
 * when the journal can no longer be written (the caller stops). Nothing a
 * card answers makes it fail: every tap is recorded, refused ones with
 * their reason, and a tap record the encoder would refuse is recorded as a
 * card error without the card's data. */
int zc_terminal_step(zc_terminal *t);

typedef struct zc_terminal_stats {
	int reader_ok;	     /* reader open and answering */
	uint64_t taps;	     /* tap records appended */
	uint64_t rejected;   /* of which refused */
	uint64_t duplicates; /* taps answered "already recorded" */
	uint64_t faults;     /* reader faults seen */
	char last_fault[64]; /* text of the last reader fault */
	/* time split of the last authenticated tap, for the benchmark */
	double last_reader_ms, last_crypto_ms, last_append_ms;
	unsigned last_round_trips;
	int last_cached; /* 1 if its certificate came from the cache */
} zc_terminal_stats;
void zc_terminal_stats_get(const zc_terminal *t, zc_terminal_stats *st);

/* Check the certificate cache's invariant at time utc_ms: every cached
 * certificate chains to the current CA (zc_badge_cert_check gives OK or
 * REVOKED) and names the UUID it is cached under. Returns the number of
 * cached certificates, or -1 if one breaks the invariant (tests, fuzzing). */
int zc_terminal_cache_check(zc_terminal *t, int64_t utc_ms);

#endif
