/* SPDX-License-Identifier: Apache-2.0 */
/*
 * zc/hostlink.h: the host's end of the serial link to a terminal (the
 * protocol is zc/wire.h). The client speaks first and the terminal answers;
 * this module sends the requests, matches the answers by req_id, retries
 * what is safe to retry, and pulls records with credit-based flow control.
 *
 * The bytes move through a link: an ops struct with a context (read with a
 * timeout, write, close), so the same client runs over libserialport (the
 * product: zc_hostlink_open_serial), over any file descriptor (a socket or
 * a pty in tests: zc_hostlink_open_fd) or over anything a test builds.
 *
 * Pull: GET_RECORDS(from, window) lets the terminal send `window` RECORDS
 * frames ahead; the client grants CREDIT(1) for every RECORDS frame it
 * receives, so the line stays full. Each frame carries its first_seq, so a
 * frame seen twice is recognised and a lost frame shows as a jump: the
 * client then asks again from the next missing seq (also after a timeout),
 * and stops at END once it has everything up to the terminal's head. Records
 * are handed to a callback in seq order, each exactly once.
 *
 * A handle is used from one thread at a time.
 */
#ifndef ZC_HOSTLINK_H
#define ZC_HOSTLINK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "zc/crypto.h"
#include "zc/wire.h"

/* ---- the link ---- */

#define ZC_LINK_OPS_VERSION 1

typedef struct zc_link_ops {
	int version; /* ZC_LINK_OPS_VERSION */
	/* Wait at most timeout_ms for input, then read what is there (at most
	 * cap bytes). Returns the byte count (> 0), 0 when nothing arrived in
	 * time, or a negative zc_err: ZC_EIO when the link is broken (cable
	 * pulled, the other end gone). */
	int (*read)(void *ctx, uint8_t *buf, size_t cap, unsigned timeout_ms);
	/* Write all n bytes within timeout_ms: 0, or ZC_EIO (broken, or stuck
	 * for longer than the timeout). */
	int (*write)(void *ctx, const uint8_t *buf, size_t n, unsigned timeout_ms);
	/* Release ctx (close the port). May be NULL. */
	void (*close)(void *ctx);
} zc_link_ops;

/* The line settings of the product: 115200 baud, 8N1, no flow control. */
#define ZC_LINK_BAUD 115200

typedef struct zc_hostlink zc_hostlink;

/* A client over ops/ctx. The handle owns ctx from now on: ops->close(ctx)
 * runs in zc_hostlink_close (and here, on failure). ZC_EARG, ZC_ENOMEM. */
int zc_hostlink_new(const zc_link_ops *ops, void *ctx, zc_hostlink **out);
/* A client over a file descriptor (socket, pipe pair or pty). If own, the
 * descriptor is closed with the handle. */
int zc_hostlink_open_fd(int fd, int own, zc_hostlink **out);
/* A client over a serial port opened with libserialport (the port's real
 * path is used, so udev symlinks such as /dev/zhucun-link work), set to
 * 115200 8N1 without flow control, input flushed. On failure returns
 * ZC_ENOENT (no such port, or one libserialport does not know: Debian's
 * 0.1.1 refuses pseudo-terminals, see tests/support/sp_pty_shim.c), ZC_EIO
 * (cannot open or configure it, e.g. permission denied) or ZC_ENOMEM, with
 * the reason in English in errbuf. */
int zc_hostlink_open_serial(const char *port, zc_hostlink **out, char *errbuf, size_t errlen);
/* Close the link and free. NULL is allowed. */
void zc_hostlink_close(zc_hostlink *h);

/* How long to wait for an answer (and between RECORDS frames), and how
 * often to ask again before giving up. Defaults 3000 ms, 4 retries. */
void zc_hostlink_set_timeout(zc_hostlink *h, unsigned timeout_ms, unsigned retries);

/* Give up waiting as soon as *flag is nonzero (a signal handler sets it):
 * the call in progress returns ZC_EAGAIN ("cancelled") at its next wait.
 * NULL: never. */
void zc_hostlink_set_cancel(zc_hostlink *h, const volatile sig_atomic_t *flag);

/* A one-line English explanation of the last failure ("" if none). */
const char *zc_hostlink_errmsg(const zc_hostlink *h);
/* For ZC_ESTATE: the terminal's RESULT code (enum zc_wire_result). */
int zc_hostlink_last_result(const zc_hostlink *h);

/* Counters of one handle's life. */
typedef struct zc_hostlink_stats {
	uint64_t bytes_rx, bytes_tx; /* on the line */
	uint64_t frames_rx, frames_tx;
	uint64_t frames_dropped; /* bad CRC, COBS or length (decoder) */
	uint64_t stale;		 /* good frames of an older request, ignored */
	uint64_t retries;	 /* requests sent again (timeout, lost frame) */
} zc_hostlink_stats;
void zc_hostlink_get_stats(const zc_hostlink *h, zc_hostlink_stats *st);

/* Errors of the calls below (negative zc_err):
 *   ZC_EAGAIN     no answer within the timeout, after the retries
 *   ZC_ECHECKSUM  answers keep arriving garbled (a line too noisy for the
 *                 frames the terminal sends), after the retries
 *   ZC_EIO        the link broke
 *   ZC_EMALFORMED the terminal's answer does not decode
 *   ZC_EVERSION   (HELLO) the terminal speaks another protocol version
 *   ZC_ESIG       the terminal's HELLO or RESULT is not signed by its key
 *                 (over this host's nonce, over the command sent): altered
 *                 or forged on the line; a command's outcome is unknown
 *   ZC_ESTATE     the terminal refused the request with a RESULT (code in
 *                 zc_hostlink_last_result)
 * and zc_hostlink_errmsg says more. */

/* HELLO_REQ(a fresh host nonce) -> HELLO, which must be signed over that
 * nonce by the key it presents; the first HELLO's key is the session's (a
 * later HELLO with another key is refused) and every RESULT must verify
 * under it. The caller checks that key against the one it registered
 * (zc/collect.h). Remembers the terminal's id and nonce for commands.
 * *local_ms (may be NULL) is the host's CLOCK_REALTIME at the midpoint of
 * the exchange, to compare with hello->utc_ms. */
int zc_hostlink_hello(zc_hostlink *h, zc_wire_hello *hello, int64_t *local_ms);
/* STATUS_REQ -> STATUS. */
int zc_hostlink_status(zc_hostlink *h, zc_wire_status *st);

/* ---- pull ---- */

/* Progress of a pull, passed to the progress callback and returned. */
typedef struct zc_pull_progress {
	uint64_t from_seq;   /* first seq asked for */
	uint64_t next_seq;   /* the next seq expected (all below are delivered) */
	uint64_t head_seq;   /* the terminal's head as last reported (HELLO, END) */
	uint64_t records;    /* records delivered */
	uint64_t rec_bytes;  /* their bytes */
	uint64_t line_bytes; /* bytes received on the line during the pull */
	uint64_t frames;     /* RECORDS frames accepted */
	uint64_t rerequests; /* GET_RECORDS sent again (timeout or lost frame) */
	uint64_t pruned_to;  /* nonzero: records from_seq..pruned_to are gone from
			      * the terminal (collected elsewhere, then deleted) */
	uint64_t skipped;    /* records the terminal held but could not read
			      * (damaged journal entries): never sent */
	int64_t elapsed_ms;
	int done; /* END received with everything up to its head */
} zc_pull_progress;

/* Rates and time left of a pull so far: bytes and records per second over
 * elapsed_ms, and seconds until head_seq at the records rate (-1 when not
 * known yet: nothing received, or under 100 ms elapsed; 0 when caught up). */
void zc_pull_rates(const zc_pull_progress *p, double *bytes_per_s, double *records_per_s, double *eta_s);

/* Called once per record, in seq order, each seq once. Returns 0 to go on,
 * nonzero to stop the pull (zc_hostlink_pull then returns that value). raw
 * is valid only during the call. */
typedef int (*zc_pull_record_fn)(void *arg, uint64_t seq, const uint8_t *raw, size_t len);
/* Called after every RECORDS frame (and at the end). */
typedef void (*zc_pull_progress_fn)(void *arg, const zc_pull_progress *p);

typedef struct zc_pull_opts {
	uint64_t from_seq;  /* first seq wanted (>= 1) */
	uint64_t head_hint; /* the head from HELLO, for progress; 0 if unknown */
	uint16_t window;    /* RECORDS frames in flight; 0: the default 8 */
	zc_pull_record_fn on_record;
	zc_pull_progress_fn on_progress; /* may be NULL */
	void *arg;
} zc_pull_opts;

/* Pull every record from opts->from_seq to the terminal's head. Returns 0
 * once END confirmed the head was reached (*p, which may be NULL, says what
 * happened); a callback's nonzero value; or an error as above, with every
 * record delivered before it staying delivered (p->next_seq says where to
 * resume). */
int zc_hostlink_pull(zc_hostlink *h, const zc_pull_opts *opts, zc_pull_progress *p);

/* ---- signed commands ---- */

/* Send COMMAND(kind, body) signed with host_key over the terminal's current
 * nonce (from the last HELLO or RESULT; a HELLO is made first if there is
 * none) for terminal (the id the terminal reports, or for a first
 * PROVISION the id being given). Returns 0 when a RESULT came back (its
 * code, possibly a refusal, in *res), or an error as above.
 * If the RESULT does not come, a HELLO (which also brings a new nonce)
 * shows whether the command took effect where it leaves a trace:
 * ACK_COLLECTED moves the collected watermark, PROVISION the id and host
 * key; then res->code is OK with the text "accepted; result lost".
 * Otherwise it is signed again over the new nonce and resent (up to the
 * retries): for SET_TIME (with the time to set moved on by the time spent)
 * and REVOCATIONS (the same list twice is a no-op) that is harmless. On
 * ZC_WIRE_E_NONCE (a HELLO from elsewhere moved the nonce) or
 * ZC_WIRE_E_EXPIRED (the nonce is older than the terminal's window) it is
 * signed once more over a fresh nonce; a nonce older than half the window
 * is renewed (HELLO) before signing. A RESULT not signed by the session's
 * terminal key over this command is ZC_ESIG: nothing is believed. */
int zc_hostlink_command(zc_hostlink *h, const char *terminal, uint8_t kind, const uint8_t *body, size_t body_len,
			zc_privkey *host_key, zc_wire_result_msg *res);
/* The commands, with their bodies encoded as zc/wire.h describes. */
int zc_hostlink_set_time(zc_hostlink *h, const char *terminal, int64_t utc_ms, zc_privkey *host_key,
			 zc_wire_result_msg *res);
int zc_hostlink_ack_collected(zc_hostlink *h, const char *terminal, uint64_t up_to_seq, const uint8_t hash[ZC_HASH_LEN],
			      zc_privkey *host_key, zc_wire_result_msg *res);
/* PROVISION, signed for p->terminal on a terminal without an id, else for
 * the id it has (re-provisioning by the registered host). */
int zc_hostlink_provision(zc_hostlink *h, const zc_wire_provision *p, zc_privkey *host_key, zc_wire_result_msg *res);
int zc_hostlink_revocations(zc_hostlink *h, const char *terminal, const uint8_t *zrl, size_t len, zc_privkey *host_key,
			    zc_wire_result_msg *res);

/* ---- ports ---- */

/* A serial port as the system lists it. */
typedef struct zc_port_info {
	char name[256];
	char description[128];
	int usb;      /* 1: a USB serial adapter */
	int vid, pid; /* USB ids, -1 if unknown */
	char manufacturer[64], product[64], serial[64];
	int likely; /* 1: the USB-serial adapter terminals are fitted with
		     * (FTDI FT232R 0403:6001 or CH340 1a86:7523, see
		     * boards/99-zhucun.rules) */
} zc_port_info;
/* List the serial ports (sp_list_ports) in a malloc'd array; free() it. */
int zc_ports_list(zc_port_info **out, size_t *n);

#endif
