/* SPDX-License-Identifier: Apache-2.0 */
/*
 * relay.h: the test relay between a terminal's serial port and a host
 * (zhucun-sim relay). It opens the terminal's side (a pty slave the
 * terminal made, or any tty), makes a new pseudo-terminal for the host with
 * a symbolic link to its slave, and copies bytes both ways like a serial
 * cable would: paced to a line rate, with seeded, reproducible line noise
 * (a flipped bit) and dropped bytes, and optionally pulled out after a
 * number of bytes.
 *
 * The line model of one direction (zc_relay_line) is pure arithmetic on a
 * clock and a byte buffer, so tests check pacing and noise statistics
 * without any I/O; zc_relay_open / zc_relay_loop run the real thing over
 * ptys, in a thread of a test or as the zhucun-sim subcommand.
 *
 * Attacks (--attack, for the link's security tests; issue 10): the relay
 * then also reads the frames going by and plays a dishonest insider:
 *   hello-clock   lowers the clock in every HELLO by an hour, keeping the
 *                 terminal's signature (the host must refuse the HELLO);
 *   forge-result  holds back the first SET_TIME command, answers the host
 *                 RESULT ok itself (signed by a key of its own, over the
 *                 command's hash), and delivers the command to the
 *                 terminal hold_ms later (the host must refuse the answer,
 *                 the terminal the stale command); it prints
 *                 "held", "delivered" and "terminal answered CODE" lines.
 *
 * Pacing: each direction is a queue emptied at `rate` bytes per second on
 * average, in chunks of about 2 ms on a monotonic clock (a catch-up after a
 * scheduling gap is bounded to 50 ms of bytes). Unlike a real line without
 * flow control, a receiver that does not read holds the sender back
 * instead of losing bytes: pty buffers fill, then the relay stops reading
 * from the sender.
 */
#ifndef ZC_SIM_RELAY_H
#define ZC_SIM_RELAY_H

#include <stddef.h>
#include <stdint.h>

/* ---- one direction of the line: pacing and impairments, no I/O ---- */

typedef struct zc_relay_line {
	uint64_t byte_ns;   /* ns per byte at the rate; 0: unpaced */
	uint64_t next_ns;   /* when the next byte may leave */
	double noise, drop; /* per-byte probabilities */
	uint64_t rng;	    /* xorshift64* state, never 0 */
	/* counters */
	uint64_t in;	  /* bytes taken from the sender */
	uint64_t out;	  /* bytes handed to the receiver */
	uint64_t flipped; /* bytes with one bit flipped */
	uint64_t dropped; /* bytes lost */
} zc_relay_line;

/* rate in bytes per second (0: as fast as the ptys go); noise and drop are
 * per-byte probabilities in [0, 1]; seed makes the impairments
 * reproducible. */
void zc_relay_line_init(zc_relay_line *l, uint32_t rate, double noise, double drop, uint64_t seed);
/* Pass n bytes through the line's impairments, in place: each byte is
 * dropped with probability drop, else has one random bit flipped with
 * probability noise. Returns the bytes kept (compacted at the front). */
size_t zc_relay_line_impair(zc_relay_line *l, uint8_t *buf, size_t n);
/* The line has nothing queued at now_ns: it is free from now on. */
void zc_relay_line_idle(zc_relay_line *l, uint64_t now_ns);
/* How many of `queued` bytes may leave at now_ns. */
size_t zc_relay_line_allowed(zc_relay_line *l, uint64_t now_ns, size_t queued);
/* n bytes left (after zc_relay_line_allowed said they may). */
void zc_relay_line_sent(zc_relay_line *l, size_t n);
/* When `want` (>= 1) more bytes may have left, in ns on the same clock. */
uint64_t zc_relay_line_due(const zc_relay_line *l, size_t want);
/* The chunk the relay waits for: about 2 ms of bytes, at least 1. */
size_t zc_relay_line_chunk(const zc_relay_line *l);

/* ---- the relay ---- */

typedef struct zc_relay_opts {
	const char *terminal; /* the terminal's serial device (a pty slave, a tty) */
	const char *link;     /* symlink to make to the host side's pty slave */
	uint32_t rate;	      /* bytes per second each way; 0: unpaced */
	double noise, drop;   /* per byte, each direction */
	uint64_t cut_after;   /* stop after this many bytes in total; 0: never */
	uint64_t seed;
	int verbose;
	const char *attack; /* NULL, "hello-clock" or "forge-result" */
	uint32_t hold_ms;   /* forge-result: how long to hold the command */
} zc_relay_opts;

typedef struct zc_relay zc_relay;

/* Open the terminal's side and make the host's pty and link. On failure
 * returns a negative zc_err (ZC_EARG, ZC_ENOENT, ZC_EIO, ZC_EEXIST) with the
 * reason in err. */
int zc_relay_open(const zc_relay_opts *o, zc_relay **out, char *err, size_t errlen);
/* The host side's pty slave ("/dev/pts/N"). */
const char *zc_relay_pty(const zc_relay *r);
/* Relay until stop_fd (-1: none) is readable: returns 0; or until
 * cut_after bytes went through: returns 1; or a negative zc_err on a
 * failure (the reason on stderr). When the terminal side hangs up (the
 * terminal closed its pty) the relay opens the path again every 100 ms;
 * meanwhile bytes from the host are lost, as on an unplugged cable. */
int zc_relay_loop(zc_relay *r, int stop_fd);
/* Counters of each direction so far (terminal to host, host to terminal).
 * Only while zc_relay_loop does not run, or from its thread. */
void zc_relay_counters(const zc_relay *r, zc_relay_line *t2h, zc_relay_line *h2t);
/* Remove the link (if it still points to our pty), close, free. NULL ok. */
void zc_relay_close(zc_relay *r);

/* The subcommand: open, print "ready /dev/pts/N", relay until SIGTERM,
 * SIGINT, SIGHUP or the cut, clean up, print a summary on stderr. Returns
 * the exit status: 0, 1 on a runtime failure, 2 on bad options. */
int zc_relay_run(const zc_relay_opts *o);

#endif
