/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/linksrv.h: the terminal's link server. It serves the serial protocol
 * of zc/wire.h on a zc_serial port, in a thread of its own, so the tap loop
 * never waits for the line: the two share only the state of zc/termstate.h,
 * whose lock the server holds for one frame's worth of journal reads or
 * one command's records at a time.
 *
 * What it answers (the host speaks first):
 *   HELLO_REQ    HELLO: identity, key, registered host key, journal head,
 *                first held and collected sequence numbers, clock, and a
 *                fresh random nonce
 *   GET_RECORDS  RECORDS frames packed as full as ZC_WIRE_PAYLOAD_MAX
 *                allows, at most `credit` frames ahead of the host's
 *                CREDIT grants, then END once caught up with the head
 *                (END also carries the oldest record held, so a from_seq
 *                below it shows what was pruned). A new GET_RECORDS or
 *                HELLO_REQ replaces a running stream; resuming is a
 *                GET_RECORDS from the next sequence wanted.
 *   CREDIT       more frames for the running stream (no answer)
 *   STATUS_REQ   STATUS: journal use, uncollected records, reader state,
 *                taps, faults, last fault, clock
 *   COMMAND      RESULT, after checking the host's signature over the
 *                current nonce (zc_wire_cmd_verify): SET_TIME (the clock
 *                is set and a CLOCK_SET record appended), ACK_COLLECTED
 *                (watermark and a COLLECTED record; the hash must be the
 *                record's), PROVISION (first time: signed by the host key
 *                it carries; later: by the registered host key only),
 *                REVOCATIONS (a newer signed list for the badge CA).
 *                PROVISION and REVOCATIONS are answered once the tap loop
 *                has taken them into use (zc_termstate_wait_applied), so
 *                OK means the next tap is recorded under the new identity
 *                and checked against the new list.
 *                Every accepted command changes the nonce, and so does a
 *                properly signed one refused for what it asks (a wrong
 *                hash, a full journal): RESULT always carries the nonce
 *                to sign the next command over, so none can be replayed.
 *                A refusal changes nothing else and says why, in English.
 */
#ifndef ZC_LINKSRV_H
#define ZC_LINKSRV_H

#include <stdint.h>

#include "zc/serial.h"
#include "zc/termstate.h"

typedef struct zc_linksrv zc_linksrv;

typedef struct zc_linksrv_cfg {
	zc_serial *port;      /* not owned; must outlive the server */
	zc_termstate *ts;     /* not owned; must outlive the server */
	const char *firmware; /* named in HELLO */
	int poll_ms;	      /* longest wait for input, bounding how long stop
			       * takes (0: 100) */
	int write_timeout_ms; /* give up a write nobody reads after this; the
			       * stream is dropped and the port flushed (0: 3000) */
} zc_linksrv_cfg;

/* Start serving in a new thread. ZC_EARG, ZC_ENOMEM, ZC_ECRYPTO (no
 * randomness for nonces), ZC_EIO (no thread). */
int zc_linksrv_start(const zc_linksrv_cfg *cfg, zc_linksrv **out);
/* Stop the thread (within poll_ms or one write timeout), free everything
 * (NULL allowed). The port is not closed. */
void zc_linksrv_stop(zc_linksrv *s);

typedef struct zc_linksrv_stats {
	uint64_t frames_in;	 /* good frames decoded */
	uint64_t frames_dropped; /* bad frames (CRC, COBS, length) */
	uint64_t frames_out;
	uint64_t records_out; /* records sent in RECORDS frames */
	uint64_t streams;     /* GET_RECORDS served */
	uint64_t commands_ok;
	uint64_t commands_refused;
	uint64_t write_timeouts; /* writes nobody read (stream dropped) */
	uint64_t port_errors;	 /* reads or writes that failed */
} zc_linksrv_stats;
/* A snapshot of the counters (safe from any thread). */
void zc_linksrv_stats_get(zc_linksrv *s, zc_linksrv_stats *st);

#endif
